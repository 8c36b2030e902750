//! Kafka judges Kafka: the broker itself (each Kafka version built here from
//! its release's jars by scripts/setup.sh: 3.7.0, 3.7.1, 3.8.0, 3.8.1) is started
//! on the Kafka service of every fixture whose defect is a KRaft startup
//! rule, and of every passing reference, with that version's image named. The harness judges with Kafka's own setup and
//! format (no broker started); where they refuse the settings, the broker
//! must exit non-zero with the same words in its log; where they pass, the
//! broker must start and answer ApiVersions: what only the broker's start
//! checks shows up here. Each case is its own container on the engine's default
//! bridge, nothing published, removed at the end.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kraft_acceptance::model::kafka_props::parse_listeners;
use kraft_acceptance::target::Target;
use kraft_acceptance::verdicts::kraft::image_settings;

use crate::common;

const IMAGE: &str = "kraft-acceptance/standin-kafka:3.8.0";
const KRAFT_SCENARIO: &str = "Kafka's KRaft settings pass Kafka's startup rules";
/// Longest a broker may take from `docker run` to "Kafka Server started".
const START_LIMIT: Duration = Duration::from_secs(90);

/// What the harness says of one fixture's Kafka service, and how to run it.
struct Case {
    name: String,
    /// The Kafka image the case is judged and started on.
    image: String,
    /// The harness's refusals (empty: it says Kafka starts).
    refusals: Vec<String>,
    hostname: String,
    env: Vec<(String, String)>,
    mounted: Option<PathBuf>,
    /// A port a client listener binds, to ask for ApiVersions.
    client_port: Option<u16>,
}

fn case(dir: &Path, version: &str) -> Case {
    let name = dir
        .strip_prefix(common::root().join("fixtures"))
        .unwrap_or(dir)
        .display()
        .to_string();
    let target = Target::load(dir).unwrap_or_else(|e| panic!("{name}: {e}"));
    let model = kraft_acceptance::run::compose_for(&target, "infrastructure")
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .config()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let service = target.service("kafka");
    let mut model = model;
    if let Some(s) = model.services.get_mut(&service) {
        s.image = Some(format!("apache/kafka:{version}"));
    }
    let svc = model
        .service(&service)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mounted = svc
        .host_path_of("/mnt/shared/config/server.properties")
        .filter(|p| p.exists());
    let text = mounted
        .as_ref()
        .map(|p| std::fs::read_to_string(p).expect("mounted server.properties"));
    let image = image_settings(&svc.environment, text.as_deref());
    let refusals: Vec<String> =
        common::kafka_setup_refusals(&model, std::slice::from_ref(&service))
            .into_iter()
            .flatten()
            .collect();
    let controllers: Vec<String> = image
        .properties
        .get("controller.listener.names")
        .map(|v| v.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let client_port = image
        .properties
        .get("listeners")
        .and_then(|l| parse_listeners(l).ok())
        .and_then(|ls| {
            ls.into_iter()
                .find(|l| !controllers.contains(&l.name))
                .map(|l| l.port)
        });
    Case {
        name: format!("{name} on Kafka {version}"),
        image: format!("kraft-acceptance/standin-kafka:{version}"),
        refusals,
        hostname: svc.hostname.clone().unwrap_or(service),
        env: svc
            .environment
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
            .collect(),
        mounted,
        client_port,
    }
}

/// The fixtures the oracle judges: the broken ones whose failing scenario is
/// the KRaft startup rules, and every passing reference.
fn cases() -> Vec<Case> {
    let fixtures = common::root().join("fixtures");
    let mut dirs: Vec<PathBuf> = common::all_variants()
        .into_iter()
        .filter(|(_, e)| e.fails.iter().any(|f| f == KRAFT_SCENARIO))
        .map(|(d, _)| d)
        .collect();
    dirs.push(fixtures.join("reference"));
    dirs.extend(
        common::all_passing()
            .into_iter()
            .filter(|p| p.join("kraft-acceptance.toml").is_file()),
    );
    // One node started alone cannot resolve its peers: a cluster's nodes are
    // judged by Kafka only with the whole cluster up, not by this oracle.
    dirs.retain(|d| !on_a_cluster(d));
    kraft_acceptance::probes::kafka_setup::BUILT_HERE
        .iter()
        .flat_map(|v| dirs.iter().map(move |d| case(d, v)))
        .collect()
}

/// A cluster reference, or a fixture built on one.
fn on_a_cluster(dir: &std::path::Path) -> bool {
    let toml = std::fs::read_to_string(dir.join("kraft-acceptance.toml")).unwrap_or_default();
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name.starts_with("cluster-") || toml.contains("passing/cluster-")
}

fn docker(args: &[&str]) -> (bool, String) {
    let out = Command::new("docker").args(args).output().expect("docker");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// What the broker did with the settings.
enum Broker {
    Refused { code: String, log: String },
    Answered { log: String },
    Neither(String),
}

fn run_broker(c: &Case, n: usize) -> Broker {
    let name = format!("kraftacc-oracle-{}-{n}", std::process::id());
    let mut args: Vec<String> = [
        "run",
        "-d",
        "--name",
        &name,
        "--label",
        "kraft-acceptance.test=oracle",
        "--hostname",
        &c.hostname,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (k, v) in &c.env {
        args.extend(["-e".into(), format!("{k}={v}")]);
    }
    if let Some(p) = &c.mounted {
        args.extend([
            "-v".into(),
            format!("{}:/mnt/shared/config/server.properties:ro", p.display()),
        ]);
    }
    args.push(c.image.clone());
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, out) = docker(&argv);
    if !ok {
        return Broker::Neither(format!("docker run: {out}"));
    }
    let started = Instant::now();
    let result = loop {
        let (_, state) = docker(&[
            "inspect",
            "-f",
            "{{.State.Status}} {{.State.ExitCode}} {{.NetworkSettings.IPAddress}}",
            &name,
        ]);
        let (_, log) = docker(&["logs", &name]);
        let mut f = state.split_whitespace();
        let (status, code, ip) = (
            f.next().unwrap_or(""),
            f.next().unwrap_or("").to_string(),
            f.next().unwrap_or("").to_string(),
        );
        if status == "exited" || status == "dead" {
            break if code == "0" {
                Broker::Neither(format!("exited 0\n{log}"))
            } else {
                Broker::Refused { code, log }
            };
        }
        if log.contains("Kafka Server started") {
            let Some(port) = c.client_port else {
                break Broker::Neither(format!("started, but no client listener to ask\n{log}"));
            };
            break match kraft_acceptance::probes::wire::probe(&format!("{ip}:{port}")) {
                Ok(w) if w.api_versions.error_code == 0 => Broker::Answered { log },
                other => Broker::Neither(format!("started, ApiVersions at {ip}:{port}: {other:?}")),
            };
        }
        if started.elapsed() > START_LIMIT {
            break Broker::Neither(format!(
                "neither exited nor started within {} s\n{log}",
                START_LIMIT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    docker(&["rm", "-f", "-v", &name]);
    result
}

/// Property names a refusal speaks of (`node.id`, `controller.quorum.voters`).
fn settings_named(refusals: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for r in refusals {
        for w in r.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_')) {
            let w = w.trim_matches('.');
            if w.contains('.')
                && w.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && !w.chars().any(|c| c.is_ascii_digit())
            {
                out.push(w.to_string());
            }
        }
    }
    out
}

/// The lines of a broker's log that say why it stopped.
fn why(log: &str) -> String {
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| {
            l.contains("Exception")
                || l.contains("ERROR")
                || l.contains("requirement failed")
                || l.contains("does not appear")
        })
        .take(3)
        .collect();
    if lines.is_empty() {
        log.lines().rev().take(3).collect::<Vec<_>>().join(" | ")
    } else {
        lines.join(" | ")
    }
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn kafka_refuses_every_kraft_rule_fixture_and_starts_every_reference() {
    // Other tests count the engine's containers and volumes before and after.
    let _engine = common::stack_lock();
    let cases = cases();
    assert!(
        cases.len() >= 14,
        "want the KRaft-rule fixtures and the references, found {}",
        cases.len()
    );
    let verdicts: Vec<(usize, Broker)> = std::thread::scope(|s| {
        // Two brokers at a time on two cores.
        let chunks: Vec<Vec<(usize, &Case)>> = (0..2)
            .map(|k| {
                cases
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % 2 == k)
                    .collect()
            })
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|(i, c)| (i, run_broker(c, i)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<(usize, Broker)> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("oracle thread"))
            .collect();
        all.sort_by_key(|(i, _)| *i);
        all
    });
    let (mut agreed, mut disagreed) = (Vec::new(), Vec::new());
    for (i, broker) in verdicts {
        let c = &cases[i];
        let harness = if c.refusals.is_empty() {
            "passes".to_string()
        } else {
            format!("refuses: {}", c.refusals.join("; "))
        };
        let line = match (&broker, c.refusals.is_empty()) {
            (Broker::Answered { .. }, true) => Ok("both: Kafka starts and answers".to_string()),
            (Broker::Refused { code, log }, false) => {
                let named = settings_named(&c.refusals);
                let in_words = c
                    .refusals
                    .iter()
                    .any(|r| log.contains(&r.chars().take(60).collect::<String>()));
                if in_words || named.iter().any(|k| log.contains(k.as_str())) {
                    Ok(format!("both refuse (exit {code}): {}", why(log)))
                } else {
                    Err(format!("both refuse, but Kafka's log has neither the harness's words nor any of {named:?}: {}", why(log)))
                }
            }
            (Broker::Answered { log }, false) => Err(format!(
                "harness {harness}; Kafka started and answered ({})",
                log.lines().count()
            )),
            (Broker::Refused { code, log }, true) => {
                Err(format!("harness passes; Kafka exited {code}: {}", why(log)))
            }
            (Broker::Neither(what), _) => Err(format!("harness {harness}; Kafka: {what}")),
        };
        match line {
            Ok(l) => agreed.push(format!("{}: {l}", c.name)),
            Err(l) => disagreed.push(format!("{}: {l}", c.name)),
        }
    }
    eprintln!(
        "oracle: {} agreed, {} disagreed\n{}",
        agreed.len(),
        disagreed.len(),
        agreed.join("\n")
    );
    assert!(
        disagreed.is_empty(),
        "Kafka and the harness disagree on {}:\n{}",
        disagreed.len(),
        disagreed.join("\n")
    );
}

/// Removes the containers and the network of a test, however it ends.
struct Scratch {
    containers: Vec<String>,
    network: String,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        for c in &self.containers {
            docker(&["rm", "-f", "-v", c]);
        }
        docker(&["network", "rm", &self.network]);
    }
}

/// The @kraft-wire checks can fail: Kafka 3.8.0 in ZooKeeper mode (the same
/// image, its ZooKeeper from the zookeeper jar Kafka ships, the broker from a
/// ZooKeeper-mode server.properties: the image's own entrypoint formats
/// storage, which only KRaft allows) finalizes no metadata.version and offers
/// no DescribeQuorum, and both verdicts say so.
#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn the_kraft_wire_checks_fail_on_a_zookeeper_mode_broker() {
    let _engine = common::stack_lock();
    let id = format!("kraftacc-zkmode-{}", std::process::id());
    let s = Scratch {
        containers: vec![format!("{id}-zk"), format!("{id}-kafka")],
        network: id.clone(),
    };
    assert!(
        docker(&[
            "network",
            "create",
            "--label",
            "kraft-acceptance.test=oracle",
            &s.network
        ])
        .0
    );
    let zk = "printf 'dataDir=/tmp/zookeeper\\nclientPort=2181\\nadmin.enableServer=false\\n' > /tmp/zk.properties && \
              exec /opt/kafka/bin/kafka-run-class.sh org.apache.zookeeper.server.quorum.QuorumPeerMain /tmp/zk.properties";
    let (ok, out) = docker(&[
        "run",
        "-d",
        "--name",
        &s.containers[0],
        "--network",
        &s.network,
        "--network-alias",
        "zookeeper",
        "--entrypoint",
        "sh",
        IMAGE,
        "-c",
        zk,
    ]);
    assert!(ok, "{out}");
    let broker = format!(
        "printf 'broker.id=1\\nzookeeper.connect=zookeeper:2181\\nlisteners=PLAINTEXT://0.0.0.0:9092\\nadvertised.listeners=PLAINTEXT://{}:9092\\n\
         log.dirs=/tmp/kafka-logs\\noffsets.topic.replication.factor=1\\n' > /tmp/server.properties && \
         exec /opt/kafka/bin/kafka-server-start.sh /tmp/server.properties",
        s.containers[1]
    );
    let (ok, out) = docker(&[
        "run",
        "-d",
        "--name",
        &s.containers[1],
        "--network",
        &s.network,
        "--entrypoint",
        "sh",
        IMAGE,
        "-c",
        &broker,
    ]);
    assert!(ok, "{out}");
    let deadline = Instant::now() + START_LIMIT;
    let log = loop {
        let (_, log) = docker(&["logs", &s.containers[1]]);
        if log.contains("started (kafka.server.KafkaServer)") {
            break log;
        }
        assert!(
            Instant::now() < deadline,
            "the ZooKeeper-mode broker did not start within {} s:\n{log}",
            START_LIMIT.as_secs()
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(
        !log.contains("KafkaRaftServer"),
        "a ZooKeeper-mode broker, not a KRaft node"
    );
    let (_, ip) = docker(&[
        "inspect",
        "-f",
        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        &s.containers[1],
    ]);
    let wire = kraft_acceptance::probes::wire::probe(&format!("{}:9092", ip.trim()))
        .expect("ApiVersions from the ZooKeeper-mode broker");
    let f = kraft_acceptance::verdicts::kraft::wire::metadata_version_finalized(&wire).unwrap_err();
    assert!(f.observed.contains("finalized features []"), "{f}");
    let q = kraft_acceptance::verdicts::kraft::wire::quorum_has_leader(&wire).unwrap_err();
    assert!(q.observed.contains("does not offer DescribeQuorum"), "{q}");
}
