//! The semantic model: every definition and every reference that resolution
//! saw, owned (no borrow of the workspace) so that it can be kept between
//! requests, and keyed by file path so that an id never outlives its file.
//!
//! Resolution ([`crate::resolve`]) fills it while it checks: a definition is
//! recorded for each named item and region node, a reference for each
//! identifier written where a name of some kind is expected (`channels: [X]`,
//! `offer: X`, `extends: X`, an audience dimension, a row's dimension key…),
//! with the kind resolution expected. Field keys, strings and comments are
//! never references. Editor features (hover, definition, references, rename,
//! completion) read this model instead of matching text.

use std::collections::HashMap;
use std::hash::BuildHasher;

/// A hash map on the fast, non-cryptographic hasher (never iterated in
/// hash order where it matters: lists are sorted).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use std::sync::Arc;

use chrono::NaiveDate;
use koujing_grammar::Span;

use crate::resolve::Kind;

/// A name (or title) stored once in [`Names`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Name(u32);

/// Every distinct name and title of a model, each stored once: a
/// definition or reference holds a 4-byte [`Name`].
#[derive(Clone, Default)]
pub(crate) struct Names {
    list: Vec<Box<str>>,
    /// Positions in `list`, hashed by their text.
    table: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::FixedState,
}

impl std::fmt::Debug for Names {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Names({})", self.list.len())
    }
}

impl Names {
    fn find(&self, text: &str) -> Option<Name> {
        let hash = self.hasher.hash_one(text);
        self.table
            .find(hash, |&i| self.text(Name(i)) == text)
            .map(|&i| Name(i))
    }

    fn intern(&mut self, text: &str) -> Name {
        if let Some(name) = self.find(text) {
            return name;
        }
        let id = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(Box::from(text));
        let (list, hasher) = (&self.list, &self.hasher);
        let hash = hasher.hash_one(text);
        self.table.insert_unique(hash, id, |&i| {
            hasher.hash_one(list.get(i as usize).map_or("", |t| &**t))
        });
        Name(id)
    }

    fn text(&self, name: Name) -> &str {
        self.list.get(name.0 as usize).map_or("", |t| t)
    }
}

/// A definition as stored: names interned, the file by id.
#[derive(Clone, Debug)]
struct SymbolRecord {
    kind: Kind,
    name: Name,
    file: u32,
    span: Span,
    item: Span,
    title: Option<Name>,
}

/// A reference as stored.
#[derive(Clone, Debug)]
struct ReferenceRecord {
    kind: Kind,
    name: Name,
    file: u32,
    span: Span,
}

/// What resolution records while it reads the workspace: definitions and
/// references, names interned as they come.
#[derive(Clone, Debug, Default)]
pub(crate) struct Recorder {
    /// Record nothing (a check whose report needs no semantic model).
    off: bool,
    names: Names,
    symbols: Vec<SymbolRecord>,
    references: Vec<ReferenceRecord>,
}

fn file_id(file: usize) -> u32 {
    u32::try_from(file).unwrap_or(u32::MAX)
}

impl Recorder {
    /// A recorder that records nothing.
    pub(crate) fn off() -> Recorder {
        Recorder {
            off: true,
            ..Recorder::default()
        }
    }

    /// Whether this recorder records nothing.
    pub(crate) fn is_off(&self) -> bool {
        self.off
    }

    /// Record a definition in file `file`.
    pub(crate) fn symbol(
        &mut self,
        kind: Kind,
        file: usize,
        (name, span): (&str, Span),
        item: Span,
        title: Option<&str>,
    ) {
        if self.off {
            return;
        }
        let name = self.names.intern(name);
        let title = title.map(|t| self.names.intern(t));
        self.symbols.push(SymbolRecord {
            kind,
            name,
            file: file_id(file),
            span,
            item,
            title,
        });
    }

    /// Record a reference in file `file`.
    pub(crate) fn reference(&mut self, kind: Kind, file: usize, name: &str, span: Span) {
        if self.off {
            return;
        }
        let name = self.names.intern(name);
        self.references.push(ReferenceRecord {
            kind,
            name,
            file: file_id(file),
            span,
        });
    }
}

/// A definition: a named item or region node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol<'m> {
    pub kind: Kind,
    pub name: &'m str,
    /// The file's path.
    pub path: &'m str,
    /// The name's span.
    pub span: Span,
    /// The whole item's span (the node's name for a region below the root).
    pub item: Span,
    /// The item's title string, if any.
    pub title: Option<&'m str>,
}

/// A name written where an item of `kind` is expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference<'m> {
    pub kind: Kind,
    pub name: &'m str,
    pub path: &'m str,
    pub span: Span,
}

/// A definition or a reference, as found under a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence<'m> {
    pub kind: Kind,
    pub name: &'m str,
    pub path: &'m str,
    pub span: Span,
    /// A definition (`true`) or a reference.
    pub definition: bool,
}

/// Where a definition or reference is stored: the high bit set for a
/// reference, the rest its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot(u32);

const REFERENCE: u32 = 1 << 31;

/// The model of one checked workspace.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Path of each file id of the check that built this model: a
    /// diagnostic's `file` is read through this, never through a workspace
    /// that may have changed since.
    pub paths: Vec<Arc<str>>,
    /// The date each support is effectively ready (its `requires` included).
    pub effective_ready: HashMap<String, NaiveDate>,
    recorded: Recorder,
    /// (kind, name) → where its definitions start in `targets`, how many
    /// there are, and how many references follow them.
    by_target: FastMap<(Kind, Name), (u32, u32, u32)>,
    /// Every slot, grouped by (kind, name): definitions then references,
    /// each in workspace order.
    targets: Vec<Slot>,
    /// Path → file id.
    file_ids: FastMap<Arc<str>, u32>,
    /// Per file id: its slots, sorted by span.
    by_file: Vec<Vec<Slot>>,
}

impl Model {
    /// Build the lookup tables; call once after filling.
    fn finish(&mut self) {
        self.file_ids = self
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.clone(), file_id(i)))
            .collect();
        let symbols = self
            .recorded
            .symbols
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.kind, s.name), s.file, Slot(file_id(i))));
        let references = self
            .recorded
            .references
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.kind, r.name), r.file, Slot(file_id(i) | REFERENCE)));
        let mut all: Vec<((Kind, Name), u32, Slot)> = symbols.chain(references).collect();
        self.by_file = vec![Vec::new(); self.paths.len()];
        for &(_, file, slot) in &all {
            if let Some(list) = self.by_file.get_mut(file as usize) {
                list.push(slot);
            }
        }
        let mut by_file = std::mem::take(&mut self.by_file);
        for list in &mut by_file {
            list.sort_by_key(|&slot| self.span(slot).map(|span| (span.start, span.end)));
            list.shrink_to_fit();
        }
        self.by_file = by_file;
        // Stable: definitions (recorded first) before references, each in
        // workspace order.
        all.sort_by_key(|&(key, _, _)| key);
        self.targets = all.iter().map(|&(_, _, slot)| slot).collect();
        self.by_target = FastMap::default();
        let mut start = 0;
        for group in all.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(key, _, _)) = group.first() else {
                continue;
            };
            let defs = group.iter().filter(|g| g.2 .0 & REFERENCE == 0).count();
            let (defs, len) = (file_id(defs), file_id(group.len()));
            self.by_target.insert(key, (start, defs, len - defs));
            start += len;
        }
    }

    /// The span of a definition's or reference's name.
    fn span(&self, slot: Slot) -> Option<Span> {
        let i = (slot.0 & !REFERENCE) as usize;
        if slot.0 & REFERENCE == 0 {
            self.recorded.symbols.get(i).map(|s| s.span)
        } else {
            self.recorded.references.get(i).map(|r| r.span)
        }
    }

    /// The path of a file id of the check that built this model.
    pub fn path(&self, file: usize) -> Option<&str> {
        self.paths.get(file).map(|p| &**p)
    }

    fn path_of(&self, file: u32) -> &str {
        self.path(file as usize).unwrap_or_default()
    }

    fn symbol(&self, s: &SymbolRecord) -> Symbol<'_> {
        let names = &self.recorded.names;
        Symbol {
            kind: s.kind,
            name: names.text(s.name),
            path: self.path_of(s.file),
            span: s.span,
            item: s.item,
            title: s.title.map(|t| names.text(t)),
        }
    }

    fn reference(&self, r: &ReferenceRecord) -> Reference<'_> {
        Reference {
            kind: r.kind,
            name: self.recorded.names.text(r.name),
            path: self.path_of(r.file),
            span: r.span,
        }
    }

    /// Definitions, in workspace order (duplicates included).
    pub fn symbols(&self) -> impl Iterator<Item = Symbol<'_>> + '_ {
        self.recorded.symbols.iter().map(|s| self.symbol(s))
    }

    /// References, in workspace order.
    pub fn references(&self) -> impl Iterator<Item = Reference<'_>> + '_ {
        self.recorded.references.iter().map(|r| self.reference(r))
    }

    fn occurrence(&self, slot: Slot) -> Option<Occurrence<'_>> {
        let i = (slot.0 & !REFERENCE) as usize;
        if slot.0 & REFERENCE == 0 {
            let s = self.symbol(self.recorded.symbols.get(i)?);
            Some(Occurrence {
                kind: s.kind,
                name: s.name,
                path: s.path,
                span: s.span,
                definition: true,
            })
        } else {
            let r = self.reference(self.recorded.references.get(i)?);
            Some(Occurrence {
                kind: r.kind,
                name: r.name,
                path: r.path,
                span: r.span,
                definition: false,
            })
        }
    }

    fn file_list(&self, path: &str) -> Option<&Vec<Slot>> {
        let &file = self.file_ids.get(path)?;
        self.by_file.get(file as usize)
    }

    /// The definition or reference whose name covers `offset` (its end
    /// included, for a cursor just after a name).
    pub fn at(&self, path: &str, offset: usize) -> Option<Occurrence<'_>> {
        let list = self.file_list(path)?;
        let after =
            list.partition_point(|&slot| self.span(slot).is_some_and(|s| s.start <= offset));
        list.get(..after)?
            .iter()
            .rev()
            .take(8)
            .find(|&&slot| {
                self.span(slot)
                    .is_some_and(|span| span.start <= offset && offset <= span.end)
            })
            .and_then(|&slot| self.occurrence(slot))
    }

    /// Every definition and reference in one file, in order.
    pub fn in_file(&self, path: &str) -> impl Iterator<Item = Occurrence<'_>> + '_ {
        self.file_list(path)
            .into_iter()
            .flatten()
            .filter_map(|&slot| self.occurrence(slot))
    }

    /// The definitions and the references of a name of a kind, as slots.
    fn target(&self, kind: Kind, name: &str) -> (&[Slot], &[Slot]) {
        let found = self
            .recorded
            .names
            .find(name)
            .and_then(|name| self.by_target.get(&(kind, name)));
        let Some(&(start, defs, refs)) = found else {
            return (&[], &[]);
        };
        let (start, defs, refs) = (start as usize, defs as usize, refs as usize);
        let all = self
            .targets
            .get(start..start + defs + refs)
            .unwrap_or_default();
        all.split_at_checked(defs).unwrap_or_default()
    }

    /// The definitions of a name of a kind (more than one: a duplicate).
    pub fn definitions(&self, kind: Kind, name: &str) -> impl Iterator<Item = Symbol<'_>> + '_ {
        self.target(kind, name).0.iter().filter_map(|&slot| {
            self.recorded
                .symbols
                .get(slot.0 as usize)
                .map(|s| self.symbol(s))
        })
    }

    /// The first definition of a name of a kind (the one resolution uses).
    pub fn definition(&self, kind: Kind, name: &str) -> Option<Symbol<'_>> {
        self.definitions(kind, name).next()
    }

    /// The references to a name of a kind.
    pub fn references_to(
        &self,
        kind: Kind,
        name: &str,
    ) -> impl Iterator<Item = Reference<'_>> + '_ {
        self.target(kind, name).1.iter().filter_map(|&slot| {
            self.recorded
                .references
                .get((slot.0 & !REFERENCE) as usize)
                .map(|r| self.reference(r))
        })
    }

    /// The first definition of every name of a kind, sorted by name.
    pub fn symbols_of(&self, kind: Kind) -> Vec<Symbol<'_>> {
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<Symbol<'_>> = self
            .recorded
            .symbols
            .iter()
            .filter(|s| s.kind == kind && seen.insert(s.name))
            .map(|s| self.symbol(s))
            .collect();
        out.sort_by(|a, b| a.name.cmp(b.name));
        out
    }
}

/// Assemble the model of a resolved workspace from the definitions the
/// index recorded and the references resolution recorded.
pub(crate) fn build(
    workspace: &crate::Workspace,
    index: &crate::resolve::Index<'_>,
    recorded: Recorder,
) -> Model {
    let readiness = crate::checks::support::readiness(index);
    let effective_ready = index
        .supports
        .defs
        .iter()
        .zip(readiness.effective.iter())
        .filter_map(|(def, date)| Some((def.item.name.text.to_string(), (*date)?)))
        .collect();
    let mut model = Model {
        paths: workspace
            .files
            .iter()
            .map(|f| Arc::from(f.path.as_str()))
            .collect(),
        effective_ready,
        recorded,
        ..Model::default()
    };
    model.finish();
    model
}
