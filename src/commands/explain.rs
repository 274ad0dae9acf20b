//! `koujing explain`: the long explanation of a diagnostic code.

use std::io::Write;
use std::process::ExitCode;

use koujing_checker::{Code, Msg};

use super::say;

/// Arguments of `koujing explain`.
#[derive(clap::Args)]
pub struct Args {
    /// A diagnostic code, e.g. KJ2001.
    #[arg(value_name = "CODE")]
    code: String,
}

/// Run `koujing explain`.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let code: Code = args.code.parse().map_err(|()| {
        let (first, last) = (Code::ALL.first(), Code::ALL.last());
        say(
            Msg::UnknownCode,
            &[
                ("code", &args.code),
                ("first", &first.map_or("", |c| c.as_str())),
                ("last", &last.map_or("", |c| c.as_str())),
            ],
        )
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
    let every = say(
        Msg::EveryCode,
        &[("path", &"docs/reference/diagnostics.md")],
    );
    let _ = writeln!(out, "{every}");
    Ok(ExitCode::SUCCESS)
}
