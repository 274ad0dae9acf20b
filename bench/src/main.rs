//! `koujing-bench N OUT_DIR [SEED] [OPTIONS]`: write a synthetic province
//! workspace with N campaigns.
//!
//! Options: `--dense` (1–3 counties of one city each, limit 6),
//! `--many-counties` (550 cities × 9 counties, files of 25, a shared FAQ
//! question), `--cities C --counties K` (C cities of K counties each),
//! `--per-file F`, `--limit L`, `--shared-faq`.

use std::process::ExitCode;

use koujing_bench::{generate_shape, Shape};

const USAGE: &str = "usage: koujing-bench CAMPAIGNS OUT_DIR [SEED] [--dense | --many-counties] [--cities C --counties K] [--per-file F] [--limit L] [--shared-faq]";

fn parse(args: &[String]) -> Option<(Shape, String, u64)> {
    let n: usize = args.get(1)?.parse().ok()?;
    let out = args.get(2)?.clone();
    let mut seed = 1;
    let mut shape = Shape::realistic(n);
    let mut cities: Option<usize> = None;
    let mut counties: Option<usize> = None;
    let mut rest = args.iter().skip(3).peekable();
    if let Some(s) = rest.peek().and_then(|s| s.parse().ok()) {
        seed = s;
        rest.next();
    }
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--dense" => shape = Shape::dense(n),
            "--many-counties" => shape = Shape::many_counties(n),
            "--shared-faq" => shape.shared_faq = true,
            "--cities" => cities = Some(rest.next()?.parse().ok()?),
            "--counties" => counties = Some(rest.next()?.parse().ok()?),
            "--per-file" => shape.per_file = rest.next()?.parse().ok()?,
            "--limit" => shape.limit = Some(rest.next()?.parse().ok()?),
            _ => return None,
        }
    }
    if cities.is_some() || counties.is_some() {
        let (c, k) = shape.cities.unwrap_or((11, 9));
        shape.cities = Some((cities.unwrap_or(c), counties.unwrap_or(k)));
    }
    Some((shape, out, seed))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some((shape, out, seed)) = parse(&args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    for (path, text) in generate_shape(seed, &shape) {
        let full = std::path::Path::new(&out).join(path);
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
