//! `// koujing: allow(KJ2002, KJ5002) reason="…" until=2027-01-31`
//!
//! A suppression comment on its own line silences the listed codes for the
//! item or field that starts on the next line of code. After `until` it no
//! longer applies, and the tool says so (KJ0006); so does an allow that
//! silences nothing, names an unknown code, cannot be read, or stands before
//! nothing.

use chrono::NaiveDate;
use koujing_grammar::tree::{Block, Entry, ItemBody, SyntaxFile};
use koujing_grammar::{Arg, Span};
use serde::Serialize;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, FileId, LocalText};
use crate::messages::NoteMsg as N;
use crate::workspace::SourceFile;

/// One suppression comment, read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    #[serde(skip)]
    pub file: FileId,
    /// The comment.
    #[serde(skip)]
    pub span: Span,
    /// The item or field it covers.
    #[serde(skip)]
    pub target: Option<Span>,
    pub codes: Vec<String>,
    pub reason: Option<String>,
    pub until: Option<NaiveDate>,
    /// How many diagnostics it silenced.
    pub silenced: usize,
    pub expired: bool,
    /// `--require-reason` and no `reason="…"`: it does not apply.
    pub missing_reason: bool,
    /// Why it could not be read, if it could not.
    #[serde(skip)]
    pub malformed: Option<N>,
}

/// An allow comment read: codes, reason, until.
type Allow = (Vec<String>, Option<String>, Option<NaiveDate>);

/// Read the allow list, `reason="…"` and `until=…` of a comment's text.
fn parse_allow(text: &str) -> Option<Result<Allow, N>> {
    let rest = text.trim().strip_prefix("koujing:")?.trim_start();
    let Some(rest) = rest.strip_prefix("allow") else {
        return Some(Err(N::AllowExpectedAllow));
    };
    let Some(rest) = rest.trim_start().strip_prefix('(') else {
        return Some(Err(N::AllowExpectedParen));
    };
    let Some((list, mut rest)) = rest.split_once(')') else {
        return Some(Err(N::AllowMissingParen));
    };
    let codes: Vec<String> = list
        .split([',', '，'])
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if codes.is_empty() {
        return Some(Err(N::AllowNoCode));
    }
    let mut reason = None;
    let mut until = None;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        if let Some(after) = rest.strip_prefix("reason=") {
            let Some(after) = after.strip_prefix('"') else {
                return Some(Err(N::AllowReasonUnquoted));
            };
            let Some((value, tail)) = after.split_once('"') else {
                return Some(Err(N::AllowReasonUnterminated));
            };
            reason = Some(value.to_string());
            rest = tail;
        } else if let Some(after) = rest.strip_prefix("until=") {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            let (value, tail) = after.split_at(end);
            match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(date) => until = Some(date),
                Err(_) => return Some(Err(N::AllowUntilNotDate)),
            }
            rest = tail;
        } else {
            return Some(Err(N::AllowExpectedReasonOrUntil));
        }
    }
    Some(Ok((codes, reason, until)))
}

/// Whether a comment is a `koujing:` directive, whose target is found in
/// the file's syntax tree.
pub(crate) fn is_directive(text: &str) -> bool {
    parse_allow(text).is_some()
}

/// Start offsets of every item and field, with the largest span starting there.
fn node_starts(file: &SyntaxFile) -> Vec<Span> {
    fn block(b: &Block, out: &mut Vec<Span>) {
        for entry in &b.entries {
            out.push(entry.span());
            match entry {
                Entry::Block(sub) => block(&sub.block, out),
                Entry::Factor(f) => {
                    if let Some(b) = &f.block {
                        block(b, out);
                    }
                }
                Entry::Rates(r) => out.extend(r.rows.iter().map(|row| row.span)),
                Entry::Field(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    for item in &file.items {
        out.push(item.span);
        if let ItemBody::Block(b) = &item.body {
            block(b, &mut out);
        }
    }
    out
}

/// Find the suppressions of a file.
pub fn collect(id: FileId, source: &SourceFile) -> Vec<Suppression> {
    let text = &*source.text;
    let mut found = Vec::new();
    let mut starts: Option<Vec<Span>> = None;
    for comment in &source.parsed.syntax.comments {
        let Some(parsed) = parse_allow(&comment.text) else {
            continue;
        };
        let starts = starts.get_or_insert_with(|| node_starts(&source.parsed.syntax));
        let line_start = text
            .get(..comment.span.start)
            .map_or(0, |t| t.rfind('\n').map_or(0, |n| n + 1));
        let own_line = text
            .get(line_start..comment.span.start)
            .is_some_and(|t| t.trim().is_empty());
        // The first line of code after the comment.
        let mut target = None;
        if own_line {
            let mut at = comment.span.end;
            while let Some(rest) = text.get(at..) {
                let Some(nl) = rest.find('\n') else { break };
                at += nl + 1;
                let line = text.get(at..).unwrap_or_default();
                let line = line.split('\n').next().unwrap_or_default();
                let trimmed = line.trim_start();
                if trimmed.is_empty() || trimmed.starts_with("//") {
                    continue;
                }
                let first = at + (line.len() - trimmed.len());
                target = starts
                    .iter()
                    .filter(|s| s.start == first)
                    .max_by_key(|s| s.len())
                    .copied();
                break;
            }
        }
        let (codes, reason, until, malformed) = match parsed {
            Ok((codes, reason, until)) => (codes, reason, until, None),
            Err(why) => (Vec::new(), None, None, Some(why)),
        };
        found.push(Suppression {
            file: id,
            span: comment.span,
            target,
            codes,
            reason,
            until,
            silenced: 0,
            expired: false,
            missing_reason: false,
            malformed,
        });
    }
    found
}

/// Remove suppressed diagnostics; report KJ0006 for every ineffective allow.
pub fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    suppressions: &mut [Suppression],
    today: NaiveDate,
    require_reason: bool,
) {
    for s in suppressions.iter_mut() {
        s.expired = s.until.is_some_and(|until| until < today);
        s.missing_reason =
            require_reason && s.reason.as_deref().is_none_or(|r| r.trim().is_empty());
    }
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.codes.len()])
        .collect();
    diagnostics.retain(|d| {
        let mut keep = true;
        for (s, used) in suppressions.iter_mut().zip(used.iter_mut()) {
            if s.file != d.file
                || s.expired
                || s.missing_reason
                || !s.target.is_some_and(|t| t.contains(d.span))
            {
                continue;
            }
            for (code, used) in s.codes.iter().zip(used.iter_mut()) {
                if code.eq_ignore_ascii_case(d.code.as_str()) {
                    *used = true;
                    keep = false;
                }
            }
            if !keep {
                s.silenced += 1;
                break;
            }
        }
        keep
    });
    for (s, used) in suppressions.iter().zip(used) {
        let mut report = |reason: LocalText| {
            diagnostics.push(Diagnostic::new(
                Code::KJ0006,
                s.file,
                s.span,
                &[("reason", Arg::text(reason.zh, reason.en))],
            ));
        };
        if let Some(why) = s.malformed {
            report(LocalText::from_fn(|lang| {
                N::AllowUnreadable.get(lang, &[("why", &why.template(lang))])
            }));
            continue;
        }
        if s.target.is_none() {
            report(N::AllowOwnLine.text(&[]));
            continue;
        }
        if s.missing_reason {
            report(N::AllowNoReason.text(&[]));
            continue;
        }
        if let (true, Some(until)) = (s.expired, s.until) {
            report(N::AllowExpired.text(&[("until", &until)]));
            continue;
        }
        for (code, used) in s.codes.iter().zip(used) {
            if code.parse::<Code>().is_err() {
                report(N::AllowUnknownCode.text(&[("code", code)]));
            } else if !used {
                report(N::AllowUnused.text(&[("code", code)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_reason_and_until() {
        let parsed = parse_allow(
            " koujing: allow(KJ2002, KJ5002) reason=\"春节档期经省公司批准\" until=2027-01-31",
        );
        let (codes, reason, until) = parsed.unwrap().unwrap();
        assert_eq!(codes, vec!["KJ2002", "KJ5002"]);
        assert_eq!(reason.as_deref(), Some("春节档期经省公司批准"));
        assert_eq!(until, NaiveDate::from_ymd_opt(2027, 1, 31));
    }

    #[test]
    fn other_comments_are_not_suppressions() {
        assert!(parse_allow(" 普通注释").is_none());
        assert!(parse_allow(" koujing: allow KJ2002").unwrap().is_err());
    }
}
