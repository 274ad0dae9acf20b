//! Byte spans ↔ LSP positions in the negotiated encoding (UTF-16 unless the
//! client offers UTF-8 or UTF-32). Out-of-range positions are clamped, never
//! a panic: to the end of the line, or of the file.

use koujing_checker::SourceFile;
use koujing_grammar::Span;
use line_index::WideEncoding;
use lsp_types::{Position, Range};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

impl Encoding {
    pub fn kind(self) -> lsp_types::PositionEncodingKind {
        match self {
            Encoding::Utf8 => lsp_types::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp_types::PositionEncodingKind::UTF16,
            Encoding::Utf32 => lsp_types::PositionEncodingKind::UTF32,
        }
    }

    fn wide(self) -> Option<WideEncoding> {
        match self {
            Encoding::Utf8 => None,
            Encoding::Utf16 => Some(WideEncoding::Utf16),
            Encoding::Utf32 => Some(WideEncoding::Utf32),
        }
    }

    fn units(self, c: char) -> u32 {
        match self {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
            Encoding::Utf32 => 1,
        }
    }
}

pub fn position(file: &SourceFile, offset: usize, encoding: Encoding) -> Position {
    let at = file.position(offset, encoding.wide());
    Position {
        line: at.line.saturating_sub(1),
        character: at.column.saturating_sub(1),
    }
}

pub fn range(file: &SourceFile, span: Span, encoding: Encoding) -> Range {
    Range {
        start: position(file, span.start, encoding),
        end: position(file, span.end, encoding),
    }
}

/// The byte offset of an LSP position, clamped into the text.
pub fn offset(file: &SourceFile, pos: Position, encoding: Encoding) -> usize {
    let text = &*file.text;
    let Some(line_start) = file.line_start(pos.line) else {
        return text.len();
    };
    let mut units = 0u32;
    let mut at = line_start;
    for c in text.get(line_start..).unwrap_or_default().chars() {
        if c == '\n' || units >= pos.character {
            break;
        }
        let next = units + encoding.units(c);
        if next > pos.character {
            break; // inside a character (a surrogate half): its start
        }
        units = next;
        at += c.len_utf8();
    }
    at.min(text.len())
}

/// Whole-document range.
pub fn full_range(file: &SourceFile, encoding: Encoding) -> Range {
    range(file, Span::new(0, file.text.len()), encoding)
}
