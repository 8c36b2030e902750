//! The run's stdout. A reader that goes away (`verify ... | head -c 50`)
//! or a full disk (`>/dev/full`) must not end a run in a panic with its
//! stack up: once stdout fails, what is said there is dropped, quietly, as
//! other CLIs do on a broken pipe, and the run ends with its usual exit
//! code (teardown and reports go on).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout failed: nothing more is tried.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Stdout that drops what it cannot write (the cucumber writer's sink too).
#[derive(Clone, Copy, Default)]
pub struct Stdout;

impl Stdout {
    fn attempt(r: io::Result<()>) {
        if r.is_err() {
            CLOSED.store(true, Ordering::SeqCst);
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if !CLOSED.load(Ordering::SeqCst) {
            Self::attempt(io::stdout().lock().write_all(b));
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if !CLOSED.load(Ordering::SeqCst) {
            Self::attempt(io::stdout().lock().flush());
        }
        Ok(())
    }
}

/// `print!` that never panics: see the module's note.
pub fn print(args: std::fmt::Arguments) {
    let mut out = Stdout;
    let _ = out.write_fmt(args);
    let _ = out.flush();
}

/// Whether a write to stdout failed during this process.
pub fn closed() -> bool {
    CLOSED.load(Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_failed_stdout_is_remembered_and_never_an_error() {
        super::Stdout::attempt(Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe)));
        assert!(super::closed());
        let mut out = super::Stdout;
        assert_eq!(std::io::Write::write(&mut out, b"dropped").unwrap(), 7);
        assert!(std::io::Write::flush(&mut out).is_ok());
    }
}
