//! How much of a check the reading of customer text costs (issue 15's
//! budget: at most 15% of `check` on 10,000 campaigns):
//! `cargo run -p koujing-bench --release --example wording_share -- 10000`.
//!
//! Prints the median wall time of a full check and of the wording analysis
//! alone (KJ3001–KJ3004, run on one core) and their ratio. The analyses of a
//! full check run in parallel, so the ratio is an upper bound of what the
//! reading adds to the wall time.

use std::time::{Duration, Instant};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let files = koujing_bench::generate(1, n);
    let workspace =
        koujing_checker::Workspace::new(files.into_iter().map(|(p, t)| (p, t.into_bytes())));
    let options = koujing_checker::Options::default();
    let check = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                let report = koujing_checker::check(&workspace, &options);
                std::hint::black_box(report.diagnostics.len());
                t.elapsed()
            })
            .collect(),
    );
    let (index, _) = koujing_checker::resolve::build_index(&workspace);
    let mut findings = 0;
    let wording = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                findings = koujing_checker::checks::wording::analyse(&workspace, &index).len();
                t.elapsed()
            })
            .collect(),
    );
    println!("campaigns          {n}");
    println!("check (full)       {:>8.1} ms", check.as_secs_f64() * 1e3);
    println!(
        "wording analysis   {:>8.1} ms  ({findings} findings)",
        wording.as_secs_f64() * 1e3
    );
    println!(
        "share              {:>8.1} %",
        100.0 * wording.as_secs_f64() / check.as_secs_f64().max(f64::EPSILON)
    );
}
