//! The Kafka nodes of a resolved compose model: every running service that
//! runs Kafka, each with what its settings make it (roles, id, voters,
//! listeners, directories, ports). A single node is a cluster of one.

use std::collections::BTreeMap;

use super::compose::{ComposeModel, DeclaredBinding, Service, ServiceVolume};
use super::kafka_props::Listener;

/// Variables only a Kafka node sets: the apache/kafka image's (and the
/// bitnami-era `KAFKA_CFG_*` spelling of) process roles and node id.
const NODE_VARIABLES: &[&str] = &[
    "KAFKA_PROCESS_ROLES",
    "KAFKA_NODE_ID",
    "KAFKA_CFG_PROCESS_ROLES",
    "KAFKA_CFG_NODE_ID",
];

/// Images whose default command is a Kafka node.
const NODE_IMAGES: &[&str] = &["apache/kafka", "apache/kafka-native"];

/// The image's repository without registry host and tag or digest.
fn repository(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    let cut = image.len() - last.len() + last.find(':').unwrap_or(last.len());
    let image = &image[..cut];
    let mut parts = image.splitn(2, '/');
    match (parts.next(), parts.next()) {
        (Some(first), Some(rest)) if first.contains('.') || first.contains(':') => rest,
        _ => image.strip_prefix("docker.io/").unwrap_or(image),
    }
}

/// Whether `s` runs a Kafka node: it sets a node's variables, or runs an
/// apache/kafka image with the image's own command (a service that runs
/// the image with a command or entrypoint of its own runs a tool, e.g. a
/// topic bootstrap, not a node).
fn runs_kafka(s: &Service) -> bool {
    if NODE_VARIABLES
        .iter()
        .any(|k| s.environment.contains_key(*k))
    {
        return true;
    }
    let own_command = s.command.is_some() || s.entrypoint.is_some();
    s.image
        .as_deref()
        .is_some_and(|i| NODE_IMAGES.contains(&repository(i)) && !own_command)
}

/// Whether a service listed as a node may run Kafka where the model cannot
/// tell: it sets a `KAFKA_*` variable, runs an image (or builds one) whose
/// name says kafka, or mounts a server.properties where the image reads one.
pub(crate) fn may_run_kafka(s: &Service) -> bool {
    let kafka_image = s.image.as_deref().is_some_and(|i| i.contains("kafka"));
    let built = s
        .build
        .as_ref()
        .is_some_and(|b| b.to_string().contains("kafka"));
    runs_kafka(s)
        || kafka_image
        || built
        || s.environment.keys().any(|k| k.starts_with("KAFKA_"))
        || s.host_path_of("/mnt/shared/config/server.properties")
            .is_some()
}

/// Its roles as its environment sets them (the image's default when unset:
/// broker,controller).
pub(crate) fn env_roles(s: &Service) -> String {
    super::kafka_props::image_settings(&s.environment, None)
        .properties
        .get("process.roles")
        .cloned()
        .unwrap_or_else(|| "broker,controller".into())
}

/// The services of `model` that are Kafka nodes, by name: every running
/// service that [`runs_kafka`], those `listed` (`[names] kafka_nodes`,
/// where the model cannot tell) and `named` (`[names] kafka`), without
/// `excluded` (the topic bootstrap) and without disabled services.
pub fn kafka_services(
    model: &ComposeModel,
    named: &str,
    listed: &[String],
    excluded: Option<&str>,
) -> Vec<String> {
    model
        .running_services()
        .filter(|(n, s)| {
            Some(n.as_str()) != excluded
                && (runs_kafka(s) || n.as_str() == named || listed.contains(n))
        })
        .map(|(n, _)| n.clone())
        .collect()
}

/// One voter of `controller.quorum.voters`: `id@host:port`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Voter {
    pub id: i64,
    pub host: String,
    pub port: u16,
}

impl std::fmt::Display for Voter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}:{}", self.id, self.host, self.port)
    }
}

/// One Kafka node as its settings make it.
#[derive(Debug, Clone, PartialEq)]
pub struct KafkaNode {
    pub service: String,
    pub broker: bool,
    pub controller: bool,
    /// node.id (else broker.id), when it reads as a number.
    pub node_id: Option<i64>,
    pub voters: Vec<Voter>,
    pub listeners: Vec<Listener>,
    /// advertised.listeners, else the listeners that are not controller listeners.
    pub advertised: Vec<Listener>,
    pub controller_listener_names: Vec<String>,
    /// log.dirs (else log.dir, else the image's default), then metadata.log.dir.
    pub log_dirs: Vec<String>,
    pub metadata_dir: Option<String>,
    pub cluster_id: Option<String>,
    pub ports: Vec<DeclaredBinding>,
    pub mounts: Vec<ServiceVolume>,
    /// The names other containers reach it by: its service name, hostname,
    /// container name and network aliases.
    pub names: Vec<String>,
    /// The networks it joins (compose's `default` when it names none).
    pub networks: Vec<String>,
    pub props: BTreeMap<String, String>,
}

impl KafkaNode {
    /// Its roles as Kafka spells them: broker, controller, or both.
    pub fn roles(&self) -> &'static str {
        match (self.broker, self.controller) {
            (true, true) => "broker,controller",
            (true, false) => "broker",
            (false, true) => "controller",
            (false, false) => "no role",
        }
    }

    /// The port of its first controller listener.
    pub(crate) fn controller_port(&self) -> Option<u16> {
        self.listeners
            .iter()
            .find(|l| self.controller_listener_names.contains(&l.name))
            .map(|l| l.port)
    }

    /// Who it is in a failure line: `service (node.id N, roles)`.
    pub fn shown(&self) -> String {
        let id = self
            .node_id
            .map(|i| i.to_string())
            .unwrap_or_else(|| "unset".into());
        format!("{} (node.id {id}, {})", self.service, self.roles())
    }
}

/// The names a service is reached by on its networks.
pub(crate) fn reachable_names(name: &str, s: &Service) -> Vec<String> {
    let mut names = vec![name.to_string()];
    names.extend(s.hostname.clone());
    names.extend(s.container_name.clone());
    for a in s.networks.values().flatten() {
        names.extend(a.aliases.iter().cloned());
    }
    names.dedup();
    names
}

/// The networks a service joins.
pub(crate) fn networks_of(s: &Service) -> Vec<String> {
    if s.networks.is_empty() {
        return vec!["default".into()];
    }
    s.networks.keys().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(json: &str) -> ComposeModel {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn repositories_without_registry_and_tag() {
        for (i, want) in [
            ("apache/kafka:3.8.0", "apache/kafka"),
            ("docker.io/apache/kafka-native:3.8.0", "apache/kafka-native"),
            ("registry.local:5000/apache/kafka@sha256:ab", "apache/kafka"),
            ("bitnami/kafka:3.7", "bitnami/kafka"),
            ("kafka", "kafka"),
        ] {
            assert_eq!(repository(i), want, "{i}");
        }
    }

    #[test]
    fn nodes_are_services_running_kafka_not_tools_or_disabled_ones() {
        let m = model(
            r#"{"services":{
            "controller-1":{"image":"apache/kafka:3.8.0","environment":{"KAFKA_PROCESS_ROLES":"controller"}},
            "kafka-1":{"image":"apache/kafka-native:3.8.0"},
            "built":{"build":{"context":"."},"environment":{"KAFKA_NODE_ID":"3"}},
            "custom":{"image":"acme/broker:1"},
            "setup":{"image":"apache/kafka:3.8.0","entrypoint":["sh","/s.sh"]},
            "tools":{"image":"apache/kafka:3.8.0","command":["sleep","infinity"]},
            "spare":{"image":"apache/kafka:3.8.0","deploy":{"replicas":0}},
            "redis":{"image":"redis:7"}}}"#,
        );
        assert_eq!(
            kafka_services(&m, "kafka-1", &[], None),
            ["built", "controller-1", "kafka-1"]
        );
        assert_eq!(
            kafka_services(&m, "kafka-1", &["custom".into()], Some("built")),
            ["controller-1", "custom", "kafka-1"]
        );
    }
}
