//! The pass before pest: limits, strings, comments, full-width punctuation and
//! the split into top-level items.
//!
//! pest has no depth guard (pest issue #1129) and stops at the first error, so
//! this hand-written scanner runs first, in one linear pass:
//! - nesting deeper than [`MAX_DEPTH`] is KJ0005 for the item it occurs in,
//!   which is then not given to pest;
//! - `“…”` and `「…」` are KJ0002 with a fix, and are read as ASCII quotes;
//! - `：，；（）【】` and the ideographic space are KJ0003 and read as ASCII;
//! - an unterminated string is KJ0004;
//! - comments go to a side table so the formatter can keep them;
//! - a UTF-8 byte-order mark at the start is read as spaces;
//! - the file is cut before every item keyword that starts a line at depth 0
//!   (or at column 0 whatever the depth, to recover from a missing `}`).
//!
//! Rewrites keep every byte offset: a three-byte full-width character becomes
//! its one-byte ASCII twin plus two spaces, so spans computed on the rewritten
//! text are spans in the original.

use crate::issue::{Edit, Fix, Issue, IssueCode};
use crate::span::Span;

/// Deepest nesting of `{ [ (` accepted.
pub const MAX_DEPTH: usize = 256;
/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Item keywords: a line starting with one of these starts a new item
/// (from the item table).
pub use crate::kinds::ITEM_KEYWORDS;

/// A `//` comment: its span (from the slashes to the end of the line, without
/// the line break) and its text after the slashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

/// One top-level piece of a file for pest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub span: Span,
    /// Too deep to hand to pest: already reported as KJ0005.
    pub skip: bool,
}

/// What the pre-scan found.
#[derive(Clone, Debug, Default)]
pub struct Prescan {
    /// The text with typographic quotes and full-width punctuation replaced
    /// by ASCII of the same byte length.
    pub text: String,
    pub chunks: Vec<Chunk>,
    pub comments: Vec<Comment>,
    pub issues: Vec<Issue>,
}

fn full_width_twin(c: char) -> Option<&'static str> {
    Some(match c {
        '：' => ":",
        '，' => ",",
        '；' => ";",
        '（' => "(",
        '）' => ")",
        '【' => "[",
        '】' => "]",
        '\u{3000}' => " ",
        _ => return None,
    })
}

fn closing_quote(c: char) -> Option<char> {
    match c {
        '“' => Some('”'),
        '「' => Some('」'),
        _ => None,
    }
}

fn is_ident_continue_ascii(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Does an item keyword start at `at` (followed by a non-identifier byte)?
fn keyword_at(text: &str, at: usize) -> bool {
    let rest = match text.get(at..) {
        Some(rest) => rest,
        None => return false,
    };
    ITEM_KEYWORDS.iter().any(|kw| {
        rest.starts_with(kw)
            && rest
                .as_bytes()
                .get(kw.len())
                .is_some_and(|&b| b.is_ascii() && !is_ident_continue_ascii(b))
    })
}

/// Replace the `len`-byte character at `at` with `ascii` padded with spaces.
fn pad(out: &mut [u8], at: usize, len: usize, ascii: &str, ascii_first: bool) {
    let bytes = ascii.as_bytes();
    let pad_len = len.saturating_sub(bytes.len());
    let mut write = |i: usize, b: u8| {
        if let Some(slot) = out.get_mut(at + i) {
            *slot = b;
        }
    };
    if ascii_first {
        for (i, &b) in bytes.iter().enumerate() {
            write(i, b);
        }
        for i in 0..pad_len {
            write(bytes.len() + i, b' ');
        }
    } else {
        for i in 0..pad_len {
            write(i, b' ');
        }
        for (i, &b) in bytes.iter().enumerate() {
            write(pad_len + i, b);
        }
    }
}

/// Run the pre-scan over a file's text.
pub fn prescan(source: &str) -> Prescan {
    let mut result = Prescan::default();
    if source.len() > MAX_FILE_BYTES {
        result.issues.push(
            Issue::new(IssueCode::Limit, Span::new(0, 0))
                .text("what", "文件大小", "file size")
                .plain("limit", format!("{} MiB", MAX_FILE_BYTES / 1024 / 1024)),
        );
        return result;
    }
    let mut out = source.as_bytes().to_vec();
    let mut depth = 0usize;
    let mut chunk_start = 0usize;
    let mut chunk_too_deep = false;
    let mut at_line_start = true;
    let mut line_start = 0usize;
    let mut chars = source.char_indices().peekable();

    while let Some((i, c)) = chars.next() {
        match c {
            '\n' => {
                at_line_start = true;
                line_start = i + 1;
                continue;
            }
            ' ' | '\t' | '\r' => continue,
            // A UTF-8 byte-order mark at the start of the file is skipped
            // (read as three spaces; the formatter drops it).
            '\u{feff}' if i == 0 => {
                for byte in out.iter_mut().take(3) {
                    *byte = b' ';
                }
                line_start = 3;
                continue;
            }
            _ => {}
        }
        if at_line_start {
            at_line_start = false;
            let column_zero = i == line_start;
            if (depth == 0 || column_zero) && i > chunk_start && keyword_at(source, i) {
                result.chunks.push(Chunk {
                    span: Span::new(chunk_start, i),
                    skip: chunk_too_deep,
                });
                chunk_start = i;
                chunk_too_deep = false;
                depth = 0;
            }
        }
        match c {
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                comment(source, i, &mut chars, &mut result);
            }
            '"' => string(source, i, &mut chars, &mut result),
            '“' | '「' => typographic_quote(source, i, c, &mut chars, &mut result, &mut out),
            '{' | '[' | '(' => {
                depth += 1;
                if depth > MAX_DEPTH && !chunk_too_deep {
                    chunk_too_deep = true;
                    result.issues.push(
                        Issue::new(IssueCode::Limit, Span::new(i, i + 1))
                            .text("what", "嵌套深度", "nesting depth")
                            .plain("limit", MAX_DEPTH.to_string()),
                    );
                }
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {
                if let Some(twin) = full_width_twin(c) {
                    full_width(i, c, twin, &mut result, &mut out);
                    match twin {
                        "{" | "[" | "(" => depth += 1,
                        "}" | "]" | ")" => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
            }
        }
    }
    result.chunks.push(Chunk {
        span: Span::new(chunk_start, source.len()),
        skip: chunk_too_deep,
    });
    // The rewrite only swaps whole characters for ASCII of the same length,
    // so the bytes stay UTF-8; fall back to the original text if not.
    result.text = String::from_utf8(out).unwrap_or_else(|_| source.to_string());
    result
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// A `//` comment: into the side table, skipped.
fn comment(source: &str, i: usize, chars: &mut Chars<'_>, result: &mut Prescan) {
    let end = source[i..].find('\n').map_or(source.len(), |n| i + n);
    let end_trimmed = if source[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    result.comments.push(Comment {
        span: Span::new(i, end_trimmed),
        text: source
            .get(i + 2..end_trimmed)
            .unwrap_or_default()
            .to_string(),
    });
    while chars.peek().is_some_and(|&(j, _)| j < end) {
        chars.next();
    }
}

/// An ASCII string: skipped; one that does not end on its line is reported.
fn string(source: &str, i: usize, chars: &mut Chars<'_>, result: &mut Prescan) {
    let mut closed = false;
    while let Some(&(j, n)) = chars.peek() {
        match n {
            '\n' => break,
            '\\' => {
                chars.next();
                if chars.peek().is_some_and(|&(_, e)| e != '\n') {
                    chars.next();
                }
            }
            '"' => {
                chars.next();
                closed = true;
                let _ = j;
                break;
            }
            _ => {
                chars.next();
            }
        }
    }
    if !closed {
        let end = chars.peek().map_or(source.len(), |&(j, _)| j);
        let end = if source[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        result
            .issues
            .push(Issue::new(IssueCode::Unterminated, Span::new(i, end)).text(
                "what",
                "字符串",
                "string",
            ));
    }
}

/// A typographic quote (`“…”`, `「…」`): read as an ASCII string of the same
/// length, reported with a fix when one replacement is safe.
fn typographic_quote(
    source: &str,
    i: usize,
    c: char,
    chars: &mut Chars<'_>,
    result: &mut Prescan,
    out: &mut [u8],
) {
    let close = closing_quote(c).unwrap_or('”');
    let line_end = source[i..].find('\n').map_or(source.len(), |n| i + n);
    let close_at = source[i + c.len_utf8()..line_end]
        .find(close)
        .map(|n| i + c.len_utf8() + n);
    match close_at {
        Some(close_at) => {
            let inner = &source[i + c.len_utf8()..close_at];
            let end = close_at + close.len_utf8();
            // Read as an ASCII string of the same length.
            pad(out, i, c.len_utf8(), "\"", false);
            pad(out, close_at, close.len_utf8(), "\"", true);
            let mut issue = Issue::new(IssueCode::TypographicQuote, Span::new(i, end))
                .plain("quote", format!("{c}{close}"));
            if !inner.contains('"') && !inner.contains('\\') {
                issue = issue.with_fix(Fix {
                    zh: "改用 ASCII 双引号 \"".into(),
                    en: "use ASCII double quotes \"".into(),
                    edits: vec![
                        Edit {
                            span: Span::new(i, i + c.len_utf8()),
                            replacement: "\"".into(),
                        },
                        Edit {
                            span: Span::new(close_at, end),
                            replacement: "\"".into(),
                        },
                    ],
                });
            }
            result.issues.push(issue);
            while chars.peek().is_some_and(|&(j, _)| j < end) {
                chars.next();
            }
        }
        None => {
            result.issues.push(
                Issue::new(IssueCode::TypographicQuote, Span::new(i, i + c.len_utf8()))
                    .plain("quote", c.to_string()),
            );
        }
    }
}

/// A full-width twin of an ASCII punctuation character: rewritten byte for
/// byte, reported with its fix.
fn full_width(i: usize, c: char, twin: &'static str, result: &mut Prescan, out: &mut [u8]) {
    let len = c.len_utf8();
    pad(out, i, len, twin, true);
    let twin_shown = if twin == " " { "空格 / space" } else { twin };
    result.issues.push(
        Issue::new(IssueCode::FullWidth, Span::new(i, i + len))
            .plain("char", c.to_string())
            .plain("twin", twin_shown)
            .with_fix(Fix {
                zh: format!("改为 `{twin}`"),
                en: format!("replace with `{twin}`"),
                edits: vec![Edit {
                    span: Span::new(i, i + len),
                    replacement: twin.to_string(),
                }],
            }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_keeps_offsets() {
        let scan = prescan("mix 甲 { first_return：30%； revenue_share: 70% }");
        assert_eq!(
            scan.text.len(),
            "mix 甲 { first_return：30%； revenue_share: 70% }".len()
        );
        assert!(scan.text.contains("first_return:  30%;  "));
        assert_eq!(
            scan.issues
                .iter()
                .filter(|i| i.code == IssueCode::FullWidth)
                .count(),
            2
        );
    }

    #[test]
    fn full_width_inside_strings_and_comments_is_text() {
        let scan = prescan("term 甲 { plain: \"一，二：三\" } // 注释，可以");
        assert!(scan.issues.is_empty(), "{:?}", scan.issues);
        assert_eq!(scan.comments.len(), 1);
        assert_eq!(scan.comments[0].text, " 注释，可以");
    }

    #[test]
    fn splits_at_item_keywords() {
        let scan = prescan("channel A { type: owned }\nchannel B {\n  type: owned\n}\n  product C { kind: data }\n");
        assert_eq!(scan.chunks.len(), 3);
    }

    #[test]
    fn missing_brace_recovers_at_column_zero() {
        let scan = prescan("campaign A {\n  offer: x\nchannel B { type: owned }\n");
        assert_eq!(scan.chunks.len(), 2);
    }

    #[test]
    fn deep_nesting_is_reported_not_parsed() {
        let deep = format!(
            "term A {{ x: {}{} }}\nterm B {{ jargon: true }}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let scan = prescan(&deep);
        assert!(scan.issues.iter().any(|i| i.code == IssueCode::Limit));
        assert_eq!(scan.chunks.len(), 2);
        assert!(scan.chunks[0].skip);
        assert!(!scan.chunks[1].skip);
    }

    #[test]
    fn typographic_quotes_are_read_as_ascii() {
        let source = "term A { plain: “你好” }";
        let scan = prescan(source);
        assert_eq!(scan.text.len(), source.len());
        assert!(scan.text.contains("  \"你好\"  "));
        let issue = scan
            .issues
            .iter()
            .find(|i| i.code == IssueCode::TypographicQuote);
        assert!(issue.is_some_and(|i| i.fix.is_some()));
    }

    #[test]
    fn unterminated_string_stops_at_line_end() {
        let scan = prescan("term A { plain: \"abc\n}\nterm B { }");
        let issue = scan
            .issues
            .iter()
            .find(|i| i.code == IssueCode::Unterminated);
        assert_eq!(issue.map(|i| i.span), Some(Span::new(16, 20)));
    }
}

#[cfg(test)]
mod bom_tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let with = "\u{feff}product 包 { kind: data }\nterm 甲 { plain: \"乙\" }\n";
        let parsed = crate::parse_file(with);
        assert!(parsed.issues.is_empty(), "{:?}", parsed.issues);
        assert_eq!(parsed.module.items.len(), 2);
        let formatted = crate::format::format(with).unwrap();
        assert!(!formatted.starts_with('\u{feff}'), "{formatted:?}");
        assert_eq!(formatted, crate::format::format(&with[3..]).unwrap());
    }
}
