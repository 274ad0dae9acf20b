#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The HTML report's commission mix bars and grading directions, on
//! `policies/` as written and on a copy with a mix declared off: the bars
//! carry the checker's own computed shares (`mixref::compute`, what KJ6008
//! checks), a kind off by more than the tolerance is marked and linked to its
//! KJ6008 finding, and every scored factor shows its direction.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use koujing_checker::report::{render, Options as ReportOptions};
use koujing_checker::{check, mixref, resolve, Code, Config, Lang, Options, Workspace};

fn policies() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "kj") {
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort();
    assert!(out.len() > 5, "policies/ not found");
    out
}

fn report(sources: Vec<(String, Vec<u8>)>, lang: Lang) -> (Workspace, String) {
    let workspace = Workspace::new(sources);
    let report = check(
        &workspace,
        &Options {
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            config: Config::default(),
            require_reason: false,
        },
    );
    let html = render(
        &workspace,
        &report,
        &ReportOptions {
            lang,
            paths: Vec::new(),
            submission: None,
        },
    );
    (workspace, html)
}

/// The opening tag of the mix table row of `kind` inside `mix`'s figure.
fn mix_row<'h>(html: &'h str, mix: &str, kind: &str) -> &'h str {
    let figure = &html[html
        .find(&format!("<figure class=\"mix\" data-mix=\"{mix}\">"))
        .unwrap_or_else(|| panic!("no figure for {mix}"))..];
    let figure = &figure[..figure.find("</figure>").unwrap()];
    let at = figure
        .find(&format!("<tr class=\"within\" data-kind=\"{kind}\""))
        .or_else(|| figure.find(&format!("<tr class=\"off\" data-kind=\"{kind}\"")))
        .unwrap_or_else(|| panic!("no row for {kind} in {mix}"));
    let row = &figure[at..];
    &row[..row.find("</tr>").unwrap()]
}

/// Every mix in `policies/` shows its declared and computed shares, the
/// computed ones being the checker's own, all within the tolerance.
#[test]
fn mix_bars_show_the_checkers_computed_shares_for_policies() {
    let (workspace, html) = report(policies(), Lang::En);
    let (index, _) = resolve::build_index(&workspace);
    assert!(index.mixes.defs.len() >= 2);
    let mut seen = 0;
    for def in &index.mixes.defs {
        let computed = mixref::compute(&index, def.item).unwrap();
        assert!(html.contains(&format!("data-mix=\"{}\"", def.item.name.text)));
        for k in &computed.kinds {
            let row = mix_row(&html, &def.item.name.text, k.kind.as_str());
            let share = k.share.round_dp(1).normalize().to_string();
            let declared = k.declared.normalize().to_string();
            assert!(row.contains(&format!("data-computed=\"{share}\"")), "{row}");
            assert!(
                row.contains(&format!("data-declared=\"{declared}\"")),
                "{row}"
            );
            assert!(row.starts_with("<tr class=\"within\""), "{row}");
            assert!(row.contains("✓ within"), "{row}");
            seen += 1;
        }
    }
    assert!(seen >= 6, "{seen} kinds");
    // 首返:话费分成 declared 3:7, both bars drawn.
    let first = mix_row(&html, "放号酬金结构", "first_return");
    assert!(first.contains("data-declared=\"30\""), "{first}");
    let second = mix_row(&html, "放号酬金结构", "revenue_share");
    assert!(second.contains("data-declared=\"70\""), "{second}");
    let figure = &html[html.find("data-mix=\"放号酬金结构\"").unwrap()..];
    let svg = &figure[..figure.find("</svg>").unwrap()];
    assert!(svg.contains(">declared</text>") && svg.contains(">computed</text>"));
    assert_eq!(svg.matches("data-kind=\"first_return\"").count(), 2);
    assert!(!svg.contains("class=\"seg off\""));
}

/// A mix declared 6:4 where the tables pay about 3:7: both kinds are
/// marked off, in the bar and the table, each linked to its KJ6008 finding.
#[test]
fn a_mix_off_by_more_than_the_tolerance_is_marked_and_linked() {
    let mut sources = policies();
    let (_, social) = sources
        .iter_mut()
        .find(|(p, _)| p.ends_with("social.kj"))
        .unwrap();
    let text = String::from_utf8(social.clone()).unwrap();
    assert!(text.contains("  first_return: 30%\n  revenue_share: 70%\n"));
    *social = text
        .replacen(
            "  first_return: 30%\n  revenue_share: 70%\n",
            "  first_return: 60%\n  revenue_share: 40%\n",
            1,
        )
        .into_bytes();
    let workspace = Workspace::new(sources.clone());
    let findings = check(
        &workspace,
        &Options {
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            config: Config::default(),
            require_reason: false,
        },
    );
    let kj6008: Vec<usize> = findings
        .diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.code == Code::KJ6008)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(kj6008.len(), 2, "{:?}", findings.diagnostics);
    let (_, html) = report(sources, Lang::Zh);
    for kind in ["first_return", "revenue_share"] {
        let row = mix_row(&html, "放号酬金结构", kind);
        assert!(row.starts_with("<tr class=\"off\""), "{row}");
        assert!(row.contains("✖ 超出容差 (KJ6008)"), "{row}");
        let link = row.split("href=\"#f-").nth(1).unwrap();
        let i: usize = link[..link.find('"').unwrap()].parse().unwrap();
        assert!(kj6008.contains(&i), "{i} is not a KJ6008 finding");
        assert!(html.contains(&format!("id=\"f-{i}\"")));
    }
    assert!(mix_row(&html, "放号酬金结构", "first_return").contains("data-declared=\"60\""));
    let figure = &html[html.find("data-mix=\"放号酬金结构\"").unwrap()..];
    let svg = &figure[..figure.find("</svg>").unwrap()];
    assert_eq!(svg.matches("class=\"seg off\"").count(), 2);
    // The other mix is untouched.
    assert!(mix_row(&html, "酬金长期激励结构", "incentive").starts_with("<tr class=\"within\""));
}

/// Each scored factor shows its direction in words and arrow, as the
/// semantic model has it; a parent factor shows none.
#[test]
fn grading_trees_show_each_factors_direction() {
    let sources = policies();
    let workspace = Workspace::new(sources.clone());
    let (index, _) = resolve::build_index(&workspace);
    let mut lower = 0;
    let mut higher = 0;
    for (lang, lower_words, higher_words) in [
        (Lang::En, "↓ lower is better", "↑ higher is better"),
        (Lang::Zh, "↓ 越低越好", "↑ 越高越好"),
    ] {
        let (_, html) = report(sources.clone(), lang);
        for def in &index.gradings.defs {
            let section = &html[html
                .find(&format!("<h3>{}", def.item.title.as_ref().unwrap().value))
                .unwrap()..];
            for leaf in koujing_checker::checks::grading::leaf_weights(def.item) {
                let name = leaf.path.last().unwrap();
                let at = section
                    .find(&format!("<li data-factor=\"{name}\""))
                    .unwrap();
                let item = &section[at..];
                let item = &item[..item.find("<div class=\"tier\"").unwrap()];
                match leaf.direction {
                    Some(koujing_grammar::ast::Direction::LowerBetter) => {
                        assert!(item.contains("data-direction=\"lower_better\""), "{item}");
                        assert!(item.contains(lower_words), "{item}");
                        lower += 1;
                    }
                    _ => {
                        assert!(item.contains(higher_words), "{item}");
                        assert!(!item.contains("lower_better"), "{item}");
                        higher += 1;
                    }
                }
            }
            // A parent factor (外部环境) has no direction of its own.
            let parent = &section[section.find("<li data-factor=\"外部环境\"").unwrap()..];
            let parent = &parent[..parent.find("<ul").unwrap()];
            assert!(!parent.contains("class=\"direction"), "{parent}");
        }
    }
    // 投诉率 in both models and 客户流失率, in two languages.
    assert!(lower >= 6, "{lower}");
    assert!(higher > lower, "{higher}");
}
