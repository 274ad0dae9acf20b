//! `cargo bench -p koujing-bench --bench check`: parse throughput, the full
//! check at 1k / 10k / 100k campaigns, the dense province (20,000
//! campaigns, about 8 per county, channel and day against a limit of 6),
//! many counties (100,000 campaigns over 4,950 counties in 4,000 files,
//! one FAQ question every campaign asks), `build` and `fmt`.

use chrono::NaiveDate;
use koujing_bench::{generate_shape, Shape};
use koujing_checker::{check, Code, Options, Workspace};

/// The allocator the `koujing` binary uses, so that the figures are the ones
/// users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

fn bytes(files: koujing_bench::Files) -> Vec<(String, Vec<u8>)> {
    files
        .into_iter()
        .map(|(p, t)| (p, t.into_bytes()))
        .collect()
}

fn sources(n: usize) -> Vec<(String, Vec<u8>)> {
    bytes(koujing_bench::generate(1, n))
}

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default(),
        ..Options::default()
    }
}

fn run_check(bencher: divan::Bencher, files: Vec<(String, Vec<u8>)>) {
    let options = options();
    bencher.bench(|| {
        let workspace = Workspace::new(files.clone());
        check(&workspace, &options).diagnostics.len()
    });
}

#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 3, sample_size = 1)]
fn check_workspace(bencher: divan::Bencher, n: usize) {
    run_check(bencher, sources(n));
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn check_dense_20k(bencher: divan::Bencher) {
    let files = bytes(generate_shape(1, &Shape::dense(20_000)));
    // The output stays bounded: at most one KJ2002 per campaign.
    let workspace = Workspace::new(files.clone());
    let clusters = check(&workspace, &options())
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::KJ2002)
        .count();
    assert!(
        clusters > 0 && clusters <= 20_000,
        "{clusters} KJ2002 findings"
    );
    run_check(bencher, files);
}

#[divan::bench(args = [10_000, 100_000], sample_count = 3, sample_size = 1)]
fn check_many_counties(bencher: divan::Bencher, n: usize) {
    run_check(bencher, bytes(generate_shape(1, &Shape::many_counties(n))));
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
fn parse_10k_pest_only(bencher: divan::Bencher) {
    // The grammar of record alone, without the fast path in front of it.
    let files = koujing_bench::generate(1, 10_000);
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    bencher
        .counter(divan::counter::BytesCount::new(bytes))
        .bench(|| {
            files
                .iter()
                .map(|(_, t)| koujing_grammar::parse::parse_with_pest(t).file.items.len())
                .sum::<usize>()
        });
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn build_10k(bencher: divan::Bencher) {
    // The compiler itself, on the checked workspace, reusing the check's
    // results as `koujing build` does (the CLI refuses to build while errors
    // exist; the generated workspace has a few on purpose).
    let workspace = Workspace::new(sources(10_000));
    let report = koujing_checker::check(&workspace, &Default::default());
    bencher.bench(|| {
        koujing_checker::compile::build(&workspace, &report, &Default::default())
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

#[divan::bench(sample_count = 3, sample_size = 1)]
fn fmt_150k_items_one_file(bencher: divan::Bencher) {
    // 150,000 one-line items in one file (about 8 MB), as `koujing fmt`
    // and the LSP see a very large document.
    let mut text = String::new();
    for p in 0..150_000 {
        text.push_str(&format!(
            "product 附加{p} {{ kind: data; price: {} 元/月 }}\n",
            p % 90 + 1
        ));
    }
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| koujing_grammar::format::format(&text).map(|t| t.len()));
}
