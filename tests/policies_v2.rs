#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The seed's channel-remuneration rules in `policies/` are checked, not just
//! written: each rule, broken in a copy of `policies/`, is found with the
//! right code at the right line and column.

mod common;

use std::path::Path;

/// Copy a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// One injected violation: in `file`, replace `old` (which must occur
/// exactly once) with `new`; expect `code` on the line containing `anchor`,
/// at its column (characters, 1-based).
struct Case {
    rule: &'static str,
    file: &'static str,
    /// (old, new) replacements, each `old` occurring exactly once.
    edits: &'static [(&'static str, &'static str)],
    code: &'static str,
    anchor: &'static str,
}

/// (code, file, line, column) of every finding of `koujing check`.
fn findings(dir: &Path) -> Vec<(String, String, u64, u64)> {
    let output = common::koujing(dir, &["check", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn position(text: &str, anchor: &str) -> (u64, u64) {
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find(anchor) {
            return (i as u64 + 1, line[..at].chars().count() as u64 + 1);
        }
    }
    panic!("anchor `{anchor}` not found");
}

const CASES: &[Case] = &[
    Case {
        rule: "省级/市级:抚州 table without overrides",
        file: "cities/fuzhou_commission.kj",
        edits: &[("  overrides: 社会渠道放号首返\n", "")],
        code: "KJ2104",
        anchor: "抚州放号首返 \"抚州",
    },
    Case {
        rule: "long-term incentives that add up: 星级奖励 no longer additive",
        file: "commission/incentives.kj",
        edits: &[
            ("commission 星级奖励 \"星级奖励:同一星级同一标准(每户每月)\" {\n  kind: incentive\n  additive: true\n", "commission 星级奖励 \"星级奖励:同一星级同一标准(每户每月)\" {\n  kind: incentive\n"),
            ("commission 核心代销商奖励 \"核心代销商奖励(每户每月)\" {\n  kind: incentive\n  additive: true\n", "commission 核心代销商奖励 \"核心代销商奖励(每户每月)\" {\n  kind: incentive\n"),
        ],
        code: "KJ2101",
        anchor: "grade 五星         => 0.3 元",
    },
    Case {
        rule: "话费分成只针对代理商和指定专营店",
        file: "commission/social.kj",
        edits: &[("channels: [代理商, 指定专营店]", "channels: [代理商, 指定专营店, 自有营业厅]")],
        code: "KJ6006",
        anchor: "自有营业厅]",
    },
    Case {
        rule: "门店补贴只针对高星级网点",
        file: "commission/incentives.kj",
        edits: &[("grade [三星, 二星, 一星]            => 0 元", "grade [三星, 二星, 一星]            => 0.1 元")],
        code: "KJ6006",
        anchor: "grade [三星, 二星, 一星]",
    },
    Case {
        rule: "首返:话费分成 ≈ 3:7",
        file: "commission/social.kj",
        edits: &[("tenure 7 个月 ..= 12 个月, grade [三星, 二星, 一星] => 8%", "tenure 7 个月 ..= 12 个月, grade [三星, 二星, 一星] => 2%")],
        code: "KJ6008",
        anchor: "first_return: 30%",
    },
    Case {
        rule: "计件:长期激励 ≈ 8:2",
        file: "commission/incentives.kj",
        edits: &[("代销商层级 核心, 三月留存率 80% ..    => 0.4 元", "代销商层级 核心, 三月留存率 80% ..    => 4 元")],
        code: "KJ6008",
        anchor: "incentive: 14%",
    },
    Case {
        rule: "酬金考核: a multiplier that rises with violations",
        file: "commission/incentives.kj",
        edits: &[("违规次数 1 次 .. 3 次, 投诉次数 0 次 .. 3 次 => 0.8", "违规次数 1 次 .. 3 次, 投诉次数 0 次 .. 3 次 => 1.1")],
        code: "KJ6007",
        anchor: "违规次数 1 次 .. 3 次, 投诉次数 0 次",
    },
    Case {
        rule: "投诉率 counts against",
        file: "grading/star.kj",
        edits: &[("; direction: lower_better", "")],
        code: "KJ7004",
        anchor: "投诉率 25%",
    },
    Case {
        rule: "coverage in complete tables: 四星 below 300 户 left unpaid",
        file: "commission/incentives.kj",
        edits: &[("    grade 四星, 月业务量 0 户 .. 300 户 => 0.2 元\n", "")],
        code: "KJ2102",
        anchor: "门店补贴 \"",
    },
    Case {
        rule: "limits of one scope merge; a field set twice is KJ1002",
        file: "province/limits.kj",
        edits: &[(
            "limits 南昌 { support_lead: 5 天 }",
            "limits 南昌 { support_lead: 5 天 }\nlimits { max_first_return_ratio: 50% }",
        )],
        code: "KJ1002",
        anchor: "max_first_return_ratio: 50%",
    },
];

#[test]
fn policies_check_clean_and_each_seed_rule_is_checked() {
    let source = common::root().join("policies");
    let clean = tempfile::tempdir().unwrap();
    copy_tree(&source, clean.path());
    assert_eq!(
        findings(clean.path()),
        Vec::new(),
        "policies/ must check clean"
    );
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&source, dir.path());
        let path = dir.path().join(case.file);
        let mut changed = std::fs::read_to_string(&path).unwrap();
        for (old, new) in case.edits {
            assert_eq!(
                changed.matches(old).count(),
                1,
                "{}: `{old}` must occur once in {}",
                case.rule,
                case.file
            );
            changed = changed.replacen(old, new, 1);
        }
        std::fs::write(&path, &changed).unwrap();
        let (line, column) = position(&changed, case.anchor);
        let found = findings(dir.path());
        assert!(
            found
                .iter()
                .any(|f| f.0 == case.code && f.1 == case.file && f.2 == line && f.3 == column),
            "{}: expected {} at {}:{line}:{column}, found {found:?}",
            case.rule,
            case.code,
            case.file
        );
        if case.code == "KJ2104" {
            assert!(
                !found.iter().any(|f| f.0 == "KJ2101"),
                "{}: no KJ2101 between nested tables: {found:?}",
                case.rule
            );
        }
    }
}
