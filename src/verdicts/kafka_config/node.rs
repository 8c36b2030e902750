//! A node's settings read once, as KafkaConfig reads them: roles, ids,
//! listeners, the protocol map and the voters. What cannot be read is a
//! violation in Kafka's words, pushed as it is met.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::kafka_props::{parse_listeners, Listener};

/// Security protocols Kafka maps by default (listener.security.protocol.map).
const DEFAULT_PROTOCOL_NAMES: &[&str] = &["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

pub struct Node<'a> {
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
    pub voter_ids: Vec<i64>,
}

impl<'a> Node<'a> {
    /// A set, non-empty value.
    pub fn get(&self, k: &str) -> Option<&'a str> {
        get(self.props, k)
    }

    pub fn listener_names(&self) -> BTreeSet<&str> {
        self.listeners.iter().map(|l| l.name.as_str()).collect()
    }

    pub fn controller_listeners(&self) -> Vec<&Listener> {
        self.listeners.iter().filter(|l| self.controller_names.contains(&l.name)).collect()
    }

    pub fn advertised_names(&self) -> BTreeSet<&str> {
        self.advertised.iter().map(|l| l.name.as_str()).collect()
    }

    /// `controller.quorum.voters=Set(1, 2)`, as Kafka prints the voters.
    pub fn voters_shown(&self) -> String {
        format!("controller.quorum.voters=Set({})", self.voter_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
    }

    pub fn read(props: &'a BTreeMap<String, String>, v: &mut Vec<String>) -> Self {
        let roles = roles(props, v);
        let node_id = node_id(props, v);
        let listeners_raw = get(props, "listeners").unwrap_or("PLAINTEXT://:9092");
        let listeners = parse_listeners(listeners_raw).unwrap_or_else(|e| {
            v.push(format!("listeners: {e}"));
            Vec::new()
        });
        let advertised = match get(props, "advertised.listeners").map(parse_listeners) {
            None => listeners.clone(),
            Some(Err(e)) => {
                v.push(format!("advertised.listeners: {e}"));
                Vec::new()
            }
            Some(Ok(l)) => l,
        };
        let controller_names: Vec<String> = get(props, "controller.listener.names")
            .map(|s| s.split(',').map(|n| n.trim().to_uppercase()).filter(|n| !n.is_empty()).collect())
            .unwrap_or_default();
        let kraft = !roles.is_empty();
        let mapped = mapped(props, kraft, &controller_names, &listeners);
        Node {
            props,
            kraft,
            broker: roles.contains("broker"),
            controller: roles.contains("controller"),
            node_id,
            listeners_raw,
            listeners,
            advertised_set: get(props, "advertised.listeners").is_some(),
            advertised,
            controller_names,
            mapped,
            voter_ids: voter_ids(props, v),
        }
    }
}

pub fn get<'a>(props: &'a BTreeMap<String, String>, k: &str) -> Option<&'a str> {
    props.get(k).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// A number property, its default, and Kafka's ConfigDef message when it is
/// not one.
pub fn number(v: &mut Vec<String>, props: &BTreeMap<String, String>, key: &str, default: i64, kind: &str) -> i64 {
    match get(props, key) {
        None => default,
        Some(raw) => raw.parse().unwrap_or_else(|_| {
            v.push(format!("Invalid value {raw} for configuration {key}: Not a number of type {kind}"));
            default
        }),
    }
}

/// ConfigDef: process.roles is a list of broker, controller.
fn roles(props: &BTreeMap<String, String>, v: &mut Vec<String>) -> BTreeSet<String> {
    let roles: BTreeSet<String> = get(props, "process.roles")
        .map(|r| r.split(',').map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    for bad in roles.iter().filter(|r| *r != "broker" && *r != "controller") {
        v.push(format!("Invalid value {bad} for configuration process.roles: String must be one of: broker, controller"));
    }
    roles
}

/// node.id and broker.id: INT, equal when both are set.
fn node_id(props: &BTreeMap<String, String>, v: &mut Vec<String>) -> i64 {
    let node_id = get(props, "node.id").map(|_| number(v, props, "node.id", -1, "INT"));
    let broker_id = get(props, "broker.id").map(|_| number(v, props, "broker.id", -1, "INT"));
    if let (Some(n), Some(b)) = (node_id, broker_id) {
        if n != b {
            v.push("You must set `node.id` to the same value as `broker.id`.".into());
        }
    }
    node_id.or(broker_id).unwrap_or(-1)
}

/// The protocol map: explicit, else Kafka's defaults, plus PLAINTEXT for
/// controller listeners in KRaft mode when nothing is SSL or SASL.
fn mapped(props: &BTreeMap<String, String>, kraft: bool, controller_names: &[String], listeners: &[Listener]) -> BTreeSet<String> {
    let explicit = get(props, "listener.security.protocol.map");
    let mut mapped: BTreeSet<String> = match explicit {
        Some(m) => m.split(',').filter_map(|e| e.split_once(':').map(|(n, _)| n.trim().to_uppercase())).collect(),
        None => DEFAULT_PROTOCOL_NAMES.iter().map(|s| s.to_string()).collect(),
    };
    let secure = |n: &str| ["SSL", "SASL_SSL", "SASL_PLAINTEXT"].contains(&n);
    if kraft && explicit.is_none() && !controller_names.iter().any(|n| secure(n)) && !listeners.iter().any(|l| secure(&l.name)) {
        mapped.extend(controller_names.iter().cloned());
    }
    mapped
}

/// controller.quorum.voters: `id@host:port`, each.
fn voter_ids(props: &BTreeMap<String, String>, v: &mut Vec<String>) -> Vec<i64> {
    let raw = get(props, "controller.quorum.voters");
    let mut ids = Vec::new();
    for voter in raw.unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let ok = voter.split_once('@').and_then(|(id, hp)| Some((id.parse::<i64>().ok()?, hp.rsplit_once(':')?.1.parse::<u16>().ok()?)));
        match ok {
            Some((id, _)) => ids.push(id),
            None => v.push(format!(
                "Invalid value {} for configuration controller.quorum.voters: entry \"{voter}\" is not {{id}}@{{host}}:{{port}}",
                raw.unwrap_or_default()
            )),
        }
    }
    ids
}
