//! `koujing keygen`: write a new Ed25519 key pair.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::bundle;

/// Arguments of `koujing keygen`.
#[derive(clap::Args)]
pub struct Args {
    /// Where to write the pair: NAME writes NAME.key (private, mode 0600)
    /// and NAME.pub (public).
    #[arg(long, value_name = "NAME")]
    out: PathBuf,
}

/// Run `koujing keygen`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let (key, public) = bundle::keygen(&args.out)?;
    let _ = writeln!(std::io::stdout(), "{}\n{}", key.display(), public.display());
    Ok(ExitCode::SUCCESS)
}
