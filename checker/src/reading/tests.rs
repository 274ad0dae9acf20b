#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The reader's API: what it reads from typical copy, and properties
//! (normalisation invariants, numerals round-trip, no panic on any text).

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::number::read_number;
use super::*;

fn reader() -> Reader {
    Reader::new(
        &[
            ProductName {
                name: "本品",
                title: Some("流量包"),
            },
            ProductName {
                name: "家庭宽带",
                title: None,
            },
        ],
        &["全球通", "动感地带"],
    )
}

fn offer() -> Offer<'static> {
    Offer {
        product: Some(0),
        kind: Some(ProductKind::Data),
        name: "本品",
        title: "流量包",
    }
}

fn said(text: &str) -> Vec<Said> {
    reader()
        .read(text, offer())
        .into_iter()
        .map(|s| s.said)
        .collect()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn reads_discounts_prices_and_gifts() {
    assert_eq!(said("享 ８ 折"), vec![Said::Discount(dec("20"))]);
    assert_eq!(said("八八折"), vec![Said::Discount(dec("12"))]);
    assert_eq!(said("85折"), vec![Said::Discount(dec("15"))]);
    assert_eq!(said("0.85折"), vec![Said::Discount(dec("15"))]);
    assert_eq!(
        said("包年仅需60元"),
        vec![Said::Price(Money {
            value: dec("60"),
            period: Period::Year
        })]
    );
    assert_eq!(
        said("仅需十九块九"),
        vec![Said::Price(Money {
            value: dec("19.9"),
            period: Period::Unstated
        })]
    );
    assert_eq!(
        said("获赠30元话费,每月返还10元"),
        vec![
            Said::Gift {
                value: dec("30"),
                total: false,
                per_period: false
            },
            Said::Gift {
                value: dec("10"),
                total: false,
                per_period: true
            },
        ]
    );
    assert_eq!(said("积分翻倍"), vec![Said::Points(Decimal::TWO)]);
    assert!(said("家庭宽带8折").is_empty());
    assert!(said("仅需预存100元").is_empty());
}

#[test]
fn spans_point_at_the_original_characters() {
    let text = "办理享 ８ 折,截至 12 月 20 日";
    let found = reader().read(text, offer());
    let quotes: Vec<&str> = found.iter().map(|s| &text[s.span.clone()]).collect();
    assert_eq!(quotes, vec!["８ 折", "12 月 20 日"]);
}

#[test]
fn dates_have_roles() {
    let roles: Vec<(Role, DateExpr)> = reader()
        .read("12月1日至12月31日", offer())
        .into_iter()
        .filter_map(|s| match s.said {
            Said::Date { role, expr, .. } => Some((role, expr)),
            _ => None,
        })
        .collect();
    assert_eq!(
        roles,
        vec![
            (
                Role::Start,
                DateExpr::Day {
                    year: None,
                    month: 12,
                    day: 1
                }
            ),
            (
                Role::End,
                DateExpr::Day {
                    year: None,
                    month: 12,
                    day: 31
                }
            ),
        ]
    );
    assert!(said("有效期至2027年3月31日").is_empty());
}

#[test]
fn tiers_are_recorded() {
    let found = reader().read("全球通用户7折", offer());
    assert_eq!(found[0].tier, Some(Tier::Value("全球通".into())));
    let found = reader().read("其他用户8折", offer());
    assert_eq!(found[0].tier, Some(Tier::Others));
}

/// A Chinese numeral for `n` < 100 000 000, as copy writes it.
fn chinese(n: u64) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    /// `leading`: the number starts here, so `十九` drops its `一`.
    fn below_10000(n: u64, out: &mut String, leading: bool) {
        let parts = [(1000, '千'), (100, '百'), (10, '十')];
        let mut zero = false;
        let mut started = false;
        let mut rest = n;
        for (unit, name) in parts {
            let d = rest / unit;
            rest %= unit;
            if d > 0 {
                if zero {
                    out.push('零');
                    zero = false;
                }
                if !(unit == 10 && d == 1 && !started && leading) {
                    out.push(DIGITS[d as usize]);
                }
                out.push(name);
                started = true;
            } else if started {
                zero = true;
            }
        }
        if rest > 0 {
            if zero {
                out.push('零');
            }
            out.push(DIGITS[rest as usize]);
        }
    }
    if n == 0 {
        return "零".into();
    }
    let mut out = String::new();
    if n >= 10000 {
        below_10000(n / 10000, &mut out, true);
        out.push('万');
        let low = n % 10000;
        if low > 0 {
            if low < 1000 {
                out.push('零');
            }
            below_10000(low, &mut out, false);
        }
    } else {
        below_10000(n, &mut out, true);
    }
    out
}

#[test]
fn chinese_writer_matches_copy() {
    assert_eq!(chinese(19), "十九");
    assert_eq!(chinese(120), "一百二十");
    assert_eq!(chinese(1005), "一千零五");
    assert_eq!(chinese(30008), "三万零八");
    assert_eq!(chinese(52010), "五万二千零一十");
}

proptest! {
    #[test]
    fn numerals_round_trip(n in 0u64..100_000_000) {
        let text = chinese(n);
        let (value, read) = read_number(&format!("{text}元")).unwrap();
        prop_assert_eq!(value, Decimal::from(n));
        prop_assert_eq!(read, text.len());
        let (value, _) = read_number(&format!("{n}元")).unwrap();
        prop_assert_eq!(value, Decimal::from(n));
    }

    #[test]
    fn discounts_round_trip(whole in 1u32..10, tenth in 0u32..10) {
        let arabic = if tenth == 0 { format!("{whole}折") } else { format!("{whole}.{tenth}折") };
        let expected = Decimal::ONE_HUNDRED - Decimal::from(whole * 10 + tenth);
        prop_assert_eq!(said(&arabic), vec![Said::Discount(expected)]);
        let digits = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
        let chinese = if tenth == 0 {
            format!("{}折", digits[whole as usize])
        } else {
            format!("{}{}折", digits[whole as usize], digits[tenth as usize])
        };
        prop_assert_eq!(said(&chinese), vec![Said::Discount(expected)]);
    }

    #[test]
    fn normalising_keeps_a_map_to_the_original(text in "\\PC{0,40}") {
        let n = Normalised::new(&text);
        for (i, _) in n.text.char_indices() {
            let r = n.original(i..i + 1);
            prop_assert!(r.start <= r.end && r.end <= text.len());
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        // No full-width digit or letter survives, nor a run of spaces.
        let full_width = |c: char| ('\u{FF10}'..='\u{FF5A}').contains(&c);
        prop_assert!(!n.text.chars().any(full_width));
        prop_assert!(!n.text.contains("  "));
    }

    #[test]
    fn reading_never_panics_and_spans_are_in_the_text(
        text in "[0-9０-９一二三四五六七八九十百千万两零点折元块毛角月日号年至到起前截止送赠积分倍GB%/:.,， 　￥¥原价现仅需立减免费半价春节元旦宽带另送返共每天包年-]{0,30}"
    ) {
        for statement in reader().read(&text, offer()) {
            prop_assert!(statement.span.end <= text.len());
            prop_assert!(text.get(statement.span.clone()).is_some());
            prop_assert!(text.get(statement.value_span.clone()).is_some());
            if let Said::Date { expr, .. } = statement.said {
                let window = Window {
                    start: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                    end: None,
                };
                let _ = expr.resolve(window, -1);
            }
        }
    }

    #[test]
    fn a_text_that_may_state_nothing_reads_nothing(
        text in "[0-9０-９一二五十月日年号底旦节元折%送返倍积分满免收仅需 　“”「」\n,。、:.a-z流量包宽带手机另商户已结束全球通用户¥①]{0,24}"
    ) {
        if !Reader::may_state(&text) {
            prop_assert!(reader().read(&text, offer()).is_empty());
            let broadband = Offer { product: Some(1), kind: Some(ProductKind::Broadband), name: "家庭宽带", title: "" };
            prop_assert!(reader().read(&text, broadband).is_empty());
        }
    }

    #[test]
    fn any_text_reads_without_panic(text in "\\PC{0,60}") {
        let _ = reader().read(&text, offer());
        let _ = gift_amount(&text);
    }
}
