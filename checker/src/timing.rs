//! Phase timings on standard error when `KOUJING_TIMINGS` is set (to
//! anything): `koujing check DIR` then prints how long reading, parsing,
//! resolution, each analysis and the output took. For profiling; the
//! output of the command itself is unchanged.

use std::sync::OnceLock;
use std::time::Instant;

/// Whether `KOUJING_TIMINGS` is set.
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("KOUJING_TIMINGS").is_some())
}

/// A running phase: prints its name and time when [`Phase::done`] is called
/// (or when dropped), if timings are enabled.
pub struct Phase {
    name: &'static str,
    start: Option<Instant>,
}

impl Phase {
    /// Start timing `name`.
    pub fn start(name: &'static str) -> Phase {
        Phase {
            name,
            start: enabled().then(Instant::now),
        }
    }

    /// Stop and print.
    pub fn done(self) {}
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some(start) = self.start.take() {
            eprintln!(
                "[timing] {:<28} {:>9.1} ms",
                self.name,
                start.elapsed().as_secs_f64() * 1e3
            );
        }
    }
}

/// Run `f`, timed as `name`.
pub fn time<T>(name: &'static str, f: impl FnOnce() -> T) -> T {
    let _phase = Phase::start(name);
    f()
}
