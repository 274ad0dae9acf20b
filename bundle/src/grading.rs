//! `grading.toml`: every grading model with its leaf factors (effective
//! weights, the product of the path's weights, summing to 100%) and its grade
//! bands in rank order.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::domain::{Direction, Interval};
use crate::number::DecimalText;

/// The whole of `grading.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Koujing grading.toml")]
#[schemars(deny_unknown_fields)]
pub struct GradingFile {
    /// The bundle format: 2.
    #[schemars(extend("const" = 2))]
    pub format: u32,
    /// Every grading model, by name.
    #[serde(default)]
    pub grading: Vec<GradingModel>,
}

/// One grading model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct GradingModel {
    /// The model's name.
    pub name: String,
    /// Its title, if any.
    pub title: Option<String>,
    /// Its leaf factors, in source order.
    pub factors: Vec<Factor>,
    /// Its grade bands, the highest first.
    pub grades: Vec<Grade>,
}

impl GradingModel {
    /// The grade whose band holds `score`.
    pub fn grade_for(&self, score: rust_decimal::Decimal) -> Option<&Grade> {
        self.grades.iter().find(|g| g.band.contains(score))
    }
}

/// A leaf factor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Factor {
    /// The factor names from the top of the model to the leaf.
    pub path: Vec<String>,
    /// Effective weight in percent.
    pub weight: DecimalText,
    /// Where the score comes from, if given.
    pub source: Option<String>,
    /// v2 (`direction`): `lower_better` means the score is 100 − the input.
    #[serde(default)]
    pub direction: Option<Direction>,
}

impl Factor {
    /// The leaf's own name.
    pub fn leaf(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }
}

/// A grade band.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Grade {
    /// The grade's name.
    pub name: String,
    /// 1 for the highest band.
    pub rank: u32,
    /// The scores that get this grade.
    #[serde(flatten)]
    pub band: Interval<DecimalText>,
}
