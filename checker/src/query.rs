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
use koujing_bundle::commission::{CommissionTable, Row};
use koujing_bundle::{
    Bundle, CampaignsFile, CommissionFile, DecimalText, Direction, Exact, GradingFile, Money,
};
use rust_decimal::Decimal;
use serde::Serialize;

use std::fmt::Display;

use crate::diagnostic::{Lang, LocalText};
use crate::messages::QueryMsg as M;

/// A query that cannot be answered as asked: the text names what is valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError(pub LocalText);

fn error(msg: M, args: &[(&str, &dyn Display)]) -> QueryError {
    QueryError(msg.text(args))
}

/// An error naming the valid choices: `list`, joined the way each
/// language lists things, fills the message's `{valid}`.
fn error_listing<S: AsRef<str>>(msg: M, args: &[(&str, &dyn Display)], list: &[S]) -> QueryError {
    QueryError(LocalText::from_fn(|lang: Lang| {
        let valid = list
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<&str>>()
            .join(M::ListSeparator.template(lang));
        let mut all = args.to_vec();
        all.push(("valid", &valid));
        msg.get(lang, &all)
    }))
}

/// A computation past the decimal type's range (about 7.9e28).
fn overflow(what: &str) -> QueryError {
    error(M::Overflow, &[("what", &what)])
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
        (self.format < koujing_bundle::FORMAT)
            .then(|| crate::compile::manifest::older_note(self.format))
    }

    fn check_channel(&self, channel: &str) -> Result<(), QueryError> {
        let channels = &self.campaigns.channels;
        if channels.iter().any(|c| c == channel) {
            return Ok(());
        }
        Err(error_listing(
            M::UnknownChannel,
            &[("channel", &channel)],
            channels,
        ))
    }

    /// The customer's attributes, checked against the dimensions.
    fn attributes(&self, set: &[(String, String)]) -> Result<BTreeMap<String, String>, QueryError> {
        let dimensions = &self.campaigns.dimensions;
        let mut out = BTreeMap::new();
        for (name, value) in set {
            let Some(dimension) = dimensions.iter().find(|d| d.name == *name) else {
                let names: Vec<&str> = dimensions.iter().map(|d| d.name.as_str()).collect();
                return Err(error_listing(
                    M::UnknownDimension,
                    &[("name", name)],
                    &names,
                ));
            };
            let values = dimension.values.as_deref().unwrap_or_default();
            if !values.is_empty() && !values.contains(value) {
                return Err(error_listing(
                    M::NotAValue,
                    &[("value", value), ("name", name)],
                    values,
                ));
            }
            if values.is_empty() && value.parse::<Decimal>().is_err() {
                return Err(error(M::NotANumber, &[("name", name), ("value", value)]));
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
            return Err(error_listing(
                M::UnknownRegion,
                &[("region", &q.region)],
                &names,
            ));
        }
        let children: Vec<&str> = tree
            .iter()
            .filter(|r| r.parent.as_ref() == Some(&q.region))
            .map(|r| r.name.as_str())
            .collect();
        if !children.is_empty() {
            return Err(error_listing(
                M::NotACounty,
                &[("region", &q.region)],
                &children,
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
    /// v2: where the outlet is; the most specific table of each kind that
    /// applies there is used (`None`: the province-wide tables).
    pub region: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowMatch {
    pub table: String,
    pub kind: String,
    pub amount: String,
    pub conditions: String,
    pub source: String,
    /// v2: the table's pay adds to the other tables of its kind.
    pub additive: bool,
    #[serde(skip)]
    value: Decimal,
    #[serde(skip)]
    unit: String,
}

/// What an agent pays for a SIM card, net of the first-return (v2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NetCost {
    pub product: String,
    pub face_value: Option<String>,
    pub supply_price: String,
    pub first_return: String,
    /// Supply price − first-return.
    pub net: String,
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
    /// v2: kind → what it pays: additive parts summed (`"0.8 元"`);
    /// alternatives that both match (a KJ2101) joined by ` | `.
    pub totals: BTreeMap<String, String>,
    /// v2: for a SIM card with a supply price.
    pub net_cost: Option<NetCost>,
}

impl CommissionAnswer {
    /// kind → what it pays (see [`CommissionAnswer::totals`]).
    pub fn by_kind(&self) -> BTreeMap<String, String> {
        self.totals.clone()
    }

    fn total(&self, kind: &str) -> Option<(Decimal, String)> {
        let parts: Vec<&RowMatch> = self.matches.iter().filter(|m| m.kind == kind).collect();
        let unit = parts.first()?.unit.clone();
        let alternatives = parts.iter().filter(|m| !m.additive).count();
        if alternatives > 1 || parts.iter().any(|m| m.unit != unit) {
            return None;
        }
        Some((parts.iter().map(|m| m.value).sum(), unit))
    }

    fn summarise(&mut self) {
        let kinds: Vec<String> = self.matches.iter().map(|m| m.kind.clone()).collect();
        for kind in kinds {
            let shown = match self.total(&kind) {
                Some((value, unit)) => Money {
                    amount: DecimalText::new(value),
                    unit,
                }
                .show(),
                None => self
                    .matches
                    .iter()
                    .filter(|m| m.kind == kind)
                    .map(|m| m.amount.clone())
                    .collect::<Vec<_>>()
                    .join(" | "),
            };
            self.totals.insert(kind, shown);
        }
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
                return Err(error_listing(M::UnknownGrade, &[("grade", grade)], &grades));
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
        let leaves = self.leaves_of(q.region.as_deref())?;
        let mut answer = CommissionAnswer::default();
        for table in self.tables_for(q, &leaves) {
            let kind = table.kind.clone().unwrap_or_default();
            let matching: Vec<&Row> = table.rows.iter().filter(|r| row_matches(r)).collect();
            for row in &matching {
                answer.matches.push(RowMatch {
                    table: table.name.clone(),
                    kind: kind.clone(),
                    amount: row.output.show(),
                    conditions: row.describe(),
                    source: row.source.clone(),
                    additive: table.additive,
                    value: row.output.amount.get(),
                    unit: row.output.unit.clone(),
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
        answer.summarise();
        answer.net_cost = self.net_cost(q, &answer);
        Ok(answer)
    }

    /// The leaves of `region` (every leaf for `None`).
    fn leaves_of(&self, region: Option<&str>) -> Result<Vec<String>, QueryError> {
        let tree = &self.campaigns.region_tree;
        if let Some(region) = region {
            if !tree.iter().any(|r| r.name == region) {
                let names: Vec<&str> = tree.iter().map(|r| r.name.as_str()).collect();
                return Err(error_listing(
                    M::UnknownRegion,
                    &[("region", &region)],
                    &names,
                ));
            }
        }
        let is_leaf = |name: &str| !tree.iter().any(|r| r.parent.as_deref() == Some(name));
        let within = |name: &str| {
            let mut at = Some(name.to_string());
            while let Some(current) = at {
                if Some(current.as_str()) == region {
                    return true;
                }
                at = tree
                    .iter()
                    .find(|r| r.name == current)
                    .and_then(|r| r.parent.clone());
            }
            region.is_none()
        };
        Ok(tree
            .iter()
            .filter(|r| is_leaf(&r.name) && within(&r.name))
            .map(|r| r.name.clone())
            .collect())
    }

    /// The tables in force for the query: every additive table that applies
    /// at the place, and of the others of each kind the most specific (the
    /// fewest leaves; a table another applicable one `overrides` is out).
    fn tables_for(&self, q: &CommissionQuery, leaves: &[String]) -> Vec<&CommissionTable> {
        let applies = |t: &CommissionTable| {
            t.in_force(q.date)
                && t.channels.contains(&q.channel)
                && (t.regions.is_empty() || leaves.iter().all(|l| t.regions.contains(l)))
        };
        let applicable: Vec<&CommissionTable> = self
            .commission
            .commission
            .iter()
            .filter(|t| applies(t))
            .collect();
        let overridden = |t: &CommissionTable| {
            applicable
                .iter()
                .any(|o| o.overrides.as_deref() == Some(t.name.as_str()))
        };
        let size = |t: &CommissionTable| {
            if t.regions.is_empty() {
                usize::MAX
            } else {
                t.regions.len()
            }
        };
        applicable
            .iter()
            .copied()
            .filter(|t| {
                t.additive
                    || (!overridden(t)
                        && !applicable.iter().any(|o| {
                            !o.additive && o.kind == t.kind && !overridden(o) && size(o) < size(t)
                        }))
            })
            .collect()
    }

    /// Supply price − first-return, for a SIM card with a supply price.
    fn net_cost(&self, q: &CommissionQuery, answer: &CommissionAnswer) -> Option<NetCost> {
        let product = q.product.as_ref()?;
        let card = self
            .commission
            .sim_cards
            .iter()
            .find(|c| c.name == *product)?;
        let supply = card.supply_price.as_ref()?;
        let (first_return, _) = answer
            .total("first_return")
            .unwrap_or((Decimal::ZERO, String::new()));
        let money = |amount: Decimal| {
            Money {
                amount: DecimalText::new(amount),
                unit: supply.unit.clone(),
            }
            .show()
        };
        Some(NetCost {
            product: product.clone(),
            face_value: card.face_value.as_ref().map(Money::show),
            supply_price: supply.show(),
            first_return: money(first_return),
            net: money(supply.amount.get() - first_return),
        })
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
    /// The input score.
    pub score: String,
    /// v2: the score counted (100 − the input for `lower_better`).
    pub counted: String,
    /// v2: `lower_better` / `higher_better`, when the factor says.
    pub direction: Option<String>,
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
            return Err(error_listing(
                M::UnknownModel,
                &[("model", &q.model)],
                &names,
            ));
        };
        let leaves: Vec<&str> = model.factors.iter().map(|f| f.leaf()).collect();
        for (name, score) in &q.scores {
            if !leaves.contains(&name.as_str()) {
                return Err(error_listing(
                    M::NoSuchFactor,
                    &[("model", &q.model), ("name", name)],
                    &leaves,
                ));
            }
            if *score < Decimal::ZERO || *score > Decimal::ONE_HUNDRED {
                return Err(error(M::ScoreOutOfRange, &[("name", name)]));
            }
        }
        let missing: Vec<&str> = leaves
            .iter()
            .filter(|l| !q.scores.iter().any(|(n, _)| n == *l))
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(error_listing(M::MissingScores, &[], &missing));
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
            // v2: a `lower_better` factor scores 100 − the input. Checked:
            // weights and scores come from files and the command line; an
            // overflow is an answer, not a panic.
            let lower = f.direction == Some(Direction::LowerBetter);
            let counted = if lower {
                Decimal::ONE_HUNDRED
                    .checked_sub(score)
                    .ok_or_else(|| overflow(f.leaf()))?
            } else {
                score
            };
            let part = weight
                .checked_mul(counted)
                .and_then(|p| p.checked_div(Decimal::ONE_HUNDRED))
                .ok_or_else(|| overflow(f.leaf()))?;
            total = total.checked_add(part).ok_or_else(|| overflow(f.leaf()))?;
            contributions.push(Contribution {
                factor: f.path.join(" › "),
                weight: format!("{weight}%"),
                score: score.normalize().to_string(),
                counted: counted.normalize().to_string(),
                direction: f.direction.map(|d| match d {
                    Direction::HigherBetter => "higher_better".to_string(),
                    Direction::LowerBetter => "lower_better".to_string(),
                }),
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

/// `koujing query mix NAME` (v2): the reference computation KJ6008 checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MixAnswer {
    pub mix: String,
    /// Percentage points.
    pub tolerance: String,
    pub kinds: Vec<MixKind>,
}

/// One kind of a mix's reference computation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MixKind {
    pub kind: String,
    /// What the tables pay for the case, in 元.
    pub total: String,
    /// Percent of the total of the kinds the mix names.
    pub share: String,
    /// Percent, as declared.
    pub declared: String,
    /// Within the tolerance of the declared share.
    pub within: bool,
    /// (table, amount) of the tables that paid it.
    pub parts: Vec<(String, String)>,
}

impl Runtime {
    pub fn mix(&self, name: &str) -> Result<MixAnswer, QueryError> {
        let mixes = &self.commission.mix;
        let Some(mix) = mixes.iter().find(|m| m.name == name) else {
            let names: Vec<&str> = mixes.iter().map(|m| m.name.as_str()).collect();
            return Err(error_listing(M::UnknownMix, &[("name", &name)], &names));
        };
        let Some(reference) = &mix.reference else {
            return Err(error(M::NoReferenceCase, &[("name", &name)]));
        };
        let tolerance = mix
            .tolerance
            .map_or(crate::mixref::DEFAULT_TOLERANCE, |t| t.get());
        let kinds = mix
            .shares
            .iter()
            .map(|(kind, declared)| {
                let share = reference
                    .shares
                    .get(kind)
                    .map_or(Decimal::ZERO, |s| s.get());
                MixKind {
                    kind: kind.clone(),
                    total: reference
                        .totals
                        .get(kind)
                        .map_or(Decimal::ZERO, |t| t.get())
                        .normalize()
                        .to_string(),
                    share: share.round_dp(1).normalize().to_string(),
                    declared: declared.get().normalize().to_string(),
                    within: (share - declared.get()).abs() <= tolerance,
                    parts: reference
                        .parts
                        .get(kind)
                        .into_iter()
                        .flatten()
                        .map(|(t, a)| (t.clone(), a.get().normalize().to_string()))
                        .collect(),
                }
            })
            .collect();
        Ok(MixAnswer {
            mix: name.to_string(),
            tolerance: tolerance.normalize().to_string(),
            kinds,
        })
    }
}
