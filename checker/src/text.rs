//! Customer-facing text: which strings a campaign shows customers, where a
//! piece of a string is in the source, and a reader for Chinese numbers.

use koujing_grammar::ast::{Campaign, StrLit};
use koujing_grammar::Span;
use rust_decimal::Decimal;

/// Every customer-facing string of a campaign: title, wording fields, FAQ
/// questions and answers, in that order.
pub fn customer_texts(campaign: &Campaign) -> Vec<&StrLit> {
    let mut texts: Vec<&StrLit> = Vec::new();
    texts.extend(campaign.title.as_ref());
    texts.extend(campaign.wording.iter().map(|w| &w.text));
    for entry in &campaign.faq {
        texts.push(&entry.question);
        texts.push(&entry.answer);
    }
    texts
}

/// The source span of `value[start..end]` of a string literal, and whether it
/// is exact (a string with escapes maps to the whole literal).
pub fn locate(source: &str, lit: &StrLit, start: usize, end: usize) -> (Span, bool) {
    let raw = source.get(lit.span.start + 1..lit.span.end.saturating_sub(1));
    if raw == Some(lit.value.as_str()) {
        (
            Span::new(lit.span.start + 1 + start, lit.span.start + 1 + end),
            true,
        )
    } else {
        (lit.span, false)
    }
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

pub fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || matches!(c, '十' | '百' | '千' | '点')
}

/// Read a number at the start of `text`: Arabic (`150.4`) or Chinese
/// (`五`, `十五`, `二十`, `一百二十`, `三点五`). Returns the value and the
/// bytes read.
pub fn read_number(text: &str) -> Option<(Decimal, usize)> {
    let arabic: usize = text
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || (*c == '.' && *i > 0))
        .map(|(_, c)| c.len_utf8())
        .sum();
    if arabic > 0 {
        let digits = text.get(..arabic)?.trim_end_matches('.');
        return digits.parse::<Decimal>().ok().map(|v| (v, digits.len()));
    }
    let mut total: u64 = 0;
    let mut current: u64 = 0;
    let mut read = 0;
    let mut fraction: Option<(u64, u32)> = None;
    let mut any = false;
    for c in text.chars() {
        if let Some((digits, places)) = fraction.as_mut() {
            match cn_digit(c) {
                Some(d) => {
                    *digits = *digits * 10 + u64::from(d);
                    *places += 1;
                }
                None => break,
            }
        } else if let Some(d) = cn_digit(c) {
            current = current * 10 + u64::from(d);
        } else {
            let unit = match c {
                '十' => 10,
                '百' => 100,
                '千' => 1000,
                '点' if any => {
                    fraction = Some((0, 0));
                    read += c.len_utf8();
                    continue;
                }
                _ => break,
            };
            total += current.max(1) * unit;
            current = 0;
        }
        any = true;
        read += c.len_utf8();
    }
    if !any {
        return None;
    }
    let mut value = Decimal::from(total + current);
    if let Some((digits, places)) = fraction {
        if places == 0 {
            read -= '点'.len_utf8();
        } else {
            value += Decimal::new(i64::try_from(digits).ok()?, places);
        }
    }
    Some((value, read))
}

/// Normalise for comparison (KJ3003): drop white space and punctuation
/// (ASCII and full width), fold ASCII case.
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0x2010..=0x2027 | 0x2030..=0x205E | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F)
        || c == '·'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Option<(String, usize)> {
        read_number(text).map(|(v, len)| (v.normalize().to_string(), len))
    }

    #[test]
    fn reads_arabic_and_chinese_numbers() {
        assert_eq!(n("150.4元"), Some(("150.4".into(), 5)));
        assert_eq!(n("5折"), Some(("5".into(), 1)));
        assert_eq!(n("五元"), Some(("5".into(), 3)));
        assert_eq!(n("十元"), Some(("10".into(), 3)));
        assert_eq!(n("二十元"), Some(("20".into(), 6)));
        assert_eq!(n("十五元"), Some(("15".into(), 6)));
        assert_eq!(n("一百二十元"), Some(("120".into(), 12)));
        assert_eq!(n("三点五元"), Some(("3.5".into(), 9)));
        assert_eq!(n("元"), None);
        assert_eq!(n("5."), Some(("5".into(), 1)));
    }

    #[test]
    fn normalises_punctuation_space_and_case() {
        assert_eq!(normalise("什么是 VoLTE?"), normalise("什么是volte？"));
        assert_eq!(normalise("半价,可以吗!"), normalise("半价，可以吗！"));
        assert_ne!(normalise("半价可以吗"), normalise("五折可以吗"));
    }
}
