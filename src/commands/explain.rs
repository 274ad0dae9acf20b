//! `koujing explain`: the long explanation of a diagnostic code.

use std::io::Write;
use std::process::ExitCode;

use koujing_checker::Code;

/// Arguments of `koujing explain`.
#[derive(clap::Args)]
pub struct Args {
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
    Ok(ExitCode::SUCCESS)
}
