//! Rule 1: numbers written with Arabic digits or Chinese numerals
//! (`零〇一二两三四五六七八九十百千万`, `点` for the decimal point). Whole
//! Chinese numbers are read by the `chinese-number` crate; a run of bare
//! digits (`二〇二六`) reads digit by digit, as years are written.

use rust_decimal::Decimal;

/// The value of a Chinese digit (`〇`/`零` … `九`, `两`).
pub fn cn_digit(c: char) -> Option<u32> {
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

/// A digit, Arabic or Chinese.
pub fn digit(c: char) -> Option<u32> {
    c.to_digit(10).or_else(|| cn_digit(c))
}

fn is_cn_unit(c: char) -> bool {
    matches!(c, '十' | '百' | '千' | '万')
}

/// Whether `c` can be part of a Chinese numeral.
pub fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || is_cn_unit(c)
}

/// Read a whole Chinese numeral (no decimal point): `十九` → 19, `二〇二六` →
/// 2026, `一百二十` → 120.
pub fn chinese_integer(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    if text.chars().count() > 1 && text.chars().all(|c| cn_digit(c).is_some()) {
        return text.chars().try_fold(0u64, |acc, c| {
            acc.checked_mul(10)?.checked_add(u64::from(cn_digit(c)?))
        });
    }
    chinese_number::from_chinese_to_u64_ten_thousand(text).ok()
}

/// Read a number at the start of `text`: Arabic (`150.4`) or Chinese
/// (`五`, `十五`, `一百二十`, `三点五`). Returns the value and the bytes read.
pub fn read_number(text: &str) -> Option<(Decimal, usize)> {
    let arabic: usize = text
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || (*c == '.' && *i > 0))
        .map(|(_, c)| c.len_utf8())
        .sum();
    if arabic > 0 {
        let mut digits = text.get(..arabic)?;
        // `8.8.` or `12.1`: keep the first decimal point only.
        if let Some(second) = digits.match_indices('.').nth(1).map(|(i, _)| i) {
            digits = digits.get(..second)?;
        }
        let digits = digits.trim_end_matches('.');
        if digits.len() > 24 {
            return None;
        }
        return digits.parse::<Decimal>().ok().map(|v| (v, digits.len()));
    }
    let whole: usize = text
        .chars()
        .take_while(|c| is_cn_numeral(*c))
        .map(char::len_utf8)
        .sum();
    if whole == 0 {
        return None;
    }
    let integer = Decimal::from(chinese_integer(text.get(..whole)?)?);
    let rest = text.get(whole..)?;
    if let Some(fraction) = rest.strip_prefix('点') {
        let digits: Vec<u32> = fraction.chars().map_while(cn_digit).collect();
        if !digits.is_empty() && digits.len() <= 6 {
            let mut value = integer;
            let mut scale = Decimal::ONE;
            for d in &digits {
                scale /= Decimal::TEN;
                value += Decimal::from(*d) * scale;
            }
            return Some((value, whole + '点'.len_utf8() + digits.len() * 3));
        }
    }
    Some((integer, whole))
}

/// The number that ends right at the end of `text` (for `8折`, `八八折`):
/// its start and its text.
pub fn number_before(text: &str) -> Option<(usize, &str)> {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| {
            c.is_ascii_digit() || *c == '.' || cn_digit(*c).is_some() || matches!(c, '十' | '点')
        })
        .last()
        .map(|(i, _)| i)?;
    let mut start = start;
    // A leading `.` is no part of the number.
    while text.get(start..)?.starts_with('.') {
        start += 1;
    }
    let digits = text.get(start..)?;
    (!digits.is_empty()).then_some((start, digits))
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
        assert_eq!(n("五元"), Some(("5".into(), 3)));
        assert_eq!(n("十元"), Some(("10".into(), 3)));
        assert_eq!(n("十九块九"), Some(("19".into(), 6)));
        assert_eq!(n("一百二十元"), Some(("120".into(), 12)));
        assert_eq!(n("三点五元"), Some(("3.5".into(), 9)));
        assert_eq!(n("两元"), Some(("2".into(), 3)));
        assert_eq!(n("二〇二六年"), Some(("2026".into(), 12)));
        assert_eq!(n("12.1-"), Some(("12.1".into(), 4)));
        assert_eq!(n("元"), None);
        assert_eq!(n("5."), Some(("5".into(), 1)));
    }

    #[test]
    fn number_before_reads_back() {
        assert_eq!(number_before("享八八"), Some((3, "八八")));
        assert_eq!(number_before("打8.5"), Some((3, "8.5")));
        assert_eq!(number_before("享"), None);
    }
}
