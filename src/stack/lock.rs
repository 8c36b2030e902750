//! One owned run at a time per host: owned runs publish the same host
//! ports, so a second run waits for the first (saying who holds the lock and
//! for how long), up to a limit. The kernel drops the lock with its holder,
//! however the holder ends.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};

use super::progress::Progress;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("opening the host lock {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("another kraft-acceptance run still holds the host lock {path} after {waited:.0} s ({holder}); wait for it, or raise --lock-wait")]
    Timeout {
        path: PathBuf,
        waited: f64,
        holder: String,
    },
}

/// The held lock; released on drop or when the process ends.
#[derive(Debug)]
pub struct HostLock {
    _lock: Flock<File>,
    pub waited: Duration,
}

/// `/run/lock` (shared by every user of the host) when writable, else the
/// state directory.
fn lock_path() -> PathBuf {
    if let Some(p) = std::env::var_os("KRAFT_ACCEPTANCE_LOCK") {
        return PathBuf::from(p);
    }
    let run_lock = PathBuf::from("/run/lock");
    if nix::unistd::access(&run_lock, nix::unistd::AccessFlags::W_OK).is_ok() {
        return run_lock.join("kraft-acceptance.lock");
    }
    crate::dirs::state_dir().join("kraft-acceptance.lock")
}

const UNKNOWN: &str = "holder unknown";

fn holder(path: &std::path::Path) -> String {
    let mut s = String::new();
    let _ = File::open(path).and_then(|mut f| f.read_to_string(&mut s));
    let s = s.trim();
    if s.is_empty() {
        UNKNOWN.into()
    } else {
        s.to_string()
    }
}

fn open_lock_file(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// The holder line: who holds the lock, for the next run to tell.
fn write_holder(lock: &mut Flock<std::fs::File>, project: &str) {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let line = format!(
        "pid {} (project {project}) since unix time {since}",
        std::process::id()
    );
    let _ = lock
        .set_len(0)
        .and_then(|_| lock.rewind())
        .and_then(|_| lock.write_all(line.as_bytes()));
}

/// The holder, given a second to write its line (it does just after it locks).
fn first_holder(path: &std::path::Path) -> String {
    let mut who = holder(path);
    for _ in 0..20 {
        if who != UNKNOWN {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        who = holder(path);
    }
    who
}

impl HostLock {
    /// Takes the lock, waiting up to `limit`; `project` is what the holder
    /// line tells the next run.
    pub(crate) fn acquire(project: &str, limit: Duration) -> Result<HostLock, LockError> {
        let path = lock_path();
        let open_err = |source| LockError::Open {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(open_err)?;
        }
        let started = Instant::now();
        let mut progress = Progress::new();
        let mut said = false;
        loop {
            let file = open_lock_file(&path).map_err(open_err)?;
            match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
                Ok(mut lock) => {
                    write_holder(&mut lock, project);
                    let waited = started.elapsed();
                    if said {
                        super::progress::notice(&format!(
                            "host lock taken after waiting {:.1} s",
                            waited.as_secs_f64()
                        ));
                    }
                    return Ok(HostLock {
                        _lock: lock,
                        waited,
                    });
                }
                Err((_, _)) => {
                    let waited = started.elapsed().as_secs_f64();
                    if waited >= limit.as_secs_f64() {
                        return Err(LockError::Timeout {
                            path: path.clone(),
                            waited,
                            holder: holder(&path),
                        });
                    }
                    if !said {
                        // Always said once: a run that waits must say why.
                        super::progress::notice(&format!(
                            "waiting for the host lock {} held by {}",
                            path.display(),
                            first_holder(&path)
                        ));
                        said = true;
                    }
                    progress.show(&format!(
                        "waiting for the host lock ({}): {waited:.0} s / {:.0} s",
                        holder(&path),
                        limit.as_secs_f64()
                    ));
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
    }
}
