#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Every kind of the grammar's item table, through every stage: its example
//! item (from the table) is cut out by the pre-scan, lowered to its `Item`
//! variant without an issue, resolved without a syntax or resolution
//! diagnostic, shown on hover and offered by completion (its keyword, its
//! fields). A new kind added to the table is tested here with no edit.
//! The VS Code grammar (JSON) cannot be generated from the table: a test
//! checks that it highlights exactly the table's item keywords.

mod common;

use common::{pos, url, Client};
use koujing_grammar::kinds::{Kind, ITEM_KEYWORDS};
use serde_json::{json, Value};

/// One file with the example of every kind, one per line.
fn all_examples() -> String {
    Kind::ALL
        .iter()
        .map(|k| format!("{}\n", k.example()))
        .collect()
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| i["label"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_kind_goes_through_every_stage() {
    let text = all_examples();

    // Pre-scan: one chunk per item.
    let prescan = koujing_grammar::prescan::prescan(&text);
    assert_eq!(prescan.chunks.len(), Kind::COUNT, "{:?}", prescan.chunks);
    assert!(prescan.issues.is_empty(), "{:?}", prescan.issues);

    // Parsing and lowering: one item of each kind, in order, no issue.
    let parsed = koujing_grammar::parse_file(&text);
    assert!(parsed.issues.is_empty(), "{:?}", parsed.issues);
    let kinds: Vec<Kind> = parsed.module.items.iter().map(|i| i.kind()).collect();
    assert_eq!(kinds, Kind::ALL);
    for item in &parsed.module.items {
        assert_eq!(item.named().is_some(), item.kind().is_named(), "{item:?}");
        assert_eq!(
            &text[item.span().start..item.span().end],
            item.kind().example()
        );
    }

    // Resolution, hover and completion, through the server.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("kinds.kj");
    std::fs::write(&path, &text).unwrap();
    let uri = url(&path);
    let mut c = Client::start(tmp.path());
    c.open(&uri, 1, &text);
    let diagnostics = c.diagnostics(&uri, Some(1));
    let early: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| {
            let code = d["code"].as_str().unwrap_or_default();
            code.starts_with("KJ0") || code.starts_with("KJ1")
        })
        .collect();
    assert!(early.is_empty(), "{early:?}");

    for kind in Kind::ALL {
        let example = kind.example();
        let keyword = kind.keyword();
        // Hover on the item's name (named kinds and the root region).
        let name = example
            .strip_prefix(keyword)
            .and_then(|rest| rest.trim_start().split([' ', '{']).next())
            .unwrap_or_default();
        if !name.is_empty() {
            let hover = c.request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri }, "position": pos(&text, name, 0) }),
            );
            let value = hover["contents"]["value"].as_str().unwrap_or_default();
            let koujing_grammar::Arg::Text { en, .. } = kind.text() else {
                panic!("{kind:?}: a kind's name is a text")
            };
            assert!(value.contains(name), "{kind:?}: {hover}");
            assert!(value.contains(en.as_str()), "{kind:?}: {hover}");
        }
        // Completion right inside the item's block: its fields.
        if !kind.fields().is_empty() {
            let inside = format!("{} {{ ", example.split(" {").next().unwrap_or_default());
            let mut at = pos(&text, &inside, 0);
            at["character"] =
                json!(at["character"].as_u64().unwrap() + inside.encode_utf16().count() as u64);
            let offered = labels(&c.request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": at }),
            ));
            for (key, _) in kind.fields() {
                assert!(
                    offered.iter().any(|l| l == key),
                    "{kind:?} {key}: {offered:?}"
                );
            }
        }
    }

    // Completion between items: every item keyword.
    let end = json!({ "line": Kind::COUNT, "character": 0 });
    let offered = labels(&c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": end }),
    ));
    assert_eq!(offered, ITEM_KEYWORDS);
    c.stop();
}

/// The name of a kind's example item (`regions`: the root region).
fn example_name(kind: Kind) -> String {
    kind.example()
        .strip_prefix(kind.keyword())
        .and_then(|rest| rest.trim_start().split([' ', '{']).next())
        .unwrap_or_default()
        .to_string()
}

/// Value completion comes from the item table: after `key:` of every field
/// whose shape names items of a kind, the example item of that kind is
/// offered; after a field of fixed words, every word. A field added to the
/// table with such a shape is tested here with no edit.
#[test]
fn every_field_of_names_or_words_completes_from_the_table() {
    use koujing_grammar::fields::Shape;
    let base = all_examples();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("kinds.kj");
    std::fs::write(&path, &base).unwrap();
    let uri = url(&path);
    let mut c = Client::start(tmp.path());
    c.open(&uri, 1, &base);
    c.diagnostics(&uri, Some(1));
    let mut version = 1;
    let mut probed = 0;
    for kind in Kind::ALL {
        for (key, shape) in kind.fields() {
            let expected: Vec<String> = match shape {
                Shape::Names(target) => vec![example_name(*target)],
                Shape::Words(words) => words.iter().map(|w| w.to_string()).collect(),
                _ => continue,
            };
            let probe = if kind.is_named() {
                format!("{} 探针 {{ {key}: ", kind.keyword())
            } else {
                format!("{} {{ {key}: ", kind.keyword())
            };
            version += 1;
            let text = format!("{base}{probe}");
            c.change(&uri, version, &text);
            let at = json!({ "line": Kind::COUNT, "character": probe.encode_utf16().count() });
            let offered = labels(&c.request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": at }),
            ));
            for label in &expected {
                assert!(
                    offered.contains(label),
                    "{kind:?} `{key}`: {label} not in {offered:?}"
                );
            }
            probed += 1;
        }
    }
    // The table has such fields (channels, offer, stacking, …).
    assert!(probed >= 20, "{probed}");
    c.stop();
}

/// The item keywords of the VS Code grammar (its `item` rule, `^(a|b|…)…`).
fn tm_item_keywords() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/vscode/syntaxes/koujing.tmLanguage.json"
    );
    let grammar: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let pattern = grammar["repository"]["item"]["match"]
        .as_str()
        .expect("the item keyword rule");
    let inner = &pattern[2..pattern.find(')').unwrap()];
    let mut words: Vec<String> = inner.split('|').map(str::to_string).collect();
    words.sort();
    words
}

#[test]
fn the_editor_grammar_highlights_every_item_keyword() {
    let mut table: Vec<String> = ITEM_KEYWORDS.iter().map(|k| k.to_string()).collect();
    table.sort();
    assert_eq!(tm_item_keywords(), table);
}
