//! `koujing man`: man pages generated from the command-line definition,
//! one per subcommand, each with EXIT STATUS, FILES, ENVIRONMENT and SEE
//! ALSO sections that name only pages generated alongside it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use koujing_checker::Msg;

use super::say;

/// Arguments of `koujing man`.
#[derive(clap::Args)]
pub struct Args {
    /// The subcommand whose page to print, e.g. `check` or `query offers`
    /// (default: the page of `koujing` itself).
    #[arg(value_name = "COMMAND")]
    command: Vec<String>,
    /// Write every page (koujing.1, koujing-check.1, …) into this folder
    /// instead of printing one.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    out: Option<PathBuf>,
}

const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Success: no finding at or above the fail level, the bundle was written or verified, every test passed.
.TP
\fB1\fR
The input has problems: findings at or above the fail level (\fBcheck\fR), a refused build, a bundle that does not verify, a failing test, files that \fBfmt \-\-check\fR would change.
.TP
\fB2\fR
The command could not do its work: a wrong argument, an unreadable path, an invalid koujing.toml.
"#;

const FILES: &str = r#".SH FILES
.TP
\fBkoujing.toml\fR
The workspace configuration, at the workspace root: \fBlang\fR (zh\-CN or en), \fBroots\fR (the folders to read, relative to it) and \fB[lints]\fR (a level per code: allow, info, warning or error).
.TP
\fB*.kj\fR, \fB*.kjtest\fR
Source files and test files of a workspace. Folders starting with a dot, \fBtarget\fR and \fBnode_modules\fR are not searched.
"#;

const ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
\fBLC_ALL\fR, \fBLC_MESSAGES\fR, \fBLANG\fR
The message language when neither \fB\-\-lang\fR nor koujing.toml sets one (zh_CN.* or en_*; anything else means zh\-CN).
.TP
\fBNO_COLOR\fR
When set, human output has no colour unless \fB\-\-color always\fR.
.TP
\fBSOURCE_DATE_EPOCH\fR
The build time recorded in a bundle's manifest, for reproducible builds.
"#;

/// Every page: (file name, roff text), the root page first.
pub fn pages(root: clap::Command) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut root = root.disable_help_subcommand(true);
    root.build();
    let mut all = Vec::new();
    collect(&root, &mut all);
    let names: Vec<String> = all
        .iter()
        .map(|c| c.get_display_name().unwrap_or(c.get_name()).to_string())
        .collect();
    let mut pages = Vec::new();
    for command in &all {
        let name = command.get_display_name().unwrap_or(command.get_name());
        let mut text = Vec::new();
        clap_mangen::Man::new(command.clone())
            .render(&mut text)
            .map_err(|e| e.to_string())?;
        text.extend_from_slice(EXIT_STATUS.as_bytes());
        text.extend_from_slice(FILES.as_bytes());
        text.extend_from_slice(ENVIRONMENT.as_bytes());
        let see_also: Vec<String> = names
            .iter()
            .filter(|n| n.as_str() != name)
            .map(|n| format!("\\fB{n}\\fR(1)"))
            .collect();
        text.extend_from_slice(format!(".SH \"SEE ALSO\"\n{}\n", see_also.join(", ")).as_bytes());
        pages.push((format!("{name}.1"), text));
    }
    Ok(pages)
}

fn collect(command: &clap::Command, out: &mut Vec<clap::Command>) {
    out.push(command.clone());
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, out);
    }
}

/// Run `koujing man`.
pub fn run(args: Args, root: clap::Command) -> Result<ExitCode, String> {
    let pages = pages(root)?;
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).map_err(|e| {
            say(
                Msg::CannotCreate,
                &[("path", &dir.display()), ("error", &e)],
            )
        })?;
        for (name, text) in &pages {
            write(&dir.join(name), text)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let wanted = std::iter::once("koujing".to_string())
        .chain(args.command.iter().cloned())
        .collect::<Vec<_>>()
        .join("-")
        + ".1";
    let (_, text) = pages
        .iter()
        .find(|(name, _)| *name == wanted)
        .ok_or_else(|| say(Msg::NoSuchSubcommand, &[("name", &args.command.join(" "))]))?;
    let _ = std::io::stdout().lock().write_all(text);
    Ok(ExitCode::SUCCESS)
}

fn write(path: &Path, text: &[u8]) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| {
        say(
            Msg::CannotWrite,
            &[("path", &path.display()), ("error", &e)],
        )
    })
}
