//! Renderers: miette for the terminal, JSON for machines (positions in
//! characters).

use std::fmt;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde_json::{json, Value};

use crate::codes::Severity;
use crate::diagnostic::{Diagnostic, Lang};
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
/// Lines and columns are 1-based; columns count characters.
pub fn json(workspace: &Workspace, report: &Report, lang: Lang) -> Value {
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| json_diagnostic(workspace, d, lang))
        .collect();
    let (errors, warnings, infos) = summary_counts(report);
    let suppressions: Vec<Value> = report
        .suppressions
        .iter()
        .filter_map(|s| {
            let file = workspace.file(s.file)?;
            let at = file.char_position(s.span.start);
            Some(json!({
                "file": file.path,
                "line": at.line,
                "codes": s.codes,
                "reason": s.reason,
                "until": s.until.map(|d| d.to_string()),
                "expired": s.expired,
                "applies": !s.expired && !s.missing_reason && s.target.is_some() && s.malformed.is_none(),
                "silenced": s.silenced,
            }))
        })
        .collect();
    json!({
        "diagnostics": diagnostics,
        "suppressions": suppressions,
        "summary": {
            "files": workspace.files.len(),
            "errors": errors,
            "warnings": warnings,
            "infos": infos,
        }
    })
}

fn json_diagnostic(workspace: &Workspace, d: &Diagnostic, lang: Lang) -> Value {
    let Some(file) = workspace.file(d.file) else {
        return Value::Null;
    };
    let start = file.char_position(d.span.start);
    let end = file.char_position(d.span.end);
    let related: Vec<Value> = d
        .related
        .iter()
        .filter_map(|r| {
            let other = workspace.file(r.file)?;
            let at = other.char_position(r.span.start);
            Some(json!({
                "file": other.path,
                "line": at.line,
                "column": at.column,
                "message": r.message.get(lang),
            }))
        })
        .collect();
    let fix = d.fix.as_ref().map(|fix| {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                let a = file.char_position(e.span.start);
                let b = file.char_position(e.span.end);
                json!({
                    "line": a.line, "column": a.column,
                    "end_line": b.line, "end_column": b.column,
                    "replacement": e.replacement,
                })
            })
            .collect();
        json!({ "message": if lang.is_zh() { &fix.zh } else { &fix.en }, "edits": edits })
    });
    let message = d.message.get(lang);
    json!({
        "code": d.code.as_str(),
        "severity": d.severity.as_str(),
        "message": message,
        "file": file.path,
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
        "related": related,
        "fix": fix,
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
    start: usize,
    end: usize,
    /// 0-based line of `start` in the file.
    line: usize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let window = self.text.get(self.start..self.end).unwrap_or_default();
        let inner = window.read_span(span, before, after)?;
        // Columns count characters, as the JSON output does (miette counts
        // bytes, so `file:line:col` would disagree with JSON).
        let at = self.start + inner.span().offset();
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
            *inner.span(),
            inner.line() + self.line,
            column,
            inner.line_count(),
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
            start: 0,
            end: text.len(),
            line: 0,
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
    let position = file.position(from, None);
    let window = Snippet {
        name: name.to_string(),
        text: text.clone(),
        start: from,
        end: to,
        line: position.line.saturating_sub(1) as usize,
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
        help.push(if lang.is_zh() {
            fix.zh.clone()
        } else {
            fix.en.clone()
        });
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
    if lang.is_zh() {
        out.push_str(&format!(
            "检查了 {files} 个文件:{errors} 个错误,{warnings} 个警告,{infos} 个提示\n"
        ));
    } else {
        let counted = |n: usize, one: &str| {
            if n == 1 {
                format!("{n} {one}")
            } else {
                format!("{n} {one}s")
            }
        };
        out.push_str(&format!(
            "checked {}: {}, {}, {}\n",
            counted(files, "file"),
            counted(errors, "error"),
            counted(warnings, "warning"),
            counted(infos, "info")
        ));
    }
    out
}
