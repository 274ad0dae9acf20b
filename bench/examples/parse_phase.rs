//! The check's "parse + lower + line index" phase alone, on a workspace on
//! disk, on one core, with the binary's allocator: the program to time (and
//! run under `perf record`) when working on that phase. Every `.kj` file
//! under the folder is read once; each round builds the checker's
//! workspace from copies of the bytes, as `koujing check` does. Each round
//! is timed twice: wall time, and the process's CPU time (which other work
//! on a shared machine disturbs much less); the fastest round is the
//! figure least disturbed.
//!
//! `RAYON_NUM_THREADS=1 cargo run -p koujing-bench --release --example parse_phase -- DIR [ROUNDS]`

use std::path::{Path, PathBuf};
use std::time::Instant;

use rustix::time::{clock_gettime, ClockId};

fn cpu_seconds() -> f64 {
    let t = clock_gettime(ClockId::ProcessCPUTime);
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

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
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..rounds.max(1) {
        let (t, c) = (Instant::now(), cpu_seconds());
        let workspace = koujing_checker::Workspace::new_for_check(files.clone());
        walls.push(t.elapsed().as_secs_f64());
        cpus.push(cpu_seconds() - c);
        sink += workspace.files.len();
    }
    for (name, mut times) in [("wall", walls), ("cpu", cpus)] {
        times.sort_by(f64::total_cmp);
        let fastest = times.first().copied().unwrap_or_default();
        let median = times.get(times.len() / 2).copied().unwrap_or_default();
        println!(
            "{name:<4} {:>7.1} ms {:>6.1} MB/s | {:>7.1} ms {:>6.1} MB/s",
            fastest * 1e3,
            bytes as f64 / fastest / 1e6,
            median * 1e3,
            bytes as f64 / median / 1e6
        );
    }
    println!("({sink})");
}
