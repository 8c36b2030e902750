//! The apache/kafka image's environment contract and Kafka's own startup
//! rules for a KRaft node, as pure functions over the resolved environment.

use std::collections::{BTreeMap, BTreeSet};

/// apache/kafka env -> server properties: strip `KAFKA_`, lowercase, `___`->`-`,
/// `__`->`_`, `_`->`.` (the image's `configure` script, in that order).
pub fn env_to_properties(env: &BTreeMap<String, Option<String>>) -> BTreeMap<String, String> {
    env.iter()
        .filter_map(|(k, v)| {
            let rest = k.strip_prefix("KAFKA_")?;
            let key = rest
                .to_lowercase()
                .replace("___", "\u{1}")
                .replace("__", "\u{2}")
                .replace('_', ".")
                .replace('\u{1}', "-")
                .replace('\u{2}', "_");
            Some((key, v.clone().unwrap_or_default()))
        })
        .collect()
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
            let port = port.parse().map_err(|_| format!("listener \"{item}\" has a bad port"))?;
            let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
            Ok(Listener { name: name.to_uppercase(), host, port })
        })
        .collect()
}

/// A service's `KAFKA_*` settings pass Kafka's startup rules in KRaft mode.
pub fn kraft_rules(service: &str, props: &BTreeMap<String, String>) -> super::Verdict {
    super::none_of(
        &format!("{service}'s KAFKA_* settings accepted by KafkaConfig in KRaft mode"),
        "violations",
        kraft_violations(props),
    )
}

/// Security protocols Kafka maps by default (listener.security.protocol.map).
const DEFAULT_PROTOCOL_NAMES: &[&str] = &["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];

/// KafkaConfig's checks for a KRaft node that matter for this stack. Returns
/// every violation, each a sentence naming the property and the value seen.
pub fn kraft_violations(props: &BTreeMap<String, String>) -> Vec<String> {
    let mut v = Vec::new();
    let get = |k: &str| props.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());

    // bitnami/kafka reads KAFKA_CFG_*; apache/kafka reads KAFKA_* and would
    // take KAFKA_CFG_LISTENERS as a property "cfg.listeners".
    let bitnami: Vec<String> = props.keys().filter_map(|k| k.strip_prefix("cfg.")).map(str::to_string).collect();
    if !bitnami.is_empty() {
        v.push(format!(
            "KAFKA_CFG_* variables set ({}): that is the bitnami/kafka image's convention (ZooKeeper mode unless KAFKA_CFG_PROCESS_ROLES is set); apache/kafka reads KAFKA_<PROPERTY> and ignores them",
            bitnami.join(", ")
        ));
    }
    if let Some(zk) = get("zookeeper.connect") {
        v.push(format!("zookeeper.connect is set ({zk}); a KRaft node must not set it"));
    }
    let roles: BTreeSet<String> = match get("process.roles") {
        None => {
            v.push("process.roles is not set: the apache/kafka image then runs in ZooKeeper mode".into());
            BTreeSet::new()
        }
        Some(r) => r.split(',').map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect(),
    };
    if let Some(bad) = roles.iter().find(|r| *r != "broker" && *r != "controller") {
        v.push(format!("process.roles has unknown role \"{bad}\""));
    }
    let node_id = get("node.id").or_else(|| get("broker.id"));
    let node_id = match node_id.map(|s| s.parse::<i64>()) {
        None => {
            v.push("node.id is not set".into());
            None
        }
        Some(Err(_)) => {
            v.push(format!("node.id is not an integer ({})", get("node.id").unwrap_or_default()));
            None
        }
        Some(Ok(id)) => Some(id),
    };

    let listeners = match get("listeners").map(parse_listeners) {
        None => {
            v.push("listeners is not set".into());
            Vec::new()
        }
        Some(Err(e)) => {
            v.push(format!("listeners: {e}"));
            Vec::new()
        }
        Some(Ok(l)) => l,
    };
    // Kafka defaults advertised.listeners to listeners (minus controllers).
    let advertised = match get("advertised.listeners").map(parse_listeners) {
        None => listeners.clone(),
        Some(Err(e)) => {
            v.push(format!("advertised.listeners: {e}"));
            Vec::new()
        }
        Some(Ok(l)) => l,
    };
    let controller_names: BTreeSet<String> = get("controller.listener.names")
        .map(|s| s.split(',').map(|n| n.trim().to_uppercase()).filter(|n| !n.is_empty()).collect())
        .unwrap_or_default();
    if !roles.is_empty() && controller_names.is_empty() {
        v.push("controller.listener.names is not set (required in KRaft mode)".into());
    }

    let listener_names: BTreeSet<&str> = listeners.iter().map(|l| l.name.as_str()).collect();
    if roles.contains("controller") {
        for c in &controller_names {
            if !listener_names.contains(c.as_str()) {
                v.push(format!("controller listener {c} is not among listeners ({})", join(&listener_names)));
            }
        }
    }

    // Protocol map: explicit entries, else Kafka's defaults.
    let mapped: BTreeSet<String> = match get("listener.security.protocol.map") {
        Some(m) => m
            .split(',')
            .filter_map(|e| e.split_once(':').map(|(n, _)| n.trim().to_uppercase()))
            .collect(),
        None => DEFAULT_PROTOCOL_NAMES.iter().map(|s| s.to_string()).collect(),
    };
    for l in listeners.iter().chain(&advertised) {
        if !mapped.contains(&l.name) {
            v.push(format!("listener {} has no entry in listener.security.protocol.map", l.name));
        }
    }

    for a in &advertised {
        if controller_names.contains(&a.name) {
            v.push(format!("advertised.listeners advertises the controller listener {} ({})", a.name, a.address()));
        }
        if !listener_names.contains(a.name.as_str()) {
            v.push(format!("advertised listener {} is not among listeners ({})", a.name, join(&listener_names)));
        }
        if a.host.is_empty() || a.host == "0.0.0.0" || a.host == "::" {
            v.push(format!("advertised listener {} advertises a wildcard address \"{}\"", a.name, a.address()));
        }
    }

    if roles.contains("broker") {
        let ibl = get("inter.broker.listener.name").map(str::to_uppercase).unwrap_or_else(|| "PLAINTEXT".into());
        if !advertised.iter().any(|a| a.name == ibl) {
            v.push(format!(
                "inter.broker.listener.name {ibl} is not advertised (advertised: {})",
                advertised.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
    }

    match get("controller.quorum.voters") {
        None if get("controller.quorum.bootstrap.servers").is_none() => {
            v.push("controller.quorum.voters is not set (required in KRaft mode)".into())
        }
        None => {}
        Some(voters) => {
            let mut ids = Vec::new();
            for voter in voters.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let ok = voter
                    .split_once('@')
                    .and_then(|(id, hp)| Some((id.parse::<i64>().ok()?, hp.rsplit_once(':')?.1.parse::<u16>().ok()?)));
                match ok {
                    Some((id, _)) => ids.push(id),
                    None => v.push(format!("controller.quorum.voters entry \"{voter}\" is not id@host:port")),
                }
            }
            if roles.contains("controller") {
                if let Some(id) = node_id {
                    if !ids.contains(&id) {
                        v.push(format!("node.id {id} is not among controller.quorum.voters ({voters})"));
                    }
                }
            }
            // KafkaConfig: a broker-only node must not be a voter.
            if roles.len() == 1 && roles.contains("broker") {
                if let Some(id) = node_id.filter(|id| ids.contains(id)) {
                    v.push(format!(
                        "If process.roles contains just the 'broker' role, the node id {id} must not be included in the set of voters controller.quorum.voters={voters}"
                    ));
                }
            }
        }
    }
    v
}

fn join(s: &BTreeSet<&str>) -> String {
    s.iter().copied().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        let e = pairs.iter().map(|(k, v)| (k.to_string(), Some(v.to_string()))).collect();
        env_to_properties(&e)
    }

    fn good() -> Vec<(&'static str, &'static str)> {
        vec![
            ("KAFKA_NODE_ID", "1"),
            ("KAFKA_PROCESS_ROLES", "broker,controller"),
            ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9094"),
            ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
            ("KAFKA_LISTENERS", "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094"),
            ("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://kafka:9092,EXTERNAL://localhost:9093"),
            ("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"),
            ("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL"),
        ]
    }

    fn with(k: &'static str, val: &'static str) -> BTreeMap<String, String> {
        let mut g = good();
        g.retain(|(key, _)| *key != k);
        if !val.is_empty() {
            g.push((k, val));
        }
        env(&g)
    }

    #[test]
    fn env_mapping_follows_the_image() {
        let p = env(&[("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "x"), ("KAFKA_A___B__C_D", "y"), ("CLUSTER_ID", "z")]);
        assert_eq!(p.get("listener.security.protocol.map").map(String::as_str), Some("x"));
        assert_eq!(p.get("a-b_c.d").map(String::as_str), Some("y"));
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn reference_settings_pass() {
        assert_eq!(kraft_violations(&env(&good())), Vec::<String>::new());
    }

    #[test]
    fn each_rule_can_fail() {
        let cases = [
            (with("KAFKA_PROCESS_ROLES", ""), "process.roles is not set"),
            (with("KAFKA_CONTROLLER_QUORUM_VOTERS", "2@kafka:9094"), "node.id 1 is not among"),
            (with("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://kafka:9092,CONTROLLER://kafka:9094"), "advertises the controller listener"),
            (with("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://0.0.0.0:9092"), "wildcard"),
            (with("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"), "EXTERNAL has no entry"),
            (with("KAFKA_INTER_BROKER_LISTENER_NAME", "REPLICATION"), "REPLICATION is not advertised"),
            (with("KAFKA_CONTROLLER_LISTENER_NAMES", "CTRL"), "CTRL is not among listeners"),
            (with("KAFKA_ZOOKEEPER_CONNECT", "zookeeper:2181"), "zookeeper.connect is set"),
            (with("KAFKA_CONTROLLER_QUORUM_VOTERS", "kafka:9094"), "not id@host:port"),
            (with("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://kafka:9092,OTHER://x:1"), "OTHER is not among listeners"),
        ];
        for (props, want) in cases {
            let v = kraft_violations(&props);
            assert!(v.iter().any(|m| m.contains(want)), "wanted \"{want}\" in {v:?}");
        }
    }

    #[test]
    fn a_broker_only_node_must_not_be_a_voter() {
        // A broker node beside a separate controller (apache/kafka's docker examples).
        let broker = |voters: &'static str| {
            let mut g = good();
            g.retain(|(k, _)| !["KAFKA_PROCESS_ROLES", "KAFKA_CONTROLLER_QUORUM_VOTERS", "KAFKA_LISTENERS"].contains(k));
            g.extend([
                ("KAFKA_PROCESS_ROLES", "broker"),
                ("KAFKA_CONTROLLER_QUORUM_VOTERS", voters),
                ("KAFKA_LISTENERS", "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9093"),
            ]);
            kraft_violations(&env(&g))
        };
        assert_eq!(broker("2@controller:9094"), Vec::<String>::new(), "Kafka accepts a broker that is not a voter");
        let v = broker("1@kafka:9094");
        assert_eq!(
            v,
            vec!["If process.roles contains just the 'broker' role, the node id 1 must not be included in the set of voters controller.quorum.voters=1@kafka:9094"]
        );
    }

    #[test]
    fn bitnami_variables_are_named_for_what_they_are() {
        let v = kraft_violations(&env(&[("KAFKA_CFG_LISTENERS", "PLAINTEXT://:9092"), ("KAFKA_CFG_ZOOKEEPER_CONNECT", "zookeeper:2181")]));
        assert!(v[0].starts_with("KAFKA_CFG_* variables set (listeners, zookeeper.connect): that is the bitnami/kafka image's convention"), "{v:?}");
        assert!(v.iter().any(|m| m == "process.roles is not set: the apache/kafka image then runs in ZooKeeper mode"));
    }

    #[test]
    fn listeners_parse() {
        let l = parse_listeners("A://:9092, B://[::1]:9093").unwrap();
        assert_eq!(l[0], Listener { name: "A".into(), host: "".into(), port: 9092 });
        assert_eq!(l[1].host, "::1");
        assert!(parse_listeners("nope").is_err());
    }
}
