//! Read-only views of a document: semantic tokens, folding ranges, nested
//! document symbols, inlay hints (numbers a reviewer cannot see) and code
//! lenses. The syntax tree gives the shape, the semantic model the names.

use koujing_checker::messages::EditorMsg;
use koujing_checker::SourceFile;
use koujing_grammar::ast::{Benefit, Factor, Item};
use koujing_grammar::kinds::Kind;
use koujing_grammar::tree::{self, Block, Entry, ItemBody, Key, ValueKind};
use koujing_grammar::Span;
use lsp_types::*;
use rust_decimal::Decimal;

use crate::hover::item_of;
use crate::server::Server;
use crate::to_proto;

use crate::looks::{token as kind_token, COMMENT, ENUM_MEMBER, KEYWORD, NUMBER, PROPERTY, STRING};

/// The legend advertised in the capabilities.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: crate::looks::token_types(),
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
    }
}

/// (span, type, modifiers)
type Token = (Span, u32, u32);

fn value_tokens(value: &tree::Value, out: &mut Vec<Token>) {
    match &value.kind {
        ValueKind::Str(_) => out.push((value.span, STRING, 0)),
        ValueKind::Scalar(_) | ValueKind::Range(_) => out.push((value.span, NUMBER, 0)),
        ValueKind::Ident(_) => out.push((value.span, ENUM_MEMBER, 0)),
        ValueKind::List(items) => items.iter().for_each(|v| value_tokens(v, out)),
        ValueKind::Tagged(tag, inner) => {
            out.push((tag.span, KEYWORD, 0));
            value_tokens(inner, out);
        }
    }
}

fn block_tokens(block: &Block, out: &mut Vec<Token>) {
    for entry in &block.entries {
        match entry {
            Entry::Field(f) => {
                match &f.key {
                    Key::Ident(k) => out.push((k.span, PROPERTY, 0)),
                    Key::Str(s) => out.push((s.span, STRING, 0)),
                }
                value_tokens(&f.value, out);
            }
            Entry::Block(b) => {
                out.push((b.name.span, PROPERTY, 0));
                block_tokens(&b.block, out);
            }
            Entry::Factor(f) => {
                out.push((f.keyword, KEYWORD, 0));
                out.push((f.name.span, PROPERTY, 1));
                value_tokens(&f.weight, out);
                if let Some(b) = &f.block {
                    block_tokens(b, out);
                }
            }
            Entry::Rates(r) => {
                out.push((r.keyword, KEYWORD, 0));
                for row in &r.rows {
                    for c in &row.conditions {
                        out.push((c.key.span, PROPERTY, 0));
                        value_tokens(&c.value, out);
                    }
                    value_tokens(&row.output, out);
                }
            }
        }
    }
}

/// Semantic tokens of a whole document.
pub fn semantic_tokens(server: &Server, params: SemanticTokensParams) -> Option<SemanticTokens> {
    let file = server.document(&params.text_document.uri)?;
    // Names first: at a span both the model and the tree know, the model's
    // kind wins (the sort below is stable).
    let mut tokens: Vec<Token> = server
        .report
        .model
        .in_file(&file.path)
        .map(|o| (o.span, kind_token(o.kind), u32::from(o.definition)))
        .collect();
    for c in &file.parsed.syntax.comments {
        tokens.push((c.span, COMMENT, 0));
    }
    for item in &file.parsed.syntax.items {
        tokens.push((item.keyword.span, KEYWORD, 0));
        if let Some(t) = &item.title {
            tokens.push((t.span, STRING, 0));
        }
        if let ItemBody::Block(b) = &item.body {
            block_tokens(b, &mut tokens);
        }
    }
    tokens.sort_by_key(|t| t.0.start);
    let mut data = Vec::with_capacity(tokens.len());
    let (mut line, mut col, mut end) = (0u32, 0u32, 0usize);
    for (span, typ, modifiers) in tokens {
        if span.start < end || span.end <= span.start {
            continue; // overlapping (the model's token came first) or empty
        }
        let start = to_proto::position(file, span.start, server.encoding);
        let stop = to_proto::position(file, span.end, server.encoding);
        if stop.line != start.line {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.character - col
        } else {
            start.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: stop.character - start.character,
            token_type: typ,
            token_modifiers_bitset: modifiers,
        });
        (line, col, end) = (start.line, start.character, span.end);
    }
    Some(SemanticTokens {
        result_id: None,
        data,
    })
}

fn fold(file: &SourceFile, server: &Server, span: Span, out: &mut Vec<FoldingRange>) {
    let start = to_proto::position(file, span.start, server.encoding);
    let end = to_proto::position(file, span.end, server.encoding);
    if end.line > start.line {
        out.push(FoldingRange {
            start_line: start.line,
            end_line: end.line,
            ..Default::default()
        });
    }
}

fn fold_block(file: &SourceFile, server: &Server, block: &Block, out: &mut Vec<FoldingRange>) {
    for entry in &block.entries {
        match entry {
            Entry::Block(b) => {
                fold(file, server, b.span, out);
                fold_block(file, server, &b.block, out);
            }
            Entry::Factor(f) => {
                if let Some(b) = &f.block {
                    fold(file, server, f.span, out);
                    fold_block(file, server, b, out);
                }
            }
            Entry::Rates(r) => fold(file, server, r.span, out),
            Entry::Field(f) => fold(file, server, f.span, out),
        }
    }
}

/// Items, blocks, rate tables and multi-line lists fold.
pub fn folding_ranges(server: &Server, params: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let file = server.document(&params.text_document.uri)?;
    let mut out = Vec::new();
    for item in &file.parsed.syntax.items {
        fold(file, server, item.span, &mut out);
        if let ItemBody::Block(b) = &item.body {
            fold_block(file, server, b, &mut out);
        }
    }
    Some(out)
}

#[allow(deprecated)]
fn symbol(
    file: &SourceFile,
    server: &Server,
    name: String,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.is_empty() { "_".into() } else { name },
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range: to_proto::range(file, span, server.encoding),
        selection_range: to_proto::range(file, selection, server.encoding),
        children: (!children.is_empty()).then_some(children),
    }
}

fn block_symbols(file: &SourceFile, server: &Server, block: &Block) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    for entry in &block.entries {
        match entry {
            Entry::Block(b) => {
                let children = block_symbols(file, server, &b.block);
                out.push(symbol(
                    file,
                    server,
                    b.name.text.to_string(),
                    SymbolKind::OBJECT,
                    b.span,
                    b.name.span,
                    children,
                ));
            }
            Entry::Factor(f) => {
                let children = f
                    .block
                    .as_ref()
                    .map(|b| block_symbols(file, server, b))
                    .unwrap_or_default();
                out.push(symbol(
                    file,
                    server,
                    f.name.text.to_string(),
                    SymbolKind::FIELD,
                    f.span,
                    f.name.span,
                    children,
                ));
            }
            Entry::Rates(r) => out.push(symbol(
                file,
                server,
                "rates".into(),
                SymbolKind::ARRAY,
                r.span,
                r.keyword,
                Vec::new(),
            )),
            Entry::Field(f) => {
                if let Key::Str(question) = &f.key {
                    // A FAQ entry: its question.
                    out.push(symbol(
                        file,
                        server,
                        question.value.to_string(),
                        SymbolKind::STRING,
                        f.span,
                        question.span,
                        Vec::new(),
                    ));
                }
            }
        }
    }
    out
}

/// Items with their blocks (wording, faq, audience, rates, factors) nested.
pub fn document_symbols(
    server: &Server,
    params: DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    let file = server.document(&params.text_document.uri)?;
    let symbols = file
        .parsed
        .syntax
        .items
        .iter()
        .map(|item| {
            let kind = crate::handlers::keyword_symbol_kind(&item.keyword.text);
            let (name, selection) = match &item.name {
                Some(n) => (n.text.to_string(), n.span),
                None => (item.keyword.text.to_string(), item.keyword.span),
            };
            let children = match &item.body {
                ItemBody::Block(b) => block_symbols(file, server, b),
                ItemBody::Regions(_) => Vec::new(),
            };
            symbol(file, server, name, kind, item.span, selection, children)
        })
        .collect();
    Some(DocumentSymbolResponse::Nested(symbols))
}

fn hint(file: &SourceFile, server: &Server, at: usize, label: String) -> InlayHint {
    InlayHint {
        position: to_proto::position(file, at, server.encoding),
        label: InlayHintLabel::String(label),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

fn factor_hints(
    file: &SourceFile,
    server: &Server,
    factors: &[Factor],
    parent: Decimal,
    out: &mut Vec<InlayHint>,
) {
    let hundred = Decimal::ONE_HUNDRED;
    for f in factors {
        let Some(weight) = f.weight else { continue };
        let effective = parent * weight.node / hundred;
        if f.children.is_empty() {
            let label = EditorMsg::EffectiveWeight.get(
                server.lang,
                &[("percent", &(effective * hundred).round_dp(2).normalize())],
            );
            out.push(hint(file, server, weight.span.end, label));
        } else {
            factor_hints(file, server, &f.children, effective, out);
        }
    }
}

/// Numbers a reviewer needs and cannot see: the price after the discount,
/// when the required support is effectively ready, the window a campaign
/// inherits through `extends`, each leaf factor's weight in the grade.
pub fn inlay_hints(server: &Server, params: InlayHintParams) -> Option<Vec<InlayHint>> {
    let file = server.document(&params.text_document.uri)?;
    let start = to_proto::offset(file, params.range.start, server.encoding);
    let end = to_proto::offset(file, params.range.end, server.encoding);
    let model = &server.report.model;
    let lang = server.lang;
    let mut out = Vec::new();
    for item in &file.parsed.module.items {
        let span = item.span();
        if span.end < start || end < span.start {
            continue;
        }
        match item {
            Item::Campaign(c) => {
                // The final price after a discount.
                if let (Some(benefit), Some(offer)) = (&c.benefit, &c.offer) {
                    let price = model.definition(Kind::Product, &offer.text).and_then(|s| {
                        match item_of(&server.workspace, s) {
                            Some(Item::Product(p)) => p.price,
                            _ => None,
                        }
                    });
                    if let (Benefit::Discount(off), Some(price)) = (&benefit.node, price) {
                        let paid =
                            price.node.value * (Decimal::ONE_HUNDRED - off) / Decimal::ONE_HUNDRED;
                        let shown = koujing_grammar::tree::Quantity {
                            value: paid.round_dp(2),
                            unit: price.node.unit,
                        };
                        let label = EditorMsg::AfterDiscount.get(lang, &[("price", &shown)]);
                        out.push(hint(file, server, benefit.span.end, label));
                    }
                }
                // When all required support is effectively ready.
                let ready = c
                    .requires
                    .iter()
                    .filter_map(|r| model.effective_ready.get(r.text.as_str()))
                    .max();
                if let (Some(ready), Some(last)) = (ready, c.requires.last()) {
                    let mut label = EditorMsg::SupportReady.get(lang, &[("date", ready)]);
                    if let Some(window) = c.window {
                        let lead = (window.start - *ready).num_days();
                        label.push_str(&EditorMsg::DaysBeforeStart.get(lang, &[("days", &lead)]));
                    }
                    // After the list's closing bracket when there is one.
                    let close = file
                        .text
                        .get(last.span.end..)
                        .and_then(|t| t.find(']').filter(|&i| !t[..i].contains('\n')))
                        .map_or(last.span.end, |i| last.span.end + i + 1);
                    out.push(hint(file, server, close, label));
                }
                // The window inherited through `extends`.
                if let (None, Some(parent)) = (c.window, &c.extends) {
                    let window = model
                        .definition(Kind::Campaign, &parent.text)
                        .and_then(|s| match item_of(&server.workspace, s) {
                            Some(Item::Campaign(p)) => p.window,
                            _ => None,
                        });
                    if let Some(w) = window {
                        let end = w.end.map_or("…".to_string(), |e| e.to_string());
                        let label = EditorMsg::InheritedWindow
                            .get(lang, &[("start", &w.start), ("end", &end)]);
                        out.push(hint(file, server, parent.span.end, label));
                    }
                }
            }
            Item::Grading(g) => {
                factor_hints(file, server, &g.factors, Decimal::ONE, &mut out);
            }
            _ => {}
        }
    }
    Some(out)
}

/// "referenced by N" on every named item, "N conflicts" on campaigns.
pub fn code_lenses(server: &Server, params: CodeLensParams) -> Option<Vec<CodeLens>> {
    let file = server.document(&params.text_document.uri)?;
    let model = &server.report.model;
    // Campaign item spans of this file, in order, and the conflicts
    // (KJ2xxx findings) that touch each: reported in it or related to it.
    let campaigns: Vec<Span> = file
        .parsed
        .module
        .items
        .iter()
        .filter(|i| matches!(i, Item::Campaign(_)))
        .map(Item::span)
        .collect();
    let mut conflicts = vec![0usize; campaigns.len()];
    for d in server
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str().starts_with("KJ2"))
    {
        let mut touched: Vec<usize> = std::iter::once((d.file, d.span))
            .chain(d.related.iter().map(|r| (r.file, r.span)))
            .filter(|(f, _)| model.path(*f) == Some(file.path.as_str()))
            .filter_map(|(_, span)| {
                let at = campaigns.partition_point(|c| c.end < span.start);
                campaigns
                    .get(at)
                    .filter(|c| c.start <= span.start && span.end <= c.end)
                    .map(|_| at)
            })
            .collect();
        touched.sort_unstable();
        touched.dedup();
        for at in touched {
            if let Some(n) = conflicts.get_mut(at) {
                *n += 1;
            }
        }
    }
    let lens = |range: Range, title: String| CodeLens {
        range,
        command: Some(Command {
            title,
            command: String::new(),
            arguments: None,
        }),
        data: None,
    };
    let mut out = Vec::new();
    for occurrence in model.in_file(&file.path).filter(|o| o.definition) {
        let range = to_proto::range(file, occurrence.span, server.encoding);
        let count = model
            .references_to(occurrence.kind, occurrence.name)
            .count();
        out.push(lens(
            range,
            EditorMsg::ReferencedBy.get(server.lang, &[("count", &count)]),
        ));
        if occurrence.kind != Kind::Campaign {
            continue;
        }
        let at = campaigns.partition_point(|c| c.end < occurrence.span.start);
        let n = conflicts.get(at).copied().unwrap_or(0);
        if n > 0 {
            out.push(lens(
                range,
                EditorMsg::Conflicts.get(server.lang, &[("count", &n)]),
            ));
        }
    }
    Some(out)
}
