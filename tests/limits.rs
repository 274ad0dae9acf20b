#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Pathological inputs: each finishes (in bounded time and memory) with a
//! clear diagnostic or a clean result, never a crash or a hang. These are
//! heavy: `scripts/test.sh` runs them in release mode
//! (`cargo test --release --test limits -- --ignored`).

use koujing_checker::{check, Code, Options, Workspace};

fn codes(sources: Vec<(String, Vec<u8>)>) -> Vec<Code> {
    let ws = Workspace::new(sources);
    check(&ws, &Options::default())
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
#[ignore = "heavy: run in release by scripts/test.sh"]
fn a_5_mb_single_line() {
    let line = "产品 ".repeat(5 * 1024 * 1024 / 7);
    let found = codes(vec![("a.kj".into(), line.into_bytes())]);
    assert_eq!(found, [Code::KJ0001]);
    let string = format!(
        "term 甲 {{ plain: \"{}\" }}",
        "很长".repeat(5 * 1024 * 1024 / 6)
    );
    assert!(codes(vec![("b.kj".into(), string.into_bytes())]).is_empty());
}

#[test]
#[ignore = "heavy: run in release by scripts/test.sh"]
fn a_file_over_16_mib_is_kj0005() {
    let big = "// 注释\n".repeat(17 * 1024 * 1024 / 10);
    assert_eq!(
        codes(vec![("big.kj".into(), big.into_bytes())]),
        [Code::KJ0005]
    );
}

#[test]
#[ignore = "heavy: run in release by scripts/test.sh"]
fn a_hundred_thousand_campaigns_in_one_file() {
    let mut text = String::from("regions 江西 { 抚 { 临川区 } }\nchannel 厅 { type: owned }\nproduct 包 { kind: data; price: 10 元/月 }\nsupport s { kind: system; ready: 2020-01-01 }\nsupport k { kind: knowledge; ready: 2020-01-01 }\nlimits { max_concurrent: 1000000 }\n");
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for i in 0..100_000 {
        let day = start + chrono::Duration::days(i % 365);
        text.push_str(&format!(
            "campaign c{i} {{ issuer: 抚; window: {day} .. {day}; offer: 包; benefit: discount 5%; channels: [厅]; stacking: stackable; requires: [s, k] }}\n"
        ));
    }
    assert!(text.len() < 16 * 1024 * 1024);
    let found = codes(vec![("big.kj".into(), text.into_bytes())]);
    // Every campaign is found, checked, and lacks only its FAQ.
    assert_eq!(found.len(), 100_000);
    assert!(found.iter().all(|c| *c == Code::KJ5002));
}

#[test]
#[ignore = "heavy: run in release by scripts/test.sh"]
fn ten_thousand_regions() {
    let mut text = String::from("regions 全国 {\n");
    for city in 0..100 {
        let counties: Vec<String> = (0..100).map(|c| format!("县{city}x{c}")).collect();
        text.push_str(&format!("  市{city} {{ {} }}\n", counties.join(", ")));
    }
    text.push_str("}\nchannel 厅 { type: owned }\nproduct 包 { kind: data }\n");
    text.push_str("campaign 全国活动 { issuer: 全国; window: 2026-01-01 .. 2026-12-31; offer: 包; benefit: discount 5%; channels: [厅] }\n");
    let found = codes(vec![("r.kj".into(), text.into_bytes())]);
    // The only findings are the campaign's missing supports and FAQ.
    assert!(
        found
            .iter()
            .all(|c| matches!(c, Code::KJ4001 | Code::KJ5002)),
        "{found:?}"
    );
}

#[test]
#[ignore = "heavy: run in release by scripts/test.sh"]
fn a_million_character_string_and_deep_nesting() {
    let text = format!("term 甲 {{ plain: \"{}\" }}\n", "术".repeat(1_000_000));
    assert!(codes(vec![("s.kj".into(), text.into_bytes())]).is_empty());
    let deep = format!(
        "term 乙 {{ aliases: {}{} }}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(
        codes(vec![("d.kj".into(), deep.into_bytes())]),
        [Code::KJ0005]
    );
}
