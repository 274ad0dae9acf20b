//! `koujing report`: a self-contained HTML report for reviewers.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{check_paths, pick_lang, LangArg, TodayArg};
use crate::bundle;
use crate::progress::Progress;

/// Arguments of `koujing report`.
#[derive(clap::Args)]
pub struct Args {
    /// Workspace folders or `.kj` files (default: the current folder, or the
    /// roots its koujing.toml names).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// The HTML file to write.
    #[arg(long, value_name = "FILE", default_value = "report.html")]
    out: PathBuf,
    #[command(flatten)]
    lang: LangArg,
    #[command(flatten)]
    today: TodayArg,
}

/// Run `koujing report`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let progress = Progress::start(true, 3, "reading and parsing files");
    let (loaded, report) = check_paths(&args.paths, args.today.today, false, &progress)?;
    progress.step("writing the report");
    let lang = pick_lang(args.lang.lang, loaded.config.lang);
    let html = koujing_checker::report::html(&loaded.workspace, &report, lang);
    bundle::write_file(&args.out, html.as_bytes())?;
    progress.finish();
    let _ = writeln!(std::io::stdout(), "{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
