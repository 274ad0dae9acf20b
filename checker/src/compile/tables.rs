//! `commission.toml` and `grading.toml`.

use koujing_bundle::commission::{
    CommissionFile, CommissionTable, Condition, ConditionTest, Mix, Per, Row,
};
use koujing_bundle::grading::{Factor, Grade, GradingFile, GradingModel};
use koujing_bundle::{DateSpan, DecimalText, Exact, Money, FORMAT};
use koujing_grammar::ast::{ConditionValue, Unit};

use super::{interval, sorted};
use crate::checks::grading::leaf_weights;
use crate::resolve::Index;

/// The province: the one region without a parent (the default `issuer` of
/// a commission table).
fn province(index: &Index<'_>) -> Option<String> {
    let mut roots = index.regions.iter().filter(|r| r.parent.is_none());
    match (roots.next(), roots.next()) {
        (Some(root), None) => Some(root.name.text.clone()),
        _ => None,
    }
}

/// Every leaf region, sorted (the default `regions` of a commission table).
fn all_leaves(index: &Index<'_>) -> Vec<String> {
    sorted(
        index
            .leaves
            .iter()
            .filter_map(|r| index.regions.get(*r))
            .map(|r| r.name.text.clone()),
    )
}

/// `commission.toml`; `source_of(file, offset)` names a row's source
/// location (`path:line`, the path relative to the workspace root).
pub fn commission(index: &Index<'_>, source_of: &dyn Fn(usize, usize) -> String) -> CommissionFile {
    let mut defs: Vec<_> = index.commissions.defs.iter().collect();
    defs.sort_by(|a, b| a.item.name.text.cmp(&b.item.name.text));
    let (issuer, leaves) = (province(index), all_leaves(index));
    let commission = defs
        .into_iter()
        .map(|def| {
            let c = def.item;
            let rows = c
                .rows
                .iter()
                .filter_map(|row| {
                    let output = row.output?;
                    let mut conds: Vec<_> = row.conditions.iter().collect();
                    conds.sort_by(|a, b| a.key.text.cmp(&b.key.text));
                    let conditions = conds
                        .into_iter()
                        .map(|cond| Condition {
                            key: cond.key.text.clone(),
                            test: match &cond.value {
                                ConditionValue::Names(names) => ConditionTest::Values {
                                    values: sorted(names.iter().map(|n| n.text.clone())),
                                },
                                ConditionValue::Interval(i) => {
                                    // Tenure is in months even when written bare.
                                    let unit = if cond.key.text == "tenure" && i.unit == Unit::Plain
                                    {
                                        Unit::Month
                                    } else {
                                        i.unit
                                    };
                                    ConditionTest::Interval(interval(i, unit))
                                }
                            },
                        })
                        .collect();
                    Some(Row {
                        conditions,
                        output: Money {
                            amount: DecimalText::new(output.node.value),
                            unit: output.node.unit.as_str().to_string(),
                        },
                        source: source_of(def.file, row.span.start),
                    })
                })
                .collect();
            let kind = c.kind.map(|k| k.node.as_str().to_string());
            CommissionTable {
                name: c.name.text.clone(),
                title: c.title.as_ref().map(|t| t.value.clone()),
                period: c.period.map(|p| DateSpan {
                    start: p.start,
                    end: p.end,
                }),
                channels: sorted(c.channels.iter().map(|ch| ch.text.clone())),
                rows,
                // v2 defaults until the language gives these fields: the
                // province issues the table, it applies everywhere, replaces
                // nothing, is an alternative to the other tables of its kind,
                // and pays once for a first return and monthly otherwise.
                issuer: issuer.clone(),
                regions: leaves.clone(),
                overrides: None,
                additive: false,
                per: Some(Per::default_for(kind.as_deref())),
                kind,
            }
        })
        .collect();
    let mut mix_defs: Vec<_> = index.mixes.defs.iter().collect();
    mix_defs.sort_by(|a, b| a.item.name.text.cmp(&b.item.name.text));
    let mix = mix_defs
        .into_iter()
        .map(|def| Mix {
            name: def.item.name.text.clone(),
            shares: def
                .item
                .shares
                .iter()
                .map(|s| {
                    (
                        s.kind.node.as_str().to_string(),
                        DecimalText::new(s.share.node),
                    )
                })
                .collect(),
            // Filled when the language gives `tolerance` and `reference` (v2).
            tolerance: None,
            reference: None,
        })
        .collect();
    CommissionFile {
        format: FORMAT,
        commission,
        mix,
    }
}

/// `grading.toml`.
pub fn grading(index: &Index<'_>) -> GradingFile {
    let mut defs: Vec<_> = index.gradings.defs.iter().collect();
    defs.sort_by(|a, b| a.item.name.text.cmp(&b.item.name.text));
    let grading = defs
        .into_iter()
        .map(|def| {
            let g = def.item;
            let factors = leaf_weights(g)
                .into_iter()
                .map(|leaf| Factor {
                    path: leaf.path,
                    weight: DecimalText::new(leaf.weight),
                    source: leaf.source,
                    // Filled when the language gives a factor's direction (v2).
                    direction: None,
                })
                .collect();
            // Rank order: the highest band first.
            let mut bands: Vec<_> = g.grades.iter().collect();
            bands.sort_by(|a, b| {
                b.band
                    .lo
                    .cmp(&a.band.lo)
                    .then(a.name.text.cmp(&b.name.text))
            });
            let grades = bands
                .into_iter()
                .zip(1u32..)
                .map(|(band, rank)| Grade {
                    name: band.name.text.clone(),
                    rank,
                    band: interval(&band.band, band.band.unit),
                })
                .collect();
            GradingModel {
                name: g.name.text.clone(),
                title: g.title.as_ref().map(|t| t.value.clone()),
                factors,
                grades,
            }
        })
        .collect();
    GradingFile {
        format: FORMAT,
        grading,
    }
}
