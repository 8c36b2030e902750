//! Kafka's own setup and format, run the way the apache/kafka image runs
//! them before its broker starts: the image's `/etc/kafka/docker/run`
//! (`configureDefaults`, `configure`, then `launch`, whose
//! `KafkaDockerWrapper setup` writes server.properties from the `KAFKA_*`
//! environment and the mounted config and formats the storage with
//! `StorageTool`, KafkaConfig's whole validation included), in a
//! throwaway container of the node's own image with no network. Only the
//! last step of `launch`, `exec kafka-server-start.sh`, is not taken: the
//! script's own `exec` is a shell function here that prints the
//! server.properties Kafka wrote and ends.
//!
//! Nothing of the target's is written: every volume and every bind-mounted
//! directory the node would write is a fresh volume made for the run (with
//! the run's owner labels, so `clean` finds what a killed run left), files
//! and the directories the image reads (`/mnt/shared/config`,
//! `/etc/kafka/secrets`) are bind-mounted read-only.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountTypeEnum};
use bollard::query_parameters::{
    CreateContainerOptions, LogsOptions, RemoveContainerOptions, RemoveVolumeOptions,
    WaitContainerOptions,
};
use futures::StreamExt;

use super::engine::{Engine, EngineError};
use crate::model::compose::Service;

/// The label every container and volume of a setup run carries (beside the
/// owner's labels).
pub const SETUP_LABEL: &str = "io.kraft-acceptance.kafka-setup";

/// Longest one setup and format may take (a JVM start, twice at most).
const SETUP_LIMIT: Duration = Duration::from_secs(120);

/// What separates the script's output from the server.properties it prints.
const PROPERTIES_MARK: &str = "--- kraft-acceptance: server.properties as Kafka wrote it ---";

/// What precedes each formatted directory's meta.properties in the output.
const META_MARK: &str = "--- kraft-acceptance: meta.properties of ";

/// The container's command: the image's own entry script, its final `exec`
/// (the broker's start) taken by a function.
fn script() -> String {
    format!(
        "exec() {{ echo; echo '{PROPERTIES_MARK}'; cat /opt/kafka/config/server.properties; \
         for d in $(sed -n -e 's/^log\\.dirs=//p' -e 's/^metadata\\.log\\.dir=//p' /opt/kafka/config/server.properties | tr ',' ' '); do \
         if [ -f \"$d/meta.properties\" ]; then echo \"{META_MARK}$d\"; cat \"$d/meta.properties\"; fi; done; exit 0; }}\n\
         if [ ! -x /etc/kafka/docker/run ]; then echo 'this image has no /etc/kafka/docker/run: it is not built as apache/kafka is'; exit 127; fi\n\
         . /etc/kafka/docker/run\n"
    )
}

/// One node's setup, as the engine ran it.
#[derive(Debug, Clone, PartialEq)]
pub struct SetupRun {
    pub service: String,
    /// The image that ran (the node's own, or the one built here for it).
    pub image: String,
    /// The exit status of the image's scripts (0: setup and format passed).
    pub exit: i64,
    /// What the scripts and Kafka printed, the server.properties aside.
    pub output: String,
    /// server.properties as Kafka's wrapper wrote it (on success).
    pub server_properties: Option<String>,
    /// Each formatted directory and its meta.properties, as StorageTool wrote it.
    pub meta_properties: Vec<(String, String)>,
    pub seconds: f64,
}

impl SetupRun {
    /// Kafka's own reason for refusing, in its words: the message of the
    /// exception Kafka's code threw, else the scripts' last line.
    pub fn refusal(&self) -> Option<String> {
        if self.exit == 0 {
            return None;
        }
        Some(kafka_message(&self.output).unwrap_or_else(|| {
            self.output
                .lines()
                .map(str::trim)
                .rfind(|l| !l.is_empty())
                .unwrap_or("(no output)")
                .to_string()
        }))
    }
}

impl SetupRun {
    /// What the image's own wrapper did that its release later fixed, seen
    /// in what it wrote: Kafka 3.7.0's KafkaDockerWrapper formats with
    /// `--cluster-id=Some(<id>)` (KAFKA-16473) and writes KAFKA_HEAP_OPTS
    /// into server.properties as `heap.opts` (it excluded `KAFKA_HEAP_OPT`);
    /// both fixed in 3.7.1.
    pub fn image_defects(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (dir, text) in &self.meta_properties {
            if let Some(id) = text
                .lines()
                .find_map(|l| l.strip_prefix("cluster.id="))
                .filter(|id| id.starts_with("Some("))
            {
                out.push(format!("WARNING: {dir}/meta.properties stores cluster.id={id}: the image's KafkaDockerWrapper formatted the storage with --cluster-id=Some(...) (KAFKA-16473, apache/kafka 3.7.0; fixed in 3.7.1): every node formatted by it carries that id, and a node formatted otherwise will not join; move to 3.7.1 or later"));
            }
        }
        let server = self.server_properties.as_deref().unwrap_or_default();
        if let Some(v) = server.lines().find_map(|l| l.strip_prefix("heap.opts=")) {
            out.push(format!("WARNING: server.properties has heap.opts={v}: the image's KafkaDockerWrapper wrote KAFKA_HEAP_OPTS as a Kafka property (it excluded KAFKA_HEAP_OPT, apache/kafka 3.7.0; fixed in 3.7.1 by apache/kafka#15345): Kafka ignores it, and with no other KAFKA_* setting it replaces the image's default KRaft config"));
        }
        out
    }
}

/// The message of the first exception in `output` (`pkg.Class: message`,
/// up to its stack trace), with Kafka's own `requirement failed: ` kept.
pub fn kafka_message(output: &str) -> Option<String> {
    // The launch script echoes the wrapper's output unquoted: one line,
    // frames joined by spaces.
    let flat: String = output.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut from = 0;
    while let Some(i) = flat[from..].find(": ") {
        let at = from + i;
        let head = &flat[..at];
        let word = head.rsplit(' ').next().unwrap_or_default();
        let class = word.rsplit(['.', '$']).next().unwrap_or_default();
        if word.contains('.')
            && (class.ends_with("Exception") || class.ends_with("Error") || class == "TerseFailure")
        {
            let rest = &flat[at + 2..];
            let end = rest
                .match_indices(" at ")
                .map(|(e, _)| e)
                .find(|&e| is_frame(rest[e + 4..].split(' ').next().unwrap_or_default()))
                .unwrap_or(rest.len());
            return Some(rest[..end].trim().to_string());
        }
        from = at + 2;
    }
    None
}

/// A stack frame's `pkg.Class.method(File.java:12)`.
fn is_frame(word: &str) -> bool {
    match word.split_once('(') {
        Some((method, rest)) => {
            method.contains('.')
                && method
                    .chars()
                    .all(|c| c.is_alphanumeric() || "._$<>".contains(c))
                && rest.ends_with(')')
        }
        None => false,
    }
}

/// How a node's mounts are given to its setup container.
#[derive(Debug, Clone, PartialEq)]
enum Mounted {
    /// A host file or a read-only config directory, read-only.
    ReadOnly { source: String, target: String },
    /// A fresh volume at `target`.
    Fresh { target: String },
    /// A tmpfs with its compose options.
    Tmpfs { target: String, options: String },
}

impl Mounted {
    fn target(&self) -> &str {
        match self {
            Mounted::ReadOnly { target, .. }
            | Mounted::Fresh { target }
            | Mounted::Tmpfs { target, .. } => target,
        }
    }
}

/// Directories the image reads and never writes.
const READ_DIRS: &[&str] = &["/mnt/shared/config", "/etc/kafka/secrets"];

fn mounts_of(svc: &Service) -> Vec<Mounted> {
    let mut out = Vec::new();
    for v in &svc.volumes {
        let target = v.target.trim_end_matches('/').to_string();
        match (v.kind.as_str(), v.source.as_deref()) {
            ("bind", Some(source)) => {
                let p = std::path::Path::new(source);
                if p.is_file() || READ_DIRS.contains(&target.as_str()) {
                    out.push(Mounted::ReadOnly {
                        source: source.to_string(),
                        target,
                    });
                } else {
                    out.push(Mounted::Fresh { target });
                }
            }
            ("tmpfs", _) => out.push(Mounted::Tmpfs {
                target,
                options: String::new(),
            }),
            _ => out.push(Mounted::Fresh { target }),
        }
    }
    for t in &svc.tmpfs {
        let (target, options) = t.split_once(':').unwrap_or((t, ""));
        out.push(Mounted::Tmpfs {
            target: target.to_string(),
            options: options.to_string(),
        });
    }
    out
}

/// Runs Kafka's setup and format for service `service` of a compose model
/// on `image`, with the owner's labels `labels`; removes what it made.
pub async fn run(
    engine: &Engine,
    service: &str,
    svc: &Service,
    image: &str,
    labels: &BTreeMap<String, String>,
) -> Result<SetupRun, EngineError> {
    let started = Instant::now();
    let docker = engine.docker();
    let mut labels: HashMap<String, String> = labels.clone().into_iter().collect();
    labels.insert(SETUP_LABEL.into(), service.into());
    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    let mut tmpfs = HashMap::new();
    // The image's own VOLUMEs too, as labelled volumes of the run (the
    // engine would make unlabelled ones).
    let mut wanted = mounts_of(svc);
    let declared = docker
        .inspect_image(image)
        .await
        .map_err(super::engine::api(format!("inspect {image}")))?
        .config
        .and_then(|c| c.volumes)
        .unwrap_or_default();
    for (path, _) in declared {
        let path = path.trim_end_matches('/').to_string();
        if !wanted.iter().any(|m| m.target() == path) {
            wanted.push(Mounted::Fresh { target: path });
        }
    }
    for m in wanted {
        match m {
            Mounted::ReadOnly { source, target } => mounts.push(Mount {
                target: Some(target),
                source: Some(source),
                typ: Some(MountTypeEnum::BIND),
                read_only: Some(true),
                ..Default::default()
            }),
            Mounted::Fresh { target } => {
                let v = docker
                    .create_volume(bollard::models::VolumeCreateOptions {
                        labels: Some(labels.clone()),
                        ..Default::default()
                    })
                    .await
                    .map_err(super::engine::api("create a setup volume"))?;
                volumes.push(v.name.clone());
                mounts.push(Mount {
                    target: Some(target),
                    source: Some(v.name),
                    typ: Some(MountTypeEnum::VOLUME),
                    ..Default::default()
                });
            }
            Mounted::Tmpfs { target, options } => {
                tmpfs.insert(target, options);
            }
        }
    }
    let hostname = svc.hostname.clone().unwrap_or_else(|| service.to_string());
    let env: Vec<String> = svc
        .environment
        .iter()
        .filter_map(|(k, v)| Some(format!("{k}={}", v.as_ref()?)))
        .collect();
    let body = ContainerCreateBody {
        image: Some(image.to_string()),
        hostname: Some(hostname.clone()),
        user: svc.user.clone(),
        env: Some(env),
        entrypoint: Some(vec!["bash".into(), "-c".into(), script()]),
        cmd: Some(Vec::new()),
        labels: Some(labels.clone()),
        host_config: Some(HostConfig {
            network_mode: Some("none".into()),
            // No network, but /etc/hosts as the engine writes it, with the
            // node's own name (the image's launch runs `hostname -i`).
            extra_hosts: Some(vec![format!("{hostname}:127.0.0.1")]),
            mounts: Some(mounts),
            tmpfs: (!tmpfs.is_empty()).then_some(tmpfs),
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = docker
        .create_container(None::<CreateContainerOptions>, body)
        .await
        .map_err(super::engine::api(format!(
            "create the setup container of {service}"
        )));
    let result = match created {
        Ok(c) => {
            let r = wait_and_read(engine, &c.id, service).await;
            let _ = docker
                .remove_container(
                    &c.id,
                    Some(RemoveContainerOptions {
                        force: true,
                        v: true,
                        ..Default::default()
                    }),
                )
                .await;
            r
        }
        Err(e) => Err(e),
    };
    for v in volumes {
        let _ = docker
            .remove_volume(&v, Some(RemoveVolumeOptions { force: true }))
            .await;
    }
    let (exit, text) = result?;
    let (output, server_properties) = match text.split_once(PROPERTIES_MARK) {
        Some((o, p)) if exit == 0 => (o.trim_end().to_string(), Some(p.trim_start().to_string())),
        _ => (text.trim_end().to_string(), None),
    };
    let (server_properties, meta_properties) = match server_properties {
        Some(p) => {
            let mut parts = p.split(META_MARK);
            let server = parts.next().unwrap_or_default().to_string();
            let metas = parts
                .filter_map(|m| m.split_once('\n'))
                .map(|(dir, text)| (dir.trim().to_string(), text.to_string()))
                .collect();
            (Some(server), metas)
        }
        None => (None, Vec::new()),
    };
    Ok(SetupRun {
        service: service.to_string(),
        image: image.to_string(),
        exit,
        output,
        server_properties,
        meta_properties,
        seconds: started.elapsed().as_secs_f64(),
    })
}

async fn wait_and_read(
    engine: &Engine,
    id: &str,
    service: &str,
) -> Result<(i64, String), EngineError> {
    let docker = engine.docker();
    docker
        .start_container(id, None::<bollard::query_parameters::StartContainerOptions>)
        .await
        .map_err(super::engine::api(format!(
            "start the setup container of {service}"
        )))?;
    let wait = async {
        let mut s = docker.wait_container(id, None::<WaitContainerOptions>);
        match s.next().await {
            Some(Ok(r)) => Ok(r.status_code),
            Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => Ok(code),
            Some(Err(e)) => Err(super::engine::api(format!(
                "wait for the setup of {service}"
            ))(e)),
            None => Ok(-1),
        }
    };
    let exit = match tokio::time::timeout(SETUP_LIMIT, wait).await {
        Ok(r) => r?,
        Err(_) => return Err(EngineError::NoAnswer(SETUP_LIMIT.as_secs())),
    };
    let mut logs = docker.logs(
        id,
        Some(LogsOptions {
            stdout: true,
            stderr: true,
            ..Default::default()
        }),
    );
    let mut text = String::new();
    while let Some(chunk) = logs.next().await {
        match chunk {
            Ok(c) => text.push_str(&String::from_utf8_lossy(&c.into_bytes())),
            Err(e) => {
                return Err(super::engine::api(format!(
                    "read the setup's output of {service}"
                ))(e))
            }
        }
    }
    Ok((exit, text))
}

/// How the engine can run a node's setup: the image to use, and a note
/// when it is not the node's own.
#[derive(Debug, Clone, PartialEq)]
pub struct JudgeImage {
    pub image: String,
    pub note: Option<String>,
}

/// The Kafka version of an `apache/kafka` or `apache/kafka-native` image
/// reference (`None`: another image, or no tag).
pub fn apache_kafka_version(image: &str) -> Option<String> {
    let name = image.split('@').next().unwrap_or(image);
    let name = name
        .strip_prefix("docker.io/")
        .or_else(|| name.strip_prefix("registry-1.docker.io/"))
        .unwrap_or(name);
    let name = name.strip_prefix("library/").unwrap_or(name);
    let (repo, tag) = name.rsplit_once(':').filter(|(_, t)| !t.contains('/'))?;
    matches!(repo, "apache/kafka" | "apache/kafka-native").then(|| tag.to_string())
}

/// The Kafka versions built here (scripts/standin-images.sh, one directory
/// of fixtures/standin/kafka each), as `kraft-acceptance/standin-kafka:VERSION`.
pub const BUILT_HERE: &[&str] = &["3.7.0", "3.7.1", "3.8.0"];

/// The image Kafka `version` is built here as.
pub fn built_here(version: &str) -> String {
    format!("kraft-acceptance/standin-kafka:{version}")
}

/// The image that judges a node whose compose service names `declared`:
/// the node's own when the engine has it, else Kafka of the same version
/// built here; `Err`: why neither can run.
pub async fn judge_image(engine: &Engine, declared: &str) -> Result<JudgeImage, String> {
    if engine.has_image(declared).await {
        return Ok(JudgeImage {
            image: declared.to_string(),
            note: None,
        });
    }
    match apache_kafka_version(declared) {
        Some(v) if BUILT_HERE.contains(&v.as_str()) => {
            let here = built_here(&v);
            if engine.has_image(&here).await {
                Ok(JudgeImage {
                    note: Some(format!("{declared} is not on this engine: Kafka {v} built here from its release's jars ({here}) ran its setup")),
                    image: here,
                })
            } else {
                Err(format!("{declared} is not on this engine and neither is {here} (scripts/setup.sh builds it)"))
            }
        }
        Some(v) => Err(format!(
            "{declared} is not on this engine, and Kafka {v} is not built here (built here: {}): Kafka's own setup of that version cannot run, and another version's is no judge of it",
            BUILT_HERE.join(", ")
        )),
        None => Err(format!("{declared} is not on this engine and is not an apache/kafka image this machine builds: its setup cannot run")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_of_kafkas_exception_is_quoted_without_its_frames() {
        let out = "===> Launching ... ===> Using provided cluster id 4L6g3nShT-eMCtK--X86sw ... Exception in thread \"main\" java.lang.IllegalArgumentException: requirement failed: If process.roles contains just the 'broker' role, the node id 1 must not be included in the set of voters controller.quorum.voters=Set(1) at scala.Predef$.require(Predef.scala:337) at kafka.server.KafkaConfig.validateValues(KafkaConfig.scala:1)";
        assert_eq!(
            kafka_message(out).as_deref(),
            Some("requirement failed: If process.roles contains just the 'broker' role, the node id 1 must not be included in the set of voters controller.quorum.voters=Set(1)")
        );
        let config = "org.apache.kafka.common.config.ConfigException: Invalid value Broker for configuration process.roles: String must be one of: broker, controller\n\tat org.apache.kafka.common.config.ConfigDef$ValidString.ensureValid(ConfigDef.java:1)";
        assert_eq!(
            kafka_message(config).as_deref(),
            Some("Invalid value Broker for configuration process.roles: String must be one of: broker, controller")
        );
        let words = "java.lang.IllegalArgumentException: requirement failed: controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role at scala.Predef$.require(Predef.scala:337)";
        assert_eq!(
            kafka_message(words).as_deref(),
            Some("requirement failed: controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role")
        );
        assert_eq!(
            kafka_message("KAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller."),
            None
        );
    }

    #[test]
    fn a_refusal_without_an_exception_is_the_scripts_last_line() {
        let r = SetupRun {
            service: "kafka".into(),
            image: "i".into(),
            exit: 1,
            output: "===> Configuring ...\nKAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller.\n".into(),
            server_properties: None,
            meta_properties: Vec::new(),
            seconds: 0.0,
        };
        assert_eq!(
            r.refusal().as_deref(),
            Some("KAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller.")
        );
        assert_eq!(SetupRun { exit: 0, ..r }.refusal(), None);
    }

    #[test]
    fn kafka_3_7_0s_wrapper_defects_are_named_from_what_it_wrote() {
        let run = SetupRun {
            service: "kafka".into(),
            image: "apache/kafka:3.7.0".into(),
            exit: 0,
            output: String::new(),
            server_properties: Some("node.id=1\nheap.opts=-Xmx512m\n".into()),
            meta_properties: vec![(
                "/var/lib/kafka/data".into(),
                "cluster.id=Some(5L6g3nShT-eMCtK--X86sw)\nnode.id=1\n".into(),
            )],
            seconds: 0.0,
        };
        let d = run.image_defects();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d[0].contains("cluster.id=Some(5L6g3nShT-eMCtK--X86sw)")
                && d[0].contains("KAFKA-16473"),
            "{d:?}"
        );
        assert!(
            d[1].contains("heap.opts=-Xmx512m") && d[1].contains("3.7.1"),
            "{d:?}"
        );
        let fixed = SetupRun {
            server_properties: Some("node.id=1\n".into()),
            meta_properties: vec![("/d".into(), "cluster.id=5L6g3nShT-eMCtK--X86sw\n".into())],
            ..run
        };
        assert!(fixed.image_defects().is_empty());
    }

    #[test]
    fn the_versions_built_here_are_the_directories_of_fixtures_standin_kafka() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/standin/kafka");
        let mut found: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("pom.xml").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        found.sort();
        assert_eq!(found, BUILT_HERE);
    }

    #[test]
    fn apache_kafka_versions_are_read_from_the_tag() {
        assert_eq!(
            apache_kafka_version("apache/kafka:3.8.0").as_deref(),
            Some("3.8.0")
        );
        assert_eq!(
            apache_kafka_version("docker.io/apache/kafka-native:3.9.0@sha256:ab").as_deref(),
            Some("3.9.0")
        );
        assert_eq!(apache_kafka_version("apache/kafka"), None);
        assert_eq!(apache_kafka_version("bitnami/kafka:3.8.0"), None);
        assert_eq!(apache_kafka_version("localhost:5000/apache/kafka"), None);
    }

    #[test]
    fn the_targets_data_is_never_mounted_and_what_the_image_reads_is_read_only() {
        let svc: Service = serde_json::from_value(serde_json::json!({
            "image": "apache/kafka:3.8.0",
            "volumes": [
                {"type": "volume", "source": "kafka-data", "target": "/var/lib/kafka/data"},
                {"type": "bind", "source": "/nonexistent/dir", "target": "/data"},
                {"type": "bind", "source": "/nonexistent/config", "target": "/mnt/shared/config"},
                {"type": "tmpfs", "target": "/tmp/x"}
            ],
            "tmpfs": ["/var/lib/kafka/meta:uid=1000,gid=1000"]
        }))
        .unwrap();
        assert_eq!(
            mounts_of(&svc),
            vec![
                Mounted::Fresh {
                    target: "/var/lib/kafka/data".into()
                },
                Mounted::Fresh {
                    target: "/data".into()
                },
                Mounted::ReadOnly {
                    source: "/nonexistent/config".into(),
                    target: "/mnt/shared/config".into()
                },
                Mounted::Tmpfs {
                    target: "/tmp/x".into(),
                    options: String::new()
                },
                Mounted::Tmpfs {
                    target: "/var/lib/kafka/meta".into(),
                    options: "uid=1000,gid=1000".into()
                },
            ]
        );
    }
}
