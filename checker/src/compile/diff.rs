//! `koujing diff OLD NEW`: what changed between two bundles, in the words a
//! reviewer reads: campaigns, commission rows, grading weights, FAQ entries.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

/// What happened to one thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Difference {
    /// `campaign`, `commission_row`, `grading_weight` or `faq`.
    pub kind: &'static str,
    pub change: Change,
    /// The campaign name, `table: conditions`, `model: path`, or the question.
    pub name: String,
    /// For `changed`: field → (old, new), compact.
    pub fields: Vec<(String, String, String)>,
}

impl Difference {
    /// One line for a reviewer.
    pub fn describe(&self, zh: bool) -> String {
        let (what_zh, what_en) = match self.kind {
            "campaign" => ("活动", "campaign"),
            "commission_row" => ("酬金规则", "commission row"),
            "grading_weight" => ("评分权重", "grading weight"),
            _ => ("FAQ", "FAQ entry"),
        };
        let fields = |zh: bool| -> String {
            self.fields
                .iter()
                .map(|(f, a, b)| {
                    if zh {
                        format!("{f}:{a} → {b}")
                    } else {
                        format!("{f}: {a} → {b}")
                    }
                })
                .collect::<Vec<_>>()
                .join(if zh { ";" } else { "; " })
        };
        match (self.change, zh) {
            (Change::Added, true) => format!("新增{what_zh} `{}`", self.name),
            (Change::Removed, true) => format!("删除{what_zh} `{}`", self.name),
            (Change::Changed, true) => format!("修改{what_zh} `{}`:{}", self.name, fields(true)),
            (Change::Added, false) => format!("added {what_en} `{}`", self.name),
            (Change::Removed, false) => format!("removed {what_en} `{}`", self.name),
            (Change::Changed, false) => {
                format!("changed {what_en} `{}`: {}", self.name, fields(false))
            }
        }
    }
}

/// A value as a reviewer reads it, never as JSON: a window
/// `2026-12-01 .. 2026-12-31`, a list `a, b`, an object `key: value; …`.
fn compact(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_string(),
        Value::Array(items) => items.iter().map(compact).collect::<Vec<_>>().join(", "),
        Value::Object(map) => match (map.get("start"), map.get("end"), map.len()) {
            (Some(start), Some(end), 2) => format!("{} .. {}", compact(start), compact(end)),
            _ => map
                .iter()
                .map(|(k, v)| format!("{k}: {}", compact(v)))
                .collect::<Vec<_>>()
                .join("; "),
        },
        other => other.to_string(),
    }
}

fn compare(
    kind: &'static str,
    old: BTreeMap<String, Value>,
    new: BTreeMap<String, Value>,
    out: &mut Vec<Difference>,
) {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for name in names {
        match (old.get(name), new.get(name)) {
            (None, Some(_)) => out.push(Difference {
                kind,
                change: Change::Added,
                name: name.clone(),
                fields: Vec::new(),
            }),
            (Some(_), None) => out.push(Difference {
                kind,
                change: Change::Removed,
                name: name.clone(),
                fields: Vec::new(),
            }),
            (Some(a), Some(b)) if a != b => {
                let fields = match (a, b) {
                    (Value::Object(x), Value::Object(y)) => {
                        let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                        keys.into_iter()
                            .filter(|k| x.get(k.as_str()) != y.get(k.as_str()))
                            .map(|k| {
                                let show =
                                    |v: Option<&Value>| v.map_or_else(|| "—".to_string(), compact);
                                (k.clone(), show(x.get(k.as_str())), show(y.get(k.as_str())))
                            })
                            .collect()
                    }
                    _ => vec![("value".to_string(), compact(a), compact(b))],
                };
                out.push(Difference {
                    kind,
                    change: Change::Changed,
                    name: name.clone(),
                    fields,
                });
            }
            _ => {}
        }
    }
}

fn json_file(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Result<Value, String> {
    let bytes = files
        .get(name)
        .ok_or_else(|| format!("{name} 缺失 / is missing"))?;
    serde_json::from_slice(bytes).map_err(|e| format!("{name}: {e}"))
}

fn toml_file(files: &BTreeMap<String, Vec<u8>>, name: &str) -> Result<Value, String> {
    let bytes = files
        .get(name)
        .ok_or_else(|| format!("{name} 缺失 / is missing"))?;
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))?;
    let value: toml::Value = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
    serde_json::to_value(value).map_err(|e| format!("{name}: {e}"))
}

fn campaigns(v: &Value) -> BTreeMap<String, Value> {
    at(v, "campaigns")
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| (compact(at(c, "name")), c.clone()))
        .collect()
}

fn rows(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for table in at(v, "commission").as_array().into_iter().flatten() {
        for row in at(table, "rows").as_array().into_iter().flatten() {
            let conditions: Vec<String> = at(row, "conditions")
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    let key = compact(at(c, "key"));
                    match c.get("values") {
                        Some(values) => format!(
                            "{key}={}",
                            values
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(compact)
                                .collect::<Vec<_>>()
                                .join("|")
                        ),
                        None => format!(
                            "{key}∈{}{}, {}{}",
                            if at(c, "min_inclusive") == &Value::Bool(true) {
                                "["
                            } else {
                                "("
                            },
                            c.get("min").map_or("-∞".to_string(), compact),
                            c.get("max").map_or("+∞".to_string(), compact),
                            if at(c, "max_inclusive") == &Value::Bool(true) {
                                "]"
                            } else {
                                ")"
                            },
                        ),
                    }
                })
                .collect();
            let name = format!(
                "{}: {}",
                compact(at(table, "name")),
                if conditions.is_empty() {
                    "*".to_string()
                } else {
                    conditions.join(", ")
                }
            );
            let output = format!(
                "{} {}",
                compact(at(at(row, "output"), "amount")),
                compact(at(at(row, "output"), "unit"))
            );
            out.insert(name, Value::String(output));
        }
    }
    out
}

fn weights(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for model in at(v, "grading").as_array().into_iter().flatten() {
        for factor in at(model, "factors").as_array().into_iter().flatten() {
            let path: Vec<String> = at(factor, "path")
                .as_array()
                .into_iter()
                .flatten()
                .map(compact)
                .collect();
            out.insert(
                format!("{}: {}", compact(at(model, "name")), path.join(" / ")),
                Value::String(format!("{}%", compact(at(factor, "weight")))),
            );
        }
    }
    out
}

fn faq(v: &Value) -> BTreeMap<String, Value> {
    at(v, "faq")
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (compact(at(e, "question")), at(e, "answer").clone()))
        .collect()
}

/// Every difference between two bundles' files.
pub fn diff(
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<Difference>, String> {
    let mut out = Vec::new();
    compare(
        "campaign",
        campaigns(&json_file(old, "campaigns.json")?),
        campaigns(&json_file(new, "campaigns.json")?),
        &mut out,
    );
    compare(
        "commission_row",
        rows(&toml_file(old, "commission.toml")?),
        rows(&toml_file(new, "commission.toml")?),
        &mut out,
    );
    compare(
        "grading_weight",
        weights(&toml_file(old, "grading.toml")?),
        weights(&toml_file(new, "grading.toml")?),
        &mut out,
    );
    compare(
        "faq",
        faq(&json_file(old, "knowledge.json")?),
        faq(&json_file(new, "knowledge.json")?),
        &mut out,
    );
    Ok(out)
}

/// `value[key]` without the index operator: `Null` when absent.
fn at<'a>(value: &'a Value, key: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    value.get(key).unwrap_or(&NULL)
}
