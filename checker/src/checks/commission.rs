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
    Commission, CommissionKind, ConditionValue, Interval, ProductKind, RateRow, Unit, Upper,
};
use koujing_grammar::tree::Quantity;
use koujing_grammar::Arg;
use rust_decimal::Decimal;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, FileId, LocalText};
use crate::limits::LimitsTable;
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

    fn describe(&self) -> String {
        format!(
            "`{}` 第 {} 行",
            self.commission.name.text,
            self.row_number()
        )
    }

    fn describe_en(&self) -> String {
        format!(
            "row {} of `{}`",
            self.row_number(),
            self.commission.name.text
        )
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
    let mut diagnostics = Vec::new();
    overlaps(index, &rows, &mut diagnostics);
    for (table, def) in index.commissions.defs.iter().enumerate() {
        let members: Vec<&RowFact<'_>> = rows.iter().filter(|r| r.table == table).collect();
        gaps(index, def.item, &members, &mut diagnostics);
        monotonic(index, def.item, &members, &mut diagnostics);
        first_return(index, def.item, &members, limits, &mut diagnostics);
    }
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
fn overlaps(index: &Index<'_>, rows: &[RowFact<'_>], diagnostics: &mut Vec<Diagnostic>) {
    let mut by_kind: BTreeMap<CommissionKind, Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        if let Some(kind) = row.commission.kind {
            by_kind.entry(kind.node).or_default().push(i);
        }
    }
    let tables = &index.commissions.defs;
    for members in by_kind.values() {
        for (a, b) in candidate_pairs(rows, members) {
            let (Some(ra), Some(rb)) = (rows.get(a), rows.get(b)) else {
                continue;
            };
            if ra.table != rb.table {
                let (Some(ta), Some(tb)) = (tables.get(ra.table), tables.get(rb.table)) else {
                    continue;
                };
                if !tables_related(ta.item, tb.item) {
                    continue;
                }
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
            let related = LocalText::new(
                format!("{} 在此", other.describe()),
                format!("{} is here", other.describe_en()),
            );
            let same = primary.output == other.output;
            let (code, args) = if same {
                (
                    Code::KJ2103,
                    vec![
                        ("other", Arg::text(other.describe(), other.describe_en())),
                        ("output", Arg::plain(show_output(&primary.output))),
                    ],
                )
            } else {
                (
                    Code::KJ2101,
                    vec![
                        ("other", Arg::text(other.describe(), other.describe_en())),
                        ("output", Arg::plain(show_output(&primary.output))),
                        ("other_output", Arg::plain(show_output(&other.output))),
                        ("input", Arg::plain(input)),
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

/// An input both rows match.
fn witness(a: &RowFact<'_>, b: &RowFact<'_>) -> String {
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
        "任意输入 / any input".to_string()
    } else {
        parts.join(", ")
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

/// Closed keys used in a table.
enum Domain<'w> {
    Names(Vec<&'w str>),
    /// Whole months from 1.
    Months,
    /// A numeric dimension, from the lowest bound used.
    Numeric,
}

fn domain<'w>(index: &Index<'w>, commission: &Commission, key: &str) -> Option<Domain<'w>> {
    match key {
        "product" => None,
        "grade" => {
            let grades = grades_of(index, commission);
            (!grades.is_empty())
                .then(|| Domain::Names(grades.into_iter().map(|(g, _)| g).collect()))
        }
        "tenure" => Some(Domain::Months),
        other => {
            let dimension = index.dimensions.get(other)?;
            match &dimension.item.values {
                Some(values) => Some(Domain::Names(
                    values.iter().map(|v| v.text.as_str()).collect(),
                )),
                None => Some(Domain::Numeric),
            }
        }
    }
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

fn group_label(row: &RowFact<'_>, key: &str) -> String {
    let others: Vec<String> = row.signature(key).iter().map(|(k, c)| c.show(k)).collect();
    if others.is_empty() {
        String::new()
    } else {
        format!(" ({})", others.join(", "))
    }
}

/// KJ2102: coverage gaps over closed keys.
fn gaps(
    index: &Index<'_>,
    commission: &Commission,
    members: &[&RowFact<'_>],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let keys: BTreeSet<&str> = members
        .iter()
        .flat_map(|r| r.conds.keys().copied())
        .collect();
    for key in keys {
        let Some(domain) = domain(index, commission, key) else {
            continue;
        };
        for group in groups(members, key) {
            if group.iter().any(|r| !r.conds.contains_key(key)) {
                continue; // a row without a condition on the key covers it all
            }
            let uncovered: Vec<String> = match &domain {
                Domain::Names(all) => {
                    let covered: BTreeSet<&str> = group
                        .iter()
                        .filter_map(|r| match r.conds.get(key) {
                            Some(Cond::Names(n)) => Some(n.iter().copied()),
                            _ => None,
                        })
                        .flatten()
                        .collect();
                    all.iter()
                        .filter(|g| !covered.contains(*g))
                        .map(|g| g.to_string())
                        .collect()
                }
                Domain::Months => month_gaps(&group, key),
                Domain::Numeric => numeric_gaps(&group, key),
            };
            if uncovered.is_empty() {
                continue;
            }
            let Some(first) = group.first() else { continue };
            let label = group_label(first, key);
            diagnostics.push(Diagnostic::new(
                Code::KJ2102,
                first.file,
                first.row.span,
                &[
                    ("table", Arg::plain(&commission.name.text)),
                    ("key", Arg::plain(format!("{key}{label}"))),
                    (
                        "gaps",
                        Arg::text(uncovered.join("、"), uncovered.join(", ")),
                    ),
                ],
            ));
        }
    }
}

fn intervals(group: &[&RowFact<'_>], key: &str) -> Vec<Interval> {
    group
        .iter()
        .filter_map(|r| match r.conds.get(key) {
            Some(Cond::Interval(i)) => Some(i.interval()),
            _ => None,
        })
        .collect()
}

/// Uncovered whole months from 1, e.g. `[7, 12] 个月`, `[13, +∞) 个月`.
fn month_gaps(group: &[&RowFact<'_>], key: &str) -> Vec<String> {
    let mut ranges: Vec<(Decimal, Option<Decimal>)> = intervals(group, key)
        .iter()
        .filter_map(|i| {
            let lo = i.lo.map_or(Decimal::ONE, |l| l.ceil()).max(Decimal::ONE);
            let hi = match i.hi {
                None => None,
                Some(Upper {
                    value,
                    inclusive: true,
                }) => Some(value.floor()),
                Some(Upper {
                    value,
                    inclusive: false,
                }) => Some(value.ceil() - Decimal::ONE),
            };
            if hi.is_some_and(|h| h < lo) {
                None
            } else {
                Some((lo, hi))
            }
        })
        .collect();
    ranges.sort();
    let mut gaps = Vec::new();
    let mut next = Some(Decimal::ONE); // first month not yet covered; None = all covered
    for (lo, hi) in ranges {
        let Some(n) = next else { break };
        if lo > n {
            gaps.push(format!("[{}, {}] 个月", n, lo - Decimal::ONE));
        }
        next = hi.map(|h| n.max(h + Decimal::ONE));
    }
    if let Some(n) = next {
        gaps.push(format!("[{n}, +∞) 个月"));
    }
    gaps
}

/// Uncovered parts of [lowest bound used, +∞).
fn numeric_gaps(group: &[&RowFact<'_>], key: &str) -> Vec<String> {
    let mut list = intervals(group, key);
    let Some(unit) = list.first().map(|i| i.unit) else {
        return Vec::new();
    };
    if list.iter().any(|i| i.lo.is_none()) {
        list.sort_by_key(|i| i.lo.is_some());
    } else {
        list.sort_by_key(|i| i.lo);
    }
    // Cursor: the first uncovered point, `covered` when that point itself is
    // covered (the gap would start open).
    let Some(first_lo) = list.first().map(|i| i.lo) else {
        return Vec::new();
    };
    let mut cursor: Option<(Option<Decimal>, bool)> = Some((first_lo, false));
    let mut gaps = Vec::new();
    let show = |lo: Option<Decimal>, open: bool, hi: Option<Upper>| {
        let mut interval = Interval { lo, hi, unit };
        if open {
            // (a, b): shown with the open bracket.
            interval.lo = lo;
            let text = interval.math();
            return text.replacen('[', "(", 1);
        }
        interval.math()
    };
    for interval in &list {
        let Some((at, covered)) = cursor else { break };
        if let (Some(at), Some(lo)) = (at, interval.lo) {
            if lo > at {
                gaps.push(show(
                    Some(at),
                    covered,
                    Some(Upper {
                        value: lo,
                        inclusive: false,
                    }),
                ));
            }
        }
        cursor = match interval.hi {
            None => None,
            Some(hi) => {
                let beyond = match at {
                    None => true,
                    Some(a) => hi.value > a || (hi.value == a && hi.inclusive && !covered),
                };
                if beyond {
                    Some((Some(hi.value), hi.inclusive))
                } else {
                    Some((at, covered))
                }
            }
        };
    }
    if let Some((Some(at), covered)) = cursor {
        gaps.push(show(Some(at), covered, None));
    }
    gaps
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
                let detail_zh = format!("{hz} 为 {},低于 {lz} 的 {}", high.output, low.output);
                let detail_en = format!(
                    "{hz} pays {}, less than {lz} at {}",
                    high.output, low.output
                );
                diagnostics.push(
                    Diagnostic::new(
                        code,
                        high.file,
                        high.row.span,
                        &[("detail", Arg::text(detail_zh, detail_en))],
                    )
                    .related(
                        low.file,
                        low.row.span,
                        LocalText::new("较低一档在此", "the lower tier is here"),
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
