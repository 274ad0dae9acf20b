//! Commission tables as DMN decision tables (hit policy UNIQUE): overlapping
//! rows (KJ2101, KJ2103), coverage gaps over closed keys (KJ2102), and the
//! economics of the seed material: first-return against face value (KJ6001,
//! KJ6005), `mix` sums (KJ6002), shares rising with tenure (KJ6003) and with
//! grade (KJ6004).
//!
//! Rows are compared only within buckets of the same product (rows without a
//! product condition meet every bucket), never all against all.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use koujing_grammar::ast::{
    Commission, CommissionKind, ConditionValue, Direction, Interval, ProductKind, RateRow, Unit,
    Upper,
};
use koujing_grammar::tree::Quantity;
use koujing_grammar::{Arg, Edit, Span};
use rust_decimal::Decimal;

use crate::checks::coverage::{self, Axis, Coord, Iv};
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, FileId, LocalText};
use crate::leafset::LeafSet;
use crate::limits::LimitsTable;
use crate::messages::NoteMsg as N;
use crate::mixref;
use crate::resolve::{Def, Index};

/// A row condition, normalised.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Cond<'w> {
    Names(BTreeSet<&'w str>),
    Interval(IntervalKey),
}

/// An interval as a hashable, ordered key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct IntervalKey {
    lo: Option<Decimal>,
    hi: Option<(Decimal, bool)>,
    unit: Unit,
}

impl IntervalKey {
    fn from(interval: &Interval, key: &str) -> Self {
        // `tenure 1 ..= 6` means months.
        let unit = if key == "tenure" && interval.unit == Unit::Plain {
            Unit::Month
        } else {
            interval.unit
        };
        IntervalKey {
            lo: interval.lo,
            hi: interval.hi.map(|h| (h.value, h.inclusive)),
            unit,
        }
    }

    fn interval(&self) -> Interval {
        Interval {
            lo: self.lo,
            hi: self.hi.map(|(value, inclusive)| Upper { value, inclusive }),
            unit: self.unit,
        }
    }
}

impl Cond<'_> {
    fn intersects(&self, other: &Cond<'_>) -> bool {
        match (self, other) {
            (Cond::Names(a), Cond::Names(b)) => a.iter().any(|n| b.contains(n)),
            (Cond::Interval(a), Cond::Interval(b)) => a.interval().intersects(&b.interval()),
            _ => true,
        }
    }

    fn show(&self, key: &str) -> String {
        match self {
            Cond::Names(names) => format!(
                "{key}={}",
                names.iter().copied().collect::<Vec<_>>().join("|")
            ),
            Cond::Interval(i) => format!("{key}∈{}", i.interval().math()),
        }
    }
}

/// A row with its table.
struct RowFact<'w> {
    table: usize,
    file: FileId,
    commission: &'w Commission,
    row: &'w RateRow,
    conds: BTreeMap<&'w str, Cond<'w>>,
    output: Quantity,
}

impl RowFact<'_> {
    fn order_key(&self) -> (Option<chrono::NaiveDate>, FileId, usize) {
        (
            self.commission.period.map(|p| p.start),
            self.file,
            self.row.span.start,
        )
    }

    fn intersects(&self, other: &RowFact<'_>) -> bool {
        self.conds
            .iter()
            .all(|(k, c)| other.conds.get(k).is_none_or(|o| c.intersects(o)))
    }

    /// The conditions on every key but `except`: the grouping signature.
    fn signature(&self, except: &str) -> Vec<(&str, &Cond<'_>)> {
        self.conds
            .iter()
            .filter(|(k, _)| **k != except)
            .map(|(k, c)| (*k, c))
            .collect()
    }

    /// "row N of `table`", in both languages.
    fn describe(&self) -> LocalText {
        N::TableRow.text(&[
            ("table", &self.commission.name.text),
            ("row", &self.row_number()),
        ])
    }

    fn row_number(&self) -> usize {
        self.commission
            .rows
            .iter()
            .position(|r| std::ptr::eq(r, self.row))
            .map_or(0, |p| p + 1)
    }
}

fn show_output(q: &Quantity) -> String {
    q.to_string()
}

fn row_facts<'w>(index: &Index<'w>) -> Vec<RowFact<'w>> {
    let mut rows = Vec::new();
    for (table, def) in index.commissions.defs.iter().enumerate() {
        let Def { file, item } = *def;
        for row in &item.rows {
            let Some(output) = row.output else { continue };
            let conds = row
                .conditions
                .iter()
                .map(|c| {
                    let cond = match &c.value {
                        ConditionValue::Names(names) => {
                            Cond::Names(names.iter().map(|n| n.text.as_str()).collect())
                        }
                        ConditionValue::Interval(i) => {
                            Cond::Interval(IntervalKey::from(i, &c.key.text))
                        }
                    };
                    (c.key.text.as_str(), cond)
                })
                .collect();
            rows.push(RowFact {
                table,
                file,
                commission: item,
                row,
                conds,
                output: output.node,
            });
        }
    }
    rows
}

/// Pairs of rows that may overlap, each once, ascending — without comparing
/// all against all: rows are bucketed by the values of a name key
/// (`product`, else `grade`, else another), and within a bucket swept by
/// the lower bound of an interval key (`tenure`, else another), so only rows
/// whose intervals meet are paired. A row without the bucket key (or the
/// sweep key) meets every row of the set (or of its bucket).
fn candidate_pairs(rows: &[RowFact<'_>], members: &[usize]) -> Vec<(usize, usize)> {
    let has_names = |key: &str| {
        members.iter().any(|&i| {
            matches!(
                rows.get(i).and_then(|r| r.conds.get(key)),
                Some(Cond::Names(_))
            )
        })
    };
    let mut name_keys: Vec<&str> = members
        .iter()
        .filter_map(|&i| rows.get(i))
        .flat_map(|r| {
            r.conds
                .iter()
                .filter(|(_, c)| matches!(c, Cond::Names(_)))
                .map(|(k, _)| *k)
        })
        .collect();
    name_keys.sort_unstable();
    name_keys.dedup();
    let bucket_key = ["product", "grade"]
        .into_iter()
        .find(|k| has_names(k))
        .or_else(|| name_keys.first().copied());
    let mut buckets: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut wildcard = Vec::new();
    for &i in members {
        match bucket_key.and_then(|k| rows.get(i).and_then(|r| r.conds.get(k))) {
            Some(Cond::Names(values)) => {
                for v in values {
                    buckets.entry(v).or_default().push(i);
                }
            }
            _ => wildcard.push(i),
        }
    }
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    let mut add = |a: usize, b: usize| {
        if a != b {
            pairs.insert((a.min(b), a.max(b)));
        }
    };
    for bucket in buckets.values() {
        sweep(rows, bucket, &mut add);
    }
    // Rows without the bucket key meet every row.
    for &w in &wildcard {
        for &other in members {
            add(w, other);
        }
    }
    let mut pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
    pairs.sort_unstable();
    pairs
}

/// Pair the rows of one bucket whose intervals on a sweep key meet.
fn sweep(rows: &[RowFact<'_>], bucket: &[usize], add: &mut impl FnMut(usize, usize)) {
    let interval_of = |i: usize, key: &str| match rows.get(i).and_then(|r| r.conds.get(key)) {
        Some(Cond::Interval(k)) => Some(k.interval()),
        _ => None,
    };
    let key = ["tenure"]
        .into_iter()
        .chain(bucket.iter().filter_map(|&i| rows.get(i)).flat_map(|r| {
            r.conds
                .iter()
                .filter(|(_, c)| matches!(c, Cond::Interval(_)))
                .map(|(k, _)| *k)
        }))
        .find(|k| bucket.iter().any(|&i| interval_of(i, k).is_some()));
    let Some(key) = key else {
        for (n, &a) in bucket.iter().enumerate() {
            for &b in bucket.iter().skip(n + 1) {
                add(a, b);
            }
        }
        return;
    };
    let mut with: Vec<(Interval, usize)> = Vec::new();
    let mut without = Vec::new();
    for &i in bucket {
        match interval_of(i, key) {
            Some(interval) => with.push((interval, i)),
            None => without.push(i),
        }
    }
    with.sort_by(|a, b| a.0.lo.cmp(&b.0.lo).then(a.1.cmp(&b.1)));
    let mut active: Vec<(Interval, usize)> = Vec::new();
    for (interval, i) in with {
        active.retain(|(other, _)| {
            other.intersects(&interval)
                || other
                    .hi
                    .is_none_or(|h| interval.lo.is_none_or(|lo| h.value >= lo))
        });
        for (other, j) in &active {
            if other.intersects(&interval) {
                add(*j, i);
            }
        }
        active.push((interval, i));
    }
    for &w in &without {
        for &other in bucket {
            add(w, other);
        }
    }
}

fn tables_related(a: &Commission, b: &Commission) -> bool {
    let periods = match (a.period, b.period) {
        (Some(p), Some(q)) => p.intersects(&q),
        _ => false,
    };
    periods
        && a.channels
            .iter()
            .any(|c| b.channels.iter().any(|d| d.text == c.text))
}

pub fn analyse(index: &Index<'_>, limits: &LimitsTable) -> Vec<Diagnostic> {
    let rows = row_facts(index);
    let scopes = table_scopes(index);
    let mut diagnostics = Vec::new();
    overlaps(index, &scopes, &rows, &mut diagnostics);
    regional(index, &scopes, &mut diagnostics);
    let mut by_table: Vec<Vec<&RowFact<'_>>> = vec![Vec::new(); index.commissions.defs.len()];
    for row in &rows {
        if let Some(members) = by_table.get_mut(row.table) {
            members.push(row);
        }
    }
    for (def, members) in index.commissions.defs.iter().zip(&by_table) {
        gaps(index, def.item, members, &mut diagnostics);
        monotonic(index, def.item, members, &mut diagnostics);
        lower_better(index, members, &mut diagnostics);
        first_return(index, def.item, members, limits, &mut diagnostics);
        eligibility(index, def.item, def.file, members, limits, &mut diagnostics);
    }
    mix_references(index, &mut diagnostics);
    for def in &index.mixes.defs {
        let sum: Decimal = def.item.shares.iter().map(|s| s.share.node).sum();
        if !def.item.shares.is_empty() && sum != Decimal::ONE_HUNDRED {
            diagnostics.push(Diagnostic::new(
                Code::KJ6002,
                def.file,
                def.item.name.span,
                &[
                    ("mix", Arg::plain(&def.item.name.text)),
                    ("sum", Arg::plain(format!("{}%", sum.normalize()))),
                ],
            ));
        }
    }
    diagnostics
}

/// KJ2101 / KJ2103 within a table and across related tables of one kind.
/// An additive table's rows are compared only with each other; the other
/// tables of a kind, with `regions`, `overrides` and nesting (KJ2104) taken
/// into account.
fn overlaps(
    index: &Index<'_>,
    scopes: &[Option<LeafSet>],
    rows: &[RowFact<'_>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut by_kind: BTreeMap<(CommissionKind, Option<usize>), Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        if let Some(kind) = row.commission.kind {
            let own = row.commission.is_additive().then_some(row.table);
            by_kind.entry((kind.node, own)).or_default().push(i);
        }
    }
    for members in by_kind.values() {
        for (a, b) in candidate_pairs(rows, members) {
            let (Some(ra), Some(rb)) = (rows.get(a), rows.get(b)) else {
                continue;
            };
            if ra.table != rb.table
                && relation(index, scopes, ra.table, rb.table) != Relation::Compared
            {
                continue;
            }
            if !ra.intersects(rb) {
                continue;
            }
            let (primary, other) = if ra.order_key() >= rb.order_key() {
                (ra, rb)
            } else {
                (rb, ra)
            };
            let input = witness(primary, other);
            let row = other.describe();
            let related =
                LocalText::from_fn(|lang| N::IsHere.get(lang, &[("what", &row.get(lang))]));
            let same = primary.output == other.output;
            let (code, args) = if same {
                (
                    Code::KJ2103,
                    vec![
                        ("other", row.clone().into()),
                        ("output", Arg::plain(show_output(&primary.output))),
                    ],
                )
            } else {
                (
                    Code::KJ2101,
                    vec![
                        ("other", row.clone().into()),
                        ("output", Arg::plain(show_output(&primary.output))),
                        ("other_output", Arg::plain(show_output(&other.output))),
                        ("input", input),
                    ],
                )
            };
            diagnostics.push(
                Diagnostic::new(code, primary.file, primary.row.span, &args).related(
                    other.file,
                    other.row.span,
                    related,
                ),
            );
        }
    }
}

/// Where each table applies: its `regions`, else its issuer's subtree, else
/// the province (`None` when the workspace has no region tree).
fn table_scopes(index: &Index<'_>) -> Vec<Option<LeafSet>> {
    let root = index.regions.iter().find(|r| r.depth == 0);
    index
        .commissions
        .defs
        .iter()
        .map(|def| {
            let c = def.item;
            let mut leaves = LeafSet::new();
            match (&c.regions, &c.issuer) {
                (Some(regions), _) => {
                    for region in regions.iter().filter_map(|r| index.region(&r.text)) {
                        leaves.insert_range(region.leaves.clone());
                    }
                }
                (None, Some(issuer)) => {
                    leaves.insert_range(index.region(&issuer.text)?.leaves.clone());
                }
                (None, None) => leaves.insert_range(root?.leaves.clone()),
            }
            Some(leaves)
        })
        .collect()
}

/// How two tables of one kind relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Relation {
    /// Rows are compared (KJ2101 / KJ2103).
    Compared,
    /// Never compared: disjoint, additive, or one overrides the other.
    Apart,
    /// `narrow` lies strictly inside `wide` without `overrides` (KJ2104).
    Nested { narrow: usize, wide: usize },
}

fn relation(index: &Index<'_>, scopes: &[Option<LeafSet>], a: usize, b: usize) -> Relation {
    let tables = &index.commissions.defs;
    let (Some(ta), Some(tb)) = (tables.get(a), tables.get(b)) else {
        return Relation::Apart;
    };
    let (ta, tb) = (ta.item, tb.item);
    if a == b {
        return Relation::Compared;
    }
    if !tables_related(ta, tb) || ta.is_additive() || tb.is_additive() {
        return Relation::Apart;
    }
    let names = |t: &Commission, other: &Commission| {
        t.overrides
            .as_ref()
            .is_some_and(|o| o.text == other.name.text)
    };
    if names(ta, tb) || names(tb, ta) {
        return Relation::Apart;
    }
    let (Some(Some(sa)), Some(Some(sb))) = (scopes.get(a), scopes.get(b)) else {
        return Relation::Compared;
    };
    if !sa.intersects(sb) {
        return Relation::Apart;
    }
    match (sa.is_subset(sb), sb.is_subset(sa)) {
        (true, false) => Relation::Nested { narrow: a, wide: b },
        (false, true) => Relation::Nested { narrow: b, wide: a },
        _ => Relation::Compared,
    }
}

/// KJ2104: a regional table strictly inside a wider one of its kind without
/// `overrides`. Candidates come from an index of tables by leaf: a wider
/// table must cover the narrower's first leaf.
fn regional(index: &Index<'_>, scopes: &[Option<LeafSet>], diagnostics: &mut Vec<Diagnostic>) {
    let tables = &index.commissions.defs;
    let mut by_leaf: HashMap<(CommissionKind, usize), Vec<usize>> = HashMap::new();
    for (i, def) in tables.iter().enumerate() {
        let (Some(kind), Some(Some(scope))) = (def.item.kind, scopes.get(i)) else {
            continue;
        };
        if def.item.is_additive() {
            continue;
        }
        for leaf in scope.iter() {
            by_leaf.entry((kind.node, leaf)).or_default().push(i);
        }
    }
    for (i, def) in tables.iter().enumerate() {
        let (Some(kind), Some(Some(scope))) = (def.item.kind, scopes.get(i)) else {
            continue;
        };
        let Some(first) = scope.iter().next() else {
            continue;
        };
        let candidates = by_leaf
            .get(&(kind.node, first))
            .cloned()
            .unwrap_or_default();
        for j in candidates {
            if relation(index, scopes, i, j) != (Relation::Nested { narrow: i, wide: j }) {
                continue;
            }
            let Some(wide) = tables.get(j) else { continue };
            let narrow = def.item;
            let show_regions = |c: &Commission| match (&c.regions, &c.issuer) {
                (Some(r), _) => r
                    .iter()
                    .map(|x| x.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                (None, Some(issuer)) => issuer.text.to_string(),
                (None, None) => index
                    .regions
                    .iter()
                    .find(|r| r.depth == 0)
                    .map(|r| r.name.text.to_string())
                    .unwrap_or_default(),
            };
            let mut diagnostic = Diagnostic::new(
                Code::KJ2104,
                def.file,
                narrow.name.span,
                &[
                    ("table", Arg::plain(&narrow.name.text)),
                    ("regions", Arg::plain(show_regions(narrow))),
                    ("wider", Arg::plain(&wide.item.name.text)),
                    ("wider_regions", Arg::plain(show_regions(wide.item))),
                    ("kind", Arg::plain(kind.node.as_str())),
                ],
            )
            .related(wide.file, wide.item.name.span, N::WiderTableHere.text(&[]));
            if narrow.overrides.is_none() {
                diagnostic = diagnostic.fix(N::AddOverrides.fix(
                    &[("table", &wide.item.name.text)],
                    vec![Edit {
                        span: Span::new(kind.span.end, kind.span.end),
                        replacement: format!("\n  overrides: {}", wide.item.name.text),
                    }],
                ));
            }
            diagnostics.push(diagnostic);
        }
    }
}

/// KJ6006: channels and grades a kind may be paid to (`limits` v2). The
/// limits in force are those of the table's regions (or issuer, or the
/// province's global limits).
fn eligibility(
    index: &Index<'_>,
    commission: &Commission,
    file: FileId,
    members: &[&RowFact<'_>],
    limits: &LimitsTable,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(kind) = commission.kind.map(|k| k.node) else {
        return;
    };
    let scope_regions: Vec<usize> = match (&commission.regions, &commission.issuer) {
        (Some(regions), _) => regions
            .iter()
            .filter_map(|r| index.region_index(&r.text))
            .collect(),
        (None, Some(issuer)) => index.region_index(&issuer.text).into_iter().collect(),
        (None, None) => Vec::new(),
    };
    let mut effective: Vec<&crate::limits::Effective> =
        scope_regions.iter().map(|r| limits.region(*r)).collect();
    if effective.is_empty() {
        effective.push(&limits.global);
    }
    let mut reported: BTreeSet<usize> = BTreeSet::new();
    for limit in &effective {
        if let Some(allowed) = limit.commission_channels.get(&kind) {
            for channel in &commission.channels {
                if allowed.iter().any(|a| *a == channel.text)
                    || !reported.insert(channel.span.start)
                {
                    continue;
                }
                diagnostics.push(Diagnostic::new(
                    Code::KJ6006,
                    file,
                    channel.span,
                    &[
                        ("table", Arg::plain(&commission.name.text)),
                        ("kind", Arg::plain(kind.as_str())),
                        (
                            "target",
                            N::ChannelTarget.arg(&[("channel", &channel.text)]),
                        ),
                        (
                            "allowed",
                            N::ChannelsAllowed.arg(&[("channels", &allowed.join(", "))]),
                        ),
                    ],
                ));
            }
        }
        let Some(min) = limit.commission_min_grade.get(&kind) else {
            continue;
        };
        let grades = grades_of(index, commission);
        let Some(floor) = grades.iter().find(|(g, _)| g == min).map(|(_, lo)| *lo) else {
            continue;
        };
        for row in members {
            if row.output.value.is_zero() || reported.contains(&row.row.span.start) {
                continue;
            }
            let below: Vec<&str> = match row.conds.get("grade") {
                Some(Cond::Names(names)) => grades
                    .iter()
                    .filter(|(g, lo)| names.contains(g) && *lo < floor)
                    .map(|(g, _)| *g)
                    .collect(),
                Some(Cond::Interval(_)) => Vec::new(),
                None => grades
                    .iter()
                    .filter(|(_, lo)| *lo < floor)
                    .map(|(g, _)| *g)
                    .collect(),
            };
            if below.is_empty() {
                continue;
            }
            reported.insert(row.row.span.start);
            diagnostics.push(Diagnostic::new(
                Code::KJ6006,
                row.file,
                row.row.span,
                &[
                    ("table", Arg::plain(&commission.name.text)),
                    ("kind", Arg::plain(kind.as_str())),
                    ("target", N::GradesTarget.with_list("grades", &below).into()),
                    ("allowed", N::AndAbove.arg(&[("min", min)])),
                ],
            ));
        }
    }
}

/// KJ6007: among rows that differ only in a `lower_better` dimension, pay
/// must not rise as its value rises.
fn lower_better(index: &Index<'_>, members: &[&RowFact<'_>], diagnostics: &mut Vec<Diagnostic>) {
    let keys: BTreeSet<&str> = members
        .iter()
        .flat_map(|r| r.conds.keys().copied())
        .collect();
    for key in keys {
        let lower = index
            .dimensions
            .get(key)
            .and_then(|d| d.item.direction)
            .is_some_and(|d| d.node == Direction::LowerBetter);
        if !lower {
            continue;
        }
        for group in groups(members, key) {
            let mut placed: Vec<(Interval, &RowFact<'_>)> = group
                .iter()
                .filter_map(|r| match r.conds.get(key)? {
                    Cond::Interval(i) => Some((i.interval(), *r)),
                    Cond::Names(_) => None,
                })
                .collect();
            placed.sort_by(|a, b| {
                a.0.lo
                    .cmp(&b.0.lo)
                    .then(a.1.row.span.start.cmp(&b.1.row.span.start))
            });
            for pair in placed.windows(2) {
                let [(low_iv, low), (high_iv, high)] = pair else {
                    continue;
                };
                if low_iv.intersects(high_iv)
                    || high.output.unit != low.output.unit
                    || high.output.value <= low.output.value
                {
                    continue;
                }
                let detail = N::PaysMore.arg(&[
                    ("high", &format!("{key} {}", high_iv.math())),
                    ("high_pays", &high.output),
                    ("low", &format!("{key} {}", low_iv.math())),
                    ("low_pays", &low.output),
                ]);
                diagnostics.push(
                    Diagnostic::new(
                        Code::KJ6007,
                        high.file,
                        high.row.span,
                        &[("dimension", Arg::plain(key)), ("detail", detail)],
                    )
                    .related(
                        low.file,
                        low.row.span,
                        N::LowerTierHere.text(&[]),
                    ),
                );
            }
        }
    }
}

/// KJ6008: the tables against each `mix` reference case.
fn mix_references(index: &Index<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for def in &index.mixes.defs {
        let Some(computed) = mixref::compute(index, def.item) else {
            continue;
        };
        let totals: Vec<String> = computed
            .kinds
            .iter()
            .map(|k| format!("{} {} 元", k.kind.as_str(), k.total.round_dp(2).normalize()))
            .collect();
        let unpaid: Vec<&str> = computed.unpaid().map(|k| k.kind.as_str()).collect();
        let mut totals = N::MixTotals.with_list("totals", &totals);
        if !unpaid.is_empty() {
            let unpaid = N::MixUnpaid.with_list("kinds", &unpaid);
            totals.zh.push_str(&unpaid.zh);
            totals.en.push_str(&unpaid.en);
        }
        for kind in computed.off() {
            let Some(share) = def.item.shares.iter().find(|s| s.kind.node == kind.kind) else {
                continue;
            };
            let mut diagnostic = Diagnostic::new(
                Code::KJ6008,
                def.file,
                share.kind.span,
                &[
                    ("mix", Arg::plain(&def.item.name.text)),
                    ("kind", Arg::plain(kind.kind.as_str())),
                    (
                        "computed",
                        Arg::plain(format!("{}%", kind.share.round_dp(1).normalize())),
                    ),
                    (
                        "declared",
                        Arg::plain(format!("{}%", kind.declared.normalize())),
                    ),
                    (
                        "tolerance",
                        Arg::plain(computed.tolerance.normalize().to_string()),
                    ),
                    ("totals", totals.clone().into()),
                ],
            );
            if let Some(reference) = &def.item.reference {
                diagnostic =
                    diagnostic.related(def.file, reference.span, N::ReferenceCaseHere.text(&[]));
            }
            diagnostics.push(diagnostic);
        }
    }
}

/// An input both rows match.
fn witness(a: &RowFact<'_>, b: &RowFact<'_>) -> Arg {
    let keys: BTreeSet<&str> = a.conds.keys().chain(b.conds.keys()).copied().collect();
    let mut parts = Vec::new();
    for key in keys {
        let text = match (a.conds.get(key), b.conds.get(key)) {
            (Some(Cond::Names(x)), Some(Cond::Names(y))) => x
                .iter()
                .find(|n| y.contains(*n))
                .map(|n| format!("{key}={n}")),
            (Some(Cond::Interval(x)), Some(Cond::Interval(y))) => {
                let (x, y) = (x.interval(), y.interval());
                let lo = match (x.lo, y.lo) {
                    (Some(p), Some(q)) => Some(p.max(q)),
                    (p, q) => p.or(q),
                };
                let hi = match (x.hi, y.hi) {
                    (Some(p), Some(q)) => {
                        Some(if (p.value, p.inclusive) <= (q.value, q.inclusive) {
                            p
                        } else {
                            q
                        })
                    }
                    (p, q) => p.or(q),
                };
                Some(format!(
                    "{key}∈{}",
                    Interval {
                        lo,
                        hi,
                        unit: x.unit
                    }
                    .math()
                ))
            }
            (Some(Cond::Names(x)), None) | (None, Some(Cond::Names(x))) => {
                x.iter().next().map(|n| format!("{key}={n}"))
            }
            (Some(c), _) | (None, Some(c)) => Some(c.show(key)),
            (None, None) => None,
        };
        parts.extend(text);
    }
    if parts.is_empty() {
        N::AnyInput.arg(&[])
    } else {
        Arg::plain(parts.join(", "))
    }
}

/// Grades of the grading models of a table's channels, highest band first.
fn grades_of<'w>(index: &Index<'w>, commission: &Commission) -> Vec<(&'w str, Decimal)> {
    let mut grades: Vec<(&str, Decimal)> = Vec::new();
    for channel in &commission.channels {
        let model = index
            .channels
            .get(&channel.text)
            .and_then(|c| c.item.grading.as_ref());
        let Some(model) = model.and_then(|m| index.gradings.get(&m.text)) else {
            continue;
        };
        for band in &model.item.grades {
            if !grades.iter().any(|(g, _)| *g == band.name.text) {
                grades.push((&band.name.text, band.band.lo.unwrap_or(Decimal::MIN)));
            }
        }
    }
    grades.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    grades
}

/// Rows grouped by their conditions on every key but `key`, in row order.
fn groups<'a, 'w>(members: &[&'a RowFact<'w>], key: &str) -> Vec<Vec<&'a RowFact<'w>>> {
    let mut order: Vec<Vec<(&str, &Cond<'_>)>> = Vec::new();
    let mut grouped: HashMap<Vec<(&str, &Cond<'_>)>, Vec<&'a RowFact<'w>>> = HashMap::new();
    for row in members {
        let signature = row.signature(key);
        if !grouped.contains_key(&signature) {
            order.push(signature.clone());
        }
        grouped.entry(signature).or_default().push(row);
    }
    order
        .into_iter()
        .filter_map(|s| grouped.remove(&s))
        .collect()
}

/// How a key's values are read for coverage.
enum KeyDomain<'w> {
    Names(Vec<&'w str>),
    Whole,
    Real,
}

fn key_domain<'w>(index: &Index<'w>, commission: &Commission, key: &str) -> Option<KeyDomain<'w>> {
    match key {
        "product" => None,
        "grade" => {
            let grades = grades_of(index, commission);
            (!grades.is_empty())
                .then(|| KeyDomain::Names(grades.into_iter().map(|(g, _)| g).collect()))
        }
        "tenure" => Some(KeyDomain::Whole),
        other => {
            let dimension = index.dimensions.get(other)?.item;
            match (&dimension.values, dimension.unit) {
                (Some(values), _) => Some(KeyDomain::Names(
                    values.iter().map(|v| v.text.as_str()).collect(),
                )),
                (None, Some(unit)) if unit.node.is_count() => Some(KeyDomain::Whole),
                (None, _) => Some(KeyDomain::Real),
            }
        }
    }
}

/// A row's condition as a coverage coordinate (`None`: it constrains
/// nothing the axis knows, so it covers the whole axis).
fn coord_of(cond: Option<&Cond<'_>>, domain: &KeyDomain<'_>) -> Option<Coord> {
    match (cond?, domain) {
        (Cond::Names(names), KeyDomain::Names(all)) => Some(Coord::Names(
            all.iter()
                .enumerate()
                .filter(|(_, v)| names.contains(*v))
                .map(|(i, _)| i)
                .collect(),
        )),
        (Cond::Interval(k), KeyDomain::Whole | KeyDomain::Real) => Some(Coord::Iv(Iv {
            lo: k.lo.map(|l| (l, true)),
            hi: k.hi,
        })),
        _ => None,
    }
}

/// KJ2102 (v2): whole-space coverage of the closed keys, per product.
fn gaps(
    index: &Index<'_>,
    commission: &Commission,
    members: &[&RowFact<'_>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(&first) = members.first() else {
        return;
    };
    let keys: BTreeSet<&str> = members
        .iter()
        .flat_map(|r| r.conds.keys().copied())
        .collect();
    let mut axes: Vec<(&str, KeyDomain<'_>, Axis, Unit)> = Vec::new();
    for key in keys {
        let Some(domain) = key_domain(index, commission, key) else {
            continue;
        };
        let mut unit = if key == "tenure" {
            Unit::Month
        } else {
            Unit::Plain
        };
        let axis = match &domain {
            KeyDomain::Names(all) => Axis::Names(all.len()),
            KeyDomain::Whole | KeyDomain::Real => {
                let mut lowest: Option<Option<Decimal>> = None;
                for r in members {
                    if let Some(Cond::Interval(k)) = r.conds.get(key) {
                        if key != "tenure" {
                            unit = k.unit;
                        }
                        lowest = Some(match (lowest, k.lo) {
                            (None, lo) => lo,
                            (Some(None), _) | (Some(_), None) => None,
                            (Some(Some(a)), Some(b)) => Some(a.min(b)),
                        });
                    }
                }
                let Some(lo) = lowest else { continue };
                match domain {
                    KeyDomain::Whole if key == "tenure" => Axis::Whole(Some(Decimal::ONE)),
                    KeyDomain::Whole => Axis::Whole(lo.map(|l| l.ceil())),
                    _ => Axis::Real(lo),
                }
            }
        };
        axes.push((key, domain, axis, unit));
    }
    if axes.is_empty() {
        return;
    }
    // Products named by rows, in row order; rows without a product match all.
    let mut products: Vec<Option<&str>> = Vec::new();
    for r in members {
        if let Some(Cond::Names(names)) = r.conds.get("product") {
            for n in names {
                if !products.contains(&Some(*n)) {
                    products.push(Some(*n));
                }
            }
        }
    }
    if products.is_empty() {
        products.push(None);
    }
    let axis_list: Vec<Axis> = axes.iter().map(|(_, _, a, _)| a.clone()).collect();
    let mut found: Vec<(String, String)> = Vec::new();
    for product in products {
        let rows: Vec<Vec<Option<Coord>>> = members
            .iter()
            .filter(|r| match (product, r.conds.get("product")) {
                (Some(p), Some(Cond::Names(names))) => names.contains(p),
                _ => true,
            })
            .map(|r| {
                axes.iter()
                    .map(|(key, domain, _, _)| coord_of(r.conds.get(key), domain))
                    .collect()
            })
            .collect();
        let Some(boxes) = coverage::uncovered(&axis_list, &rows) else {
            continue;
        };
        if boxes.is_empty() {
            continue;
        }
        let gaps = show_boxes(&axes, &boxes);
        let prefix = product.map(|p| format!("{p}: ")).unwrap_or_default();
        found.push((
            format!("{prefix}{}", gaps.zh),
            format!("{prefix}{}", gaps.en),
        ));
    }
    if found.is_empty() {
        return;
    }
    let zh: Vec<String> = found.iter().map(|(z, _)| z.clone()).collect();
    let en: Vec<String> = found.iter().map(|(_, e)| e.clone()).collect();
    for (zh, en) in zh.into_iter().zip(en) {
        diagnostics.push(Diagnostic::new(
            Code::KJ2102,
            first.file,
            commission.name.span,
            &[
                ("table", Arg::plain(&commission.name.text)),
                ("gaps", Arg::text(zh, en)),
            ],
        ));
    }
}

/// At most this many boxes are listed in a KJ2102 message.
const MAX_BOXES_SHOWN: usize = 8;

fn show_boxes(axes: &[(&str, KeyDomain<'_>, Axis, Unit)], boxes: &[Vec<Coord>]) -> LocalText {
    let mut shown: Vec<String> = Vec::new();
    for b in boxes.iter().take(MAX_BOXES_SHOWN) {
        let mut parts = Vec::new();
        for ((key, domain, axis, unit), coord) in axes.iter().zip(b) {
            if *coord == coverage::full(axis) {
                continue;
            }
            let text = match (coord, domain) {
                (Coord::Names(idx), KeyDomain::Names(all)) => {
                    let names: Vec<&str> =
                        idx.iter().filter_map(|i| all.get(*i).copied()).collect();
                    if names.len() == 1 {
                        names.join("")
                    } else {
                        format!("[{}]", names.join(", "))
                    }
                }
                (Coord::Iv(iv), _) => {
                    // Counts read as `[0, 300)`, months as `[7, 12]`.
                    let mut iv = *iv;
                    if matches!(axis, Axis::Whole(_)) && *key != "tenure" {
                        iv.hi = iv.hi.map(|(h, _)| (h + Decimal::ONE, false));
                    }
                    let u = unit.as_str();
                    if u.is_empty() {
                        coverage::show_iv(&iv)
                    } else {
                        format!("{} {u}", coverage::show_iv(&iv))
                    }
                }
                _ => continue,
            };
            parts.push(format!("{key} {text}"));
        }
        shown.push(parts.join(", "));
    }
    let all_any = shown.iter().all(String::is_empty);
    let more = boxes.len().saturating_sub(MAX_BOXES_SHOWN);
    let mut text = if all_any {
        N::AnyInput.text(&[])
    } else {
        N::join(&shown, N::ClauseSeparator)
    };
    if more > 0 {
        let more = N::AndMore.text(&[("more", &more)]);
        text.zh.push_str(&more.zh);
        text.en.push_str(&more.en);
    }
    text
}
/// KJ6003 / KJ6004: outputs must not fall as tenure or grade rises.
fn monotonic(
    index: &Index<'_>,
    commission: &Commission,
    members: &[&RowFact<'_>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let ranks: HashMap<&str, Decimal> = grades_of(index, commission).into_iter().collect();
    for (key, code) in [("tenure", Code::KJ6003), ("grade", Code::KJ6004)] {
        for group in groups(members, key) {
            // (low, high) position of each row on the key.
            let mut placed: Vec<(Decimal, Decimal, &RowFact<'_>)> = group
                .iter()
                .filter_map(|r| match r.conds.get(key)? {
                    Cond::Interval(i) => {
                        let lo = i.lo.unwrap_or(Decimal::MIN);
                        Some((lo, i.hi.map_or(Decimal::MAX, |h| h.0), *r))
                    }
                    Cond::Names(names) => {
                        let values: Vec<Decimal> =
                            names.iter().filter_map(|n| ranks.get(n).copied()).collect();
                        Some((*values.iter().min()?, *values.iter().max()?, *r))
                    }
                })
                .collect();
            placed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
            for pair in placed.windows(2) {
                let [(_, low_hi, low), (high_lo, _, high)] = pair else {
                    continue;
                };
                let strictly_above = if key == "grade" {
                    high_lo > low_hi
                } else {
                    high_lo >= low_hi
                };
                if !strictly_above
                    || high.output.unit != low.output.unit
                    || high.output.value >= low.output.value
                {
                    continue;
                }
                let hz = high.conds.get(key).map(|c| c.show(key)).unwrap_or_default();
                let lz = low.conds.get(key).map(|c| c.show(key)).unwrap_or_default();
                let detail = N::PaysLess.arg(&[
                    ("high", &hz),
                    ("high_pays", &high.output),
                    ("low", &lz),
                    ("low_pays", &low.output),
                ]);
                diagnostics.push(
                    Diagnostic::new(code, high.file, high.row.span, &[("detail", detail)]).related(
                        low.file,
                        low.row.span,
                        N::LowerTierHere.text(&[]),
                    ),
                );
            }
        }
    }
}

/// KJ6001 / KJ6005: first-return against the card's face value.
fn first_return(
    index: &Index<'_>,
    commission: &Commission,
    members: &[&RowFact<'_>],
    limits: &LimitsTable,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if commission.kind.map(|k| k.node) != Some(CommissionKind::FirstReturn) {
        return;
    }
    let ratio = limits.global.max_first_return_ratio;
    for row in members {
        if !row.output.unit.is_money() {
            continue;
        }
        let Some(Cond::Names(products)) = row.conds.get("product") else {
            continue;
        };
        for name in products {
            let Some(product) = index.products.get(name) else {
                continue;
            };
            if product.item.kind.map(|k| k.node) != Some(ProductKind::SimCard) {
                continue;
            }
            let Some(face) = product.item.face_value.map(|f| f.node) else {
                continue;
            };
            let amount = row.output.value;
            let args = |extra: Vec<(&'static str, Arg)>| {
                let mut args = vec![
                    ("amount", Arg::plain(row.output.to_string())),
                    ("product", Arg::plain(*name)),
                    ("face", Arg::plain(face.to_string())),
                ];
                args.extend(extra);
                args
            };
            if amount >= face.value {
                diagnostics.push(Diagnostic::new(
                    Code::KJ6001,
                    row.file,
                    row.row.span,
                    &args(Vec::new()),
                ));
            } else if face.value > Decimal::ZERO
                && amount * Decimal::ONE_HUNDRED > ratio * face.value
            {
                let share = (amount * Decimal::ONE_HUNDRED / face.value)
                    .round_dp(1)
                    .normalize();
                diagnostics.push(Diagnostic::new(
                    Code::KJ6005,
                    row.file,
                    row.row.span,
                    &args(vec![
                        ("ratio", Arg::plain(format!("{share}%"))),
                        ("limit", Arg::plain(format!("{}%", ratio.normalize()))),
                    ]),
                ));
            }
        }
    }
}
