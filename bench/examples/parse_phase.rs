//! The check's "parse + lower + line index" phase alone, on a workspace on
//! disk, on one core, with the binary's allocator: the program to time (and
//! run under `perf record`) when working on that phase. Every `.kj` file
//! under the folder is read once; each round builds the checker's
//! workspace from copies of the bytes, as `koujing check` does. The
//! fastest round is the figure least disturbed by other work.
//!
//! `RAYON_NUM_THREADS=1 cargo run -p koujing-bench --release --example parse_phase -- DIR [ROUNDS]`

use std::path::{Path, PathBuf};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "kj") {
            out.push(path);
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| ".".to_string()));
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let mut paths = Vec::new();
    walk(&dir, &mut paths);
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read(p).ok()?)))
        .collect();
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    println!(
        "{} files, {:.2} MB, {rounds} rounds (fastest / median round)",
        files.len(),
        bytes as f64 / 1e6
    );
    let mut sink = 0usize;
    let mut times: Vec<f64> = (0..rounds.max(1))
        .map(|_| {
            let t = Instant::now();
            let workspace = koujing_checker::Workspace::new_for_check(files.clone());
            let took = t.elapsed().as_secs_f64();
            sink += workspace.files.len();
            took
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let fastest = times.first().copied().unwrap_or_default();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    println!(
        "phase {:>7.1} ms {:>6.1} MB/s | {:>7.1} ms {:>6.1} MB/s",
        fastest * 1e3,
        bytes as f64 / fastest / 1e6,
        median * 1e3,
        bytes as f64 / median / 1e6
    );
    println!("({sink})");
}
