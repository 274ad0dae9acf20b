//! `koujing verify`: check a bundle's hashes, files and signature.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{pick_lang, read_text, LangArg};
use crate::bundle;
use koujing_checker::messages::BundleMsg;

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
        problems.push(BundleMsg::RequireSignatureNeedsKey.text(&[]));
    } else if args.require_signature && !has_signature {
        problems.push(BundleMsg::SignatureRequired.text(&[]));
    }
    if let Some(note) = koujing_checker::compile::manifest::older_format_note(&files) {
        eprintln!("{}", note.get(lang));
    }
    let mut stdout = std::io::stdout().lock();
    if problems.is_empty() {
        // Say plainly whether the signature was checked.
        let signed = match (public.is_some(), has_signature) {
            (true, _) => BundleMsg::SignatureValid,
            (false, true) => BundleMsg::SignatureNotChecked,
            (false, false) => BundleMsg::NotSigned,
        };
        let _ = writeln!(
            stdout,
            "{}",
            BundleMsg::Verified.get(lang, &[("signed", &signed.template(lang))])
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for problem in &problems {
            let _ = writeln!(stdout, "{}", problem.get(lang));
        }
        Ok(ExitCode::from(1))
    }
}
