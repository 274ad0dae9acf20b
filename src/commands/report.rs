//! `koujing report`: a self-contained HTML report for reviewers, optionally
//! with a submission view (`--only`, `--baseline`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use koujing_checker::report::{render, Options, Submission};
use koujing_checker::Msg;

use super::{check_paths, pick_lang, LangArg, TodayArg};
use crate::progress::Progress;
use crate::{bundle, load};

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
    let progress = Progress::start(true, 3, "reading and parsing files");
    let (loaded, report) = check_paths(&args.paths, args.today.today, false, &progress)?;
    progress.step("writing the report");
    let lang = pick_lang(args.lang.lang, loaded.config.lang);
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
            let against = Msg::WorkspaceWithoutSubmission.template(lang);
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
    progress.finish();
    let _ = writeln!(std::io::stdout(), "{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
