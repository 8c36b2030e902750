//! Progress while waiting: a live line on a terminal; with `-v`, a line
//! every 2 s where stderr is not a terminal; nothing otherwise.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Progress lines even when stderr is not a terminal (`-v`).
pub fn set_verbose(v: bool) {
    VERBOSE.store(v, Ordering::SeqCst);
}

/// Whether progress is shown at all.
pub fn shown() -> bool {
    std::io::stderr().is_terminal() || VERBOSE.load(Ordering::SeqCst)
}

/// One wait's progress output.
pub struct Progress {
    tty: bool,
    on: bool,
    last_line: Instant,
}

impl Progress {
    pub fn new() -> Self {
        Self { tty: std::io::stderr().is_terminal(), on: shown(), last_line: Instant::now() - Duration::from_secs(10) }
    }

    /// Redraws the line on a terminal; elsewhere prints it at most every 2 s.
    pub fn show(&mut self, line: &str) {
        if !self.on {
            return;
        }
        if self.tty {
            eprint!("\r\x1b[2K{line}");
        } else if self.last_line.elapsed() >= Duration::from_secs(2) {
            eprintln!("{line}");
            self.last_line = Instant::now();
        }
    }
}

impl Default for Progress {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.tty && self.on {
            eprint!("\r\x1b[2K");
        }
    }
}

/// What the stack tells the person running it, on stderr, prefixed
/// `kraft-acceptance: `: a stack kept or reaped, a lock waited for, the
/// stand-in chosen. The one place the library speaks outside the outcome.
pub fn notice(line: &str) {
    eprintln!("kraft-acceptance: {line}");
}

/// `s` on one line, at most `n` characters.
pub fn trim(s: &str, n: usize) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() > n { format!("{}…", s.chars().take(n).collect::<String>()) } else { s }
}
