//! `commission.toml` and `grading.toml`.

use koujing_bundle::commission::{
    CommissionFile, CommissionTable, Condition, ConditionTest, Mix, MixReference, Per, Row, SimCard,
};
use koujing_bundle::grading::{Factor, Grade, GradingFile, GradingModel};
use koujing_bundle::{DateSpan, DecimalText, Direction, Exact, Money, FORMAT};
use koujing_grammar::ast::{self, ConditionValue, ProductKind, ReferenceValue, Unit};
use koujing_grammar::tree::Quantity;

use super::{interval, sorted};
use crate::checks::grading::leaf_weights;
use crate::mixref;
use crate::resolve::{Def, Index};

fn money(q: Quantity) -> Money<DecimalText> {
    Money {
        amount: DecimalText::new(q.value),
        unit: q.unit.as_str().to_string(),
    }
}

/// The leaves where a table applies, sorted: its `regions`, else its
/// issuer's subtree, else every leaf.
fn table_leaves(index: &Index<'_>, c: &ast::Commission, all: &[String]) -> Vec<String> {
    let names: Vec<&str> = match (&c.regions, &c.issuer) {
        (Some(regions), _) => regions.iter().map(|r| r.text.as_str()).collect(),
        (None, Some(issuer)) => vec![issuer.text.as_str()],
        (None, None) => return all.to_vec(),
    };
    sorted(
        names
            .into_iter()
            .filter_map(|n| index.region(n))
            .flat_map(|r| r.leaves.clone())
            .filter_map(|leaf| index.leaves.get(leaf))
            .filter_map(|r| index.regions.get(*r))
            .map(|r| r.name.text.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter(),
    )
}

/// The province: the one region without a parent (the default `issuer` of
/// a commission table).
fn province(index: &Index<'_>) -> Option<String> {
    let mut roots = index.regions.iter().filter(|r| r.parent.is_none());
    match (roots.next(), roots.next()) {
        (Some(root), None) => Some(root.name.text.to_string()),
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
            .map(|r| r.name.text.to_string()),
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
        .map(|def| table(index, def, &issuer, &leaves, source_of))
        .collect();
    let mut mix_defs: Vec<_> = index.mixes.defs.iter().collect();
    mix_defs.sort_by(|a, b| a.item.name.text.cmp(&b.item.name.text));
    let mix = mix_defs.into_iter().map(|def| mix(index, def)).collect();
    let mut sim_cards: Vec<SimCard> = index
        .products
        .defs
        .iter()
        .map(|d| d.item)
        .filter(|p| p.kind.is_some_and(|k| k.node == ProductKind::SimCard))
        .map(|p| SimCard {
            name: p.name.text.to_string(),
            face_value: p.face_value.map(|f| money(f.node)),
            supply_price: p.supply_price.map(|s| money(s.node)),
        })
        .collect();
    sim_cards.sort_by(|a, b| a.name.cmp(&b.name));
    CommissionFile {
        format: FORMAT,
        commission,
        mix,
        sim_cards,
    }
}

/// One row of a commission table; a row without an output is left out.
fn row(
    def: &Def<'_, ast::Commission>,
    row: &ast::RateRow,
    source_of: &dyn Fn(usize, usize) -> String,
) -> Option<Row> {
    let output = row.output?;
    let mut conds: Vec<_> = row.conditions.iter().collect();
    conds.sort_by(|a, b| a.key.text.cmp(&b.key.text));
    let conditions = conds
        .into_iter()
        .map(|cond| Condition {
            key: cond.key.text.to_string(),
            test: match &cond.value {
                ConditionValue::Names(names) => ConditionTest::Values {
                    values: sorted(names.iter().map(|n| n.text.to_string())),
                },
                ConditionValue::Interval(i) => {
                    // Tenure is in months even when written bare.
                    let unit = if cond.key.text == "tenure" && i.unit == Unit::Plain {
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
}

/// One commission table as the bundle writes it.
fn table(
    index: &Index<'_>,
    def: &Def<'_, ast::Commission>,
    province: &Option<String>,
    leaves: &[String],
    source_of: &dyn Fn(usize, usize) -> String,
) -> CommissionTable {
    let c = def.item;
    let rows = c
        .rows
        .iter()
        .filter_map(|r| row(def, r, source_of))
        .collect();
    let kind = c.kind.map(|k| k.node.as_str().to_string());
    CommissionTable {
        name: c.name.text.to_string(),
        title: c.title.as_ref().map(|t| t.value.to_string()),
        period: c.period.map(|p| DateSpan {
            start: p.start,
            end: p.end,
        }),
        channels: sorted(c.channels.iter().map(|ch| ch.text.to_string())),
        rows,
        // v2: the province issues a table unless it names its
        // issuer; it applies in its issuer's subtree unless it
        // names its regions (written as leaves).
        issuer: c
            .issuer
            .as_ref()
            .map(|i| i.text.to_string())
            .or_else(|| province.clone()),
        regions: table_leaves(index, c, leaves),
        overrides: c.overrides.as_ref().map(|o| o.text.to_string()),
        additive: c.is_additive(),
        per: Some(match c.per() {
            ast::Per::Once => Per::Once,
            ast::Per::Month => Per::Month,
        }),
        kind,
    }
}

/// One `mix` with its reference computation.
fn mix(index: &Index<'_>, def: &Def<'_, ast::Mix>) -> Mix {
    Mix {
        name: def.item.name.text.to_string(),
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
        tolerance: def.item.tolerance.map(|t| DecimalText::new(t.node)),
        reference: def.item.reference.as_ref().map(|r| {
            let computed = mixref::compute(index, def.item);
            let by_kind = |f: &dyn Fn(&mixref::KindShare) -> DecimalText| {
                computed
                    .iter()
                    .flat_map(|c| &c.kinds)
                    .map(|k| (k.kind.as_str().to_string(), f(k)))
                    .collect()
            };
            MixReference {
                date: r.date.map(|d| d.node),
                channel: r.channel.as_ref().map(|c| c.text.to_string()),
                product: r.product.as_ref().map(|p| p.text.to_string()),
                grade: r.grade.as_ref().map(|g| g.text.to_string()),
                months: r.months.map(|m| m.node),
                monthly_revenue: r.monthly_revenue.map(|m| money(m.node)),
                values: r
                    .dimensions
                    .iter()
                    .map(|s| {
                        let value = match &s.value {
                            ReferenceValue::Name(n) => n.text.to_string(),
                            ReferenceValue::Quantity(q) => q.node.value.normalize().to_string(),
                        };
                        (s.key.text.to_string(), value)
                    })
                    .collect(),
                shares: by_kind(&|k| DecimalText::new(k.share.round_dp(2).normalize())),
                totals: by_kind(&|k| DecimalText::new(k.total.round_dp(2).normalize())),
                parts: computed
                    .iter()
                    .flat_map(|c| &c.kinds)
                    .map(|k| {
                        let parts = k
                            .parts
                            .iter()
                            .map(|p| {
                                (
                                    p.table.clone(),
                                    DecimalText::new(p.amount.round_dp(2).normalize()),
                                )
                            })
                            .collect();
                        (k.kind.as_str().to_string(), parts)
                    })
                    .collect(),
            }
        }),
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
                    direction: leaf.direction.map(|d| match d {
                        ast::Direction::HigherBetter => Direction::HigherBetter,
                        ast::Direction::LowerBetter => Direction::LowerBetter,
                    }),
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
                    name: band.name.text.to_string(),
                    rank,
                    band: interval(&band.band, band.band.unit),
                })
                .collect();
            GradingModel {
                name: g.name.text.to_string(),
                title: g.title.as_ref().map(|t| t.value.to_string()),
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
