#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! `koujing query` and `koujing test` on policies/: each query kind, the same
//! answers from sources and from the built bundle, clear errors, and a
//! failing `.kjtest` case reported with a diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn koujing(dir: &Path, args: &[&str]) -> Output {
    // policies/koujing.toml says zh-CN; the messages asserted here are English.
    Command::new(env!("CARGO_BIN_EXE_koujing"))
        .current_dir(dir)
        .args(args)
        .arg("--lang")
        .arg("en")
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const OFFERS: &[&str] = &[
    "query",
    "offers",
    "--date",
    "2026-12-20",
    "--region",
    "临川区",
    "--channel",
    "自有营业厅",
    "--set",
    "品牌=全球通",
    "--set",
    "客户层级=高端",
    "--format",
    "json",
];
const COMMISSION: &[&str] = &[
    "query",
    "commission",
    "--date",
    "2026-12-05",
    "--channel",
    "指定专营店",
    "--grade",
    "五星",
    "--product",
    "神州行50元卡",
    "--tenure",
    "8",
    "--format",
    "json",
];
const GRADE: &[&str] = &[
    "query",
    "grade",
    "--model",
    "星级评定",
    "--score",
    "商圈等级=80",
    "--score",
    "人流量=70",
    "--score",
    "竞争强度=60",
    "--score",
    "业务量=90",
    "--score",
    "服务质量=85",
    "--score",
    "投诉率=5", // lower_better: 5% complaints count as 95
    "--format",
    "json",
];

fn with(args: &[&str], source: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = args.iter().take(2).map(|s| s.to_string()).collect();
    all.extend(source.iter().map(|s| s.to_string()));
    all.extend(args.iter().skip(2).map(|s| s.to_string()));
    all
}

fn run(args: Vec<String>) -> serde_json::Value {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = koujing(&root(), &refs);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn queries_answer_the_same_from_sources_and_from_the_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    assert_eq!(
        koujing(
            &root(),
            &["build", "policies", "--out", bundle.to_str().unwrap()]
        )
        .status
        .code(),
        Some(0)
    );
    let bundle_arg = bundle.to_str().unwrap();
    for query in [OFFERS, COMMISSION, GRADE] {
        let from_sources = run(with(query, &["policies"]));
        let from_bundle = run(with(query, &["--bundle", bundle_arg]));
        assert_eq!(from_sources, from_bundle, "{query:?}");
    }
    let offers = run(with(OFFERS, &["policies"]));
    let names: Vec<&str> = offers["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["campaign"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["全省冬季流量关怀", "抚州全球通客户回馈", "抚州冬季流量半价"]
    );
    let global = offers["offers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["campaign"] == "抚州全球通客户回馈")
        .unwrap();
    assert_eq!(global["final_price"], "150.4 元/月");
    let commission = run(with(COMMISSION, &["policies"]));
    let first = commission["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "first_return")
        .unwrap();
    assert_eq!(first["amount"], "18 元");
    assert!(first["source"]
        .as_str()
        .unwrap()
        .starts_with("commission/social.kj:"));
    let grade = run(with(GRADE, &["policies"]));
    assert_eq!(grade["score"], "82.9");
    assert_eq!(grade["grade"], "四星");
    assert_eq!(grade["contributions"].as_array().unwrap().len(), 6);
}

#[test]
fn no_row_matches_is_an_answer_with_the_reason() {
    let o = koujing(
        &root(),
        &[
            "query",
            "commission",
            "policies",
            "--date",
            "2026-12-05",
            "--channel",
            "指定专营店",
            "--grade",
            "五星",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let answer: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let share = answer["no_match"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "revenue_share")
        .unwrap();
    assert_eq!(share["reasons"], serde_json::json!(["--tenure"]));
    // Outside every period: nothing pays, and nothing is an error.
    let o = koujing(
        &root(),
        &[
            "query",
            "commission",
            "policies",
            "--date",
            "2030-01-01",
            "--channel",
            "指定专营店",
            "--format",
            "json",
        ],
    );
    let answer: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(answer["matches"], serde_json::json!([]));
}

#[test]
fn unknown_inputs_name_the_valid_ones() {
    let o = koujing(
        &root(),
        &[
            "query",
            "offers",
            "policies",
            "--date",
            "2026-12-20",
            "--region",
            "临川",
            "--channel",
            "自有营业厅",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        out(&o).contains("unknown region `临川`") && out(&o).contains("临川区"),
        "{}",
        out(&o)
    );
    let o = koujing(
        &root(),
        &[
            "query",
            "offers",
            "policies",
            "--date",
            "2026-12-20",
            "--region",
            "临川区",
            "--channel",
            "营业厅",
        ],
    );
    assert!(out(&o).contains("unknown channel `营业厅`") && out(&o).contains("自有营业厅"));
    let o = koujing(
        &root(),
        &[
            "query",
            "offers",
            "policies",
            "--date",
            "2026-12-20",
            "--region",
            "临川区",
            "--channel",
            "自有营业厅",
            "--set",
            "品牌=全球同",
        ],
    );
    assert!(out(&o).contains("`全球同` is not a value of `品牌`") && out(&o).contains("全球通"));
    let o = koujing(
        &root(),
        &[
            "query",
            "grade",
            "policies",
            "--model",
            "星级评定",
            "--score",
            "商圈等级=80",
        ],
    );
    assert!(out(&o).contains("missing factor scores"), "{}", out(&o));
}

#[test]
fn kjtest_passes_on_policies_and_reports_a_wrong_expectation() {
    let o = koujing(&root(), &["test", "policies"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("20 passed, 0 failed"));

    let tmp = tempfile::tempdir().unwrap();
    let wrong = tmp.path().join("wrong.kjtest");
    std::fs::write(
        &wrong,
        "[[offers]]\nname = \"错误的期望\"\ndate = \"2026-12-20\"\nregion = \"临川区\"\nchannel = \"自有营业厅\"\nset = { \"品牌\" = \"全球通\", \"客户层级\" = \"高端\" }\nexpect = [\"全省冬季流量关怀\", \"南昌冬季流量半价\"]\n\n[[grade]]\nmodel = \"星级评定\"\nscores = { \"商圈等级\" = 80, \"人流量\" = 70, \"竞争强度\" = 60, \"业务量\" = 90, \"服务质量\" = 85, \"投诉率\" = 5 }\nexpect = { grade = \"五星\" }\n",
    )
    .unwrap();
    let o = koujing(&root(), &["test", "policies", wrong.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = out(&o);
    assert!(
        text.contains("FAIL") && text.contains("错误的期望"),
        "{text}"
    );
    assert!(text.contains("- missing 南昌冬季流量半价"), "{text}");
    assert!(text.contains("+ unexpected 抚州全球通客户回馈"), "{text}");
    assert!(
        text.contains("- grade = 五星") && text.contains("+ grade = 四星"),
        "{text}"
    );
    assert!(text.contains("20 passed, 2 failed"), "{text}");
    let junit = koujing(
        &root(),
        &[
            "test",
            "policies",
            wrong.to_str().unwrap(),
            "--format",
            "junit",
        ],
    );
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(xml.contains("tests=\"22\" failures=\"2\""), "{xml}");
}

/// `koujing test` speaks the chosen language to the end: its summary line
/// comes from the message catalogue like every other line.
#[test]
fn kjtest_summary_follows_the_language() {
    let o = Command::new(env!("CARGO_BIN_EXE_koujing"))
        .current_dir(root())
        .args(["test", "policies", "--lang", "zh-CN"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("20 个通过,0 个失败"), "{text}");
    assert!(!text.contains("passed"), "{text}");
}
