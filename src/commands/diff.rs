//! `koujing diff`: what changed between two bundles.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{pick_lang, Format};
use crate::bundle;

/// Arguments of `koujing diff`.
#[derive(clap::Args)]
pub struct Args {
    old: PathBuf,
    new: PathBuf,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[arg(long)]
    lang: Option<String>,
}

/// Run `koujing diff`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let lang = pick_lang(args.lang.as_deref(), None)?;
    let differences =
        koujing_checker::compile::diff::diff(&bundle::read(&args.old)?, &bundle::read(&args.new)?)?;
    let mut stdout = std::io::stdout().lock();
    match args.format {
        Format::Sarif | Format::Github | Format::Junit => {
            return Err(
                "diff 只支持 --format human|json / diff supports --format human|json".to_string(),
            )
        }
        Format::Json => {
            let list: Vec<serde_json::Value> = differences
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "kind": d.kind,
                        "change": d.change,
                        "name": d.name,
                        "fields": d.fields.iter().map(|(f, a, b)| serde_json::json!({ "field": f, "old": a, "new": b })).collect::<Vec<_>>(),
                        "message": d.describe(lang.is_zh()),
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&serde_json::json!({ "differences": list }))
                .map_err(|e| e.to_string())?;
            let _ = writeln!(stdout, "{text}");
        }
        Format::Human => {
            for d in &differences {
                let _ = writeln!(stdout, "{}", d.describe(lang.is_zh()));
            }
            if differences.is_empty() {
                let _ = writeln!(
                    stdout,
                    "{}",
                    if lang.is_zh() {
                        "两个产物内容相同"
                    } else {
                        "no differences"
                    }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
