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

use crate::handlers;
use crate::to_proto::{self, Encoding};

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
    /// The last check, for code actions.
    pub report: Report,
    published: HashMap<String, Vec<lsp_types::Diagnostic>>,
    dirty: bool,
    /// The canonical workspace roots (from `koujing-fs`).
    roots: Vec<PathBuf>,
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

impl Server {
    fn new() -> Server {
        Server {
            workspace: Workspace::default(),
            encoding: Encoding::Utf16,
            lang: Lang::Zh,
            config: Config::default(),
            open: HashMap::new(),
            uris: HashMap::new(),
            report: Report::default(),
            published: HashMap::new(),
            dirty: false,
            roots: Vec::new(),
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

    pub fn file_id(&self, uri: &Url) -> Option<usize> {
        let path = path_of(uri);
        self.workspace.files.iter().position(|f| f.path == path)
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
        // The same discovery and walker as the CLI (koujing-fs): each folder's
        // workspace root, its `roots`, the same file rules.
        let mut sources = Vec::new();
        let mut unread = Vec::new();
        let mut configured = false;
        for folder in &roots {
            let Ok(root) = koujing_fs::find_root(folder) else {
                continue;
            };
            let discovery = koujing_fs::walk_root(&root);
            if let Some(why) = &discovery.config_error {
                eprintln!("koujing lsp: {why}");
            } else if discovery.has_config && !configured {
                self.config = discovery.config.clone();
                configured = true;
            }
            // Name files under the folder as the editor gave it, so that its
            // URIs match.
            let base = if std::fs::canonicalize(folder).is_ok_and(|f| f == root) {
                folder.clone()
            } else {
                root.clone()
            };
            let name = |relative: &Path| base.join(relative).to_string_lossy().replace('\\', "/");
            let (found, skipped, _) = koujing_fs::sources(&discovery, name);
            for (path, _) in &found {
                if let Ok(uri) = Url::from_file_path(path) {
                    self.uris.insert(path.clone(), uri);
                }
            }
            sources.extend(found);
            unread.extend(skipped);
            self.roots.push(root);
        }
        self.workspace = Workspace::new(sources);
        for (path, what, limit) in unread {
            self.workspace.add_unread(&path, what, limit);
        }
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
                    ..Default::default()
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
                    // Back to what is on disk (or gone, for an unsaved document).
                    // Read by the walker's rules: inside a workspace root, a
                    // regular file, capped (never a FIFO or `/dev/zero`).
                    let on_disk = p.text_document.uri.to_file_path().ok().and_then(|f| {
                        let real = std::fs::canonicalize(&f).ok()?;
                        let root = self.roots.iter().find(|r| real.starts_with(r))?;
                        koujing_fs::read_inside(root, &real).ok()
                    });
                    match on_disk {
                        Some(bytes) => self.workspace.set_file(&path, &bytes),
                        None => self.workspace.remove_file(&path),
                    }
                    self.dirty = true;
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
            _ if self.shutdown => Err((
                ErrorCode::InvalidRequest as i32,
                "shutdown was requested; only exit is accepted".into(),
            )),
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
            request::Completion::METHOD => json(serde_json::to_value(handlers::completion(
                self,
                params(req)?,
            ))),
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

    fn to_diagnostic(&self, d: &Diagnostic) -> Option<lsp_types::Diagnostic> {
        let file = self.workspace.file(d.file)?;
        let related: Vec<DiagnosticRelatedInformation> = d
            .related
            .iter()
            .filter_map(|r| {
                let other = self.workspace.file(r.file)?;
                Some(DiagnosticRelatedInformation {
                    location: Location {
                        uri: self.uri_of(&other.path)?,
                        range: to_proto::range(other, r.span, self.encoding),
                    },
                    message: r.message.get(self.lang).to_string(),
                })
            })
            .collect();
        let mut message = d.message.get(self.lang).to_string();
        if let Some(help) = &d.help {
            message.push('\n');
            message.push_str(help.get(self.lang));
        }
        Some(lsp_types::Diagnostic {
            range: to_proto::range(file, d.span, self.encoding),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Info => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(d.code.as_str().to_string())),
            source: Some("koujing".into()),
            message,
            related_information: if related.is_empty() {
                None
            } else {
                Some(related)
            },
            ..Default::default()
        })
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
            if let (Some(file), Some(proto)) = (self.workspace.file(d.file), self.to_diagnostic(d))
            {
                by_path.entry(file.path.clone()).or_default().push(proto);
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
    serve(connection).map(|_| ())
}

/// Serve `connection` until `exit` or the end of input. `Ok(true)` when the
/// client asked for `shutdown` first (exit code 0), `Ok(false)` otherwise
/// (exit code 1, as the protocol requires).
pub fn serve(connection: Connection) -> Result<bool, String> {
    let mut server = Server::new();
    while let Ok(message) = connection.receiver.recv() {
        match message {
            Message::Request(req) => {
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
    Ok(server.shutdown)
}
