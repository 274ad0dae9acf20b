//! pest pairs → [`crate::tree`]. Never panics: a pair of an unexpected shape
//! becomes a KJ0001 issue (dhall-rust's pest_consume style), because a panic in
//! an editor kills the reviewer's session.

use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser;
use rust_decimal::Decimal;

use crate::issue::{Issue, IssueCode};
use crate::prescan::{prescan, Prescan};
use crate::span::Span;
use crate::tree::Shift;
use crate::tree::*;

#[derive(pest_derive::Parser)]
#[grammar = "koujing.pest"]
struct KoujingParser;

/// Result of parsing one file: the tree it could build and what went wrong.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub file: SyntaxFile,
    pub issues: Vec<Issue>,
    /// Where each chunk's items and syntax issues are, to reuse them when the
    /// file is parsed again after an edit elsewhere in it.
    pub chunks: Vec<ChunkRecord>,
}

/// One parsed chunk: its span, and the ranges of its items (in
/// `file.items`) and of its syntax issues (in `issues`).
#[derive(Clone, Debug, Default)]
pub struct ChunkRecord {
    pub span: Span,
    pub items: std::ops::Range<usize>,
    pub issues: std::ops::Range<usize>,
}

/// A previous parse of the same file, for [`parse_reusing`].
pub struct Previous<'a> {
    pub source: &'a str,
    pub items: &'a [Item],
    /// The issues the chunk records point into.
    pub issues: &'a [Issue],
    pub chunks: &'a [ChunkRecord],
}

/// Parse a file's text. Never fails: every complete item is returned, every
/// problem is an [`Issue`].
pub fn parse(source: &str) -> Parsed {
    parse_reusing(source, None)
}

/// How many of the file's chunks the fast path reads, of how many (for
/// tests: a clean file should be read by it entirely).
#[doc(hidden)]
pub fn fast_path_coverage(source: &str) -> (usize, usize) {
    let scan = prescan(source);
    let chunks: Vec<&str> = scan
        .chunks
        .iter()
        .filter(|c| !c.skip)
        .filter_map(|c| scan.text.get(c.span.start..c.span.end))
        .filter(|slice| !slice.trim().is_empty())
        .collect();
    let mut reader = crate::fast::Fast::default();
    let mut items = Vec::new();
    let fast = chunks
        .iter()
        .filter(|slice| reader.chunk(slice, 0, &mut items))
        .count();
    (fast, chunks.len())
}

/// [`parse`] with every chunk read by pest, never by the fast path in
/// front of it: the reference the fast path is tested against.
#[doc(hidden)]
pub fn parse_with_pest(source: &str) -> Parsed {
    parse_chunks(source, None, false)
}

/// Parse a file's text, reusing the items of every chunk whose text is the
/// same as in `previous` (moved by the length of the edits before it): an
/// edit re-parses only the items it touched. Same result as [`parse`].
pub fn parse_reusing(source: &str, previous: Option<Previous<'_>>) -> Parsed {
    parse_chunks(source, previous, true)
}

fn parse_chunks(source: &str, previous: Option<Previous<'_>>, fast: bool) -> Parsed {
    let Prescan {
        text,
        chunks,
        comments,
        issues,
    } = prescan(source);
    let unterminated: Vec<usize> = issues
        .iter()
        .filter(|i| i.code == IssueCode::Unterminated)
        .map(|i| i.span.start)
        .collect();
    let mut reader = crate::fast::Fast::default();
    let mut parsed = Parsed {
        file: SyntaxFile {
            // Most chunks hold one item.
            items: Vec::with_capacity(chunks.len()),
            comments,
        },
        issues,
        chunks: Vec::with_capacity(chunks.len()),
    };
    // Previous chunks by their text.
    let reusable: std::collections::HashMap<&str, &ChunkRecord> = previous
        .as_ref()
        .map(|p| {
            p.chunks
                .iter()
                .filter_map(|c| p.source.get(c.span.start..c.span.end).map(|t| (t, c)))
                .collect()
        })
        .unwrap_or_default();
    for chunk in chunks.iter().filter(|c| !c.skip) {
        let Some(slice) = text.get(chunk.span.start..chunk.span.end) else {
            continue;
        };
        if slice.trim().is_empty() {
            continue;
        }
        let items_start = parsed.file.items.len();
        let issues_start = parsed.issues.len();
        let original = source
            .get(chunk.span.start..chunk.span.end)
            .unwrap_or_default();
        // Only chunks that parsed cleanly are reused: a syntax error's message
        // depends on what follows the chunk (the next item, or the end).
        let clean = reusable.get(original).filter(|old| old.issues.is_empty());
        if let (Some(old), Some(prev)) = (clean, previous.as_ref()) {
            // INVARIANT: the same text parses to the same items, moved.
            let delta = chunk.span.start as isize - old.span.start as isize;
            for item in prev.items.get(old.items.clone()).unwrap_or_default() {
                let mut item = item.clone();
                item.move_by(delta);
                parsed.file.items.push(item);
            }
            for issue in prev.issues.get(old.issues.clone()).unwrap_or_default() {
                let mut issue = issue.clone();
                issue.move_by(delta);
                parsed.issues.push(issue);
            }
            parsed.chunks.push(ChunkRecord {
                span: chunk.span,
                items: items_start..parsed.file.items.len(),
                issues: issues_start..parsed.issues.len(),
            });
            continue;
        }
        // The fast path reads clean chunks; pest reads the rest (and gives
        // every syntax error its message).
        if fast && reader.chunk(slice, chunk.span.start, &mut parsed.file.items) {
            parsed.chunks.push(ChunkRecord {
                span: chunk.span,
                items: items_start..parsed.file.items.len(),
                issues: issues_start..parsed.issues.len(),
            });
            continue;
        }
        let mut walker = Walker {
            offset: chunk.span.start,
            issues: Vec::new(),
        };
        match KoujingParser::parse(Rule::chunk, slice) {
            Ok(pairs) => {
                for pair in pairs.flat_map(|p| p.into_inner()) {
                    if pair.as_rule() == Rule::item {
                        if let Some(item) = walker.item(pair) {
                            parsed.file.items.push(item);
                        }
                    }
                }
            }
            Err(_) => {
                // An unterminated string already explains why this chunk
                // fails; a second finding at the same place adds nothing.
                if !unterminated
                    .iter()
                    .any(|&at| chunk.span.start <= at && at < chunk.span.end)
                {
                    let error = detailed_error(slice);
                    let at_source_end = chunk.span.end == source.len();
                    if let Some(error) = error {
                        walker.issues.push(syntax_error(
                            &error,
                            slice,
                            chunk.span.start,
                            at_source_end,
                        ));
                    }
                }
            }
        }
        parsed.issues.append(&mut walker.issues);
        parsed.chunks.push(ChunkRecord {
            span: chunk.span,
            items: items_start..parsed.file.items.len(),
            issues: issues_start..parsed.issues.len(),
        });
    }
    parsed
}

/// Parse a failing chunk again with pest's error detail on, so the message
/// can name the literal tokens expected (`:`, `}`). The detail flag is
/// global: the re-parses take turns under a lock, so every message is the
/// same whatever other threads do (their parses only run slower meanwhile).
fn detailed_error(slice: &str) -> Option<pest::error::Error<Rule>> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    pest::set_error_detail(true);
    let result = KoujingParser::parse(Rule::chunk, slice);
    pest::set_error_detail(false);
    result.err()
}

fn describe_rule(rule: &Rule) -> Option<(&'static str, &'static str)> {
    Some(match rule {
        Rule::ident | Rule::key => ("名称", "a name"),
        Rule::string => ("字符串", "a string"),
        Rule::value | Rule::scalar | Rule::quantity | Rule::number => ("值", "a value"),
        Rule::date => ("日期", "a date"),
        Rule::scalar_or_range | Rule::range_op => ("值", "a value"),
        Rule::list => ("列表 `[...]`", "a list `[...]`"),
        Rule::block => ("`{`", "`{`"),
        Rule::entry | Rule::keyed => ("字段", "a field"),
        Rule::row | Rule::condition => ("费率行", "a rates row"),
        Rule::item | Rule::item_kw | Rule::generic_item | Rule::regions_item => (
            "条目关键字(campaign、product 等)",
            "an item keyword (campaign, product, …)",
        ),
        Rule::region_node | Rule::region_list => ("地区名称", "a region name"),
        Rule::tag_kw => ("关键字", "a keyword"),
        Rule::unit | Rule::bare_unit => ("单位", "a unit"),
        Rule::kw_factor => ("factor", "factor"),
        Rule::kw_rates => ("rates", "rates"),
        Rule::EOI => ("文件结尾", "end of file"),
        _ => return None,
    })
}

fn syntax_error(
    error: &pest::error::Error<Rule>,
    slice: &str,
    offset: usize,
    at_source_end: bool,
) -> Issue {
    let mut pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((a, _)) => a,
    };
    let mut found_char = slice.get(pos..).and_then(|rest| rest.chars().next());
    let (found_zh, found_en) = if found_char.is_none() && !at_source_end {
        // The chunk ended because the next item starts: point at the end of
        // the last line of this item instead of at the next item.
        pos = end_of_code(slice);
        found_char = None;
        (
            "下一个条目(是否缺少 `}`?)".to_string(),
            "the next item (is a `}` missing?)".to_string(),
        )
    } else {
        match found_char {
            None => ("文件结尾".to_string(), "end of file".to_string()),
            Some('\n') | Some('\r') => ("换行".to_string(), "a line break".to_string()),
            Some(c) => (format!("`{c}`"), format!("`{c}`")),
        }
    };
    let end = pos + found_char.map_or(0, char::len_utf8);
    let mut zh: Vec<String> = Vec::new();
    let mut en: Vec<String> = Vec::new();
    let mut add = |z: String, e: String| {
        if !zh.contains(&z) {
            zh.push(z);
            en.push(e);
        }
    };
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        for rule in positives {
            if let Some((z, e)) = describe_rule(rule) {
                add(z.to_string(), e.to_string());
            }
        }
    }
    if let Some(attempts) = error.parse_attempts() {
        for token in attempts.expected_tokens() {
            // Only punctuation: keywords and character classes say less
            // than the rule names already collected.
            let token = token.to_string();
            if !token.is_empty()
                && token.chars().all(|c| c.is_ascii_punctuation())
                && !matches!(token.as_str(), "\"" | "-" | "_" | "//")
            {
                add(format!("`{token}`"), format!("`{token}`"));
            }
        }
    }
    let (expected_zh, expected_en) = if zh.is_empty() {
        ("合法的语法".to_string(), "valid syntax".to_string())
    } else {
        (zh.join("、"), en.join(", "))
    };
    Issue::new(IssueCode::Syntax, Span::new(offset + pos, offset + end))
        .text("expected", expected_zh, expected_en)
        .text("found", found_zh, found_en)
}

/// Offset just after the last character of code in `slice` (comments and
/// white space at the end skipped).
fn end_of_code(slice: &str) -> usize {
    let mut end = slice.len();
    for line in slice
        .split_inclusive('\n')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        end -= line.len();
        let code = line.split("//").next().unwrap_or_default().trim_end();
        if !code.trim().is_empty() {
            return end + code.len();
        }
    }
    slice.trim_end().len()
}

struct Walker {
    offset: usize,
    issues: Vec<Issue>,
}

impl Walker {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.offset + s.start(), self.offset + s.end())
    }

    /// Report a pair whose shape the grammar should have ruled out.
    fn shape(&mut self, span: Span) {
        self.issues.push(
            Issue::new(IssueCode::Syntax, span)
                .text("expected", "合法的语法", "valid syntax")
                .text("found", "无法识别的结构", "an unrecognised construct"),
        );
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            text: pair.as_str().into(),
            span: self.span(&pair),
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> StrLit {
        let span = self.span(&pair);
        let raw = pair.as_str();
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
        StrLit {
            value: self.unescape(inner, span.start + 1).as_str().into(),
            span,
        }
    }

    fn unescape(&mut self, inner: &str, base: usize) -> String {
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'u')) => {
                    let rest = inner.get(i + 2..).unwrap_or_default();
                    let parsed = rest
                        .strip_prefix('{')
                        .and_then(|r| r.split_once('}'))
                        .and_then(|(hex, _)| {
                            let code = u32::from_str_radix(hex, 16).ok()?;
                            Some((char::from_u32(code)?, hex.len() + 2))
                        });
                    match parsed {
                        Some((ch, consumed)) => {
                            out.push(ch);
                            for _ in 0..consumed {
                                chars.next();
                            }
                        }
                        None => self.bad_escape(base + i, 2),
                    }
                }
                Some((_, other)) => self.bad_escape(base + i, 1 + other.len_utf8()),
                None => self.bad_escape(base + i, 1),
            }
        }
        out
    }

    fn bad_escape(&mut self, at: usize, len: usize) {
        self.issues.push(
            Issue::new(IssueCode::Syntax, Span::new(at, at + len))
                .text(
                    "expected",
                    "转义 \\\" \\\\ \\n \\t \\u{XXXX}",
                    "an escape \\\" \\\\ \\n \\t \\u{XXXX}",
                )
                .text("found", "无效的转义", "an invalid escape"),
        );
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<Item> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::regions_item => {
                let mut parts = inner.into_inner();
                let keyword = self.ident(parts.next()?);
                let mut name = None;
                let mut title = None;
                let mut nodes = Vec::new();
                for part in parts {
                    match part.as_rule() {
                        Rule::ident => name = Some(self.ident(part)),
                        Rule::string => title = Some(self.string(part)),
                        Rule::region_list => nodes = self.region_list(part),
                        _ => self.shape(span),
                    }
                }
                Some(Item {
                    keyword,
                    name,
                    title,
                    body: ItemBody::Regions(nodes),
                    span,
                })
            }
            Rule::generic_item => {
                let mut parts = inner.into_inner();
                let keyword = self.ident(parts.next()?);
                let mut name = None;
                let mut title = None;
                let mut body = None;
                for part in parts {
                    match part.as_rule() {
                        Rule::ident => name = Some(self.ident(part)),
                        Rule::string => title = Some(self.string(part)),
                        Rule::block => body = Some(self.block(part)),
                        _ => self.shape(span),
                    }
                }
                let body = body?;
                Some(Item {
                    keyword,
                    name,
                    title,
                    body: ItemBody::Block(body),
                    span,
                })
            }
            _ => {
                self.shape(span);
                None
            }
        }
    }

    fn region_list(&mut self, pair: Pair<'_, Rule>) -> Vec<RegionNode> {
        let mut nodes = Vec::new();
        for node in pair.into_inner() {
            let span = self.span(&node);
            let mut parts = node.into_inner();
            let Some(name) = parts.next().map(|p| self.ident(p)) else {
                self.shape(span);
                continue;
            };
            let children = parts
                .next()
                .map(|list| self.region_list(list))
                .unwrap_or_default();
            nodes.push(RegionNode {
                name,
                children,
                span,
            });
        }
        nodes
    }

    fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let span = self.span(&pair);
        let mut entries = Vec::new();
        for entry in pair.into_inner() {
            let entry_span = self.span(&entry);
            match entry.into_inner().next() {
                Some(inner) => {
                    if let Some(e) = self.entry(inner) {
                        entries.push(e);
                    }
                }
                None => self.shape(entry_span),
            }
        }
        Block { entries, span }
    }

    fn entry(&mut self, pair: Pair<'_, Rule>) -> Option<Entry> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut parts = pair.into_inner();
        let entry = match rule {
            Rule::keyed => {
                let key_pair = parts.next()?.into_inner().next()?;
                let key = match key_pair.as_rule() {
                    Rule::ident => Key::Ident(self.ident(key_pair)),
                    _ => Key::Str(self.string(key_pair)),
                };
                let rest = parts.next()?;
                match (rest.as_rule(), key) {
                    (Rule::block, Key::Ident(name)) => Entry::Block(SubBlock {
                        name,
                        block: self.block(rest),
                        span,
                    }),
                    (Rule::block, Key::Str(lit)) => {
                        self.issues.push(
                            Issue::new(IssueCode::Syntax, lit.span)
                                .text("expected", "名称", "a name")
                                .text("found", "字符串", "a string"),
                        );
                        return None;
                    }
                    (_, key) => Entry::Field(Field {
                        key,
                        value: self.value(rest)?,
                        span,
                    }),
                }
            }
            Rule::factor => {
                let keyword = self.span(&parts.next()?);
                let name = self.ident(parts.next()?);
                let weight = self.value(parts.next()?)?;
                let block = parts.next().map(|b| self.block(b));
                Entry::Factor(Box::new(FactorEntry {
                    keyword,
                    name,
                    weight,
                    block,
                    span,
                }))
            }
            Rule::rates => {
                let keyword = self.span(&parts.next()?);
                let mut rows = Vec::new();
                for row in parts {
                    if let Some(row) = self.row(row) {
                        rows.push(row);
                    }
                }
                Entry::Rates(Rates {
                    keyword,
                    rows,
                    span,
                })
            }
            _ => {
                self.shape(span);
                return None;
            }
        };
        Some(entry)
    }

    fn row(&mut self, pair: Pair<'_, Rule>) -> Option<Row> {
        let span = self.span(&pair);
        let mut conditions = Vec::new();
        let mut output = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::condition => {
                    let cond_span = self.span(&part);
                    let mut inner = part.into_inner();
                    let key = self.ident(inner.next()?);
                    let value = self.value(inner.next()?)?;
                    conditions.push(Condition {
                        key,
                        value,
                        span: cond_span,
                    });
                }
                Rule::value => output = self.value(part),
                _ => self.shape(span),
            }
        }
        Some(Row {
            conditions,
            output: output?,
            span,
        })
    }

    fn value(&mut self, pair: Pair<'_, Rule>) -> Option<Value> {
        let span = self.span(&pair);
        let inner = if pair.as_rule() == Rule::value {
            pair.into_inner().next()?
        } else {
            pair
        };
        let kind = match inner.as_rule() {
            Rule::ident | Rule::bare_unit => ValueKind::Ident(inner.as_str().into()),
            Rule::string => ValueKind::Str(self.string(inner).value),
            Rule::list => {
                let mut values = Vec::new();
                for v in inner.into_inner() {
                    if let Some(v) = self.value(v) {
                        values.push(v);
                    }
                }
                ValueKind::List(values)
            }
            Rule::tagged => {
                let mut parts = inner.into_inner();
                let tag = self.ident(parts.next()?);
                let value = self.value(parts.next()?)?;
                ValueKind::Tagged(tag, Box::new(value))
            }
            Rule::scalar_or_range => {
                let mut start = None;
                let mut end = None;
                let mut inclusive = false;
                let mut seen_op = false;
                for part in inner.into_inner() {
                    match part.as_rule() {
                        Rule::range_op => {
                            seen_op = true;
                            inclusive = part.as_str() == "..=";
                        }
                        Rule::scalar => {
                            let scalar = self.scalar(part)?;
                            if seen_op {
                                end = Some(scalar);
                            } else {
                                start = Some(scalar);
                            }
                        }
                        _ => self.shape(span),
                    }
                }
                match (seen_op, start) {
                    (false, Some((scalar, _))) => ValueKind::Scalar(scalar),
                    _ => ValueKind::Range(Box::new(RangeValue {
                        start,
                        end,
                        inclusive,
                    })),
                }
            }
            _ => {
                self.shape(span);
                return None;
            }
        };
        Some(Value { kind, span })
    }

    fn scalar(&mut self, pair: Pair<'_, Rule>) -> Option<(Scalar, Span)> {
        let span = self.span(&pair);
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::date => {
                let mut parts = inner.as_str().split('-');
                let year = parts.next()?.parse().ok()?;
                let month = parts.next()?.parse().ok()?;
                let day = parts.next()?.parse().ok()?;
                Some((Scalar::Date(DateLit { year, month, day }), span))
            }
            Rule::quantity => {
                let mut parts = inner.into_inner();
                let number = parts.next()?;
                let digits: String = number.as_str().chars().filter(|&c| c != '_').collect();
                // Exact or not at all: a literal the decimal type would round
                // (more than 28 significant digits) is KJ1008, never a
                // silently different number.
                let value = match Decimal::from_str_exact(&digits) {
                    Ok(v) => v,
                    Err(_) => {
                        self.issues.push(
                            Issue::new(IssueCode::OutOfRange, span)
                                .plain("value", number.as_str())
                                .text(
                                    "range",
                                    "能精确表示的数值(最多 28 位有效数字,绝对值小于 7.9×10²⁸)",
                                    "a number held exactly (at most 28 significant digits, magnitude below 7.9e28)",
                                ),
                        );
                        return None;
                    }
                };
                let unit = match parts.next() {
                    Some(u) => Unit::from_text(u.as_str()).unwrap_or(Unit::Plain),
                    None => Unit::Plain,
                };
                Some((Scalar::Quantity(Quantity { value, unit }), span))
            }
            _ => {
                self.shape(span);
                None
            }
        }
    }
}

/// Is `text` exactly one identifier (what a name may be)?
pub fn is_ident(text: &str) -> bool {
    KoujingParser::parse(Rule::ident, text)
        .ok()
        .and_then(|mut pairs| pairs.next())
        .is_some_and(|pair| pair.as_str().len() == text.len())
}

#[cfg(test)]
mod item_table_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;
    use crate::kinds::ITEM_KEYWORDS;

    /// The quoted words of a rule of the pest grammar.
    fn words_of_rule(rule: &str) -> Vec<String> {
        let grammar = include_str!("koujing.pest");
        let start = grammar
            .find(&format!("\n{rule}"))
            .unwrap_or_else(|| panic!("no rule {rule}"));
        let body = &grammar[start..];
        let body = &body[..body.find('}').unwrap()];
        let mut words: Vec<String> = body
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        words.sort();
        words
    }

    #[test]
    fn pest_item_keywords_are_the_item_table() {
        let mut table: Vec<String> = ITEM_KEYWORDS.iter().map(|k| k.to_string()).collect();
        table.sort();
        assert_eq!(words_of_rule("item_kw"), table);
        for keyword in ITEM_KEYWORDS {
            let parsed = KoujingParser::parse(Rule::item_kw, keyword).unwrap();
            assert_eq!(parsed.as_str(), keyword);
            // Not a keyword when an identifier goes on.
            assert!(KoujingParser::parse(Rule::item_kw, &format!("{keyword}_x")).is_err());
        }
        assert!(KoujingParser::parse(Rule::item_kw, "campaigns").is_err());
        assert_eq!(words_of_rule("kw_regions"), ["regions"]);
    }

    #[test]
    fn pest_tags_are_the_benefit_tags_and_with() {
        use crate::ast::{BenefitTag, StackingWord};
        let mut tags: Vec<String> = BenefitTag::ALL.map(|t| t.as_str().to_string()).to_vec();
        tags.push(StackingWord::With.as_str().to_string());
        tags.sort();
        assert_eq!(words_of_rule("tag_kw"), tags);
    }
}
