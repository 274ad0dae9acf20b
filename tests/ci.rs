#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The CI gate: SARIF (validated against the official SARIF 2.1.0 schema),
//! GitHub annotations, JUnit, `--only`, `--fail-level`, `--require-reason`,
//! the suppressions array, and the CI templates, each run as written.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{copy_dir, koujing, root, stdout};

/// The official SARIF 2.1.0 schema, vendored in tests/fixtures/ (see its
/// README for where it comes from) so the test runs offline.
fn sarif_schema() -> serde_json::Value {
    let schema = root().join("tests/fixtures/sarif-2.1.0-rtm.5.json");
    serde_json::from_slice(&std::fs::read(schema).unwrap()).unwrap()
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let validator = jsonschema::validator_for(&sarif_schema()).unwrap();
    for example in ["examples/conflicts", "examples/resolution", "policies"] {
        let out = koujing(&root(), &["check", example, "--format", "sarif"]);
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{example}: {errors:#?}");
        let run = &log["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().unwrap().len(),
            koujing_checker::Code::ALL.len()
        );
        if example == "examples/conflicts" {
            let conflict = run["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["ruleId"] == "KJ2001")
                .unwrap();
            assert_eq!(conflict["level"], "error");
            assert_eq!(
                conflict["locations"][0]["physicalLocation"]["region"]["startLine"],
                5
            );
            assert!(conflict["relatedLocations"]
                .as_array()
                .is_some_and(|r| !r.is_empty()));
        }
        if example == "examples/resolution" {
            assert!(run["results"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r.get("fixes").is_some()));
        }
    }
    // The schema is not vacuous.
    let mut broken = serde_json::from_slice::<serde_json::Value>(
        &koujing(&root(), &["check", "policies", "--format", "sarif"]).stdout,
    )
    .unwrap();
    broken["version"] = serde_json::json!("9.9");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn github_annotations_and_junit() {
    let out = koujing(
        &root(),
        &["check", "examples/conflicts", "--format", "github"],
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("::error file=examples/conflicts/campaigns.kj,line=5,col=10,endLine=5,endColumn=16,title=KJ2001::"), "{text}");
    assert!(lines
        .iter()
        .any(|l| l.starts_with("::warning ") && l.contains("title=KJ2002::")));
    assert_eq!(out.status.code(), Some(1));

    let out = koujing(
        &root(),
        &["check", "examples/conflicts", "--format", "junit"],
    );
    let xml = stdout(&out);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures) = (0, 0);
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"testcase" => cases += 1,
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"failure" => failures += 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((cases, failures), (2, 1), "{xml}");
}

#[test]
fn fail_level_decides_the_exit_status() {
    // examples/grading has only errors; examples/suppressions only warnings.
    assert_eq!(
        koujing(&root(), &["check", "examples/suppressions"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        koujing(
            &root(),
            &["check", "examples/suppressions", "--fail-level", "warning"]
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        koujing(
            &root(),
            &["check", "examples/suppressions", "--deny", "warnings"]
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        koujing(&root(), &["check", "policies", "--fail-level", "info"])
            .status
            .code(),
        Some(0)
    );
}

/// A copy of policies/ with a city submission that conflicts with an
/// approved province campaign, and an unrelated problem elsewhere.
fn submission_workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&root().join("policies"), &tmp.path().join("policies"));
    std::fs::write(
        tmp.path().join("policies/cities/submission.kj"),
        "campaign 抚州冬季流量再优惠 \"冬季流量包半价\" {\n  issuer: 抚州\n  window: 2026-12-15 .. 2026-12-31\n  offer: 流量包10元\n  benefit: discount 50%\n  channels: [网上营业厅]\n  requires: [BOSS冬季营销配置, 电子渠道营销配置, 知识库冬春口径]\n  faq { \"抚州冬季流量再优惠怎么办理?\": \"在网上营业厅办理。\" }\n}\n",
    )
    .unwrap();
    // Unrelated: a typo in another city's file.
    let nanchang = tmp.path().join("policies/cities/nanchang.kj");
    let text = std::fs::read_to_string(&nanchang).unwrap();
    std::fs::write(
        &nanchang,
        text.replace(
            "issuer: 南昌\n  window: 2027-01-05",
            "issuer: 南昌\n  widow: 2027-01-05",
        ),
    )
    .unwrap();
    tmp
}

#[test]
fn only_reports_what_the_submission_touches() {
    let tmp = submission_workspace();
    let all = koujing(tmp.path(), &["check", "policies", "--format", "json"]);
    let all: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    let codes = |v: &serde_json::Value| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["code"].as_str().unwrap(),
                    d["file"].as_str().unwrap()
                )
            })
            .collect()
    };
    let everything = codes(&all);
    assert!(
        everything
            .iter()
            .any(|c| c.starts_with("KJ1007 policies/cities/nanchang.kj")),
        "{everything:?}"
    );
    let only = koujing(
        tmp.path(),
        &[
            "check",
            "policies",
            "--only",
            "policies/cities/submission.kj",
            "--format",
            "json",
        ],
    );
    let only: serde_json::Value = serde_json::from_slice(&only.stdout).unwrap();
    let mine = codes(&only);
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|c| !c.starts_with("KJ1007")), "{mine:?}");
    // The conflict with the approved province campaign is reported on it.
    let conflict = only["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "KJ2001")
        .unwrap();
    let related: Vec<&str> = conflict["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    let touches = conflict["file"] == "policies/cities/submission.kj"
        || related.contains(&"policies/cities/submission.kj");
    assert!(touches);
    // Exactly the findings that touch the file.
    let expected: Vec<String> = all["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["file"] == "policies/cities/submission.kj"
                || d["related"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["file"] == "policies/cities/submission.kj")
        })
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(mine, expected);
    let bad = koujing(
        tmp.path(),
        &["check", "policies", "--only", "policies/nope.kj"],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn require_reason_and_the_suppressions_array() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("a.kj"),
        "// koujing: allow(KJ0003)\nchannel 甲 { type：owned }\n// koujing: allow(KJ0003) reason=\"城市原文\" until=2099-01-31\nchannel 乙 { type：owned }\n",
    )
    .unwrap();
    let plain = koujing(tmp.path(), &["check", "--format", "json"]);
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_eq!(plain["diagnostics"].as_array().unwrap().len(), 0);
    let suppressions = plain["suppressions"].as_array().unwrap();
    assert_eq!(suppressions.len(), 2);
    assert_eq!(suppressions[1]["reason"], "城市原文");
    assert_eq!(suppressions[1]["until"], "2099-01-31");
    assert_eq!(suppressions[1]["silenced"], 1);
    assert_eq!(suppressions[1]["applies"], true);

    let strict = koujing(
        tmp.path(),
        &["check", "--format", "json", "--require-reason"],
    );
    let strict: serde_json::Value = serde_json::from_slice(&strict.stdout).unwrap();
    let codes: Vec<(&str, u64)> = strict["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(codes, [("KJ0006", 1), ("KJ0003", 2)]);
    assert_eq!(strict["suppressions"][0]["applies"], false);
}

/// The shell lines of a template that run koujing.
fn template_commands(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.trim().trim_start_matches("- ").trim())
        .filter(|l| l.starts_with("koujing ") || l.starts_with("CHANGED="))
        .map(str::to_string)
        .collect()
}

#[test]
fn ci_templates_run_as_written() {
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_koujing"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for template in [
        "examples/ci/github-actions.yml",
        "examples/ci/gitlab-ci.yml",
    ] {
        let commands = template_commands(&root().join(template));
        assert!(commands.iter().any(|c| c.contains("--only")), "{template}");
        // Stand in for `git diff`: the changed files, as git prints them.
        let run = |changed: &str| {
            let tmp = submission_workspace();
            let script: Vec<String> = commands
                .iter()
                .map(|c| {
                    if c.starts_with("CHANGED=") {
                        format!("CHANGED='{changed}'")
                    } else {
                        c.clone()
                    }
                })
                .collect();
            // Like the CI runners, stop at the first failing line.
            let out = Command::new("sh")
                .arg("-c")
                .arg(format!("set -e\n{}", script.join("\n")))
                .current_dir(tmp.path())
                .env("PATH", &path)
                .output()
                .unwrap();
            let produced = format!(
                "{}{}{}",
                stdout(&out),
                std::fs::read_to_string(tmp.path().join("koujing-junit.xml")).unwrap_or_default(),
                std::fs::read_to_string(tmp.path().join("koujing.sarif")).unwrap_or_default()
            );
            (out, produced)
        };
        // The submission conflicts: the gate fails, and says why.
        let (out, produced) = run("policies/cities/submission.kj");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{template}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(produced.contains("KJ2001"), "{template}: {produced}");
        // Two changed files, one per line as git prints them.
        let (out, produced) = run("policies/cities/fuzhou.kj\npolicies/cities/submission.kj");
        assert_eq!(out.status.code(), Some(1), "{template}: {produced}");
        assert!(produced.contains("KJ2001"), "{template}: {produced}");
        // A change that only deletes .kj files: nothing to report, the gate passes.
        let (out, produced) = run("");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{template}: {produced}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The gate's own output (annotations, JUnit) names no finding; the
        // full SARIF upload still carries the workspace's findings.
        let gate = produced.split("\"$schema\"").next().unwrap();
        assert!(!gate.contains("KJ1007"), "{template}: {gate}");
        // policies/koujing.toml says zh-CN.
        assert!(String::from_utf8_lossy(&out.stderr).contains("没有改动"));
    }
    // pre-commit: `entry` followed by the staged file names, in the repository root.
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let entry = hooks
        .lines()
        .find_map(|l| l.trim().strip_prefix("entry:"))
        .unwrap()
        .trim()
        .to_string();
    // pre-commit runs in the repository root; the workspace is policies/,
    // whose koujing.toml says zh-CN and must be honoured.
    let tmp = submission_workspace();
    let hook = |files: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(format!("{entry} {files}"))
            .current_dir(tmp.path())
            .env("PATH", &path)
            .env("LANG", "en_US.UTF-8")
            .output()
            .unwrap()
    };
    let out = hook("policies/cities/submission.kj");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).contains("KJ2001"));
    assert!(stdout(&out).contains("冲突"), "{}", stdout(&out));
    let two = hook("policies/cities/fuzhou.kj policies/cities/nanchang.kj");
    assert_eq!(two.status.code(), Some(1), "nanchang has a typo");
    assert!(stdout(&two).contains("KJ1007"), "{}", stdout(&two));
    let clean = hook("policies/cities/fuzhou.kj");
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    // The workspace's lint levels apply too.
    let toml = tmp.path().join("policies/koujing.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}KJ2001 = \"warning\"\n")).unwrap();
    let out = hook("policies/cities/submission.kj");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("KJ2001"));
}

#[test]
fn completions_and_man_page() {
    let bash = koujing(&root(), &["completions", "bash"]);
    assert!(stdout(&bash).contains("koujing") && stdout(&bash).contains("--only"));
    let man = koujing(&root(), &["man"]);
    assert!(stdout(&man).contains(".TH koujing 1"));
}
