//! Targets that are not our reference's shape pass as they are: a monorepo
//! (include-based masters, .env, a bootstrap built from code, replicas: 0,
//! 9092 also on loopback) with a toml of layerings, scan paths and public
//! services only, and the reference with its manifest mounted from
//! another path and no toml line naming it; a team stack with its own
//! names, addresses, env file, Redis password and names-only topics list and
//! no Hemma layering; a repo whose topics come from a host script.

use std::collections::BTreeSet;
use std::path::Path;

use kraft_acceptance::model::evidence::{ManifestTopic, Row};
use kraft_acceptance::run::outcome::Outcome;

use crate::common;

fn observed<'a>(o: &'a Outcome, scenario: &str) -> &'a [String] {
    &o.scenarios
        .iter()
        .find(|s| s.name == scenario)
        .unwrap_or_else(|| panic!("{scenario} ran"))
        .observed
}

fn all_passed(run: &common::Run) -> Outcome {
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    let o = run.outcome.clone().expect("outcome");
    for s in &o.scenarios {
        assert!(s.status.passed(), "{}", s.name);
    }
    o
}

/// What did not pass in `dir`'s static run, each line naming the fixture:
/// empty when the run exited 0 and ran scenarios, each of them passed.
fn static_not_passed(dir: &Path) -> Vec<String> {
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let run = common::verify(dir, "@static", &[]);
    let mut out: Vec<String> = run
        .not_passed()
        .into_iter()
        .map(|s| format!("{name}: {s}"))
        .collect();
    if run.code() != Some(0) {
        out.push(format!("{name}: exit {:?}: {}", run.code(), run.stderr()));
    }
    if run.outcome.as_ref().is_none_or(|o| o.scenarios.is_empty()) {
        out.push(format!("{name}: ran no scenario"));
    }
    out
}

/// Every passing fixture with a toml (discovered: a new one is held with no
/// test code) passes every static scenario.
#[test]
fn every_passing_fixture_passes_every_static_scenario() {
    let dirs: Vec<_> = common::all_passing()
        .into_iter()
        .filter(|d| d.join("kraft-acceptance.toml").is_file())
        .collect();
    assert!(dirs.len() >= 8, "{dirs:?}");
    let failed: Vec<String> = dirs.iter().flat_map(|d| static_not_passed(d)).collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The check above fails on a fixture that breaks a passing one: the
/// monorepo with its notebook run on Hemma.
#[test]
fn the_passing_check_names_what_a_broken_overlay_fails() {
    let dir =
        common::root().join("fixtures/broken/loopback_binds-monorepo-hemma-runs-the-notebook");
    let failed = static_not_passed(&dir);
    assert_eq!(
        failed,
        vec![
            "loopback_binds-monorepo-hemma-runs-the-notebook: On Hemma only the reverse proxy publishes on a public interface",
            "loopback_binds-monorepo-hemma-runs-the-notebook: exit Some(1): ",
        ]
    );
}

#[test]
fn the_monorepo_passes_every_static_scenario_with_a_short_toml() {
    let dir = common::passing("monorepo");
    let toml: toml::Table = std::fs::read_to_string(dir.join("kraft-acceptance.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let keys: BTreeSet<&str> = toml.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from(["layerings", "public_services", "scan_paths"])
    );

    let o = all_passed(&common::verify(&dir, "@static", &[]));
    assert!(
        o.scenarios.len() >= 13,
        "ran {} scenarios",
        o.scenarios.len()
    );
    // 9092 on loopback, advertised as kafka:9092: a warning, not a failure.
    let host = o
        .scenarios
        .iter()
        .find(|s| s.name == "Host tools are told localhost:9093")
        .expect("the host listener scenario");
    assert!(
        host.passed_with_warning(),
        "a pass with a warning says so: {host:#?}"
    );
    assert!(
        host.warnings.iter().any(|l| l.starts_with("WARNING: kafka publishes 127.0.0.1:9092->9092/tcp for listener INTERNAL, advertised as kafka:9092")),
        "{host:#?}"
    );
    // The notebook publishes on every interface but is disabled on Hemma.
    let public = observed(
        &o,
        "On Hemma only the reverse proxy publishes on a public interface",
    );
    assert!(
        public.iter().any(|l| l
            .contains("disabled with deploy.replicas: 0, so not run: postgres, research-notebook")),
        "{public:#?}"
    );
    let db = observed(&o, "Hemma runs no database of its own");
    assert!(
        db.iter()
            .any(|l| l.ends_with("services using shared-postgres: api")),
        "{db:#?}"
    );
    let topics = observed(
        &o,
        "The topics manifest, if the target has one, lists at least one valid topic",
    );
    assert!(
        topics.iter().any(|l| l.starts_with("no topics manifest")),
        "{topics:#?}"
    );
}

#[test]
fn the_reference_passes_no_such_warning() {
    let o = all_passed(&common::verify(
        &common::root().join("fixtures/reference"),
        "@static and not @validators",
        &[],
    ));
    let host = observed(&o, "Host tools are told localhost:9093");
    assert!(host.iter().all(|l| !l.starts_with("WARNING")), "{host:#?}");
}

#[test]
fn a_manifest_mounted_from_another_path_is_found_without_a_toml_line() {
    let o = all_passed(&common::verify(
        &common::passing("manifest-elsewhere"),
        "@static",
        &[],
    ));
    let topics = observed(
        &o,
        "The topics manifest, if the target has one, lists at least one valid topic",
    );
    assert!(
        topics.iter().any(|l| l.starts_with("manifest kafka/topics.txt (mounted into kafka_topic_setup): huledu.audit.v1 (2 partitions)")),
        "{topics:#?}"
    );
}

/// Runs `dir` with an owned stack; it must pass and leave nothing.
fn runtime_passes(name: &str) -> Outcome {
    let run = common::verify(&common::passing(name), "@runtime and not @host", &[]);
    let o = all_passed(&run);
    let project = common::project_of(&run.stdout()).expect("stack line");
    assert_eq!(common::leftovers(&project), Vec::<String>::new());
    o
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn the_monorepo_and_a_manifest_elsewhere_pass_at_runtime_and_leave_nothing() {
    let _stack = common::stack_lock();
    let o = runtime_passes("monorepo");
    let names = created_topics(&o);
    assert_eq!(
        names,
        BTreeSet::from([
            "huledu.commands.v1",
            "huledu.deadletter.v1",
            "huledu.events.v1"
        ])
    );
    let nr = o
        .not_run
        .iter()
        .find(|n| n.name == "Every manifest topic exists on the deployed broker")
        .expect("attach scenario not run");
    assert!(nr.reason.starts_with("owned stack"), "{}", nr.reason);

    let o = runtime_passes("manifest-elsewhere");
    let table = manifest_topics(&o);
    assert!(
        table
            .iter()
            .any(|t| t.name == "huledu.audit.v1" && t.partitions == 2 && t.found == Some(2)),
        "{table:?}"
    );
}

#[test]
fn a_team_stack_with_its_own_names_passes_every_static_scenario() {
    let dir = common::passing("kafka-init");
    let toml: toml::Table = std::fs::read_to_string(dir.join("kraft-acceptance.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let keys: BTreeSet<&str> = toml.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "bootstrap",
            "env_files",
            "layerings",
            "names",
            "redis_password_env",
            "topics"
        ])
    );

    let o = all_passed(&common::verify(&dir, "@static", &[]));
    // No Hemma layering: its scenarios are not run, with the reason, never failed or passed.
    let hemma = o
        .not_run
        .iter()
        .find(|n| n.name == "No ZooKeeper in the Hemma layering")
        .expect("not run");
    assert!(
        hemma
            .reason
            .starts_with("the target has no \"hemma\" layering"),
        "{}",
        hemma.reason
    );
    let topics = observed(
        &o,
        "The topics manifest, if the target has one, lists at least one valid topic",
    );
    assert!(
        topics.iter().any(|l| l.starts_with(
            "manifest kafka/topics.txt (mounted into kafka-init): orders.created (3 partitions)"
        )),
        "{topics:#?}"
    );
    let host = observed(&o, "Host tools are told localhost:9093");
    assert!(
        host.iter()
            .any(|l| l == "broker advertises HOST://localhost:9092"),
        "{host:#?}"
    );
}

#[test]
fn a_repo_whose_topics_come_from_a_host_script_passes_every_static_scenario() {
    let o = all_passed(&common::verify(
        &common::passing("host-script"),
        "@static",
        &[],
    ));
    let wait = o
        .not_run
        .iter()
        .find(|n| n.name == "kafka_topic_setup waits for a healthy Kafka")
        .expect("not run");
    assert!(
        wait.reason.starts_with("the bootstrap is a host command"),
        "{}",
        wait.reason
    );
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn the_team_stack_and_the_host_script_repo_pass_at_runtime_and_leave_nothing() {
    let _stack = common::stack_lock();
    let o = runtime_passes("kafka-init");
    assert!(observed(&o, "Redis answers PING on 127.0.0.1:6379")
        .iter()
        .any(|l| l == "PING 127.0.0.1:6380: PONG"));
    let json = serde_json::to_string(&o).unwrap();
    assert!(
        !json.contains("dev-only-redis-pass"),
        "the Redis password appears in no output"
    );
    let table = manifest_topics(&o);
    assert!(
        table
            .iter()
            .any(|t| t.name == "payments.settled" && t.partitions == 3 && t.found == Some(3)),
        "{table:?}"
    );

    let o = runtime_passes("host-script");
    let names = created_topics(&o);
    assert_eq!(
        names,
        BTreeSet::from([
            "notifications.deadletter.v1",
            "notifications.email.v1",
            "notifications.push.v1"
        ])
    );
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn healthchecks_valid_on_apache_kafka_pass_every_scenario_on_the_image_built_here() {
    let _stack = common::stack_lock();
    // kafka-cluster.sh cluster-id, and a broker metric read over JMX (JNDI)
    // inside the container: both scripts of the release, both Java 21's JMX.
    for dir in ["healthcheck-kafka-cluster", "healthcheck-jmx-metric"] {
        let run = common::verify(&common::passing(dir), "not @host", &[]);
        let o = all_passed(&run);
        assert!(o.scenarios.len() >= 30, "{dir}: ran {}", o.scenarios.len());
        assert!(
            observed(&o, "Kafka becomes healthy within 60 s of starting")
                .iter()
                .any(|l| l.starts_with("kafka time-to-healthy: ")),
            "{dir}"
        );
        let project = common::project_of(&run.stdout()).expect("stack line");
        assert_eq!(common::leftovers(&project), Vec::<String>::new());
    }
}

/// The topics the bootstrap created, as the run recorded them.
fn created_topics(o: &Outcome) -> BTreeSet<&str> {
    o.evidence
        .rows
        .iter()
        .filter_map(|r| match &r.row {
            Row::CreatedTopic { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect()
}

/// The manifest's topics and what the broker had of each.
fn manifest_topics(o: &Outcome) -> Vec<&ManifestTopic> {
    o.evidence
        .rows
        .iter()
        .filter_map(|r| match &r.row {
            Row::ManifestTopic(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// Runs a cluster reference once, every scenario but the host command's:
/// every node started by the seed's command with the cluster's names, each
/// with its own time to healthy, and nothing left behind.
fn cluster_passes(dir: &str, nodes: &[&str]) {
    let before = common::engine_counts();
    let started = std::time::Instant::now();
    let run = common::verify(&common::root().join(dir), "not @host", &[]);
    let o = all_passed(&run);
    let project = common::project_of(&run.stdout()).expect("stack line");
    let command = format!(
        "docker compose -p {project} up -d {} redis",
        nodes.join(" ")
    );
    assert!(
        o.environment.stack.contains(&command),
        "{dir}: {}",
        o.environment.stack
    );
    let rows: Vec<&str> = o
        .evidence
        .time_to_healthy
        .keys()
        .map(String::as_str)
        .collect();
    let mut want: Vec<&str> = nodes.iter().copied().chain(["redis"]).collect();
    want.sort();
    assert_eq!(rows, want, "{dir}: a time-to-healthy row per node");
    let healthy = observed(&o, "Kafka becomes healthy within 60 s of starting");
    for node in nodes {
        let line = format!("{node} time-to-healthy: ");
        assert!(
            healthy.iter().any(|l| l.starts_with(&line)),
            "{dir}: {healthy:#?}"
        );
    }
    let failover = observed(
        &o,
        "The cluster keeps serving with its quorum leader's node and a broker lost",
    );
    for want in [
        "leads the quorum",
        "host: produced with acks=all",
        "internal: produced with acks=all",
        "every record of rounds before, host, internal",
    ] {
        assert!(
            failover.iter().any(|l| l.contains(want)),
            "{dir}: {want}: {failover:#?}"
        );
    }
    for m in o
        .measurements
        .iter()
        .filter(|m| m.starts_with("failover: "))
    {
        eprintln!("{dir}: {m}");
    }
    assert_eq!(common::leftovers(&project), Vec::<String>::new());
    assert_eq!(common::engine_counts(), before, "{dir}: engine counts");
    let slowest = o
        .evidence
        .time_to_healthy
        .values()
        .map(|t| t.seconds)
        .fold(0.0, f64::max);
    eprintln!(
        "{dir}: every node healthy after {slowest:.1} s, suite {:.1} s, test {:.1} s",
        o.wall_seconds,
        started.elapsed().as_secs_f64()
    );
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn the_combined_cluster_passes_every_scenario_with_every_node_started() {
    let _stack = common::stack_lock();
    cluster_passes(
        "fixtures/passing/cluster-combined",
        &["kafka-1", "kafka-2", "kafka-3"],
    );
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn the_isolated_cluster_passes_every_scenario_with_every_node_started() {
    let _stack = common::stack_lock();
    cluster_passes(
        "fixtures/passing/cluster-isolated",
        &[
            "kafka-1",
            "controller-1",
            "controller-2",
            "controller-3",
            "kafka-2",
            "kafka-3",
        ],
    );
}
