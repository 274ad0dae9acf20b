//! Every finding, grouped by code and by campaign, filterable by severity
//! and code (a few lines of inline script), each linked to its campaign's
//! card; and the counts by city.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{esc, thead, Ctx};
use crate::codes::{Code, Severity};
use crate::messages::ReportMsg as M;
use crate::model::CampaignFact;

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

/// The city (or the province) a campaign belongs to: its issuer, or the
/// issuer's ancestor one level below the root.
fn city<'w>(cx: &Ctx<'_, 'w>, fact: &CampaignFact<'w>) -> &'w str {
    let mut at = fact.issuer;
    while let Some(region) = cx.index.regions.get(at) {
        match region.parent {
            Some(parent) if region.depth > 1 => at = parent,
            _ => return region.name.text.as_str(),
        }
    }
    ""
}

/// The fix of a finding, or its code's help, in the report's language.
fn fix_text<'d>(cx: &Ctx<'_, '_>, d: &'d crate::Diagnostic) -> Option<&'d str> {
    d.fix_or_help(cx.lang)
}

fn fix_html(cx: &Ctx<'_, '_>, fix: &str) -> String {
    format!("<div class=\"fix\">{} {}</div>", cx.t(M::Fix), esc(fix))
}

/// One table row per finding; `with_fix: false` leaves the fix out (its
/// group shows it once).
pub(super) fn row(out: &mut String, cx: &Ctx<'_, '_>, i: usize, with_id: bool, with_fix: bool) {
    let Some(d) = cx.diagnostic(i) else { return };
    let campaign = cx
        .owner
        .get(i)
        .copied()
        .flatten()
        .and_then(|f| cx.facts.get(f))
        .map(|f| format!("<a href=\"#{}\">{}</a>", cx.anchor(f.name()), esc(f.name())))
        .unwrap_or_default();
    let fix = fix_text(cx, d)
        .filter(|_| with_fix)
        .map_or_else(String::new, |f| fix_html(cx, f));
    let _ = writeln!(
        out,
        "<tr class=\"finding {}\"{} data-code=\"{}\"><td class=\"sev\">{}</td><td>{}</td><td>{}</td><td>{campaign}</td><td>{}{fix}</td></tr>",
        d.severity.as_str(),
        if with_id { format!(" id=\"f-{i}\"") } else { String::new() },
        d.code,
        cx.severity(d.severity),
        d.code,
        esc(&cx.location(d.file, d.span)),
        esc(d.message.get(cx.lang)),
    );
}

/// The table head shared by the findings tables.
pub(super) fn head(out: &mut String, cx: &Ctx<'_, '_>) {
    let _ = writeln!(
        out,
        "{}",
        thead(&[
            cx.t(M::Severity),
            cx.t(M::Code),
            cx.t(M::Location),
            cx.t(M::Campaign),
            cx.t(M::Message),
        ])
    );
}

pub(super) fn section(out: &mut String, cx: &Ctx<'_, '_>) {
    let _ = writeln!(
        out,
        "<section id=\"findings\"><h2>{}</h2>",
        cx.t(M::FindingsHeading)
    );
    let mut by_code: BTreeMap<Code, Vec<usize>> = BTreeMap::new();
    for (i, d) in cx.report.diagnostics.iter().enumerate() {
        by_code.entry(d.code).or_default().push(i);
    }
    by_city(out, cx);

    // Filters.
    let _ = write!(
        out,
        "<div class=\"filters\" role=\"group\" aria-label=\"{}\">",
        cx.t(M::Filter)
    );
    for sev in SEVERITIES {
        let _ = write!(
            out,
            "<button type=\"button\" data-severity=\"{}\" aria-pressed=\"true\">{} ({})</button> ",
            sev.as_str(),
            cx.severity(sev),
            cx.report.count(sev)
        );
    }
    let _ = write!(
        out,
        "<label>{} <select id=\"code-filter\"><option value=\"\">{}</option>",
        cx.t(M::Code),
        cx.t(M::All),
    );
    for (code, list) in &by_code {
        let _ = write!(
            out,
            "<option value=\"{code}\">{code} ({})</option>",
            list.len()
        );
    }
    let _ = writeln!(
        out,
        "</select></label> <span class=\"muted\">{} <span id=\"finding-count\">{}</span></span></div>",
        cx.t(M::Shown),
        cx.report.diagnostics.len()
    );

    // By code.
    let _ = write!(
        out,
        "<h3>{}</h3><table class=\"findings\">",
        cx.t(M::ByCode)
    );
    head(out, cx);
    for (code, list) in &by_code {
        let info = code.info();
        // One fix for the whole group when every finding in it has the same
        // (a large workspace repeats the code's help thousands of times).
        let fixes: BTreeSet<Option<&str>> = list
            .iter()
            .filter_map(|&i| cx.diagnostic(i))
            .map(|d| fix_text(cx, d))
            .collect();
        let shared = match (list.len() > 1, fixes.iter().next()) {
            (true, Some(&Some(fix))) if fixes.len() == 1 => Some(fix),
            _ => None,
        };
        let _ = writeln!(
            out,
            "<tbody data-code=\"{code}\"><tr class=\"group\"><th colspan=\"5\" scope=\"rowgroup\">{code} {} ({}){}</th></tr>",
            esc(info.summary(cx.lang)),
            list.len(),
            shared.map_or_else(String::new, |f| fix_html(cx, f)),
        );
        for &i in list {
            row(out, cx, i, true, shared.is_none());
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");

    by_campaign(out, cx);
}

/// Counts of findings by city.
fn by_city(out: &mut String, cx: &Ctx<'_, '_>) {
    let mut cities: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for (i, d) in cx.report.diagnostics.iter().enumerate() {
        let name = cx
            .owner
            .get(i)
            .copied()
            .flatten()
            .and_then(|f| cx.facts.get(f))
            .map_or("—", |f| city(cx, f));
        let counts = cities.entry(name).or_default();
        if let Some(slot) = SEVERITIES
            .iter()
            .position(|s| *s == d.severity)
            .and_then(|p| counts.get_mut(p))
        {
            *slot += 1;
        }
    }
    let _ = write!(
        out,
        "<h3>{}</h3><table class=\"cities\">{}<tbody>",
        cx.t(M::CountsByCity),
        thead(&[&[cx.t(M::City)][..], &severities(cx)].concat()),
    );
    for (name, counts) in &cities {
        let _ = write!(
            out,
            "<tr data-city=\"{}\"><th scope=\"row\">{}</th>",
            esc(name),
            esc(name)
        );
        for n in counts {
            let _ = write!(out, "<td>{n}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

/// The three severities' column heads, error first.
fn severities(cx: &Ctx<'_, '_>) -> [&'static str; 3] {
    [Severity::Error, Severity::Warning, Severity::Info].map(|s| cx.severity(s))
}

/// How many findings of each severity each campaign has, linked to its card.
fn by_campaign(out: &mut String, cx: &Ctx<'_, '_>) {
    let mut campaigns: Vec<(&str, usize)> = cx
        .by_fact
        .iter()
        .enumerate()
        .filter(|(_, list)| !list.is_empty())
        .filter_map(|(f, _)| cx.facts.get(f).map(|fact| (fact.name(), f)))
        .collect();
    campaigns.sort_unstable();
    let _ = write!(
        out,
        "<h3>{}</h3><table class=\"by-campaign\">{}<tbody>",
        cx.t(M::ByCampaign),
        thead(&[&[cx.t(M::Campaign)][..], &severities(cx), &[cx.t(M::Codes)]].concat()),
    );
    for (name, f) in campaigns {
        let list = cx.by_fact.get(f).map_or(&[][..], Vec::as_slice);
        let diags: Vec<&crate::Diagnostic> =
            list.iter().filter_map(|&d| cx.diagnostic(d)).collect();
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><a href=\"#{}\">{}</a></th>",
            cx.anchor(name),
            esc(name)
        );
        for sev in SEVERITIES {
            let _ = write!(
                out,
                "<td>{}</td>",
                diags.iter().filter(|d| d.severity == sev).count()
            );
        }
        let codes: std::collections::BTreeSet<String> =
            diags.iter().map(|d| d.code.to_string()).collect();
        let _ = write!(
            out,
            "<td>{}</td></tr>",
            codes.into_iter().collect::<Vec<_>>().join(" ")
        );
    }
    out.push_str("</tbody></table></section>\n");
}
