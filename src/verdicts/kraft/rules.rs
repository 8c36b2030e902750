//! One function per group of KafkaConfig's startup rules, each over the
//! node as read (see [`super::node`]), each message in Kafka 3.8's words.

use std::collections::{BTreeMap, BTreeSet};

use super::node::{get, number, Node};
use crate::model::kafka_props::Listener;

/// bitnami/kafka reads KAFKA_CFG_*; apache/kafka reads KAFKA_* and takes
/// KAFKA_CFG_LISTENERS as a property "cfg.listeners", which Kafka ignores
/// (it starts: the broker itself says so), so what was meant is not applied.
pub(crate) fn bitnami_variables(props: &BTreeMap<String, String>) -> Vec<String> {
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

/// zookeeper.connect on a KRaft node: Kafka 3.8 starts and ignores it
/// (outside a ZooKeeper migration); the ZooKeeper scenarios fail it.
pub(crate) fn zookeeper_connect_ignored(n: &Node) -> Vec<String> {
    match n.get("zookeeper.connect").filter(|_| n.kraft && n.get("zookeeper.metadata.migration.enable") != Some("true")) {
        Some(zk) => vec![format!("WARNING: zookeeper.connect is set ({zk}) on a KRaft node: Kafka ignores it; remove it (the ZooKeeper scenarios fail it)")],
        None => Vec::new(),
    }
}

/// A user-supplied inter.broker.protocol.version on a KRaft node must be one
/// KRaft supports (KafkaConfig.scala:897-915 at 3.8.0: MetadataVersion's
/// `isKRaftSupported`, a feature level above 0, which starts at 3.0-IV1; a
/// bare release names its latest production version, so "3.0" is 3.0-IV1).
/// A string Kafka cannot read at all is ConfigDef's refusal, said before.
pub(crate) fn kraft_protocol_version(n: &Node) -> Vec<String> {
    let Some(v) = n.get("inter.broker.protocol.version").filter(|_| n.kraft) else {
        return Vec::new();
    };
    match super::configdef::kraft_supported_version(v.trim()) {
        Some(false) => vec![format!("A non-KRaft version {} given for inter.broker.protocol.version. The minimum version is 3.0-IV1", v.trim())],
        _ => Vec::new(),
    }
}

/// KRaft or ZooKeeper mode, and the node id it needs.
pub fn mode(n: &Node) -> Vec<String> {
    let mut v = Vec::new();
    // validateValues (KafkaConfig.scala:1228)
    if let (Some(node), Some(broker)) = (n.get("node.id"), n.get("broker.id")) {
        if node.parse::<i32>().ok() != broker.parse::<i32>().ok() {
            v.push("You must set `node.id` to the same value as `broker.id`.".into());
        }
    }
    if !n.kraft {
        v.push(
            "process.roles is not set: the apache/kafka image then runs in ZooKeeper mode".into(),
        );
        if n.get("zookeeper.connect").is_none() {
            v.push(
                "Missing required configuration `zookeeper.connect` which has no default value."
                    .into(),
            );
        }
    } else if n.node_id < 0 {
        v.push("Missing configuration `node.id` which is required when `process.roles` is defined (i.e. when running in KRaft mode).".into());
    }
    if n.kraft
        && n.get("zookeeper.metadata.migration.enable") == Some("true")
        && n.get("zookeeper.connect").is_none()
    {
        v.push("If using `zookeeper.metadata.migration.enable` in KRaft mode, `zookeeper.connect` must also be set.".into());
    }
    v
}

/// The numbers validateValues relates, with Kafka's defaults.
pub(crate) fn limits(props: &BTreeMap<String, String>, v: &mut Vec<String>) {
    logs(props, v);
    replication(props, v);
    connections(props, v);
}

fn logs(props: &BTreeMap<String, String>, v: &mut Vec<String>) {
    if get(props, "log.roll.ms").is_some() && number(props, "log.roll.ms", 1) < 1 {
        v.push("log.roll.ms must be greater than or equal to 1".into());
    }
    if get(props, "log.roll.jitter.ms").is_some() && number(props, "log.roll.jitter.ms", 0) < 0 {
        v.push("log.roll.jitter.ms must be greater than or equal to 0".into());
    }
    if get(props, "log.retention.ms").is_some() {
        let ms = number(props, "log.retention.ms", -1);
        if ms < 1 && ms != -1 {
            v.push("log.retention.ms must be unlimited (-1) or, greater than or equal to 1".into());
        }
    }
    // logDirs (KafkaConfig.scala:791): log.dirs, else log.dir, as a CSV list.
    let dirs = props
        .get("log.dirs")
        .or_else(|| props.get("log.dir"))
        .map(|d| d.split(',').all(|e| e.trim().is_empty()));
    if dirs == Some(true) {
        v.push("At least one log directory must be defined via log.dirs or log.dir.".into());
    }
    let dedupe = number(props, "log.cleaner.dedupe.buffer.size", 128 * 1024 * 1024);
    let threads = number(props, "log.cleaner.threads", 1);
    if threads > 0 && dedupe / threads <= 1024 * 1024 {
        v.push("log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.".into());
    }
}

fn replication(props: &BTreeMap<String, String>, v: &mut Vec<String>) {
    let acks = number(props, "offsets.commit.required.acks", -1);
    if acks < -1 || acks > number(props, "offsets.topic.replication.factor", 3) {
        v.push("offsets.commit.required.acks must be greater or equal -1 and less or equal to offsets.topic.replication.factor".into());
    }
    let fetch_wait = number(props, "replica.fetch.wait.max.ms", 500);
    if fetch_wait > number(props, "replica.socket.timeout.ms", 30_000) {
        v.push("replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts".into());
    }
    if fetch_wait > number(props, "replica.lag.time.max.ms", 30_000) {
        v.push("replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR".into());
    }
}

fn connections(props: &BTreeMap<String, String>, v: &mut Vec<String>) {
    let queued = number(props, "queued.max.request.bytes", -1);
    if queued > 0 && queued < number(props, "socket.request.max.bytes", 100 * 1024 * 1024) {
        v.push(
            "queued.max.request.bytes must be larger or equal to socket.request.max.bytes".into(),
        );
    }
    if number(props, "max.connections.per.ip", i64::from(i32::MAX)) == 0
        && get(props, "max.connections.per.ip.overrides").is_none()
    {
        v.push("max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set.".into());
    }
    let overrides = get(props, "max.connections.per.ip.overrides").unwrap_or("");
    let invalid: Vec<&str> = overrides
        .split(',')
        .filter_map(|e| e.rsplit_once(':').map(|(host, _)| host.trim()))
        .filter(|host| {
            !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-%._:".contains(c))
        })
        .collect();
    if !invalid.is_empty() {
        v.push(format!(
            "max.connections.per.ip.overrides contains invalid addresses : {}",
            invalid.join(",")
        ));
    }
    let delay = number(props, "connection.failed.authentication.delay.ms", 100);
    let idle = number(props, "connections.max.idle.ms", 600_000);
    if idle >= 0 && delay >= idle {
        v.push(format!(
            "connection.failed.authentication.delay.ms={delay} should always be less than connections.max.idle.ms={idle} to prevent failed authentication responses from timing out"
        ));
    }
}

/// Listeners have distinct names, and distinct ports unless exactly one
/// IPv4 and one IPv6 address share one (CoreUtils.listenerListToEndPoints,
/// core/.../utils/CoreUtils.scala:157-209); advertised listeners need
/// distinct names only.
pub(crate) fn distinct_listeners(n: &Node) -> Vec<String> {
    let mut v = Vec::new();
    let raw_advertised = n.get("advertised.listeners");
    for (list, raw) in [
        (&n.listeners, Some(n.listeners_raw)),
        (&n.advertised, raw_advertised),
    ] {
        let Some(raw) = raw else { continue };
        let mut names = BTreeSet::new();
        if list.iter().any(|l| !names.insert(l.name.as_str())) {
            v.push(format!(
                "Each listener must have a different name, listeners: {raw}"
            ));
        }
    }
    let mut ports: BTreeMap<u16, Vec<&Listener>> = BTreeMap::new();
    for l in n.listeners.iter().filter(|l| l.port != 0) {
        ports.entry(l.port).or_default().push(l);
    }
    let raw = n.listeners_raw;
    for (port, eps) in ports.into_iter().filter(|(_, eps)| eps.len() > 1) {
        let ip = |l: &&Listener| l.host.parse::<std::net::IpAddr>().ok();
        let (with_ip, without): (Vec<&Listener>, Vec<&Listener>) =
            eps.into_iter().partition(|l| ip(l).is_some());
        if without.len() > 1 {
            v.push(format!(
                "Each listener must have a different port, listeners: {raw}"
            ));
        }
        match with_ip.as_slice() {
            [] => {}
            [a, b] => {
                let one_of_each = ip(a).is_some_and(|x| x.is_ipv4()) != ip(b).is_some_and(|x| x.is_ipv4());
                if !one_of_each || !without.is_empty() {
                    v.push(format!("If you have two listeners on the same port then one needs to be IPv4 and the other IPv6, listeners: {raw}, port: {port}"));
                }
            }
            _ => v.push(format!(
                "Each listener must have a different port unless exactly one listener has an IPv4 address and the other IPv6 address, listeners: {raw}, port: {port}"
            )),
        }
    }
    v
}

/// Every listener, advertised or not, has a security protocol.
pub(crate) fn protocol_map(n: &Node) -> Vec<String> {
    n.listeners
        .iter()
        .chain(&n.advertised)
        .filter(|l| !n.mapped.contains(&l.name))
        .map(|l| {
            format!(
                "No security protocol defined for listener {} (listener.security.protocol.map)",
                l.name
            )
        })
        .collect()
}

/// KRaft needs its voters (or bootstrap controllers), and has no control plane listener.
pub fn quorum(n: &Node) -> Vec<String> {
    let mut v = Vec::new();
    // validateNonEmptyQuorumVotersForKRaft (KafkaConfig.scala:1266): in 3.8
    // the voters are required; controller.quorum.bootstrap.servers is internal.
    if n.kraft && n.voters.is_empty() {
        v.push("If using process.roles, controller.quorum.voters must contain a parseable set of voters.".into());
    }
    // KafkaRaftServer parses the voters with routable addresses required
    // (QuorumConfig.parseVoterConnections, QuorumConfig.java:197).
    if let Some((_, host)) = n
        .voters
        .iter()
        .find(|(_, h)| h == "0.0.0.0")
        .filter(|_| n.kraft)
    {
        v.push(format!("Host string ({host}) is not routeable"));
    }
    if n.kraft && n.get("control.plane.listener.name").is_some() {
        v.push("control.plane.listener.name is not supported in KRaft mode.".into());
    }
    if n.broker
        && n.advertised_names()
            .iter()
            .any(|a| n.controller_names.iter().any(|c| c == a))
    {
        v.push("The advertised.listeners config must not contain KRaft controller listeners from controller.listener.names when process.roles contains the broker role because Kafka clients that send requests via advertised listeners do not send requests to KRaft controllers -- they only send requests to KRaft brokers.".into());
    }
    if !n.kraft && !n.controller_names.is_empty() {
        v.push(format!(
            "controller.listener.names must be empty when not running in KRaft mode: [{}]",
            n.controller_names.join(", ")
        ));
    }
    v
}

/// A controller is one of the voters and listens on its controller listeners.
pub(crate) fn controller_role(n: &Node) -> Vec<String> {
    let mut v = Vec::new();
    if !n.controller {
        return v;
    }
    if !n.voters.is_empty() && !n.voter_ids().contains(&n.node_id) {
        v.push(format!("If process.roles contains the 'controller' role, the node id {} must be included in the set of voters {}", n.node_id, n.voters_shown()));
    }
    let listener_names = n.listener_names();
    if n.controller_listeners().is_empty() {
        v.push("controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role".into());
    } else if !n
        .controller_names
        .iter()
        .all(|c| listener_names.contains(c.as_str()))
    {
        v.push("controller.listener.names must only contain values appearing in the 'listeners' configuration when running the KRaft controller role".into());
    }
    v
}

/// A broker-only node is no voter and reaches the controllers by name.
pub(crate) fn broker_only(n: &Node) -> Vec<String> {
    let mut v = Vec::new();
    if !n.broker || n.controller {
        return v;
    }
    if n.voter_ids().contains(&n.node_id) {
        v.push(format!("If process.roles contains just the 'broker' role, the node id {} must not be included in the set of voters {}", n.node_id, n.voters_shown()));
    }
    if n.controller_names.is_empty() {
        v.push("controller.listener.names must contain at least one value when running KRaft with just the broker role".into());
    }
    if !n.controller_listeners().is_empty() {
        v.push("controller.listener.names must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role".into());
    }
    for c in n
        .controller_names
        .iter()
        .map(|c| c.to_uppercase())
        .filter(|c| !n.mapped.contains(c))
    {
        v.push(format!("Controller listener with name {c} defined in controller.listener.names not found in listener.security.protocol.map  (an explicit security mapping for each controller listener is required if listener.security.protocol.map is non-empty, or if there are security protocols other than PLAINTEXT in use)"));
    }
    v
}

/// A controller-only node advertises nothing and listens only as a controller.
pub(crate) fn controller_only(n: &Node) -> Vec<String> {
    let mut v = Vec::new();
    if !n.controller || n.broker {
        return v;
    }
    if n.advertised_set {
        v.push(
            "The advertised.listeners config must be empty when process.roles=controller".into(),
        );
    }
    if n.listeners.len() != n.controller_listeners().len() {
        v.push("The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller".into());
    }
    v
}

/// Every broker (ZooKeeper, broker-only, combined) advertises a listener, the
/// inter-broker one among them, and only listeners it has.
pub(crate) fn broker_listeners(n: &Node) -> Vec<String> {
    let mut v = Vec::new();
    if n.kraft && !n.broker {
        return v;
    }
    let advertised = n.advertised_names();
    if advertised.is_empty() {
        let hint = if n.broker {
            " Perhaps all listeners appear in controller.listener.names?"
        } else {
            ""
        };
        v.push(format!(
            "There must be at least one advertised listener.{hint}"
        ));
    }
    let ibl_name = n.get("inter.broker.listener.name").map(str::to_uppercase);
    let ibp = n.get("security.inter.broker.protocol");
    if ibl_name.is_some() && ibp.is_some() {
        v.push("Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.".into());
    }
    let ibl = ibl_name
        .clone()
        .or_else(|| ibp.map(str::to_uppercase))
        .unwrap_or_else(|| "PLAINTEXT".into());
    let join = |s: &BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join(",");
    if ibl_name.is_some() && !n.mapped.contains(&ibl) {
        v.push(format!("Listener with name {ibl} defined in inter.broker.listener.name not found in listener.security.protocol.map."));
    } else if !advertised.contains(ibl.as_str()) {
        v.push(format!(
            "inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are {}",
            join(&advertised)
        ));
    }
    let names = n.listener_names();
    if !advertised.is_subset(&names) {
        v.push(format!(
            "advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found {}. The valid options based on the current configuration are {}",
            join(&advertised),
            join(&names)
        ));
    }
    v
}

/// No advertised listener on the meta-address 0.0.0.0.
pub(crate) fn routable_advertised(n: &Node) -> Vec<String> {
    if n.advertised.iter().any(|a| a.host == "0.0.0.0") {
        return vec!["advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.".into()];
    }
    Vec::new()
}
