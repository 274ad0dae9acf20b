#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Snapshots of rendered diagnostics (miette and JSON), and checker-level
//! behaviour: suppressions, lint levels, cross-file related locations.

use chrono::NaiveDate;
use koujing_checker::{check, render, Code, Config, Lang, Options, Workspace};

fn workspace(files: &[(&str, &str)]) -> Workspace {
    Workspace::new(
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())),
    )
}

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        config: Config::default(),
        require_reason: false,
    }
}

const BASE: &str = "regions 江西 { 抚州 { 临川区 } }\nchannel 自有营业厅 { type: owned }\nproduct 流量包10元 { kind: data; price: 10 元/月 }\nsupport 配置 { kind: system; ready: 2026-11-01 }\nsupport 口径 { kind: knowledge; ready: 2026-11-01 }\n";
const CAMPAIGN: &str = "campaign 冬季流量半价 \"😀冬季流量包半价\" {\n  issuer: 抚洲\n  window: 2026-12-01 .. 2026-12-31\n  offer: 流量包10元\n  benefit: discount 50%\n  channels: [自有营业厅]\n  requires: [配置, 口径]\n  faq { \"半价优惠到什么时候?\": \"到12月31日。\" }\n  widow: 2026-12-01 .. 2026-12-31\n}\n";

#[test]
fn human_rendering_snapshot() {
    let ws = workspace(&[
        ("base.kj", BASE),
        ("city.kj", CAMPAIGN),
        ("dup.kj", "channel 自有营业厅 { type: owned }\n"),
    ]);
    let report = check(&ws, &options());
    insta::assert_snapshot!("human_zh", render::human(&ws, &report, Lang::Zh, false));
    insta::assert_snapshot!("human_en", render::human(&ws, &report, Lang::En, false));
}

#[test]
fn json_rendering_snapshot() {
    let ws = workspace(&[
        ("base.kj", BASE),
        ("city.kj", CAMPAIGN),
        ("dup.kj", "channel 自有营业厅 { type: owned }\n"),
    ]);
    let report = check(&ws, &options());
    let json = render::json(&ws, &report, Lang::En);
    insta::assert_snapshot!("json_en", serde_json::to_string_pretty(&json).unwrap());
    // The duplicate names the first definition in another file as related.
    let dup = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "KJ1002")
        .unwrap();
    assert_eq!(dup["file"], "dup.kj");
    assert_eq!(dup["related"][0]["file"], "base.kj");
    assert_eq!(dup["related"][0]["line"], 2);
}

#[test]
fn suppression_applies_to_the_next_item_only_until_expiry() {
    let source = "// koujing: allow(KJ0003) reason=\"城市原文\" until=2027-01-31\nchannel 甲 { type：owned }\nchannel 乙 { type：owned }\n";
    let ws = workspace(&[("a.kj", source)]);
    let report = check(&ws, &options());
    let codes: Vec<(Code, u32)> = report
        .diagnostics
        .iter()
        .map(|d| (d.code, ws.files[0].char_position(d.span.start).line))
        .collect();
    assert_eq!(codes, [(Code::KJ0003, 3)]);
    assert_eq!(report.suppressions.len(), 1);
    assert_eq!(report.suppressions[0].silenced, 1);
    assert_eq!(report.suppressions[0].reason.as_deref(), Some("城市原文"));

    let later = Options {
        today: NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
        ..options()
    };
    let report = check(&ws, &later);
    let codes: Vec<Code> = report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::KJ0006, Code::KJ0003, Code::KJ0003]);
    assert!(report.diagnostics[0].message.en.contains("expired"));
}

#[test]
fn suppression_of_a_field_covers_only_that_field() {
    let source = "channel 甲 {\n  // koujing: allow(KJ0003)\n  type：owned\n  handles：[plan]\n}\n";
    let ws = workspace(&[("a.kj", source)]);
    let report = check(&ws, &options());
    let lines: Vec<u32> = report
        .diagnostics
        .iter()
        .map(|d| ws.files[0].char_position(d.span.start).line)
        .collect();
    assert_eq!(lines, [4]);
}

#[test]
fn re_parsing_one_file_keeps_the_others() {
    let mut ws = workspace(&[("base.kj", BASE), ("city.kj", CAMPAIGN)]);
    let before = check(&ws, &options()).diagnostics.len();
    ws.set_file(
        "city.kj",
        CAMPAIGN
            .replace("抚洲", "抚州")
            .replace("  widow: 2026-12-01 .. 2026-12-31\n", "")
            .as_bytes(),
    );
    assert!(before >= 2);
    assert_eq!(check(&ws, &options()).diagnostics.len(), 0);
}

#[test]
fn diagnostics_do_not_depend_on_input_order() {
    let files = [
        ("base.kj", BASE),
        ("city.kj", CAMPAIGN),
        ("dup.kj", "channel 自有营业厅 { type: owned }\n"),
    ];
    let forward = workspace(&files);
    let mut reversed_files = files;
    reversed_files.reverse();
    let backward = workspace(&reversed_files);
    let a = render::json(&forward, &check(&forward, &options()), Lang::En);
    let b = render::json(&backward, &check(&backward, &options()), Lang::En);
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}
