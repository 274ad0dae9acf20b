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

/// A hash map on the fast, non-cryptographic hasher (never iterated in
/// hash order where it matters: lists are sorted).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use std::sync::Arc;

use chrono::NaiveDate;
use koujing_grammar::Span;

use crate::resolve::Kind;

/// A definition: a named item or region node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub kind: Kind,
    pub name: String,
    /// The file's path.
    pub path: Arc<str>,
    /// The name's span.
    pub span: Span,
    /// The whole item's span (the node's name for a region below the root).
    pub item: Span,
    /// The item's title string, if any.
    pub title: Option<String>,
}

/// A name written where an item of `kind` is expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub kind: Kind,
    pub name: String,
    pub path: Arc<str>,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Symbol(usize),
    Reference(usize),
}

/// The model of one checked workspace.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Path of each file id of the check that built this model: a
    /// diagnostic's `file` is read through this, never through a workspace
    /// that may have changed since.
    pub paths: Vec<Arc<str>>,
    /// Definitions, in workspace order (duplicates included).
    pub symbols: Vec<Symbol>,
    /// References, in workspace order.
    pub references: Vec<Reference>,
    /// The date each support is effectively ready (its `requires` included).
    pub effective_ready: HashMap<String, NaiveDate>,
    by_target: FastMap<(Kind, String), (Vec<usize>, Vec<usize>)>,
    /// Per file: (span, slot), sorted by span start.
    by_file: FastMap<Arc<str>, Vec<(Span, Slot)>>,
}

impl Model {
    /// Build the lookup tables; call once after filling.
    pub(crate) fn finish(&mut self) {
        self.by_target.clear();
        self.by_file.clear();
        for (i, s) in self.symbols.iter().enumerate() {
            self.by_target
                .entry((s.kind, s.name.clone()))
                .or_default()
                .0
                .push(i);
            self.by_file
                .entry(s.path.clone())
                .or_default()
                .push((s.span, Slot::Symbol(i)));
        }
        for (i, r) in self.references.iter().enumerate() {
            self.by_target
                .entry((r.kind, r.name.clone()))
                .or_default()
                .1
                .push(i);
            self.by_file
                .entry(r.path.clone())
                .or_default()
                .push((r.span, Slot::Reference(i)));
        }
        for list in self.by_file.values_mut() {
            list.sort_by_key(|(span, _)| (span.start, span.end));
        }
    }

    /// The path of a file id of the check that built this model.
    pub fn path(&self, file: usize) -> Option<&str> {
        self.paths.get(file).map(|p| &**p)
    }

    fn occurrence(&self, slot: Slot) -> Option<Occurrence<'_>> {
        match slot {
            Slot::Symbol(i) => self.symbols.get(i).map(|s| Occurrence {
                kind: s.kind,
                name: &s.name,
                path: &s.path,
                span: s.span,
                definition: true,
            }),
            Slot::Reference(i) => self.references.get(i).map(|r| Occurrence {
                kind: r.kind,
                name: &r.name,
                path: &r.path,
                span: r.span,
                definition: false,
            }),
        }
    }

    /// The definition or reference whose name covers `offset` (its end
    /// included, for a cursor just after a name).
    pub fn at(&self, path: &str, offset: usize) -> Option<Occurrence<'_>> {
        let list = self.by_file.get(path)?;
        let after = list.partition_point(|(span, _)| span.start <= offset);
        list.get(..after)?
            .iter()
            .rev()
            .take(8)
            .find(|(span, _)| span.start <= offset && offset <= span.end)
            .and_then(|&(_, slot)| self.occurrence(slot))
    }

    /// Every definition and reference in one file, in order.
    pub fn in_file(&self, path: &str) -> impl Iterator<Item = Occurrence<'_>> + '_ {
        self.by_file
            .get(path)
            .into_iter()
            .flatten()
            .filter_map(|&(_, slot)| self.occurrence(slot))
    }

    /// The definitions of a name of a kind (more than one: a duplicate).
    pub fn definitions(&self, kind: Kind, name: &str) -> impl Iterator<Item = &Symbol> + '_ {
        self.by_target
            .get(&(kind, name.to_string()))
            .into_iter()
            .flat_map(|(defs, _)| defs.iter().filter_map(|&i| self.symbols.get(i)))
    }

    /// The first definition of a name of a kind (the one resolution uses).
    pub fn definition(&self, kind: Kind, name: &str) -> Option<&Symbol> {
        self.definitions(kind, name).next()
    }

    /// The references to a name of a kind.
    pub fn references_to(&self, kind: Kind, name: &str) -> impl Iterator<Item = &Reference> + '_ {
        self.by_target
            .get(&(kind, name.to_string()))
            .into_iter()
            .flat_map(|(_, refs)| refs.iter().filter_map(|&i| self.references.get(i)))
    }

    /// The first definition of every name of a kind, sorted by name.
    pub fn symbols_of(&self, kind: Kind) -> Vec<&Symbol> {
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<&Symbol> = self
            .symbols
            .iter()
            .filter(|s| s.kind == kind && seen.insert(s.name.as_str()))
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// Assemble the model of a resolved workspace from the definitions the
/// index recorded and the references resolution recorded.
pub fn build(
    workspace: &crate::Workspace,
    index: &crate::resolve::Index<'_>,
    symbols: Vec<Symbol>,
    references: Vec<Reference>,
) -> Model {
    let readiness = crate::checks::support::readiness(index);
    let effective_ready = index
        .supports
        .defs
        .iter()
        .zip(readiness.effective.iter())
        .filter_map(|(def, date)| Some((def.item.name.text.clone(), (*date)?)))
        .collect();
    let mut model = Model {
        paths: workspace
            .files
            .iter()
            .map(|f| Arc::from(f.path.as_str()))
            .collect(),
        symbols,
        references,
        effective_ready,
        ..Model::default()
    };
    model.finish();
    model
}
