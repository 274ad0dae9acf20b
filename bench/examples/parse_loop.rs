//! Parse the generated 10,000-campaign workspace in a loop, one core, and
//! print the throughput of each stage (pre-scan, parse to the syntax tree,
//! parse and lower): the program to run under `perf record` when working on
//! parse speed. Each round is timed on its own; the fastest round is the
//! figure least disturbed by other work on a shared machine.
//!
//! `cargo run -p koujing-bench --release --example parse_loop -- [ROUNDS] [CAMPAIGNS] [STAGE]`
//! where STAGE is `prescan`, `tree` or `file` (default: all three).

use std::time::Instant;

/// One stage: its name and the work on one file's text.
type Stage = (&'static str, fn(&str) -> usize);

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let stage = args.next().unwrap_or_default();
    let files = koujing_bench::generate(1, n);
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    println!(
        "{} files, {:.2} MB, {rounds} rounds (fastest / median round)",
        files.len(),
        bytes as f64 / 1e6
    );
    let stages: [Stage; 3] = [
        ("prescan", |t| {
            koujing_grammar::prescan::prescan(t).chunks.len()
        }),
        ("tree", |t| {
            koujing_grammar::parse::parse(t).file.items.len()
        }),
        ("file", |t| {
            koujing_grammar::parse_file(t).module.items.len()
        }),
    ];
    let mut sink = 0usize;
    for (name, work) in stages {
        if !stage.is_empty() && stage != name {
            continue;
        }
        let mut times: Vec<f64> = (0..rounds.max(1))
            .map(|_| {
                let t = Instant::now();
                for (_, text) in &files {
                    sink += work(text);
                }
                t.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let fastest = times.first().copied().unwrap_or_default();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        println!(
            "{name:<8} {:>7.1} ms {:>6.1} MB/s | {:>7.1} ms {:>6.1} MB/s",
            fastest * 1e3,
            bytes as f64 / fastest / 1e6,
            median * 1e3,
            bytes as f64 / median / 1e6
        );
    }
    println!("({sink})");
}
