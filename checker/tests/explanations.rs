#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Every code's long explanation (`docs/codes/KJxxxx.md`, what `koujing
//! explain` prints) shows a failing and a passing example. Each is checked
//! here, on `tests/explanations/prelude.kj` (the regions, channels, products
//! and grades the examples name; an item the example defines itself replaces
//! the prelude's of that name): the failing one must produce its
//! code, the passing one must not, and neither may have a syntax or name
//! finding (KJ0xxx, KJ1xxx) other than the code explained: the examples are
//! real, copy-pasteable items. An explanation whose example drifts from the
//! checker fails this test.
//!
//! One abbreviation is expanded: KJ0005's `/* … 300 levels … */` stands for
//! 300 nested brackets.

use std::path::Path;

use chrono::NaiveDate;
use koujing_checker::{check, Code, Config, Options, Workspace};

/// The `Fails` and `Passes` code blocks of an explanation.
fn examples(explanation: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut lines = explanation.lines();
    let mut pending: Option<bool> = None;
    while let Some(line) = lines.next() {
        if line.starts_with("Fails") {
            pending = Some(true);
        } else if line.starts_with("Passes") {
            pending = Some(false);
        } else if line.starts_with("```koujing") {
            let block: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            if let Some(fails) = pending.take() {
                out.push((fails, block.join("\n") + "\n"));
            }
        }
    }
    out
}

/// The example as the checker should read it.
fn expand(source: &str) -> String {
    source.replace(
        "[[[[[[ /* … 300 levels … */ ]]]]]]",
        &format!("{}{}", "[".repeat(300), "]".repeat(300)),
    )
}

/// The names of the items a file defines, with each item's byte range.
fn items(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    use koujing_checker::resolve::Named;
    use koujing_grammar::ast::Item;
    let parsed = koujing_grammar::parse_file(text);
    parsed
        .module
        .items
        .iter()
        .filter_map(|item| {
            let (name, span) = match item {
                Item::Regions(x) => (&x.name, x.span),
                Item::Channel(x) => (x.name(), x.span),
                Item::Dimension(x) => (x.name(), x.span),
                Item::Product(x) => (x.name(), x.span),
                Item::Support(x) => (x.name(), x.span),
                Item::Term(x) => (x.name(), x.span),
                Item::Campaign(x) => (x.name(), x.span),
                Item::Commission(x) => (x.name(), x.span),
                Item::Mix(x) => (x.name(), x.span),
                Item::Grading(x) => (x.name(), x.span),
                Item::Limits(_) => return None,
            };
            Some((name.text.to_string(), span.start..span.end))
        })
        .collect()
}

/// The prelude without the items the example defines itself.
fn prelude_for(example: &str) -> String {
    let mut prelude = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/explanations/prelude.kj"),
    )
    .unwrap();
    let own: Vec<String> = items(example).into_iter().map(|(name, _)| name).collect();
    let mut replaced: Vec<_> = items(&prelude)
        .into_iter()
        .filter(|(name, _)| own.contains(name))
        .map(|(_, range)| range)
        .collect();
    replaced.sort_by_key(|range| std::cmp::Reverse(range.start));
    for range in replaced {
        prelude.replace_range(range, "");
    }
    prelude
}

fn codes_found(source: &str) -> Vec<Code> {
    let workspace = Workspace::new([
        ("prelude.kj".to_string(), prelude_for(source).into_bytes()),
        ("example.kj".to_string(), expand(source).into_bytes()),
    ]);
    let options = Options {
        today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        config: Config::default(),
        require_reason: false,
    };
    check(&workspace, &options)
        .diagnostics
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn the_prelude_checks_clean() {
    assert_eq!(codes_found(""), Vec::<Code>::new());
}

#[test]
fn every_explanation_example_does_what_it_says() {
    let mut wrong = Vec::new();
    for &code in Code::ALL {
        let blocks = examples(code.info().explanation);
        let name = code.as_str();
        assert!(
            blocks.iter().any(|(fails, _)| *fails) && blocks.iter().any(|(fails, _)| !*fails),
            "{name}: the explanation must show a failing and a passing example"
        );
        for (fails, source) in blocks {
            let found = codes_found(&source);
            let unreadable = found
                .iter()
                .any(|&other| other != code && other.as_str() < "KJ2000");
            if found.contains(&code) != fails || unreadable {
                wrong.push(format!(
                    "{name} {} example gives {found:?}:\n{source}",
                    if fails { "failing" } else { "passing" }
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
