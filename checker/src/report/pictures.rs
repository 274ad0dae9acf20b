//! The pictures a reviewer would rather look at than read: the support
//! readiness timeline, the county × week load map against `max_concurrent`
//! (扎堆), and the conflict matrix (KJ2001 / KJ2003).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use chrono::{Datelike, Duration, NaiveDate};
use petgraph::unionfind::UnionFind;

use super::{esc, Ctx};
use crate::codes::Code;
use crate::messages::ReportMsg as M;
use crate::model::CampaignFact;

/// Pixels per day in the timeline.
const DAY: i64 = 3;
/// Width of the label column.
const LABEL: i64 = 280;
/// Longest span of time drawn, in days.
const HORIZON: i64 = 730;
/// Most names listed in a tooltip.
const NAMES: usize = 12;

fn names_list(names: &[&str]) -> String {
    let mut shown: Vec<&str> = names.iter().copied().take(NAMES).collect();
    let more = names.len().saturating_sub(NAMES);
    let extra = format!("+{more}");
    if more > 0 {
        shown.push(&extra);
    }
    shown.join("、")
}

/// Support readiness: one row per support, a diamond at its effective
/// ready date, a tick at the start date of each campaign that requires it;
/// a tick is marked late (✖, red) when the support is ready after that
/// campaign's deadline (`support_lead` before its start), as KJ4002 judges.
pub(super) fn readiness(out: &mut String, cx: &Ctx<'_, '_>) {
    cx.section_head(
        out,
        "readiness",
        cx.t(M::SupportReadinessTimeline),
        cx.t(M::ReadinessLegend),
    );
    // Per support: (start date, late) → campaigns.
    let supports = &cx.index.supports.defs;
    let mut needs: Vec<BTreeMap<(NaiveDate, bool), Vec<&str>>> =
        vec![BTreeMap::new(); supports.len()];
    for fact in cx.facts {
        let lead = cx.limits.region(fact.issuer).support_lead;
        let deadline = lead.before(fact.start);
        for r in &fact.campaign.requires {
            let Some(i) = cx.index.supports.index_of(&r.text) else {
                continue;
            };
            let ready = cx.readiness.effective.get(i).copied().flatten();
            let late = matches!((ready, deadline), (Some(r), Some(d)) if r > d);
            if let Some(map) = needs.get_mut(i) {
                map.entry((fact.start, late)).or_default().push(fact.name());
            }
        }
    }
    let dates = cx
        .readiness
        .effective
        .iter()
        .flatten()
        .copied()
        .chain(needs.iter().flat_map(|m| m.keys().map(|k| k.0)));
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        out.push_str("<p>—</p></section>\n");
        return;
    };
    let first = first - Duration::days(7);
    let last = last.min(first + Duration::days(HORIZON)) + Duration::days(7);
    let x = |d: NaiveDate| LABEL + (d.clamp(first, last) - first).num_days() * DAY;
    let mut order: Vec<usize> = (0..supports.len()).collect();
    order.sort_by_key(|&i| {
        (
            cx.readiness.effective.get(i).copied().flatten(),
            supports.get(i).map(|d| d.item.name.text.as_str()),
        )
    });
    let row = 24;
    let height = 30 + order.len() as i64 * row;
    let width = x(last) + 20;
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><svg class=\"timeline\" role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">",
        cx.t(M::SupportReadinessTimeline)
    );
    month_grid(out, first, last, height, &x);
    let mut y = 30;
    for i in order {
        let Some(def) = supports.get(i) else { continue };
        let name = def.item.name.text.as_str();
        let ready = cx.readiness.effective.get(i).copied().flatten();
        let late_count: usize = needs.get(i).map_or(0, |m| {
            m.iter().filter(|(k, _)| k.1).map(|(_, v)| v.len()).sum()
        });
        let _ = write!(
            out,
            "<g class=\"support{}\" data-support=\"{}\"><text x=\"4\" y=\"{}\" class=\"label\">{}{}</text>",
            if late_count > 0 { " has-late" } else { "" },
            esc(name),
            y + 15,
            if late_count > 0 { "✖ " } else { "" },
            esc(name),
        );
        let _ = write!(
            out,
            "<line x1=\"{LABEL}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" class=\"lane\"/>",
            width - 10,
            y + 11,
            y + 11
        );
        if let Some(map) = needs.get(i) {
            for ((start, late), campaigns) in map {
                let cls = if *late { "need late" } else { "need" };
                let (tx, y0, y1) = (x(*start), y + 2, y + 20);
                let _ = write!(
                    out,
                    "<g class=\"{cls}\" data-support=\"{}\" data-start=\"{start}\" data-campaigns=\"{}\"><title>{start} {}: {}</title><line x1=\"{tx}\" x2=\"{tx}\" y1=\"{y0}\" y2=\"{y1}\"/>",
                    esc(name),
                    esc(&campaigns.join("|")),
                    if *late { cx.t(M::StartsLate) } else { cx.t(M::Starts) },
                    esc(&names_list(campaigns)),
                );
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" class=\"mark\">{}</text></g>",
                    x(*start) + 2,
                    y + 9,
                    if *late { "✖" } else { "" }
                );
            }
        }
        if let Some(ready) = ready {
            let (cxp, cy) = (x(ready), y + 11);
            let own = def.item.ready.map(|r| r.node);
            let _ = write!(
                out,
                "<path class=\"ready\" d=\"M{} {cy} L{cxp} {} L{} {cy} L{cxp} {} Z\"><title>{}: {} {ready}{}</title></path><text x=\"{}\" y=\"{}\" class=\"date\">{}</text>",
                cxp - 6,
                cy - 6,
                cxp + 6,
                cy + 6,
                esc(name),
                cx.t(M::EffectiveReady),
                if own.is_some_and(|o| o != ready) {
                    format!(" ({} {})", cx.t(M::OwnReadyDate), own.map_or_else(String::new, |o| o.to_string()))
                } else {
                    String::new()
                },
                cxp + 8,
                y + 22,
                ready.format("%m-%d"),
            );
        }
        out.push_str("</g>\n");
        y += row;
    }
    out.push_str("</svg></div></section>\n");
}

fn month_grid(
    out: &mut String,
    first: NaiveDate,
    last: NaiveDate,
    height: i64,
    x: &dyn Fn(NaiveDate) -> i64,
) {
    let mut month = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
    while month <= last {
        if month >= first {
            let _ = writeln!(
                out,
                "<line x1=\"{0}\" y1=\"18\" x2=\"{0}\" y2=\"{height}\" class=\"grid\"/><text x=\"{1}\" y=\"14\" class=\"month\">{2}-{3:02}</text>",
                x(month),
                x(month) + 2,
                month.year(),
                month.month()
            );
        }
        let Some(next) = month.checked_add_months(chrono::Months::new(1)) else {
            break;
        };
        month = next;
    }
}

/// One cell of the load map: a county in a week.
#[derive(Default)]
struct Cell<'w> {
    /// Most campaigns active at once on one channel on one day of the week.
    peak: usize,
    /// Campaigns over the limit there that week (KJ2002's order).
    over: BTreeSet<&'w str>,
    /// Channels where the limit is exceeded.
    channels: BTreeSet<&'w str>,
}

/// The load map's data, computed from the campaign model the way KJ2002
/// (v2) counts: per lane (county, channel) and day, campaigns ordered by
/// (start, name); the first `max_concurrent` are within the limit.
struct LoadMap<'w> {
    monday: NaiveDate,
    weeks: i64,
    cells: BTreeMap<(usize, i64), Cell<'w>>,
}

fn load_map<'w>(cx: &Ctx<'_, 'w>) -> Option<LoadMap<'w>> {
    let facts: &[CampaignFact<'w>] = cx.facts;
    let first = facts.iter().map(|f| f.start).min()?;
    let monday = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let last = facts
        .iter()
        .map(|f| {
            if f.end == NaiveDate::MAX {
                f.start
            } else {
                f.end
            }
        })
        .max()
        .unwrap_or(first);
    let weeks = ((last - monday).num_days() / 7 + 1).clamp(1, 104);
    let week_of = |d: NaiveDate| ((d - monday).num_days() / 7).clamp(0, weeks - 1);
    let mut lanes: HashMap<(usize, &str), Vec<usize>> = HashMap::new();
    for (i, fact) in facts.iter().enumerate() {
        for leaf in fact.leaves.iter() {
            for channel in &fact.channels {
                lanes.entry((leaf, *channel)).or_default().push(i);
            }
        }
    }
    let mut lanes: Vec<_> = lanes.into_iter().collect();
    lanes.sort_unstable();
    let mut cells: BTreeMap<(usize, i64), Cell<'w>> = BTreeMap::new();
    let horizon = monday + Duration::days(weeks * 7);
    for ((leaf, channel), members) in lanes {
        let region = cx.index.leaves.get(leaf).copied().unwrap_or_default();
        let max = cx.limits.region(region).max_concurrent as usize;
        let mut events: Vec<(NaiveDate, bool, usize)> = Vec::with_capacity(members.len() * 2);
        for &i in &members {
            let Some(fact) = facts.get(i) else { continue };
            events.push((fact.start, true, i));
            if let Some(after) = fact.end.succ_opt() {
                events.push((after, false, i));
            }
        }
        events.sort_unstable();
        // Active campaigns in KJ2002's order: (start, name).
        let mut active: Vec<(NaiveDate, &'w str)> = Vec::new();
        let mut at = 0;
        while let Some(&(day, _, _)) = events.get(at) {
            while let Some(&(d, starts, i)) = events.get(at) {
                if d != day {
                    break;
                }
                if let Some(f) = facts.get(i) {
                    let key = (f.start, f.name());
                    match (starts, active.binary_search(&key)) {
                        (true, Err(pos)) => active.insert(pos, key),
                        (false, Ok(pos)) => {
                            active.remove(pos);
                        }
                        _ => {}
                    }
                }
                at += 1;
            }
            if active.is_empty() || day >= horizon {
                continue;
            }
            let until = events
                .get(at)
                .and_then(|(next, _, _)| next.pred_opt())
                .unwrap_or(NaiveDate::MAX)
                .min(horizon);
            for week in week_of(day)..=week_of(until) {
                let cell = cells.entry((leaf, week)).or_default();
                cell.peak = cell.peak.max(active.len());
                if active.len() > max {
                    cell.channels.insert(channel);
                    cell.over.extend(active.iter().skip(max).map(|(_, n)| *n));
                }
            }
        }
    }
    Some(LoadMap {
        monday,
        weeks,
        cells,
    })
}

/// The county × week load map. A cell shows the most campaigns active at
/// once on one channel that week; cells over `max_concurrent` carry `!`,
/// the channels and the campaigns over the limit.
pub(super) fn load(out: &mut String, cx: &Ctx<'_, '_>) {
    cx.section_head(out, "load", cx.t(M::CountyWeekLoad), cx.t(M::LoadLegend));
    let Some(map) = load_map(cx) else {
        out.push_str("<p>—</p></section>\n");
        return;
    };
    let leaves: BTreeSet<usize> = map.cells.keys().map(|k| k.0).collect();
    out.push_str(
        "<div class=\"scroll\"><table class=\"loadmap\"><thead><tr><th scope=\"col\"></th>",
    );
    for w in 0..map.weeks {
        let day = map.monday + Duration::days(w * 7);
        let _ = write!(
            out,
            "<th scope=\"col\" title=\"{day}\">{}</th>",
            day.format("%m-%d")
        );
    }
    out.push_str("</tr></thead><tbody>\n");
    let mut city: Option<usize> = None;
    for leaf in leaves {
        let region = cx.index.leaves.get(leaf).copied().unwrap_or_default();
        let parent = cx.index.regions.get(region).and_then(|r| r.parent);
        if parent != city {
            city = parent;
            let name = parent
                .and_then(|p| cx.index.regions.get(p))
                .map_or("", |r| r.name.text.as_str());
            let _ = writeln!(
                out,
                "<tr class=\"city\"><th scope=\"rowgroup\" colspan=\"{}\">{}</th></tr>",
                map.weeks + 1,
                esc(name)
            );
        }
        let name = cx
            .index
            .regions
            .get(region)
            .map_or("", |r| r.name.text.as_str());
        let max = cx.limits.region(region).max_concurrent;
        let _ = write!(
            out,
            "<tr data-leaf=\"{}\"><th scope=\"row\">{} <small>≤{max}</small></th>",
            esc(name),
            esc(name)
        );
        for w in 0..map.weeks {
            match map.cells.get(&(leaf, w)) {
                None => out.push_str("<td></td>"),
                Some(cell) if cell.over.is_empty() => {
                    let level = (cell.peak * 4 / (max as usize).max(1)).min(4);
                    let _ = write!(out, "<td class=\"l{level}\">{}</td>", cell.peak);
                }
                Some(cell) => {
                    let over: Vec<&str> = cell.over.iter().copied().collect();
                    let day = map.monday + Duration::days(w * 7);
                    let _ = write!(
                        out,
                        "<td class=\"over\" tabindex=\"0\" data-week=\"{day}\" data-over=\"{}\" title=\"{} {day}: {} {}/{max}; {} {}; {} {}\">{}!</td>",
                        esc(&over.join("|")),
                        esc(name),
                        cx.t(M::Peak),
                        cell.peak,
                        cx.t(M::ChannelsColumn),
                        esc(&cell.channels.iter().copied().collect::<Vec<_>>().join("、")),
                        cx.t(M::OverTheLimit),
                        esc(&names_list(&over)),
                        cell.peak,
                    );
                }
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div></section>\n");
}

/// A conflict edge: the two campaigns and the finding.
struct Edge {
    a: usize,
    b: usize,
    finding: usize,
}

/// Campaigns in conflict (KJ2001) or overlapping a province campaign
/// without `extends` (KJ2003): one matrix per connected group, the
/// witness on hover and focus.
pub(super) fn conflicts(out: &mut String, cx: &Ctx<'_, '_>) {
    cx.section_head(
        out,
        "conflicts",
        cx.t(M::ConflictMatrix),
        cx.t(M::ConflictMatrixLegend),
    );
    let mut edges: Vec<Edge> = Vec::new();
    for (i, d) in cx.report.diagnostics.iter().enumerate() {
        if !matches!(d.code, Code::KJ2001 | Code::KJ2003) {
            continue;
        }
        let Some(a) = cx.owner.get(i).copied().flatten() else {
            continue;
        };
        let b = d
            .related
            .iter()
            .filter_map(|r| cx.spans.find(r.file, r.span))
            .find(|&b| b != a);
        if let Some(b) = b {
            edges.push(Edge { a, b, finding: i });
        }
    }
    if edges.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"none\">✔ {}</p></section>",
            cx.t(M::NoConflicts)
        );
        return;
    }
    let mut groups = UnionFind::<usize>::new(cx.facts.len());
    for e in &edges {
        groups.union(e.a, e.b);
    }
    let mut components: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for e in &edges {
        let root = groups.find(e.a);
        components.entry(root).or_default().extend([e.a, e.b]);
    }
    let name = |i: usize| cx.facts.get(i).map_or("", CampaignFact::name);
    let mut sorted: Vec<Vec<usize>> = components
        .into_values()
        .map(|s| {
            let mut v: Vec<usize> = s.into_iter().collect();
            v.sort_by_key(|&i| name(i));
            v
        })
        .collect();
    sorted.sort_by_key(|v| v.first().map(|&i| name(i)));
    let mut by_pair: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for e in &edges {
        by_pair
            .entry((e.a.min(e.b), e.a.max(e.b)))
            .or_default()
            .push(e.finding);
    }
    for members in sorted {
        out.push_str("<div class=\"scroll\"><table class=\"matrix\"><tr><th></th>");
        for (k, &m) in members.iter().enumerate() {
            let _ = write!(
                out,
                "<th scope=\"col\" title=\"{}\"><a href=\"#{}\">{}</a></th>",
                esc(name(m)),
                cx.anchor(name(m)),
                k + 1
            );
        }
        out.push_str("</tr>\n");
        for (k, &row) in members.iter().enumerate() {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{} <a href=\"#{}\">{}</a></th>",
                k + 1,
                cx.anchor(name(row)),
                esc(name(row))
            );
            for &col in &members {
                let Some(found) = by_pair.get(&(row.min(col), row.max(col))) else {
                    out.push_str(if row == col {
                        "<td class=\"self\">—</td>"
                    } else {
                        "<td></td>"
                    });
                    continue;
                };
                let diags: Vec<&crate::Diagnostic> =
                    found.iter().filter_map(|&f| cx.diagnostic(f)).collect();
                let conflict = diags.iter().any(|d| d.code == Code::KJ2001);
                let witness: Vec<String> = diags
                    .iter()
                    .map(|d| format!("{}: {}", d.code, d.message.get(cx.lang)))
                    .collect();
                let _ = write!(
                    out,
                    "<td class=\"edge {}\" data-code=\"{}\" data-pair=\"{}|{}\" tabindex=\"0\" title=\"{}\"><a href=\"#f-{}\">{}</a></td>",
                    if conflict { "kj2001" } else { "kj2003" },
                    if conflict { "KJ2001" } else { "KJ2003" },
                    esc(name(row)),
                    esc(name(col)),
                    esc(&witness.join("\n")),
                    found.first().copied().unwrap_or(0),
                    if conflict { "✖" } else { "△" },
                );
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table></div>\n");
    }
    out.push_str("</section>\n");
}
