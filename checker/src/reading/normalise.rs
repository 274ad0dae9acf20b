//! Rule 1 (and rule 12, quoted names): the text as the reader sees it, with a
//! map from every byte of it back to the original text.
//!
//! - Every character is NFKC-normalised (`８折` → `8折`, `：` → `:`, `￥` → `¥`).
//! - White space between two CJK characters separates clauses (rule 11) and
//!   reads as a line break; other white space (`享 8 折`, `12 月 5 日`,
//!   `RMB 12`, thin spaces) is dropped, except between two ASCII letters.
//! - Text inside quotation marks (`“…”`, `「…」`, `『…』`, `"…"`, `《…》`) is a
//!   name and states nothing (rule 12): its characters read as `□`.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// The character that stands for a masked (quoted) character.
pub const MASK: char = '□';

/// Quote pairs whose content is a name.
const QUOTES: [(char, char); 6] = [
    ('“', '”'),
    ('「', '」'),
    ('『', '』'),
    ('"', '"'),
    ('《', '》'),
    ('‘', '’'),
];

/// Longest quoted name masked, in characters; a longer "quote" is prose.
const MAX_QUOTED: usize = 40;

/// Normalised text and where each of its characters came from.
#[derive(Clone, Debug, Default)]
pub struct Normalised {
    /// The normalised text.
    pub text: String,
    /// For each character of `text`: its byte offset in `text` and the byte
    /// range of the original character(s) it came from. Empty when `text` is
    /// the original itself (`identity`).
    origin: Vec<(usize, Range<usize>)>,
    /// `text` is the original, character for character.
    identity: bool,
}

/// A CJK ideograph.
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Characters NFKC leaves as they are, known without asking the tables:
/// ASCII, the CJK Unified Ideographs, the CJK punctuation `、。〃〈〉《》「」『』
/// 【】…` and the curly quotes (no decomposition; a test checks every one).
/// Most customer text is made of them only.
pub(crate) fn unchanged_by_nfkc(c: char) -> bool {
    c.is_ascii()
        || matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3001}'..='\u{3035}' | '\u{2018}'..='\u{201F}')
}

/// Whether normalising leaves `original` as it is: no white space, no
/// quotation and nothing NFKC changes.
fn is_normal(original: &str) -> bool {
    original
        .chars()
        .all(|c| unchanged_by_nfkc(c) && !is_space(c) && !QUOTES.iter().any(|(open, _)| *open == c))
}

pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}')
}

impl Normalised {
    /// Normalise `original` (rule 1).
    pub fn new(original: &str) -> Normalised {
        if is_normal(original) {
            return Normalised {
                text: original.to_owned(),
                origin: Vec::new(),
                identity: true,
            };
        }
        Normalised::mapped(original)
    }

    /// Normalise `original`, keeping a map of every character.
    fn mapped(original: &str) -> Normalised {
        let chars: Vec<(usize, char)> = original.char_indices().collect();
        let masked = masked_ranges(&chars);
        let mut out = Normalised {
            text: String::with_capacity(original.len()),
            origin: Vec::with_capacity(chars.len()),
            identity: false,
        };
        let mut i = 0;
        while let Some(&(at, c)) = chars.get(i) {
            if is_space(c) {
                // A run of white space.
                let mut j = i;
                let mut newline = false;
                while let Some(&(_, s)) = chars.get(j) {
                    if !is_space(s) {
                        break;
                    }
                    newline |= s == '\n' || s == '\r';
                    j += 1;
                }
                let end = chars.get(j).map_or(original.len(), |(b, _)| *b);
                let before = out.text.chars().next_back();
                let after = chars.get(j).map(|(_, c)| *c);
                let both = |f: fn(char) -> bool| before.is_some_and(f) && after.is_some_and(f);
                if newline || both(is_cjk) {
                    out.push('\n', at..end);
                } else if both(|c| c.is_ascii_alphabetic()) {
                    out.push(' ', at..end);
                }
                i = j;
                continue;
            }
            let next = chars.get(i + 1).map_or(original.len(), |(b, _)| *b);
            if masked.iter().any(|r| r.contains(&i)) {
                out.push(MASK, at..next);
            } else if unchanged_by_nfkc(c) {
                out.push(c, at..next);
            } else {
                for n in std::iter::once(c).nfkc() {
                    out.push(n, at..next);
                }
            }
            i += 1;
        }
        out
    }

    fn push(&mut self, c: char, from: Range<usize>) {
        self.origin.push((self.text.len(), from));
        self.text.push(c);
    }

    /// The original byte range of the normalised bytes `range`.
    pub fn original(&self, range: Range<usize>) -> Range<usize> {
        if self.identity {
            // What the map would say: from the character holding the first
            // byte to the end of the one holding the last.
            let Some(first) = self.char_at(range.start) else {
                return 0..0;
            };
            let last = self
                .char_at(range.end.saturating_sub(1).max(range.start))
                .unwrap_or(first.clone());
            return first.start..last.end.max(first.start);
        }
        let index = |byte: usize| match self.origin.binary_search_by_key(&byte, |(b, _)| *b) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let first = self.origin.get(index(range.start));
        let last = self
            .origin
            .get(index(range.end.saturating_sub(1).max(range.start)));
        match (first, last) {
            (Some((_, a)), Some((_, b))) => a.start..b.end.max(a.start),
            _ => 0..0,
        }
    }
}

impl Normalised {
    /// The bytes of the character of `text` holding byte `at` (the last
    /// character when `at` is past the end).
    fn char_at(&self, at: usize) -> Option<Range<usize>> {
        let mut start = at.min(self.text.len().checked_sub(1)?);
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let len = self.text.get(start..)?.chars().next()?.len_utf8();
        Some(start..start + len)
    }
}

/// Indices (into `chars`) of characters inside a quotation.
fn masked_ranges(chars: &[(usize, char)]) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut i = 0;
    while let Some(&(_, c)) = chars.get(i) {
        if let Some(&(_, close)) = QUOTES.iter().find(|(open, _)| *open == c) {
            let inner = chars
                .iter()
                .skip(i + 1)
                .take(MAX_QUOTED + 1)
                .position(|(_, d)| *d == close || *d == '\n');
            if let Some(n) = inner {
                if chars.get(i + 1 + n).is_some_and(|(_, d)| *d == close) {
                    ranges.push(i + 1..i + 1 + n);
                    i += n + 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_and_spaces() {
        let n = Normalised::new("享 ８ 折，仅需１２元");
        assert_eq!(n.text, "享8折,仅需12元");
        let at = n.text.find('8').unwrap();
        assert_eq!(n.original(at..at + 1), 4..7);
        let twelve = n.text.find("12").unwrap();
        let r = n.original(twelve..twelve + 2);
        assert_eq!(&"享 ８ 折，仅需１２元"[r], "１２");
    }

    #[test]
    fn space_between_cjk_separates() {
        assert_eq!(Normalised::new("申请时间 12月1日").text, "申请时间12月1日");
        assert_eq!(
            Normalised::new("12月31日 有效时间").text,
            "12月31日\n有效时间"
        );
        assert_eq!(Normalised::new("12 月 5 日起").text, "12月5日起");
        assert_eq!(Normalised::new("free WiFi").text, "free WiFi");
    }

    #[test]
    fn the_fast_path_agrees_with_nfkc() {
        let ranges = [
            '\0'..='\u{7F}',
            '\u{4E00}'..='\u{9FFF}',
            '\u{3001}'..='\u{3035}',
            '\u{2018}'..='\u{201F}',
        ];
        for c in ranges.into_iter().flatten() {
            assert!(unchanged_by_nfkc(c));
            assert_eq!(std::iter::once(c).nfkc().collect::<String>(), c.to_string());
        }
    }

    proptest::proptest! {
        #[test]
        fn the_identity_map_is_the_map(text in "[a-z0-9 流量包优惠、。“”]{0,12}", a in 0usize..40, b in 0usize..40) {
            let fast = Normalised::new(&text);
            let mapped = Normalised::mapped(&text);
            proptest::prop_assert_eq!(&fast.text, &mapped.text);
            proptest::prop_assert_eq!(fast.original(a..b), mapped.original(a..b));
            proptest::prop_assert_eq!(fast.original(a..a), mapped.original(a..a));
        }
    }

    #[test]
    fn quotes_are_masked() {
        let n = Normalised::new("参加“150得390”活动");
        assert_eq!(n.text, "参加“□□□□□□□”活动");
        assert!(!n.text.contains('1'));
        // An unclosed quote is prose.
        assert_eq!(Normalised::new("“5折").text, "“5折");
    }
}
