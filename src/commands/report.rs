//! `koujing report`: a self-contained HTML report for reviewers.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use super::{check_paths, parse_date, pick_lang};
use crate::bundle;

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
}

/// Run `koujing report`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let (loaded, report) = check_paths(&args.paths, args.today, false)?;
    let lang = pick_lang(args.lang.as_deref(), loaded.config.lang)?;
    let html = koujing_checker::report::html(&loaded.workspace, &report, lang);
    bundle::write_file(&args.out, html.as_bytes())?;
    let _ = writeln!(std::io::stdout(), "{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
