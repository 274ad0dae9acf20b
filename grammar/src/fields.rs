//! The fields of every item kind, in one table: lowering reads it to know
//! which keys a block may have (and in which shape), the editor reads it for
//! completion. Adding a field to an item kind is one line here (plus reading
//! it in `lower.rs`).

/// Which shape a known key takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `key: value`
    Field,
    /// `key { … }`
    Block,
    /// `rates { row … }`
    Rates,
}

use Shape::{Block as B, Field as F, Rates as R};

/// Item keyword (or sub-block, such as `factor`) → its keys, in the order the
/// formatter and the documentation list them.
pub const FIELDS: &[(&str, &[(&str, Shape)])] = &[
    ("channel", &[("type", F), ("handles", F), ("grading", F)]),
    ("dimension", &[("values", F), ("unit", F), ("direction", F)]),
    (
        "product",
        &[
            ("kind", F),
            ("price", F),
            ("face_value", F),
            ("supply_price", F),
        ],
    ),
    (
        "support",
        &[
            ("kind", F),
            ("ready", F),
            ("until", F),
            ("channels", F),
            ("requires", F),
        ],
    ),
    (
        "term",
        &[("jargon", F), ("aliases", F), ("plain", F), ("faq", B)],
    ),
    (
        "campaign",
        &[
            ("issuer", F),
            ("regions", F),
            ("window", F),
            ("audience", B),
            ("offer", F),
            ("benefit", F),
            ("channels", F),
            ("stacking", F),
            ("extends", F),
            ("requires", F),
            ("wording", B),
            ("faq", B),
        ],
    ),
    (
        "commission",
        &[
            ("kind", F),
            ("issuer", F),
            ("regions", F),
            ("overrides", F),
            ("additive", F),
            ("per", F),
            ("period", F),
            ("channels", F),
            ("rates", R),
        ],
    ),
    (
        "mix",
        &[
            ("first_return", F),
            ("revenue_share", F),
            ("incentive", F),
            ("subsidy", F),
            ("multiplier", F),
            ("reference", B),
            ("tolerance", F),
        ],
    ),
    // v2: the keys of a `mix` reference case (dimension names are also allowed).
    (
        "reference",
        &[
            ("date", F),
            ("channel", F),
            ("product", F),
            ("grade", F),
            ("months", F),
            ("monthly_revenue", F),
        ],
    ),
    // v2: `limits { commission_channels { KIND: [...] } }` and `commission_min_grade`.
    (
        "commission_channels",
        &[
            ("first_return", F),
            ("revenue_share", F),
            ("incentive", F),
            ("subsidy", F),
            ("multiplier", F),
        ],
    ),
    (
        "commission_min_grade",
        &[
            ("first_return", F),
            ("revenue_share", F),
            ("incentive", F),
            ("subsidy", F),
            ("multiplier", F),
        ],
    ),
    ("grading", &[("grades", B)]),
    ("factor", &[("source", F), ("direction", F)]),
    (
        "limits",
        &[
            ("max_concurrent", F),
            ("support_lead", F),
            ("required_support", F),
            ("max_first_return_ratio", F),
            ("commission_channels", B),
            ("commission_min_grade", B),
        ],
    ),
];

/// The keys of an item kind (or sub-block); empty for an unknown one.
pub fn of(item: &str) -> &'static [(&'static str, Shape)] {
    FIELDS
        .iter()
        .find(|(name, _)| *name == item)
        .map_or(&[], |(_, fields)| fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::CommissionKind;

    #[test]
    fn mix_keys_are_the_commission_kinds() {
        let kinds: Vec<&str> = CommissionKind::ALL.iter().map(|k| k.as_str()).collect();
        for block in ["mix", "commission_channels", "commission_min_grade"] {
            let keys: Vec<&str> = of(block).iter().map(|(k, _)| *k).collect();
            assert_eq!(keys.get(..kinds.len()), Some(kinds.as_slice()), "{block}");
        }
    }

    #[test]
    fn every_item_keyword_but_regions_has_fields() {
        for keyword in crate::prescan::ITEM_KEYWORDS {
            assert_eq!(of(keyword).is_empty(), keyword == "regions", "{keyword}");
        }
    }
}
