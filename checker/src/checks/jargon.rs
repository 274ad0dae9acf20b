//! 术语客户化: jargon in customer text must be explained by an FAQ (KJ5001),
//! every campaign has an FAQ (KJ5002), unknown acronyms are flagged (KJ5003),
//! and glossary explanations must themselves be plain (KJ5004).

use std::collections::BTreeSet;

use koujing_grammar::ast::{Campaign, StrLit};
use koujing_grammar::{Arg, Edit, Fix, Span};

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::lexicon::{builtin, is_word_byte, Matcher};
use crate::messages::NoteMsg as N;
use rayon::prelude::*;

use crate::resolve::{Def, Index};
use crate::text::{customer_texts, locate};
use crate::workspace::{SourceFile, Workspace};

pub fn analyse(workspace: &Workspace, index: &Index<'_>) -> Vec<Diagnostic> {
    let matcher = Matcher::new(index);
    // Terms whose own FAQ names them cover themselves everywhere.
    let self_covered: Vec<bool> = matcher
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            t.workspace.is_some_and(|w| {
                w.faq
                    .iter()
                    .any(|e| matcher.find(&e.question.value).iter().any(|h| h.term == i))
            })
        })
        .collect();
    // Campaigns are read independently, on every core; `collect` keeps
    // their order.
    let per_campaign: Vec<Vec<Diagnostic>> = index
        .campaigns
        .defs
        .par_iter()
        .map(|def| {
            let mut found = Vec::new();
            if let Some(file) = workspace.file(def.file) {
                campaign_jargon(&matcher, &self_covered, file, *def, &mut found);
            }
            found
        })
        .collect();
    let mut diagnostics: Vec<Diagnostic> = per_campaign.into_iter().flatten().collect();
    diagnostics.extend(explanations(workspace, index, &matcher));
    diagnostics
}

/// KJ5001, KJ5002 and KJ5003 of one campaign.
fn campaign_jargon(
    matcher: &Matcher<'_>,
    self_covered: &[bool],
    file: &SourceFile,
    def: Def<'_, Campaign>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let campaign = def.item;
    if campaign.faq.is_empty() {
        diagnostics.push(Diagnostic::new(
            Code::KJ5002,
            def.file,
            campaign.name.span,
            &[("campaign", Arg::plain(&campaign.name.text))],
        ));
    }
    let covered: BTreeSet<usize> = campaign
        .faq
        .iter()
        .flat_map(|e| matcher.find(&e.question.value))
        .map(|h| h.term)
        .collect();
    let mut reported: BTreeSet<usize> = BTreeSet::new();
    let mut acronyms: BTreeSet<String> = BTreeSet::new();
    for lit in customer_texts(campaign) {
        for hit in matcher.find(&lit.value) {
            if covered.contains(&hit.term)
                || self_covered.get(hit.term).copied().unwrap_or(false)
                || !reported.insert(hit.term)
            {
                continue;
            }
            let Some(term) = matcher.terms.get(hit.term) else {
                continue;
            };
            let (span, _) = locate(&file.text, lit, hit.start, hit.end);
            let found = lit.value.get(hit.start..hit.end).unwrap_or(&term.name);
            diagnostics.push(
                Diagnostic::new(Code::KJ5001, def.file, span, &[("term", Arg::plain(found))]).fix(
                    faq_stub(&file.text, campaign, &term.name, term.plain.as_deref()),
                ),
            );
        }
        for (start, end) in acronym_tokens(&lit.value) {
            let token = lit.value.get(start..end).unwrap_or_default();
            if known_or_allowed(matcher, token) || !acronyms.insert(token.to_string()) {
                continue;
            }
            let (span, _) = locate(&file.text, lit, start, end);
            let glossary_entry = N::AddToGlossary.fix(
                &[("token", &token)],
                vec![Edit {
                    span: Span::point(campaign.span.end),
                    replacement: format!(
                        "\n\nterm {token} {{\n  plain: \"(请填写通俗解释)\"\n  faq {{ \"什么是{token}?\": \"(请填写)\" }}\n}}"
                    ),
                }],
            );
            diagnostics.push(
                Diagnostic::new(
                    Code::KJ5003,
                    def.file,
                    span,
                    &[("token", Arg::plain(token))],
                )
                .fix(glossary_entry),
            );
        }
    }
}

/// KJ5001's fix: an FAQ entry "什么是X?" answered with the plain explanation.
fn faq_stub(source: &str, campaign: &Campaign, name: &str, plain: Option<&str>) -> Fix {
    let escape = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let answer = escape(plain.unwrap_or("(请填写通俗易懂的解释)"));
    let entry = format!("\"什么是{}?\": \"{answer}\"", escape(name));
    let edit = match campaign.faq_span {
        Some(faq) => {
            let block = source.get(faq.start..faq.end).unwrap_or_default();
            let at = faq.end.saturating_sub(1);
            let text = if block.contains('\n') {
                format!("  {entry}\n  ")
            } else {
                format!("; {entry} ")
            };
            // Insert before the block's closing brace.
            Edit {
                span: Span::point(at),
                replacement: text,
            }
        }
        None => {
            let body = source
                .get(campaign.span.start..campaign.span.end)
                .unwrap_or_default();
            let at = campaign.span.end.saturating_sub(1);
            let text = if body.contains('\n') {
                format!("  faq {{\n    {entry}\n  }}\n")
            } else {
                format!("; faq {{ {entry} }} ")
            };
            Edit {
                span: Span::point(at),
                replacement: text,
            }
        }
    };
    N::AddFaq.fix(&[("name", &name)], vec![edit])
}

/// Maximal ASCII letter/digit runs with two or more upper-case letters.
fn acronym_tokens(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes.get(at).is_some_and(|&b| is_word_byte(b)) {
            let start = at;
            while bytes.get(at).is_some_and(|&b| is_word_byte(b)) {
                at += 1;
            }
            let upper = bytes
                .get(start..at)
                .map_or(0, |t| t.iter().filter(|b| b.is_ascii_uppercase()).count());
            if upper >= 2 {
                tokens.push((start, at));
            }
        } else {
            at += 1;
        }
    }
    tokens
}

fn known_or_allowed(matcher: &Matcher<'_>, token: &str) -> bool {
    let upper = token.to_ascii_uppercase();
    let core = upper
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .to_string();
    let allow = &builtin().allow;
    [upper, core]
        .iter()
        .any(|t| allow.contains(t) || matcher.known_ascii.contains(t))
}

/// KJ5004: a glossary explanation that itself uses jargon.
fn explanations(
    workspace: &Workspace,
    index: &Index<'_>,
    matcher: &Matcher<'_>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for def in &index.terms.defs {
        let Some(file) = workspace.file(def.file) else {
            continue;
        };
        let term = def.item;
        let own: Vec<&str> = std::iter::once(term.name.text.as_str())
            .chain(term.aliases.iter().map(|a| a.value.as_str()))
            .collect();
        let texts: Vec<&StrLit> = term
            .plain
            .iter()
            .chain(term.faq.iter().map(|e| &e.answer))
            .collect();
        let mut reported: BTreeSet<usize> = BTreeSet::new();
        for lit in texts {
            for hit in matcher.find(&lit.value) {
                let Some(used) = matcher.terms.get(hit.term) else {
                    continue;
                };
                let is_own = own.contains(&used.name.as_str())
                    || used.aliases.iter().any(|a| own.contains(&a.as_str()));
                if is_own || !reported.insert(hit.term) {
                    continue;
                }
                let (span, _) = locate(&file.text, lit, hit.start, hit.end);
                let found = lit.value.get(hit.start..hit.end).unwrap_or(&used.name);
                diagnostics.push(
                    Diagnostic::new(
                        Code::KJ5004,
                        def.file,
                        span,
                        &[
                            ("term", Arg::plain(&term.name.text)),
                            ("used", Arg::plain(found)),
                        ],
                    )
                    .help(N::PlainWords.text(&[])),
                );
            }
        }
    }
    diagnostics
}
