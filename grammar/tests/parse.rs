#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]
//! Parser tests for every construct and every syntax code.

use koujing_grammar::ast::*;
use koujing_grammar::{parse_file, IssueCode};

fn codes(source: &str) -> Vec<IssueCode> {
    parse_file(source).issues.iter().map(|i| i.code).collect()
}

#[test]
fn spec_examples_parse_clean() {
    let source = include_str!("fixtures/spec_examples.kj");
    let parsed = parse_file(source);
    assert!(parsed.issues.is_empty(), "{:#?}", parsed.issues);
    assert!(parsed.module.items.len() >= 20, "{}", parsed.module.items.len());
}
