//! `koujing fmt`: format `.kj` files in one canonical layout.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use koujing_grammar::format::{format, FormatError};

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
            let (zh, en) = r.text();
            format!("{shown}: {zh} / {en}")
        })?;
        let Ok(text) = String::from_utf8(bytes) else {
            let _ = writeln!(
                stdout,
                "{shown}: 不是 UTF-8,未格式化 / not UTF-8; not formatted"
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
                let _ = writeln!(stdout, "{shown}: 有语法错误,未格式化 / has syntax errors; not formatted (koujing check)");
            }
            Err(FormatError::Unstable(why)) => {
                refused += 1;
                let _ = writeln!(
                    stdout,
                    "{shown}: 格式化结果不安全,未写入 / not formatted: {why}"
                );
            }
        }
    }
    Ok(if refused > 0 || (args.check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
