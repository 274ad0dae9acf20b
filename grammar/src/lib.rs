//! The Koujing language: grammar, syntax tree, typed AST, lowering.
//!
//! `text → prescan → pest → tree → lower → ast`. Parsing cannot fail: every
//! function here returns what it could build plus a list of [`Issue`]s, and
//! never panics, whatever the input.

pub mod ast;
mod fast;
pub mod fields;
pub mod format;
pub mod issue;
pub mod kinds;
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
    /// Everything the parser and the lowering found (the parser's first).
    pub issues: Vec<Issue>,
    /// Where each chunk's items and syntax issues are (see [`parse_file_reusing`]).
    pub chunks: Vec<parse::ChunkRecord>,
}

/// Parse and lower one file's text.
pub fn parse_file(source: &str) -> ParsedFile {
    parse_file_reusing(source, None)
}

/// Parse and lower a new version of a file, re-parsing only the items whose
/// text changed since `previous` (its old text and parse). The result is the
/// same as [`parse_file`]'s.
pub fn parse_file_reusing(source: &str, previous: Option<(&str, &ParsedFile)>) -> ParsedFile {
    let previous = previous.map(|(text, old)| parse::Previous {
        source: text,
        items: &old.syntax.items,
        issues: &old.issues,
        chunks: &old.chunks,
    });
    let parse::Parsed {
        file,
        mut issues,
        chunks,
    } = parse::parse_reusing(source, previous);
    let module = lower::lower(&file, &mut issues);
    ParsedFile {
        syntax: file,
        module,
        issues,
        chunks,
    }
}
