#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! End-to-end: `koujing check --format json` on every example workspace
//! reports exactly the findings annotated in its files (`// expect: CODE @ COL`
//! under the offending line), and the codes `examples/README.md` lists.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

#[path = "../checker/tests/support/expect.rs"]
mod expect;

type Finding = (String, u64, u64, String);

fn koujing() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_koujing"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LANG", "en_US.UTF-8");
    command
}

/// The annotations of one file, as findings of `shown`.
fn annotations(path: &Path, shown: &str) -> Vec<Finding> {
    let bytes = std::fs::read(path).unwrap();
    expect::expectations(&String::from_utf8_lossy(&bytes))
        .unwrap_or_else(|e| panic!("{shown}: {e}"))
        .into_iter()
        .map(|(line, column, code)| (shown.to_string(), line.into(), column.into(), code))
        .collect()
}

/// Every folder of examples/ that holds `.kj` files: discovered, not listed,
/// so a new example folder is tested without touching this file.
fn example_folders() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut folders: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_dir()
                && std::fs::read_dir(p)
                    .unwrap()
                    .any(|e| e.unwrap().path().extension().is_some_and(|x| x == "kj"))
        })
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    folders
}

fn readme_codes() -> Vec<(String, BTreeSet<String>)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/README.md"))
            .unwrap();
    readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let folder = cells.get(1)?.strip_prefix('`')?.strip_suffix("/`")?;
            let codes = cells
                .get(2)?
                .split_whitespace()
                .map(str::to_string)
                .collect();
            Some((folder.to_string(), codes))
        })
        .collect()
}

#[test]
fn every_example_reports_exactly_its_annotations() {
    let listed: std::collections::BTreeMap<String, BTreeSet<String>> =
        readme_codes().into_iter().collect();
    let folders = example_folders();
    assert!(folders.len() >= 3, "{folders:?}");
    // examples/README.md describes every folder, and only those.
    assert_eq!(
        listed.keys().cloned().collect::<Vec<_>>(),
        folders,
        "examples/README.md lists the example folders"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in folders {
        let codes = listed[&folder].clone();
        let dir = root.join("examples").join(&folder);
        let mut expected: BTreeSet<Finding> = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "kj") {
                let shown = format!(
                    "examples/{folder}/{}",
                    path.file_name().unwrap().to_string_lossy()
                );
                expected.extend(annotations(&path, &shown));
            }
        }
        let output = koujing()
            .args(["check", "--format", "json"])
            .arg(format!("examples/{folder}"))
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let reported: BTreeSet<Finding> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["file"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap(),
                    d["code"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(reported, expected, "findings of examples/{folder}");
        let reported_codes: BTreeSet<String> = reported.iter().map(|f| f.3.clone()).collect();
        assert_eq!(
            reported_codes, codes,
            "codes of examples/{folder} against its README line"
        );
        let has_error = json["summary"]["errors"].as_u64().unwrap() > 0;
        assert_eq!(
            output.status.code(),
            Some(if has_error { 1 } else { 0 }),
            "exit status of examples/{folder}"
        );
    }
}

#[test]
fn policies_check_clean() {
    let output = koujing()
        .args(["check", "policies", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0, "{json:#}");
    assert!(json["summary"]["files"].as_u64().unwrap() >= 10);
    assert_eq!(output.status.code(), Some(0));
}
