//! `manifest.json`: what a bundle holds, for deployers and `koujing verify`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The whole of `manifest.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Koujing manifest.json")]
#[schemars(deny_unknown_fields)]
pub struct Manifest {
    /// The bundle format: 2.
    #[schemars(extend("const" = 2))]
    pub format: u32,
    /// The tool that built the bundle.
    pub tool: Tool,
    /// SHA-256 over the sorted list of source paths and their SHA-256s.
    pub revision: String,
    /// Every source file, by path.
    pub sources: Vec<SourceFile>,
    /// Every output file (`manifest.json` and `manifest.sig` excluded), by path.
    pub outputs: Vec<OutputFile>,
    /// `SOURCE_DATE_EPOCH` as a UTC time; only when it was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
}

/// The tool that built a bundle.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Tool {
    /// Always `koujing`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// A source file and its hash.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SourceFile {
    /// The path relative to the workspace root.
    pub path: String,
    /// The SHA-256 of its bytes, in lowercase hex.
    pub sha256: String,
}

/// An output file, its hash and its size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct OutputFile {
    /// The file name in the bundle folder.
    pub path: String,
    /// The SHA-256 of its bytes, in lowercase hex.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
}
