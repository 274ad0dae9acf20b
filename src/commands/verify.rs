//! `koujing verify`: check a bundle's hashes, files and signature.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{pick_lang, read_text};
use crate::bundle;

/// Arguments of `koujing verify`.
#[derive(clap::Args)]
pub struct Args {
    dir: PathBuf,
    #[arg(long)]
    pubkey: Option<PathBuf>,
    #[arg(long)]
    lang: Option<String>,
}

/// Run `koujing verify`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let lang = pick_lang(args.lang.as_deref(), None)?;
    let public = match &args.pubkey {
        Some(path) => Some(
            koujing_checker::compile::manifest::read_public(&read_text(path)?).ok_or_else(
                || format!("{}: 不是公钥文件 / not a public key file", path.display()),
            )?,
        ),
        None => None,
    };
    let files = bundle::read(&args.dir)?;
    let problems = koujing_checker::compile::manifest::verify(&files, public.as_ref());
    let mut stdout = std::io::stdout().lock();
    if problems.is_empty() {
        let signed = if public.is_some() {
            if lang.is_zh() {
                ",签名有效"
            } else {
                ", signature valid"
            }
        } else {
            ""
        };
        let _ = writeln!(
            stdout,
            "{}{signed}",
            if lang.is_zh() {
                "产物校验通过"
            } else {
                "bundle verified"
            }
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for problem in &problems {
            let _ = writeln!(stdout, "{}", problem.get(lang));
        }
        Ok(ExitCode::from(1))
    }
}
