//! The values every bundle file shares and the operations on them, written
//! once: interval containment and its math form, money and its rendering,
//! date spans, benefits with their final-price arithmetic. The compiler, the
//! evaluator (`query`, `test`) and `diff` all use these.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::number::{Exact, Number};

/// A numeric interval with explicit ends. `min: None` is −∞, `max: None` is
/// +∞. In the JSON files an absent end is written `null`; in the TOML files
/// it is left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
// No `deny_unknown_fields`: an interval is flattened into a grade band or a
// commission condition, whose schemas deny unknown fields for it.
pub struct Interval<N> {
    /// The lower end, if any.
    pub min: Option<N>,
    /// Whether `min` itself is in the interval (false when there is no `min`).
    pub min_inclusive: bool,
    /// The upper end, if any.
    pub max: Option<N>,
    /// Whether `max` itself is in the interval (false when there is no `max`).
    pub max_inclusive: bool,
    /// The unit of both ends (`个月`, `元`, `%`; empty for a plain number).
    pub unit: String,
}

impl<N: Exact> Interval<N> {
    /// Does `x` lie in the interval?
    pub fn contains(&self, x: Decimal) -> bool {
        let above = self.min.is_none_or(|min| {
            if self.min_inclusive {
                x >= min.get()
            } else {
                x > min.get()
            }
        });
        let below = self.max.is_none_or(|max| {
            if self.max_inclusive {
                x <= max.get()
            } else {
                x < max.get()
            }
        });
        above && below
    }

    /// Math form without the unit: `[1, 6]`, `[13, +∞)`, `(-∞, 50)`.
    pub fn math(&self) -> String {
        format!(
            "{}{}, {}{}",
            if self.min_inclusive { "[" } else { "(" },
            self.min.map_or("-∞".to_string(), |m| m.get().to_string()),
            self.max.map_or("+∞".to_string(), |m| m.get().to_string()),
            if self.max_inclusive { "]" } else { ")" },
        )
    }
}

/// An amount with its unit: a price, an output of a commission row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Money<N> {
    /// The exact amount.
    pub amount: N,
    /// `元`, `元/月`, `GB`, `%`, … (empty for a plain factor).
    pub unit: String,
}

impl<N: Exact> Money<N> {
    /// `18 元`, `6%`, `1.5` (a plain factor).
    pub fn show(&self) -> String {
        let amount = self.amount.get();
        if self.unit == "%" {
            format!("{amount}%")
        } else {
            format!("{amount} {}", self.unit).trim().to_string()
        }
    }
}

/// Dates from `start` to `end`, both included; `end: None` is open-ended.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct DateSpan {
    /// The first day.
    pub start: NaiveDate,
    /// The last day, if any.
    pub end: Option<NaiveDate>,
}

impl DateSpan {
    /// Is `day` within the span?
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }
}

/// What a campaign gives the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[schemars(deny_unknown_fields)]
pub enum Benefit {
    /// `discount P%`: the customer pays (100 − P)% of the list price.
    Discount {
        /// P, in percent.
        percent: Number,
    },
    /// `price X`: the customer pays X.
    Price(Money<Number>),
    /// `gift "…"`.
    Gift {
        /// What is given.
        text: String,
    },
    /// `bonus 2 GB`.
    Bonus(Money<Number>),
    /// `points x2`.
    Points {
        /// The points multiplier.
        multiplier: Number,
    },
}

/// `price` less `percent`% (`188` at 20% off is `150.4`); `None` when the
/// result is past the decimal type's range (a price near 7.9e28), never a
/// panic.
pub fn discounted(price: Decimal, percent: Decimal) -> Option<Decimal> {
    let factor = Decimal::ONE_HUNDRED
        .checked_sub(percent)?
        .checked_div(Decimal::ONE_HUNDRED)?;
    price.checked_mul(factor)
}

impl Benefit {
    /// What the customer pays, given the offer's list price: the benefit's
    /// price, the discounted list price, or the list price.
    pub fn final_price(
        benefit: Option<&Benefit>,
        list_price: Option<&Money<Number>>,
    ) -> Option<Money<Number>> {
        match benefit {
            Some(Benefit::Price(price)) => Some(price.clone()),
            Some(Benefit::Discount { percent }) => list_price.and_then(|l| {
                Some(Money {
                    amount: Number::new(discounted(l.amount.get(), percent.get())?),
                    unit: l.unit.clone(),
                })
            }),
            _ => list_price.cloned(),
        }
    }

    /// One line for a reviewer: `discount 50% (5折)`, `price 15 元/月`,
    /// `gift "…"`, `bonus 10 GB`, `points x2`.
    pub fn render(&self) -> String {
        match self {
            Benefit::Discount { percent } => {
                let p = percent.get();
                let fold = (Decimal::TEN - p / Decimal::TEN).normalize();
                format!("discount {p}% ({fold}折)")
            }
            Benefit::Price(m) => format!("price {} {}", m.amount, m.unit),
            Benefit::Gift { text } => format!("gift \"{text}\""),
            Benefit::Bonus(m) => format!("bonus {} {}", m.amount, m.unit),
            Benefit::Points { multiplier } => format!("points x{multiplier}"),
        }
    }
}

/// Which way a numeric dimension or a grading factor is good (v2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better (sales, revenue).
    HigherBetter,
    /// Less is better (complaints, violations): a factor's score is 100 − the input.
    LowerBetter,
}
