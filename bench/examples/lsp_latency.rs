//! LSP latency on a generated workspace (20,000 campaigns unless a count is
//! given): `cargo run -p koujing-bench --release --example lsp_latency [N]`.
//! With `conflicts` instead of a count: the dense case of the editor issue,
//! 212 files whose 318 campaigns all overlap (50,403 KJ2001 pairs).
//!
//! Measures, over 60 rounds each, didChange → the first publishDiagnostics
//! for the edited file (the focused re-check's exact findings: only that
//! file changed), didChange → the end of the full
//! re-check of the workspace, and hover, definition, completion and rename
//! round trips; prints p50 and p95.

// A measurement program: a failed setup should stop it loudly; `Value`
// indexing yields `Null`, never a panic.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

/// The allocator the `koujing` binary uses, so that the figures are the ones
/// users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let at = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples.get(at).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// One definitions file and 211 city files of one or two campaigns each, all
/// offering one product in one county, window and channel, none stackable:
/// every pair conflicts. The edit in `main` puts a digit before each
/// one-digit discount, which keeps it valid.
fn conflicting_workspace() -> Vec<(String, String)> {
    let mut files = vec![(
        "base.kj".to_string(),
        "regions 江西 {\n  抚州 { 临川区, 崇仁县 }\n}\n\
         channel 自有营业厅 { type: owned }\n\
         product 流量包10元 { kind: data; price: 10 元/月 }\n"
            .to_string(),
    )];
    let mut n = 0;
    for city in 0..211 {
        let mut text = String::new();
        for _ in 0..(1 + city % 2 + usize::from(city == 0)) {
            n += 1;
            text.push_str(&format!(
                "campaign 活动{n:04} {{ issuer: 抚州; regions: [临川区]; window: 2026-12-01 .. 2026-12-31; \
                 offer: 流量包10元; benefit: discount {}%; channels: [自有营业厅] }}\n",
                1 + n % 9
            ));
        }
        files.push((format!("cities/city{city:04}.kj"), text));
    }
    files
}

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let dir = tempfile::tempdir().expect("temp dir");
    let (files, edited_file, label) = if arg == "conflicts" {
        (
            conflicting_workspace(),
            "cities/city0003.kj",
            "212 files, 318 campaigns that all overlap".to_string(),
        )
    } else {
        let campaigns: usize = arg.parse().unwrap_or(20_000);
        (
            koujing_bench::generate(1, campaigns),
            "cities/submission0003.kj",
            format!("{campaigns} campaigns"),
        )
    };
    for (path, text) in files {
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
    let file = dir.path().join(edited_file);
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
        // The first publish: the focused re-check's exact findings of the
        // edited file (only it changed).
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
    println!("workspace: {label}; 60 rounds each");
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
