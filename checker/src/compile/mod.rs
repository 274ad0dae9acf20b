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

/// Compile a workspace that has no error-level diagnostic, reusing what its
/// check found (`koujing build` checks first, then compiles).
pub fn build(workspace: &Workspace, report: &crate::Report, options: &BuildOptions) -> Bundle {
    let (index, _) = build_index(workspace);
    let facts = crate::model::campaign_facts(&index);
    assemble(workspace, &index, &facts, &report.conflict_groups, options)
}

/// Compile a workspace that was not checked (the "before" of a submission):
/// runs the one analysis the bundle needs, the grouping of stackable
/// campaigns.
pub fn build_unchecked(workspace: &Workspace, options: &BuildOptions) -> Bundle {
    let (index, _) = build_index(workspace);
    let limits = crate::limits::LimitsTable::build(&index);
    let facts = crate::model::campaign_facts(&index);
    let analysis = crate::checks::campaigns::analyse(&index, &facts, &limits);
    assemble(
        workspace,
        &index,
        &facts,
        &analysis.conflict_groups,
        options,
    )
}

fn assemble(
    workspace: &Workspace,
    index: &crate::resolve::Index<'_>,
    facts: &[crate::model::CampaignFact<'_>],
    conflict_groups: &[Vec<String>],
    options: &BuildOptions,
) -> Bundle {
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
        campaigns: campaigns::campaigns(index, facts, conflict_groups),
        commission: tables::commission(index, &source_of),
        grading: tables::grading(index),
        knowledge: knowledge::knowledge(index),
    };
    let mut files = typed.encode();
    let manifest = manifest::manifest(workspace, options, &files);
    if let Some(key) = &options.signing_key {
        files.insert("manifest.sig".to_string(), manifest::sign(key, &manifest));
    }
    files.insert("manifest.json".to_string(), manifest);
    Bundle { files }
}

#[cfg(test)]
mod tests {
    use koujing_bundle::{DecimalText, Number};
    use koujing_grammar::ast::Upper;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;

    fn decimal() -> impl Strategy<Value = Decimal> {
        (-2000i64..2000, 0u32..3).prop_map(|(n, scale)| Decimal::new(n, scale))
    }

    proptest! {
        /// The bundle's interval holds exactly the numbers the source's does,
        /// in both number encodings: the evaluator answers as the checker.
        #[test]
        fn bundle_interval_contains_what_the_source_interval_does(
            lo in proptest::option::of(decimal()),
            hi in proptest::option::of((decimal(), any::<bool>())),
            x in decimal(),
        ) {
            let source = ast::Interval {
                lo,
                hi: hi.map(|(value, inclusive)| Upper { value, inclusive }),
                unit: Unit::Plain,
            };
            let json: Interval<Number> = interval(&source, Unit::Plain);
            let toml: Interval<DecimalText> = interval(&source, Unit::Plain);
            prop_assert_eq!(json.contains(x), source.contains(x));
            prop_assert_eq!(toml.contains(x), source.contains(x));
            prop_assert_eq!(json.math(), toml.math());
        }
    }
}
