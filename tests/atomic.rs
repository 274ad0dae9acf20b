#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! No data loss: `build` and `fmt` write through a temporary file or folder
//! and a rename, so a run killed mid-way, or a write that fails, leaves the
//! previous bundle and the original files whole.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn koujing() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_koujing"));
    c.env("LANG", "en_US.UTF-8");
    c
}

fn write_workspace(dir: &Path, campaigns: usize) {
    for (path, text) in koujing_bench::generate(7, campaigns) {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
}

#[test]
fn a_killed_build_leaves_the_previous_bundle_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bundle");
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    assert!(koujing()
        .args([
            "build",
            policies.to_str().unwrap(),
            "--out",
            bundle.to_str().unwrap()
        ])
        .status()
        .unwrap()
        .success());
    // A workspace big enough that building it takes a while; its campaigns
    // conflict, so allow that to let the build proceed.
    let ws = tmp.path().join("ws");
    write_workspace(&ws, 6_000);
    std::fs::write(ws.join("koujing.toml"), "[lints]\nKJ2001 = \"allow\"\n").unwrap();
    for delay in [20, 150, 400, 900] {
        let mut child = koujing()
            .args([
                "build",
                ws.to_str().unwrap(),
                "--out",
                bundle.to_str().unwrap(),
            ])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever the moment, the folder holds one whole bundle.
        let verify = koujing()
            .args(["verify", bundle.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            verify.status.success(),
            "after {delay} ms: {}",
            String::from_utf8_lossy(&verify.stdout)
        );
    }
}

#[test]
fn a_failed_write_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("not-a-folder");
    std::fs::write(&blocker, "x").unwrap();
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let out = koujing()
        .args([
            "build",
            policies.to_str().unwrap(),
            "--out",
            blocker.join("bundle").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "x");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn a_killed_fmt_leaves_every_file_whole() {
    let tmp = tempfile::tempdir().unwrap();
    write_workspace(tmp.path(), 8_000);
    let mut originals = Vec::new();
    for entry in std::fs::read_dir(tmp.path().join("cities")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let formatted = koujing_grammar::format::format(&text).unwrap();
        assert_ne!(
            text, formatted,
            "the generated files are not in canonical layout"
        );
        originals.push((path, text, formatted));
    }
    let mut child = koujing()
        .args(["fmt", tmp.path().join("cities").to_str().unwrap()])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();
    for (path, original, formatted) in originals {
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(
            now == original || now == formatted,
            "{} is half written",
            path.display()
        );
    }
}
