#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The language server in process (`Connection::memory()`): diagnostics with
//! UTF-16 ranges on lines with Chinese and emoji, cross-file related
//! information, hover, definition, references, completion per context,
//! formatting, code actions, bad requests, shutdown.

use serde_json::{json, Value};

mod common;
use common::{url, Client};

const BASE: &str = "regions 江西 { 抚州 { 临川区, 崇仁县 } }\nchannel 自有营业厅 { type: owned }\ndimension 品牌 { values: [全球通, 神州行] }\nproduct 流量包10元 \"10元5GB流量包\" { kind: data; price: 10 元/月 }\nsupport 配置 { kind: system; ready: 2026-11-01 }\nsupport 口径 { kind: knowledge; ready: 2026-11-01 }\ncampaign 甲 { issuer: 抚州; window: 2026-12-01 .. 2026-12-31; offer: 流量包10元; benefit: discount 50%; channels: [自有营业厅]; requires: [配置, 口径]; faq { \"甲怎么办?\": \"到厅办理。\" } }\n";

// Line 0 has an emoji before the unknown region `抚洲` (KJ1001, KJ2001 needs the fix first).
const CITY: &str = "campaign 乙 \"😀冬季\" { issuer: 抚洲; window: 2026-12-15 .. 2027-01-15; offer: 流量包10元; benefit: discount 30%; channels: [自有营业厅]; requires: [配置, 口径]; faq { \"乙怎么办?\": \"到厅办理。\" } }\n// 参见 KJ2001\n";

fn utf16_col(line: &str, needle: &str) -> u64 {
    line[..line.find(needle).unwrap()].encode_utf16().count() as u64
}

#[test]
fn a_review_session() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    let city_path = tmp.path().join("city.kj");
    std::fs::write(&city_path, CITY).unwrap();
    let city = url(&city_path);
    let base = url(&tmp.path().join("base.kj"));
    let mut c = Client::start(tmp.path());

    c.notify("textDocument/didOpen", json!({ "textDocument": { "uri": city, "languageId": "koujing", "version": 1, "text": CITY } }));
    let diagnostics = c.diagnostics(&city, Some(1));
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "KJ1001")
        .expect("KJ1001");
    let line0 = CITY.lines().next().unwrap();
    assert_eq!(unknown["range"]["start"]["line"], 0);
    // 😀 counts two UTF-16 units.
    assert_eq!(
        unknown["range"]["start"]["character"],
        utf16_col(line0, "抚洲")
    );
    assert_eq!(
        unknown["range"]["end"]["character"],
        utf16_col(line0, "抚洲") + 2
    );
    assert_eq!(unknown["message"], "unknown region `抚洲`");

    // Code action: the did-you-mean.
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": city }, "range": unknown["range"], "context": { "diagnostics": [] } }),
    );
    let action = &actions.as_array().unwrap()[0];
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["edit"]["changes"][&city][0]["newText"], "抚州");

    // Fix it: the cross-file conflict appears, with related information in base.kj.
    let fixed = CITY.replace("抚洲", "抚州");
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": city, "version": 2 }, "contentChanges": [{ "text": fixed }] }));
    let diagnostics = c.diagnostics(&city, Some(2));
    assert!(diagnostics.iter().all(|d| d["code"] != "KJ1001"));
    let conflict = diagnostics
        .iter()
        .find(|d| d["code"] == "KJ2001")
        .expect("KJ2001");
    let related = &conflict["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], base);
    assert_eq!(related["range"]["start"]["line"], 6);

    // Hover: a product shows its price; a code shows its explanation.
    let hover = c.request("textDocument/hover", json!({ "textDocument": { "uri": city }, "position": { "line": 0, "character": utf16_col(&fixed, "流量包10元") + 1 } }));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("10 元/月"), "{text}");
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": city }, "position": { "line": 1, "character": 7 } }),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("# KJ2001"));

    // Definition and references of the product.
    let position = json!({ "line": 0, "character": utf16_col(&fixed, "流量包10元") + 2 });
    let definition = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": city }, "position": position }),
    );
    assert_eq!(definition[0]["uri"], base);
    assert_eq!(definition[0]["range"]["start"]["line"], 3);
    let references = c.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": city }, "position": position, "context": { "includeDeclaration": true } }),
    );
    assert_eq!(references.as_array().unwrap().len(), 3, "{references}");

    // Symbols.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": base } }),
    );
    assert_eq!(symbols.as_array().unwrap().len(), 7);
    let found = c.request("workspace/symbol", json!({ "query": "流量" }));
    assert_eq!(found[0]["name"], "流量包10元");

    // Formatting.
    let edits = c.request("textDocument/formatting", json!({ "textDocument": { "uri": city }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert!(edits[0]["newText"]
        .as_str()
        .unwrap()
        .starts_with("campaign 乙 \"😀冬季\" {\n  issuer: 抚州\n"));
    c.stop();
}

#[test]
fn completion_knows_the_context() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    let mut c = Client::start(tmp.path());
    let doc = tmp.path().join("new.kj");
    let uri = url(&doc);
    let text = "\ncampaign 丙 {\n  offer: \n  \n  audience { 品牌: }\n}\n";
    c.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "koujing", "version": 1, "text": text } }));
    let complete = |c: &mut Client, line: u32, character: u32| -> Vec<String> {
        let r = c.request("textDocument/completion", json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }));
        r.as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    };
    let top = complete(&mut c, 0, 0);
    assert!(top.contains(&"campaign".to_string()) && top.contains(&"product".to_string()));
    assert_eq!(
        complete(&mut c, 2, 9),
        ["流量包10元"],
        "only products after offer:"
    );
    let fields = complete(&mut c, 3, 2);
    assert!(
        fields.contains(&"window".to_string())
            && fields.contains(&"benefit".to_string())
            && !fields.contains(&"campaign".to_string())
    );
    assert_eq!(
        complete(&mut c, 4, 17),
        ["全球通", "神州行"],
        "audience values of the dimension"
    );
    c.stop();
}

#[test]
fn bad_requests_get_errors_and_the_server_stays_up() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.kj"), BASE).unwrap();
    let mut c = Client::start(tmp.path());
    let uri = url(&tmp.path().join("base.kj"));
    // Unknown method.
    let r = c.request_raw("koujing/nothing", json!({}));
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::MethodNotFound as i32
    );
    // Bad params.
    let r = c.request_raw("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::InvalidParams as i32
    );
    // Positions far out of range, and a document nobody opened.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 9999, "character": 9999 } }),
    );
    assert_eq!(hover, Value::Null);
    let hover = c.request("textDocument/hover", json!({ "textDocument": { "uri": "file:///nowhere.kj" }, "position": { "line": 0, "character": 0 } }));
    assert_eq!(hover, Value::Null);
    // A change to garbage and back.
    c.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 5 }, "contentChanges": [{ "text": "\u{0}{{{{[[[[ \"" }] }));
    let d = c.diagnostics(&uri, Some(5));
    assert!(!d.is_empty());
    let ok = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(ok.is_array());
    c.stop();
}
