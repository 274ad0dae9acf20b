#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! `koujing lsp` as a child process over stdio with real JSON-RPC framing:
//! garbage frames are skipped, requests keep being answered, shutdown and
//! exit end the process cleanly, and nothing but protocol is on stdout.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn read_message(reader: &mut impl BufRead) -> Value {
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "server closed stdout"
        );
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(": ").expect("only protocol on stdout");
        assert_eq!(name, "Content-Length");
        length = value.parse().unwrap();
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn response(reader: &mut impl BufRead, id: i64) -> Value {
    loop {
        let message = read_message(reader);
        if message["id"] == id {
            return message;
        }
    }
}

#[test]
fn stdio_server_survives_garbage() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("a.kj"),
        "channel 热线10086 { type: electronic }\nproduct 流量包 { kind: data; price: 10 元/月 }\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_koujing"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let root = lsp_types_url(tmp.path());
    stdin.write_all(&frame(&json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {}, "rootUri": root } }).to_string())).unwrap();
    let init = response(&mut stdout, 1);
    assert_eq!(init["result"]["serverInfo"]["name"], "koujing");

    // Garbage: a body that is not JSON, JSON that is no message, a bad header, a huge length.
    stdin.write_all(&frame("this is not json")).unwrap();
    stdin
        .write_all(&frame("{\"jsonrpc\": \"2.0\", \"weird\": []}"))
        .unwrap();
    stdin.write_all(b"Nonsense-Header\r\n\r\n").unwrap();
    stdin.write_all(b"Content-Length: abc\r\n\r\n").unwrap();
    stdin.flush().unwrap();

    let uri = format!("{root}/a.kj");
    stdin.write_all(&frame(&json!({ "jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": { "textDocument": { "uri": uri }, "position": { "line": 1, "character": 9 } } }).to_string())).unwrap();
    let hover = response(&mut stdout, 2);
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("10 元/月"),
        "{hover}"
    );

    stdin
        .write_all(&frame(
            &json!({ "jsonrpc": "2.0", "id": 3, "method": "shutdown" }).to_string(),
        ))
        .unwrap();
    assert_eq!(response(&mut stdout, 3)["result"], Value::Null);
    stdin
        .write_all(&frame(
            &json!({ "jsonrpc": "2.0", "method": "exit" }).to_string(),
        ))
        .unwrap();
    stdin.flush().unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success());
    let mut errors = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut errors)
        .unwrap();
    assert!(
        errors.contains("malformed"),
        "garbage is logged on stderr: {errors}"
    );
}

fn lsp_types_url(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// The message language of the first diagnostic the server publishes for a
/// workspace with `toml`, started with `args` and the editor `locale`.
fn published_message(toml: Option<&str>, args: &[&str], locale: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("a.kj"),
        "channel 热线10086 { type: electronic }\ncampaign 甲 { issuer: 抚州 }\n",
    )
    .unwrap();
    if let Some(toml) = toml {
        std::fs::write(tmp.path().join("koujing.toml"), toml).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_koujing"))
        .arg("lsp")
        .args(args)
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let root = lsp_types_url(tmp.path());
    stdin.write_all(&frame(&json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {}, "rootUri": root, "locale": locale } }).to_string())).unwrap();
    response(&mut stdout, 1);
    stdin
        .write_all(&frame(
            &json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }).to_string(),
        ))
        .unwrap();
    stdin.flush().unwrap();
    let message = loop {
        let note = read_message(&mut stdout);
        if note["method"] == "textDocument/publishDiagnostics" {
            if let Some(first) = note["params"]["diagnostics"].get(0) {
                break first["message"].as_str().unwrap().to_string();
            }
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    message
}

fn is_chinese(text: &str) -> bool {
    // Messages quote names (Chinese or not) in backticks in both languages;
    // look at the words outside them.
    let words: String = text.split('`').step_by(2).collect();
    words
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn message_language_follows_the_documented_order() {
    // koujing.toml beats the editor's locale.
    let toml_en = published_message(Some("lang = \"en\"\n"), &[], "zh-CN");
    assert!(!is_chinese(&toml_en), "{toml_en}");
    let toml_zh = published_message(Some("lang = \"zh-CN\"\n"), &[], "en");
    assert!(is_chinese(&toml_zh), "{toml_zh}");
    // --lang beats koujing.toml.
    let flag = published_message(Some("lang = \"zh-CN\"\n"), &["--lang", "en"], "zh-CN");
    assert!(!is_chinese(&flag), "{flag}");
    // Without either, the editor's locale beats LANG.
    let locale = published_message(None, &[], "zh-CN");
    assert!(is_chinese(&locale), "{locale}");
}
