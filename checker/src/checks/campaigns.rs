//! Campaign analyses: conflicts (KJ2001), clustering 扎堆 (KJ2002),
//! province–city alignment (KJ2003), one-sided stacking (KJ2004), and the
//! conflict groups the bundle carries.
//!
//! No all-pairs comparison: campaigns are grouped by offer and swept by
//! window start, so only pairs whose windows intersect are ever compared;
//! clustering is a sweep over window starts and ends per (leaf, channel).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use koujing_grammar::ast::Stacking;
use koujing_grammar::Arg;
use petgraph::unionfind::UnionFind;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, LocalText};
use crate::leafset::LeafSet;
use crate::limits::LimitsTable;
use crate::model::{show_end, AudienceSet, CampaignFact};
use crate::resolve::Index;

/// What the campaign analyses produce.
#[derive(Debug, Default)]
pub struct CampaignAnalysis {
    pub diagnostics: Vec<Diagnostic>,
    /// Campaigns that share an offer and overlap but are declared stackable,
    /// each group sorted by name, groups sorted.
    pub conflict_groups: Vec<Vec<String>>,
}

fn other_campaign() -> LocalText {
    LocalText::new("另一个活动定义于此", "the other campaign is defined here")
}

/// Order a pair so that the primary is the later one.
fn later_first<'a, 'w>(
    a: &'a CampaignFact<'w>,
    b: &'a CampaignFact<'w>,
) -> (&'a CampaignFact<'w>, &'a CampaignFact<'w>) {
    if a.order_key() >= b.order_key() {
        (a, b)
    } else {
        (b, a)
    }
}

pub fn analyse(
    index: &Index<'_>,
    facts: &[CampaignFact<'_>],
    limits: &LimitsTable,
) -> CampaignAnalysis {
    let mut analysis = CampaignAnalysis::default();
    let mut groups = UnionFind::<usize>::new(facts.len());
    let mut stackable_members: BTreeSet<usize> = BTreeSet::new();

    let mut by_offer: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, fact) in facts.iter().enumerate() {
        by_offer.entry(fact.offer).or_default().push(i);
    }
    for ids in by_offer.values_mut() {
        ids.sort_by_key(|&i| facts.get(i).map(CampaignFact::order_key));
        let mut active: Vec<usize> = Vec::new();
        for &i in ids.iter() {
            let Some(current) = facts.get(i) else {
                continue;
            };
            active.retain(|&j| facts.get(j).is_some_and(|f| f.end >= current.start));
            for &j in &active {
                let Some(earlier) = facts.get(j) else {
                    continue;
                };
                match overlap(index, earlier, current) {
                    Overlap::Conflict(d) => analysis.diagnostics.push(*d),
                    Overlap::Stackable => {
                        groups.union(i, j);
                        stackable_members.insert(i);
                        stackable_members.insert(j);
                        if let Some(d) = province_city(earlier, current) {
                            analysis.diagnostics.push(d);
                        }
                    }
                    Overlap::Partial => {
                        if let Some(d) = province_city(earlier, current) {
                            analysis.diagnostics.push(d);
                        }
                    }
                    Overlap::None => {}
                }
            }
            active.push(i);
        }
    }

    let mut components: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for &member in &stackable_members {
        if let Some(fact) = facts.get(member) {
            components
                .entry(groups.find(member))
                .or_default()
                .push(fact.name().to_string());
        }
    }
    analysis.conflict_groups = components
        .into_values()
        .map(|mut g| {
            g.sort();
            g
        })
        .collect();
    analysis.conflict_groups.sort();

    analysis.diagnostics.extend(one_sided_stacking(facts));
    analysis
        .diagnostics
        .extend(clustering(index, facts, limits));
    analysis
}

enum Overlap {
    None,
    /// Same offer, windows and regions intersect, but not channels or audience.
    Partial,
    /// Everything intersects and both allow the other.
    Stackable,
    Conflict(Box<Diagnostic>),
}

fn overlap(index: &Index<'_>, a: &CampaignFact<'_>, b: &CampaignFact<'_>) -> Overlap {
    if !a.windows_intersect(b) || !a.leaves.intersects(&b.leaves) {
        return Overlap::None;
    }
    if a.extends(b.name()) || b.extends(a.name()) {
        return Overlap::None;
    }
    let channel = b.channels.iter().find(|c| a.channels.contains(c));
    let Some(channel) = channel else {
        return Overlap::Partial;
    };
    if !a.audiences_intersect(b) {
        return Overlap::Partial;
    }
    if a.allows(b.name()) && b.allows(a.name()) {
        return Overlap::Stackable;
    }
    let (primary, other) = later_first(a, b);
    let leaf = a
        .leaves
        .first_common(&b.leaves)
        .and_then(|l| index.leaves.get(l))
        .and_then(|r| index.regions.get(*r));
    let day = a.start.max(b.start);
    let mut cell = vec![
        leaf.map_or(String::new(), |r| r.name.text.clone()),
        day.to_string(),
        channel.to_string(),
    ];
    cell.extend(audience_cell(primary, other));
    let witness_zh = format!("在 {} 两个活动同时适用,且不能叠加", cell.join("、"));
    let witness_en = format!("both apply at {} and they may not stack", cell.join(", "));
    Overlap::Conflict(Box::new(
        Diagnostic::new(
            Code::KJ2001,
            primary.file,
            primary.campaign.name.span,
            &[
                ("campaign", Arg::plain(primary.name())),
                ("other", Arg::plain(other.name())),
                ("witness", Arg::text(witness_zh, witness_en)),
            ],
        )
        .related(other.file, other.campaign.name.span, other_campaign())
        .help(LocalText::new(
            "错开时间、地区、渠道或受众;若可以同时享受,两个活动都写 `stacking: stackable` 或互相列入 `with [...]`",
            "separate the windows, regions, channels or audiences; if both may apply, declare `stacking: stackable` on both or list each other in `with [...]`",
        )),
    ))
}

/// One audience cell where both campaigns apply: `品牌=全球通`, `月消费∈[58, +∞) 元`.
fn audience_cell(a: &CampaignFact<'_>, b: &CampaignFact<'_>) -> Vec<String> {
    let dims: BTreeSet<&str> = a
        .audience
        .iter()
        .chain(&b.audience)
        .map(|(d, _)| *d)
        .collect();
    let mut cell = Vec::new();
    for dim in dims {
        let sa = a.audience.iter().find(|(d, _)| *d == dim).map(|(_, s)| s);
        let sb = b.audience.iter().find(|(d, _)| *d == dim).map(|(_, s)| s);
        let text = match (sa, sb) {
            (Some(AudienceSet::Values(x)), Some(AudienceSet::Values(y))) => x
                .iter()
                .find(|v| y.contains(v))
                .map(|v| format!("{dim}={v}")),
            (Some(AudienceSet::Range(x)), Some(AudienceSet::Range(y))) => {
                let lo = match (x.lo, y.lo) {
                    (Some(p), Some(q)) => Some(p.max(q)),
                    (p, q) => p.or(q),
                };
                let hi = match (x.hi, y.hi) {
                    (Some(p), Some(q)) => Some(
                        if p.value < q.value || (p.value == q.value && !p.inclusive) {
                            p
                        } else {
                            q
                        },
                    ),
                    (p, q) => p.or(q),
                };
                Some(format!(
                    "{dim}∈{}",
                    koujing_grammar::ast::Interval {
                        lo,
                        hi,
                        unit: x.unit
                    }
                    .math()
                ))
            }
            (Some(AudienceSet::Values(x)), None) | (None, Some(AudienceSet::Values(x))) => {
                x.first().map(|v| format!("{dim}={v}"))
            }
            (Some(AudienceSet::Range(x)), None) | (None, Some(AudienceSet::Range(x))) => {
                Some(format!("{dim}∈{}", x.math()))
            }
            _ => None,
        };
        cell.extend(text);
    }
    cell
}

/// KJ2003: a city campaign overlapping a province campaign on the same offer
/// without `extends` (the caller has ruled out KJ2001 and declared pairs).
fn province_city(a: &CampaignFact<'_>, b: &CampaignFact<'_>) -> Option<Diagnostic> {
    let (city, province) = match (a.issuer_depth, b.issuer_depth) {
        (1, 0) => (a, b),
        (0, 1) => (b, a),
        _ => return None,
    };
    let (primary, other) = later_first(a, b);
    let mut diagnostic = Diagnostic::new(
        Code::KJ2003,
        primary.file,
        primary.campaign.name.span,
        &[
            ("campaign", Arg::plain(city.name())),
            ("other", Arg::plain(province.name())),
        ],
    )
    .related(other.file, other.campaign.name.span, other_campaign())
    .help(LocalText::new(
        format!(
            "若 `{}` 是省公司活动的地市细化,在其中写 `extends: {}`",
            city.name(),
            province.name()
        ),
        format!(
            "if `{}` refines the province campaign, add `extends: {}` to it",
            city.name(),
            province.name()
        ),
    ));
    // The fix edits the primary's file: offered when the city campaign is it.
    if primary.name() == city.name() {
        diagnostic = diagnostic.fix(koujing_grammar::Fix {
            zh: format!("添加 extends: {}", province.name()),
            en: format!("add extends: {}", province.name()),
            edits: vec![koujing_grammar::Edit {
                span: koujing_grammar::Span::point(city.campaign.span.end.saturating_sub(1)),
                replacement: format!("; extends: {} ", province.name()),
            }],
        });
    }
    Some(diagnostic)
}

/// KJ2004, once per pair.
fn one_sided_stacking(facts: &[CampaignFact<'_>]) -> Vec<Diagnostic> {
    let by_name: HashMap<&str, &CampaignFact<'_>> = facts.iter().map(|f| (f.name(), f)).collect();
    let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut diagnostics = Vec::new();
    for fact in facts {
        let Stacking::With(partners) = &fact.campaign.stacking.node else {
            continue;
        };
        for partner in partners {
            let Some(other) = by_name.get(partner.text.as_str()) else {
                continue;
            };
            if other.allows(fact.name()) || other.name() == fact.name() {
                continue;
            }
            let key = if fact.name() < other.name() {
                (fact.name(), other.name())
            } else {
                (other.name(), fact.name())
            };
            if !seen.insert(key) {
                continue;
            }
            let (primary, related) = later_first(fact, other);
            diagnostics.push(
                Diagnostic::new(
                    Code::KJ2004,
                    primary.file,
                    if primary.name() == fact.name() {
                        partner.span
                    } else {
                        primary.campaign.name.span
                    },
                    &[
                        ("campaign", Arg::plain(fact.name())),
                        ("other", Arg::plain(other.name())),
                    ],
                )
                .related(related.file, related.campaign.name.span, other_campaign())
                .help(LocalText::new(
                    format!(
                        "在 `{}` 的 stacking 中列入 `{}`,或从 `{}` 的 with 中删去它",
                        other.name(),
                        fact.name(),
                        fact.name()
                    ),
                    format!(
                        "list `{}` in the stacking of `{}`, or remove it from the `with` of `{}`",
                        fact.name(),
                        other.name(),
                        fact.name()
                    ),
                )),
            );
        }
    }
    diagnostics
}

/// Names of the largest regions whose leaves are all in `set`.
pub fn describe_leaves(index: &Index<'_>, set: &LeafSet) -> Vec<String> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); index.regions.len()];
    let mut roots = Vec::new();
    for (i, region) in index.regions.iter().enumerate() {
        match region.parent.and_then(|p| children.get_mut(p)) {
            Some(list) => list.push(i),
            None => roots.push(i),
        }
    }
    let mut names = Vec::new();
    let mut stack: Vec<usize> = roots.into_iter().rev().collect();
    while let Some(node) = stack.pop() {
        let Some(region) = index.regions.get(node) else {
            continue;
        };
        if region.leaves.is_empty() {
            continue;
        }
        if region.leaves.clone().all(|l| set.contains(l)) {
            names.push(region.name.text.clone());
        } else if region.leaves.clone().any(|l| set.contains(l)) {
            if let Some(kids) = children.get(node) {
                stack.extend(kids.iter().rev());
            }
        }
    }
    names
}

/// KJ2002: a sweep over window starts and ends per (leaf, channel).
fn clustering(
    index: &Index<'_>,
    facts: &[CampaignFact<'_>],
    limits: &LimitsTable,
) -> Vec<Diagnostic> {
    let mut lanes: HashMap<(usize, &str), Vec<usize>> = HashMap::new();
    for (i, fact) in facts.iter().enumerate() {
        for leaf in fact.leaves.iter() {
            for channel in &fact.channels {
                lanes.entry((leaf, channel)).or_default().push(i);
            }
        }
    }
    type Key = (Vec<usize>, NaiveDate, NaiveDate, u32);
    let mut found: BTreeMap<Key, (LeafSet, Vec<String>)> = BTreeMap::new();
    for ((leaf, channel), members) in lanes {
        let region = index.leaves.get(leaf).copied().unwrap_or_default();
        let max = limits.region(region).max_concurrent;
        if members.len() <= max as usize {
            continue;
        }
        let mut events: Vec<(NaiveDate, bool, usize)> = Vec::with_capacity(members.len() * 2);
        for &i in &members {
            let Some(fact) = facts.get(i) else { continue };
            events.push((fact.start, true, i));
            if let Some(after) = fact.end.succ_opt() {
                events.push((after, false, i));
            }
        }
        events.sort();
        let mut active: Vec<usize> = Vec::new();
        let mut at = 0;
        while let Some(&(day, _, _)) = events.get(at) {
            while let Some(&(d, starts, i)) = events.get(at) {
                if d != day {
                    break;
                }
                if starts {
                    if let Err(pos) = active.binary_search(&i) {
                        active.insert(pos, i);
                    }
                } else if let Ok(pos) = active.binary_search(&i) {
                    active.remove(pos);
                }
                at += 1;
            }
            if active.len() > max as usize {
                let until = events
                    .get(at)
                    .and_then(|(next, _, _)| next.pred_opt())
                    .unwrap_or(NaiveDate::MAX);
                let entry = found
                    .entry((active.clone(), day, until, max))
                    .or_insert_with(|| (LeafSet::with_capacity(index.leaves.len()), Vec::new()));
                entry.0.insert_range(leaf..leaf + 1);
                if !entry.1.iter().any(|c| c == channel) {
                    entry.1.push(channel.to_string());
                }
            }
        }
    }
    let mut diagnostics = Vec::new();
    for ((set, from, until, max), (leaves, mut channels)) in found {
        let members: Vec<&CampaignFact<'_>> = set.iter().filter_map(|&i| facts.get(i)).collect();
        let Some(primary) = members.iter().max_by_key(|f| f.order_key()) else {
            continue;
        };
        channels.sort();
        let names: Vec<String> = members.iter().map(|f| format!("`{}`", f.name())).collect();
        let regions = describe_leaves(index, &leaves);
        let dates = if from == until {
            from.to_string()
        } else {
            format!("{from} ~ {}", show_end(until))
        };
        let where_zh = format!(
            "地区 {};渠道 {};日期 {}",
            regions.join("、"),
            channels.join("、"),
            dates
        );
        let where_en = format!(
            "regions {}; channels {}; dates {}",
            regions.join(", "),
            channels.join(", "),
            dates
        );
        let mut diagnostic = Diagnostic::new(
            Code::KJ2002,
            primary.file,
            primary.campaign.name.span,
            &[
                ("count", Arg::plain(members.len().to_string())),
                ("max", Arg::plain(max.to_string())),
                ("campaigns", Arg::text(names.join("、"), names.join(", "))),
                ("where", Arg::text(where_zh, where_en)),
            ],
        );
        for other in members.iter().filter(|f| f.name() != primary.name()) {
            diagnostic = diagnostic.related(
                other.file,
                other.campaign.name.span,
                LocalText::new(
                    format!("同时开展的活动 `{}`", other.name()),
                    format!("concurrent campaign `{}`", other.name()),
                ),
            );
        }
        diagnostics.push(diagnostic.help(LocalText::new(
            "错开活动时间或渠道,或经省公司批准后用 `// koujing: allow(KJ2002) reason=\"…\"` 说明",
            "spread the campaigns over time or channels, or, with the province's approval, record it with `// koujing: allow(KJ2002) reason=\"…\"`",
        )));
    }
    diagnostics
}
