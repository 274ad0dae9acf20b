//! Request handlers: hover, definition, references, symbols, completion,
//! formatting, code actions.

use std::collections::HashMap;

use koujing_checker::resolve::{build_index, Index};
use koujing_checker::{Code, SourceFile};
use koujing_grammar::ast::{AudienceValue, Benefit, Item, Stacking};
use koujing_grammar::tree::{Block, Entry, ItemBody, Key, RegionNode, Value, ValueKind};
use koujing_grammar::Span;
use lsp_types::*;

use crate::server::Server;
use crate::to_proto;

/// The identifier (or code) under a byte offset.
fn word_at(text: &str, offset: usize) -> Option<(Span, &str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let offset = offset.min(text.len());
    let mut start = offset;
    while let Some(c) = text
        .get(..start)
        .and_then(|t| t.chars().next_back())
        .filter(|c| is_word(*c))
    {
        start -= c.len_utf8();
    }
    let mut end = offset;
    while let Some(c) = text
        .get(end..)
        .and_then(|t| t.chars().next())
        .filter(|c| is_word(*c))
    {
        end += c.len_utf8();
    }
    (end > start).then(|| {
        (
            Span::new(start, end),
            text.get(start..end).unwrap_or_default(),
        )
    })
}

fn at(server: &Server, doc: &TextDocumentPositionParams) -> Option<(usize, usize)> {
    let id = server.file_id(&doc.text_document.uri)?;
    let file = server.workspace.file(id)?;
    Some((id, to_proto::offset(file, doc.position, server.encoding)))
}

/// Where a name is defined: (file, name span, kind label).
fn definitions(index: &Index<'_>, name: &str) -> Vec<(usize, Span, &'static str)> {
    let mut out = Vec::new();
    if let Some(r) = index.region(name) {
        out.push((r.file, r.name.span, "地区 region"));
    }
    macro_rules! look {
        ($table:ident, $label:expr) => {
            if let Some(d) = index.$table.get(name) {
                out.push((d.file, d.item.name.span, $label));
            }
        };
    }
    look!(channels, "渠道 channel");
    look!(dimensions, "维度 dimension");
    look!(products, "产品 product");
    look!(supports, "支撑 support");
    look!(terms, "术语 term");
    look!(campaigns, "活动 campaign");
    look!(commissions, "酬金表 commission");
    look!(mixes, "酬金结构 mix");
    look!(gradings, "分级模型 grading");
    for g in &index.gradings.defs {
        for band in g.item.grades.iter().filter(|b| b.name.text == name) {
            out.push((g.file, band.name.span, "等级 grade"));
        }
    }
    out
}

fn hover_text(server: &Server, index: &Index<'_>, name: &str) -> Option<String> {
    if let Ok(code) = name.parse::<Code>() {
        return Some(code.info().explanation.to_string());
    }
    let zh = server.lang.is_zh();
    let t = |z: &str, e: &str| if zh { z.to_string() } else { e.to_string() };
    let title = |t: Option<&koujing_grammar::ast::StrLit>| {
        t.map(|t| format!(" — {}", t.value)).unwrap_or_default()
    };
    if let Some(p) = index.products.get(name) {
        let p = p.item;
        let mut lines = vec![format!(
            "**{}** `{}`{}",
            t("产品", "product"),
            name,
            title(p.title.as_ref())
        )];
        if let Some(k) = p.kind {
            lines.push(format!("- kind: {}", k.node.as_str()));
        }
        if let Some(price) = p.price {
            lines.push(format!("- {}: {}", t("价格", "price"), price.node));
        }
        if let Some(face) = p.face_value {
            lines.push(format!("- {}: {}", t("面值", "face value"), face.node));
        }
        return Some(lines.join("\n"));
    }
    if let Some(s) = index.supports.get(name) {
        let s = s.item;
        let readiness = koujing_checker::checks::support::readiness(index);
        let effective = index
            .supports
            .index_of(name)
            .and_then(|i| readiness.effective.get(i).copied().flatten());
        let mut lines = vec![format!(
            "**{}** `{}`{}",
            t("支撑", "support"),
            name,
            title(s.title.as_ref())
        )];
        if let Some(k) = s.kind {
            lines.push(format!("- kind: {}", k.node.as_str()));
        }
        if let Some(r) = s.ready {
            lines.push(format!("- ready: {}", r.node));
        }
        if let Some(e) = effective {
            lines.push(format!(
                "- {}: {e}",
                t("实际就绪日(含依赖)", "effectively ready (with requires)")
            ));
        }
        if let Some(u) = s.until {
            lines.push(format!("- until: {}", u.node));
        }
        return Some(lines.join("\n"));
    }
    if let Some(term) = index.terms.get(name) {
        let term = term.item;
        let mut lines = vec![format!("**{}** `{}`", t("术语", "term"), name)];
        if let Some(plain) = &term.plain {
            lines.push(plain.value.clone());
        }
        if !term.aliases.is_empty() {
            lines.push(format!(
                "- aliases: {}",
                term.aliases
                    .iter()
                    .map(|a| a.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        return Some(lines.join("\n\n"));
    }
    if let Some(c) = index.campaigns.get(name) {
        let c = c.item;
        let mut lines = vec![format!(
            "**{}** `{}`{}",
            t("活动", "campaign"),
            name,
            title(c.title.as_ref())
        )];
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
                AudienceValue::Values(v) => v
                    .iter()
                    .map(|x| x.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                AudienceValue::Range(r) => r.node.math(),
            };
            lines.push(format!("- {}: {value}", a.dimension.text));
        }
        lines.push(format!(
            "- channels: {}",
            c.channels
                .iter()
                .map(|x| x.text.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let stacking = match &c.stacking.node {
            Stacking::Exclusive => "exclusive".to_string(),
            Stacking::Stackable => "stackable".to_string(),
            Stacking::With(list) => format!(
                "with [{}]",
                list.iter()
                    .map(|x| x.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        lines.push(format!("- stacking: {stacking}"));
        return Some(lines.join("\n"));
    }
    if let Some(ch) = index.channels.get(name) {
        let ch = ch.item;
        let handles = ch.handles.as_ref().map_or("*".to_string(), |h| {
            h.iter()
                .map(|k| k.node.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        });
        return Some(format!(
            "**{}** `{}`{}\n- handles: {handles}",
            t("渠道", "channel"),
            name,
            title(ch.title.as_ref())
        ));
    }
    if let Some(d) = index.dimensions.get(name) {
        let d = d.item;
        let values = d.values.as_ref().map(|v| {
            v.iter()
                .map(|x| x.text.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        });
        let unit = d.unit.map(|u| u.node.as_str().to_string());
        return Some(format!(
            "**{}** `{}`\n- {}",
            t("维度", "dimension"),
            name,
            values.or(unit).unwrap_or_default()
        ));
    }
    if let Some(g) = index.gradings.get(name) {
        let bands: Vec<String> = g
            .item
            .grades
            .iter()
            .map(|b| format!("{} {}", b.name.text, b.band.math()))
            .collect();
        return Some(format!(
            "**{}** `{}`\n- {}",
            t("分级模型", "grading model"),
            name,
            bands.join("; ")
        ));
    }
    for g in &index.gradings.defs {
        if let Some(b) = g.item.grades.iter().find(|b| b.name.text == name) {
            return Some(format!(
                "**{}** `{}` {}",
                t("等级", "grade"),
                name,
                b.band.math()
            ));
        }
    }
    if let Some(r) = index.region(name) {
        return Some(format!(
            "**{}** `{}` ({} {})",
            t("地区", "region"),
            name,
            r.leaves.len(),
            t("个区县", "counties")
        ));
    }
    if let Some(c) = index.commissions.get(name) {
        return Some(format!(
            "**{}** `{}` ({} rows)",
            t("酬金表", "commission table"),
            name,
            c.item.rows.len()
        ));
    }
    None
}

pub fn hover(server: &Server, params: HoverParams) -> Option<Hover> {
    let (id, offset) = at(server, &params.text_document_position_params)?;
    let file = server.workspace.file(id)?;
    let (span, word) = word_at(&file.text, offset)?;
    let (index, _) = build_index(&server.workspace);
    let text = hover_text(server, &index, word)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(to_proto::range(file, span, server.encoding)),
    })
}

fn location(server: &Server, file: usize, span: Span) -> Option<Location> {
    let source = server.workspace.file(file)?;
    Some(Location {
        uri: server.uri_of(&source.path)?,
        range: to_proto::range(source, span, server.encoding),
    })
}

pub fn definition(server: &Server, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let (id, offset) = at(server, &params.text_document_position_params)?;
    let file = server.workspace.file(id)?;
    let (_, word) = word_at(&file.text, offset)?;
    let (index, _) = build_index(&server.workspace);
    let locations: Vec<Location> = definitions(&index, word)
        .into_iter()
        .filter_map(|(f, span, _)| location(server, f, span))
        .collect();
    (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
}

/// Every identifier written in a file, with its span.
fn idents(file: &SourceFile) -> Vec<(&str, Span)> {
    fn value<'a>(v: &'a Value, out: &mut Vec<(&'a str, Span)>) {
        match &v.kind {
            ValueKind::Ident(text) => out.push((text, v.span)),
            ValueKind::List(items) => items.iter().for_each(|i| value(i, out)),
            ValueKind::Tagged(_, inner) => value(inner, out),
            _ => {}
        }
    }
    fn block<'a>(b: &'a Block, out: &mut Vec<(&'a str, Span)>) {
        for entry in &b.entries {
            match entry {
                Entry::Field(f) => {
                    if let Key::Ident(k) = &f.key {
                        out.push((&k.text, k.span));
                    }
                    value(&f.value, out);
                }
                Entry::Block(sub) => block(&sub.block, out),
                Entry::Factor(f) => {
                    out.push((&f.name.text, f.name.span));
                    if let Some(b) = &f.block {
                        block(b, out);
                    }
                }
                Entry::Rates(r) => {
                    for row in &r.rows {
                        for c in &row.conditions {
                            out.push((&c.key.text, c.key.span));
                            value(&c.value, out);
                        }
                    }
                }
            }
        }
    }
    fn regions<'a>(nodes: &'a [RegionNode], out: &mut Vec<(&'a str, Span)>) {
        for n in nodes {
            out.push((&n.name.text, n.name.span));
            regions(&n.children, out);
        }
    }
    let mut out = Vec::new();
    for item in &file.parsed.syntax.items {
        if let Some(name) = &item.name {
            out.push((name.text.as_str(), name.span));
        }
        match &item.body {
            ItemBody::Regions(nodes) => regions(nodes, &mut out),
            ItemBody::Block(b) => block(b, &mut out),
        }
    }
    out
}

pub fn references(server: &Server, params: ReferenceParams) -> Option<Vec<Location>> {
    let (id, offset) = at(server, &params.text_document_position)?;
    let file = server.workspace.file(id)?;
    let (_, word) = word_at(&file.text, offset)?;
    let (index, _) = build_index(&server.workspace);
    let declarations: Vec<(usize, Span)> = definitions(&index, word)
        .into_iter()
        .map(|(f, s, _)| (f, s))
        .collect();
    let mut out = Vec::new();
    for (fid, source) in server.workspace.files.iter().enumerate() {
        for (text, span) in idents(source) {
            if text != word {
                continue;
            }
            if !params.context.include_declaration && declarations.contains(&(fid, span)) {
                continue;
            }
            out.extend(location(server, fid, span));
        }
    }
    Some(out)
}

fn symbol_kind(item: &Item) -> (SymbolKind, Option<&koujing_grammar::ast::Ident>) {
    match item {
        Item::Regions(r) => (SymbolKind::NAMESPACE, Some(&r.name)),
        Item::Channel(c) => (SymbolKind::INTERFACE, Some(&c.name)),
        Item::Dimension(d) => (SymbolKind::ENUM, Some(&d.name)),
        Item::Product(p) => (SymbolKind::CLASS, Some(&p.name)),
        Item::Support(s) => (SymbolKind::PACKAGE, Some(&s.name)),
        Item::Term(t) => (SymbolKind::STRING, Some(&t.name)),
        Item::Campaign(c) => (SymbolKind::EVENT, Some(&c.name)),
        Item::Commission(c) => (SymbolKind::STRUCT, Some(&c.name)),
        Item::Mix(m) => (SymbolKind::OBJECT, Some(&m.name)),
        Item::Grading(g) => (SymbolKind::MODULE, Some(&g.name)),
        Item::Limits(l) => (SymbolKind::CONSTANT, l.region.as_ref()),
    }
}

#[allow(deprecated)]
pub fn document_symbols(
    server: &Server,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let id = server.file_id(&params.text_document.uri)?;
    let file = server.workspace.file(id)?;
    let symbols = file
        .parsed
        .module
        .items
        .iter()
        .map(|item| {
            let (kind, name) = symbol_kind(item);
            let selection = name.map_or(item.span(), |n| n.span);
            DocumentSymbol {
                name: name.map_or_else(|| "limits".to_string(), |n| n.text.clone()),
                detail: None,
                kind,
                tags: None,
                deprecated: None,
                range: to_proto::range(file, item.span(), server.encoding),
                selection_range: to_proto::range(file, selection, server.encoding),
                children: None,
            }
        })
        .collect();
    Some(DocumentSymbolResponse::Nested(symbols))
}

#[allow(deprecated)]
pub fn workspace_symbols(
    server: &Server,
    params: WorkspaceSymbolParams,
) -> Option<Vec<SymbolInformation>> {
    let query = params.query.to_lowercase();
    let mut out = Vec::new();
    for (id, file) in server.workspace.files.iter().enumerate() {
        for item in &file.parsed.module.items {
            let (kind, Some(name)) = symbol_kind(item) else {
                continue;
            };
            if !name.text.to_lowercase().contains(&query) {
                continue;
            }
            let Some(location) = location(server, id, name.span) else {
                continue;
            };
            out.push(SymbolInformation {
                name: name.text.clone(),
                kind,
                tags: None,
                deprecated: None,
                location,
                container_name: None,
            });
        }
    }
    Some(out)
}

use koujing_grammar::prescan::ITEM_KEYWORDS;

fn fields_of(keyword: &str) -> &'static [&'static str] {
    match keyword {
        "channel" => &["type", "handles", "grading"],
        "dimension" => &["values", "unit"],
        "product" => &["kind", "price", "face_value"],
        "support" => &["kind", "ready", "until", "channels", "requires"],
        "term" => &["jargon", "aliases", "plain", "faq"],
        "campaign" => &[
            "issuer", "regions", "window", "audience", "offer", "benefit", "channels", "stacking",
            "extends", "requires", "wording", "faq",
        ],
        "commission" => &["kind", "period", "channels", "rates"],
        "mix" => &[
            "first_return",
            "revenue_share",
            "incentive",
            "subsidy",
            "multiplier",
        ],
        "grading" => &["factor", "grades"],
        "limits" => &[
            "max_concurrent",
            "support_lead",
            "required_support",
            "max_first_return_ratio",
        ],
        _ => &[],
    }
}

/// The item keyword and the open blocks (names) around `offset`.
fn context(text: &str, offset: usize) -> Option<(&'static str, Vec<String>)> {
    let before = text.get(..offset)?;
    // The last line starting (at column 0) with an item keyword.
    let mut item_start = None;
    let mut keyword = "";
    let mut at = 0;
    for line in before.split_inclusive('\n') {
        if let Some(kw) = ITEM_KEYWORDS.iter().find(|k| {
            line.starts_with(*k)
                && line
                    .get(k.len()..k.len() + 1)
                    .is_some_and(|c| c == " " || c == "{")
        }) {
            item_start = Some(at);
            keyword = kw;
        }
        at += line.len();
    }
    let start = item_start?;
    // Open braces between the item start and the cursor, skipping strings and comments.
    let mut stack: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut last_word = String::new();
    let mut chars = before.get(start..)?.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(n) = chars.next() {
                    if n == '\\' {
                        chars.next();
                    } else if n == '"' || n == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '{' => stack.push(std::mem::take(&mut last_word)),
            '}' => {
                stack.pop();
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' => word.push(c),
            _ => {
                if !word.is_empty() {
                    last_word = std::mem::take(&mut word);
                }
            }
        }
    }
    if stack.is_empty() {
        return None;
    }
    let keyword: &'static str = ITEM_KEYWORDS
        .iter()
        .find(|k| **k == keyword)
        .copied()
        .unwrap_or("");
    Some((keyword, stack))
}

fn items(
    labels: impl IntoIterator<Item = String>,
    kind: CompletionItemKind,
) -> Vec<CompletionItem> {
    labels
        .into_iter()
        .map(|label| CompletionItem {
            label,
            kind: Some(kind),
            ..Default::default()
        })
        .collect()
}

fn names<T>(table: &koujing_checker::resolve::Table<'_, T>) -> Vec<String> {
    let mut list: Vec<String> = table.names().map(str::to_string).collect();
    list.sort();
    list
}

pub fn completion(server: &Server, params: CompletionParams) -> Option<CompletionResponse> {
    let (id, offset) = at(server, &params.text_document_position)?;
    let file = server.workspace.file(id)?;
    let text = &*file.text;
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |n| n + 1);
    let line = text.get(line_start..offset)?;
    let (index, _) = build_index(&server.workspace);
    let Some((keyword, blocks)) = context(text, offset) else {
        return Some(CompletionResponse::Array(items(
            ITEM_KEYWORDS.iter().map(|k| k.to_string()),
            CompletionItemKind::KEYWORD,
        )));
    };
    let inner = blocks.last().map(String::as_str).unwrap_or_default();
    let in_item_body = blocks.len() == 1;
    // After `FIELD:` on this line (the last field of the line, for `a: b; c: `).
    let segment = line.rsplit(';').next().unwrap_or(line);
    let segment = segment.rsplit('{').next().unwrap_or(segment);
    if let Some((field, _)) = segment.split_once(':') {
        let field = field.trim();
        let regions = || {
            let mut list: Vec<String> = index.regions.iter().map(|r| r.name.text.clone()).collect();
            list.sort();
            list
        };
        let list: Vec<String> = if inner == "audience" {
            index
                .dimensions
                .get(field)
                .and_then(|d| d.item.values.as_ref())
                .map(|v| v.iter().map(|x| x.text.clone()).collect())
                .unwrap_or_default()
        } else {
            match (keyword, field) {
                (_, "offer") => names(&index.products),
                (_, "channels") => names(&index.channels),
                (_, "requires") => names(&index.supports),
                (_, "issuer" | "regions") => regions(),
                (_, "extends") => names(&index.campaigns),
                (_, "grading") => names(&index.gradings),
                ("campaign", "stacking") => {
                    vec!["exclusive".into(), "stackable".into(), "with".into()]
                }
                ("campaign", "benefit") => ["discount", "price", "gift", "bonus", "points"]
                    .map(String::from)
                    .to_vec(),
                ("channel", "type") => ["owned", "social", "electronic", "direct"]
                    .map(String::from)
                    .to_vec(),
                ("channel", "handles") | ("product", "kind") => [
                    "plan",
                    "data",
                    "terminal",
                    "broadband",
                    "sim_card",
                    "value_added",
                ]
                .map(String::from)
                .to_vec(),
                ("support", "kind") | ("limits", "required_support") => {
                    ["system", "knowledge", "training", "material"]
                        .map(String::from)
                        .to_vec()
                }
                ("commission", "kind") => [
                    "first_return",
                    "revenue_share",
                    "incentive",
                    "subsidy",
                    "multiplier",
                ]
                .map(String::from)
                .to_vec(),
                ("term", "jargon") => vec!["true".into(), "false".into()],
                _ => Vec::new(),
            }
        };
        return Some(CompletionResponse::Array(items(
            list,
            CompletionItemKind::VALUE,
        )));
    }
    let list: Vec<String> = if in_item_body {
        fields_of(keyword).iter().map(|f| f.to_string()).collect()
    } else {
        match inner {
            "audience" => names(&index.dimensions),
            "rates" => {
                let mut keys = vec!["product".to_string(), "grade".into(), "tenure".into()];
                keys.extend(names(&index.dimensions));
                keys
            }
            "wording" => ["headline", "body", "sms"].map(String::from).to_vec(),
            _ if keyword == "grading" => vec!["factor".into(), "source".into()],
            _ => Vec::new(),
        }
    };
    Some(CompletionResponse::Array(items(
        list,
        CompletionItemKind::FIELD,
    )))
}

pub fn formatting(server: &Server, params: DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let id = server.file_id(&params.text_document.uri)?;
    let file = server.workspace.file(id)?;
    let formatted = koujing_grammar::format::format(&file.text).ok()?;
    if formatted == *file.text {
        return Some(Vec::new());
    }
    Some(vec![TextEdit {
        range: to_proto::full_range(file, server.encoding),
        new_text: formatted,
    }])
}

pub fn code_actions(server: &Server, params: CodeActionParams) -> Option<CodeActionResponse> {
    let id = server.file_id(&params.text_document.uri)?;
    let file = server.workspace.file(id)?;
    let start = to_proto::offset(file, params.range.start, server.encoding);
    let end = to_proto::offset(file, params.range.end, server.encoding);
    let mut actions = Vec::new();
    for d in server
        .report
        .diagnostics
        .iter()
        .filter(|d| d.file == id && d.span.start <= end && start <= d.span.end)
    {
        let Some(fix) = &d.fix else { continue };
        let edits: Vec<TextEdit> = fix
            .edits
            .iter()
            .map(|e| TextEdit {
                range: to_proto::range(file, e.span, server.encoding),
                new_text: e.replacement.clone(),
            })
            .collect();
        let mut changes = HashMap::new();
        changes.insert(params.text_document.uri.clone(), edits);
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: if server.lang.is_zh() {
                fix.zh.clone()
            } else {
                fix.en.clone()
            },
            kind: Some(CodeActionKind::QUICKFIX),
            edit: Some(WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            }),
            is_preferred: Some(true),
            ..Default::default()
        }));
    }
    Some(actions)
}
