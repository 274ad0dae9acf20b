//! The keys of blocks: an item kind's keys are in its entry of the item
//! table ([`crate::item_kinds!`]); the keys of sub-blocks (`factor`, a
//! `mix`'s `reference`, the v2 `limits` maps) are here. Lowering reads them
//! to know which keys a block may have (and in which shape), the editor for
//! completion, KJ1007 for its suggestions.

use crate::ast::CommissionKind;
use crate::kinds::Kind;

/// Which shape a known key takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `key: value`
    Field,
    /// `key: NAME` or `key: [NAME, …]`: names of items of one kind (what
    /// the editor completes there).
    Names(Kind),
    /// `key: WORD` or `key: [WORD, …]`: keywords of a fixed set.
    Words(&'static [&'static str]),
    /// `key { … }`
    Block,
    /// `rates { row … }`
    Rates,
}

impl Shape {
    /// How the key is written: names and words are fields.
    pub const fn syntax(self) -> Shape {
        match self {
            Shape::Field | Shape::Names(_) | Shape::Words(_) => Shape::Field,
            other => other,
        }
    }
}

use Shape::{Block as B, Field as F};

/// A key and its shape.
pub type Key = (&'static str, Shape);

/// The commission kinds as keys (`first_return: …`), then `rest`; `N`, the
/// total, is checked when the constant is built.
#[allow(clippy::indexing_slicing)] // evaluated at compile time: out of range fails the build
const fn kinds_then<const N: usize>(rest: &[Key]) -> [Key; N] {
    let mut out: [Key; N] = [("", F); N];
    let kinds = CommissionKind::ALL;
    let mut i = 0;
    while i < kinds.len() {
        out[i] = (kinds[i].as_str(), F);
        i += 1;
    }
    let mut j = 0;
    while j < rest.len() {
        out[i + j] = rest[j];
        j += 1;
    }
    assert!(i + j == N, "kinds_then: wrong total");
    out
}

/// The keys of a `mix`: a share per commission kind, then the v2 keys.
pub const MIX: [Key; 7] = kinds_then(&[("reference", B), ("tolerance", F)]);

/// `limits { commission_channels { KIND: [...] } }` (v2).
const PER_KIND: [Key; 5] = kinds_then(&[]);

/// Sub-block (`factor`, `reference`, …) → its keys.
pub const SUB_BLOCKS: &[(&str, &[Key])] = &[
    // v2: the keys of a `mix` reference case (dimension names are also allowed).
    (
        "reference",
        &[
            ("date", F),
            ("channel", Shape::Names(Kind::Channel)),
            ("product", Shape::Names(Kind::Product)),
            ("grade", F),
            ("months", F),
            ("monthly_revenue", F),
        ],
    ),
    // v2: `limits { commission_channels { KIND: [...] } }` and `commission_min_grade`.
    ("commission_channels", &PER_KIND),
    ("commission_min_grade", &PER_KIND),
    (
        "factor",
        &[
            ("source", F),
            ("direction", Shape::Words(crate::ast::Direction::WORDS)),
        ],
    ),
];

/// The keys of an item kind (by keyword) or sub-block; empty for an unknown one.
pub fn of(block: &str) -> &'static [Key] {
    match Kind::from_keyword(block) {
        Some(kind) => kind.fields(),
        None => SUB_BLOCKS
            .iter()
            .find(|(name, _)| *name == block)
            .map_or(&[], |(_, keys)| keys),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_keys_are_the_commission_kinds() {
        let kinds: Vec<&str> = CommissionKind::ALL.iter().map(|k| k.as_str()).collect();
        for block in ["mix", "commission_channels", "commission_min_grade"] {
            let keys: Vec<&str> = of(block).iter().map(|(k, _)| *k).collect();
            assert_eq!(keys.get(..kinds.len()), Some(kinds.as_slice()), "{block}");
        }
        assert_eq!(of("mix").len(), kinds.len() + 2);
    }

    #[test]
    fn every_item_keyword_but_regions_has_fields() {
        for keyword in crate::kinds::ITEM_KEYWORDS {
            assert_eq!(of(keyword).is_empty(), keyword == "regions", "{keyword}");
        }
    }

    #[test]
    fn sub_blocks_are_not_item_keywords() {
        for (name, keys) in SUB_BLOCKS {
            assert!(Kind::from_keyword(name).is_none(), "{name}");
            assert!(!keys.is_empty(), "{name}");
        }
    }
}
