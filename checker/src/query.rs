//! The evaluator behind `koujing query` and `koujing test`: who gets which
//! offer, which commission row pays, which grade an outlet gets.
//!
//! It reads bundle data only (campaigns.json, commission.toml, grading.toml),
//! whether the bundle was just compiled from sources or read from a folder,
//! so the answers from sources and from a built bundle are the same by
//! construction — and a test proves the bundle carries what a runtime needs.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::diagnostic::LocalText;

/// A query that cannot be answered as asked: the text names what is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError(pub LocalText);

fn error(zh: String, en: String) -> QueryError {
    QueryError(LocalText::new(zh, en))
}

/// A computation past the decimal type's range (about 7.9e28).
fn overflow(what: &str) -> QueryError {
    error(
        format!("`{what}` 的计算超出数值范围(约 7.9×10²⁸)"),
        format!("computing `{what}` exceeds the number range (about 7.9e28)"),
    )
}

fn at<'a>(value: &'a Value, key: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    value.get(key).unwrap_or(&NULL)
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn list(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| a.iter().map(text).collect())
        .unwrap_or_default()
}

fn decimal(value: &Value) -> Option<Decimal> {
    text(value).parse().ok()
}

/// Does `x` lie in the interval object `{min, min_inclusive, max, max_inclusive}`?
fn within(interval: &Value, x: Decimal) -> bool {
    let above = match decimal(at(interval, "min")) {
        Some(min) => {
            if at(interval, "min_inclusive") == &Value::Bool(true) {
                x >= min
            } else {
                x > min
            }
        }
        None => true,
    };
    let below = match decimal(at(interval, "max")) {
        Some(max) => {
            if at(interval, "max_inclusive") == &Value::Bool(true) {
                x <= max
            } else {
                x < max
            }
        }
        None => true,
    };
    above && below
}

fn show_interval(c: &Value) -> String {
    format!(
        "{}{}, {}{}",
        if at(c, "min_inclusive") == &Value::Bool(true) {
            "["
        } else {
            "("
        },
        decimal(at(c, "min")).map_or("-∞".to_string(), |d| d.normalize().to_string()),
        decimal(at(c, "max")).map_or("+∞".to_string(), |d| d.normalize().to_string()),
        if at(c, "max_inclusive") == &Value::Bool(true) {
            "]"
        } else {
            ")"
        },
    )
}

/// A bundle's data, ready to answer queries.
pub struct Runtime {
    campaigns: Value,
    commission: Value,
    grading: Value,
}

impl Runtime {
    pub fn from_files(files: &BTreeMap<String, Vec<u8>>) -> Result<Runtime, String> {
        let json = |name: &str| -> Result<Value, String> {
            let bytes = files
                .get(name)
                .ok_or_else(|| format!("{name} 缺失 / is missing"))?;
            serde_json::from_slice(bytes).map_err(|e| format!("{name}: {e}"))
        };
        let toml = |name: &str| -> Result<Value, String> {
            let bytes = files
                .get(name)
                .ok_or_else(|| format!("{name} 缺失 / is missing"))?;
            let text = std::str::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))?;
            let value: toml::Value = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
            serde_json::to_value(value).map_err(|e| format!("{name}: {e}"))
        };
        Ok(Runtime {
            campaigns: json("campaigns.json")?,
            commission: toml("commission.toml")?,
            grading: toml("grading.toml")?,
        })
    }

    fn channels(&self) -> Vec<String> {
        list(at(&self.campaigns, "channels"))
    }

    fn check_channel(&self, channel: &str) -> Result<(), QueryError> {
        let channels = self.channels();
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
        let dimensions = at(&self.campaigns, "dimensions")
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut out = BTreeMap::new();
        for (name, value) in set {
            let Some(dimension) = dimensions.iter().find(|d| text(at(d, "name")) == *name) else {
                let names: Vec<String> = dimensions.iter().map(|d| text(at(d, "name"))).collect();
                return Err(error(
                    format!("未知维度 `{name}`;可选:{}", names.join("、")),
                    format!("unknown dimension `{name}`; valid: {}", names.join(", ")),
                ));
            };
            let values = list(at(dimension, "values"));
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

fn benefit_text(b: &Value) -> String {
    match text(at(b, "type")).as_str() {
        "discount" => {
            let p = decimal(at(b, "percent")).unwrap_or_default();
            let fold = p
                .checked_div(Decimal::TEN)
                .and_then(|t| Decimal::TEN.checked_sub(t))
                .unwrap_or_default()
                .normalize();
            format!("discount {}% ({fold}折)", p.normalize())
        }
        "price" => format!("price {} {}", text(at(b, "amount")), text(at(b, "unit"))),
        "gift" => format!("gift \"{}\"", text(at(b, "text"))),
        "bonus" => format!("bonus {} {}", text(at(b, "amount")), text(at(b, "unit"))),
        "points" => format!("points x{}", text(at(b, "multiplier"))),
        other => other.to_string(),
    }
}

fn allows(campaign: &Value, other: &str) -> bool {
    let stacking = at(campaign, "stacking");
    stacking.as_str() == Some("stackable") || list(at(stacking, "with")).iter().any(|w| w == other)
}

impl Runtime {
    pub fn offers(&self, q: &OfferQuery) -> Result<Vec<Offer>, QueryError> {
        let tree = at(&self.campaigns, "region_tree")
            .as_array()
            .cloned()
            .unwrap_or_default();
        let names: Vec<String> = tree.iter().map(|r| text(at(r, "name"))).collect();
        if !names.contains(&q.region) {
            return Err(error(
                format!("未知地区 `{}`;可选:{}", q.region, names.join("、")),
                format!("unknown region `{}`; valid: {}", q.region, names.join(", ")),
            ));
        }
        let children: Vec<String> = tree
            .iter()
            .filter(|r| text(at(r, "parent")) == q.region)
            .map(|r| text(at(r, "name")))
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
        let date = q.date.to_string();
        let mut applying: Vec<&Value> = Vec::new();
        let mut depends: BTreeMap<String, Vec<String>> = BTreeMap::new();
        'campaigns: for c in at(&self.campaigns, "campaigns")
            .as_array()
            .into_iter()
            .flatten()
        {
            let window = at(c, "window");
            let end = text(at(window, "end"));
            if text(at(window, "start")) > date || (!end.is_empty() && end < date) {
                continue;
            }
            if !list(at(c, "regions")).contains(&q.region)
                || !list(at(c, "channels")).contains(&q.channel)
            {
                continue;
            }
            let mut unresolved = Vec::new();
            for constraint in at(c, "audience").as_array().into_iter().flatten() {
                let dimension = text(at(constraint, "dimension"));
                let Some(value) = attributes.get(&dimension) else {
                    unresolved.push(dimension);
                    continue;
                };
                let ok = match constraint.get("values") {
                    Some(values) => list(values).contains(value),
                    None => value
                        .parse::<Decimal>()
                        .is_ok_and(|x| within(at(constraint, "interval"), x)),
                };
                if !ok {
                    continue 'campaigns;
                }
            }
            depends.insert(text(at(c, "name")), unresolved);
            applying.push(c);
        }
        Ok(applying
            .iter()
            .map(|c| {
                let name = text(at(c, "name"));
                let offer = at(c, "offer");
                let price = at(offer, "final_price");
                Offer {
                    campaign: name.clone(),
                    title: at(c, "title").as_str().map(str::to_string),
                    product: text(at(offer, "product")),
                    benefit: benefit_text(at(c, "benefit")),
                    final_price: (!price.is_null()).then(|| {
                        format!("{} {}", text(at(price, "amount")), text(at(price, "unit")))
                    }),
                    combinable_with: applying
                        .iter()
                        .filter(|o| {
                            let other = text(at(o, "name"));
                            other != name && allows(c, &other) && allows(o, &name)
                        })
                        .map(|o| text(at(o, "name")))
                        .collect(),
                    depends_on: depends.get(&name).cloned().unwrap_or_default(),
                }
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
    fn grades(&self) -> Vec<String> {
        let mut out = Vec::new();
        for model in at(&self.grading, "grading")
            .as_array()
            .into_iter()
            .flatten()
        {
            for g in at(model, "grades").as_array().into_iter().flatten() {
                let name = text(at(g, "name"));
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }

    pub fn commission(&self, q: &CommissionQuery) -> Result<CommissionAnswer, QueryError> {
        self.check_channel(&q.channel)?;
        if let Some(grade) = &q.grade {
            let grades = self.grades();
            if !grades.contains(grade) {
                return Err(error(
                    format!("未知等级 `{grade}`;可选:{}", grades.join("、")),
                    format!("unknown grade `{grade}`; valid: {}", grades.join(", ")),
                ));
            }
        }
        let attributes = self.attributes(&q.set)?;
        let date = q.date.to_string();
        let input = |key: &str| -> Option<String> {
            match key {
                "grade" => q.grade.clone(),
                "product" => q.product.clone(),
                "tenure" => q.tenure.map(|t| t.to_string()),
                other => attributes.get(other).cloned(),
            }
        };
        let matches_cond = |c: &Value, value: &str| match c.get("values") {
            Some(values) => list(values).iter().any(|v| v == value),
            None => value.parse::<Decimal>().is_ok_and(|x| within(c, x)),
        };
        let mut answer = CommissionAnswer::default();
        for table in at(&self.commission, "commission")
            .as_array()
            .into_iter()
            .flatten()
        {
            let period = at(table, "period");
            let end = text(at(period, "end"));
            if text(at(period, "start")) > date || (!end.is_empty() && end < date) {
                continue;
            }
            if !list(at(table, "channels")).contains(&q.channel) {
                continue;
            }
            let (name, kind) = (text(at(table, "name")), text(at(table, "kind")));
            let rows = at(table, "rows").as_array().cloned().unwrap_or_default();
            let mut found = false;
            for row in &rows {
                let conditions = at(row, "conditions")
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let all = conditions
                    .iter()
                    .all(|c| input(&text(at(c, "key"))).is_some_and(|v| matches_cond(c, &v)));
                if all {
                    found = true;
                    let shown: Vec<String> = conditions
                        .iter()
                        .map(|c| match c.get("values") {
                            Some(v) => format!("{} {}", text(at(c, "key")), list(v).join("/")),
                            None => format!("{} {}", text(at(c, "key")), show_interval(c)),
                        })
                        .collect();
                    let output = at(row, "output");
                    let unit = text(at(output, "unit"));
                    answer.matches.push(RowMatch {
                        table: name.clone(),
                        kind: kind.clone(),
                        amount: if unit == "%" {
                            format!("{}%", text(at(output, "amount")))
                        } else {
                            format!("{} {unit}", text(at(output, "amount")))
                                .trim()
                                .to_string()
                        },
                        conditions: shown.join(", "),
                        source: text(at(row, "source")),
                    });
                }
            }
            if !found {
                // Why: an input the rows need, or a value no row covers.
                let mut reasons = Vec::new();
                let mut keys: Vec<String> = rows
                    .iter()
                    .flat_map(|r| at(r, "conditions").as_array().cloned().unwrap_or_default())
                    .map(|c| text(at(&c, "key")))
                    .collect();
                keys.sort();
                keys.dedup();
                for key in keys {
                    match input(&key) {
                        None => reasons.push(format!("--{key}")),
                        Some(value) => {
                            let covered = rows.iter().any(|r| {
                                at(r, "conditions")
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .filter(|c| text(at(c, "key")) == key)
                                    .all(|c| matches_cond(c, &value))
                            });
                            if !covered {
                                reasons.push(format!("{key}={value} (KJ2102)"));
                            }
                        }
                    }
                }
                answer.no_match.push(NoMatch {
                    table: name,
                    kind,
                    reasons,
                });
            }
        }
        Ok(answer)
    }
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
        let models = at(&self.grading, "grading")
            .as_array()
            .cloned()
            .unwrap_or_default();
        let Some(model) = models.iter().find(|m| text(at(m, "name")) == q.model) else {
            let names: Vec<String> = models.iter().map(|m| text(at(m, "name"))).collect();
            return Err(error(
                format!("未知分级模型 `{}`;可选:{}", q.model, names.join("、")),
                format!(
                    "unknown grading model `{}`; valid: {}",
                    q.model,
                    names.join(", ")
                ),
            ));
        };
        let factors = at(model, "factors").as_array().cloned().unwrap_or_default();
        let leaf = |f: &Value| list(at(f, "path")).last().cloned().unwrap_or_default();
        let leaves: Vec<String> = factors.iter().map(leaf).collect();
        for (name, score) in &q.scores {
            if !leaves.contains(name) {
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
        let missing: Vec<String> = leaves
            .iter()
            .filter(|l| !q.scores.iter().any(|(n, _)| n == *l))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(error(
                format!("缺少因子得分:{}", missing.join("、")),
                format!("missing factor scores: {}", missing.join(", ")),
            ));
        }
        let mut total = Decimal::ZERO;
        let mut contributions = Vec::new();
        for f in &factors {
            let name = leaf(f);
            let weight = decimal(at(f, "weight")).unwrap_or_default();
            let score = q
                .scores
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(Decimal::ZERO, |(_, s)| *s);
            // Checked: weights and scores come from files and the command
            // line; an overflow is an answer, not a panic.
            let part = weight
                .checked_mul(score)
                .and_then(|p| p.checked_div(Decimal::ONE_HUNDRED))
                .ok_or_else(|| overflow(&name))?;
            total = total.checked_add(part).ok_or_else(|| overflow(&name))?;
            contributions.push(Contribution {
                factor: list(at(f, "path")).join(" › "),
                weight: format!("{}%", weight.normalize()),
                score: score.normalize().to_string(),
                contribution: part.normalize().to_string(),
            });
        }
        let grade = at(model, "grades")
            .as_array()
            .into_iter()
            .flatten()
            .find(|g| within(g, total))
            .map(|g| text(at(g, "name")));
        Ok(GradeAnswer {
            model: q.model.clone(),
            score: total.normalize().to_string(),
            grade,
            contributions,
        })
    }
}
