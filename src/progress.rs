//! A progress indicator on stderr for `check`, `build` and `report` on
//! workspaces that take a while: shown only when stderr is a terminal, the
//! output is for people, the work has gone on for half a second, and no CI
//! system is detected (`CI` set) or the terminal is `dumb`. It is cleared
//! before anything else is printed.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long the work runs before the indicator appears.
const DELAY: Duration = Duration::from_millis(500);

/// A running indicator (or nothing, when it must not be shown).
pub struct Progress {
    bar: Option<ProgressBar>,
    done: Arc<AtomicBool>,
}

/// Whether an indicator may be drawn at all.
fn wanted(for_people: bool) -> bool {
    for_people
        && std::io::stderr().is_terminal()
        && std::env::var_os("CI").is_none()
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

impl Progress {
    /// Start timing `steps` steps; the first step is called `first`.
    /// `for_people` is false for machine formats.
    pub fn start(for_people: bool, steps: u64, first: &str) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        if !wanted(for_people) {
            return Progress { bar: None, done };
        }
        let bar = ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg} ({elapsed})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(first.to_string());
        let (shown, finished) = (bar.clone(), Arc::clone(&done));
        // Appear only once the work has lasted DELAY.
        let _ = std::thread::Builder::new()
            .name("koujing-progress".into())
            .spawn(move || {
                std::thread::sleep(DELAY);
                if !finished.load(Ordering::SeqCst) {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
        Progress {
            bar: Some(bar),
            done,
        }
    }

    /// The previous step is done; `next` begins.
    pub fn step(&self, next: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(next.to_string());
        }
    }

    /// Clear the indicator (before printing results).
    pub fn finish(&self) {
        self.done.store(true, Ordering::SeqCst);
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
