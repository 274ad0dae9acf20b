//! One card per campaign: its fields in reviewer words, its customer text
//! and FAQ with the exact spans findings point at highlighted (the finding
//! and its fix show on hover and keyboard focus), jargon underlined with its
//! plain explanation, and its supports' effective ready dates against the
//! start date.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use koujing_grammar::ast::{AudienceValue, Benefit, Stacking, StrLit};

use super::{esc, thead, Ctx};
use crate::lexicon::Matcher;
use crate::messages::ReportMsg as M;
use crate::model::{show_end, CampaignFact};

/// The cards section.
pub(super) fn section(out: &mut String, cx: &Ctx<'_, '_>) {
    let _ = writeln!(
        out,
        "<section id=\"cards\"><h2>{}</h2>",
        cx.t(M::CampaignCards)
    );
    let matcher = Matcher::new(cx.index);
    let mut order: Vec<(&CampaignFact<'_>, usize)> =
        cx.facts.iter().enumerate().map(|(i, f)| (f, i)).collect();
    order.sort_by_key(|(f, _)| (f.file, f.campaign.span.start));
    let dense = cx.facts.len() > DENSE;
    let mut compact: Vec<(&CampaignFact<'_>, usize)> = Vec::new();
    for (fact, i) in order {
        if dense && !needs_card(cx, fact, i) {
            compact.push((fact, i));
        } else {
            card(out, cx, &matcher, fact, i);
        }
    }
    if !compact.is_empty() {
        let _ = writeln!(
            out,
            "<h3>{} ({})</h3><p class=\"legend\">{}</p>",
            cx.t(M::OtherCampaignsHeading),
            compact.len(),
            cx.t(M::DenseListingLegend),
        );
        let head = thead(&[
            cx.t(M::Campaign),
            cx.t(M::WhereColumn),
            cx.t(M::WhenColumn),
            cx.t(M::OfferFinalPrice),
            cx.t(M::ChannelsColumn),
            cx.t(M::Wording),
            cx.t(M::FindingsColumn),
        ]);
        // Empty tables of CHUNK rows; the report's script fills each from
        // the listing below when it comes near the view (or its row is
        // linked to, or the page is printed).
        for (k, _) in compact.chunks(CHUNK).enumerate() {
            let _ = writeln!(
                out,
                "<div class=\"chunk\" data-chunk=\"{k}\"><table class=\"compact\">{head}<tbody></tbody></table></div>"
            );
        }
        let listing = Listing {
            chunk: CHUNK,
            severity: [
                crate::Severity::Error,
                crate::Severity::Warning,
                crate::Severity::Info,
            ]
            .into_iter()
            .map(|s| (s.as_str(), cx.severity(s)))
            .collect(),
            rows: compact.iter().map(|&(fact, i)| row(cx, fact, i)).collect(),
        };
        let json = serde_json::to_string(&listing).unwrap_or_default();
        // No `<` inside the script element (it could end it): `<` only
        // occurs inside JSON strings, where `\u003c` means the same.
        let _ = writeln!(
            out,
            "<script type=\"application/json\" id=\"listing\">{}</script>",
            json.replace('<', "\\u003c")
        );
    }
    out.push_str("</section>\n");
}

/// Above this many campaigns, clean ones take one table row each (the
/// report stays under 10 MB at 10,000 campaigns).
const DENSE: usize = 2000;

/// Rows per table of the one-row listing (the browser lays out a table
/// only when it comes into view).
const CHUNK: usize = 250;

/// Does a campaign keep its full card above [`DENSE`] campaigns? When it is
/// part of the submission, has an error, or has a finding inside its
/// customer text or FAQ (the card highlights it there).
fn needs_card(cx: &Ctx<'_, '_>, fact: &CampaignFact<'_>, i: usize) -> bool {
    let c = fact.campaign;
    let own = cx.by_fact.get(i).map_or(&[][..], Vec::as_slice);
    let in_text = |span: koujing_grammar::Span| {
        c.title
            .iter()
            .chain(c.wording.iter().map(|w| &w.text))
            .chain(c.faq.iter().flat_map(|e| [&e.question, &e.answer]))
            .any(|lit| lit.span.contains(span))
    };
    cx.featured.contains(&i)
        || own
            .iter()
            .filter_map(|&d| cx.diagnostic(d))
            .any(|d| d.severity == crate::Severity::Error || in_text(d.span))
}

/// The one-row listing, as the report's script reads it.
#[derive(serde::Serialize)]
struct Listing {
    /// Rows per table.
    chunk: usize,
    /// Severity (`error`…) → its sign and word.
    severity: BTreeMap<&'static str, &'static str>,
    rows: Vec<Row>,
}

/// A campaign as one row (text, not HTML: the script escapes it): anchor
/// number, name, where, when, offer → final price, channels, wording, and
/// its findings as (finding number, severity, code).
#[derive(serde::Serialize)]
struct Row(
    usize,
    String,
    String,
    String,
    String,
    String,
    String,
    Vec<(usize, &'static str, String)>,
);

/// A campaign as one row: enough to find it and read its offer, and links
/// to its findings.
fn row(cx: &Ctx<'_, '_>, fact: &CampaignFact<'_>, i: usize) -> Row {
    let c = fact.campaign;
    let regions = c.regions.as_ref().map_or_else(
        || {
            c.issuer
                .as_ref()
                .map_or_else(String::new, |r| r.text.to_string())
        },
        |list| {
            list.iter()
                .map(|r| r.text.as_str())
                .collect::<Vec<_>>()
                .join("、")
        },
    );
    let price = final_price(cx.index, c).map_or_else(String::new, |(value, unit)| {
        format!(" → {}", koujing_grammar::ast::Quantity { value, unit })
    });
    let wording: Vec<&str> = c.wording.iter().map(|w| w.text.value.as_str()).collect();
    let findings = cx
        .by_fact
        .get(i)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|&d| {
            cx.diagnostic(d)
                .map(|diag| (d, diag.severity.as_str(), diag.code.to_string()))
        })
        .collect();
    Row(
        i,
        fact.name().to_string(),
        regions,
        format!("{} ~ {}", fact.start, show_end(fact.end)),
        format!("{}{price}", fact.offer),
        fact.channels.join("、"),
        wording.join(" / "),
        findings,
    )
}

/// The customer pays, in words.
fn benefit(cx: &Ctx<'_, '_>, benefit: &Benefit) -> String {
    match benefit {
        Benefit::Discount(p) => cx.f(
            M::BenefitDiscount,
            &[
                ("off", &p.normalize()),
                (
                    "pays",
                    &(rust_decimal::Decimal::ONE_HUNDRED - p).normalize(),
                ),
            ],
        ),
        Benefit::Price(q) => cx.f(M::BenefitPrice, &[("price", q)]),
        Benefit::Gift(g) => cx.f(M::BenefitGift, &[("gift", g)]),
        Benefit::Bonus(q) => cx.f(M::BenefitBonus, &[("bonus", q)]),
        Benefit::Points(x) => cx.f(M::BenefitPoints, &[("times", &x.normalize())]),
    }
}

fn link(name: &str, cx: &Ctx<'_, '_>) -> String {
    if cx.fact_of.contains_key(name) {
        format!("<a href=\"#{}\">{}</a>", cx.anchor(name), esc(name))
    } else {
        esc(name)
    }
}

fn card(
    out: &mut String,
    cx: &Ctx<'_, '_>,
    matcher: &Matcher<'_>,
    fact: &CampaignFact<'_>,
    i: usize,
) {
    let c = fact.campaign;
    let own = cx.by_fact.get(i).map_or(&[][..], Vec::as_slice);
    let badge = badges(cx, own);
    let source = cx.ws.file(fact.file).map_or("", |f| &f.text);
    let mut terms: BTreeSet<usize> = BTreeSet::new();
    let mut text =
        |lit: &StrLit| -> String { highlighted(cx, matcher, source, lit, own, &mut terms) };
    let title = c.title.as_ref().map_or_else(String::new, |t| {
        format!(
            " · <span class=\"copy\" data-field=\"title\">{}</span>",
            text(t)
        )
    });
    let _ = write!(
        out,
        "<article class=\"card\" id=\"{}\" data-campaign=\"{}\"><h3>{}{title} <small>{}</small>{badge}</h3>\n<dl class=\"fields\">",
        cx.anchor(fact.name()),
        esc(fact.name()),
        esc(fact.name()),
        esc(cx.path(fact.file)),
    );
    fields(out, cx, fact);

    // Customer text and FAQ.
    if !c.wording.is_empty() {
        out.push_str("<div class=\"wording\">");
        for w in &c.wording {
            let body = text(&w.text);
            let _ = write!(
                out,
                "<p data-field=\"{key}\"><i>{key}</i> <span class=\"copy\">{body}</span></p>",
                key = esc(&w.key.text),
            );
        }
        out.push_str("</div>\n");
    }
    if c.faq.is_empty() {
        let _ = writeln!(out, "<p class=\"faq-none\">✖ {}</p>", cx.t(M::NoFAQ));
    } else {
        out.push_str("<dl class=\"faq\">");
        for e in &c.faq {
            let q = text(&e.question);
            let a = text(&e.answer);
            let _ = write!(out, "<dt>{} {q}</dt><dd>{a}</dd>", cx.t(M::Question));
        }
        out.push_str("</dl>\n");
    }
    if !terms.is_empty() {
        let _ = write!(
            out,
            "<p class=\"terms\"><span class=\"key\">{}</span> ",
            cx.t(M::Terms)
        );
        for &t in &terms {
            if let Some(term) = matcher.terms.get(t) {
                let _ = write!(
                    out,
                    "<span class=\"term\"><b>{}</b> — {}</span> ",
                    esc(&term.name),
                    esc(term.plain.as_deref().unwrap_or("—"))
                );
            }
        }
        out.push_str("</p>\n");
    }
    supports(out, cx, fact);
    findings(out, cx, own);
    out.push_str("</article>\n");
}

/// Counts of the campaign's findings by severity, as badges.
fn badges(cx: &Ctx<'_, '_>, own: &[usize]) -> String {
    let mut badge = String::new();
    for sev in [
        crate::Severity::Error,
        crate::Severity::Warning,
        crate::Severity::Info,
    ] {
        let n = own
            .iter()
            .filter_map(|&d| cx.diagnostic(d))
            .filter(|d| d.severity == sev)
            .count();
        if n > 0 {
            let _ = write!(
                badge,
                " <span class=\"badge sev-{}\">{} {n}</span>",
                sev.as_str(),
                cx.severity(sev)
            );
        }
    }
    badge
}

/// The campaign's fields in reviewer words: where, when, who, offer, final
/// price, channels, stacking, extends.
fn fields(out: &mut String, cx: &Ctx<'_, '_>, fact: &CampaignFact<'_>) {
    let c = fact.campaign;
    let mut field = |label: &str, value: String| {
        let _ = write!(out, "<dt>{label}</dt><dd>{value}</dd>");
    };
    let issuer = c.issuer.as_ref().map_or("", |i| i.text.as_str());
    let regions = match &c.regions {
        Some(list) => list
            .iter()
            .map(|r| esc(&r.text))
            .collect::<Vec<_>>()
            .join("、"),
        None => format!("{}{}", esc(issuer), cx.t(M::AllOfIt)),
    };
    field(
        cx.t(M::WhereField),
        format!(
            "{regions} <span class=\"muted\">({} {})</span>",
            cx.t(M::IssuedBy),
            esc(issuer)
        ),
    );
    field(
        cx.t(M::WhenField),
        format!("{} ~ {}", fact.start, show_end(fact.end)),
    );
    let who: Vec<String> = c
        .audience
        .iter()
        .map(|a| match &a.value {
            AudienceValue::Values(v) => format!(
                "{}: {}",
                esc(&a.dimension.text),
                v.iter()
                    .map(|x| esc(&x.text))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            AudienceValue::Range(r) => format!("{}: {}", esc(&a.dimension.text), r.node.math()),
        })
        .collect();
    field(
        cx.t(M::Who),
        if who.is_empty() {
            cx.t(M::EveryCustomer).to_string()
        } else {
            who.join("; ")
        },
    );
    let product = cx.index.products.get(fact.offer);
    let offer = product.map_or_else(
        || esc(fact.offer),
        |p| {
            let title = p
                .item
                .title
                .as_ref()
                .map_or_else(String::new, |t| format!(" {}", esc(&t.value)));
            let price = p.item.price.map_or_else(String::new, |q| {
                format!(" · {} {}", cx.t(M::ListPrice), q.node)
            });
            format!("{}{title}{price}", esc(fact.offer))
        },
    );
    field(cx.t(M::Offer), offer);
    if let Some(b) = &c.benefit {
        field(cx.t(M::Benefit), esc(&benefit(cx, &b.node)));
    }
    if let Some((value, unit)) = final_price(cx.index, c) {
        field(
            cx.t(M::FinalPrice),
            format!(
                "<b class=\"price\">{}</b>",
                koujing_grammar::ast::Quantity { value, unit }
            ),
        );
    }
    field(
        cx.t(M::ChannelsField),
        fact.channels
            .iter()
            .map(|c| esc(c))
            .collect::<Vec<_>>()
            .join("、"),
    );
    field(
        cx.t(M::Stacking),
        match &c.stacking.node {
            Stacking::Exclusive => cx.t(M::StacksWithNothing).to_string(),
            Stacking::Stackable => cx.t(M::StacksWithAnything).to_string(),
            Stacking::With(list) => format!(
                "{} {}",
                cx.t(M::StacksOnlyWith),
                list.iter()
                    .map(|n| link(&n.text, cx))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        },
    );
    if let Some(e) = &c.extends {
        field(cx.t(M::Extends), link(&e.text, cx));
    }
    out.push_str("</dl>\n");
}

/// The campaign's findings, each linking to its entry in the findings list.
fn findings(out: &mut String, cx: &Ctx<'_, '_>, own: &[usize]) {
    if !own.is_empty() {
        out.push_str("<ul class=\"card-findings\">");
        for &d in own {
            let Some(diag) = cx.diagnostic(d) else {
                continue;
            };
            let _ = write!(
                out,
                "<li class=\"sev-{}\"><a href=\"#f-{d}\">{} {}</a> {}</li>",
                diag.severity.as_str(),
                cx.severity(diag.severity),
                diag.code,
                esc(diag.message.get(cx.lang))
            );
        }
        out.push_str("</ul>\n");
    }
}

/// The supports the campaign requires: effective ready date against the
/// day they must be ready (`support_lead` before the start).
fn supports(out: &mut String, cx: &Ctx<'_, '_>, fact: &CampaignFact<'_>) {
    let c = fact.campaign;
    if c.requires.is_empty() {
        return;
    }
    let lead = cx.limits.region(fact.issuer).support_lead;
    let deadline = lead.before(fact.start);
    let _ = write!(
        out,
        "<p class=\"supports\"><i>{}</i> {} {}: ",
        cx.t(M::Supports),
        cx.t(M::Due),
        deadline.map_or_else(|| "—".to_string(), |d| d.to_string()),
    );
    for r in &c.requires {
        let i = cx.index.supports.index_of(&r.text);
        let ready = i.and_then(|i| cx.readiness.effective.get(i).copied().flatten());
        let (class, status) = match (i, ready, deadline) {
            (None, _, _) => ("unknown", format!("✖ {}", cx.t(M::NotDefined))),
            (_, Some(ready), Some(deadline)) if ready > deadline => (
                "late",
                format!(
                    "✖ {ready}, {} {} {}",
                    cx.t(M::LateBy),
                    (ready - deadline).num_days(),
                    cx.t(M::Days)
                ),
            ),
            (_, Some(ready), Some(_)) => ("ok", format!("✔ {ready}")),
            _ => ("unknown", "?".to_string()),
        };
        let _ = write!(
            out,
            "<span class=\"{class}\" data-support=\"{name}\">{name} {status}</span> ",
            name = esc(&r.text),
        );
    }
    out.push_str("</p>\n");
}

/// An interval of a string's value to wrap: findings (diagnostic indexes)
/// or a jargon term.
struct Interval {
    start: usize,
    end: usize,
    findings: Vec<usize>,
    term: Option<usize>,
}

/// The literal's value with findings marked and jargon underlined.
fn highlighted(
    cx: &Ctx<'_, '_>,
    matcher: &Matcher<'_>,
    source: &str,
    lit: &StrLit,
    own: &[usize],
    terms: &mut BTreeSet<usize>,
) -> String {
    let value = lit.value.as_str();
    let exact = source.get(lit.span.start + 1..lit.span.end.saturating_sub(1)) == Some(value);
    let base = lit.span.start + 1;
    let mut by_range: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for &d in own {
        let Some(diag) = cx.diagnostic(d) else {
            continue;
        };
        if !(lit.span.contains(diag.span)) {
            continue;
        }
        let (s, e) = if exact && diag.span.start >= base && diag.span.end <= base + value.len() {
            (diag.span.start - base, diag.span.end - base)
        } else {
            (0, value.len())
        };
        let (s, e) = if s == e { (0, value.len()) } else { (s, e) };
        by_range.entry((s, e)).or_default().push(d);
    }
    let mut intervals: Vec<Interval> = by_range
        .into_iter()
        .map(|((start, end), findings)| Interval {
            start,
            end,
            findings,
            term: None,
        })
        .collect();
    for hit in matcher.find(value) {
        terms.insert(hit.term);
        intervals.push(Interval {
            start: hit.start,
            end: hit.end,
            findings: Vec::new(),
            term: Some(hit.term),
        });
    }
    intervals.retain(|i| {
        i.start < i.end && value.is_char_boundary(i.start) && value.is_char_boundary(i.end)
    });
    intervals.sort_by_key(|i| (i.start, Reverse(i.end), i.term.is_some()));

    let mut out = String::with_capacity(value.len() * 2);
    let mut pos = 0;
    let mut stack: Vec<(usize, String)> = Vec::new();
    let piece = |from: usize, to: usize| esc(value.get(from..to).unwrap_or_default());
    for iv in &intervals {
        while let Some((end, _)) = stack.last() {
            if *end > iv.start {
                break;
            }
            let end = *end;
            out.push_str(&piece(pos, end));
            pos = end;
            if let Some((_, close)) = stack.pop() {
                out.push_str(&close);
            }
        }
        let end = stack.last().map_or(iv.end, |(e, _)| iv.end.min(*e));
        if iv.start < pos || end <= iv.start {
            continue;
        }
        out.push_str(&piece(pos, iv.start));
        pos = iv.start;
        if let Some(t) = iv.term {
            let plain = matcher
                .terms
                .get(t)
                .and_then(|t| t.plain.as_deref())
                .unwrap_or("");
            let _ = write!(
                out,
                "<abbr class=\"jargon\" tabindex=\"0\" title=\"{}\">",
                esc(plain)
            );
            stack.push((end, "</abbr>".to_string()));
        } else {
            let diags: Vec<&crate::Diagnostic> = iv
                .findings
                .iter()
                .filter_map(|&d| cx.diagnostic(d))
                .collect();
            let severity = diags
                .iter()
                .map(|d| d.severity)
                .max()
                .unwrap_or(crate::Severity::Info);
            let codes: Vec<String> = diags.iter().map(|d| d.code.to_string()).collect();
            let first = iv.findings.first().copied().unwrap_or(0);
            let mut tip = String::new();
            for d in &diags {
                let _ = write!(
                    tip,
                    "<b>{} {}</b> {}",
                    cx.severity(d.severity),
                    d.code,
                    esc(d.message.get(cx.lang))
                );
                let fix = d.fix_or_help(cx.lang);
                if let Some(fix) = fix {
                    let _ = write!(tip, "<br>{} {}", cx.t(M::Fix), esc(fix));
                }
                tip.push_str("<br>");
            }
            let _ = write!(
                out,
                "<mark class=\"hl sev-{}\" tabindex=\"0\" data-code=\"{}\" aria-describedby=\"tip-{first}\">",
                severity.as_str(),
                codes.join(" "),
            );
            stack.push((
                end,
                format!(
                    "</mark><span class=\"tip\" role=\"tooltip\" id=\"tip-{first}\">{tip}</span>"
                ),
            ));
        }
    }
    while let Some((end, close)) = stack.pop() {
        out.push_str(&piece(pos, end));
        pos = end;
        out.push_str(&close);
    }
    out.push_str(&piece(pos, value.len()));
    out
}

/// The price the customer pays, when the fields say: the special price, or
/// the product's list price less the discount (checked arithmetic, `None`
/// past the decimal range, as the bundle computes it).
fn final_price(
    index: &crate::resolve::Index<'_>,
    campaign: &koujing_grammar::ast::Campaign,
) -> Option<(rust_decimal::Decimal, koujing_grammar::ast::Unit)> {
    match &campaign.benefit.as_ref()?.node {
        Benefit::Price(q) => Some((q.value, q.unit)),
        Benefit::Discount(p) => {
            let product = index.products.get(&campaign.offer.as_ref()?.text)?;
            let price = product.item.price?.node;
            Some((
                koujing_bundle::domain::discounted(price.value, *p)?,
                price.unit,
            ))
        }
        _ => None,
    }
}
