#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! `koujing report` in a real browser: headless Chromium renders the HTML,
//! the conflict markers and the findings are in the rendered DOM (the
//! finding count is filled in by the report's own script), and a screenshot
//! is written as a test artefact (`target/tmp/report-*.png`).
//!
//! Without Chromium these tests print why and pass without rendering, so
//! `cargo test --workspace` runs anywhere; `scripts/test.sh` installs
//! Chromium and sets `KOUJING_REQUIRE_CHROMIUM=1`, which turns a missing
//! browser into a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Chromium binary on PATH, if any.
fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::var("PATH").unwrap_or_default().split(':') {
            let path = Path::new(dir).join(name);
            if path.is_file() {
                return Some(path);
            }
        }
    }
    assert!(
        std::env::var_os("KOUJING_REQUIRE_CHROMIUM").is_none(),
        "no Chromium found, and KOUJING_REQUIRE_CHROMIUM is set"
    );
    // Straight to stderr, past the test harness's capture, so it is seen.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        b"skipped: no Chromium on PATH (chromium, chromium-browser or google-chrome); \
          `bash scripts/test.sh` installs Debian's `chromium` package and runs this test\n",
    );
    None
}

fn headless(browser: &Path, profile: &Path) -> Command {
    let mut command = Command::new(browser);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1500,1800",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// The rendered DOM and the screenshot, or None without a browser.
fn render(example: &str, lang: &str) -> Option<(String, PathBuf)> {
    let browser = chromium()?;
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let name = example.replace('/', "-");
    let html = tmp.join(format!("report-{name}-{lang}.html"));
    let out = Command::new(env!("CARGO_BIN_EXE_koujing"))
        .current_dir(root())
        .args([
            "report",
            example,
            "--out",
            html.to_str().unwrap(),
            "--lang",
            lang,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let profile = tempfile::tempdir().unwrap();
    let dom = headless(&browser, profile.path())
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let png = tmp.join(format!("report-{name}-{lang}.png"));
    let shot = headless(&browser, profile.path())
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    Some((String::from_utf8_lossy(&dom.stdout).into_owned(), png))
}

#[test]
fn conflicts_and_findings_are_in_the_rendered_report() {
    let Some((dom, png)) = render("examples/conflicts", "zh-CN") else {
        return;
    };
    // Conflict markers on both campaigns of the KJ2001 pair, one 扎堆 band.
    assert_eq!(
        dom.matches("class=\"conflict-marker\" data-code=\"KJ2001\"")
            .count(),
        2,
        "{dom}"
    );
    assert_eq!(
        dom.matches("class=\"cluster-band\" data-code=\"KJ2002\"")
            .count(),
        1
    );
    // Every finding is listed, linked to its campaign; the count comes from the script.
    assert_eq!(dom.matches("<tr class=\"finding ").count(), 4);
    assert!(
        dom.contains("<span id=\"finding-count\">4</span>"),
        "the report's script did not run"
    );
    assert!(dom.contains("冬季流量半价"));
    assert!(dom.contains("活动日历"));
    assert!(
        std::fs::metadata(&png).unwrap().len() > 10_000,
        "screenshot {}",
        png.display()
    );
}

#[test]
fn policies_report_in_english_has_every_section() {
    let Some((dom, _)) = render("policies", "en") else {
        return;
    };
    for id in ["calendar", "channels", "commission", "grading", "findings"] {
        assert!(dom.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    assert!(dom.contains("Campaign calendar"));
    assert!(
        !dom.contains("data-code=\"KJ2001\""),
        "policies/ has no conflicts"
    );
    assert!(dom.contains("<span id=\"finding-count\">0</span>"));
    // Commission tiers and grading weights are drawn.
    assert!(dom.matches("class=\"tier\"").count() > 20);
}
