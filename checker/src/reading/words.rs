//! Fixed word lists of the rules, searched in one pass (Aho-Corasick)
//! instead of one substring search per word. Each list is built once, at
//! first use.

use aho_corasick::{AhoCorasick, MatchKind};

/// A fixed list of words.
pub struct Words {
    words: Vec<&'static str>,
    /// `None` only if the automaton could not be built; the search then
    /// falls back to one substring search per word, with the same results.
    automaton: Option<AhoCorasick>,
    leftmost: bool,
}

impl Words {
    /// Words found by [`Words::leftmost`] (leftmost, then longest).
    pub fn leftmost(words: impl IntoIterator<Item = &'static str>) -> Words {
        Words::build(words.into_iter().collect(), true)
    }

    /// Words found by [`Words::all`] and [`Words::any_in`] (every
    /// occurrence, overlapping ones included).
    pub fn overlapping(words: impl IntoIterator<Item = &'static str>) -> Words {
        Words::build(words.into_iter().collect(), false)
    }

    fn build(words: Vec<&'static str>, leftmost: bool) -> Words {
        let kind = if leftmost {
            MatchKind::LeftmostLongest
        } else {
            MatchKind::Standard
        };
        let automaton = AhoCorasick::builder().match_kind(kind).build(&words).ok();
        Words {
            words,
            automaton,
            leftmost,
        }
    }

    /// The word with index `i`.
    pub fn word(&self, i: usize) -> &'static str {
        self.words.get(i).copied().unwrap_or_default()
    }

    /// The first occurrence in `text` of any word, the longest word where
    /// several start there: its byte offset and the word.
    pub fn first(&self, text: &str) -> Option<(usize, &'static str)> {
        match (&self.automaton, self.leftmost) {
            (Some(automaton), true) => automaton
                .find(text)
                .map(|m| (m.start(), self.word(m.pattern().as_usize()))),
            _ => self
                .words
                .iter()
                .filter_map(|w| text.find(w).map(|i| (i, *w)))
                .min_by_key(|(i, w)| (*i, usize::MAX - w.len())),
        }
    }

    /// Every occurrence of every word in `text`: (word index, byte offset).
    pub fn all(&self, text: &str) -> Vec<(usize, usize)> {
        match (&self.automaton, self.leftmost) {
            (Some(automaton), false) => automaton
                .find_overlapping_iter(text)
                .map(|m| (m.pattern().as_usize(), m.start()))
                .collect(),
            _ => self
                .words
                .iter()
                .enumerate()
                .flat_map(|(i, w)| text.match_indices(w).map(move |(at, _)| (i, at)))
                .collect(),
        }
    }

    /// Whether `text` contains any of the words.
    pub fn any_in(&self, text: &str) -> bool {
        match &self.automaton {
            Some(automaton) => automaton.is_match(text),
            None => self.words.iter().any(|w| text.contains(w)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const WORDS: [&str; 7] = ["仅", "仅需", "现", "现仅需", "手机", "机", "aa"];

    proptest! {
        #[test]
        fn automaton_and_substring_search_agree(text in "[仅需现手机aab]{0,12}") {
            let left = Words::leftmost(WORDS);
            let slow = Words { automaton: None, ..Words::leftmost(WORDS) };
            prop_assert_eq!(left.first(&text), slow.first(&text));
            let all = Words::overlapping(WORDS);
            let slow = Words { automaton: None, ..Words::overlapping(WORDS) };
            let mut a = all.all(&text);
            let mut b = slow.all(&text);
            a.sort_unstable();
            b.sort_unstable();
            // `match_indices` skips overlapping occurrences of one word
            // (`aaa`); no word of the rules overlaps itself.
            if !text.contains("aaa") {
                prop_assert_eq!(a, b);
            }
            prop_assert_eq!(all.any_in(&text), slow.any_in(&text));
        }
    }
}
