//! Koujing checker: resolution, analyses, the diagnostic registry, rendering.
//!
//! No I/O happens here: callers hand in file bytes ([`Workspace::new`]) and
//! get diagnostics back ([`check`]). Every analysis is a pure function of the
//! resolved workspace.
//!
//! The API, in the order a command uses it:
//!
//! - check a workspace: [`Workspace`], [`check`] with [`Options`] → [`Report`]
//!   (diagnostics, suppressions, the [`semantic`] model the editor reads);
//!   for the editor, [`check_for_editor`] also keeps a [`focus::Focus`], with
//!   which [`focus::check_file`] re-checks one edited file quickly and
//!   exactly;
//! - compile a checked workspace into a bundle: [`compile`];
//! - evaluate a bundle (`query`, `test`): [`query`];
//! - render results: [`render`] (human, JSON, SARIF), [`ci`] (GitHub,
//!   JUnit), [`report`] (the reviewer's HTML report);
//! - words: [`codes`] (the diagnostic registry), [`messages`] (every other
//!   text, zh-CN and en), [`suppress`] (allow comments), [`timing`].
//!
//! Resolution and the analyses are not API: the few modules this project's
//! own tests and benchmarks reach into (`resolve`, `checks`, `model`,
//! `limits`, `mixref`, `reading`) are public but hidden from the
//! documentation, and may change with any release; the rest are private.

#[doc(hidden)]
pub mod checks;
pub mod ci;
pub mod codes;
pub mod compile;
mod config;
mod diagnostic;
pub mod focus;
mod leafset;
mod lexicon;
#[doc(hidden)]
pub mod limits;
pub mod messages;
#[doc(hidden)]
pub mod mixref;
#[doc(hidden)]
pub mod model;
pub mod query;
#[doc(hidden)]
pub mod reading;
pub mod render;
pub mod report;
#[doc(hidden)]
pub mod resolve;
pub mod semantic;
pub mod suppress;
mod text;
pub mod timing;
mod workspace;

use chrono::NaiveDate;

pub use codes::{Code, Severity};
pub use config::{Config, Level};
pub use diagnostic::{Diagnostic, FileId, Lang, LocalText, Related};
pub use messages::Msg;
pub use suppress::Suppression;
pub use workspace::{Position, SourceFile, Workspace};

/// How to check.
#[derive(Clone, Debug)]
pub struct Options {
    /// The day against which `until` of suppressions is judged.
    pub today: NaiveDate,
    /// Lint levels from `koujing.toml`.
    pub config: Config,
    /// Suppressions without `reason="…"` do not apply (CI mode).
    pub require_reason: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            today: NaiveDate::MIN,
            config: Config::default(),
            require_reason: false,
        }
    }
}

/// The outcome of a check.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Sorted by file, line, column, code.
    pub diagnostics: Vec<Diagnostic>,
    /// Every suppression comment found, with what it silenced.
    pub suppressions: Vec<Suppression>,
    /// What resolution found: definitions, references, file paths by id.
    pub model: std::sync::Arc<semantic::Model>,
    /// Campaigns that share an offer in overlapping windows and are declared
    /// stackable, as the campaign analysis grouped them (each group sorted
    /// by name, groups sorted): the bundle compiler reuses them.
    pub conflict_groups: Vec<Vec<String>>,
    /// What the editor's focused re-check needs ([`check_for_editor`] only).
    pub focus: Option<std::sync::Arc<focus::Focus>>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Check a workspace.
pub fn check(workspace: &Workspace, options: &Options) -> Report {
    check_with(workspace, options, Mode::Full)
}

/// [`check`] without the semantic model (`Report.model` is empty): for a
/// command that only reports, builds or renders findings, which never
/// reads it. The findings are the same.
pub fn check_findings(workspace: &Workspace, options: &Options) -> Report {
    check_with(workspace, options, Mode::Findings)
}

/// Check a workspace and keep what [`focus::check_file`] needs to re-check
/// one edited file of it quickly (the language server).
pub fn check_for_editor(workspace: &Workspace, options: &Options) -> Report {
    check_with(workspace, options, Mode::Editor)
}

/// A focused re-check's cut-down workspace: the analyses whose findings
/// never sit on a campaign (commission, grading) and the semantic model
/// are skipped.
/// `lanes_only` are campaigns of unchanged files (with their file ids in
/// `workspace`) that only fill KJ2002's lanes; KJ2002 is reported for the
/// campaigns of `edited` only.
fn check_focused(
    workspace: &Workspace,
    options: &Options,
    lanes_only: &[(FileId, &koujing_grammar::ast::Campaign)],
    edited: FileId,
    reported: &[usize],
) -> Report {
    check_with(
        workspace,
        options,
        Mode::Focused {
            lanes_only,
            report_only: checks::campaigns::ReportOnly {
                file: edited,
                campaigns: reported,
            },
        },
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode<'a> {
    Full,
    Findings,
    Editor,
    Focused {
        lanes_only: &'a [(FileId, &'a koujing_grammar::ast::Campaign)],
        report_only: checks::campaigns::ReportOnly<'a>,
    },
}

fn check_with(workspace: &Workspace, options: &Options, mode: Mode<'_>) -> Report {
    use timing::time;
    let resolving = timing::Phase::start("resolve: index");
    let mut diagnostics = Vec::new();
    for (id, file) in workspace.files.iter().enumerate() {
        diagnostics.extend(file.own_diagnostics(id));
    }
    diagnostics.extend(workspace.unread_diagnostics());
    // Only the editor (and a plain `check`, for its callers) reads the
    // semantic model: otherwise resolution records nothing for it.
    let with_model = matches!(mode, Mode::Full | Mode::Editor);
    let (mut index, mut found) = resolve::build_index_recording(workspace, with_model);
    diagnostics.append(&mut found);
    let mut recorded = std::mem::take(&mut index.recorded);
    resolving.done();
    let analysing = timing::Phase::start("references + analyses");
    let index = &index;
    // Once the name tables stand, everything else reads them only: the
    // references (then the semantic model, which needs what they record),
    // the campaign facts and the analyses that use them, and the analyses
    // of customer text all run at once, on every core. The result does not
    // depend on it: the diagnostics are gathered in one order and sorted.
    let full = !matches!(mode, Mode::Focused { .. });
    let references = move || {
        let found = time("  references", || {
            resolve::resolve_references(workspace, index, &mut recorded)
        });
        let model = with_model.then(|| {
            time("  semantic model", || {
                semantic::build(workspace, index, recorded)
            })
        });
        (found, model)
    };
    let focus = || {
        (mode == Mode::Editor).then(|| {
            time("  focus", || {
                std::sync::Arc::new(focus::Focus::build(workspace, index))
            })
        })
    };
    let campaign_side = || {
        let limits = time("  limits", || limits::LimitsTable::build(index));
        let facts = time("  facts", || model::campaign_facts(index));
        let (lane_facts, report_only) = match mode {
            Mode::Focused {
                lanes_only,
                report_only,
            } => (
                lanes_only
                    .iter()
                    .filter_map(|&(file, item)| model::fact(index, resolve::Def { file, item }))
                    .collect(),
                Some(report_only),
            ),
            _ => (Vec::new(), None),
        };
        rayon::join(
            || {
                rayon::join(
                    || {
                        time("  campaigns", || {
                            checks::campaigns::analyse_with(
                                index,
                                &facts,
                                &lane_facts,
                                report_only,
                                &limits,
                            )
                        })
                    },
                    || {
                        full.then(|| {
                            time("  commission", || {
                                checks::commission::analyse(index, &limits)
                            })
                        })
                    },
                )
            },
            || {
                rayon::join(
                    || full.then(|| time("  grading", || checks::grading::analyse(index))),
                    || time("  support", || checks::support::analyse(index, &limits)),
                )
            },
        )
    };
    let text_side = || {
        rayon::join(
            || time("  wording", || checks::wording::analyse(workspace, index)),
            || time("  jargon", || checks::jargon::analyse(workspace, index)),
        )
    };
    let (
        ((references, model), focus),
        (((campaigns, commission), (grading, support)), (wording, jargon)),
    ) = rayon::join(
        || rayon::join(references, focus),
        || rayon::join(campaign_side, text_side),
    );
    analysing.done();
    diagnostics.extend(references);
    let _finishing = timing::Phase::start("suppress, levels, sort");
    diagnostics.extend(campaigns.diagnostics);
    let conflict_groups = campaigns.conflict_groups;
    for found in [
        commission.unwrap_or_default(),
        grading.unwrap_or_default(),
        wording,
        support,
        jargon,
    ] {
        diagnostics.extend(found);
    }

    let mut suppressions: Vec<Suppression> = workspace
        .files
        .iter()
        .enumerate()
        .flat_map(|(id, file)| suppress::collect(id, file))
        .collect();
    suppress::apply(
        &mut diagnostics,
        &mut suppressions,
        options.today,
        options.require_reason,
    );

    diagnostics.retain_mut(|d| match options.config.lints.get(&d.code) {
        Some(Level::Allow) => false,
        Some(Level::Set(severity)) => {
            d.severity = *severity;
            true
        }
        None => true,
    });
    sort(&mut diagnostics);
    Report {
        diagnostics,
        suppressions,
        model: std::sync::Arc::new(model.unwrap_or_default()),
        conflict_groups,
        focus,
    }
}

/// Sort diagnostics by file, position, code; then by the rest so that equal
/// keys still come out in one order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.file, a.span.start, a.code, a.span.end, &a.message.en).cmp(&(
            b.file,
            b.span.start,
            b.code,
            b.span.end,
            &b.message.en,
        ))
    });
}
