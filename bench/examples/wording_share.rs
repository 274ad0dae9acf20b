//! How much of a check the reading of customer text costs (issue 15's
//! budget: at most 15% of `check` on 10,000 campaigns):
//! `cargo run -p koujing-bench --release --example wording_share -- 10000`.
//!
//! Prints the wall time (fastest of 9) and the CPU time (least of 9, all
//! threads) of a full check and of the wording analysis alone (KJ3001–
//! KJ3004), the wording's share of the check and what it adds to the rest.
//! The analyses of a full check run in parallel, so the wall-time share is
//! an upper bound of what the reading adds to the wall time; the CPU-time
//! share is the share of the work, and barely depends on the machine's load.

use std::time::{Duration, Instant};

use rustix::time::{clock_gettime, ClockId};

/// CPU time of the whole process so far (every thread).
fn cpu() -> Duration {
    let t = clock_gettime(ClockId::ProcessCPUTime);
    Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// Run `f` 9 times; the fastest wall time and the least CPU time (on a
/// shared machine, the least disturbed runs; CPU time barely depends on the
/// load).
fn measure(mut f: impl FnMut()) -> (Duration, Duration) {
    let mut wall = Duration::MAX;
    let mut work = Duration::MAX;
    for _ in 0..9 {
        let (t, c) = (Instant::now(), cpu());
        f();
        wall = wall.min(t.elapsed());
        work = work.min(cpu().saturating_sub(c));
    }
    (wall, work)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
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
    let (check_wall, check_cpu) = measure(|| {
        let report = koujing_checker::check(&workspace, &options);
        std::hint::black_box(report.diagnostics.len());
    });
    let (index, _) = koujing_checker::resolve::build_index(&workspace);
    let mut findings = 0;
    let (wording_wall, wording_cpu) = measure(|| {
        findings = koujing_checker::checks::wording::analyse(&workspace, &index).len();
    });
    let (reading_wall, reading_cpu) = measure(|| {
        std::hint::black_box(koujing_checker::checks::wording::read_texts(
            &workspace, &index,
        ));
    });
    let (same_wall, same_cpu) = measure(|| {
        std::hint::black_box(koujing_checker::checks::wording::same_question(&index));
    });
    let share = |part: Duration, whole: Duration| {
        100.0 * part.as_secs_f64() / whole.as_secs_f64().max(f64::EPSILON)
    };
    println!("campaigns            {n}");
    println!("                     wall (fastest)   CPU (least)");
    println!(
        "check (full)         {:>9.1} ms    {:>9.1} ms",
        ms(check_wall),
        ms(check_cpu)
    );
    println!(
        "wording analysis     {:>9.1} ms    {:>9.1} ms   ({findings} findings)",
        ms(wording_wall),
        ms(wording_cpu)
    );
    println!(
        "  the reading        {:>9.1} ms    {:>9.1} ms   (KJ3001, KJ3002, KJ3004)",
        ms(reading_wall),
        ms(reading_cpu)
    );
    println!(
        "  answers agree      {:>9.1} ms    {:>9.1} ms   (KJ3003)",
        ms(same_wall),
        ms(same_cpu)
    );
    for (name, wall, work) in [
        ("wording", wording_wall, wording_cpu),
        ("the reading", reading_wall, reading_cpu),
    ] {
        println!(
            "{:<20} share of the check {:>5.1} % wall, {:>5.1} % CPU; added to the rest {:>5.1} % wall, {:>5.1} % CPU",
            name,
            share(wall, check_wall),
            share(work, check_cpu),
            share(wall, check_wall.saturating_sub(wall)),
            share(work, check_cpu.saturating_sub(work))
        );
    }
}
