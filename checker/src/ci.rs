//! Output for CI gates: SARIF 2.1.0, GitHub workflow commands, JUnit XML.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::codes::{Code, Severity};
use crate::diagnostic::{Diagnostic, Lang};
use crate::workspace::Workspace;
use crate::Report;

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(workspace: &Workspace, file: usize, span: koujing_grammar::Span) -> Value {
    let Some(source) = workspace.file(file) else {
        return json!({});
    };
    let start = source.char_position(span.start);
    let end = source.char_position(span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column.max(if end.line == start.line { start.column } else { 1 }),
    })
}

fn location(workspace: &Workspace, file: usize, span: koujing_grammar::Span) -> Value {
    let uri = workspace
        .file(file)
        .map_or_else(String::new, |f| f.path.clone());
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri },
            "region": region(workspace, file, span),
        }
    })
}

/// SARIF 2.1.0: one run, every rule of the registry, every result with its
/// locations, related locations and fixes. Columns count code points.
pub fn sarif(workspace: &Workspace, report: &Report, lang: Lang) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            let info = code.info();
            let (short, other) = (info.summary(lang), info.summary(lang.other()));
            json!({
                "id": info.code,
                "name": info.name,
                "shortDescription": { "text": short },
                "fullDescription": { "text": format!("{short} / {other}") },
                "help": { "text": info.explanation, "markdown": info.explanation },
                "defaultConfiguration": { "level": sarif_level(info.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            let related: Vec<Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut loc = location(workspace, r.file, r.span);
                    if let Some(object) = loc.as_object_mut() {
                        object.insert("id".into(), json!(i + 1));
                        object.insert("message".into(), json!({ "text": r.message.get(lang) }));
                    }
                    loc
                })
                .collect();
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": sarif_level(d.severity),
                "message": { "text": d.message.get(lang) },
                "locations": [location(workspace, d.file, d.span)],
            });
            if let Some(object) = result.as_object_mut() {
                if !related.is_empty() {
                    object.insert("relatedLocations".into(), Value::Array(related));
                }
                if let Some(fix) = &d.fix {
                    let uri = workspace.file(d.file).map_or_else(String::new, |f| f.path.clone());
                    let replacements: Vec<Value> = fix
                        .edits
                        .iter()
                        .map(|e| json!({ "deletedRegion": region(workspace, d.file, e.span), "insertedContent": { "text": e.replacement } }))
                        .collect();
                    object.insert(
                        "fixes".into(),
                        json!([{
                            "description": { "text": lang.pick(&fix.zh, &fix.en) },
                            "artifactChanges": [{ "artifactLocation": { "uri": uri }, "replacements": replacements }],
                        }]),
                    );
                }
            }
            result
        })
        .collect();
    let mut driver = json!({
        "name": "koujing",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    // `informationUri` is the `repository` of Cargo.toml, when it is set;
    // no made-up address otherwise.
    if let (Some(object), Some(uri)) = (
        driver.as_object_mut(),
        option_env!("CARGO_PKG_REPOSITORY").filter(|u| !u.is_empty()),
    ) {
        object.insert("informationUri".into(), json!(uri));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=KJxxxx::…`.
pub fn github(workspace: &Workspace, report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let Some(file) = workspace.file(d.file) else {
            continue;
        };
        let start = file.char_position(d.span.start);
        let end = file.char_position(d.span.end);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&file.path),
            start.line,
            start.column,
            end.line,
            end.column,
            d.code.as_str(),
            escape_data(d.message.get(lang)),
        ));
    }
    out
}

/// XML-escape text for element content and attribute values.
pub fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// JUnit XML: one test case per file, failing on findings at or above
/// `fail_level`; the others are listed as output.
pub fn junit(workspace: &Workspace, report: &Report, lang: Lang, fail_level: Severity) -> String {
    let mut by_file: BTreeMap<usize, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.diagnostics {
        by_file.entry(d.file).or_default().push(d);
    }
    let mut cases = String::new();
    let mut failures = 0;
    for (id, file) in workspace.files.iter().enumerate() {
        let found = by_file.get(&id).cloned().unwrap_or_default();
        let failing: Vec<&&Diagnostic> =
            found.iter().filter(|d| d.severity >= fail_level).collect();
        cases.push_str(&format!(
            "    <testcase classname=\"koujing\" name=\"{}\">\n",
            xml(&file.path)
        ));
        let line = |d: &Diagnostic| {
            let at = file.char_position(d.span.start);
            format!(
                "{}:{}:{} {} {}: {}",
                file.path,
                at.line,
                at.column,
                d.severity.as_str(),
                d.code,
                d.message.get(lang)
            )
        };
        if !failing.is_empty() {
            failures += 1;
            let first = failing
                .first()
                .map(|d| d.message.get(lang))
                .unwrap_or_default();
            let body: Vec<String> = failing.iter().map(|d| line(d)).collect();
            cases.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                xml(first),
                failing.first().map(|d| d.code.as_str()).unwrap_or_default(),
                xml(&body.join("\n"))
            ));
        }
        let rest: Vec<String> = found
            .iter()
            .filter(|d| d.severity < fail_level)
            .map(|d| line(d))
            .collect();
        if !rest.is_empty() {
            cases.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                xml(&rest.join("\n"))
            ));
        }
        cases.push_str("    </testcase>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"koujing\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n{cases}  </testsuite>\n</testsuites>\n",
        workspace.files.len()
    )
}
