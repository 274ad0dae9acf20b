#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! `koujing report` in a real browser: headless Chromium renders the HTML
//! (the report's own script runs), and the rendered DOM is checked section by
//! section. Without Chromium the tests print why and pass, so `cargo test
//! --workspace` runs anywhere; `scripts/test.sh` installs Chromium and sets
//! `KOUJING_REQUIRE_CHROMIUM=1`, which turns a missing browser into a failure.

use std::collections::BTreeSet;
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
        "--window-size=1400,1800",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

fn koujing(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_koujing"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    out
}

/// Write the report of `args` in `dir` and return Chromium's rendered DOM.
fn dom(browser: &Path, dir: &Path, args: &[&str], html: &Path) -> String {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend(["--out", html.to_str().unwrap()]);
    let out = koujing(dir, &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let profile = tempfile::tempdir().unwrap();
    let dom = headless(browser, profile.path())
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    String::from_utf8_lossy(&dom.stdout).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Values of `attr="…"` on elements whose opening tag contains `marker`.
fn attrs(dom: &str, marker: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in dom.match_indices(marker) {
        let open = dom[..at].rfind('<').unwrap();
        let close = at + dom[at..].find('>').unwrap();
        let tag = &dom[open..close];
        if let Some(start) = tag.find(&format!(" {attr}=\"")) {
            let rest = &tag[start + attr.len() + 3..];
            out.push(rest[..rest.find('"').unwrap()].to_string());
        }
    }
    out
}

/// The text of the source at a JSON diagnostic's span (one line).
fn span_text(dir: &Path, d: &serde_json::Value) -> String {
    let text = std::fs::read_to_string(dir.join(d["file"].as_str().unwrap())).unwrap();
    let line = text
        .lines()
        .nth(d["line"].as_u64().unwrap() as usize - 1)
        .unwrap();
    let chars: Vec<char> = line.chars().collect();
    let (a, b) = (
        d["column"].as_u64().unwrap() as usize - 1,
        d["end_column"].as_u64().unwrap() as usize - 1,
    );
    chars[a..b].iter().collect()
}

const EXTRA: &str = r#"
campaign 抚州崇仁网厅流量半价 "崇仁网厅流量包半价" {
  issuer: 抚州
  regions: [崇仁县]
  window: 2026-12-15 .. 2026-12-20
  offer: 流量包10元
  benefit: discount 50%
  channels: [网上营业厅]
  requires: [BOSS冬季营销配置, 电子渠道营销配置, 知识库冬春口径]
  wording { headline: "网厅办理流量包半价" }
  faq { "在哪里办理?": "网上营业厅。" }
}

campaign 抚州临川宽带特惠 "临川宽带特惠" {
  issuer: 抚州
  regions: [临川区]
  window: 2026-12-11 .. 2026-12-20
  offer: 宽带100M
  benefit: discount 30%
  channels: [自有营业厅]
  requires: [BOSS冬季营销配置, 知识库冬春口径, 营业员冬季培训]
  wording { headline: "临川宽带特惠" }
  faq { "临川宽带特惠在哪里办理?": "临川区自有营业厅。" }
}
"#;

/// One seeded problem of each family in a copy of `policies/`: each shows
/// in its picture and in its text.
#[test]
fn seeded_problems_show_in_pictures_and_text() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("policies");
    copy_dir(&root().join("policies"), &ws);
    let fuzhou = ws.join("cities/fuzhou.kj");
    // A wrong discount in a headline (7折 is 30% off; the headline says 6折).
    edit(
        &fuzhou,
        "宽带续约7折,每月只需35元",
        "宽带续约6折,每月只需35元",
    );
    // Jargon without FAQ.
    edit(
        &fuzhou,
        "老用户续约100M宽带享7折",
        "老用户续约100M宽带享7折,提前解约需付违约金",
    );
    // A late support.
    edit(
        &ws.join("province/supports.kj"),
        "ready: 2027-01-05",
        "ready: 2027-02-19",
    );
    // A commission mix declared 6:4 where the tables pay about 3:7 (KJ6008).
    edit(
        &ws.join("commission/social.kj"),
        "  first_return: 30%\n  revenue_share: 70%\n",
        "  first_return: 60%\n  revenue_share: 40%\n",
    );
    // A conflict (KJ2001 with the province's exclusive campaign) and 扎堆
    // (a fourth campaign on 临川区's own shops in December).
    let mut text = std::fs::read_to_string(&fuzhou).unwrap();
    text.push_str(EXTRA);
    std::fs::write(&fuzhou, text).unwrap();

    let check = koujing(&ws, &["check", ".", "--format", "json", "--lang", "en"]);
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let diags = json["diagnostics"].as_array().unwrap();
    let of = |code: &str| -> Vec<&serde_json::Value> {
        diags.iter().filter(|d| d["code"] == code).collect()
    };
    for code in ["KJ3001", "KJ4002", "KJ2002", "KJ2001", "KJ5001", "KJ6008"] {
        assert!(
            !of(code).is_empty(),
            "the seed for {code} did not take: {diags:?}"
        );
    }
    let html = tmp.path().join("seeded.html");
    let dom = dom(&browser, &ws, &[".", "--lang", "zh-CN"], &html);

    // Highlights at the right text: every KJ3001 and KJ5001 span is a mark.
    for code in ["KJ3001", "KJ5001"] {
        for d in of(code) {
            let want = span_text(&ws, d);
            let marked = format!("data-code=\"{code}\"");
            let texts: Vec<String> = dom
                .match_indices(&marked)
                .map(|(at, _)| {
                    let start = at + dom[at..].find('>').unwrap() + 1;
                    let inner = &dom[start..];
                    // The mark's text: up to its end, tags removed.
                    let body = &inner[..inner.find("</mark>").unwrap()];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in body.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text
                })
                .collect();
            assert!(
                texts.contains(&want),
                "{code}: `{want}` not among marks {texts:?}"
            );
        }
    }
    // The jargon term is underlined and explained.
    assert!(dom.contains("<abbr class=\"jargon\" tabindex=\"0\" title=\""));
    assert!(dom.contains("<b>违约金</b> — "));

    // The timeline marks the late support, and the card says it is late.
    let late = attrs(&dom, "class=\"need late\"", "data-support");
    assert!(late.contains(&"春节宣传物料".to_string()), "{late:?}");
    assert!(dom.contains("<span class=\"late\" data-support=\"春节宣传物料\">"));
    assert!(!late.contains(&"BOSS冬季营销配置".to_string()));

    // Load-map cells over the limit name exactly the campaigns KJ2002 reports.
    let over: BTreeSet<String> = attrs(&dom, "class=\"over\"", "data-over")
        .iter()
        .flat_map(|v| v.split('|').map(str::to_string).collect::<Vec<_>>())
        .collect();
    let reported: BTreeSet<String> = of("KJ2002").iter().map(|d| span_text(&ws, d)).collect();
    assert_eq!(over, reported);
    assert!(over.contains("抚州临川宽带特惠"));

    // The conflict matrix has the KJ2001 pair, with the witness on hover.
    let pairs = attrs(&dom, "class=\"edge kj2001\"", "data-pair");
    assert!(
        pairs
            .iter()
            .any(|p| p.contains("抚州崇仁网厅流量半价") && p.contains("全省冬季流量关怀")),
        "{pairs:?}"
    );

    // The mix bar marks both kinds of the 3:7 mix off, each linked to its
    // KJ6008 finding; the other mix stays within.
    let mix = &dom[dom
        .find("<figure class=\"mix\" data-mix=\"放号酬金结构\">")
        .unwrap()..];
    let mix = &mix[..mix.find("</figure>").unwrap()];
    assert_eq!(mix.matches("<g class=\"seg off\"").count(), 2, "{mix}");
    for kind in ["first_return", "revenue_share"] {
        assert!(
            mix.contains(&format!("<tr class=\"off\" data-kind=\"{kind}\"")),
            "{mix}"
        );
    }
    assert_eq!(
        mix.matches("✖ 超出容差 (KJ6008)</a>").count(),
        of("KJ6008").len()
    );
    let other = &dom[dom.find("data-mix=\"酬金长期激励结构\"").unwrap()..];
    let other = &other[..other.find("</figure>").unwrap()];
    assert!(other.contains("<tr class=\"within\"") && !other.contains("<tr class=\"off\""));

    // Findings: one row per finding, each linked to its card; the script ran.
    assert_eq!(dom.matches("<tr class=\"finding ").count(), diags.len());
    assert!(dom.contains(&format!(
        "<span id=\"finding-count\">{}</span>",
        diags.len()
    )));
    for name in ["抚州宽带续约", "抚州崇仁网厅流量半价"] {
        assert!(dom.contains(&format!("data-campaign=\"{name}\"")));
    }
    // No absolute path of this machine.
    assert!(!dom.contains(tmp.path().to_str().unwrap()));
}

/// The submission view lists exactly what a city file changed, as
/// `koujing diff` does.
#[test]
fn submission_view_lists_what_a_city_file_changed() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("policies");
    copy_dir(&root().join("policies"), &ws);
    let old = tmp.path().join("old");
    let new = tmp.path().join("new");
    let built = koujing(&ws, &["build", ".", "--out", old.to_str().unwrap()]);
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let fuzhou = ws.join("cities/fuzhou.kj");
    edit(&fuzhou, "在网时长: 12 个月 ..", "在网时长: 24 个月 ..");
    edit(
        &fuzhou,
        "faq { \"县域流量包怎么办理?\": \"发送短信或在中国移动手机应用里办理。\" }",
        "faq {\n    \"县域流量包怎么办理?\": \"发送短信或在中国移动手机应用里办理。\"\n    \"县域流量包每月几号生效?\": \"办理后立即生效。\"\n  }",
    );
    let rebuilt = koujing(&ws, &["build", ".", "--out", new.to_str().unwrap()]);
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stdout)
    );
    let diff = koujing(
        &ws,
        &[
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let diff: serde_json::Value = serde_json::from_slice(&diff.stdout).unwrap();
    let expected: BTreeSet<(String, String)> = diff["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(!expected.is_empty());

    let html = tmp.path().join("submission.html");
    let dom = dom(
        &browser,
        &ws,
        &[
            ".",
            "--lang",
            "en",
            "--baseline",
            old.to_str().unwrap(),
            "--only",
            "cities/fuzhou.kj",
        ],
        &html,
    );
    let kinds = attrs(&dom, "class=\"change ", "data-kind");
    let names = attrs(&dom, "class=\"change ", "data-name");
    let shown: BTreeSet<(String, String)> = kinds.into_iter().zip(names).collect();
    assert_eq!(shown, expected);
    // The submission comes first, then the province around it.
    let first = dom.find("<section id=\"submission\">").unwrap();
    assert!(first < dom.find("<section id=\"readiness\">").unwrap());
    assert!(dom.contains("Findings this submission brings"));
}

/// `policies/` in English: every section, keyboard-reachable navigation,
/// relative paths only; and the print to A4 has text on every page.
#[test]
fn policies_report_has_every_section_and_prints_to_a4() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("policies.html");
    let dom = dom(&browser, &root(), &["policies", "--lang", "en"], &html);
    for id in [
        "readiness",
        "load",
        "conflicts",
        "commission",
        "grading",
        "findings",
        "cards",
    ] {
        assert!(dom.contains(&format!("<section id=\"{id}\">")), "{id}");
        assert!(dom.contains(&format!("<a href=\"#{id}\">")), "nav {id}");
    }
    assert!(dom.contains("Support readiness timeline"));
    assert!(
        !dom.contains(root().to_str().unwrap()),
        "an absolute path leaked"
    );
    assert!(dom.contains("cities/fuzhou.kj"));
    // Every campaign has a card; grading trees show effective weights.
    assert_eq!(dom.matches("<article class=\"card\"").count(), 14);
    assert!(dom.contains("data-effective=\""));

    // The 3:7 mix: declared and computed bars, and each kind's numbers are
    // those `koujing query mix` prints (the computation KJ6008 checks).
    let query = koujing(
        &root(),
        &[
            "query",
            "mix",
            "放号酬金结构",
            "policies",
            "--format",
            "json",
        ],
    );
    assert!(
        query.status.success(),
        "{}",
        String::from_utf8_lossy(&query.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&query.stdout).unwrap();
    let mix = &dom[dom
        .find("<figure class=\"mix\" data-mix=\"放号酬金结构\">")
        .unwrap()..];
    let mix = &mix[..mix.find("</figure>").unwrap()];
    assert!(mix.contains(">declared</text>") && mix.contains(">computed</text>"));
    let kinds = answer["kinds"].as_array().unwrap();
    assert_eq!(kinds.len(), 2);
    for k in kinds {
        let kind = k["kind"].as_str().unwrap();
        let class = if k["within"].as_bool().unwrap() {
            "within"
        } else {
            "off"
        };
        let row = format!(
            "<tr class=\"{class}\" data-kind=\"{kind}\" data-computed=\"{}\" data-declared=\"{}\">",
            k["share"].as_str().unwrap(),
            k["declared"].as_str().unwrap()
        );
        assert!(mix.contains(&row), "{row} not in {mix}");
    }
    assert!(mix.contains("data-declared=\"30\"") && mix.contains("data-declared=\"70\""));

    // Grading factors show their direction: 投诉率 counts against.
    let factor = &dom[dom.find("<li data-factor=\"投诉率\"").unwrap()..];
    let factor = &factor[..factor.find("</li>").unwrap()];
    assert!(
        factor.contains("data-direction=\"lower_better\"") && factor.contains("↓ lower is better"),
        "{factor}"
    );
    let factor = &dom[dom.find("<li data-factor=\"业务量\"").unwrap()..];
    assert!(factor[..factor.find("</li>").unwrap()].contains("↑ higher is better"));

    let pdf = tmp.path().join("policies.pdf");
    let profile = tempfile::tempdir().unwrap();
    let printed = headless(&browser, profile.path())
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let Ok(text) = Command::new("pdftotext").arg(&pdf).arg("-").output() else {
        eprintln!("skipped the PDF text check: no pdftotext (poppler-utils)");
        return;
    };
    let text = String::from_utf8_lossy(&text.stdout);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    assert!(text.contains("Koujing review report"));
    assert!(text.contains("Campaign cards"));
}

/// Write the report of a generated workspace of `shape` and check that
/// every campaign is reachable: a full card, or a row of the listing the
/// script builds when it is scrolled to or linked to (the last row, far
/// down the page, is opened by its link in Chromium). Returns the size.
fn generated_report(dir: &Path, name: &str, shape: &koujing_bench::Shape) -> u64 {
    let ws = dir.join(name);
    for (path, text) in koujing_bench::generate_shape(1, shape) {
        let full = ws.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let html = dir.join(format!("{name}.html"));
    let out = koujing(
        &ws,
        &[
            "report",
            ".",
            "--lang",
            "en",
            "--out",
            html.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(
        text.contains(&format!("{} campaigns", shape.campaigns)),
        "{name}"
    );
    let at = text
        .find("<script type=\"application/json\" id=\"listing\">")
        .unwrap();
    let body = &text[text[at..].find('>').unwrap() + at + 1..];
    let listing: serde_json::Value =
        serde_json::from_str(&body[..body.find("</script>").unwrap()]).unwrap();
    let rows = listing["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert_eq!(
        text.matches("<article class=\"card\" id=\"c").count() + rows.len(),
        shape.campaigns,
        "{name}"
    );
    if let Some(browser) = chromium() {
        let last = rows.last().unwrap()[0].as_u64().unwrap();
        let profile = tempfile::tempdir().unwrap();
        let dom = headless(&browser, profile.path())
            .arg("--dump-dom")
            .arg(format!("file://{}#c{last}", html.display()))
            .output()
            .unwrap();
        assert!(dom.status.success());
        let dom = String::from_utf8_lossy(&dom.stdout);
        assert!(dom.contains("<span id=\"finding-count\">"), "{name}");
        assert!(
            dom.contains(&format!("<tr id=\"c{last}\" data-campaign=")),
            "{name}: the linked row was not built"
        );
    }
    std::fs::metadata(&html).unwrap().len()
}

/// Above 2,000 campaigns, campaigns without errors or text findings are
/// listed one row each, built by the script; a link to one builds it.
#[test]
fn a_large_workspace_lists_campaigns_in_rows_built_on_demand() {
    let tmp = tempfile::tempdir().unwrap();
    generated_report(tmp.path(), "w2100", &koujing_bench::Shape::realistic(2_100));
}

/// The report of a 10,000-campaign workspace, realistic and dense, stays
/// under 10 MB (`cargo test --release --test report -- --ignored`; the open
/// time is measured by `scripts/report-chromium.py time`, see
/// docs/PERFORMANCE.md).
#[test]
#[ignore = "writes two 10,000-campaign workspaces; run in release"]
fn report_at_10000_campaigns_stays_under_10_mb() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, shape) in [
        ("realistic", koujing_bench::Shape::realistic(10_000)),
        ("dense", koujing_bench::Shape::dense(10_000)),
    ] {
        let size = generated_report(tmp.path(), name, &shape);
        assert!(size <= 10_000_000, "{name}: {size} bytes");
    }
}
