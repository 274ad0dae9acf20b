//! The main loop: state, dispatch, diagnostics.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use koujing_checker::messages::EditorMsg;
use koujing_checker::{
    check_for_editor, Config, Diagnostic, Lang, Options, Report, Severity, Workspace,
};
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
use crate::{completion, handlers, views};

/// `workspace/executeCommand`: read the workspace and `koujing.toml` again.
pub const RESTART: &str = "koujing.restart";
/// `workspace/executeCommand`: the long explanation of a code (markdown).
pub const EXPLAIN: &str = "koujing.explain";

/// An open document as the last full check saw it: its text and its own
/// findings (code and span).
type Checked = (
    Arc<str>,
    Vec<(koujing_checker::Code, koujing_grammar::Span)>,
);

/// The server's state.
pub struct Server {
    pub workspace: Workspace,
    pub encoding: Encoding,
    pub lang: Lang,
    /// `koujing lsp --lang`: wins over everything else.
    lang_flag: Option<Lang>,
    config: Config,
    /// Open documents: path → (uri, version).
    open: HashMap<String, (Url, i32)>,
    /// Uris of files seen, by path.
    uris: HashMap<String, Url>,
    /// The workspace folders the client opened.
    roots: Vec<PathBuf>,
    /// The client can register file watchers (`workspace/didChangeWatchedFiles`).
    dynamic_watch: bool,
    /// Requests to the client, sent by the main loop.
    outgoing: Vec<Message>,
    /// Open documents as the last full check saw them: their text and their
    /// own (syntax and lowering) findings, for the provisional publish.
    checked: HashMap<String, Checked>,
    /// Open documents edited since the last full check.
    edited: std::collections::BTreeSet<String>,
    /// Every file changed since the last full check (edits, disk, closes),
    /// and whether the whole workspace was read again: a focused re-check
    /// is exact only when one file changed.
    changed: std::collections::BTreeSet<String>,
    reloaded: bool,
    /// Per open document, the last full check's KJ2002 findings on its
    /// campaigns, and those on other files' campaigns that list one of
    /// its campaigns: a focused re-check keeps what an edit cannot change.
    clustering: HashMap<String, (Vec<Diagnostic>, Vec<Diagnostic>)>,
    /// Counts document changes, so that a formatting job that finishes
    /// after an edit answers "content modified" instead of stale edits.
    edits: Arc<AtomicU64>,
    /// The last check, for code actions.
    pub report: Report,
    published: HashMap<String, Vec<lsp_types::Diagnostic>>,
    dirty: bool,
    /// The canonical workspace roots found for `roots` (by `koujing-fs`).
    ws_roots: Vec<PathBuf>,
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
            lang_flag: None,
            config: Config::default(),
            open: HashMap::new(),
            uris: HashMap::new(),
            roots: Vec::new(),
            dynamic_watch: false,
            outgoing: Vec::new(),
            edits: Arc::new(AtomicU64::new(0)),
            checked: HashMap::new(),
            edited: std::collections::BTreeSet::new(),
            changed: std::collections::BTreeSet::new(),
            reloaded: false,
            clustering: HashMap::new(),
            report: Report::default(),
            published: HashMap::new(),
            dirty: false,
            ws_roots: Vec::new(),
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

    /// Is `path` a `.kj` file under one of the workspace roots?
    fn in_workspace(&self, path: &Path) -> bool {
        // A deleted file counts by its folder.
        let real = std::fs::canonicalize(path).ok().or_else(|| {
            let folder = std::fs::canonicalize(path.parent()?).ok()?;
            Some(folder.join(path.file_name()?))
        });
        path.extension().is_some_and(|e| e == "kj")
            && real.is_some_and(|real| self.ws_roots.iter().any(|root| real.starts_with(root)))
    }

    /// Read a file of the workspace from disk by the walker's rules: inside
    /// a workspace root, a regular file, capped (never a FIFO or
    /// `/dev/zero`, never a link out of the workspace).
    fn read_disk(&self, path: &Path) -> Option<Vec<u8>> {
        let real = std::fs::canonicalize(path).ok()?;
        let root = self.ws_roots.iter().find(|r| real.starts_with(r))?;
        koujing_fs::read_inside(root, &real).ok()
    }

    /// Read `koujing.toml` and every `.kj` file of the workspace folders
    /// again, with the same discovery and walker as the CLI (koujing-fs):
    /// each folder's workspace root, its `roots`, the same file rules. Open
    /// documents keep their buffer text.
    fn load(&mut self) {
        let mut config = None;
        let mut sources = Vec::new();
        let mut unread = Vec::new();
        self.ws_roots.clear();
        for folder in &self.roots {
            let Ok(root) = koujing_fs::find_root(folder) else {
                continue;
            };
            if self.ws_roots.contains(&root) {
                continue;
            }
            let discovery = koujing_fs::walk_root(&root);
            if let Some(why) = &discovery.config_error {
                eprintln!("koujing lsp: {}", why.en);
            } else if discovery.has_config && config.is_none() {
                config = Some(discovery.config.clone());
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
            for (path, bytes) in found {
                if self.open.contains_key(&path) {
                    continue;
                }
                if let Ok(uri) = Url::from_file_path(&path) {
                    self.uris.insert(path.clone(), uri);
                }
                sources.push((path, bytes));
            }
            unread.extend(skipped);
            self.ws_roots.push(root);
        }
        // Open documents: their buffers, whether on disk or not.
        for path in self.open.keys() {
            if let Some(file) = crate::hover::file(&self.workspace, path) {
                sources.push((path.clone(), file.text.as_bytes().to_vec()));
            }
        }
        self.workspace = Workspace::new(sources);
        for (path, what, limit) in unread {
            if !self.open.contains_key(&path) {
                self.workspace.add_unread(&path, what, limit);
            }
        }
        self.config = config.unwrap_or_default();
        self.reloaded = true;
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
        match self.read_disk(&file) {
            Some(bytes) if !deleted => {
                self.uris.insert(path.clone(), uri.clone());
                self.workspace.set_file(&path, &bytes);
            }
            _ => self.workspace.remove_file(&path),
        }
        self.changed.insert(path);
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
        // The documented order: `--lang`, koujing.toml, the editor's
        // locale, then LANG.
        self.lang = self
            .lang_flag
            .or(self.config.lang)
            .or_else(|| params.locale.as_deref().and_then(Lang::parse))
            .or_else(env_lang)
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
                semantic_tokens_provider: Some(
                    lsp_types::SemanticTokensServerCapabilities::SemanticTokensOptions(
                        lsp_types::SemanticTokensOptions {
                            legend: views::legend(),
                            full: Some(lsp_types::SemanticTokensFullOptions::Bool(true)),
                            range: None,
                            work_done_progress_options: Default::default(),
                        },
                    ),
                ),
                folding_range_provider: Some(lsp_types::FoldingRangeProviderCapability::Simple(
                    true,
                )),
                inlay_hint_provider: Some(lsp_types::OneOf::Left(true)),
                code_lens_provider: Some(lsp_types::CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(lsp_types::ExecuteCommandOptions {
                    commands: vec![RESTART.into(), EXPLAIN.into()],
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
        self.edits.fetch_add(1, Ordering::SeqCst);
        self.changed.insert(path.clone());
        self.edited.insert(path);
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
                        .and_then(|f| self.read_disk(&f));
                    match on_disk {
                        Some(bytes) => self.workspace.set_file(&path, &bytes),
                        None => self.workspace.remove_file(&path),
                    }
                    self.changed.insert(path);
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
            notification::Initialized::METHOD if self.dynamic_watch => {
                // Ask the client to watch what `didChangeWatchedFiles` needs.
                let watchers: Vec<lsp_types::FileSystemWatcher> = ["**/*.kj", "**/koujing.toml"]
                    .into_iter()
                    .map(|glob| lsp_types::FileSystemWatcher {
                        glob_pattern: lsp_types::GlobPattern::String(glob.into()),
                        kind: None,
                    })
                    .collect();
                let params = lsp_types::RegistrationParams {
                    registrations: vec![lsp_types::Registration {
                        id: "koujing-watch".into(),
                        method: notification::DidChangeWatchedFiles::METHOD.into(),
                        register_options: serde_json::to_value(
                            lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers },
                        )
                        .ok(),
                    }],
                };
                self.outgoing.push(Message::Request(Request::new(
                    RequestId::from("koujing-watch".to_string()),
                    request::RegisterCapability::METHOD.into(),
                    params,
                )));
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
                views::document_symbols(self, params(req)?),
            )),
            request::SemanticTokensFullRequest::METHOD => json(serde_json::to_value(
                views::semantic_tokens(self, params(req)?),
            )),
            request::FoldingRangeRequest::METHOD => json(serde_json::to_value(
                views::folding_ranges(self, params(req)?),
            )),
            request::InlayHintRequest::METHOD => {
                json(serde_json::to_value(views::inlay_hints(self, params(req)?)))
            }
            request::CodeLensRequest::METHOD => {
                json(serde_json::to_value(views::code_lenses(self, params(req)?)))
            }
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
                    EXPLAIN => {
                        // The argument: a code such as "KJ2001".
                        let code = p
                            .arguments
                            .first()
                            .and_then(Value::as_str)
                            .and_then(|c| c.trim().parse::<koujing_checker::Code>().ok())
                            .ok_or((
                                ErrorCode::InvalidParams as i32,
                                "koujing.explain needs a code such as \"KJ2001\"".to_string(),
                            ))?;
                        Ok(Value::String(code.info().explanation.to_string()))
                    }
                    other => Err((
                        ErrorCode::InvalidParams as i32,
                        format!("unknown command {other}"),
                    )),
                }
            }
            request::CodeActionRequest::METHOD => json(serde_json::to_value(
                handlers::code_actions(self, params(req)?),
            )),
            _ => Err((
                ErrorCode::MethodNotFound as i32,
                format!("unknown method {}", req.method),
            )),
        }
    }

    /// A diagnostic of the last report in the protocol, with its path; then
    /// the same finding mirrored into every other file its related
    /// locations are in (a duplicate name, a conflict between two files'
    /// campaigns: each side sees it), pointing back to where it is reported.
    fn to_diagnostics(&self, d: &Diagnostic) -> Vec<(String, lsp_types::Diagnostic)> {
        let model = self.report.model.clone();
        self.to_diagnostics_in(d, &|id| model.path(id))
    }

    /// [`Server::to_diagnostics`] for a finding whose file ids are paths
    /// through `path_of_id` (the last report's, or a focused re-check's).
    fn to_diagnostics_in<'p>(
        &self,
        d: &Diagnostic,
        path_of_id: &dyn Fn(usize) -> Option<&'p str>,
    ) -> Vec<(String, lsp_types::Diagnostic)> {
        let file_of = |id: usize| crate::hover::file(&self.workspace, path_of_id(id)?);
        let location = |id: usize, span: koujing_grammar::Span| {
            let file = file_of(id)?;
            Some(Location {
                uri: self.uri_of(&file.path)?,
                range: to_proto::range(file, span, self.encoding),
            })
        };
        let Some(file) = file_of(d.file) else {
            return Vec::new();
        };
        let related: Vec<DiagnosticRelatedInformation> = d
            .related
            .iter()
            .filter_map(|r| {
                Some(DiagnosticRelatedInformation {
                    location: location(r.file, r.span)?,
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
            severity: Some(severity(d.severity)),
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
            let (Some(other), Some(back)) = (file_of(r.file), location(d.file, d.span)) else {
                continue;
            };
            let here = EditorMsg::ReportedHere.template(self.lang);
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
    fn options(&self) -> Options {
        Options {
            today: chrono::Local::now().date_naive(),
            config: self.config.clone(),
            require_reason: false,
        }
    }

    fn recheck(&mut self, connection: &Connection) {
        let options = self.options();
        self.report = check_for_editor(&self.workspace, &options);
        self.edited.clear();
        self.changed.clear();
        self.reloaded = false;
        self.clustering.clear();
        self.checked.clear();
        let model = self.report.model.clone();
        for d in &self.report.diagnostics {
            if d.code != koujing_checker::Code::KJ2002 {
                continue;
            }
            let Some(at) = model.path(d.file) else {
                continue;
            };
            if self.open.contains_key(at) {
                self.clustering
                    .entry(at.to_string())
                    .or_default()
                    .0
                    .push(d.clone());
            }
            let mut seen: Vec<&str> = vec![at];
            for r in &d.related {
                let Some(there) = model.path(r.file).filter(|p| !seen.contains(p)) else {
                    continue;
                };
                seen.push(there);
                if self.open.contains_key(there) {
                    self.clustering
                        .entry(there.to_string())
                        .or_default()
                        .1
                        .push(d.clone());
                }
            }
        }
        for (id, file) in self.workspace.files.iter().enumerate() {
            if self.open.contains_key(&file.path) {
                let own = file
                    .own_diagnostics(id)
                    .into_iter()
                    .map(|d| (d.code, d.span))
                    .collect();
                self.checked
                    .insert(file.path.clone(), (file.text.clone(), own));
            }
        }
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

impl Server {
    /// Diagnostics for the edited documents at once, before the full
    /// re-check: their own findings (syntax, fields, values) fresh, the
    /// previous check's other findings carried over where the text around
    /// them did not change (moved with the edit); findings inside the edited
    /// stretch wait for the re-check, which publishes everything again.
    fn publish_provisional(&mut self, connection: &Connection) {
        let today = chrono::Local::now().date_naive();
        let edited = std::mem::take(&mut self.edited);
        for path in edited {
            let (Some((uri, version)), Some((old, local))) =
                (self.open.get(&path), self.checked.get(&path))
            else {
                continue;
            };
            let Some(id) = self.workspace.files.iter().position(|f| f.path == path) else {
                continue;
            };
            let Some(file) = self.workspace.file(id) else {
                continue;
            };
            let stretch = koujing_checker::focus::Stretch::new(old, &file.text);
            let moved = |span: koujing_grammar::Span| stretch.moved(span);
            let model = &self.report.model;
            let mut carried: Vec<Diagnostic> = Vec::new();
            for d in &self.report.diagnostics {
                let here = model.path(d.file) == Some(path.as_str());
                if here && local.contains(&(d.code, d.span)) {
                    continue; // its own finding: recomputed below
                }
                let related_here = d
                    .related
                    .iter()
                    .any(|r| model.path(r.file) == Some(path.as_str()));
                if !here && !related_here {
                    continue;
                }
                let mut d = d.clone();
                if here {
                    let Some(span) = moved(d.span) else { continue };
                    d.span = span;
                }
                d.related.retain_mut(|r| {
                    if model.path(r.file) != Some(path.as_str()) {
                        return true;
                    }
                    moved(r.span).map(|span| r.span = span).is_some()
                });
                carried.push(d);
            }
            // Its own findings, with the file's suppressions and lint levels.
            let mut own = file.own_diagnostics(id);
            let mut suppressions = koujing_checker::suppress::collect(id, file);
            koujing_checker::suppress::apply(&mut own, &mut suppressions, today, false);
            own.retain_mut(|d| match self.config.lints.get(&d.code) {
                Some(koujing_checker::Level::Allow) => false,
                Some(koujing_checker::Level::Set(severity)) => {
                    d.severity = *severity;
                    true
                }
                None => true,
            });
            // `own` uses the current file ids, `carried` the report's: map
            // each through its own table.
            let mut diagnostics: Vec<lsp_types::Diagnostic> = Vec::new();
            for d in &carried {
                diagnostics.extend(
                    self.to_diagnostics(d)
                        .into_iter()
                        .filter(|(p, _)| *p == path)
                        .map(|(_, d)| d),
                );
            }
            for d in &own {
                diagnostics.extend(self.own_to_diagnostic(file, d));
            }
            diagnostics.sort_by_key(|d| (d.range.start.line, d.range.start.character));
            let params = PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics,
                version: Some(*version),
            };
            let _ = connection
                .sender
                .send(Message::Notification(Notification::new(
                    notification::PublishDiagnostics::METHOD.into(),
                    params,
                )));
        }
    }

    /// The edited document's exact findings, from a focused re-check
    /// (`koujing_checker::focus`), when only it changed since the last full
    /// check: `true` when published.
    fn publish_focused(&mut self, connection: &Connection) -> bool {
        let mut changed = self.changed.iter();
        let (Some(path), None) = (changed.next(), changed.next()) else {
            return false;
        };
        if self.reloaded || !self.edited.contains(path) {
            return false;
        }
        let (Some(focus), Some((uri, version))) =
            (self.report.focus.clone(), self.open.get(path).cloned())
        else {
            return false;
        };
        let started = koujing_checker::timing::Phase::start("focused re-check");
        // The file as the last full check saw it, with its KJ2002 findings:
        // campaigns the edit cannot affect keep them.
        let none = (Vec::new(), Vec::new());
        let (clustering, mirrored) = self.clustering.get(path).unwrap_or(&none);
        let before = self
            .checked
            .get(path)
            .map(|(text, _)| koujing_checker::focus::Before {
                text,
                clustering,
                mirrored,
            });
        let Some(focused) = koujing_checker::focus::check_file(
            &self.workspace,
            &focus,
            path,
            &self.options(),
            before,
        ) else {
            return false;
        };
        let paths = &focused.paths;
        let mut diagnostics: Vec<lsp_types::Diagnostic> = Vec::new();
        for d in &focused.diagnostics {
            diagnostics.extend(
                self.to_diagnostics_in(d, &|id| paths.get(id).map(|p| &**p))
                    .into_iter()
                    .filter(|(p, _)| p == path)
                    .map(|(_, d)| d),
            );
        }
        diagnostics.sort_by_key(|d| (d.range.start.line, d.range.start.character));
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: Some(version),
        };
        let _ = connection
            .sender
            .send(Message::Notification(Notification::new(
                notification::PublishDiagnostics::METHOD.into(),
                params,
            )));
        started.done();
        self.edited.clear();
        true
    }

    /// A finding of the current text of `file` (no related locations).
    fn own_to_diagnostic(
        &self,
        file: &koujing_checker::SourceFile,
        d: &Diagnostic,
    ) -> Option<lsp_types::Diagnostic> {
        let mut message = d.message.get(self.lang).to_string();
        if let Some(help) = &d.help {
            message.push('\n');
            message.push_str(help.get(self.lang));
        }
        Some(lsp_types::Diagnostic {
            range: to_proto::range(file, d.span, self.encoding),
            severity: Some(severity(d.severity)),
            code: Some(NumberOrString::String(d.code.as_str().to_string())),
            source: Some("koujing".into()),
            message,
            ..Default::default()
        })
    }

    /// Format a document on a thread of its own: a 3 MB document must not
    /// hold up hover or diagnostics. The answer is "content modified" when
    /// the document changed meanwhile.
    fn format_in_background(&self, req: &Request, connection: &Connection) {
        let respond = |response: Response| {
            let _ = connection.sender.send(Message::Response(response));
        };
        let params: lsp_types::DocumentFormattingParams =
            match serde_json::from_value(req.params.clone()) {
                Ok(p) => p,
                Err(e) => {
                    return respond(Response::new_err(
                        req.id.clone(),
                        ErrorCode::InvalidParams as i32,
                        e.to_string(),
                    ))
                }
            };
        let Some(file) = self.document(&params.text_document.uri) else {
            return respond(Response::new_ok(req.id.clone(), Value::Null));
        };
        let text = file.text.clone();
        let range = to_proto::full_range(file, self.encoding);
        let (id, sender, edits) = (
            req.id.clone(),
            connection.sender.clone(),
            self.edits.clone(),
        );
        let started = edits.load(Ordering::SeqCst);
        let job = move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| handlers::formatting(&text, range)));
            let response = match outcome {
                _ if edits.load(Ordering::SeqCst) != started => Response::new_err(
                    id,
                    ErrorCode::ContentModified as i32,
                    "the document changed while it was formatted".into(),
                ),
                Ok(result) => match serde_json::to_value(result) {
                    Ok(value) => Response::new_ok(id, value),
                    Err(e) => Response::new_err(id, ErrorCode::InternalError as i32, e.to_string()),
                },
                Err(_) => Response::new_err(
                    id,
                    ErrorCode::InternalError as i32,
                    "internal error while formatting".into(),
                ),
            };
            let _ = sender.send(Message::Response(response));
        };
        if let Err(e) = std::thread::Builder::new()
            .name("koujing-format".into())
            .stack_size(16 * 1024 * 1024)
            .spawn(job)
        {
            respond(Response::new_err(
                req.id.clone(),
                ErrorCode::InternalError as i32,
                e.to_string(),
            ));
        }
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
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

/// The language of the process environment (`LC_ALL`, `LC_MESSAGES`, `LANG`).
fn env_lang() -> Option<Lang> {
    ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|var| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v))
    })
}

/// How long the client must be quiet after an edit before the full
/// re-check runs (the edited file already has its exact findings).
const SETTLE: std::time::Duration = std::time::Duration::from_millis(300);

/// Serve `connection` until `exit`.
pub fn run(connection: Connection) -> Result<(), String> {
    serve(connection, None).map(|_| ())
}

/// Serve `connection` until `exit`; `lang` (from `koujing lsp --lang`)
/// overrides koujing.toml, the editor's locale and the environment.
pub fn run_with_lang(connection: Connection, lang: Option<Lang>) -> Result<(), String> {
    serve(connection, lang).map(|_| ())
}

/// Serve `connection` until `exit` or the end of input, with `lang` as in
/// [`run_with_lang`]. `Ok(true)` when the client asked for `shutdown` first
/// (exit code 0), `Ok(false)` otherwise (exit code 1, as the protocol
/// requires).
pub fn serve(connection: Connection, lang: Option<Lang>) -> Result<bool, String> {
    let mut server = Server::new();
    server.lang_flag = lang;
    // After an edit whose file got its exact findings from a focused
    // re-check, the full re-check waits until the client is quiet for
    // `SETTLE`, so typing never waits for it.
    let mut settling = false;
    loop {
        let message = if settling && server.dirty {
            match connection.receiver.recv_timeout(SETTLE) {
                Ok(message) => message,
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                    settling = false;
                    if catch_unwind(AssertUnwindSafe(|| server.recheck(&connection))).is_err() {
                        server.dirty = false;
                        show_message(&connection, "koujing: internal error while checking".into());
                    }
                    continue;
                }
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match connection.receiver.recv() {
                Ok(message) => message,
                Err(_) => break,
            }
        };
        match message {
            Message::Request(req)
                if req.method == request::Formatting::METHOD && server.initialized =>
            {
                server.format_in_background(&req, &connection);
            }
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
        for message in server.outgoing.drain(..) {
            let _ = connection.sender.send(message);
        }
        // Coalesce keystrokes: check once the queue is drained. The edited
        // documents get their provisional diagnostics first.
        if server.dirty
            && (!settling || !server.edited.is_empty())
            && server.initialized
            && connection.receiver.is_empty()
            && !server.shutdown
        {
            // One edited document and nothing else changed: its exact
            // findings from a focused re-check. Otherwise provisional ones
            // (its own findings fresh, the rest carried over) at once.
            settling = match catch_unwind(AssertUnwindSafe(|| server.publish_focused(&connection)))
            {
                Ok(served) => served,
                Err(_) => {
                    show_message(&connection, "koujing: internal error while checking".into());
                    false
                }
            };
            if !settling
                && catch_unwind(AssertUnwindSafe(|| server.publish_provisional(&connection)))
                    .is_err()
            {
                show_message(&connection, "koujing: internal error while checking".into());
            }
            if !settling
                && connection.receiver.is_empty()
                && catch_unwind(AssertUnwindSafe(|| server.recheck(&connection))).is_err()
            {
                server.dirty = false;
                show_message(&connection, "koujing: internal error while checking".into());
            }
        }
    }
    Ok(server.shutdown)
}
