#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The bundle model's encodings and shared operations.

use std::collections::BTreeMap;

use koujing_bundle::campaigns::{AudienceTest, Stacking};
use koujing_bundle::commission::{Condition, ConditionTest, Per};
use koujing_bundle::{
    decode, Benefit, DateSpan, DecimalText, Exact, Interval, Money, Number, ReadError,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn money(amount: &str, unit: &str) -> Money<Number> {
    Money {
        amount: Number::new(d(amount)),
        unit: unit.to_string(),
    }
}

proptest! {
    /// Exact decimals survive both encodings unchanged, written in their
    /// shortest exact form.
    #[test]
    fn decimals_round_trip_exactly(n in any::<i64>(), scale in 0u32..12) {
        let value = Decimal::new(n, scale);
        let json = serde_json::to_string(&Number::new(value)).unwrap();
        prop_assert_eq!(&json, &value.normalize().to_string());
        let back: Number = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back.get(), value);
        let text = serde_json::to_string(&DecimalText::new(value)).unwrap();
        prop_assert_eq!(&text, &format!("\"{}\"", value.normalize()));
        let back: DecimalText = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back.get(), value);
    }

    /// `contains` against the definition, for every kind of end.
    #[test]
    fn interval_contains_matches_its_definition(
        min in proptest::option::of(-50i64..50), min_inclusive in any::<bool>(),
        max in proptest::option::of(-50i64..50), max_inclusive in any::<bool>(),
        x in -60i64..60,
    ) {
        let interval = Interval {
            min: min.map(|m| DecimalText::new(Decimal::from(m))),
            min_inclusive,
            max: max.map(|m| DecimalText::new(Decimal::from(m))),
            max_inclusive,
            unit: String::new(),
        };
        let above = min.is_none_or(|m| if min_inclusive { x >= m } else { x > m });
        let below = max.is_none_or(|m| if max_inclusive { x <= m } else { x < m });
        prop_assert_eq!(interval.contains(Decimal::from(x)), above && below);
    }
}

#[test]
fn money_benefits_and_final_prices() {
    assert_eq!(money("18", "元").show(), "18 元");
    assert_eq!(money("6", "%").show(), "6%");
    assert_eq!(money("1.5", "").show(), "1.5");
    let discount = Benefit::Discount {
        percent: Number::new(d("20")),
    };
    assert_eq!(discount.render(), "discount 20% (8折)");
    let list = money("188", "元/月");
    assert_eq!(
        Benefit::final_price(Some(&discount), Some(&list)),
        Some(money("150.4", "元/月"))
    );
    let price = Benefit::Price(money("15", "元/月"));
    assert_eq!(price.render(), "price 15 元/月");
    assert_eq!(
        Benefit::final_price(Some(&price), Some(&list)),
        Some(money("15", "元/月"))
    );
    let gift = Benefit::Gift {
        text: "耳机".to_string(),
    };
    assert_eq!(gift.render(), "gift \"耳机\"");
    assert_eq!(
        Benefit::final_price(Some(&gift), Some(&list)),
        Some(list.clone())
    );
    assert_eq!(Benefit::final_price(Some(&discount), None), None);
    assert_eq!(
        Benefit::Points {
            multiplier: Number::new(d("2"))
        }
        .render(),
        "points x2"
    );
    // The JSON shape: the tag first, then the fields.
    assert_eq!(
        serde_json::to_string(&price).unwrap(),
        r#"{"type":"price","amount":15,"unit":"元/月"}"#
    );
}

#[test]
fn conditions_stacking_and_spans() {
    let tenure = Condition {
        key: "tenure".to_string(),
        test: ConditionTest::Interval(Interval {
            min: Some(DecimalText::new(d("1"))),
            min_inclusive: true,
            max: Some(DecimalText::new(d("6"))),
            max_inclusive: true,
            unit: "个月".to_string(),
        }),
    };
    assert!(tenure.accepts("6") && !tenure.accepts("7") && !tenure.accepts("six"));
    assert_eq!(tenure.describe(), "tenure [1, 6]");
    assert_eq!(tenure.identity(), "tenure∈[1, 6]");
    let grade = Condition {
        key: "grade".to_string(),
        test: ConditionTest::Values {
            values: vec!["五星".to_string(), "四星".to_string()],
        },
    };
    assert!(grade.accepts("四星") && !grade.accepts("三星"));
    assert_eq!(grade.describe(), "grade 五星/四星");
    assert_eq!(grade.identity(), "grade=五星|四星");
    assert!(AudienceTest::Values(vec!["全球通".to_string()]).accepts("全球通"));
    assert!(Stacking::Stackable.allows("x") && !Stacking::Exclusive.allows("x"));
    assert!(Stacking::With(vec!["x".to_string()]).allows("x"));
    assert!(!Stacking::With(vec!["x".to_string()]).allows("y"));
    assert_eq!(Per::default_for(Some("first_return")), Per::Once);
    assert_eq!(Per::default_for(Some("revenue_share")), Per::Month);
    let span = DateSpan {
        start: "2026-12-01".parse().unwrap(),
        end: Some("2026-12-31".parse().unwrap()),
    };
    assert!(span.contains("2026-12-31".parse().unwrap()));
    assert!(!span.contains("2027-01-01".parse().unwrap()));
}

#[test]
fn reading_names_the_file_and_refuses_newer_formats() {
    let newer = decode::<koujing_bundle::Manifest>("manifest.json", br#"{"format": 3}"#);
    assert_eq!(
        newer,
        Err(ReadError::Newer {
            file: "manifest.json".to_string(),
            found: 3
        })
    );
    let message = newer.unwrap_err().to_string();
    assert!(message.contains("newer than the format 2"), "{message}");
    let broken =
        decode::<koujing_bundle::GradingFile>("grading.toml", b"format = 2\n[[grading]]\n");
    assert!(matches!(broken, Err(ReadError::Invalid { ref file, .. }) if file == "grading.toml"));
    let files = BTreeMap::new();
    let missing = koujing_bundle::Bundle::read(&files).unwrap_err();
    assert_eq!(missing.to_string(), "campaigns.json 缺失 / is missing");
    // A format-1 file (no v2 fields) reads, the v2 fields take their defaults.
    let v1 = "format = 1\n\n[[commission]]\nchannels = []\nname = \"t\"\nrows = []\n";
    let file: koujing_bundle::CommissionFile = decode("commission.toml", v1.as_bytes()).unwrap();
    let table = &file.commission[0];
    assert_eq!(file.format, 1);
    assert!(table.regions.is_empty() && !table.additive && table.per.is_none());
}
