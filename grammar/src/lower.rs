//! [`crate::tree`] → [`crate::ast`]: field names, value shapes, units, dates.
//!
//! Raises KJ0001 (a field given twice, a missing name), KJ1004 (empty or
//! reversed range), KJ1005 (wrong unit or shape), KJ1006 (required field
//! missing), KJ1007 (unknown field, with a suggestion), KJ1008 (value out of
//! range) and KJ1010 (impossible date). Never panics; a field it cannot read
//! is reported and left out, the rest of the item is kept.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ast::*;
use crate::issue::{Fix, Issue, IssueCode};
use crate::kinds::Kind;
use crate::span::{Span, Spanned};
use crate::suggest::did_you_mean;
use crate::tree::{self, Block, Entry, Key, Scalar, SyntaxFile, Value, ValueKind};

/// Lower a parsed file into its typed module.
pub fn lower(file: &SyntaxFile, issues: &mut Vec<Issue>) -> Module {
    let mut lowerer = Lowerer { issues };
    // The typed tree outlives the parse: no spare capacity (here and in the
    // lists below). Each list is made with room for every node it may get,
    // so the common case (nothing left out) needs neither growing nor
    // shrinking.
    let mut items: Vec<Item> = Vec::with_capacity(file.items.len());
    items.extend(file.items.iter().filter_map(|item| lowerer.item(item)));
    items.shrink_to_fit();
    Module { items }
}

struct Lowerer<'a> {
    issues: &'a mut Vec<Issue>,
}

/// The entries of a block, looked up by key after checking them against the
/// list of known keys.
struct Fields<'t> {
    entries: Vec<(&'t str, &'t Entry)>,
    factors: Vec<&'t tree::FactorEntry>,
}

/// `a == b`, with the first bytes compared before the rest: keys of one
/// length mostly differ there, and the comparison then needs no `memcmp`.
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

impl<'t> Fields<'t> {
    fn get(&self, key: &str) -> Option<&'t Entry> {
        self.entries
            .iter()
            .find(|(k, _)| same_key(k, key))
            .map(|(_, e)| *e)
    }

    fn value(&self, key: &str) -> Option<&'t Value> {
        match self.get(key)? {
            Entry::Field(f) => Some(&f.value),
            _ => None,
        }
    }

    fn block(&self, key: &str) -> Option<&'t Block> {
        match self.get(key)? {
            Entry::Block(b) => Some(&b.block),
            _ => None,
        }
    }

    fn rates(&self) -> Option<&'t tree::Rates> {
        match self.get("rates")? {
            Entry::Rates(r) => Some(r),
            _ => None,
        }
    }
}

use crate::fields::{self, Shape};

/// The known fields a block does not have: what a suggestion for an
/// unknown field may name (computed only when one is needed).
fn absent(block: &Block, known: &[(&'static str, Shape)]) -> Vec<(&'static str, Shape)> {
    let present: Vec<&str> = block
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::Field(f) => Some(f.key.text()),
            Entry::Block(b) => Some(b.name.text.as_str()),
            Entry::Rates(_) => Some("rates"),
            Entry::Factor(_) => None,
        })
        .collect();
    known
        .iter()
        .filter(|(k, _)| !present.contains(k))
        .copied()
        .collect()
}

fn date_of(lit: tree::DateLit) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(lit.year, lit.month, lit.day)
}

fn desc(value: &Value) -> (&'static str, &'static str) {
    value.kind.describe()
}

impl Lowerer<'_> {
    fn push(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    fn mismatch(&mut self, value: &Value, expected_zh: &str, expected_en: &str) {
        let (found_zh, found_en) = desc(value);
        self.push(
            Issue::new(IssueCode::UnitMismatch, value.span)
                .text("expected", expected_zh, expected_en)
                .text("found", found_zh, found_en),
        );
    }

    fn out_of_range(&mut self, span: Span, value: impl AsRef<str>, zh: &str, en: &str) {
        self.push(
            Issue::new(IssueCode::OutOfRange, span)
                .plain("value", value)
                .text("range", zh, en),
        );
    }

    fn missing(&mut self, name: &Ident, item: &str, field: &str) {
        self.push(
            Issue::new(IssueCode::MissingField, name.span)
                .plain("item", format!("{item} `{}`", name.text))
                .plain("field", field),
        );
    }

    /// Check a block's keys against `known`, reporting unknown (KJ1007) and
    /// repeated (KJ0001) ones; `factors` says whether `factor` entries belong.
    fn fields<'t>(
        &mut self,
        item: &str,
        block: &'t Block,
        known: &[(&'static str, Shape)],
        factors: bool,
    ) -> Fields<'t> {
        let mut fields = Fields {
            entries: Vec::with_capacity(block.entries.len()),
            factors: Vec::new(),
        };
        let mut seen = 0u64;
        for entry in &block.entries {
            let (key, key_span, shape) = match entry {
                Entry::Field(f) => (f.key.text(), f.key.span(), Shape::Field),
                Entry::Block(b) => (b.name.text.as_str(), b.name.span, Shape::Block),
                Entry::Rates(r) => ("rates", r.keyword, Shape::Rates),
                Entry::Factor(f) => {
                    if factors {
                        fields.factors.push(f);
                    } else {
                        self.unknown_field(item, "factor", f.keyword, &absent(block, known));
                    }
                    continue;
                }
            };
            let found = known.iter().position(|(k, _)| same_key(k, key));
            match found.and_then(|at| Some((at, known.get(at)?))) {
                Some((at, (_, expected))) if expected.syntax() == shape => {
                    // Keys seen so far, by their place in `known` (a search
                    // of the entries kept when there are more than 64).
                    let bit = u32::try_from(at).ok().and_then(|at| 1u64.checked_shl(at));
                    let again = match bit {
                        Some(bit) => {
                            let again = seen & bit != 0;
                            seen |= bit;
                            again
                        }
                        None => fields.get(key).is_some(),
                    };
                    if again {
                        self.push(
                            Issue::new(IssueCode::Syntax, key_span)
                                .text("expected", "每个字段只写一次", "each field once")
                                .text(
                                    "found",
                                    format!("重复的字段 `{key}`"),
                                    format!("field `{key}` again"),
                                ),
                        );
                    } else {
                        fields.entries.push((key, entry));
                    }
                }
                Some((_, (_, expected))) => {
                    let (zh, en) = match expected.syntax() {
                        Shape::Field | Shape::Names(_) | Shape::Words(_) => {
                            (format!("`{key}: …`"), format!("`{key}: …`"))
                        }
                        Shape::Block => (format!("`{key} {{ … }}`"), format!("`{key} {{ … }}`")),
                        Shape::Rates => ("`rates { … }`".to_string(), "`rates { … }`".to_string()),
                    };
                    self.push(
                        Issue::new(IssueCode::UnitMismatch, entry.span())
                            .text("expected", zh, en)
                            .text("found", "其他写法", "another form"),
                    );
                }
                None => self.unknown_field(item, key, key_span, &absent(block, known)),
            }
        }
        fields
    }

    fn unknown_field(
        &mut self,
        item: &str,
        key: &str,
        span: Span,
        known: &[(&'static str, Shape)],
    ) {
        let mut issue = Issue::new(IssueCode::UnknownField, span)
            .plain("field", key)
            .plain("item", item);
        if let Some(best) = did_you_mean(key, known.iter().map(|(k, _)| *k)) {
            issue = issue
                .plain("suggestion", best)
                .with_fix(Fix::did_you_mean(span, best));
        }
        self.push(issue);
    }

    fn item(&mut self, item: &tree::Item) -> Option<Item> {
        let keyword = item.keyword.text.as_str();
        let title = item.title.clone();
        let span = item.span;
        let block = match &item.body {
            tree::ItemBody::Regions(nodes) => {
                let name = self.name(item)?;
                return Some(Item::Regions(Box::new(Regions {
                    name,
                    title,
                    children: region_nodes(nodes),
                    span,
                })));
            }
            tree::ItemBody::Block(block) => block,
        };
        let kind = Kind::from_keyword(keyword);
        if kind == Some(Kind::Limits) {
            return Some(Item::Limits(Box::new(self.limits(
                item.name.clone(),
                block,
                span,
            ))));
        }
        let name = self.name(item)?;
        match kind.and_then(|kind| self.named_item(kind, name, title, block, span)) {
            Some(item) => Some(item),
            None => {
                // `regions` with a block body: the grammar keeps it apart.
                self.push(
                    Issue::new(IssueCode::Syntax, item.keyword.span)
                        .text("expected", "条目关键字", "an item keyword")
                        .plain("found", keyword),
                );
                None
            }
        }
    }

    fn name(&mut self, item: &tree::Item) -> Option<Ident> {
        if item.name.is_none() {
            let at = item
                .title
                .as_ref()
                .map_or(item.keyword.span.end, |t| t.span.start);
            self.push(
                Issue::new(IssueCode::Syntax, Span::new(item.keyword.span.start, at))
                    .text(
                        "expected",
                        format!("{} 的名称", item.keyword.text),
                        format!("a name for the {}", item.keyword.text),
                    )
                    .text("found", "没有名称", "no name"),
            );
        }
        item.name.clone()
    }

    // ---- values ----

    fn ident(&mut self, value: &Value) -> Option<Ident> {
        match &value.kind {
            ValueKind::Ident(text) => Some(Ident {
                text: text.clone(),
                span: value.span,
            }),
            _ => {
                self.mismatch(value, "名称", "a name");
                None
            }
        }
    }

    /// A list of names; a single name is a list of one.
    fn ident_list(&mut self, value: &Value) -> Vec<Ident> {
        match &value.kind {
            ValueKind::List(values) => {
                let mut list: Vec<Ident> = Vec::with_capacity(values.len());
                list.extend(values.iter().filter_map(|v| self.ident(v)));
                list.shrink_to_fit();
                list
            }
            ValueKind::Ident(_) => self.ident(value).into_iter().collect(),
            _ => {
                self.mismatch(value, "名称列表 `[...]`", "a list of names `[...]`");
                Vec::new()
            }
        }
    }

    fn string(&mut self, value: &Value) -> Option<StrLit> {
        match &value.kind {
            ValueKind::Str(text) => Some(StrLit {
                value: text.clone(),
                span: value.span,
            }),
            _ => {
                self.mismatch(value, "字符串", "a string");
                None
            }
        }
    }

    fn date(&mut self, lit: tree::DateLit, span: Span) -> Option<NaiveDate> {
        let date = date_of(lit);
        if date.is_none() {
            self.push(Issue::new(IssueCode::ImpossibleDate, span).plain(
                "date",
                format!("{:04}-{:02}-{:02}", lit.year, lit.month, lit.day),
            ));
        }
        date
    }

    fn single_date(&mut self, value: &Value) -> Option<Spanned<NaiveDate>> {
        match &value.kind {
            ValueKind::Scalar(Scalar::Date(lit)) => {
                Some(Spanned::new(self.date(*lit, value.span)?, value.span))
            }
            _ => {
                self.mismatch(value, "日期 YYYY-MM-DD", "a date YYYY-MM-DD");
                None
            }
        }
    }

    fn date_range(&mut self, value: &Value) -> Option<DateRange> {
        let range = match &value.kind {
            ValueKind::Range(range) => range,
            ValueKind::Scalar(Scalar::Date(lit)) => {
                let day = self.date(*lit, value.span)?;
                return Some(DateRange {
                    start: day,
                    end: Some(day),
                    span: value.span,
                });
            }
            _ => {
                self.mismatch(
                    value,
                    "日期区间 `开始 .. 结束`",
                    "a date range `start .. end`",
                );
                return None;
            }
        };
        let endpoint =
            |this: &mut Self, end: Option<(Scalar, Span)>| -> Result<Option<NaiveDate>, ()> {
                match end {
                    None => Ok(None),
                    Some((Scalar::Date(lit), span)) => this.date(lit, span).map(Some).ok_or(()),
                    Some((Scalar::Quantity(_), span)) => {
                        this.push(
                            Issue::new(IssueCode::UnitMismatch, span)
                                .text("expected", "日期", "a date")
                                .text("found", "数字", "a number"),
                        );
                        Err(())
                    }
                }
            };
        let start = endpoint(self, range.start).ok()?;
        let end = endpoint(self, range.end).ok()?;
        let Some(start) = start else {
            self.push(Issue::new(IssueCode::EmptyRange, value.span).text(
                "reason",
                "日期区间需要开始日期",
                "a date range needs a start date",
            ));
            return None;
        };
        if let Some(end) = end {
            if end < start {
                self.push(Issue::new(IssueCode::EmptyRange, value.span).text(
                    "reason",
                    format!("结束日期 {end} 早于开始日期 {start}"),
                    format!("end {end} is before start {start}"),
                ));
                return None;
            }
        }
        Some(DateRange {
            start,
            end,
            span: value.span,
        })
    }

    /// A quantity whose unit satisfies `ok`.
    fn quantity(
        &mut self,
        value: &Value,
        ok: fn(Unit) -> bool,
        zh: &str,
        en: &str,
    ) -> Option<Spanned<Quantity>> {
        match &value.kind {
            ValueKind::Scalar(Scalar::Quantity(q)) if ok(q.unit) => {
                if q.unit.is_money() && q.value.is_sign_negative() && !q.value.is_zero() {
                    self.out_of_range(
                        value.span,
                        q.to_string(),
                        "金额不能为负",
                        "money cannot be negative",
                    );
                    return None;
                }
                Some(Spanned::new(*q, value.span))
            }
            _ => {
                self.mismatch(value, zh, en);
                None
            }
        }
    }

    /// A percent between 0 and 100.
    fn percent(&mut self, value: &Value) -> Option<Spanned<Decimal>> {
        let q = self.quantity(
            value,
            |u| u == Unit::Percent,
            "百分比,如 `30%`",
            "a percent such as `30%`",
        )?;
        if q.node.value < Decimal::ZERO || q.node.value > Decimal::ONE_HUNDRED {
            self.out_of_range(
                value.span,
                q.node.to_string(),
                "百分比应在 0–100 之间",
                "a percent must be within 0–100",
            );
            return None;
        }
        Some(Spanned::new(q.node.value, q.span))
    }

    fn money(&mut self, value: &Value) -> Option<Spanned<Quantity>> {
        self.quantity(
            value,
            Unit::is_money,
            "金额,如 `40 元`",
            "money such as `40 元`",
        )
    }

    /// An interval from a range or a single value (`[v, v]`).
    fn interval(&mut self, value: &Value) -> Option<Interval> {
        match &value.kind {
            ValueKind::Scalar(Scalar::Quantity(q)) => Some(Interval::point(q.value, q.unit)),
            ValueKind::Range(range) => {
                let mut unit = None;
                let mut number =
                    |this: &mut Self, end: Option<(Scalar, Span)>| -> Result<Option<Decimal>, ()> {
                        match end {
                            None => Ok(None),
                            Some((Scalar::Quantity(q), span)) => {
                                match unit {
                                    None => unit = Some(q.unit),
                                    Some(u) if u == q.unit || q.unit == Unit::Plain => {}
                                    Some(Unit::Plain) => unit = Some(q.unit),
                                    Some(u) => {
                                        this.push(
                                            Issue::new(IssueCode::UnitMismatch, span)
                                                .text(
                                                    "expected",
                                                    format!("单位 {}", u.as_str()),
                                                    format!("unit {}", u.as_str()),
                                                )
                                                .text(
                                                    "found",
                                                    format!("单位 {}", q.unit.as_str()),
                                                    format!("unit {}", q.unit.as_str()),
                                                ),
                                        );
                                        return Err(());
                                    }
                                }
                                Ok(Some(q.value))
                            }
                            Some((Scalar::Date(_), span)) => {
                                this.push(
                                    Issue::new(IssueCode::UnitMismatch, span)
                                        .text("expected", "数字", "a number")
                                        .text("found", "日期", "a date"),
                                );
                                Err(())
                            }
                        }
                    };
                let lo = number(self, range.start).ok()?;
                let hi = number(self, range.end).ok()?;
                let interval = Interval {
                    lo,
                    hi: hi.map(|value| Upper {
                        value,
                        inclusive: range.inclusive,
                    }),
                    unit: unit.unwrap_or(Unit::Plain),
                };
                if interval.is_empty() {
                    self.push(Issue::new(IssueCode::EmptyRange, value.span).text(
                        "reason",
                        format!("区间 {} 为空", interval.math()),
                        format!("the interval {} is empty", interval.math()),
                    ));
                    return None;
                }
                Some(interval)
            }
            _ => {
                self.mismatch(
                    value,
                    "数值区间,如 `80 .. 90`",
                    "a numeric range such as `80 .. 90`",
                );
                None
            }
        }
    }

    fn enum_value<T: Copy>(&mut self, value: &Value, options: &[(&str, T)]) -> Option<Spanned<T>> {
        let ident = self.ident(value)?;
        if let Some((_, v)) = options.iter().find(|(name, _)| *name == ident.text) {
            return Some(Spanned::new(*v, ident.span));
        }
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let mut issue = Issue::new(IssueCode::OutOfRange, ident.span)
            .plain("value", ident.text.clone())
            .text(
                "range",
                format!("应为 {} 之一", names.join(" | ")),
                format!("expected one of {}", names.join(" | ")),
            );
        if let Some(best) = did_you_mean(&ident.text, names.iter().copied()) {
            issue = issue.with_fix(Fix::did_you_mean(ident.span, best));
        }
        self.push(issue);
        None
    }

    fn faq(&mut self, block: &Block) -> Vec<FaqEntry> {
        let mut entries = Vec::with_capacity(block.entries.len());
        for entry in &block.entries {
            match entry {
                Entry::Field(field) => {
                    let question = match &field.key {
                        Key::Str(lit) => lit.clone(),
                        Key::Ident(ident) => {
                            self.push(
                                Issue::new(IssueCode::UnitMismatch, ident.span)
                                    .text(
                                        "expected",
                                        "问题字符串 \"…?\"",
                                        "a question string \"…?\"",
                                    )
                                    .text("found", "名称", "a name"),
                            );
                            continue;
                        }
                    };
                    if let Some(answer) = self.string(&field.value) {
                        entries.push(FaqEntry { question, answer });
                    }
                }
                other => self.push(
                    Issue::new(IssueCode::UnitMismatch, other.span())
                        .text("expected", "\"问题\": \"回答\"", "\"question\": \"answer\"")
                        .text("found", "其他写法", "another form"),
                ),
            }
        }
        entries.shrink_to_fit();
        entries
    }

    // ---- items ----

    fn channel(
        &mut self,
        name: Ident,
        title: Option<StrLit>,
        block: &Block,
        span: Span,
    ) -> Channel {
        let f = self.fields("channel", block, fields::of("channel"), false);
        let channel_type = f
            .value("type")
            .and_then(|v| self.enum_value(v, ChannelType::KEYWORDS));
        if f.get("type").is_none() {
            self.missing(&name, "channel", "type");
        }
        let handles = f.value("handles").map(|v| self.product_kinds(v));
        let grading = f.value("grading").and_then(|v| self.ident(v));
        Channel {
            name,
            title,
            channel_type,
            handles,
            grading,
            span,
        }
    }

    fn product_kinds(&mut self, value: &Value) -> Vec<Spanned<ProductKind>> {
        let items: Vec<&Value> = match &value.kind {
            ValueKind::List(values) => values.iter().collect(),
            _ => vec![value],
        };
        items
            .into_iter()
            .filter_map(|v| self.enum_value(v, ProductKind::KEYWORDS))
            .collect()
    }

    fn dimension(
        &mut self,
        name: Ident,
        title: Option<StrLit>,
        block: &Block,
        span: Span,
    ) -> Dimension {
        let f = self.fields("dimension", block, fields::of("dimension"), false);
        let values = f.value("values").map(|v| self.ident_list(v));
        let unit = f.value("unit").and_then(|v| match &v.kind {
            ValueKind::Ident(text) => match tree::Unit::from_text(text) {
                Some(u) if u != Unit::Plain => Some(Spanned::new(u, v.span)),
                _ => {
                    self.out_of_range(
                        v.span,
                        text.clone(),
                        "单位应为 元、元/月、%、天、周、个月、年、GB、MB、分钟 或计数单位 户、笔、张、个、次、人 之一",
                        "a unit: 元, 元/月, %, 天, 周, 个月, 年, GB, MB, 分钟, or a count: 户, 笔, 张, 个, 次, 人",
                    );
                    None
                }
            },
            ValueKind::Scalar(Scalar::Quantity(q)) if q.unit != Unit::Plain => {
                Some(Spanned::new(q.unit, v.span))
            }
            _ => {
                self.mismatch(v, "单位,如 `元`", "a unit such as `元`");
                None
            }
        });
        if f.get("values").is_none() && f.get("unit").is_none() {
            self.missing(&name, "dimension", "values | unit");
        }
        let direction = f.value("direction").and_then(|v| self.direction(v));
        Dimension {
            name,
            title,
            values,
            unit,
            direction,
            span,
        }
    }

    fn product(
        &mut self,
        name: Ident,
        title: Option<StrLit>,
        block: &Block,
        span: Span,
    ) -> Product {
        let f = self.fields("product", block, fields::of("product"), false);
        let kind = f
            .value("kind")
            .and_then(|v| self.enum_value(v, ProductKind::KEYWORDS));
        if f.get("kind").is_none() {
            self.missing(&name, "product", "kind");
        }
        let price = f.value("price").and_then(|v| self.money(v));
        let face_value = f.value("face_value").and_then(|v| self.money(v));
        let supply_price = f.value("supply_price").and_then(|v| self.money(v));
        if kind.is_some_and(|k| k.node == ProductKind::SimCard) && f.get("face_value").is_none() {
            self.missing(&name, "product (sim_card)", "face_value");
        }
        Product {
            name,
            title,
            kind,
            price,
            face_value,
            supply_price,
            span,
        }
    }

    fn support(
        &mut self,
        name: Ident,
        title: Option<StrLit>,
        block: &Block,
        span: Span,
    ) -> Support {
        let f = self.fields("support", block, fields::of("support"), false);
        let kind = f
            .value("kind")
            .and_then(|v| self.enum_value(v, SupportKind::KEYWORDS));
        for required in ["kind", "ready"] {
            if f.get(required).is_none() {
                self.missing(&name, "support", required);
            }
        }
        let ready = f.value("ready").and_then(|v| self.single_date(v));
        let until = f.value("until").and_then(|v| self.single_date(v));
        if let (Some(r), Some(u)) = (ready, until) {
            if u.node < r.node {
                self.push(Issue::new(IssueCode::EmptyRange, u.span).text(
                    "reason",
                    format!("until {} 早于 ready {}", u.node, r.node),
                    format!("until {} is before ready {}", u.node, r.node),
                ));
            }
        }
        let channels = f.value("channels").map(|v| self.ident_list(v));
        let requires = f
            .value("requires")
            .map(|v| self.ident_list(v))
            .unwrap_or_default();
        Support {
            name,
            title,
            kind,
            ready,
            until,
            channels,
            requires,
            span,
        }
    }

    fn term(&mut self, name: Ident, title: Option<StrLit>, block: &Block, span: Span) -> Term {
        let f = self.fields("term", block, fields::of("term"), false);
        let jargon = match f.value("jargon") {
            None => true,
            Some(v) => match &v.kind {
                ValueKind::Ident(t) if t == "true" => true,
                ValueKind::Ident(t) if t == "false" => false,
                _ => {
                    self.mismatch(v, "true 或 false", "true or false");
                    true
                }
            },
        };
        let aliases = match f.value("aliases") {
            None => Vec::new(),
            Some(v) => match &v.kind {
                ValueKind::List(values) => values.iter().filter_map(|x| self.string(x)).collect(),
                _ => self.string(v).into_iter().collect(),
            },
        };
        let plain = f.value("plain").and_then(|v| self.string(v));
        let faq = f.block("faq").map(|b| self.faq(b)).unwrap_or_default();
        Term {
            name,
            title,
            jargon,
            aliases,
            plain,
            faq,
            span,
        }
    }

    fn campaign(
        &mut self,
        name: Ident,
        title: Option<StrLit>,
        block: &Block,
        span: Span,
    ) -> Campaign {
        let f = self.fields("campaign", block, fields::of("campaign"), false);
        for required in ["issuer", "window", "offer", "benefit", "channels"] {
            if f.get(required).is_none() {
                self.missing(&name, "campaign", required);
            }
        }
        let issuer = f.value("issuer").and_then(|v| self.ident(v));
        let regions = f.value("regions").map(|v| self.ident_list(v));
        let window = f.value("window").and_then(|v| self.date_range(v));
        let audience = f
            .block("audience")
            .map(|b| self.audience(b))
            .unwrap_or_default();
        let offer = f.value("offer").and_then(|v| self.ident(v));
        let benefit = f.value("benefit").and_then(|v| self.benefit(v));
        let channels = f
            .value("channels")
            .map(|v| self.ident_list(v))
            .unwrap_or_default();
        let stacking = match f.value("stacking") {
            Some(v) => self
                .stacking(v)
                .unwrap_or(Spanned::new(Stacking::Exclusive, v.span)),
            None => Spanned::new(Stacking::Exclusive, name.span),
        };
        let extends = f.value("extends").and_then(|v| self.ident(v));
        let requires = f
            .value("requires")
            .map(|v| self.ident_list(v))
            .unwrap_or_default();
        let wording = f
            .block("wording")
            .map(|b| self.wording(b))
            .unwrap_or_default();
        let faq = f.block("faq").map(|b| self.faq(b)).unwrap_or_default();
        let faq_span = f.block("faq").map(|b| b.span);
        Campaign {
            name,
            title,
            issuer,
            regions,
            window,
            audience,
            offer,
            benefit,
            channels,
            stacking,
            extends,
            requires,
            wording,
            faq,
            faq_span,
            span,
        }
    }

    fn audience(&mut self, block: &Block) -> Vec<AudienceConstraint> {
        let mut constraints = Vec::with_capacity(block.entries.len());
        for entry in &block.entries {
            let Entry::Field(field) = entry else {
                self.push(
                    Issue::new(IssueCode::UnitMismatch, entry.span())
                        .text("expected", "`维度: 取值`", "`dimension: values`")
                        .text("found", "其他写法", "another form"),
                );
                continue;
            };
            let dimension = match &field.key {
                Key::Ident(ident) => ident.clone(),
                Key::Str(lit) => {
                    self.push(
                        Issue::new(IssueCode::UnitMismatch, lit.span)
                            .text("expected", "维度名称", "a dimension name")
                            .text("found", "字符串", "a string"),
                    );
                    continue;
                }
            };
            let value = match &field.value.kind {
                ValueKind::Ident(_) | ValueKind::List(_) => {
                    AudienceValue::Values(self.ident_list(&field.value))
                }
                _ => match self.interval(&field.value) {
                    Some(interval) => {
                        AudienceValue::Range(Spanned::new(interval, field.value.span))
                    }
                    None => continue,
                },
            };
            constraints.push(AudienceConstraint {
                dimension,
                value,
                span: field.span,
            });
        }
        constraints.shrink_to_fit();
        constraints
    }

    fn benefit(&mut self, value: &Value) -> Option<Spanned<Benefit>> {
        let ValueKind::Tagged(tag, inner) = &value.kind else {
            self.mismatch(
                value,
                "discount P% | price X 元 | gift \"…\" | bonus N GB | points xN",
                "discount P% | price X 元 | gift \"…\" | bonus N GB | points xN",
            );
            return None;
        };
        let benefit = match BenefitTag::from_keyword(&tag.text) {
            Some(BenefitTag::Discount) => {
                let p = self.percent(inner)?;
                if p.node.is_zero() {
                    self.out_of_range(
                        inner.span,
                        "0%",
                        "折扣应大于 0%",
                        "a discount must be above 0%",
                    );
                    return None;
                }
                Benefit::Discount(p.node)
            }
            Some(BenefitTag::Price) => Benefit::Price(self.money(inner)?.node),
            Some(BenefitTag::Gift) => Benefit::Gift(self.string(inner)?.value.to_string()),
            Some(BenefitTag::Bonus) => Benefit::Bonus(
                self.quantity(
                    inner,
                    |u| u.is_data() || u.is_money() || u.is_duration() || u == Unit::Minute,
                    "流量、金额或时长,如 `2 GB`",
                    "data, money or a duration such as `2 GB`",
                )?
                .node,
            ),
            Some(BenefitTag::Points) => {
                let factor = match &inner.kind {
                    ValueKind::Ident(text) => text
                        .strip_prefix('x')
                        .and_then(|n| Decimal::from_str_exact(n).ok()),
                    ValueKind::Scalar(Scalar::Quantity(q)) if q.unit == Unit::Plain => {
                        Some(q.value)
                    }
                    _ => None,
                };
                match factor {
                    Some(f) if f > Decimal::ZERO => Benefit::Points(f),
                    _ => {
                        self.mismatch(inner, "倍数,如 `x2`", "a multiplier such as `x2`");
                        return None;
                    }
                }
            }
            None => {
                let tags = BenefitTag::ALL.map(BenefitTag::as_str).join(" | ");
                self.mismatch(value, &tags, &tags);
                return None;
            }
        };
        Some(Spanned::new(benefit, value.span))
    }

    fn stacking(&mut self, value: &Value) -> Option<Spanned<Stacking>> {
        let stacking = match &value.kind {
            ValueKind::Ident(t) if t == StackingWord::Exclusive.as_str() => Stacking::Exclusive,
            ValueKind::Ident(t) if t == StackingWord::Stackable.as_str() => Stacking::Stackable,
            ValueKind::Tagged(tag, inner) if tag.text == StackingWord::With.as_str() => {
                Stacking::With(self.ident_list(inner))
            }
            _ => {
                self.mismatch(
                    value,
                    "exclusive | stackable | with [活动, ...]",
                    "exclusive | stackable | with [campaign, ...]",
                );
                return None;
            }
        };
        Some(Spanned::new(stacking, value.span))
    }

    fn wording(&mut self, block: &Block) -> Vec<WordingField> {
        let mut fields = Vec::with_capacity(block.entries.len());
        for entry in &block.entries {
            match entry {
                Entry::Field(tree::Field {
                    key: Key::Ident(key),
                    value,
                    ..
                }) => {
                    if fields.iter().any(|w: &WordingField| w.key.text == key.text) {
                        self.push(
                            Issue::new(IssueCode::Syntax, key.span)
                                .text("expected", "每个字段只写一次", "each field once")
                                .text(
                                    "found",
                                    format!("重复的字段 `{}`", key.text),
                                    format!("field `{}` again", key.text),
                                ),
                        );
                        continue;
                    }
                    if let Some(text) = self.string(value) {
                        fields.push(WordingField {
                            key: key.clone(),
                            text,
                        });
                    }
                }
                other => self.push(
                    Issue::new(IssueCode::UnitMismatch, other.span())
                        .text("expected", "`字段: \"文案\"`", "`field: \"text\"`")
                        .text("found", "其他写法", "another form"),
                ),
            }
        }
        fields.shrink_to_fit();
        fields
    }

    fn commission(
        &mut self,
        name: Ident,
        title: Option<StrLit>,
        block: &Block,
        span: Span,
    ) -> Commission {
        let f = self.fields("commission", block, fields::of("commission"), false);
        for required in ["kind", "period", "channels", "rates"] {
            if f.get(required).is_none() {
                self.missing(&name, "commission", required);
            }
        }
        let kind = f
            .value("kind")
            .and_then(|v| self.enum_value(v, CommissionKind::KEYWORDS));
        let issuer = f.value("issuer").and_then(|v| self.ident(v));
        let regions = f.value("regions").map(|v| self.ident_list(v));
        let overrides = f.value("overrides").and_then(|v| self.ident(v));
        let additive = f.value("additive").and_then(|v| self.boolean(v));
        let per = f
            .value("per")
            .and_then(|v| self.enum_value(v, Per::KEYWORDS));
        let period = f.value("period").and_then(|v| self.date_range(v));
        let channels = f
            .value("channels")
            .map(|v| self.ident_list(v))
            .unwrap_or_default();
        let rows = f
            .rates()
            .map(|r| r.rows.iter().map(|row| self.row(row)).collect())
            .unwrap_or_default();
        Commission {
            name,
            title,
            kind,
            issuer,
            regions,
            overrides,
            additive,
            per,
            period,
            channels,
            rows,
            span,
        }
    }

    fn row(&mut self, row: &tree::Row) -> RateRow {
        let mut conditions: Vec<RowCondition> = Vec::new();
        for cond in &row.conditions {
            if conditions.iter().any(|c| c.key.text == cond.key.text) {
                self.push(
                    Issue::new(IssueCode::Syntax, cond.key.span)
                        .text("expected", "每个条件键只写一次", "each condition key once")
                        .text(
                            "found",
                            format!("重复的 `{}`", cond.key.text),
                            format!("`{}` again", cond.key.text),
                        ),
                );
                continue;
            }
            let value = match &cond.value.kind {
                ValueKind::Ident(_) | ValueKind::List(_) => {
                    ConditionValue::Names(self.ident_list(&cond.value))
                }
                _ => match self.interval(&cond.value) {
                    Some(i) => ConditionValue::Interval(i),
                    None => continue,
                },
            };
            conditions.push(RowCondition {
                key: cond.key.clone(),
                value,
                span: cond.span,
            });
        }
        let output = self.quantity(
            &row.output,
            |u| u.is_money() || u == Unit::Percent || u == Unit::Plain,
            "金额、百分比或系数",
            "money, a percent or a factor",
        );
        let output = output.and_then(|q| {
            if q.node.unit == Unit::Percent
                && (q.node.value.is_sign_negative() || q.node.value > Decimal::ONE_HUNDRED)
            {
                self.out_of_range(
                    q.span,
                    q.node.to_string(),
                    "百分比应在 0–100 之间",
                    "a percent must be within 0–100",
                );
                return None;
            }
            Some(q)
        });
        RateRow {
            conditions,
            output,
            span: row.span,
        }
    }

    fn mix(&mut self, name: Ident, title: Option<StrLit>, block: &Block, span: Span) -> Mix {
        let f = self.fields("mix", block, fields::of("mix"), false);
        let mut shares = Vec::new();
        for (key, entry) in &f.entries {
            let Entry::Field(field) = entry else { continue };
            let Some(kind) = CommissionKind::ALL.iter().find(|k| k.as_str() == *key) else {
                continue;
            };
            if let Some(share) = self.percent(&field.value) {
                shares.push(MixShare {
                    kind: Spanned::new(*kind, field.key.span()),
                    share,
                });
            }
        }
        let reference = f.block("reference").map(|b| self.reference(b));
        let tolerance = f.value("tolerance").and_then(|v| self.percent(v));
        Mix {
            name,
            title,
            shares,
            reference,
            tolerance,
            span,
        }
    }

    fn grading(
        &mut self,
        name: Ident,
        title: Option<StrLit>,
        block: &Block,
        span: Span,
    ) -> Grading {
        let f = self.fields("grading", block, fields::of("grading"), true);
        let factors = f.factors.iter().map(|factor| self.factor(factor)).collect();
        let grades_block = f.block("grades");
        let grades = grades_block.map(|b| self.grades(b)).unwrap_or_default();
        if grades_block.is_none() {
            self.missing(&name, "grading", "grades");
        }
        Grading {
            name,
            title,
            factors,
            grades,
            grades_span: grades_block.map(|b| b.span),
            span,
        }
    }

    fn factor(&mut self, factor: &tree::FactorEntry) -> Factor {
        let weight = self.percent(&factor.weight).and_then(|w| {
            if w.node <= Decimal::ZERO {
                self.out_of_range(
                    w.span,
                    format!("{}%", w.node),
                    "权重应大于 0",
                    "a weight must be above 0",
                );
                None
            } else {
                Some(w)
            }
        });
        let mut direction = None;
        let (source, children) = match &factor.block {
            None => (None, Vec::new()),
            Some(block) => {
                let f = self.fields("factor", block, fields::of("factor"), true);
                let source = f.value("source").and_then(|v| self.string(v));
                direction = f.value("direction").and_then(|v| self.direction(v));
                (
                    source,
                    f.factors.iter().map(|child| self.factor(child)).collect(),
                )
            }
        };
        Factor {
            name: factor.name.clone(),
            weight,
            source,
            direction,
            children,
            span: factor.span,
        }
    }

    fn grades(&mut self, block: &Block) -> Vec<GradeBand> {
        let mut bands: Vec<GradeBand> = Vec::new();
        for entry in &block.entries {
            let Entry::Field(tree::Field {
                key: Key::Ident(key),
                value,
                span,
            }) = entry
            else {
                self.push(
                    Issue::new(IssueCode::UnitMismatch, entry.span())
                        .text("expected", "`等级: 下限 .. 上限`", "`grade: low .. high`")
                        .text("found", "其他写法", "another form"),
                );
                continue;
            };
            let Some(band) = self.interval(value) else {
                continue;
            };
            let outside = band.lo.is_some_and(|lo| lo < Decimal::ZERO)
                || band.hi.is_some_and(|hi| hi.value > Decimal::ONE_HUNDRED);
            if outside {
                self.out_of_range(
                    value.span,
                    band.math(),
                    "分数区间应在 [0, 100] 内",
                    "score bands lie within [0, 100]",
                );
                continue;
            }
            if bands.iter().any(|b| b.name.text == key.text) {
                self.push(
                    Issue::new(IssueCode::Syntax, key.span)
                        .text("expected", "每个等级只写一次", "each grade once")
                        .text(
                            "found",
                            format!("重复的 `{}`", key.text),
                            format!("`{}` again", key.text),
                        ),
                );
                continue;
            }
            bands.push(GradeBand {
                name: key.clone(),
                band,
                span: *span,
            });
        }
        bands
    }

    fn limits(&mut self, region: Option<Ident>, block: &Block, span: Span) -> Limits {
        let f = self.fields("limits", block, fields::of("limits"), false);
        let mut fields: Vec<(String, Span)> = Vec::new();
        for (key, entry) in &f.entries {
            if !key.starts_with("commission_") {
                let span = match entry {
                    Entry::Field(field) => field.key.span(),
                    other => other.span(),
                };
                fields.push((key.to_string(), span));
            }
        }
        let commission_channels = f
            .block("commission_channels")
            .map(|b| {
                self.kind_map(b, "commission_channels", &mut fields, |this, v| {
                    Some(this.ident_list(v))
                })
            })
            .unwrap_or_default();
        let commission_min_grade = f
            .block("commission_min_grade")
            .map(|b| {
                self.kind_map(b, "commission_min_grade", &mut fields, |this, v| {
                    this.ident(v)
                })
            })
            .unwrap_or_default();
        let max_concurrent = f.value("max_concurrent").and_then(|v| {
            let q = self.quantity(v, |u| u == Unit::Plain, "正整数", "a positive whole number")?;
            match u32::try_from(q.node.value.normalize().mantissa()) {
                Ok(n) if q.node.value.normalize().scale() == 0 && n >= 1 => {
                    Some(Spanned::new(n, q.span))
                }
                _ => {
                    self.out_of_range(
                        v.span,
                        q.node.to_string(),
                        "应为不小于 1 的整数",
                        "a whole number of at least 1",
                    );
                    None
                }
            }
        });
        let support_lead = f.value("support_lead").and_then(|v| {
            let q = self.quantity(
                v,
                Unit::is_duration,
                "时长,如 `3 天`",
                "a duration such as `3 天`",
            )?;
            let n = q.node.value.normalize();
            match i64::try_from(n.mantissa()) {
                Ok(amount) if n.scale() == 0 && amount >= 0 => Some(Spanned::new(
                    Duration {
                        amount,
                        unit: q.node.unit,
                    },
                    q.span,
                )),
                _ => {
                    self.out_of_range(
                        v.span,
                        q.node.to_string(),
                        "应为非负整数",
                        "a whole number of at least 0",
                    );
                    None
                }
            }
        });
        let required_support = f.value("required_support").map(|v| {
            let items: Vec<&Value> = match &v.kind {
                ValueKind::List(values) => values.iter().collect(),
                _ => vec![v],
            };
            items
                .into_iter()
                .filter_map(|x| self.enum_value(x, SupportKind::KEYWORDS))
                .collect()
        });
        let max_first_return_ratio = f
            .value("max_first_return_ratio")
            .and_then(|v| self.percent(v));
        Limits {
            region,
            max_concurrent,
            support_lead,
            required_support,
            max_first_return_ratio,
            commission_channels,
            commission_min_grade,
            fields,
            span,
        }
    }

    /// `{ KIND: value … }` inside `limits` (v2 eligibility); each key is
    /// recorded in `fields` as `block.kind`.
    fn kind_map<T>(
        &mut self,
        block: &Block,
        name: &str,
        fields: &mut Vec<(String, Span)>,
        mut read: impl FnMut(&mut Self, &Value) -> Option<T>,
    ) -> Vec<(Spanned<CommissionKind>, T)> {
        let f = self.fields(name, block, fields::of(name), false);
        let mut out = Vec::new();
        for (key, entry) in &f.entries {
            let Entry::Field(field) = entry else { continue };
            let Some(kind) = CommissionKind::ALL.iter().find(|k| k.as_str() == *key) else {
                continue;
            };
            fields.push((format!("{name}.{key}"), field.key.span()));
            if let Some(value) = read(self, &field.value) {
                out.push((Spanned::new(*kind, field.key.span()), value));
            }
        }
        out
    }

    fn direction(&mut self, value: &Value) -> Option<Spanned<Direction>> {
        self.enum_value(value, Direction::KEYWORDS)
    }

    fn boolean(&mut self, value: &Value) -> Option<Spanned<bool>> {
        match &value.kind {
            ValueKind::Ident(t) if t == "true" => Some(Spanned::new(true, value.span)),
            ValueKind::Ident(t) if t == "false" => Some(Spanned::new(false, value.span)),
            _ => {
                self.mismatch(value, "true 或 false", "true or false");
                None
            }
        }
    }

    /// A `mix` reference case (v2).
    fn reference(&mut self, block: &Block) -> MixReference {
        let mut reference = MixReference {
            date: None,
            channel: None,
            product: None,
            grade: None,
            months: None,
            monthly_revenue: None,
            dimensions: Vec::new(),
            span: block.span,
        };
        let mut seen: Vec<&str> = Vec::new();
        for entry in &block.entries {
            let Entry::Field(tree::Field {
                key: Key::Ident(key),
                value,
                ..
            }) = entry
            else {
                self.push(
                    Issue::new(IssueCode::UnitMismatch, entry.span())
                        .text("expected", "`字段: 取值`", "`field: value`")
                        .text("found", "其他写法", "another form"),
                );
                continue;
            };
            if seen.contains(&key.text.as_str()) {
                self.push(
                    Issue::new(IssueCode::Syntax, key.span)
                        .text("expected", "每个字段只写一次", "each field once")
                        .text(
                            "found",
                            format!("重复的字段 `{}`", key.text),
                            format!("field `{}` again", key.text),
                        ),
                );
                continue;
            }
            seen.push(key.text.as_str());
            match key.text.as_str() {
                "date" => reference.date = self.single_date(value),
                "channel" => reference.channel = self.ident(value),
                "product" => reference.product = self.ident(value),
                "grade" => reference.grade = self.ident(value),
                "months" => {
                    reference.months = self
                        .quantity(
                            value,
                            |u| u == Unit::Plain || u == Unit::Month,
                            "月数,如 `24`",
                            "a number of months such as `24`",
                        )
                        .and_then(|q| {
                            let n = q.node.value.normalize();
                            match u32::try_from(n.mantissa()) {
                                Ok(m) if n.scale() == 0 && (1..=600).contains(&m) => {
                                    Some(Spanned::new(m, q.span))
                                }
                                _ => {
                                    self.out_of_range(
                                        q.span,
                                        q.node.to_string(),
                                        "应为 1–600 的整数",
                                        "a whole number within 1–600",
                                    );
                                    None
                                }
                            }
                        })
                }
                "monthly_revenue" => reference.monthly_revenue = self.money(value),
                _ => {
                    let value = match &value.kind {
                        ValueKind::Ident(_) => self.ident(value).map(ReferenceValue::Name),
                        ValueKind::Scalar(Scalar::Quantity(q)) => {
                            Some(ReferenceValue::Quantity(Spanned::new(*q, value.span)))
                        }
                        _ => {
                            self.mismatch(value, "取值或数量", "a value or a quantity");
                            None
                        }
                    };
                    if let Some(value) = value {
                        reference.dimensions.push(ReferenceSetting {
                            key: key.clone(),
                            value,
                        });
                    }
                }
            }
        }
        reference
    }
}

fn region_nodes(nodes: &[tree::RegionNode]) -> Vec<RegionNode> {
    nodes
        .iter()
        .map(|n| RegionNode {
            name: n.name.clone(),
            children: region_nodes(&n.children),
        })
        .collect()
}

/// The lowering of every named kind, from the item table: `Item::V(self.LOWER(…))`.
macro_rules! lower_named {
    ($([$(#[doc = $doc:literal])* $kind:ident $keyword:literal $variant:ident($payload:ty) $ast:ident
        ($($table:ident by $lower:ident)?) ($zh:literal, $en:literal)
        ($symbol:ident, $completion:ident, $token:ident) ($fields:expr) $example:literal])*) => {
        impl Lowerer<'_> {
            /// An item of a named kind from its block; `None` for `regions`
            /// and `limits`, which are read apart.
            #[allow(clippy::useless_conversion)] // `.into()` boxes the kinds whose payload is boxed
            fn named_item(
                &mut self,
                kind: Kind,
                name: Ident,
                title: Option<StrLit>,
                block: &Block,
                span: Span,
            ) -> Option<Item> {
                match kind {
                    $($(Kind::$kind => Some(Item::$variant(self.$lower(name, title, block, span).into())),)?)*
                    _ => None,
                }
            }
        }
    };
}

crate::item_kinds!(lower_named);
