//! Attach mode is read-only: a stack deployed with the Hemma layering (as an
//! operator would) is verified while the engine's events for its project are
//! recorded; no lifecycle event may appear, and the stack runs on untouched.

use std::process::{Command, Stdio};

use crate::common;

const FORBIDDEN: &[&str] = &[
    "create", "start", "restart", "stop", "kill", "die", "destroy", "pause", "unpause", "rename",
    "update",
];

/// `docker compose` on the reference's Hemma layering (stand-in images),
/// with `extra` override files last.
pub fn compose_with(
    project: &str,
    extra: &[std::path::PathBuf],
    args: &[&str],
) -> std::process::Output {
    let r = common::root().join("fixtures/reference");
    let extra: Vec<String> = extra
        .iter()
        .flat_map(|f| ["-f".to_string(), f.display().to_string()])
        .collect();
    Command::new("docker")
        .args(["compose", "-p", project, "--project-directory"])
        .arg(&r)
        .arg("-f")
        .arg(r.join("docker-compose.infrastructure.yml"))
        .arg("-f")
        .arg(r.join("docker-compose.hemma.yml"))
        .arg("-f")
        .arg(common::root().join("fixtures/standin/docker-compose.standin.yml"))
        .arg("-f")
        .arg(common::root().join("fixtures/standin/docker-compose.standin-bootstrap.yml"))
        .args(&extra)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("docker compose")
}

/// The engine's events for a project, recorded while something runs.
pub struct Events {
    child: std::process::Child,
    project: String,
}

impl Events {
    pub fn record(project: &str) -> Self {
        let child = Command::new("docker")
            .args([
                "events",
                "--filter",
                &format!("label=com.docker.compose.project={project}"),
                "--format",
                "{{.TimeNano}} {{.Action}}",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("docker events");
        std::thread::sleep(std::time::Duration::from_millis(500));
        Events {
            child,
            project: project.to_string(),
        }
    }

    /// The lifecycle events (create, start, stop...) seen before now. A
    /// harmless signal to the project's Redis afterwards (a `kill` event)
    /// proves the recorder was live.
    pub fn lifecycle_until_now(mut self) -> (Vec<String>, Vec<String>) {
        let window_end = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let redis = format!("{}-redis-1", self.project);
        assert!(Command::new("docker")
            .args(["kill", "-s", "WINCH", &redis])
            .output()
            .unwrap()
            .status
            .success());
        std::thread::sleep(std::time::Duration::from_millis(800));
        let _ = self.child.kill();
        let recorded = self.child.wait_with_output().expect("events output");
        let lines: Vec<(u128, String)> = String::from_utf8_lossy(&recorded.stdout)
            .lines()
            .filter_map(|l| {
                l.split_once(' ')
                    .map(|(t, a)| (t.parse().unwrap_or(0), a.to_string()))
            })
            .collect();
        assert!(
            lines.iter().any(|(t, a)| *t >= window_end && a == "kill"),
            "the event recorder saw nothing: {lines:?}"
        );
        let actions: Vec<String> = lines
            .iter()
            .filter(|(t, _)| *t < window_end)
            .map(|(_, a)| a.clone())
            .collect();
        let bad = actions
            .iter()
            .filter(|a| FORBIDDEN.contains(&a.split(':').next().unwrap_or("").trim()))
            .cloned()
            .collect();
        (bad, actions)
    }
}

/// (name, id, StartedAt) of the project's containers.
fn containers(project: &str) -> Vec<String> {
    let o = Command::new("docker")
        .args([
            "ps",
            "-a",
            "--filter",
            &format!("label=com.docker.compose.project={project}"),
            "-q",
        ])
        .output()
        .expect("docker ps");
    let ids: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return ids;
    }
    let o = Command::new("docker")
        .args([
            "inspect",
            "-f",
            "{{.Name}} {{.Id}} {{.State.Status}} {{.State.StartedAt}}",
        ])
        .args(&ids)
        .output()
        .expect("docker inspect");
    let mut v: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// A deployment with the Hemma layering, as an operator makes it; removed
/// (with the shared network, if this test created it) on drop.
pub struct Deployment {
    pub project: String,
    network_created: bool,
    extra: Vec<std::path::PathBuf>,
}

impl Deployment {
    fn up(name: &str, bootstrap: bool) -> Self {
        Self::up_with(name, bootstrap, &[])
    }

    /// `docker compose` on this deployment, its files as deployed.
    pub fn compose(&self, args: &[&str]) -> std::process::Output {
        compose_with(&self.project, &self.extra, args)
    }

    pub fn up_with(name: &str, bootstrap: bool, extra: &[std::path::PathBuf]) -> Self {
        let project = format!("kraftattach-{name}-{}", std::process::id());
        // Hemma's shared network is external: the deployment expects it to exist.
        let exists = Command::new("docker")
            .args(["network", "inspect", "hule-network"])
            .output()
            .unwrap()
            .status
            .success();
        if !exists {
            let o = Command::new("docker")
                .args(["network", "create", "hule-network"])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        let d = Deployment {
            project: project.clone(),
            network_created: !exists,
            extra: extra.to_vec(),
        };
        let up = d.compose(&["up", "-d", "--wait", "kafka", "redis"]);
        assert!(
            up.status.success(),
            "deploy: {}",
            String::from_utf8_lossy(&up.stderr)
        );
        if bootstrap {
            let setup = d.compose(&["run", "--rm", "kafka_topic_setup"]);
            assert!(
                setup.status.success(),
                "bootstrap: {}",
                String::from_utf8_lossy(&setup.stderr)
            );
        }
        d
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        let _ = self.compose(&["down", "-v", "--timeout", "5"]);
        if self.network_created {
            let _ = Command::new("docker")
                .args(["network", "rm", "hule-network"])
                .output();
        }
    }
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn attach_verifies_a_hemma_deployment_without_changing_it() {
    let _stack = common::stack_lock();
    let deployment = Deployment::up("ok", true);
    let project = deployment.project.clone();
    let before = containers(&project);
    assert_eq!(before.len(), 2, "{before:?}");

    let events = Events::record(&project);
    let run = common::verify(
        &common::root().join("fixtures/reference"),
        "@static or @runtime",
        &["--attach", "--project-name", &project],
    );
    let (bad, actions) = events.lifecycle_until_now();
    assert_eq!(
        containers(&project),
        before,
        "the stack must run on untouched"
    );

    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    assert!(
        run.stdout().contains("layering hemma"),
        "attach uses the Hemma layering by default: {}",
        run.stdout()
    );
    assert!(
        run.stdout()
            .contains("NOT RUN kafka_topic_setup creates its topics"),
        "{}",
        run.stdout()
    );
    let o = run.outcome.as_ref().expect("outcome");
    assert!(o
        .scenarios
        .iter()
        .any(|s| s.name == "Every manifest topic exists on the deployed broker"));
    assert!(
        bad.is_empty(),
        "attach changed the deployment: {bad:?} (all events: {actions:?})"
    );
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn attach_fails_when_the_manifest_topics_are_missing() {
    let _stack = common::stack_lock();
    // Deployed, but the bootstrap never ran: the broker has no manifest topic.
    let deployment = Deployment::up("notopics", false);
    let run = common::verify(
        &common::root().join("fixtures/reference"),
        "@attach",
        &["--attach", "--project-name", &deployment.project],
    );
    assert_eq!(run.code(), Some(1), "{}{}", run.stdout(), run.stderr());
    assert_eq!(
        run.not_passed(),
        ["Every manifest topic exists on the deployed broker".to_string()].into()
    );
    let f = run.failures().join("\n");
    assert!(
        f.contains("expected: every manifest topic exists with its partition count")
            && f.contains("topic huledu.events.v1 missing"),
        "{f}"
    );
}
