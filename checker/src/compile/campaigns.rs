//! `campaigns.json`: every campaign normalised for the campaign engine.

use koujing_bundle::campaigns::{
    AudienceTest, Campaign as BundleCampaign, CampaignsFile, Constraint, Dimension, Offer,
    ProductKind as BundleKind, QuestionAnswer, RegionEntry, Stacking as BundleStacking,
};
use koujing_bundle::{Benefit as BundleBenefit, DateSpan, Exact, Money, Number, FORMAT};
use koujing_grammar::ast::{AudienceValue, Benefit, Campaign, ProductKind, Quantity, Stacking};

use super::{interval, sorted};
use crate::model::CampaignFact;
use crate::resolve::Index;

fn money(q: Quantity) -> Money<Number> {
    Money {
        amount: Number::new(q.value),
        unit: q.unit.as_str().to_string(),
    }
}

fn product_kind(kind: ProductKind) -> BundleKind {
    match kind {
        ProductKind::Plan => BundleKind::Plan,
        ProductKind::Data => BundleKind::Data,
        ProductKind::Terminal => BundleKind::Terminal,
        ProductKind::Broadband => BundleKind::Broadband,
        ProductKind::SimCard => BundleKind::SimCard,
        ProductKind::ValueAdded => BundleKind::ValueAdded,
    }
}

fn benefit(b: &Benefit) -> BundleBenefit {
    match b {
        Benefit::Discount(p) => BundleBenefit::Discount {
            percent: Number::new(*p),
        },
        Benefit::Price(q) => BundleBenefit::Price(money(*q)),
        Benefit::Gift(text) => BundleBenefit::Gift { text: text.clone() },
        Benefit::Bonus(q) => BundleBenefit::Bonus(money(*q)),
        Benefit::Points(m) => BundleBenefit::Points {
            multiplier: Number::new(*m),
        },
    }
}

fn campaign(index: &Index<'_>, fact: &CampaignFact<'_>) -> BundleCampaign {
    let c: &Campaign = fact.campaign;
    let regions: Vec<String> = fact
        .leaves
        .iter()
        .filter_map(|leaf| index.leaves.get(leaf).and_then(|r| index.regions.get(*r)))
        .map(|r| r.name.text.to_string())
        .collect();
    let product = index.products.get(fact.offer).map(|p| p.item);
    let list_price = product.and_then(|p| p.price).map(|p| money(p.node));
    let benefit = c.benefit.as_ref().map(|b| benefit(&b.node));
    let stacking = match &c.stacking.node {
        Stacking::Exclusive => BundleStacking::Exclusive,
        Stacking::Stackable => BundleStacking::Stackable,
        Stacking::With(list) => {
            BundleStacking::With(sorted(list.iter().map(|i| i.text.to_string())))
        }
    };
    let mut audience: Vec<Constraint> = c
        .audience
        .iter()
        .map(|a| Constraint {
            dimension: a.dimension.text.to_string(),
            test: match &a.value {
                AudienceValue::Values(values) => {
                    AudienceTest::Values(sorted(values.iter().map(|v| v.text.to_string())))
                }
                AudienceValue::Range(range) => {
                    AudienceTest::Interval(interval(&range.node, range.node.unit))
                }
            },
        })
        .collect();
    audience.sort_by(|a, b| a.dimension.cmp(&b.dimension));
    BundleCampaign {
        name: c.name.text.to_string(),
        title: c.title.as_ref().map(|t| t.value.to_string()),
        issuer: c.issuer.as_ref().map(|i| i.text.to_string()),
        regions,
        window: DateSpan {
            start: fact.start,
            end: c.window.and_then(|w| w.end),
        },
        audience,
        offer: Offer {
            product: fact.offer.to_string(),
            title: product
                .and_then(|p| p.title.as_ref())
                .map(|t| t.value.to_string()),
            kind: product.and_then(|p| p.kind).map(|k| product_kind(k.node)),
            final_price: BundleBenefit::final_price(benefit.as_ref(), list_price.as_ref()),
            list_price,
            supply_price: product.and_then(|p| p.supply_price).map(|s| Money {
                amount: Number::new(s.node.value),
                unit: s.node.unit.as_str().to_string(),
            }),
        },
        benefit,
        channels: sorted(fact.channels.iter().map(|c| c.to_string())),
        stacking,
        extends: c.extends.as_ref().map(|e| e.text.to_string()),
        requires: sorted(c.requires.iter().map(|r| r.text.to_string())),
        wording: sorted(
            c.wording
                .iter()
                .map(|w| (w.key.text.to_string(), w.text.value.to_string())),
        )
        .into_iter()
        .collect(),
        faq: c
            .faq
            .iter()
            .map(|e| QuestionAnswer {
                question: e.question.value.to_string(),
                answer: e.answer.value.to_string(),
            })
            .collect(),
    }
}

/// The whole file.
pub fn campaigns(
    index: &Index<'_>,
    facts: &[CampaignFact<'_>],
    conflict_groups: &[Vec<String>],
) -> CampaignsFile {
    let mut list: Vec<&CampaignFact<'_>> = facts.iter().collect();
    list.sort_by(|a, b| a.name().cmp(b.name()));
    // What a runtime needs to validate a query: the region tree, every
    // channel, every dimension.
    let region_tree: Vec<RegionEntry> = index
        .regions
        .iter()
        .map(|r| RegionEntry {
            name: r.name.text.to_string(),
            parent: r
                .parent
                .and_then(|p| index.regions.get(p))
                .map(|p| p.name.text.to_string()),
        })
        .collect();
    let mut channels: Vec<String> = index.channels.names().map(str::to_string).collect();
    channels.sort_unstable();
    let mut dimensions: Vec<Dimension> = index
        .dimensions
        .defs
        .iter()
        .map(|d| Dimension {
            name: d.item.name.text.to_string(),
            values: d
                .item
                .values
                .as_ref()
                .map(|v| v.iter().map(|x| x.text.to_string()).collect()),
            unit: d.item.unit.map(|u| u.node.as_str().to_string()),
            // Filled when the language gives a dimension's direction (v2).
            direction: None,
        })
        .collect();
    dimensions.sort_by(|a, b| a.name.cmp(&b.name));
    CampaignsFile {
        format: FORMAT,
        campaigns: list.iter().map(|f| campaign(index, f)).collect(),
        conflict_groups: conflict_groups.to_vec(),
        region_tree,
        channels,
        dimensions,
    }
}
