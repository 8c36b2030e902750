//! The apache/kafka image's environment contract: `KAFKA_*` variables as
//! server properties (exactly as the 3.8.0 image writes them), and listeners
//! as Kafka parses them.

use std::collections::BTreeMap;

/// What the apache/kafka 3.8.0 image makes of a service's environment before
/// Kafka reads it: docker/resources/common-scripts/configure, then
/// KafkaDockerWrapper.prepareServerConfigs (core/.../docker/KafkaDockerWrapper.scala).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageSettings {
    /// server.properties as the image writes it.
    pub properties: BTreeMap<String, String>,
    /// Where the image itself stops before Kafka starts, in its words.
    pub refusals: Vec<String>,
    /// What the image did that the environment does not say.
    pub notes: Vec<String>,
}

/// The image's own environment, never written as properties
/// (KafkaDockerWrapper's Constants.ExcludeServerPropsEnv).
const EXCLUDED: &[&str] = &[
    "KAFKA_VERSION",
    "KAFKA_HEAP_OPTS",
    "KAFKA_LOG4J_OPTS",
    "KAFKA_OPTS",
    "KAFKA_JMX_OPTS",
    "KAFKA_JVM_PERFORMANCE_OPTS",
    "KAFKA_GC_LOG_OPTS",
    "KAFKA_LOG4J_ROOT_LOGLEVEL",
    "KAFKA_LOG4J_LOGGERS",
    "KAFKA_TOOLS_LOG4J_LOGLEVEL",
    "KAFKA_JMX_HOSTNAME",
];

/// The image's default server.properties (Kafka 3.8.0's
/// config/kraft/server.properties), used when nothing else is given.
const DEFAULT_SERVER_PROPERTIES: &str = "process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
inter.broker.listener.name=PLAINTEXT
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
log.dirs=/tmp/kraft-combined-logs
num.partitions=1
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
log.retention.hours=168
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
";

/// The image's handling of `env` (a `None` value is unset in the container),
/// with `mounted` the text of a server.properties mounted at
/// /mnt/shared/config, if any.
pub fn image_settings(
    env: &BTreeMap<String, Option<String>>,
    mounted: Option<&str>,
) -> ImageSettings {
    let mut env: BTreeMap<String, String> = env
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
        .collect();
    let mut out = ImageSettings::default();
    let set =
        |env: &BTreeMap<String, String>, k: &str| env.get(k).filter(|v| !v.is_empty()).cloned();
    let roles = set(&env, "KAFKA_PROCESS_ROLES");
    // configure: a controller-only node takes no advertised listeners.
    if roles.as_deref() == Some("controller") {
        if set(&env, "KAFKA_ADVERTISED_LISTENERS").is_some() {
            out.refusals
                .push("KAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller.".into());
        } else {
            env.remove("KAFKA_ADVERTISED_LISTENERS");
        }
    }
    // configure: listeners derived from advertised listeners, hosts -> 0.0.0.0.
    if set(&env, "KAFKA_LISTENERS").is_none() && roles.as_deref() != Some("controller") {
        if let Some(adv) = set(&env, "KAFKA_ADVERTISED_LISTENERS") {
            let derived = derive_listeners(&adv);
            out.notes.push(format!("KAFKA_LISTENERS not set: the image derives listeners={derived} from KAFKA_ADVERTISED_LISTENERS"));
            env.insert("KAFKA_LISTENERS".into(), derived);
        }
    }
    let from_env: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| !EXCLUDED.contains(&k.as_str()))
        .filter_map(|(k, v)| Some((property_name(k.strip_prefix("KAFKA_")?), v.clone())))
        .collect();
    if mounted.is_some() {
        out.notes.push("server.properties mounted at /mnt/shared/config: the image appends the KAFKA_* settings to it".into());
    }
    let mut text = mounted.unwrap_or_default().to_string();
    for (k, v) in &from_env {
        text.push_str(&format!("\n{k}={v}"));
    }
    if text.trim().is_empty() {
        out.notes.push("no KAFKA_* setting and no mounted server.properties: the image runs its default config/kraft/server.properties".into());
        text = DEFAULT_SERVER_PROPERTIES.into();
    }
    out.properties = parse_properties(&text);
    out
}

/// The image's CLUSTER_ID when none is set (configureDefaults).
pub const DEFAULT_CLUSTER_ID: &str = "5L6g3nShT-eMCtK--X86sw";

/// The image's env -> server properties, the refusals and notes aside
/// (the unit tests' shorthand).
#[cfg(test)]
pub(crate) fn env_to_properties(
    env: &BTreeMap<String, Option<String>>,
) -> BTreeMap<String, String> {
    image_settings(env, None).properties
}

/// KafkaDockerWrapper.getServerConfigsFromEnv: lowercase, `_`->`.`, then
/// `...`->`-`, then `..`->`_`.
fn property_name(rest: &str) -> String {
    rest.to_lowercase()
        .replace('_', ".")
        .replace("...", "-")
        .replace("..", "_")
}

/// `sed -e 's|://[^:]*:|://0.0.0.0:|g'`, as configure runs it.
fn derive_listeners(advertised: &str) -> String {
    let mut out = String::new();
    let mut rest = advertised;
    while let Some(i) = rest.find("://") {
        let after = &rest[i + 3..];
        match after.find(':') {
            Some(j) => {
                out.push_str(&rest[..i]);
                out.push_str("://0.0.0.0:");
                rest = &after[j + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// java.util.Properties.load, for the lines a server.properties holds:
/// `#`/`!` comments, `key=value`, `key: value` or `key value`, a trailing
/// backslash continuing the line; a later key wins.
pub fn parse_properties(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut logical = String::new();
    for line in text.lines() {
        let line = line.trim_start();
        if logical.is_empty() && (line.is_empty() || line.starts_with('#') || line.starts_with('!'))
        {
            continue;
        }
        let continued = line.ends_with('\\') && !line.ends_with("\\\\");
        logical.push_str(if continued {
            &line[..line.len() - 1]
        } else {
            line
        });
        if continued {
            continue;
        }
        let split = logical.find(['=', ':', ' ', '\t']).unwrap_or(logical.len());
        let key = logical[..split].trim().to_string();
        let value = logical[split..].trim_start_matches([' ', '\t']);
        let value = value.strip_prefix(['=', ':']).unwrap_or(value).trim_start();
        out.insert(key, value.to_string());
        logical.clear();
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub name: String,
    pub host: String,
    pub port: u16,
}

impl Listener {
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// `NAME://host:port,...`; an empty host means every interface.
pub fn parse_listeners(value: &str) -> Result<Vec<Listener>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (name, rest) = item
                .split_once("://")
                .ok_or_else(|| format!("listener \"{item}\" is not NAME://host:port"))?;
            let (host, port) = rest
                .rsplit_once(':')
                .ok_or_else(|| format!("listener \"{item}\" has no port"))?;
            let port = port
                .parse()
                .map_err(|_| format!("listener \"{item}\" has a bad port"))?;
            let host = host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            Ok(Listener {
                name: name.to_uppercase(),
                host,
                port,
            })
        })
        .collect()
}
