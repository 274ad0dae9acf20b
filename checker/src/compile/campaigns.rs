//! `campaigns.json`: every campaign normalised for the campaign engine.

use koujing_grammar::ast::{AudienceValue, Benefit, Campaign, Interval, Stacking};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::number;
use crate::model::CampaignFact;
use crate::resolve::Index;

/// An interval with explicit ends.
pub fn interval(i: &Interval) -> Value {
    json!({
        "min": i.lo.map_or(Value::Null, number),
        "min_inclusive": i.lo.is_some(),
        "max": i.hi.map_or(Value::Null, |h| number(h.value)),
        "max_inclusive": i.hi.is_some_and(|h| h.inclusive),
        "unit": i.unit.as_str(),
    })
}

fn money(value: Decimal, unit: &str) -> Value {
    json!({ "amount": number(value), "unit": unit })
}

fn sorted(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut list: Vec<String> = names.collect();
    list.sort();
    list.dedup();
    list
}

fn campaign(index: &Index<'_>, fact: &CampaignFact<'_>) -> Value {
    let c: &Campaign = fact.campaign;
    let regions: Vec<String> = fact
        .leaves
        .iter()
        .filter_map(|leaf| index.leaves.get(leaf).and_then(|r| index.regions.get(*r)))
        .map(|r| r.name.text.clone())
        .collect();
    let product = index.products.get(fact.offer);
    let list_price = product.and_then(|p| p.item.price).map(|p| p.node);
    let final_price = match c.benefit.as_ref().map(|b| &b.node) {
        Some(Benefit::Price(q)) => Some((q.value, q.unit)),
        // Checked: a price near the decimal type's limit has no final price
        // rather than a panic (the factor is at most 1, so this only fails
        // for a discount outside 0–100%, which the check reports).
        Some(Benefit::Discount(p)) => list_price.and_then(|l| {
            (Decimal::ONE_HUNDRED - p)
                .checked_div(Decimal::ONE_HUNDRED)
                .and_then(|factor| l.value.checked_mul(factor))
                .map(|price| (price, l.unit))
        }),
        _ => list_price.map(|l| (l.value, l.unit)),
    };
    let benefit = match c.benefit.as_ref().map(|b| &b.node) {
        Some(Benefit::Discount(p)) => json!({ "type": "discount", "percent": number(*p) }),
        Some(Benefit::Price(q)) => {
            json!({ "type": "price", "amount": number(q.value), "unit": q.unit.as_str() })
        }
        Some(Benefit::Gift(text)) => json!({ "type": "gift", "text": text }),
        Some(Benefit::Bonus(q)) => {
            json!({ "type": "bonus", "amount": number(q.value), "unit": q.unit.as_str() })
        }
        Some(Benefit::Points(m)) => json!({ "type": "points", "multiplier": number(*m) }),
        None => Value::Null,
    };
    let stacking = match &c.stacking.node {
        Stacking::Exclusive => json!("exclusive"),
        Stacking::Stackable => json!("stackable"),
        Stacking::With(list) => json!({ "with": sorted(list.iter().map(|i| i.text.clone())) }),
    };
    let mut audience: Vec<Value> = c
        .audience
        .iter()
        .map(|a| match &a.value {
            AudienceValue::Values(values) => {
                json!({ "dimension": a.dimension.text, "values": sorted(values.iter().map(|v| v.text.clone())) })
            }
            AudienceValue::Range(range) => json!({ "dimension": a.dimension.text, "interval": interval(&range.node) }),
        })
        .collect();
    audience.sort_by(|a, b| a["dimension"].as_str().cmp(&b["dimension"].as_str()));
    let mut wording = Map::new();
    let mut fields: Vec<(&str, &str)> = c
        .wording
        .iter()
        .map(|w| (w.key.text.as_str(), w.text.value.as_str()))
        .collect();
    fields.sort();
    for (key, text) in fields {
        wording.insert(key.to_string(), json!(text));
    }
    let faq: Vec<Value> = c
        .faq
        .iter()
        .map(|e| json!({ "question": e.question.value, "answer": e.answer.value }))
        .collect();
    json!({
        "name": c.name.text,
        "title": c.title.as_ref().map(|t| t.value.clone()),
        "issuer": c.issuer.as_ref().map(|i| i.text.clone()),
        "regions": regions,
        "window": { "start": fact.start.to_string(), "end": c.window.and_then(|w| w.end).map(|e| e.to_string()) },
        "audience": audience,
        "offer": {
            "product": fact.offer,
            "title": product.and_then(|p| p.item.title.as_ref()).map(|t| t.value.clone()),
            "kind": product.and_then(|p| p.item.kind).map(|k| k.node.as_str()),
            "list_price": list_price.map_or(Value::Null, |l| money(l.value, l.unit.as_str())),
            "final_price": final_price.map_or(Value::Null, |(v, u)| money(v, u.as_str())),
        },
        "benefit": benefit,
        "channels": sorted(fact.channels.iter().map(|c| c.to_string())),
        "stacking": stacking,
        "extends": c.extends.as_ref().map(|e| e.text.clone()),
        "requires": sorted(c.requires.iter().map(|r| r.text.clone())),
        "wording": wording,
        "faq": faq,
    })
}

pub fn campaigns(
    index: &Index<'_>,
    facts: &[CampaignFact<'_>],
    conflict_groups: &[Vec<String>],
) -> Value {
    let mut list: Vec<&CampaignFact<'_>> = facts.iter().collect();
    list.sort_by(|a, b| a.name().cmp(b.name()));
    // What a runtime needs to validate a query: the region tree, every
    // channel, every dimension.
    let region_tree: Vec<Value> = index
        .regions
        .iter()
        .map(|r| {
            json!({
                "name": r.name.text,
                "parent": r.parent.and_then(|p| index.regions.get(p)).map(|p| p.name.text.clone()),
            })
        })
        .collect();
    let mut channels: Vec<&str> = index.channels.names().collect();
    channels.sort_unstable();
    let mut dimensions: Vec<Value> = index
        .dimensions
        .defs
        .iter()
        .map(|d| {
            json!({
                "name": d.item.name.text,
                "values": d.item.values.as_ref().map(|v| v.iter().map(|x| x.text.clone()).collect::<Vec<_>>()),
                "unit": d.item.unit.map(|u| u.node.as_str()),
            })
        })
        .collect();
    dimensions.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    json!({
        "format": 1,
        "campaigns": list.iter().map(|f| campaign(index, f)).collect::<Vec<_>>(),
        "conflict_groups": conflict_groups,
        "region_tree": region_tree,
        "channels": channels,
        "dimensions": dimensions,
    })
}
