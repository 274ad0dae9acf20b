//! `koujing report`: a self-contained HTML report for reviewers.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use koujing_checker::report::{render, Options, Submission};

use super::{check_paths, parse_date, pick_lang};
use crate::{bundle, load};

/// Arguments of `koujing report`.
#[derive(clap::Args)]
pub struct Args {
    paths: Vec<PathBuf>,
    #[arg(long, default_value = "report.html")]
    out: PathBuf,
    #[arg(long)]
    lang: Option<String>,
    #[arg(long, value_parser = parse_date)]
    today: Option<NaiveDate>,
    /// Submission view: these files are the submission; what they add or
    /// change and the findings they bring come first.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    only: Vec<PathBuf>,
    /// Submission view: compare with this previously built bundle.
    #[arg(long, value_name = "OLD_BUNDLE")]
    baseline: Option<PathBuf>,
}

/// Run `koujing report`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let (loaded, report) = check_paths(&args.paths, args.today, false)?;
    let lang = pick_lang(args.lang.as_deref(), loaded.config.lang)?;
    let files = load::file_ids(&loaded.workspace, &args.only)?;
    let submission = match &args.baseline {
        Some(old) => {
            let name = old.file_name().map_or_else(
                || old.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Some(Submission::from_baseline(
                &loaded.workspace,
                &bundle::read(old)?,
                files,
                name,
            )?)
        }
        None if !files.is_empty() => {
            let against = if lang.is_zh() {
                "不含所提交文件的工作区"
            } else {
                "the workspace without the submitted files"
            };
            Some(Submission::from_files(
                &loaded.workspace,
                files,
                against.to_string(),
            ))
        }
        None => None,
    };
    let html = render(
        &loaded.workspace,
        &report,
        &Options {
            lang,
            paths: loaded.relative.clone(),
            submission,
        },
    );
    bundle::write_file(&args.out, html.as_bytes())?;
    let _ = writeln!(std::io::stdout(), "{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
