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
pub use crate::model::kafka_setup::SetupRun;
use crate::model::kafka_setup::{META_MARK, PROPERTIES_MARK};

/// The label every container and volume of a setup run carries (beside the
/// owner's labels).
pub(crate) const SETUP_LABEL: &str = "io.kraft-acceptance.kafka-setup";

/// Longest one setup and format may take (a JVM start, twice at most).
const SETUP_LIMIT: Duration = Duration::from_secs(120);

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

/// The mounts of a setup container, and the volumes made for it.
#[derive(Default)]
struct Made {
    mounts: Vec<Mount>,
    tmpfs: HashMap<String, String>,
    volumes: Vec<String>,
}

/// Every mount the node's service and its image declare, each made as
/// [`mounts_of`] says: the image's own VOLUMEs too, as labelled volumes of
/// the run (the engine would make unlabelled ones). What it made is in
/// `made` even when it fails midway.
async fn make_mounts(
    engine: &Engine,
    svc: &Service,
    image: &str,
    labels: &HashMap<String, String>,
    made: &mut Made,
) -> Result<(), EngineError> {
    let docker = engine.docker();
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
            Mounted::ReadOnly { source, target } => made.mounts.push(Mount {
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
                made.volumes.push(v.name.clone());
                made.mounts.push(Mount {
                    target: Some(target),
                    source: Some(v.name),
                    typ: Some(MountTypeEnum::VOLUME),
                    ..Default::default()
                });
            }
            Mounted::Tmpfs { target, options } => {
                made.tmpfs.insert(target, options);
            }
        }
    }
    Ok(())
}

/// The setup container: the node's image, user, environment and name, the
/// image's entry script as [`script`] runs it, no network.
fn container_body(
    service: &str,
    svc: &Service,
    image: &str,
    labels: &HashMap<String, String>,
    made: &mut Made,
) -> ContainerCreateBody {
    let hostname = svc.hostname.clone().unwrap_or_else(|| service.to_string());
    let env: Vec<String> = svc
        .environment
        .iter()
        .filter_map(|(k, v)| Some(format!("{k}={}", v.as_ref()?)))
        .collect();
    let tmpfs = std::mem::take(&mut made.tmpfs);
    ContainerCreateBody {
        image: Some(image.to_string()),
        hostname: Some(hostname.clone()),
        user: svc.user.clone(),
        env: Some(env),
        entrypoint: Some(vec!["bash".into(), "-c".into(), script()]),
        cmd: Some(Vec::new()),
        labels: Some(labels.clone()),
        host_config: Some(HostConfig {
            network_mode: Some("none".into()),
            // A quarter of a container's default CPU weight: beside a stack
            // starting, the stack's own containers come first.
            cpu_shares: Some(256),
            // No network, but /etc/hosts as the engine writes it, with the
            // node's own name (the image's launch runs `hostname -i`).
            extra_hosts: Some(vec![format!("{hostname}:127.0.0.1")]),
            mounts: Some(std::mem::take(&mut made.mounts)),
            tmpfs: (!tmpfs.is_empty()).then_some(tmpfs),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Runs Kafka's setup and format for service `service` of a compose model
/// on `image`, with the owner's labels `labels`; removes what it made,
/// however it ends.
pub async fn run(
    engine: &Engine,
    service: &str,
    svc: &Service,
    image: &str,
    labels: &BTreeMap<String, String>,
) -> Result<SetupRun, EngineError> {
    let started = Instant::now();
    let mut labels: HashMap<String, String> = labels.clone().into_iter().collect();
    labels.insert(SETUP_LABEL.into(), service.into());
    let mut made = Made::default();
    let result = match make_mounts(engine, svc, image, &labels, &mut made).await {
        Ok(()) => {
            let body = container_body(service, svc, image, &labels, &mut made);
            run_container(engine, service, body).await
        }
        Err(e) => Err(e),
    };
    for v in made.volumes {
        let _ = engine
            .docker()
            .remove_volume(&v, Some(RemoveVolumeOptions { force: true }))
            .await;
    }
    let (exit, text) = result?;
    Ok(SetupRun::from_output(
        service,
        image,
        exit,
        &text,
        started.elapsed().as_secs_f64(),
    ))
}

/// Creates, runs and removes the container; its exit status and output.
async fn run_container(
    engine: &Engine,
    service: &str,
    body: ContainerCreateBody,
) -> Result<(i64, String), EngineError> {
    let docker = engine.docker();
    let c = docker
        .create_container(None::<CreateContainerOptions>, body)
        .await
        .map_err(super::engine::api(format!(
            "create the setup container of {service}"
        )))?;
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
pub(crate) fn apache_kafka_version(image: &str) -> Option<String> {
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
pub const BUILT_HERE: &[&str] = &["3.7.0", "3.7.1", "3.8.0", "3.8.1"];

/// The image Kafka `version` is built here as.
pub(crate) fn built_here(version: &str) -> String {
    format!("kraft-acceptance/standin-kafka:{version}")
}

/// The image that judges a node whose compose service names `declared`:
/// the node's own when the engine has it, else Kafka of the same version
/// built here; `Err`: why neither can run.
pub(crate) async fn judge_image(engine: &Engine, declared: &str) -> Result<JudgeImage, String> {
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
