//! One module per subcommand, and the pieces they share: date parsing,
//! language choice, loading and checking a workspace, the evaluator's data.

pub mod build;
pub mod check;
mod check_output;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod keygen;
pub mod lsp;
pub mod man;
pub mod query;
pub mod report;
pub mod test;
pub mod verify;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::ValueEnum;
use koujing_checker::{check, Lang, Options, Severity};

use crate::progress::Progress;
use crate::{bundle, load};

/// The formats of `koujing check`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Text for people, with source snippets.
    Human,
    /// One JSON document (positions in characters).
    Json,
    /// SARIF 2.1.0 for code-scanning services.
    Sarif,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// JUnit XML, one test case per file.
    Junit,
}

/// The formats of commands that answer with data (`query`, `diff`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// Text for people.
    Human,
    /// One JSON document.
    Json,
}

/// The message language option shared by every subcommand that prints text.
#[derive(clap::Args)]
pub struct LangArg {
    /// Message language, zh-CN or en (default: the workspace's koujing.toml,
    /// then LC_ALL / LC_MESSAGES / LANG, then zh-CN).
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
}

/// The reference day shared by `check`, `build` and `report`.
#[derive(clap::Args)]
pub struct TodayArg {
    /// The day against which suppression expiry and readiness are judged,
    /// YYYY-MM-DD (default: today's local date).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

fn parse_lang(text: &str) -> Result<Lang, String> {
    Lang::parse(text)
        .ok_or_else(|| format!("应为 zh-CN 或 en / must be zh-CN or en, found `{text}`"))
}

/// Parse `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("expected a date YYYY-MM-DD, found `{text}`"))
}

/// Message language from the flag, the config, then the environment.
pub fn pick_lang(flag: Option<Lang>, config: Option<Lang>) -> Lang {
    flag.or(config).or_else(env_lang).unwrap_or(Lang::Zh)
}

/// The language of the process environment (`LC_ALL`, `LC_MESSAGES`, `LANG`).
pub fn env_lang() -> Option<Lang> {
    ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|var| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v))
    })
}

/// Read a text file, with a bilingual error naming it.
pub fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("无法读取 / cannot read {}: {e}", path.display()))
}

/// Load a workspace and check it: the shared start of `check`, `build`,
/// `report` and the evaluator.
pub fn check_paths(
    paths: &[PathBuf],
    today: Option<NaiveDate>,
    require_reason: bool,
    progress: &Progress,
) -> Result<(load::Loaded, koujing_checker::Report), String> {
    check_loaded(
        load::load(paths, load::Empty::Refuse)?,
        today,
        require_reason,
        progress,
    )
}

/// Check a workspace already loaded.
pub fn check_loaded(
    loaded: load::Loaded,
    today: Option<NaiveDate>,
    require_reason: bool,
    progress: &Progress,
) -> Result<(load::Loaded, koujing_checker::Report), String> {
    progress.step(&format!("checking {} files", loaded.workspace.files.len()));
    let options = Options {
        today: today.unwrap_or_else(|| chrono::Local::now().date_naive()),
        config: loaded.config.clone(),
        require_reason,
    };
    let report = koujing_checker::timing::time("check", || check(&loaded.workspace, &options));
    progress.step("");
    Ok((loaded, report))
}

/// The evaluator's data: the given bundle, or the sources compiled in memory.
pub fn runtime(
    paths: &[PathBuf],
    bundle_dir: Option<&PathBuf>,
) -> Result<(koujing_checker::query::Runtime, Option<Lang>), String> {
    if let Some(dir) = bundle_dir {
        let files = bundle::read(dir)?;
        return Ok((koujing_checker::query::Runtime::from_files(&files)?, None));
    }
    // `koujing test` may name .kjtest files beside the workspace folders.
    let sources: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "kj"))
        .cloned()
        .collect();
    let (loaded, report) = check_paths(&sources, None, false, &Progress::start(false, 0, ""))?;
    let errors = report.count(Severity::Error);
    if errors > 0 {
        return Err(format!(
            "工作区有 {errors} 个错误,先运行 koujing check / the workspace has {errors} errors; run koujing check first"
        ));
    }
    let build_options = koujing_checker::compile::BuildOptions {
        source_paths: loaded.relative.clone(),
        source_date_epoch: None,
        signing_key: None,
    };
    let built = koujing_checker::compile::build(&loaded.workspace, &build_options);
    Ok((
        koujing_checker::query::Runtime::from_files(&built.files)?,
        loaded.config.lang,
    ))
}

/// Human output uses colour when stdout is a terminal and `NO_COLOR` is unset.
pub fn auto_color() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
