//! `koujing`: a thin clap front end over `koujing-checker`.
//!
//! This is the only place that touches the file system and the process
//! environment; everything else takes text in and gives results out. Each
//! subcommand lives in its own module under `commands/`.

mod bundle;
mod commands;
mod kjtest;
mod load;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use commands::{build, check, diff, explain, fmt, keygen, query, report, test, verify};

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
        #[command(subcommand)]
        query: query::QueryCommand,
    },
    /// Run `*.kjtest` files: queries with expected answers.
    Test(test::Args),
    /// Format `.kj` files in one canonical layout (comments kept, meaning unchanged).
    Fmt(fmt::Args),
    /// Run the language server on standard input and output.
    Lsp,
    /// Print shell completions: `koujing completions bash|zsh|fish|elvish|powershell`.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
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
        Command::Check(args) => check::run(args),
        Command::Report(args) => report::run(args),
        Command::Query { query } => query::run(query),
        Command::Test(args) => test::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Lsp => {
            koujing_lsp::run_stdio().map_err(|e| format!("lsp: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "koujing", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let man = clap_mangen::Man::new(Cli::command());
            let mut out = Vec::new();
            man.render(&mut out).map_err(|e| e.to_string())?;
            let _ = std::io::stdout().lock().write_all(&out);
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain(args) => explain::run(args),
        Command::Build(args) => build::run(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Diff(args) => diff::run(args),
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
