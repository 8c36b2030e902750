//! A node's settings read once, as KafkaConfig reads them: roles, ids,
//! listeners and the voters, for the rules across a cluster's nodes (Kafka
//! itself judges each node's own settings). What cannot be read is noted.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::kafka_props::{parse_listeners, Listener};

pub(crate) struct Node<'a> {
    pub props: &'a BTreeMap<String, String>,
    pub kraft: bool,
    pub broker: bool,
    pub controller: bool,
    /// node.id, else broker.id, else -1.
    pub node_id: i64,
    pub listeners: Vec<Listener>,
    /// advertised.listeners, else the listeners.
    pub advertised: Vec<Listener>,
    pub controller_names: Vec<String>,
    /// The voters that parse: id and host.
    pub voters: Vec<(i64, String)>,
}

impl<'a> Node<'a> {
    /// A set, non-empty value.
    pub fn get(&self, k: &str) -> Option<&'a str> {
        get(self.props, k)
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
        Node {
            props,
            kraft,
            broker: roles.contains("broker"),
            controller: roles.contains("controller"),
            node_id: node_id(props),
            listeners,
            advertised,
            controller_names,
            voters: voters(props),
        }
    }
}

pub fn get<'a>(props: &'a BTreeMap<String, String>, k: &str) -> Option<&'a str> {
    props.get(k).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// A number property, else its default (a value that is not a number is
/// Kafka's refusal).
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
            list(r)
                .into_iter()
                .filter(|s| *s == "broker" || *s == "controller")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// node.id, else broker.id, else -1 (KafkaConfig keeps the two in step;
/// their mismatch is Kafka's).
fn node_id(props: &BTreeMap<String, String>) -> i64 {
    get(props, "node.id")
        .or_else(|| get(props, "broker.id"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(-1)
}

/// The voters that parse (`id@host:port`), with their hosts; a voter that
/// does not parse is ConfigDef's refusal (ControllerQuorumVotersValidator).
fn voters(props: &BTreeMap<String, String>) -> Vec<(i64, String)> {
    let raw = get(props, "controller.quorum.voters").unwrap_or("");
    list(raw)
        .into_iter()
        .filter_map(|voter| {
            let (id, address) = voter.split_once('@').filter(|(_, a)| !a.contains('@'))?;
            let (host, port) = host_port(address)?;
            port?;
            Some((id.parse::<i32>().ok()?.into(), host.to_string()))
        })
        .collect()
}

/// `COMMA_WITH_WHITESPACE.split(trimmed, -1)`; an empty value is an empty list.
pub(crate) fn list(trimmed: &str) -> Vec<&str> {
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed.split(',').map(str::trim).collect()
}

/// `host:port` as Utils.getHost/getPort read it (Utils.java:97, 535-557).
pub(crate) fn host_port(address: &str) -> Option<(&str, Option<u16>)> {
    let rest = match address.find("://") {
        Some(i)
            if address[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-%._".contains(c)) =>
        {
            &address[i + 3..]
        }
        _ => address,
    };
    let (host, port) = rest.rsplit_once(':')?;
    let host = host.strip_prefix('[').unwrap_or(host);
    let host = host.strip_suffix(']').unwrap_or(host);
    if !port.chars().all(|c| c.is_ascii_digit())
        || port.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-%._:".contains(c))
    {
        return None;
    }
    Some((host, port.parse().ok()))
}
