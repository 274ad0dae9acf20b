//! `knowledge.json`: the glossary and every FAQ entry, de-duplicated, each
//! with the campaigns, channels and dates that use it (知识库共享).

use std::collections::{BTreeMap, BTreeSet};

use koujing_bundle::knowledge::{FaqEntry, GlossaryEntry, KnowledgeFile};
use koujing_bundle::{DateSpan, FORMAT};

use crate::resolve::Index;
use crate::text::normalise;

#[derive(Default)]
struct Entry {
    question: String,
    answer: String,
    campaigns: BTreeSet<String>,
    terms: BTreeSet<String>,
    channels: BTreeSet<String>,
    windows: BTreeSet<DateSpan>,
}

/// The whole file.
pub fn knowledge(index: &Index<'_>) -> KnowledgeFile {
    let mut glossary: Vec<GlossaryEntry> = index
        .terms
        .defs
        .iter()
        .map(|d| {
            let t = d.item;
            GlossaryEntry {
                term: t.name.text.to_string(),
                aliases: t.aliases.iter().map(|a| a.value.to_string()).collect(),
                plain: t.plain.as_ref().map(|p| p.value.to_string()),
                jargon: t.jargon,
            }
        })
        .collect();
    glossary.sort_by(|a, b| a.term.cmp(&b.term));

    // One entry per (question, answer) after normalisation.
    let mut entries: BTreeMap<(String, String), Entry> = BTreeMap::new();
    let mut add = |q: &str, a: &str| -> (String, String) {
        let key = (normalise(q), normalise(a));
        let entry = entries.entry(key.clone()).or_default();
        if entry.question.is_empty() {
            entry.question = q.to_string();
            entry.answer = a.to_string();
        }
        key
    };
    let mut uses: Vec<((String, String), Use)> = Vec::new();
    for def in &index.terms.defs {
        for e in &def.item.faq {
            uses.push((
                add(&e.question.value, &e.answer.value),
                Use::Term(def.item.name.text.to_string()),
            ));
        }
    }
    for def in &index.campaigns.defs {
        let c = def.item;
        for e in &c.faq {
            let window = c.window.map(|w| DateSpan {
                start: w.start,
                end: w.end,
            });
            uses.push((
                add(&e.question.value, &e.answer.value),
                Use::Campaign(
                    c.name.text.to_string(),
                    c.channels.iter().map(|ch| ch.text.to_string()).collect(),
                    window,
                ),
            ));
        }
    }
    for (key, u) in uses {
        let Some(entry) = entries.get_mut(&key) else {
            continue;
        };
        match u {
            Use::Term(name) => {
                entry.terms.insert(name);
            }
            Use::Campaign(name, channels, window) => {
                entry.campaigns.insert(name);
                entry.channels.extend(channels);
                entry.windows.extend(window);
            }
        }
    }
    let mut faq: Vec<FaqEntry> = entries
        .into_values()
        .map(|e| FaqEntry {
            question: e.question,
            answer: e.answer,
            campaigns: e.campaigns.into_iter().collect(),
            terms: e.terms.into_iter().collect(),
            channels: e.channels.into_iter().collect(),
            dates: e.windows.into_iter().collect(),
        })
        .collect();
    faq.sort_by(|a, b| a.question.cmp(&b.question).then(a.answer.cmp(&b.answer)));
    KnowledgeFile {
        format: FORMAT,
        glossary,
        faq,
    }
}

enum Use {
    Term(String),
    Campaign(String, Vec<String>, Option<DateSpan>),
}
