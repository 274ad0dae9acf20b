//! Customer-facing text: which strings a campaign shows customers, where a
//! piece of a string is in the source, and text normalised for comparison.
//! Numbers and everything else in customer text are read by `crate::reading`.

use koujing_grammar::ast::{Campaign, StrLit};
use koujing_grammar::Span;

/// Every customer-facing string of a campaign: title, wording fields, FAQ
/// questions and answers, in that order.
pub fn customer_texts(campaign: &Campaign) -> Vec<&StrLit> {
    let mut texts: Vec<&StrLit> = Vec::new();
    texts.extend(campaign.title.as_ref());
    texts.extend(campaign.wording.iter().map(|w| &w.text));
    for entry in &campaign.faq {
        texts.push(&entry.question);
        texts.push(&entry.answer);
    }
    texts
}

/// The source span of `value[start..end]` of a string literal, and whether it
/// is exact (a string with escapes maps to the whole literal).
pub fn locate(source: &str, lit: &StrLit, start: usize, end: usize) -> (Span, bool) {
    let raw = source.get(lit.span.start + 1..lit.span.end.saturating_sub(1));
    if raw == Some(lit.value.as_str()) {
        (
            Span::new(lit.span.start + 1 + start, lit.span.start + 1 + end),
            true,
        )
    } else {
        (lit.span, false)
    }
}

/// Normalise for comparison (KJ3003): drop white space and punctuation
/// (ASCII and full width), fold ASCII case.
pub fn normalise(text: &str) -> String {
    normalised_chars(text).collect()
}

/// The characters of [`normalise`]`(text)`, without building it.
pub fn normalised_chars(text: &str) -> impl Iterator<Item = char> + Clone + '_ {
    text.chars()
        .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
        .map(|c| c.to_ascii_lowercase())
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65 | 0x2010..=0x2027 | 0x2030..=0x205E | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F)
        || c == '·'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_punctuation_space_and_case() {
        assert_eq!(normalise("什么是 VoLTE?"), normalise("什么是volte？"));
        assert_eq!(normalise("半价,可以吗!"), normalise("半价，可以吗！"));
        assert_ne!(normalise("半价可以吗"), normalise("五折可以吗"));
    }
}
