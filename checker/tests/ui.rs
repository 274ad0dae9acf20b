#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! UI fixtures: every `tests/ui/*.kj` is checked together with
//! `tests/ui/base.kj`. Its first line names the codes it is about
//! (`// codes: KJ2001 KJ2003`); the findings of those codes must be exactly
//! the `// expect: CODE @ COLUMN` annotations, each under its line.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::NaiveDate;
use koujing_checker::{check, Config, Lang, Options, Workspace};

#[path = "support/expect.rs"]
mod expect;

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        config: Config::default(),
        require_reason: false,
    }
}

fn ui_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui")
}

/// (line, column, code) findings.
type Findings = BTreeSet<(u32, u32, String)>;

fn run(name: &str, source: &str) -> (Findings, Findings) {
    let base = std::fs::read_to_string(ui_dir().join("base.kj")).unwrap();
    let codes: Vec<&str> = source
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("// codes:"))
        .unwrap_or_else(|| panic!("{name}: first line must be `// codes: …`"))
        .split_whitespace()
        .collect();
    let expected: Findings = expect::expectations(source)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .into_iter()
        .collect();
    let ws = Workspace::new([
        ("base.kj".to_string(), base.into_bytes()),
        (name.to_string(), source.as_bytes().to_vec()),
    ]);
    let report = check(&ws, &options());
    let file = ws.files.iter().position(|f| f.path == name).unwrap();
    let mut found = BTreeSet::new();
    for d in &report.diagnostics {
        assert_eq!(
            d.file, file,
            "{name}: base.kj must stay clean, got {:?}",
            d.message.en
        );
        if codes.contains(&d.code.as_str()) {
            let at = ws.files[file].char_position(d.span.start);
            found.insert((at.line, at.column, d.code.as_str().to_string()));
        }
    }
    (found, expected)
}

#[test]
fn every_fixture_reports_exactly_its_annotations() {
    let mut count = 0;
    for entry in std::fs::read_dir(ui_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "base.kj" || !name.ends_with(".kj") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let (found, expected) = run(&name, &source);
        assert_eq!(found, expected, "{name}");
        if name.contains("_pass") {
            assert!(
                expected.is_empty(),
                "{name}: a passing fixture expects nothing"
            );
        } else {
            assert!(
                !expected.is_empty(),
                "{name}: a failing fixture expects something"
            );
        }
        count += 1;
    }
    assert!(count >= 10);
}

fn messages(source: &str) -> Vec<(String, String, String)> {
    let base = std::fs::read_to_string(ui_dir().join("base.kj")).unwrap();
    let ws = Workspace::new([
        ("base.kj".to_string(), base.into_bytes()),
        ("t.kj".to_string(), source.as_bytes().to_vec()),
    ]);
    check(&ws, &options())
        .diagnostics
        .into_iter()
        .map(|d| {
            (
                d.code.as_str().to_string(),
                d.message.get(Lang::Zh).to_string(),
                d.message.get(Lang::En).to_string(),
            )
        })
        .collect()
}

#[test]
fn conflict_names_a_witness_in_both_languages() {
    let source = "campaign 甲 { issuer: 抚州; window: 2026-12-01 .. 2026-12-31; audience { 品牌: [全球通, 动感地带] }; offer: 流量包10元; benefit: discount 50%; channels: [自有营业厅, 热线10086] }\ncampaign 乙 { issuer: 抚州; regions: [崇仁县]; window: 2026-12-20 .. 2027-01-15; audience { 品牌: [全球通] }; offer: 流量包10元; benefit: discount 30%; channels: [热线10086] }\n";
    let found = messages(source);
    let conflict = found.iter().find(|m| m.0 == "KJ2001").unwrap();
    assert_eq!(
        conflict.1,
        "活动 `乙` 与 `甲` 冲突:在 崇仁县、2026-12-20、热线10086、品牌=全球通 两个活动同时适用,且不能叠加"
    );
    assert_eq!(
        conflict.2,
        "campaigns `乙` and `甲` conflict: both apply at 崇仁县, 2026-12-20, 热线10086, 品牌=全球通 and they may not stack"
    );
}

#[test]
fn clustering_lists_regions_channels_and_dates() {
    let source = "limits { max_concurrent: 1 }\ncampaign 甲 { issuer: 抚州; window: 2026-12-01 .. 2026-12-31; offer: 流量包10元; benefit: discount 50%; channels: [自有营业厅] }\ncampaign 乙 { issuer: 抚州; window: 2026-12-10 .. 2026-12-20; offer: 宽带100M; benefit: discount 30%; channels: [自有营业厅] }\n";
    let found = messages(source);
    let cluster: Vec<_> = found.iter().filter(|m| m.0 == "KJ2002").collect();
    assert_eq!(cluster.len(), 1);
    assert_eq!(
        cluster[0].1,
        "营销活动扎堆:`乙` 使同时开展的活动超过上限 1(最多 2 个);地区 抚州,渠道 自有营业厅;日期 2026-12-10 ~ 2026-12-20"
    );
    assert_eq!(
        cluster[0].2,
        "`乙` is one campaign too many: up to 2 at once, above the limit of 1; regions 抚州 on channels 自有营业厅; dates 2026-12-10 ~ 2026-12-20"
    );
}

#[test]
fn clustering_groups_lanes_and_counts_related_beyond_twenty() {
    // 23 campaigns in 临川区 on one channel, one day; limit 1: every one
    // but the first is over, each once; the last lists 20 of the 22 others.
    let mut source = String::from("limits { max_concurrent: 1 }\n");
    for i in 0..23 {
        source.push_str(&format!("campaign 活动{i:02} {{ issuer: 抚州; regions: [临川区]; window: 2026-12-01 .. 2026-12-01; offer: 流量包10元; benefit: discount 50%; channels: [自有营业厅]; stacking: stackable }}\n"));
    }
    // Over on two channels in 抚州 (every county) and on one in 崇仁县 only.
    source.push_str("campaign 甲 { issuer: 抚州; window: 2027-01-01 .. 2027-01-10; offer: 宽带100M; benefit: discount 50%; channels: [自有营业厅, 热线10086, 短信营业厅]; stacking: stackable }\n");
    source.push_str("campaign 乙 { issuer: 抚州; window: 2027-01-05 .. 2027-01-06; offer: 宽带100M; benefit: discount 50%; channels: [自有营业厅, 热线10086]; stacking: stackable }\n");
    source.push_str("campaign 丙 { issuer: 抚州; regions: [崇仁县]; window: 2027-01-08 .. 2027-01-09; offer: 宽带100M; benefit: discount 50%; channels: [短信营业厅]; stacking: stackable }\n");
    let found = messages(&source);
    let cluster: Vec<_> = found.iter().filter(|m| m.0 == "KJ2002").collect();
    assert_eq!(cluster.len(), 22 + 2, "{cluster:#?}");
    let last = cluster
        .iter()
        .find(|m| m.2.starts_with("`活动22`"))
        .unwrap();
    assert_eq!(
        last.2,
        "`活动22` is one campaign too many: up to 23 at once, above the limit of 1; regions 临川区 on channels 自有营业厅; dates 2026-12-01; 2 more concurrent campaigns are not listed"
    );
    assert!(
        last.1.ends_with(";另有 2 个同时开展的活动未列出"),
        "{}",
        last.1
    );
    let second = cluster.iter().find(|m| m.2.starts_with("`乙`")).unwrap();
    assert_eq!(
        second.2,
        "`乙` is one campaign too many: up to 2 at once, above the limit of 1; regions 抚州 on channels 热线10086, 自有营业厅; dates 2027-01-05 ~ 2027-01-06"
    );
    let third = cluster.iter().find(|m| m.2.starts_with("`丙`")).unwrap();
    assert_eq!(
        third.2,
        "`丙` is one campaign too many: up to 2 at once, above the limit of 1; regions 崇仁县 on channels 短信营业厅; dates 2027-01-08 ~ 2027-01-09"
    );
}

#[test]
fn gaps_and_sums_are_named() {
    let source = "commission 分成 { kind: revenue_share; period: 2026-01-01 .. 2026-12-31; channels: [指定专营店]\n rates {\n  tenure 1 个月 ..= 6 个月 => 5%\n  tenure 13 个月 .. => 10%\n }\n}\ngrading 模型 { factor 甲 40%\n factor 乙 50%\n grades { 高: 90 ..= 100; 低: 0 .. 85 } }\n";
    let found = messages(source);
    let gap = found.iter().find(|m| m.0 == "KJ2102").unwrap();
    assert_eq!(
        gap.2,
        "the rows of commission table `分成` leave uncovered: tenure [7, 12] 个月"
    );
    let sum = found.iter().find(|m| m.0 == "KJ7001").unwrap();
    assert_eq!(sum.1, "`模型` 下的因子权重合计 90%,应为 100%");
    let bands = found.iter().find(|m| m.0 == "KJ7003").unwrap();
    assert_eq!(
        bands.2,
        "the grade bands of `模型` leave [85, 90) uncovered"
    );
}

/// Apply every fix of `code` to a one-file workspace (with base.kj) and check
/// again: the finding is gone and no syntax error appeared.
fn fix_resolves(code: koujing_checker::Code, source: &str) {
    let base = std::fs::read_to_string(ui_dir().join("base.kj")).unwrap();
    let run = |text: &str| {
        let ws = Workspace::new([
            ("base.kj".to_string(), base.clone().into_bytes()),
            ("t.kj".to_string(), text.as_bytes().to_vec()),
        ]);
        let report = check(&ws, &options());
        (ws, report)
    };
    let (ws, report) = run(source);
    let file = ws.files.iter().position(|f| f.path == "t.kj").unwrap();
    let mut edits: Vec<koujing_grammar::Edit> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == code && d.file == file)
        .flat_map(|d| {
            d.fix
                .clone()
                .unwrap_or_else(|| panic!("{code} has no fix: {}", d.message.en))
                .edits
        })
        .collect();
    assert!(!edits.is_empty(), "{code} did not fire");
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut text = source.to_string();
    for edit in edits {
        text.replace_range(edit.span.start..edit.span.end, &edit.replacement);
    }
    let (_, after) = run(&text);
    let left: Vec<String> = after
        .diagnostics
        .iter()
        .filter(|d| d.code == code || d.code == koujing_checker::Code::KJ0001)
        .map(|d| d.message.en.clone())
        .collect();
    assert!(left.is_empty(), "{code} after the fix:\n{text}\n{left:?}");
}

#[test]
fn fixes_resolve_their_findings() {
    use koujing_checker::Code;
    let campaign = |body: &str| {
        format!("campaign 甲 {{ issuer: 抚州; window: 2026-12-01 .. 2026-12-31; offer: 流量包10元; benefit: discount 50%; channels: [自有营业厅]; requires: [BOSS配置, 知识库]{body} }}\n")
    };
    fix_resolves(
        Code::KJ1001,
        &campaign("; extends: 乙活动")
            .replace("抚州", "抚洲")
            .replace("; extends: 乙活动", ""),
    );
    fix_resolves(
        Code::KJ1007,
        &campaign("; faq { \"优惠多久?\": \"一个月。\" }").replace("window:", "widow:"),
    );
    fix_resolves(Code::KJ0002, "term 达量 { plain: “流量用完后网速变慢” }\n");
    fix_resolves(
        Code::KJ0003,
        "term 达量 { plain：\"流量用完后网速变慢\"； jargon: false }\n",
    );
    fix_resolves(Code::KJ3001, &campaign("; wording { headline: \"流量包8折,每月只需8元\" }; faq { \"优惠多久?\": \"一个月。\" }"));
    fix_resolves(
        Code::KJ3002,
        &campaign("; wording { body: \"活动截至1月31日\" }; faq { \"优惠多久?\": \"一个月。\" }"),
    );
    fix_resolves(
        Code::KJ5001,
        &campaign(
            "; wording { body: \"流量用完后达量限速\" }; faq { \"优惠多久?\": \"一个月。\" }",
        ),
    );
    fix_resolves(
        Code::KJ5001,
        &format!(
            "{}\n",
            campaign("; wording { body: \"流量用完后达量限速\" }").trim_end()
        ),
    );
    fix_resolves(
        Code::KJ5003,
        &campaign("; wording { body: \"支持QoS加速\" }; faq { \"优惠多久?\": \"一个月。\" }"),
    );
    fix_resolves(
        Code::KJ2003,
        "campaign 全省 { issuer: 江西; window: 2026-12-01 .. 2026-12-31; offer: 流量包10元; benefit: discount 30%; channels: [自有营业厅]; requires: [BOSS配置, 知识库]; faq { \"全省怎么办?\": \"到厅。\" } }\ncampaign 抚州 { issuer: 抚州; window: 2026-12-05 .. 2026-12-31; offer: 流量包10元; benefit: discount 50%; channels: [热线10086]; requires: [BOSS配置, 知识库]; faq { \"抚州怎么办?\": \"到厅。\" } }\n",
    );
}
