//! `knowledge.json`: the glossary and every FAQ entry, de-duplicated, each
//! with the campaigns, channels and dates that use it (知识库共享).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::resolve::Index;
use crate::text::normalise;

#[derive(Default)]
struct Entry {
    question: String,
    answer: String,
    campaigns: BTreeSet<String>,
    terms: BTreeSet<String>,
    channels: BTreeSet<String>,
    windows: BTreeSet<(String, Option<String>)>,
}

pub fn knowledge(index: &Index<'_>) -> Value {
    let mut glossary: Vec<Value> = index
        .terms
        .defs
        .iter()
        .map(|d| {
            let t = d.item;
            json!({
                "term": t.name.text,
                "aliases": t.aliases.iter().map(|a| a.value.clone()).collect::<Vec<_>>(),
                "plain": t.plain.as_ref().map(|p| p.value.clone()),
                "jargon": t.jargon,
            })
        })
        .collect();
    glossary.sort_by(|a, b| a["term"].as_str().cmp(&b["term"].as_str()));

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
                Use::Term(def.item.name.text.clone()),
            ));
        }
    }
    for def in &index.campaigns.defs {
        let c = def.item;
        for e in &c.faq {
            let window = c
                .window
                .map(|w| (w.start.to_string(), w.end.map(|d| d.to_string())));
            uses.push((
                add(&e.question.value, &e.answer.value),
                Use::Campaign(
                    c.name.text.clone(),
                    c.channels.iter().map(|ch| ch.text.clone()).collect(),
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
    let mut faq: Vec<Value> = entries
        .into_values()
        .map(|e| {
            json!({
                "question": e.question,
                "answer": e.answer,
                "campaigns": e.campaigns,
                "terms": e.terms,
                "channels": e.channels,
                "dates": e.windows.into_iter().map(|(s, end)| json!({ "start": s, "end": end })).collect::<Vec<_>>(),
            })
        })
        .collect();
    faq.sort_by(|a, b| {
        a["question"]
            .as_str()
            .cmp(&b["question"].as_str())
            .then(a["answer"].as_str().cmp(&b["answer"].as_str()))
    });
    json!({ "format": 1, "glossary": glossary, "faq": faq })
}

enum Use {
    Term(String),
    Campaign(String, Vec<String>, Option<(String, Option<String>)>),
}
