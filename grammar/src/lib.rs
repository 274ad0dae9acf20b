//! The Koujing language: grammar, syntax tree, typed AST, lowering.
//!
//! `text → prescan → pest → tree → lower → ast`. Parsing cannot fail: every
//! function here returns what it could build plus a list of [`Issue`]s, and
//! never panics, whatever the input.

pub mod ast;
pub mod format;
pub mod issue;
pub mod lower;
pub mod parse;
pub mod prescan;
pub mod span;
pub mod suggest;
pub mod tree;

pub use issue::{Arg, Edit, Fix, Issue, IssueCode};
pub use span::{Span, Spanned};

/// One file, parsed and lowered.
#[derive(Clone, Debug, Default)]
pub struct ParsedFile {
    /// The syntax tree (what was written, in order; for the formatter).
    pub syntax: tree::SyntaxFile,
    /// The typed items.
    pub module: ast::Module,
    /// Everything the parser and the lowering found.
    pub issues: Vec<Issue>,
}

/// Parse and lower one file's text.
pub fn parse_file(source: &str) -> ParsedFile {
    let parse::Parsed { file, mut issues } = parse::parse(source);
    let module = lower::lower(&file, &mut issues);
    ParsedFile {
        syntax: file,
        module,
        issues,
    }
}
