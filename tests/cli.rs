#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! End-to-end tests of the `koujing` binary: exit codes, formats, languages,
//! positions on lines with Chinese text and emoji.

use std::process::{Command, Output};

fn koujing(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_koujing"))
        .current_dir(dir)
        .env("LANG", "en_US.UTF-8")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn workspace(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn columns_count_characters_on_lines_with_chinese_and_emoji() {
    // `😀` is one character (two UTF-16 units, four bytes); `抚洲` starts at
    // character 20 of its line.
    let source = "regions 江西 { 抚州 { 临川区 } }\nchannel 厅 { type: owned }\nproduct 包 { kind: data }\ncampaign 甲 \"😀冬季\" { issuer: 江西; window: 2026-12-01 .. 2026-12-02; offer: 包; benefit: discount 5%; channels: [厅] }\ncampaign 乙 \"😀\" { issuer: 抚洲; window: 2026-12-01 .. 2026-12-02; offer: 包; benefit: discount 5%; channels: [厅] }\n";
    let dir = workspace(&[("a.kj", source.as_bytes())]);
    let out = koujing(dir.path(), &["check", "--format", "json"]);
    let value = json(&out);
    let d = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "KJ1001")
        .unwrap();
    assert_eq!(d["code"], "KJ1001");
    assert_eq!(d["file"], "a.kj");
    assert_eq!(d["line"], 5);
    let line = source.lines().nth(4).unwrap();
    let byte = line.find("抚洲").unwrap();
    let chars = line[..byte].chars().count() as u64 + 1;
    assert_eq!(chars, 26);
    assert_eq!(d["column"], chars);
    assert_eq!(d["end_column"], chars + 2);
    assert_eq!(d["fix"]["edits"][0]["replacement"], "抚州");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn invalid_utf8_is_a_diagnostic_and_other_files_are_checked() {
    let dir = workspace(&[
        ("a.kj", b"term \xff { }\n"),
        ("b.kj", "channel 厅 { type: ownd }\n".as_bytes()),
    ]);
    let value = json(&koujing(dir.path(), &["check", "--format", "json"]));
    let codes: Vec<(&str, &str)> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes, vec![("a.kj", "KJ0001"), ("b.kj", "KJ1008")]);
    assert_eq!(value["diagnostics"][0]["column"], 6);
}

#[test]
fn exit_codes_and_deny_warnings() {
    let dir = workspace(&[("a.kj", "channel 厅 { type：owned }\n".as_bytes())]);
    assert_eq!(koujing(dir.path(), &["check"]).status.code(), Some(0));
    assert_eq!(
        koujing(dir.path(), &["check", "--deny", "warnings"])
            .status
            .code(),
        Some(1)
    );
    let missing = koujing(dir.path(), &["check", "no-such-folder"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-folder"));
    assert_eq!(
        koujing(dir.path(), &["check", "--format", "yaml"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn language_from_flag_config_and_environment() {
    let dir = workspace(&[(
        "a.kj",
        "channel 厅 { type: owned; handle: [plan] }\n".as_bytes(),
    )]);
    let en = json(&koujing(dir.path(), &["check", "--format", "json"]));
    assert!(en["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("unknown field"));
    let zh = json(&koujing(
        dir.path(),
        &["check", "--format", "json", "--lang", "zh-CN"],
    ));
    assert!(zh["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("没有字段"));
    std::fs::write(dir.path().join("koujing.toml"), "lang = \"zh-CN\"\n").unwrap();
    let from_config = json(&koujing(dir.path(), &["check", "--format", "json"]));
    assert!(from_config["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("没有字段"));
}

#[test]
fn lint_levels_from_koujing_toml() {
    let dir = workspace(&[
        ("a.kj", "channel 厅 { type：owned }\n".as_bytes()),
        ("koujing.toml", b"[lints]\nKJ0003 = \"error\"\n"),
    ]);
    let out = koujing(dir.path(), &["check", "--format", "json"]);
    assert_eq!(json(&out)["diagnostics"][0]["severity"], "error");
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(
        dir.path().join("koujing.toml"),
        "[lints]\nKJ0003 = \"allow\"\n",
    )
    .unwrap();
    let out = koujing(dir.path(), &["check", "--format", "json"]);
    assert_eq!(json(&out)["diagnostics"].as_array().unwrap().len(), 0);
    std::fs::write(
        dir.path().join("koujing.toml"),
        "[lints]\nKJ0003 = \"loud\"\n",
    )
    .unwrap();
    assert_eq!(koujing(dir.path(), &["check"]).status.code(), Some(2));
}

#[test]
fn explain_prints_the_explanation() {
    let dir = tempfile::tempdir().unwrap();
    let out = koujing(dir.path(), &["explain", "KJ2001"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("KJ2001"));
    assert!(text.contains("campaign-conflict"));
    assert!(text.contains("```koujing"));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        koujing(dir.path(), &["explain", "KJ9999"]).status.code(),
        Some(2)
    );
}

#[test]
fn human_output_shows_snippet_and_summary() {
    let dir = workspace(&[(
        "a.kj",
        "channel 热线10086 { type: electronic; handle: [plan] }\n".as_bytes(),
    )]);
    let out = koujing(dir.path(), &["check", "--lang", "zh-CN"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("KJ1007"), "{text}");
    assert!(text.contains("a.kj:1:"), "{text}");
    assert!(text.contains("handles"), "{text}");
    assert!(text.contains("检查了 1 个文件:1 个错误"), "{text}");
}

#[test]
fn output_does_not_depend_on_file_order() {
    let a = "product 包 { kind: data }\ncampaign 甲 { issuer: 无; window: 2026-12-01 .. 2026-12-02; offer: 包; benefit: discount 5%; channels: [厅] }\n";
    let b = "channel 厅 { type: owned }\nproduct 包 { kind: data }\n";
    let one = workspace(&[("x/a.kj", a.as_bytes()), ("y/b.kj", b.as_bytes())]);
    let two = workspace(&[("x/b.kj", b.as_bytes()), ("y/a.kj", a.as_bytes())]);
    let first = json(&koujing(one.path(), &["check", "--format", "json"]));
    let second = json(&koujing(two.path(), &["check", "--format", "json"]));
    let strip = |v: &serde_json::Value| -> Vec<(String, String, u64)> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["message"].as_str().unwrap().to_string(),
                    d["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    // Same findings (KJ1001 for 无, KJ1002 for the second 包, …) whichever file comes first.
    let codes: Vec<String> = strip(&first).into_iter().map(|x| x.0).collect();
    assert!(
        codes.contains(&"KJ1001".to_string()) && codes.contains(&"KJ1002".to_string()),
        "{codes:?}"
    );
    let mut a1 = strip(&first);
    let mut a2 = strip(&second);
    a1.sort();
    a2.sort();
    assert_eq!(
        a1.iter().map(|x| &x.0).collect::<Vec<_>>(),
        a2.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
}

#[test]
fn fmt_check_and_write() {
    let dir = workspace(&[
        ("a.kj", "channel  甲 {type：owned}\n".as_bytes()),
        ("b.kj", "channel 乙 { type: owned }\n".as_bytes()),
        ("bad.kj", "channel 丙 { type: }\n".as_bytes()),
    ]);
    let check = koujing(dir.path(), &["fmt", "--check", "a.kj", "b.kj"]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "a.kj");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.kj")).unwrap(),
        "channel  甲 {type：owned}\n",
        "--check writes nothing"
    );
    let write = koujing(dir.path(), &["fmt", "a.kj", "b.kj"]);
    assert_eq!(write.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.kj")).unwrap(),
        "channel 甲 { type: owned }\n"
    );
    assert_eq!(
        koujing(dir.path(), &["fmt", "--check", "a.kj", "b.kj"])
            .status
            .code(),
        Some(0)
    );
    let bad = koujing(dir.path(), &["fmt", "bad.kj"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("syntax errors"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.kj")).unwrap(),
        "channel 丙 { type: }\n"
    );
}

#[test]
fn shipped_policies_are_formatted() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = koujing(root, &["fmt", "--check", "policies"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn both(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Messages come from the catalogue in one language, chosen in the
/// documented order: `--lang` (even for an error about the path itself,
/// before any workspace is read), then the workspace's `koujing.toml`, then
/// the environment.
#[test]
fn messages_are_in_one_language_chosen_in_the_documented_order() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let missing = koujing(&root, &["check", "no-such-folder", "--lang", "zh-CN"]);
    let zh = both(&missing);
    assert!(zh.contains("无法读取路径 no-such-folder"), "{zh}");
    assert!(!zh.contains("cannot read"), "{zh}");
    let missing = koujing(&root, &["check", "--lang=en", "no-such-folder"]);
    let en = both(&missing);
    assert!(en.contains("cannot read path no-such-folder"), "{en}");
    assert!(!en.contains("无法"), "{en}");
    // The environment says English, policies/koujing.toml says zh-CN: the
    // workspace wins once it is read.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.key"), "not a key").unwrap();
    let key = tmp.path().join("a.key");
    let out = tmp.path().join("out");
    let args = [
        "build",
        "policies",
        "--out",
        out.to_str().unwrap(),
        "--sign-key",
        key.to_str().unwrap(),
    ];
    let refused = both(&koujing(&root, &args));
    assert!(
        refused.contains("不是 koujing keygen 生成的私钥"),
        "{refused}"
    );
    let mut with_flag = args.to_vec();
    with_flag.extend(["--lang", "en"]);
    let refused = both(&koujing(&root, &with_flag));
    assert!(
        refused.contains("not a key from `koujing keygen`"),
        "{refused}"
    );
    assert!(!out.exists());
}
