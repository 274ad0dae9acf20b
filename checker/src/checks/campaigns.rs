//! Campaign analyses: conflicts (KJ2001), clustering 扎堆 (KJ2002),
//! province–city alignment (KJ2003), one-sided stacking (KJ2004), and the
//! conflict groups the bundle carries.
//!
//! No all-pairs comparison: campaigns are grouped by offer and swept by
//! window start, so only pairs whose windows intersect are ever compared;
//! clustering is a sweep over window starts and ends per (leaf, channel).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use chrono::NaiveDate;
use koujing_grammar::ast::Stacking;
use koujing_grammar::Arg;
use petgraph::unionfind::UnionFind;
use rayon::prelude::*;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, FileId, LocalText, Related};
use crate::leafset::LeafSet;
use crate::limits::LimitsTable;
use crate::messages::NoteMsg as N;
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
    N::OtherCampaignHere.text(&[])
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
    analyse_with(index, facts, &[], None, limits)
}

/// Whose KJ2002 a focused re-check reports: the campaigns of one file
/// starting at the given offsets (sorted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportOnly<'a> {
    pub file: FileId,
    pub campaigns: &'a [usize],
}

impl ReportOnly<'_> {
    fn wants(&self, fact: &CampaignFact<'_>) -> bool {
        fact.file == self.file
            && self
                .campaigns
                .binary_search(&fact.campaign.span.start)
                .is_ok()
    }
}

/// [`analyse`], for the editor's focused re-check: `lanes_only` are
/// campaigns that only fill KJ2002's lanes (no pairs are formed with them),
/// and KJ2002 is reported only for the campaigns `report_only` names.
pub fn analyse_with(
    index: &Index<'_>,
    facts: &[CampaignFact<'_>],
    lanes_only: &[CampaignFact<'_>],
    report_only: Option<ReportOnly<'_>>,
    limits: &LimitsTable,
) -> CampaignAnalysis {
    // Conflicts and clustering are independent: one on each core.
    let (mut analysis, clustered) = rayon::join(
        || crate::timing::time("    conflicts", || conflicts(index, facts, report_only)),
        || {
            crate::timing::time("    clustering", || {
                if lanes_only.is_empty() {
                    clustering(index, facts, limits, report_only)
                } else {
                    let all: Vec<CampaignFact<'_>> =
                        facts.iter().chain(lanes_only).cloned().collect();
                    clustering(index, &all, limits, report_only)
                }
            })
        },
    );
    analysis.diagnostics.extend(clustered);
    analysis
}

/// KJ2001, KJ2003 and KJ2004, and the conflict groups (pairs with the
/// edited file only, in a focused re-check).
fn conflicts(
    index: &Index<'_>,
    facts: &[CampaignFact<'_>],
    report_only: Option<ReportOnly<'_>>,
) -> CampaignAnalysis {
    let mut analysis = CampaignAnalysis::default();
    let involved = |f: &CampaignFact<'_>| report_only.is_none_or(|only| f.file == only.file);
    let mut groups = UnionFind::<usize>::new(facts.len());
    let mut stackable_members: BTreeSet<usize> = BTreeSet::new();

    // By offer (its position among the products).
    let mut by_offer: Vec<Vec<usize>> = vec![Vec::new(); index.products.len()];
    for (i, fact) in facts.iter().enumerate() {
        if let Some(ids) = by_offer.get_mut(fact.offer_id) {
            ids.push(i);
        }
    }
    for ids in &mut by_offer {
        ids.sort_by_cached_key(|&i| facts.get(i).map(CampaignFact::order_key));
        // The sweep reads what it compares most from a compact list of its
        // own (the facts are read only for pairs whose windows and leaf
        // bounds meet). A campaign without leaves overlaps nothing.
        let slots: Vec<Slot> = ids
            .iter()
            .filter_map(|&i| {
                let fact = facts.get(i)?;
                let (first, last) = fact.leaves.bounds()?;
                Some(Slot {
                    end: fact.end,
                    first,
                    last,
                    fact: i,
                })
            })
            .collect();
        let mut active: Vec<usize> = Vec::new();
        for (s, slot) in slots.iter().enumerate() {
            let (i, Some(current)) = (slot.fact, facts.get(slot.fact)) else {
                continue;
            };
            active.retain(|&a| slots.get(a).is_some_and(|t| t.end >= current.start));
            for &a in &active {
                let Some(other) = slots.get(a) else {
                    continue;
                };
                if other.last < slot.first || slot.last < other.first {
                    continue;
                }
                let j = other.fact;
                let Some(earlier) = facts.get(j) else {
                    continue;
                };
                // A focused re-check reports pairs with the edited file only.
                if !involved(earlier) && !involved(current) {
                    continue;
                }
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
            active.push(s);
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

    analysis
        .diagnostics
        .extend(one_sided_stacking(facts, &involved));
    analysis
}

/// A campaign in the conflict sweep of one offer: its window's end, the
/// first and last of its leaves, and its position in the facts.
struct Slot {
    end: NaiveDate,
    first: usize,
    last: usize,
    fact: usize,
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
    if a.extends.is_some_and(|e| e == b.name()) || b.extends.is_some_and(|e| e == a.name()) {
        return Overlap::None;
    }
    let channel = b
        .channel_ids
        .iter()
        .position(|c| a.channel_ids.contains(c))
        .and_then(|at| b.channels.get(at));
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
        leaf.map_or(String::new(), |r| r.name.text.to_string()),
        day.to_string(),
        channel.to_string(),
    ];
    cell.extend(audience_cell(primary, other));
    let witness = N::BothApply.with_list("cell", &cell);
    Overlap::Conflict(Box::new(
        Diagnostic::new(
            Code::KJ2001,
            primary.file,
            primary.campaign.name.span,
            &[
                ("campaign", Arg::plain(primary.name())),
                ("other", Arg::plain(other.name())),
                ("witness", witness.into()),
            ],
        )
        .related(other.file, other.campaign.name.span, other_campaign())
        .help(N::SeparateOrStack.text(&[])),
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
    .help(N::ExtendsHelp.text(&[("city", &city.name()), ("province", &province.name())]));
    // The fix edits the primary's file: offered when the city campaign is it.
    if primary.name() == city.name() {
        diagnostic = diagnostic.fix(N::AddExtends.fix(
            &[("province", &province.name())],
            vec![koujing_grammar::Edit {
                span: koujing_grammar::Span::point(city.campaign.span.end.saturating_sub(1)),
                replacement: format!("; extends: {} ", province.name()),
            }],
        ));
    }
    Some(diagnostic)
}

/// KJ2004, once per pair.
fn one_sided_stacking(
    facts: &[CampaignFact<'_>],
    involved: &dyn Fn(&CampaignFact<'_>) -> bool,
) -> Vec<Diagnostic> {
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
            if other.allows(fact.name())
                || other.name() == fact.name()
                || !(involved(fact) || involved(other))
            {
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
                .help(N::ListInStacking.text(&[("other", &other.name()), ("name", &fact.name())])),
            );
        }
    }
    diagnostics
}

/// The region tree with each node's children, built once and asked many
/// times for the names that describe a set of leaves.
pub struct RegionTree {
    children: Vec<Vec<usize>>,
    roots: Vec<usize>,
}

impl RegionTree {
    pub fn new(index: &Index<'_>) -> RegionTree {
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); index.regions.len()];
        let mut roots = Vec::new();
        for (i, region) in index.regions.iter().enumerate() {
            match region.parent.and_then(|p| children.get_mut(p)) {
                Some(list) => list.push(i),
                None => roots.push(i),
            }
        }
        RegionTree { children, roots }
    }

    /// Names of the highest regions whose leaves are all in `set`, in tree
    /// order. Only the nodes whose subtree meets `set` are visited.
    pub fn describe(&self, index: &Index<'_>, set: &LeafSet) -> Vec<String> {
        let mut names = Vec::new();
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(node) = stack.pop() {
            let Some(region) = index.regions.get(node) else {
                continue;
            };
            if region.leaves.is_empty() {
                continue;
            }
            let inside = set.count_range(region.leaves.clone());
            if inside == region.leaves.len() {
                names.push(region.name.text.to_string());
            } else if inside > 0 {
                if let Some(kids) = self.children.get(node) {
                    stack.extend(kids.iter().rev());
                }
            }
        }
        names
    }
}

/// Where one campaign is over the limit (KJ2002 v2), gathered over lanes.
#[derive(Default)]
struct Over {
    /// The most campaigns active at once where it is over, and the limit there.
    peak: (usize, u32),
    /// (channel, lane class) pairs.
    lanes: Vec<(usize, usize)>,
    /// Day runs, inclusive, unsorted until the end.
    days: Vec<(NaiveDate, NaiveDate)>,
    /// Ranks of the campaigns active with it where it is over.
    with: Vec<u32>,
}

impl Over {
    fn add(
        &mut self,
        lane: (usize, usize),
        from: NaiveDate,
        until: NaiveDate,
        active: &[u32],
        me: u32,
        limit: u32,
    ) {
        if (active.len(), std::cmp::Reverse(limit)) > (self.peak.0, std::cmp::Reverse(self.peak.1))
        {
            self.peak = (active.len(), limit);
        }
        if self.lanes.last() != Some(&lane) {
            self.lanes.push(lane);
        }
        match self.days.last_mut() {
            Some(last) if last.1.succ_opt() == Some(from) => last.1 = until,
            _ => self.days.push((from, until)),
        }
        self.with.extend(active.iter().filter(|&&r| r != me));
        // Keep the list from growing with repeats on long runs.
        if self.with.len() > 4096 {
            self.with.sort_unstable();
            self.with.dedup();
        }
    }
}

/// The most campaigns active at once among `windows` (start, inclusive end).
fn peak(windows: impl Iterator<Item = (NaiveDate, NaiveDate)>) -> usize {
    let mut events: Vec<(NaiveDate, i32)> = Vec::new();
    for (start, end) in windows {
        events.push((start, 1));
        if let Some(after) = end.succ_opt() {
            events.push((after, -1));
        }
    }
    // Ends sort before starts on the same day: a window ending the day
    // before another starts is not concurrent with it.
    events.sort_unstable();
    let (mut now, mut most) = (0i64, 0i64);
    for (_, delta) in events {
        now += i64::from(delta);
        most = most.max(now);
    }
    usize::try_from(most).unwrap_or(0)
}

/// The region nodes a campaign names: its `regions`, else its issuer.
fn campaign_nodes(index: &Index<'_>, fact: &CampaignFact<'_>) -> Vec<usize> {
    match &fact.campaign.regions {
        Some(regions) => regions
            .iter()
            .filter_map(|r| index.region_index(&r.text))
            .collect(),
        None => vec![fact.issuer],
    }
}

/// KJ2002 (v2): one finding per campaign over the limit somewhere.
///
/// A lane is a (leaf, channel) pair; on each lane and day the active
/// campaigns, ordered by (window start, name), are within the limit up to
/// `max_concurrent` and over it after. Per channel, campaigns are attached
/// to the region nodes they name; leaves whose chain of nodes carrying
/// campaigns is the same (and whose limit is the same) form one lane class
/// and are swept once. A class whose chain peaks, summed, cannot exceed
/// the limit is skipped without a sweep. Each sweep is over window starts
/// and ends, with the active campaigns kept sorted.
fn clustering(
    index: &Index<'_>,
    facts: &[CampaignFact<'_>],
    limits: &LimitsTable,
    report_only: Option<ReportOnly<'_>>,
) -> Vec<Diagnostic> {
    let reported = |fact: &CampaignFact<'_>| report_only.is_none_or(|only| only.wants(fact));
    // Ranks in (window start, name) order.
    // (Sorted by key with the position last: the same order as a stable
    // sort by (start, name), without reading the facts at each comparison.)
    let mut keyed: Vec<(NaiveDate, &str, usize)> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.start, f.name(), i))
        .collect();
    keyed.sort_unstable();
    let ranked: Vec<usize> = keyed.into_iter().map(|(_, _, i)| i).collect();
    // The channels campaigns use, by name; `lane_of[id]` is the position
    // here of the channel at `id` in `index.channels`.
    let mut used = vec![false; index.channels.len()];
    for id in facts.iter().flat_map(|f| &f.channel_ids) {
        if let Some(u) = used.get_mut(*id) {
            *u = true;
        }
    }
    let mut channel_names: Vec<(&str, usize)> = index
        .channels
        .defs
        .iter()
        .enumerate()
        .filter(|(id, _)| used.get(*id) == Some(&true))
        .map(|(id, def)| (def.item.name.text.as_str(), id))
        .collect();
    channel_names.sort_unstable();
    let mut lane_of = vec![usize::MAX; index.channels.len()];
    for (position, (_, id)) in channel_names.iter().enumerate() {
        if let Some(slot) = lane_of.get_mut(*id) {
            *slot = position;
        }
    }
    let channel_names: Vec<&str> = channel_names.into_iter().map(|(name, _)| name).collect();
    let nodes = index.regions.len();
    // Per channel, per region node: the ranks of the campaigns naming it.
    // Facts are visited in their own order (memory order: far fewer cache
    // misses than rank order); nothing below depends on a list's order.
    let mut rank_of = vec![0u32; facts.len()];
    for (rank, &i) in ranked.iter().enumerate() {
        if let (Some(slot), Ok(rank)) = (rank_of.get_mut(i), u32::try_from(rank)) {
            *slot = rank;
        }
    }
    let mut attached: Vec<Vec<Vec<u32>>> = vec![Vec::new(); channel_names.len()];
    for (fact, &rank) in facts.iter().zip(&rank_of) {
        let named = campaign_nodes(index, fact);
        for id in &fact.channel_ids {
            let Some(&c) = lane_of.get(*id) else {
                continue;
            };
            let Some(per_node) = attached.get_mut(c) else {
                continue;
            };
            if per_node.is_empty() {
                per_node.resize(nodes, Vec::new());
            }
            for &node in &named {
                if let Some(list) = per_node.get_mut(node) {
                    list.push(rank);
                }
            }
        }
    }
    // Windows by rank, side by side: the sweeps below read them at random.
    let windows: Vec<(NaiveDate, NaiveDate)> = ranked
        .iter()
        .filter_map(|&i| facts.get(i))
        .map(|f| (f.start, f.end))
        .collect();
    let window = |rank: u32| windows.get(rank as usize).copied();

    let fact_of = |rank: u32| ranked.get(rank as usize).and_then(|&i| facts.get(i));
    let mut classes: Vec<LeafSet> = Vec::new();
    // By rank: what each campaign is over the limit in (`None`: nowhere).
    let mut over: Vec<Option<Box<Over>>> = Vec::new();
    over.resize_with(ranked.len(), || None);
    for (c, per_node) in attached.iter().enumerate() {
        if per_node.is_empty() {
            continue;
        }
        // Top-down (regions are stored parents first): the summed peaks of
        // the chain, and the deepest node of the chain carrying campaigns.
        let mut bound = vec![0usize; nodes];
        let mut deepest: Vec<Option<usize>> = vec![None; nodes];
        for (n, region) in index.regions.iter().enumerate() {
            let own = per_node.get(n).map_or(&[][..], Vec::as_slice);
            let (up_bound, up_deepest) = region.parent.map_or((0, None), |p| {
                (
                    bound.get(p).copied().unwrap_or(0),
                    deepest.get(p).copied().flatten(),
                )
            });
            if let Some(b) = bound.get_mut(n) {
                *b = up_bound + peak(own.iter().filter_map(|&r| window(r)));
            }
            if let Some(d) = deepest.get_mut(n) {
                *d = if own.is_empty() { up_deepest } else { Some(n) };
            }
        }
        // Lane classes: (deepest carrying node, limit) → leaves.
        let mut lane_classes: BTreeMap<(usize, u32), LeafSet> = BTreeMap::new();
        for (leaf, &region) in index.leaves.iter().enumerate() {
            let max = limits.region(region).max_concurrent;
            let (Some(&b), Some(&Some(d))) = (bound.get(region), deepest.get(region)) else {
                continue;
            };
            if b <= max as usize {
                continue;
            }
            lane_classes
                .entry((d, max))
                .or_default()
                .insert_range(leaf..leaf + 1);
        }
        for ((node, max), leaves) in lane_classes {
            let class = classes.len();
            classes.push(leaves);
            let mut members: Vec<u32> = Vec::new();
            let mut at = Some(node);
            while let Some(n) = at {
                members.extend(per_node.get(n).into_iter().flatten());
                at = index.regions.get(n).and_then(|r| r.parent);
            }
            members.sort_unstable();
            members.dedup();
            if report_only.is_some() && !members.iter().any(|&r| fact_of(r).is_some_and(&reported))
            {
                continue;
            }
            sweep(&members, max, &window, |from, until, active, me| {
                if let Some(found) = over.get_mut(me as usize) {
                    found.get_or_insert_with(Box::default).add(
                        (c, class),
                        from,
                        until,
                        active,
                        me,
                        max,
                    );
                }
            });
        }
    }

    let tree = RegionTree::new(index);
    // Each campaign's "active at the same time" note, made once however many
    // findings list it.
    let mut notes: Vec<OnceLock<Box<LocalText>>> = Vec::new();
    if over.iter().any(Option::is_some) {
        notes.resize_with(ranked.len(), OnceLock::new);
    }
    let lanes = Lanes {
        index,
        tree: &tree,
        channel_names: &channel_names,
        classes: &classes,
        notes: &notes,
    };
    // The findings are independent: made on every core, kept in rank order.
    over.into_par_iter()
        .enumerate()
        .filter_map(|(rank, found)| {
            let found = *found?;
            let rank = u32::try_from(rank).ok()?;
            let fact = fact_of(rank).filter(|f| reported(f))?;
            Some(lanes.finding(fact, found, &fact_of))
        })
        .collect()
}

/// What a KJ2002 finding needs to describe the lanes it is over in.
struct Lanes<'a, 'w> {
    index: &'a Index<'w>,
    tree: &'a RegionTree,
    channel_names: &'a [&'a str],
    classes: &'a [LeafSet],
    /// By rank: the note a finding lists the campaign with, once made.
    notes: &'a [OnceLock<Box<LocalText>>],
}

impl Lanes<'_, '_> {
    /// The KJ2002 finding of one campaign over the limit.
    fn finding<'f>(
        &self,
        fact: &CampaignFact<'_>,
        mut found: Over,
        fact_of: &(dyn Fn(u32) -> Option<&'f CampaignFact<'f>> + Sync),
    ) -> Diagnostic {
        let (index, tree, channel_names, classes) =
            (self.index, self.tree, self.channel_names, self.classes);
        found.days.sort_unstable();
        let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
        for (from, until) in found.days {
            match runs.last_mut() {
                Some(last)
                    if last.1 == NaiveDate::MAX || last.1.succ_opt().is_some_and(|n| n >= from) =>
                {
                    last.1 = last.1.max(until);
                }
                _ => runs.push((from, until)),
            }
        }
        found.with.sort_unstable();
        found.with.dedup();
        // Channel → leaves over the limit; channels with the same leaves together.
        let mut by_channel: BTreeMap<&str, LeafSet> = BTreeMap::new();
        for (c, class) in found.lanes {
            let (Some(name), Some(leaves)) = (channel_names.get(c), classes.get(class)) else {
                continue;
            };
            by_channel.entry(name).or_default().union_with(leaves);
        }
        let mut groups: Vec<(LeafSet, Vec<&str>)> = Vec::new();
        for (channel, leaves) in by_channel {
            match groups.iter_mut().find(|g| g.0 == leaves) {
                Some(group) => group.1.push(channel),
                None => groups.push((leaves, vec![channel])),
            }
        }
        let lanes: Vec<LocalText> = groups
            .iter()
            .map(|(leaves, channels)| {
                let regions = N::join(&tree.describe(index, leaves), N::ListSeparator);
                let channels = N::join(channels, N::ListSeparator);
                LocalText::from_fn(|lang| {
                    N::Lane.get(
                        lang,
                        &[
                            ("regions", &regions.get(lang)),
                            ("channels", &channels.get(lang)),
                        ],
                    )
                })
            })
            .collect();
        let lanes = LocalText::from_fn(|lang| {
            lanes
                .iter()
                .map(|l| l.get(lang))
                .collect::<Vec<_>>()
                .join(N::ClauseSeparator.template(lang))
        });
        let days: Vec<String> = runs
            .iter()
            .map(|&(from, until)| {
                if from == until {
                    from.to_string()
                } else {
                    format!("{from} ~ {}", show_end(until))
                }
            })
            .collect();
        let rest = found.with.len().saturating_sub(MAX_RELATED);
        let rest_text = if rest == 0 {
            Arg::plain(String::new())
        } else {
            N::MoreConcurrent.arg(&[("rest", &rest)])
        };
        let mut diagnostic = Diagnostic::new(
            Code::KJ2002,
            fact.file,
            fact.campaign.name.span,
            &[
                ("campaign", Arg::plain(fact.name())),
                ("count", Arg::plain(found.peak.0.to_string())),
                ("max", Arg::plain(found.peak.1.to_string())),
                ("lanes", lanes.into()),
                ("days", N::list_arg(&days)),
                ("rest", rest_text),
            ],
        );
        diagnostic
            .related
            .reserve_exact(found.with.len().min(MAX_RELATED));
        for &rank in found.with.iter().take(MAX_RELATED) {
            let Some(other) = fact_of(rank) else {
                continue;
            };
            let note =
                |other: &CampaignFact<'_>| N::ConcurrentCampaign.text(&[("name", &other.name())]);
            let message = match self.notes.get(rank as usize) {
                Some(cell) => LocalText::clone(cell.get_or_init(|| Box::new(note(other)))),
                None => note(other),
            };
            diagnostic.related.push(Related {
                file: other.file,
                span: other.campaign.name.span,
                message,
            });
        }
        diagnostic.help(N::SpreadCampaigns.text(&[]))
    }
}

/// The related campaigns a KJ2002 lists; the message counts the rest.
const MAX_RELATED: usize = 20;

/// One lane class: `members` are ranks (sorted), `max` the limit. Calls
/// `over(from, until, active, campaign)` for each campaign over the limit
/// on each run of days where the active set does not change.
fn sweep(
    members: &[u32],
    max: u32,
    window: &impl Fn(u32) -> Option<(NaiveDate, NaiveDate)>,
    mut over: impl FnMut(NaiveDate, NaiveDate, &[u32], u32),
) {
    let max = max as usize;
    let mut events: Vec<(NaiveDate, bool, u32)> = Vec::with_capacity(members.len() * 2);
    for &rank in members {
        let Some((start, end)) = window(rank) else {
            continue;
        };
        events.push((start, true, rank));
        if let Some(after) = end.succ_opt() {
            events.push((after, false, rank));
        }
    }
    events.sort_unstable();
    let mut active: Vec<u32> = Vec::new();
    let mut at = 0;
    while let Some(&(day, _, _)) = events.get(at) {
        while let Some(&(d, starts, rank)) = events.get(at) {
            if d != day {
                break;
            }
            match (starts, active.binary_search(&rank)) {
                (true, Err(pos)) => active.insert(pos, rank),
                (false, Ok(pos)) => {
                    active.remove(pos);
                }
                _ => {}
            }
            at += 1;
        }
        if active.len() > max {
            let until = events
                .get(at)
                .and_then(|(next, _, _)| next.pred_opt())
                .unwrap_or(NaiveDate::MAX);
            for &me in active.get(max..).unwrap_or_default() {
                over(day, until, &active, me);
            }
        }
    }
}
