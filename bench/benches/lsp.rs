//! `cargo bench -p koujing-bench --bench lsp`: the language server on a
//! 2,000-campaign workspace, in process: didChange → publishDiagnostics for
//! one edited file, and hover and completion round trips. (Percentiles:
//! `cargo run -p koujing-bench --release --example lsp_latency`.)

use std::sync::{Mutex, OnceLock};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

/// The allocator the `koujing` binary uses, so that the figures are the ones
/// users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

struct Session {
    client: Connection,
    uri: String,
    text: String,
    line: u32,
    next: i32,
    version: i32,
    _dir: tempfile::TempDir,
}

impl Session {
    fn request(&mut self, method: &str, params: Value) {
        self.next += 1;
        let id = RequestId::from(self.next);
        let _ = self.client.sender.send(Message::Request(Request::new(
            id.clone(),
            method.into(),
            params,
        )));
        while let Ok(message) = self.client.receiver.recv() {
            if matches!(&message, Message::Response(r) if r.id == id) {
                return;
            }
        }
    }

    fn change(&mut self) {
        self.version += 1;
        let text = self.text.replacen(
            "discount ",
            &format!("discount {}", self.version % 9 + 1),
            1,
        );
        let _ = self.client.sender.send(Message::Notification(Notification::new(
            "textDocument/didChange".into(),
            json!({ "textDocument": { "uri": self.uri, "version": self.version }, "contentChanges": [{ "text": text }] }),
        )));
        while let Ok(message) = self.client.receiver.recv() {
            if let Message::Notification(n) = message {
                if n.method == "textDocument/publishDiagnostics"
                    && n.params.get("uri").and_then(Value::as_str) == Some(self.uri.as_str())
                    && n.params.get("version").and_then(Value::as_i64)
                        == Some(i64::from(self.version))
                {
                    return;
                }
            }
        }
    }
}

fn session() -> &'static Mutex<Option<Session>> {
    static SESSION: OnceLock<Mutex<Option<Session>>> = OnceLock::new();
    SESSION.get_or_init(|| {
        let Ok(dir) = tempfile::tempdir() else {
            return Mutex::new(None);
        };
        for (path, text) in koujing_bench::generate(1, 2_000) {
            let full = dir.path().join(path);
            if let Some(parent) = full.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = std::fs::write(full, text);
        }
        let (server, client) = Connection::memory();
        std::thread::spawn(move || koujing_lsp::run(server));
        let root = lsp_types::Url::from_file_path(dir.path())
            .map(|u| u.to_string())
            .unwrap_or_default();
        let file = dir.path().join("cities/submission0003.kj");
        let uri = lsp_types::Url::from_file_path(&file)
            .map(|u| u.to_string())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let line = text.lines().position(|l| l.contains("offer:")).unwrap_or(0) as u32;
        let mut s = Session {
            client,
            uri,
            text,
            line,
            next: 0,
            version: 0,
            _dir: dir,
        };
        s.request("initialize", json!({ "capabilities": {}, "rootUri": root }));
        s.change();
        Mutex::new(Some(s))
    })
}

fn with(f: impl FnOnce(&mut Session)) {
    let mut guard = session()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(s) = guard.as_mut() {
        f(s);
    }
}

#[divan::bench(sample_count = 30, sample_size = 1)]
fn did_change_to_diagnostics() {
    with(Session::change);
}

#[divan::bench(sample_count = 50, sample_size = 1)]
fn hover() {
    with(|s| {
        let params = json!({ "textDocument": { "uri": s.uri }, "position": { "line": s.line, "character": 10 } });
        s.request("textDocument/hover", params);
    });
}

#[divan::bench(sample_count = 50, sample_size = 1)]
fn completion() {
    with(|s| {
        let params = json!({ "textDocument": { "uri": s.uri }, "position": { "line": s.line, "character": 10 } });
        s.request("textDocument/completion", params);
    });
}
