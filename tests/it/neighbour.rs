//! "127.0.0.1 only", proven from the LAN, on this machine's real engine: the
//! failing case is the host, not a fixture, so the test takes the loopback
//! guard away (scripts/loopback-guard.sh), proves the reference fails the
//! neighbour scenario on the paths an attacker would use, puts the guard
//! back and proves it passes while the host's own 127.0.0.1 ports still
//! answer. It restores the guard as it found it, whatever happens.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kraft_acceptance::model::evidence::{Neighbour, Row};
use kraft_acceptance::model::neighbour::Path;

use crate::common;

const SCENARIO: &str = "No neighbour on the LAN reaches Kafka or Redis";

fn guard(action: &str) -> bool {
    Command::new(common::root().join("scripts/loopback-guard.sh"))
        .arg(action)
        .stdout(Stdio::null())
        .status()
        .expect("scripts/loopback-guard.sh")
        .success()
}

/// Puts the guard back as it was when the test began.
struct Restore(bool);

impl Drop for Restore {
    fn drop(&mut self) {
        guard(if self.0 { "install" } else { "remove" });
    }
}

fn lines(cmd: &[&str]) -> Vec<String> {
    let o = Command::new(cmd[0]).args(&cmd[1..]).output().expect(cmd[0]);
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// What a run must leave as it found: network namespaces, veth links,
/// iptables rules (filter, nat, raw) and the engine's containers, networks
/// and volumes.
fn host_counts() -> (usize, usize, usize, (usize, usize, usize)) {
    let rules = ["filter", "nat", "raw"]
        .iter()
        .map(|t| lines(&["iptables", "-t", t, "-S"]).len())
        .sum();
    (
        lines(&["ip", "netns", "list"]).len(),
        lines(&["ip", "-o", "link", "show", "type", "veth"]).len(),
        rules,
        common::engine_counts(),
    )
}

fn reference() -> std::path::PathBuf {
    common::root().join("fixtures/reference")
}

#[test]
#[ignore = "needs root, the Docker Engine and the stand-in images; scripts/test.sh runs it"]
fn the_neighbour_probe_fails_without_the_guard_and_passes_with_it() {
    let _stack = common::stack_lock();
    common::clean_orphans();
    let _restore = Restore(guard("status"));

    assert!(guard("remove"));
    let before = host_counts();
    let open = common::verify(&reference(), "@neighbour", &[]);
    assert_eq!(open.code(), Some(1), "{}\n{}", open.stdout(), open.stderr());
    assert_eq!(
        open.not_passed(),
        [SCENARIO.to_string()].into(),
        "{}",
        open.stdout()
    );
    let f = open.failures().join("\n");
    for path in [
        "kafka via loopback spoof (127.0.0.1 routed via this host): 127.0.0.1:9093 ANSWERED: Kafka ApiVersions response",
        "redis via loopback spoof (127.0.0.1 routed via this host): 127.0.0.1:6379 ANSWERED: Redis replied +PONG to PING",
        "kafka via container address on network",
    ] {
        assert!(f.contains(path), "missing {path:?} in\n{f}");
    }
    assert!(
        f.contains("Docker Engine 20.10")
            && f.contains(
                "iptables -t raw -A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp --dport 9093 -j DROP"
            ),
        "{f}"
    );
    let rows: Vec<_> = open
        .outcome
        .iter()
        .flat_map(|o| o.evidence.rows.iter())
        .filter_map(|r| match &r.row {
            Row::Neighbour(Neighbour::Attempt { path, answer, .. }) => Some((path, answer)),
            _ => None,
        })
        .collect();
    assert!(
        rows.iter().any(|(p, _)| **p == Path::LoopbackV6),
        "every path is in the report: {rows:?}"
    );
    assert_eq!(
        host_counts(),
        before,
        "the failing run left the host as it was"
    );

    // Guarded, as scripts/setup.sh leaves a CI host: every path is dropped,
    // and the host's own clients at localhost:9093 and 127.0.0.1:6379 pass.
    assert!(guard("install"));
    let before = host_counts();
    let guarded = common::verify(&reference(), "@runtime", &[]);
    let o = guarded.outcome.as_ref().expect("outcome");
    assert!(
        o.scenarios
            .iter()
            .any(|s| s.name == SCENARIO && s.status.passed()),
        "{}",
        guarded.stdout()
    );
    for host_client in [
        "A host tool at localhost:9093 is told localhost:9093 and can produce and consume",
        "Redis answers PING on 127.0.0.1:6379",
    ] {
        assert!(
            o.scenarios
                .iter()
                .any(|s| s.name == host_client && s.status.passed()),
            "{host_client}: {}",
            guarded.stdout()
        );
    }
    assert!(guarded.not_passed().is_empty(), "{}", guarded.stdout());
    assert_eq!(
        host_counts(),
        before,
        "the passing run left the host as it was"
    );
}

#[test]
#[ignore = "needs root, the Docker Engine and the stand-in images; scripts/test.sh runs it"]
fn a_test_host_left_by_a_killed_run_is_reaped_by_the_next_run() {
    let _stack = common::stack_lock();
    common::clean_orphans();
    let before = host_counts();
    let mut run = common::bin()
        .args(["verify", "--tags", "@neighbour", "--project-dir"])
        .arg(reference())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let prefix = format!("kraftacc-nb-{}-", run.id());
    let deadline = Instant::now() + Duration::from_secs(120);
    let name = loop {
        if let Some(n) = lines(&["ip", "netns", "list"])
            .into_iter()
            .find(|l| l.starts_with(&prefix))
        {
            break n.split_whitespace().next().unwrap_or_default().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no test host of pid {} appeared",
            run.id()
        );
        assert!(
            run.try_wait().expect("wait").is_none(),
            "the run ended before its probe was seen"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    run.kill().expect("SIGKILL mid-probe");
    run.wait().expect("reap the child");
    assert!(
        lines(&["ip", "netns", "list"])
            .iter()
            .any(|l| l.starts_with(&name)),
        "the killed run left its test host"
    );

    let next = common::verify(&reference(), "@neighbour", &[]);
    assert!(
        next.stderr().contains(&format!(
            "removed test host {name} of the neighbour probe (pid"
        )),
        "{}",
        next.stderr()
    );
    assert!(!lines(&["ip", "netns", "list"])
        .iter()
        .any(|l| l.starts_with(&name)));
    assert_eq!(
        host_counts(),
        before,
        "the killed run's stack and test host are gone, nothing else changed"
    );
}
