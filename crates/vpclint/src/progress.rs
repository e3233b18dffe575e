//! A progress bar on standard error for `vpclint check` runs of many plans that take a while.
//!
//! It appears only when standard error is a terminal, `CI` is not set, more than one plan is
//! checked, and the run has lasted more than a second: a quick run, a pipe or a CI log never sees
//! it. It writes to standard error only and is cleared before any report is written, so standard
//! output and report files are the same bytes with or without it.

use std::io::IsTerminal;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_secs(1);
/// How often the bar redraws (the elapsed time and spinner move between plans too).
const TICK: Duration = Duration::from_millis(120);

/// Progress over the plans of one run; does nothing when the bar is not wanted.
pub struct Progress {
    bar: Option<ProgressBar>,
    /// Dropped by [`Progress::finish`], which tells the timer thread the run is over.
    done: Option<mpsc::Sender<()>>,
    timer: Option<thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts counting `plans` plans; the bar stays hidden until [`DELAY`] has passed.
    pub fn start(plans: usize) -> Progress {
        if plans < 2 || !wanted() {
            return Progress {
                bar: None,
                done: None,
                timer: None,
            };
        }
        let bar = ProgressBar::with_draw_target(Some(plans as u64), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} checking plans {pos}/{len} [{bar:30}] {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        let (done, finished) = mpsc::channel::<()>();
        let shown = bar.clone();
        // A timer, not a check on each finished plan: one slow plan must not keep the bar away.
        let timer = thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(DELAY) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(TICK);
            }
        });
        Progress {
            bar: Some(bar),
            done: Some(done),
            timer: Some(timer),
        }
    }

    /// One plan is read, checked and located (or failed).
    pub fn plan_done(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Stops the timer and erases the bar, before anything else is written.
    pub fn finish(mut self) {
        drop(self.done.take());
        if let Some(timer) = self.timer.take() {
            // The timer thread only sets up the bar: if it panicked, there is no bar to clear.
            let _ = timer.join();
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// A terminal on standard error, outside CI (`CI` set to anything but empty, `0` or `false`),
/// and not a dumb terminal.
fn wanted() -> bool {
    let in_ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    std::io::stderr().is_terminal() && !in_ci && !dumb
}
