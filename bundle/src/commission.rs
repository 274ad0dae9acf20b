//! `commission.toml`: every commission table with its rows (normalised
//! conditions and an output with its unit), and the `mix` shares of the
//! commission budget.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::domain::{DateSpan, Interval, Money};
use crate::number::DecimalText;

/// The whole of `commission.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Koujing commission.toml")]
#[schemars(deny_unknown_fields)]
pub struct CommissionFile {
    /// The bundle format: 2.
    #[schemars(extend("const" = 2))]
    pub format: u32,
    /// Every commission table, by name.
    #[serde(default)]
    pub commission: Vec<CommissionTable>,
    /// Every `mix`, by name.
    #[serde(default)]
    pub mix: Vec<Mix>,
    /// v2: every `sim_card` product with its face value and supply price,
    /// by name, so settlement and `query commission` can show an agent's
    /// net cost (supply price − first-return).
    #[serde(default)]
    pub sim_cards: Vec<SimCard>,
}

/// A `sim_card` product (v2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SimCard {
    /// The product's name.
    pub name: String,
    /// Its face value.
    pub face_value: Option<Money<DecimalText>>,
    /// What an agent pays for it (`supply_price`), if given.
    pub supply_price: Option<Money<DecimalText>>,
}

/// One commission table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CommissionTable {
    /// The table's name.
    pub name: String,
    /// Its title, if any.
    pub title: Option<String>,
    /// `first_return`, `revenue_share`, `incentive`, …
    pub kind: Option<String>,
    /// When it pays.
    pub period: Option<DateSpan>,
    /// Channels it pays, sorted.
    pub channels: Vec<String>,
    /// Its rows, in source order (rows without an output are left out).
    pub rows: Vec<Row>,
    /// v2 (`issuer`): the region that issues the table; the compiler writes
    /// the province (the root region) until the language gives it.
    #[serde(default)]
    pub issuer: Option<String>,
    /// v2 (`regions`): the leaf regions where it applies, sorted; the
    /// compiler writes every leaf until the language gives it.
    #[serde(default)]
    pub regions: Vec<String>,
    /// v2 (`overrides`): the wider table this one replaces within its regions.
    #[serde(default)]
    pub overrides: Option<String>,
    /// v2 (`additive`): its pay adds to the other tables of its kind.
    #[serde(default)]
    pub additive: bool,
    /// v2 (`per`): how often the output is paid; the compiler writes the
    /// default (`first_return` once, every other kind month) until the
    /// language gives it.
    #[serde(default)]
    pub per: Option<Per>,
}

impl CommissionTable {
    /// Does the table pay on `day`? (A table without a period always does.)
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.period.is_none_or(|p| p.contains(day))
    }
}

/// How often a commission output is paid (v2 `per`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// Once (a first return).
    Once,
    /// Every month.
    Month,
}

impl Per {
    /// The default for a table of `kind`: `first_return` once, every other
    /// kind month.
    pub fn default_for(kind: Option<&str>) -> Per {
        if kind == Some("first_return") {
            Per::Once
        } else {
            Per::Month
        }
    }
}

/// One row: a conjunction of conditions and an output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Row {
    /// The conditions, by key.
    pub conditions: Vec<Condition>,
    /// What the row pays.
    pub output: Money<DecimalText>,
    /// Where the row is written: `path:line`, the path relative to the
    /// workspace root.
    pub source: String,
}

impl Row {
    /// The row's conditions for a reviewer: `grade 五星/四星, tenure [1, 6]`.
    pub fn describe(&self) -> String {
        let shown: Vec<String> = self.conditions.iter().map(Condition::describe).collect();
        shown.join(", ")
    }
}

/// One condition of a row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Condition {
    /// `product`, `grade`, `tenure` or a dimension.
    pub key: String,
    /// The values or the interval the input must be in.
    #[serde(flatten)]
    pub test: ConditionTest,
}

/// What a condition accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ConditionTest {
    /// One of these values (sorted).
    Values {
        /// The values.
        values: Vec<String>,
    },
    /// A number in this interval (tenure in months).
    Interval(Interval<DecimalText>),
}

impl Condition {
    /// Does the input value pass? A value that is not a number fails an interval.
    pub fn accepts(&self, value: &str) -> bool {
        match &self.test {
            ConditionTest::Values { values } => values.iter().any(|v| v == value),
            ConditionTest::Interval(interval) => value
                .parse::<rust_decimal::Decimal>()
                .is_ok_and(|x| interval.contains(x)),
        }
    }

    /// `grade 五星/四星`, `tenure [1, 6]`.
    pub fn describe(&self) -> String {
        match &self.test {
            ConditionTest::Values { values } => format!("{} {}", self.key, values.join("/")),
            ConditionTest::Interval(i) => format!("{} {}", self.key, i.math()),
        }
    }

    /// The condition as part of a row's identity in `diff`:
    /// `grade=五星|四星`, `tenure∈[1, 6]`.
    pub fn identity(&self) -> String {
        match &self.test {
            ConditionTest::Values { values } => format!("{}={}", self.key, values.join("|")),
            ConditionTest::Interval(i) => format!("{}∈{}", self.key, i.math()),
        }
    }
}

/// A `mix`: the intended shares of the commission budget by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Mix {
    /// The mix's name.
    pub name: String,
    /// Kind → share in percent.
    pub shares: BTreeMap<String, DecimalText>,
    /// v2 (`tolerance`): how far the tables' shares may be from `shares`, in
    /// percentage points.
    #[serde(default)]
    pub tolerance: Option<DecimalText>,
    /// v2 (`reference`): the case the tables are checked against, with the
    /// shares they produce for it.
    #[serde(default)]
    pub reference: Option<MixReference>,
}

/// A `mix` reference case (v2) and what the tables pay for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct MixReference {
    /// The day of the case.
    pub date: Option<NaiveDate>,
    /// The selling channel.
    pub channel: Option<String>,
    /// The product sold.
    pub product: Option<String>,
    /// The outlet's grade.
    pub grade: Option<String>,
    /// How many months the customer stays.
    pub months: Option<u32>,
    /// The customer's monthly revenue.
    pub monthly_revenue: Option<Money<DecimalText>>,
    /// Dimension values the case sets (`合作年限 = "2"`).
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// Kind → the share of the total that the tables pay for this case, in
    /// percent (what KJ6008 compares with the mix's `shares`).
    #[serde(default)]
    pub shares: BTreeMap<String, DecimalText>,
    /// Kind → what the tables pay for this case over `months`, in 元.
    #[serde(default)]
    pub totals: BTreeMap<String, DecimalText>,
    /// Kind → the tables that paid it and how much, in workspace order.
    #[serde(default)]
    pub parts: BTreeMap<String, Vec<(String, DecimalText)>>,
}
