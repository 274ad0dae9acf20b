#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! KJ3003 (v2) against a brute-force reading of the spec text.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use std::hash::BuildHasher;

use super::{inconsistent, scope_groups, AnswerKey, Normalised, ScopeKey};
use crate::text::normalise;

/// The spec, literally: two campaigns are related when one extends the
/// other, or they have the same offer and intersecting windows; scopes are
/// the transitive closure (computed by repeated relaxation over all pairs).
fn reference(campaigns: &[ScopeKey], answers: &[AnswerKey]) -> Vec<(usize, usize)> {
    let n = campaigns.len();
    let related = |a: &ScopeKey, b: &ScopeKey, i: usize, j: usize| {
        a.extends == Some(j)
            || b.extends == Some(i)
            || match (&a.offer, &b.offer, a.window, b.window) {
                (Some(x), Some(y), Some((s1, e1)), Some((s2, e2))) => {
                    x == y
                        && s1 <= e2.unwrap_or(NaiveDate::MAX)
                        && s2 <= e1.unwrap_or(NaiveDate::MAX)
                }
                _ => false,
            }
    };
    let mut label: Vec<usize> = (0..n).collect();
    loop {
        let mut changed = false;
        for i in 0..n {
            for j in 0..n {
                if related(&campaigns[i], &campaigns[j], i, j) && label[i] != label[j] {
                    let low = label[i].min(label[j]);
                    label[i] = low;
                    label[j] = low;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut reported = vec![false; answers.len()];
    let mut findings = Vec::new();
    let mut scope = |members: Vec<usize>, reported: &mut Vec<bool>| {
        // Classes of equal text; the first class holds the earliest answer.
        let Some(&first) = members.first() else {
            return;
        };
        for &i in &members {
            let same = members
                .iter()
                .any(|&j| j == first && answers[j].answer == answers[i].answer);
            if !same && !reported[i] {
                reported[i] = true;
                findings.push((i, first));
            }
        }
    };
    let mut questions: Vec<&str> = answers.iter().map(|a| a.question.as_str()).collect();
    questions.sort_unstable();
    questions.dedup();
    for q in questions {
        let all: Vec<usize> = (0..answers.len())
            .filter(|&i| answers[i].question == q)
            .collect();
        if all.iter().any(|&i| answers[i].campaign.is_none()) {
            scope(all.clone(), &mut reported);
        }
        for group in 0..n {
            let members: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| answers[i].campaign.is_some_and(|c| label[c] == group))
                .collect();
            scope(members, &mut reported);
        }
    }
    findings.sort_unstable();
    findings
}

/// A campaign: offer, window (start day, length or open), extends.
type RawCampaign = (Option<u8>, Option<(u8, Option<u8>)>, Option<usize>);

fn campaign() -> impl Strategy<Value = RawCampaign> {
    (
        prop::option::of(0u8..3),
        prop::option::weighted(0.9, (0u8..40, prop::option::weighted(0.8, 0u8..12))),
        prop::option::weighted(0.2, 0usize..12),
    )
}

proptest! {
    #[test]
    fn kj3003_matches_the_spec(
        raw in prop::collection::vec(campaign(), 0..12),
        answers in prop::collection::vec((prop::option::weighted(0.8, 0usize..12), 0u8..3, 0u8..3), 0..24),
    ) {
        let day0 = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let n = raw.len();
        let campaigns: Vec<ScopeKey> = raw
            .iter()
            .enumerate()
            .map(|(i, (offer, window, extends))| ScopeKey {
                offer: offer.map(|o| format!("offer{o}")),
                window: window.map(|(s, len)| {
                    let start = day0 + Days::new(u64::from(s));
                    (start, len.map(|l| start + Days::new(u64::from(l))))
                }),
                extends: extends.filter(|e| *e < n && *e != i),
            })
            .collect();
        let answers: Vec<AnswerKey> = answers
            .iter()
            .map(|(c, q, a)| AnswerKey {
                campaign: c.filter(|c| *c < n),
                question: format!("q{q}"),
                answer: format!("a{a}"),
            })
            .collect();
        let groups = scope_groups(&campaigns);
        prop_assert_eq!(inconsistent(&groups, &answers), reference(&campaigns, &answers));
        prop_assert!(inconsistent(&groups, &answers).len() <= answers.len());
    }
}

#[test]
fn unrelated_campaigns_may_answer_differently() {
    let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
    let campaigns: Vec<ScopeKey> = vec![
        ScopeKey {
            offer: Some("a".into()),
            window: Some((day(1), Some(day(10)))),
            extends: None,
        },
        ScopeKey {
            offer: Some("b".into()),
            window: Some((day(1), Some(day(10)))),
            extends: None,
        },
        ScopeKey {
            offer: Some("a".into()),
            window: Some((day(10), Some(day(20)))),
            extends: None,
        },
    ];
    let answer = |c: Option<usize>, a: &str| AnswerKey::<String> {
        campaign: c,
        question: "优惠到什么时候".into(),
        answer: a.into(),
    };
    let groups = scope_groups(&campaigns);
    // 0 and 1: different offers, no finding.
    assert!(inconsistent(&groups, &[answer(Some(0), "x"), answer(Some(1), "y")]).is_empty());
    // 0 and 2: same offer, windows meet on the 10th.
    assert_eq!(
        inconsistent(&groups, &[answer(Some(0), "x"), answer(Some(2), "y")]),
        vec![(1, 0)]
    );
    // The glossary's answer binds every campaign.
    assert_eq!(
        inconsistent(
            &groups,
            &[
                answer(None, "g"),
                answer(Some(1), "y"),
                answer(Some(0), "g")
            ]
        ),
        vec![(1, 0)]
    );
}

proptest! {
    /// Texts compared without building their normalised form compare, and
    /// hash, exactly as their normalised forms do.
    #[test]
    fn normalised_texts_compare_and_hash_as_their_normal_forms(
        a in "[ a-zA-Z0-9,，。？?!！·　的优惠办理]{0,12}",
        b in "[ a-zA-Z0-9,，。？?!！·　的优惠办理]{0,12}",
    ) {
        let same = normalise(&a) == normalise(&b);
        prop_assert_eq!(Normalised::new(&a) == Normalised::new(&b), same);
        let state = foldhash::fast::FixedState::default();
        if same {
            prop_assert_eq!(state.hash_one(Normalised::new(&a)), state.hash_one(Normalised::new(&b)));
        }
        // Past the hashing buffer: long texts that differ only in spacing
        // and punctuation hash alike.
        let long_a = a.repeat(40);
        let long_b = b.repeat(40);
        if same {
            prop_assert_eq!(
                state.hash_one(Normalised::new(&long_a)),
                state.hash_one(Normalised::new(&long_b))
            );
        }
        prop_assert_eq!(Normalised::new(&long_a) == Normalised::new(&long_b), same);
    }
}
