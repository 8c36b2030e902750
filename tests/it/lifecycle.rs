//! The owned stack's lifecycle: bad machine state stops a run before
//! anything starts (one line, exit 2), and a stack is torn down when the run
//! is interrupted. Runs against the engine; tests share host ports, so each
//! takes the same lock.

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;

fn project_containers(prefix: &str) -> Vec<String> {
    let o = Command::new("docker")
        .args([
            "ps",
            "-a",
            "--format",
            "{{.Label \"com.docker.compose.project\"}}",
        ])
        .output()
        .expect("docker ps");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.starts_with(prefix))
        .map(str::to_string)
        .collect()
}

fn run_runtime(extra_env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut c = common::bin();
    c.args(["verify", "--tags", "@runtime"]).args(args);
    for (k, v) in extra_env {
        c.env(k, v);
    }
    c.output().expect("run kraft-acceptance")
}

fn assert_one_line_exit_2(out: &std::process::Output, want: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stderr: {stderr}\nstdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(stderr.trim().lines().count(), 1, "want one line: {stderr}");
    assert!(stderr.contains(want), "want {want:?} in {stderr}");
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn a_taken_host_port_stops_the_run_before_anything_starts() {
    let _g = common::stack_lock();
    let before = project_containers("kraftacc-");
    let holder = TcpListener::bind("127.0.0.1:6379").expect("hold 127.0.0.1:6379 for the test");
    let out = run_runtime(&[], &[]);
    drop(holder);
    assert_one_line_exit_2(
        &out,
        "host port 127.0.0.1:6379 is already in use (published by service redis)",
    );
    assert_eq!(
        project_containers("kraftacc-"),
        before,
        "nothing may be started"
    );
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn an_image_that_cannot_be_pulled_stops_a_real_run_and_sends_auto_to_the_stand_in() {
    let _g = common::stack_lock();
    let target = common::root().join("fixtures/bad-input/unpullable-images");
    let target = target.to_str().unwrap();
    // --images real never falls back: the pull's own error, one line, exit 2.
    let out = run_runtime(&[], &["--project-dir", target, "--images", "real"]);
    assert_one_line_exit_2(
        &out,
        "image 127.0.0.1:1/apache/kafka:3.8.0 (service kafka) is not present locally",
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("connection refused"),
        "the pull's own error"
    );
    // --images auto tries the pull, then runs on the stand-in and says why.
    let out = run_runtime(&[], &["--project-dir", target, "--images", "auto"]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let said = stderr
        .lines()
        .find(|l| l.starts_with("kraft-acceptance: stand-in images: pulling 127.0.0.1:1/"))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        said.contains("failed: ") && said.contains("connection refused"),
        "{said}"
    );
    assert!(
        stdout.contains("stand-in because pulling 127.0.0.1:1/"),
        "the run says which images it used and why: {stdout}"
    );
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn sigterm_tears_the_stack_down() {
    let _g = common::stack_lock();
    let child = common::bin()
        .args(["verify", "--tags", "@runtime", "--wait-limit", "60"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    // Wait until the stack exists, then interrupt the run mid-way.
    let deadline = Instant::now() + Duration::from_secs(60);
    let project = loop {
        let p = project_containers(&format!("kraftacc-{pid}-"));
        if let Some(p) = p.first() {
            break p.clone();
        }
        assert!(Instant::now() < deadline, "the stack never appeared");
        std::thread::sleep(Duration::from_millis(100));
    };
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .expect("SIGTERM");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(143),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains(&format!("interrupted; tearing down {project}")));
    assert!(
        project_containers(&project).is_empty(),
        "{project} left containers"
    );
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn a_kept_stack_stays_up_answers_kraft_on_the_wire_and_is_never_reaped() {
    // --keep leaves the stack up and says how to remove it.
    let _g = common::stack_lock();
    let out = run_runtime(&[], &["--keep"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let line = stderr
        .lines()
        .find(|l| l.contains("stack kept; remove it with: "))
        .unwrap_or_else(|| panic!("{stderr}"));
    let cmd = line.split_once("remove it with: ").unwrap().1;
    let project = cmd.split_whitespace().nth(3).unwrap().to_string();
    let override_file = cmd
        .split_whitespace()
        .find(|w| w.contains("docker-compose.standin-"))
        .map(str::to_string);
    if let Some(f) = &override_file {
        assert!(
            !f.starts_with(&std::env::temp_dir().display().to_string()),
            "the kept stack's files are not in the temp directory: {f}"
        );
    }
    assert!(
        !project_containers(&project).is_empty(),
        "--keep must leave {project} running"
    );
    // The kept broker is Kafka 3.8.0 on fresh storage: metadata.version
    // finalized at 3.8-IV0 (level 20), one voter leading itself.
    let wire = kraft_acceptance::probes::wire::probe("localhost:9093")
        .expect("ApiVersions from the kept broker");
    assert_eq!(
        kraft_acceptance::verdicts::kraft::wire::metadata_version_finalized(&wire).unwrap(),
        20,
        "{wire:?}"
    );
    let q = wire
        .quorum
        .clone()
        .expect("DescribeQuorum offered")
        .expect("DescribeQuorum answered");
    assert_eq!(
        (q.leader_id, q.voters.clone(), q.observers.clone()),
        (1, vec![1], vec![]),
        "{q:?}"
    );
    let listed = common::bin()
        .args(["clean", "--dry-run"])
        .output()
        .expect("clean");
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains(&format!("leave {project}: kept on purpose")),
        "a kept stack is never reaped: {listed}"
    );
    let down = Command::new("sh").args(["-c", cmd]).output().expect("down");
    assert!(
        down.status.success(),
        "{}",
        String::from_utf8_lossy(&down.stderr)
    );
    assert!(project_containers(&project).is_empty());
    // The redeploy carried the broker's anonymous volumes to its new
    // container: the command removes them too, and they are gone.
    let carried: Vec<&str> = cmd
        .split_once("&& docker volume rm -f ")
        .map(|(_, v)| v.split_whitespace().collect())
        .unwrap_or_default();
    assert!(
        !carried.is_empty(),
        "the redeploy's volumes in the command: {cmd}"
    );
    for v in carried {
        let inspect = Command::new("docker")
            .args(["volume", "inspect", v])
            .output()
            .unwrap();
        assert!(!inspect.status.success(), "volume {v} left behind");
    }
    // Once the kept stack is gone by hand, its owner file goes at the next clean.
    let owner = format!("{project}.owner.yml");
    assert!(
        common::owner_files().contains(&owner),
        "a kept stack keeps its owner file"
    );
    let cleaned = common::bin().arg("clean").output().expect("clean");
    assert!(
        String::from_utf8_lossy(&cleaned.stdout).contains(&format!("{owner} (its stack is gone)"))
    );
    assert!(!common::owner_files().contains(&owner));
}
