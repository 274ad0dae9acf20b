//! The jargon matcher: the built-in lexicon (`data/lexicon.toml`) merged
//! with the workspace glossary, matched with one Aho-Corasick automaton.
//!
//! Chinese names match as substrings (Chinese has no word boundaries); a name
//! made only of ASCII letters and digits matches case-insensitively on ASCII
//! word boundaries, so `支持VoLTE高清` contains `VoLTE` but `VoLTEX` does not.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;

use crate::resolve::Index;

#[derive(Deserialize)]
struct LexiconFile {
    allow: Vec<String>,
    term: Vec<BuiltinTerm>,
}

/// An entry of the built-in lexicon.
#[derive(Clone, Debug, Deserialize)]
pub struct BuiltinTerm {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub plain: String,
}

/// The built-in lexicon, read once.
pub struct Builtin {
    pub allow: HashSet<String>,
    pub terms: Vec<BuiltinTerm>,
}

pub fn builtin() -> &'static Builtin {
    static LEXICON: OnceLock<Builtin> = OnceLock::new();
    LEXICON.get_or_init(|| {
        // INVARIANT: the file ships with the crate and a test parses it; an
        // unreadable file would only mean an empty lexicon, never a panic.
        let parsed: Result<LexiconFile, _> = toml::from_str(include_str!("../data/lexicon.toml"));
        match parsed {
            Ok(file) => Builtin {
                allow: file.allow.iter().map(|a| a.to_ascii_uppercase()).collect(),
                terms: file.term,
            },
            Err(_) => Builtin {
                allow: HashSet::new(),
                terms: Vec::new(),
            },
        }
    })
}

/// One jargon term, from the workspace or the built-in lexicon.
#[derive(Clone, Debug)]
pub struct JargonTerm<'w> {
    pub name: String,
    pub aliases: Vec<String>,
    pub plain: Option<String>,
    /// The workspace term, when the glossary defines it.
    pub workspace: Option<&'w koujing_grammar::ast::Term>,
}

/// A match of a term in a text: byte range and term index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub term: usize,
}

/// Jargon terms and the automaton over their names and aliases.
pub struct Matcher<'w> {
    pub terms: Vec<JargonTerm<'w>>,
    automaton: Option<AhoCorasick>,
    /// For each pattern: (term index, ASCII-only).
    patterns: Vec<(usize, bool)>,
    /// Upper-cased ASCII names and aliases of every term, jargon or not.
    pub known_ascii: HashSet<String>,
}

fn ascii_word(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'w> Matcher<'w> {
    /// The built-in lexicon overridden by the workspace glossary.
    pub fn new(index: &Index<'w>) -> Matcher<'w> {
        // Every word the glossary defines belongs to its own term only.
        let glossary_words: HashSet<&str> = index
            .terms
            .defs
            .iter()
            .flat_map(|d| {
                std::iter::once(d.item.name.text.as_str())
                    .chain(d.item.aliases.iter().map(|a| a.value.as_str()))
            })
            .collect();
        let mut by_name: BTreeMap<String, JargonTerm<'w>> = BTreeMap::new();
        for term in &builtin().terms {
            if glossary_words.contains(term.name.as_str()) {
                continue;
            }
            let mut term = term.clone();
            term.aliases
                .retain(|a| !glossary_words.contains(a.as_str()));
            by_name.insert(
                term.name.clone(),
                JargonTerm {
                    name: term.name.clone(),
                    aliases: term.aliases.clone(),
                    plain: Some(term.plain.clone()),
                    workspace: None,
                },
            );
        }
        let mut known_ascii: HashSet<String> = HashSet::new();
        let mut switched_off: HashSet<String> = HashSet::new();
        for def in &index.terms.defs {
            let term = def.item;
            let aliases: Vec<String> = term.aliases.iter().map(|a| a.value.to_string()).collect();
            for word in
                std::iter::once(term.name.text.as_str()).chain(aliases.iter().map(String::as_str))
            {
                if ascii_word(word) {
                    known_ascii.insert(word.to_ascii_uppercase());
                }
            }
            if term.jargon {
                by_name.insert(
                    term.name.text.to_string(),
                    JargonTerm {
                        name: term.name.text.to_string(),
                        aliases,
                        plain: term.plain.as_ref().map(|p| p.value.to_string()),
                        workspace: Some(term),
                    },
                );
            } else {
                by_name.remove(term.name.text.as_str());
                switched_off.insert(term.name.text.to_string());
                switched_off.extend(aliases);
            }
        }
        // A switched-off word is not matched through another entry either.
        let terms: Vec<JargonTerm<'w>> = by_name
            .into_values()
            .map(|mut t| {
                t.aliases.retain(|a| !switched_off.contains(a));
                t
            })
            .collect();
        let mut words: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            for word in std::iter::once(&term.name).chain(&term.aliases) {
                if word.is_empty() || switched_off.contains(word) {
                    continue;
                }
                if ascii_word(word) {
                    known_ascii.insert(word.to_ascii_uppercase());
                }
                words.push(word.clone());
                patterns.push((i, ascii_word(word)));
            }
        }
        for term in &builtin().terms {
            for word in std::iter::once(&term.name).chain(&term.aliases) {
                if ascii_word(word) {
                    known_ascii.insert(word.to_ascii_uppercase());
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&words)
            .ok();
        Matcher {
            terms,
            automaton,
            patterns,
            known_ascii,
        }
    }

    /// Every jargon hit in `text`, left to right.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        automaton
            .find_iter(text)
            .filter_map(|m| {
                let &(term, ascii) = self.patterns.get(m.pattern().as_usize())?;
                if ascii {
                    let before = m
                        .start()
                        .checked_sub(1)
                        .and_then(|i| bytes.get(i))
                        .is_some_and(|&b| is_word_byte(b));
                    let after = bytes.get(m.end()).is_some_and(|&b| is_word_byte(b));
                    if before || after {
                        return None;
                    }
                }
                Some(Hit {
                    start: m.start(),
                    end: m.end(),
                    term,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_lexicon_has_at_least_150_terms_with_plain_explanations() {
        let lexicon = super::builtin();
        assert!(lexicon.terms.len() >= 150, "{}", lexicon.terms.len());
        assert!(lexicon.terms.iter().all(|t| !t.plain.is_empty()));
        assert!(lexicon.allow.contains("APP") && lexicon.allow.contains("5G"));
        let names: std::collections::HashSet<&str> =
            lexicon.terms.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names.len(), lexicon.terms.len(), "names are unique");
    }

    /// KJ5004 holds on the lexicon itself: no plain explanation uses a term
    /// of the lexicon (matched as the checker matches customer text).
    #[test]
    fn plain_explanations_use_no_jargon() {
        let index = crate::resolve::Index::default();
        let matcher = super::Matcher::new(&index);
        assert!(matcher.terms.len() >= 150);
        let mut offending = Vec::new();
        for term in &super::builtin().terms {
            for hit in matcher.find(&term.plain) {
                let word = term.plain.get(hit.start..hit.end).unwrap_or_default();
                offending.push(format!("{}: “{}” uses {word}", term.name, term.plain));
            }
        }
        assert!(offending.is_empty(), "{}", offending.join("\n"));
    }
}
