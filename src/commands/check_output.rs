//! The output of `koujing check` in each format, with baseline states when
//! a baseline is in use: JSON gets a `baseline` field per finding and a
//! summary, SARIF a `baselineState` per result (and the `absent` ones), and
//! the text formats show only the new findings plus a count of the others.

use koujing_checker::{render, Lang, Msg, Report, Severity};
use std::io::Write;

use serde_json::{json, Value};

use super::Format;
use crate::baseline::{Key, State};
use crate::load::Loaded;
use crate::progress::Progress;

/// Each finding's state and the baseline findings no longer present.
type Compared = (Vec<State>, Vec<Key>);

/// Render `report` in `format` to `out` (the JSON is streamed; the other
/// formats are written at once). Human output ends with `footer`. The
/// progress indicator is cleared before anything is written.
#[allow(clippy::too_many_arguments)]
pub fn render(
    loaded: &Loaded,
    mut report: Report,
    compared: Option<&Compared>,
    format: Format,
    lang: Lang,
    threshold: Severity,
    color: bool,
    footer: &str,
    progress: &Progress,
    out: &mut dyn Write,
) -> Result<(), String> {
    let text = render_text(
        loaded,
        &mut report,
        compared,
        format,
        lang,
        threshold,
        color,
    )?;
    progress.finish();
    // A closed pipe (`| head`) is not an error of the check.
    let _ = match text {
        Some(mut text) => {
            text.push_str(footer);
            out.write_all(text.as_bytes())
        }
        None => {
            let mut json = render::JsonReport::new(&loaded.workspace, &report, lang);
            let states: Vec<&str> = compared
                .map(|(states, _)| states.iter().map(|s| s.as_str()).collect())
                .unwrap_or_default();
            if let Some((states_full, absent)) = compared {
                json = json.with_baseline(&states, summary(states_full, absent));
            }
            render::write_json(&json, out)
        }
    };
    // The process ends soon after: freeing tens of thousands of findings
    // one allocation at a time would only delay the exit.
    std::mem::forget(report);
    Ok(())
}

/// The text of `report` in `format`; `None` for JSON, which is streamed.
fn render_text(
    loaded: &Loaded,
    report: &mut Report,
    compared: Option<&Compared>,
    format: Format,
    lang: Lang,
    threshold: Severity,
    color: bool,
) -> Result<Option<String>, String> {
    let workspace = &loaded.workspace;
    let pretty = |v: &Value| serde_json::to_string_pretty(v).map_err(|e| e.to_string());
    match format {
        Format::Json => Ok(None),
        Format::Sarif => {
            let mut value = koujing_checker::ci::sarif(workspace, report, lang);
            if let Some((states, absent)) = compared {
                if let Some(run) = value.pointer_mut("/runs/0") {
                    mark(run, "results", "baselineState", states);
                    if let Some(results) = run.get_mut("results").and_then(Value::as_array_mut) {
                        results.extend(absent.iter().map(|k| absent_result(loaded, k, lang)));
                    }
                }
            }
            Ok(Some(pretty(&value)? + "\n"))
        }
        Format::Github | Format::Junit | Format::Human => {
            let mut note = String::new();
            if let Some((states, absent)) = compared {
                let mut state = states.iter();
                report
                    .diagnostics
                    .retain(|_| state.next() == Some(&State::New));
                let unchanged = states.iter().filter(|s| **s == State::Unchanged).count();
                let msg = plural(unchanged, Msg::BaselineNoteOne, Msg::BaselineNote);
                note = msg.get(lang, &[("unchanged", &unchanged), ("fixed", &absent.len())]);
                note.push('\n');
            }
            let text = match format {
                Format::Github => koujing_checker::ci::github(workspace, report, lang),
                Format::Junit => koujing_checker::ci::junit(workspace, report, lang, threshold),
                _ => render::human(workspace, report, lang, color),
            };
            if format == Format::Human {
                Ok(Some(text + &note))
            } else {
                eprint!("{note}");
                Ok(Some(text))
            }
        }
    }
}

/// `one` or `many` after a count.
pub fn plural<T>(count: usize, one: T, many: T) -> T {
    if count == 1 {
        one
    } else {
        many
    }
}

/// Set `field` on each element of the array `key` of `value` to its state.
fn mark(value: &mut Value, key: &str, field: &str, states: &[State]) {
    if let Some(list) = value.get_mut(key).and_then(Value::as_array_mut) {
        for (item, state) in list.iter_mut().zip(states) {
            if let Some(object) = item.as_object_mut() {
                object.insert(field.into(), json!(state.as_str()));
            }
        }
    }
}

fn summary(states: &[State], absent: &[Key]) -> Value {
    let count = |s: State| states.iter().filter(|x| **x == s).count();
    json!({
        "new": count(State::New),
        "unchanged": count(State::Unchanged),
        "absent": absent,
    })
}

/// A SARIF result for a baseline finding that is gone.
fn absent_result(loaded: &Loaded, key: &Key, lang: Lang) -> Value {
    // The file as the other results name it, when it is still there.
    let uri = loaded
        .relative
        .iter()
        .zip(&loaded.workspace.files)
        .find(|(relative, _)| **relative == key.file)
        .map_or(key.file.as_str(), |(_, file)| file.path.as_str());
    let text = Msg::GoneFromBaseline.get(lang, &[("code", &key.code), ("item", &key.item)]);
    json!({
        "ruleId": key.code,
        "level": "none",
        "message": { "text": text },
        "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri } } }],
        "baselineState": "absent",
    })
}
