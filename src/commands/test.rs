//! `koujing test`: run `*.kjtest` files against the evaluator.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use super::{pick_lang, runtime, LangArg};
use koujing_checker::messages::QueryMsg;

/// The formats of `koujing test`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TestFormat {
    /// PASS / FAIL lines with the differences.
    Human,
    /// JUnit XML, one test case per query.
    Junit,
}
use crate::kjtest;

/// Arguments of `koujing test`.
#[derive(clap::Args)]
pub struct Args {
    /// Folders with `.kjtest` files and the workspace, or the `.kjtest`
    /// files themselves (default: the current folder).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// Evaluate a built bundle folder instead of the sources.
    #[arg(long, value_name = "DIR")]
    bundle: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: TestFormat,
    #[command(flatten)]
    lang: LangArg,
}

/// Run `koujing test`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let (runtime, config_lang) = runtime(&args.paths, args.bundle.as_ref())?;
    let lang = pick_lang(args.lang.lang, config_lang);
    if let Some(note) = runtime.older_note() {
        eprintln!("{}", note.get(lang));
    }
    let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
    let files = kjtest::find(&args.paths)?;
    if files.is_empty() {
        return Err(super::say(koujing_checker::Msg::NoKjtestFiles, &[]));
    }
    let mut outcomes = Vec::new();
    for file in &files {
        let shown = file
            .strip_prefix(&cwd)
            .unwrap_or(file)
            .display()
            .to_string();
        outcomes.extend(kjtest::run_file(&runtime, file, &shown, lang)?);
    }
    let failed = outcomes.iter().filter(|o| !o.diff.is_empty()).count();
    let mut out = String::new();
    match args.format {
        TestFormat::Junit => out = kjtest::junit(&outcomes),
        TestFormat::Human => {
            for o in &outcomes {
                if o.diff.is_empty() {
                    out.push_str(&format!("PASS {} · {}\n", o.file, o.name));
                } else {
                    out.push_str(&format!("FAIL {} · {}\n", o.file, o.name));
                    for line in &o.diff {
                        for l in line.lines() {
                            out.push_str(&format!("    {l}\n"));
                        }
                    }
                }
            }
            out.push_str(&QueryMsg::TestSummary.get(
                lang,
                &[("passed", &(outcomes.len() - failed)), ("failed", &failed)],
            ));
            out.push('\n');
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
