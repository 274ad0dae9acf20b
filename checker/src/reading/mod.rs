//! Reading Chinese customer text (DIAGNOSTICS.md, "Reading Chinese customer
//! text (v2)", rules 1–12). The checks (KJ3001, KJ3002, KJ3004 in
//! `checks::wording`) compare what is read here with the fields; this module
//! knows nothing of findings.
//!
//! The pipeline:
//!
//! 1. [`normalise`]: NFKC, white space, quoted names masked (rules 1, 11, 12),
//!    with a map back to the original bytes.
//! 2. Clauses (rules 5, 11, 12): split at `,。;!?、` and line breaks; a clause
//!    about another offer (another declared product, a product kind other
//!    than the offer's, `另…`, the past, partner merchants, stacking
//!    exclusions) states nothing.
//! 3. Statements in the remaining clauses: discounts (rules 1, 3, 12), prices,
//!    savings, list prices and thresholds (rules 2, 4, 11, 12), dates with
//!    their role (rules 7, 8, 11, 12, in [`dates`]), gifts, bonus and points
//!    (rules 10, 11, 12). Numbers are read by [`number`] (rule 1).
//!
//! Every [`Statement`] carries the byte range of what was read in the
//! *original* text, so a finding points at the exact characters.
//!
//! Speed (issue 15): a clause is first scanned once for the characters each
//! statement reader needs (a digit or numeral, `元`, `折`, a gift verb, …);
//! a clause without any of them states nothing and is neither checked
//! against the offer nor read. The rules' word lists are searched in one
//! pass each (Aho-Corasick automata built once, in `words`).

pub mod dates;
pub mod normalise;
pub mod number;
mod statements;
mod words;

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use koujing_grammar::ast::ProductKind;
use rust_decimal::Decimal;

pub use dates::{DateExpr, Holiday, Window};
pub use normalise::Normalised;

/// The period an amount of money is stated for (rule 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// `/月`, `每月`, `月费`.
    Month,
    /// `/年`, `包年`, `每年`: compared after dividing by 12.
    Year,
    /// `/天`, `每天`, `日均`: never compared.
    Day,
    /// No period stated: the product price's period.
    Unstated,
}

/// An amount of money with its period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money {
    pub value: Decimal,
    pub period: Period,
}

/// A unit of a bonus quantity (rule 10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Volume {
    Gb,
    Mb,
    Minutes,
}

/// The role of a date (rule 8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Start,
    End,
}

/// What a statement says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Said {
    /// A discount of D% (rule 3).
    Discount(Decimal),
    /// The final price (rule 4).
    Price(Money),
    /// The saving: list price − final price (rule 4).
    Saving(Money),
    /// The list price: `原价A`, `月费N元`, `N元月租`, `标准资费N元` (rules 4, 12).
    ListPrice(Money),
    /// `满A减B` (rule 4).
    Threshold { spend: Decimal, off: Decimal },
    /// A start or end of taking up the offer (rule 8); `shift` is −1 for
    /// `X起恢复原价`.
    Date {
        expr: DateExpr,
        role: Role,
        shift: i64,
    },
    /// Money given as a gift (rule 10): `total` when stated as a total
    /// (`共返50元`), `per_period` when stated per month (`每月返10元`).
    Gift {
        value: Decimal,
        total: bool,
        per_period: bool,
    },
    /// A bonus quantity (rule 10).
    Bonus {
        value: Decimal,
        unit: Volume,
        total: bool,
        per_period: bool,
    },
    /// A points multiplier (rule 10).
    Points(Decimal),
}

/// A customer attribute a clause is limited to (rule 12, tiers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tier {
    /// `全球通用户…`: compared only when the audience narrows to this value.
    Value(String),
    /// `其他用户…`, `非全球通用户…`: never compared.
    Others,
}

/// One thing the text states about the campaign's offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub said: Said,
    /// Bytes of the whole statement in the original text.
    pub span: Range<usize>,
    /// Bytes of the number (or date) a fix would replace, in the original text.
    pub value_span: Range<usize>,
    /// The clause's tier, if it names one.
    pub tier: Option<Tier>,
}

/// The campaign's offer, as far as reading needs it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Offer<'a> {
    /// Index of the offer in the product list given to [`Reader::new`].
    pub product: Option<usize>,
    pub kind: Option<ProductKind>,
    /// The offer's name and title (a kind word they contain is its own).
    pub name: &'a str,
    pub title: &'a str,
}

/// A declared product: its name and title.
pub struct ProductName<'a> {
    pub name: &'a str,
    pub title: Option<&'a str>,
}

/// Reads customer text; built once per workspace.
pub struct Reader {
    products: Option<AhoCorasick>,
    /// Pattern index → product index.
    owner: Vec<usize>,
    attributes: Option<AhoCorasick>,
    attribute_values: Vec<String>,
}

impl Reader {
    /// A reader that knows the declared products (rule 5) and the values of
    /// audience dimensions (rule 12, tiers).
    pub fn new(products: &[ProductName<'_>], attribute_values: &[&str]) -> Reader {
        let mut patterns: Vec<String> = Vec::new();
        let mut owner = Vec::new();
        for (i, p) in products.iter().enumerate() {
            for name in std::iter::once(p.name).chain(p.title) {
                let text = Normalised::new(name).text;
                if text.chars().count() >= 2 {
                    patterns.push(text);
                    owner.push(i);
                }
            }
        }
        let build = |patterns: &[String]| {
            (!patterns.is_empty())
                .then(|| {
                    AhoCorasick::builder()
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(patterns)
                        .ok()
                })
                .flatten()
        };
        let attribute_values: Vec<String> = attribute_values
            .iter()
            .map(|v| Normalised::new(v).text)
            .filter(|v| !v.is_empty())
            .collect();
        Reader {
            products: build(&patterns),
            owner,
            attributes: build(&attribute_values),
            attribute_values,
        }
    }

    /// Whether `text` may state anything at all: `false` only when no
    /// clause of it has a cue of a statement (see `read`), so reading it
    /// would find nothing. Checked on the text as written, without
    /// normalising it.
    pub fn may_state(text: &str) -> bool {
        statements::Cues::of_written(text).any()
    }

    /// Everything `text` states about `offer` (rules 1–12).
    pub fn read(&self, text: &str, offer: Offer<'_>) -> Vec<Statement> {
        let normalised = Normalised::new(text);
        let full = normalised.text.as_str();
        let mut out = Vec::new();
        let mut context = statements::TextContext::default();
        for range in clauses(full) {
            let Some(clause) = full.get(range.clone()) else {
                continue;
            };
            let cues = statements::Cues::of(clause);
            if !cues.any() || !self.about_offer(clause, offer) {
                continue;
            }
            let raws = statements::read_clause(clause, cues, &mut context);
            if raws.is_empty() {
                continue;
            }
            let tier = self.tier(clause);
            for raw in raws {
                let shift = |r: &Range<usize>| r.start + range.start..r.end + range.start;
                out.push(Statement {
                    said: raw.said,
                    span: normalised.original(shift(&raw.span)),
                    value_span: normalised.original(shift(&raw.value)),
                    tier: tier.clone(),
                });
            }
        }
        out
    }

    /// Rules 5, 11, 12: whether a clause is about the campaign's offer.
    fn about_offer(&self, clause: &str, offer: Offer<'_>) -> bool {
        if let Some(products) = &self.products {
            for m in products.find_iter(clause) {
                let after = clause.get(m.end()..).unwrap_or_default();
                if after.starts_with("用户") || after.starts_with("客户") {
                    continue;
                }
                let product = self.owner.get(m.pattern().as_usize()).copied();
                if product.is_some() && product != offer.product {
                    return false;
                }
            }
        }
        // Kind words (rule 11), the past or another campaign (rule 5),
        // partner merchants and stacking exclusions (rule 12): one pass.
        for (i, at) in OFFER_WORDS.all(clause) {
            let Some((_, word_kind)) = KIND_WORDS.get(i) else {
                // Any word after the kind words sets the clause aside.
                return false;
            };
            let word = OFFER_WORDS.word(i);
            let Some(kind) = offer.kind else {
                continue;
            };
            if *word_kind == kind || offer.name.contains(word) || offer.title.contains(word) {
                continue;
            }
            let after = clause.get(at + word.len()..).unwrap_or_default();
            if word != "手机" || !PHONE_NOT_TERMINAL.iter().any(|w| after.starts_with(w)) {
                return false;
            }
        }
        let trimmed = clause.trim_start_matches(|c: char| !c.is_alphanumeric());
        for lead in ["另外", "此外", "同时", "另"] {
            if let Some(rest) = trimmed.strip_prefix(lead) {
                let rest = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
                let head: String = rest.chars().take(3).collect();
                if !GIFT_HINTS.iter().any(|v| head.contains(v)) {
                    return false;
                }
                break;
            }
        }
        if let Some(at) = clause.find('原') {
            let rest = clause.get(at..).unwrap_or_default();
            let ended = rest
                .find('已')
                .and_then(|i| rest.get(i..))
                .is_some_and(|r| {
                    ["结束", "截止", "下线", "停止", "到期"]
                        .iter()
                        .any(|w| r.contains(w))
                });
            if ended {
                return false;
            }
        }
        true
    }

    /// Rule 12: the customer attribute a clause is limited to.
    fn tier(&self, clause: &str) -> Option<Tier> {
        if ["其他用户", "其余用户", "其他客户", "其余客户", "其它用户"]
            .iter()
            .any(|w| clause.contains(w))
        {
            return Some(Tier::Others);
        }
        let attributes = self.attributes.as_ref()?;
        for m in attributes.find_iter(clause) {
            let after = clause.get(m.end()..).unwrap_or_default();
            if !(after.starts_with("用户") || after.starts_with("客户")) {
                continue;
            }
            if clause.get(..m.start()).is_some_and(|b| b.ends_with('非')) {
                return Some(Tier::Others);
            }
            let value = self.attribute_values.get(m.pattern().as_usize())?;
            return Some(Tier::Value(value.clone()));
        }
        None
    }
}

/// Kind words (rule 11); plan and data have none.
const KIND_WORDS: [(&str, ProductKind); 9] = [
    ("手机", ProductKind::Terminal),
    ("终端", ProductKind::Terminal),
    ("合约机", ProductKind::Terminal),
    ("宽带", ProductKind::Broadband),
    ("号卡", ProductKind::SimCard),
    ("套卡", ProductKind::SimCard),
    ("新卡", ProductKind::SimCard),
    ("彩铃", ProductKind::ValueAdded),
    ("视频会员", ProductKind::ValueAdded),
];

/// After `手机`, these make it no terminal (rule 12): the phone number, the
/// mobile service, or a channel.
const PHONE_NOT_TERMINAL: [&str; 10] = [
    "上网",
    "流量",
    "号",
    "用户",
    "卡",
    "营业厅",
    "客户端",
    "APP",
    "app",
    "支付",
];

/// Words of a gift verb after `另`/`另外`/`此外`/`同时` (rule 5).
const GIFT_HINTS: [&str; 3] = ["送", "赠", "返"];

/// The past or another campaign (rule 5).
const OTHER_CAMPAIGN: [&str; 6] = ["往期", "此前", "上期", "曾经", "曾于", "以往"];

/// Partner merchants and stacking exclusions (rule 12).
const NOT_THIS_OFFER: [&str; 8] = [
    "商户",
    "合作商家",
    "不再叠加",
    "不可叠加",
    "不能叠加",
    "不与其他",
    "不能与",
    "不与",
];

/// The kind words first (so a word's index is its index in `KIND_WORDS`),
/// then the words that set a clause aside (rules 5, 11, 12).
static OFFER_WORDS: LazyLock<words::Words> = LazyLock::new(|| {
    words::Words::overlapping(
        KIND_WORDS
            .iter()
            .map(|(w, _)| *w)
            .chain(OTHER_CAMPAIGN)
            .chain(NOT_THIS_OFFER),
    )
});

/// The amount of money a gift's text names (`100元话费` → 100), if any.
pub fn gift_amount(text: &str) -> Option<Decimal> {
    statements::first_money(&Normalised::new(text).text)
}

/// Rule 5 and 11: clause ranges of normalised text. A clause that is only
/// `另外`/`此外`/`同时` joins the next.
pub fn clauses(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let mut pending: Option<usize> = None;
    let mut push = |range: Range<usize>, out: &mut Vec<Range<usize>>| {
        let body = text.get(range.clone()).unwrap_or_default().trim();
        if matches!(body, "另外" | "此外" | "同时") {
            pending.get_or_insert(range.start);
            return;
        }
        let begin = pending.take().unwrap_or(range.start);
        if !body.is_empty() {
            out.push(begin..range.end);
        }
    };
    for (at, c) in text.char_indices() {
        if matches!(c, ',' | '。' | ';' | '!' | '?' | '、' | '\n' | '|' | '｡') {
            push(start..at, &mut out);
            start = at + c.len_utf8();
        }
    }
    push(start..text.len(), &mut out);
    out
}

#[cfg(test)]
mod tests;
