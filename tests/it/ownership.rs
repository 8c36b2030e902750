//! Nothing left behind: a run killed with SIGKILL leaves an orphan that the
//! next run (or `clean`) removes, saying so; a stack whose owner runs is
//! never touched; two runs at once both pass (the second waits for the
//! host lock); and no run leaves a file in the temp directory.

use std::process::{Child, Stdio};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use crate::common;

fn spawn_runtime(extra: &[&str]) -> Child {
    common::bin()
        .args(["verify", "--tags", "@runtime"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kraft-acceptance")
}

fn sigkill(child: &mut Child) {
    kill(Pid::from_raw(child.id() as i32), Signal::SIGKILL).expect("SIGKILL");
    let _ = child.wait();
}

fn clean(args: &[&str]) -> String {
    let out = common::bin()
        .arg("clean")
        .args(args)
        .output()
        .expect("clean");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn a_run_killed_with_sigkill_is_reaped_by_the_next_run() {
    let _stack = common::stack_lock();
    common::clean_orphans();
    let (counts, temp) = (common::engine_counts(), common::temp_files());
    let mut killed = spawn_runtime(&[]);
    let orphan = common::project_of_pid(killed.id());
    sigkill(&mut killed);
    assert!(
        !common::leftovers(&orphan).is_empty(),
        "SIGKILL leaves the stack of {orphan} behind"
    );

    let out = common::bin()
        .args(["verify", "--tags", "@runtime"])
        .output()
        .expect("run");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let said = stderr
        .lines()
        .find(|l| l.contains(&format!("reaped orphan stack {orphan}")))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        said.contains("is gone") && said.contains("container"),
        "{said}"
    );
    assert!(
        common::leftovers(&orphan).is_empty(),
        "{orphan} was reaped whole"
    );
    assert_eq!(
        common::engine_counts(),
        counts,
        "containers, networks, volumes as before"
    );
    assert_eq!(
        common::temp_files(),
        temp,
        "nothing left in the temp directory"
    );
    assert_eq!(
        common::owner_files(),
        Vec::<String>::new(),
        "no owner file left"
    );
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn two_runs_started_together_both_pass() {
    let _stack = common::stack_lock();
    common::clean_orphans();
    let (counts, temp) = (common::engine_counts(), common::temp_files());
    let a = spawn_runtime(&[]);
    let b = spawn_runtime(&[]);
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    for o in [&a, &b] {
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let waited: Vec<String> = [&a, &b]
        .iter()
        .flat_map(|o| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|l| l.contains("waiting for the host lock"))
        .collect();
    assert_eq!(
        waited.len(),
        1,
        "one run waited, and said for whom: {waited:?}"
    );
    assert!(waited[0].contains("held by pid "), "{}", waited[0]);
    assert_eq!(common::engine_counts(), counts);
    assert_eq!(common::temp_files(), temp);
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn clean_removes_orphans_only_and_lists_them_first() {
    let _stack = common::stack_lock();
    common::clean_orphans();
    let counts = common::engine_counts();
    // Kafka never becomes healthy here, so the run stays alive while we look.
    let fixture = common::root().join("fixtures/broken/healthy-runtime-kafka-never-healthy");
    let mut run = spawn_runtime(&[
        "--project-dir",
        fixture.to_str().unwrap(),
        "--wait-limit",
        "60",
    ]);
    let project = common::project_of_pid(run.id());
    let live = clean(&["--dry-run"]);
    assert!(
        live.contains(&format!(
            "leave {project}: its owner, pid {}, is running",
            run.id()
        )),
        "{live}"
    );
    assert!(
        !clean(&[]).contains(&format!("removed {project}")),
        "a live owner's stack is never removed"
    );
    assert!(!common::leftovers(&project).is_empty());

    sigkill(&mut run);
    let dry = clean(&["--dry-run"]);
    let line = dry
        .lines()
        .find(|l| l.starts_with(&format!("would remove {project}: pid ")))
        .unwrap_or_else(|| panic!("{dry}"));
    assert!(
        line.contains("is gone") && line.contains("2 containers"),
        "{line}"
    );
    assert!(
        !common::leftovers(&project).is_empty(),
        "--dry-run removes nothing"
    );
    let done = clean(&[]);
    assert!(done.contains(&format!("removed {project}")), "{done}");
    assert!(common::leftovers(&project).is_empty());
    assert_eq!(common::engine_counts(), counts);
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn images_compose_built_for_a_run_go_with_its_orphan() {
    let project = format!("kraftacc-{}-built", std::process::id());
    let ctx = tempfile::tempdir().unwrap();
    std::fs::write(ctx.path().join("Dockerfile"), "FROM scratch\nCOPY f /f\n").unwrap();
    std::fs::write(ctx.path().join("f"), project.as_bytes()).unwrap();
    let build = |tag: &str| {
        let o = std::process::Command::new("docker")
            .args(["build", "-q", "-t", tag])
            .arg(ctx.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let (ours, other) = (
        format!("{project}-kafka_topic_setup"),
        format!("{project}x-other"),
    );
    build(&ours);
    build(&other);
    let engine = tokio::runtime::Runtime::new().unwrap();
    let failed = engine.block_on(async {
        let e = kraft_acceptance::probes::engine::Engine::connect()
            .await
            .unwrap();
        e.remove_built_images(&project).await
    });
    let exists = |t: &str| {
        std::process::Command::new("docker")
            .args(["image", "inspect", t])
            .output()
            .unwrap()
            .status
            .success()
    };
    let (ours_left, other_left) = (exists(&ours), exists(&other));
    let _ = std::process::Command::new("docker")
        .args(["rmi", "-f", &other])
        .output();
    assert_eq!(failed, Vec::<String>::new());
    assert!(!ours_left, "{ours} was removed");
    assert!(other_left, "{other} is another project's and stays");
}
