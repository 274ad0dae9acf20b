//! The bundle compiler (BUNDLE.md): a clean workspace in, the bytes of every
//! bundle file out. No I/O: the CLI writes the files, atomically.
//!
//! Deterministic: the same sources give the same bytes whatever the order in
//! which files were found (files are sorted by path, every set is sorted,
//! every map has a fixed key order); no timestamp unless the caller passes
//! `SOURCE_DATE_EPOCH`; decimals are written exactly.

pub mod campaigns;
pub mod diff;
pub mod knowledge;
pub mod manifest;
pub mod tables;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::resolve::build_index;
use crate::workspace::Workspace;

/// A built bundle: file name → bytes, `manifest.json` included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bundle {
    pub files: BTreeMap<String, Vec<u8>>,
}

/// What the build needs besides the workspace.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Each workspace file's path relative to the workspace root, in
    /// `workspace.files` order (the manifest's `sources`).
    pub source_paths: Vec<String>,
    /// `SOURCE_DATE_EPOCH`, if set: written to the manifest as `created`.
    pub source_date_epoch: Option<i64>,
    /// Ed25519 secret key: writes `manifest.sig`.
    pub signing_key: Option<[u8; 32]>,
}

/// An exact decimal as a JSON number (`9.9`, never `9.900000000000002`).
pub fn number(value: Decimal) -> Value {
    let text = value.normalize().to_string();
    serde_json::from_str::<serde_json::Number>(&text).map_or(Value::String(text), Value::Number)
}

/// Pretty JSON with a final newline.
pub fn json_bytes(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Compile a workspace that has no error-level diagnostic.
pub fn build(workspace: &Workspace, options: &BuildOptions) -> Bundle {
    let (index, _) = build_index(workspace);
    let limits = crate::limits::LimitsTable::build(&index);
    let facts = crate::model::campaign_facts(&index);
    let analysis = crate::checks::campaigns::analyse(&index, &facts, &limits);
    let mut files = BTreeMap::new();
    files.insert(
        "campaigns.json".to_string(),
        json_bytes(&campaigns::campaigns(
            &index,
            &facts,
            &analysis.conflict_groups,
        )),
    );
    files.insert(
        "commission.toml".to_string(),
        tables::commission(&index, &|file, offset| {
            let path = options
                .source_paths
                .get(file)
                .cloned()
                .or_else(|| workspace.file(file).map(|f| f.path.clone()));
            let line = workspace
                .file(file)
                .map_or(0, |f| f.char_position(offset).line);
            format!("{}:{line}", path.unwrap_or_default())
        })
        .into_bytes(),
    );
    files.insert(
        "grading.toml".to_string(),
        tables::grading(&index).into_bytes(),
    );
    files.insert(
        "knowledge.json".to_string(),
        json_bytes(&knowledge::knowledge(&index)),
    );
    let manifest = manifest::manifest(workspace, options, &files);
    if let Some(key) = &options.signing_key {
        files.insert("manifest.sig".to_string(), manifest::sign(key, &manifest));
    }
    files.insert("manifest.json".to_string(), manifest);
    Bundle { files }
}
