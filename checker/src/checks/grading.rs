//! Grading models: sibling weights add up to 100% (KJ7001), grade bands do
//! not overlap (KJ7002) and cover [0, 100] (KJ7003); a penalty-like factor
//! says which way it counts (KJ7004). Also the effective leaf weights the
//! bundle compiler writes.

use koujing_grammar::ast::{Factor, GradeBand, Grading, Interval, Upper};
use koujing_grammar::{Arg, Edit, Span};
use rust_decimal::Decimal;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, FileId};
use crate::messages::NoteMsg as N;
use crate::resolve::Index;

pub fn analyse(index: &Index<'_>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for def in &index.gradings.defs {
        let grading = def.item;
        weights(
            def.file,
            &grading.name.text,
            grading.name.span,
            &grading.factors,
            &mut diagnostics,
        );
        bands(def.file, grading, &mut diagnostics);
        penalties(def.file, &grading.factors, &mut diagnostics);
    }
    diagnostics
}

/// Words that make a factor read as a penalty (DIAGNOSTICS.md KJ7004).
pub const PENALTY_WORDS: [&str; 8] = [
    "投诉", "违规", "差错", "流失", "欠费", "退单", "离网", "违约",
];

/// The penalty word a factor's name or source contains, if any.
pub fn penalty_word(factor: &Factor) -> Option<&'static str> {
    PENALTY_WORDS.into_iter().find(|w| {
        factor.name.text.contains(w) || factor.source.as_ref().is_some_and(|s| s.value.contains(w))
    })
}

/// KJ7004: a penalty-like factor without `direction`; the fix adds
/// `direction: lower_better`.
fn penalties(file: FileId, factors: &[Factor], diagnostics: &mut Vec<Diagnostic>) {
    for factor in factors {
        penalties(file, &factor.children, diagnostics);
        if factor.direction.is_some() {
            continue;
        }
        let Some(word) = penalty_word(factor) else {
            continue;
        };
        let edit = match (&factor.source, factor.children.is_empty()) {
            (Some(source), _) => Some(Edit {
                span: Span::new(source.span.end, source.span.end),
                replacement: "; direction: lower_better".to_string(),
            }),
            (None, true) => factor.weight.map(|w| Edit {
                span: Span::new(w.span.end, w.span.end),
                replacement: " { direction: lower_better }".to_string(),
            }),
            (None, false) => None,
        };
        let mut diagnostic = Diagnostic::new(
            Code::KJ7004,
            file,
            factor.name.span,
            &[
                ("factor", Arg::plain(&factor.name.text)),
                ("word", Arg::plain(word)),
            ],
        );
        // Only when the factor has no block yet, or the block holds its source.
        let has_block_without_source = factor.source.is_none() && !factor.children.is_empty();
        if let (Some(edit), false) = (edit, has_block_without_source) {
            diagnostic = diagnostic.fix(N::AddLowerBetter.fix(&[], vec![edit]));
        }
        diagnostics.push(diagnostic);
    }
}

fn weights(
    file: FileId,
    parent: &str,
    span: Span,
    factors: &[Factor],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if !factors.is_empty() && factors.iter().all(|f| f.weight.is_some()) {
        let sum: Decimal = factors
            .iter()
            .filter_map(|f| f.weight.map(|w| w.node))
            .sum();
        if sum != Decimal::ONE_HUNDRED {
            diagnostics.push(Diagnostic::new(
                Code::KJ7001,
                file,
                span,
                &[
                    ("parent", Arg::plain(format!("`{parent}`"))),
                    ("sum", Arg::plain(format!("{}%", sum.normalize()))),
                ],
            ));
        }
    }
    for factor in factors {
        weights(
            file,
            &factor.name.text,
            factor.name.span,
            &factor.children,
            diagnostics,
        );
    }
}

fn bands(file: FileId, grading: &Grading, diagnostics: &mut Vec<Diagnostic>) {
    if grading.grades.is_empty() {
        return;
    }
    let mut sorted: Vec<&GradeBand> = grading.grades.iter().collect();
    sorted.sort_by(|a, b| {
        a.band
            .lo
            .cmp(&b.band.lo)
            .then(a.span.start.cmp(&b.span.start))
    });
    // KJ7002: sweep by lower bound, against every band still open.
    let mut open: Vec<&GradeBand> = Vec::new();
    for band in &sorted {
        open.retain(|o| o.band.intersects(&band.band) || o.band.hi.is_none());
        for other in &open {
            if !other.band.intersects(&band.band) {
                continue;
            }
            let (primary, related) = if band.span.start >= other.span.start {
                (band, other)
            } else {
                (other, band)
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::KJ7002,
                    file,
                    primary.span,
                    &[
                        ("grade", Arg::plain(&primary.name.text)),
                        ("band", Arg::plain(primary.band.math())),
                        ("other", Arg::plain(&related.name.text)),
                        ("other_band", Arg::plain(related.band.math())),
                    ],
                )
                .related(file, related.span, N::OverlappingGradeHere.text(&[])),
            );
        }
        open.push(band);
    }
    // KJ7003: gaps in [0, 100].
    let mut gaps: Vec<String> = Vec::new();
    let mut at = Decimal::ZERO;
    let mut at_covered = false; // is the point `at` itself covered?
    let mut done = false;
    for band in &sorted {
        let lo = band.band.lo.unwrap_or(Decimal::ZERO);
        if lo > at {
            let gap = Interval {
                lo: Some(at),
                hi: Some(Upper {
                    value: lo,
                    inclusive: false,
                }),
                unit: band.band.unit,
            };
            let text = gap.math();
            gaps.push(if at_covered {
                text.replacen('[', "(", 1)
            } else {
                text
            });
        }
        match band.band.hi {
            None => {
                done = true;
                break;
            }
            Some(hi) => {
                if hi.value > at || (hi.value == at && hi.inclusive) {
                    at = hi.value;
                    at_covered = hi.inclusive;
                }
            }
        }
    }
    if !done && (at < Decimal::ONE_HUNDRED || !at_covered) {
        let gap = Interval {
            lo: Some(at),
            hi: Some(Upper {
                value: Decimal::ONE_HUNDRED,
                inclusive: true,
            }),
            unit: sorted
                .first()
                .map_or(koujing_grammar::ast::Unit::Plain, |b| b.band.unit),
        };
        let text = gap.math();
        gaps.push(if at_covered {
            text.replacen('[', "(", 1)
        } else {
            text
        });
    }
    if !gaps.is_empty() {
        diagnostics.push(Diagnostic::new(
            Code::KJ7003,
            file,
            grading.grades_span.unwrap_or(grading.name.span),
            &[
                ("model", Arg::plain(&grading.name.text)),
                ("gaps", N::list_arg(&gaps)),
            ],
        ));
    }
}

/// A leaf factor with its effective weight (percent of the whole score).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafWeight {
    /// Names from the top factor down to the leaf.
    pub path: Vec<String>,
    pub weight: Decimal,
    pub source: Option<String>,
    /// v2: `lower_better` scores 100 − the input.
    pub direction: Option<koujing_grammar::ast::Direction>,
}

/// Effective leaf weights: the product of the weights on the path, as a
/// percent. They sum to exactly 100 when every sibling group does.
pub fn leaf_weights(grading: &Grading) -> Vec<LeafWeight> {
    fn walk(factors: &[Factor], path: &mut Vec<String>, share: Decimal, out: &mut Vec<LeafWeight>) {
        for factor in factors {
            let weight =
                share * factor.weight.map_or(Decimal::ZERO, |w| w.node) / Decimal::ONE_HUNDRED;
            path.push(factor.name.text.to_string());
            if factor.children.is_empty() {
                out.push(LeafWeight {
                    path: path.clone(),
                    weight: weight.normalize(),
                    source: factor.source.as_ref().map(|s| s.value.to_string()),
                    direction: factor.direction.map(|d| d.node),
                });
            } else {
                walk(&factor.children, path, weight, out);
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(
        &grading.factors,
        &mut Vec::new(),
        Decimal::ONE_HUNDRED,
        &mut out,
    );
    out
}
