//! The JSON Schemas of the bundle files, generated from the types: what a
//! reader accepts (fields with a default, and absent ends of intervals in the
//! TOML files, may be left out). The TOML files are described as the JSON
//! they map to. `docs/schema/` holds these; a test fails when the
//! committed files differ (`UPDATE_SCHEMAS=1` rewrites them).

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};

use crate::{CampaignsFile, CommissionFile, GradingFile, KnowledgeFile, Manifest};

fn schema_of<T: JsonSchema>(file: &'static str) -> Vec<u8> {
    let mut schema: Schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert(
        "$id".to_string(),
        // A name, not an address: the schemas ship in the repository and in
        // no web site, so no URL is invented for them.
        format!("urn:koujing:schema:{file}").into(),
    );
    crate::to_json(&schema)
}

/// Every schema: (file name in `docs/schema/`, bytes).
pub fn schemas() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "campaigns.schema.json",
            schema_of::<CampaignsFile>("campaigns.schema.json"),
        ),
        (
            "commission.schema.json",
            schema_of::<CommissionFile>("commission.schema.json"),
        ),
        (
            "grading.schema.json",
            schema_of::<GradingFile>("grading.schema.json"),
        ),
        (
            "knowledge.schema.json",
            schema_of::<KnowledgeFile>("knowledge.schema.json"),
        ),
        (
            "manifest.schema.json",
            schema_of::<Manifest>("manifest.schema.json"),
        ),
    ]
}
