//! Commission tables with tier bars, and grading models as weight trees
//! (each factor's weight within its parent and its effective weight in the
//! whole score).

use std::fmt::Write;

use koujing_grammar::ast::{ConditionValue, Direction, Factor};
use rust_decimal::Decimal;

use super::{esc, Ctx};
use crate::messages::ReportMsg as M;

/// Commission tables: conditions, output and a bar scaled to the table's
/// highest output.
pub(super) fn commission(out: &mut String, cx: &Ctx<'_, '_>) {
    let _ = writeln!(
        out,
        "<section id=\"commission\"><h2>{}</h2>",
        cx.t(M::CommissionTables)
    );
    super::mix::mixes(out, cx);
    for def in &cx.index.commissions.defs {
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
            "<h3>{} <small>{} · {} · {}</small></h3>\n<table class=\"rates\"><tr><th>{}</th><th>{}</th><th></th></tr>\n",
            esc(c.title.as_ref().map_or(&c.name.text, |t| &t.value)),
            c.kind.map_or("", |k| k.node.as_str()),
            esc(&c.channels.iter().map(|ch| ch.text.as_str()).collect::<Vec<_>>().join("、")),
            esc(cx.path(def.file)),
            cx.t(M::Conditions),
            cx.t(M::Output),
        );
        for row in &c.rows {
            let conditions: Vec<String> = row
                .conditions
                .iter()
                .map(|cond| match &cond.value {
                    ConditionValue::Names(names) => format!(
                        "{} {}",
                        cond.key.text,
                        names
                            .iter()
                            .map(|n| n.text.as_str())
                            .collect::<Vec<_>>()
                            .join("/")
                    ),
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

/// Grading models: the factor tree with each weight within its parent and
/// its effective weight (the product along the path), and the grade bands.
pub(super) fn grading(out: &mut String, cx: &Ctx<'_, '_>) {
    cx.section_head(
        out,
        "grading",
        cx.t(M::GradingModels),
        cx.t(M::GradingLegend),
    );
    for def in &cx.index.gradings.defs {
        let g = def.item;
        let _ = writeln!(
            out,
            "<h3>{} <small>{}</small></h3>",
            esc(g.title.as_ref().map_or(&g.name.text, |t| &t.value)),
            esc(cx.path(def.file)),
        );
        tree(out, cx, &g.factors, Decimal::ONE_HUNDRED);
        out.push_str("<p>");
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

fn tree(out: &mut String, cx: &Ctx<'_, '_>, factors: &[Factor], share: Decimal) {
    out.push_str("<ul class=\"tree\">");
    for f in factors {
        let own = f.weight.map_or(Decimal::ZERO, |w| w.node);
        let effective = share
            .checked_mul(own)
            .and_then(|p| p.checked_div(Decimal::ONE_HUNDRED))
            .unwrap_or(Decimal::ZERO)
            .normalize();
        let _ = write!(
            out,
            "<li data-factor=\"{}\" data-effective=\"{effective}\"><span class=\"factor\">{}</span> <span class=\"weight\">{}% → <b>{effective}%</b></span>{}{}<div class=\"tier\" style=\"width:{}px\"></div>",
            esc(&f.name.text),
            esc(&f.name.text),
            own.normalize(),
            direction(cx, f),
            f.source
                .as_ref()
                .map_or_else(String::new, |s| format!(" <small>{} {}</small>", cx.t(M::Source), esc(&s.value))),
            effective
                .checked_mul(Decimal::from(4))
                .unwrap_or(Decimal::ZERO)
                .round(),
        );
        if !f.children.is_empty() {
            tree(out, cx, &f.children, effective);
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>\n");
}

/// Which way a scored (leaf) factor counts, as an arrow and words: a
/// `lower_better` factor scores 100 − its input; one without a direction
/// counts its input as it is (higher is better). A parent's score is the
/// weighted sum of its children, so it shows none.
fn direction(cx: &Ctx<'_, '_>, factor: &Factor) -> String {
    if !factor.children.is_empty() {
        return String::new();
    }
    let declared = factor.direction.map(|d| d.node);
    let (class, arrow, words) = match declared {
        Some(Direction::LowerBetter) => ("lower", "↓", cx.t(M::LowerIsBetter)),
        Some(Direction::HigherBetter) => ("higher", "↑", cx.t(M::HigherIsBetter)),
        None => ("higher", "↑", cx.t(M::HigherIsBetterByDefault)),
    };
    format!(
        " <span class=\"direction {class}\" data-direction=\"{}\">{arrow} {words} <code>{}</code></span>",
        declared.map_or("", Direction::as_str),
        declared.unwrap_or(Direction::HigherBetter).as_str(),
    )
}
