//! `koujing fmt`: one canonical layout, comments kept, meaning unchanged.
//!
//! The layout: two-space indentation; an item or block whose body is only
//! plain fields and fits in [`WIDTH`] characters stays on one line
//! (`{ a: b; c: d }`), otherwise one field per line; `=>` aligned in `rates`;
//! ASCII punctuation everywhere outside strings. Own-line comments stay
//! before the item or field they preceded; a comment at the end of a line
//! stays at the end of that line.
//!
//! [`format`] refuses a file with a syntax error, and checks its own output:
//! the output must parse without errors to the same tree (compared
//! structurally: tree equality ignores spans), or it is refused rather
//! than written. Work is linear in the file: line numbers and comment
//! look-ups are binary searches.

use unicode_width::UnicodeWidthStr;

use crate::issue::IssueCode;
use crate::parse::parse;
use crate::prescan::Comment;
use crate::tree::*;

/// Width at which a one-line item is broken into lines.
pub const WIDTH: usize = 100;

/// A block inside an item (`audience`, `faq`, `grades`, a factor's) stays on
/// one line only with this many fields or fewer.
pub const MAX_INLINE_NESTED: usize = 3;

/// Why a file was not formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The file has syntax errors (KJ0001, KJ0002, KJ0004, KJ0005).
    Syntax,
    /// The formatter's output would not mean the same: a bug, never written.
    Unstable(String),
}

fn blocking(code: IssueCode) -> bool {
    matches!(
        code,
        IssueCode::Syntax
            | IssueCode::TypographicQuote
            | IssueCode::Unterminated
            | IssueCode::Limit
    )
}

/// Format a file's text.
pub fn format(source: &str) -> Result<String, FormatError> {
    let parsed = parse(source);
    if parsed.issues.iter().any(|i| blocking(i.code)) {
        return Err(FormatError::Syntax);
    }
    let output = Printer::new(source, &parsed.file.comments).file(&parsed.file);
    let again = parse(&output);
    if again.issues.iter().any(|i| blocking(i.code)) {
        return Err(FormatError::Unstable("the output does not parse".into()));
    }
    // Tree equality ignores spans: the same items, fields and values.
    if again.file.items != parsed.file.items {
        return Err(FormatError::Unstable(
            "the output means something else".into(),
        ));
    }
    if again.file.comments.len() != parsed.file.comments.len() {
        return Err(FormatError::Unstable("a comment would be lost".into()));
    }
    Ok(output)
}

struct Printer<'a> {
    /// Byte offsets of every `\n` in the source, ascending.
    newlines: Vec<usize>,
    /// In source order.
    comments: &'a [Comment],
    /// Next comment not yet written.
    next: usize,
    out: String,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn scalar(s: &Scalar) -> String {
    match s {
        Scalar::Date(d) => format!("{:04}-{:02}-{:02}", d.year, d.month, d.day),
        Scalar::Quantity(q) => match q.unit {
            Unit::Plain => q.value.to_string(),
            Unit::Percent => format!("{}%", q.value),
            unit => format!("{} {}", q.value, unit.as_str()),
        },
    }
}

fn value(v: &Value) -> String {
    match &v.kind {
        ValueKind::Ident(t) => t.to_string(),
        ValueKind::Str(s) => escape(s),
        ValueKind::Scalar(s) => scalar(s),
        ValueKind::Range(r) => {
            let op = if r.inclusive { "..=" } else { ".." };
            match (&r.start, &r.end) {
                (Some((a, _)), Some((b, _))) => format!("{} {op} {}", scalar(a), scalar(b)),
                (Some((a, _)), None) => format!("{} {op}", scalar(a)),
                (None, Some((b, _))) => format!("{op} {}", scalar(b)),
                (None, None) => op.to_string(),
            }
        }
        ValueKind::List(items) => format!(
            "[{}]",
            items.iter().map(value).collect::<Vec<_>>().join(", ")
        ),
        ValueKind::Tagged(tag, inner) => format!("{} {}", tag.text, value(inner)),
    }
}

fn key(k: &Key) -> String {
    match k {
        Key::Ident(i) => i.text.to_string(),
        Key::Str(s) => escape(&s.value),
    }
}

fn field(f: &Field) -> String {
    format!("{}: {}", key(&f.key), value(&f.value))
}

fn row(r: &Row) -> (String, String) {
    let conditions: Vec<String> = r
        .conditions
        .iter()
        .map(|c| format!("{} {}", c.key.text, value(&c.value)))
        .collect();
    (conditions.join(", "), value(&r.output))
}

fn region(node: &RegionNode) -> String {
    if node.children.is_empty() {
        node.name.text.to_string()
    } else {
        format!(
            "{} {{ {} }}",
            node.name.text,
            node.children
                .iter()
                .map(region)
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl<'a> Printer<'a> {
    fn new(source: &'a str, comments: &'a [Comment]) -> Self {
        Printer {
            newlines: source.match_indices('\n').map(|(i, _)| i).collect(),
            comments,
            next: 0,
            out: String::with_capacity(source.len() + 64),
        }
    }

    /// The 0-based line of a byte offset: the newlines before it.
    fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset)
    }

    /// Are there comments inside `[start, end)`?
    fn comments_within(&self, start: usize, end: usize) -> bool {
        let first = self.comments.partition_point(|c| c.span.start < start);
        self.comments.get(first).is_some_and(|c| c.span.start < end)
    }

    /// Write the comments that start before `offset` on their own lines.
    fn leading(&mut self, offset: usize, indent: usize) {
        while let Some(c) = self
            .comments
            .get(self.next)
            .filter(|c| c.span.start < offset)
        {
            self.out.push_str(&"  ".repeat(indent));
            self.out.push_str("//");
            self.out.push_str(c.text.trim_end());
            self.out.push('\n');
            self.next += 1;
        }
    }

    /// After a node ending at `end`: the comments on the same source line
    /// (and any before `limit`) go at the end of the line just written.
    fn trailing(&mut self, end: usize, limit: usize) {
        let line = self.line_of(end);
        let mut parts = Vec::new();
        while let Some(c) = self
            .comments
            .get(self.next)
            .filter(|c| c.span.start < limit && self.line_of(c.span.start) <= line)
        {
            parts.push(format!("//{}", c.text.trim_end()));
            self.next += 1;
        }
        // The first at the end of the line; any more each on its own line
        // below, at the line's indentation (two on one line would be one).
        let indent: String = self
            .out
            .rsplit('\n')
            .next()
            .unwrap_or_default()
            .chars()
            .take_while(|c| *c == ' ')
            .collect();
        for (n, part) in parts.iter().enumerate() {
            if n == 0 {
                self.out.push_str("  ");
            } else {
                self.out.push('\n');
                self.out.push_str(&indent);
            }
            self.out.push_str(part);
        }
        self.out.push('\n');
    }

    fn file(mut self, file: &SyntaxFile) -> String {
        for (n, item) in file.items.iter().enumerate() {
            if n > 0 {
                self.out.push('\n');
            }
            self.leading(item.span.start, 0);
            self.item(item);
            let limit = file
                .items
                .get(n + 1)
                .map_or(usize::MAX, |next| next.span.start);
            self.trailing(item.span.end, limit);
        }
        if self.next < self.comments.len() {
            if !file.items.is_empty() {
                self.out.push('\n');
            }
            self.leading(usize::MAX, 0);
        }
        self.out
    }

    fn head(item: &Item) -> String {
        let mut head = item.keyword.text.to_string();
        if let Some(name) = &item.name {
            head.push(' ');
            head.push_str(&name.text);
        }
        if let Some(title) = &item.title {
            head.push(' ');
            head.push_str(&escape(&title.value));
        }
        head
    }

    fn item(&mut self, item: &Item) {
        let head = Self::head(item);
        match &item.body {
            ItemBody::Regions(nodes) => {
                self.out.push_str(&head);
                self.out.push_str(" {\n");
                for (n, node) in nodes.iter().enumerate() {
                    // Comments up to the next region (or the closing brace)
                    // on the node's last line stay at the end of its line.
                    let limit = nodes
                        .get(n + 1)
                        .map_or(item.span.end.saturating_sub(1), |next| next.span.start);
                    self.leading(node.span.start, 1);
                    let text = region(node);
                    if text.width() + 2 <= WIDTH
                        || node.children.iter().all(|c| c.children.is_empty())
                    {
                        self.out.push_str("  ");
                        self.out.push_str(&text);
                        self.trailing(node.span.end, limit);
                    } else {
                        self.region_block(node, 1, limit);
                    }
                }
                self.leading(item.span.end, 1);
                self.out.push('}');
            }
            ItemBody::Block(block) => {
                self.out.push_str(&head);
                self.out.push(' ');
                self.block(block, 0, head.width() + 1);
            }
        }
    }

    fn region_block(&mut self, node: &RegionNode, indent: usize, limit: usize) {
        let pad = "  ".repeat(indent);
        self.out.push_str(&format!("{pad}{} {{\n", node.name.text));
        for (n, child) in node.children.iter().enumerate() {
            let child_limit = node
                .children
                .get(n + 1)
                .map_or(node.span.end.saturating_sub(1), |next| next.span.start);
            self.leading(child.span.start, indent + 1);
            self.out.push_str(&format!("{pad}  {}", region(child)));
            self.trailing(child.span.end, child_limit);
        }
        self.leading(node.span.end, indent + 1);
        self.out.push_str(&format!("{pad}}}"));
        self.trailing(node.span.end, limit);
    }

    /// One line `{ a: b; c: d }` when the block has only fields (at most
    /// [`MAX_INLINE_NESTED`] in a nested block), no comments inside, and fits.
    fn one_line(&self, block: &Block, used: usize, nested: bool) -> Option<String> {
        if self.comments_within(block.span.start, block.span.end)
            || (nested && block.entries.len() > MAX_INLINE_NESTED)
        {
            return None;
        }
        let mut parts = Vec::new();
        for entry in &block.entries {
            match entry {
                Entry::Field(f) => parts.push(field(f)),
                _ => return None,
            }
        }
        let text = if parts.is_empty() {
            "{ }".to_string()
        } else {
            format!("{{ {} }}", parts.join("; "))
        };
        (used + text.width() <= WIDTH).then_some(text)
    }

    /// Write `{ … }` (after text of width `used` on the current line).
    fn block(&mut self, block: &Block, indent: usize, used: usize) {
        if let Some(text) = self.one_line(block, used, indent > 0) {
            self.out.push_str(&text);
            return;
        }
        self.out.push_str("{\n");
        let pad = "  ".repeat(indent + 1);
        for (n, entry) in block.entries.iter().enumerate() {
            self.leading(entry.span().start, indent + 1);
            self.out.push_str(&pad);
            let limit = block
                .entries
                .get(n + 1)
                .map_or(block.span.end.saturating_sub(1), |e| e.span().start);
            match entry {
                Entry::Field(f) => {
                    self.out.push_str(&field(f));
                    self.trailing(f.span.end, limit);
                }
                Entry::Block(b) => {
                    self.out.push_str(&b.name.text);
                    self.out.push(' ');
                    self.block(&b.block, indent + 1, pad.len() + b.name.text.width() + 1);
                    self.trailing(b.span.end, limit);
                }
                Entry::Factor(f) => {
                    let head = format!("factor {} {}", f.name.text, value(&f.weight));
                    self.out.push_str(&head);
                    if let Some(b) = &f.block {
                        self.out.push(' ');
                        self.block(b, indent + 1, pad.len() + head.width() + 1);
                    }
                    self.trailing(f.span.end, limit);
                }
                Entry::Rates(r) => {
                    self.out.push_str("rates {\n");
                    let rows: Vec<(String, String)> = r.rows.iter().map(row).collect();
                    let width = rows.iter().map(|(c, _)| c.width()).max().unwrap_or(0);
                    for (i, (conditions, output)) in rows.iter().enumerate() {
                        let Some(source_row) = r.rows.get(i) else {
                            continue;
                        };
                        self.leading(source_row.span.start, indent + 2);
                        self.out.push_str(&"  ".repeat(indent + 2));
                        if conditions.is_empty() {
                            self.out.push_str(&format!(
                                "{}=> {output}",
                                " ".repeat(width.saturating_sub(0) + usize::from(width > 0))
                            ));
                        } else {
                            let gap = width - conditions.width() + 1;
                            self.out
                                .push_str(&format!("{conditions}{}=> {output}", " ".repeat(gap)));
                        }
                        let row_limit = r
                            .rows
                            .get(i + 1)
                            .map_or(r.span.end.saturating_sub(1), |next| next.span.start);
                        self.trailing(source_row.span.end, row_limit);
                    }
                    self.leading(r.span.end.saturating_sub(1), indent + 2);
                    self.out.push_str(&pad);
                    self.out.push('}');
                    self.trailing(r.span.end, limit);
                }
            }
        }
        self.leading(block.span.end.saturating_sub(1), indent + 1);
        self.out.push_str(&"  ".repeat(indent));
        self.out.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_keeps_comments() {
        let source = "// 头\nchannel  甲 {type：owned；handles:[plan,data]} // 尾\nproduct 乙 { kind: data\n  // 价格\n  price: 10 元/月 }\n";
        let formatted = format(source).unwrap();
        assert_eq!(
            formatted,
            "// 头\nchannel 甲 { type: owned; handles: [plan, data] }  // 尾\n\nproduct 乙 {\n  kind: data\n  // 价格\n  price: 10 元/月\n}\n"
        );
        assert_eq!(format(&formatted).unwrap(), formatted);
    }

    #[test]
    fn aligns_rates() {
        let source = "commission 甲 { kind: first_return\n rates {\n  product 全球通100元卡 => 40 元\n  product 卡, grade [五星] => 18 元\n} }\n";
        let formatted = format(source).unwrap();
        assert!(
            formatted.contains(
                "    product 全球通100元卡    => 40 元\n    product 卡, grade [五星] => 18 元\n"
            ),
            "{formatted}"
        );
        assert_eq!(format(&formatted).unwrap(), formatted);
    }

    #[test]
    fn refuses_syntax_errors() {
        assert_eq!(format("channel 甲 { type: }"), Err(FormatError::Syntax));
    }
}

#[cfg(test)]
mod regressions {
    use super::format;

    /// Found by `cargo fuzz run fmt`: a comment inside a region list moved
    /// to the end of the line on the first pass and to its own line on the
    /// second.
    #[test]
    fn comment_inside_a_region_list_is_stable() {
        let source =
            "regions 江西 {\n  抚州 { 临川区, 南// 注释 : 南昌\n  wind元\n , 南昌县 }\n}\n";
        let once = format(source).unwrap();
        assert_eq!(format(&once).unwrap(), once);
        assert!(once.contains("// 注释"));
    }

    #[test]
    fn comment_between_regions_and_nested_regions_is_stable() {
        let source = "regions 全国 {\n  华东 {\n    江西 { 抚州, 南昌 } // 行尾\n    // 独占一行\n    浙江 { 杭州 { 西湖区, 上城区, 拱墅区, 滨江区, 萧山区, 余杭区, 临平区, 钱塘区, 富阳区, 临安区, 桐庐县, 淳安县 } }\n  }\n}\n";
        let once = format(source).unwrap();
        assert_eq!(format(&once).unwrap(), once, "{once}");
    }
}

#[cfg(test)]
mod carriage_returns {
    use super::format;

    /// Found by `cargo fuzz run fmt`: two comments at the end of one line
    /// became one comment.
    #[test]
    fn two_comments_on_one_line_stay_two() {
        let source = "regions 江西 {\n  抚州 { 临川区, 南// 一\n //二\n , 南昌县 }\n}\n";
        let once = format(source).unwrap();
        assert_eq!(format(&once).unwrap(), once);
        assert_eq!(crate::parse_file(&once).syntax.comments.len(), 2, "{once}");
    }

    /// Found by `cargo fuzz run fmt`: a lone "\r" ended a comment for pest
    /// but not for the pre-scan, so text after it was both comment and code.
    #[test]
    fn a_lone_carriage_return_inside_a_comment_is_comment_text() {
        let source = "mix 甲 { first_return: 30%; revenue_share: 70% }\n// 注释\r\r limits { max_concurrent: 0 }\nterm 乙 { plain: \"一\r二\" }\n";
        let once = format(source).unwrap();
        assert_eq!(format(&once).unwrap(), once);
        assert!(
            once.contains("limits { max_concurrent: 0 }"),
            "still inside the comment"
        );
        let parsed = crate::parse_file(source);
        assert_eq!(parsed.module.items.len(), 2, "the limits are comment text");
    }
}
