//! `koujing explain`: the long explanation of a diagnostic code.

use std::io::Write;
use std::process::ExitCode;

use koujing_checker::Code;

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
        format!(
            "未知的诊断代码 / unknown code `{}` (KJ0001 … KJ7003)",
            args.code
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
    let _ = writeln!(out, "所有代码 / every code: docs/reference/diagnostics.md");
    Ok(ExitCode::SUCCESS)
}
