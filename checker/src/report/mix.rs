//! Commission `mix` bars: for each mix, the shares it declares next to the
//! shares the commission tables produce for its reference case, as two
//! stacked bars and a table. The computed shares and the tolerance are the
//! checker's own ([`crate::mixref::compute`], what KJ6008 and `koujing query
//! mix` use), so a bar marked off is exactly a KJ6008 finding.

use std::fmt::Write;

use koujing_grammar::ast::{CommissionKind, Mix, MixReference, ReferenceValue};
use rust_decimal::Decimal;

use super::{esc, thead, Ctx};
use crate::codes::Code;
use crate::messages::ReportMsg as M;
use crate::mixref::{self, MixComputation};

/// Width of a bar in the SVG, in px (100% of the mix).
const BAR: i64 = 600;
/// Width of the row labels left of the bars.
const LABEL: i64 = 110;

/// A commission kind in reviewer words.
fn kind_label(cx: &Ctx<'_, '_>, kind: CommissionKind) -> &'static str {
    match kind {
        CommissionKind::FirstReturn => cx.t(M::FirstReturn),
        CommissionKind::RevenueShare => cx.t(M::RevenueShare),
        CommissionKind::Incentive => cx.t(M::Incentive),
        CommissionKind::Subsidy => cx.t(M::Subsidy),
        CommissionKind::Multiplier => cx.t(M::Multiplier),
    }
}

/// One colour per kind (the label inside the segment and the table say the
/// same, so colour is not the only signal).
fn colour(kind: CommissionKind) -> &'static str {
    match kind {
        CommissionKind::FirstReturn => "#4a7ebb",
        CommissionKind::RevenueShare => "#d98b2b",
        CommissionKind::Incentive => "#4f9a57",
        CommissionKind::Subsidy => "#8e6bb0",
        CommissionKind::Multiplier => "#888888",
    }
}

/// A percentage as shown: one decimal at most.
fn pct(value: Decimal) -> String {
    value.round_dp(1).normalize().to_string()
}

/// The mixes part of the commission section (nothing when there is none).
pub(super) fn mixes(out: &mut String, cx: &Ctx<'_, '_>) {
    if cx.index.mixes.defs.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h3 id=\"mix\">{}</h3><p class=\"legend\">{}</p>",
        cx.t(M::MixHeading),
        cx.t(M::MixLegend),
    );
    for def in &cx.index.mixes.defs {
        let mix = def.item;
        let computed = mixref::compute(cx.index, mix);
        let _ = writeln!(
            out,
            "<figure class=\"mix\" data-mix=\"{}\"><figcaption><b>{}</b> <small>{} · {}</small></figcaption>",
            esc(&mix.name.text),
            esc(mix.title.as_ref().map_or(&mix.name.text, |t| &t.value)),
            esc(&mix.name.text),
            esc(cx.path(def.file)),
        );
        bars(out, cx, mix, computed.as_ref());
        match &computed {
            Some(computed) => table(out, cx, def.file, mix, computed),
            None => {
                let _ = writeln!(out, "<p class=\"muted\">{}</p>", cx.t(M::MixNoReference));
            }
        }
        if let Some(reference) = &mix.reference {
            case(out, cx, reference);
        }
        out.push_str("</figure>\n");
    }
}

/// The two stacked bars, declared above computed.
fn bars(out: &mut String, cx: &Ctx<'_, '_>, mix: &Mix, computed: Option<&MixComputation>) {
    let rows = if computed.is_some() { 2 } else { 1 };
    let height = 12 + rows * 34;
    let _ = write!(
        out,
        "<svg class=\"mixbar\" width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        LABEL + BAR + 10,
        esc(&mix.name.text),
    );
    let declared: Vec<(CommissionKind, Decimal, bool)> = mix
        .shares
        .iter()
        .map(|s| (s.kind.node, s.share.node, false))
        .collect();
    segments(out, cx, 6, cx.t(M::DeclaredBar), &declared);
    if let Some(computed) = computed {
        let shares: Vec<(CommissionKind, Decimal, bool)> = computed
            .kinds
            .iter()
            .map(|k| (k.kind, k.share, computed.is_off(k)))
            .collect();
        segments(out, cx, 40, cx.t(M::ComputedBar), &shares);
    }
    out.push_str("</svg>\n");
}

/// One stacked bar at `y`: a segment per kind, its label inside when it fits.
fn segments(
    out: &mut String,
    cx: &Ctx<'_, '_>,
    y: i64,
    label: &str,
    shares: &[(CommissionKind, Decimal, bool)],
) {
    let _ = write!(
        out,
        "<text class=\"label\" x=\"4\" y=\"{}\">{label}</text>",
        y + 18
    );
    let total: Decimal = shares.iter().map(|(_, s, _)| *s).sum();
    let scale = total.max(Decimal::ONE_HUNDRED);
    let mut at = Decimal::ZERO;
    for &(kind, share, off) in shares {
        let x0 = px(at, scale);
        at += share.max(Decimal::ZERO);
        let x1 = px(at, scale);
        let width = x1 - x0;
        let text = format!(
            "{}{} {}%",
            if off { "✖ " } else { "" },
            kind_label(cx, kind),
            pct(share)
        );
        let _ = write!(
            out,
            "<g class=\"seg{}\" data-kind=\"{}\"><title>{}</title><rect x=\"{}\" y=\"{y}\" width=\"{width}\" height=\"26\" fill=\"{}\"{}/>",
            if off { " off" } else { "" },
            kind.as_str(),
            esc(&text),
            LABEL + x0,
            colour(kind),
            if off {
                " stroke=\"#b00000\" stroke-width=\"3\""
            } else {
                " stroke=\"#fff\""
            },
        );
        // About 7 px a character at 11 px (CJK characters are wider).
        let fits = i64::try_from(text.chars().count()).unwrap_or(i64::MAX) * 9 < width;
        if fits {
            let _ = write!(
                out,
                "<text class=\"seglabel\" x=\"{}\" y=\"{}\">{}</text>",
                LABEL + x0 + 4,
                y + 17,
                esc(&text)
            );
        }
        out.push_str("</g>");
    }
}

/// `value` of `scale` as px along a bar.
fn px(value: Decimal, scale: Decimal) -> i64 {
    value
        .checked_mul(Decimal::from(BAR))
        .and_then(|v| v.checked_div(scale))
        .map(|v| v.round())
        .and_then(|v| i64::try_from(v).ok())
        .unwrap_or(0)
        .clamp(0, BAR)
}

/// Each kind: what the tables paid, computed share, declared share, the
/// difference and whether it is within the tolerance (linked to its KJ6008
/// finding when it is not).
fn table(
    out: &mut String,
    cx: &Ctx<'_, '_>,
    file: crate::diagnostic::FileId,
    mix: &Mix,
    computed: &MixComputation,
) {
    let _ = writeln!(
        out,
        "<table class=\"mixtable\">{}<tbody>",
        thead(&[
            cx.t(M::Kind),
            cx.t(M::Paid),
            cx.t(M::ComputedShare),
            cx.t(M::DeclaredShare),
            cx.t(M::DifferencePoints),
            &format!("{} ±{}", cx.t(M::Tolerance), pct(computed.tolerance)),
            cx.t(M::TablesThatPaid),
        ]),
    );
    for k in &computed.kinds {
        let difference = k.share - k.declared;
        let off = computed.is_off(k);
        let finding =
            mix.shares
                .iter()
                .find(|s| s.kind.node == k.kind)
                .and_then(|s| {
                    cx.report.diagnostics.iter().position(|d| {
                        d.code == Code::KJ6008 && d.file == file && d.span == s.kind.span
                    })
                });
        let verdict = match (off, finding) {
            (false, _) => format!("<span class=\"ok\">✓ {}</span>", cx.t(M::Within)),
            (true, Some(i)) => format!(
                "<a class=\"off\" href=\"#f-{i}\">✖ {} (KJ6008)</a>",
                cx.t(M::OffTolerance)
            ),
            (true, None) => format!("<span class=\"off\">✖ {}</span>", cx.t(M::OffTolerance)),
        };
        let parts: Vec<String> = k
            .parts
            .iter()
            .map(|p| format!("{} {} 元", esc(&p.table), p.amount.round_dp(2).normalize()))
            .collect();
        let _ = writeln!(
            out,
            "<tr class=\"{}\" data-kind=\"{}\" data-computed=\"{}\" data-declared=\"{}\"><th scope=\"row\">{} <small>{}</small></th><td>{} 元</td><td>{}%</td><td>{}%</td><td>{}{}</td><td>{verdict}</td><td>{}</td></tr>",
            if off { "off" } else { "within" },
            k.kind.as_str(),
            pct(k.share),
            pct(k.declared),
            kind_label(cx, k.kind),
            k.kind.as_str(),
            k.total.round_dp(2).normalize(),
            pct(k.share),
            pct(k.declared),
            if difference > Decimal::ZERO { "+" } else { "" },
            pct(difference),
            if parts.is_empty() {
                format!("<span class=\"off\">{}</span>", cx.t(M::NoMatchingRow))
            } else {
                parts.join("、")
            },
        );
    }
    out.push_str("</tbody></table>\n");
}

/// The reference case in one line.
fn case(out: &mut String, cx: &Ctx<'_, '_>, reference: &MixReference) {
    let mut parts: Vec<String> = Vec::new();
    if let Some(date) = reference.date {
        parts.push(format!("{} {}", cx.t(M::Date), date.node));
    }
    for (label, value) in [
        (cx.t(M::Channel), &reference.channel),
        (cx.t(M::Product), &reference.product),
        (cx.t(M::Grade), &reference.grade),
    ] {
        if let Some(v) = value {
            parts.push(format!("{label} {}", esc(&v.text)));
        }
    }
    if let Some(m) = reference.months {
        parts.push(format!(
            "{} {} {}",
            cx.t(M::OverMonths),
            m.node,
            cx.t(M::Months)
        ));
    }
    if let Some(r) = reference.monthly_revenue {
        parts.push(format!("{} {}", cx.t(M::MonthlyRevenue), r.node));
    }
    for s in &reference.dimensions {
        let value = match &s.value {
            ReferenceValue::Name(n) => esc(&n.text),
            ReferenceValue::Quantity(q) => q.node.to_string(),
        };
        parts.push(format!("{} {value}", esc(&s.key.text)));
    }
    let _ = writeln!(
        out,
        "<p class=\"case\">{}: {}</p>",
        cx.t(M::ReferenceCase),
        parts.join(" · ")
    );
}
