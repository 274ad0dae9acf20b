//! 支撑到位: every campaign channel has the kinds of support the limits
//! require (KJ4001), each ready `support_lead` before the start through
//! everything it requires (KJ4002) and until the end (KJ4005), channels can
//! handle the offer (KJ4003), and `requires` has no cycle (KJ4004).

use std::collections::HashMap;

use chrono::NaiveDate;
use koujing_grammar::ast::{Campaign, Unit};
use koujing_grammar::Arg;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, FileId};
use crate::limits::LimitsTable;
use crate::messages::NoteMsg as N;
use crate::resolve::Index;

/// Effective ready dates of every support (by index in `index.supports`),
/// and the cycles of the `requires` graph.
pub struct Readiness {
    pub effective: Vec<Option<NaiveDate>>,
    pub cycles: Vec<Vec<usize>>,
}

pub fn readiness(index: &Index<'_>) -> Readiness {
    let supports = &index.supports.defs;
    let mut graph: DiGraph<usize, ()> = DiGraph::with_capacity(supports.len(), supports.len());
    let nodes: Vec<NodeIndex> = (0..supports.len()).map(|i| graph.add_node(i)).collect();
    for (i, def) in supports.iter().enumerate() {
        for required in &def.item.requires {
            let to = index
                .supports
                .index_of(&required.text)
                .and_then(|j| nodes.get(j));
            if let (Some(&from), Some(&to)) = (nodes.get(i), to) {
                graph.add_edge(from, to, ());
            }
        }
    }
    let mut effective: Vec<Option<NaiveDate>> = supports
        .iter()
        .map(|d| d.item.ready.map(|r| r.node))
        .collect();
    let mut cycles = Vec::new();
    // Tarjan yields components dependencies first (reverse topological
    // order), so what a component requires is final when it is reached.
    for component in tarjan_scc(&graph) {
        let mut members: Vec<usize> = component.iter().map(|n| n.index()).collect();
        members.sort_unstable();
        if members.len() > 1 || component.iter().any(|&n| graph.find_edge(n, n).is_some()) {
            cycles.push(members.clone());
        }
        let latest = component
            .iter()
            .flat_map(|&n| std::iter::once(n).chain(graph.neighbors(n)))
            .filter_map(|n| effective.get(n.index()).copied().flatten())
            .max();
        for &i in &members {
            if let Some(slot) = effective.get_mut(i) {
                *slot = latest.or(*slot);
            }
        }
    }
    cycles.sort();
    Readiness { effective, cycles }
}

pub fn analyse(index: &Index<'_>, limits: &LimitsTable) -> Vec<Diagnostic> {
    let readiness = readiness(index);
    let mut diagnostics = Vec::new();
    for def in &index.campaigns.defs {
        campaign(
            index,
            limits,
            &readiness,
            def.file,
            def.item,
            &mut diagnostics,
        );
    }
    cycles(index, &readiness, &mut diagnostics);
    diagnostics
}

fn show_lead(amount: i64, unit: Unit) -> Arg {
    let words = match unit {
        Unit::Week => N::Weeks,
        Unit::Month => N::Months,
        _ => N::Days,
    };
    words.arg(&[("n", &amount)])
}

fn campaign(
    index: &Index<'_>,
    limits: &LimitsTable,
    readiness: &Readiness,
    file: FileId,
    campaign: &Campaign,
    out: &mut Vec<Diagnostic>,
) {
    let effective = campaign
        .issuer
        .as_ref()
        .and_then(|i| index.region_index(&i.text))
        .map_or(&limits.global, |r| limits.region(r));
    let required: Vec<(usize, &koujing_grammar::ast::Ident)> = campaign
        .requires
        .iter()
        .filter_map(|r| index.supports.index_of(&r.text).map(|i| (i, r)))
        .collect();

    per_channel(index, effective, &required, file, campaign, out);
    per_support(index, readiness, effective, &required, file, campaign, out);
}

/// The supports a campaign names, as (index in the support table, the name).
type Required<'a> = [(usize, &'a koujing_grammar::ast::Ident)];

/// KJ4001 (a channel lacks a required kind of support) and KJ4003 (the
/// channel cannot sell the offer), per channel.
fn per_channel(
    index: &Index<'_>,
    effective: &crate::limits::Effective,
    required: &Required<'_>,
    file: FileId,
    campaign: &Campaign,
    out: &mut Vec<Diagnostic>,
) {
    let offer_kind = campaign
        .offer
        .as_ref()
        .and_then(|o| index.products.get(&o.text))
        .and_then(|p| p.item.kind.map(|k| k.node));
    for channel in &campaign.channels {
        let Some(channel_def) = index.channels.get(&channel.text) else {
            continue;
        };
        for kind in &effective.required_support {
            let served = required.iter().any(|(i, _)| {
                index.supports.defs.get(*i).is_some_and(|s| {
                    s.item.kind.map(|k| k.node) == Some(*kind)
                        && s.item
                            .channels
                            .as_ref()
                            .is_none_or(|cs| cs.iter().any(|c| c.text == channel.text))
                })
            });
            if !served {
                out.push(
                    Diagnostic::new(
                        Code::KJ4001,
                        file,
                        channel.span,
                        &[
                            ("channel", Arg::plain(&channel.text)),
                            ("kind", Arg::plain(kind.as_str())),
                        ],
                    )
                    .help(
                        N::AddSupport.text(&[("channel", &channel.text), ("kind", &kind.as_str())]),
                    ),
                );
            }
        }
        if let (Some(kind), Some(handles)) = (offer_kind, &channel_def.item.handles) {
            if !handles.iter().any(|h| h.node == kind) {
                let product = campaign.offer.as_ref().map_or("", |o| o.text.as_str());
                out.push(Diagnostic::new(
                    Code::KJ4003,
                    file,
                    channel.span,
                    &[
                        ("channel", Arg::plain(&channel.text)),
                        ("kind", Arg::plain(kind.as_str())),
                        ("product", Arg::plain(product)),
                    ],
                ));
            }
        }
    }
}

/// KJ4002 (a support ready too late) and KJ4005 (one that ends before the
/// campaign), per required support.
fn per_support(
    index: &Index<'_>,
    readiness: &Readiness,
    effective: &crate::limits::Effective,
    required: &Required<'_>,
    file: FileId,
    campaign: &Campaign,
    out: &mut Vec<Diagnostic>,
) {
    let Some(window) = campaign.window else {
        return;
    };
    let lead = effective.support_lead;
    let deadline = lead.before(window.start);
    for (i, ident) in required {
        let Some(def) = index.supports.defs.get(*i) else {
            continue;
        };
        if let (Some(ready), Some(deadline)) =
            (readiness.effective.get(*i).copied().flatten(), deadline)
        {
            if ready > deadline {
                let mut diagnostic = Diagnostic::new(
                    Code::KJ4002,
                    file,
                    ident.span,
                    &[
                        ("support", Arg::plain(&ident.text)),
                        ("ready", Arg::plain(ready.to_string())),
                        ("deadline", Arg::plain(deadline.to_string())),
                        ("start", Arg::plain(window.start.to_string())),
                        ("lead", show_lead(lead.amount, lead.unit)),
                    ],
                );
                // Point at what makes it late when that is a dependency.
                let own = def.item.ready.map(|r| r.node);
                if own != Some(ready) {
                    let culprit = def.item.requires.iter().find_map(|r| {
                        let j = index.supports.index_of(&r.text)?;
                        (readiness.effective.get(j).copied().flatten() == Some(ready))
                            .then(|| index.supports.defs.get(j))?
                    });
                    if let Some(dep) = culprit {
                        diagnostic = diagnostic.related(
                            dep.file,
                            dep.item.ready.map_or(dep.item.name.span, |r| r.span),
                            N::RequiresReadyLate
                                .text(&[("name", &dep.item.name.text), ("ready", &ready)]),
                        );
                    }
                }
                out.push(diagnostic);
            }
        }
        if let Some(until) = def.item.until {
            let ends_after = window.end.is_none_or(|end| end > until.node);
            if ends_after {
                let end = window
                    .end
                    .map_or_else(|| N::OpenEnded.arg(&[]), |e| Arg::plain(e.to_string()));
                out.push(
                    Diagnostic::new(
                        Code::KJ4005,
                        file,
                        ident.span,
                        &[
                            ("support", Arg::plain(&ident.text)),
                            ("until", Arg::plain(until.node.to_string())),
                            ("end", end),
                        ],
                    )
                    .related(def.file, until.span, N::SupportLastDay.text(&[])),
                );
            }
        }
    }
}

/// KJ4004: one finding per cycle, every edge of it labelled.
fn cycles(index: &Index<'_>, readiness: &Readiness, out: &mut Vec<Diagnostic>) {
    for members in &readiness.cycles {
        let names: HashMap<usize, &str> = members
            .iter()
            .filter_map(|&i| {
                index
                    .supports
                    .defs
                    .get(i)
                    .map(|d| (i, d.item.name.text.as_str()))
            })
            .collect();
        // The edges inside the cycle, in workspace order.
        let mut edges = Vec::new();
        for &i in members {
            let Some(def) = index.supports.defs.get(i) else {
                continue;
            };
            for required in &def.item.requires {
                if let Some(j) = index
                    .supports
                    .index_of(&required.text)
                    .filter(|j| members.contains(j))
                {
                    edges.push((def.file, required.span, i, j));
                }
            }
        }
        edges.sort();
        let Some(&(file, span, first, _)) = edges.first() else {
            continue;
        };
        // A readable path: follow edges from the first member.
        let mut path = vec![first];
        let mut at = first;
        while let Some(&(_, _, _, next)) = edges
            .iter()
            .find(|(_, _, from, to)| *from == at && (!path.contains(to) || *to == first))
        {
            path.push(next);
            if next == first {
                break;
            }
            at = next;
        }
        let cycle: Vec<&str> = path.iter().filter_map(|i| names.get(i).copied()).collect();
        let mut diagnostic = Diagnostic::new(
            Code::KJ4004,
            file,
            span,
            &[("cycle", Arg::plain(cycle.join(" → ")))],
        );
        for &(edge_file, edge_span, from, to) in edges.iter().skip(1) {
            let (a, b) = (
                names.get(&from).copied().unwrap_or(""),
                names.get(&to).copied().unwrap_or(""),
            );
            diagnostic = diagnostic.related(
                edge_file,
                edge_span,
                N::Requires.text(&[("a", &a), ("b", &b)]),
            );
        }
        out.push(diagnostic);
    }
}
