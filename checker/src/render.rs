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

/// A diagnostic seen through miette's eyes.
struct MietteView {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: CharColumns,
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

/// A named source whose columns count characters, as the JSON output does
/// (miette counts bytes, so `file:line:col` would disagree with JSON).
struct CharColumns {
    name: String,
    text: String,
}

impl CharColumns {
    fn new(name: String, text: String) -> CharColumns {
        CharColumns { name, text }
    }
}

impl fmt::Debug for CharColumns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CharColumns")
            .field("name", &self.name)
            .finish()
    }
}

impl SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self.text.read_span(span, before, after)?;
        let start = contents.span().offset();
        let line_start = self
            .text
            .get(..start)
            .and_then(|head| head.rfind('\n'))
            .map_or(0, |i| i + 1);
        let column = self
            .text
            .get(line_start..start)
            .map_or_else(|| contents.column(), |prefix| prefix.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        )))
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
    let text = file.text.to_string();
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        None,
        source_span(&text, d.span),
    )];
    let mut related = Vec::new();
    for r in &d.related {
        if r.file == d.file {
            labels.push(LabeledSpan::new_with_span(
                Some(r.message.get(lang).to_string()),
                source_span(&text, r.span),
            ));
        } else if let Some(other) = workspace.file(r.file) {
            let other_text = other.text.to_string();
            related.push(MietteView {
                code: String::new(),
                message: r.message.get(lang).to_string(),
                severity: miette::Severity::Advice,
                help: None,
                labels: vec![LabeledSpan::new_primary_with_span(
                    None,
                    source_span(&other_text, r.span),
                )],
                source: CharColumns::new(other.path.clone(), other_text),
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
        source: CharColumns::new(file.path.clone(), text),
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
