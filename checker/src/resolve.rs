//! Name resolution: one symbol table per item kind, the region tree, and the
//! reference checks KJ1001 (unknown, with did-you-mean), KJ1002 (duplicate),
//! KJ1003 (wrong kind), KJ1005 (unit of an audience or row condition) and
//! KJ1009 (audience value not in the dimension).

use std::collections::HashMap;

/// A hash map on the fast, non-cryptographic hasher: names here are the
/// workspace's own, and nothing iterates these maps in hash order.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
use std::ops::Range;

use koujing_grammar::ast::*;
use koujing_grammar::suggest::did_you_mean;
use koujing_grammar::{Arg, Fix, Span};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, FileId, LocalText};
use crate::messages::NoteMsg as N;
use crate::semantic::Recorder;
use crate::workspace::Workspace;

/// What every named item has: a name, a span and an optional title.
pub use koujing_grammar::ast::Named;
/// The kinds of named things (from the grammar's item table).
pub use koujing_grammar::kinds::Kind;

/// An item and the file it is in.
#[derive(Debug)]
pub struct Def<'w, T> {
    pub file: FileId,
    pub item: &'w T,
}

impl<T> Clone for Def<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Def<'_, T> {}

/// The items of one kind: in workspace order, first definition of each name.
#[derive(Debug)]
pub struct Table<'w, T> {
    pub defs: Vec<Def<'w, T>>,
    by_name: FastMap<&'w str, usize>,
}

impl<T> Default for Table<'_, T> {
    fn default() -> Self {
        Table {
            defs: Vec::new(),
            by_name: FastMap::default(),
        }
    }
}

impl<'w, T> Table<'w, T> {
    pub fn get(&self, name: &str) -> Option<Def<'w, T>> {
        self.by_name
            .get(name)
            .and_then(|&i| self.defs.get(i))
            .copied()
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    pub fn names(&self) -> impl Iterator<Item = &'w str> + '_ {
        self.by_name.keys().copied()
    }

    pub fn len(&self) -> usize {
        self.defs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Add a definition; on a duplicate, the first definition.
    fn insert(&mut self, name: &'w str, def: Def<'w, T>) -> Result<(), Def<'w, T>> {
        if let Some(first) = self.get(name) {
            return Err(first);
        }
        self.by_name.insert(name, self.defs.len());
        self.defs.push(def);
        Ok(())
    }
}

/// A node of the region tree.
#[derive(Clone, Debug)]
pub struct RegionDef<'w> {
    pub name: &'w Ident,
    pub file: FileId,
    pub parent: Option<usize>,
    /// 0 the province, 1 a city, 2 a county.
    pub depth: usize,
    /// The node's leaves, as positions in [`Index::leaves`].
    pub leaves: Range<usize>,
}

/// The resolved workspace, generated from the item table: one name
/// [`Table`] per named kind (`index.channels`, `index.campaigns`, …), plus
/// the region tree and the limits blocks.
macro_rules! define_index {
    ($([$(#[doc = $doc:literal])* $kind:ident $keyword:literal $variant:ident($payload:ty) $ast:ident
        ($($table:ident by $lower:ident)?) ($zh:literal, $en:literal)
        ($symbol:ident, $completion:ident, $token:ident) ($fields:expr) $example:literal])*) => {
        /// The resolved workspace: every table the analyses need.
        #[derive(Debug, Default)]
        pub struct Index<'w> {
            pub regions: Vec<RegionDef<'w>>,
            region_by_name: FastMap<&'w str, usize>,
            /// Leaf position → region index.
            pub leaves: Vec<usize>,
            $($(
                #[doc = concat!("The `", $keyword, "` items by name.")]
                pub $table: Table<'w, $ast>,
            )?)*
            /// Global limits blocks first, then regional ones, each in workspace
            /// order; the blocks of one scope merge (v2).
            pub limits: Vec<Def<'w, Limits>>,
            /// Every definition (duplicates included), for the semantic model.
            pub(crate) recorded: Recorder,
        }

        impl<'w> Index<'w> {
            /// The names of one kind, behind one dispatch that the look-ups share.
            fn table(&self, kind: Kind) -> Option<&dyn NameTable<'w>> {
                match kind {
                    Kind::Region => Some(&self.region_by_name),
                    $($(Kind::$kind => Some(&self.$table),)?)*
                    _ => None,
                }
            }
        }

        impl<'w> Builder<'w> {
            /// Add an item of a named kind to its table; `false` for the
            /// kinds read apart (`regions`, `limits`).
            fn add_named(&mut self, file: FileId, item: &'w Item) -> bool {
                match item {
                    $($(Item::$variant(x) => {
                        let x: &'w $ast = x;
                        self.add(Kind::$kind, file, x, |i| &mut i.$table);
                    })?)*
                    _ => return false,
                }
                true
            }
        }
    };
}

koujing_grammar::item_kinds!(define_index);

impl<'w> Index<'w> {
    pub fn region(&self, name: &str) -> Option<&RegionDef<'w>> {
        self.region_by_name
            .get(name)
            .and_then(|&i| self.regions.get(i))
    }

    pub fn region_index(&self, name: &str) -> Option<usize> {
        self.region_by_name.get(name).copied()
    }

    /// Which kinds have an item of this name.
    fn kinds_of(&self, name: &str) -> Vec<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .filter(|&kind| self.has(kind, name))
            .collect()
    }

    fn has(&self, kind: Kind, name: &str) -> bool {
        self.table(kind).is_some_and(|table| table.contains(name))
    }

    fn names_of(&self, kind: Kind) -> Vec<&'w str> {
        let mut names = self
            .table(kind)
            .map(|table| table.all_names())
            .unwrap_or_default();
        names.sort_unstable();
        names
    }
}

/// What name look-up needs of a table, whatever it holds.
trait NameTable<'w> {
    fn contains(&self, name: &str) -> bool;
    fn all_names(&self) -> Vec<&'w str>;
}

impl<'w, T> NameTable<'w> for Table<'w, T> {
    fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }
    fn all_names(&self) -> Vec<&'w str> {
        self.names().collect()
    }
}

impl<'w> NameTable<'w> for FastMap<&'w str, usize> {
    fn contains(&self, name: &str) -> bool {
        self.contains_key(name)
    }
    fn all_names(&self) -> Vec<&'w str> {
        self.keys().copied().collect()
    }
}

/// KJ1001 with a did-you-mean among `candidates`.
pub fn unknown(file: FileId, ident: &Ident, kind: Arg, candidates: &[&str]) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        Code::KJ1001,
        file,
        ident.span,
        &[("kind", kind), ("name", Arg::plain(&ident.text))],
    );
    if let Some(best) = did_you_mean(&ident.text, candidates.iter().copied()) {
        diagnostic = diagnostic.fix(Fix::did_you_mean(ident.span, best));
    }
    diagnostic
}

struct Builder<'w> {
    index: Index<'w>,
    diagnostics: Vec<Diagnostic>,
    /// The file being read.
    file: FileId,
}

fn defined_here() -> LocalText {
    N::FirstDefinedHere.text(&[])
}

impl<'w> Builder<'w> {
    fn symbol(&mut self, kind: Kind, name: &Ident, item: Span, title: Option<&StrLit>) {
        self.index.recorded.symbol(
            kind,
            self.file,
            (&name.text, name.span),
            item,
            title.map(|t| t.value.as_str()),
        );
    }

    fn duplicate(
        &mut self,
        kind: Kind,
        file: FileId,
        name: &Ident,
        first_file: FileId,
        first_span: Span,
    ) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::KJ1002,
                file,
                name.span,
                &[("kind", kind.text()), ("name", Arg::plain(&name.text))],
            )
            .related(first_file, first_span, defined_here()),
        );
    }

    /// Add a named item to its table; a second item of that name is KJ1002.
    fn add<T: Named>(
        &mut self,
        kind: Kind,
        file: FileId,
        item: &'w T,
        table: for<'x> fn(&'x mut Index<'w>) -> &'x mut Table<'w, T>,
    ) {
        let name = item.name();
        self.symbol(kind, name, item.span(), item.title());
        if let Err(first) = table(&mut self.index).insert(&name.text, Def { file, item }) {
            let first_span = first.item.name().span;
            self.duplicate(kind, file, name, first.file, first_span);
        }
    }

    fn add_region(
        &mut self,
        file: FileId,
        name: &'w Ident,
        parent: Option<usize>,
        depth: usize,
        (span, title): (Span, Option<&StrLit>),
    ) -> Option<usize> {
        self.symbol(Kind::Region, name, span, title);
        if let Some(first) = self.index.region(&name.text) {
            let (first_file, first_span) = (first.file, first.name.span);
            self.duplicate(Kind::Region, file, name, first_file, first_span);
            return None;
        }
        let at = self.index.regions.len();
        self.index.regions.push(RegionDef {
            name,
            file,
            parent,
            depth,
            leaves: 0..0,
        });
        self.index.region_by_name.insert(&name.text, at);
        Some(at)
    }

    /// A region node and, below it, its children; records the node's leaves.
    fn region_node(
        &mut self,
        file: FileId,
        name: &'w Ident,
        children: &'w [RegionNode],
        parent: Option<usize>,
        depth: usize,
        place: (Span, Option<&StrLit>),
    ) {
        let Some(at) = self.add_region(file, name, parent, depth, place) else {
            return;
        };
        let first_leaf = self.index.leaves.len();
        if children.is_empty() {
            self.index.leaves.push(at);
        }
        for child in children {
            let place = (child.name.span, None);
            self.region_node(
                file,
                &child.name,
                &child.children,
                Some(at),
                depth + 1,
                place,
            );
        }
        let end = self.index.leaves.len();
        if let Some(region) = self.index.regions.get_mut(at) {
            region.leaves = first_leaf..end;
        }
    }
}

/// Build the index of a workspace, reporting duplicates (KJ1002).
pub fn build_index(workspace: &Workspace) -> (Index<'_>, Vec<Diagnostic>) {
    build_index_recording(workspace, true)
}

/// [`build_index`], recording definitions for the semantic model only
/// when `record` is set.
pub(crate) fn build_index_recording(
    workspace: &Workspace,
    record: bool,
) -> (Index<'_>, Vec<Diagnostic>) {
    let mut builder = Builder {
        index: Index {
            recorded: if record {
                Recorder::default()
            } else {
                Recorder::off()
            },
            ..Index::default()
        },
        diagnostics: Vec::new(),
        file: 0,
    };
    type FieldsSeen<'a> = HashMap<&'a str, (FileId, Span)>;
    let mut limit_fields: HashMap<Option<&str>, FieldsSeen<'_>> = HashMap::new();
    for (file, source) in workspace.files.iter().enumerate() {
        builder.file = file;
        for item in &source.parsed.module.items {
            if builder.add_named(file, item) {
                continue;
            }
            match item {
                Item::Regions(regions) => builder.region_node(
                    file,
                    &regions.name,
                    &regions.children,
                    None,
                    0,
                    (regions.span, regions.title.as_ref()),
                ),
                Item::Limits(x) => {
                    // v2: the blocks of one scope merge; only a field set in
                    // two blocks of the same scope is KJ1002, on the later.
                    let scope = x.region.as_ref().map(|r| r.text.as_str());
                    let seen = limit_fields.entry(scope).or_default();
                    for (field, span) in &x.fields {
                        match seen.get(field.as_str()) {
                            Some(&(first_file, first_span)) => builder.diagnostics.push(
                                Diagnostic::new(
                                    Code::KJ1002,
                                    file,
                                    *span,
                                    &[
                                        ("kind", Kind::Limits.text()),
                                        (
                                            "name",
                                            Arg::plain(match scope {
                                                Some(region) => format!("{region}.{field}"),
                                                None => field.clone(),
                                            }),
                                        ),
                                    ],
                                )
                                .related(
                                    first_file,
                                    first_span,
                                    defined_here(),
                                ),
                            ),
                            None => {
                                seen.insert(field.as_str(), (file, *span));
                            }
                        }
                    }
                    builder.index.limits.push(Def { file, item: x });
                }
                // Named kinds: in their tables already.
                _ => {}
            }
        }
    }
    // Global limits first.
    builder
        .index
        .limits
        .sort_by_key(|d| d.item.region.is_some());
    (builder.index, builder.diagnostics)
}

/// Check every reference of the workspace.
pub fn check_references(workspace: &Workspace, index: &Index<'_>) -> Vec<Diagnostic> {
    resolve_references(workspace, index, &mut Recorder::default())
}

/// Check every reference of the workspace and record each one (resolved or
/// not) with the kind it must name, in workspace order, in `recorded`.
/// When `recorded` records nothing (no semantic model is built), the
/// files are resolved on every core; the diagnostics come out in file
/// order either way.
pub(crate) fn resolve_references(
    workspace: &Workspace,
    index: &Index<'_>,
    recorded: &mut Recorder,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let file_refs = |file: FileId, source: &crate::SourceFile, recorded: &mut Recorder| {
        let mut checker = RefChecker {
            index,
            diagnostics: Vec::new(),
            recorded,
            file,
        };
        for item in &source.parsed.module.items {
            checker.item(item);
        }
        checker.diagnostics
    };
    if recorded.is_off() {
        let per_file: Vec<Vec<Diagnostic>> = workspace
            .files
            .par_iter()
            .enumerate()
            .map(|(file, source)| file_refs(file, source, &mut Recorder::off()))
            .collect();
        return per_file.into_iter().flatten().collect();
    }
    let mut diagnostics = Vec::new();
    for (file, source) in workspace.files.iter().enumerate() {
        diagnostics.append(&mut file_refs(file, source, recorded));
    }
    diagnostics
}

struct RefChecker<'a, 'w> {
    index: &'a Index<'w>,
    diagnostics: Vec<Diagnostic>,
    recorded: &'a mut Recorder,
    file: FileId,
}

impl<'w> RefChecker<'_, 'w> {
    fn record(&mut self, ident: &Ident, kind: Kind) {
        self.recorded
            .reference(kind, self.file, &ident.text, ident.span);
    }

    /// Resolve a reference; report KJ1003 or KJ1001 when it does not resolve.
    fn expect(&mut self, ident: &Ident, kind: Kind) -> bool {
        self.record(ident, kind);
        if self.index.has(kind, &ident.text) {
            return true;
        }
        let others = self.index.kinds_of(&ident.text);
        if let Some(found) = others.first() {
            self.diagnostics.push(Diagnostic::new(
                Code::KJ1003,
                self.file,
                ident.span,
                &[
                    ("name", Arg::plain(&ident.text)),
                    ("found", found.with_article()),
                    ("expected", kind.with_article()),
                ],
            ));
        } else {
            let names = self.index.names_of(kind);
            self.diagnostics
                .push(unknown(self.file, ident, kind.text(), &names));
        }
        false
    }

    fn expect_all(&mut self, idents: &[Ident], kind: Kind) {
        for ident in idents {
            self.expect(ident, kind);
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Channel(channel) => {
                if let Some(grading) = &channel.grading {
                    self.expect(grading, Kind::Grading);
                }
            }
            Item::Support(support) => {
                if let Some(channels) = &support.channels {
                    self.expect_all(channels, Kind::Channel);
                }
                self.expect_all(&support.requires, Kind::Support);
            }
            Item::Campaign(campaign) => self.campaign(campaign),
            Item::Commission(commission) => self.commission(commission),
            Item::Limits(limits) => {
                if let Some(region) = &limits.region {
                    self.expect(region, Kind::Region);
                }
                for (_, channels) in &limits.commission_channels {
                    self.expect_all(channels, Kind::Channel);
                }
                let grades = self.all_grades();
                for (_, grade) in &limits.commission_min_grade {
                    if !grades.contains(&grade.text.as_str()) {
                        self.diagnostics.push(unknown(
                            self.file,
                            grade,
                            N::WordGrade.text(&[]).into(),
                            &grades,
                        ));
                    }
                }
            }
            Item::Mix(mix) => self.mix(mix),
            // Kinds without references.
            _ => {}
        }
    }

    /// Every grade of every grading model, sorted.
    fn all_grades(&self) -> Vec<&'w str> {
        let mut grades: Vec<&str> = self
            .index
            .gradings
            .defs
            .iter()
            .flat_map(|d| d.item.grades.iter().map(|g| g.name.text.as_str()))
            .collect();
        grades.sort_unstable();
        grades.dedup();
        grades
    }

    /// Grades of the grading models of some channels, in first-seen order.
    fn grades_of(&self, channels: &[Ident]) -> Vec<&'w str> {
        let mut grades: Vec<&str> = Vec::new();
        for channel in channels {
            let model = self
                .index
                .channels
                .get(&channel.text)
                .and_then(|c| c.item.grading.as_ref());
            if let Some(model) = model.and_then(|m| self.index.gradings.get(&m.text)) {
                for band in &model.item.grades {
                    if !grades.contains(&band.name.text.as_str()) {
                        grades.push(&band.name.text);
                    }
                }
            }
        }
        grades
    }

    /// The references of a `mix` reference case (v2).
    fn mix(&mut self, mix: &Mix) {
        let Some(reference) = &mix.reference else {
            return;
        };
        for (field, present) in [
            ("date", reference.date.is_some()),
            ("channel", reference.channel.is_some()),
        ] {
            if !present {
                self.diagnostics.push(Diagnostic::new(
                    Code::KJ1006,
                    self.file,
                    mix.name.span,
                    &[
                        (
                            "item",
                            Arg::plain(format!("mix `{}` reference", mix.name.text)),
                        ),
                        ("field", Arg::plain(field)),
                    ],
                ));
            }
        }
        if let Some(channel) = &reference.channel {
            self.expect(channel, Kind::Channel);
        }
        if let Some(product) = &reference.product {
            self.expect(product, Kind::Product);
        }
        if let Some(grade) = &reference.grade {
            let grades = self.grades_of(reference.channel.as_slice());
            if !grades.contains(&grade.text.as_str()) {
                self.diagnostics.push(unknown(
                    self.file,
                    grade,
                    N::WordGrade.text(&[]).into(),
                    &grades,
                ));
            }
        }
        for setting in &reference.dimensions {
            let Some(dimension) = self.expect_dimension(&setting.key) else {
                continue;
            };
            match &setting.value {
                ReferenceValue::Name(name) => {
                    self.enum_values(dimension.item, std::slice::from_ref(name), name.span)
                }
                ReferenceValue::Quantity(q) => self.numeric(dimension.item, q.node.unit, q.span),
            }
        }
    }

    /// `issuer` (the province or a city) and `regions` (v2).
    fn issuer_and_regions(&mut self, issuer: Option<&Ident>, regions: Option<&[Ident]>) {
        if let Some(issuer) = issuer {
            if self.expect(issuer, Kind::Region)
                && self.index.region(&issuer.text).is_some_and(|r| r.depth > 1)
            {
                self.diagnostics.push(Diagnostic::new(
                    Code::KJ1003,
                    self.file,
                    issuer.span,
                    &[
                        ("name", Arg::plain(&issuer.text)),
                        ("found", N::WordCounty.text(&[]).into()),
                        ("expected", N::WordIssuer.text(&[]).into()),
                    ],
                ));
            }
        }
        if let Some(regions) = regions {
            self.expect_all(regions, Kind::Region);
        }
    }

    fn campaign(&mut self, campaign: &Campaign) {
        self.issuer_and_regions(campaign.issuer.as_ref(), campaign.regions.as_deref());
        if let Some(offer) = &campaign.offer {
            self.expect(offer, Kind::Product);
        }
        self.expect_all(&campaign.channels, Kind::Channel);
        if let Some(extends) = &campaign.extends {
            self.expect(extends, Kind::Campaign);
        }
        self.expect_all(&campaign.requires, Kind::Support);
        if let Stacking::With(partners) = &campaign.stacking.node {
            self.expect_all(partners, Kind::Campaign);
        }
        for constraint in &campaign.audience {
            let Some(dimension) = self.expect_dimension(&constraint.dimension) else {
                continue;
            };
            match &constraint.value {
                AudienceValue::Values(values) => {
                    self.enum_values(dimension.item, values, constraint.span)
                }
                AudienceValue::Range(range) => {
                    self.numeric(dimension.item, range.node.unit, range.span)
                }
            }
        }
    }

    /// Values of an enumerated dimension (KJ1009), or KJ1005 on a numeric one.
    /// A reference that must name a dimension: recorded and checked
    /// (KJ1001/KJ1003), then the dimension when it is one.
    fn expect_dimension(&mut self, key: &Ident) -> Option<Def<'w, Dimension>> {
        if !self.expect(key, Kind::Dimension) {
            return None;
        }
        self.index.dimensions.get(&key.text)
    }

    fn enum_values(&mut self, dimension: &Dimension, values: &[Ident], span: Span) {
        let Some(allowed) = &dimension.values else {
            self.diagnostics.push(Diagnostic::new(
                Code::KJ1005,
                self.file,
                span,
                &[
                    (
                        "expected",
                        N::DimensionRange
                            .text(&[("dimension", &dimension.name.text)])
                            .into(),
                    ),
                    ("found", N::WordValueList.text(&[]).into()),
                ],
            ));
            return;
        };
        let allowed_names: Vec<&str> = allowed.iter().map(|v| v.text.as_str()).collect();
        for value in values {
            if !allowed_names.contains(&value.text.as_str()) {
                let mut diagnostic = Diagnostic::new(
                    Code::KJ1009,
                    self.file,
                    value.span,
                    &[
                        ("value", Arg::plain(&value.text)),
                        ("dimension", Arg::plain(&dimension.name.text)),
                        ("values", Arg::plain(allowed_names.join(", "))),
                    ],
                );
                if let Some(best) = did_you_mean(&value.text, allowed_names.iter().copied()) {
                    diagnostic = diagnostic.fix(Fix::did_you_mean(value.span, best));
                }
                self.diagnostics.push(diagnostic);
            }
        }
    }

    /// A range on a numeric dimension: the units must agree (KJ1005).
    fn numeric(&mut self, dimension: &Dimension, unit: Unit, span: Span) {
        let expected = match &dimension.unit {
            Some(u) => u.node,
            None => {
                self.diagnostics.push(Diagnostic::new(
                    Code::KJ1005,
                    self.file,
                    span,
                    &[
                        (
                            "expected",
                            N::DimensionValues
                                .text(&[("dimension", &dimension.name.text)])
                                .into(),
                        ),
                        ("found", N::WordNumericRange.text(&[]).into()),
                    ],
                ));
                return;
            }
        };
        if unit != expected && unit != Unit::Plain {
            self.diagnostics.push(Diagnostic::new(
                Code::KJ1005,
                self.file,
                span,
                &[
                    (
                        "expected",
                        N::WordUnit.text(&[("unit", &expected.as_str())]).into(),
                    ),
                    (
                        "found",
                        N::WordUnit.text(&[("unit", &unit.as_str())]).into(),
                    ),
                ],
            ));
        }
    }

    fn commission(&mut self, commission: &Commission) {
        self.expect_all(&commission.channels, Kind::Channel);
        self.issuer_and_regions(commission.issuer.as_ref(), commission.regions.as_deref());
        if let Some(overrides) = &commission.overrides {
            self.expect(overrides, Kind::Commission);
        }
        let grades = self.grades_of(&commission.channels);
        for row in &commission.rows {
            for condition in &row.conditions {
                self.condition(condition, &grades);
            }
        }
    }

    fn condition(&mut self, condition: &RowCondition, grades: &[&str]) {
        let key = condition.key.text.as_str();
        let names_expected = |this: &mut Self, what: N| {
            this.diagnostics.push(Diagnostic::new(
                Code::KJ1005,
                this.file,
                condition.span,
                &[
                    ("expected", what.text(&[]).into()),
                    ("found", N::WordNumericRange.text(&[]).into()),
                ],
            ));
        };
        match (key, &condition.value) {
            ("product", ConditionValue::Names(names)) => self.expect_all(names, Kind::Product),
            ("product", ConditionValue::Interval(_)) => names_expected(self, N::WordProductNames),
            ("grade", ConditionValue::Names(names)) => {
                for name in names {
                    if !grades.contains(&name.text.as_str()) {
                        let mut diagnostic =
                            unknown(self.file, name, N::WordGrade.text(&[]).into(), grades);
                        if grades.is_empty() {
                            diagnostic = diagnostic.help(N::NoGradingModel.text(&[]));
                        }
                        self.diagnostics.push(diagnostic);
                    }
                }
            }
            ("grade", ConditionValue::Interval(_)) => names_expected(self, N::WordGradeNames),
            ("tenure", ConditionValue::Interval(interval)) => {
                if interval.unit != Unit::Month && interval.unit != Unit::Plain {
                    self.diagnostics.push(Diagnostic::new(
                        Code::KJ1005,
                        self.file,
                        condition.span,
                        &[
                            ("expected", N::WordMonthsSuchAs.text(&[]).into()),
                            (
                                "found",
                                N::WordUnit
                                    .text(&[("unit", &interval.unit.as_str())])
                                    .into(),
                            ),
                        ],
                    ));
                }
            }
            ("tenure", ConditionValue::Names(_)) => {
                self.diagnostics.push(Diagnostic::new(
                    Code::KJ1005,
                    self.file,
                    condition.span,
                    &[
                        ("expected", N::WordMonthRange.text(&[]).into()),
                        ("found", N::WordName.text(&[]).into()),
                    ],
                ));
            }
            (_, value) => {
                self.record(&condition.key, Kind::Dimension);
                let Some(dimension) = self.index.dimensions.get(key) else {
                    let mut candidates = vec!["product", "grade", "tenure"];
                    candidates.extend(self.index.names_of(Kind::Dimension));
                    self.diagnostics.push(unknown(
                        self.file,
                        &condition.key,
                        N::WordConditionKey.text(&[]).into(),
                        &candidates,
                    ));
                    return;
                };
                match value {
                    ConditionValue::Names(names) => {
                        self.enum_values(dimension.item, names, condition.span)
                    }
                    ConditionValue::Interval(interval) => {
                        self.numeric(dimension.item, interval.unit, condition.span)
                    }
                }
            }
        }
    }
}
