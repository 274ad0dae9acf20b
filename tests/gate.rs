#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Adopting the CI gate (issue 17): `--only` one value per occurrence or a
//! list, never eating PATHS, empty = nothing changed; baselines matched
//! without line numbers, with SARIF `baselineState`; each subcommand's
//! `--format` lists only what it supports; man pages per subcommand;
//! lint levels with a did-you-mean.

use std::path::Path;
use std::process::Output;

mod common;
use common::{copy_dir, koujing, root, stdout, text};

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(output)))
}

/// (code, file) of every reported finding.
fn findings(output: &Output) -> Vec<(String, String)> {
    json(output)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const BASE: &str = "regions 江西 { 抚州 { 临川区, 崇仁县 } }\nchannel 自有营业厅 { type: owned }\nproduct 流量包10元 \"10元5GB流量包\" { kind: data; price: 10 元/月 }\n";
const A: &str = "campaign 甲 { issuer: 抚洲; window: 2026-12-01 .. 2026-12-31; offer: 流量包10元; benefit: discount 50%; channels: [自有营业厅] }\n";
const B: &str = "campaign 乙 { issuer: 抚州; window: 2026-12-01 .. 2026-12-31; offer: 流量包1元; benefit: discount 50%; channels: [自有营业厅] }\n";

/// A workspace with an unknown region in a.kj and an unknown product in b.kj.
fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    std::fs::write(tmp.path().join("a.kj"), A).unwrap();
    std::fs::write(tmp.path().join("b.kj"), B).unwrap();
    tmp
}

fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check", "--format", "json", "--today", "2026-11-01"];
    all.extend_from_slice(args);
    koujing(dir, &all)
}

#[test]
fn only_takes_one_value_per_occurrence_or_a_list() {
    let tmp = workspace();
    let all = findings(&check(tmp.path(), &[]));
    let in_a: Vec<_> = all.iter().filter(|f| f.1 == "a.kj").cloned().collect();
    let in_b: Vec<_> = all.iter().filter(|f| f.1 == "b.kj").cloned().collect();
    assert!(!in_a.is_empty() && !in_b.is_empty(), "{all:?}");
    // `--only FILE PATHS`: the path after the file is a workspace path.
    let out = check(tmp.path(), &["--only", "a.kj", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(findings(&out), in_a);
    // Repeated, comma-separated and newline-separated all name both files.
    for args in [
        vec!["--only", "a.kj", "--only", "b.kj"],
        vec!["--only", "a.kj,b.kj"],
        vec!["--only", "a.kj\nb.kj\n"],
    ] {
        assert_eq!(findings(&check(tmp.path(), &args)), all, "{args:?}");
    }
    // Empty: nothing changed. Nothing is reported, it says so, exit 0.
    for empty in ["", "\n", " , "] {
        let out = check(tmp.path(), &["--only", empty]);
        assert_eq!(out.status.code(), Some(0), "{empty:?}: {}", text(&out));
        assert!(findings(&out).is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).contains("nothing changed"));
    }
    // A file that is not in the workspace is still an error.
    let out = check(tmp.path(), &["--only", "nope.kj"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn only_without_paths_finds_the_workspace_of_the_files() {
    // The repository root has no koujing.toml; the workspace in ws/ has one
    // that says zh-CN, lowers KJ1001 to a warning and turns KJ4001 off.
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    std::fs::create_dir_all(ws.join("cities")).unwrap();
    std::fs::write(ws.join("base.kj"), BASE).unwrap();
    std::fs::write(ws.join("cities/a.kj"), A).unwrap();
    std::fs::write(
        ws.join("koujing.toml"),
        "lang = \"zh-CN\"\n[lints]\nKJ1001 = \"warning\"\nKJ4001 = \"allow\"\n",
    )
    .unwrap();
    let out = koujing(
        tmp.path(),
        &["check", "--only", "ws/cities/a.kj", "--today", "2026-11-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("KJ1001") && shown.contains("未知"),
        "{shown}"
    );
}

#[test]
fn a_baseline_keeps_old_findings_out_of_the_gate() {
    let tmp = workspace();
    let baseline = tmp.path().join("koujing-baseline.json");
    let written = koujing(
        tmp.path(),
        &["check", "--write-baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(written.status.code(), Some(0), "{}", text(&written));
    let recorded: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&baseline).unwrap()).unwrap();
    let entries = recorded["findings"].as_array().unwrap();
    assert_eq!(entries.len(), findings(&check(tmp.path(), &[])).len());
    assert!(entries.iter().all(|e| e.get("line").is_none()));
    assert!(
        entries.iter().any(|e| e["item"] == "campaign 甲"),
        "{recorded:#}"
    );

    // Edit above the findings: nothing is new.
    std::fs::write(tmp.path().join("a.kj"), format!("// 新增注释\n\n{A}")).unwrap();
    let args = ["--baseline", baseline.to_str().unwrap()];
    let out = check(tmp.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let value = json(&out);
    assert!(value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["baseline"] == "unchanged"));
    assert_eq!(value["baseline"]["new"], 0);

    // A new problem fails the gate; the old ones still do not.
    std::fs::write(
        tmp.path().join("c.kj"),
        A.replace("甲", "丙").replace("抚洲", "赣洲"),
    )
    .unwrap();
    let out = check(tmp.path(), &args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let value = json(&out);
    let new: Vec<&str> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["baseline"] == "new")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        !new.is_empty() && new.iter().all(|f| *f == "c.kj"),
        "{new:?}"
    );

    // Human output shows only the new finding and counts the rest.
    let human = koujing(
        tmp.path(),
        &[
            "check",
            "--today",
            "2026-11-01",
            "--baseline",
            baseline.to_str().unwrap(),
        ],
    );
    let shown = stdout(&human);
    assert!(
        shown.contains("c.kj") && !shown.contains("b.kj:"),
        "{shown}"
    );
    assert!(shown.contains("existing"), "{shown}");

    // SARIF: new / unchanged, and absent for what was fixed.
    std::fs::write(
        tmp.path().join("b.kj"),
        B.replace("流量包1元", "流量包10元"),
    )
    .unwrap();
    let sarif = koujing(
        tmp.path(),
        &[
            "check",
            "--format",
            "sarif",
            "--today",
            "2026-11-01",
            "--baseline",
            baseline.to_str().unwrap(),
        ],
    );
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let states: Vec<(String, String)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["baselineState"].as_str().unwrap().to_string(),
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert!(
        states.contains(&("new".into(), "c.kj".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&("unchanged".into(), "a.kj".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&("absent".into(), "b.kj".into())),
        "{states:?}"
    );
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("tests/fixtures/sarif-2.1.0-rtm.5.json")).unwrap(),
    )
    .unwrap();
    assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&log));
}

#[test]
fn every_format_list_is_what_the_subcommand_supports() {
    for (args, bad) in [
        (vec!["test"], "sarif"),
        (vec!["test"], "json"),
        (vec!["query", "grade", "--model", "x"], "junit"),
        (vec!["query", "offers"], "sarif"),
        (vec!["diff", "a", "b"], "github"),
    ] {
        let mut all = args.clone();
        all.extend(["--format", bad]);
        let out = koujing(&root(), &all);
        assert_eq!(out.status.code(), Some(2), "{all:?}: {}", text(&out));
        assert!(
            text(&out).contains("invalid value"),
            "{all:?}: {}",
            text(&out)
        );
        let mut help = args.clone();
        help.push("--help");
        let help = stdout(&koujing(&root(), &help));
        assert!(!help.contains(&format!("- {bad}:")), "{args:?}: {help}");
    }
}

#[test]
fn one_man_page_per_subcommand_with_the_usual_sections() {
    let tmp = tempfile::tempdir().unwrap();
    let out = koujing(&root(), &["man", "--out", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut pages: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for expected in [
        "koujing.1",
        "koujing-check.1",
        "koujing-query-grade.1",
        "koujing-verify.1",
    ] {
        assert!(pages.contains(&expected.to_string()), "{pages:?}");
    }
    let reference = regex_lite_refs;
    for page in &pages {
        let body = std::fs::read_to_string(tmp.path().join(page)).unwrap();
        for section in ["EXIT STATUS", "FILES", "ENVIRONMENT", "SEE ALSO"] {
            assert!(
                body.contains(&format!(".SH \"{section}\""))
                    || body.contains(&format!(".SH {section}\n")),
                "{page}: {section}"
            );
        }
        assert!(body.contains("koujing.toml"), "{page}");
        for named in reference(&body) {
            assert!(
                pages.contains(&format!("{named}.1")),
                "{page} refers to {named}(1), which does not exist"
            );
        }
    }
    // `koujing man check` prints that page.
    let check = stdout(&koujing(&root(), &["man", "check"]));
    assert!(check.contains(".TH koujing-check 1"), "{check}");
}

/// Every `name(1)` a roff page refers to (roff escapes `-` as `\-`).
fn regex_lite_refs(body: &str) -> Vec<String> {
    let plain = body
        .replace("\\-", "-")
        .replace("\\fB", "")
        .replace("\\fR", "");
    let mut found = Vec::new();
    for (at, _) in plain.match_indices("(1)") {
        let before = &plain[..at];
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(0, |i| i + 1);
        let name = &before[start..];
        if !name.is_empty() {
            found.push(name.to_string());
        }
    }
    found
}

#[test]
fn lint_levels_are_the_documented_ones() {
    let tmp = workspace();
    std::fs::write(
        tmp.path().join("koujing.toml"),
        "[lints]\nKJ1001 = \"off\"\n",
    )
    .unwrap();
    let out = koujing(tmp.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("did you mean \"allow\""),
        "{}",
        text(&out)
    );
    std::fs::write(
        tmp.path().join("koujing.toml"),
        "[lints]\nKJ1001 = \"allow\"\n",
    )
    .unwrap();
    let out = check(tmp.path(), &[]);
    assert!(findings(&out).iter().all(|f| f.0 != "KJ1001"));
}

#[test]
fn summary_counts_in_singular_and_plural() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    let one = stdout(&koujing(tmp.path(), &["check", "--lang", "en"]));
    assert!(one.contains("checked 1 file:"), "{one}");
    std::fs::write(tmp.path().join("a.kj"), A).unwrap();
    let two = stdout(&koujing(tmp.path(), &["check", "--lang", "en"]));
    // a.kj has one warning (no FAQ) and several errors.
    assert!(
        two.contains("checked 2 files:") && two.contains(" errors, 1 warning, 0 infos"),
        "{two}"
    );
}

#[test]
fn human_columns_count_characters_like_json() {
    let tmp = workspace();
    let json_out = check(tmp.path(), &["--lang", "en"]);
    let value = json(&json_out);
    let first = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "a.kj" && d["code"] == "KJ1001")
        .unwrap()
        .clone();
    let human = stdout(&koujing(
        tmp.path(),
        &["check", "--lang", "en", "--today", "2026-11-01"],
    ));
    let at = format!("[a.kj:{}:{}]", first["line"], first["column"]);
    assert!(human.contains(&at), "{at} not in {human}");
    // The line has Chinese before the finding, so bytes would differ.
    let line = A.lines().next().unwrap();
    let column = first["column"].as_u64().unwrap() as usize;
    let prefix: String = line.chars().take(column - 1).collect();
    assert_ne!(prefix.len(), prefix.chars().count());
}

#[test]
fn diff_shows_windows_as_dates_and_no_json_in_strings() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("copy");
    copy_dir(&root().join("policies"), &copy);
    let built = koujing(tmp.path(), &["build", "copy", "--out", "old"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built));
    let city = copy.join("cities/fuzhou.kj");
    let source = std::fs::read_to_string(&city).unwrap();
    std::fs::write(
        &city,
        source.replace(
            "window: 2027-01-01 .. 2027-01-31",
            "window: 2027-01-01 .. 2027-01-20",
        ),
    )
    .unwrap();
    let built = koujing(tmp.path(), &["build", "copy", "--out", "new"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built));
    let human = stdout(&koujing(
        tmp.path(),
        &["diff", "old", "new", "--lang", "en"],
    ));
    assert!(
        human.contains("2027-01-01 .. 2027-01-31 → 2027-01-01 .. 2027-01-20"),
        "{human}"
    );
    assert!(!human.contains("{\""), "{human}");
    let json = koujing(tmp.path(), &["diff", "old", "new", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    strings(&value, &mut all);
    assert!(!all.is_empty());
    assert!(
        all.iter().all(|s| !s.contains("{\"") && !s.contains("[\"")),
        "{all:?}"
    );
}

/// Run `koujing ARGS` in `dir` under a pseudo-terminal (`script`), so that
/// stdout and stderr are terminals; the combined output.
fn on_a_terminal(dir: &Path, args: &str, ci: bool) -> String {
    let mut command = std::process::Command::new("script");
    command
        .args([
            "-qec",
            &format!("{} {args}", env!("CARGO_BIN_EXE_koujing")),
            "/dev/null",
        ])
        .current_dir(dir)
        .env("TERM", "xterm")
        .env("LANG", "en_US.UTF-8")
        .env_remove("CI")
        .stdin(std::process::Stdio::null());
    if ci {
        command.env("CI", "true");
    }
    let out = command
        .output()
        .expect("`script` (util-linux) runs a command on a terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn progress_only_on_a_terminal_for_people_and_not_in_ci() {
    // Enough items that a debug build reads and checks them for over a second.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    for f in 0..12 {
        let body: String = (0..600)
            .map(|i| format!("product 产品{f}x{i} \"产品\" {{ kind: data; price: 10 元/月 }}\n"))
            .collect();
        std::fs::write(tmp.path().join(format!("f{f}.kj")), body).unwrap();
    }
    let marker = "files";
    let shown = on_a_terminal(tmp.path(), "check --today 2026-11-01 .", false);
    assert!(
        shown.contains("reading and parsing files") || shown.contains("checking 13 files"),
        "{shown}"
    );
    // The bar is cleared: the summary is the last thing on the screen.
    assert!(shown.contains("checked 13 files"), "{shown}");
    // Never in CI logs, never in machine formats, never when piped.
    let ci = on_a_terminal(tmp.path(), "check --today 2026-11-01 .", true);
    assert!(
        !ci.contains("parsing files") && !ci.contains("checking 13"),
        "{ci}"
    );
    assert!(ci.contains("checked 13 files"), "{ci}");
    let machine = on_a_terminal(
        tmp.path(),
        "check --format json --today 2026-11-01 .",
        false,
    );
    assert!(!machine.contains("parsing files"), "{machine}");
    let piped = koujing(tmp.path(), &["check", "--today", "2026-11-01", "."]);
    assert!(String::from_utf8_lossy(&piped.stderr).is_empty());
    assert!(stdout(&piped).contains(&format!("checked 13 {marker}")));
}

/// Every subcommand, from the generated man pages' names.
fn subcommands() -> Vec<Vec<String>> {
    let tmp = tempfile::tempdir().unwrap();
    koujing(&root(), &["man", "--out", tmp.path().to_str().unwrap()]);
    let mut all: Vec<Vec<String>> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".1").map(str::to_string))
        .map(|n| n.split('-').skip(1).map(str::to_string).collect())
        .collect();
    all.sort();
    all
}

#[test]
fn every_argument_in_every_help_says_what_it_is_for() {
    let commands = subcommands();
    assert!(commands.len() >= 14, "{commands:?}");
    for command in commands {
        let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
        args.push("--help");
        let help = stdout(&koujing(&root(), &args));
        let lines: Vec<&str> = help.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            // An argument line: `  [PATHS]...`, `  <CODE>`, `      --out <DIR>`.
            let is_arg = (2..=6).contains(&indent)
                && (trimmed.starts_with('-')
                    || trimmed.starts_with('[')
                    || trimmed.starts_with('<'));
            // Short help sits on the same line after two spaces, long help
            // on the next line.
            let inline = trimmed
                .split_once("  ")
                .is_some_and(|(_, h)| !h.trim().is_empty());
            if is_arg && !inline {
                let next = lines.get(i + 1).copied().unwrap_or_default();
                assert!(
                    !next.trim().is_empty(),
                    "`koujing {}`: `{}` has no help\n{help}",
                    command.join(" "),
                    trimmed
                );
            }
        }
    }
}
