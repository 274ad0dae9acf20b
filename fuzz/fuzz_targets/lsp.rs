//! The language server's message handling: arbitrary JSON-RPC bodies (one
//! per line of the input) and edit sequences, in process. The server must
//! answer and end cleanly, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};

fuzz_target!(|text: &str| {
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || koujing_lsp::run(server));
    let send = |m: Message| {
        let _ = client.sender.send(m);
    };
    send(Message::Request(Request::new(
        RequestId::from(0),
        "initialize".into(),
        serde_json::json!({ "capabilities": {} }),
    )));
    let uri = "untitled:fuzz.kj";
    for (n, line) in text.lines().enumerate() {
        if let Ok(message) = serde_json::from_str::<Message>(line) {
            if !matches!(&message, Message::Notification(n) if n.method == "exit") {
                send(message);
            }
        }
        // Every line is also an edit of the document, then a few requests at
        // positions taken from the input.
        send(Message::Notification(Notification::new(
            "textDocument/didChange".into(),
            serde_json::json!({ "textDocument": { "uri": uri, "version": n }, "contentChanges": [{ "text": line }] }),
        )));
        let position = serde_json::json!({ "line": line.len() % 3, "character": line.len() % 17 });
        for (i, method) in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
            "textDocument/formatting",
        ]
        .iter()
        .enumerate()
        {
            send(Message::Request(Request::new(
                RequestId::from((n * 10 + i + 1) as i32),
                method.to_string(),
                serde_json::json!({ "textDocument": { "uri": uri }, "position": position, "options": { "tabSize": 2, "insertSpaces": true } }),
            )));
        }
    }
    send(Message::Request(Request::new(
        RequestId::from(-1),
        "shutdown".into(),
        serde_json::Value::Null,
    )));
    send(Message::Notification(Notification::new(
        "exit".into(),
        serde_json::Value::Null,
    )));
    let result = thread.join();
    assert!(result.is_ok(), "the server thread panicked");
});
