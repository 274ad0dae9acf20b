#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The JSON Schemas in `docs/schema/` are the ones generated from the bundle
//! types. After changing a type, regenerate them:
//!
//! ```text
//! UPDATE_SCHEMAS=1 cargo test -p koujing-bundle --test schemas
//! ```

use std::path::PathBuf;

#[test]
fn committed_schemas_are_the_generated_ones() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/schema");
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (name, generated) in koujing_bundle::schemas() {
        let path = dir.join(name);
        if update {
            std::fs::write(&path, &generated).unwrap();
            continue;
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        if committed != generated {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "docs/schema/ is out of date for {stale:?}; regenerate with \
         `UPDATE_SCHEMAS=1 cargo test -p koujing-bundle --test schemas`"
    );
    // Every schema file in the folder is a generated one (none left over).
    let names: Vec<&str> = koujing_bundle::schemas().iter().map(|(n, _)| *n).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(names.contains(&file.as_str()), "{file} is not generated");
    }
}
