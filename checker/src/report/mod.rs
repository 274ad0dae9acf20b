//! `koujing report`: one self-contained HTML file a province reviewer can
//! approve a city submission from (no network: inline CSS, JS and SVG).
//!
//! Sections, in order: what the submission changes and the findings it
//! brings ([`submission`]), the pictures — support readiness, the county ×
//! week load map, the conflict matrix, commission mix bars (declared vs
//! computed shares), commission tables and grading trees with each factor's
//! direction ([`pictures`], [`mix`], [`tables`]) — every finding grouped by code with filters
//! and counts by city ([`findings`]), then one card per campaign with its
//! customer text highlighted where findings point ([`cards`]).
//!
//! Everything is computed from the campaign model, not read back from the
//! findings' messages, so a picture and a finding can be compared.

mod cards;
mod findings;
mod mix;
mod pictures;
mod submission;
mod tables;

use std::collections::HashMap;
use std::fmt::Write;

use koujing_grammar::Span;

use crate::checks::support::{readiness, Readiness};
use crate::codes::Severity;
use crate::diagnostic::{Diagnostic, FileId, Lang};
use crate::limits::LimitsTable;
use crate::messages::ReportMsg as M;
use crate::model::{campaign_facts, CampaignFact};
use crate::resolve::{build_index, Index};
use crate::workspace::Workspace;
use crate::Report;

pub use submission::Submission;

/// How to render the report.
#[derive(Clone, Debug)]
pub struct Options {
    pub lang: Lang,
    /// Each file's path as shown, relative to its workspace root, in
    /// `workspace.files` order. Missing entries fall back to the file's path.
    pub paths: Vec<String>,
    /// The submission under review, shown first.
    pub submission: Option<Submission>,
}

/// The report in `lang`, with the workspace's own paths and no submission.
pub fn html(workspace: &Workspace, report: &Report, lang: Lang) -> String {
    render(
        workspace,
        report,
        &Options {
            lang,
            paths: Vec::new(),
            submission: None,
        },
    )
}

/// HTML-escape text for element content and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A table head: one `<th>` a column, the texts as given (already HTML).
pub(crate) fn thead(columns: &[&str]) -> String {
    let mut out = String::from("<thead><tr>");
    for column in columns {
        let _ = write!(out, "<th>{column}</th>");
    }
    out.push_str("</tr></thead>");
    out
}

/// What every section reads: the workspace, its index and campaign model,
/// the findings and which campaign each one belongs to.
pub(crate) struct Ctx<'a, 'w> {
    pub ws: &'w Workspace,
    pub report: &'a Report,
    pub index: &'a Index<'w>,
    pub facts: &'a [CampaignFact<'w>],
    pub limits: LimitsTable,
    pub lang: Lang,
    pub paths: &'a [String],
    /// Diagnostic index → the campaign (fact index) its primary span lies in.
    pub owner: Vec<Option<usize>>,
    /// Fact index → its diagnostics (primary span inside the campaign).
    pub by_fact: Vec<Vec<usize>>,
    /// Campaign name → fact index.
    pub fact_of: HashMap<&'w str, usize>,
    /// Which campaign a location lies in.
    pub spans: CampaignSpans,
    /// Campaigns the submission adds or changes (always shown in full).
    pub featured: std::collections::BTreeSet<usize>,
    /// Effective ready dates of the supports.
    pub readiness: Readiness,
}

impl<'a, 'w> Ctx<'a, 'w> {
    /// Open a picture's section: its heading and the legend that reads it.
    pub fn section_head(&self, out: &mut String, id: &str, title: &str, legend: &str) {
        let _ = writeln!(
            out,
            "<section id=\"{id}\"><h2>{title}</h2><p class=\"legend\">{legend}</p>"
        );
    }

    /// The element id of a campaign's card: `c` and its position in the
    /// campaign model (stable: the model follows the sorted files).
    pub fn anchor(&self, name: &str) -> String {
        self.fact_of
            .get(name)
            .map_or_else(|| "missing".to_string(), |i| format!("c{i}"))
    }

    /// A catalogue text without placeholders, in the report's language.
    pub fn t(&self, msg: M) -> &'static str {
        msg.template(self.lang)
    }

    /// A catalogue text with its placeholders filled, in the report's
    /// language.
    pub fn f(&self, msg: M, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        msg.get(self.lang, args)
    }

    /// A file's path as shown (relative).
    pub fn path(&self, file: FileId) -> &str {
        self.paths
            .get(file)
            .map(String::as_str)
            .or_else(|| self.ws.file(file).map(|f| f.path.as_str()))
            .unwrap_or_default()
    }

    /// `path:line:column` of a span (characters).
    pub fn location(&self, file: FileId, span: Span) -> String {
        let at = self
            .ws
            .file(file)
            .map(|f| f.char_position(span.start))
            .map_or((0, 0), |p| (p.line, p.column));
        format!("{}:{}:{}", self.path(file), at.0, at.1)
    }

    pub fn diagnostic(&self, i: usize) -> Option<&'a Diagnostic> {
        self.report.diagnostics.get(i)
    }

    /// Severity as a word (colour is never the only signal).
    pub fn severity(&self, severity: Severity) -> &'static str {
        self.t(match severity {
            Severity::Error => M::SeverityError,
            Severity::Warning => M::SeverityWarning,
            Severity::Info => M::SeverityInfo,
        })
    }
}

/// Campaign spans per file, sorted, for finding which campaign a location
/// lies in without comparing it with every campaign.
pub(crate) struct CampaignSpans {
    by_file: HashMap<FileId, Vec<(usize, usize, usize)>>,
}

impl CampaignSpans {
    pub fn new(facts: &[CampaignFact<'_>]) -> CampaignSpans {
        let mut by_file: HashMap<FileId, Vec<(usize, usize, usize)>> = HashMap::new();
        for (i, f) in facts.iter().enumerate() {
            by_file.entry(f.file).or_default().push((
                f.campaign.span.start,
                f.campaign.span.end,
                i,
            ));
        }
        for list in by_file.values_mut() {
            list.sort_unstable();
        }
        CampaignSpans { by_file }
    }

    pub fn find(&self, file: FileId, span: Span) -> Option<usize> {
        let list = self.by_file.get(&file)?;
        let after = list.partition_point(|&(start, _, _)| start <= span.start);
        let &(start, end, i) = list.get(after.checked_sub(1)?)?;
        (start <= span.start && span.end <= end).then_some(i)
    }
}

/// Render the report.
pub fn render(workspace: &Workspace, report: &Report, options: &Options) -> String {
    let (index, _) = build_index(workspace);
    let facts = campaign_facts(&index);
    let spans = CampaignSpans::new(&facts);
    let owner: Vec<Option<usize>> = report
        .diagnostics
        .iter()
        .map(|d| spans.find(d.file, d.span))
        .collect();
    let mut by_fact: Vec<Vec<usize>> = vec![Vec::new(); facts.len()];
    for (i, o) in owner.iter().enumerate() {
        if let Some(list) = o.and_then(|f| by_fact.get_mut(f)) {
            list.push(i);
        }
    }
    let fact_of: HashMap<&str, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name(), i))
        .collect();
    let cx = Ctx {
        ws: workspace,
        report,
        index: &index,
        facts: &facts,
        limits: LimitsTable::build(&index),
        lang: options.lang,
        paths: &options.paths,
        owner,
        by_fact,
        featured: options
            .submission
            .iter()
            .flat_map(|s| s.differences.iter())
            .filter(|d| d.kind == crate::compile::diff::Kind::Campaign)
            .filter_map(|d| fact_of.get(d.name.as_str()).copied())
            .collect(),
        fact_of,
        spans,
        readiness: readiness(&index),
    };

    let mut out = String::with_capacity(256 * 1024);
    let title = cx.t(M::KoujingReviewReport);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title><style>{CSS}</style></head><body>\n<header><h1>{title}</h1>\n",
        cx.lang.tag()
    );
    let summary = cx.f(
        M::Summary,
        &[
            ("files", &workspace.files.len()),
            ("campaigns", &facts.len()),
            ("errors", &report.count(Severity::Error)),
            ("warnings", &report.count(Severity::Warning)),
            ("infos", &report.count(Severity::Info)),
        ],
    );
    let _ = writeln!(out, "<p class=\"summary\">{summary}</p>");
    let mut nav: Vec<(&str, &str)> = Vec::new();
    if options.submission.is_some() {
        nav.push(("submission", cx.t(M::ThisSubmission)));
    }
    nav.extend([
        ("readiness", cx.t(M::SupportReadiness)),
        ("load", cx.t(M::CountyLoad)),
        ("conflicts", cx.t(M::Conflicts)),
        ("commission", cx.t(M::Commission)),
        ("grading", cx.t(M::Grading)),
        ("findings", cx.t(M::FindingsHeading)),
        ("cards", cx.t(M::CampaignCards)),
    ]);
    out.push_str("<nav aria-label=\"sections\"><ul>");
    for (id, label) in nav {
        let _ = write!(out, "<li><a href=\"#{id}\">{label}</a></li>");
    }
    out.push_str("</ul></nav></header>\n<main>\n");
    if let Some(submission) = &options.submission {
        submission::section(&mut out, &cx, submission);
    }
    pictures::readiness(&mut out, &cx);
    pictures::load(&mut out, &cx);
    pictures::conflicts(&mut out, &cx);
    tables::commission(&mut out, &cx);
    tables::grading(&mut out, &cx);
    findings::section(&mut out, &cx);
    cards::section(&mut out, &cx);
    let _ = write!(out, "</main>\n<script>{JS}</script>\n</body></html>\n");
    out
}

const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");
