//! LSP latency on a generated workspace (20,000 campaigns unless a count is
//! given): `cargo run -p koujing-bench --release --example lsp_latency [N]`.
//!
//! Measures, over 60 rounds each, didChange → the first publishDiagnostics
//! for the edited file (the provisional one), didChange → the end of the full
//! re-check of the workspace, and hover, definition, completion and rename
//! round trips; prints p50 and p95.

// A measurement program: a failed setup should stop it loudly; `Value`
// indexing yields `Null`, never a panic.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples.get(at).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

fn main() {
    let campaigns: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in koujing_bench::generate(1, campaigns) {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || koujing_lsp::run(server));
    let root = lsp_types::Url::from_file_path(dir.path())
        .expect("url")
        .to_string();
    let mut next = 0;
    let mut request = |client: &Connection, method: &str, params: Value| -> Duration {
        next += 1;
        let id = RequestId::from(next);
        let start = Instant::now();
        client
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .expect("send");
        loop {
            if let Ok(Message::Response(r)) = client.receiver.recv() {
                if r.id == id {
                    return start.elapsed();
                }
            }
        }
    };
    request(
        &client,
        "initialize",
        json!({ "capabilities": {}, "rootUri": root }),
    );
    let file = dir.path().join("cities/submission0003.kj");
    let uri = lsp_types::Url::from_file_path(&file)
        .expect("url")
        .to_string();
    let text = std::fs::read_to_string(&file).expect("read");
    client
        .sender
        .send(Message::Notification(Notification::new(
            "textDocument/didOpen".into(),
            json!({ "textDocument": { "uri": uri, "languageId": "koujing", "version": 0, "text": text } }),
        )))
        .expect("send");
    let wait_diagnostics = |client: &Connection, version: i64| loop {
        if let Ok(Message::Notification(n)) = client.receiver.recv() {
            if n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
                && n.params["version"] == version
            {
                return;
            }
        }
    };
    wait_diagnostics(&client, 0);

    let mut change = Vec::new();
    let mut complete = Vec::new();
    for round in 1..=60 {
        // A realistic edit: a discount changes in one campaign of the file.
        let edited = text
            .replacen("discount ", &format!("discount {}", round % 9 + 1), 1)
            .replacen("discount 1", "discount ", 0);
        let start = Instant::now();
        client
            .sender
            .send(Message::Notification(Notification::new(
                "textDocument/didChange".into(),
                json!({ "textDocument": { "uri": uri, "version": round }, "contentChanges": [{ "text": edited }] }),
            )))
            .expect("send");
        wait_diagnostics(&client, round);
        change.push(start.elapsed());
        // The server answers a request after the full re-check.
        request(&client, "workspace/symbol", json!({ "query": "\u{1}" }));
        complete.push(start.elapsed());
    }
    let line = text.lines().position(|l| l.contains("offer:")).unwrap_or(0) as u32;
    let mut hover = Vec::new();
    let mut definition = Vec::new();
    let mut completion = Vec::new();
    let mut rename = Vec::new();
    for _ in 0..60 {
        let position = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 10 } });
        let mut renamed = position.clone();
        renamed["newName"] = json!("新产品名");
        rename.push(request(&client, "textDocument/rename", renamed));
        hover.push(request(&client, "textDocument/hover", position.clone()));
        definition.push(request(
            &client,
            "textDocument/definition",
            position.clone(),
        ));
        completion.push(request(&client, "textDocument/completion", position));
    }
    println!("workspace: {campaigns} campaigns; 60 rounds each");
    for (name, samples) in [
        ("didChange → diagnostics", &mut change),
        ("didChange → full re-check", &mut complete),
        ("hover", &mut hover),
        ("definition", &mut definition),
        ("completion", &mut completion),
        ("rename", &mut rename),
    ] {
        println!(
            "{name:<26} p50 {:>7.2} ms   p95 {:>7.2} ms",
            percentile(samples, 0.5),
            percentile(samples, 0.95)
        );
    }
    request(&client, "shutdown", Value::Null);
    let _ = client.sender.send(Message::Notification(Notification::new(
        "exit".into(),
        Value::Null,
    )));
    let _ = thread.join();
}
