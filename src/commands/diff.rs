//! `koujing diff`: what changed between two bundles.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{pick_lang, DataFormat, LangArg};
use crate::bundle;
use koujing_checker::messages::BundleMsg;

/// Arguments of `koujing diff`.
#[derive(clap::Args)]
pub struct Args {
    /// The earlier bundle folder.
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The later bundle folder.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: DataFormat,
    #[command(flatten)]
    lang: LangArg,
}

/// Run `koujing diff`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let lang = pick_lang(args.lang.lang, None);
    let differences =
        koujing_checker::compile::diff::diff(&bundle::read(&args.old)?, &bundle::read(&args.new)?)?;
    let mut stdout = std::io::stdout().lock();
    match args.format {
        DataFormat::Json => {
            #[derive(serde::Serialize)]
            struct Output<'a> {
                differences: Vec<koujing_checker::compile::diff::Described<'a>>,
            }
            let output = Output {
                differences: differences.iter().map(|d| d.described(lang)).collect(),
            };
            let text = serde_json::to_string_pretty(&output).map_err(|e| e.to_string())?;
            let _ = writeln!(stdout, "{text}");
        }
        DataFormat::Human => {
            for d in &differences {
                let _ = writeln!(stdout, "{}", d.describe(lang));
            }
            if differences.is_empty() {
                let _ = writeln!(stdout, "{}", BundleMsg::NoDifferences.template(lang));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
