//! The typed AST: one struct per item kind, every node with its byte span.
//!
//! Fields the spec makes required are still `Option` here: an item with a
//! missing field is kept (and reported as KJ1006) so that everything else
//! about it can still be checked.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::kinds::Kind;
use crate::span::{Span, Spanned};
pub use crate::tree::{Ident, Quantity, StrLit, Unit};

/// An inclusive date range; `end: None` is open-ended (`2026-12-01 ..`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub span: Span,
}

impl DateRange {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }

    pub fn intersects(&self, other: &DateRange) -> bool {
        self.start <= other.end.unwrap_or(NaiveDate::MAX)
            && other.start <= self.end.unwrap_or(NaiveDate::MAX)
    }
}

/// The upper end of a numeric interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Upper {
    pub value: Decimal,
    pub inclusive: bool,
}

/// A numeric interval: `lo` is always inclusive (`None` = −∞), `hi` may be
/// open or closed (`None` = +∞). `80 .. 90` is `[80, 90)`, `90 ..= 100` is
/// `[90, 100]`, a single value `58` is `[58, 58]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Interval {
    pub lo: Option<Decimal>,
    pub hi: Option<Upper>,
    pub unit: Unit,
}

impl Interval {
    pub fn point(value: Decimal, unit: Unit) -> Self {
        Interval {
            lo: Some(value),
            hi: Some(Upper {
                value,
                inclusive: true,
            }),
            unit,
        }
    }

    pub fn is_empty(&self) -> bool {
        match (self.lo, self.hi) {
            (Some(lo), Some(hi)) => lo > hi.value || (lo == hi.value && !hi.inclusive),
            _ => false,
        }
    }

    pub fn contains(&self, x: Decimal) -> bool {
        self.lo.is_none_or(|lo| lo <= x)
            && self.hi.is_none_or(|hi| {
                if hi.inclusive {
                    x <= hi.value
                } else {
                    x < hi.value
                }
            })
    }

    /// Do the two intervals share a point?
    pub fn intersects(&self, other: &Interval) -> bool {
        let below = |lo: Option<Decimal>, hi: Option<Upper>| match (lo, hi) {
            (Some(lo), Some(hi)) => lo < hi.value || (lo == hi.value && hi.inclusive),
            _ => true,
        };
        below(self.lo, other.hi) && below(other.lo, self.hi)
    }

    /// Math form, e.g. `[80, 90)`, `[13, +∞)`, `(-∞, 50]`.
    pub fn math(&self) -> String {
        let lo = match self.lo {
            Some(v) => format!("[{}", v.normalize()),
            None => "(-∞".to_string(),
        };
        let hi = match self.hi {
            Some(Upper {
                value,
                inclusive: true,
            }) => format!("{}]", value.normalize()),
            Some(Upper {
                value,
                inclusive: false,
            }) => format!("{})", value.normalize()),
            None => "+∞)".to_string(),
        };
        let unit = self.unit.as_str();
        if unit.is_empty() {
            format!("{lo}, {hi}")
        } else {
            format!("{lo}, {hi} {unit}")
        }
    }
}

/// A region node of the organisation tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionNode {
    pub name: Ident,
    pub children: Vec<RegionNode>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Regions {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub children: Vec<RegionNode>,
    pub span: Span,
}

/// An enum written as one of a fixed set of keywords (`type: owned`,
/// `kind: first_return`): each keyword is written once, here, and the
/// lowering, the completion and the bundle read it from `KEYWORDS` /
/// `as_str`.
macro_rules! keyword_enum {
    ($(#[$meta:meta])* pub enum $name:ident {
        $( $(#[doc = $doc:literal])* $variant:ident = $keyword:literal, )*
    }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl $name {
            /// Every value, in the order the keywords are listed.
            pub const ALL: [$name; [$($keyword),*].len()] = [$($name::$variant),*];

            /// Every keyword and its value.
            pub const KEYWORDS: &'static [(&'static str, $name)] = &[$(($keyword, $name::$variant)),*];

            /// Every keyword.
            pub const WORDS: &'static [&'static str] = &[$($keyword),*];

            /// The keyword as written.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $keyword,)*
                }
            }

            /// The value a keyword names.
            pub fn from_keyword(word: &str) -> Option<$name> {
                match word {
                    $($keyword => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

keyword_enum! {
    /// A channel's `type:`.
    pub enum ChannelType {
        Owned = "owned",
        Social = "social",
        Electronic = "electronic",
        Direct = "direct",
    }
}

keyword_enum! {
    /// A product's `kind:` (and a channel's `handles:`).
    pub enum ProductKind {
        Plan = "plan",
        Data = "data",
        Terminal = "terminal",
        Broadband = "broadband",
        SimCard = "sim_card",
        ValueAdded = "value_added",
    }
}

keyword_enum! {
    /// A support's `kind:` (and `required_support:`).
    pub enum SupportKind {
        System = "system",
        Knowledge = "knowledge",
        Training = "training",
        Material = "material",
    }
}

keyword_enum! {
    /// A commission table's `kind:` (and the keys of a `mix`).
    pub enum CommissionKind {
        FirstReturn = "first_return",
        RevenueShare = "revenue_share",
        Incentive = "incentive",
        Subsidy = "subsidy",
        Multiplier = "multiplier",
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Channel {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub channel_type: Option<Spanned<ChannelType>>,
    /// `None`: handles every product kind.
    pub handles: Option<Vec<Spanned<ProductKind>>>,
    pub grading: Option<Ident>,
    pub span: Span,
}

keyword_enum! {
    /// Which way a dimension or grading factor counts (v2).
    pub enum Direction {
        HigherBetter = "higher_better",
        LowerBetter = "lower_better",
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dimension {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub values: Option<Vec<Ident>>,
    pub unit: Option<Spanned<Unit>>,
    /// v2: `direction: higher_better | lower_better`; `None`: no direction.
    pub direction: Option<Spanned<Direction>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub kind: Option<Spanned<ProductKind>>,
    pub price: Option<Spanned<Quantity>>,
    pub face_value: Option<Spanned<Quantity>>,
    /// v2: what an agent pays for a `sim_card`.
    pub supply_price: Option<Spanned<Quantity>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Support {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub kind: Option<Spanned<SupportKind>>,
    pub ready: Option<Spanned<NaiveDate>>,
    pub until: Option<Spanned<NaiveDate>>,
    /// `None`: serves every channel.
    pub channels: Option<Vec<Ident>>,
    pub requires: Vec<Ident>,
    pub span: Span,
}

/// A FAQ entry: `"question": "answer"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaqEntry {
    pub question: StrLit,
    pub answer: StrLit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub jargon: bool,
    pub aliases: Vec<StrLit>,
    pub plain: Option<StrLit>,
    pub faq: Vec<FaqEntry>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AudienceValue {
    Values(Vec<Ident>),
    Range(Spanned<Interval>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudienceConstraint {
    pub dimension: Ident,
    pub value: AudienceValue,
    pub span: Span,
}

keyword_enum! {
    /// The tag that starts a campaign's `benefit:` (`discount 20%`).
    pub enum BenefitTag {
        Discount = "discount",
        Price = "price",
        Gift = "gift",
        Bonus = "bonus",
        Points = "points",
    }
}

keyword_enum! {
    /// The words of a campaign's `stacking:` (`with` is followed by a list).
    pub enum StackingWord {
        Exclusive = "exclusive",
        Stackable = "stackable",
        With = "with",
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Benefit {
    /// `discount P%`: the customer pays (100 − P)%.
    Discount(Decimal),
    /// `price X`: the customer pays X.
    Price(Quantity),
    /// `gift "…"`.
    Gift(String),
    /// `bonus 2 GB`.
    Bonus(Quantity),
    /// `points x2`.
    Points(Decimal),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stacking {
    Exclusive,
    Stackable,
    With(Vec<Ident>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordingField {
    pub key: Ident,
    pub text: StrLit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub issuer: Option<Ident>,
    /// `None`: the issuer's subtree.
    pub regions: Option<Vec<Ident>>,
    pub window: Option<DateRange>,
    pub audience: Vec<AudienceConstraint>,
    pub offer: Option<Ident>,
    pub benefit: Option<Spanned<Benefit>>,
    pub channels: Vec<Ident>,
    pub stacking: Spanned<Stacking>,
    pub extends: Option<Ident>,
    pub requires: Vec<Ident>,
    pub wording: Vec<WordingField>,
    pub faq: Vec<FaqEntry>,
    /// The `faq { … }` block, where a fix can add an entry.
    pub faq_span: Option<Span>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConditionValue {
    /// `product X`, `grade 五星`, `品牌 全球通`.
    Names(Vec<Ident>),
    /// `tenure 1 个月 ..= 6 个月`, `月消费 58 元`.
    Interval(Interval),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowCondition {
    pub key: Ident,
    pub value: ConditionValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateRow {
    pub conditions: Vec<RowCondition>,
    pub output: Option<Spanned<Quantity>>,
    pub span: Span,
}

keyword_enum! {
    /// How often a commission table's output is paid (v2 `per`).
    pub enum Per {
        Once = "once",
        Month = "month",
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commission {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub kind: Option<Spanned<CommissionKind>>,
    /// v2: the issuing unit; `None`: the province (the root region).
    pub issuer: Option<Ident>,
    /// v2: where the table applies; `None`: the issuer's subtree.
    pub regions: Option<Vec<Ident>>,
    /// v2: the wider table this one replaces within its regions.
    pub overrides: Option<Ident>,
    /// v2: the table's pay adds to the other tables of its kind.
    pub additive: Option<Spanned<bool>>,
    /// v2: how often the output is paid, as written.
    pub per: Option<Spanned<Per>>,
    pub period: Option<DateRange>,
    pub channels: Vec<Ident>,
    pub rows: Vec<RateRow>,
    pub span: Span,
}

impl Commission {
    pub fn is_additive(&self) -> bool {
        self.additive.is_some_and(|a| a.node)
    }

    /// `per` as written, else the default: `first_return` once, other kinds monthly.
    pub fn per(&self) -> Per {
        match (self.per, self.kind) {
            (Some(per), _) => per.node,
            (None, Some(kind)) if kind.node == CommissionKind::FirstReturn => Per::Once,
            (None, _) => Per::Month,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MixShare {
    pub kind: Spanned<CommissionKind>,
    pub share: Spanned<Decimal>,
}

/// A value of a `mix` reference case: a name (`三星`, `全球通`) or a quantity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReferenceValue {
    Name(Ident),
    Quantity(Spanned<Quantity>),
}

/// A dimension value set by a `mix` reference (`合作年限: 2 年`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceSetting {
    pub key: Ident,
    pub value: ReferenceValue,
}

/// The reference case of a `mix` (v2): what the tables pay for it is
/// compared with the declared shares (KJ6008).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MixReference {
    pub date: Option<Spanned<NaiveDate>>,
    pub channel: Option<Ident>,
    pub product: Option<Ident>,
    pub grade: Option<Ident>,
    /// Months in network the case runs over.
    pub months: Option<Spanned<u32>>,
    pub monthly_revenue: Option<Spanned<Quantity>>,
    /// Dimension values, in the order written.
    pub dimensions: Vec<ReferenceSetting>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mix {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub shares: Vec<MixShare>,
    /// v2: the reference case.
    pub reference: Option<MixReference>,
    /// v2: allowed difference in percentage points (default 5).
    pub tolerance: Option<Spanned<Decimal>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Factor {
    pub name: Ident,
    /// Percent of its parent.
    pub weight: Option<Spanned<Decimal>>,
    pub source: Option<StrLit>,
    /// v2: `direction: lower_better` scores 100 − the input.
    pub direction: Option<Spanned<Direction>>,
    pub children: Vec<Factor>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeBand {
    pub name: Ident,
    pub band: Interval,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grading {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub factors: Vec<Factor>,
    pub grades: Vec<GradeBand>,
    /// Span of the `grades` block, when there is one.
    pub grades_span: Option<Span>,
    pub span: Span,
}

/// A duration as written (`3 天`, `2 周`, `1 个月`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duration {
    pub amount: i64,
    pub unit: Unit,
}

impl Duration {
    /// The day `self` before `date`, if it exists.
    pub fn before(&self, date: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            Unit::Week => {
                date.checked_sub_signed(chrono::Duration::try_days(self.amount.checked_mul(7)?)?)
            }
            Unit::Month => {
                date.checked_sub_months(chrono::Months::new(u32::try_from(self.amount).ok()?))
            }
            Unit::Year => date.checked_sub_months(chrono::Months::new(
                u32::try_from(self.amount.checked_mul(12)?).ok()?,
            )),
            _ => date.checked_sub_signed(chrono::Duration::try_days(self.amount)?),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `None`: the global limits.
    pub region: Option<Ident>,
    pub max_concurrent: Option<Spanned<u32>>,
    pub support_lead: Option<Spanned<Duration>>,
    pub required_support: Option<Vec<Spanned<SupportKind>>>,
    pub max_first_return_ratio: Option<Spanned<Decimal>>,
    /// v2: `commission_channels { KIND: [channels] }`.
    pub commission_channels: Vec<(Spanned<CommissionKind>, Vec<Ident>)>,
    /// v2: `commission_min_grade { KIND: GRADE }`.
    pub commission_min_grade: Vec<(Spanned<CommissionKind>, Ident)>,
    /// Every field set in this block, with its key's span (`commission_channels.revenue_share` for the v2 sub-fields): blocks of one scope merge, and a field set twice is KJ1002.
    pub fields: Vec<(String, Span)>,
    pub span: Span,
}

/// What every item with a name of its own has (every kind the item table
/// marks `named`).
pub trait Named {
    fn name(&self) -> &Ident;
    fn span(&self) -> Span;
    fn title(&self) -> Option<&StrLit>;
}

macro_rules! define_item {
    ($([$(#[doc = $doc:literal])* $kind:ident $keyword:literal $variant:ident($payload:ty) $ast:ident
        ($($table:ident by $lower:ident)?) ($zh:literal, $en:literal)
        ($symbol:ident, $completion:ident, $token:ident) ($fields:expr) $example:literal])*) => {
        /// Any item (one variant per entry of the item table).
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Item {
            $( $(#[doc = $doc])* $variant($payload), )*
        }

        impl Item {
            /// The item's kind.
            pub fn kind(&self) -> Kind {
                match self {
                    $(Item::$variant(_) => Kind::$kind,)*
                }
            }

            /// The whole item.
            pub fn span(&self) -> Span {
                match self {
                    $(Item::$variant(item) => item.span,)*
                }
            }

            /// The item, when its kind has a name table.
            pub fn named(&self) -> Option<&dyn Named> {
                match self {
                    $(Item::$variant(item) => named_item!(item, $ast $(, $table)?),)*
                }
            }
        }

        $(impl_named!($ast $(, $table)?);)*
    };
}

/// `Some(item)` as a [`Named`] when its kind has a table, else `None`.
macro_rules! named_item {
    ($item:ident, $ast:ident) => {{
        let _ = $item;
        None
    }};
    ($item:ident, $ast:ident, $table:ident) => {{
        let item: &$ast = $item;
        Some(item)
    }};
}

/// [`Named`] for the AST type of a kind with a table.
macro_rules! impl_named {
    ($ast:ident) => {};
    ($ast:ident, $table:ident) => {
        impl Named for $ast {
            fn name(&self) -> &Ident {
                &self.name
            }
            fn span(&self) -> Span {
                self.span
            }
            fn title(&self) -> Option<&StrLit> {
                self.title.as_ref()
            }
        }
    };
}

crate::item_kinds!(define_item);

/// One file's typed items.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Module {
    pub items: Vec<Item>,
}
