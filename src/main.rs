//! `koujing`: a thin clap front end over `koujing-checker`.
//!
//! This is the only place that touches the file system and the process
//! environment; everything else takes text in and gives results out.

mod load;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use koujing_checker::{check, render, Code, Lang, Options, Severity};

#[derive(Parser)]
#[command(
    name = "koujing",
    version,
    about = "口径 Koujing: check and ship marketing campaigns, commission rules and grading models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    Warnings,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Check a workspace: every `.kj` file under PATHS (default: the current folder).
    Check {
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Message language: zh-CN or en (default: koujing.toml, then LANG).
        #[arg(long)]
        lang: Option<String>,
        /// Also fail (exit 1) on warnings.
        #[arg(long, value_enum)]
        deny: Option<Deny>,
        /// The day against which suppression expiry is judged (default: today).
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
        /// Colour in human output.
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
    },
    /// Print the long explanation of a diagnostic code, e.g. `koujing explain KJ2001`.
    Explain { code: String },
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("expected a date YYYY-MM-DD, found `{text}`"))
}

/// Message language from the flag, the config, then the environment.
fn pick_lang(flag: Option<&str>, config: Option<Lang>) -> Result<Lang, String> {
    if let Some(flag) = flag {
        return Lang::parse(flag)
            .ok_or_else(|| format!("--lang {flag}: 应为 zh-CN 或 en / must be zh-CN or en"));
    }
    if let Some(lang) = config {
        return Ok(lang);
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Some(lang) = std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v))
        {
            return Ok(lang);
        }
    }
    Ok(Lang::Zh)
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Explain { code } => {
            let code: Code = code.parse().map_err(|()| {
                format!("未知的诊断代码 / unknown code `{code}` (KJ0001 … KJ7003)")
            })?;
            let info = code.info();
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{} ({}) · {} · {} / {}\n",
                info.code,
                info.name,
                info.severity.as_str(),
                info.summary_zh,
                info.summary_en
            );
            let _ = writeln!(out, "{}", info.explanation);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            paths,
            format,
            lang,
            deny,
            today,
            color,
        } => {
            let loaded = load::load(&paths)?;
            let lang = pick_lang(lang.as_deref(), loaded.config.lang)?;
            let today = today.unwrap_or_else(|| chrono::Local::now().date_naive());
            let options = Options {
                today,
                config: loaded.config,
            };
            let report = check(&loaded.workspace, &options);
            let text = match format {
                Format::Json => {
                    let value = render::json(&loaded.workspace, &report, lang);
                    serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n"
                }
                Format::Human => {
                    let color = match color {
                        Color::Always => true,
                        Color::Never => false,
                        Color::Auto => {
                            std::io::stdout().is_terminal()
                                && std::env::var_os("NO_COLOR").is_none()
                        }
                    };
                    render::human(&loaded.workspace, &report, lang, color)
                }
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            let failed = report.count(Severity::Error) > 0
                || (deny == Some(Deny::Warnings) && report.count(Severity::Warning) > 0);
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A large stack: parsing is bounded by the depth limit, but rendering and
    // the analyses should never be the thing that runs out.
    let worker = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || run(cli));
    let outcome = match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| Err("internal error: the checker panicked".to_string())),
        Err(e) => Err(format!("cannot start: {e}")),
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "koujing: {message}");
            ExitCode::from(2)
        }
    }
}
