//! `commission.toml` and `grading.toml`. Decimals are TOML strings (`"9.9"`):
//! TOML floats are binary, and settlement needs exact values.

use koujing_grammar::ast::{ConditionValue, Interval, Unit};
use rust_decimal::Decimal;
use toml::{Table, Value};

use crate::checks::grading::leaf_weights;
use crate::resolve::Index;

fn dec(value: Decimal) -> Value {
    Value::String(value.normalize().to_string())
}

fn strings(list: impl Iterator<Item = String>) -> Value {
    let mut items: Vec<String> = list.collect();
    items.sort();
    items.dedup();
    Value::Array(items.into_iter().map(Value::String).collect())
}

fn interval_into(table: &mut Table, i: &Interval, unit: Unit) {
    if let Some(lo) = i.lo {
        table.insert("min".into(), dec(lo));
    }
    table.insert("min_inclusive".into(), Value::Boolean(i.lo.is_some()));
    if let Some(hi) = i.hi {
        table.insert("max".into(), dec(hi.value));
    }
    table.insert(
        "max_inclusive".into(),
        Value::Boolean(i.hi.is_some_and(|h| h.inclusive)),
    );
    table.insert("unit".into(), Value::String(unit.as_str().to_string()));
}

fn period(range: Option<koujing_grammar::ast::DateRange>) -> Value {
    let mut table = Table::new();
    if let Some(range) = range {
        table.insert("start".into(), Value::String(range.start.to_string()));
        if let Some(end) = range.end {
            table.insert("end".into(), Value::String(end.to_string()));
        }
    }
    Value::Table(table)
}

fn document(mut root: Table) -> String {
    root.insert("format".into(), Value::Integer(1));
    toml::to_string_pretty(&root).unwrap_or_default()
}

/// `commission.toml`; `source_of(file, offset)` names a row's source
/// location (`path:line`, the path relative to the workspace root).
pub fn commission(index: &Index<'_>, source_of: &dyn Fn(usize, usize) -> String) -> String {
    let mut tables: Vec<Value> = Vec::new();
    let mut defs: Vec<_> = index.commissions.defs.iter().collect();
    defs.sort_by(|a, b| a.item.name.text.cmp(&b.item.name.text));
    for def in defs {
        let c = def.item;
        let mut table = Table::new();
        table.insert("name".into(), Value::String(c.name.text.clone()));
        if let Some(title) = &c.title {
            table.insert("title".into(), Value::String(title.value.clone()));
        }
        if let Some(kind) = c.kind {
            table.insert("kind".into(), Value::String(kind.node.as_str().to_string()));
        }
        table.insert("period".into(), period(c.period));
        table.insert(
            "channels".into(),
            strings(c.channels.iter().map(|ch| ch.text.clone())),
        );
        let mut rows = Vec::new();
        for row in &c.rows {
            let Some(output) = row.output else { continue };
            let mut conditions = Vec::new();
            let mut conds: Vec<_> = row.conditions.iter().collect();
            conds.sort_by(|a, b| a.key.text.cmp(&b.key.text));
            for cond in conds {
                let mut t = Table::new();
                t.insert("key".into(), Value::String(cond.key.text.clone()));
                match &cond.value {
                    ConditionValue::Names(names) => {
                        t.insert(
                            "values".into(),
                            strings(names.iter().map(|n| n.text.clone())),
                        );
                    }
                    ConditionValue::Interval(i) => {
                        let unit = if cond.key.text == "tenure" && i.unit == Unit::Plain {
                            Unit::Month
                        } else {
                            i.unit
                        };
                        interval_into(&mut t, i, unit);
                    }
                }
                conditions.push(Value::Table(t));
            }
            let mut out = Table::new();
            out.insert("amount".into(), dec(output.node.value));
            out.insert(
                "unit".into(),
                Value::String(output.node.unit.as_str().to_string()),
            );
            let mut r = Table::new();
            r.insert("conditions".into(), Value::Array(conditions));
            r.insert("output".into(), Value::Table(out));
            r.insert(
                "source".into(),
                Value::String(source_of(def.file, row.span.start)),
            );
            rows.push(Value::Table(r));
        }
        table.insert("rows".into(), Value::Array(rows));
        tables.push(Value::Table(table));
    }
    let mut mixes: Vec<Value> = Vec::new();
    let mut mix_defs: Vec<_> = index.mixes.defs.iter().collect();
    mix_defs.sort_by(|a, b| a.item.name.text.cmp(&b.item.name.text));
    for def in mix_defs {
        let mut shares = Table::new();
        for share in &def.item.shares {
            shares.insert(share.kind.node.as_str().to_string(), dec(share.share.node));
        }
        let mut table = Table::new();
        table.insert("name".into(), Value::String(def.item.name.text.clone()));
        table.insert("shares".into(), Value::Table(shares));
        mixes.push(Value::Table(table));
    }
    let mut root = Table::new();
    root.insert("commission".into(), Value::Array(tables));
    root.insert("mix".into(), Value::Array(mixes));
    document(root)
}

pub fn grading(index: &Index<'_>) -> String {
    let mut models = Vec::new();
    let mut defs: Vec<_> = index.gradings.defs.iter().collect();
    defs.sort_by(|a, b| a.item.name.text.cmp(&b.item.name.text));
    for def in defs {
        let g = def.item;
        let mut table = Table::new();
        table.insert("name".into(), Value::String(g.name.text.clone()));
        if let Some(title) = &g.title {
            table.insert("title".into(), Value::String(title.value.clone()));
        }
        let factors: Vec<Value> = leaf_weights(g)
            .into_iter()
            .map(|leaf| {
                let mut t = Table::new();
                t.insert(
                    "path".into(),
                    Value::Array(leaf.path.into_iter().map(Value::String).collect()),
                );
                t.insert("weight".into(), dec(leaf.weight));
                if let Some(source) = leaf.source {
                    t.insert("source".into(), Value::String(source));
                }
                Value::Table(t)
            })
            .collect();
        table.insert("factors".into(), Value::Array(factors));
        // Rank order: the highest band first.
        let mut bands: Vec<_> = g.grades.iter().collect();
        bands.sort_by(|a, b| {
            b.band
                .lo
                .cmp(&a.band.lo)
                .then(a.name.text.cmp(&b.name.text))
        });
        let grades: Vec<Value> = bands
            .into_iter()
            .enumerate()
            .map(|(rank, band)| {
                let mut t = Table::new();
                t.insert("name".into(), Value::String(band.name.text.clone()));
                t.insert(
                    "rank".into(),
                    Value::Integer(i64::try_from(rank + 1).unwrap_or(i64::MAX)),
                );
                interval_into(&mut t, &band.band, band.band.unit);
                Value::Table(t)
            })
            .collect();
        table.insert("grades".into(), Value::Array(grades));
        models.push(Value::Table(table));
    }
    let mut root = Table::new();
    root.insert("grading".into(), Value::Array(models));
    document(root)
}
