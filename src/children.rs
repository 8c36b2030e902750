//! Every process the harness starts runs in a process group of its own,
//! registered here while it may live: a time bound kills the group (so
//! whatever the child started goes with it), and so does the harness's end,
//! a signal included ([`end_all`]). A child of a child that leaves its
//! group on purpose (`setsid`) is beyond this; nothing the harness runs
//! does that.

use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::process::CommandExt as _;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

/// The groups of the children that may still be alive.
static GROUPS: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

/// Output kept from a child's stdout; the rest is read and dropped, so a
/// child that prints without end neither blocks nor fills memory.
const STDOUT_CAP: usize = 64 * 1024 * 1024;
/// Output kept from a child's stderr.
const STDERR_CAP: usize = 1024 * 1024;

/// A child's process group, killed when this is dropped.
#[derive(Debug)]
pub struct Group(i32);

impl Group {
    /// The group a child started with `process_group(0)` leads.
    pub fn of(pid: u32) -> Group {
        let pgid = pid as i32;
        GROUPS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(pgid);
        Group(pgid)
    }

    /// SIGKILL to every process of the group.
    pub fn kill(&self) {
        let _ = killpg(Pid::from_raw(self.0), Signal::SIGKILL);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
        GROUPS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.0);
    }
}

/// Kills every registered group: the harness is ending.
pub(crate) fn end_all() {
    let groups = GROUPS.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for pgid in groups {
        let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    }
}

/// The process groups registered now (the unit tests read it).
#[cfg(test)]
fn live_groups() -> Vec<i32> {
    GROUPS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .copied()
        .collect()
}

/// A running child and its group.
#[derive(Debug)]
pub struct Child {
    pub inner: std::process::Child,
    group: Group,
}

/// Why a bounded wait did not return the child's output.
#[derive(Debug, thiserror::Error)]
pub enum Waited {
    #[error("still running after {0:.0} s; it was killed with its process group")]
    TimedOut(f64),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Child {
    /// Starts `cmd` in a process group of its own, stdin from /dev/null
    /// unless set otherwise.
    pub fn spawn(cmd: &mut Command) -> std::io::Result<Child> {
        let inner = cmd.process_group(0).spawn()?;
        let group = Group::of(inner.id());
        Ok(Child { inner, group })
    }

    /// Starts `cmd` with stdout and stderr captured.
    pub(crate) fn spawn_piped(cmd: &mut Command) -> std::io::Result<Child> {
        Child::spawn(
            cmd.stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
        )
    }

    pub fn id(&self) -> u32 {
        self.inner.id()
    }

    pub fn try_wait(&mut self) -> std::io::Result<Option<ExitStatus>> {
        self.inner.try_wait()
    }

    /// Kills the child's whole group and reaps the child.
    pub fn kill(&mut self) {
        self.group.kill();
        let _ = self.inner.wait();
    }

    /// Waits at most `limit` for the child to end, reading its output
    /// (up to [`STDOUT_CAP`] and [`STDERR_CAP`]); past it, kills the group.
    pub(crate) fn output_within(self, limit: Duration) -> Result<Output, Waited> {
        self.output_watched(limit, |_| {})
    }

    /// [`Child::output_within`], calling `tick` with the time waited so
    /// far every 20 ms (a progress line).
    pub(crate) fn output_watched(
        mut self,
        limit: Duration,
        mut tick: impl FnMut(Duration),
    ) -> Result<Output, Waited> {
        let started = Instant::now();
        let out = self.inner.stdout.take().map(|s| drain(s, STDOUT_CAP));
        let err = self.inner.stderr.take().map(|s| drain(s, STDERR_CAP));
        let status = loop {
            if let Some(status) = self.inner.try_wait()? {
                break Some(status);
            }
            if started.elapsed() >= limit {
                break None;
            }
            tick(started.elapsed());
            std::thread::sleep(Duration::from_millis(20));
        };
        // Whatever the child left in its group goes now, so the pipes close.
        self.group.kill();
        let collect = |h: Option<std::thread::JoinHandle<Vec<u8>>>| {
            h.map(|h| h.join().unwrap_or_default()).unwrap_or_default()
        };
        let (stdout, stderr) = (collect(out), collect(err));
        match status {
            Some(status) => Ok(Output {
                status,
                stdout,
                stderr,
            }),
            None => {
                let _ = self.inner.wait();
                Err(Waited::TimedOut(limit.as_secs_f64()))
            }
        }
    }
}

/// Reads `r` to its end on a thread, keeping the first `cap` bytes.
fn drain<R: Read + Send + 'static>(mut r: R, cap: usize) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
        kept
    })
}

/// Runs `cmd` to its end within `limit`, output captured.
pub(crate) fn output_within(cmd: &mut Command, limit: Duration) -> Result<Output, Waited> {
    Child::spawn_piped(cmd)?.output_within(limit)
}

/// A tokio command in a group of its own, registered; the group is killed
/// when the returned guard is dropped (a timeout drops it).
fn tokio_group(
    cmd: &mut tokio::process::Command,
) -> std::io::Result<(tokio::process::Child, Group)> {
    let child = cmd.process_group(0).kill_on_drop(true).spawn()?;
    let pid = child
        .id()
        .ok_or_else(|| std::io::Error::other("the child ended before its pid was read"))?;
    Ok((child, Group::of(pid)))
}

/// A tokio command's output, the command in a process group of its own:
/// dropping the future (its time bound passed) kills the whole group.
pub(crate) async fn tokio_output(
    cmd: &mut tokio::process::Command,
) -> std::io::Result<std::process::Output> {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let (child, _group) = tokio_group(cmd)?;
    child.wait_with_output().await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The processes of group `pgid` that are not zombies (a killed
    /// process stays a zombie until its parent, or whoever adopted it, reaps it).
    fn running_in(pgid: i32) -> Vec<i32> {
        let mut out = Vec::new();
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // pid (comm) state ppid pgrp ...: comm may hold spaces, so after ')'.
            let rest: Vec<&str> = stat
                .rsplit_once(')')
                .unwrap()
                .1
                .split_whitespace()
                .collect();
            if rest[2] == pgid.to_string() && rest[0] != "Z" && rest[0] != "X" {
                out.push(pid);
            }
        }
        out
    }

    #[test]
    fn a_child_past_its_bound_is_killed_with_what_it_started() {
        let started = Instant::now();
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 & echo $!; wait"]);
        let child = Child::spawn_piped(&mut cmd).unwrap();
        let pgid = child.id() as i32;
        let r = child.output_within(Duration::from_millis(300));
        assert!(matches!(r, Err(Waited::TimedOut(_))), "{r:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        // The backgrounded sleep was in the group: nothing of it runs.
        assert_eq!(running_in(pgid), Vec::<i32>::new());
        assert!(!live_groups().contains(&pgid));
    }

    #[test]
    fn output_is_kept_up_to_its_cap() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "head -c 3000000 /dev/zero; echo err >&2"]);
        let out = output_within(&mut cmd, Duration::from_secs(10)).unwrap();
        assert_eq!(out.stdout.len(), 3_000_000);
        assert_eq!(out.stderr, b"err\n");
        assert!(out.status.success());
    }
}
