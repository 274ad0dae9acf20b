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

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use chrono::NaiveDate;
use clap::ValueEnum;
use koujing_checker::{Lang, Msg, Options, Severity};

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
    Lang::parse(text).ok_or_else(|| say(Msg::BadLang, &[("text", &text)]))
}

/// Parse `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| say(Msg::BadDate, &[("text", &text)]))
}

/// The language of the process's messages: 0 until chosen, then 1 zh, 2 en.
static LANG: AtomicU8 = AtomicU8::new(0);
/// Whether `--lang` was given (then `koujing.toml` does not override it).
static LANG_FLAG: AtomicBool = AtomicBool::new(false);

fn set_lang(lang: Lang) {
    let code = match lang {
        Lang::Zh => 1,
        Lang::En => 2,
    };
    LANG.store(code, Ordering::Relaxed);
}

/// The language messages are printed in: `--lang`, then the workspace's
/// `koujing.toml` once it is read, then the environment, then zh-CN.
pub fn lang() -> Lang {
    match LANG.load(Ordering::Relaxed) {
        1 => Lang::Zh,
        2 => Lang::En,
        _ => env_lang().unwrap_or(Lang::Zh),
    }
}

/// Choose the language at start, from `--lang` (wherever it stands on the
/// command line) or the environment; messages before the workspace is read
/// use it.
pub fn init_lang(args: &[std::ffi::OsString]) {
    let flag = args.iter().enumerate().find_map(|(i, arg)| {
        let arg = arg.to_str()?;
        let value = match arg.strip_prefix("--lang=") {
            Some(value) => value,
            None if arg == "--lang" => args.get(i + 1)?.to_str()?,
            None => return None,
        };
        Lang::parse(value)
    });
    LANG_FLAG.store(flag.is_some(), Ordering::Relaxed);
    set_lang(flag.or_else(env_lang).unwrap_or(Lang::Zh));
}

/// The workspace's `koujing.toml` was read: its language applies unless
/// `--lang` was given.
pub fn workspace_lang(config: Option<Lang>) {
    if let (false, Some(lang)) = (LANG_FLAG.load(Ordering::Relaxed), config) {
        set_lang(lang);
    }
}

/// A message of the catalogue in the chosen language.
pub fn say(msg: Msg, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    msg.get(lang(), args)
}

/// Message language from the flag, the config, then the environment; the
/// choice also applies to every later message of the process.
pub fn pick_lang(flag: Option<Lang>, config: Option<Lang>) -> Lang {
    let lang = flag.or(config).or_else(env_lang).unwrap_or(Lang::Zh);
    set_lang(lang);
    lang
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

/// Bytes read from a key file at most: keys are a few dozen bytes.
const KEY_FILE_CAP: u64 = 64 * 1024;

/// Read a small text file named on the command line (a key): symbolic links
/// are followed, but a FIFO, device or socket is refused without waiting on
/// it, and at most 64 KiB are read — `--sign-key /dev/zero` cannot hang or
/// fill memory.
pub fn read_text(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let cannot = |e: &dyn std::fmt::Display| {
        say(Msg::CannotRead, &[("path", &path.display()), ("error", e)])
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| cannot(&e))?;
    if !file.metadata().map_err(|e| cannot(&e))?.is_file() {
        return Err(cannot(&say(Msg::NotRegularFile, &[])));
    }
    let mut bytes = Vec::new();
    file.take(KEY_FILE_CAP + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot(&e))?;
    if bytes.len() as u64 > KEY_FILE_CAP {
        return Err(cannot(&say(Msg::TooLargeForKey, &[])));
    }
    String::from_utf8(bytes).map_err(|e| cannot(&e))
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
    // No command reads the semantic model (the editor's): skip it.
    let report = koujing_checker::timing::time("check", || {
        koujing_checker::check_findings(&loaded.workspace, &options)
    });
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
        return Err(say(Msg::WorkspaceHasErrors, &[("errors", &errors)]));
    }
    let build_options = koujing_checker::compile::BuildOptions {
        source_paths: loaded.relative.clone(),
        source_date_epoch: None,
        signing_key: None,
    };
    let built = koujing_checker::compile::build(&loaded.workspace, &report, &build_options);
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
