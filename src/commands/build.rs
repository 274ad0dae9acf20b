//! `koujing build`: compile a clean workspace into a bundle folder.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use koujing_checker::{render, Msg, Severity};

use super::{auto_color, check_paths, pick_lang, read_text, say, LangArg, TodayArg};
use crate::bundle;
use crate::progress::Progress;

/// Arguments of `koujing build`.
#[derive(clap::Args)]
pub struct Args {
    /// Workspace folders or `.kj` files (default: the current folder, or the
    /// roots its koujing.toml names).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// The bundle folder to write (replaced atomically if it holds a
    /// previous bundle).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Sign manifest.json with this Ed25519 private key (from `koujing keygen`).
    #[arg(long, value_name = "FILE")]
    sign_key: Option<PathBuf>,
    #[command(flatten)]
    lang: LangArg,
    #[command(flatten)]
    today: TodayArg,
}

/// Run `koujing build`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let progress = Progress::start(true, 4, "reading and parsing files");
    let (loaded, report) = check_paths(&args.paths, args.today.today, false, &progress)?;
    let lang = pick_lang(args.lang.lang, loaded.config.lang);
    let signing_key = match &args.sign_key {
        Some(path) => Some(
            koujing_checker::compile::manifest::read_secret(&read_text(path)?)
                .ok_or_else(|| say(Msg::NotSecretKey, &[("path", &path.display())]))?,
        ),
        None => None,
    };
    let errors = report.count(Severity::Error);
    if errors > 0 {
        progress.finish();
        let mut stdout = std::io::stdout().lock();
        let _ = stdout
            .write_all(render::human(&loaded.workspace, &report, lang, auto_color()).as_bytes());
        let _ = writeln!(stdout, "{}", say(Msg::BuildRefused, &[("errors", &errors)]));
        return Ok(ExitCode::from(1));
    }
    let source_date_epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse().ok());
    let build_options = koujing_checker::compile::BuildOptions {
        source_paths: loaded.relative.clone(),
        source_date_epoch,
        signing_key,
    };
    progress.step("compiling the bundle");
    let built = koujing_checker::compile::build(&loaded.workspace, &report, &build_options);
    bundle::write(&built, &args.out)?;
    progress.finish();
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "{}",
        say(
            Msg::Built,
            &[("path", &args.out.display()), ("files", &built.files.len())],
        )
    );
    Ok(ExitCode::SUCCESS)
}
