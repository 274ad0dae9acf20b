#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Editor v2, end to end over the protocol (in process): each test is one
//! finding of the editor review — changes on disk, rename, completion in
//! multi-line lists, files outside the workspace, duplicates seen from the
//! edited file — plus the semantic model's promise that a field key is never
//! a reference.

mod common;

use common::{pos, url, Client};
use serde_json::{json, Value};

const BASE: &str = "regions 江西 { 抚州 { 临川区, 崇仁县 } }\nchannel 自有营业厅 \"自有厅\" { type: owned }\nchannel 社会渠道 { type: social }\nproduct 流量包10元 \"10元5GB流量包\" { kind: data; price: 10 元/月 }\nsupport 配置 { kind: system; ready: 2026-11-01 }\nsupport 口径 { kind: knowledge; ready: 2026-11-01 }\n";

fn campaign(name: &str, channels: &str) -> String {
    format!("campaign {name} {{ issuer: 抚州; window: 2026-12-01 .. 2026-12-31; offer: 流量包10元; benefit: discount 50%; channels: [{channels}]; requires: [配置, 口径]; faq {{ \"{name}怎么办?\": \"到厅办理。\" }} }}\n")
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn changes_on_disk_are_seen() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    let city_path = tmp.path().join("city.kj");
    let city_text = campaign("甲", "新渠道");
    std::fs::write(&city_path, &city_text).unwrap();
    let city = url(&city_path);
    let mut c = Client::start(tmp.path());
    c.open(&city, 1, &city_text);
    let d = c.diagnostics(&city, Some(1));
    assert!(codes(&d).contains(&"KJ1001".to_string()), "{d:?}");

    // A colleague's file with the channel arrives (git pull): the unknown
    // channel is resolved, and the new file is checked.
    let added = tmp.path().join("added.kj");
    std::fs::write(
        &added,
        "channel 新渠道 { type: owned }\nchannel 坏渠道 { type: nonsense }\n",
    )
    .unwrap();
    c.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": url(&added), "type": 1 }] }),
    );
    c.sync();
    let d = c.published(&city).expect("city re-published");
    assert!(!codes(&d).contains(&"KJ1001".to_string()), "{d:?}");
    let d = c.published(&url(&added)).expect("the new file is checked");
    assert!(!d.is_empty(), "the bad channel type is reported");

    // An edit on disk to an open document does not replace its buffer.
    std::fs::write(&city_path, campaign("甲", "没有这个")).unwrap();
    c.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": city, "type": 2 }] }),
    );
    c.sync();
    let d = c.published(&city).unwrap_or_default();
    assert!(!codes(&d).contains(&"KJ1001".to_string()), "{d:?}");

    // The file is deleted: the channel is unknown again, its diagnostics cleared.
    std::fs::remove_file(&added).unwrap();
    c.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": url(&added), "type": 3 }] }),
    );
    c.sync();
    assert!(codes(&c.published(&city).unwrap()).contains(&"KJ1001".to_string()));
    assert_eq!(c.published(&url(&added)), Some(Vec::new()));

    // koujing.toml changes: the lint level applies at once.
    std::fs::write(
        tmp.path().join("koujing.toml"),
        "[lints]\nKJ1001 = \"allow\"\n",
    )
    .unwrap();
    c.clear();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": url(&tmp.path().join("koujing.toml")), "type": 1 }] }),
    );
    c.sync();
    assert!(!codes(&c.published(&city).unwrap()).contains(&"KJ1001".to_string()));

    // A file written without any notification: the restart command sees it.
    std::fs::write(tmp.path().join("koujing.toml"), "").unwrap();
    std::fs::write(
        tmp.path().join("later.kj"),
        "channel 新渠道 { type: owned }\n",
    )
    .unwrap();
    c.clear();
    let r = c.request(
        "workspace/executeCommand",
        json!({ "command": "koujing.restart", "arguments": [] }),
    );
    assert_eq!(r, Value::Null);
    c.sync();
    let d = c.published(&city).unwrap();
    assert!(d.is_empty(), "{d:?}");
    assert!(c.published(&url(&tmp.path().join("later.kj"))).is_some());
    c.stop();
}

#[test]
fn rename_across_files_from_the_model() {
    let tmp = tempfile::tempdir().unwrap();
    // A channel named like a field key (`type`), a campaign whose FAQ and
    // a comment mention the channel's name.
    let base = format!("{BASE}channel type {{ type: owned }}\n");
    std::fs::write(tmp.path().join("base.kj"), &base).unwrap();
    let city_text = format!(
        "// 自有营业厅 is mentioned in this comment\n{}{}",
        campaign("甲", "自有营业厅, type"),
        campaign("乙", "自有营业厅")
    )
    .replace("到厅办理。", "到自有营业厅办理。");
    let city_path = tmp.path().join("city.kj");
    std::fs::write(&city_path, &city_text).unwrap();
    let (base_uri, city) = (url(&tmp.path().join("base.kj")), url(&city_path));
    let mut c = Client::start(tmp.path());

    // References of the channel `type`: its definition and one reference —
    // never the `type:` field keys.
    let at = pos(&base, "channel type", 0);
    let at = json!({ "line": at["line"], "character": at["character"].as_u64().unwrap() + 9 });
    let refs = c.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": base_uri }, "position": at, "context": { "includeDeclaration": true } }),
    );
    assert_eq!(refs.as_array().unwrap().len(), 2, "{refs}");
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": base_uri }, "position": pos(&base, "type: owned", 0) }),
    );
    assert_eq!(def, Value::Null, "a field key is not a reference");

    // prepareRename on a reference in city.kj.
    let at = pos(&city_text, "自有营业厅, type", 0);
    let prepared = c.request(
        "textDocument/prepareRename",
        json!({ "textDocument": { "uri": city }, "position": at }),
    );
    assert_eq!(prepared["placeholder"], "自有营业厅");
    // Not on a field key, a string or a comment.
    for (needle, nth) in [("issuer", 0), ("到自有营业厅", 0), ("自有营业厅 is", 0)] {
        let r = c.request_raw(
            "textDocument/prepareRename",
            json!({ "textDocument": { "uri": city }, "position": pos(&city_text, needle, nth) }),
        );
        assert!(r.error.is_some(), "{needle}: {r:?}");
    }

    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": city }, "position": at, "newName": "营业厅" }),
    );
    let changes = &edit["changes"];
    assert_eq!(changes[&base_uri].as_array().unwrap().len(), 1, "{edit}");
    assert_eq!(changes[&city].as_array().unwrap().len(), 2, "{edit}");
    for e in changes[&city].as_array().unwrap() {
        assert_eq!(e["newText"], "营业厅");
        assert_ne!(e["range"]["start"]["line"], 0, "not in the comment");
    }

    // Refusals, with the reason.
    let r = c.request_raw(
        "textDocument/rename",
        json!({ "textDocument": { "uri": city }, "position": at, "newName": "社会渠道" }),
    );
    let message = r.error.expect("an existing name is refused").message;
    assert!(
        message.contains("社会渠道") && message.contains("exists"),
        "{message}"
    );
    for bad in ["营业 厅", "1号厅", "厅;", ""] {
        let r = c.request_raw(
            "textDocument/rename",
            json!({ "textDocument": { "uri": city }, "position": at, "newName": bad }),
        );
        let message = r.error.expect("an invalid name is refused").message;
        assert!(message.contains("not a valid name"), "{bad}: {message}");
    }

    // Every named kind renames: a campaign (definition and reference).
    let text = format!("{city_text}campaign 丙 {{ extends: 甲 }}\n");
    c.change(&city, 2, &text);
    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": city }, "position": pos(&text, "甲 {", 0), "newName": "甲二" }),
    );
    let edits = edit["changes"][&city].as_array().unwrap();
    assert_eq!(edits.len(), 2, "{edit}");
    // A region.
    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": base_uri }, "position": pos(&base, "抚州", 0), "newName": "抚州市" }),
    );
    assert_eq!(edit["changes"][&base_uri].as_array().unwrap().len(), 1);
    assert_eq!(
        edit["changes"][&city].as_array().unwrap().len(),
        2,
        "{edit}"
    );
    c.stop();
}

#[test]
fn completion_in_lists_blocks_comments_and_strings() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    let mut c = Client::start(tmp.path());
    let uri = url(&tmp.path().join("new.kj"));
    let text = "campaign 丙 {\n  channels: [\n    自有营业厅,\n    \n  ]\n  // a comment \n  wording { headline: \"一个 \" }\n  \n}\n";
    c.open(&uri, 1, text);
    let complete = |c: &mut Client, position: Value| -> Value {
        c.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": position }),
        )
    };
    // The empty line inside the multi-line list: channels, minus the listed one.
    let items = complete(&mut c, json!({ "line": 3, "character": 4 }));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["社会渠道"], "{items}");
    assert_eq!(items[0]["detail"], "channel");
    // Detail carries the title; documentation comes on resolve.
    let items = complete(&mut c, json!({ "line": 1, "character": 13 }));
    let own = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "自有营业厅")
        .expect("offered right after `[`")
        .clone();
    assert_eq!(own["detail"], "channel — 自有厅");
    let resolved = c.request("completionItem/resolve", own);
    assert!(resolved["documentation"]["value"]
        .as_str()
        .unwrap()
        .contains("handles"));
    // Nothing inside a comment or a string.
    let in_comment = complete(&mut c, pos(text, "comment ", 0));
    assert_eq!(in_comment, Value::Null);
    let in_string = complete(&mut c, pos(text, "一个 ", 0));
    assert_eq!(in_string, Value::Null);
    // After the list and the block: the campaign's fields again.
    let fields = complete(&mut c, json!({ "line": 7, "character": 2 }));
    assert!(fields
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["label"] == "offer"));
    c.stop();
}

#[test]
fn a_closed_file_outside_the_workspace_is_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("ws");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("base.kj"), BASE).unwrap();
    let outside = tmp.path().join("elsewhere.kj");
    let text = campaign("外来活动", "不存在");
    std::fs::write(&outside, &text).unwrap();
    let uri = url(&outside);
    let mut c = Client::start(&root);
    c.open(&uri, 1, &text);
    assert!(!c.diagnostics(&uri, Some(1)).is_empty());
    let found = c.request("workspace/symbol", json!({ "query": "外来活动" }));
    assert_eq!(found.as_array().unwrap().len(), 1);
    c.clear();
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let found = c.request("workspace/symbol", json!({ "query": "外来活动" }));
    assert_eq!(found, json!([]));
    assert_eq!(
        c.published(&uri),
        Some(Vec::new()),
        "its diagnostics cleared"
    );
    c.stop();
}

#[test]
fn a_duplicate_shows_in_the_file_being_edited() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    // `a-province.kj` sorts before `nanchang.kj`: KJ1002 is reported on the
    // second definition, in nanchang.kj…
    std::fs::write(
        tmp.path().join("a-province.kj"),
        campaign("甲", "自有营业厅"),
    )
    .unwrap();
    let city_path = tmp.path().join("nanchang.kj");
    std::fs::write(&city_path, campaign("乙", "自有营业厅")).unwrap();
    let province = url(&tmp.path().join("a-province.kj"));
    let province_text = campaign("甲", "自有营业厅");
    let mut c = Client::start(tmp.path());
    // …but the province author renames their campaign to the city's name.
    c.open(&province, 1, &province_text);
    let renamed = province_text.replace("甲", "乙");
    c.change(&province, 2, &renamed);
    let d = c.diagnostics(&province, Some(2));
    let duplicate = d
        .iter()
        .find(|d| d["code"] == "KJ1002")
        .expect("the edited file shows the duplicate");
    assert_eq!(duplicate["range"]["start"], pos(&renamed, "乙", 0));
    assert_eq!(
        duplicate["relatedInformation"][0]["location"]["uri"],
        url(&city_path)
    );
    c.sync();
    let city = c.published(&url(&city_path)).unwrap();
    assert!(codes(&city).contains(&"KJ1002".to_string()));
    c.stop();
}

#[test]
fn highlight_and_fuzzy_symbols_include_regions() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!("{BASE}{}", campaign("甲", "自有营业厅, 社会渠道"));
    std::fs::write(tmp.path().join("base.kj"), &text).unwrap();
    let uri = url(&tmp.path().join("base.kj"));
    let mut c = Client::start(tmp.path());
    let highlights = c.request(
        "textDocument/documentHighlight",
        json!({ "textDocument": { "uri": uri }, "position": pos(&text, "社会渠道", 1) }),
    );
    assert_eq!(highlights.as_array().unwrap().len(), 2, "{highlights}");
    assert_eq!(highlights[0]["kind"], 3, "the definition is a write");
    // A county found by a scattered query; the exact substring ranks first.
    let found = c.request("workspace/symbol", json!({ "query": "临区" }));
    assert_eq!(found[0]["name"], "临川区", "{found}");
    let found = c.request("workspace/symbol", json!({ "query": "渠道" }));
    assert_eq!(found[0]["name"], "社会渠道", "{found}");
    c.stop();
}

#[test]
fn tokens_folds_symbols_hints_lenses_and_explain() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "{BASE}{}campaign 乙 {{\n  extends: 甲\n  channels: [社会渠道]\n  wording {{ headline: \"冬季\" }}\n  faq {{ \"怎么办?\": \"到厅\" }}\n}}\ngrading 星级 {{\n  factor 外部 40% {{\n    factor 商圈 50%\n    factor 人流 50%\n  }}\n  factor 内部 60%\n  grades {{ 好: 0 .. 100 }}\n}}\n",
        campaign("甲", "自有营业厅")
    );
    std::fs::write(tmp.path().join("base.kj"), &text).unwrap();
    let uri = url(&tmp.path().join("base.kj"));
    let mut c = Client::start(tmp.path());
    let doc = json!({ "textDocument": { "uri": uri } });

    // Semantic tokens: decode and look at a few.
    let tokens = c.request("textDocument/semanticTokens/full", doc.clone());
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let (mut line, mut col) = (0u64, 0u64);
    let mut decoded = Vec::new();
    for t in data.chunks(5) {
        line += t[0];
        col = if t[0] == 0 { col + t[1] } else { t[1] };
        decoded.push((line, col, t[2], t[3], t[4]));
    }
    let token_at = |needle: &str, nth: usize| {
        let p = pos(&text, needle, nth);
        decoded
            .iter()
            .find(|t| t.0 == p["line"].as_u64().unwrap() && t.1 == p["character"].as_u64().unwrap())
            .copied()
    };
    // A product name with digits is one token of the product type (8), a
    // declaration where defined.
    let product = token_at("流量包10元", 0).expect("product token");
    assert_eq!((product.2, product.3, product.4), (6, 8, 1));
    let offer = token_at("流量包10元", 1).expect("reference token");
    assert_eq!((offer.3, offer.4), (8, 0));
    // `type:` is a property (1), `channel` a keyword (0).
    assert_eq!(token_at("type", 0).unwrap().3, 1);
    assert_eq!(token_at("channel", 0).unwrap().3, 0);

    // Folding: the multi-line campaign and grading blocks.
    let folds = c.request("textDocument/foldingRange", doc.clone());
    let starts: Vec<u64> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["startLine"].as_u64().unwrap())
        .collect();
    let campaign_line = pos(&text, "campaign 乙", 0)["line"].as_u64().unwrap();
    let factor_line = pos(&text, "factor 外部", 0)["line"].as_u64().unwrap();
    assert!(
        starts.contains(&campaign_line) && starts.contains(&factor_line),
        "{folds}"
    );

    // Nested symbols: wording and faq under the campaign, factors under the model.
    let symbols = c.request("textDocument/documentSymbol", doc.clone());
    let second = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "乙")
        .unwrap();
    let children: Vec<&str> = second["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["wording", "faq"]);
    let model = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "星级")
        .unwrap();
    assert_eq!(model["children"][0]["children"][1]["name"], "人流");

    // Inlay hints.
    let hints = c.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 999, "character": 0 } } }),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"= 5 元/月 after discount"), "{labels:?}");
    assert!(
        labels.contains(&"support ready 2026-11-01, 30 days before start"),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"window 2026-12-01 .. 2026-12-31 (inherited)"),
        "{labels:?}"
    );
    assert_eq!(
        labels.iter().filter(|l| **l == "effective 20%").count(),
        2,
        "{labels:?}"
    );
    assert!(labels.contains(&"effective 60%"), "{labels:?}");

    // Code lenses: references of the channel; the campaigns' conflicts.
    let lenses = c.request("textDocument/codeLens", doc.clone());
    let at_line = |needle: &str| pos(&text, needle, 0)["line"].clone();
    let titles = |line: Value| -> Vec<String> {
        lenses
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["range"]["start"]["line"] == line)
            .map(|l| l["command"]["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(at_line("channel 社会渠道")), ["referenced by 1"]);
    let first = titles(at_line("campaign 甲"));
    assert_eq!(first[0], "referenced by 1", "{first:?}");

    // Explain a code.
    let text = c.request(
        "workspace/executeCommand",
        json!({ "command": "koujing.explain", "arguments": ["KJ2001"] }),
    );
    assert!(text.as_str().unwrap().starts_with("# KJ2001"));
    let r = c.request_raw(
        "workspace/executeCommand",
        json!({ "command": "koujing.explain", "arguments": ["nonsense"] }),
    );
    assert!(r.error.is_some());
    c.stop();
}

#[test]
fn watchers_are_registered_when_the_client_can() {
    use lsp_server::{Connection, Message};
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || koujing_lsp::run(server));
    let init = lsp_server::Request::new(
        1.into(),
        "initialize".into(),
        json!({ "capabilities": { "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } }, "rootUri": url(tmp.path()) }),
    );
    client.sender.send(Message::Request(init)).unwrap();
    client
        .sender
        .send(Message::Notification(lsp_server::Notification::new(
            "initialized".into(),
            json!({}),
        )))
        .unwrap();
    let registration = loop {
        match client
            .receiver
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap()
        {
            Message::Request(r) if r.method == "client/registerCapability" => break r,
            _ => {}
        }
    };
    let globs: Vec<&str> = registration.params["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(globs, ["**/*.kj", "**/koujing.toml"]);
    client
        .sender
        .send(Message::Notification(lsp_server::Notification::new(
            "exit".into(),
            json!(null),
        )))
        .unwrap();
    assert!(thread.join().unwrap().is_ok());
}

#[test]
fn formatting_a_large_document_does_not_hold_up_other_requests() {
    use lsp_server::{Message, Request, RequestId};
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    let uri = url(&tmp.path().join("big.kj"));
    // About 300 KB, badly spaced.
    let text: String = (0..4_000)
        .map(|i| {
            format!("product   产品{i}   \"第 {i} 号流量包\" {{ kind:data;price:   10 元/月 }}\n")
        })
        .collect();
    let mut c = Client::start(tmp.path());
    c.open(&uri, 1, &text);
    c.sync();
    let send = |c: &mut Client, id: i32, method: &str, params: Value| {
        c.conn
            .sender
            .send(Message::Request(Request::new(
                RequestId::from(id),
                method.into(),
                params,
            )))
            .unwrap();
    };
    send(
        &mut c,
        1001,
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    send(
        &mut c,
        1002,
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": pos(&text, "产品7", 0) }),
    );
    let mut order = Vec::new();
    let mut formatted = None;
    while order.len() < 2 {
        if let Message::Response(r) = c
            .conn
            .receiver
            .recv_timeout(std::time::Duration::from_secs(120))
            .unwrap()
        {
            if r.id == RequestId::from(1001) {
                formatted = r.result.clone();
            }
            order.push(r.id);
        }
    }
    assert_eq!(order, [RequestId::from(1002), RequestId::from(1001)]);
    let formatted = formatted.unwrap();
    assert!(formatted[0]["newText"]
        .as_str()
        .unwrap()
        .starts_with("product 产品0 \"第 0 号流量包\" { kind: data; price: 10 元/月 }\n"));

    // An edit while formatting: the answer is "content modified".
    send(
        &mut c,
        1003,
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    c.change(&uri, 2, &text.replacen("50%", "40%", 1));
    let r = loop {
        if let Message::Response(r) = c
            .conn
            .receiver
            .recv_timeout(std::time::Duration::from_secs(120))
            .unwrap()
        {
            break r;
        }
    };
    assert_eq!(r.id, RequestId::from(1003));
    assert_eq!(
        r.error.map(|e| e.code),
        Some(lsp_server::ErrorCode::ContentModified as i32)
    );
    c.stop();
}

#[test]
fn an_edit_gets_provisional_diagnostics_first() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    let city_path = tmp.path().join("city.kj");
    // An unknown channel (KJ1001, a resolution finding) in the first item.
    let text = campaign("甲", "没有这个");
    std::fs::write(&city_path, &text).unwrap();
    let city = url(&city_path);
    let mut c = Client::start(tmp.path());
    c.open(&city, 1, &text);
    let d = c.diagnostics(&city, Some(1));
    assert_eq!(codes(&d), ["KJ1001"]);
    // Type a broken item above it (one edit, as a keystroke makes).
    let edited = format!("channel 坏 {{ type: owned\n\n{text}");
    c.clear();
    c.change(&city, 2, &edited);
    let first = c.first_diagnostics(&city, Some(2));
    // The unknown channel moved two lines down with the edit; the new
    // syntax error is there at once.
    let unknown = first
        .iter()
        .find(|d| d["code"] == "KJ1001")
        .expect("carried");
    assert_eq!(unknown["range"]["start"], pos(&edited, "没有这个", 0));
    assert!(codes(&first).contains(&"KJ0001".to_string()), "{first:?}");
    // The complete check follows, and agrees.
    let complete = c.diagnostics(&city, Some(2));
    let publishes = c
        .notes
        .iter()
        .filter(|n| {
            n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == city.as_str()
                && n.params["version"] == 2
        })
        .count();
    // The focused re-check's exact findings when the edited file still
    // holds only campaigns (else the provisional ones), then the complete
    // check.
    assert!((2..=3).contains(&publishes), "{publishes} publishes");
    let mut a = codes(&first);
    let mut b = codes(&complete);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    c.stop();
}

#[test]
fn an_edit_gets_its_cross_file_findings_before_the_full_recheck() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    // Sorted before the city file: its 甲 is the first definition.
    let other_path = tmp.path().join("a_other.kj");
    std::fs::write(&other_path, campaign("甲", "自有营业厅")).unwrap();
    let city_path = tmp.path().join("city.kj");
    let text = campaign("乙", "社会渠道");
    std::fs::write(&city_path, &text).unwrap();
    let (city, other) = (url(&city_path), url(&other_path));
    let mut c = Client::start(tmp.path());
    c.open(&city, 1, &text);
    assert_eq!(codes(&c.diagnostics(&city, Some(1))), Vec::<String>::new());
    // The edit moves 乙 onto 甲's channel: the same offer, window, region
    // and channel, neither stackable (KJ2001), and a name 甲 already has
    // (KJ1002) in a new campaign.
    let edited = format!(
        "{}{}",
        campaign("乙", "自有营业厅"),
        campaign("甲", "社会渠道")
    );
    c.clear();
    c.change(&city, 2, &edited);
    // The first publish, waited for without asking anything (a request
    // would make the server run the full re-check first): the focused
    // re-check's, since only this file changed.
    let exact = c.first_diagnostics(&city, Some(2));
    let mut found = codes(&exact);
    found.sort();
    assert!(found.contains(&"KJ2001".to_string()), "{exact:?}");
    assert!(found.contains(&"KJ1002".to_string()), "{exact:?}");
    // It came before the full re-check, which also tells the other file.
    let other_before = c.notes.iter().any(|n| {
        n.method == "textDocument/publishDiagnostics" && n.params["uri"] == other.as_str()
    });
    assert!(
        !other_before,
        "the full re-check ran before the focused publish: {:?}",
        c.notes
            .iter()
            .map(|n| (
                n.params["uri"].to_string(),
                n.params["version"].to_string(),
                codes(n.params["diagnostics"].as_array().unwrap())
            ))
            .collect::<Vec<_>>()
    );
    let complete = c.diagnostics(&city, Some(2));
    let mut all = codes(&complete);
    all.sort();
    assert_eq!(all, found, "the complete check agrees with the focused one");
    assert!(
        c.published(&other)
            .is_some_and(|d| codes(&d).contains(&"KJ2001".to_string())),
        "the other file sees the conflict after the full re-check"
    );
    c.stop();
}
