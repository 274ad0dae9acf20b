//! Hover text of a definition, read from its item in the workspace (found
//! through the semantic model), and the kind labels shared by hover,
//! completion and symbols.

use koujing_checker::messages::EditorMsg;
use koujing_checker::semantic::Symbol;
use koujing_checker::{Lang, SourceFile, Workspace};
use koujing_grammar::ast::{
    AudienceValue, Benefit, Item, RegionNode, Stacking, StackingWord, StrLit,
};
use koujing_grammar::kinds::Kind;
use koujing_grammar::Span;

use crate::server::Server;

/// A kind's name in the server's language.
pub fn kind_label(kind: Kind, lang: Lang) -> String {
    match kind.text() {
        koujing_grammar::Arg::Text { zh, en } => lang.pick(&zh, &en).to_string(),
        other => format!("{other:?}"),
    }
}

/// The file of a path in the workspace (its files are sorted by path).
pub fn file<'w>(workspace: &'w Workspace, path: &str) -> Option<&'w SourceFile> {
    let at = workspace
        .files
        .binary_search_by(|f| f.path.as_str().cmp(path))
        .ok()?;
    workspace.files.get(at)
}

/// The item a definition names (`None` for a region below the root).
pub fn item_of<'w>(workspace: &'w Workspace, symbol: Symbol<'_>) -> Option<&'w Item> {
    let file = file(workspace, symbol.path)?;
    let items = &file.parsed.module.items;
    let at = items.partition_point(|i| i.span().start < symbol.item.start);
    items.get(at).filter(|i| i.span() == symbol.item)
}

/// Leaves under the region node whose name is at `span`.
fn region_leaves(workspace: &Workspace, symbol: Symbol<'_>) -> Option<usize> {
    fn count(node: &RegionNode) -> usize {
        if node.children.is_empty() {
            1
        } else {
            node.children.iter().map(count).sum()
        }
    }
    fn find(nodes: &[RegionNode], span: Span) -> Option<&RegionNode> {
        nodes.iter().find_map(|n| {
            if n.name.span == span {
                Some(n)
            } else {
                find(&n.children, span)
            }
        })
    }
    let file = file(workspace, symbol.path)?;
    file.parsed.module.items.iter().find_map(|item| match item {
        Item::Regions(r) if r.name.span == symbol.span => {
            Some(r.children.iter().map(count).sum::<usize>().max(1))
        }
        Item::Regions(r) if r.span.start <= symbol.span.start && symbol.span.end <= r.span.end => {
            find(&r.children, symbol.span).map(count)
        }
        _ => None,
    })
}

fn join<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join(", ")
}

/// The hover text of a named item of `kind`, or `None` when it is not defined.
pub fn text(server: &Server, kind: Kind, name: &str) -> Option<String> {
    let model = &server.report.model;
    let symbol = model.definition(kind, name)?;
    let t = |msg: EditorMsg| msg.template(server.lang);
    let title = |t: Option<&StrLit>| t.map(|t| format!(" — {}", t.value)).unwrap_or_default();
    let head = |title: String| format!("**{}** `{}`{}", kind_label(kind, server.lang), name, title);
    if kind == Kind::Region {
        let leaves = region_leaves(&server.workspace, symbol).unwrap_or(0);
        return Some(format!(
            "{} ({leaves} {})",
            head(
                symbol
                    .title
                    .as_ref()
                    .map(|t| format!(" — {t}"))
                    .unwrap_or_default()
            ),
            t(EditorMsg::Counties)
        ));
    }
    let item = item_of(&server.workspace, symbol)?;
    let text = match item {
        Item::Product(p) => {
            let mut lines = vec![head(title(p.title.as_ref()))];
            if let Some(k) = p.kind {
                lines.push(format!("- kind: {}", k.node.as_str()));
            }
            if let Some(price) = p.price {
                lines.push(format!("- {}: {}", t(EditorMsg::Price), price.node));
            }
            if let Some(face) = p.face_value {
                lines.push(format!("- {}: {}", t(EditorMsg::FaceValue), face.node));
            }
            lines.join("\n")
        }
        Item::Support(s) => {
            let mut lines = vec![head(title(s.title.as_ref()))];
            if let Some(k) = s.kind {
                lines.push(format!("- kind: {}", k.node.as_str()));
            }
            if let Some(r) = s.ready {
                lines.push(format!("- ready: {}", r.node));
            }
            if let Some(e) = model.effective_ready.get(name) {
                lines.push(format!("- {}: {e}", t(EditorMsg::EffectivelyReady)));
            }
            if let Some(u) = s.until {
                lines.push(format!("- until: {}", u.node));
            }
            lines.join("\n")
        }
        Item::Term(term) => {
            let mut lines = vec![head(title(term.title.as_ref()))];
            if let Some(plain) = &term.plain {
                lines.push(plain.value.to_string());
            }
            if !term.aliases.is_empty() {
                lines.push(format!(
                    "- aliases: {}",
                    join(term.aliases.iter().map(|a| a.value.as_str()))
                ));
            }
            lines.join("\n\n")
        }
        Item::Campaign(c) => {
            let mut lines = vec![head(title(c.title.as_ref()))];
            if let Some(w) = c.window {
                lines.push(format!(
                    "- window: [{}, {}]",
                    w.start,
                    w.end.map_or("…".to_string(), |e| e.to_string())
                ));
            }
            if let Some(i) = &c.issuer {
                lines.push(format!("- issuer: {}", i.text));
            }
            if let Some(o) = &c.offer {
                lines.push(format!("- offer: {}", o.text));
            }
            if let Some(b) = &c.benefit {
                let text = match &b.node {
                    Benefit::Discount(p) => format!("discount {p}%"),
                    Benefit::Price(q) => format!("price {q}"),
                    Benefit::Gift(g) => format!("gift \"{g}\""),
                    Benefit::Bonus(q) => format!("bonus {q}"),
                    Benefit::Points(m) => format!("points x{m}"),
                };
                lines.push(format!("- benefit: {text}"));
            }
            for a in &c.audience {
                let value = match &a.value {
                    AudienceValue::Values(v) => join(v.iter().map(|x| x.text.as_str())),
                    AudienceValue::Range(r) => r.node.math(),
                };
                lines.push(format!("- {}: {value}", a.dimension.text));
            }
            lines.push(format!(
                "- channels: {}",
                join(c.channels.iter().map(|x| x.text.as_str()))
            ));
            let stacking = match &c.stacking.node {
                Stacking::Exclusive => StackingWord::Exclusive.as_str().to_string(),
                Stacking::Stackable => StackingWord::Stackable.as_str().to_string(),
                Stacking::With(list) => format!(
                    "{} [{}]",
                    StackingWord::With.as_str(),
                    join(list.iter().map(|x| x.text.as_str()))
                ),
            };
            lines.push(format!("- stacking: {stacking}"));
            lines.join("\n")
        }
        Item::Channel(ch) => {
            let handles = ch
                .handles
                .as_ref()
                .map_or("*".to_string(), |h| join(h.iter().map(|k| k.node.as_str())));
            format!("{}\n- handles: {handles}", head(title(ch.title.as_ref())))
        }
        Item::Dimension(d) => {
            let values = d
                .values
                .as_ref()
                .map(|v| join(v.iter().map(|x| x.text.as_str())));
            let unit = d.unit.map(|u| u.node.as_str().to_string());
            format!(
                "{}\n- {}",
                head(title(d.title.as_ref())),
                values.or(unit).unwrap_or_default()
            )
        }
        Item::Grading(g) => {
            let bands: Vec<String> = g
                .grades
                .iter()
                .map(|b| format!("{} {}", b.name.text, b.band.math()))
                .collect();
            format!("{}\n- {}", head(title(g.title.as_ref())), bands.join("; "))
        }
        Item::Commission(c) => format!(
            "{} {}",
            head(title(c.title.as_ref())),
            EditorMsg::Rows.get(server.lang, &[("count", &c.rows.len())])
        ),
        // Any other named kind (`mix`, a new one): its name and title.
        other => head(title(other.named()?.title())),
    };
    Some(text)
}
