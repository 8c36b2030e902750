//! Runs the Kafka probe from inside a compose network: a child process of
//! this binary enters a peer container's network namespace (`setns` on
//! `/proc/<pid>/ns/net`) with a private mount namespace in which
//! `/etc/resolv.conf` names Docker's embedded DNS (127.0.0.11), so the
//! service name `kafka` resolves as it does for the containers.
//!
//! Namespace changes are per thread, so they happen in the forked child
//! (`pre_exec`), never on a tokio worker. Needs root (CAP_SYS_ADMIN).

use std::ffi::CString;
use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use nix::mount::{mount, MsFlags};
use nix::sched::{setns, unshare, CloneFlags};

use super::kafka::{self, DataCheck, KafkaObservation};

#[derive(Debug, thiserror::Error)]
pub enum NetnsError {
    #[error(
        "entering a container's network namespace needs root (CAP_SYS_ADMIN); running as uid {0}"
    )]
    NotRoot(u32),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("in-network probe exited {code:?}: {stderr}")]
    Child { code: Option<i32>, stderr: String },
    #[error("in-network probe printed \"{line}\": {source}")]
    Output {
        line: String,
        source: serde_json::Error,
    },
    /// The probe ran inside the namespace and failed there.
    #[error("{0}")]
    Probe(String),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> NetnsError {
    let what = what.into();
    move |source| NetnsError::Io { what, source }
}

/// What the probe child prints, one JSON line: its observation, or the
/// probe's own error inside the namespace.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
enum ChildAnswer {
    Observed(KafkaObservation),
    ProbeFailed(String),
}

const CHILD_ENV: &str = "KRAFT_ACCEPTANCE_NETNS_CHILD";
const BOOTSTRAP_ENV: &str = "KRAFT_ACCEPTANCE_NETNS_BOOTSTRAP";
const CHECK_ENV: &str = "KRAFT_ACCEPTANCE_NETNS_CHECK";
const EMBEDDED_DNS: &str = "nameserver 127.0.0.11\noptions ndots:0\n";
/// How long the in-network probe (metadata, produce, consume) may take.
const PROBE_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Every binary that may be re-executed as the probe child calls this first.
/// In the child it runs the probe, prints JSON and exits; otherwise returns.
pub(crate) fn child_main_if_requested() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let bootstrap = std::env::var(BOOTSTRAP_ENV).unwrap_or_default();
    let check: DataCheck = std::env::var(CHECK_ENV)
        .ok()
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or(DataCheck::None);
    let answer = match kafka::probe(&bootstrap, &check) {
        Ok(o) => ChildAnswer::Observed(o),
        Err(e) => ChildAnswer::ProbeFailed(e.to_string()),
    };
    match serde_json::to_string(&answer) {
        Ok(j) => println!("{j}"),
        Err(e) => eprintln!("serialising the probe result: {e}"),
    }
    std::process::exit(0);
}

/// The child's own mount namespace (the embedded DNS's resolv.conf bound
/// over /etc/resolv.conf), then the network namespace `ns`.
fn enter_before_exec(cmd: &mut Command, ns: File, resolv_src: CString) {
    // SAFETY: between fork and exec only raw syscalls run (unshare, mount,
    // setns) on values prepared before the fork; nothing allocates or locks.
    unsafe {
        cmd.pre_exec(move || {
            let errno = |e: nix::errno::Errno| std::io::Error::from_raw_os_error(e as i32);
            unshare(CloneFlags::CLONE_NEWNS).map_err(errno)?;
            mount(
                None::<&str>,
                "/",
                None::<&str>,
                MsFlags::MS_REC | MsFlags::MS_PRIVATE,
                None::<&str>,
            )
            .map_err(errno)?;
            mount(
                Some(resolv_src.as_c_str()),
                "/etc/resolv.conf",
                None::<&str>,
                MsFlags::MS_BIND,
                None::<&str>,
            )
            .map_err(errno)?;
            setns(ns.as_fd(), CloneFlags::CLONE_NEWNET).map_err(errno)?;
            Ok(())
        });
    }
}

/// The child's last line: what it observed, or why its probe failed.
fn answer(out: &std::process::Output) -> Result<KafkaObservation, NetnsError> {
    if !out.status.success() {
        return Err(NetnsError::Child {
            code: out.status.code(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or("");
    match serde_json::from_str::<ChildAnswer>(line).map_err(|source| NetnsError::Output {
        line: line.to_string(),
        source,
    })? {
        ChildAnswer::Observed(o) => Ok(o),
        ChildAnswer::ProbeFailed(e) => Err(NetnsError::Probe(e)),
    }
}

/// Runs the Kafka probe inside the network namespace of process `pid`.
pub fn probe_in_netns(
    pid: i64,
    bootstrap: &str,
    check: &DataCheck,
) -> Result<KafkaObservation, NetnsError> {
    let uid = nix::unistd::geteuid();
    if !uid.is_root() {
        return Err(NetnsError::NotRoot(uid.as_raw()));
    }
    let ns_path = format!("/proc/{pid}/ns/net");
    let ns = File::open(&ns_path).map_err(io(format!("open {ns_path}")))?;
    // One file with fixed content in the cache directory, reused by every
    // probe: nothing is left in the temp directory.
    let resolv = crate::dirs::cached_file("resolv.conf.docker-embedded-dns", EMBEDDED_DNS)
        .map_err(io("write resolv.conf"))?;
    let resolv_src =
        CString::new(resolv.as_os_str().as_encoded_bytes()).map_err(|e| NetnsError::Io {
            what: "resolv.conf path".into(),
            source: e.into(),
        })?;
    // This very binary, even if its file was replaced since it started
    // (an upgrade under a running watch): the kernel keeps what runs.
    let exe = std::path::PathBuf::from("/proc/self/exe");

    let mut cmd = Command::new(exe);
    cmd.env(CHILD_ENV, "1")
        .env(BOOTSTRAP_ENV, bootstrap)
        .env(
            CHECK_ENV,
            serde_json::to_string(check).map_err(|e| NetnsError::Output {
                line: String::new(),
                source: e,
            })?,
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    enter_before_exec(&mut cmd, ns, resolv_src);
    let out = crate::children::output_within(&mut cmd, PROBE_LIMIT).map_err(|e| {
        let what = format!("the in-network probe (pid {pid} netns)");
        match e {
            crate::children::Waited::Io(e) => NetnsError::Io { what, source: e },
            e => NetnsError::Io {
                what,
                source: std::io::Error::other(e.to_string()),
            },
        }
    })?;
    answer(&out)
}
