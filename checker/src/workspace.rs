//! The files of a workspace, parsed. No I/O: callers hand in bytes.

use std::sync::Arc;

use koujing_grammar::{parse_file, ParsedFile, Span};
use line_index::WideEncoding;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, FileId};
use crate::messages::NoteMsg;

/// One source file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Display path, with `/`.
    pub path: String,
    /// The text (invalid UTF-8 replaced, for display only).
    pub text: Arc<str>,
    pub parsed: ParsedFile,
    /// Where each line starts, for positions.
    pub lines: Arc<Lines>,
    /// KJ0001 for invalid UTF-8: the file was not parsed.
    pub encoding_error: Option<usize>,
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, bytes: &[u8]) -> SourceFile {
        let path = path.into();
        // simdutf8 validates CJK text several times faster than the
        // standard library; on invalid bytes the standard library says
        // where the valid prefix ends.
        let checked = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => Ok(text),
            Err(_) => std::str::from_utf8(bytes),
        };
        match checked {
            Ok(text) => SourceFile {
                path,
                parsed: parse_file(text),
                lines: Arc::new(Lines::new(text)),
                text: Arc::from(text),
                encoding_error: None,
            },
            Err(error) => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                SourceFile {
                    path,
                    parsed: ParsedFile::default(),
                    lines: Arc::new(Lines::new(&text)),
                    text: Arc::from(text),
                    encoding_error: Some(error.valid_up_to()),
                }
            }
        }
    }

    /// Drop what only an editor needs once the file is lowered: the syntax
    /// tree's items (most of a parse's memory; kept when a `koujing:`
    /// comment needs them to find its target) and the records that let an
    /// edit re-parse only the chunks it touched.
    fn drop_syntax(&mut self) {
        if !self.has_directive() {
            self.parsed.syntax.items = Vec::new();
        }
        self.parsed.chunks = Vec::new();
    }

    /// Does a `koujing:` comment need the syntax tree to find its target?
    fn has_directive(&self) -> bool {
        self.parsed
            .syntax
            .comments
            .iter()
            .any(|c| crate::suppress::is_directive(&c.text))
    }

    /// The same file with only some of its items (`keep` maps an item,
    /// by position, to what to keep of it): for the editor's focused
    /// re-check. Comments stay, so allow comments work as before; the
    /// syntax tree stays only when an allow comment needs it.
    pub(crate) fn cut(
        &self,
        keep: impl Fn(usize, &koujing_grammar::ast::Item) -> Option<koujing_grammar::ast::Item>,
    ) -> SourceFile {
        let parsed = ParsedFile {
            syntax: koujing_grammar::tree::SyntaxFile {
                items: if self.has_directive() {
                    self.parsed.syntax.items.clone()
                } else {
                    Vec::new()
                },
                comments: self.parsed.syntax.comments.clone(),
            },
            module: koujing_grammar::ast::Module {
                items: self
                    .parsed
                    .module
                    .items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, item)| keep(i, item))
                    .collect(),
            },
            issues: Vec::new(),
            chunks: Vec::new(),
        };
        SourceFile {
            path: self.path.clone(),
            text: self.text.clone(),
            parsed,
            lines: self.lines.clone(),
            encoding_error: None,
        }
    }

    /// Clamp an offset to the text and back to a character boundary.
    fn clamp(&self, offset: usize) -> usize {
        let mut at = offset.min(self.text.len());
        while at > 0 && !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    /// 1-based line and column in `encoding` units (`Utf32` = characters,
    /// `None` = bytes).
    pub fn position(&self, offset: usize, encoding: Option<WideEncoding>) -> Position {
        let at = self.clamp(offset);
        let (line, start) = self.lines.line_of(at);
        let prefix = self.text.get(start..at).unwrap_or_default();
        let column = match encoding {
            None => prefix.len(),
            Some(WideEncoding::Utf32) => prefix.chars().count(),
            Some(_) => prefix.chars().map(char::len_utf16).sum(),
        };
        Position {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// 1-based line and character column (the JSON output's convention).
    pub fn char_position(&self, offset: usize) -> Position {
        self.position(offset, Some(WideEncoding::Utf32))
    }

    /// Byte offset where a 0-based line starts, if the file has that line.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.lines.start(line as usize)
    }

    /// The text of a span, if the span is valid.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or_default()
    }

    /// Syntax and lowering diagnostics of this file.
    pub fn own_diagnostics(&self, id: FileId) -> Vec<Diagnostic> {
        if let Some(at) = self.encoding_error {
            let args = [
                ("expected", NoteMsg::Utf8Text.arg(&[])),
                ("found", NoteMsg::InvalidUtf8At.arg(&[("at", &at)])),
            ];
            return vec![Diagnostic::new(Code::KJ0001, id, Span::new(at, at), &args)];
        }
        self.parsed
            .issues
            .iter()
            .map(|issue| Diagnostic::from_issue(id, issue))
            .collect()
    }
}

/// The byte offset of each line's start: 4 bytes a line, where columns are
/// counted in the line's text when asked for (a file's positions are asked
/// for a few times, its lines are many).
#[derive(Clone, Debug, Default)]
pub struct Lines {
    /// Offsets just after each `\n`: the starts of the lines after the first.
    starts: Vec<u32>,
    /// The text has a `\r` (which miette counts as a line break too).
    carriage_return: bool,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        // One pass for both: most files have no `\r`, and a search for it
        // alone would read the whole text again.
        let bytes = text.as_bytes();
        let mut starts = Vec::new();
        let mut carriage_return = false;
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes.get(at) == Some(&b'\n') {
                starts.push(u32::try_from(at + 1).unwrap_or(u32::MAX));
            } else {
                carriage_return = true;
            }
        }
        Lines {
            starts,
            carriage_return,
        }
    }

    /// The 0-based line of a byte offset, and the offset where it starts.
    pub fn line_of(&self, offset: usize) -> (usize, usize) {
        let line = self
            .starts
            .partition_point(|&start| start as usize <= offset);
        (line, self.start(line).unwrap_or(0))
    }

    /// Does the text have a `\r`?
    pub fn has_carriage_return(&self) -> bool {
        self.carriage_return
    }

    /// Where a 0-based line starts.
    pub fn start(&self, line: usize) -> Option<usize> {
        match line.checked_sub(1) {
            None => Some(0),
            Some(before) => self.starts.get(before).map(|&s| s as usize),
        }
    }
}

/// Every file of a workspace, sorted by path so that results do not depend
/// on the order in which files were found.
#[derive(Debug, Default)]
pub struct Workspace {
    pub files: Vec<SourceFile>,
    /// Files found but not read (a link out of the workspace, a FIFO, …):
    /// path → what and limit for their KJ0005. Each also has an empty entry
    /// in `files`, so the finding has a place.
    pub unread: std::collections::BTreeMap<String, (koujing_grammar::Arg, koujing_grammar::Arg)>,
}

impl Workspace {
    /// Parse every file (in parallel; the result does not depend on it).
    /// Duplicate paths keep the last bytes given.
    pub fn new(sources: impl IntoIterator<Item = (String, Vec<u8>)>) -> Workspace {
        Workspace::parse_all(sources, true)
    }

    /// [`Workspace::new`] for one check (the command line): each file's
    /// syntax tree is dropped once it is lowered, unless a suppression
    /// comment needs it. The checker's results are the same; what is lost
    /// is what an editor uses — the formatter's tree and re-parsing only
    /// the edited chunks in [`Workspace::set_file`] (it re-parses the file).
    pub fn new_for_check(sources: impl IntoIterator<Item = (String, Vec<u8>)>) -> Workspace {
        Workspace::parse_all(sources, false)
    }

    fn parse_all(
        sources: impl IntoIterator<Item = (String, Vec<u8>)>,
        keep_syntax: bool,
    ) -> Workspace {
        use rayon::prelude::*;
        let mut unique: std::collections::BTreeMap<String, Vec<u8>> =
            std::collections::BTreeMap::new();
        for (path, bytes) in sources {
            unique.insert(path, bytes);
        }
        let files: Vec<SourceFile> = unique
            .into_par_iter()
            .map(|(path, bytes)| {
                let mut file = SourceFile::new(path, &bytes);
                if !keep_syntax {
                    file.drop_syntax();
                }
                file
            })
            .collect();
        // A BTreeMap iterates in path order and `collect` keeps that order.
        Workspace {
            files,
            unread: std::collections::BTreeMap::new(),
        }
    }

    /// Record a file that was found but not read: it is reported as KJ0005
    /// with `what` and `limit`, and nothing of it is parsed.
    pub fn add_unread(
        &mut self,
        path: &str,
        what: koujing_grammar::Arg,
        limit: koujing_grammar::Arg,
    ) {
        self.set_file(path, b"");
        self.unread.insert(path.to_string(), (what, limit));
    }

    /// KJ0005 for every file found but not read.
    pub fn unread_diagnostics(&self) -> Vec<Diagnostic> {
        self.files
            .iter()
            .enumerate()
            .filter_map(|(id, file)| {
                let (what, limit) = self.unread.get(&file.path)?;
                let args = [("what", what.clone()), ("limit", limit.clone())];
                Some(Diagnostic::new(Code::KJ0005, id, Span::new(0, 0), &args))
            })
            .collect()
    }

    /// Replace (or add) one file, re-parsing only it — and in it only the
    /// items whose text changed.
    pub fn set_file(&mut self, path: &str, bytes: &[u8]) {
        self.unread.remove(path);
        let old = self.files.iter().find(|f| f.path == path);
        let file = match (std::str::from_utf8(bytes), old) {
            (Ok(text), Some(old)) if old.encoding_error.is_none() => SourceFile {
                path: path.to_string(),
                parsed: koujing_grammar::parse_file_reusing(text, Some((&old.text, &old.parsed))),
                lines: Arc::new(Lines::new(text)),
                text: Arc::from(text),
                encoding_error: None,
            },
            _ => SourceFile::new(path, bytes),
        };
        match self.files.binary_search_by(|f| f.path.as_str().cmp(path)) {
            Ok(at) => {
                if let Some(slot) = self.files.get_mut(at) {
                    *slot = file;
                }
            }
            Err(at) => self.files.insert(at, file),
        }
    }

    /// Remove a file.
    pub fn remove_file(&mut self, path: &str) {
        self.unread.remove(path);
        self.files.retain(|f| f.path != path);
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line and column of every offset, against counting from the start.
    #[test]
    fn positions_match_counting_from_the_start() {
        let text = "ab\n冬季😀x\r\n\n  活动 \"半价\"\nlast";
        let file = SourceFile::new("a.kj", text.as_bytes());
        for offset in 0..=text.len() + 2 {
            let mut at = offset.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let before = &text[..at];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let prefix = &text[line_start..at];
            let line = before.matches('\n').count() as u32 + 1;
            let expect = |column: usize| Position {
                line,
                column: column as u32 + 1,
            };
            assert_eq!(file.position(offset, None), expect(prefix.len()));
            assert_eq!(file.char_position(offset), expect(prefix.chars().count()));
            assert_eq!(
                file.position(offset, Some(WideEncoding::Utf16)),
                expect(prefix.encode_utf16().count())
            );
        }
        assert_eq!(file.line_start(0), Some(0));
        assert_eq!(file.line_start(1), Some(3));
        assert_eq!(file.line_start(5), None);
    }
}
