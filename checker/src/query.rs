//! The evaluator behind `koujing query` and `koujing test`: who gets which
//! offer, which commission row pays, which grade an outlet gets.
//!
//! It reads bundle data only (campaigns.json, commission.toml, grading.toml),
//! whether the bundle was just compiled from sources or read from a folder,
//! so the answers from sources and from a built bundle are the same by
//! construction — and a test proves the bundle carries what a runtime needs.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use koujing_bundle::campaigns::Campaign;
use koujing_bundle::commission::Row;
use koujing_bundle::{Bundle, CampaignsFile, CommissionFile, Exact, GradingFile};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::diagnostic::LocalText;

/// A query that cannot be answered as asked: the text names what is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError(pub LocalText);

fn error(zh: String, en: String) -> QueryError {
    QueryError(LocalText::new(zh, en))
}

/// A bundle's data, ready to answer queries.
pub struct Runtime {
    campaigns: CampaignsFile,
    commission: CommissionFile,
    grading: GradingFile,
    format: u32,
}

impl Runtime {
    /// Read a bundle folder's files (or a build's, in memory).
    pub fn from_files(files: &BTreeMap<String, Vec<u8>>) -> Result<Runtime, String> {
        let bundle = Bundle::read(files).map_err(|e| e.to_string())?;
        Ok(Runtime {
            format: bundle.format(),
            campaigns: bundle.campaigns,
            commission: bundle.commission,
            grading: bundle.grading,
        })
    }

    /// The bundle's format: older than [`koujing_bundle::FORMAT`] means the
    /// v2 fields took their defaults.
    pub fn format(&self) -> u32 {
        self.format
    }

    /// For a bundle older than the current format: the note that says so.
    pub fn older_note(&self) -> Option<LocalText> {
        (self.format < koujing_bundle::FORMAT).then(|| {
            let (zh, en) = koujing_bundle::older_note(self.format);
            LocalText::new(zh, en)
        })
    }

    fn check_channel(&self, channel: &str) -> Result<(), QueryError> {
        let channels = &self.campaigns.channels;
        if channels.iter().any(|c| c == channel) {
            return Ok(());
        }
        Err(error(
            format!("未知渠道 `{channel}`;可选:{}", channels.join("、")),
            format!(
                "unknown channel `{channel}`; valid: {}",
                channels.join(", ")
            ),
        ))
    }

    /// The customer's attributes, checked against the dimensions.
    fn attributes(&self, set: &[(String, String)]) -> Result<BTreeMap<String, String>, QueryError> {
        let dimensions = &self.campaigns.dimensions;
        let mut out = BTreeMap::new();
        for (name, value) in set {
            let Some(dimension) = dimensions.iter().find(|d| d.name == *name) else {
                let names: Vec<&str> = dimensions.iter().map(|d| d.name.as_str()).collect();
                return Err(error(
                    format!("未知维度 `{name}`;可选:{}", names.join("、")),
                    format!("unknown dimension `{name}`; valid: {}", names.join(", ")),
                ));
            };
            let values = dimension.values.as_deref().unwrap_or_default();
            if !values.is_empty() && !values.contains(value) {
                return Err(error(
                    format!(
                        "`{value}` 不是维度 `{name}` 的取值;可选:{}",
                        values.join("、")
                    ),
                    format!(
                        "`{value}` is not a value of `{name}`; valid: {}",
                        values.join(", ")
                    ),
                ));
            }
            if values.is_empty() && value.parse::<Decimal>().is_err() {
                return Err(error(
                    format!("维度 `{name}` 需要数字,不是 `{value}`"),
                    format!("dimension `{name}` takes a number, not `{value}`"),
                ));
            }
            out.insert(name.clone(), value.clone());
        }
        Ok(out)
    }
}

/// `koujing query offers`.
#[derive(Clone, Debug, Default)]
pub struct OfferQuery {
    pub date: NaiveDate,
    pub region: String,
    pub channel: String,
    pub set: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Offer {
    pub campaign: String,
    pub title: Option<String>,
    pub product: String,
    pub benefit: String,
    pub final_price: Option<String>,
    /// Other applying campaigns it may be combined with (both allow it).
    pub combinable_with: Vec<String>,
    /// Audience dimensions the query did not give and the campaign constrains.
    pub depends_on: Vec<String>,
}

impl Runtime {
    pub fn offers(&self, q: &OfferQuery) -> Result<Vec<Offer>, QueryError> {
        let tree = &self.campaigns.region_tree;
        if !tree.iter().any(|r| r.name == q.region) {
            let names: Vec<&str> = tree.iter().map(|r| r.name.as_str()).collect();
            return Err(error(
                format!("未知地区 `{}`;可选:{}", q.region, names.join("、")),
                format!("unknown region `{}`; valid: {}", q.region, names.join(", ")),
            ));
        }
        let children: Vec<&str> = tree
            .iter()
            .filter(|r| r.parent.as_ref() == Some(&q.region))
            .map(|r| r.name.as_str())
            .collect();
        if !children.is_empty() {
            return Err(error(
                format!(
                    "`{}` 不是区县;客户所在的区县是:{}",
                    q.region,
                    children.join("、")
                ),
                format!(
                    "`{}` is not a county; a customer is in one of: {}",
                    q.region,
                    children.join(", ")
                ),
            ));
        }
        self.check_channel(&q.channel)?;
        let attributes = self.attributes(&q.set)?;
        // Each applying campaign with the dimensions it constrains that the
        // query did not give.
        let mut applying: Vec<(&Campaign, Vec<String>)> = Vec::new();
        'campaigns: for c in &self.campaigns.campaigns {
            if !c.window.contains(q.date)
                || !c.regions.contains(&q.region)
                || !c.channels.contains(&q.channel)
            {
                continue;
            }
            let mut unresolved = Vec::new();
            for constraint in &c.audience {
                match attributes.get(&constraint.dimension) {
                    None => unresolved.push(constraint.dimension.clone()),
                    Some(value) if !constraint.test.accepts(value) => continue 'campaigns,
                    Some(_) => {}
                }
            }
            applying.push((c, unresolved));
        }
        Ok(applying
            .iter()
            .map(|(c, depends_on)| Offer {
                campaign: c.name.clone(),
                title: c.title.clone(),
                product: c.offer.product.clone(),
                benefit: c.benefit.as_ref().map_or_else(String::new, |b| b.render()),
                final_price: c.offer.final_price.as_ref().map(|p| p.show()),
                combinable_with: applying
                    .iter()
                    .filter(|(o, _)| {
                        o.name != c.name && c.stacking.allows(&o.name) && o.stacking.allows(&c.name)
                    })
                    .map(|(o, _)| o.name.clone())
                    .collect(),
                depends_on: depends_on.clone(),
            })
            .collect())
    }
}

/// `koujing query commission`.
#[derive(Clone, Debug, Default)]
pub struct CommissionQuery {
    pub date: NaiveDate,
    pub channel: String,
    pub grade: Option<String>,
    pub product: Option<String>,
    pub tenure: Option<Decimal>,
    pub set: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowMatch {
    pub table: String,
    pub kind: String,
    pub amount: String,
    pub conditions: String,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoMatch {
    pub table: String,
    pub kind: String,
    /// Why no row matches: inputs the rows need, or values no row covers (KJ2102).
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CommissionAnswer {
    pub matches: Vec<RowMatch>,
    pub no_match: Vec<NoMatch>,
}

impl CommissionAnswer {
    /// kind → amounts of the matching rows (`"18 元"`, several joined by ` | `).
    pub fn by_kind(&self) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for m in &self.matches {
            out.entry(m.kind.clone())
                .or_default()
                .push(m.amount.clone());
        }
        out.into_iter().map(|(k, v)| (k, v.join(" | "))).collect()
    }
}

impl Runtime {
    fn grades(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for g in self.grading.grading.iter().flat_map(|m| &m.grades) {
            if !out.contains(&g.name.as_str()) {
                out.push(g.name.as_str());
            }
        }
        out
    }

    pub fn commission(&self, q: &CommissionQuery) -> Result<CommissionAnswer, QueryError> {
        self.check_channel(&q.channel)?;
        if let Some(grade) = &q.grade {
            let grades = self.grades();
            if !grades.contains(&grade.as_str()) {
                return Err(error(
                    format!("未知等级 `{grade}`;可选:{}", grades.join("、")),
                    format!("unknown grade `{grade}`; valid: {}", grades.join(", ")),
                ));
            }
        }
        let attributes = self.attributes(&q.set)?;
        let input = |key: &str| -> Option<String> {
            match key {
                "grade" => q.grade.clone(),
                "product" => q.product.clone(),
                "tenure" => q.tenure.map(|t| t.to_string()),
                other => attributes.get(other).cloned(),
            }
        };
        let row_matches = |row: &Row| {
            row.conditions
                .iter()
                .all(|c| input(&c.key).is_some_and(|v| c.accepts(&v)))
        };
        let mut answer = CommissionAnswer::default();
        for table in &self.commission.commission {
            if !table.in_force(q.date) || !table.channels.contains(&q.channel) {
                continue;
            }
            let kind = table.kind.clone().unwrap_or_default();
            let matching: Vec<&Row> = table.rows.iter().filter(|r| row_matches(r)).collect();
            for row in &matching {
                answer.matches.push(RowMatch {
                    table: table.name.clone(),
                    kind: kind.clone(),
                    amount: row.output.show(),
                    conditions: row.describe(),
                    source: row.source.clone(),
                });
            }
            if matching.is_empty() {
                answer.no_match.push(NoMatch {
                    table: table.name.clone(),
                    kind,
                    reasons: no_match_reasons(&table.rows, &input),
                });
            }
        }
        Ok(answer)
    }
}

/// Why no row matches: an input the rows need (`--key`), or a value no row
/// covers (`key=value (KJ2102)`).
fn no_match_reasons(rows: &[Row], input: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let mut keys: Vec<&str> = rows
        .iter()
        .flat_map(|r| &r.conditions)
        .map(|c| c.key.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut reasons = Vec::new();
    for key in keys {
        match input(key) {
            None => reasons.push(format!("--{key}")),
            Some(value) => {
                let covered = rows.iter().any(|r| {
                    r.conditions
                        .iter()
                        .filter(|c| c.key == key)
                        .all(|c| c.accepts(&value))
                });
                if !covered {
                    reasons.push(format!("{key}={value} (KJ2102)"));
                }
            }
        }
    }
    reasons
}

/// `koujing query grade`.
#[derive(Clone, Debug, Default)]
pub struct GradeQuery {
    pub model: String,
    pub scores: Vec<(String, Decimal)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Contribution {
    pub factor: String,
    pub weight: String,
    pub score: String,
    pub contribution: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradeAnswer {
    pub model: String,
    pub score: String,
    pub grade: Option<String>,
    pub contributions: Vec<Contribution>,
}

impl Runtime {
    pub fn grade(&self, q: &GradeQuery) -> Result<GradeAnswer, QueryError> {
        let models = &self.grading.grading;
        let Some(model) = models.iter().find(|m| m.name == q.model) else {
            let names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
            return Err(error(
                format!("未知分级模型 `{}`;可选:{}", q.model, names.join("、")),
                format!(
                    "unknown grading model `{}`; valid: {}",
                    q.model,
                    names.join(", ")
                ),
            ));
        };
        let leaves: Vec<&str> = model.factors.iter().map(|f| f.leaf()).collect();
        for (name, score) in &q.scores {
            if !leaves.contains(&name.as_str()) {
                return Err(error(
                    format!(
                        "`{}` 没有因子 `{name}`;可评分的因子:{}",
                        q.model,
                        leaves.join("、")
                    ),
                    format!(
                        "`{}` has no factor `{name}`; scored factors: {}",
                        q.model,
                        leaves.join(", ")
                    ),
                ));
            }
            if *score < Decimal::ZERO || *score > Decimal::ONE_HUNDRED {
                return Err(error(
                    format!("`{name}` 的得分应在 0–100 之间"),
                    format!("the score of `{name}` must be within 0–100"),
                ));
            }
        }
        let missing: Vec<&str> = leaves
            .iter()
            .filter(|l| !q.scores.iter().any(|(n, _)| n == *l))
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(error(
                format!("缺少因子得分:{}", missing.join("、")),
                format!("missing factor scores: {}", missing.join(", ")),
            ));
        }
        let mut total = Decimal::ZERO;
        let mut contributions = Vec::new();
        for f in &model.factors {
            let weight = f.weight.get();
            let score = q
                .scores
                .iter()
                .find(|(n, _)| n == f.leaf())
                .map_or(Decimal::ZERO, |(_, s)| *s);
            let part = weight * score / Decimal::ONE_HUNDRED;
            total += part;
            contributions.push(Contribution {
                factor: f.path.join(" › "),
                weight: format!("{weight}%"),
                score: score.normalize().to_string(),
                contribution: part.normalize().to_string(),
            });
        }
        Ok(GradeAnswer {
            model: q.model.clone(),
            score: total.normalize().to_string(),
            grade: model.grade_for(total).map(|g| g.name.clone()),
            contributions,
        })
    }
}
