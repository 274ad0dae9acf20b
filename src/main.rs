//! `koujing`: a thin clap front end over `koujing-checker`.
//!
//! This is the only place that touches the file system and the process
//! environment; everything else takes text in and gives results out. Each
//! subcommand lives in its own module under `commands/`.

mod baseline;
mod bundle;
mod commands;
mod kjtest;
mod load;
mod progress;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use koujing_checker::Msg;

use commands::{build, check, diff, explain, fmt, keygen, lsp, man, query, report, test, verify};

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

#[derive(Subcommand)]
enum Command {
    /// Check a workspace: every `.kj` file under PATHS (default: the current folder).
    Check(check::Args),
    /// Write a self-contained HTML report for reviewers: calendar, channel load,
    /// commission tables, grading models, findings.
    Report(report::Args),
    /// Ask the evaluator: which offers apply, which commission row pays, which grade.
    Query {
        /// The question.
        #[command(subcommand)]
        query: query::QueryCommand,
    },
    /// Run `*.kjtest` files: queries with expected answers.
    Test(test::Args),
    /// Format `.kj` files in one canonical layout (comments kept, meaning unchanged).
    Fmt(fmt::Args),
    /// Run the language server on standard input and output.
    Lsp(lsp::Args),
    /// Print shell completions: `koujing completions bash|zsh|fish|elvish|powershell`.
    Completions {
        /// The shell to complete for.
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff), or write them all with `--out DIR`.
    Man(man::Args),
    /// Print the long explanation of a diagnostic code, e.g. `koujing explain KJ2001`.
    Explain(explain::Args),
    /// Compile a clean workspace into a deterministic bundle folder.
    Build(build::Args),
    /// Write a new Ed25519 key pair: NAME.key (private, mode 0600) and NAME.pub.
    Keygen(keygen::Args),
    /// Check a bundle: every hash, missing and extra files, and the signature.
    Verify(verify::Args),
    /// What changed between two bundles: campaigns, commission rows, grading weights, FAQ.
    Diff(diff::Args),
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Check(args) => koujing_checker::timing::time("whole command", || check::run(args)),
        Command::Report(args) => report::run(args),
        Command::Query { query } => query::run(query),
        Command::Test(args) => test::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "koujing", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man(args) => man::run(args, Cli::command()),
        Command::Explain(args) => explain::run(args),
        Command::Build(args) => build::run(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Diff(args) => diff::run(args),
    }
}

/// Make a write past the file-size limit (`ulimit -f`) an error that the
/// write paths clean up after, instead of a signal that kills the process
/// and leaves temporaries behind.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_IGN at start-up, before
    // any thread is spawned, installs no handler code.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// mimalloc instead of the system allocator: parsing and the analyses make
/// millions of small allocations on both cores, and glibc's malloc spent
/// ~15% of a 100,000-campaign check in its own bookkeeping. Built without
/// transparent huge pages (`no_thp`): with them, zeroing 2 MB pages cost up
/// to a second of system time and ~50 MB of peak memory. Measured in
/// docs/PERFORMANCE.md ("Session 6").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ignore_file_size_signal();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    commands::init_lang(&args);
    let cli = Cli::parse_from(args);
    // A large stack: parsing is bounded by the depth limit, but rendering and
    // the analyses should never be the thing that runs out.
    let worker = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || run(cli));
    let outcome = match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| Err(commands::say(Msg::InternalError, &[]))),
        Err(e) => Err(commands::say(Msg::CannotStart, &[("error", &e)])),
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "koujing: {message}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every argument of every subcommand says what it is for.
    #[test]
    fn every_argument_has_help() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                if help.trim().is_empty() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in command.get_subcommands() {
                if sub
                    .get_about()
                    .is_none_or(|a| a.to_string().trim().is_empty())
                {
                    missing.push(format!("{path} {} (about)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "koujing", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:#?}");
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
