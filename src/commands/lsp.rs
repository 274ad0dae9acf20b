//! `koujing lsp`: the language server on standard input and output.

use std::process::ExitCode;

use super::LangArg;

/// Arguments of `koujing lsp`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    lang: LangArg,
}

/// Run `koujing lsp` until the editor says `exit`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    // Exit code 1 for `exit` without `shutdown`, as the protocol says.
    let orderly = koujing_lsp::run_stdio(args.lang.lang).map_err(|e| format!("lsp: {e}"))?;
    Ok(if orderly {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
