//! Baselines: today's findings written down, so that a gate adopted on a
//! workspace with known problems fails only on new ones.
//!
//! A finding is identified by its code, its file (relative to the workspace
//! root), the item it is in (`campaign 名称`) and a fingerprint of its
//! message, which is made of the message's arguments. Line numbers play no
//! part: editing above a finding leaves it "unchanged".

use std::collections::BTreeMap;
use std::path::Path;

use koujing_checker::{Diagnostic, Msg, Workspace};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::commands::say;

/// What identifies one finding across edits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Key {
    pub code: String,
    pub file: String,
    pub item: String,
    pub fingerprint: String,
}

/// The file `--write-baseline` writes and `--baseline` reads.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Key>,
}

/// A finding's standing against a baseline (SARIF `baselineState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    New,
    Unchanged,
}

impl State {
    /// The SARIF spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Unchanged => "unchanged",
        }
    }
}

/// The header of the item a byte offset is in: its keyword and name
/// (`campaign 抚州冬季`), or "" outside every item.
fn item_at(workspace: &Workspace, file: usize, offset: usize) -> String {
    let Some(source) = workspace.file(file) else {
        return String::new();
    };
    source
        .parsed
        .module
        .items
        .iter()
        .map(|item| item.span())
        .find(|span| span.start <= offset && offset < span.end.max(span.start + 1))
        .map(|span| {
            source
                .text
                .get(span.start..span.end)
                .unwrap_or_default()
                .split(|c: char| c.is_whitespace() || c == '{' || c == '"')
                .filter(|w| !w.is_empty())
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// The key of one finding; `relative` gives each file's path relative to
/// the workspace root.
pub fn key_of(workspace: &Workspace, relative: &[String], d: &Diagnostic) -> Key {
    let digest = Sha256::digest(d.message.en.as_bytes());
    let fingerprint: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Key {
        code: d.code.as_str().to_string(),
        file: relative.get(d.file).cloned().unwrap_or_default(),
        item: item_at(workspace, d.file, d.span.start),
        fingerprint,
    }
}

/// Write `keys` (sorted, so the file is the same for the same findings).
pub fn write(path: &Path, keys: &[Key]) -> Result<(), String> {
    let mut findings = keys.to_vec();
    findings.sort();
    let text = serde_json::to_string_pretty(&BaselineFile {
        version: 1,
        findings,
    })
    .map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| {
        say(
            Msg::CannotWrite,
            &[("path", &path.display()), ("error", &e)],
        )
    })
}

/// Read a baseline written by `--write-baseline`.
pub fn read(path: &Path) -> Result<Vec<Key>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        say(
            Msg::CannotReadBaseline,
            &[("path", &path.display()), ("error", &e)],
        )
    })?;
    let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
        say(
            Msg::NotBaseline,
            &[("path", &path.display()), ("error", &e)],
        )
    })?;
    Ok(file.findings)
}

/// Each current finding's state, and the baseline findings no longer
/// present ("absent"). Equal keys match one for one.
pub fn compare(now: &[Key], baseline: &[Key]) -> (Vec<State>, Vec<Key>) {
    let mut left: BTreeMap<&Key, usize> = BTreeMap::new();
    for key in baseline {
        *left.entry(key).or_default() += 1;
    }
    let states = now
        .iter()
        .map(|key| match left.get_mut(key) {
            Some(count) if *count > 0 => {
                *count -= 1;
                State::Unchanged
            }
            _ => State::New,
        })
        .collect();
    let absent = left
        .into_iter()
        .flat_map(|(key, count)| std::iter::repeat_n(key.clone(), count))
        .collect();
    (states, absent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: &str, fp: &str) -> Key {
        Key {
            code: code.into(),
            file: "a.kj".into(),
            item: "campaign 甲".into(),
            fingerprint: fp.into(),
        }
    }

    #[test]
    fn keys_match_one_for_one() {
        let baseline = [key("KJ2001", "1"), key("KJ2001", "1"), key("KJ2002", "2")];
        let now = [key("KJ2001", "1"), key("KJ2001", "1"), key("KJ2001", "1")];
        let (states, absent) = compare(&now, &baseline);
        assert_eq!(states, [State::Unchanged, State::Unchanged, State::New]);
        assert_eq!(absent, [key("KJ2002", "2")]);
    }
}
