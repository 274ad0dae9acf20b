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

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::var("PATH").unwrap_or_default().split(':') {
            let path = Path::new(dir).join(name);
            if path.is_file() {
                return path;
            }
        }
    }
    panic!(
        "no Chromium found: run `bash scripts/test.sh`, which installs Debian's `chromium` package"
    );
}

fn headless(profile: &Path) -> Command {
    let mut command = Command::new(chromium());
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

fn render(example: &str, lang: &str) -> (String, PathBuf) {
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
    let dom = headless(profile.path())
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
    let shot = headless(profile.path())
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    (String::from_utf8_lossy(&dom.stdout).into_owned(), png)
}

#[test]
fn conflicts_and_findings_are_in_the_rendered_report() {
    let (dom, png) = render("examples/conflicts", "zh-CN");
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
    let (dom, _) = render("policies", "en");
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
