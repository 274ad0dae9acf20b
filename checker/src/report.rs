//! `koujing report`: one self-contained HTML file for reviewers (no network:
//! inline CSS, JS and SVG). A Gantt of campaigns per issuer over the months
//! with conflicts (KJ2001) and clusters (KJ2002) marked, each channel's load
//! per week as a heat strip, commission tables with tier bars, grading
//! models as weight trees, and every finding linked to its campaign.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use chrono::{Datelike, Duration, NaiveDate};
use koujing_grammar::ast::ConditionValue;
use rust_decimal::Decimal;

use crate::checks::grading::leaf_weights;
use crate::codes::{Code, Severity};
use crate::diagnostic::Lang;
use crate::model::{campaign_facts, CampaignFact};
use crate::resolve::{build_index, Index};
use crate::workspace::Workspace;
use crate::Report;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn anchor(name: &str) -> String {
    // Stable, ASCII-safe ids: the name's code points in hex.
    let hex: String = name
        .chars()
        .map(|c| format!("{:x}", c as u32))
        .collect::<Vec<_>>()
        .join("-");
    format!("c-{hex}")
}

struct Labels {
    zh: bool,
}

impl Labels {
    fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.zh {
            zh
        } else {
            en
        }
    }
}

/// The campaign a diagnostic's span lies in, if any.
fn campaign_at<'w>(
    facts: &[CampaignFact<'w>],
    file: usize,
    span: koujing_grammar::Span,
) -> Option<&'w str> {
    facts
        .iter()
        .find(|f| f.file == file && f.campaign.span.contains(span))
        .map(CampaignFact::name)
}

pub fn html(workspace: &Workspace, report: &Report, lang: Lang) -> String {
    let (index, _) = build_index(workspace);
    let facts = campaign_facts(&index);
    let l = Labels { zh: lang.is_zh() };
    let mut conflicted: BTreeSet<&str> = BTreeSet::new();
    let mut clusters: Vec<(Vec<&str>, NaiveDate, NaiveDate, usize)> = Vec::new();
    for d in &report.diagnostics {
        let names: Vec<&str> = std::iter::once(campaign_at(&facts, d.file, d.span))
            .chain(
                d.related
                    .iter()
                    .map(|r| campaign_at(&facts, r.file, r.span)),
            )
            .flatten()
            .collect();
        match d.code {
            Code::KJ2001 => conflicted.extend(names),
            Code::KJ2002 => {
                let members: Vec<&CampaignFact<'_>> =
                    facts.iter().filter(|f| names.contains(&f.name())).collect();
                let from = members.iter().map(|f| f.start).max();
                let until = members.iter().map(|f| f.end).min();
                let issuer = members.first().map_or(0, |f| f.issuer);
                // KJ2002 v2 relates campaigns met on different days: a band
                // only where they all overlap.
                if let (Some(from), Some(until)) = (from, until) {
                    if from <= until {
                        clusters.push((names, from, until, issuer));
                    }
                }
            }
            _ => {}
        }
    }

    let mut out = String::with_capacity(64 * 1024);
    let title = l.t("口径审查报告", "Koujing review report");
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{CSS}</style></head><body>\n<h1>{title}</h1>\n",
        if l.zh { "zh-CN" } else { "en" }
    );
    let (errors, warnings, infos) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    );
    let _ = writeln!(
        out,
        "<p class=\"summary\">{} {} · {} {} · {} {} · {} {} · {} <span id=\"finding-count\">…</span></p>",
        workspace.files.len(),
        l.t("个文件", "files"),
        facts.len(),
        l.t("个活动", "campaigns"),
        errors,
        l.t("个错误", "errors"),
        warnings,
        l.t("个警告", "warnings"),
        l.t("显示的发现:", "findings shown:"),
    );
    let _ = infos;
    gantt(&mut out, &index, &facts, &conflicted, &clusters, &l);
    heat(&mut out, &index, &facts, &l);
    commission(&mut out, &index, &l);
    grading(&mut out, &index, &l);
    findings(&mut out, workspace, report, &facts, lang, &l);
    let _ = write!(out, "<script>{JS}</script>\n</body></html>\n");
    out
}

const DAY: i64 = 3;
const LABEL: i64 = 260;

fn gantt(
    out: &mut String,
    index: &Index<'_>,
    facts: &[CampaignFact<'_>],
    conflicted: &BTreeSet<&str>,
    clusters: &[(Vec<&str>, NaiveDate, NaiveDate, usize)],
    l: &Labels,
) {
    let _ = writeln!(
        out,
        "<section id=\"calendar\"><h2>{}</h2>",
        l.t("活动日历(按发起单位)", "Campaign calendar (by issuer)")
    );
    let Some(first) = facts.iter().map(|f| f.start).min() else {
        out.push_str("<p>—</p></section>\n");
        return;
    };
    let first = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
    let horizon = first + Duration::days(730);
    let last = facts
        .iter()
        .map(|f| f.end.min(horizon))
        .max()
        .unwrap_or(first);
    let days = (last - first).num_days() + 1;
    let x = |d: NaiveDate| LABEL + (d.min(horizon) - first).num_days() * DAY;
    // Issuers in tree order.
    let mut groups: BTreeMap<usize, Vec<&CampaignFact<'_>>> = BTreeMap::new();
    for fact in facts {
        groups.entry(fact.issuer).or_default().push(fact);
    }
    let row = 22;
    let rows: usize = groups.values().map(|g| g.len() + 1).sum();
    let height = 30 + rows as i64 * row;
    let width = LABEL + days * DAY + 20;
    let _ = writeln!(out, "<svg class=\"gantt\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
    // Month grid.
    let mut month = first;
    while month <= last {
        let _ = writeln!(
            out,
            "<line x1=\"{0}\" y1=\"18\" x2=\"{0}\" y2=\"{height}\" class=\"grid\"/><text x=\"{1}\" y=\"14\" class=\"month\">{2}-{3:02}</text>",
            x(month),
            x(month) + 2,
            month.year(),
            month.month()
        );
        month = if month.month() == 12 {
            NaiveDate::from_ymd_opt(month.year() + 1, 1, 1).unwrap_or(horizon)
        } else {
            NaiveDate::from_ymd_opt(month.year(), month.month() + 1, 1).unwrap_or(horizon)
        };
    }
    let mut y = 30;
    for (issuer, list) in &groups {
        let name = index
            .regions
            .get(*issuer)
            .map_or("", |r| r.name.text.as_str());
        let group_top = y;
        let _ = writeln!(
            out,
            "<text x=\"4\" y=\"{}\" class=\"issuer\">{}</text>",
            y + 14,
            esc(name)
        );
        y += row;
        let mut sorted = list.clone();
        sorted.sort_by_key(|f| (f.start, f.name()));
        for fact in &sorted {
            let conflict = conflicted.contains(fact.name());
            let (x0, x1) = (x(fact.start), x(fact.end) + DAY);
            let label = fact
                .campaign
                .title
                .as_ref()
                .map_or(fact.name(), |t| t.value.as_str());
            let _ = writeln!(
                out,
                "<a href=\"#{}\"><text x=\"14\" y=\"{}\" class=\"label\">{}</text><rect x=\"{x0}\" y=\"{}\" width=\"{}\" height=\"14\" class=\"bar{}\" data-campaign=\"{}\"><title>{} {} ~ {}</title></rect></a>",
                anchor(fact.name()),
                y + 12,
                esc(label),
                y + 2,
                (x1 - x0).max(DAY),
                if conflict { " conflict" } else { "" },
                esc(fact.name()),
                esc(fact.name()),
                fact.start,
                crate::model::show_end(fact.end),
            );
            if conflict {
                let _ = writeln!(out, "<text x=\"{}\" y=\"{}\" class=\"conflict-marker\" data-code=\"KJ2001\">⚠</text>", x1 + 2, y + 13);
            }
            y += row;
        }
        for (names, from, until, cluster_issuer) in clusters.iter().filter(|c| c.3 == *issuer) {
            let _ = cluster_issuer;
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{group_top}\" width=\"{}\" height=\"{}\" class=\"cluster-band\" data-code=\"KJ2002\"><title>{} {}</title></rect>",
                x(*from),
                (x(*until) - x(*from) + DAY).max(DAY),
                y - group_top,
                l.t("扎堆:", "cluster: "),
                esc(&names.join(", ")),
            );
        }
    }
    out.push_str("</svg></section>\n");
}

fn heat(out: &mut String, index: &Index<'_>, facts: &[CampaignFact<'_>], l: &Labels) {
    let _ = write!(
        out,
        "<section id=\"channels\"><h2>{}</h2>\n<table class=\"heat\">\n",
        l.t(
            "渠道负荷(每周同时开展的活动数)",
            "Channel load (campaigns active per week)"
        )
    );
    let Some(first) = facts.iter().map(|f| f.start).min() else {
        out.push_str("</table></section>\n");
        return;
    };
    let monday = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let last = facts
        .iter()
        .map(|f| f.end)
        .filter(|e| *e != NaiveDate::MAX)
        .max()
        .unwrap_or(first);
    let weeks = ((last - monday).num_days() / 7 + 1).clamp(1, 104);
    for def in &index.channels.defs {
        let name = &def.item.name.text;
        let counts: Vec<usize> = (0..weeks)
            .map(|w| {
                let start = monday + Duration::days(w * 7);
                let end = start + Duration::days(6);
                facts
                    .iter()
                    .filter(|f| {
                        f.channels.contains(&name.as_str()) && f.start <= end && start <= f.end
                    })
                    .count()
            })
            .collect();
        let max = counts.iter().copied().max().unwrap_or(0).max(1);
        let _ = write!(out, "<tr><th>{}</th>", esc(name));
        for (w, count) in counts.iter().enumerate() {
            let alpha = (*count as f64 / max as f64 * 0.9 * 100.0).round() / 100.0;
            let week = monday + Duration::days(w as i64 * 7);
            let _ = write!(
                out,
                "<td style=\"background:rgba(200,40,40,{alpha})\" title=\"{week}: {count}\"></td>"
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table></section>\n");
}

fn commission(out: &mut String, index: &Index<'_>, l: &Labels) {
    let _ = writeln!(
        out,
        "<section id=\"commission\"><h2>{}</h2>",
        l.t("酬金规则", "Commission tables")
    );
    for def in &index.commissions.defs {
        let c = def.item;
        let max = c
            .rows
            .iter()
            .filter_map(|r| r.output.map(|o| o.node.value))
            .max()
            .unwrap_or(Decimal::ONE)
            .max(Decimal::ONE);
        let _ = write!(
            out,
            "<h3>{} <small>{} · {}</small></h3>\n<table class=\"rates\"><tr><th>{}</th><th>{}</th><th></th></tr>\n",
            esc(c.title.as_ref().map_or(&c.name.text, |t| &t.value)),
            c.kind.map_or("", |k| k.node.as_str()),
            esc(&c.channels.iter().map(|ch| ch.text.as_str()).collect::<Vec<_>>().join("、")),
            l.t("条件", "conditions"),
            l.t("酬金", "output"),
        );
        for row in &c.rows {
            let conditions: Vec<String> = row
                .conditions
                .iter()
                .map(|cond| match &cond.value {
                    ConditionValue::Names(names) => {
                        format!(
                            "{} {}",
                            cond.key.text,
                            names
                                .iter()
                                .map(|n| n.text.as_str())
                                .collect::<Vec<_>>()
                                .join("/")
                        )
                    }
                    ConditionValue::Interval(i) => format!("{} {}", cond.key.text, i.math()),
                })
                .collect();
            let output = row.output.map_or_else(String::new, |o| o.node.to_string());
            let width = row
                .output
                .and_then(|o| {
                    o.node
                        .value
                        .checked_div(max)
                        .and_then(|r| r.checked_mul(Decimal::from(200)))
                })
                .unwrap_or(Decimal::ZERO)
                .round();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td><div class=\"tier\" style=\"width:{width}px\"></div></td></tr>",
                esc(&conditions.join(", ")),
                esc(&output)
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</section>\n");
}

fn grading(out: &mut String, index: &Index<'_>, l: &Labels) {
    let _ = writeln!(
        out,
        "<section id=\"grading\"><h2>{}</h2>",
        l.t("网点分级模型", "Grading models")
    );
    for def in &index.gradings.defs {
        let g = def.item;
        let _ = write!(
            out,
            "<h3>{}</h3>\n<ul class=\"tree\">\n",
            esc(g.title.as_ref().map_or(&g.name.text, |t| &t.value))
        );
        for leaf in leaf_weights(g) {
            let _ = writeln!(
                out,
                "<li>{} <span class=\"weight\">{}%</span><div class=\"tier\" style=\"width:{}px\"></div></li>",
                esc(&leaf.path.join(" › ")),
                leaf.weight,
                leaf.weight
                    .checked_mul(Decimal::from(4))
                    .unwrap_or(Decimal::ZERO)
                    .round()
            );
        }
        out.push_str("</ul>\n<p>");
        for band in &g.grades {
            let _ = write!(
                out,
                "<span class=\"band\">{} {}</span> ",
                esc(&band.name.text),
                band.band.math()
            );
        }
        out.push_str("</p>\n");
    }
    out.push_str("</section>\n");
}

fn findings(
    out: &mut String,
    workspace: &Workspace,
    report: &Report,
    facts: &[CampaignFact<'_>],
    lang: Lang,
    l: &Labels,
) {
    let _ = write!(
        out,
        "<section id=\"findings\"><h2>{}</h2>\n<p class=\"filters\"><button data-filter=\"all\">{}</button> <button data-filter=\"error\">{}</button> <button data-filter=\"warning\">{}</button> <button data-filter=\"info\">{}</button></p>\n<table class=\"findings\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        l.t("审查发现", "Findings"),
        l.t("全部", "all"),
        l.t("错误", "errors"),
        l.t("警告", "warnings"),
        l.t("提示", "infos"),
        l.t("代码", "code"),
        l.t("位置", "location"),
        l.t("活动", "campaign"),
        l.t("说明", "message"),
    );
    for d in &report.diagnostics {
        let Some(file) = workspace.file(d.file) else {
            continue;
        };
        let at = file.char_position(d.span.start);
        let campaign = campaign_at(facts, d.file, d.span)
            .map(|name| format!("<a href=\"#{}\">{}</a>", anchor(name), esc(name)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr class=\"finding {}\" data-code=\"{}\"><td>{}</td><td>{}:{}:{}</td><td>{campaign}</td><td>{}</td></tr>",
            d.severity.as_str(),
            d.code,
            d.code,
            esc(&file.path),
            at.line,
            at.column,
            esc(d.message.get(lang))
        );
    }
    out.push_str("</table>\n");
    // Anchors for every campaign, so findings and bars link somewhere.
    let _ = write!(
        out,
        "<h3>{}</h3>\n<ul class=\"campaigns\">\n",
        l.t("活动一览", "Campaigns")
    );
    let mut sorted: Vec<&CampaignFact<'_>> = facts.iter().collect();
    sorted.sort_by_key(|f| f.name());
    for f in sorted {
        let path = workspace.file(f.file).map_or("", |s| s.path.as_str());
        let line = workspace
            .file(f.file)
            .map_or(0, |s| s.char_position(f.campaign.span.start).line);
        let _ = writeln!(
            out,
            "<li id=\"{}\"><b>{}</b> {} ~ {} · {}:{}</li>",
            anchor(f.name()),
            esc(f.name()),
            f.start,
            crate::model::show_end(f.end),
            esc(path),
            line
        );
    }
    out.push_str("</ul></section>\n");
}

const CSS: &str = "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:20px;color:#222}h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;margin-top:28px}svg.gantt{font-size:11px;background:#fafafa;border:1px solid #ddd}.grid{stroke:#ddd}.month{fill:#666}.issuer{font-weight:bold;fill:#333}.label{fill:#333}.bar{fill:#4a7ebb}.bar.conflict{fill:#e0a0a0;stroke:#c00;stroke-width:2}.conflict-marker{fill:#c00;font-size:13px}.cluster-band{fill:rgba(255,170,0,.18);stroke:#f0a000;stroke-dasharray:4 2}table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:3px 6px;font-size:12px;text-align:left}table.heat td{width:10px;height:14px;padding:0}.tier{background:#4a7ebb;height:10px}.weight{color:#555}.band{background:#eef;padding:2px 6px;margin-right:4px}tr.finding.error td:first-child{color:#c00;font-weight:bold}tr.finding.warning td:first-child{color:#b70}tr.hidden{display:none}.summary{color:#555}";

const JS: &str = "(function(){var rows=document.querySelectorAll('tr.finding');function show(f){var n=0;rows.forEach(function(r){var on=f==='all'||r.classList.contains(f);r.classList.toggle('hidden',!on);if(on)n++;});document.getElementById('finding-count').textContent=String(n);}document.querySelectorAll('button[data-filter]').forEach(function(b){b.addEventListener('click',function(){show(b.getAttribute('data-filter'));});});show('all');})();";
