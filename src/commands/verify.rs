//! `koujing verify`: check a bundle's hashes, files and signature.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{pick_lang, read_text, LangArg};
use crate::bundle;

/// Arguments of `koujing verify`.
#[derive(clap::Args)]
pub struct Args {
    /// The bundle folder written by `koujing build`.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Check the signature of manifest.json with this Ed25519 public key
    /// (NAME.pub from `koujing keygen`).
    #[arg(long, value_name = "FILE")]
    pubkey: Option<PathBuf>,
    /// Fail (exit 1) unless the bundle is signed and the signature was
    /// checked with `--pubkey`.
    #[arg(long)]
    require_signature: bool,
    #[command(flatten)]
    lang: LangArg,
}

/// Run `koujing verify`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let lang = pick_lang(args.lang.lang, None);
    let public = match &args.pubkey {
        Some(path) => Some(
            koujing_checker::compile::manifest::read_public(&read_text(path)?).ok_or_else(
                || {
                    super::say(
                        koujing_checker::Msg::NotPublicKey,
                        &[("path", &path.display())],
                    )
                },
            )?,
        ),
        None => None,
    };
    let files = bundle::read(&args.dir)?;
    let mut problems = bundle::verify(&files, public.as_ref());
    let has_signature = files.contains_key(koujing_checker::compile::manifest::SIGNATURE);
    if args.require_signature && public.is_none() {
        problems.push(koujing_checker::LocalText::new(
            "--require-signature 需要 --pubkey 才能检查签名",
            "--require-signature needs --pubkey to check the signature",
        ));
    } else if args.require_signature && !has_signature {
        problems.push(koujing_checker::LocalText::new(
            "产物未签名(缺少 manifest.sig),而要求签名",
            "the bundle is not signed (manifest.sig is missing) and a signature is required",
        ));
    }
    if let Some(note) = koujing_checker::compile::manifest::older_format_note(&files) {
        eprintln!("{}", note.get(lang));
    }
    let mut stdout = std::io::stdout().lock();
    if problems.is_empty() {
        // Say plainly whether the signature was checked.
        let signed = match (public.is_some(), has_signature, lang.is_zh()) {
            (true, _, true) => ",签名有效",
            (true, _, false) => ", signature valid",
            (false, true, true) => ";签名未检查(未提供 --pubkey)",
            (false, true, false) => "; signature NOT checked (no --pubkey given)",
            (false, false, true) => ";未签名",
            (false, false, false) => "; not signed",
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
