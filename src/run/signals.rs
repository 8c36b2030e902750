//! What ends a run from outside: SIGINT/SIGTERM (kill every child's
//! process group; for an owned stack, stop an in-flight `up` and tear the
//! stack down; exit 130/143), and the Docker Engine going
//! away mid-run (wait for it to answer again, tear the stack down, exit 2
//! with one line). The normal path may finish meanwhile; it then waits for
//! the teardown (see [`Stack::down`]) and exits with the same code.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};

use crate::stack::Stack;

static INTERRUPTED: AtomicI32 = AtomicI32::new(0);

/// The exit code of the signal that interrupted the run, if one did.
pub fn interrupted() -> Option<i32> {
    Some(INTERRUPTED.load(Ordering::SeqCst)).filter(|c| *c != 0)
}

/// The owned stack a signal tears down, once there is one.
static STACK: Mutex<Option<Arc<Stack>>> = Mutex::new(None);

/// From here on a signal also tears `stack` down.
pub(crate) fn teardown_on_signal(stack: Arc<Stack>) {
    *STACK.lock().unwrap_or_else(|p| p.into_inner()) = Some(stack);
}

/// Listens for SIGINT and SIGTERM on a thread of its own (heard even when
/// every runtime worker is blocked): the children's groups are killed, an
/// owned stack torn down, and the process exits 130 or 143.
pub(crate) fn end_children_on_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (ready, installed) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        let Ok(runtime) = runtime else {
            let _ = ready.send(());
            return;
        };
        let handlers = runtime.block_on(async {
            Some((
                signal(SignalKind::interrupt()).ok()?,
                signal(SignalKind::terminate()).ok()?,
            ))
        });
        // Installed before any child starts, so no signal falls between.
        let _ = ready.send(());
        let Some((mut int, mut term)) = handlers else {
            return;
        };
        let code = runtime.block_on(async {
            tokio::select! { _ = int.recv() => 130, _ = term.recv() => 143 }
        });
        INTERRUPTED.store(code, Ordering::SeqCst);
        crate::children::end_all();
        let stack = STACK.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(stack) = stack {
            crate::stack::progress::abort(&format!("interrupted; tearing down {}", stack.project));
            stack.stop_up();
            if let Err(e) = stack.down() {
                crate::stack::progress::notice(&format!("teardown failed: {e}"));
            }
        }
        crate::children::end_all();
        std::process::exit(code);
    });
    let _ = installed.recv();
}

/// How long a run waits for an engine that went away to answer again, so
/// that it can remove its stack.
const ENGINE_RETURN_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Watches the engine of an owned stack; two missed pings in a row end the run.
pub(crate) fn end_on_engine_loss(stack: Arc<Stack>) {
    tokio::spawn(async move {
        let mut missed = 0;
        let why = loop {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            match stack.engine.answers().await {
                Ok(()) => missed = 0,
                Err(e) if missed >= 1 => break e,
                Err(_) => missed += 1,
            }
        };
        INTERRUPTED.store(2, Ordering::SeqCst);
        let lost = std::time::Instant::now();
        let mut back = false;
        while lost.elapsed() < ENGINE_RETURN_LIMIT {
            if stack.engine.answers().await.is_ok() {
                back = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        let what = if back {
            match stack.down() {
                Ok(()) => format!(
                    "its stack {} was removed once the engine answered again ({:.0} s later)",
                    stack.project,
                    lost.elapsed().as_secs_f64()
                ),
                Err(e) => format!(
                    "removing its stack {} failed ({e}); `kraft-acceptance clean` removes it",
                    stack.project
                ),
            }
        } else {
            format!("the engine did not answer again within {} s; the next run, or `kraft-acceptance clean`, removes stack {}", ENGINE_RETURN_LIMIT.as_secs(), stack.project)
        };
        crate::stack::progress::abort(&format!(
            "the Docker Engine stopped answering mid-run ({why}); the run ended and {what}"
        ));
        crate::children::end_all();
        std::process::exit(2);
    });
}

/// After an interrupt or an engine loss, the task handling it ends the
/// process once the stack is gone; the normal path waits here for that.
pub(crate) async fn wait_for_teardown() {
    tokio::time::sleep(ENGINE_RETURN_LIMIT + std::time::Duration::from_secs(30)).await;
}
