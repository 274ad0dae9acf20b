#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Property tests of the v2 commission analyses against brute-force
//! references: whole-space coverage (KJ2102) against enumerating sample
//! points of every cell, the `mix` reference shares (KJ6008) against the
//! formula written out, monotonicity in a `lower_better` dimension (KJ6007)
//! against every adjacent pair, and nesting (KJ2104) against every pair of
//! tables' leaf sets.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use koujing_checker::checks::coverage::{self, Axis, Coord, Iv, Value};
use koujing_checker::{check, mixref, resolve, Code, Config, Options, Workspace};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        config: Config::default(),
        require_reason: false,
    }
}

fn dec(n: u32) -> Decimal {
    Decimal::from(n)
}

/// A generated interval on a numeric axis: integer bounds in 0..10.
fn iv() -> impl Strategy<Value = Iv> {
    (
        proptest::option::of((0u32..10, any::<bool>())),
        proptest::option::of((0u32..12, any::<bool>())),
    )
        .prop_map(|(lo, hi)| Iv {
            lo: lo.map(|(v, c)| (dec(v), c)),
            hi: hi.map(|(v, c)| (dec(v), c)),
        })
}

/// Rows over a space of a 3-name axis, a whole-number axis and a real axis.
fn rows() -> impl Strategy<Value = Vec<Vec<Option<Coord>>>> {
    let names = proptest::option::of(
        proptest::sample::subsequence(vec![0usize, 1, 2], 1..=3).prop_map(Coord::Names),
    );
    let whole = proptest::option::of(iv().prop_map(Coord::Iv));
    let real = proptest::option::of(iv().prop_map(Coord::Iv));
    proptest::collection::vec(
        (names, whole, real).prop_map(|(a, b, c)| vec![a, b, c]),
        0..7,
    )
}

fn inside(coord: &Option<Coord>, value: &Value) -> bool {
    match (coord, value) {
        (None, _) => true,
        (Some(Coord::Names(n)), Value::Name(x)) => n.contains(x),
        (Some(Coord::Iv(iv)), Value::Number(x)) => iv.contains(*x),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn coverage_agrees_with_sample_points(rows in rows()) {
        let axes = [Axis::Names(3), Axis::Whole(Some(Decimal::ZERO)), Axis::Real(Some(Decimal::ZERO))];
        let boxes = coverage::uncovered(&axes, &rows).unwrap();
        // Every cell between consecutive bounds (0..12) is sampled at its ends
        // and its middle; whole numbers at every integer.
        let halves: Vec<Decimal> = (0..=26).map(|h| Decimal::from(h) / Decimal::TWO).collect();
        for name in 0..3 {
            for w in 0..=13u32 {
                for r in &halves {
                    let point = [Value::Name(name), Value::Number(dec(w)), Value::Number(*r)];
                    let covered = rows.iter().any(|row| row.iter().zip(&point).all(|(c, v)| inside(c, v)));
                    let holes = boxes.iter().filter(|b| coverage::contains(b, &point)).count();
                    prop_assert!(holes <= 1, "uncovered boxes overlap at {point:?}: {boxes:?}");
                    prop_assert_eq!(covered, holes == 0, "point {:?}, rows {:?}, uncovered {:?}", point, rows, boxes);
                }
            }
        }
    }

    #[test]
    fn mix_shares_agree_with_the_formula(
        first in 1u32..60,
        split in 1u32..13,
        early in 1u32..15,
        late in 1u32..15,
        months in 1u32..37,
        revenue in 10u32..120,
        declared in 5u32..96,
        tolerance in 1u32..10,
    ) {
        let source = format!(
            "channel 店 {{ type: social }}\nproduct 卡 {{ kind: sim_card; face_value: 100 元 }}\n\
             commission 首返 {{ kind: first_return; period: 2026-01-01 .. 2026-12-31; channels: [店]\n rates {{ product 卡 => {first} 元 }}\n}}\n\
             commission 分成 {{ kind: revenue_share; period: 2026-01-01 .. 2026-12-31; channels: [店]\n rates {{\n  tenure 1 个月 ..= {split} 个月 => {early}%\n  tenure {} 个月 .. => {late}%\n }}\n}}\n\
             mix 结构 {{ first_return: {declared}%; revenue_share: {}%\n reference {{ date: 2026-06-01; channel: 店; product: 卡; months: {months}; monthly_revenue: {revenue} 元 }}\n tolerance: {tolerance}%\n}}\n",
            split + 1,
            100 - declared,
        );
        let ws = Workspace::new([("a.kj".to_string(), source.into_bytes())]);
        let (index, _) = resolve::build_index(&ws);
        let mix = index.mixes.get("结构").unwrap().item;
        let computed = mixref::compute(&index, mix).unwrap();
        // The formula, written out.
        let share_total: Decimal = (1..=months)
            .map(|m| dec(if m <= split { early } else { late }) * dec(revenue) / Decimal::ONE_HUNDRED)
            .sum();
        let total = dec(first) + share_total;
        let fr_share = dec(first) * Decimal::ONE_HUNDRED / total;
        prop_assert_eq!(computed.kinds[0].total, dec(first));
        prop_assert_eq!(computed.kinds[1].total, share_total);
        prop_assert_eq!(computed.kinds[0].share, fr_share);
        let off = (fr_share - dec(declared)).abs() > dec(tolerance);
        let report = check(&ws, &options());
        let findings = report.diagnostics.iter().filter(|d| d.code == Code::KJ6008).count();
        // Both shares are off by the same amount: two findings or none.
        prop_assert_eq!(findings, if off { 2 } else { 0 });
    }

    #[test]
    fn pay_never_rises_with_a_lower_better_dimension(
        steps in proptest::collection::vec((1u32..4, 0u32..20), 1..7),
    ) {
        let mut rates = String::new();
        let mut bound = 0;
        let mut outputs = Vec::new();
        for (i, (width, out)) in steps.iter().enumerate() {
            let next = bound + width;
            if i + 1 == steps.len() {
                rates.push_str(&format!("  违规次数 {bound} 次 .. => {out}\n"));
            } else {
                rates.push_str(&format!("  违规次数 {bound} 次 .. {next} 次 => {out}\n"));
            }
            outputs.push(*out);
            bound = next;
        }
        let source = format!(
            "channel 店 {{ type: social }}\ndimension 违规次数 {{ unit: 次; direction: lower_better }}\n\
             commission 考核 {{ kind: multiplier; period: 2026-01-01 .. 2026-12-31; channels: [店]\n rates {{\n{rates} }}\n}}\n"
        );
        let report = check(&Workspace::new([("a.kj".to_string(), source.into_bytes())]), &options());
        let expected = outputs.windows(2).filter(|w| w[1] > w[0]).count();
        let found = report.diagnostics.iter().filter(|d| d.code == Code::KJ6007).count();
        prop_assert_eq!(found, expected);
        prop_assert!(report.diagnostics.iter().all(|d| d.code != Code::KJ2102 && d.code != Code::KJ2101));
    }

    #[test]
    fn regional_tables_nest_as_their_leaf_sets(
        tables in proptest::collection::vec(
            (proptest::sample::subsequence(vec![0usize, 1, 2, 3, 4, 5, 6], 1..=2), proptest::option::of(0usize..5)),
            1..6,
        ),
    ) {
        // 0 江西, 1 甲市, 2 乙市, 3 甲一, 4 甲二, 5 乙一, 6 乙二.
        const NAMES: [&str; 7] = ["江西", "甲市", "乙市", "甲一", "甲二", "乙一", "乙二"];
        let leaves_of = |r: usize| -> BTreeSet<usize> {
            match r {
                0 => (3..7).collect(),
                1 => [3, 4].into(),
                2 => [5, 6].into(),
                leaf => [leaf].into(),
            }
        };
        let mut source = String::from("regions 江西 { 甲市 { 甲一, 甲二 } 乙市 { 乙一, 乙二 } }\nchannel 店 { type: social }\n");
        let mut sets = Vec::new();
        for (i, (regions, overrides)) in tables.iter().enumerate() {
            let list: Vec<&str> = regions.iter().map(|r| NAMES[*r]).collect();
            let over = overrides
                .filter(|o| *o != i && *o < tables.len())
                .map(|o| format!("; overrides: 表{o}"))
                .unwrap_or_default();
            source.push_str(&format!(
                "commission 表{i} {{ kind: first_return; regions: [{}]{over}; period: 2026-01-01 .. 2026-12-31; channels: [店]; rates {{ => {} 元 }} }}\n",
                list.join(", "),
                10 + i
            ));
            sets.push(regions.iter().flat_map(|r| leaves_of(*r)).collect::<BTreeSet<usize>>());
        }
        let mut expected = BTreeSet::new();
        for (i, a) in sets.iter().enumerate() {
            for (j, b) in sets.iter().enumerate() {
                let names = |x: usize, y: usize| tables[x].1 == Some(y);
                if i != j && a.is_subset(b) && a != b && !names(i, j) && !names(j, i) {
                    expected.insert((format!("表{i}"), format!("表{j}")));
                }
            }
        }
        let report = check(&Workspace::new([("a.kj".to_string(), source.into_bytes())]), &options());
        let found: BTreeSet<(String, String)> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::KJ2104)
            .map(|d| {
                let quoted: Vec<&str> = d.message.en.split('`').collect();
                (quoted[1].to_string(), quoted[3].to_string())
            })
            .collect();
        prop_assert_eq!(found, expected);
    }
}
