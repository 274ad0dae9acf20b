//! The main loop: state, dispatch, diagnostics.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use koujing_checker::{check, Config, Diagnostic, Lang, Options, Report, Severity, Workspace};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    notification::{self, Notification as _},
    request::{self, Request as _},
    DiagnosticRelatedInformation, DiagnosticSeverity, InitializeParams, InitializeResult, Location,
    NumberOrString, PublishDiagnosticsParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, Url,
};
use serde_json::Value;

use crate::to_proto::{self, Encoding};
use crate::{completion, handlers};

/// `workspace/executeCommand`: read the workspace and `koujing.toml` again.
pub const RESTART: &str = "koujing.restart";

/// The server's state.
pub struct Server {
    pub workspace: Workspace,
    pub encoding: Encoding,
    pub lang: Lang,
    config: Config,
    /// Open documents: path → (uri, version).
    open: HashMap<String, (Url, i32)>,
    /// Uris of files seen, by path.
    uris: HashMap<String, Url>,
    /// The workspace folders the client opened.
    roots: Vec<PathBuf>,
    /// The client can register file watchers (`workspace/didChangeWatchedFiles`).
    dynamic_watch: bool,
    /// The last check, for code actions.
    pub report: Report,
    published: HashMap<String, Vec<lsp_types::Diagnostic>>,
    dirty: bool,
    initialized: bool,
    shutdown: bool,
}

/// The workspace path of a URI: the file path for `file:` URIs, the URI
/// itself otherwise (unsaved documents).
pub fn path_of(uri: &Url) -> String {
    match uri.to_file_path() {
        Ok(path) => path.to_string_lossy().replace('\\', "/"),
        Err(()) => uri.to_string(),
    }
}

fn find_kj(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 32 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        let name = child
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if child.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                find_kj(&child, out, depth + 1);
            }
        } else if child.extension().is_some_and(|e| e == "kj") {
            out.push(child);
        }
    }
}

impl Server {
    fn new() -> Server {
        Server {
            workspace: Workspace::default(),
            encoding: Encoding::Utf16,
            lang: Lang::Zh,
            config: Config::default(),
            open: HashMap::new(),
            uris: HashMap::new(),
            roots: Vec::new(),
            dynamic_watch: false,
            report: Report::default(),
            published: HashMap::new(),
            dirty: false,
            initialized: false,
            shutdown: false,
        }
    }

    pub fn uri_of(&self, path: &str) -> Option<Url> {
        self.uris
            .get(path)
            .cloned()
            .or_else(|| Url::from_file_path(path).ok())
            .or_else(|| Url::parse(path).ok())
    }

    /// The workspace file of a document.
    pub fn document(&self, uri: &Url) -> Option<&koujing_checker::SourceFile> {
        crate::hover::file(&self.workspace, &path_of(uri))
    }

    /// Is `path` a `.kj` file under one of the workspace folders?
    fn in_workspace(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "kj")
            && self.roots.iter().any(|root| path.starts_with(root))
    }

    /// Read `koujing.toml` and every `.kj` file of the workspace folders
    /// again; open documents keep their buffer text.
    fn load(&mut self) {
        let mut config = Config::default();
        let mut sources = Vec::new();
        for root in &self.roots {
            if let Ok(text) = std::fs::read_to_string(root.join("koujing.toml")) {
                if let Ok(parsed) = Config::parse(&text) {
                    config = parsed;
                }
            }
            let mut files = Vec::new();
            find_kj(root, &mut files, 0);
            for file in files {
                let path = file.to_string_lossy().replace('\\', "/");
                if self.open.contains_key(&path) {
                    continue;
                }
                if let Ok(bytes) = std::fs::read(&file) {
                    if let Ok(uri) = Url::from_file_path(&file) {
                        self.uris.insert(path.clone(), uri);
                    }
                    sources.push((path, bytes));
                }
            }
        }
        // Open documents: their buffers, whether on disk or not.
        for path in self.open.keys() {
            if let Some(file) = crate::hover::file(&self.workspace, path) {
                sources.push((path.clone(), file.text.as_bytes().to_vec()));
            }
        }
        self.workspace = Workspace::new(sources);
        self.config = config;
        self.dirty = true;
    }

    /// A file changed on disk (or was created or deleted).
    fn disk_changed(&mut self, uri: &Url, deleted: bool) {
        let Ok(file) = uri.to_file_path() else {
            return;
        };
        if file.file_name().is_some_and(|n| n == "koujing.toml") {
            self.load();
            return;
        }
        let path = path_of(uri);
        if self.open.contains_key(&path) || !self.in_workspace(&file) {
            return; // the buffer wins; files elsewhere are not ours
        }
        match std::fs::read(&file) {
            Ok(bytes) if !deleted => {
                self.uris.insert(path.clone(), uri.clone());
                self.workspace.set_file(&path, &bytes);
            }
            _ => self.workspace.remove_file(&path),
        }
        self.dirty = true;
    }

    fn initialize(&mut self, params: InitializeParams) -> InitializeResult {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.clone())
            .unwrap_or_default();
        self.encoding = if offered.contains(&lsp_types::PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&lsp_types::PositionEncodingKind::UTF32)
            && !offered.contains(&lsp_types::PositionEncodingKind::UTF16)
        {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        };
        let mut roots: Vec<PathBuf> = Vec::new();
        for folder in params.workspace_folders.unwrap_or_default() {
            if let Ok(path) = folder.uri.to_file_path() {
                roots.push(path);
            }
        }
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(path) = params.root_uri.and_then(|u| u.to_file_path().ok()) {
                roots.push(path);
            }
        }
        self.dynamic_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.roots = roots;
        self.load();
        self.lang = params
            .locale
            .as_deref()
            .and_then(Lang::parse)
            .or(self.config.lang)
            .unwrap_or(Lang::Zh);
        self.dirty = true;
        InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(self.encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::FULL,
                )),
                hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
                definition_provider: Some(lsp_types::OneOf::Left(true)),
                references_provider: Some(lsp_types::OneOf::Left(true)),
                document_symbol_provider: Some(lsp_types::OneOf::Left(true)),
                workspace_symbol_provider: Some(lsp_types::OneOf::Left(true)),
                document_formatting_provider: Some(lsp_types::OneOf::Left(true)),
                code_action_provider: Some(lsp_types::CodeActionProviderCapability::Simple(true)),
                completion_provider: Some(lsp_types::CompletionOptions {
                    trigger_characters: Some(vec![":".into(), "[".into(), ",".into(), " ".into()]),
                    resolve_provider: Some(true),
                    ..Default::default()
                }),
                rename_provider: Some(lsp_types::OneOf::Right(lsp_types::RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                document_highlight_provider: Some(lsp_types::OneOf::Left(true)),
                execute_command_provider: Some(lsp_types::ExecuteCommandOptions {
                    commands: vec![RESTART.into()],
                    work_done_progress_options: Default::default(),
                }),
                workspace: Some(lsp_types::WorkspaceServerCapabilities {
                    workspace_folders: None,
                    file_operations: None,
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "koujing".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        }
    }

    fn set_document(&mut self, uri: &Url, text: &str, version: Option<i32>) {
        let path = path_of(uri);
        self.uris.insert(path.clone(), uri.clone());
        if let Some(version) = version {
            self.open.insert(path.clone(), (uri.clone(), version));
        }
        self.workspace.set_file(&path, text.as_bytes());
        self.dirty = true;
    }

    fn notification(&mut self, note: Notification) {
        match note.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(note.params)
                {
                    self.set_document(
                        &p.text_document.uri,
                        &p.text_document.text,
                        Some(p.text_document.version),
                    );
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(note.params)
                {
                    // Full sync: the last change holds the whole text.
                    if let Some(change) = p.content_changes.into_iter().last() {
                        self.set_document(
                            &p.text_document.uri,
                            &change.text,
                            Some(p.text_document.version),
                        );
                    }
                }
            }
            notification::DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(note.params)
                {
                    let path = path_of(&p.text_document.uri);
                    self.open.remove(&path);
                    // Back to what is on disk; gone for an unsaved document
                    // or a file outside the workspace folders.
                    let on_disk = p
                        .text_document
                        .uri
                        .to_file_path()
                        .ok()
                        .filter(|f| self.in_workspace(f))
                        .and_then(|f| std::fs::read(f).ok());
                    match on_disk {
                        Some(bytes) => self.workspace.set_file(&path, &bytes),
                        None => self.workspace.remove_file(&path),
                    }
                    self.dirty = true;
                }
            }
            notification::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(note.params)
                {
                    for change in p.changes {
                        self.disk_changed(
                            &change.uri,
                            change.typ == lsp_types::FileChangeType::DELETED,
                        );
                    }
                }
            }
            notification::DidSaveTextDocument::METHOD | notification::Initialized::METHOD => {}
            _ => {}
        }
    }

    /// Answer a request. `Err` carries an error code and message.
    fn request(&mut self, req: &Request) -> Result<Value, (i32, String)> {
        fn params<P: serde::de::DeserializeOwned>(req: &Request) -> Result<P, (i32, String)> {
            serde_json::from_value(req.params.clone())
                .map_err(|e| (ErrorCode::InvalidParams as i32, e.to_string()))
        }
        let json = |v: Result<Value, serde_json::Error>| {
            v.map_err(|e| (ErrorCode::InternalError as i32, e.to_string()))
        };
        match req.method.as_str() {
            request::Initialize::METHOD => {
                let result = self.initialize(params(req)?);
                self.initialized = true;
                json(serde_json::to_value(result))
            }
            _ if !self.initialized => Err((
                ErrorCode::ServerNotInitialized as i32,
                "not initialized".into(),
            )),
            request::Shutdown::METHOD => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            request::HoverRequest::METHOD => {
                json(serde_json::to_value(handlers::hover(self, params(req)?)))
            }
            request::GotoDefinition::METHOD => json(serde_json::to_value(handlers::definition(
                self,
                params(req)?,
            ))),
            request::References::METHOD => json(serde_json::to_value(handlers::references(
                self,
                params(req)?,
            ))),
            request::DocumentSymbolRequest::METHOD => json(serde_json::to_value(
                handlers::document_symbols(self, params(req)?),
            )),
            request::WorkspaceSymbolRequest::METHOD => json(serde_json::to_value(
                handlers::workspace_symbols(self, params(req)?),
            )),
            request::Completion::METHOD => json(serde_json::to_value(completion::completion(
                self,
                params(req)?,
            ))),
            request::ResolveCompletionItem::METHOD => json(serde_json::to_value(
                completion::resolve(self, params(req)?),
            )),
            request::PrepareRenameRequest::METHOD => json(serde_json::to_value(
                handlers::prepare_rename(self, params(req)?)?,
            )),
            request::Rename::METHOD => {
                json(serde_json::to_value(handlers::rename(self, params(req)?)?))
            }
            request::DocumentHighlightRequest::METHOD => json(serde_json::to_value(
                handlers::document_highlight(self, params(req)?),
            )),
            request::ExecuteCommand::METHOD => {
                let p: lsp_types::ExecuteCommandParams = params(req)?;
                match p.command.as_str() {
                    RESTART => {
                        self.load();
                        Ok(Value::Null)
                    }
                    other => Err((
                        ErrorCode::InvalidParams as i32,
                        format!("unknown command {other}"),
                    )),
                }
            }
            request::Formatting::METHOD => json(serde_json::to_value(handlers::formatting(
                self,
                params(req)?,
            ))),
            request::CodeActionRequest::METHOD => json(serde_json::to_value(
                handlers::code_actions(self, params(req)?),
            )),
            _ => Err((
                ErrorCode::MethodNotFound as i32,
                format!("unknown method {}", req.method),
            )),
        }
    }

    /// The file of a file id of the last report.
    fn report_file(&self, id: usize) -> Option<&koujing_checker::SourceFile> {
        crate::hover::file(&self.workspace, self.report.model.path(id)?)
    }

    fn location(&self, id: usize, span: koujing_grammar::Span) -> Option<Location> {
        let file = self.report_file(id)?;
        Some(Location {
            uri: self.uri_of(&file.path)?,
            range: to_proto::range(file, span, self.encoding),
        })
    }

    /// A diagnostic in the protocol, with its path; then the same finding
    /// mirrored into every other file its related locations are in (a
    /// duplicate name, a conflict between two files' campaigns: each side
    /// sees it), pointing back to where it is reported.
    fn to_diagnostics(&self, d: &Diagnostic) -> Vec<(String, lsp_types::Diagnostic)> {
        let Some(file) = self.report_file(d.file) else {
            return Vec::new();
        };
        let related: Vec<DiagnosticRelatedInformation> = d
            .related
            .iter()
            .filter_map(|r| {
                Some(DiagnosticRelatedInformation {
                    location: self.location(r.file, r.span)?,
                    message: r.message.get(self.lang).to_string(),
                })
            })
            .collect();
        let mut message = d.message.get(self.lang).to_string();
        if let Some(help) = &d.help {
            message.push('\n');
            message.push_str(help.get(self.lang));
        }
        let primary = lsp_types::Diagnostic {
            range: to_proto::range(file, d.span, self.encoding),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Info => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(d.code.as_str().to_string())),
            source: Some("koujing".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..Default::default()
        };
        let mut out = Vec::new();
        let mut mirrored: Vec<usize> = Vec::new();
        for r in &d.related {
            if r.file == d.file || mirrored.contains(&r.file) {
                continue;
            }
            mirrored.push(r.file);
            let (Some(other), Some(back)) =
                (self.report_file(r.file), self.location(d.file, d.span))
            else {
                continue;
            };
            let here = if self.lang.is_zh() {
                "问题报告于此"
            } else {
                "reported here"
            };
            out.push((
                other.path.clone(),
                lsp_types::Diagnostic {
                    range: to_proto::range(other, r.span, self.encoding),
                    related_information: Some(vec![DiagnosticRelatedInformation {
                        location: back,
                        message: here.to_string(),
                    }]),
                    ..primary.clone()
                },
            ));
        }
        out.insert(0, (file.path.clone(), primary));
        out
    }

    /// Re-check and publish what changed.
    fn recheck(&mut self, connection: &Connection) {
        let options = Options {
            today: chrono::Local::now().date_naive(),
            config: self.config.clone(),
            require_reason: false,
        };
        self.report = check(&self.workspace, &options);
        let mut by_path: HashMap<String, Vec<lsp_types::Diagnostic>> = self
            .workspace
            .files
            .iter()
            .map(|f| (f.path.clone(), Vec::new()))
            .collect();
        for d in &self.report.diagnostics {
            for (path, proto) in self.to_diagnostics(d) {
                by_path.entry(path).or_default().push(proto);
            }
        }
        // Files that disappeared get an empty list once.
        for path in self.published.keys() {
            by_path.entry(path.clone()).or_default();
        }
        let mut paths: Vec<String> = by_path.keys().cloned().collect();
        paths.sort();
        for path in paths {
            let diagnostics = by_path.remove(&path).unwrap_or_default();
            let opened = self.open.get(&path);
            if self.published.get(&path) == Some(&diagnostics) && opened.is_none() {
                continue;
            }
            let Some(uri) = opened.map(|o| o.0.clone()).or_else(|| self.uri_of(&path)) else {
                continue;
            };
            let params = PublishDiagnosticsParams {
                uri,
                diagnostics: diagnostics.clone(),
                version: opened.map(|o| o.1),
            };
            let _ = connection
                .sender
                .send(Message::Notification(Notification::new(
                    notification::PublishDiagnostics::METHOD.into(),
                    params,
                )));
            if diagnostics.is_empty() && !self.workspace.files.iter().any(|f| f.path == path) {
                self.published.remove(&path);
            } else {
                self.published.insert(path, diagnostics);
            }
        }
        self.dirty = false;
    }
}

fn show_message(connection: &Connection, text: String) {
    let params = lsp_types::ShowMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message: text,
    };
    let _ = connection
        .sender
        .send(Message::Notification(Notification::new(
            notification::ShowMessage::METHOD.into(),
            params,
        )));
}

/// Serve `connection` until `exit`.
pub fn run(connection: Connection) -> Result<(), String> {
    let mut server = Server::new();
    while let Ok(message) = connection.receiver.recv() {
        match message {
            Message::Request(req) => {
                // Answer from the current text: re-check first if it changed.
                if server.dirty
                    && server.initialized
                    && !server.shutdown
                    && catch_unwind(AssertUnwindSafe(|| server.recheck(&connection))).is_err()
                {
                    server.dirty = false;
                    show_message(&connection, "koujing: internal error while checking".into());
                }
                let id: RequestId = req.id.clone();
                let outcome = catch_unwind(AssertUnwindSafe(|| server.request(&req)));
                let response = match outcome {
                    Ok(Ok(result)) => Response::new_ok(id, result),
                    Ok(Err((code, message))) => Response::new_err(id, code, message),
                    Err(_) => {
                        eprintln!("koujing lsp: internal error in {}", req.method);
                        show_message(
                            &connection,
                            format!("koujing: internal error while handling {}", req.method),
                        );
                        Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "internal error".into(),
                        )
                    }
                };
                let _ = connection.sender.send(Message::Response(response));
            }
            Message::Notification(note) => {
                if note.method == notification::Exit::METHOD {
                    break;
                }
                let method = note.method.clone();
                if catch_unwind(AssertUnwindSafe(|| server.notification(note))).is_err() {
                    eprintln!("koujing lsp: internal error in {method}");
                    show_message(
                        &connection,
                        format!("koujing: internal error while handling {method}"),
                    );
                }
            }
            Message::Response(_) => {}
        }
        // Coalesce keystrokes: check once the queue is drained.
        if server.dirty
            && server.initialized
            && connection.receiver.is_empty()
            && !server.shutdown
            && catch_unwind(AssertUnwindSafe(|| server.recheck(&connection))).is_err()
        {
            server.dirty = false;
            show_message(&connection, "koujing: internal error while checking".into());
        }
    }
    Ok(())
}
