//! The upgrade rehearsal (`verify --upgrade-to VERSION`, owned runs): every
//! Kafka node recreated at once on VERSION's image, its volumes kept, as a
//! compose deploy of the new image does it. What the new version makes of
//! the old data is Kafka's own: a broker that refuses it exits with its
//! own message, which is read from the container's log.

use std::path::PathBuf;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{Services, Stack, StackError};
use crate::model::compose::ComposeModel;
use crate::model::Readiness;
use crate::probes::engine::Engine;
use crate::probes::kafka_setup::{apache_kafka_version, built_here, BUILT_HERE};

/// What `--upgrade-to` asks of this run, checked before anything starts.
#[derive(Debug, Clone)]
pub struct Upgrade {
    /// The version the target deploys, and the one the rehearsal moves to.
    pub from: String,
    pub to: String,
    /// Each Kafka node and the image it is recreated on.
    pub images: Vec<(String, String)>,
    /// The compose override naming those images.
    file: PathBuf,
}

impl Upgrade {
    /// What the upgrade changes of the images a run uses, in words.
    pub(crate) fn said(&self) -> String {
        let mut images: Vec<&str> = self.images.iter().map(|(_, i)| i.as_str()).collect();
        images.dedup();
        format!(
            "; then, for the upgrade rehearsal (--upgrade-to {}), every Kafka node on {}",
            self.to,
            images.join(", ")
        )
    }
}

/// What the recreate did: the command, its wall time, each node's
/// readiness after it, and what Kafka logged of a node that did not start.
pub struct Upgraded {
    pub command: String,
    pub seconds: f64,
    pub after: Vec<Readiness>,
    /// Node -> the last error Kafka logged before it stopped.
    pub refusals: Vec<(String, String)>,
}

/// A version as `--upgrade-to` takes it: `MAJOR.MINOR.PATCH`, digits only.
pub(crate) fn is_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn refused(to: &str, why: String) -> StackError {
    StackError::Upgrade(format!("--upgrade-to {to}: {why}"))
}

/// The image each Kafka node moves to: on the stand-in, the version built
/// here; on the target's own images, its `apache/kafka` (or
/// `apache/kafka-native`) image at the new tag.
fn node_images(
    target: &ComposeModel,
    services: &Services,
    standin: bool,
    to: &str,
) -> Result<Vec<(String, String)>, StackError> {
    let mut out = Vec::new();
    for node in &services.nodes {
        let declared = target
            .services
            .get(node)
            .and_then(|s| s.image.clone())
            .unwrap_or_default();
        let image = if standin {
            built_here(to)
        } else {
            let Some(old) = apache_kafka_version(&declared) else {
                return Err(refused(to, format!("service {node} runs image \"{declared}\", which names no apache/kafka version to move from; the rehearsal recreates apache/kafka (or apache/kafka-native) nodes at a new tag")));
            };
            let base = declared.split('@').next().unwrap_or(&declared);
            let repo = base.strip_suffix(&format!(":{old}")).unwrap_or(base);
            format!("{repo}:{to}")
        };
        out.push((node.clone(), image));
    }
    Ok(out)
}

/// The compose override recreating every node on its new image, on disk
/// in the cache directory (one file per content).
fn override_file(images: &[(String, String)]) -> Result<PathBuf, StackError> {
    let mut content = String::from(
        "# kraft-acceptance --upgrade-to: every Kafka node on the new version's image.\nservices:\n",
    );
    for (node, image) in images {
        content.push_str(&format!("  {node}:\n    image: {image}\n"));
    }
    let hash = format!("{:x}", Sha256::digest(content.as_bytes()));
    let name = format!("docker-compose.upgrade-{}.yml", &hash[..12]);
    crate::dirs::cached_file(&name, &content).map_err(|source| StackError::Override {
        path: crate::dirs::cache_dir().join(name),
        source,
    })
}

/// Longest a pull of the new version's image may take.
const PULL_LIMIT: Duration = Duration::from_secs(600);

/// `docker pull IMAGE`, bounded; the error is the pull's own last line.
async fn pull(image: &str) -> Result<(), String> {
    let mut cmd = tokio::process::Command::new("docker");
    cmd.args(["pull", "--quiet", image])
        .stdin(std::process::Stdio::null());
    let out = tokio::time::timeout(PULL_LIMIT, crate::children::tokio_output(&mut cmd))
        .await
        .map_err(|_| format!("still pulling after {} s", PULL_LIMIT.as_secs()))?
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&out.stderr);
    Err(crate::probes::compose::one_line(&text))
}

/// Checks `--upgrade-to` against what the target deploys and what this
/// machine has, and writes the override; nothing is started.
pub(crate) async fn plan(
    engine: &Engine,
    target: &ComposeModel,
    services: &Services,
    standin: bool,
    from: &str,
    to: &str,
) -> Result<Upgrade, StackError> {
    if to == from {
        return Err(refused(
            to,
            format!("the target already deploys Kafka {from}; name the version to upgrade to"),
        ));
    }
    if standin && !BUILT_HERE.contains(&to) {
        return Err(refused(to, format!("Kafka {to} is not built here (built here: {}); a run on the stand-in upgrades only to a version built here, never to another", BUILT_HERE.join(", "))));
    }
    let images = node_images(target, services, standin, to)?;
    let mut seen = Vec::new();
    for (_, image) in &images {
        if seen.contains(image) || engine.image_id(image).await.is_some() {
            continue;
        }
        seen.push(image.clone());
        if standin {
            return Err(refused(
                to,
                format!("image {image} is not present; run scripts/setup.sh to build it"),
            ));
        }
        pull(image).await.map_err(|e| {
            refused(
                to,
                format!("image {image} is not present and its pull failed: {e}"),
            )
        })?;
    }
    Ok(Upgrade {
        from: from.to_string(),
        to: to.to_string(),
        file: override_file(&images)?,
        images,
    })
}

/// The line of a Kafka log that says why the broker stopped: its fatal
/// error, else its last ERROR, else its last line; with the exception line
/// that follows it, which names the cause.
pub(crate) fn kafka_refusal(log: &str) -> Option<String> {
    let lines: Vec<&str> = log
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let last = |f: &dyn Fn(&str) -> bool| lines.iter().rposition(|l| f(l));
    let at =
        last(&|l| l.contains("Exiting Kafka due to fatal exception") || l.contains("fatal fault"))
            .or_else(|| last(&|l| l.contains("ERROR")))
            .or(lines.len().checked_sub(1))?;
    let cause = lines[at + 1..]
        .iter()
        .take(3)
        .find(|l| !l.starts_with("at ") && (l.contains("Exception") || l.contains("Error")));
    Some(match cause {
        Some(c) => format!("{} | {c}", lines[at]),
        None => lines[at].to_string(),
    })
}

impl Stack {
    /// `up -d --force-recreate --no-deps` of every Kafka node with the
    /// upgrade's override, then each waited for until ready again; a node
    /// that does not become healthy has its log read for Kafka's reason.
    pub async fn upgrade(&self, u: &Upgrade) -> Result<Upgraded, StackError> {
        let file = u.file.display().to_string();
        let nodes = &self.services.nodes;
        let r = self.recreate(&["-f", &file], &["--no-deps"], nodes).await?;
        let mut refusals = Vec::new();
        for ready in r.after.iter().filter(|r| !r.healthy) {
            if let Ok(c) = self.service_container(&ready.service).await {
                let log = self.engine.log_tail(&c.id, 300).await.unwrap_or_default();
                if let Some(line) = kafka_refusal(&log) {
                    refusals.push((ready.service.clone(), line));
                }
            }
        }
        Ok(Upgraded {
            command: r
                .command
                .replacen(&format!("-f {file} "), "-f <upgrade override> ", 1),
            seconds: r.seconds,
            after: r.after,
            refusals,
        })
    }
}

/// What `kafka-features.sh upgrade` did: the command as run, its exit
/// code and its output.
pub struct FeaturesRun {
    pub command: String,
    pub exit: i32,
    pub output: String,
}

impl Stack {
    /// `kafka-features.sh upgrade --feature metadata.version=LEVEL`, Kafka's
    /// own tool on the new version, run in Kafka's container against
    /// `bootstrap` (an address of the stack's network), bounded.
    pub async fn finalize_metadata_version(
        &self,
        bootstrap: &str,
        level: i16,
    ) -> Result<FeaturesRun, StackError> {
        let feature = format!("metadata.version={level}");
        let tool = [
            "/opt/kafka/bin/kafka-features.sh",
            "--bootstrap-server",
            bootstrap,
            "upgrade",
            "--feature",
            feature.as_str(),
        ];
        let mut args = vec!["exec", "-T", self.services.kafka()];
        args.extend(tool);
        let (command, out) = self.compose_output(&args).await?;
        Ok(FeaturesRun {
            command,
            exit: out.status.code().unwrap_or(-1),
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_three_numbers() {
        assert!(is_version("3.8.0"));
        assert!(is_version("4.1.12"));
        for v in [
            "3.8",
            "3.8.0-rc1",
            "latest",
            "",
            "3..0",
            "3.8.0.1",
            "a.b.c",
            "99999.0.0",
        ] {
            assert!(!is_version(v), "{v}");
        }
    }

    #[test]
    fn kafkas_reason_is_its_fatal_line_else_its_last_error() {
        let log = "[2026-12-07 01:00:00,000] INFO starting (kafka.server.KafkaServer)\n\
[2026-12-07 01:00:01,000] ERROR Encountered fatal fault: bad level (org.apache.kafka.server.fault.ProcessTerminatingFaultHandler)\n\
java.lang.IllegalArgumentException: No MetadataVersion with feature level 20\n\
\tat org.apache.kafka.server.common.MetadataVersion.fromFeatureLevel(MetadataVersion.java:1)\n";
        assert_eq!(
            kafka_refusal(log).as_deref(),
            Some("[2026-12-07 01:00:01,000] ERROR Encountered fatal fault: bad level (org.apache.kafka.server.fault.ProcessTerminatingFaultHandler) | java.lang.IllegalArgumentException: No MetadataVersion with feature level 20")
        );
        assert_eq!(
            kafka_refusal("a\n[x] ERROR one\nb\n").as_deref(),
            Some("[x] ERROR one")
        );
        assert_eq!(kafka_refusal("only\n").as_deref(), Some("only"));
        assert_eq!(kafka_refusal(""), None);
    }

    #[test]
    fn real_nodes_move_to_the_new_tag_and_stand_in_nodes_to_the_image_built_here() {
        let model: ComposeModel = serde_json::from_value(serde_json::json!({
            "services": {
                "kafka": {"image": "docker.io/apache/kafka:3.7.1"},
                "kafka-2": {"image": "apache/kafka-native:3.7.1@sha256:ab"},
                "other": {"image": "bitnami/kafka:3.7.1"}
            }
        }))
        .unwrap();
        let mut services = Services {
            up: vec!["kafka".into()],
            bootstrap: None,
            listed: vec![],
            nodes: vec!["kafka".into(), "kafka-2".into()],
        };
        assert_eq!(
            node_images(&model, &services, false, "3.8.0").unwrap(),
            vec![
                (
                    "kafka".to_string(),
                    "docker.io/apache/kafka:3.8.0".to_string()
                ),
                (
                    "kafka-2".to_string(),
                    "apache/kafka-native:3.8.0".to_string()
                )
            ]
        );
        assert_eq!(
            node_images(&model, &services, true, "3.8.0").unwrap()[1].1,
            "kraft-acceptance/standin-kafka:3.8.0"
        );
        services.nodes.push("other".into());
        let e = node_images(&model, &services, false, "3.8.0").unwrap_err();
        assert!(
            e.to_string()
                .contains("service other runs image \"bitnami/kafka:3.7.1\""),
            "{e}"
        );
    }
}
