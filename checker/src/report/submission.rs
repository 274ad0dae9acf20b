//! The submission view: what a city's submission adds or changes
//! (campaigns, commission rows, grading weights, FAQ — the same diff as
//! `koujing diff`, between two bundles) and the findings it brings; the rest
//! of the report is the province around it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{esc, findings, Ctx};
use crate::compile::diff::{diff, Change, Difference, FieldChange, Kind};
use crate::compile::{build_unchecked, BuildOptions};
use crate::diagnostic::FileId;
use crate::messages::ReportMsg as M;
use crate::workspace::Workspace;

/// A submission under review.
#[derive(Clone, Debug, Default)]
pub struct Submission {
    /// What the submission is compared with, as shown (e.g. the baseline
    /// bundle's path, or "the workspace without these files").
    pub against: String,
    /// What it adds, removes or changes.
    pub differences: Vec<Difference>,
    /// The submission's files (`--only`): its findings are those with a
    /// primary or related location in them. Empty: the findings in the
    /// campaigns it adds or changes.
    pub files: Vec<FileId>,
}

impl Submission {
    /// The submission is `files`: compare the workspace without them with
    /// the whole workspace.
    pub fn from_files(workspace: &Workspace, files: Vec<FileId>, against: String) -> Self {
        let without = Workspace::new(
            workspace
                .files
                .iter()
                .enumerate()
                .filter(|(id, _)| !files.contains(id))
                .map(|(_, f)| (f.path.clone(), f.text.as_bytes().to_vec())),
        );
        let old = build_unchecked(&without, &BuildOptions::default());
        let new = build_unchecked(workspace, &BuildOptions::default());
        let differences = diff(&old.files, &new.files).unwrap_or_default();
        Submission {
            against,
            differences,
            files,
        }
    }

    /// Compare a previous bundle's files with the workspace.
    pub fn from_baseline(
        workspace: &Workspace,
        baseline: &BTreeMap<String, Vec<u8>>,
        files: Vec<FileId>,
        against: String,
    ) -> Result<Self, String> {
        let new = build_unchecked(workspace, &BuildOptions::default());
        let differences = diff(baseline, &new.files)?;
        Ok(Submission {
            against,
            differences,
            files,
        })
    }
}

fn kind_label(cx: &Ctx<'_, '_>, kind: Kind) -> &'static str {
    match kind {
        Kind::Campaign => cx.t(M::CampaignsChanged),
        Kind::CommissionRow => cx.t(M::CommissionRows),
        Kind::GradingWeight => cx.t(M::GradingWeights),
        Kind::Faq => cx.t(M::FAQEntries),
    }
}

/// A serialised enum's name as the bundle diff writes it (`commission_row`,
/// `added`), for `data-` attributes.
fn serial<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub(super) fn section(out: &mut String, cx: &Ctx<'_, '_>, submission: &Submission) {
    let _ = writeln!(
        out,
        "<section id=\"submission\"><h2>{}</h2><p class=\"legend\">{} {}</p>",
        cx.t(M::ThisSubmission),
        cx.t(M::ComparedWith),
        esc(&submission.against),
    );
    if !submission.files.is_empty() {
        let files: Vec<String> = submission
            .files
            .iter()
            .map(|&f| format!("<code>{}</code>", esc(cx.path(f))))
            .collect();
        let _ = writeln!(
            out,
            "<p>{} {}</p>",
            cx.t(M::FilesSubmitted),
            files.join(" ")
        );
    }
    if submission.differences.is_empty() {
        let _ = writeln!(out, "<p class=\"none\">{}</p>", cx.t(M::NoChanges));
    }
    let mut by_kind: BTreeMap<Kind, Vec<&Difference>> = BTreeMap::new();
    for d in &submission.differences {
        by_kind.entry(d.kind).or_default().push(d);
    }
    for (kind, list) in &by_kind {
        let _ = write!(
            out,
            "<h3>{} ({})</h3><ul class=\"changes\">",
            kind_label(cx, *kind),
            list.len()
        );
        for d in list {
            let (mark, word) = match d.change {
                Change::Added => ("+", cx.t(M::Added)),
                Change::Removed => ("−", cx.t(M::Removed)),
                Change::Changed => ("~", cx.t(M::Changed)),
            };
            let name = if d.kind == Kind::Campaign && cx.fact_of.contains_key(d.name.as_str()) {
                format!("<a href=\"#{}\">{}</a>", cx.anchor(&d.name), esc(&d.name))
            } else {
                esc(&d.name)
            };
            let _ = write!(
                out,
                "<li class=\"change {}\" data-kind=\"{}\" data-name=\"{}\"><span class=\"mark\">{mark} {word}</span> {name}",
                serial(d.change),
                serial(d.kind),
                esc(&d.name),
            );
            if !d.fields.is_empty() {
                out.push_str("<ul>");
                for FieldChange { field, old, new } in &d.fields {
                    let _ = write!(
                        out,
                        "<li><b>{}</b>: <del>{}</del> → <ins>{}</ins></li>",
                        esc(field),
                        esc(old),
                        esc(new)
                    );
                }
                out.push_str("</ul>");
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }

    // The findings it brings.
    let changed: BTreeSet<&str> = submission
        .differences
        .iter()
        .filter(|d| d.kind == Kind::Campaign && d.change != Change::Removed)
        .map(|d| d.name.as_str())
        .collect();
    let brought: Vec<usize> = cx
        .report
        .diagnostics
        .iter()
        .enumerate()
        .filter(|(i, d)| {
            if submission.files.is_empty() {
                let mine = |f: Option<usize>| {
                    f.and_then(|f| cx.facts.get(f))
                        .is_some_and(|f| changed.contains(f.name()))
                };
                mine(cx.owner.get(*i).copied().flatten())
                    || d.related
                        .iter()
                        .any(|r| mine(cx.spans.find(r.file, r.span)))
            } else {
                submission.files.contains(&d.file)
                    || d.related.iter().any(|r| submission.files.contains(&r.file))
            }
        })
        .map(|(i, _)| i)
        .collect();
    let _ = write!(
        out,
        "<h3>{} ({})</h3>",
        cx.t(M::FindingsThisSubmission),
        brought.len()
    );
    if !brought.is_empty() {
        out.push_str("<table class=\"findings submission-findings\">");
        findings::head(out, cx);
        out.push_str("<tbody>");
        for i in brought {
            findings::row(out, cx, i, false, true);
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
}
