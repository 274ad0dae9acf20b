//! `cargo bench -p koujing-bench`: parse throughput and the full check at
//! 1k / 10k / 100k campaigns.

use chrono::NaiveDate;
use koujing_checker::{check, Options, Workspace};

fn main() {
    divan::main();
}

fn sources(n: usize) -> Vec<(String, Vec<u8>)> {
    koujing_bench::generate(1, n)
        .into_iter()
        .map(|(p, t)| (p, t.into_bytes()))
        .collect()
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 3, sample_size = 1)]
fn check_workspace(bencher: divan::Bencher, n: usize) {
    let files = sources(n);
    let options = Options {
        today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default(),
        ..Options::default()
    };
    bencher.bench(|| {
        let workspace = Workspace::new(files.clone());
        check(&workspace, &options).diagnostics.len()
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn parse_10k(bencher: divan::Bencher) {
    let files = koujing_bench::generate(1, 10_000);
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| {
            files
                .iter()
                .map(|(_, t)| koujing_grammar::parse_file(t).module.items.len())
                .sum::<usize>()
        });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn build_10k(bencher: divan::Bencher) {
    // The compiler itself, on the parsed workspace (the CLI refuses to build
    // while errors exist; the generated workspace has a few on purpose).
    let workspace = Workspace::new(sources(10_000));
    bencher.bench(|| {
        koujing_checker::compile::build(&workspace, &Default::default())
            .files
            .len()
    });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn fmt_10k(bencher: divan::Bencher) {
    let files = koujing_bench::generate(1, 10_000);
    bencher.bench(|| {
        files
            .iter()
            .filter_map(|(_, t)| koujing_grammar::format::format(t).ok())
            .map(|t| t.len())
            .sum::<usize>()
    });
}
