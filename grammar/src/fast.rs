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

/// The grammar's `tag_kw` alternatives (a `match`, not a search: this
/// runs on every name read as a value).
fn is_tag_keyword(word: &str) -> bool {
    matches!(
        word,
        "discount" | "price" | "gift" | "bonus" | "points" | "with"
    )
}

/// The fast path's reusable buffers, kept across the chunks of a file: the
/// nodes of a list, block, table or region tree being read are stacked here
/// and moved into a vector of exactly their number when it closes, instead
/// of growing a vector per node.
#[derive(Default)]
pub(crate) struct Fast {
    entries: Vec<Entry>,
    values: Vec<Value>,
    rows: Vec<Row>,
    conditions: Vec<Condition>,
    nodes: Vec<RegionNode>,
}

impl Fast {
    /// Read one chunk (`slice` starts at byte `offset` of the file) and
    /// append its items to `items`; `false` (and `items` unchanged) when
    /// pest must read it.
    pub(crate) fn chunk(&mut self, slice: &str, offset: usize, items: &mut Vec<Item>) -> bool {
        let mark = items.len();
        let mut reader = Reader {
            text: slice,
            bytes: slice.as_bytes(),
            pos: 0,
            offset,
            depth: 0,
            scratch: self,
        };
        if reader.chunk(items).is_ok() {
            return true;
        }
        items.truncate(mark);
        self.entries.clear();
        self.values.clear();
        self.rows.clear();
        self.conditions.clear();
        self.nodes.clear();
        false
    }
}

/// Move the nodes stacked from `mark` on into a vector of their own.
fn take<T>(stack: &mut Vec<T>, mark: usize) -> Vec<T> {
    stack.drain(mark.min(stack.len())..).collect()
}

struct Reader<'s> {
    text: &'s str,
    bytes: &'s [u8],
    pos: usize,
    offset: usize,
    /// Nested blocks, lists and tagged values; deeper than [`MAX_DEPTH`] is
    /// left to pest and its stack guard.
    depth: usize,
    scratch: &'s mut Fast,
}

const MAX_DEPTH: usize = 48;

/// Does a CJK Unified Ideograph (U+4E00–U+9FFF) start at `at`? In UTF-8
/// these are the three-byte characters led by `E5`–`E9`, and by `E4` with a
/// second byte from `B8`; `at` is always at a character boundary.
fn cjk_at(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at) {
        Some(0xE5..=0xE9) => true,
        Some(0xE4) => bytes.get(at + 1).is_some_and(|&b| b >= 0xB8),
        _ => false,
    }
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

    /// pest's implicit `(WHITESPACE | COMMENT)*`.
    fn skip(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    self.pos = memchr::memchr(b'\n', self.rest())
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

    /// The length of the `ident_continue` character at `at` (0: none);
    /// outside ASCII and CJK only pest knows.
    fn ident_continue(&self, at: usize) -> R<usize> {
        match self.bytes.get(at) {
            None => Ok(0),
            Some(&b) if b.is_ascii() => Ok(usize::from(
                b.is_ascii_alphanumeric() || b == b'_' || b == b'-',
            )),
            Some(_) if cjk_at(self.bytes, at) => Ok(3),
            Some(_) => Err(GiveUp),
        }
    }

    /// The length of the `ident_start` character at `at` (0: none).
    fn ident_start(&self, at: usize) -> R<usize> {
        match self.bytes.get(at) {
            None => Ok(0),
            Some(&b) if b.is_ascii() => Ok(usize::from(b.is_ascii_alphabetic() || b == b'_')),
            Some(_) if cjk_at(self.bytes, at) => Ok(3),
            Some(_) => Err(GiveUp),
        }
    }

    /// `ident = @{ ident_start ~ ident_continue* }`.
    fn ident(&mut self) -> R<Option<Ident>> {
        let start = self.pos;
        let first = self.ident_start(start)?;
        if first == 0 {
            return Ok(None);
        }
        self.pos += first;
        loop {
            let len = self.ident_continue(self.pos)?;
            if len == 0 {
                break;
            }
            self.pos += len;
        }
        Ok(Some(Ident {
            text: self.text.get(start..self.pos).ok_or(GiveUp)?.into(),
            span: self.span(start),
        }))
    }

    /// `string`, escapes resolved (only `\" \\ \n \t`).
    fn string(&mut self) -> R<Option<StrLit>> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return Ok(None);
        }
        let from = start + 1;
        let stop = |at: usize| {
            memchr::memchr3(b'"', b'\\', b'\n', self.bytes.get(at..).unwrap_or_default())
                .map(|n| at + n)
        };
        let mut at = stop(from).ok_or(GiveUp)?;
        let value = if self.bytes.get(at) == Some(&b'"') {
            // No escape: one allocation of the right size.
            Text::from(self.text.get(from..at).ok_or(GiveUp)?)
        } else {
            let mut value = String::new();
            let mut from = from;
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
                        from = at + 2;
                        at = stop(from).ok_or(GiveUp)?;
                    }
                    _ => return Err(GiveUp),
                }
            }
            value.push_str(self.text.get(from..at).ok_or(GiveUp)?);
            Text::from(value.as_str())
        };
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
        // Only these bytes start a unit.
        if !matches!(
            self.peek(),
            Some(b'%' | b'C' | b'd' | b'w' | b'm' | b'G' | b'M' | 0x80..)
        ) {
            return Ok(None);
        }
        for (text, word) in UNITS {
            if self.rest().starts_with(text.as_bytes()) {
                if word && self.ident_continue(self.pos + text.len())? > 0 {
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
            return Ok(Some(ValueKind::Range(Box::new(RangeValue {
                start: Some(first),
                end,
                inclusive,
            }))));
        }
        let Some(inclusive) = self.range_op() else {
            return Ok(None);
        };
        self.skip();
        let end = self.scalar()?.ok_or(GiveUp)?;
        Ok(Some(ValueKind::Range(Box::new(RangeValue {
            start: None,
            end: Some(end),
            inclusive,
        }))))
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
            // Neither a tag keyword nor a name starts with these.
            Some(b'0'..=b'9' | b'-' | b'.') => match self.scalar_or_range()? {
                Some(kind) => kind,
                None => return Ok(None),
            },
            _ => {
                let Some(ident) = self.ident()? else {
                    return Ok(None);
                };
                if is_tag_keyword(&ident.text) {
                    // `tag_kw ~ value`: the keyword is the whole name read.
                    self.skip();
                    // `with` alone is a name: pest backtracks; so do we, to pest.
                    let inner = self.value()?.ok_or(GiveUp)?;
                    ValueKind::Tagged(ident, Box::new(inner))
                } else {
                    ValueKind::Ident(ident.text)
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
        let mark = self.scratch.values.len();
        if self.peek() != Some(b']') {
            let value = self.value()?.ok_or(GiveUp)?;
            self.scratch.values.push(value);
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
                let value = self.value()?.ok_or(GiveUp)?;
                self.scratch.values.push(value);
            }
        }
        self.skip_lines();
        if !self.literal("]") {
            return Err(GiveUp);
        }
        Ok(take(&mut self.scratch.values, mark))
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
        let mark = self.scratch.entries.len();
        if self.peek() != Some(b'}') {
            let entry = self.entry()?;
            self.scratch.entries.push(entry);
            loop {
                let separated = self.seps();
                if self.peek() == Some(b'}') {
                    break;
                }
                if !separated {
                    return Err(GiveUp);
                }
                let entry = self.entry()?;
                self.scratch.entries.push(entry);
            }
        }
        if !self.literal("}") {
            return Err(GiveUp);
        }
        Ok(Block {
            entries: take(&mut self.scratch.entries, mark),
            span: self.span(start),
        })
    }

    /// `entry = { factor | rates | keyed }`. The key is read first: `factor`
    /// and `rates` are keywords when they are the whole name read
    /// (`kw_factor = @{ "factor" ~ !ident_continue }`).
    fn entry(&mut self) -> R<Entry> {
        let start = self.pos;
        let key = match self.ident()? {
            Some(ident) if ident.text == "factor" => {
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
                return Ok(Entry::Factor(Box::new(FactorEntry {
                    keyword: ident.span,
                    name,
                    weight,
                    block,
                    span: self.span(start),
                })));
            }
            Some(ident) if ident.text == "rates" => {
                self.skip();
                return self.rates(start, ident.span);
            }
            // keyed = { key ~ (":" ~ value | block) }
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
        let mark = self.scratch.rows.len();
        if self.peek() != Some(b'}') {
            let row = self.row()?;
            self.scratch.rows.push(row);
            loop {
                let separated = self.seps();
                if self.peek() == Some(b'}') {
                    break;
                }
                if !separated {
                    return Err(GiveUp);
                }
                let row = self.row()?;
                self.scratch.rows.push(row);
            }
        }
        if !self.literal("}") {
            return Err(GiveUp);
        }
        Ok(Entry::Rates(Rates {
            keyword,
            rows: take(&mut self.scratch.rows, mark),
            span: self.span(start),
        }))
    }

    /// `row = { (condition ~ ("," ~ condition)*)? ~ "=>" ~ value }`.
    fn row(&mut self) -> R<Row> {
        let start = self.pos;
        let mark = self.scratch.conditions.len();
        if !self.rest().starts_with(b"=>") {
            loop {
                let at = self.pos;
                let key = self.ident()?.ok_or(GiveUp)?;
                self.skip();
                let value = self.value()?.ok_or(GiveUp)?;
                let condition = Condition {
                    key,
                    value,
                    span: self.span(at),
                };
                self.scratch.conditions.push(condition);
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
            conditions: take(&mut self.scratch.conditions, mark),
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
        let mark = self.scratch.nodes.len();
        loop {
            self.region_seps();
            if self.ident_start(self.pos)? == 0 {
                return Ok(take(&mut self.scratch.nodes, mark));
            }
            let node = self.region_node()?;
            self.scratch.nodes.push(node);
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

    /// `item = { regions_item | generic_item }`. The keyword is read as a
    /// name: `item_kw` and `kw_regions` end with `!ident_continue`.
    fn item(&mut self) -> R<Item> {
        let start = self.pos;
        let keyword = self.ident()?.ok_or(GiveUp)?;
        if keyword.text == "regions" {
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
        if crate::kinds::Kind::from_keyword(&keyword.text).is_none() {
            return Err(GiveUp);
        }
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
    fn chunk(&mut self, items: &mut Vec<Item>) -> R<()> {
        self.skip_lines();
        while self.pos < self.bytes.len() {
            items.push(self.item()?);
            self.seps();
        }
        Ok(())
    }
}
