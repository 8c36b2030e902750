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

/// A number property, its default, and Kafka's ConfigDef message when it is
/// not one.
fn number(v: &mut Vec<String>, props: &BTreeMap<String, String>, key: &str, default: i64, kind: &str) -> i64 {
    match props.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => default,
        Some(raw) => raw.parse().unwrap_or_else(|_| {
            v.push(format!("Invalid value {raw} for configuration {key}: Not a number of type {kind}"));
            default
        }),
    }
}

/// Scala's `Set(1, 2)`, as Kafka prints a set of voter ids.
fn scala_set(ids: &[i64]) -> String {
    format!("Set({})", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))
}

/// Kafka 3.8's startup validation of a node's settings (KafkaConfig's
/// ConfigDef types and `validateValues`), for the settings a compose file
/// sets. Returns every violation, in Kafka's own words where Kafka has them;
/// two are this migration's own and say so.
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

    // ConfigDef: process.roles is a list of broker, controller.
    let roles: BTreeSet<String> = get("process.roles")
        .map(|r| r.split(',').map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    for bad in roles.iter().filter(|r| *r != "broker" && *r != "controller") {
        v.push(format!("Invalid value {bad} for configuration process.roles: String must be one of: broker, controller"));
    }
    let kraft = !roles.is_empty();
    let broker = roles.contains("broker");
    let controller = roles.contains("controller");

    // node.id and broker.id: INT, equal when both are set.
    let node_id = get("node.id").map(|_| number(&mut v, props, "node.id", -1, "INT"));
    let broker_id = get("broker.id").map(|_| number(&mut v, props, "broker.id", -1, "INT"));
    if let (Some(n), Some(b)) = (node_id, broker_id) {
        if n != b {
            v.push("You must set `node.id` to the same value as `broker.id`.".into());
        }
    }
    let node_id = node_id.or(broker_id).unwrap_or(-1);

    if !kraft {
        v.push("process.roles is not set: the apache/kafka image then runs in ZooKeeper mode".into());
        if get("zookeeper.connect").is_none() {
            v.push("Missing required configuration `zookeeper.connect` which has no default value.".into());
        }
    } else if node_id < 0 {
        v.push("Missing configuration `node.id` which is required when `process.roles` is defined (i.e. when running in KRaft mode).".into());
    }
    if let Some(zk) = get("zookeeper.connect").filter(|_| kraft) {
        v.push(format!("zookeeper.connect is set ({zk}): this migration's criterion is a KRaft node with no ZooKeeper setting"));
    }
    if kraft && get("zookeeper.metadata.migration.enable") == Some("true") && get("zookeeper.connect").is_none() {
        v.push("If using `zookeeper.metadata.migration.enable` in KRaft mode, `zookeeper.connect` must also be set.".into());
    }

    // Numbers validateValues relates, with Kafka's defaults.
    let roll_ms = get("log.roll.ms").map(|_| number(&mut v, props, "log.roll.ms", 1, "LONG"));
    if roll_ms.is_some_and(|ms| ms < 1) {
        v.push("log.roll.ms must be greater than or equal to 1".into());
    }
    if get("log.roll.jitter.ms").is_some() && number(&mut v, props, "log.roll.jitter.ms", 0, "LONG") < 0 {
        v.push("log.roll.jitter.ms must be greater than or equal to 0".into());
    }
    if get("log.retention.ms").is_some() {
        let ms = number(&mut v, props, "log.retention.ms", -1, "LONG");
        if ms < 1 && ms != -1 {
            v.push("log.retention.ms must be unlimited (-1) or, greater than or equal to 1".into());
        }
    }
    let dedupe = number(&mut v, props, "log.cleaner.dedupe.buffer.size", 128 * 1024 * 1024, "LONG");
    let threads = number(&mut v, props, "log.cleaner.threads", 1, "INT");
    if threads > 0 && dedupe / threads <= 1024 * 1024 {
        v.push("log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.".into());
    }
    let fetch_wait = number(&mut v, props, "replica.fetch.wait.max.ms", 500, "INT");
    if fetch_wait > number(&mut v, props, "replica.socket.timeout.ms", 30_000, "INT") {
        v.push("replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts".into());
    }
    if fetch_wait > number(&mut v, props, "replica.lag.time.max.ms", 30_000, "LONG") {
        v.push("replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR".into());
    }
    let queued = number(&mut v, props, "queued.max.request.bytes", -1, "LONG");
    if queued > 0 && queued < number(&mut v, props, "socket.request.max.bytes", 100 * 1024 * 1024, "INT") {
        v.push("queued.max.request.bytes must be larger or equal to socket.request.max.bytes".into());
    }
    if number(&mut v, props, "max.connections.per.ip", i64::from(i32::MAX), "INT") == 0 && get("max.connections.per.ip.overrides").is_none() {
        v.push("max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set.".into());
    }
    let delay = number(&mut v, props, "connection.failed.authentication.delay.ms", 100, "INT");
    let idle = number(&mut v, props, "connections.max.idle.ms", 600_000, "LONG");
    if idle >= 0 && delay >= idle {
        v.push(format!(
            "connection.failed.authentication.delay.ms={delay} should always be less than connections.max.idle.ms={idle} to prevent failed authentication responses from timing out"
        ));
    }

    // Listeners: parsed as Kafka does (distinct names and ports).
    let listeners_raw = get("listeners").unwrap_or("PLAINTEXT://:9092");
    let listeners = match parse_listeners(listeners_raw) {
        Err(e) => {
            v.push(format!("listeners: {e}"));
            Vec::new()
        }
        Ok(l) => l,
    };
    let mut names = BTreeSet::new();
    if listeners.iter().any(|l| !names.insert(l.name.as_str())) {
        v.push(format!("Each listener must have a different name, listeners: {listeners_raw}"));
    }
    let mut ports: BTreeMap<u16, Vec<&Listener>> = BTreeMap::new();
    for l in &listeners {
        ports.entry(l.port).or_default().push(l);
    }
    // Kafka allows one IPv4 and one IPv6 listener on the same port.
    let v6 = |l: &Listener| l.host.contains(':');
    if ports.values().any(|ls| ls.len() > 2 || (ls.len() == 2 && v6(ls[0]) == v6(ls[1]))) {
        v.push(format!("Each listener must have a different port, listeners: {listeners_raw}"));
    }
    let advertised_set = get("advertised.listeners").is_some();
    let advertised = match get("advertised.listeners").map(parse_listeners) {
        None => listeners.clone(),
        Some(Err(e)) => {
            v.push(format!("advertised.listeners: {e}"));
            Vec::new()
        }
        Some(Ok(l)) => l,
    };
    let controller_names: Vec<String> = get("controller.listener.names")
        .map(|s| s.split(',').map(|n| n.trim().to_uppercase()).filter(|n| !n.is_empty()).collect())
        .unwrap_or_default();
    let listener_names: BTreeSet<&str> = listeners.iter().map(|l| l.name.as_str()).collect();
    let controller_listeners: Vec<&Listener> = listeners.iter().filter(|l| controller_names.contains(&l.name)).collect();
    let advertised_names: BTreeSet<&str> = advertised.iter().map(|l| l.name.as_str()).collect();

    // The protocol map: explicit, else Kafka's defaults, plus PLAINTEXT for
    // controller listeners in KRaft mode when nothing is SSL or SASL.
    let explicit_map = get("listener.security.protocol.map");
    let mut mapped: BTreeSet<String> = match explicit_map {
        Some(m) => m.split(',').filter_map(|e| e.split_once(':').map(|(n, _)| n.trim().to_uppercase())).collect(),
        None => DEFAULT_PROTOCOL_NAMES.iter().map(|s| s.to_string()).collect(),
    };
    let secure = |n: &str| ["SSL", "SASL_SSL", "SASL_PLAINTEXT"].contains(&n);
    if kraft && explicit_map.is_none() && !controller_names.iter().any(|n| secure(n)) && !listeners.iter().any(|l| secure(&l.name)) {
        mapped.extend(controller_names.iter().cloned());
    }
    for l in listeners.iter().chain(&advertised) {
        if !mapped.contains(&l.name) {
            v.push(format!("No security protocol defined for listener {} (listener.security.protocol.map)", l.name));
        }
    }

    let voters_raw = get("controller.quorum.voters");
    let mut voter_ids = Vec::new();
    for voter in voters_raw.unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let ok = voter
            .split_once('@')
            .and_then(|(id, hp)| Some((id.parse::<i64>().ok()?, hp.rsplit_once(':')?.1.parse::<u16>().ok()?)));
        match ok {
            Some((id, _)) => voter_ids.push(id),
            None => v.push(format!(
                "Invalid value {} for configuration controller.quorum.voters: entry \"{voter}\" is not {{id}}@{{host}}:{{port}}",
                voters_raw.unwrap_or_default()
            )),
        }
    }
    let voters_shown = format!("controller.quorum.voters={}", scala_set(&voter_ids));

    if kraft {
        if voter_ids.is_empty() && get("controller.quorum.bootstrap.servers").is_none() {
            v.push("If using process.roles, either controller.quorum.bootstrap.servers must contain the set of bootstrap controllers or controller.quorum.voters must contain a parseable set of controllers.".into());
        }
        if get("control.plane.listener.name").is_some() {
            v.push("control.plane.listener.name is not supported in KRaft mode.".into());
        }
    }
    if broker && advertised_names.iter().any(|a| controller_names.iter().any(|c| c == a)) {
        v.push("The advertised.listeners config must not contain KRaft controller listeners from controller.listener.names when process.roles contains the broker role because Kafka clients that send requests via advertised listeners do not send requests to KRaft controllers -- they only send requests to KRaft brokers.".into());
    }
    if controller {
        if !voter_ids.is_empty() && !voter_ids.contains(&node_id) {
            v.push(format!("If process.roles contains the 'controller' role, the node id {node_id} must be included in the set of voters {voters_shown}"));
        }
        if controller_listeners.is_empty() {
            v.push("controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role".into());
        } else if !controller_names.iter().all(|c| listener_names.contains(c.as_str())) {
            v.push("controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role".into());
        }
    }
    if broker && !controller {
        if voter_ids.contains(&node_id) {
            v.push(format!("If process.roles contains just the 'broker' role, the node id {node_id} must not be included in the set of voters {voters_shown}"));
        }
        if controller_names.is_empty() {
            v.push("controller.listener.names must contain at least one value when running KRaft with just the broker role".into());
        }
        if !controller_listeners.is_empty() {
            v.push("controller.listener.names must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role".into());
        }
        for c in controller_names.iter().filter(|c| !mapped.contains(*c)) {
            v.push(format!("Controller listener with name {c} defined in controller.listener.names not found in listener.security.protocol.map  (an explicit security mapping for each controller listener is required if listener.security.protocol.map is non-empty, or if there are security protocols other than PLAINTEXT in use)"));
        }
    }
    if controller && !broker {
        if advertised_set {
            v.push("The advertised.listeners config must be empty when process.roles=controller".into());
        }
        if listeners.len() != controller_listeners.len() {
            v.push("The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller".into());
        }
    }
    if !kraft && !controller_names.is_empty() {
        v.push(format!("controller.listener.names must be empty when not running in KRaft mode: [{}]", controller_names.join(", ")));
    }

    // Every broker (ZooKeeper, broker-only, combined).
    if !kraft || broker {
        let broker_advertised: BTreeSet<&str> =
            advertised_names.iter().copied().filter(|a| !controller_names.iter().any(|c| c == a)).collect();
        if broker_advertised.is_empty() {
            v.push(format!(
                "There must be at least one advertised listener.{}",
                if broker { " Perhaps all listeners appear in controller.listener.names?" } else { "" }
            ));
        }
        let ibl_name = get("inter.broker.listener.name").map(str::to_uppercase);
        let ibp = get("security.inter.broker.protocol");
        if ibl_name.is_some() && ibp.is_some() {
            v.push("Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.".into());
        }
        let ibl = ibl_name.clone().or_else(|| ibp.map(str::to_uppercase)).unwrap_or_else(|| "PLAINTEXT".into());
        if ibl_name.is_some() && !mapped.contains(&ibl) {
            v.push(format!("Listener with name {ibl} defined in inter.broker.listener.name not found in listener.security.protocol.map."));
        } else if !broker_advertised.contains(ibl.as_str()) {
            v.push(format!(
                "inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are {}",
                broker_advertised.iter().copied().collect::<Vec<_>>().join(",")
            ));
        }
        if !broker_advertised.is_subset(&listener_names) {
            v.push(format!(
                "advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found {}. The valid options based on the current configuration are {}",
                broker_advertised.iter().copied().collect::<Vec<_>>().join(","),
                listener_names.iter().copied().collect::<Vec<_>>().join(",")
            ));
        }
    }
    if advertised.iter().any(|a| a.host == "0.0.0.0") {
        v.push("advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.".into());
    }
    v
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
            (with("KAFKA_CONTROLLER_QUORUM_VOTERS", ""), "If using process.roles, either controller.quorum.bootstrap.servers must contain the set of bootstrap controllers or controller.quorum.voters must contain a parseable set of controllers."),
            (with("KAFKA_CONTROLLER_QUORUM_VOTERS", "kafka:9094"), "Invalid value kafka:9094 for configuration controller.quorum.voters: entry \"kafka:9094\" is not {id}@{host}:{port}"),
            (with("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://kafka:9092,CONTROLLER://kafka:9094"), "The advertised.listeners config must not contain KRaft controller listeners from controller.listener.names when process.roles contains the broker role"),
            (with("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://0.0.0.0:9092,EXTERNAL://localhost:9093"), "advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address."),
            (with("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"), "No security protocol defined for listener EXTERNAL"),
            (with("KAFKA_INTER_BROKER_LISTENER_NAME", "REPLICATION"), "Listener with name REPLICATION defined in inter.broker.listener.name not found in listener.security.protocol.map."),
            (with("KAFKA_INTER_BROKER_LISTENER_NAME", "CONTROLLER"), "inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are EXTERNAL,INTERNAL"),
            (with("KAFKA_SECURITY_INTER_BROKER_PROTOCOL", "PLAINTEXT"), "Only one of inter.broker.listener.name and security.inter.broker.protocol should be set."),
            (with("KAFKA_CONTROLLER_LISTENER_NAMES", "CTRL"), "controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role"),
            (with("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER,CTRL"), "controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role"),
            (with("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://kafka:9092,OTHER://x:1"), "advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found INTERNAL,OTHER. The valid options based on the current configuration are CONTROLLER,EXTERNAL,INTERNAL"),
            (with("KAFKA_LISTENERS", "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9094"), "Each listener must have a different port, listeners: INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:9094"),
            (with("KAFKA_LISTENERS", "INTERNAL://0.0.0.0:9092,INTERNAL://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094"), "Each listener must have a different name"),
            (with("KAFKA_CONTROL_PLANE_LISTENER_NAME", "INTERNAL"), "control.plane.listener.name is not supported in KRaft mode."),
            (with("KAFKA_ZOOKEEPER_CONNECT", "zookeeper:2181"), "zookeeper.connect is set (zookeeper:2181): this migration's criterion"),
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
            assert!(v.iter().any(|m| m.starts_with(want)), "wanted \"{want}\" in {v:?}");
        }
    }

    /// apache/kafka's own docker examples (single node, combined cluster with
    /// SSL, isolated controllers and brokers) start: none is refused.
    #[test]
    fn kafkas_own_docker_examples_pass() {
        let single = [
            ("KAFKA_NODE_ID", "1"),
            ("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT"),
            ("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT_HOST://localhost:9092,PLAINTEXT://broker:19092"),
            ("KAFKA_PROCESS_ROLES", "broker,controller"),
            ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@broker:29093"),
            ("KAFKA_LISTENERS", "CONTROLLER://:29093,PLAINTEXT_HOST://:9092,PLAINTEXT://:19092"),
            ("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT"),
            ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
            ("KAFKA_LOG_DIRS", "/tmp/kraft-combined-logs"),
        ];
        let combined_ssl = [
            ("KAFKA_NODE_ID", "2"),
            ("KAFKA_PROCESS_ROLES", "broker,controller"),
            ("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "SSL:SSL,CONTROLLER:PLAINTEXT,SSL-INTERNAL:SSL"),
            ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:29092,2@kafka-2:29092,3@kafka-3:29092"),
            ("KAFKA_LISTENERS", "SSL-INTERNAL://:19093,CONTROLLER://kafka-2:29092,SSL://:9093"),
            ("KAFKA_INTER_BROKER_LISTENER_NAME", "SSL-INTERNAL"),
            ("KAFKA_SECURITY_PROTOCOL", "SSL"),
            ("KAFKA_ADVERTISED_LISTENERS", "SSL-INTERNAL://kafka-2:19093,SSL://localhost:39093"),
            ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
            ("KAFKA_SSL_CLIENT_AUTH", "required"),
        ];
        let isolated_controller = [
            ("KAFKA_NODE_ID", "3"),
            ("KAFKA_PROCESS_ROLES", "controller"),
            ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@controller-1:9093,2@controller-2:9093,3@controller-3:9093"),
            ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
            ("KAFKA_LISTENERS", "CONTROLLER://:9093"),
        ];
        let isolated_broker = [
            ("KAFKA_NODE_ID", "4"),
            ("KAFKA_PROCESS_ROLES", "broker"),
            ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@controller-1:9093,2@controller-2:9093,3@controller-3:9093"),
            ("KAFKA_LISTENERS", "PLAINTEXT://:19092,PLAINTEXT_HOST://:9092"),
            ("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT"),
            ("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT"),
            ("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka-1:19092,PLAINTEXT_HOST://localhost:29092"),
            ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
        ];
        // The image's own defaults (no map): controller listeners are PLAINTEXT.
        let default_map = [
            ("KAFKA_NODE_ID", "1"),
            ("KAFKA_PROCESS_ROLES", "broker,controller"),
            ("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093"),
            ("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://localhost:9092"),
            ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
            ("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093"),
        ];
        for (name, e) in [
            ("single node", &single[..]),
            ("combined ssl", &combined_ssl[..]),
            ("isolated controller", &isolated_controller[..]),
            ("isolated broker", &isolated_broker[..]),
            ("default protocol map", &default_map[..]),
        ] {
            assert_eq!(kraft_violations(&env(e)), Vec::<String>::new(), "{name}");
        }
    }

    /// `base` with `extra` replacing or adding variables, judged.
    fn node(base: &[(&'static str, &'static str)], extra: &[(&'static str, &'static str)]) -> Vec<String> {
        let mut e: Vec<_> = base.iter().filter(|(k, _)| !extra.iter().any(|(x, _)| x == k)).copied().collect();
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
        assert_eq!(controller(&[("KAFKA_ADVERTISED_LISTENERS", "CONTROLLER://c:9093")]), vec!["The advertised.listeners config must be empty when process.roles=controller"]);
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
                ("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
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
