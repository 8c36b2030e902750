//! A node's settings read once, as KafkaConfig reads them: roles, ids,
//! listeners, the protocol map and the voters. What cannot be read is a
//! violation in Kafka's words, pushed as it is met.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::kafka_props::{parse_listeners, Listener};

/// Security protocols Kafka maps by default (listener.security.protocol.map).
const DEFAULT_PROTOCOL_NAMES: &[&str] = &["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

pub(crate) struct Node<'a> {
    pub props: &'a BTreeMap<String, String>,
    pub kraft: bool,
    pub broker: bool,
    pub controller: bool,
    /// node.id, else broker.id, else -1.
    pub node_id: i64,
    pub listeners_raw: &'a str,
    pub listeners: Vec<Listener>,
    pub advertised_set: bool,
    /// advertised.listeners, else the listeners.
    pub advertised: Vec<Listener>,
    pub controller_names: Vec<String>,
    /// Listener names the protocol map covers.
    pub mapped: BTreeSet<String>,
    /// The voters that parse: id and host.
    pub voters: Vec<(i64, String)>,
}

impl<'a> Node<'a> {
    /// A set, non-empty value.
    pub fn get(&self, k: &str) -> Option<&'a str> {
        get(self.props, k)
    }

    pub(crate) fn listener_names(&self) -> BTreeSet<&str> {
        self.listeners.iter().map(|l| l.name.as_str()).collect()
    }

    pub(crate) fn controller_listeners(&self) -> Vec<&Listener> {
        self.listeners
            .iter()
            .filter(|l| self.controller_names.contains(&l.name))
            .collect()
    }

    pub(crate) fn advertised_names(&self) -> BTreeSet<&str> {
        self.advertised.iter().map(|l| l.name.as_str()).collect()
    }

    /// `controller.quorum.voters=Set(1, 2)`, as Kafka prints the voters.
    pub(crate) fn voters_shown(&self) -> String {
        format!(
            "controller.quorum.voters=Set({})",
            self.voter_ids()
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    /// QuorumConfig.parseVoterIds: each id once, in order.
    pub(crate) fn voter_ids(&self) -> BTreeSet<i64> {
        self.voters.iter().map(|(id, _)| *id).collect()
    }

    pub fn read(props: &'a BTreeMap<String, String>, v: &mut Vec<String>) -> Self {
        let roles = roles(props);
        let listeners_raw = get(props, "listeners").unwrap_or("PLAINTEXT://:9092");
        let listeners = parse_listeners(listeners_raw).unwrap_or_else(|e| {
            v.push(format!("listeners: {e}"));
            Vec::new()
        });
        // KafkaConfig.controllerListenerNames (KafkaConfig.scala:1107): split
        // on commas as written; compared with listener names, which Kafka
        // upper-cases (ListenerName.normalised).
        let controller_names: Vec<String> = get(props, "controller.listener.names")
            .map(|s| {
                s.split(',')
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        // effectiveAdvertisedListeners (KafkaConfig.scala:1136): advertised.listeners
        // when set, else the listeners that are not controller listeners.
        let advertised = match get(props, "advertised.listeners").map(parse_listeners) {
            None => listeners
                .iter()
                .filter(|l| !controller_names.contains(&l.name))
                .cloned()
                .collect(),
            Some(Err(e)) => {
                v.push(format!("advertised.listeners: {e}"));
                Vec::new()
            }
            Some(Ok(l)) => l,
        };
        let kraft = !roles.is_empty();
        let mapped = mapped(props, kraft, &controller_names, &listeners, v);
        Node {
            props,
            kraft,
            broker: roles.contains("broker"),
            controller: roles.contains("controller"),
            node_id: node_id(props),
            listeners_raw,
            listeners,
            advertised_set: get(props, "advertised.listeners").is_some(),
            advertised,
            controller_names,
            mapped,
            voters: voters(props),
        }
    }
}

pub fn get<'a>(props: &'a BTreeMap<String, String>, k: &str) -> Option<&'a str> {
    props.get(k).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// A number property, else its default (a value that is not a number is
/// ConfigDef's refusal, reported by [`super::configdef`]).
pub fn number(props: &BTreeMap<String, String>, key: &str, default: i64) -> i64 {
    get(props, key)
        .and_then(|raw| raw.parse().ok())
        .unwrap_or(default)
}

/// process.roles as ConfigDef takes it: `ValidList.in("broker", "controller")`,
/// case-sensitive (a refusal of any other value is ConfigDef's).
fn roles(props: &BTreeMap<String, String>) -> BTreeSet<String> {
    get(props, "process.roles")
        .map(|r| {
            super::configdef::list(r)
                .into_iter()
                .filter(|s| *s == "broker" || *s == "controller")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// node.id, else broker.id, else -1 (KafkaConfig keeps the two in step;
/// their mismatch is [`super::rules::mode`]'s).
fn node_id(props: &BTreeMap<String, String>) -> i64 {
    get(props, "node.id")
        .or_else(|| get(props, "broker.id"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(-1)
}

/// listener.security.protocol.map as effectiveListenerSecurityProtocolMap
/// reads it (KafkaConfig.scala:1183-1205): `Csv.parseCsvMap`, listener names
/// upper-cased, protocols by `SecurityProtocol.forName`; without an explicit
/// map in KRaft mode, Kafka's defaults plus each controller listener name as
/// written, unless something is SSL or SASL.
fn mapped(
    props: &BTreeMap<String, String>,
    kraft: bool,
    controller_names: &[String],
    listeners: &[Listener],
    v: &mut Vec<String>,
) -> BTreeSet<String> {
    const KEY: &str = "listener.security.protocol.map";
    let explicit = props.get(KEY).map(|s| s.trim());
    let mut mapped = BTreeSet::new();
    match explicit {
        None => mapped.extend(DEFAULT_PROTOCOL_NAMES.iter().map(|s| s.to_string())),
        Some("") => {}
        Some(m) => {
            for entry in m.split(',').map(str::trim) {
                let Some((name, protocol)) = entry.rsplit_once(':') else {
                    v.push(format!(
                        "Error parsing configuration property '{KEY}': begin 0, end -1, length {}",
                        entry.encode_utf16().count()
                    ));
                    continue;
                };
                if !DEFAULT_PROTOCOL_NAMES.contains(&protocol.trim().to_uppercase().as_str()) {
                    v.push(format!(
                        "Invalid security protocol `{}` defined in {KEY}",
                        protocol.trim()
                    ));
                }
                mapped.insert(name.trim().to_uppercase());
            }
        }
    }
    let secure = |n: &str| ["SSL", "SASL_SSL", "SASL_PLAINTEXT"].contains(&n);
    if kraft
        && explicit.is_none()
        && !controller_names.iter().any(|n| secure(n))
        && !listeners.iter().any(|l| secure(&l.name))
    {
        mapped.extend(
            controller_names
                .iter()
                .filter(|n| *n != "PLAINTEXT")
                .cloned(),
        );
    }
    mapped
}

/// The voters that parse (`id@host:port`), with their hosts; a voter that
/// does not parse is ConfigDef's refusal (ControllerQuorumVotersValidator).
fn voters(props: &BTreeMap<String, String>) -> Vec<(i64, String)> {
    let raw = get(props, "controller.quorum.voters").unwrap_or("");
    super::configdef::list(raw)
        .into_iter()
        .filter_map(|voter| {
            let (id, address) = voter.split_once('@').filter(|(_, a)| !a.contains('@'))?;
            let (host, port) = super::configdef::host_port(address)?;
            port?;
            Some((id.parse::<i32>().ok()?.into(), host.to_string()))
        })
        .collect()
}
