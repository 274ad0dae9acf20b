//! A hand-written fast path in front of the pest grammar.
//!
//! `koujing.pest` stays the grammar of record: this module reads a chunk the
//! way the pest parser does, rule by rule (including where pest's implicit
//! white-space skipping puts the end of a span), and builds the same
//! [`crate::tree`] nodes directly from the bytes, without pest's pairs,
//! call tracking and backtracking. Anything it is not sure of — a syntax
//! error, an escape other than `\" \\ \n \t`, a letter outside ASCII and the
//! CJK block (pest's Unicode identifier tables decide those), a number too
//! large, a keyword followed by something unexpected — makes it give up, and
//! the chunk goes through pest as before: errors and their messages always
//! come from pest. `tests/fast_path.rs` checks the two agree, spans
//! included, on every shipped file, generated workspaces and random edits
//! of them.
//!
//! Keep [`UNITS`] in step with the grammar's `unit` rule: a unit missing
//! here only sends its chunks to pest (slower, same result).

use rust_decimal::Decimal;

use crate::span::Span;
use crate::tree::*;

/// The fast path cannot read this chunk: use pest.
struct GiveUp;

type R<T> = Result<T, GiveUp>;

/// The grammar's `unit` alternatives, in its order: (text, needs a
/// non-identifier character after it).
const UNITS: [(&str, bool); 21] = [
    ("元/月", false),
    ("元/年", false),
    ("元", false),
    ("%", false),
    ("天", false),
    ("周", false),
    ("个月", false),
    ("年", false),
    ("分钟", false),
    ("户", false),
    ("笔", false),
    ("张", false),
    ("个", false),
    ("次", false),
    ("人", false),
    ("CNY", true),
    ("days", true),
    ("weeks", true),
    ("months", true),
    ("GB", true),
    ("MB", true),
];

const TAG_KEYWORDS: [&str; 6] = ["discount", "price", "gift", "bonus", "points", "with"];

/// The items of one chunk (`slice` starts at byte `offset` of the file),
/// or `None` when pest must read it.
pub(crate) fn chunk(slice: &str, offset: usize) -> Option<Vec<Item>> {
    let mut reader = Reader {
        text: slice,
        bytes: slice.as_bytes(),
        pos: 0,
        offset,
        depth: 0,
    };
    reader.chunk().ok()
}

struct Reader<'s> {
    text: &'s str,
    bytes: &'s [u8],
    pos: usize,
    offset: usize,
    /// Nested blocks, lists and tagged values; deeper than [`MAX_DEPTH`] is
    /// left to pest and its stack guard.
    depth: usize,
}

const MAX_DEPTH: usize = 48;

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.offset + start, self.offset + self.pos)
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|t| t.chars().next())
    }

    /// pest's implicit `(WHITESPACE | COMMENT)*`.
    fn skip(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    self.pos = self
                        .rest()
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(self.bytes.len(), |n| self.pos + n);
                }
                _ => return,
            }
        }
    }

    /// `NEWLINE`: `\n`, `\r\n` or `\r`.
    fn newline(&mut self) -> bool {
        match self.peek() {
            Some(b'\n') => {
                self.pos += 1;
                true
            }
            Some(b'\r') => {
                self.pos += if self.bytes.get(self.pos + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                true
            }
            _ => false,
        }
    }

    fn literal(&mut self, text: &str) -> bool {
        if self.rest().starts_with(text.as_bytes()) {
            self.pos += text.len();
            true
        } else {
            false
        }
    }

    /// `ident_continue` at `at`; outside ASCII and CJK only pest knows.
    fn ident_continue(&self, at: usize) -> R<bool> {
        match self.bytes.get(at) {
            None => Ok(false),
            Some(&b) if b.is_ascii() => Ok(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'),
            Some(_) => match self.char_at(at) {
                Some(c) if is_cjk(c) => Ok(true),
                _ => Err(GiveUp),
            },
        }
    }

    fn ident_start(&self, at: usize) -> R<bool> {
        match self.bytes.get(at) {
            None => Ok(false),
            Some(&b) if b.is_ascii() => Ok(b.is_ascii_alphabetic() || b == b'_'),
            Some(_) => match self.char_at(at) {
                Some(c) if is_cjk(c) => Ok(true),
                _ => Err(GiveUp),
            },
        }
    }

    fn advance_char(&mut self) {
        self.pos += self.char_at(self.pos).map_or(1, char::len_utf8);
    }

    /// `ident = @{ ident_start ~ ident_continue* }`.
    fn ident(&mut self) -> R<Option<Ident>> {
        let start = self.pos;
        if !self.ident_start(start)? {
            return Ok(None);
        }
        self.advance_char();
        while self.ident_continue(self.pos)? {
            self.advance_char();
        }
        Ok(Some(Ident {
            text: self.text.get(start..self.pos).ok_or(GiveUp)?.to_string(),
            span: self.span(start),
        }))
    }

    /// One of `words` followed by a non-identifier character.
    fn keyword(&mut self, words: &[&str]) -> R<Option<Ident>> {
        let start = self.pos;
        let Some(word) = words.iter().find(|w| self.rest().starts_with(w.as_bytes())) else {
            return Ok(None);
        };
        if self.ident_continue(start + word.len())? {
            return Ok(None);
        }
        self.pos += word.len();
        Ok(Some(Ident {
            text: (*word).to_string(),
            span: self.span(start),
        }))
    }

    /// `string`, escapes resolved (only `\" \\ \n \t`).
    fn string(&mut self) -> R<Option<StrLit>> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return Ok(None);
        }
        let mut value = String::new();
        let mut from = start + 1;
        let mut at = from;
        loop {
            match self.bytes.get(at) {
                Some(b'"') => break,
                Some(b'\\') => {
                    value.push_str(self.text.get(from..at).ok_or(GiveUp)?);
                    value.push(match self.bytes.get(at + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'n') => '\n',
                        Some(b't') => '\t',
                        _ => return Err(GiveUp),
                    });
                    at += 2;
                    from = at;
                }
                Some(b'\n') | None => return Err(GiveUp),
                Some(_) => at += 1,
            }
        }
        value.push_str(self.text.get(from..at).ok_or(GiveUp)?);
        self.pos = at + 1;
        Ok(Some(StrLit {
            value,
            span: self.span(start),
        }))
    }

    fn digits(&mut self) -> usize {
        let n = self
            .rest()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        self.pos += n;
        n
    }

    /// `date = @{ DIGIT{4} - DIGIT{2} - DIGIT{2} !DIGIT }`.
    fn date(&mut self) -> Option<DateLit> {
        let r = self.rest();
        let d = |i: usize| r.get(i).is_some_and(u8::is_ascii_digit);
        let shape = (0..4).all(d)
            && r.get(4) == Some(&b'-')
            && d(5)
            && d(6)
            && r.get(7) == Some(&b'-')
            && d(8)
            && d(9)
            && !d(10);
        if !shape {
            return None;
        }
        let num = |a: usize, b: usize| {
            r.get(a..b)
                .unwrap_or_default()
                .iter()
                .fold(0u32, |n, c| n * 10 + u32::from(c - b'0'))
        };
        let date = DateLit {
            year: i32::try_from(num(0, 4)).ok()?,
            month: num(5, 7),
            day: num(8, 10),
        };
        self.pos += 10;
        Some(date)
    }

    /// `number = @{ "-"? ~ DIGIT ~ (DIGIT | "_")* ~ ("." ~ DIGIT+)? }`.
    fn number(&mut self) -> R<Option<Decimal>> {
        let start = self.pos;
        let minus = usize::from(self.peek() == Some(b'-'));
        if !self
            .bytes
            .get(start + minus)
            .is_some_and(u8::is_ascii_digit)
        {
            return Ok(None);
        }
        self.pos += minus;
        let mut underscore = false;
        while let Some(b) = self.peek() {
            if b.is_ascii_digit() {
                self.pos += 1;
            } else if b == b'_' {
                underscore = true;
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.peek() == Some(b'.') && self.bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit)
        {
            self.pos += 1;
            self.digits();
        }
        let text = self.text.get(start..self.pos).ok_or(GiveUp)?;
        let value = if underscore {
            Decimal::from_str_exact(&text.replace('_', ""))
        } else {
            Decimal::from_str_exact(text)
        };
        // Out of range or not exact: pest's walker reports it (KJ1008).
        value.map(Some).map_err(|_| GiveUp)
    }

    fn unit(&mut self) -> R<Option<Unit>> {
        for (text, word) in UNITS {
            if self.rest().starts_with(text.as_bytes()) {
                if word && self.ident_continue(self.pos + text.len())? {
                    // pest's choice ends here: the sequence fails.
                    return Ok(None);
                }
                self.pos += text.len();
                return Ok(Some(Unit::from_text(text).unwrap_or(Unit::Plain)));
            }
        }
        Ok(None)
    }

    /// `scalar = { date | quantity }`, `quantity = { number ~ unit? }`.
    fn scalar(&mut self) -> R<Option<(Scalar, Span)>> {
        let start = self.pos;
        if let Some(date) = self.date() {
            return Ok(Some((Scalar::Date(date), self.span(start))));
        }
        let Some(value) = self.number()? else {
            return Ok(None);
        };
        self.skip();
        let unit = self.unit()?.unwrap_or(Unit::Plain);
        Ok(Some((
            Scalar::Quantity(Quantity { value, unit }),
            self.span(start),
        )))
    }

    /// `range_op = { "..=" | ".." }`: is it inclusive?
    fn range_op(&mut self) -> Option<bool> {
        if self.literal("..=") {
            Some(true)
        } else if self.literal("..") {
            Some(false)
        } else {
            None
        }
    }

    /// `scalar_or_range = { scalar ~ (range_op ~ scalar?)? | range_op ~ scalar }`.
    fn scalar_or_range(&mut self) -> R<Option<ValueKind>> {
        if let Some(first) = self.scalar()? {
            self.skip();
            let Some(inclusive) = self.range_op() else {
                return Ok(Some(ValueKind::Scalar(first.0)));
            };
            self.skip();
            let end = self.scalar()?;
            return Ok(Some(ValueKind::Range(RangeValue {
                start: Some(first),
                end,
                inclusive,
            })));
        }
        let Some(inclusive) = self.range_op() else {
            return Ok(None);
        };
        self.skip();
        let end = self.scalar()?.ok_or(GiveUp)?;
        Ok(Some(ValueKind::Range(RangeValue {
            start: None,
            end: Some(end),
            inclusive,
        })))
    }

    /// `value = { list | string | tagged | scalar_or_range | ident }`.
    fn value(&mut self) -> R<Option<Value>> {
        self.depth += 1;
        let value = self.value_inner();
        self.depth -= 1;
        value
    }

    fn value_inner(&mut self) -> R<Option<Value>> {
        if self.depth > MAX_DEPTH {
            return Err(GiveUp);
        }
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'[') => ValueKind::List(self.list()?),
            Some(b'"') => ValueKind::Str(self.string()?.ok_or(GiveUp)?.value),
            _ => {
                if let Some(tag) = self.keyword(&TAG_KEYWORDS)? {
                    self.skip();
                    // `with` alone is a name: pest backtracks; so do we, to pest.
                    let inner = self.value()?.ok_or(GiveUp)?;
                    ValueKind::Tagged(tag, Box::new(inner))
                } else if let Some(kind) = self.scalar_or_range()? {
                    kind
                } else if let Some(ident) = self.ident()? {
                    ValueKind::Ident(ident.text)
                } else {
                    return Ok(None);
                }
            }
        };
        Ok(Some(Value {
            kind,
            span: self.span(start),
        }))
    }

    fn skip_lines(&mut self) {
        loop {
            self.skip();
            if !self.newline() {
                return;
            }
        }
    }

    /// `[ v, v, … ]`, line breaks free, a trailing comma allowed.
    fn list(&mut self) -> R<Vec<Value>> {
        self.pos += 1;
        self.skip_lines();
        let mut values = Vec::new();
        if self.peek() != Some(b']') {
            values.push(self.value()?.ok_or(GiveUp)?);
            loop {
                self.skip_lines();
                if self.peek() != Some(b',') {
                    break;
                }
                self.pos += 1;
                self.skip_lines();
                if self.peek() == Some(b']') {
                    break;
                }
                values.push(self.value()?.ok_or(GiveUp)?);
            }
        }
        self.skip_lines();
        if !self.literal("]") {
            return Err(GiveUp);
        }
        Ok(values)
    }

    /// `sep*` with white space: `;` and line breaks.
    fn seps(&mut self) -> bool {
        let mut any = false;
        loop {
            self.skip();
            if self.newline() || self.literal(";") {
                any = true;
            } else {
                return any;
            }
        }
    }

    /// `block = { "{" ~ sep* ~ (entry ~ (sep+ ~ entry)* ~ sep*)? ~ "}" }`.
    fn block(&mut self) -> R<Block> {
        self.depth += 1;
        let block = self.block_inner();
        self.depth -= 1;
        block
    }

    fn block_inner(&mut self) -> R<Block> {
        if self.depth > MAX_DEPTH {
            return Err(GiveUp);
        }
        let start = self.pos;
        if !self.literal("{") {
            return Err(GiveUp);
        }
        self.seps();
        let mut entries = Vec::new();
        if self.peek() != Some(b'}') {
            entries.push(self.entry()?);
            loop {
                let separated = self.seps();
                if self.peek() == Some(b'}') {
                    break;
                }
                if !separated {
                    return Err(GiveUp);
                }
                entries.push(self.entry()?);
            }
        }
        if !self.literal("}") {
            return Err(GiveUp);
        }
        Ok(Block {
            entries,
            span: self.span(start),
        })
    }

    /// `entry = { factor | rates | keyed }`.
    fn entry(&mut self) -> R<Entry> {
        let start = self.pos;
        if let Some(keyword) = self.keyword(&["factor"])? {
            self.skip();
            let name = self.ident()?.ok_or(GiveUp)?;
            self.skip();
            let weight = self.value()?.ok_or(GiveUp)?;
            self.skip();
            let block = if self.peek() == Some(b'{') {
                Some(self.block()?)
            } else {
                None
            };
            return Ok(Entry::Factor(FactorEntry {
                keyword: keyword.span,
                name,
                weight,
                block,
                span: self.span(start),
            }));
        }
        if let Some(keyword) = self.keyword(&["rates"])? {
            self.skip();
            return self.rates(start, keyword.span);
        }
        // keyed = { key ~ (":" ~ value | block) }
        let key = match self.ident()? {
            Some(ident) => Key::Ident(ident),
            None => Key::Str(self.string()?.ok_or(GiveUp)?),
        };
        self.skip();
        if self.literal(":") {
            self.skip();
            let value = self.value()?.ok_or(GiveUp)?;
            return Ok(Entry::Field(Field {
                key,
                value,
                span: self.span(start),
            }));
        }
        let Key::Ident(name) = key else {
            return Err(GiveUp);
        };
        let block = self.block()?;
        Ok(Entry::Block(SubBlock {
            name,
            block,
            span: self.span(start),
        }))
    }

    fn rates(&mut self, start: usize, keyword: Span) -> R<Entry> {
        if !self.literal("{") {
            return Err(GiveUp);
        }
        self.seps();
        let mut rows = Vec::new();
        if self.peek() != Some(b'}') {
            rows.push(self.row()?);
            loop {
                let separated = self.seps();
                if self.peek() == Some(b'}') {
                    break;
                }
                if !separated {
                    return Err(GiveUp);
                }
                rows.push(self.row()?);
            }
        }
        if !self.literal("}") {
            return Err(GiveUp);
        }
        Ok(Entry::Rates(Rates {
            keyword,
            rows,
            span: self.span(start),
        }))
    }

    /// `row = { (condition ~ ("," ~ condition)*)? ~ "=>" ~ value }`.
    fn row(&mut self) -> R<Row> {
        let start = self.pos;
        let mut conditions = Vec::new();
        if !self.rest().starts_with(b"=>") {
            loop {
                let at = self.pos;
                let key = self.ident()?.ok_or(GiveUp)?;
                self.skip();
                let value = self.value()?.ok_or(GiveUp)?;
                conditions.push(Condition {
                    key,
                    value,
                    span: self.span(at),
                });
                self.skip();
                if !self.literal(",") {
                    break;
                }
                self.skip();
            }
        }
        if !self.literal("=>") {
            return Err(GiveUp);
        }
        self.skip();
        let output = self.value()?.ok_or(GiveUp)?;
        Ok(Row {
            conditions,
            output,
            span: self.span(start),
        })
    }

    /// `rsep*` with white space: `,`, `;` and line breaks.
    fn region_seps(&mut self) {
        loop {
            self.skip();
            if !(self.newline() || self.literal(",") || self.literal(";")) {
                return;
            }
        }
    }

    /// `region_list = { rsep* ~ (region_node ~ (rsep* ~ region_node)* ~ rsep*)? }`.
    fn region_list(&mut self) -> R<Vec<RegionNode>> {
        let mut nodes = Vec::new();
        loop {
            self.region_seps();
            if !self.ident_start(self.pos)? {
                return Ok(nodes);
            }
            nodes.push(self.region_node()?);
        }
    }

    /// `region_node = { ident ~ ("{" ~ region_list ~ "}")? }`.
    fn region_node(&mut self) -> R<RegionNode> {
        let start = self.pos;
        let name = self.ident()?.ok_or(GiveUp)?;
        self.skip();
        let mut children = Vec::new();
        if self.literal("{") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(GiveUp);
            }
            self.skip();
            children = self.region_list()?;
            self.depth -= 1;
            self.skip();
            if !self.literal("}") {
                return Err(GiveUp);
            }
        }
        Ok(RegionNode {
            name,
            children,
            span: self.span(start),
        })
    }

    /// `item = { regions_item | generic_item }`.
    fn item(&mut self) -> R<Item> {
        let start = self.pos;
        if let Some(keyword) = self.keyword(&["regions"])? {
            self.skip();
            let name = self.ident()?.ok_or(GiveUp)?;
            self.skip();
            let title = self.string()?;
            self.skip();
            if !self.literal("{") {
                return Err(GiveUp);
            }
            self.skip();
            let nodes = self.region_list()?;
            self.skip();
            if !self.literal("}") {
                return Err(GiveUp);
            }
            return Ok(Item {
                keyword,
                name: Some(name),
                title,
                body: ItemBody::Regions(nodes),
                span: self.span(start),
            });
        }
        let keyword = self
            .keyword(&crate::prescan::ITEM_KEYWORDS)?
            .ok_or(GiveUp)?;
        self.skip();
        let name = self.ident()?;
        self.skip();
        let title = self.string()?;
        self.skip();
        let body = self.block()?;
        Ok(Item {
            keyword,
            name,
            title,
            body: ItemBody::Block(body),
            span: self.span(start),
        })
    }

    /// `chunk = { SOI ~ NEWLINE* ~ (item ~ (NEWLINE | ";")*)* ~ EOI }`.
    fn chunk(&mut self) -> R<Vec<Item>> {
        self.skip_lines();
        let mut items = Vec::new();
        while self.pos < self.bytes.len() {
            items.push(self.item()?);
            self.seps();
        }
        Ok(items)
    }
}
