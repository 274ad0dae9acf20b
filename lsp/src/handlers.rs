//! Request handlers: hover, definition, references, highlight, rename,
//! symbols, formatting, code actions. Names are found through the semantic
//! model of the last check (never by matching text); the server re-checks
//! before answering when a document changed.

use std::collections::HashMap;
use std::fmt::Display;

use koujing_checker::messages::EditorMsg;
use koujing_checker::{Code, SourceFile};
use koujing_grammar::kinds::Kind;
use koujing_grammar::Span;
use lsp_types::*;

use crate::hover::{self, kind_label};
use crate::looks::symbol_kind as lsp_symbol_kind;
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

/// The file and byte offset of a position.
pub fn at<'s>(
    server: &'s Server,
    doc: &TextDocumentPositionParams,
) -> Option<(&'s SourceFile, usize)> {
    let file = server.document(&doc.text_document.uri)?;
    Some((file, to_proto::offset(file, doc.position, server.encoding)))
}

pub fn hover(server: &Server, params: HoverParams) -> Option<Hover> {
    let (file, offset) = at(server, &params.text_document_position_params)?;
    let (text, span) = match server.report.model.at(&file.path, offset) {
        Some(found) => (hover::text(server, found.kind, found.name)?, found.span),
        None => {
            // A diagnostic code written anywhere (a comment, a suppression).
            let (span, word) = word_at(&file.text, offset)?;
            let code = word.parse::<Code>().ok()?;
            (code.info().explanation.to_string(), span)
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(to_proto::range(file, span, server.encoding)),
    })
}

fn location(server: &Server, path: &str, span: Span) -> Option<Location> {
    let source = hover::file(&server.workspace, path)?;
    Some(Location {
        uri: server.uri_of(path)?,
        range: to_proto::range(source, span, server.encoding),
    })
}

pub fn definition(server: &Server, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let (file, offset) = at(server, &params.text_document_position_params)?;
    let model = &server.report.model;
    let found = model.at(&file.path, offset)?;
    let locations: Vec<Location> = model
        .definitions(found.kind, found.name)
        .filter_map(|s| location(server, s.path, s.span))
        .collect();
    (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
}

/// Every place that names the item of `kind` and `name`: its definitions
/// (with `declarations`) and its references, in workspace order.
fn occurrences(server: &Server, kind: Kind, name: &str, declarations: bool) -> Vec<(String, Span)> {
    let model = &server.report.model;
    let mut out: Vec<(String, Span)> = Vec::new();
    if declarations {
        out.extend(
            model
                .definitions(kind, name)
                .map(|s| (s.path.to_string(), s.span)),
        );
    }
    out.extend(
        model
            .references_to(kind, name)
            .map(|r| (r.path.to_string(), r.span)),
    );
    out.sort_by(|a, b| (&a.0, a.1.start).cmp(&(&b.0, b.1.start)));
    out
}

pub fn references(server: &Server, params: ReferenceParams) -> Option<Vec<Location>> {
    let (file, offset) = at(server, &params.text_document_position)?;
    let found = server.report.model.at(&file.path, offset)?;
    Some(
        occurrences(
            server,
            found.kind,
            found.name,
            params.context.include_declaration,
        )
        .into_iter()
        .filter_map(|(path, span)| location(server, &path, span))
        .collect(),
    )
}

pub fn document_highlight(
    server: &Server,
    params: DocumentHighlightParams,
) -> Option<Vec<DocumentHighlight>> {
    let (file, offset) = at(server, &params.text_document_position_params)?;
    let found = server.report.model.at(&file.path, offset)?;
    Some(
        server
            .report
            .model
            .in_file(&file.path)
            .filter(|o| o.kind == found.kind && o.name == found.name)
            .map(|o| DocumentHighlight {
                range: to_proto::range(file, o.span, server.encoding),
                kind: Some(if o.definition {
                    DocumentHighlightKind::WRITE
                } else {
                    DocumentHighlightKind::READ
                }),
            })
            .collect(),
    )
}

fn rename_error(server: &Server, msg: EditorMsg, args: &[(&str, &dyn Display)]) -> (i32, String) {
    (
        lsp_server::ErrorCode::RequestFailed as i32,
        msg.get(server.lang, args),
    )
}

/// The name under the cursor, if it can be renamed.
pub fn prepare_rename(
    server: &Server,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, (i32, String)> {
    let Some((file, offset)) = at(server, &params) else {
        return Ok(None);
    };
    let Some(found) = server.report.model.at(&file.path, offset) else {
        return Err(rename_error(server, EditorMsg::NothingToRename, &[]));
    };
    if server
        .report
        .model
        .definition(found.kind, found.name)
        .is_none()
    {
        return Err(rename_error(
            server,
            EditorMsg::RenameUndefined,
            &[("name", &found.name)],
        ));
    }
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: to_proto::range(file, found.span, server.encoding),
        placeholder: found.name.to_string(),
    }))
}

/// Rename an item and every reference to it, across files.
pub fn rename(
    server: &Server,
    params: RenameParams,
) -> Result<Option<WorkspaceEdit>, (i32, String)> {
    let position = params.text_document_position.clone();
    if prepare_rename(server, position.clone())?.is_none() {
        return Ok(None);
    }
    let Some((file, offset)) = at(server, &position) else {
        return Ok(None);
    };
    let model = &server.report.model;
    let Some(found) = model.at(&file.path, offset) else {
        return Ok(None);
    };
    let new = params.new_name.trim();
    if !koujing_grammar::parse::is_ident(new) {
        return Err(rename_error(
            server,
            EditorMsg::RenameInvalid,
            &[("new", &new)],
        ));
    }
    if new == found.name {
        return Ok(Some(WorkspaceEdit::default()));
    }
    if let Some(existing) = model.definition(found.kind, new) {
        return Err(rename_error(
            server,
            EditorMsg::RenameTaken,
            &[
                ("new", &new),
                ("kind", &kind_label(found.kind, server.lang)),
                ("path", &existing.path),
            ],
        ));
    }
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for (path, span) in occurrences(server, found.kind, found.name, true) {
        let (Some(uri), Some(source)) =
            (server.uri_of(&path), hover::file(&server.workspace, &path))
        else {
            continue;
        };
        changes.entry(uri).or_default().push(TextEdit {
            range: to_proto::range(source, span, server.encoding),
            new_text: new.to_string(),
        });
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }))
}

/// The symbol kind of an item keyword.
pub fn keyword_symbol_kind(keyword: &str) -> SymbolKind {
    lsp_symbol_kind(Kind::from_keyword(keyword).unwrap_or(Kind::Limits))
}

/// How well `query` matches `name`: `None` when its characters do not all
/// appear in order; otherwise lower is better (a substring beats a
/// scattered match, an earlier and tighter match beats a later one).
fn fuzzy(query: &str, name: &str) -> Option<(u8, usize, usize)> {
    if query.is_empty() {
        return Some((0, 0, name.len()));
    }
    let name_lower = name.to_lowercase();
    if let Some(at) = name_lower.find(query) {
        return Some((0, at, name.len()));
    }
    let mut first = None;
    let mut last = 0;
    let mut chars = name_lower.char_indices();
    for q in query.chars() {
        let (at, _) = chars.find(|(_, c)| *c == q)?;
        first.get_or_insert(at);
        last = at;
    }
    Some((1, first.unwrap_or(0), last))
}

#[allow(deprecated)]
pub fn workspace_symbols(
    server: &Server,
    params: WorkspaceSymbolParams,
) -> Option<Vec<SymbolInformation>> {
    let query = params.query.to_lowercase();
    let mut found: Vec<((u8, usize, usize), koujing_checker::semantic::Symbol<'_>)> = server
        .report
        .model
        .symbols()
        .filter_map(|s| Some((fuzzy(&query, s.name)?, s)))
        .collect();
    found.sort_by(|a, b| (a.0, &a.1.name, &a.1.path).cmp(&(b.0, &b.1.name, &b.1.path)));
    Some(
        found
            .into_iter()
            .take(500)
            .filter_map(|(_, s)| {
                Some(SymbolInformation {
                    name: s.name.to_string(),
                    kind: lsp_symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    location: location(server, s.path, s.span)?,
                    container_name: Some(kind_label(s.kind, server.lang)),
                })
            })
            .collect(),
    )
}

/// The edit that formats a document's `text` (whose full range is `range`).
pub fn formatting(text: &str, range: Range) -> Option<Vec<TextEdit>> {
    let formatted = koujing_grammar::format::format(text).ok()?;
    if formatted == text {
        return Some(Vec::new());
    }
    Some(vec![TextEdit {
        range,
        new_text: formatted,
    }])
}

pub fn code_actions(server: &Server, params: CodeActionParams) -> Option<CodeActionResponse> {
    let file = server.document(&params.text_document.uri)?;
    let model = &server.report.model;
    let start = to_proto::offset(file, params.range.start, server.encoding);
    let end = to_proto::offset(file, params.range.end, server.encoding);
    let mut actions = Vec::new();
    for d in server.report.diagnostics.iter().filter(|d| {
        model.path(d.file) == Some(file.path.as_str()) && d.span.start <= end && start <= d.span.end
    }) {
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
            title: server.lang.pick(&fix.zh, &fix.en).to_string(),
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
