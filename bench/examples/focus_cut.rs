//! The editor's focused re-check on a generated workspace: for each
//! campaign-only file, after the edit of the LSP benchmark (one discount
//! changes), how many campaigns the cut-down workspace holds and how long
//! the focused re-check takes, against the full check.
//! `cargo run -p koujing-bench --release --example focus_cut [N] [dense|many]`

// A measurement program: a failed setup should stop it loudly.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::time::Instant;

use koujing_checker::{check_for_editor, focus, Options, Workspace};

/// The allocator the `koujing` binary uses, so that the figures are the ones
/// users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let campaigns: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let shape = match std::env::args().nth(2).as_deref() {
        Some("dense") => koujing_bench::Shape::dense(campaigns),
        Some("many") => koujing_bench::Shape::many_counties(campaigns),
        _ => koujing_bench::Shape::realistic(campaigns),
    };
    let files = koujing_bench::generate_shape(1, &shape);
    let workspace = Workspace::new(files.into_iter().map(|(p, t)| (p, t.into_bytes())));
    let options = Options::default();
    let start = Instant::now();
    let report = check_for_editor(&workspace, &options);
    let full = start.elapsed();
    let focus = report.focus.clone().expect("focus");
    let mut times = Vec::new();
    let mut sizes = Vec::new();
    let paths: Vec<String> = workspace
        .files
        .iter()
        .filter(|f| f.path.starts_with("cities/"))
        .take(40)
        .map(|f| f.path.clone())
        .collect();
    let mut workspace = workspace;
    for path in paths {
        // The edit of the LSP benchmark: one discount changes.
        let id = workspace.files.iter().position(|f| f.path == path).unwrap();
        let old = workspace.files[id].text.clone();
        let clustering: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.file == id && d.code.as_str() == "KJ2002")
            .cloned()
            .collect();
        workspace.set_file(&path, old.replacen("discount ", "discount 1", 1).as_bytes());
        let before = focus::Before {
            text: &old,
            clustering: &clustering,
            mirrored: &[],
        };
        let start = Instant::now();
        let focused = focus::check_file(&workspace, &focus, &path, &options, Some(before));
        let elapsed = start.elapsed();
        workspace.set_file(&path, old.as_bytes());
        let Some(focused) = focused else {
            continue;
        };
        times.push(elapsed.as_secs_f64() * 1e3);
        sizes.push(focused.campaigns);
    }
    times.sort_by(f64::total_cmp);
    sizes.sort_unstable();
    let at = |v: usize, p: f64| ((v as f64 - 1.0) * p).round() as usize;
    println!(
        "{campaigns} campaigns: full check (with focus) {:.1} ms; focused re-check of {} files: p50 {:.1} ms, p95 {:.1} ms; campaigns kept p50 {}, p95 {}",
        full.as_secs_f64() * 1e3,
        times.len(),
        times[at(times.len(), 0.5)],
        times[at(times.len(), 0.95)],
        sizes[at(sizes.len(), 0.5)],
        sizes[at(sizes.len(), 0.95)],
    );
}
