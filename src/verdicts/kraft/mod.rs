//! Kafka runs in KRaft mode, judged by Kafka: each node's settings are
//! set up and its storage formatted by the node's own image and Kafka's own
//! code ([`crate::probes::kafka_setup`]: `KafkaDockerWrapper setup`,
//! `StorageTool format`, KafkaConfig's whole validation), and a refusal is
//! Kafka's, in its words. What Kafka checks only across nodes or at the
//! broker's start (one voters list, unique node ids, replication the
//! brokers can hold) is [`cluster`]'s; a few settings Kafka starts with but
//! that do not do what they mean are warnings ([`kraft_warnings`]).

pub mod cluster;
pub(crate) mod node;
pub mod wire;

use std::collections::BTreeMap;

use crate::model::kafka_setup::SetupRun;

pub use crate::model::kafka_props::{image_settings, parse_listeners, ImageSettings, Listener};
use node::Node;

/// A node's setup and format, as its image and Kafka's own code ran them,
/// passed: the scripts and Kafka exited 0. A refusal is quoted as Kafka
/// (or the image's scripts) said it.
pub fn kraft_rules(run: &SetupRun) -> super::Verdict {
    let expected = format!(
        "{}'s settings set up and its storage formatted by its image ({}) and Kafka's own code, as before the broker starts (KafkaDockerWrapper setup, StorageTool format, KafkaConfig's validation)",
        run.service, run.image
    );
    match run.refusal() {
        None => Ok(()),
        Some(refusal) => Err(super::Failure {
            expected,
            observed: format!(
                "Kafka refused {}'s settings (exit {}): {refusal}",
                run.service, run.exit
            ),
            evidence: vec![refusal],
        }),
    }
}

/// The quorum a node's settings configure, as KafkaConfig reads them: its
/// `node.id` and the ids of `controller.quorum.voters`.
pub fn configured_quorum(props: &BTreeMap<String, String>) -> crate::model::wire::ConfiguredQuorum {
    let n = Node::read(props, &mut Vec::new());
    crate::model::wire::ConfiguredQuorum {
        node_id: n.node_id,
        voters: n.voter_ids().into_iter().collect(),
        observers: Vec::new(),
    }
}

/// bitnami/kafka reads KAFKA_CFG_*; apache/kafka reads KAFKA_* and takes
/// KAFKA_CFG_LISTENERS as a property "cfg.listeners", which Kafka ignores
/// (it starts: the broker itself says so), so what was meant is not applied.
fn bitnami_variables(props: &BTreeMap<String, String>) -> Vec<String> {
    let bitnami: Vec<String> = props
        .keys()
        .filter_map(|k| k.strip_prefix("cfg."))
        .map(str::to_string)
        .collect();
    if bitnami.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "WARNING: KAFKA_CFG_* variables set ({}): that is the bitnami/kafka image's convention; apache/kafka writes them as cfg.* properties, which Kafka ignores, so these settings are not applied",
        bitnami.join(", ")
    )]
}

/// zookeeper.connect on a KRaft node: Kafka starts and ignores it (outside
/// a ZooKeeper migration); the ZooKeeper scenarios fail it.
fn zookeeper_connect_ignored(n: &Node) -> Vec<String> {
    match n.get("zookeeper.connect").filter(|_| n.kraft && n.get("zookeeper.metadata.migration.enable") != Some("true")) {
        Some(zk) => vec![format!("WARNING: zookeeper.connect is set ({zk}) on a KRaft node: Kafka ignores it; remove it (the ZooKeeper scenarios fail it)")],
        None => Vec::new(),
    }
}

/// Settings Kafka starts with that do not do what they mean: bitnami-era
/// `KAFKA_CFG_*` variables, `zookeeper.connect` on a KRaft node, and what
/// a single-node cluster cannot meet: the internal topics' replication
/// (Kafka's defaults: offsets and transaction log factor 3, transaction log
/// min ISR 2). The broker starts and answers metadata and produce, and then
/// no consumer group finds a coordinator (or no transaction a coordinator).
/// One warning per setting.
pub fn kraft_warnings(props: &BTreeMap<String, String>) -> Vec<String> {
    let n = Node::read(props, &mut Vec::new());
    let mut w = bitnami_variables(props);
    w.extend(zookeeper_connect_ignored(&n));
    if !(n.kraft && n.broker && n.voter_ids().len() == 1) {
        return w;
    }
    for (key, default, effect) in [
        (
            "offsets.topic.replication.factor",
            3,
            "__consumer_offsets cannot be created, so consumer groups never get a coordinator",
        ),
        (
            "transaction.state.log.replication.factor",
            3,
            "__transaction_state cannot be created, so transactions never start",
        ),
        (
            "transaction.state.log.min.isr",
            2,
            "writes to __transaction_state need more in-sync replicas than one node has",
        ),
    ] {
        let value = node::number(props, key, default);
        if value > 1 {
            let how = if node::get(props, key).is_some() {
                format!("{key}={value}")
            } else {
                format!("{key} is not set (Kafka's default: {default})")
            };
            w.push(format!(
                "WARNING: {how} on a single-node cluster (one voter, {}): {effect}; set it to 1",
                n.voters_shown()
            ));
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kafka_props::env_to_properties;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        let e = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Some(v.to_string())))
            .collect();
        env_to_properties(&e)
    }

    fn good() -> Vec<(&'static str, &'static str)> {
        vec![
            ("KAFKA_NODE_ID", "1"),
            ("KAFKA_PROCESS_ROLES", "broker,controller"),
            ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9094"),
            ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
            (
                "KAFKA_LISTENERS",
                "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094",
            ),
            (
                "KAFKA_ADVERTISED_LISTENERS",
                "INTERNAL://kafka:9092,EXTERNAL://localhost:9093",
            ),
            (
                "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
            ),
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
    fn a_single_node_is_warned_of_internal_topic_factors_it_cannot_meet() {
        let w = kraft_warnings(&env(&good()));
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("offsets.topic.replication.factor is not set (Kafka's default: 3) on a single-node cluster"), "{w:?}");
        let mut g = good();
        g.extend([
            ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
            ("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1"),
            ("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1"),
        ]);
        assert!(kraft_warnings(&env(&g)).is_empty());
        let three = with(
            "KAFKA_CONTROLLER_QUORUM_VOTERS",
            "1@kafka-1:9094,2@kafka-2:9094,3@kafka-3:9094",
        );
        assert!(
            kraft_warnings(&three).is_empty(),
            "three voters may be three brokers"
        );
    }

    #[test]
    fn env_mapping_follows_the_image() {
        let p = env(&[
            ("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "x"),
            ("KAFKA_A___B__C_D", "y"),
            ("CLUSTER_ID", "z"),
        ]);
        assert_eq!(
            p.get("listener.security.protocol.map").map(String::as_str),
            Some("x")
        );
        assert_eq!(p.get("a-b_c.d").map(String::as_str), Some("y"));
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn bitnami_variables_and_zookeeper_connect_are_warnings_kafka_starts_with() {
        let bitnami = env(&[
            ("KAFKA_CFG_LISTENERS", "PLAINTEXT://:9092"),
            ("KAFKA_CFG_ZOOKEEPER_CONNECT", "zookeeper:2181"),
        ]);
        let w = kraft_warnings(&bitnami);
        assert!(w[0].starts_with("WARNING: KAFKA_CFG_* variables set (listeners, zookeeper.connect): that is the bitnami/kafka image's convention"), "{w:?}");
        let zk = with("KAFKA_ZOOKEEPER_CONNECT", "zookeeper:2181");
        assert!(kraft_warnings(&zk).iter().any(|m| m.starts_with(
            "WARNING: zookeeper.connect is set (zookeeper:2181) on a KRaft node: Kafka ignores it"
        )));
    }

    #[test]
    fn listeners_parse() {
        let l = parse_listeners("A://:9092, B://[::1]:9093").unwrap();
        assert_eq!(
            l[0],
            Listener {
                name: "A".into(),
                host: "".into(),
                port: 9092
            }
        );
        assert_eq!(l[1].host, "::1");
        assert!(parse_listeners("nope").is_err());
    }

    fn set(pairs: &[(&str, &str)]) -> BTreeMap<String, Option<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Some(v.to_string())))
            .collect()
    }

    /// The image's own handling of the environment (configure and
    /// KafkaDockerWrapper at 3.8.0): nothing set, or only its own variables,
    /// is its default KRaft config.
    #[test]
    fn the_image_writes_its_default_config_without_kafka_properties() {
        // Nothing set (the image's quick start), or only the image's own variables: its default KRaft config.
        for env in [
            set(&[]),
            set(&[("KAFKA_HEAP_OPTS", "-Xmx512m"), ("KAFKA_JMX_OPTS", "-Dx")]),
        ] {
            let s = image_settings(&env, None);
            assert_eq!(
                s.properties.get("process.roles").map(String::as_str),
                Some("broker,controller")
            );
            assert!(!s.properties.contains_key("heap.opts"));
            assert!(
                s.notes[0].contains("default config/kraft/server.properties"),
                "{:?}",
                s.notes
            );
        }
    }

    #[test]
    fn the_image_derives_listeners_from_the_advertised_ones() {
        // Hosts -> 0.0.0.0.
        let mut g: Vec<(&str, &str)> = good()
            .into_iter()
            .filter(|(k, _)| *k != "KAFKA_LISTENERS")
            .collect();
        g.retain(|(k, _)| *k != "KAFKA_ADVERTISED_LISTENERS");
        g.push((
            "KAFKA_ADVERTISED_LISTENERS",
            "INTERNAL://kafka:9092,EXTERNAL://localhost:9093",
        ));
        let s = image_settings(&set(&g), None);
        assert_eq!(
            s.properties["listeners"],
            "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9093"
        );
    }

    #[test]
    fn the_image_refuses_advertised_listeners_on_a_controller() {
        let c = image_settings(
            &set(&[
                ("KAFKA_PROCESS_ROLES", "controller"),
                ("KAFKA_ADVERTISED_LISTENERS", "CONTROLLER://c:9093"),
            ]),
            None,
        );
        assert_eq!(
            c.refusals,
            vec!["KAFKA_ADVERTISED_LISTENERS is not supported on a KRaft controller.".to_string()]
        );
        // ...and an empty one is unset, not written as an empty property.
        let c = image_settings(
            &set(&[
                ("KAFKA_PROCESS_ROLES", "controller"),
                ("KAFKA_ADVERTISED_LISTENERS", ""),
            ]),
            None,
        );
        assert!(c.refusals.is_empty() && !c.properties.contains_key("advertised.listeners"));
    }

    /// A mounted server.properties, the environment appended after it;
    /// names: `___` -> `-`, `__` -> `_`, `_` -> `.`; a `KEY: null` is unset.
    #[test]
    fn the_image_appends_the_environment_to_a_mounted_file_by_kafkas_names() {
        let file = "# mine\nprocess.roles = broker,controller\nnode.id: 4\nlisteners=PLAINTEXT://:9092,\\\n  CONTROLLER://:9093\n";
        let m = image_settings(&set(&[("KAFKA_NODE_ID", "5")]), Some(file));
        assert_eq!(m.properties["node.id"], "5");
        assert_eq!(m.properties["process.roles"], "broker,controller");
        assert_eq!(
            m.properties["listeners"],
            "PLAINTEXT://:9092,CONTROLLER://:9093"
        );
        let mut n = set(&[
            (
                "KAFKA_LISTENER_NAME_INTERNAL_SASL_ENABLED___MECHANISMS",
                "PLAIN",
            ),
            ("KAFKA_CONFLUENT__SUPPORT", "x"),
        ]);
        n.insert("KAFKA_NODE_ID".into(), None);
        let p = env_to_properties(&n);
        assert!(
            p.contains_key("listener.name.internal.sasl.enabled-mechanisms")
                && p.contains_key("confluent_support")
                && !p.contains_key("node.id"),
            "{p:?}"
        );
    }
}
