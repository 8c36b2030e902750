//! Kafka 3.8's own startup rules for a KRaft node (KafkaConfig's ConfigDef
//! types and `validateValues`), as pure functions over the resolved
//! settings: [`node::Node`] reads them once as Kafka does, and each rule of
//! [`rules`] is one function over that view, in Kafka's own words where
//! Kafka has them; two are this migration's own and say so.

pub mod cluster;
mod configdef;
pub(crate) mod node;
mod rules;
pub mod wire;

use std::collections::BTreeMap;

pub use crate::model::kafka_props::{image_settings, parse_listeners, ImageSettings, Listener};
use node::Node;

/// A service's `KAFKA_*` settings pass the image's own checks, then Kafka's
/// startup rules in KRaft mode.
pub fn kraft_rules(service: &str, image: &ImageSettings) -> super::Verdict {
    let mut v = image.refusals.clone();
    v.extend(kraft_violations(&image.properties));
    super::none_of(&format!("{service}'s KAFKA_* settings accepted by the apache/kafka image and KafkaConfig in KRaft mode"), "violations", v)
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

/// Settings Kafka starts with that do not do what they mean: bitnami-era
/// `KAFKA_CFG_*` variables, `zookeeper.connect` on a KRaft node, and what
/// a single-node cluster cannot meet: the internal topics' replication
/// (Kafka's defaults: offsets and transaction log factor 3, transaction log
/// min ISR 2). The broker starts and answers metadata and produce, and then
/// no consumer group finds a coordinator (or no transaction a coordinator).
/// One warning per setting.
pub fn kraft_warnings(props: &BTreeMap<String, String>) -> Vec<String> {
    let n = Node::read(props, &mut Vec::new());
    let mut w = rules::bitnami_variables(props);
    w.extend(rules::zookeeper_connect_ignored(&n));
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

/// Every violation of the settings a compose file sets, in the order Kafka
/// would meet them: what cannot be read first, then each rule.
fn kraft_violations(props: &BTreeMap<String, String>) -> Vec<String> {
    let mut v = configdef::refusals(props);
    let n = Node::read(props, &mut v);
    v.extend(rules::mode(&n));
    v.extend(rules::kraft_protocol_version(&n));
    rules::limits(props, &mut v);
    v.extend(rules::distinct_listeners(&n));
    v.extend(rules::protocol_map(&n));
    v.extend(rules::quorum(&n));
    v.extend(rules::controller_role(&n));
    v.extend(rules::broker_only(&n));
    v.extend(rules::controller_only(&n));
    v.extend(rules::broker_listeners(&n));
    v.extend(rules::routable_advertised(&n));
    v
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
    fn reference_settings_pass() {
        assert_eq!(kraft_violations(&env(&good())), Vec::<String>::new());
    }

    /// Each rule, with the text of Kafka 3.8's own message.
    #[test]
    fn each_rule_can_fail_with_kafkas_message() {
        let cases = [
            (with("KAFKA_PROCESS_ROLES", ""), "process.roles is not set: the apache/kafka image then runs in ZooKeeper mode"),
            (with("KAFKA_PROCESS_ROLES", ""), "Missing required configuration `zookeeper.connect` which has no default value."),
            (with("KAFKA_PROCESS_ROLES", "broker,controler"), "Invalid value controler for configuration process.roles: String must be one of: broker, controller"),
            (with("KAFKA_NODE_ID", ""), "Missing configuration `node.id` which is required when `process.roles` is defined (i.e. when running in KRaft mode)."),
            (with("KAFKA_NODE_ID", "one"), "Invalid value one for configuration node.id: Not a number of type INT"),
            (with("KAFKA_BROKER_ID", "2"), "You must set `node.id` to the same value as `broker.id`."),
            (with("KAFKA_CONTROLLER_QUORUM_VOTERS", "2@kafka:9094"), "If process.roles contains the 'controller' role, the node id 1 must be included in the set of voters controller.quorum.voters=Set(2)"),
            (with("KAFKA_CONTROLLER_QUORUM_VOTERS", ""), "If using process.roles, controller.quorum.voters must contain a parseable set of voters."),
            (with("KAFKA_CONTROLLER_QUORUM_VOTERS", "kafka:9094"), "Invalid configuration value for controller.quorum.voters. Each entry should be in the form `{id}@{host}:{port}`."),
            (with("KAFKA_CONTROLLER_QUORUM_VOTERS", "one@kafka:9094"), "Failed to parse voter ID as an integer from one"),
            (with("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka"), "Failed to parse host name from entry 1@kafka for the configuration controller.quorum.voters."),
            (with("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@0.0.0.0:9094"), "Host string (0.0.0.0) is not routeable"),
            (with("KAFKA_OFFSETS_COMMIT_REQUIRED_ACKS", "4"), "offsets.commit.required.acks must be greater or equal -1 and less or equal to offsets.topic.replication.factor"),
            (with("KAFKA_LOG_DIRS", " , "), "At least one log directory must be defined via log.dirs or log.dir."),
            (with("KAFKA_MAX_CONNECTIONS_PER_IP_OVERRIDES", "bad host:10"), "max.connections.per.ip.overrides contains invalid addresses : bad host"),
            (with("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAIN"), "Invalid security protocol `PLAIN` defined in listener.security.protocol.map"),
            (with("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:PLAINTEXT,EXTERNAL"), "Error parsing configuration property 'listener.security.protocol.map': begin 0, end -1, length 8"),
            (with("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://kafka:9092,CONTROLLER://kafka:9094"), "The advertised.listeners config must not contain KRaft controller listeners from controller.listener.names when process.roles contains the broker role"),
            (with("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://0.0.0.0:9092,EXTERNAL://localhost:9093"), "advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address."),
            (with("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"), "No security protocol defined for listener EXTERNAL"),
            (with("KAFKA_INTER_BROKER_LISTENER_NAME", "REPLICATION"), "Listener with name REPLICATION defined in inter.broker.listener.name not found in listener.security.protocol.map."),
            (with("KAFKA_INTER_BROKER_LISTENER_NAME", "CONTROLLER"), "inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are EXTERNAL,INTERNAL"),
            (with("KAFKA_SECURITY_INTER_BROKER_PROTOCOL", "PLAINTEXT"), "Only one of inter.broker.listener.name and security.inter.broker.protocol should be set."),
            (with("KAFKA_CONTROLLER_LISTENER_NAMES", "CTRL"), "controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role"),
            (with("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER,CTRL"), "controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role"),
            (with("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://kafka:9092,OTHER://x:1"), "advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found INTERNAL,OTHER. The valid options based on the current configuration are CONTROLLER,EXTERNAL,INTERNAL"),
            (with("KAFKA_LISTENERS", "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9094"), "If you have two listeners on the same port then one needs to be IPv4 and the other IPv6, listeners: INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9094, port: 9092"),
            (with("KAFKA_LISTENERS", "INTERNAL://:9092,EXTERNAL://kafka:9092,CONTROLLER://0.0.0.0:9094"), "Each listener must have a different port, listeners: INTERNAL://:9092,EXTERNAL://kafka:9092,CONTROLLER://0.0.0.0:9094"),
            (with("KAFKA_LISTENERS", "INTERNAL://:9092,EXTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9094"), "Each listener must have a different port unless exactly one listener has an IPv4 address and the other IPv6 address, listeners: INTERNAL://:9092,EXTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9094, port: 9092"),
            (with("KAFKA_LISTENERS", "INTERNAL://0.0.0.0:9092,INTERNAL://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094"), "Each listener must have a different name"),
            (with("KAFKA_CONTROL_PLANE_LISTENER_NAME", "INTERNAL"), "control.plane.listener.name is not supported in KRaft mode."),
            (with("KAFKA_ZOOKEEPER_METADATA_MIGRATION_ENABLE", "true"), "If using `zookeeper.metadata.migration.enable` in KRaft mode, `zookeeper.connect` must also be set."),
            (with("KAFKA_LOG_ROLL_MS", "0"), "log.roll.ms must be greater than or equal to 1"),
            (with("KAFKA_LOG_RETENTION_MS", "0"), "log.retention.ms must be unlimited (-1) or, greater than or equal to 1"),
            (with("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", "1048576"), "log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread."),
            (with("KAFKA_REPLICA_FETCH_WAIT_MAX_MS", "40000"), "replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts"),
            (with("KAFKA_REPLICA_LAG_TIME_MAX_MS", "100"), "replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR"),
            (with("KAFKA_QUEUED_MAX_REQUEST_BYTES", "1000"), "queued.max.request.bytes must be larger or equal to socket.request.max.bytes"),
            (with("KAFKA_MAX_CONNECTIONS_PER_IP", "0"), "max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set."),
            (with("KAFKA_CONNECTIONS_MAX_IDLE_MS", "50"), "connection.failed.authentication.delay.ms=100 should always be less than connections.max.idle.ms=50"),
        ];
        for (props, want) in cases {
            let v = kraft_violations(&props);
            assert!(
                v.iter().any(|m| m.starts_with(want)),
                "wanted \"{want}\" in {v:?}"
            );
        }
    }

    const SINGLE_NODE: &[(&str, &str)] = &[
        ("KAFKA_NODE_ID", "1"),
        (
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
            "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
        ),
        (
            "KAFKA_ADVERTISED_LISTENERS",
            "PLAINTEXT_HOST://localhost:9092,PLAINTEXT://broker:19092",
        ),
        ("KAFKA_PROCESS_ROLES", "broker,controller"),
        ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@broker:29093"),
        (
            "KAFKA_LISTENERS",
            "CONTROLLER://:29093,PLAINTEXT_HOST://:9092,PLAINTEXT://:19092",
        ),
        ("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT"),
        ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
        ("KAFKA_LOG_DIRS", "/tmp/kraft-combined-logs"),
    ];

    const COMBINED_SSL: &[(&str, &str)] = &[
        ("KAFKA_NODE_ID", "2"),
        ("KAFKA_PROCESS_ROLES", "broker,controller"),
        (
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
            "SSL:SSL,CONTROLLER:PLAINTEXT,SSL-INTERNAL:SSL",
        ),
        (
            "KAFKA_CONTROLLER_QUORUM_VOTERS",
            "1@kafka-1:29092,2@kafka-2:29092,3@kafka-3:29092",
        ),
        (
            "KAFKA_LISTENERS",
            "SSL-INTERNAL://:19093,CONTROLLER://kafka-2:29092,SSL://:9093",
        ),
        ("KAFKA_INTER_BROKER_LISTENER_NAME", "SSL-INTERNAL"),
        ("KAFKA_SECURITY_PROTOCOL", "SSL"),
        (
            "KAFKA_ADVERTISED_LISTENERS",
            "SSL-INTERNAL://kafka-2:19093,SSL://localhost:39093",
        ),
        ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
        ("KAFKA_SSL_CLIENT_AUTH", "required"),
    ];

    const ISOLATED_CONTROLLER: &[(&str, &str)] = &[
        ("KAFKA_NODE_ID", "3"),
        ("KAFKA_PROCESS_ROLES", "controller"),
        (
            "KAFKA_CONTROLLER_QUORUM_VOTERS",
            "1@controller-1:9093,2@controller-2:9093,3@controller-3:9093",
        ),
        ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
        ("KAFKA_LISTENERS", "CONTROLLER://:9093"),
    ];

    const ISOLATED_BROKER: &[(&str, &str)] = &[
        ("KAFKA_NODE_ID", "4"),
        ("KAFKA_PROCESS_ROLES", "broker"),
        (
            "KAFKA_CONTROLLER_QUORUM_VOTERS",
            "1@controller-1:9093,2@controller-2:9093,3@controller-3:9093",
        ),
        (
            "KAFKA_LISTENERS",
            "PLAINTEXT://:19092,PLAINTEXT_HOST://:9092",
        ),
        (
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
            "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
        ),
        ("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT"),
        (
            "KAFKA_ADVERTISED_LISTENERS",
            "PLAINTEXT://kafka-1:19092,PLAINTEXT_HOST://localhost:29092",
        ),
        ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
    ];

    // The image's own defaults (no map): controller listeners are PLAINTEXT.
    const DEFAULT_MAP: &[(&str, &str)] = &[
        ("KAFKA_NODE_ID", "1"),
        ("KAFKA_PROCESS_ROLES", "broker,controller"),
        ("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093"),
        ("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://localhost:9092"),
        ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
        ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093"),
    ];

    /// apache/kafka's own docker examples (single node, combined cluster with
    /// SSL, isolated controllers and brokers) start: none is refused.
    #[test]
    fn kafkas_own_docker_examples_pass() {
        for (name, e) in [
            ("single node", SINGLE_NODE),
            ("combined ssl", COMBINED_SSL),
            ("isolated controller", ISOLATED_CONTROLLER),
            ("isolated broker", ISOLATED_BROKER),
            ("default protocol map", DEFAULT_MAP),
        ] {
            assert_eq!(kraft_violations(&env(e)), Vec::<String>::new(), "{name}");
        }
    }

    /// `base` with `extra` replacing or adding variables, judged.
    fn node(
        base: &[(&'static str, &'static str)],
        extra: &[(&'static str, &'static str)],
    ) -> Vec<String> {
        let mut e: Vec<_> = base
            .iter()
            .filter(|(k, _)| !extra.iter().any(|(x, _)| x == k))
            .copied()
            .collect();
        e.extend_from_slice(extra);
        kraft_violations(&env(&e))
    }

    #[test]
    fn controller_only_and_broker_only_rules() {
        let controller = |extra: &[(&'static str, &'static str)]| {
            let base = [
                ("KAFKA_NODE_ID", "3"),
                ("KAFKA_PROCESS_ROLES", "controller"),
                ("KAFKA_CONTROLLER_QUORUM_VOTERS", "3@c:9093"),
                ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
                ("KAFKA_LISTENERS", "CONTROLLER://:9093"),
            ];
            node(&base, extra)
        };
        assert_eq!(
            controller(&[("KAFKA_ADVERTISED_LISTENERS", "CONTROLLER://c:9093")]),
            vec!["The advertised.listeners config must be empty when process.roles=controller"]
        );
        assert_eq!(
            controller(&[("KAFKA_LISTENERS", "CONTROLLER://:9093,PLAINTEXT://:9092")]),
            vec!["The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller"]
        );
        let broker = |extra: &[(&'static str, &'static str)]| {
            let base = [
                ("KAFKA_NODE_ID", "4"),
                ("KAFKA_PROCESS_ROLES", "broker"),
                ("KAFKA_CONTROLLER_QUORUM_VOTERS", "3@c:9093"),
                ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
                ("KAFKA_LISTENERS", "PLAINTEXT://:9092"),
                (
                    "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                    "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                ),
            ];
            node(&base, extra)
        };
        assert_eq!(broker(&[]), Vec::<String>::new());
        assert_eq!(broker(&[("KAFKA_CONTROLLER_LISTENER_NAMES", "")]), vec!["controller.listener.names must contain at least one value when running KRaft with just the broker role"]);
        assert!(broker(&[("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093")])
            .contains(&"controller.listener.names must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role".to_string()));
        assert_eq!(
            broker(&[("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT")]),
            vec!["Controller listener with name CONTROLLER defined in controller.listener.names not found in listener.security.protocol.map  (an explicit security mapping for each controller listener is required if listener.security.protocol.map is non-empty, or if there are security protocols other than PLAINTEXT in use)"]
        );
        assert_eq!(
            broker(&[("KAFKA_LISTENERS", "CONTROLLER://:9093"), ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")])
                .iter()
                .filter(|m| m.starts_with("There must be at least one advertised listener. Perhaps all listeners appear in controller.listener.names?"))
                .count(),
            1
        );
    }

    #[test]
    fn bitnami_variables_and_zookeeper_connect_are_warnings_kafka_starts_with() {
        let bitnami = env(&[
            ("KAFKA_CFG_LISTENERS", "PLAINTEXT://:9092"),
            ("KAFKA_CFG_ZOOKEEPER_CONNECT", "zookeeper:2181"),
        ]);
        let w = kraft_warnings(&bitnami);
        assert!(w[0].starts_with("WARNING: KAFKA_CFG_* variables set (listeners, zookeeper.connect): that is the bitnami/kafka image's convention"), "{w:?}");
        let v = kraft_violations(&bitnami);
        assert!(v
            .iter()
            .any(|m| m
                == "process.roles is not set: the apache/kafka image then runs in ZooKeeper mode"));
        assert!(
            !v.iter().any(|m| m.contains("KAFKA_CFG")),
            "Kafka starts with them: not a startup refusal: {v:?}"
        );
        let zk = with("KAFKA_ZOOKEEPER_CONNECT", "zookeeper:2181");
        assert!(
            kraft_violations(&zk).is_empty(),
            "Kafka 3.8 starts a KRaft node with zookeeper.connect set"
        );
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

    /// ConfigDef's type and validator for every key Kafka 3.8.0 defines: a
    /// few of each kind, in ConfigDef's words.
    #[test]
    fn configdef_refuses_in_its_own_words() {
        let cases = [
            ("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "no", "Invalid value no for configuration auto.create.topics.enable: Expected value to be either true or false"),
            ("KAFKA_NUM_PARTITIONS", "three", "Invalid value three for configuration num.partitions: Not a number of type INT"),
            ("KAFKA_NUM_PARTITIONS", "0", "Invalid value 0 for configuration num.partitions: Value must be at least 1"),
            ("KAFKA_NUM_PARTITIONS", "3000000000", "Invalid value 3000000000 for configuration num.partitions: Not a number of type INT"),
            ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "40000", "Invalid value 40000 for configuration offsets.topic.replication.factor: Not a number of type SHORT"),
            ("KAFKA_LOG_RETENTION_BYTES", "1GB", "Invalid value 1GB for configuration log.retention.bytes: Not a number of type LONG"),
            ("KAFKA_LOG_CLEANER_MIN_CLEANABLE_RATIO", "1.5", "Invalid value 1.5 for configuration log.cleaner.min.cleanable.ratio: Value must be no more than 1"),
            ("KAFKA_LOG_CLEANUP_POLICY", "compact,forever", "Invalid value forever for configuration log.cleanup.policy: String must be one of: compact, delete"),
            ("KAFKA_COMPRESSION_TYPE", "GZIP", "Invalid value GZIP for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"),
            ("KAFKA_COMPRESSION_GZIP_LEVEL", "0", "Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1"),
            ("KAFKA_SECURITY_INTER_BROKER_PROTOCOL", "plaintext", "Invalid value plaintext for configuration security.inter.broker.protocol: String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
            ("KAFKA_SSL_CLIENT_AUTH", "REQUIRED", "Invalid value REQUIRED for configuration ssl.client.auth: String must be one of: required, requested, none"),
            ("KAFKA_INTER_BROKER_PROTOCOL_VERSION", "4.0", "Invalid value 4.0 for configuration inter.broker.protocol.version: Version 4.0 is not a valid version"),
            ("KAFKA_GROUP_CONSUMER_MIGRATION_POLICY", "sideways", "Invalid value sideways for configuration group.consumer.migration.policy: String must be one of (case insensitive): DISABLED, DOWNGRADE, UPGRADE, BIDIRECTIONAL"),
            ("KAFKA_LOG_MESSAGE_TIMESTAMP_TYPE", "createtime", "Invalid value createtime for configuration log.message.timestamp.type: String must be one of: CreateTime, LogAppendTime"),
            ("KAFKA_NODE_ID", "", "Invalid value  for configuration node.id: Not a number of type INT"),
            ("KAFKA_INTER_BROKER_PROTOCOL_VERSION", "2.8", "A non-KRaft version 2.8 given for inter.broker.protocol.version. The minimum version is 3.0-IV1"),
            ("KAFKA_INTER_BROKER_PROTOCOL_VERSION", " 3.0-IV0", "A non-KRaft version 3.0-IV0 given for inter.broker.protocol.version. The minimum version is 3.0-IV1"),
            ("KAFKA_INTER_BROKER_PROTOCOL_VERSION", "0.10.2", "A non-KRaft version 0.10.2 given for inter.broker.protocol.version. The minimum version is 3.0-IV1"),
        ];
        for (k, val, want) in cases {
            let mut g = good();
            g.push((k, val));
            let v = kraft_violations(&env(&g));
            assert!(
                v.iter().any(|m| m == want),
                "{k}={val}: wanted \"{want}\" in {v:?}"
            );
        }
        for (k, val) in [
            ("KAFKA_INTER_BROKER_PROTOCOL_VERSION", "3.8"),
            ("KAFKA_INTER_BROKER_PROTOCOL_VERSION", "3.8.0"),
            ("KAFKA_INTER_BROKER_PROTOCOL_VERSION", "3.7-IV4"),
            ("KAFKA_INTER_BROKER_PROTOCOL_VERSION", "3.0"),
            ("KAFKA_INTER_BROKER_PROTOCOL_VERSION", "3.0-IV1"),
            ("KAFKA_GROUP_CONSUMER_MIGRATION_POLICY", "Upgrade"),
            ("KAFKA_AUTO_CREATE_TOPICS_ENABLE", " TRUE "),
            ("KAFKA_LOG_CLEANER_MIN_CLEANABLE_RATIO", "0.5d"),
            ("KAFKA_COMPRESSION_GZIP_LEVEL", "-1"),
            ("KAFKA_COMPRESSION_ZSTD_LEVEL", "-5"),
            ("KAFKA_SOME_PLUGIN_SETTING", "anything"),
        ] {
            let mut g = good();
            g.push((k, val));
            assert_eq!(
                kraft_violations(&env(&g)),
                Vec::<String>::new(),
                "{k}={val}"
            );
        }
        assert!(
            configdef::KEYS.len() > 300,
            "every key 3.8.0 defines: {}",
            configdef::KEYS.len()
        );
    }

    /// Which names Kafka upper-cases: listener names and the protocol map's
    /// names and protocols, inter.broker.listener.name; not
    /// controller.listener.names, and not process.roles.
    #[test]
    fn kafkas_case_rules() {
        // One IPv4 and one IPv6 address may share a port.
        let dual = with(
            "KAFKA_LISTENERS",
            "INTERNAL://0.0.0.0:9092,EXTERNAL://[::]:9092,CONTROLLER://0.0.0.0:9094",
        );
        let dual: Vec<String> = kraft_violations(&dual)
            .into_iter()
            .filter(|m| m.contains("port"))
            .collect();
        assert_eq!(dual, Vec::<String>::new());
        let lower_map = with(
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
            "internal:plaintext,external:PLAINTEXT,controller:Plaintext",
        );
        assert_eq!(kraft_violations(&lower_map), Vec::<String>::new());
        let lower_listeners = with(
            "KAFKA_LISTENERS",
            "internal://0.0.0.0:9092,external://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094",
        );
        assert_eq!(kraft_violations(&lower_listeners), Vec::<String>::new());
        assert_eq!(
            kraft_violations(&with("KAFKA_INTER_BROKER_LISTENER_NAME", "internal")),
            Vec::<String>::new()
        );
        let lower_controller =
            kraft_violations(&with("KAFKA_CONTROLLER_LISTENER_NAMES", "controller"));
        assert!(lower_controller.iter().any(|m| m.starts_with("controller.listener.names must contain at least one value appearing in the 'listeners'")), "{lower_controller:?}");
        let roles = kraft_violations(&with("KAFKA_PROCESS_ROLES", "BROKER,controller"));
        assert!(roles.contains(&"Invalid value BROKER for configuration process.roles: String must be one of: broker, controller".to_string()), "{roles:?}");
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
            assert_eq!(
                kraft_violations(&s.properties),
                Vec::<String>::new(),
                "the image's default config starts"
            );
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
        // ...which then lacks the controller listener: Kafka's rule, not ours.
        assert!(kraft_violations(&s.properties)
            .iter()
            .any(|m| m.starts_with("controller.listener.names must contain at least one value")));
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
