//! The engine going away mid-run: dockerd (the one this machine runs, as
//! scripts/setup.sh started it) is stopped and started again while a run
//! waits on its stack. The run ends with one line and exit 2, and removes
//! its stack once the engine answers again: the engine is as clean as before.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;

const PIDFILE: &str = "/var/run/docker.pid";

fn answers() -> bool {
    Command::new("docker")
        .arg("info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn wait_until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Starts dockerd again with the command line it had, if it is not
/// answering when the test ends, whatever happened in between.
struct Dockerd {
    cmdline: Vec<String>,
}

impl Dockerd {
    // dockerd is started detached (setsid) and outlives this test on purpose.
    #[allow(clippy::zombie_processes)]
    fn start(&self) {
        let mut c = Command::new("setsid");
        c.args(&self.cmdline)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c.spawn().expect("start dockerd again");
        wait_until("dockerd answering again", Duration::from_secs(60), answers);
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        if !answers() {
            self.start();
        }
    }
}

#[test]
#[ignore = "needs root and the dockerd of this machine (it is restarted); scripts/test.sh runs it"]
fn an_engine_restart_mid_run_ends_the_run_with_one_line_and_a_clean_engine() {
    let _stack = common::stack_lock();
    common::clean_orphans();
    let pid: i32 = std::fs::read_to_string(PIDFILE)
        .expect("dockerd's pid file")
        .trim()
        .parse()
        .expect("pid");
    let cmdline: Vec<String> = std::fs::read(format!("/proc/{pid}/cmdline"))
        .expect("dockerd's command line")
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let dockerd = Dockerd { cmdline };
    let counts = common::engine_counts();

    // Kafka never becomes healthy here, so the run is still waiting when the engine goes.
    let fixture = common::root().join("fixtures/broken/healthy-runtime-kafka-never-healthy");
    let run = common::bin()
        .args([
            "verify",
            "--tags",
            "@runtime",
            "--wait-limit",
            "90",
            "--project-dir",
        ])
        .arg(&fixture)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let project = common::project_of_pid(run.id());

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("stop dockerd");
    wait_until("dockerd gone", Duration::from_secs(60), || {
        !std::path::Path::new(&format!("/proc/{pid}")).exists()
    });
    std::thread::sleep(Duration::from_secs(2));
    dockerd.start();

    let out = run.wait_with_output().expect("the run ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    assert!(
        last.starts_with("kraft-acceptance: the Docker Engine stopped answering mid-run ("),
        "{stderr}"
    );
    assert!(
        last.contains(&format!(
            "its stack {project} was removed once the engine answered again"
        )),
        "{last}"
    );
    assert!(
        common::leftovers(&project).is_empty(),
        "{:?}",
        common::leftovers(&project)
    );
    assert_eq!(
        common::engine_counts(),
        counts,
        "the engine holds what it held before the run"
    );
}
