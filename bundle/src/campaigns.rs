//! `campaigns.json`: every campaign normalised for the campaign engine, the
//! sets of stackable campaigns the engine must arbitrate, and what a runtime
//! needs to validate a query (the region tree, every channel, every
//! dimension).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::domain::{Benefit, DateSpan, Direction, Interval, Money};
use crate::number::Number;

/// The whole of `campaigns.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Koujing campaigns.json")]
#[schemars(deny_unknown_fields)]
pub struct CampaignsFile {
    /// The bundle format: 2.
    #[schemars(extend("const" = 2))]
    pub format: u32,
    /// Every campaign, by name.
    pub campaigns: Vec<Campaign>,
    /// Campaigns that share an offer and overlap but are declared stackable:
    /// the engine arbitrates among each set.
    pub conflict_groups: Vec<Vec<String>>,
    /// Every region, parents before children.
    pub region_tree: Vec<RegionEntry>,
    /// Every channel name, sorted.
    pub channels: Vec<String>,
    /// Every audience dimension, by name.
    pub dimensions: Vec<Dimension>,
}

/// One campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Campaign {
    /// The campaign's name.
    pub name: String,
    /// Its title, if any.
    pub title: Option<String>,
    /// The region that issues it.
    pub issuer: Option<String>,
    /// Leaf regions (counties) where it applies.
    pub regions: Vec<String>,
    /// When it runs.
    pub window: DateSpan,
    /// Audience constraints, by dimension.
    pub audience: Vec<Constraint>,
    /// What is offered.
    pub offer: Offer,
    /// What the customer gets.
    pub benefit: Option<Benefit>,
    /// Channels that sell it, sorted.
    pub channels: Vec<String>,
    /// Whether it combines with other campaigns.
    pub stacking: Stacking,
    /// The campaign it extends, if any.
    pub extends: Option<String>,
    /// Supports that must be ready, sorted.
    pub requires: Vec<String>,
    /// Customer wording by key.
    pub wording: BTreeMap<String, String>,
    /// The campaign's FAQ, in source order.
    pub faq: Vec<QuestionAnswer>,
}

/// One audience constraint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Constraint {
    /// The dimension constrained.
    pub dimension: String,
    /// The values or the interval it must be in.
    #[serde(flatten)]
    pub test: AudienceTest,
}

/// What an audience constraint accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AudienceTest {
    /// One of these values (sorted).
    Values(Vec<String>),
    /// A number in this interval.
    Interval(Interval<Number>),
}

impl AudienceTest {
    /// Does the customer's value pass? A value that is not a number fails an interval.
    pub fn accepts(&self, value: &str) -> bool {
        match self {
            AudienceTest::Values(values) => values.iter().any(|v| v == value),
            AudienceTest::Interval(interval) => value
                .parse::<rust_decimal::Decimal>()
                .is_ok_and(|x| interval.contains(x)),
        }
    }
}

/// The offered product with its prices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Offer {
    /// The product's name.
    pub product: String,
    /// The product's title, if any.
    pub title: Option<String>,
    /// The product's kind.
    pub kind: Option<ProductKind>,
    /// The product's list price, if any.
    pub list_price: Option<Money<Number>>,
    /// What the customer pays after the benefit ([`Benefit::final_price`]).
    pub final_price: Option<Money<Number>>,
    /// v2: what an agent pays for a `sim_card` (`supply_price`); `null`
    /// for other products and until the language gives it.
    #[serde(default)]
    pub supply_price: Option<Money<Number>>,
}

/// A product's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    /// A tariff plan.
    Plan,
    /// A data pack.
    Data,
    /// A handset or device.
    Terminal,
    /// Home broadband.
    Broadband,
    /// A SIM card sold through agents.
    SimCard,
    /// A value-added service.
    ValueAdded,
}

/// How a campaign combines with others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stacking {
    /// With no other campaign.
    Exclusive,
    /// With any campaign that allows it.
    Stackable,
    /// Only with these campaigns (sorted).
    With(Vec<String>),
}

impl Stacking {
    /// Does this campaign allow being combined with `other`?
    pub fn allows(&self, other: &str) -> bool {
        match self {
            Stacking::Exclusive => false,
            Stacking::Stackable => true,
            Stacking::With(list) => list.iter().any(|w| w == other),
        }
    }
}

/// A question with its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct QuestionAnswer {
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
}

/// A region and its parent (`None` for the root).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RegionEntry {
    /// The region's name.
    pub name: String,
    /// Its parent's name.
    pub parent: Option<String>,
}

/// An audience dimension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Dimension {
    /// The dimension's name.
    pub name: String,
    /// An enumerated dimension's values, in source order.
    pub values: Option<Vec<String>>,
    /// A numeric dimension's unit.
    pub unit: Option<String>,
    /// v2: which way the dimension is good (`direction`); `null` when not
    /// given.
    #[serde(default)]
    pub direction: Option<Direction>,
}
