//! `koujing diff OLD NEW`: what changed between two bundles, in the words a
//! reviewer reads: campaigns, commission rows, grading weights, FAQ entries.

use std::collections::{BTreeMap, BTreeSet};

use koujing_bundle::campaigns::Campaign;
use koujing_bundle::commission::Condition;
use koujing_bundle::{Bundle, CampaignsFile, CommissionFile, GradingFile, KnowledgeFile};
use serde::Serialize;
use serde_json::Value;

use crate::diagnostic::Lang;
use crate::messages::BundleMsg as B;

/// What happened to one thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// What kind of thing changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Campaign,
    CommissionRow,
    GradingWeight,
    Faq,
}

impl Kind {
    /// The word for a reviewer, in one language.
    fn word(self, lang: Lang) -> &'static str {
        match self {
            Kind::Campaign => B::KindCampaign,
            Kind::CommissionRow => B::KindCommissionRow,
            Kind::GradingWeight => B::KindGradingWeight,
            Kind::Faq => B::KindFaq,
        }
        .template(lang)
    }
}

/// One changed field: its name in the bundle file, the old and new values, compact.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Difference {
    pub kind: Kind,
    pub change: Change,
    /// The campaign name, `table: conditions`, `model: path`, or the question.
    pub name: String,
    /// For `changed`: the fields that differ.
    pub fields: Vec<FieldChange>,
}

/// One difference as `diff --format json` writes it: with its sentence.
#[derive(Serialize)]
pub struct Described<'a> {
    #[serde(flatten)]
    pub difference: &'a Difference,
    pub message: String,
}

impl Difference {
    /// The difference with its sentence, for JSON output.
    pub fn described(&self, lang: Lang) -> Described<'_> {
        Described {
            difference: self,
            message: self.describe(lang),
        }
    }

    /// One line for a reviewer.
    pub fn describe(&self, lang: Lang) -> String {
        let fields = self
            .fields
            .iter()
            .map(|f| {
                B::FieldChange.get(
                    lang,
                    &[("field", &f.field), ("old", &f.old), ("new", &f.new)],
                )
            })
            .collect::<Vec<_>>()
            .join(B::FieldSeparator.template(lang));
        let msg = match self.change {
            Change::Added => B::Added,
            Change::Removed => B::Removed,
            Change::Changed => B::Changed,
        };
        msg.get(
            lang,
            &[
                ("what", &self.kind.word(lang)),
                ("name", &self.name),
                ("fields", &fields),
            ],
        )
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

/// The fields whose values differ: (field, old, new). Field names come from
/// the bundle types' serialisation, so they are the names in the files.
fn changed_fields<T: Serialize>(old: &T, new: &T) -> Vec<FieldChange> {
    let (a, b) = (
        serde_json::to_value(old).unwrap_or(Value::Null),
        serde_json::to_value(new).unwrap_or(Value::Null),
    );
    match (&a, &b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            let show = |v: Option<&Value>| v.map_or_else(|| "—".to_string(), compact);
            keys.into_iter()
                .filter(|k| x.get(k.as_str()) != y.get(k.as_str()))
                .map(|k| FieldChange {
                    field: k.clone(),
                    old: show(x.get(k.as_str())),
                    new: show(y.get(k.as_str())),
                })
                .collect()
        }
        _ => vec![FieldChange {
            field: "value".to_string(),
            old: compact(&a),
            new: compact(&b),
        }],
    }
}

fn compare<T: Serialize + PartialEq>(
    kind: Kind,
    old: BTreeMap<String, T>,
    new: BTreeMap<String, T>,
    out: &mut Vec<Difference>,
) {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for name in names {
        let (change, fields) = match (old.get(name), new.get(name)) {
            (None, Some(_)) => (Change::Added, Vec::new()),
            (Some(_), None) => (Change::Removed, Vec::new()),
            (Some(a), Some(b)) if a != b => (Change::Changed, changed_fields(a, b)),
            _ => continue,
        };
        out.push(Difference {
            kind,
            change,
            name: name.clone(),
            fields,
        });
    }
}

fn campaigns(file: &CampaignsFile) -> BTreeMap<String, &Campaign> {
    file.campaigns.iter().map(|c| (c.name.clone(), c)).collect()
}

/// Each row by its table and conditions (`table: grade=五星|四星, tenure∈[1, 6]`),
/// its output as the value.
fn rows(file: &CommissionFile) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for table in &file.commission {
        for row in &table.rows {
            let conditions: Vec<String> = row.conditions.iter().map(Condition::identity).collect();
            let name = format!(
                "{}: {}",
                table.name,
                if conditions.is_empty() {
                    "*".to_string()
                } else {
                    conditions.join(", ")
                }
            );
            out.insert(name, row.output.show());
        }
    }
    out
}

fn weights(file: &GradingFile) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for model in &file.grading {
        for factor in &model.factors {
            out.insert(
                format!("{}: {}", model.name, factor.path.join(" / ")),
                format!("{}%", factor.weight),
            );
        }
    }
    out
}

fn faq(file: &KnowledgeFile) -> BTreeMap<String, String> {
    file.faq
        .iter()
        .map(|e| (e.question.clone(), e.answer.clone()))
        .collect()
}

/// Every difference between two bundles' files.
pub fn diff(
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<Difference>, String> {
    let old = Bundle::read(old).map_err(|e| e.to_string())?;
    let new = Bundle::read(new).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    compare(
        Kind::Campaign,
        campaigns(&old.campaigns),
        campaigns(&new.campaigns),
        &mut out,
    );
    compare(
        Kind::CommissionRow,
        rows(&old.commission),
        rows(&new.commission),
        &mut out,
    );
    compare(
        Kind::GradingWeight,
        weights(&old.grading),
        weights(&new.grading),
        &mut out,
    );
    compare(
        Kind::Faq,
        faq(&old.knowledge),
        faq(&new.knowledge),
        &mut out,
    );
    Ok(out)
}
