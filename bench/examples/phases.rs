//! Time each phase of a check on a generated workspace:
//! `cargo run -p koujing-bench --release --example phases -- 10000`.

use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let t = Instant::now();
    let files = koujing_bench::generate(1, n);
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    println!(
        "generate  {:>8.1} ms  ({} files, {:.1} MB)",
        t.elapsed().as_secs_f64() * 1e3,
        files.len(),
        bytes as f64 / 1e6
    );
    let t = Instant::now();
    for (_, text) in &files {
        let _ = koujing_grammar::prescan::prescan(text);
    }
    println!("prescan   {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    for (_, text) in &files {
        let _ = koujing_grammar::parse::parse(text);
    }
    println!("parse     {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let ws = koujing_checker::Workspace::new(files.into_iter().map(|(p, t)| (p, t.into_bytes())));
    println!(
        "workspace {:>8.1} ms  (parse + lower + line index)",
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let report = koujing_checker::check(&ws, &koujing_checker::Options::default());
    println!(
        "check     {:>8.1} ms  ({} diagnostics)",
        t.elapsed().as_secs_f64() * 1e3,
        report.diagnostics.len()
    );
    let t = Instant::now();
    let json = koujing_checker::render::json(&ws, &report, koujing_checker::Lang::En);
    println!(
        "json      {:>8.1} ms  ({} bytes)",
        t.elapsed().as_secs_f64() * 1e3,
        json.to_string().len()
    );
}
