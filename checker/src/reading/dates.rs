//! Rules 7, 8, 11 and 12 (dates): date mentions, their roles (start or end
//! of taking up the offer) and how a mention becomes a calendar day.

use chinese_lunisolar_calendar::LunisolarDate;
use chrono::{Datelike, Days, NaiveDate};

use super::number::{chinese_integer, cn_digit};

/// A holiday that names a day (rule 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holiday {
    /// 元旦: 1月1日.
    NewYear,
    /// 春节: 正月初一 by the Chinese calendar.
    SpringFestival,
    /// 五一 / 劳动节: 5月1日.
    LabourDay,
    /// 国庆: 10月1日.
    NationalDay,
    /// 中秋: 八月十五 by the Chinese calendar.
    MidAutumn,
}

impl Holiday {
    /// The Gregorian day of the holiday in `year`.
    pub fn day(self, year: i32) -> Option<NaiveDate> {
        let lunar = |month: u8, day: u8| {
            let year = u16::try_from(year).ok()?;
            let date = LunisolarDate::from_ymd(year, month, false, day).ok()?;
            Some(date.to_naive_date())
        };
        match self {
            Holiday::NewYear => NaiveDate::from_ymd_opt(year, 1, 1),
            Holiday::LabourDay => NaiveDate::from_ymd_opt(year, 5, 1),
            Holiday::NationalDay => NaiveDate::from_ymd_opt(year, 10, 1),
            Holiday::SpringFestival => lunar(1, 1),
            Holiday::MidAutumn => lunar(8, 15),
        }
    }
}

/// What a date mention says, before a year is inferred.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateExpr {
    /// `2026年12月20日`, `12月20日`, `2026-12-20`, `12.20`.
    Day {
        year: Option<i32>,
        month: u32,
        day: u32,
    },
    /// `20日` right after a marker: the month is inferred.
    DayOnly { day: u32 },
    /// `12月底` (Some) or `本月底`/`月底` (None: the window start's month).
    MonthEnd {
        year: Option<i32>,
        month: Option<u32>,
    },
    /// `元旦`, `春节`, …
    Holiday { year: Option<i32>, holiday: Holiday },
}

/// The window a date is read against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl Window {
    fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|e| day <= e)
    }

    fn years(&self) -> [i32; 3] {
        let last = self.end.map_or(self.start.year(), |e| e.year());
        [self.start.year(), last, self.start.year() + 1]
    }
}

fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

impl DateExpr {
    /// The day this mention names against `window` (rules 7 and 11): a
    /// missing year is the one that puts the day (after `shift` days) inside
    /// the window, else the window start's year.
    pub fn resolve(self, window: Window, shift: i64) -> Option<NaiveDate> {
        let shifted = |d: NaiveDate| {
            if shift < 0 {
                d.checked_sub_days(Days::new(shift.unsigned_abs()))
            } else {
                d.checked_add_days(Days::new(shift.unsigned_abs()))
            }
        };
        let pick = |year: Option<i32>, make: &dyn Fn(i32) -> Option<NaiveDate>| match year {
            Some(y) => make(y),
            None => window
                .years()
                .iter()
                .filter_map(|y| make(*y))
                .find(|d| shifted(*d).is_some_and(|s| window.contains(s)))
                .or_else(|| make(window.start.year())),
        };
        match self {
            DateExpr::Day { year, month, day } => {
                pick(year, &|y| NaiveDate::from_ymd_opt(y, month, day))
            }
            DateExpr::DayOnly { day } => {
                let start = window.start;
                let months = [
                    (start.year(), start.month()),
                    window
                        .end
                        .map_or((start.year(), start.month()), |e| (e.year(), e.month())),
                ];
                months
                    .iter()
                    .filter_map(|(y, m)| NaiveDate::from_ymd_opt(*y, *m, day))
                    .find(|d| window.contains(*d))
                    .or_else(|| NaiveDate::from_ymd_opt(start.year(), start.month(), day))
            }
            DateExpr::MonthEnd { year, month } => match month {
                Some(m) => pick(year, &|y| last_day(y, m)),
                None => last_day(window.start.year(), window.start.month()),
            },
            DateExpr::Holiday { year, holiday } => pick(year, &|y| holiday.day(y)),
        }
    }

    /// Whether a fix may rewrite the mention (it was written as a day).
    pub fn is_day(self) -> bool {
        matches!(self, DateExpr::Day { .. })
    }

    /// Whether the mention wrote its year.
    pub fn has_year(self) -> bool {
        match self {
            DateExpr::Day { year, .. }
            | DateExpr::MonthEnd { year, .. }
            | DateExpr::Holiday { year, .. } => year.is_some(),
            DateExpr::DayOnly { .. } => false,
        }
    }
}

/// A date mention found in a clause: what it says, its length in bytes, and
/// whether it is *loose* (`12.5`, `12/5`, `5日`: a date only next to a
/// marker or as the end of a range).
pub struct Mention {
    pub expr: DateExpr,
    pub len: usize,
    pub loose: bool,
}

/// An integer written with ASCII digits (at most 4) or Chinese numerals
/// (no decimal point), at the start of `s`.
pub fn read_int(s: &str) -> Option<(u32, usize)> {
    let ascii = s.bytes().take_while(u8::is_ascii_digit).count();
    if ascii > 0 {
        if ascii > 4 {
            return None;
        }
        return Some((s.get(..ascii)?.parse().ok()?, ascii));
    }
    let len: usize = s
        .chars()
        .take_while(|c| cn_digit(*c).is_some() || *c == '十')
        .map(char::len_utf8)
        .sum();
    let value = chinese_integer(s.get(..len)?)?;
    Some((u32::try_from(value).ok()?, len))
}

const HOLIDAYS: [(&str, Holiday); 8] = [
    ("元旦", Holiday::NewYear),
    ("春节", Holiday::SpringFestival),
    ("劳动节", Holiday::LabourDay),
    ("五一", Holiday::LabourDay),
    ("国庆节", Holiday::NationalDay),
    ("国庆", Holiday::NationalDay),
    ("中秋节", Holiday::MidAutumn),
    ("中秋", Holiday::MidAutumn),
];

/// Words after a holiday that make it a vague span (rule 7).
const VAGUE_AFTER: [&str; 7] = ["期间", "假期", "前后", "黄金周", "小长假", "长假", "档"];

fn valid(month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// A date mention at the start of `s` (rule 7).
pub fn date_at(s: &str) -> Option<Mention> {
    if let Some(m) = date_at_holiday(s) {
        return Some(m);
    }
    for word in ["本月底", "月底"] {
        if s.starts_with(word) {
            return Some(Mention {
                expr: DateExpr::MonthEnd {
                    year: None,
                    month: None,
                },
                len: word.len(),
                loose: false,
            });
        }
    }
    let (first, len) = read_int(s)?;
    let rest = s.get(len..)?;
    let ascii = s.as_bytes().first().is_some_and(u8::is_ascii_digit);
    if let Some(after_year) = rest.strip_prefix('年') {
        if !(1900..=2200).contains(&first) {
            return None;
        }
        let year = i32::try_from(first).ok();
        let used = len + '年'.len_utf8();
        let inner = date_at_holiday(after_year).or_else(|| month_day(after_year))?;
        let expr = match inner.expr {
            DateExpr::Day { month, day, .. } => DateExpr::Day { year, month, day },
            DateExpr::MonthEnd { month, .. } => DateExpr::MonthEnd { year, month },
            DateExpr::Holiday { holiday, .. } => DateExpr::Holiday { year, holiday },
            DateExpr::DayOnly { .. } => return None,
        };
        return Some(Mention {
            expr,
            len: used + inner.len,
            loose: false,
        });
    }
    if ascii && len == 4 {
        // 2026-12-20, 2026/12/20, 2026.12.20
        let sep = rest.chars().next()?;
        if !matches!(sep, '-' | '/' | '.') {
            return None;
        }
        let (month, ml) = read_ascii(rest.get(1..)?)?;
        let tail = rest.get(1 + ml..)?;
        if !tail.starts_with(sep) {
            return None;
        }
        let (day, dl) = read_ascii(tail.get(1..)?)?;
        let after = tail.get(1 + dl..)?;
        if !valid(month, day) || after.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        return Some(Mention {
            expr: DateExpr::Day {
                year: i32::try_from(first).ok(),
                month,
                day,
            },
            len: 4 + 1 + ml + 1 + dl + after.strip_prefix('日').map_or(0, |_| 3),
            loose: false,
        });
    }
    if let Some(m) = month_day(s) {
        return Some(m);
    }
    // 20日 / 20号: loose.
    if let Some(c) = rest.chars().next().filter(|c| matches!(c, '日' | '号')) {
        if (1..=31).contains(&first) {
            return Some(Mention {
                expr: DateExpr::DayOnly { day: first },
                len: len + c.len_utf8(),
                loose: true,
            });
        }
    }
    // 12.20 / 12/20: loose.
    if ascii {
        let sep = rest.chars().next()?;
        if matches!(sep, '.' | '/') {
            let (day, dl) = read_ascii(rest.get(1..)?)?;
            let after = rest.get(1 + dl..)?;
            let blocked = after.starts_with(|c: char| {
                c.is_ascii_alphanumeric()
                    || matches!(c, '.' | '/' | '%' | '折' | '元' | '倍' | '块')
            });
            if valid(first, day) && !blocked {
                return Some(Mention {
                    expr: DateExpr::Day {
                        year: None,
                        month: first,
                        day,
                    },
                    len: len + 1 + dl,
                    loose: true,
                });
            }
        }
    }
    None
}

fn read_ascii(s: &str) -> Option<(u32, usize)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || n > 2 {
        return None;
    }
    Some((s.get(..n)?.parse().ok()?, n))
}

/// `12月20日`, `十二月二十号`, `12月底`, or (after a year) a holiday, at the
/// start of `s`.
fn month_day(s: &str) -> Option<Mention> {
    let (month, ml) = read_int(s)?;
    let rest = s.get(ml..)?.strip_prefix('月')?;
    let used = ml + '月'.len_utf8();
    if rest.starts_with('底') {
        return (1..=12).contains(&month).then_some(Mention {
            expr: DateExpr::MonthEnd {
                year: None,
                month: Some(month),
            },
            len: used + '底'.len_utf8(),
            loose: false,
        });
    }
    let (day, dl) = read_int(rest)?;
    let c = rest.get(dl..)?.chars().next()?;
    if !matches!(c, '日' | '号') || !valid(month, day) {
        return None;
    }
    Some(Mention {
        expr: DateExpr::Day {
            year: None,
            month,
            day,
        },
        len: used + dl + c.len_utf8(),
        loose: false,
    })
}

fn date_at_holiday(s: &str) -> Option<Mention> {
    HOLIDAYS.iter().find_map(|(word, holiday)| {
        let rest = s.strip_prefix(word)?;
        if VAGUE_AFTER.iter().any(|v| rest.starts_with(v)) {
            return None;
        }
        Some(Mention {
            expr: DateExpr::Holiday {
                year: None,
                holiday: *holiday,
            },
            len: word.len(),
            loose: false,
        })
    })
}

/// Skip a time of day or a bracketed weekday after a date (rule 7):
/// `24:00`, `23:59:59`, `24时`, `零点`, `(周日)`. Returns the bytes skipped.
pub fn skip_time(s: &str) -> usize {
    let mut used = 0;
    for _ in 0..3 {
        let rest = s.get(used..).unwrap_or_default();
        let step = bracket_weekday(rest).or_else(|| time_of_day(rest));
        match step {
            Some(n) if n > 0 => used += n,
            _ => break,
        }
    }
    used
}

fn bracket_weekday(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('(')?;
    let close = inner.find(')')?;
    let body = inner.get(..close)?;
    let weekday =
        ["周", "星期", "礼拜"].iter().any(|w| body.starts_with(w)) || body.chars().count() == 1;
    (weekday && body.chars().count() <= 3).then_some(close + 2)
}

fn time_of_day(s: &str) -> Option<usize> {
    for word in [
        "零点", "零时", "零時", "当天", "当日", "晚", "中午", "凌晨", "早",
    ] {
        if let Some(rest) = s.strip_prefix(word) {
            return Some(word.len() + time_of_day(rest).unwrap_or(0));
        }
    }
    let (_, hl) = read_int(s)?;
    let rest = s.get(hl..)?;
    if let Some(after) = rest.strip_prefix(':') {
        let mut used = hl + 1;
        let ml = after.bytes().take_while(u8::is_ascii_digit).count();
        if ml != 2 {
            return None;
        }
        used += ml;
        if let Some(sec) = after.get(ml..).and_then(|a| a.strip_prefix(':')) {
            let sl = sec.bytes().take_while(u8::is_ascii_digit).count();
            if sl == 2 {
                used += 1 + sl;
            }
        }
        return Some(used);
    }
    for unit in ["时", "点"] {
        if rest.starts_with(unit) {
            let mut used = hl + unit.len();
            let tail = s.get(used..)?;
            if tail.starts_with("整") {
                used += '整'.len_utf8();
            }
            return Some(used);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Option<(DateExpr, usize)> {
        date_at(s).map(|m| (m.expr, m.len))
    }

    #[test]
    fn reads_dates() {
        let d = |year, month, day| DateExpr::Day { year, month, day };
        assert_eq!(day("12月20日前"), Some((d(None, 12, 20), 10)));
        assert_eq!(day("2026年12月20日"), Some((d(Some(2026), 12, 20), 17)));
        assert_eq!(day("十二月二十日"), Some((d(None, 12, 20), 18)));
        assert_eq!(
            day("二〇二六年十二月二十日").map(|x| x.0),
            Some(d(Some(2026), 12, 20))
        );
        assert_eq!(day("2026-12-20"), Some((d(Some(2026), 12, 20), 10)));
        assert_eq!(day("2026.12.20"), Some((d(Some(2026), 12, 20), 10)));
        assert_eq!(day("12.20前").map(|x| x.0), Some(d(None, 12, 20)));
        assert!(day("8.8折").is_none());
        assert!(day("12月份").is_none());
        assert!(day("春节期间").is_none());
    }

    #[test]
    fn holidays_by_the_chinese_calendar() {
        assert_eq!(
            Holiday::SpringFestival.day(2027),
            NaiveDate::from_ymd_opt(2027, 2, 6)
        );
        assert_eq!(
            Holiday::MidAutumn.day(2026),
            NaiveDate::from_ymd_opt(2026, 9, 25)
        );
        assert_eq!(Holiday::SpringFestival.day(1), None);
    }

    #[test]
    fn skips_times() {
        assert_eq!(skip_time("24:00前"), 5);
        assert_eq!(skip_time("零点起"), 6);
        assert_eq!(skip_time("(周日)截止"), 8);
        assert_eq!(skip_time("24时前"), 5);
        assert_eq!(skip_time("前"), 0);
    }
}
