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

use koujing_bundle::{Exact, Interval};
use koujing_grammar::ast::{self, Unit};

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

/// A bundle interval from an AST interval (whose lower end, when there is
/// one, is always inclusive), in `unit`.
pub(crate) fn interval<N: Exact>(i: &ast::Interval, unit: Unit) -> Interval<N> {
    Interval {
        min: i.lo.map(N::new),
        min_inclusive: i.lo.is_some(),
        max: i.hi.map(|h| N::new(h.value)),
        max_inclusive: i.hi.is_some_and(|h| h.inclusive),
        unit: unit.as_str().to_string(),
    }
}

/// Sorted, without repeats.
pub(crate) fn sorted<T: Ord>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut list: Vec<T> = items.collect();
    list.sort();
    list.dedup();
    list
}

/// Compile a workspace that has no error-level diagnostic.
pub fn build(workspace: &Workspace, options: &BuildOptions) -> Bundle {
    let (index, _) = build_index(workspace);
    let limits = crate::limits::LimitsTable::build(&index);
    let facts = crate::model::campaign_facts(&index);
    let analysis = crate::checks::campaigns::analyse(&index, &facts, &limits);
    let source_of = |file: usize, offset: usize| {
        let path = options
            .source_paths
            .get(file)
            .cloned()
            .or_else(|| workspace.file(file).map(|f| f.path.clone()));
        let line = workspace
            .file(file)
            .map_or(0, |f| f.char_position(offset).line);
        format!("{}:{line}", path.unwrap_or_default())
    };
    let typed = koujing_bundle::Bundle {
        campaigns: campaigns::campaigns(&index, &facts, &analysis.conflict_groups),
        commission: tables::commission(&index, &source_of),
        grading: tables::grading(&index),
        knowledge: knowledge::knowledge(&index),
    };
    let mut files = typed.encode();
    let manifest = manifest::manifest(workspace, options, &files);
    if let Some(key) = &options.signing_key {
        files.insert("manifest.sig".to_string(), manifest::sign(key, &manifest));
    }
    files.insert("manifest.json".to_string(), manifest);
    Bundle { files }
}
