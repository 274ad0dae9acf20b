//! Statements in one clause of normalised text: money, discounts, prices,
//! savings, list prices, thresholds (rules 2–4, 11, 12), dates with their
//! role (rules 7, 8, 11, 12), gifts, bonus and points (rules 10–12).

use std::ops::Range;
use std::sync::LazyLock;

use rust_decimal::Decimal;

use super::dates::{date_at, skip_time, DateExpr, Mention};
use super::normalise::{is_space, unchanged_by_nfkc};
use super::number::{cn_digit, digit, is_cn_numeral, number_before, read_number};
use super::words::Words;
use super::{Money, Period, Role, Said, Volume};

/// A statement in clause coordinates.
pub struct Raw {
    pub said: Said,
    pub span: Range<usize>,
    pub value: Range<usize>,
}

/// What earlier clauses of the same text said (`原价A` makes a later `现B`
/// a price statement).
#[derive(Default)]
pub struct TextContext {
    original_price_seen: bool,
}

/// Money read at a position: value, the bytes of the number, the end of the
/// amount, a stated period, and whether it is a unit rate (`/GB`).
struct Amount {
    value: Decimal,
    number: Range<usize>,
    end: usize,
    period: Option<Period>,
    rate: bool,
}

fn char_before(s: &str, at: usize) -> Option<char> {
    s.get(..at)?.chars().next_back()
}

/// Rule 2: money at byte `at` of `s`.
fn money_at(s: &str, at: usize) -> Option<Amount> {
    let tail = s.get(at..)?;
    if char_before(s, at)
        .is_some_and(|c| c.is_ascii_digit() || c == '.' || cn_digit(c).is_some() || c == '十')
    {
        return None;
    }
    let mut prefix = 0;
    for p in ["¥", "RMB", "rmb", "人民币"] {
        if tail.starts_with(p) {
            prefix = p.len();
            break;
        }
    }
    let (mut value, len) = read_number(tail.get(prefix..)?)?;
    let number = at + prefix..at + prefix + len;
    let mut end = number.end;
    let rest = s.get(end..)?;
    let integer = value.fract().is_zero();
    if let Some(after) = rest.strip_prefix('元').or_else(|| rest.strip_prefix('块')) {
        end += 3;
        // N元M角 / N块M / N块M毛
        let mut chars = after.chars();
        if let Some(d) = chars.next().and_then(digit) {
            let next = chars.next();
            let unit_word = matches!(next, Some('角' | '毛'));
            let stop = next.is_none_or(|c| {
                digit(c).is_none() && c != '.' && c != '元' && !c.is_ascii_alphanumeric()
            });
            let jiao_ok = rest.starts_with('块') || unit_word;
            if integer && jiao_ok && stop {
                value += Decimal::from(d) / Decimal::TEN;
                end += if d <= 9 && after.starts_with(|c: char| c.is_ascii_digit()) {
                    1
                } else {
                    3
                };
                if unit_word {
                    end += 3;
                }
            }
        }
        if s.get(end..)?.starts_with('钱') {
            end += 3;
        }
    } else if (rest.starts_with('毛') || rest.starts_with('角')) && prefix == 0 {
        if !(integer && value < Decimal::TEN) {
            return None;
        }
        value /= Decimal::TEN;
        end += 3;
    } else if prefix == 0 {
        return None;
    }
    let after = s.get(end..)?;
    let mut period = None;
    let mut rate = false;
    if let Some(p) = after.strip_prefix('/').or_else(|| after.strip_prefix("每")) {
        let (unit, used) = match p.chars().next() {
            Some('月') => (Some(Period::Month), 3),
            Some('年') => (Some(Period::Year), 3),
            Some('天' | '日') => (Some(Period::Day), 3),
            _ => (None, 0),
        };
        if unit.is_some() {
            period = unit;
            end += after.len() - p.len() + used;
        } else if after.starts_with('/')
            || p.starts_with(|c: char| {
                c.is_ascii_alphabetic() || matches!(c, '分' | '条' | '次' | '个' | '兆')
            })
        {
            rate = true;
        }
    }
    Some(Amount {
        value,
        number,
        end,
        period,
        rate,
    })
}

/// A period word in `s` (rule 2).
fn period_in(s: &str) -> Option<Period> {
    if ["每月", "月费", "月租", "包月", "/月", "按月"]
        .iter()
        .any(|w| s.contains(w))
    {
        Some(Period::Month)
    } else if ["每年", "包年", "年费", "/年", "一年"]
        .iter()
        .any(|w| s.contains(w))
    {
        Some(Period::Year)
    } else if ["每天", "每日", "日均", "/天", "包天"]
        .iter()
        .any(|w| s.contains(w))
    {
        Some(Period::Day)
    } else {
        None
    }
}

/// The (up to) `n` characters before byte `at`.
fn before_chars(s: &str, at: usize, n: usize) -> &str {
    let head = s.get(..at).unwrap_or_default();
    let start = head
        .char_indices()
        .rev()
        .take(n)
        .last()
        .map_or(at, |(i, _)| i);
    head.get(start..).unwrap_or_default()
}

/// Caps and floors (rule 12): a cap word just before, or a floor just after.
fn capped(s: &str, start: usize, end: usize) -> bool {
    let before = before_chars(s, start, 6);
    let after = s.get(end..).unwrap_or_default();
    ["最高", "不高于", "不超过", "最多", "高达", "上限", "封顶"]
        .iter()
        .any(|w| before.contains(w))
        || ["及以上", "以上", "起", "封顶", "以内", "以下", "左右"]
            .iter()
            .any(|w| after.starts_with(w))
}

/// Deposit or spending words (rule 11): an amount after them is no price.
const DEPOSIT: [&str; 7] = ["预存", "充值", "消费", "话费", "押金", "存", "缴费"];

/// Fee words (rule 11): `0元` / `免费` next to them is no discount.
const FEES: [&str; 7] = [
    "办理费",
    "手续费",
    "安装费",
    "调测费",
    "押金",
    "工本费",
    "选号费",
];

/// Price triggers (rule 4), longest first among those sharing a prefix.
const PRICE_WORDS: [&str; 17] = [
    "现只需",
    "现仅需",
    "只需",
    "仅需",
    "只要",
    "低至",
    "最低",
    "现价",
    "活动价",
    "到手价",
    "优惠价",
    "特价",
    "仅售",
    "只售",
    "只收",
    "仅",
    "现",
];

/// Saving triggers (rule 4).
const SAVING_WORDS: [&str; 8] = ["立减", "直降", "减免", "优惠", "便宜", "立省", "节省", "省"];

/// [`PRICE_WORDS`]; `现` alone is a trigger only after `原价A` (rule 12).
static PRICES_AFTER_ORIGINAL: LazyLock<Words> = LazyLock::new(|| Words::leftmost(PRICE_WORDS));
static PRICES: LazyLock<Words> =
    LazyLock::new(|| Words::leftmost(PRICE_WORDS.into_iter().filter(|w| *w != "现")));
static SAVINGS: LazyLock<Words> = LazyLock::new(|| Words::leftmost(SAVING_WORDS));

/// Words that may stand between a trigger and its amount.
fn short_between(between: &str, max: usize) -> bool {
    between.chars().count() <= max
        && !between
            .chars()
            .any(|c| c.is_ascii_digit() || cn_digit(c).is_some() || matches!(c, ',' | '。'))
}

/// The first amount after `from`, within `max` characters, and the text
/// between. A number that is not money (`3步`, `5GB`) ends the search.
fn amount_after(s: &str, from: usize, max: usize) -> Option<(Amount, &str)> {
    let tail = s.get(from..)?;
    for (offset, c) in tail.char_indices().take(max + 1) {
        if let Some(amount) = money_at(s, from + offset) {
            return Some((amount, tail.get(..offset)?));
        }
        if c.is_ascii_digit() || cn_digit(c).is_some() || c == '十' {
            return None;
        }
    }
    None
}

/// The characters of a clause that the statement readers need: a reader
/// whose cue is missing reads nothing in the clause, so it is not run. A
/// pre-filter only: every cue is a necessary condition of the reader's code
/// below, never a rule of its own.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cues {
    /// An ASCII digit or a Chinese numeral (every amount, threshold, gift
    /// and date written with digits).
    number: bool,
    /// `元`, `块`, `毛`, `角`, `¥`, `RMB`, `rmb`, `人民币`: money (rule 2).
    money: bool,
    /// `满`: a threshold (rule 4).
    threshold: bool,
    /// `折`, `半`, `免`, `收`, `%` (rules 3, 12).
    discount: bool,
    /// `年`, `月`, `日`, `号`, `-`, `/`, `.`: what follows the number of a
    /// date (rule 7).
    date: bool,
    /// A holiday or a month end without digits: `元旦`, `…节`, `国庆`,
    /// `中秋`, `五一`, `月底` (rule 7).
    holiday: bool,
    /// A gift verb: `送`, `赠`, `返`, `额外`, `奖励` (rule 10).
    gift: bool,
    /// `倍`: points (rule 10).
    points: bool,
}

impl Cues {
    /// Scan a clause once.
    pub fn of(clause: &str) -> Cues {
        let mut cues = Cues::default();
        let mut previous = None;
        for c in clause.chars() {
            match c {
                '0'..='9' => cues.number = true,
                '元' | '块' | '毛' | '角' | '¥' | 'R' | 'r' | '人' => cues.money = true,
                '满' => cues.threshold = true,
                '折' | '半' | '免' | '收' | '%' => cues.discount = true,
                '年' | '月' | '日' | '号' | '-' | '/' | '.' => cues.date = true,
                '旦' | '节' | '庆' | '秋' | '底' => cues.holiday = true,
                '送' | '赠' | '返' | '额' | '奖' => cues.gift = true,
                '倍' => cues.points = true,
                _ => {}
            }
            if is_cn_numeral(c) {
                cues.number = true;
                cues.holiday |= previous == Some('五') && c == '一';
            }
            previous = Some(c);
        }
        cues
    }

    fn prices(self) -> bool {
        self.number && (self.money || self.threshold)
    }

    fn dates(self) -> bool {
        self.holiday || (self.number && self.date)
    }

    fn gifts(self) -> bool {
        self.number && self.gift
    }

    /// The cues of a whole text as written, before normalising: every cue
    /// of any of its clauses (all cues when it has a character that
    /// normalising may change; `五` counts as `五一`, which removing white
    /// space may join).
    pub fn of_written(text: &str) -> Cues {
        if text.chars().any(|c| !unchanged_by_nfkc(c) && !is_space(c)) {
            return Cues {
                number: true,
                money: true,
                threshold: true,
                discount: true,
                date: true,
                holiday: true,
                gift: true,
                points: true,
            };
        }
        let mut cues = Cues::of(text);
        cues.holiday |= text.contains('五');
        cues
    }

    /// Whether any reader may find a statement in the clause.
    pub fn any(self) -> bool {
        self.prices() || self.discount || self.dates() || self.gifts() || self.points
    }
}

/// Read every statement of one clause (`cues`: [`Cues::of`] the clause).
pub fn read_clause(clause: &str, cues: Cues, context: &mut TextContext) -> Vec<Raw> {
    let mut out: Vec<Raw> = Vec::new();
    if cues.prices() {
        prices(clause, context, &mut out);
    }
    if cues.discount {
        discounts(clause, &mut out);
    }
    if cues.dates() {
        dates(clause, &mut out);
    }
    if cues.gifts() {
        gifts(clause, &mut out);
    }
    if cues.points {
        points(clause, &mut out);
    }
    out.sort_by_key(|r| (r.span.start, r.span.end));
    out
}

fn overlaps(out: &[Raw], range: &Range<usize>) -> bool {
    out.iter()
        .any(|r| r.span.start < range.end && range.start < r.span.end)
}

/// Rules 2, 4, 11, 12: price, saving, list-price and threshold statements,
/// read in this order (a later reader skips what an earlier one took).
fn prices(s: &str, context: &mut TextContext, out: &mut Vec<Raw>) {
    let gift_clause = ["送", "赠", "返"].iter().any(|v| s.contains(v));
    thresholds(s, out);
    fee_words(s, context, out);
    monthly_rent(s, out);
    price_triggers(s, context, out);
    saving_triggers(s, out);
    enjoyed_saving(s, out);
    bare_zero(s, gift_clause, out);
}

/// 满A减B: a threshold discount.
fn thresholds(s: &str, out: &mut Vec<Raw>) {
    for (at, _) in s.match_indices('满') {
        let Some((spend, sl)) = s.get(at + 3..).and_then(read_number) else {
            continue;
        };
        let mut cursor = at + 3 + sl;
        if s.get(cursor..).is_some_and(|r| r.starts_with('元')) {
            cursor += 3;
        }
        let Some(rest) = s.get(cursor..).and_then(|r| r.strip_prefix('减')) else {
            continue;
        };
        let Some((off, ol)) = read_number(rest) else {
            continue;
        };
        let value_start = cursor + 3;
        let mut end = value_start + ol;
        if s.get(end..).is_some_and(|r| r.starts_with('元')) {
            end += 3;
        }
        out.push(Raw {
            said: Said::Threshold { spend, off },
            span: at..end,
            value: value_start..value_start + ol,
        });
    }
}

/// 原价A / 原月费A / 原资费A, 标准资费A, 月费A: list and fee prices.
fn fee_words(s: &str, context: &mut TextContext, out: &mut Vec<Raw>) {
    for (word, original) in [
        ("原价", true),
        ("原月费", true),
        ("原资费", true),
        ("原套餐费", true),
        ("原月租", true),
        ("标准资费", false),
        ("月费", false),
        ("月租", false),
    ] {
        for (at, _) in s.match_indices(word) {
            if !original && char_before(s, at) == Some('原') {
                continue;
            }
            let from = at + word.len();
            let Some((amount, between)) = amount_after(s, from, 3) else {
                continue;
            };
            if !matches!(
                between,
                "" | ":" | "为" | "是" | "为:" | "每月" | "仅" | "只要"
            ) && !original
            {
                continue;
            }
            if original && !short_between(between, 3) {
                continue;
            }
            if amount.rate || capped(s, at, amount.end) {
                continue;
            }
            let before = before_chars(s, at, 4);
            let discounted = ["折后", "优惠后", "现", "活动期间", "减免后", "期间"]
                .iter()
                .any(|w| before.ends_with(w));
            let period = amount.period.or(if word == "原价" {
                period_in(before)
            } else {
                Some(Period::Month)
            });
            let money = Money {
                value: amount.value,
                period: period.unwrap_or(Period::Unstated),
            };
            let span = at..amount.end;
            if overlaps(out, &span) {
                continue;
            }
            if original {
                context.original_price_seen = true;
            }
            let said = if amount.value.is_zero() && !original {
                Said::Discount(Decimal::ONE_HUNDRED)
            } else if discounted || matches!(between, "仅" | "只要") {
                Said::Price(money)
            } else {
                Said::ListPrice(money)
            };
            out.push(Raw {
                said,
                span,
                value: amount.number,
            });
        }
    }
}

/// A元月租: a monthly rent.
fn monthly_rent(s: &str, out: &mut Vec<Raw>) {
    for (at, _) in s.match_indices("元月租").chain(s.match_indices("元的月租")) {
        let Some((start, _)) = number_before(s.get(..at).unwrap_or_default()) else {
            continue;
        };
        let Some(amount) = money_at(s, start) else {
            continue;
        };
        let span = start..at + "元月租".len();
        if !overlaps(out, &span) {
            out.push(Raw {
                said: Said::ListPrice(Money {
                    value: amount.value,
                    period: Period::Month,
                }),
                span,
                value: amount.number,
            });
        }
    }
}

/// Price triggers (仅需, 只要, 现价 …) followed by an amount.
fn price_triggers(s: &str, context: &TextContext, out: &mut Vec<Raw>) {
    let mut at = 0;
    while let Some(rest) = s.get(at..) {
        let triggers = if context.original_price_seen {
            &PRICES_AFTER_ORIGINAL
        } else {
            &PRICES
        };
        let Some((offset, word)) = triggers.first(rest) else {
            break;
        };
        let start = at + offset;
        let from = start + word.len();
        at = from;
        let Some((amount, between)) = amount_after(s, from, 6) else {
            continue;
        };
        if !short_between(between, 6)
            || DEPOSIT
                .iter()
                .any(|w| between.contains(w) || before_chars(s, start, 2).ends_with(w))
            || between.contains('限')
            || amount.rate
            || capped(s, start, amount.end)
        {
            continue;
        }
        let span = start..amount.end;
        if overlaps(out, &span) {
            continue;
        }
        let period = amount
            .period
            .or_else(|| period_in(between))
            .or_else(|| period_in(before_chars(s, start, 4)))
            .unwrap_or(Period::Unstated);
        let money = Money {
            value: amount.value,
            period,
        };
        let said = if amount.value.is_zero() {
            Said::Discount(Decimal::ONE_HUNDRED)
        } else {
            Said::Price(money)
        };
        out.push(Raw {
            said,
            span,
            value: amount.number,
        });
        at = amount.end;
    }
}

/// Saving triggers (立减, 直降, 省 …) followed by an amount.
fn saving_triggers(s: &str, out: &mut Vec<Raw>) {
    let mut at = 0;
    while let Some(rest) = s.get(at..) {
        let Some((offset, word)) = SAVINGS.first(rest) else {
            break;
        };
        let start = at + offset;
        let from = start + word.len();
        at = from;
        if word == "优惠" && s.get(from..).is_some_and(|r| r.starts_with('价')) {
            continue;
        }
        let Some((amount, between)) = amount_after(s, from, 4) else {
            continue;
        };
        if !matches!(
            between,
            "" | "了" | "下" | "去" | "掉" | "每月" | "月费" | "话费" | "月租" | "费用"
        ) || amount.rate
            || capped(s, start, amount.end)
        {
            continue;
        }
        let span = start..amount.end;
        if overlaps(out, &span) {
            continue;
        }
        let period = amount
            .period
            .or_else(|| period_in(between))
            .or_else(|| period_in(before_chars(s, start, 4)))
            .unwrap_or(Period::Unstated);
        out.push(Raw {
            said: Said::Saving(Money {
                value: amount.value,
                period,
            }),
            span,
            value: amount.number,
        });
        at = amount.end;
    }
}

/// 享受N元/月的优惠: a saving stated before its word.
fn enjoyed_saving(s: &str, out: &mut Vec<Raw>) {
    for (at, _) in s.match_indices("优惠") {
        let head = s.get(..at).unwrap_or_default();
        let head = head.strip_suffix('的').unwrap_or(head);
        let Some(start) = head
            .char_indices()
            .rev()
            .take(12)
            .find_map(|(i, _)| money_at(s, i).filter(|a| a.end == head.len()).map(|_| i))
        else {
            continue;
        };
        let Some(amount) = money_at(s, start) else {
            continue;
        };
        let span = start..at + "优惠".len();
        let lead = before_chars(s, start, 3);
        if overlaps(out, &span)
            || !(lead.ends_with('享') || lead.ends_with("享受") || lead.ends_with("减免"))
            || capped(s, start, span.end)
        {
            continue;
        }
        out.push(Raw {
            said: Said::Saving(Money {
                value: amount.value,
                period: amount.period.unwrap_or(Period::Unstated),
            }),
            span,
            value: amount.number,
        });
    }
}

/// A bare 0元 / 零元 about the offer (rule 3), not next to a fee word.
fn bare_zero(s: &str, gift_clause: bool, out: &mut Vec<Raw>) {
    for word in ["0元", "零元"] {
        for (at, _) in s.match_indices(word) {
            let span = at..at + word.len();
            if char_before(s, at)
                .is_some_and(|c| c.is_ascii_digit() || c == '.' || cn_digit(c).is_some())
                || overlaps(out, &span)
                || gift_clause
            {
                continue;
            }
            let before = before_chars(s, at, 4);
            let after: String = s
                .get(span.end..)
                .unwrap_or_default()
                .chars()
                .take(4)
                .collect();
            if FEES
                .iter()
                .any(|f| before.ends_with(f) || after.starts_with(f))
                || after.starts_with('/')
                || DEPOSIT.iter().any(|w| before.ends_with(w))
            {
                continue;
            }
            out.push(Raw {
                said: Said::Discount(Decimal::ONE_HUNDRED),
                span: span.clone(),
                value: span,
            });
        }
    }
}

/// `8` → 8, `8.5` / `85` / `0.85` → 8.5, `八` → 8, `八八` / `八点八` → 8.8.
fn discount_number(digits: &str) -> Option<Decimal> {
    if digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        let value: Decimal = digits.parse().ok()?;
        if digits.contains('.') {
            return Some(if value < Decimal::ONE {
                value * Decimal::TEN
            } else {
                value
            });
        }
        return match digits.len() {
            1 => Some(value),
            2 => Some(value / Decimal::TEN),
            _ => None,
        };
    }
    if digits.contains('点') {
        let (value, read) = read_number(digits)?;
        return (read == digits.len()).then_some(value);
    }
    let values: Vec<u32> = digits.chars().map(cn_digit).collect::<Option<_>>()?;
    match values.as_slice() {
        [a] => Some(Decimal::from(*a)),
        [a, b] => Some(Decimal::from(*a) + Decimal::from(*b) / Decimal::TEN),
        _ => None,
    }
}

/// Whether `免费` at `at` is about the offer (rules 3, 12).
fn free_about_offer(s: &str, at: usize) -> bool {
    let after = s.get(at + "免费".len()..).unwrap_or_default();
    let before = before_chars(s, at, 4);
    const SERVICE: [&str; 24] = [
        "咨询", "拨打", "热线", "查询", "WiFi", "wifi", "WIFI", "停车", "上门", "安装", "升级",
        "提速", "接打", "接听", "领", "赠", "送", "获", "兑换", "抽奖", "参与", "报名", "下载",
        "寄",
    ];
    const BEFORE: [&str; 8] = [
        "互打", "接听", "来电", "咨询", "拨打", "网内", "亲情", "短信",
    ];
    if SERVICE.iter().any(|w| after.starts_with(w)) || BEFORE.iter().any(|w| before.contains(w)) {
        return false;
    }
    !FEES
        .iter()
        .any(|f| before.ends_with(f) || after.starts_with(f))
}

/// Rules 1, 3, 12: discount statements.
fn discounts(s: &str, out: &mut Vec<Raw>) {
    let mut found: Vec<Raw> = Vec::new();
    for (at, _) in s.match_indices('折') {
        let end = at + '折'.len_utf8();
        let next = s.get(end..).unwrap_or_default();
        if next.starts_with(['叠', '旧', '返', '腾', '扣', '算', '合']) {
            continue;
        }
        let before = s.get(..at).unwrap_or_default();
        if before.ends_with('对') {
            let start = at - 3;
            let start = if before.get(..start).is_some_and(|b| b.ends_with('打')) {
                start - 3
            } else {
                start
            };
            found.push(Raw {
                said: Said::Discount(Decimal::from(50)),
                span: start..end,
                value: start..end,
            });
            continue;
        }
        let Some((start, digits)) = number_before(before) else {
            continue;
        };
        let Some(n) = discount_number(digits) else {
            continue;
        };
        if n <= Decimal::ZERO || n >= Decimal::TEN || capped(s, start, end) {
            continue;
        }
        found.push(Raw {
            said: Said::Discount(Decimal::ONE_HUNDRED - n * Decimal::TEN),
            span: start..end,
            value: start..end,
        });
    }
    for word in ["半价", "减半"] {
        for (at, _) in s.match_indices(word) {
            found.push(Raw {
                said: Said::Discount(Decimal::from(50)),
                span: at..at + word.len(),
                value: at..at + word.len(),
            });
        }
    }
    for (at, _) in s.match_indices("免费") {
        if free_about_offer(s, at) {
            found.push(Raw {
                said: Said::Discount(Decimal::ONE_HUNDRED),
                span: at..at + 6,
                value: at..at + 6,
            });
        }
    }
    for word in [
        "免月费",
        "免月租",
        "免收月费",
        "免收月租",
        "免套餐费",
        "免功能费",
    ] {
        for (at, _) in s.match_indices(word) {
            found.push(Raw {
                said: Said::Discount(Decimal::ONE_HUNDRED),
                span: at..at + word.len(),
                value: at..at + word.len(),
            });
        }
    }
    for lead in ["免收", "不收取", "不收"] {
        for (at, _) in s.match_indices(lead) {
            let tail: String = s
                .get(at + lead.len()..)
                .unwrap_or_default()
                .chars()
                .take(8)
                .collect();
            let fee = ["月费", "功能费", "套餐费", "月租", "包月费"]
                .iter()
                .filter_map(|f| tail.find(f).map(|i| i + f.len()))
                .min();
            if let Some(len) = fee {
                if tail.get(..len).is_some_and(|t| t.contains(',')) {
                    continue;
                }
                let span = at..at + lead.len() + len;
                found.push(Raw {
                    said: Said::Discount(Decimal::ONE_HUNDRED),
                    span: span.clone(),
                    value: span,
                });
            }
        }
    }
    // 优惠N% / 省N% / 立减N% / 降价N% / N% off.
    for (at, _) in s.match_indices('%') {
        let Some((start, digits)) = number_before(s.get(..at).unwrap_or_default()) else {
            continue;
        };
        let Ok(n) = digits.parse::<Decimal>() else {
            continue;
        };
        let lead = before_chars(s, start, 2);
        let after = s.get(at + 1..).unwrap_or_default();
        let off = after
            .get(..3)
            .is_some_and(|w| w.eq_ignore_ascii_case("off"));
        let trig = ["优惠", "省", "立减", "降价", "直降", "减免", "便宜"]
            .iter()
            .any(|w| lead.ends_with(w));
        if (trig || off)
            && n > Decimal::ZERO
            && n <= Decimal::ONE_HUNDRED
            && !capped(s, start, at + 1)
        {
            let end = if off { at + 4 } else { at + 1 };
            found.push(Raw {
                said: Said::Discount(n),
                span: start..end,
                value: start..at + 1,
            });
        }
    }
    for raw in found {
        if !overlaps(out, &raw.span) {
            out.push(raw);
        }
    }
}

/// Clause cues that make a date no window date (rules 8, 11, 12).
const NOT_WINDOW: [&str; 27] = [
    "有效期",
    "内有效",
    "前有效",
    "止有效",
    "有效时间",
    "有效期限",
    "业务有效",
    "使用",
    "过期",
    "清零",
    "到账",
    "返还",
    "发放",
    "寄出",
    "领取",
    "兑换",
    "优惠持续",
    "优惠期",
    "生效",
    "入网",
    "另行通知",
    "开户",
    "激活",
    "扣费",
    "出账",
    "账单",
    "恢复原价前",
];

static NOT_WINDOW_WORDS: LazyLock<Words> = LazyLock::new(|| Words::overlapping(NOT_WINDOW));

/// Rules 7, 8, 11, 12: dates with their role.
fn dates(s: &str, out: &mut Vec<Raw>) {
    // Every mention.
    let mut mentions: Vec<(usize, Mention)> = Vec::new();
    let mut at = 0;
    while at < s.len() {
        let boundary = !char_before(s, at)
            .is_some_and(|c| c.is_ascii_digit() || cn_digit(c).is_some() || c == '十' || c == '.');
        if boundary {
            if let Some(m) = s.get(at..).and_then(date_at) {
                let len = m.len;
                mentions.push((at, m));
                at += len;
                continue;
            }
        }
        at += s
            .get(at..)
            .and_then(|r| r.chars().next())
            .map_or(1, char::len_utf8);
    }
    if mentions.is_empty() {
        return;
    }
    let cleaned = s.replace("办理有效", "").replace("参与有效", "");
    if NOT_WINDOW_WORDS.any_in(&cleaned) {
        return;
    }
    let mut roles: Vec<Option<(Role, i64)>> = vec![None; mentions.len()];
    for (i, (start, m)) in mentions.iter().enumerate() {
        let end = start + m.len;
        let after_raw = s.get(end..).unwrap_or_default();
        let after = after_raw.get(skip_time(after_raw)..).unwrap_or_default();
        // A range A至B.
        if let Some((next_start, _)) = mentions.get(i + 1) {
            let gap = s
                .get(end + skip_time(after_raw)..*next_start)
                .unwrap_or_default();
            if matches!(
                gap,
                "至" | "到"
                    | "-"
                    | "~"
                    | "—"
                    | "——"
                    | "－"
                    | "–"
                    | "起至"
                    | "起到"
                    | "起-"
                    | "起—"
                    | "开始至"
                    | "起——"
            ) {
                if roles.get(i).is_some_and(Option::is_none) {
                    if let Some(r) = roles.get_mut(i) {
                        *r = Some((Role::Start, 0));
                    }
                }
                if let Some(r) = roles.get_mut(i + 1) {
                    *r = Some((Role::End, 0));
                }
                continue;
            }
        }
        if roles.get(i).is_some_and(Option::is_some) {
            continue;
        }
        let before = s.get(..*start).unwrap_or_default();
        let role = if after.starts_with('已') {
            None
        } else if after.starts_with("起恢复原价") || after.starts_with("恢复原价") {
            Some((Role::End, -1))
        } else if ["前有效", "止有效"].iter().any(|w| after.starts_with(w)) {
            None
        } else if ["前", "之前", "以前", "截止", "为止", "结束", "止"]
            .iter()
            .any(|w| after.starts_with(w))
        {
            Some((Role::End, 0))
        } else if ["起", "开始", "起始"].iter().any(|w| after.starts_with(w)) {
            Some((Role::Start, 0))
        } else {
            before_role(before)
        };
        let role =
            role.or_else(|| matches!(m.expr, DateExpr::MonthEnd { .. }).then_some((Role::End, 0)));
        if let (Some(slot), Some(role)) = (roles.get_mut(i), role) {
            // A day-only mention needs a marker right before it.
            if matches!(m.expr, DateExpr::DayOnly { .. }) && before_role(before).is_none() {
                continue;
            }
            *slot = Some(role);
        }
    }
    for ((start, m), role) in mentions.iter().zip(roles) {
        if let Some((role, shift)) = role {
            let span = *start..start + m.len;
            if overlaps(out, &span) {
                continue;
            }
            out.push(Raw {
                said: Said::Date {
                    expr: m.expr,
                    role,
                    shift,
                },
                span: span.clone(),
                value: span,
            });
        }
    }
}

/// A marker right before a date (rule 8), also with a label between.
fn before_role(before: &str) -> Option<(Role, i64)> {
    let b = before.trim_end_matches([':', ' ']);
    const LABELS: [(&[&str], Role); 2] = [
        (
            &[
                "开始时间",
                "起始日期",
                "活动开始",
                "开始日期",
                "起始时间",
                "上线时间",
            ],
            Role::Start,
        ),
        (
            &[
                "结束时间",
                "截止日期",
                "截止时间",
                "结束日期",
                "活动截止",
                "活动结束",
                "截至日期",
            ],
            Role::End,
        ),
    ];
    for (labels, role) in LABELS {
        if labels.iter().any(|label| b.ends_with(label)) {
            return Some((role, 0));
        }
    }
    for dash in [
        "即日起-",
        "即日起—",
        "即日起——",
        "即日起~",
        "即日起至",
        "即日起到",
    ] {
        if before.ends_with(dash) {
            return Some((Role::End, 0));
        }
    }
    if ["截至", "截止", "至", "到", "止"]
        .iter()
        .any(|w| b.ends_with(w))
    {
        return Some((Role::End, 0));
    }
    if ["自", "从"].iter().any(|w| before.ends_with(w)) {
        return Some((Role::Start, 0));
    }
    None
}

/// Gift verbs (rule 10), longest first.
const GIFT_VERBS: [&str; 12] = [
    "额外赠送",
    "获赠",
    "赠送",
    "加送",
    "多送",
    "再送",
    "返还",
    "额外",
    "送",
    "赠",
    "返",
    "奖励",
];

static GIFT_VERB_WORDS: LazyLock<Words> = LazyLock::new(|| Words::leftmost(GIFT_VERBS));

/// Rules 10–12: gift money and bonus quantities after a gift verb.
fn gifts(s: &str, out: &mut Vec<Raw>) {
    let deposit_return =
        (s.contains("预存") || s.contains("存款") || s.contains("押金")) && s.contains('返');
    if deposit_return {
        return;
    }
    let mut at = 0;
    while let Some(rest) = s.get(at..) {
        let Some((offset, verb)) = GIFT_VERB_WORDS.first(rest) else {
            break;
        };
        let start = at + offset;
        let from = start + verb.len();
        at = from;
        let lead = before_chars(s, start, 6);
        let tail = s.get(from..).unwrap_or_default();
        // The first number after the verb, within a short modifier.
        let Some((offset, _)) = tail.char_indices().take(10).find(|(i, c)| {
            (c.is_ascii_digit() || cn_digit(*c).is_some() || *c == '十')
                && read_number(tail.get(*i..).unwrap_or_default()).is_some()
        }) else {
            continue;
        };
        let between = tail.get(..offset).unwrap_or_default();
        if between.contains([',', '。', '%'])
            || ["预存", "存款", "押金", "充值", "消费"]
                .iter()
                .any(|w| between.contains(w))
        {
            continue;
        }
        let total_words = ["共", "合计", "累计", "总计", "总共", "一共"];
        let total = total_words
            .iter()
            .any(|w| lead.contains(w) || between.contains(w));
        let per_period = ["每月", "每期", "按月", "月返", "每个月"]
            .iter()
            .any(|w| lead.contains(w) || between.contains(w))
            || tail
                .get(offset..)
                .is_some_and(|t| t.contains("/月") && !total);
        let number_at = from + offset;
        if let Some(amount) = money_at(s, number_at) {
            if amount.rate || capped(s, start, amount.end) {
                at = amount.end;
                continue;
            }
            let span = start..amount.end;
            if !overlaps(out, &span) {
                out.push(Raw {
                    said: Said::Gift {
                        value: amount.value,
                        total,
                        per_period: per_period
                            || amount.period.is_some_and(|p| p != Period::Unstated),
                    },
                    span,
                    value: amount.number,
                });
            }
            at = amount.end;
            continue;
        }
        let Some((value, len)) = read_number(tail.get(offset..).unwrap_or_default()) else {
            continue;
        };
        let unit_at = number_at + len;
        let unit_text = s.get(unit_at..).unwrap_or_default();
        let (unit, ul) = if let Some(u) = ["GB", "gb", "Gb", "G", "g"]
            .iter()
            .find(|u| unit_text.starts_with(**u))
        {
            (Volume::Gb, u.len())
        } else if let Some(u) = ["MB", "mb", "Mb", "M", "兆"]
            .iter()
            .find(|u| unit_text.starts_with(**u))
        {
            (Volume::Mb, u.len())
        } else if unit_text.starts_with("分钟") {
            (Volume::Minutes, "分钟".len())
        } else {
            continue;
        };
        let end = unit_at + ul;
        if capped(s, start, end) {
            continue;
        }
        // 100M宽带 is a bandwidth, not a bonus.
        if s.get(end..)
            .is_some_and(|r| r.starts_with("宽带") || r.starts_with("带宽"))
        {
            continue;
        }
        let span = start..end;
        if !overlaps(out, &span) {
            out.push(Raw {
                // `N GB/月` and `每月送N GB` compare N (rule 12): a bonus
                // is only set aside when the text also gives a total.
                said: Said::Bonus {
                    value,
                    unit,
                    total,
                    per_period: per_period && !total,
                },
                span,
                value: number_at..unit_at,
            });
        }
        at = end;
    }
}

/// Rule 10: `N倍积分`, `积分N倍`, `积分翻倍`, `双倍积分`.
fn points(s: &str, out: &mut Vec<Raw>) {
    if !s.contains("积分") {
        return;
    }
    for (at, _) in s.match_indices('倍') {
        let end = at + '倍'.len_utf8();
        let before = s.get(..at).unwrap_or_default();
        let (start, n) = if let Some(b) = before.strip_suffix('翻') {
            (b.len(), Decimal::TWO)
        } else if let Some(b) = before.strip_suffix('双') {
            (b.len(), Decimal::TWO)
        } else if let Some((start, digits)) = number_before(before) {
            let Some((n, read)) = read_number(digits) else {
                continue;
            };
            if read != digits.len() {
                continue;
            }
            (start, n)
        } else {
            continue;
        };
        let near_before = before_chars(s, start, 4).contains("积分");
        let near_after = s.get(end..).is_some_and(|r| r.starts_with("积分"));
        if !(near_before || near_after) || capped(s, start, end) {
            continue;
        }
        let span = if near_after {
            start..end + "积分".len()
        } else {
            let lead = s.get(..start).and_then(|b| b.rfind("积分"));
            lead.unwrap_or(start)..end
        };
        if !overlaps(out, &span) {
            out.push(Raw {
                said: Said::Points(n),
                span,
                value: start..end,
            });
        }
    }
}

/// The first amount of money in `s` (a gift's own text, rule 10).
pub fn first_money(s: &str) -> Option<Decimal> {
    s.char_indices()
        .find_map(|(i, _)| money_at(s, i).filter(|a| !a.rate))
        .map(|a| a.value)
}
