//! Progress while waiting: a live line on a terminal; with `-v`, a line
//! every 2 s where stderr is not a terminal; nothing otherwise. The library
//! only says what happens, as [`Event`]s; the command line shows them
//! (see [`set_sink`]), so nothing under `stack/` or `run/` writes to a
//! terminal itself.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What the library tells the person running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// The live line, redrawn in place (a terminal).
    Redraw(&'a str),
    /// The live line cleared (a terminal).
    Clear,
    /// A progress line of its own (not a terminal, `-v`).
    Line(&'a str),
    /// Something that happened: a stack kept or reaped, a lock waited for,
    /// the stand-in chosen.
    Notice(&'a str),
    /// A run ended from outside (a signal, the engine gone), after a line break.
    Abort(&'a str),
}

static SINK: OnceLock<fn(Event)> = OnceLock::new();

/// Where events go; until set (a library user), nowhere.
pub(crate) fn set_sink(sink: fn(Event)) {
    let _ = SINK.set(sink);
}

fn emit(e: Event) {
    if let Some(sink) = SINK.get() {
        sink(e);
    }
}

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Progress lines even when stderr is not a terminal (`-v`).
pub(crate) fn set_verbose(v: bool) {
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
        Self {
            tty: std::io::stderr().is_terminal(),
            on: shown(),
            last_line: Instant::now() - Duration::from_secs(10),
        }
    }

    /// Redraws the line on a terminal; elsewhere prints it at most every 2 s.
    pub fn show(&mut self, line: &str) {
        if !self.on {
            return;
        }
        if self.tty {
            emit(Event::Redraw(line));
        } else if self.last_line.elapsed() >= Duration::from_secs(2) {
            emit(Event::Line(line));
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
            emit(Event::Clear);
        }
    }
}

/// What the stack tells the person running it: a stack kept or reaped, a
/// lock waited for, the stand-in chosen. The one way the library speaks
/// outside the outcome.
pub fn notice(line: &str) {
    emit(Event::Notice(line));
}

/// A run ended from outside (see [`Event::Abort`]).
pub(crate) fn abort(line: &str) {
    emit(Event::Abort(line));
}

/// `s` on one line, at most `n` characters.
pub fn trim(s: &str, n: usize) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s
    }
}
