//! The Koujing bundle model (BUNDLE.md, format 2): one set of typed
//! structures for every file of a bundle — `campaigns.json`,
//! `commission.toml`, `grading.toml`, `knowledge.json`, `manifest.json` —
//! shared by `build` (which writes them), `verify`, `diff`, `query` and `test`
//! (which read them back). Renaming a field here breaks every reader at
//! compile time; the JSON Schemas in `docs/schema/` are generated from these
//! types ([`schemas`]).
//!
//! The domain operations the compiler and the evaluator share live here too
//! ([`domain`]): interval containment, money rendering, benefit arithmetic.
//!
//! Encoding is deterministic: JSON is pretty-printed with the fields in the
//! order of the structs; TOML tables have their keys sorted (simple values
//! first, then sub-tables); exact decimals are JSON numbers or TOML strings
//! ([`number`]).

pub mod campaigns;
pub mod commission;
pub mod domain;
pub mod grading;
pub mod knowledge;
pub mod manifest;
pub mod number;
mod schema;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use campaigns::CampaignsFile;
pub use commission::CommissionFile;
pub use domain::{Benefit, DateSpan, Direction, Interval, Money};
pub use grading::GradingFile;
pub use knowledge::KnowledgeFile;
pub use manifest::Manifest;
pub use number::{DecimalText, Exact, Number};
pub use schema::schemas;

/// The bundle format this version writes. Format 1 bundles are still read
/// (the v2 fields take their defaults); newer ones are refused.
pub const FORMAT: u32 = 2;

/// `campaigns.json`.
pub const CAMPAIGNS: &str = "campaigns.json";
/// `commission.toml`.
pub const COMMISSION: &str = "commission.toml";
/// `grading.toml`.
pub const GRADING: &str = "grading.toml";
/// `knowledge.json`.
pub const KNOWLEDGE: &str = "knowledge.json";
/// `manifest.json`.
pub const MANIFEST: &str = "manifest.json";
/// `manifest.sig`.
pub const SIGNATURE: &str = "manifest.sig";

/// Pretty JSON with a final newline.
pub fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// TOML with every table's keys sorted.
pub fn to_toml<T: Serialize>(value: &T) -> Vec<u8> {
    // Through `toml::Value`, whose tables are sorted maps: the key order does
    // not depend on the order of the fields in the structs.
    toml::Value::try_from(value)
        .and_then(|v| toml::to_string_pretty(&v))
        .unwrap_or_default()
        .into_bytes()
}

/// Why a bundle file cannot be read. Its `Display` is bilingual
/// (`中文 / English`), like the CLI's other I/O errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The file is not in the bundle.
    Missing(String),
    /// The file is not valid for its type.
    Invalid {
        /// The file name.
        file: String,
        /// What the parser said.
        message: String,
    },
    /// The file says a format newer than [`FORMAT`].
    Newer {
        /// The file name.
        file: String,
        /// The format it says.
        found: u32,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Missing(file) => write!(f, "{file} 缺失 / is missing"),
            ReadError::Invalid { file, message } => write!(f, "{file}: {message}"),
            ReadError::Newer { file, found } => write!(
                f,
                "{file} 是第 {found} 版产物格式,比本工具支持的第 {FORMAT} 版新,请升级 koujing / \
                 is bundle format {found}, newer than the format {FORMAT} this koujing reads; upgrade koujing"
            ),
        }
    }
}

impl std::error::Error for ReadError {}

#[derive(Deserialize)]
struct FormatOnly {
    #[serde(default)]
    format: u32,
}

fn text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ReadError> {
    std::str::from_utf8(bytes).map_err(|e| ReadError::Invalid {
        file: file.to_string(),
        message: e.to_string(),
    })
}

/// Read one file: its format first (a newer one is refused with that
/// message, not a parse error), then the whole.
pub fn decode<T: DeserializeOwned>(file: &str, bytes: &[u8]) -> Result<T, ReadError> {
    let invalid = |message: String| ReadError::Invalid {
        file: file.to_string(),
        message,
    };
    let toml_file = file.ends_with(".toml");
    let format = if toml_file {
        toml::from_str::<FormatOnly>(text(file, bytes)?)
            .map(|f| f.format)
            .ok()
    } else {
        serde_json::from_slice::<FormatOnly>(bytes)
            .map(|f| f.format)
            .ok()
    };
    if let Some(found) = format.filter(|f| *f > FORMAT) {
        return Err(ReadError::Newer {
            file: file.to_string(),
            found,
        });
    }
    let value = if toml_file {
        toml::from_str(text(file, bytes)?).map_err(|e| invalid(e.to_string()))?
    } else {
        serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?
    };
    Ok(value)
}

/// Read one bundle file by name from a folder's files.
pub fn read<T: DeserializeOwned>(
    files: &BTreeMap<String, Vec<u8>>,
    name: &str,
) -> Result<T, ReadError> {
    let bytes = files
        .get(name)
        .ok_or_else(|| ReadError::Missing(name.to_string()))?;
    decode(name, bytes)
}

/// The data files of a bundle, typed (the manifest is read by `verify`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bundle {
    /// `campaigns.json`.
    pub campaigns: CampaignsFile,
    /// `commission.toml`.
    pub commission: CommissionFile,
    /// `grading.toml`.
    pub grading: GradingFile,
    /// `knowledge.json`.
    pub knowledge: KnowledgeFile,
}

impl Bundle {
    /// Read the four data files of a bundle folder's files.
    pub fn read(files: &BTreeMap<String, Vec<u8>>) -> Result<Bundle, ReadError> {
        Ok(Bundle {
            campaigns: read(files, CAMPAIGNS)?,
            commission: read(files, COMMISSION)?,
            grading: read(files, GRADING)?,
            knowledge: read(files, KNOWLEDGE)?,
        })
    }

    /// The oldest format among the files (a bundle is as old as its oldest file).
    pub fn format(&self) -> u32 {
        [
            self.campaigns.format,
            self.commission.format,
            self.grading.format,
            self.knowledge.format,
        ]
        .into_iter()
        .min()
        .unwrap_or(FORMAT)
    }

    /// The bytes of the four data files, by name.
    pub fn encode(&self) -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([
            (CAMPAIGNS.to_string(), to_json(&self.campaigns)),
            (COMMISSION.to_string(), to_toml(&self.commission)),
            (GRADING.to_string(), to_toml(&self.grading)),
            (KNOWLEDGE.to_string(), to_json(&self.knowledge)),
        ])
    }
}
