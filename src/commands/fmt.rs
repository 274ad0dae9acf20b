//! `koujing fmt`: format `.kj` files in one canonical layout.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use koujing_checker::Msg;
use koujing_grammar::format::{format, FormatError};

use super::say;
use crate::{bundle, load};

/// Arguments of `koujing fmt`.
#[derive(clap::Args)]
pub struct Args {
    /// Folders or `.kj` files to format (default: the current folder).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// List the files that would change and exit 1; write nothing.
    #[arg(long)]
    check: bool,
}

/// Run `koujing fmt`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let (_, files) = load::kj_files(&args.paths)?;
    let mut stdout = std::io::stdout().lock();
    let (mut changed, mut refused) = (0, 0);
    for (path, shown) in files {
        // The real path, inside the workspace root; read by the walker's
        // rules again (it may have changed since the walk).
        let bytes = koujing_fs::read_regular(&path, koujing_fs::READ_CAP).map_err(|r| {
            let why = r.text();
            say(
                Msg::NotRead,
                &[("path", &shown), ("why", &why.get(super::lang()))],
            )
        })?;
        let Ok(text) = String::from_utf8(bytes) else {
            let _ = writeln!(
                stdout,
                "{}",
                say(Msg::NotUtf8NotFormatted, &[("path", &shown)])
            );
            refused += 1;
            continue;
        };
        match format(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                changed += 1;
                if args.check {
                    let _ = writeln!(stdout, "{shown}");
                } else {
                    bundle::write_file(&path, formatted.as_bytes())?;
                    let _ = writeln!(stdout, "formatted {shown}");
                }
            }
            Err(FormatError::Syntax) => {
                refused += 1;
                let why = say(Msg::SyntaxErrorsNotFormatted, &[("path", &shown)]);
                let _ = writeln!(stdout, "{why}");
            }
            Err(FormatError::Unstable(why)) => {
                refused += 1;
                let why = say(Msg::UnsafeNotFormatted, &[("path", &shown), ("why", &why)]);
                let _ = writeln!(stdout, "{why}");
            }
        }
    }
    Ok(if refused > 0 || (args.check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
