//! The table of item kinds: every kind of top-level item (`campaign`,
//! `channel`, `regions`, …) is one entry of [`item_kinds!`], and everything
//! that must know the list of kinds is generated from it:
//!
//! - here: [`Kind`] (its keyword, its name in messages, its fields) and
//!   [`ITEM_KEYWORDS`], which the pre-scan cuts files at and the fast path
//!   recognises;
//! - in [`crate::ast`]: the [`crate::ast::Item`] enum, its `kind` and `span`,
//!   and [`crate::ast::Named`] for the kinds with a name table;
//! - in [`crate::lower`]: which lowering function builds each named kind;
//! - in the checker's `resolve`: one symbol table per named kind in `Index`
//!   and the arms that fill them and look names up;
//! - in the language server: symbol, completion and semantic-token kinds.
//!
//! The pest grammar cannot be generated: a test checks that its `item_kw`
//! rule accepts exactly the keywords of this table.

use crate::ast::{
    BenefitTag, ChannelType, CommissionKind, Direction, Per, ProductKind, StackingWord, SupportKind,
};
use crate::fields::Shape::{self, Block as B, Field as F, Names as N, Rates as R, Words as W};
use crate::issue::Arg;

/// Calls the macro `$then!` with the table of item kinds, one entry per
/// kind, in declaration order (the order of [`Kind::ALL`], of diagnostics
/// that name "another kind", and of completion). Each entry has:
///
/// - `keyword`: what starts the item in a file;
/// - `item`: its variant of [`crate::ast::Item`] and the variant's payload;
/// - `ast`: its AST type;
/// - `named: TABLE by LOWER` (kinds with a name of their own, one table per
///   kind): the field of the checker's `Index` that holds them and the
///   method of the lowering that builds one from a block. `regions` (a tree)
///   and `limits` (unnamed, merged per scope) are read by hand instead;
/// - `text`: the kind's name in messages, zh-CN and en;
/// - `look`: how an editor shows it: LSP symbol kind, completion item kind
///   and semantic token type;
/// - `fields`: the keys of its block and their shape, in the order the
///   documentation lists them;
/// - `example`: a small item of the kind, which a test puts through every
///   stage (pre-scan, lowering, resolution, hover, completion).
///
/// The callback receives the entries flattened, in this order, and matches
/// them with this pattern (using what it needs):
///
/// ```text
/// $([$(#[doc = $doc:literal])* $kind:ident $keyword:literal $variant:ident($payload:ty) $ast:ident
///     ($($table:ident by $lower:ident)?) ($zh:literal, $en:literal)
///     ($symbol:ident, $completion:ident, $token:ident) ($fields:expr) $example:literal])*
/// ```
#[macro_export]
macro_rules! item_kinds {
    ($then:ident) => {
        $crate::__item_kinds_flat! {
            $then;
            /// The region tree (`regions 广东省 { 广州 { 天河 } }`).
            Region {
                keyword: "regions",
                item: Regions(Box<Regions>),
                ast: Regions,
                text: ("地区", "region"),
                look: (NAMESPACE, MODULE, NAMESPACE),
                fields: &[],
                example: "regions 示例省 { 示例市 { 示例县 } }",
            }
            /// A sales channel.
            Channel {
                keyword: "channel",
                item: Channel(Box<Channel>),
                ast: Channel,
                named: channels by channel,
                text: ("渠道", "channel"),
                look: (INTERFACE, INTERFACE, INTERFACE),
                fields: &[("type", W(ChannelType::WORDS)), ("handles", W(ProductKind::WORDS)), ("grading", N(Kind::Grading))],
                example: "channel 示例渠道 { type: owned; grading: 示例模型 }",
            }
            /// A customer dimension (enumerated or numeric).
            Dimension {
                keyword: "dimension",
                item: Dimension(Box<Dimension>),
                ast: Dimension,
                named: dimensions by dimension,
                text: ("维度", "dimension"),
                look: (ENUM, ENUM, ENUM),
                fields: &[("values", F), ("unit", F), ("direction", W(Direction::WORDS))],
                example: "dimension 示例维度 { values: [甲, 乙] }",
            }
            /// A product.
            Product {
                keyword: "product",
                item: Product(Box<Product>),
                ast: Product,
                named: products by product,
                text: ("产品", "product"),
                look: (CLASS, CLASS, CLASS),
                fields: &[("kind", W(ProductKind::WORDS)), ("price", F), ("face_value", F), ("supply_price", F)],
                example: "product 示例产品 { kind: data; price: 10 元/月 }",
            }
            /// A support item (system, knowledge, training, material).
            Support {
                keyword: "support",
                item: Support(Box<Support>),
                ast: Support,
                named: supports by support,
                text: ("支撑", "support"),
                look: (PACKAGE, UNIT, TYPE),
                fields: &[
                    ("kind", W(SupportKind::WORDS)),
                    ("ready", F),
                    ("until", F),
                    ("channels", N(Kind::Channel)),
                    ("requires", N(Kind::Support)),
                ],
                example: "support 示例支撑 { kind: system; ready: 2026-11-01 }",
            }
            /// A term of the glossary.
            Term {
                keyword: "term",
                item: Term(Box<Term>),
                ast: Term,
                named: terms by term,
                text: ("术语", "term"),
                look: (STRING, TEXT, MACRO),
                fields: &[("jargon", W(&["true", "false"])), ("aliases", F), ("plain", F), ("faq", B)],
                example: r#"term 示例术语 { plain: "一句白话" }"#,
            }
            /// A marketing campaign.
            Campaign {
                keyword: "campaign",
                item: Campaign(Box<Campaign>),
                ast: Campaign,
                named: campaigns by campaign,
                text: ("营销活动", "campaign"),
                look: (EVENT, EVENT, EVENT),
                fields: &[
                    ("issuer", N(Kind::Region)),
                    ("regions", N(Kind::Region)),
                    ("window", F),
                    ("audience", B),
                    ("offer", N(Kind::Product)),
                    ("benefit", W(BenefitTag::WORDS)),
                    ("channels", N(Kind::Channel)),
                    ("stacking", W(StackingWord::WORDS)),
                    ("extends", N(Kind::Campaign)),
                    ("requires", N(Kind::Support)),
                    ("wording", B),
                    ("faq", B),
                ],
                example: "campaign 示例活动 { issuer: 示例省; window: 2026-12-01 .. 2026-12-31; offer: 示例产品; benefit: discount 10%; channels: [示例渠道]; requires: [示例支撑] }",
            }
            /// A commission table.
            Commission {
                keyword: "commission",
                item: Commission(Box<Commission>),
                ast: Commission,
                named: commissions by commission,
                text: ("酬金表", "commission table"),
                look: (STRUCT, STRUCT, STRUCT),
                fields: &[
                    ("kind", W(CommissionKind::WORDS)),
                    ("issuer", N(Kind::Region)),
                    ("regions", N(Kind::Region)),
                    ("overrides", F),
                    ("additive", F),
                    ("per", W(Per::WORDS)),
                    ("period", F),
                    ("channels", N(Kind::Channel)),
                    ("rates", R),
                ],
                example: "commission 示例酬金 { kind: first_return; period: 2026-07-01 .. 2027-06-30; channels: [示例渠道]; rates { product 示例产品 => 10 元 } }",
            }
            /// A commission mix: the declared share of each commission kind.
            Mix {
                keyword: "mix",
                item: Mix(Box<Mix>),
                ast: Mix,
                named: mixes by mix,
                text: ("酬金结构", "mix"),
                look: (OBJECT, VALUE, TYPE_PARAMETER),
                fields: &$crate::fields::MIX,
                example: "mix 示例结构 { first_return: 30%; revenue_share: 70% }",
            }
            /// An outlet grading model.
            Grading {
                keyword: "grading",
                item: Grading(Box<Grading>),
                ast: Grading,
                named: gradings by grading,
                text: ("分级模型", "grading model"),
                look: (MODULE, MODULE, FUNCTION),
                fields: &[("grades", B)],
                example: r#"grading 示例模型 { factor 业务量 100% { source: "系统.月业务量" }; grades { 甲: 60 ..= 100; 乙: 0 .. 60 } }"#,
            }
            /// Review limits, global or for one region.
            Limits {
                keyword: "limits",
                item: Limits(Box<Limits>),
                ast: Limits,
                text: ("审查限制", "limits"),
                look: (CONSTANT, CONSTANT, VARIABLE),
                fields: &[
                    ("max_concurrent", F),
                    ("support_lead", F),
                    ("required_support", W(SupportKind::WORDS)),
                    ("max_first_return_ratio", F),
                    ("commission_channels", B),
                    ("commission_min_grade", B),
                ],
                example: "limits { max_concurrent: 3 }",
            }
        }
    };
}

/// Reads the item table as written in [`item_kinds!`] (named columns) and
/// calls the callback with the entries flattened (see there).
#[doc(hidden)]
#[macro_export]
macro_rules! __item_kinds_flat {
    ($then:ident; $( $(#[doc = $doc:literal])*
        $kind:ident {
            keyword: $keyword:literal,
            item: $variant:ident($payload:ty),
            ast: $ast:ident,
            $(named: $table:ident by $lower:ident,)?
            text: ($zh:literal, $en:literal),
            look: ($symbol:ident, $completion:ident, $token:ident),
            fields: $fields:expr,
            example: $example:literal,
        } )*) => {
        $then! {
            $([$(#[doc = $doc])* $kind $keyword $variant($payload) $ast
                ($($table by $lower)?) ($zh, $en)
                ($symbol, $completion, $token) ($fields) $example])*
        }
    };
}

macro_rules! define_kind {
    ($([$(#[doc = $doc:literal])* $kind:ident $keyword:literal $variant:ident($payload:ty) $ast:ident
        ($($table:ident by $lower:ident)?) ($zh:literal, $en:literal)
        ($symbol:ident, $completion:ident, $token:ident) ($fields:expr) $example:literal])*) => {
        /// The kinds of items (and of the names they define).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $( $(#[doc = $doc])* $kind, )*
        }

        /// Item keywords, in table order: a line starting with one of these
        /// starts a new item.
        pub const ITEM_KEYWORDS: [&str; Kind::COUNT] = [$($keyword),*];

        impl Kind {
            /// How many kinds there are.
            pub const COUNT: usize = [$($keyword),*].len();

            /// Every kind, in table order.
            pub const ALL: [Kind; Kind::COUNT] = [$(Kind::$kind),*];

            /// The keyword that starts an item of this kind.
            pub const fn keyword(self) -> &'static str {
                match self {
                    $(Kind::$kind => $keyword,)*
                }
            }

            /// The kind an item keyword starts.
            pub fn from_keyword(word: &str) -> Option<Kind> {
                match word {
                    $($keyword => Some(Kind::$kind),)*
                    _ => None,
                }
            }

            /// The kind's name in messages.
            pub fn text(self) -> Arg {
                match self {
                    $(Kind::$kind => Arg::text($zh, $en),)*
                }
            }

            /// The keys of an item's block and their shapes.
            pub fn fields(self) -> &'static [(&'static str, Shape)] {
                match self {
                    $(Kind::$kind => const { $fields },)*
                }
            }

            /// A small item of this kind (see the item table).
            pub fn example(self) -> &'static str {
                match self {
                    $(Kind::$kind => $example,)*
                }
            }

            /// Does every item of this kind have a name of its own, looked
            /// up in one table per kind (all but `regions` and `limits`)?
            pub const fn is_named(self) -> bool {
                match self {
                    $(Kind::$kind => named!($($table)?),)*
                }
            }
        }
    };
}

/// `true` when a table is given.
macro_rules! named {
    () => {
        false
    };
    ($table:ident) => {
        true
    };
}

item_kinds!(define_kind);

impl Kind {
    /// The kind's name with an article in English ("a channel").
    pub fn with_article(self) -> Arg {
        match self.text() {
            Arg::Text { zh, en } => {
                let article = if en.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                Arg::text(zh, format!("{article} {en}"))
            }
            plain => plain,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_kinds_agree() {
        assert_eq!(Kind::ALL.len(), ITEM_KEYWORDS.len());
        for (kind, keyword) in Kind::ALL.into_iter().zip(ITEM_KEYWORDS) {
            assert_eq!(kind.keyword(), keyword);
            assert_eq!(Kind::from_keyword(keyword), Some(kind));
        }
        assert_eq!(Kind::from_keyword("campaigns"), None);
        let mut sorted = ITEM_KEYWORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ITEM_KEYWORDS.len(), "a keyword twice");
    }

    #[test]
    fn only_regions_and_limits_are_unnamed() {
        let unnamed: Vec<Kind> = Kind::ALL.into_iter().filter(|k| !k.is_named()).collect();
        assert_eq!(unnamed, [Kind::Region, Kind::Limits]);
    }

    #[test]
    fn field_keys_are_unique_per_kind() {
        for kind in Kind::ALL {
            let mut keys: Vec<&str> = kind.fields().iter().map(|(k, _)| *k).collect();
            keys.sort_unstable();
            let count = keys.len();
            keys.dedup();
            assert_eq!(keys.len(), count, "{kind:?}");
        }
    }
}
