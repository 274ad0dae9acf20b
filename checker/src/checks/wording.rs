//! 口径: customer text against the fields. Discounts and prices (KJ3001),
//! dates (KJ3002), and the same FAQ question answered differently anywhere
//! in the workspace (KJ3003).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use koujing_grammar::ast::{Benefit, Campaign, DateRange, StrLit, Unit};
use koujing_grammar::{Arg, Edit, Fix};
use rust_decimal::Decimal;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, FileId, LocalText};
use crate::resolve::Index;
use crate::text::{customer_texts, is_cn_numeral, locate, normalise, read_number};
use crate::workspace::Workspace;

pub fn analyse(workspace: &Workspace, index: &Index<'_>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for def in &index.campaigns.defs {
        let Some(file) = workspace.file(def.file) else {
            continue;
        };
        let campaign = def.item;
        let final_price = final_price(index, campaign);
        for lit in customer_texts(campaign) {
            if let Some(benefit) = &campaign.benefit {
                if let Benefit::Discount(p) = benefit.node {
                    discounts(&file.text, def.file, lit, p, &mut diagnostics);
                }
            }
            if let Some(price) = final_price {
                prices(&file.text, def.file, lit, price, &mut diagnostics);
            }
            if let Some(window) = &campaign.window {
                dates(&file.text, def.file, lit, window, &mut diagnostics);
            }
        }
    }
    diagnostics.extend(same_question(index));
    diagnostics
}

/// The price the customer pays, when the fields say (discount of the
/// product's price, or the special price).
pub fn final_price(index: &Index<'_>, campaign: &Campaign) -> Option<(Decimal, Unit)> {
    match &campaign.benefit.as_ref()?.node {
        Benefit::Price(q) => Some((q.value, q.unit)),
        Benefit::Discount(p) => {
            let product = index.products.get(&campaign.offer.as_ref()?.text)?;
            let price = product.item.price?.node;
            Some((
                price.value * (Decimal::ONE_HUNDRED - p) / Decimal::ONE_HUNDRED,
                price.unit,
            ))
        }
        _ => None,
    }
}

fn show(value: Decimal) -> String {
    value.normalize().to_string()
}

/// Discount mentions: `N折` (Arabic or Chinese), `半价`, `免费`.
fn discounts(source: &str, file: FileId, lit: &StrLit, p: Decimal, out: &mut Vec<Diagnostic>) {
    let text = lit.value.as_str();
    let mut mentions: Vec<(usize, usize, Decimal)> = Vec::new();
    for (at, _) in text.match_indices('折') {
        let before = text.get(..at).unwrap_or_default();
        // The number right before `折`.
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| {
                c.is_ascii_digit() || *c == '.' || (is_cn_numeral(*c) && *c != '百' && *c != '千')
            })
            .last()
            .map(|(i, _)| i);
        let Some(start) = start else { continue };
        let digits = before.get(start..).unwrap_or_default();
        let Some(n) = discount_number(digits) else {
            continue;
        };
        if n <= Decimal::ZERO || n >= Decimal::TEN {
            continue;
        }
        mentions.push((
            start,
            at + '折'.len_utf8(),
            Decimal::ONE_HUNDRED - n * Decimal::TEN,
        ));
    }
    for (word, implied) in [("半价", Decimal::from(50)), ("免费", Decimal::ONE_HUNDRED)] {
        for (at, _) in text.match_indices(word) {
            mentions.push((at, at + word.len(), implied));
        }
    }
    mentions.sort();
    for (start, end, implied) in mentions {
        if implied == p {
            continue;
        }
        let quote = text.get(start..end).unwrap_or_default();
        let (span, exact) = locate(source, lit, start, end);
        let right = Decimal::TEN - p / Decimal::TEN;
        let replacement = if right.is_zero() {
            "免费".to_string()
        } else {
            format!("{}折", show(right))
        };
        let mut diagnostic = Diagnostic::new(
            Code::KJ3001,
            file,
            span,
            &[
                ("quote", Arg::plain(quote)),
                (
                    "implies",
                    Arg::text(
                        format!("优惠{}%", show(implied)),
                        format!("a {}% discount", show(implied)),
                    ),
                ),
                (
                    "actual",
                    Arg::text(
                        format!(" benefit 为 discount {}%(即{replacement})", show(p)),
                        format!("benefit is discount {}% ({replacement})", show(p)),
                    ),
                ),
            ],
        );
        if exact {
            diagnostic = diagnostic.fix(Fix {
                zh: format!("改为“{replacement}”"),
                en: format!("change to “{replacement}”"),
                edits: vec![Edit { span, replacement }],
            });
        }
        out.push(diagnostic);
    }
}

/// `8` → 8, `8.8` → 8.8, `88` → 8.8, `八` → 8, `八八` / `八点八` → 8.8.
fn discount_number(digits: &str) -> Option<Decimal> {
    if digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        let value: Decimal = digits.parse().ok()?;
        return Some(if !digits.contains('.') && value >= Decimal::TEN {
            value / Decimal::TEN
        } else {
            value
        });
    }
    let chars: Vec<char> = digits.chars().collect();
    if let [a, b] = chars.as_slice() {
        if !matches!(a, '十' | '点') && !matches!(b, '十' | '点') {
            let (x, _) = read_number(&a.to_string())?;
            let (y, _) = read_number(&b.to_string())?;
            return Some(x + y / Decimal::TEN);
        }
    }
    let (value, read) = read_number(digits)?;
    (read == digits.len()).then_some(value)
}

const PRICE_WORDS: [&str; 5] = ["只需", "仅需", "只要", "低至", "仅"];

/// Money after 只需 / 仅需 / 仅 / 只要 / 低至.
fn prices(
    source: &str,
    file: FileId,
    lit: &StrLit,
    price: (Decimal, Unit),
    out: &mut Vec<Diagnostic>,
) {
    let text = lit.value.as_str();
    let mut at = 0;
    while let Some(rest) = text.get(at..) {
        let Some((offset, word)) = PRICE_WORDS
            .iter()
            .filter_map(|w| rest.find(w).map(|i| (i, *w)))
            .min_by_key(|(i, w)| (*i, usize::MAX - w.len()))
        else {
            break;
        };
        let after = at + offset + word.len();
        at = after;
        // A period in front of the amount is skipped: 只需每月5元.
        let tail = text.get(after..).unwrap_or_default();
        let trimmed = tail.trim_start();
        let trimmed = trimmed
            .strip_prefix("每月")
            .or_else(|| trimmed.strip_prefix("每年"))
            .unwrap_or(trimmed)
            .trim_start();
        let cursor = after + (tail.len() - trimmed.len());
        let Some((value, read)) = text.get(cursor..).and_then(read_number) else {
            continue;
        };
        let end_number = cursor + read;
        let unit_tail = text.get(end_number..).unwrap_or_default().trim_start();
        if !(unit_tail.starts_with('元') || unit_tail.starts_with('块')) {
            continue;
        }
        if value == price.0 {
            continue;
        }
        let quote_end = end_number
            + (text.get(end_number..).unwrap_or_default().len() - unit_tail.len())
            + '元'.len_utf8();
        let quote = text.get(at - word.len()..quote_end).unwrap_or_default();
        let (number_span, exact) = locate(source, lit, cursor, end_number);
        let (span, _) = locate(source, lit, at - word.len(), quote_end);
        let expected = format!("{} {}", show(price.0), price.1.as_str());
        let mut diagnostic = Diagnostic::new(
            Code::KJ3001,
            file,
            span,
            &[
                ("quote", Arg::plain(quote)),
                (
                    "implies",
                    Arg::text(
                        format!("价格 {} 元", show(value)),
                        format!("a price of {} 元", show(value)),
                    ),
                ),
                (
                    "actual",
                    Arg::text(
                        format!("按字段计算最终价格为 {expected}"),
                        format!("the fields give a final price of {expected}"),
                    ),
                ),
            ],
        );
        if exact {
            diagnostic = diagnostic.fix(Fix {
                zh: format!("改为 {}", show(price.0)),
                en: format!("change to {}", show(price.0)),
                edits: vec![Edit {
                    span: number_span,
                    replacement: show(price.0),
                }],
            });
        }
        out.push(diagnostic);
    }
}

/// A date mention `YYYY年M月D日` / `M月D日` (or `号`) with its byte range and
/// the year if written.
fn date_mentions(text: &str) -> Vec<(usize, usize, Option<i32>, u32, u32)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices('月') {
        let before = text.get(..at).unwrap_or_default();
        let month_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit())
            .last()
            .map(|(i, _)| i);
        let Some(month_start) = month_start else {
            continue;
        };
        let Ok(month) = before.get(month_start..).unwrap_or_default().parse::<u32>() else {
            continue;
        };
        let after = text.get(at + '月'.len_utf8()..).unwrap_or_default();
        let day_len = after.chars().take_while(char::is_ascii_digit).count();
        let Ok(day) = after.get(..day_len).unwrap_or_default().parse::<u32>() else {
            continue;
        };
        let rest = after.get(day_len..).unwrap_or_default();
        let Some(marker) = ['日', '号'].into_iter().find(|m| rest.starts_with(*m)) else {
            continue;
        };
        let end = at + '月'.len_utf8() + day_len + marker.len_utf8();
        // An explicit year: `2026年` right before the month.
        let mut start = month_start;
        let mut year = None;
        if let Some(prefix) = text.get(..month_start).and_then(|b| b.strip_suffix('年')) {
            let digits = prefix
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .count();
            if digits == 4 {
                year = prefix.get(prefix.len() - 4..).and_then(|y| y.parse().ok());
                start = prefix.len() - 4;
            }
        }
        found.push((start, end, year, month, day));
    }
    found
}

fn dates(source: &str, file: FileId, lit: &StrLit, window: &DateRange, out: &mut Vec<Diagnostic>) {
    let text = lit.value.as_str();
    for (start, end, year, month, day) in date_mentions(text) {
        let before = text.get(..start).unwrap_or_default().trim_end();
        let after = text.get(end..).unwrap_or_default().trim_start();
        let is_end = ["截至", "截止", "至", "到"]
            .iter()
            .any(|w| before.ends_with(w))
            || ["前", "截止", "为止"].iter().any(|w| after.starts_with(w));
        let is_start = after.starts_with('起');
        let (which, expected) = if is_end {
            (("结束日", "end"), window.end)
        } else if is_start {
            (("开始日", "start"), Some(window.start))
        } else {
            continue;
        };
        let date = match year {
            Some(y) => NaiveDate::from_ymd_opt(y, month, day),
            None => {
                let years = [
                    window.start.year(),
                    window.end.map_or(window.start.year(), |e| e.year()),
                ];
                years
                    .iter()
                    .filter_map(|y| NaiveDate::from_ymd_opt(*y, month, day))
                    .find(|d| window.contains(*d))
                    .or_else(|| NaiveDate::from_ymd_opt(window.start.year(), month, day))
            }
        };
        let Some(date) = date else { continue };
        if Some(date) == expected {
            continue;
        }
        let quote = text.get(start..end).unwrap_or_default();
        let (span, exact) = locate(source, lit, start, end);
        let expected_text = expected.map_or_else(|| "无(长期有效)".to_string(), |d| d.to_string());
        let expected_en = expected.map_or_else(|| "open (no end)".to_string(), |d| d.to_string());
        let mut diagnostic = Diagnostic::new(
            Code::KJ3002,
            file,
            span,
            &[
                ("quote", Arg::plain(quote)),
                ("date", Arg::plain(date.to_string())),
                ("which", Arg::text(which.0, which.1)),
                ("expected", Arg::text(expected_text, expected_en)),
            ],
        );
        if let (true, Some(expected)) = (exact, expected) {
            let replacement = if year.is_some() {
                format!(
                    "{}年{}月{}日",
                    expected.year(),
                    expected.month(),
                    expected.day()
                )
            } else {
                format!("{}月{}日", expected.month(), expected.day())
            };
            diagnostic = diagnostic.fix(Fix {
                zh: format!("改为“{replacement}”"),
                en: format!("change to “{replacement}”"),
                edits: vec![Edit { span, replacement }],
            });
        }
        out.push(diagnostic);
    }
}

/// One FAQ entry somewhere in the workspace.
struct Answer<'w> {
    order: (Option<NaiveDate>, FileId, usize),
    file: FileId,
    owner: &'w str,
    question: &'w StrLit,
    answer: &'w StrLit,
}

/// KJ3003: the same question answered differently, once per pair.
fn same_question(index: &Index<'_>) -> Vec<Diagnostic> {
    let mut by_question: BTreeMap<String, Vec<Answer<'_>>> = BTreeMap::new();
    for def in &index.campaigns.defs {
        for entry in &def.item.faq {
            by_question
                .entry(normalise(&entry.question.value))
                .or_default()
                .push(Answer {
                    order: (
                        def.item.window.map(|w| w.start),
                        def.file,
                        entry.question.span.start,
                    ),
                    file: def.file,
                    owner: &def.item.name.text,
                    question: &entry.question,
                    answer: &entry.answer,
                });
        }
    }
    for def in &index.terms.defs {
        for entry in &def.item.faq {
            by_question
                .entry(normalise(&entry.question.value))
                .or_default()
                .push(Answer {
                    order: (None, def.file, entry.question.span.start),
                    file: def.file,
                    owner: &def.item.name.text,
                    question: &entry.question,
                    answer: &entry.answer,
                });
        }
    }
    let mut diagnostics = Vec::new();
    for answers in by_question.values().filter(|a| a.len() > 1) {
        let normalised: Vec<String> = answers.iter().map(|a| normalise(&a.answer.value)).collect();
        for (i, a) in answers.iter().enumerate() {
            for (j, b) in answers.iter().enumerate().skip(i + 1) {
                if normalised.get(i) == normalised.get(j) {
                    continue;
                }
                let (primary, other) = if a.order >= b.order { (a, b) } else { (b, a) };
                diagnostics.push(
                    Diagnostic::new(
                        Code::KJ3003,
                        primary.file,
                        primary.question.span,
                        &[
                            ("question", Arg::plain(&primary.question.value)),
                            ("other", Arg::plain(format!("`{}`", other.owner))),
                        ],
                    )
                    .related(
                        other.file,
                        other.answer.span,
                        LocalText::new(
                            format!("`{}` 的回答:“{}”", other.owner, other.answer.value),
                            format!("the answer in `{}`: “{}”", other.owner, other.answer.value),
                        ),
                    ),
                );
            }
        }
    }
    diagnostics
}
