//! Renderers: miette for the terminal, JSON for machines (positions in
//! characters).

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

use crate::codes::Severity;
use crate::diagnostic::{Diagnostic, Lang};
use crate::messages::Msg;
use crate::workspace::Workspace;
use crate::Report;

fn summary_counts(report: &Report) -> (usize, usize, usize) {
    (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    )
}

/// `koujing check --format json`: one object with `diagnostics` and `summary`.
/// Lines and columns are 1-based; columns count characters. Built from the
/// same [`JsonReport`] that [`write_json`] streams.
pub fn json(workspace: &Workspace, report: &Report, lang: Lang) -> Value {
    serde_json::to_value(JsonReport::new(workspace, report, lang)).unwrap_or(Value::Null)
}

/// Write the JSON of [`json`] (pretty-printed, then a newline) to `out`
/// without building a tree of the whole output: the findings are
/// serialised in batches on every core, each batch into a buffer written
/// in order as soon as it is its turn, so the memory is that of a few
/// batches and the bytes are those of one pretty-printing of the whole.
pub fn write_json(json: &JsonReport<'_>, out: impl std::io::Write) -> std::io::Result<()> {
    use rayon::prelude::*;
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    // Everything but the findings, with an empty list in their place: the
    // findings' key comes first, so the object starts with this head.
    const HEAD: &[u8] = b"{\n  \"diagnostics\": []";
    let rest = serde_json::to_vec_pretty(&JsonReport {
        workspace: json.workspace,
        report: json.report,
        lang: json.lang,
        baseline: json.baseline.clone(),
        without_diagnostics: true,
    })?;
    let Some(tail) = rest.strip_prefix(HEAD) else {
        // Not the shape expected: write the whole at once.
        serde_json::to_writer_pretty(&mut out, json)?;
        out.write_all(b"\n")?;
        return out.flush();
    };
    let diagnostics = &json.report.diagnostics;
    if diagnostics.is_empty() {
        out.write_all(HEAD)?;
    } else {
        out.write_all(b"{\n  \"diagnostics\": [")?;
        let states = json.baseline.as_ref().map(|(states, _)| *states);
        let mut start = 0;
        while start < diagnostics.len() {
            let end = (start + JSON_ROUND).min(diagnostics.len());
            let round = diagnostics.get(start..end).unwrap_or_default();
            let buffers: Vec<std::io::Result<Vec<u8>>> = round
                .par_chunks(JSON_BATCH)
                .enumerate()
                .map(|(k, batch)| {
                    let mut buffer = Vec::new();
                    let mut one = Vec::new();
                    for (j, d) in batch.iter().enumerate() {
                        let i = start + k * JSON_BATCH + j;
                        let state = states.and_then(|s| s.get(i).copied());
                        one.clear();
                        serde_json::to_writer_pretty(
                            &mut one,
                            &json_diagnostic(json.workspace, d, json.lang, state),
                        )?;
                        buffer.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
                        indent(&one, &mut buffer);
                    }
                    Ok(buffer)
                })
                .collect();
            for buffer in buffers {
                out.write_all(&buffer?)?;
            }
            start = end;
        }
        out.write_all(b"\n  ]")?;
    }
    out.write_all(tail)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Findings serialised together by one thread in [`write_json`], and in
/// one round (the batches of a round are written before the next starts).
const JSON_BATCH: usize = 128;
const JSON_ROUND: usize = 4096;

/// Copy pretty-printed JSON nested two levels deeper: four spaces after
/// every line break (a line break in JSON text is never inside a string,
/// where it is escaped).
fn indent(json: &[u8], out: &mut Vec<u8>) {
    let mut rest = json;
    while let Some(at) = memchr::memchr(b'\n', rest) {
        let (line, after) = rest.split_at(at + 1);
        out.extend_from_slice(line);
        out.extend_from_slice(b"    ");
        rest = after;
    }
    out.extend_from_slice(rest);
}

/// The JSON output of a check, serialised as it is written (see
/// [`write_json`]); with a baseline, each finding gets its state and the
/// object a `baseline` summary.
pub struct JsonReport<'a> {
    workspace: &'a Workspace,
    report: &'a Report,
    lang: Lang,
    baseline: Option<(&'a [&'a str], Value)>,
    /// Serialise an empty list in place of the findings ([`write_json`]
    /// writes them itself).
    without_diagnostics: bool,
}

impl<'a> JsonReport<'a> {
    pub fn new(workspace: &'a Workspace, report: &'a Report, lang: Lang) -> Self {
        JsonReport {
            workspace,
            report,
            lang,
            baseline: None,
            without_diagnostics: false,
        }
    }

    /// Add each finding's baseline state (in the order of
    /// `report.diagnostics`) and the summary of the comparison.
    pub fn with_baseline(mut self, states: &'a [&'a str], summary: Value) -> Self {
        self.baseline = Some((states, summary));
        self
    }
}

impl Serialize for JsonReport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (workspace, report, lang) = (self.workspace, self.report, self.lang);
        let states = self.baseline.as_ref().map(|(states, _)| *states);
        let shown = if self.without_diagnostics {
            &[][..]
        } else {
            &report.diagnostics[..]
        };
        let diagnostics = Seq(|| {
            shown.iter().enumerate().map(move |(i, d)| {
                json_diagnostic(workspace, d, lang, states.and_then(|s| s.get(i).copied()))
            })
        });
        let suppressions = Seq(|| {
            report.suppressions.iter().filter_map(move |s| {
                let file = workspace.file(s.file)?;
                Some(JsonSuppression {
                    file: &file.path,
                    line: file.char_position(s.span.start).line,
                    codes: &s.codes,
                    reason: s.reason.as_deref(),
                    until: s.until.map(|d| d.to_string()),
                    expired: s.expired,
                    applies: !s.expired
                        && !s.missing_reason
                        && s.target.is_some()
                        && s.malformed.is_none(),
                    silenced: s.silenced,
                })
            })
        });
        let (errors, warnings, infos) = summary_counts(report);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("diagnostics", &diagnostics)?;
        map.serialize_entry("suppressions", &suppressions)?;
        map.serialize_entry(
            "summary",
            &JsonSummary {
                files: workspace.files.len(),
                errors,
                warnings,
                infos,
            },
        )?;
        if let Some((_, summary)) = &self.baseline {
            map.serialize_entry("baseline", summary)?;
        }
        map.end()
    }
}

/// A sequence serialised from an iterator made on demand.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    file: &'a str,
    line: u32,
    codes: &'a [String],
    reason: Option<&'a str>,
    until: Option<String>,
    expired: bool,
    applies: bool,
    silenced: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    related: Vec<JsonRelated<'a>>,
    fix: Option<JsonFix<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    replacement: &'a str,
}

/// One finding (`None`, written `null`, for a file id out of range).
fn json_diagnostic<'a>(
    workspace: &'a Workspace,
    d: &'a Diagnostic,
    lang: Lang,
    baseline: Option<&'a str>,
) -> Option<JsonDiagnostic<'a>> {
    let file = workspace.file(d.file)?;
    let start = file.char_position(d.span.start);
    let end = file.char_position(d.span.end);
    let related = d
        .related
        .iter()
        .filter_map(|r| {
            let other = workspace.file(r.file)?;
            let at = other.char_position(r.span.start);
            Some(JsonRelated {
                file: &other.path,
                line: at.line,
                column: at.column,
                message: r.message.get(lang),
            })
        })
        .collect();
    let fix = d.fix.as_ref().map(|fix| JsonFix {
        message: lang.pick(&fix.zh, &fix.en),
        edits: fix
            .edits
            .iter()
            .map(|e| {
                let a = file.char_position(e.span.start);
                let b = file.char_position(e.span.end);
                JsonEdit {
                    line: a.line,
                    column: a.column,
                    end_line: b.line,
                    end_column: b.column,
                    replacement: &e.replacement,
                }
            })
            .collect(),
    });
    Some(JsonDiagnostic {
        code: d.code.as_str(),
        severity: d.severity.as_str(),
        message: d.message.get(lang),
        file: &file.path,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        related,
        fix,
        baseline,
    })
}

/// Longest stretch of a file shown around a span as it is; anything
/// longer (a 50 MB one-line file) is cut to a window around the span.
const MAX_REGION: usize = 2048;
/// Bytes of the line kept on each side of the span in a cut window.
const WINDOW: usize = 120;
/// Longest part of one span shown in a cut window.
const MAX_SPAN: usize = 400;

/// What miette is shown of a file: the bytes `start..end` of its text, with
/// line and column numbers of the whole file. Keeps the snippet of a huge
/// line short and every column miette pads to within its `u16` widths.
struct Snippet {
    name: String,
    text: std::sync::Arc<str>,
    /// The file's line starts: miette is handed only the lines around a
    /// span (it counts lines from the start of what it is given, once per
    /// label: on a long file, with thousands of findings, that was minutes).
    lines: std::sync::Arc<crate::workspace::Lines>,
    start: usize,
    end: usize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // The lines around the span, one more on each side than miette
        // shows, within the snippet (all of it when a `\r` could make
        // miette's line count differ from ours).
        let from = self.start + span.offset();
        let to = from + span.len();
        let (first, _) = self.lines.line_of(from);
        let (last, _) = self.lines.line_of(to);
        let (lo, hi) = if self.lines.has_carriage_return() {
            (self.start, self.end)
        } else {
            (
                self.lines
                    .start(first.saturating_sub(before + 1))
                    .unwrap_or(0)
                    .clamp(self.start, from.min(self.end)),
                self.lines
                    .start(last + after + 2)
                    .unwrap_or(self.text.len())
                    .clamp(to.min(self.end), self.end),
            )
        };
        let window = self.text.get(lo..hi).unwrap_or_default();
        let inner = window.read_span(
            &SourceSpan::new((from - lo).into(), span.len()),
            before,
            after,
        )?;
        // Columns count characters, as the JSON output does (miette counts
        // bytes, so `file:line:col` would disagree with JSON).
        let at = lo + inner.span().offset();
        let line_start = self
            .text
            .get(..at)
            .and_then(|head| head.rfind('\n'))
            .map_or(0, |i| i + 1);
        let column = self
            .text
            .get(line_start..at)
            .map_or_else(|| inner.column(), |prefix| prefix.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((at - self.start).into(), inner.span().len()),
            inner.line() + self.lines.line_of(lo).0,
            column,
            // miette's count runs from the start of what it was given: the
            // snippet's start, as before the window was cut.
            inner.line_count() + (self.lines.line_of(lo).0 - self.lines.line_of(self.start).0),
        )))
    }
}

/// Round `at` down to a character boundary of `text`.
fn floor_char(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The snippet of `text` for `primary` and the other spans of the same
/// file: the whole text when the lines around the primary span are short,
/// else a window of its line. Returns the spans relative to the snippet
/// (`None` for a secondary span outside a window).
fn snippet(
    name: &str,
    file: &crate::workspace::SourceFile,
    primary: koujing_grammar::Span,
    others: &[koujing_grammar::Span],
) -> (Snippet, SourceSpan, Vec<Option<SourceSpan>>) {
    let text = &file.text;
    let start = floor_char(text, primary.start);
    let end = floor_char(text, primary.end.max(start));
    // From the line before the span to the line after it.
    let before = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .and_then(|i| text.get(..i).and_then(|t| t.rfind('\n')).or(Some(0)))
        .unwrap_or(0);
    let after = text
        .get(end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| {
            let next = end + i + 1;
            text.get(next..)
                .and_then(|t| t.find('\n'))
                .map_or(text.len(), |j| next + j)
        });
    if after.saturating_sub(before) <= MAX_REGION {
        let whole = Snippet {
            name: name.to_string(),
            text: text.clone(),
            lines: file.lines.clone(),
            start: 0,
            end: text.len(),
        };
        let others = others.iter().map(|s| Some(source_span(text, *s))).collect();
        return (whole, source_span(text, primary), others);
    }
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line_end = text
        .get(start..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| start + i);
    let from = floor_char(text, start.saturating_sub(WINDOW).max(line_start));
    let shown_end = end.min(start + MAX_SPAN);
    let to = floor_char(text, (shown_end + WINDOW).min(line_end.max(shown_end))).max(from);
    let window = Snippet {
        name: name.to_string(),
        text: text.clone(),
        lines: file.lines.clone(),
        start: from,
        end: to,
    };
    let relative = |span: koujing_grammar::Span| {
        let a = span.start.clamp(from, to);
        let b = span.end.clamp(a, to);
        SourceSpan::new((a - from).into(), b - a)
    };
    let others = others
        .iter()
        .map(|s| (s.start >= from && s.end <= to).then(|| relative(*s)))
        .collect();
    (
        window,
        relative(koujing_grammar::Span::new(start, shown_end)),
        others,
    )
}

/// A diagnostic seen through miette's eyes.
struct MietteView {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Snippet,
    labels: Vec<LabeledSpan>,
    related: Vec<MietteView>,
}

impl fmt::Debug for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MietteView {}

impl miette::Diagnostic for MietteView {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        if self.code.is_empty() {
            None
        } else {
            Some(Box::new(&self.code))
        }
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn miette_severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn source_span(text: &str, span: koujing_grammar::Span) -> SourceSpan {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    SourceSpan::new(start.into(), end - start)
}

fn view(workspace: &Workspace, d: &Diagnostic, lang: Lang) -> Option<MietteView> {
    let file = workspace.file(d.file)?;
    let same: Vec<koujing_grammar::Span> = d
        .related
        .iter()
        .filter(|r| r.file == d.file)
        .map(|r| r.span)
        .collect();
    let (source, primary, spans) = snippet(&file.path, file, d.span, &same);
    let mut labels = vec![LabeledSpan::new_primary_with_span(None, primary)];
    let mut same_spans = spans.into_iter();
    let mut related = Vec::new();
    for r in &d.related {
        if r.file == d.file {
            if let Some(span) = same_spans.next().flatten() {
                labels.push(LabeledSpan::new_with_span(
                    Some(r.message.get(lang).to_string()),
                    span,
                ));
            }
        } else if let Some(other) = workspace.file(r.file) {
            let (other_source, span, _) = snippet(&other.path, other, r.span, &[]);
            related.push(MietteView {
                code: String::new(),
                message: r.message.get(lang).to_string(),
                severity: miette::Severity::Advice,
                help: None,
                labels: vec![LabeledSpan::new_primary_with_span(None, span)],
                source: other_source,
                related: Vec::new(),
            });
        }
    }
    let mut help: Vec<String> = Vec::new();
    if let Some(h) = &d.help {
        help.push(h.get(lang).to_string());
    }
    if let Some(fix) = &d.fix {
        help.push(lang.pick(&fix.zh, &fix.en).to_string());
    }
    Some(MietteView {
        code: d.code.as_str().to_string(),
        message: d.message.get(lang).to_string(),
        severity: miette_severity(d.severity),
        help: if help.is_empty() {
            None
        } else {
            Some(help.join("\n"))
        },
        source,
        labels,
        related,
    })
}

/// Render diagnostics for a terminal: source snippets, labels, help lines.
pub fn human(workspace: &Workspace, report: &Report, lang: Lang, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for d in &report.diagnostics {
        if let Some(view) = view(workspace, d, lang) {
            // Rendering into a String cannot fail but for a formatter error.
            let _ = handler.render_report(&mut out, &view);
        }
    }
    let (errors, warnings, infos) = summary_counts(report);
    let files = workspace.files.len();
    out.push_str(&Msg::Checked.get(
        lang,
        &[
            (
                "files",
                &Msg::count(lang, files, Msg::FilesOne, Msg::FilesMany),
            ),
            (
                "errors",
                &Msg::count(lang, errors, Msg::ErrorsOne, Msg::ErrorsMany),
            ),
            (
                "warnings",
                &Msg::count(lang, warnings, Msg::WarningsOne, Msg::WarningsMany),
            ),
            (
                "infos",
                &Msg::count(lang, infos, Msg::InfosOne, Msg::InfosMany),
            ),
        ],
    ));
    out.push('\n');
    out
}
