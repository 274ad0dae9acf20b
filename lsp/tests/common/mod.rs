//! A test client for the language server in process (`Connection::memory()`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    dead_code
)]

use std::path::Path;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

pub struct Client {
    pub conn: Connection,
    next: i32,
    pub notes: Vec<Notification>,
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
}

impl Client {
    pub fn start(root: &Path) -> Client {
        let (server, client) = Connection::memory();
        let thread = std::thread::spawn(move || koujing_lsp::run(server));
        let mut c = Client {
            conn: client,
            next: 0,
            notes: Vec::new(),
            thread: Some(thread),
        };
        let uri = url(root);
        let result = c.request(
            "initialize",
            json!({ "capabilities": {}, "rootUri": uri, "locale": "en" }),
        );
        assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
        c.notify("initialized", json!({}));
        c
    }

    pub fn request_raw(&mut self, method: &str, params: Value) -> lsp_server::Response {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        loop {
            match self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(20))
                .expect("a response")
            {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) => self.notes.push(n),
                _ => {}
            }
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.error.is_none(), "{method}: {:?}", response.error);
        response.result.unwrap_or(Value::Null)
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    /// The diagnostics of the complete check for `uri` (at `version`),
    /// waiting for them: the first publish for an edit may be the
    /// provisional one, so the client catches up with the server first.
    pub fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        self.first_diagnostics(uri, version);
        self.sync();
        self.first_diagnostics(uri, version)
    }

    /// The latest diagnostics received for `uri` (at `version`), waiting
    /// for one if none came yet.
    pub fn first_diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let found = self.notes.iter().rev().find(|n| {
                n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == uri
                    && version.is_none_or(|v| n.params["version"] == v)
            });
            if let Some(n) = found {
                return n.params["diagnostics"].as_array().unwrap().clone();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no diagnostics for {uri}"
            );
            if let Ok(Message::Notification(n)) =
                self.conn.receiver.recv_timeout(Duration::from_millis(200))
            {
                self.notes.push(n);
            }
        }
    }

    pub fn stop(mut self) {
        assert_eq!(self.request("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let thread = self.thread.take().unwrap();
        assert!(thread.join().unwrap().is_ok());
    }
}

pub fn url(path: &Path) -> String {
    lsp_types::Url::from_file_path(path).unwrap().to_string()
}

impl Client {
    /// Forget the notifications received so far.
    pub fn clear(&mut self) {
        self.notes.clear();
    }

    /// Make the server catch up: a request is answered after the re-check
    /// that the notifications before it caused, so their diagnostics are in.
    pub fn sync(&mut self) {
        self.request("workspace/symbol", json!({ "query": "\u{1}" }));
    }

    /// The latest diagnostics published for `uri` so far, if any.
    pub fn published(&self, uri: &str) -> Option<Vec<Value>> {
        self.notes
            .iter()
            .rev()
            .find(|n| n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri)
            .map(|n| {
                n.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
    }

    pub fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "koujing", "version": version, "text": text } }),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }
}

/// The 0-based line and UTF-16 column of the `nth` (0-based) occurrence of
/// `needle` in `text`, as an LSP position.
pub fn pos(text: &str, needle: &str, nth: usize) -> Value {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .expect("needle in text");
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count();
    json!({ "line": line, "character": character })
}
