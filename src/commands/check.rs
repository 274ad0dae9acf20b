//! `koujing check`: check a workspace and report findings, optionally only
//! those touching some files (`--only`) or only new ones (`--baseline`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use koujing_checker::{Lang, Msg, Severity};

use super::{auto_color, check_loaded, pick_lang, Format, LangArg, TodayArg};
use crate::progress::Progress;
use crate::{baseline, load};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailLevel {
    /// Fail on errors only.
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Info,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    /// Treat warnings as failures.
    Warnings,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    /// Colour when standard output is a terminal and NO_COLOR is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Arguments of `koujing check`.
#[derive(clap::Args)]
pub struct Args {
    /// Workspace folders or `.kj` files (default: the current folder, or the
    /// roots its koujing.toml names).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[command(flatten)]
    lang: LangArg,
    /// Also fail (exit 1) on warnings (same as `--fail-level warning`).
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    /// The lowest severity that makes the check fail (exit 1).
    #[arg(long, value_enum, default_value = "error")]
    fail_level: FailLevel,
    #[command(flatten)]
    today: TodayArg,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
    /// Submission mode: check the whole workspace, report only findings
    /// whose primary or related location is in these files. Repeat the
    /// option or give a comma- or newline-separated list; an empty value
    /// means nothing changed (nothing is reported, exit 0). Without PATHS,
    /// the workspace is the nearest folder above the files with a koujing.toml.
    #[arg(long, value_name = "FILES")]
    only: Vec<String>,
    /// CI mode: a suppression without `reason="…"` does not apply.
    #[arg(long)]
    require_reason: bool,
    /// Report findings recorded in this baseline as existing (they do not
    /// fail the check) and only the others as new.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// Record today's findings in this file, to be passed to `--baseline`
    /// later; the check then passes.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Exit 0 when there is no `.kj` file to check (default: exit 2 naming
    /// the path, so that a mistyped path never passes a CI gate).
    #[arg(long)]
    allow_empty: bool,
}

/// The files named by `--only` values: each value may hold several,
/// separated by commas or newlines.
fn only_files(values: &[String]) -> Vec<PathBuf> {
    values
        .iter()
        .flat_map(|v| v.split([',', '\n', '\r']))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// The workspace root of `files` (found by `koujing-fs`, as for PATHS)
/// when it has a koujing.toml and they agree on one (else an error naming
/// both). A file that no longer exists counts by its folder.
fn workspace_of(files: &[PathBuf]) -> Result<Option<PathBuf>, String> {
    let mut found: Option<PathBuf> = None;
    for file in files {
        let start = if file.exists() {
            file.clone()
        } else {
            file.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        let Ok(root) = koujing_fs::find_root(&start) else {
            continue;
        };
        if !root.join(koujing_fs::CONFIG_FILE).is_file() {
            continue;
        }
        match &found {
            Some(a) if *a != root => {
                return Err(super::say(
                    koujing_checker::Msg::OnlyDifferentWorkspaces,
                    &[
                        ("root", &koujing_fs::display(a)),
                        ("other", &koujing_fs::display(&root)),
                    ],
                ))
            }
            None => found = Some(root),
            _ => {}
        }
    }
    Ok(found)
}

/// Run `koujing check`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let only = only_files(&args.only);
    let nothing_changed = !args.only.is_empty() && only.is_empty();
    let mut paths = args.paths.clone();
    if paths.is_empty() && !only.is_empty() {
        // The current folder is loaded as usual (its `roots` honoured).
        paths.extend(workspace_of(&only)?);
    }
    let progress = Progress::start(args.format == Format::Human, 3, "reading and parsing files");
    let empty = if args.allow_empty {
        load::Empty::Allow
    } else {
        load::Empty::Refuse
    };
    let loaded = load::load(&paths, empty)?;
    let (loaded, mut report) =
        check_loaded(loaded, args.today.today, args.require_reason, &progress)?;
    let lang = pick_lang(args.lang.lang, loaded.config.lang);
    // Files or folders named as PATHS inside a larger workspace: the whole
    // workspace is checked, the findings touching them are reported (as
    // with `--only`).
    if let Some(ids) = &loaded.focus {
        report
            .diagnostics
            .retain(|d| ids.contains(&d.file) || d.related.iter().any(|r| ids.contains(&r.file)));
        report.suppressions.retain(|s| ids.contains(&s.file));
    }
    if nothing_changed {
        report.diagnostics.clear();
        report.suppressions.clear();
        let _ = writeln!(std::io::stderr(), "{}", nothing_changed_note(lang));
    } else if !only.is_empty() {
        let ids = load::file_ids(&loaded.workspace, &only)?;
        report
            .diagnostics
            .retain(|d| ids.contains(&d.file) || d.related.iter().any(|r| ids.contains(&r.file)));
        report.suppressions.retain(|s| ids.contains(&s.file));
    }
    let threshold = match (args.deny, args.fail_level) {
        (Some(Deny::Warnings), FailLevel::Error) => Severity::Warning,
        (_, FailLevel::Error) => Severity::Error,
        (_, FailLevel::Warning) => Severity::Warning,
        (_, FailLevel::Info) => Severity::Info,
    };
    // Keys (a digest of each message) only when a baseline is written or read.
    let keys: Vec<baseline::Key> = if args.write_baseline.is_some() || args.baseline.is_some() {
        report
            .diagnostics
            .iter()
            .map(|d| baseline::key_of(&loaded.workspace, &loaded.relative, d))
            .collect()
    } else {
        Vec::new()
    };
    let recorded = match (&args.write_baseline, &args.baseline) {
        (Some(path), _) => {
            baseline::write(path, &keys)?;
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                super::say(
                    koujing_checker::Msg::WroteBaseline,
                    &[("path", &path.display()), ("findings", &keys.len())],
                )
            );
            Some(keys.clone())
        }
        (None, Some(path)) => Some(baseline::read(path)?),
        (None, None) => None,
    };
    let compared = recorded.map(|old| baseline::compare(&keys, &old));
    let failed = report.diagnostics.iter().enumerate().any(|(i, d)| {
        d.severity >= threshold
            && compared
                .as_ref()
                .is_none_or(|(states, _)| states.get(i) == Some(&baseline::State::New))
    });
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => auto_color(),
    };
    // Name the root used: a folder above the one given may have been
    // chosen for its koujing.toml.
    let footer = match args.format {
        Format::Human => Msg::WorkspaceRoot.get(lang, &[("root", &loaded.root_shown)]) + "\n",
        _ => String::new(),
    };
    let rendering = koujing_checker::timing::Phase::start("render + write");
    super::check_output::render(
        &loaded,
        report,
        compared.as_ref(),
        args.format,
        lang,
        threshold,
        color,
        &footer,
        &progress,
        &mut std::io::stdout().lock(),
    )?;
    rendering.done();
    // The process ends after this: freeing the workspace (every file's
    // syntax) one allocation at a time would only delay the exit.
    std::mem::forget(loaded);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn nothing_changed_note(lang: Lang) -> &'static str {
    Msg::OnlyNothingChanged.template(lang)
}
