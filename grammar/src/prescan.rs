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

use std::borrow::Cow;

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
pub struct Prescan<'a> {
    /// The text with typographic quotes and full-width punctuation replaced
    /// by ASCII of the same byte length (the source itself, borrowed, when
    /// nothing was replaced).
    pub text: Cow<'a, str>,
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

/// The rewritten text, copied from the source on the first rewrite.
struct Rewrite<'a> {
    source: &'a str,
    out: Option<Vec<u8>>,
}

impl Rewrite<'_> {
    fn bytes(&mut self) -> &mut [u8] {
        let source = self.source;
        self.out.get_or_insert_with(|| source.as_bytes().to_vec())
    }
}

/// Bytes the scan must look at; every other byte (ASCII letters, digits,
/// white space within a line, punctuation that is not a bracket, and every
/// byte of a non-ASCII character that is not one of the full-width forms or
/// typographic quotes, whose UTF-8 starts with `E2`, `E3` or `EF`) is
/// skipped in a run.
#[allow(clippy::indexing_slicing)] // evaluated at compile time: out of range fails the build
const SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = *b"\n/\"{[(}])\xE2\xE3\xEF";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// How many bytes from the start of `bytes` are not [`SPECIAL`]: eight at a
/// time while none of them is, then one by one.
fn ordinary_run(bytes: &[u8]) -> usize {
    let special = |b: &u8| SPECIAL.get(usize::from(*b)).copied().unwrap_or(true);
    let mut n = 0;
    for block in bytes.chunks_exact(8) {
        if block.iter().any(special) {
            break;
        }
        n += 8;
    }
    n + bytes
        .get(n..)
        .unwrap_or_default()
        .iter()
        .position(special)
        .unwrap_or(bytes.len().saturating_sub(n))
}

/// Run the pre-scan over a file's text. One pass over the bytes: runs of
/// bytes that matter to none of the rules above are skipped without decoding
/// characters, and the text is copied only when something is rewritten.
pub fn prescan(source: &str) -> Prescan<'_> {
    let mut result = Prescan::default();
    if source.len() > MAX_FILE_BYTES {
        result.issues.push(
            Issue::new(IssueCode::Limit, Span::new(0, 0))
                .text("what", "文件大小", "file size")
                .plain("limit", format!("{} MiB", MAX_FILE_BYTES / 1024 / 1024)),
        );
        return result;
    }
    let bytes = source.as_bytes();
    let mut out = Rewrite { source, out: None };
    let mut depth = 0usize;
    let mut chunk_start = 0usize;
    let mut chunk_too_deep = false;
    let mut at_line_start = true;
    let mut line_start = 0usize;
    let mut i = 0usize;

    while let Some(&b) = bytes.get(i) {
        if at_line_start {
            match b {
                b'\n' => {
                    line_start = i + 1;
                    i += 1;
                    continue;
                }
                b' ' | b'\t' | b'\r' => {
                    i += 1;
                    continue;
                }
                // A UTF-8 byte-order mark at the start of the file is skipped
                // (read as three spaces; the formatter drops it).
                0xEF if i == 0 && source.starts_with('\u{feff}') => {
                    for byte in out.bytes().iter_mut().take(3) {
                        *byte = b' ';
                    }
                    line_start = 3;
                    i = 3;
                    continue;
                }
                _ => {}
            }
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
        match b {
            b'\n' => {
                at_line_start = true;
                line_start = i + 1;
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = comment(source, i, &mut result);
            }
            b'"' => i = string(source, i, &mut result),
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_DEPTH && !chunk_too_deep {
                    chunk_too_deep = true;
                    result.issues.push(
                        Issue::new(IssueCode::Limit, Span::new(i, i + 1))
                            .text("what", "嵌套深度", "nesting depth")
                            .plain("limit", MAX_DEPTH.to_string()),
                    );
                }
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            0xE2 | 0xE3 | 0xEF => {
                let Some(c) = source.get(i..).and_then(|rest| rest.chars().next()) else {
                    i += 1;
                    continue;
                };
                if closing_quote(c).is_some() {
                    i = typographic_quote(source, i, c, &mut result, &mut out);
                    continue;
                }
                if let Some(twin) = full_width_twin(c) {
                    full_width(i, c, twin, &mut result, &mut out);
                    match twin {
                        "{" | "[" | "(" => depth += 1,
                        "}" | "]" | ")" => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                }
                i += c.len_utf8();
            }
            _ => {
                i += 1;
                // The run of bytes that matter to nothing here.
                i += ordinary_run(bytes.get(i..).unwrap_or_default());
            }
        }
    }
    result.chunks.push(Chunk {
        span: Span::new(chunk_start, source.len()),
        skip: chunk_too_deep,
    });
    // The rewrite only swaps whole characters for ASCII of the same length,
    // so the bytes stay UTF-8; fall back to the original text if not.
    result.text = match out.out {
        None => Cow::Borrowed(source),
        Some(out) => Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| source.to_string())),
    };
    result
}

/// A `//` comment at `i`: into the side table, skipped. Returns where the
/// scan goes on (the line break).
fn comment(source: &str, i: usize, result: &mut Prescan<'_>) -> usize {
    let rest = source.as_bytes().get(i..).unwrap_or_default();
    let end = memchr::memchr(b'\n', rest).map_or(source.len(), |n| i + n);
    let end_trimmed = if source
        .as_bytes()
        .get(..end)
        .is_some_and(|s| s.ends_with(b"\r"))
    {
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
    end
}

/// An ASCII string at `i`: skipped; one that does not end on its line is
/// reported. Returns where the scan goes on (after the closing quote, or at
/// the line break).
fn string(source: &str, i: usize, result: &mut Prescan<'_>) -> usize {
    let bytes = source.as_bytes();
    let mut at = i + 1;
    loop {
        let rest = bytes.get(at..).unwrap_or_default();
        let Some(n) = memchr::memchr3(b'"', b'\\', b'\n', rest) else {
            at = bytes.len();
            break;
        };
        at += n;
        match bytes.get(at) {
            Some(b'"') => return at + 1,
            Some(b'\\') => {
                // The escaped character is skipped, unless it is a line break.
                at += 1;
                if bytes.get(at).is_some_and(|&e| e != b'\n') {
                    at += 1;
                }
            }
            _ => break,
        }
    }
    let end = if bytes.get(..at).is_some_and(|s| s.ends_with(b"\r")) {
        at - 1
    } else {
        at
    };
    result
        .issues
        .push(Issue::new(IssueCode::Unterminated, Span::new(i, end)).text(
            "what",
            "字符串",
            "string",
        ));
    at
}

/// A typographic quote (`“…”`, `「…」`) at `i`: read as an ASCII string of
/// the same length, reported with a fix when one replacement is safe.
/// Returns where the scan goes on.
fn typographic_quote(
    source: &str,
    i: usize,
    c: char,
    result: &mut Prescan<'_>,
    out: &mut Rewrite<'_>,
) -> usize {
    let close = closing_quote(c).unwrap_or('”');
    let after = i + c.len_utf8();
    let line_end = source
        .get(i..)
        .and_then(|rest| rest.find('\n'))
        .map_or(source.len(), |n| i + n);
    let close_at = source
        .get(after..line_end)
        .and_then(|inner| inner.find(close))
        .map(|n| after + n);
    match close_at {
        Some(close_at) => {
            let inner = source.get(after..close_at).unwrap_or_default();
            let end = close_at + close.len_utf8();
            // Read as an ASCII string of the same length.
            pad(out.bytes(), i, c.len_utf8(), "\"", false);
            pad(out.bytes(), close_at, close.len_utf8(), "\"", true);
            let mut issue = Issue::new(IssueCode::TypographicQuote, Span::new(i, end))
                .plain("quote", format!("{c}{close}"));
            if !inner.contains('"') && !inner.contains('\\') {
                issue = issue.with_fix(Fix {
                    zh: "改用 ASCII 双引号 \"".into(),
                    en: "use ASCII double quotes \"".into(),
                    edits: vec![
                        Edit {
                            span: Span::new(i, after),
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
            end
        }
        None => {
            result.issues.push(
                Issue::new(IssueCode::TypographicQuote, Span::new(i, after))
                    .plain("quote", c.to_string()),
            );
            after
        }
    }
}

/// A full-width twin of an ASCII punctuation character: rewritten byte for
/// byte, reported with its fix.
fn full_width(
    i: usize,
    c: char,
    twin: &'static str,
    result: &mut Prescan<'_>,
    out: &mut Rewrite<'_>,
) {
    let len = c.len_utf8();
    pad(out.bytes(), i, len, twin, true);
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
    fn ordinary_run_stops_at_the_first_special_byte() {
        // Against the byte-by-byte definition, on random byte strings with
        // specials at every position (and none), across the 8-byte blocks.
        let mut rng = fastrand::Rng::with_seed(19);
        let specials = b"\n/\"{[(}])\xE2\xE3\xEF";
        let is_special = |b: u8| specials.contains(&b);
        for _ in 0..5_000 {
            let len = rng.usize(0..40);
            let mut bytes = Vec::with_capacity(len);
            while bytes.len() < len {
                let b = rng.u8(..);
                if !is_special(b) {
                    bytes.push(b);
                }
            }
            if len > 0 && rng.bool() {
                let at = rng.usize(0..len);
                if let Some(slot) = bytes.get_mut(at) {
                    *slot = specials
                        .get(rng.usize(0..specials.len()))
                        .copied()
                        .unwrap_or(b'{');
                }
            }
            let expected = bytes.iter().position(|&b| is_special(b)).unwrap_or(len);
            assert_eq!(ordinary_run(&bytes), expected, "{bytes:?}");
        }
    }

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
