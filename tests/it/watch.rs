//! Hemma stays verified, with the real parts: Debian's node_exporter (its
//! textfile collector) and Prometheus (scraping it, evaluating
//! contrib/prometheus's rules), both on 127.0.0.1, and the watch's own
//! command line from contrib/systemd run against a deployment the test
//! makes. Prometheus must hold each criterion as the run reported it; Redis
//! stopped from outside makes its criteria fail, drift appear and the alert
//! pend; Redis re-created from a re-tagged image keeps every criterion
//! passing and shows as drift only.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kraft_acceptance::report::Verdicts;
use kraft_acceptance::run::outcome::Outcome;

use crate::attach::Deployment;
use crate::common;

const STANDIN_REDIS: &str = "kraft-acceptance/standin-redis:debian-7.0";
const WATCH_REDIS: &str = "kraftacc-watch/redis:live";

/// A process of the test's, killed on drop.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// GET on 127.0.0.1, the JSON body.
fn get(port: u16, path: &str) -> Option<serde_json::Value> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    serde_json::from_str(text.split("\r\n\r\n").nth(1)?).ok()
}

fn query(port: u16, promql: &str) -> Vec<serde_json::Value> {
    let q: String = promql
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    get(port, &format!("/api/v1/query?query={q}"))
        .and_then(|v| v["data"]["result"].as_array().cloned())
        .unwrap_or_default()
}

/// Waits (bounded) until `f` holds.
fn until(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// The watch unit's command line, pointed at this test's deployment and
/// files. Without --host-checks: those connect to this host's own
/// addresses, which tests never do (tests/it/host_probes.rs runs them in a
/// test host of its own).
fn watch_command(dir: &Path, project: &str) -> String {
    let unit = std::fs::read_to_string(
        common::root().join("contrib/systemd/kraft-acceptance-watch.service"),
    )
    .expect("the unit");
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("ExecStart")
        .to_string();
    exec.replace(
        "/usr/local/bin/kraft-acceptance",
        env!("CARGO_BIN_EXE_kraft-acceptance"),
    )
    .replace(
        "--project-name huledu",
        &format!("--project-name {project}"),
    )
    .replace(
        "/srv/huledu",
        &common::root()
            .join("fixtures/reference")
            .display()
            .to_string(),
    )
    .replace("/var/lib/kraft-acceptance", &dir.display().to_string())
    .replace(
        "/var/lib/prometheus/node-exporter",
        &dir.join("textfile").display().to_string(),
    )
    .replace(" --host-checks", "")
}

fn run_watch(cmd: &str, dir: &Path) -> Outcome {
    let out = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .env("KRAFT_ACCEPTANCE_IMAGES", "standin")
        .output()
        .expect("the watch");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit 0 or 1 (a failed criterion): {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&std::fs::read(dir.join("watch/outcome.json")).expect("outcome.json"))
        .expect("outcome")
}

/// (criterion, state) pairs the run reported.
fn reported(o: &Outcome) -> BTreeSet<(String, String)> {
    Verdicts::of(o)
        .criteria
        .into_iter()
        .map(|c| (c.feature, c.verdict.state().to_string()))
        .collect()
}

/// (criterion, state) pairs Prometheus holds at 1, once it has scraped the run of `at` (unix s).
fn held(port: u16, at: f64) -> BTreeSet<(String, String)> {
    until(
        "Prometheus scraping the run",
        Duration::from_secs(60),
        || {
            query(port, "kraft_acceptance_last_run_timestamp_seconds")
                .iter()
                .any(|r| {
                    r["value"][1]
                        .as_str()
                        .and_then(|v| v.parse::<f64>().ok())
                        .is_some_and(|v| v >= at)
                })
        },
    );
    query(port, "kraft_acceptance_criterion_state == 1")
        .iter()
        .map(|r| {
            (
                r["metric"]["criterion"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                r["metric"]["state"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect()
}

fn now_s() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

fn docker(args: &[&str]) {
    let o = Command::new("docker").args(args).output().expect("docker");
    assert!(
        o.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Removes the test's image tags, whatever happens.
struct Tags;

impl Drop for Tags {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rmi", "-f", WATCH_REDIS, "kraftacc-watch/redis:rebuilt"])
            .output();
    }
}

fn start_exporters(dir: &Path) -> (Proc, Proc, u16) {
    let (ne_port, prom_port) = (free_port(), free_port());
    let textfile = dir.join("textfile");
    std::fs::create_dir_all(&textfile).unwrap();
    let ne = Command::new("prometheus-node-exporter")
        .args(["--collector.disable-defaults", "--collector.textfile"])
        .arg(format!(
            "--collector.textfile.directory={}",
            textfile.display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{ne_port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus-node-exporter (Debian's package)");
    let rules = common::root().join("contrib/prometheus/kraft-acceptance-rules.yml");
    let config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:{ne_port}']\n",
        rules.display()
    );
    std::fs::write(dir.join("prometheus.yml"), config).unwrap();
    let prom = Command::new("prometheus")
        .arg(format!(
            "--config.file={}",
            dir.join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("tsdb").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus (Debian's package)");
    until("Prometheus answering", Duration::from_secs(60), || {
        get(prom_port, "/api/v1/status/buildinfo").is_some()
    });
    (Proc(ne), Proc(prom), prom_port)
}

#[test]
#[ignore = "needs root, the Docker Engine, the stand-in images and Debian's prometheus packages; scripts/test.sh runs it"]
fn the_watch_feeds_prometheus_its_criteria_drift_and_alerts() {
    let _stack = common::stack_lock();
    let scratch = tempfile::tempdir().unwrap();
    let dir: PathBuf = scratch.path().to_path_buf();
    let _tags = Tags;
    docker(&["tag", STANDIN_REDIS, WATCH_REDIS]);
    let override_file = dir.join("redis-image.yml");
    std::fs::write(
        &override_file,
        format!("services:\n  redis:\n    image: {WATCH_REDIS}\n"),
    )
    .unwrap();
    let deployment = Deployment::up_with("watch", true, &[override_file]);
    let (_ne, _prom, port) = start_exporters(&dir);
    let cmd = watch_command(&dir, &deployment.project);

    // 1. As deployed: the baseline is saved; Prometheus holds what the run
    // reported; the cycle changed nothing (the engine's events for the project).
    let events = crate::attach::Events::record(&deployment.project);
    let t = now_s();
    let first = run_watch(&cmd, &dir);
    let (bad, actions) = events.lifecycle_until_now();
    assert!(
        bad.is_empty(),
        "a watch cycle changed the deployment: {bad:?} (all: {actions:?})"
    );
    assert!(
        first.success(),
        "the deployment passes: {:?}",
        first
            .scenarios
            .iter()
            .filter(|s| !s.passed_with_warning() && !s.status.passed())
            .collect::<Vec<_>>()
    );
    assert!(
        dir.join("baseline.json").is_file(),
        "the first run saved the baseline"
    );
    let metrics = std::fs::read_to_string(dir.join("textfile/kraft_acceptance.prom")).unwrap();
    let check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    check
        .stdin
        .as_ref()
        .unwrap()
        .write_all(metrics.as_bytes())
        .unwrap();
    let check = check.wait_with_output().unwrap();
    assert!(
        check.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(
        held(port, t),
        reported(&first),
        "Prometheus holds each criterion as the run reported it"
    );

    // 2. Redis stopped from outside: its criteria fail, drift shows, the alert pends.
    docker(&["stop", &format!("{}-redis-1", deployment.project)]);
    let t = now_s();
    let second = run_watch(&cmd, &dir);
    let failed: Vec<String> = reported(&second)
        .into_iter()
        .filter(|(_, s)| s == "failed")
        .map(|(c, _)| c)
        .collect();
    assert!(
        failed
            .iter()
            .any(|c| c == "Redis serves host tools on 127.0.0.1:6379"),
        "{failed:?}"
    );
    assert!(
        second.drift.iter().any(|d| d
            .starts_with("criteria Redis serves host tools on 127.0.0.1:6379: PASSED -> FAILED")),
        "{:?}",
        second.drift
    );
    assert_eq!(held(port, t), reported(&second));
    until(
        "the alert pending in Prometheus",
        Duration::from_secs(60),
        || {
            get(port, "/api/v1/alerts")
                .and_then(|v| v["data"]["alerts"].as_array().cloned())
                .unwrap_or_default()
                .iter()
                .any(|a| {
                    a["labels"]["alertname"] == "KraftAcceptanceCriterionFailing"
                        && a["labels"]["criterion"] == "Redis serves host tools on 127.0.0.1:6379"
                        && a["state"] == "pending"
                })
        },
    );

    // 3. Redis back, from a re-tagged image with a new ID: every criterion passes, drift only.
    let build = dir.join("rebuilt");
    std::fs::create_dir_all(&build).unwrap();
    std::fs::write(
        build.join("Dockerfile"),
        format!("FROM {STANDIN_REDIS}\nLABEL kraftacc-watch.rebuilt=1\n"),
    )
    .unwrap();
    docker(&[
        "build",
        "-q",
        "-t",
        "kraftacc-watch/redis:rebuilt",
        &build.display().to_string(),
    ]);
    docker(&["tag", "kraftacc-watch/redis:rebuilt", WATCH_REDIS]);
    let up = deployment.compose(&[
        "up",
        "-d",
        "--wait",
        "--force-recreate",
        "--no-deps",
        "redis",
    ]);
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let t = now_s();
    let third = run_watch(&cmd, &dir);
    assert!(third.success(), "{}", third.summary());
    assert!(
        third
            .drift
            .iter()
            .any(|d| d.starts_with("images redis-1: kraftacc-watch/redis:live (")),
        "{:?}",
        third.drift
    );
    assert!(
        third.drift.iter().all(|d| d.starts_with("images ")),
        "drift only in the image: {:?}",
        third.drift
    );
    assert_eq!(held(port, t), reported(&third));
    until(
        "the drift metric in Prometheus",
        Duration::from_secs(60),
        || query(port, "kraft_acceptance_drift{what=\"images\"} > 0").len() == 1,
    );
}

#[test]
#[ignore = "needs Debian's prometheus package (promtool); scripts/test.sh runs it"]
fn the_alert_rules_pass_promtool_check_and_their_unit_tests() {
    let dir = common::root().join("contrib/prometheus");
    for args in [
        vec!["check", "rules", "kraft-acceptance-rules.yml"],
        vec!["test", "rules", "kraft-acceptance-rules.test.yml"],
    ] {
        let o = Command::new("promtool")
            .args(&args)
            .current_dir(&dir)
            .output()
            .expect("promtool");
        assert!(
            o.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
