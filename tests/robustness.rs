#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Every reproducer of the robustness review (docs/ROBUSTNESS.md), end to
//! end against the binary: no data loss, no reading outside the workspace,
//! no hangs, no panics, honest exits, and one workspace discovery shared by
//! the CLI and the language server.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{koujing, root, text};
use serde_json::{json, Value};

const PRODUCT: &str = "product 流量包 { kind: data; price: 10 元/月 }\n";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Run the binary with a deadline: a hang is a failure, not a stuck test.
fn koujing_within(dir: &Path, args: &[&str], env: &[(&str, &str)], secs: u64) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_koujing"));
    command
        .current_dir(dir)
        .env("LANG", "en_US.UTF-8")
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "koujing {args:?} did not finish in {secs} s: {}",
                text(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(out)))
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn build_policies(out: &Path) -> Output {
    koujing(
        &root(),
        // policies/koujing.toml says zh-CN; these tests read the English.
        &[
            "build",
            "policies",
            "--lang",
            "en",
            "--out",
            out.to_str().unwrap(),
        ],
    )
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Names in `dir` that start with `.`: temporaries left behind.
fn dot_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

// ---------------------------------------------------------------- data loss

#[test]
fn build_never_replaces_a_folder_that_is_not_a_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    // A web app with its own manifest.json.
    let app = tmp.path().join("app");
    write(&app.join("manifest.json"), "{\"name\":\"web\"}");
    write(&app.join("src/app.js"), "code");
    let out = build_policies(&app);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("not a Koujing bundle"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read_to_string(app.join("src/app.js")).unwrap(),
        "code"
    );

    // Building a workspace into itself with a stray manifest.json.
    let ws = tmp.path().join("ws");
    write(&ws.join("a.kj"), PRODUCT);
    write(&ws.join("manifest.json"), "{}");
    let out = koujing(&ws, &["build", ".", "--out", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(ws.join("a.kj")).unwrap(), PRODUCT);

    // A file the user added to a previous bundle is never dropped silently.
    let bundle = tmp.path().join("bundle");
    assert!(build_policies(&bundle).status.success());
    write(&bundle.join("notes.txt"), "mine");
    let out = build_policies(&bundle);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(bundle.join("notes.txt")).unwrap(),
        "mine"
    );
    // A previous bundle that verifies is replaced.
    std::fs::remove_file(bundle.join("notes.txt")).unwrap();
    assert!(build_policies(&bundle).status.success());
    assert!(
        dot_files(tmp.path()).is_empty(),
        "{:?}",
        dot_files(tmp.path())
    );
}

#[test]
fn bundle_replacement_is_atomic_and_concurrent_builds_serialise() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bundle");
    assert!(build_policies(&bundle).status.success());
    // A reader polls manifest.json while builds replace the bundle.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let stop = stop.clone();
        let manifest = bundle.join("manifest.json");
        std::thread::spawn(move || {
            let (mut reads, mut missing) = (0u32, 0u32);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                reads += 1;
                if std::fs::read(&manifest).is_err() {
                    missing += 1;
                }
            }
            (reads, missing)
        })
    };
    // Four builds at once, three times.
    for _ in 0..3 {
        let children: Vec<_> = (0..4)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_koujing"))
                    .current_dir(root())
                    .env("LANG", "en_US.UTF-8")
                    .args(["build", "policies", "--out", bundle.to_str().unwrap()])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", text(&out));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (reads, missing) = reader.join().unwrap();
    assert!(reads > 100, "the reader ran: {reads}");
    assert_eq!(
        missing, 0,
        "manifest.json missing in {missing} of {reads} reads"
    );
    let verify = koujing(tmp.path(), &["verify", "bundle"]);
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(
        dot_files(tmp.path()).is_empty(),
        "{:?}",
        dot_files(tmp.path())
    );
}

#[cfg(unix)]
#[test]
fn fmt_and_report_keep_mode_links_and_stay_inside_the_workspace() {
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let messy = "product   流量包 {kind: data; price: 10 元/月}\n";
    write(&ws.join("koujing.toml"), "");
    write(&ws.join("private.kj"), &messy.replace("流量包", "甲"));
    std::fs::set_permissions(
        ws.join("private.kj"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    write(&ws.join("real/target.kj"), &messy.replace("流量包", "乙"));
    std::os::unix::fs::symlink("real/target.kj", ws.join("link.kj")).unwrap();
    write(&ws.join("hard.kj"), &messy.replace("流量包", "丙"));
    std::fs::hard_link(ws.join("hard.kj"), tmp.path().join("hard-outside")).unwrap();
    // A folder outside the workspace, reached through a link.
    write(
        &tmp.path().join("outside/x.kj"),
        &messy.replace("流量包", "丁"),
    );
    std::os::unix::fs::symlink(tmp.path().join("outside"), ws.join("ext")).unwrap();

    let out = koujing(&ws, &["fmt"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(mode(&ws.join("private.kj")), 0o600);
    assert!(std::fs::read_to_string(ws.join("private.kj"))
        .unwrap()
        .starts_with("product 甲 {"));
    // The link is still a link, and its target was formatted.
    assert!(std::fs::symlink_metadata(ws.join("link.kj"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(ws.join("real/target.kj"))
        .unwrap()
        .starts_with("product 乙 {"));
    // The hard link is not split.
    assert_eq!(std::fs::metadata(ws.join("hard.kj")).unwrap().nlink(), 2);
    assert!(std::fs::read_to_string(tmp.path().join("hard-outside"))
        .unwrap()
        .starts_with("product 丙 {"));
    // The file outside the workspace is untouched.
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("outside/x.kj")).unwrap(),
        messy.replace("流量包", "丁")
    );
    assert!(dot_files(&ws).is_empty(), "{:?}", dot_files(&ws));

    // report --out keeps the mode of an existing file and writes through a link.
    write(&tmp.path().join("report.html"), "old");
    std::fs::set_permissions(
        tmp.path().join("report.html"),
        std::os::unix::fs::PermissionsExt::from_mode(0o640),
    )
    .unwrap();
    std::os::unix::fs::symlink(tmp.path().join("report.html"), ws.join("r.html")).unwrap();
    let out = koujing(&ws, &["report", "--out", "r.html"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(std::fs::symlink_metadata(ws.join("r.html"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(mode(&tmp.path().join("report.html")), 0o640);
    assert!(std::fs::read_to_string(tmp.path().join("report.html"))
        .unwrap()
        .contains("<html"));
}

#[cfg(unix)]
#[test]
fn a_full_disk_leaves_no_temporaries_and_no_partial_key() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |limit: &str, args: &str| {
        let out = Command::new("sh")
            .current_dir(tmp.path())
            .env("LANG", "en_US.UTF-8")
            .arg("-c")
            .arg(format!(
                "ulimit -f {limit}; exec '{}' {args}",
                env!("CARGO_BIN_EXE_koujing")
            ))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args}: {}", text(&out));
    };
    // keygen: no key file at all (a 0-byte key would block the next run).
    run("0", "keygen --out rel");
    assert!(!tmp.path().join("rel.key").exists());
    assert!(!tmp.path().join("rel.pub").exists());
    let out = koujing(tmp.path(), &["keygen", "--out", "rel"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("rel.key"))
            .unwrap()
            .len(),
        65
    );

    // report: the old report stays, no temporary.
    write(&tmp.path().join("report.html"), "old");
    let policies = root().join("policies");
    run(
        "1",
        &format!("report '{}' --out report.html", policies.display()),
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("report.html")).unwrap(),
        "old"
    );

    // fmt: the original stays, no temporary.
    let ws = tmp.path().join("ws");
    let messy = format!(
        "{}\n",
        "product   流量包 {kind: data; price: 10 元/月}\n".repeat(40)
    );
    write(&ws.join("big.kj"), &messy.replace("流量包 {", "流量包X {"));
    let ws_text = std::fs::read_to_string(ws.join("big.kj")).unwrap();
    run("1", &format!("fmt '{}'", ws.display()));
    assert_eq!(std::fs::read_to_string(ws.join("big.kj")).unwrap(), ws_text);
    assert!(
        dot_files(tmp.path()).is_empty(),
        "{:?}",
        dot_files(tmp.path())
    );
    assert!(dot_files(&ws).is_empty(), "{:?}", dot_files(&ws));
}

// ------------------------------------------- reading outside the workspace

#[cfg(unix)]
#[test]
fn check_never_reads_links_out_of_the_workspace_or_special_files() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("leak");
    write(&ws.join("a.kj"), PRODUCT);
    std::os::unix::fs::symlink("/proc/self/environ", ws.join("env.kj")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", ws.join("zero.kj")).unwrap();
    mkfifo(&ws.join("p.kj"));
    let out = koujing_within(
        &ws,
        &["check", "--format", "json"],
        &[("MY_CI_TOKEN", "secret-7f3a")],
        60,
    );
    let all = text(&out);
    assert!(
        !all.contains("secret-7f3a"),
        "the environment leaked: {all}"
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    let report = json_of(&out);
    let mut unread: Vec<(String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "KJ0005")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    unread.sort();
    let files: Vec<&str> = unread.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files, ["env.kj", "p.kj", "zero.kj"], "{all}");
    assert!(unread[0].1.contains("outside the workspace root"), "{all}");
    assert!(unread[1].1.contains("FIFO"), "{all}");
    // Human output names the path and prints no content.
    let out = koujing_within(&ws, &["check"], &[("MY_CI_TOKEN", "secret-7f3a")], 60);
    assert!(!text(&out).contains("secret-7f3a"));
    assert!(text(&out).contains("env.kj"), "{}", text(&out));
    // fmt and build end too, and never write through the links.
    let out = koujing_within(&ws, &["fmt"], &[], 60);
    assert!(out.status.success(), "{}", text(&out));
    let out = koujing_within(&ws, &["build", "--out", "../b"], &[], 60);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_and_each_file_loads_once() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    write(&ws.join("a.kj"), PRODUCT);
    write(&ws.join("sub/b.kj"), "term 甲 { plain: \"乙\" }\n");
    std::os::unix::fs::symlink(".", ws.join("x")).unwrap();
    std::os::unix::fs::symlink(".", ws.join("y")).unwrap();
    std::os::unix::fs::symlink("..", ws.join("sub/up")).unwrap();
    let out = koujing_within(ws, &["check", "--format", "json"], &[], 60);
    let report = json_of(&out);
    assert_eq!(report["summary"]["files"], 2, "{}", text(&out));
    assert!(
        !codes(&report).contains(&"KJ1002".to_string()),
        "{}",
        text(&out)
    );
    koujing_within(ws, &["fmt", "--check"], &[], 60);
    let out = koujing_within(ws, &["build", "--out", "loop-bundle"], &[], 60);
    assert!(out.status.success(), "{}", text(&out));
}

#[cfg(unix)]
#[test]
fn verify_rejects_links_and_special_files_without_reading_them() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bundle");
    assert!(build_policies(&bundle).status.success());
    // An output replaced by a link to an identical copy outside the bundle.
    std::fs::copy(bundle.join("campaigns.json"), tmp.path().join("copy.json")).unwrap();
    std::fs::remove_file(bundle.join("campaigns.json")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("copy.json"), bundle.join("campaigns.json"))
        .unwrap();
    let out = koujing_within(tmp.path(), &["verify", "bundle"], &[], 30);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("symbolic link"), "{}", text(&out));
    std::fs::remove_file(bundle.join("campaigns.json")).unwrap();
    std::fs::copy(tmp.path().join("copy.json"), bundle.join("campaigns.json")).unwrap();
    assert!(koujing(tmp.path(), &["verify", "bundle"]).status.success());
    // An extra link to /dev/zero, then a FIFO: refused at once.
    std::os::unix::fs::symlink("/dev/zero", bundle.join("zero")).unwrap();
    let out = koujing_within(tmp.path(), &["verify", "bundle"], &[], 30);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    std::fs::remove_file(bundle.join("zero")).unwrap();
    mkfifo(&bundle.join("pipe"));
    let out = koujing_within(tmp.path(), &["verify", "bundle"], &[], 30);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("FIFO"), "{}", text(&out));
}

// ------------------------------------------------- crashes, wrong answers

#[test]
fn a_finding_past_column_65535_renders_a_short_snippet() {
    let tmp = tempfile::tempdir().unwrap();
    let line = format!("{}{}zzz\n", PRODUCT.trim_end(), " ".repeat(2_000_000));
    write(&tmp.path().join("a.kj"), &line);
    let out = koujing_within(tmp.path(), &["check"], &[], 120);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("KJ0001"));
    assert!(
        out.stdout.len() < 20_000,
        "{} bytes of output",
        out.stdout.len()
    );
    assert!(text(&out).contains("a.kj:1:"), "{}", text(&out));
}

#[test]
fn money_near_the_decimal_limit_never_panics() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        &tmp.path().join("a.kj"),
        "regions 江西 { 南昌 { 东湖区 } }\n\
         channel 营业厅 { type: owned; handles: [data] }\n\
         product 流量包 { kind: data; price: 10000000000000000000000000000 元/月 }\n\
         campaign 大促 {\n  issuer: 江西\n  window: 2026-12-01 .. 2026-12-31\n  offer: 流量包\n  benefit: discount 50%\n  channels: [营业厅]\n  wording { headline: \"流量包五折\" }\n}\n",
    );
    for args in [
        &["check"][..],
        &["report", "--out", "r.html"],
        &["build", "--out", "b"],
        &[
            "query",
            "offers",
            "--date",
            "2026-12-10",
            "--region",
            "东湖区",
            "--channel",
            "营业厅",
        ],
    ] {
        let out = koujing_within(tmp.path(), args, &[], 60);
        // Exit 2 only for the evaluator's "the workspace has errors", never
        // for a panic.
        assert!(
            out.status.code() != Some(2) || text(&out).contains("run koujing check first"),
            "{args:?}: {}",
            text(&out)
        );
        assert!(!text(&out).contains("panicked"), "{args:?}: {}", text(&out));
        assert!(
            !text(&out).contains("internal error"),
            "{args:?}: {}",
            text(&out)
        );
    }
}

#[test]
fn verify_validates_the_manifest_and_says_whether_the_signature_was_checked() {
    let tmp = tempfile::tempdir().unwrap();
    for manifest in ["{}", "[]", "{\"format\":999}"] {
        let dir = tmp.path().join("fake");
        let _ = std::fs::remove_dir_all(&dir);
        write(&dir.join("manifest.json"), manifest);
        let out = koujing(tmp.path(), &["verify", "fake"]);
        assert_eq!(out.status.code(), Some(1), "{manifest}: {}", text(&out));
        assert!(text(&out).contains("schema"), "{manifest}: {}", text(&out));
    }
    // Unsigned: verified, and says so; --require-signature fails it.
    let bundle = tmp.path().join("bundle");
    assert!(build_policies(&bundle).status.success());
    let out = koujing(tmp.path(), &["verify", "bundle"]);
    assert!(out.status.success());
    assert!(text(&out).contains("not signed"), "{}", text(&out));
    let out = koujing(tmp.path(), &["verify", "bundle", "--require-signature"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    // Signed but no key given: the signature was not checked, and it says so.
    assert!(koujing(tmp.path(), &["keygen", "--out", "rel"])
        .status
        .success());
    let signed = tmp.path().join("signed");
    let key = tmp.path().join("rel.key");
    let out = koujing(
        &root(),
        &[
            "build",
            "policies",
            "--out",
            signed.to_str().unwrap(),
            "--sign-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = koujing(tmp.path(), &["verify", "signed"]);
    assert!(
        text(&out).contains("signature NOT checked"),
        "{}",
        text(&out)
    );
    let out = koujing(tmp.path(), &["verify", "signed", "--require-signature"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = koujing(
        tmp.path(),
        &[
            "verify",
            "signed",
            "--require-signature",
            "--pubkey",
            "rel.pub",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("signature valid"), "{}", text(&out));
}

#[test]
fn a_number_the_decimal_type_cannot_hold_is_kj1008_not_rounded() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        &tmp.path().join("a.kj"),
        "grading 星级 {\n  factor 商圈 100% { source: \"x\" }\n  grades {\n    A: 3.1415926535897932384626433832794 ..= 100\n    B: 0 .. 3.1415926535897932384626433832794\n  }\n}\n",
    );
    let out = koujing(tmp.path(), &["check", "--format", "json"]);
    let report = json_of(&out);
    let kj1008: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "KJ1008")
        .collect();
    assert_eq!(kj1008.len(), 2, "{}", text(&out));
    assert!(
        kj1008[0]["message"]
            .as_str()
            .unwrap()
            .contains("3.1415926535897932384626433832794"),
        "{}",
        text(&out)
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_are_kept_apart() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    for (name, item) in [(&b"a\xfe.kj"[..], "甲"), (&b"a\xff.kj"[..], "乙")] {
        let path = tmp.path().join(std::ffi::OsStr::from_bytes(name));
        if std::fs::write(
            &path,
            format!("product {item} {{ kind: data; price: 1 元/月; bad: 1 }}\n"),
        )
        .is_err()
        {
            return; // a file system that refuses such names
        }
    }
    let out = koujing(tmp.path(), &["check", "--format", "json"]);
    let report = json_of(&out);
    assert_eq!(report["summary"]["files"], 2, "{}", text(&out));
    let files: BTreeSet<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        BTreeSet::from(["a\\xFE.kj", "a\\xFF.kj"]),
        "{}",
        text(&out)
    );
}

#[test]
fn a_byte_order_mark_is_accepted_and_fmt_removes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let text_with_bom = format!("\u{feff}{PRODUCT}term 甲 {{ plain: \"乙\" }}\n");
    write(&tmp.path().join("a.kj"), &text_with_bom);
    let out = koujing(tmp.path(), &["check", "--format", "json"]);
    let report = json_of(&out);
    assert!(
        !codes(&report).contains(&"KJ0001".to_string()),
        "{}",
        text(&out)
    );
    assert!(
        !codes(&report).contains(&"KJ1001".to_string()),
        "{}",
        text(&out)
    );
    assert!(koujing(tmp.path(), &["fmt"]).status.success());
    let formatted = std::fs::read_to_string(tmp.path().join("a.kj")).unwrap();
    assert!(!formatted.starts_with('\u{feff}'));
    assert!(formatted.starts_with("product 流量包"), "{formatted}");
}

// ------------------------------------------------------------ LSP protocol

/// `koujing lsp` as a child process.
struct Lsp {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Lsp {
    fn start(root: &Path) -> (Lsp, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_koujing"))
            .arg("lsp")
            .env("LANG", "en_US.UTF-8")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut lsp = Lsp {
            child,
            stdin,
            stdout,
        };
        let uri = format!("file://{}", root.display());
        lsp.send(&json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {}, "rootUri": uri } }));
        let init = lsp.until_response(1).1;
        lsp.send(&json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
        (lsp, init)
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server closed stdout"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = v.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Messages up to the response `id`: the notifications before it and it.
    fn until_response(&mut self, id: i64) -> (Vec<Value>, Value) {
        let mut before = Vec::new();
        loop {
            let message = self.read();
            if message["id"] == id && message.get("method").is_none() {
                return (before, message);
            }
            before.push(message);
        }
    }

    fn exit_code(mut self) -> Option<i32> {
        self.send(&json!({ "jsonrpc": "2.0", "method": "exit" }));
        drop(self.stdin);
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if start.elapsed() > Duration::from_secs(30) {
                let _ = self.child.kill();
                panic!("the server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn lsp_exit_codes_requests_after_shutdown_and_header_cap() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("a.kj"), PRODUCT);
    // exit without shutdown: code 1.
    let (lsp, _) = Lsp::start(tmp.path());
    assert_eq!(lsp.exit_code(), Some(1));
    // A 4 MB header line is skipped; requests after shutdown are refused.
    let (mut lsp, _) = Lsp::start(tmp.path());
    lsp.stdin.write_all(&vec![b'X'; 4 << 20]).unwrap();
    lsp.stdin.write_all(b"\r\n\r\n").unwrap();
    lsp.send(&json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    assert_eq!(lsp.until_response(2).1["result"], Value::Null);
    lsp.send(&json!({ "jsonrpc": "2.0", "id": 3, "method": "workspace/symbol", "params": { "query": "" } }));
    assert_eq!(lsp.until_response(3).1["error"]["code"], -32600);
    assert_eq!(lsp.exit_code(), Some(0));
}

#[cfg(unix)]
#[test]
fn lsp_close_never_reads_devices_fifos_or_links_out() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    write(&ws.join("a.kj"), PRODUCT);
    mkfifo(&ws.join("p.kj"));
    std::os::unix::fs::symlink("/dev/zero", ws.join("zero.kj")).unwrap();
    let (mut lsp, _) = Lsp::start(&ws);
    for uri in [
        "file:///dev/zero".to_string(),
        format!("file://{}/p.kj", ws.display()),
        format!("file://{}/zero.kj", ws.display()),
    ] {
        lsp.send(&json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": { "uri": uri, "languageId": "koujing", "version": 1, "text": "" } } }));
        lsp.send(&json!({ "jsonrpc": "2.0", "method": "textDocument/didClose", "params": { "textDocument": { "uri": uri } } }));
    }
    lsp.send(&json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    assert_eq!(lsp.until_response(2).1["result"], Value::Null);
    assert_eq!(lsp.exit_code(), Some(0));
}

// ------------------------------------------- discovery and honest exits

#[test]
fn check_a_file_or_a_subfolder_checks_its_whole_workspace() {
    let policies = root().join("policies");
    // One file: checked with its workspace, clean like the workspace.
    let out = koujing(
        &root(),
        &["check", "policies/cities/fuzhou.kj", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report = json_of(&out);
    assert_eq!(report["summary"]["errors"], 0, "{}", text(&out));
    assert!(report["summary"]["files"].as_u64().unwrap() > 5);
    // Inside a subfolder: the workspace above, named in the summary.
    let out = koujing(&policies.join("cities"), &["check", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("workspace root: "), "{}", text(&out));
    assert!(text(&out).contains("/policies"), "{}", text(&out));

    // Findings outside the named file are not reported.
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("koujing.toml"), "");
    write(
        &tmp.path().join("a.kj"),
        "product 甲 { kind: data; price: 1 元/月; bad: 1 }\n",
    );
    write(
        &tmp.path().join("sub/b.kj"),
        "product 乙 { kind: data; price: 1 元/月; worse: 1 }\n",
    );
    let out = koujing(
        &tmp.path().join("sub"),
        &["check", "b.kj", "--format", "json"],
    );
    let report = json_of(&out);
    assert_eq!(report["summary"]["files"], 2, "{}", text(&out));
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["b.kj"], "{}", text(&out));
}

#[test]
fn no_kj_file_is_exit_2_naming_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    write(&tmp.path().join("txt/readme.txt"), "hello");
    write(&tmp.path().join("README.md"), "# hi\n");
    for args in [
        &["check", "empty"][..],
        &["check", "txt"],
        &["check", "mistyped"],
        &["check", "README.md"],
        &["build", "empty", "--out", "b"],
        &["report", "empty"],
    ] {
        let out = koujing(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(args[1]), "{args:?}: {}", text(&out));
    }
    let out = koujing(&empty, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = koujing(tmp.path(), &["check", "empty", "--allow-empty"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!tmp.path().join("b").exists());
}

/// The files `koujing build` puts in the manifest for `folder`, relative to
/// `base`.
fn cli_files(folder: &Path, base: &Path, out: &Path) -> BTreeSet<String> {
    let result = koujing(folder, &["build", "--out", out.to_str().unwrap()]);
    assert!(result.status.success(), "{}", text(&result));
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let root = koujing_fs::find_root(folder).unwrap();
    manifest["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let path = root.join(s["path"].as_str().unwrap());
            path.strip_prefix(base).unwrap().display().to_string()
        })
        .collect()
}

/// The files the language server publishes diagnostics for after opening
/// `folder`, relative to `base`.
fn lsp_files(folder: &Path, base: &Path) -> BTreeSet<String> {
    let (mut lsp, _) = Lsp::start(folder);
    lsp.send(&json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    let (before, _) = lsp.until_response(2);
    assert_eq!(lsp.exit_code(), Some(0));
    let base = std::fs::canonicalize(base).unwrap();
    before
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| {
            let path = PathBuf::from(
                m["params"]["uri"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("file://"),
            );
            let path = std::fs::canonicalize(&path).unwrap();
            path.strip_prefix(&base).unwrap().display().to_string()
        })
        .collect()
}

#[test]
fn cli_and_lsp_load_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    let base = std::fs::canonicalize(tmp.path()).unwrap();
    let term = |name: &str| format!("term {name} {{ plain: \"说明\" }}\n");
    // A copy of policies/.
    let policies = base.join("policies");
    for entry in ["cities", "commission", "grading", "province"] {
        for file in std::fs::read_dir(root().join("policies").join(entry)).unwrap() {
            let file = file.unwrap().path();
            std::fs::create_dir_all(policies.join(entry)).unwrap();
            std::fs::copy(&file, policies.join(entry).join(file.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(
        root().join("policies/koujing.toml"),
        policies.join("koujing.toml"),
    )
    .unwrap();
    // A nested workspace: outer/koujing.toml, outer/inner/koujing.toml.
    let outer = base.join("outer");
    write(&outer.join("koujing.toml"), "");
    write(&outer.join("o.kj"), &term("外"));
    write(&outer.join("inner/koujing.toml"), "");
    write(&outer.join("inner/i.kj"), &term("内"));
    write(&outer.join("inner/deep/d.kj"), &term("深"));
    // A folder with roots.
    let rooted = base.join("rooted");
    write(&rooted.join("koujing.toml"), "roots = [\"src\"]\n");
    write(&rooted.join("src/s.kj"), &term("源"));
    write(&rooted.join("other/x.kj"), "this is not koujing at all");
    let cases: [(&Path, usize); 5] = [
        (&policies, 16),
        (&outer, 1),
        (&outer.join("inner"), 2),
        (&outer.join("inner/deep"), 2),
        (&rooted, 1),
    ];
    for (i, (folder, expected)) in cases.iter().enumerate() {
        let cli = cli_files(folder, &base, &base.join(format!("bundle{i}")));
        let lsp = lsp_files(folder, &base);
        assert_eq!(cli.len(), *expected, "{folder:?}: {cli:?}");
        assert_eq!(cli, lsp, "{folder:?}");
    }
}

/// Key files named on the command line are read like workspace files: a
/// FIFO or a device is refused at once (not waited on, not read until memory
/// runs out), and an oversized file is not taken for a key.
#[test]
fn key_files_that_are_not_small_regular_files_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    mkfifo(&tmp.path().join("fifo.key"));
    std::fs::write(tmp.path().join("big.pub"), vec![b'a'; 1 << 20]).unwrap();
    let bundle = tmp.path().join("bundle");
    let built = koujing(
        &root(),
        &["build", "policies", "--out", bundle.to_str().unwrap()],
    );
    assert!(built.status.success(), "{}", text(&built));
    for (args, why) in [
        (
            vec![
                "build",
                "policies",
                "--lang",
                "en",
                "--out",
                "x",
                "--sign-key",
                "fifo.key",
            ],
            "not a regular file",
        ),
        (
            vec![
                "build",
                "policies",
                "--lang",
                "en",
                "--out",
                "x",
                "--sign-key",
                "/dev/zero",
            ],
            "not a regular file",
        ),
        (
            vec!["verify", "bundle", "--pubkey", "fifo.key"],
            "not a regular file",
        ),
        (
            vec!["verify", "bundle", "--pubkey", "big.pub"],
            "too large to be a key",
        ),
    ] {
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        // `policies` lives in the repository; everything else in the temp dir.
        if let Some(p) = args.iter_mut().find(|a| *a == "policies") {
            *p = root().join("policies").display().to_string();
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = koujing_within(tmp.path(), &args, &[], 60);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(why), "{args:?}: {}", text(&out));
        assert!(!tmp.path().join("x").exists(), "{args:?} wrote a bundle");
    }
}
