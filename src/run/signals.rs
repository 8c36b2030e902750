//! SIGINT/SIGTERM on an owned stack: stop an in-flight `up`, tear the stack
//! down, exit 130/143. The normal path may finish meanwhile; it then waits
//! for the teardown (see [`Stack::down`]) and exits with the same code.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

use crate::stack::Stack;

static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

/// The exit code of the signal that interrupted the run, if one did.
pub fn interrupted() -> Option<i32> {
    Some(INTERRUPTED.load(Ordering::SeqCst)).filter(|c| *c != 0)
}

pub fn teardown_on_signal(stack: Arc<Stack>) {
    use tokio::signal::unix::{signal, SignalKind};
    tokio::spawn(async move {
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
            return;
        };
        let code = tokio::select! { _ = int.recv() => 130, _ = term.recv() => 143 };
        INTERRUPTED.store(code, Ordering::SeqCst);
        eprintln!("\nkraft-acceptance: interrupted; tearing down {}", stack.project);
        stack.stop_up();
        if let Err(e) = stack.down() {
            eprintln!("kraft-acceptance: teardown failed: {e}");
        }
        std::process::exit(code);
    });
}
