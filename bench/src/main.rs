//! `cargo run -p koujing-bench --release -- N OUT_DIR [SEED]`: write a
//! synthetic province workspace with N campaigns.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(out)) = (args.get(1).and_then(|n| n.parse().ok()), args.get(2)) else {
        eprintln!("usage: koujing-bench CAMPAIGNS OUT_DIR [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    for (path, text) in koujing_bench::generate(seed, n) {
        let full = std::path::Path::new(out).join(path);
        if let Some(parent) = full.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                eprintln!("{}: {e}", parent.display());
                return ExitCode::from(2);
            }
        }
        if let Err(e) = std::fs::write(&full, text) {
            eprintln!("{}: {e}", full.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
