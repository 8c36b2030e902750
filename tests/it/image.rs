//! The Kafka images built here (`kraft-acceptance/standin-kafka:VERSION`,
//! 3.7.0, 3.7.1, 3.8.0 and 3.8.1) held against Kafka's own tree at each tag:
//!
//! - `fixtures/standin/kafka/VERSION/release.tsv` records what each release's
//!   `bin/*.sh` and `config/` and the image's entrypoint files hold (path in
//!   Kafka's tree, sha256, the class each script runs, its mode). The copies
//!   in `files/` (one per content, named by its sha256) match it (no
//!   engine); the image holds every recorded file as recorded, runs every
//!   script without a class-not-found, and has Java 21
//!   with the modules of a full JRE, bash, procps (3.7.0's image has none)
//!   and appuser (one container per version).
//! - `fixtures/standin/kafka/sanity-3.8.0` is Kafka's own image sanity test
//!   (`docker/test` at the tag): its combined and isolated 3-node clusters,
//!   each running its four cases (broker metrics over JMX, SSL with client
//!   auth, a mounted `server.properties`, stop and start keeping the data).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::common;

const IMAGE: &str = "kraft-acceptance/standin-kafka:3.8.0";

/// One recorded file of a Kafka release.
#[derive(Clone)]
struct Entry {
    version: String,
    kind: String,
    image: String,
    tree: String,
    sha256: String,
    class: String,
    /// Its mode in Kafka's tree (0755 or 0644).
    mode: String,
}

fn kafka_dir() -> PathBuf {
    common::root().join("fixtures/standin/kafka")
}

/// The image built here for `version`.
fn image_of(version: &str) -> String {
    format!("kraft-acceptance/standin-kafka:{version}")
}

fn record() -> Vec<Entry> {
    record_of("3.8.0")
}

/// What `version`'s release.tsv records.
fn record_of(version: &str) -> Vec<Entry> {
    let dir = kafka_dir().join(version);
    let text = std::fs::read_to_string(dir.join("release.tsv")).expect("record");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "six fields: {l}");
            Entry {
                version: version.into(),
                mode: f[5].into(),
                kind: f[0].into(),
                image: f[1].into(),
                tree: f[2].into(),
                sha256: f[3].into(),
                class: f[4].into(),
            }
        })
        .collect()
}

/// Where the copy of a recorded file is kept: `files/`, by its sha256.
fn copy_of(e: &Entry) -> PathBuf {
    kafka_dir().join("files").join(&e.sha256)
}

fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn script_name(e: &Entry) -> &str {
    e.image.rsplit('/').next().expect("name")
}

/// What one container of the image showed (see `PROBE`).
#[derive(Default, Clone)]
struct Observed {
    files: BTreeMap<String, String>,
    java: String,
    modules: BTreeSet<String>,
    user: String,
    ps: String,
    bash: String,
    /// script name -> what it printed for its usage
    usage: BTreeMap<String, String>,
    /// xargs's exit status over the scripts run two at a time
    xargs: String,
    /// scripts that left no status under xargs and ran again alone
    retried: Vec<String>,
    /// class-data archive (storage, kafka) -> a JVM's exit status with it
    /// required (-Xshare:on)
    cds: BTreeMap<String, String>,
}

/// The modules a full JRE has that Kafka, its tools and JMX clients use;
/// `jdk.naming.rmi` is what `service:jmx:rmi:///jndi/rmi://...` needs.
const MODULES: &[&str] = &[
    "java.se",
    "jdk.naming.rmi",
    "jdk.naming.dns",
    "jdk.management.agent",
    "jdk.crypto.ec",
    "jdk.crypto.cryptoki",
    "jdk.security.auth",
    "jdk.security.jgss",
    "jdk.unsupported",
    "jdk.zipfs",
    "jdk.jfr",
    "jdk.jcmd",
    "jdk.charsets",
    "jdk.localedata",
];

const CLASS_NOT_FOUND: &[&str] = &[
    "ClassNotFoundException",
    "NoClassDefFoundError",
    "Could not find or load main class",
];

/// Everything the image lacks or holds otherwise than Kafka 3.8.0, named.
fn problems(record: &[Entry], o: &Observed) -> Vec<String> {
    let mut out = Vec::new();
    // What the Dockerfile's build-jsa stage runs is not in the image.
    for e in record.iter().filter(|e| e.kind == "build") {
        if o.files.contains_key(&e.image) {
            out.push(format!(
                "the image holds {}, which Kafka {}'s image runs only while it is built",
                e.image, e.version
            ));
        }
    }
    for e in record.iter().filter(|e| e.kind != "build") {
        match o.files.get(&e.image) {
            None => out.push(format!(
                "the image lacks {} (Kafka {}'s {})",
                e.image, e.version, e.tree
            )),
            Some(h) if *h != e.sha256 => out.push(format!(
                "{} is not Kafka {}'s {} (sha256 {h}, expected {})",
                e.image, e.version, e.tree, e.sha256
            )),
            Some(_) => {}
        }
    }
    for e in record.iter().filter(|e| e.kind == "bin") {
        let name = script_name(e);
        match o.usage.get(name) {
            None => out.push(format!(
                "{name} did not run (xargs exited {}{})",
                o.xargs,
                if o.retried.iter().any(|r| r == name) {
                    "; run again alone, it left no status either"
                } else {
                    ""
                }
            )),
            Some(text) if text.trim().is_empty() => out.push(format!("{name} printed nothing")),
            Some(text) => {
                if let Some(l) = text
                    .lines()
                    .find(|l| CLASS_NOT_FOUND.iter().any(|c| l.contains(c)))
                {
                    out.push(format!("{name} (runs {}): {}", e.class, l.trim()));
                }
            }
        }
    }
    let version = record.first().map_or("3.8.0", |e| e.version.as_str());
    out.extend(runtime_problems(version, o));
    out
}

fn runtime_problems(version: &str, o: &Observed) -> Vec<String> {
    let mut out = Vec::new();
    if !o.java.starts_with("openjdk version \"21.") {
        out.push(format!(
            "Java is not 21 (apache/kafka:{version} runs eclipse-temurin:21-jre): {}",
            o.java
        ));
    }
    for m in MODULES.iter().filter(|m| !o.modules.contains(**m)) {
        out.push(format!("the Java runtime lacks the module {m}"));
    }
    if !o.user.starts_with("uid=1000(appuser) gid=1000(appuser)") {
        out.push(format!("the user is not appuser (uid 1000): {}", o.user));
    }
    // 3.7.0's Dockerfile adds no procps: its ps is busybox's.
    if version != "3.7.0" && !o.ps.contains("procps-ng") {
        out.push(format!("ps is not procps's: {}", o.ps));
    }
    if !o.bash.starts_with("GNU bash") {
        out.push(format!("no bash: {}", o.bash));
    }
    // The image's class-data archives, which its launch script names, load
    // (-Xshare:on: a JVM that cannot map one exits with an error).
    for a in ["storage", "kafka"] {
        match o.cds.get(a).map(String::as_str) {
            Some("0") => {}
            exit => out.push(format!(
                "/opt/kafka/{a}.jsa does not load with -Xshare:on (exit {})",
                exit.unwrap_or("none")
            )),
        }
    }
    out
}

/// Run in one container of the image: every file's sha256, the runtime, then
/// each script's usage (two at a time) into a file named for the script with
/// its exit status beside it, printed in the order given, each between markers.
/// A script with no status file never finished; xargs's own status says why.
const PROBE: &str = r#"
find /opt/kafka/bin /opt/kafka/config /etc/kafka/docker -type f | sort | while read -r p; do
  printf 'FILE\t%s\t%s\n' "$p" "$(sha256sum "$p" | cut -c1-64)"; done
printf 'JAVA\t%s\n' "$(java -version 2>&1 | head -n 1)"
java --list-modules | sed 's/@.*//; s/^/MODULE\t/'
printf 'USER\t%s\n' "$(id)"
printf 'PS\t%s\n' "$(ps --version 2>&1)"
printf 'BASH\t%s\n' "$(bash --version | head -n 1)"
KAFKA_JVM_PERFORMANCE_OPTS="-XX:SharedArchiveFile=/opt/kafka/storage.jsa -Xshare:on" timeout 90 /opt/kafka/bin/kafka-storage.sh random-uuid >/dev/null 2>&1
printf 'CDS\tstorage\t%s\n' "$?"
KAFKA_JVM_PERFORMANCE_OPTS="-XX:SharedArchiveFile=/opt/kafka/kafka.jsa -Xshare:on" timeout 90 /opt/kafka/bin/kafka-server-start.sh --version >/dev/null 2>&1
printf 'CDS\tkafka\t%s\n' "$?"
dir=$(mktemp -d); export dir
usage() { # SCRIPT ARGS...: its output and exit status, in files of its own
  timeout 90 "/opt/kafka/bin/$1" "${@:2}" >"$dir/$1.out" 2>&1 </dev/null
  echo "$?" >"$dir/$1.status"
}
export -f usage
# The stop scripts last, alone: run beside a start script they stop it.
printf '%s\n' "$@" | grep -v -- '-stop.sh' | xargs -P 2 -I{} bash -c 'usage {}'
printf 'XARGS\t%s\n' "$?"
# One that left no status ran again, alone: a script that runs is judged on its
# output; the retry is named so the run says it happened.
printf '%s\n' "$@" | grep -v -- '-stop.sh' | while read -r a; do
  [ -f "$dir/${a%% *}.status" ] || { printf 'RETRIED\t%s\n' "${a%% *}"; usage $a; }; done
printf '%s\n' "$@" | grep -- '-stop.sh' | while read -r a; do usage $a; done
for a in "$@"; do
  n=${a%% *}
  [ -f "$dir/$n.status" ] || continue
  printf 'USAGE\t%s\n' "$n"; awk '{ print "| " $0 }' "$dir/$n.out"; printf 'END\n'
done
"#;

/// The arguments each script gets: `--help`, or what prints its usage.
fn usage_args(name: &str) -> &'static str {
    match name {
        // trogdor.sh takes an action first; its agent prints the usage.
        "trogdor.sh" => "agent --help",
        _ => "--help",
    }
}

fn parse(text: &str) -> Observed {
    let mut o = Observed::default();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some((name, body)) = current.as_mut() {
            if line == "END" {
                o.usage.insert(std::mem::take(name), std::mem::take(body));
                current = None;
            } else {
                body.push_str(line.strip_prefix("| ").unwrap_or(line));
                body.push('\n');
            }
            continue;
        }
        let mut f = line.splitn(3, '\t');
        match (f.next(), f.next(), f.next()) {
            (Some("FILE"), Some(p), Some(h)) => {
                o.files.insert(p.into(), h.into());
            }
            (Some("JAVA"), Some(v), None) => o.java = v.into(),
            (Some("MODULE"), Some(m), None) => {
                o.modules.insert(m.into());
            }
            (Some("USER"), Some(v), None) => o.user = v.into(),
            (Some("PS"), Some(v), None) => o.ps = v.into(),
            (Some("BASH"), Some(v), None) => o.bash = v.into(),
            (Some("CDS"), Some(a), Some(v)) => {
                o.cds.insert(a.into(), v.into());
            }
            (Some("XARGS"), Some(v), None) => o.xargs = v.into(),
            (Some("RETRIED"), Some(v), None) => o.retried.push(v.into()),
            (Some("USAGE"), Some(n), None) => current = Some((n.into(), String::new())),
            _ => {}
        }
    }
    o
}

/// What the image holds, as one container of it shows.
fn observe_image(record: &[Entry], image: &str) -> Observed {
    let mut cmd = Command::new("docker");
    cmd.args([
        "run",
        "--rm",
        "--label",
        "kraft-acceptance.test=image",
        "--entrypoint",
        "bash",
        image,
        "-c",
        PROBE,
        "probe",
    ]);
    for e in record.iter().filter(|e| e.kind == "bin") {
        let name = script_name(e);
        cmd.arg(format!("{name} {}", usage_args(name)));
    }
    let out = cmd.output().expect("docker run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// What the release's own files would show in a faithful image.
fn faithful(record: &[Entry]) -> Observed {
    let mut o = Observed {
        java: "openjdk version \"21.0.13\" 2026-10-20".into(),
        modules: MODULES.iter().map(|m| m.to_string()).collect(),
        user: "uid=1000(appuser) gid=1000(appuser) groups=1000(appuser)".into(),
        ps: "ps from procps-ng 4.0.2".into(),
        bash: "GNU bash, version 5.2.15(1)-release (x86_64-pc-linux-gnu)".into(),
        xargs: "0".into(),
        cds: [("storage".into(), "0".into()), ("kafka".into(), "0".into())].into(),
        ..Default::default()
    };
    for e in record.iter().filter(|e| e.kind != "build") {
        o.files.insert(e.image.clone(), sha256(&copy_of(e)));
        if e.kind == "bin" {
            o.usage
                .insert(script_name(e).into(), format!("USAGE: {}\n", e.class));
        }
    }
    o
}

#[test]
fn the_release_copies_are_kafkas_files_as_recorded() {
    let mut recorded = BTreeSet::new();
    for version in kraft_acceptance::probes::kafka_setup::BUILT_HERE {
        release_copies_are_as_recorded(version);
        recorded.extend(record_of(version).iter().map(copy_of));
    }
    // Every kept copy is some release's.
    for f in std::fs::read_dir(kafka_dir().join("files")).expect("files/") {
        let f = f.expect("entry").path();
        assert!(
            recorded.contains(&f),
            "{} is in no release's record",
            f.display()
        );
    }
}

fn release_copies_are_as_recorded(version: &str) {
    let record = record_of(version);
    let count = |k: &str| record.iter().filter(|e| e.kind == k).count();
    // Kafka 3.7.x and 3.8.0: 42 bin/*.sh (Windows aside), 18 config files, 5 entrypoint files.
    assert_eq!(
        (count("bin"), count("config"), count("docker")),
        (42, 18, 5)
    );
    for e in &record {
        assert_eq!(
            sha256(&copy_of(e)),
            e.sha256,
            "{} is not Kafka's {}",
            copy_of(e).display(),
            e.tree
        );
    }
    for e in &record {
        let expected = if e.kind == "config" || e.image.ends_with("/bash-config") {
            "0644"
        } else {
            "0755"
        };
        assert_eq!(
            e.mode, expected,
            "{}'s mode in Kafka {}'s tree",
            e.tree, e.version
        );
    }
    let cluster = record
        .iter()
        .find(|e| e.image == "/opt/kafka/bin/kafka-cluster.sh")
        .expect("kafka-cluster.sh");
    assert_eq!(cluster.class, "org.apache.kafka.tools.ClusterTool");
}

#[test]
fn what_an_image_lacks_or_changes_is_named() {
    let record = record();
    let good = faithful(&record);
    assert_eq!(problems(&record, &good), Vec::<String>::new());

    let mut bad = good.clone();
    bad.files.remove("/opt/kafka/bin/kafka-cluster.sh");
    bad.files.insert(
        "/opt/kafka/config/kraft/broker.properties".into(),
        "0".repeat(64),
    );
    bad.usage.insert(
        "kafka-jmx.sh".into(),
        "Error: Could not find or load main class org.apache.kafka.tools.JmxTool\n".into(),
    );
    bad.usage.insert("kafka-acls.sh".into(), String::new());
    bad.usage.remove("trogdor.sh");
    bad.java = "openjdk version \"17.0.15\" 2025-04-15".into();
    bad.modules.remove("jdk.naming.rmi");
    bad.ps = "ps: unrecognized option: version\nBusyBox v1.35.0".into();
    bad.cds.insert("kafka".into(), "1".into());
    bad.cds.remove("storage");
    bad.files
        .insert("/etc/kafka/docker/jsa_launch".into(), "0".repeat(64));
    let expected = vec![
        "the image holds /etc/kafka/docker/jsa_launch, which Kafka 3.8.0's image runs only while it is built".to_string(),
        "the image lacks /opt/kafka/bin/kafka-cluster.sh (Kafka 3.8.0's bin/kafka-cluster.sh)".into(),
        format!("/opt/kafka/config/kraft/broker.properties is not Kafka 3.8.0's config/kraft/broker.properties (sha256 {}, expected {})",
            "0".repeat(64), record.iter().find(|e| e.tree == "config/kraft/broker.properties").unwrap().sha256),
        "kafka-acls.sh printed nothing".into(),
        "kafka-jmx.sh (runs org.apache.kafka.tools.JmxTool): Error: Could not find or load main class org.apache.kafka.tools.JmxTool".into(),
        "trogdor.sh did not run (xargs exited 0)".into(),
        "Java is not 21 (apache/kafka:3.8.0 runs eclipse-temurin:21-jre): openjdk version \"17.0.15\" 2025-04-15".into(),
        "the Java runtime lacks the module jdk.naming.rmi".into(),
        "ps is not procps's: ps: unrecognized option: version\nBusyBox v1.35.0".into(),
        "/opt/kafka/storage.jsa does not load with -Xshare:on (exit none)".into(),
        "/opt/kafka/kafka.jsa does not load with -Xshare:on (exit 1)".into(),
    ];
    assert_eq!(problems(&record, &bad), expected);
}

#[test]
fn the_probe_output_parses_back() {
    let text =
        "FILE\t/opt/kafka/bin/a.sh\tabc\nJAVA\topenjdk version \"21.0.1\"\nMODULE\tjava.se\n\
USER\tuid=1000(appuser) gid=1000(appuser)\nPS\tps from procps-ng 4.0.2\nBASH\tGNU bash, version 5\n\
CDS\tkafka\t0\nXARGS\t0\nRETRIED\tb.sh\nUSAGE\ta.sh\n| usage: a\n| more\nEND\nUSAGE\tb.sh\nEND\n";
    let o = parse(text);
    assert_eq!(o.files["/opt/kafka/bin/a.sh"], "abc");
    assert_eq!(o.usage["a.sh"], "usage: a\nmore\n");
    assert_eq!(o.usage["b.sh"], "");
    assert!(o.modules.contains("java.se"));
    assert_eq!(o.ps, "ps from procps-ng 4.0.2");
    assert_eq!(o.xargs, "0");
    assert_eq!(o.retried, ["b.sh"]);
    assert_eq!(o.cds["kafka"], "0");
}

#[test]
#[ignore = "needs a Docker Engine and the image scripts/setup.sh builds; scripts/test.sh runs it"]
fn the_image_holds_kafkas_release_and_runs_every_script() {
    for version in kraft_acceptance::probes::kafka_setup::BUILT_HERE {
        image_holds_its_release(version);
    }
}

fn image_holds_its_release(version: &str) {
    let record = record_of(version);
    let image = image_of(version);
    let t = Instant::now();
    let o = observe_image(&record, &image);
    eprintln!(
        "image {image}: one container, {} scripts: {:.1} s; ran again alone: {:?} (xargs exited {})",
        o.usage.len(),
        t.elapsed().as_secs_f64(),
        o.retried,
        o.xargs
    );
    assert_eq!(problems(&record, &o), Vec::<String>::new(), "{image}");
    let inspect = Command::new("docker")
        .args(["image", "inspect", "-f", "{{.Config.User}} {{json .Config.Cmd}} {{json .Config.Volumes}} {{json .Config.ExposedPorts}}", &image])
        .output()
        .expect("docker image inspect");
    assert_eq!(
        String::from_utf8_lossy(&inspect.stdout).trim(),
        r#"appuser ["/etc/kafka/docker/run"] {"/etc/kafka/secrets":{},"/mnt/shared/config":{},"/var/lib/kafka/data":{}} {"9092/tcp":{}}"#
    );
}

// --- Kafka's own image sanity test (docker/test at 3.8.0) ----------------------

const HEAP: &str = "-Xmx256m -Xms256m";
const CLIENT_TIMEOUT: &str = "40000";
const METRICS_HEADING: &str = r#""time","kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec:Count","kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec:EventType","kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec:FifteenMinuteRate","kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec:FiveMinuteRate","kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec:MeanRate","kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec:OneMinuteRate","kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec:RateUnit""#;

fn sanity_dir() -> PathBuf {
    kafka_dir().join("sanity-3.8.0")
}

/// Kafka's compose file as its test uses it (`{$IMAGE}` replaced), with what
/// this machine needs: ports on 127.0.0.1 only, no fixed container names (the
/// project names them), a small heap per node.
fn adapt(kafka: &str) -> String {
    let mut out = String::new();
    for line in kafka.lines() {
        let t = line.trim_start();
        let indent = &line[..line.len() - t.len()];
        if t.starts_with("container_name:") {
            continue;
        }
        if t == "image: {$IMAGE}" {
            out += &format!("{indent}image: {IMAGE}\n");
            continue;
        }
        let port = t.strip_prefix("- \"").and_then(|r| r.strip_suffix('"'));
        if let Some(p) = port.filter(|p| {
            p.split(':').count() == 2 && p.chars().all(|c| c.is_ascii_digit() || c == ':')
        }) {
            out += &format!("{indent}- \"127.0.0.1:{p}\"\n");
            continue;
        }
        out += line;
        out.push('\n');
        if t == "environment:" {
            out += &format!("{indent}  KAFKA_HEAP_OPTS: \"{HEAP}\"\n");
        }
    }
    out
}

#[test]
fn kafkas_compose_files_are_adapted_only_where_this_machine_needs() {
    for mode in ["combined", "isolated"] {
        let kafka = std::fs::read_to_string(
            sanity_dir().join(format!("fixtures/mode/{mode}/docker-compose.yml")),
        )
        .unwrap();
        let ours = adapt(&kafka);
        let nodes = kafka.matches("image: {$IMAGE}").count();
        assert_eq!(ours.matches(&format!("image: {IMAGE}")).count(), nodes);
        assert_eq!(ours.matches("KAFKA_HEAP_OPTS").count(), nodes);
        assert!(!ours.contains("container_name") && !ours.contains("{$IMAGE}"));
        let ports: Vec<&str> = ours
            .lines()
            .filter(|l| l.trim_start().starts_with("- \""))
            .collect();
        assert_eq!(ports.len(), 7, "{mode}: {ports:?}");
        assert!(
            ports.iter().all(|p| p.contains("\"127.0.0.1:")),
            "{ports:?}"
        );
        // Everything else is Kafka's, line for line.
        let rest = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|l| {
                    !l.contains("image:")
                        && !l.contains("container_name")
                        && !l.contains("KAFKA_HEAP_OPTS")
                        && !l.trim_start().starts_with("- \"")
                })
                .map(str::to_string)
                .collect()
        };
        assert_eq!(rest(&ours), rest(&kafka), "{mode}");
    }
}

/// One of Kafka's two stacks, up; `down -v` when dropped.
struct Sanity {
    project: String,
    file: PathBuf,
    mode: &'static str,
    _tmp: tempfile::TempDir,
}

impl Sanity {
    fn up(mode: &'static str) -> Sanity {
        let dir = sanity_dir().join(format!("fixtures/mode/{mode}"));
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = tmp.path().join("docker-compose.yml");
        std::fs::write(
            &file,
            adapt(&std::fs::read_to_string(dir.join("docker-compose.yml")).unwrap()),
        )
        .unwrap();
        let s = Sanity {
            project: format!("kraftacc-sanity-{mode}-{}", std::process::id()),
            file,
            mode,
            _tmp: tmp,
        };
        let (ok, out) = s.compose(&["up", "-d"]);
        assert!(ok, "{mode}: up: {out}");
        s
    }

    fn compose(&self, args: &[&str]) -> (bool, String) {
        let dir = sanity_dir().join(format!("fixtures/mode/{}", self.mode));
        let o = Command::new("docker")
            .args(["compose", "-p", &self.project, "--project-directory"])
            .arg(dir)
            .arg("-f")
            .arg(&self.file)
            .args(args)
            .output()
            .expect("docker compose");
        (
            o.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            ),
        )
    }

    /// A client on the host's network, as Kafka's test runs its clients on
    /// the host: the release's scripts in the image, Kafka's fixtures at /kt
    /// (its `{$DIR}`). Returns (success, stdout, stderr).
    fn client(&self, script: &str) -> (bool, String, String) {
        let setup = "sed 's|{$DIR}|/kt|' /kt/fixtures/secrets/client-ssl.properties > /tmp/client-ssl.properties; cd /opt/kafka; ";
        let o = Command::new("docker")
            .args([
                "run",
                "--rm",
                "--network",
                "host",
                "--label",
                "kraft-acceptance.test=image",
                "-e",
                "KAFKA_HEAP_OPTS=-Xmx128m",
                "-v",
            ])
            .arg(format!("{}:/kt:ro", sanity_dir().display()))
            .args(["--entrypoint", "bash", IMAGE, "-c"])
            .arg(format!("{setup}{script}"))
            .output()
            .expect("docker run");
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    fn create_topic(&self, topic: &str, config: &str) -> Result<(), String> {
        let (_, out, err) = self.client(&format!(
            "bin/kafka-topics.sh --create --topic {topic} {config}; bin/kafka-topics.sh --list {config}"
        ));
        if out.lines().any(|l| l.trim() == topic) {
            Ok(())
        } else {
            Err(format!(
                "topic {topic} not listed after --create: {out}{}",
                tail(&err)
            ))
        }
    }

    fn produce(&self, topic: &str, config: &str) {
        self.client(&format!(
            "echo \"key:message\" | bin/kafka-console-producer.sh --topic {topic} --property 'parse.key=true' --property 'key.separator=:' --timeout {CLIENT_TIMEOUT} {config}"
        ));
    }

    fn consume(&self, topic: &str, config: &str) -> Result<(), String> {
        let (_, out, err) = self.client(&format!(
            "bin/kafka-console-consumer.sh --topic {topic} --property 'print.key=true' --property 'key.separator=:' --from-beginning --max-messages 1 --timeout-ms {CLIENT_TIMEOUT} {config}"
        ));
        if out.trim() == "key:message" {
            Ok(())
        } else {
            Err(format!(
                "expected: key:message; observed: {:?}{}",
                out.trim(),
                tail(&err)
            ))
        }
    }

    fn metrics(&self) -> Result<Vec<String>, String> {
        let (ok, out, err) = self.client(
            "bin/kafka-run-class.sh org.apache.kafka.tools.JmxTool --one-time --object-name kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec --jmx-url service:jmx:rmi:///jndi/rmi://:9101/jmxrmi",
        );
        let words: Vec<String> = out.split_whitespace().map(str::to_string).collect();
        if ok && words.len() == 2 && words[0] == METRICS_HEADING {
            Ok(words)
        } else {
            Err(format!(
                "expected: the heading and one row; observed: {out:?}{}",
                tail(&err)
            ))
        }
    }
}

impl Drop for Sanity {
    fn drop(&mut self) {
        let (ok, out) = self.compose(&["down", "-v", "--remove-orphans"]);
        if !ok {
            eprintln!("{}: down: {out}", self.project);
        }
    }
}

fn tail(err: &str) -> String {
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(3);
    format!(" (stderr: {})", lines[start..].join(" | "))
}

/// The metrics after the produce are the same fields, each number no lower.
fn metrics_grew(before: &str, after: &str) -> Result<(), String> {
    let (b, a): (Vec<&str>, Vec<&str>) = (before.split(',').collect(), after.split(',').collect());
    if b.len() != a.len() {
        return Err(format!("fields before {before}, after {after}"));
    }
    for (x, y) in b.iter().zip(&a) {
        let numeric = !y.is_empty() && y.replace('.', "").chars().all(|c| c.is_ascii_digit());
        let fine = if numeric {
            y.parse::<f64>().ok() >= x.parse::<f64>().ok()
        } else {
            x == y
        };
        if !fine {
            return Err(format!("before {before}, after {after}"));
        }
    }
    Ok(())
}

#[test]
fn metrics_that_fall_or_change_shape_fail() {
    assert_eq!(metrics_grew("1,0,messages,0.0", "2,1,messages,0.5"), Ok(()));
    assert!(metrics_grew("1,3,messages", "2,1,messages").is_err());
    assert!(metrics_grew("1,3,messages", "2,3,bytes").is_err());
    assert!(metrics_grew("1,3", "2,3,messages").is_err());
}

const PLAIN: &str = "--bootstrap-server localhost:9092";

fn broker_metrics(s: &Sanity) -> Result<(), String> {
    s.create_topic("test-topic-broker-metrics", PLAIN)?;
    let before = s.metrics()?;
    s.produce(
        "test-topic-broker-metrics",
        &format!("{PLAIN} --property client.id=host"),
    );
    s.consume(
        "test-topic-broker-metrics",
        &format!("{PLAIN} --property auto.offset.reset=earliest"),
    )?;
    let after = s.metrics()?;
    metrics_grew(&before[1], &after[1])
}

fn ssl(s: &Sanity, port: &str, topic: &str) -> Result<(), String> {
    let cfg = "/tmp/client-ssl.properties";
    let server = format!("--bootstrap-server localhost:{port}");
    s.create_topic(topic, &format!("{server} --command-config {cfg}"))?;
    s.produce(topic, &format!("{server} --producer.config {cfg}"));
    s.consume(
        topic,
        &format!("{server} --property auto.offset.reset=earliest --consumer.config {cfg}"),
    )
}

fn broker_restart(s: &Sanity) -> Result<(), String> {
    s.create_topic("test-topic-broker-restart", PLAIN)?;
    s.produce(
        "test-topic-broker-restart",
        &format!("{PLAIN} --property client.id=host"),
    );
    for step in ["stop", "start"] {
        let (ok, out) = s.compose(&[step, "broker1"]);
        if !ok {
            return Err(format!("{step} broker1: {out}"));
        }
    }
    s.consume(
        "test-topic-broker-restart",
        &format!("{PLAIN} --property auto.offset.reset=earliest"),
    )
}

/// One case of Kafka's sanity test: its error name and its check.
type Case<'a> = (&'a str, &'a dyn Fn(&Sanity) -> Result<(), String>);

/// Kafka's `execute`: the four cases on one stack, every error kept, each timed.
fn execute(mode: &'static str) -> Vec<String> {
    let t = Instant::now();
    let s = Sanity::up(mode);
    eprintln!("sanity {mode}: up -d {:.1} s", t.elapsed().as_secs_f64());
    let cases: [Case; 4] = [
        ("BROKER_METRICS_ERR", &broker_metrics),
        ("SSL_ERR", &|s| ssl(s, "9093", "test-topic-ssl")),
        ("FILE_INPUT_ERR", &|s| {
            ssl(s, "9094", "test-topic-file-input")
        }),
        ("BROKER_RESTART_ERR", &broker_restart),
    ];
    let mut errors = Vec::new();
    for (prefix, case) in cases {
        let t = Instant::now();
        let r = case(&s);
        eprintln!(
            "sanity {mode}: {prefix} case {:.1} s",
            t.elapsed().as_secs_f64()
        );
        if let Err(e) = r {
            errors.push(format!("{mode}: {prefix} {e}"));
        }
    }
    let project = s.project.clone();
    let t = Instant::now();
    drop(s);
    eprintln!("sanity {mode}: down -v {:.1} s", t.elapsed().as_secs_f64());
    assert_eq!(common::leftovers(&project), Vec::<String>::new());
    errors
}

#[test]
#[ignore = "needs a Docker Engine and the image scripts/setup.sh builds; scripts/test.sh runs it"]
fn kafkas_own_image_sanity_test_passes_in_combined_and_isolated_mode() {
    let _stack = common::stack_lock();
    let mut errors = execute("combined");
    errors.extend(execute("isolated"));
    assert_eq!(errors, Vec::<String>::new());
}
