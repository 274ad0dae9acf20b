//! The syntax tree: what was written, in the order it was written.
//!
//! Items here are generic (`KEYWORD NAME "title" { entries }`) so that an
//! unknown field is a checked finding (KJ1007) rather than a syntax error, and
//! so that the formatter can keep fields in the order they were written.
//! [`crate::lower`] turns this tree into the typed AST of [`crate::ast`].

use rust_decimal::Decimal;

use crate::prescan::Comment;
use crate::span::Span;

/// The text of a name or string: kept inline (no allocation) up to 24
/// bytes — eight Chinese characters — which most names are; dereferences to
/// `&str`.
pub type Text = compact_str::CompactString;

/// A name as written. Equality, hashing and order read the text only.
#[derive(Clone, Debug)]
pub struct Ident {
    pub text: Text,
    pub span: Span,
}

/// A string literal, escapes resolved.
#[derive(Clone, Debug)]
pub struct StrLit {
    pub value: Text,
    pub span: Span,
}

/// Units of a quantity (LANGUAGE.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// A bare number: a plain factor.
    Plain,
    /// 元 / CNY.
    Yuan,
    /// 元/月.
    YuanPerMonth,
    /// 元/年.
    YuanPerYear,
    /// %.
    Percent,
    /// 天 / days.
    Day,
    /// 周 / weeks.
    Week,
    /// 个月 / months.
    Month,
    /// GB.
    Gb,
    /// MB.
    Mb,
    /// 年 (v2).
    Year,
    /// 分钟: call time (v2).
    Minute,
    /// 户: households / customers (v2, a count).
    Hu,
    /// 笔: transactions (v2, a count).
    Bi,
    /// 张: cards (v2, a count).
    Zhang,
    /// 个: pieces (v2, a count).
    Ge,
    /// 次: times (v2, a count).
    Ci,
    /// 人: people (v2, a count).
    Ren,
}

impl Unit {
    /// How the unit is written in canonical form (empty for a plain number).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Plain => "",
            Unit::Yuan => "元",
            Unit::YuanPerMonth => "元/月",
            Unit::YuanPerYear => "元/年",
            Unit::Percent => "%",
            Unit::Day => "天",
            Unit::Week => "周",
            Unit::Month => "个月",
            Unit::Gb => "GB",
            Unit::Mb => "MB",
            Unit::Year => "年",
            Unit::Minute => "分钟",
            Unit::Hu => "户",
            Unit::Bi => "笔",
            Unit::Zhang => "张",
            Unit::Ge => "个",
            Unit::Ci => "次",
            Unit::Ren => "人",
        }
    }

    pub fn from_text(text: &str) -> Option<Unit> {
        Some(match text {
            "" => Unit::Plain,
            "元" | "CNY" => Unit::Yuan,
            "元/月" => Unit::YuanPerMonth,
            "元/年" => Unit::YuanPerYear,
            "%" => Unit::Percent,
            "天" | "days" => Unit::Day,
            "周" | "weeks" => Unit::Week,
            "个月" | "months" => Unit::Month,
            "GB" => Unit::Gb,
            "MB" => Unit::Mb,
            "年" => Unit::Year,
            "分钟" => Unit::Minute,
            "户" => Unit::Hu,
            "笔" => Unit::Bi,
            "张" => Unit::Zhang,
            "个" => Unit::Ge,
            "次" => Unit::Ci,
            "人" => Unit::Ren,
            _ => return None,
        })
    }

    pub fn is_money(self) -> bool {
        matches!(self, Unit::Yuan | Unit::YuanPerMonth | Unit::YuanPerYear)
    }

    pub fn is_duration(self) -> bool {
        matches!(self, Unit::Day | Unit::Week | Unit::Month | Unit::Year)
    }

    /// A count (户, 笔, 张, 个, 次, 人): its values are whole numbers.
    pub fn is_count(self) -> bool {
        matches!(
            self,
            Unit::Hu | Unit::Bi | Unit::Zhang | Unit::Ge | Unit::Ci | Unit::Ren
        )
    }

    pub fn is_data(self) -> bool {
        matches!(self, Unit::Gb | Unit::Mb)
    }
}

/// An exact number with its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Quantity {
    pub value: Decimal,
    pub unit: Unit,
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.unit {
            Unit::Plain => write!(f, "{}", self.value.normalize()),
            Unit::Percent => write!(f, "{}%", self.value.normalize()),
            unit => write!(f, "{} {}", self.value.normalize(), unit.as_str()),
        }
    }
}

/// A date as written; [`crate::lower`] checks that it exists (KJ1010).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateLit {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// A date or a quantity: the things a range is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    Date(DateLit),
    Quantity(Quantity),
}

/// A range as written: `a .. b`, `a ..= b`, `a ..`, `.. b`, `..= b`.
#[derive(Clone, Debug)]
pub struct RangeValue {
    pub start: Option<(Scalar, Span)>,
    pub end: Option<(Scalar, Span)>,
    /// `..=` rather than `..`.
    pub inclusive: bool,
}

/// A field's value.
#[derive(Clone, Debug)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Ident(Text),
    Str(Text),
    Scalar(Scalar),
    /// Boxed: a range is twice the size of any other value, and every
    /// value (one a field, most of them names) would carry that size.
    Range(Box<RangeValue>),
    List(Vec<Value>),
    /// `discount 50%`, `with [A, B]`, `points x2`, …
    Tagged(Ident, Box<Value>),
}

impl ValueKind {
    /// What kind of value this is, for messages.
    pub fn describe(&self) -> (&'static str, &'static str) {
        match self {
            ValueKind::Ident(_) => ("名称", "a name"),
            ValueKind::Str(_) => ("字符串", "a string"),
            ValueKind::Scalar(Scalar::Date(_)) => ("日期", "a date"),
            ValueKind::Scalar(Scalar::Quantity(q)) => match q.unit {
                Unit::Plain => ("数字", "a number"),
                Unit::Percent => ("百分比", "a percent"),
                u if u.is_money() => ("金额", "an amount of money"),
                u if u.is_duration() => ("时长", "a duration"),
                u if u.is_count() => ("数量", "a count"),
                Unit::Minute => ("通话时长", "call time"),
                _ => ("流量", "a data volume"),
            },
            ValueKind::Range(_) => ("区间", "a range"),
            ValueKind::List(_) => ("列表", "a list"),
            ValueKind::Tagged(..) => ("带关键字的值", "a keyword value"),
        }
    }
}

/// The key of a field: a name (`window`) or a string (a FAQ question).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    Ident(Ident),
    Str(StrLit),
}

impl Key {
    pub fn span(&self) -> Span {
        match self {
            Key::Ident(ident) => ident.span,
            Key::Str(lit) => lit.span,
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Key::Ident(ident) => &ident.text,
            Key::Str(lit) => &lit.value,
        }
    }
}

/// `KEY: VALUE`.
#[derive(Clone, Debug)]
pub struct Field {
    pub key: Key,
    pub value: Value,
    pub span: Span,
}

/// `{ entries }`.
#[derive(Clone, Debug)]
pub struct Block {
    pub entries: Vec<Entry>,
    pub span: Span,
}

/// `NAME { entries }` inside an item (`audience`, `wording`, `faq`, `grades`).
#[derive(Clone, Debug)]
pub struct SubBlock {
    pub name: Ident,
    pub block: Block,
    pub span: Span,
}

/// `factor NAME WEIGHT [{ … }]`.
#[derive(Clone, Debug)]
pub struct FactorEntry {
    pub keyword: Span,
    pub name: Ident,
    pub weight: Value,
    pub block: Option<Block>,
    pub span: Span,
}

/// `KEY VALUE` in a rates row.
#[derive(Clone, Debug)]
pub struct Condition {
    pub key: Ident,
    pub value: Value,
    pub span: Span,
}

/// `cond, cond => output`.
#[derive(Clone, Debug)]
pub struct Row {
    pub conditions: Vec<Condition>,
    pub output: Value,
    pub span: Span,
}

/// `rates { rows }`.
#[derive(Clone, Debug)]
pub struct Rates {
    pub keyword: Span,
    pub rows: Vec<Row>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Field(Field),
    Block(SubBlock),
    /// Boxed: a factor is the largest entry and the rarest (grading models
    /// only); the fields of every campaign would otherwise carry its size.
    Factor(Box<FactorEntry>),
    Rates(Rates),
}

impl Entry {
    pub fn span(&self) -> Span {
        match self {
            Entry::Field(f) => f.span,
            Entry::Block(b) => b.span,
            Entry::Factor(f) => f.span,
            Entry::Rates(r) => r.span,
        }
    }
}

/// A node of the `regions` tree.
#[derive(Clone, Debug)]
pub struct RegionNode {
    pub name: Ident,
    pub children: Vec<RegionNode>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemBody {
    Regions(Vec<RegionNode>),
    Block(Block),
}

/// `KEYWORD [NAME] ["title"] BODY`.
#[derive(Clone, Debug)]
pub struct Item {
    pub keyword: Ident,
    pub name: Option<Ident>,
    pub title: Option<StrLit>,
    pub body: ItemBody,
    pub span: Span,
}

/// One parsed file: its items, its comments, and the text they were read from
/// (full-width punctuation already read as ASCII).
#[derive(Clone, Debug, Default)]
pub struct SyntaxFile {
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
}

// Equality without spans: two nodes are equal when they mean the same,
// wherever they were written (as `Spanned<T>`). The formatter's meaning
// check and the tests compare trees with `==`.
macro_rules! eq_without_spans {
    ($($ty:ident { $($field:ident),* })*) => {$(
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                true $(&& self.$field == other.$field)*
            }
        }
        impl Eq for $ty {}
    )*};
}

eq_without_spans! {
    Ident { text }
    StrLit { value }
    Value { kind }
    Field { key, value }
    Block { entries }
    SubBlock { name, block }
    FactorEntry { name, weight, block }
    Condition { key, value }
    Row { conditions, output }
    Rates { rows }
    RegionNode { name, children }
    Item { keyword, name, title, body }
}

impl PartialEq for RangeValue {
    fn eq(&self, other: &Self) -> bool {
        self.inclusive == other.inclusive
            && self.start.map(|s| s.0) == other.start.map(|s| s.0)
            && self.end.map(|s| s.0) == other.end.map(|s| s.0)
    }
}

impl Eq for RangeValue {}

impl std::hash::Hash for Ident {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ident {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.text.cmp(&other.text)
    }
}

/// Move every span of a node by `delta` bytes (to reuse a parsed item whose
/// text moved within its file).
pub trait Shift {
    fn move_by(&mut self, delta: isize);
}

fn move_span(span: &mut Span, delta: isize) {
    let by = |x: usize| x.checked_add_signed(delta).unwrap_or(0);
    *span = Span::new(by(span.start), by(span.end));
}

impl Shift for Span {
    fn move_by(&mut self, delta: isize) {
        move_span(self, delta);
    }
}

impl Shift for Ident {
    fn move_by(&mut self, delta: isize) {
        self.span.move_by(delta);
    }
}

impl Shift for StrLit {
    fn move_by(&mut self, delta: isize) {
        self.span.move_by(delta);
    }
}

impl Shift for Value {
    fn move_by(&mut self, delta: isize) {
        self.span.move_by(delta);
        match &mut self.kind {
            ValueKind::Range(range) => {
                for (_, span) in range.start.iter_mut().chain(range.end.iter_mut()) {
                    span.move_by(delta);
                }
            }
            ValueKind::List(items) => items.iter_mut().for_each(|v| v.move_by(delta)),
            ValueKind::Tagged(tag, inner) => {
                tag.move_by(delta);
                inner.move_by(delta);
            }
            ValueKind::Ident(_) | ValueKind::Str(_) | ValueKind::Scalar(_) => {}
        }
    }
}

impl Shift for Block {
    fn move_by(&mut self, delta: isize) {
        self.span.move_by(delta);
        for entry in &mut self.entries {
            match entry {
                Entry::Field(f) => {
                    f.span.move_by(delta);
                    match &mut f.key {
                        Key::Ident(i) => i.move_by(delta),
                        Key::Str(s) => s.move_by(delta),
                    }
                    f.value.move_by(delta);
                }
                Entry::Block(b) => {
                    b.span.move_by(delta);
                    b.name.move_by(delta);
                    b.block.move_by(delta);
                }
                Entry::Factor(f) => {
                    f.span.move_by(delta);
                    f.keyword.move_by(delta);
                    f.name.move_by(delta);
                    f.weight.move_by(delta);
                    if let Some(b) = &mut f.block {
                        b.move_by(delta);
                    }
                }
                Entry::Rates(r) => {
                    r.span.move_by(delta);
                    r.keyword.move_by(delta);
                    for row in &mut r.rows {
                        row.span.move_by(delta);
                        row.output.move_by(delta);
                        for c in &mut row.conditions {
                            c.span.move_by(delta);
                            c.key.move_by(delta);
                            c.value.move_by(delta);
                        }
                    }
                }
            }
        }
    }
}

impl Shift for RegionNode {
    fn move_by(&mut self, delta: isize) {
        self.span.move_by(delta);
        self.name.move_by(delta);
        self.children.iter_mut().for_each(|c| c.move_by(delta));
    }
}

impl Shift for Item {
    fn move_by(&mut self, delta: isize) {
        self.span.move_by(delta);
        self.keyword.move_by(delta);
        if let Some(n) = &mut self.name {
            n.move_by(delta);
        }
        if let Some(t) = &mut self.title {
            t.move_by(delta);
        }
        match &mut self.body {
            ItemBody::Regions(nodes) => nodes.iter_mut().for_each(|n| n.move_by(delta)),
            ItemBody::Block(b) => b.move_by(delta),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_stay_small() {
        // The fast path moves every entry and value a few times while
        // building the tree: keep the rare large variants boxed.
        assert!(
            std::mem::size_of::<Value>() <= 64,
            "{}",
            std::mem::size_of::<Value>()
        );
        assert!(
            std::mem::size_of::<Entry>() <= 136,
            "{}",
            std::mem::size_of::<Entry>()
        );
    }
}
