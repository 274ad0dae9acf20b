#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! End-to-end: `koujing build`, `keygen`, `verify`, `diff`, and the JSON
//! Schemas of the bundle.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{koujing, root, text};

/// Copy `policies/` file by file in the given order of paths.
fn copy_policies(to: &Path, reverse: bool) {
    let mut files = Vec::new();
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let source = root().join("policies");
    walk(&source, &mut files);
    files.sort();
    if reverse {
        files.reverse();
    }
    for file in files {
        let target = to.join(file.strip_prefix(&source).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, &target).unwrap();
    }
}

fn read_dir_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn builds_are_byte_identical_in_any_file_order() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("copy");
    copy_policies(&copy, true);
    let b1 = tmp.path().join("b1");
    let b2 = tmp.path().join("b2");
    let first = koujing(
        &root(),
        &["build", "policies", "--out", b1.to_str().unwrap()],
    );
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    let second = koujing(tmp.path(), &["build", "copy", "--out", "b2"]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    let one = read_dir_bytes(&b1);
    let two = read_dir_bytes(&b2);
    let names: Vec<&str> = one.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "campaigns.json",
            "commission.toml",
            "grading.toml",
            "knowledge.json",
            "manifest.json"
        ]
    );
    assert_eq!(one, two);
    // Building again replaces the previous bundle atomically.
    let again = koujing(tmp.path(), &["build", "copy", "--out", "b2"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_eq!(read_dir_bytes(&b2), one);
    assert!(std::fs::read_dir(tmp.path()).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with('.')));
}

#[test]
fn source_date_epoch_is_the_only_timestamp() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_koujing"))
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1798761600")
        .args([
            "build",
            "policies",
            "--out",
            tmp.path().join("b").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("b/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["created"], "2027-01-01T00:00:00Z");
}

#[test]
fn build_refuses_on_errors_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("b");
    let out = koujing(
        &root(),
        &[
            "build",
            "examples/resolution",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("build refused"), "{}", text(&out));
    assert!(!out_dir.exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn build_refuses_to_replace_a_folder_that_is_not_a_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("precious.txt"), "keep me").unwrap();
    let out = koujing(
        &root(),
        &["build", "policies", "--out", tmp.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("precious.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn signed_bundle_verifies_and_every_tampering_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let keygen = koujing(tmp.path(), &["keygen", "--out", "release"]);
    assert_eq!(keygen.status.code(), Some(0), "{}", text(&keygen));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(tmp.path().join("release.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(
        koujing(tmp.path(), &["keygen", "--out", "release"])
            .status
            .code(),
        Some(2),
        "never overwrites a key"
    );
    let key = tmp.path().join("release.key");
    let bundle = tmp.path().join("b");
    let built = koujing(
        &root(),
        &[
            "build",
            "policies",
            "--out",
            bundle.to_str().unwrap(),
            "--sign-key",
            key.to_str().unwrap(),
        ],
    );
    assert_eq!(built.status.code(), Some(0), "{}", text(&built));
    assert!(bundle.join("manifest.sig").is_file());
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", "b"];
        args.extend_from_slice(extra);
        koujing(tmp.path(), &args)
    };
    let ok = verify(&["--pubkey", "release.pub"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("signature valid"));

    // A changed output.
    let campaigns = bundle.join("campaigns.json");
    let original = std::fs::read(&campaigns).unwrap();
    std::fs::write(
        &campaigns,
        String::from_utf8(original.clone())
            .unwrap()
            .replace("\"percent\": 50", "\"percent\": 90"),
    )
    .unwrap();
    let out = verify(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("campaigns.json does not match its SHA-256"),
        "{}",
        text(&out)
    );
    std::fs::write(&campaigns, &original).unwrap();

    // A missing output.
    std::fs::remove_file(bundle.join("grading.toml")).unwrap();
    let out = verify(&[]);
    assert!(
        text(&out).contains("file grading.toml is missing"),
        "{}",
        text(&out)
    );
    assert_eq!(out.status.code(), Some(1));

    // An extra file.
    std::fs::write(bundle.join("notes.txt"), "x").unwrap();
    let out = verify(&[]);
    assert!(
        text(&out).contains("extra file notes.txt"),
        "{}",
        text(&out)
    );
    std::fs::remove_file(bundle.join("notes.txt")).unwrap();

    // Rebuild, then tamper with the manifest itself: the signature catches it.
    std::fs::remove_dir_all(&bundle).unwrap();
    koujing(
        &root(),
        &[
            "build",
            "policies",
            "--out",
            bundle.to_str().unwrap(),
            "--sign-key",
            key.to_str().unwrap(),
        ],
    );
    let manifest = bundle.join("manifest.json");
    let text_before = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text_before.replace("\"koujing\"", "\"k0ujing\"")).unwrap();
    let out = verify(&["--pubkey", "release.pub"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("signature is not valid"),
        "{}",
        text(&out)
    );
    std::fs::write(&manifest, &text_before).unwrap();

    // A missing signature when a key is given.
    std::fs::remove_file(bundle.join("manifest.sig")).unwrap();
    let out = verify(&["--pubkey", "release.pub"]);
    assert!(
        text(&out).contains("manifest.sig is missing"),
        "{}",
        text(&out)
    );
    // Without a key, the unsigned bundle is fine.
    assert_eq!(verify(&[]).status.code(), Some(0));
}

#[test]
fn schemas_validate_the_built_policies_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    assert_eq!(
        koujing(
            &root(),
            &["build", "policies", "--out", bundle.to_str().unwrap()]
        )
        .status
        .code(),
        Some(0)
    );
    for (file, schema) in [
        ("campaigns.json", "campaigns.schema.json"),
        ("commission.toml", "commission.schema.json"),
        ("grading.toml", "grading.schema.json"),
        ("knowledge.json", "knowledge.schema.json"),
        ("manifest.json", "manifest.schema.json"),
    ] {
        let schema: serde_json::Value = serde_json::from_slice(
            &std::fs::read(root().join("docs/schema").join(schema)).unwrap(),
        )
        .unwrap();
        let bytes = std::fs::read(bundle.join(file)).unwrap();
        // A TOML file is validated as the JSON it maps to.
        let instance: serde_json::Value = if file.ends_with(".toml") {
            toml::from_str(std::str::from_utf8(&bytes).unwrap()).unwrap()
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
        // The schema is not vacuous: an older format, a field the types do
        // not have, or a missing field fails.
        let mut broken = instance.clone();
        broken["format"] = serde_json::json!(1);
        assert!(!validator.is_valid(&broken), "{file}: format 1");
        let mut broken = instance.clone();
        broken["surprise"] = serde_json::json!(true);
        assert!(!validator.is_valid(&broken), "{file}: unknown field");
        let mut broken = instance.clone();
        broken.as_object_mut().unwrap().remove("format");
        assert!(!validator.is_valid(&broken), "{file}: no format");
    }
    // Deeper: an interval end that is not a number, a benefit of no known type.
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("docs/schema/campaigns.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let campaigns: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("campaigns.json")).unwrap()).unwrap();
    let mut broken = campaigns.clone();
    broken["campaigns"][0]["benefit"] = serde_json::json!({ "type": "cashback", "amount": 5 });
    assert!(!validator.is_valid(&broken), "unknown benefit type");
    let mut broken = campaigns.clone();
    broken["campaigns"][0]["window"]["start"] = serde_json::json!(20261205);
    assert!(!validator.is_valid(&broken), "a date as a number");
}

/// Reading a bundle into the typed model and writing it again gives the
/// same bytes: the model holds everything the files hold.
#[test]
fn typed_bundle_round_trips_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    let out = koujing(
        &root(),
        &["build", "policies", "--out", bundle.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let files: std::collections::BTreeMap<String, Vec<u8>> =
        read_dir_bytes(&bundle).into_iter().collect();
    let typed = koujing_bundle::Bundle::read(&files).unwrap();
    assert_eq!(typed.format(), koujing_bundle::FORMAT);
    assert!(typed.campaigns.campaigns.len() >= 12);
    for (name, bytes) in typed.encode() {
        assert!(files[&name] == bytes, "{name} changed on a round trip");
    }
    let manifest: koujing_bundle::Manifest =
        koujing_bundle::read(&files, koujing_bundle::MANIFEST).unwrap();
    assert_eq!(koujing_bundle::to_json(&manifest), files["manifest.json"]);
    assert_eq!(manifest.outputs.len(), 4);
}

/// A bundle written by the previous version (format 1, `tests/fixtures/`):
/// `verify`, `query`, `test` and `diff` read it and say it is older; a
/// bundle newer than this koujing is refused, naming the format.
#[test]
fn format_1_bundles_are_read_with_a_note_and_newer_ones_refused() {
    let v1 = root().join("tests/fixtures/bundle-format-1");
    let stderr = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let verify = koujing(&root(), &["verify", v1.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("bundle verified"));
    assert!(
        stderr(&verify).contains("this bundle is format 1, older than the current format 2"),
        "{}",
        text(&verify)
    );
    let query = koujing(
        &root(),
        &[
            "query",
            "offers",
            "--bundle",
            v1.to_str().unwrap(),
            "--date",
            "2026-12-10",
            "--region",
            "临川区",
            "--channel",
            "自有营业厅",
            "--format",
            "json",
            "--lang",
            "en",
        ],
    );
    assert_eq!(query.status.code(), Some(0), "{}", text(&query));
    assert!(
        stderr(&query).contains("older than the current format 2"),
        "{}",
        text(&query)
    );
    let answer: serde_json::Value = serde_json::from_slice(&query.stdout).unwrap();
    let names: Vec<&str> = answer["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["campaign"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["乙", "甲"], "{answer}");
    let zh = koujing(
        &root(),
        &["verify", v1.to_str().unwrap(), "--lang", "zh-CN"],
    );
    assert!(stderr(&zh).contains("第 1 版产物格式"), "{}", text(&zh));

    // The same sources built now differ from the format 1 bundle in format only.
    let tmp = tempfile::tempdir().unwrap();
    let v2 = tmp.path().join("v2");
    let built = koujing(
        &root(),
        &["build", "examples/jargon", "--out", v2.to_str().unwrap()],
    );
    assert_eq!(built.status.code(), Some(0), "{}", text(&built));
    let diff = koujing(
        &root(),
        &[
            "diff",
            v1.to_str().unwrap(),
            v2.to_str().unwrap(),
            "--lang",
            "en",
        ],
    );
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff));

    // Newer than this koujing: refused, naming the format.
    let v3 = tmp.path().join("v3");
    std::fs::create_dir(&v3).unwrap();
    for (name, bytes) in read_dir_bytes(&v2) {
        let text = String::from_utf8(bytes).unwrap();
        let text = text.replacen("\"format\": 2", "\"format\": 3", 1).replacen(
            "format = 2",
            "format = 3",
            1,
        );
        std::fs::write(v3.join(name), text).unwrap();
    }
    let verify = koujing(&root(), &["verify", v3.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(verify.status.code(), Some(1), "{}", text(&verify));
    assert!(
        text(&verify).contains("manifest.json is bundle format 3, newer than the format 2"),
        "{}",
        text(&verify)
    );
    let query = koujing(
        &root(),
        &[
            "query",
            "grade",
            "--bundle",
            v3.to_str().unwrap(),
            "--model",
            "星级评定",
            "--score",
            "外部=90",
            "--score",
            "内部=90",
            "--lang",
            "en",
        ],
    );
    assert_eq!(query.status.code(), Some(2), "{}", text(&query));
    assert!(
        text(&query).contains("is bundle format 3, newer than the format 2 this koujing reads"),
        "{}",
        text(&query)
    );
}

#[test]
fn bundle_content_is_normalised_and_exact() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    koujing(
        &root(),
        &["build", "policies", "--out", bundle.to_str().unwrap()],
    );
    let campaigns: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("campaigns.json")).unwrap()).unwrap();
    let list = campaigns["campaigns"].as_array().unwrap();
    assert!(list.len() >= 12);
    let global = list
        .iter()
        .find(|c| c["name"] == "抚州全球通客户回馈")
        .unwrap();
    // 188 元/月 at 20% off: exactly 150.4.
    assert_eq!(
        global["offer"]["final_price"]["amount"].to_string(),
        "150.4"
    );
    assert_eq!(
        global["regions"].as_array().unwrap().len(),
        11,
        "the issuer's counties"
    );
    let grading = std::fs::read_to_string(bundle.join("grading.toml")).unwrap();
    let parsed: toml::Value = toml::from_str(&grading).unwrap();
    let total: rust_decimal::Decimal = parsed["grading"][0]["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["weight"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, rust_decimal::Decimal::ONE_HUNDRED);
    assert_eq!(
        parsed["grading"][0]["grades"][0]["name"].as_str(),
        Some("五星")
    );
    let knowledge: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("knowledge.json")).unwrap()).unwrap();
    assert!(knowledge["glossary"].as_array().unwrap().len() >= 30);
    let faq = knowledge["faq"].as_array().unwrap();
    let entry = faq
        .iter()
        .find(|e| e["question"] == "冬季半价流量包优惠持续到什么时候?")
        .unwrap();
    assert_eq!(entry["campaigns"], serde_json::json!(["全省冬季流量关怀"]));
    assert_eq!(entry["dates"][0]["end"], "2026-12-31");
}

#[test]
fn diff_names_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("copy");
    copy_policies(&copy, false);
    koujing(tmp.path(), &["build", "copy", "--out", "old"]);
    let city = copy.join("cities/fuzhou.kj");
    let source = std::fs::read_to_string(&city).unwrap();
    std::fs::write(
        &city,
        source
            .replace(
                "window: 2027-01-01 .. 2027-01-31",
                "window: 2027-01-01 .. 2027-01-20",
            )
            .replace("每月仅需15元,支持流量结转", "每月仅需15元"),
    )
    .unwrap();
    let rates = copy.join("commission/social.kj");
    let source = std::fs::read_to_string(&rates).unwrap();
    std::fs::write(&rates, source.replace("=> 70 元", "=> 60 元")).unwrap();
    let built = koujing(tmp.path(), &["build", "copy", "--out", "new"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built));
    let out = koujing(tmp.path(), &["diff", "old", "new"]);
    let report = text(&out);
    assert!(
        report.contains("changed campaign `抚州县域流量包`"),
        "{report}"
    );
    assert!(report.contains("window"), "{report}");
    assert!(report.contains("changed commission row `社会渠道放号首返: product=全球通200元卡`: value: 70 元 → 60 元"), "{report}");
    let json = koujing(
        tmp.path(),
        &["diff", "old", "new", "--format", "json", "--lang", "zh-CN"],
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let kinds: Vec<&str> = value["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"campaign") && kinds.contains(&"commission_row"),
        "{kinds:?}"
    );
    let same = koujing(tmp.path(), &["diff", "old", "old"]);
    assert!(text(&same).contains("no differences"));
}
