//! `koujing check`: check a workspace and report findings.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::ValueEnum;
use koujing_checker::{render, Severity};

use super::{auto_color, check_paths, parse_date, pick_lang, Format};
use crate::load;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailLevel {
    Error,
    Warning,
    Info,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    Warnings,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Arguments of `koujing check`.
#[derive(clap::Args)]
pub struct Args {
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Message language: zh-CN or en (default: koujing.toml, then LANG).
    #[arg(long)]
    lang: Option<String>,
    /// Also fail (exit 1) on warnings (same as `--fail-level warning`).
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    /// The lowest severity that makes the check fail (exit 1).
    #[arg(long, value_enum, default_value = "error")]
    fail_level: FailLevel,
    /// The day against which suppression expiry is judged (default: today).
    #[arg(long, value_parser = parse_date)]
    today: Option<NaiveDate>,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: Color,
    /// Submission mode: check everything, report only findings whose
    /// primary or related location is in these files.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    only: Vec<PathBuf>,
    /// CI mode: a suppression without `reason="…"` does not apply.
    #[arg(long)]
    require_reason: bool,
}

/// Run `koujing check`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let (loaded, mut report) = check_paths(&args.paths, args.today, args.require_reason)?;
    let lang = pick_lang(args.lang.as_deref(), loaded.config.lang)?;
    if !args.only.is_empty() {
        let ids = load::file_ids(&loaded.workspace, &args.only)?;
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
    let text = match args.format {
        Format::Json => {
            let value = render::json(&loaded.workspace, &report, lang);
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n"
        }
        Format::Sarif => {
            let value = koujing_checker::ci::sarif(&loaded.workspace, &report, lang);
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n"
        }
        Format::Github => koujing_checker::ci::github(&loaded.workspace, &report, lang),
        Format::Junit => koujing_checker::ci::junit(&loaded.workspace, &report, lang, threshold),
        Format::Human => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => auto_color(),
            };
            render::human(&loaded.workspace, &report, lang, color)
        }
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    let failed = report.diagnostics.iter().any(|d| d.severity >= threshold);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
