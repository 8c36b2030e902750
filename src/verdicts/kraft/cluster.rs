//! The cluster's own rules, over every Kafka node of a layering: what no
//! single node's settings show (unique ids, one voters list that names the
//! nodes as they are, replication the brokers can hold).

use std::collections::{BTreeMap, BTreeSet};

use super::node::{self, Node};
use crate::model::cluster::{networks_of, reachable_names, KafkaNode, Voter};
use crate::model::compose::Service;

/// The node ids of the brokers that are not `voters`, ascending: the
/// quorum's observers once every broker has registered.
pub fn observers(nodes: &[KafkaNode], voters: &[i64]) -> Vec<i64> {
    let mut ids: Vec<i64> = nodes
        .iter()
        .filter(|n| n.broker)
        .filter_map(|n| n.node_id)
        .filter(|id| !voters.contains(id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// `service`'s node as its settings (`props`, as the image writes them) make it.
pub fn read_node(service: &str, svc: &Service, props: &BTreeMap<String, String>) -> KafkaNode {
    let n = Node::read(props, &mut Vec::new());
    let dirs = crate::verdicts::redeploy::kafka_dirs(props);
    let metadata = node::get(props, "metadata.log.dir").map(str::to_string);
    KafkaNode {
        service: service.to_string(),
        broker: n.broker,
        controller: n.controller,
        node_id: (n.node_id >= 0).then_some(n.node_id),
        voters: voters(props),
        listeners: n.listeners.clone(),
        advertised: if n.broker {
            n.advertised.clone()
        } else {
            Vec::new()
        },
        controller_listener_names: n.controller_names.clone(),
        log_dirs: dirs.log_dirs,
        metadata_dir: metadata,
        cluster_id: svc.environment.get("CLUSTER_ID").cloned().flatten(),
        ports: svc.ports.clone(),
        mounts: svc.mounts(),
        names: reachable_names(service, svc),
        networks: networks_of(svc),
        props: props.clone(),
    }
}

/// The voters as written, each `id@host:port` that parses.
fn voters(props: &BTreeMap<String, String>) -> Vec<Voter> {
    node::get(props, "controller.quorum.voters")
        .unwrap_or("")
        .split(',')
        .filter_map(|v| {
            let (id, address) = v.trim().split_once('@')?;
            let (host, port) = address.rsplit_once(':')?;
            Some(Voter {
                id: id.parse().ok()?,
                host: host.trim_matches(['[', ']']).to_string(),
                port: port.parse().ok()?,
            })
        })
        .collect()
}

/// Every rule of the cluster a layering's nodes break, each line naming the
/// node(s) it is about. A single node is judged by its own settings alone.
pub fn cluster_violations(nodes: &[KafkaNode]) -> Vec<String> {
    if nodes.len() < 2 {
        return Vec::new();
    }
    let mut v = unique_ids(nodes);
    v.extend(same_voters(nodes));
    v.extend(voters_are_nodes(nodes));
    v.extend(isolated_voters(nodes));
    v.extend(replication(nodes));
    v
}

fn unique_ids(nodes: &[KafkaNode]) -> Vec<String> {
    let mut by_id: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
    for n in nodes {
        if let Some(id) = n.node_id {
            by_id.entry(id).or_default().push(&n.service);
        }
    }
    by_id
        .into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(id, s)| {
            format!(
                "node.id {id} is set on {} nodes: {} (each node needs an id of its own)",
                s.len(),
                s.join(", ")
            )
        })
        .collect()
}

fn shown(voters: &[Voter]) -> String {
    voters
        .iter()
        .map(Voter::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn same_voters(nodes: &[KafkaNode]) -> Vec<String> {
    let first = &nodes[0];
    let want: BTreeSet<&Voter> = first.voters.iter().collect();
    nodes[1..]
        .iter()
        .filter(|n| n.voters.iter().collect::<BTreeSet<_>>() != want)
        .map(|n| {
            format!(
                "{}: controller.quorum.voters={} differs from {}'s {} (every node must have the same voters)",
                n.shown(),
                shown(&n.voters),
                first.service,
                shown(&first.voters)
            )
        })
        .collect()
}

/// Each voter of each distinct voters list is the node with its id, named
/// by one of that node's names, on its controller listener's port.
fn voters_are_nodes(nodes: &[KafkaNode]) -> Vec<String> {
    let lists: BTreeSet<&Vec<Voter>> = nodes.iter().map(|n| &n.voters).collect();
    let mut v = Vec::new();
    for voter in lists.into_iter().flatten().collect::<BTreeSet<_>>() {
        let Some(n) = nodes.iter().find(|n| n.node_id == Some(voter.id)) else {
            v.push(format!(
                "voter {voter}: no node has node.id {} (nodes: {})",
                voter.id,
                ids(nodes)
            ));
            continue;
        };
        if !n.controller {
            v.push(format!(
                "voter {voter}: {} does not run the controller role",
                n.shown()
            ));
        }
        if !n.names.contains(&voter.host) {
            v.push(format!(
                "voter {voter}: {} is reached as {}, not {}",
                n.shown(),
                n.names.join(" or "),
                voter.host
            ));
        }
        if n.controller && n.controller_port() != Some(voter.port) {
            let port = n
                .controller_port()
                .map(|p| p.to_string())
                .unwrap_or_else(|| "none".into());
            v.push(format!(
                "voter {voter}: {}'s controller listener is on port {port}, not {}",
                n.shown(),
                voter.port
            ));
        }
    }
    v
}

fn ids(nodes: &[KafkaNode]) -> String {
    nodes
        .iter()
        .map(KafkaNode::shown)
        .collect::<Vec<_>>()
        .join(", ")
}

/// In an isolated cluster (controller-only nodes) those nodes are exactly the voters.
fn isolated_voters(nodes: &[KafkaNode]) -> Vec<String> {
    let controllers: BTreeSet<i64> = nodes
        .iter()
        .filter(|n| n.controller && !n.broker)
        .filter_map(|n| n.node_id)
        .collect();
    if controllers.is_empty() {
        return Vec::new();
    }
    let voters: BTreeSet<i64> = nodes[0].voters.iter().map(|v| v.id).collect();
    if voters == controllers {
        return Vec::new();
    }
    vec![format!(
        "the controller-only nodes (node.id {controllers:?}) are not exactly the voters ({voters:?}) of an isolated cluster"
    )]
}

/// Offsets and transaction-log factors at most the brokers; min ISR at most the factor.
fn replication(nodes: &[KafkaNode]) -> Vec<String> {
    let brokers = nodes.iter().filter(|n| n.broker).count() as i64;
    let mut v = Vec::new();
    for n in nodes.iter().filter(|n| n.broker) {
        let offsets = node::number(&n.props, "offsets.topic.replication.factor", 3);
        let tx = node::number(&n.props, "transaction.state.log.replication.factor", 3);
        let isr = node::number(&n.props, "transaction.state.log.min.isr", 2);
        for (key, value) in [
            ("offsets.topic.replication.factor", offsets),
            ("transaction.state.log.replication.factor", tx),
        ] {
            if value > brokers {
                v.push(format!(
                    "{}: {key}={value} is more than the cluster's {brokers} broker(s)",
                    n.shown()
                ));
            }
        }
        if isr > tx {
            v.push(format!("{}: transaction.state.log.min.isr={isr} is more than transaction.state.log.replication.factor={tx}", n.shown()));
        }
    }
    v
}

/// Two nodes whose log or metadata directories are on the same volume or
/// host path: each node needs storage of its own.
pub fn shared_storage(nodes: &[KafkaNode]) -> Vec<String> {
    let mut by_storage: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for n in nodes {
        let dirs = n.log_dirs.iter().chain(n.metadata_dir.iter());
        for d in dirs {
            if let Some(s) = crate::verdicts::redeploy::storage_of(d, &n.mounts) {
                by_storage.entry(s).or_default().insert(&n.service);
            }
        }
    }
    by_storage
        .into_iter()
        .filter(|(_, s)| s.len() > 1)
        .map(|(storage, s)| {
            let s: Vec<&str> = s.into_iter().collect();
            format!("{} keep their log directories on the same storage {storage} (each node needs a volume of its own)", s.join(" and "))
        })
        .collect()
}

/// Every node of the cluster sets the same CLUSTER_ID (unset: the image's default).
pub fn one_cluster_id(nodes: &[KafkaNode], default: &str) -> Vec<String> {
    let id = |n: &KafkaNode| {
        n.cluster_id
            .clone()
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| format!("{default} (the image's default)"))
    };
    let Some(first) = nodes.first() else {
        return Vec::new();
    };
    nodes[1..]
        .iter()
        .filter(|n| id(n) != id(first))
        .map(|n| {
            format!(
                "{}: CLUSTER_ID={}, but {} has CLUSTER_ID={} (one cluster, one id: a node formatted with another joins no quorum)",
                n.shown(),
                id(n),
                first.service,
                id(first)
            )
        })
        .collect()
}

/// Every broker other than `named` advertises an internal address that is
/// one of its own names on a network it shares with `named`, and a host
/// address (localhost or 127.0.0.1) published on 127.0.0.1 to its own
/// listener of that name.
pub fn other_brokers_addresses(nodes: &[KafkaNode], named: &str) -> Vec<String> {
    let Some(first) = nodes.iter().find(|n| n.service == named) else {
        return Vec::new();
    };
    let mut v = Vec::new();
    for n in nodes.iter().filter(|n| n.broker && n.service != named) {
        let shared = n.networks.iter().any(|x| first.networks.contains(x));
        let internal = n.advertised.iter().any(|a| n.names.contains(&a.host));
        if !internal || !shared {
            v.push(format!(
                "{}: advertises {} — none is its own name ({}) on a network it shares with {named}",
                n.shown(),
                advertised(n),
                n.names.join(", ")
            ));
        }
        let host = n.advertised.iter().filter(|a| is_host_name(&a.host));
        if !host.clone().any(|a| published_to_own(n, a)) {
            v.push(format!(
                "{}: advertises {} — no host address (localhost or 127.0.0.1) whose port it publishes on 127.0.0.1 to its own listener of that name",
                n.shown(),
                advertised(n)
            ));
        }
    }
    v
}

fn advertised(n: &KafkaNode) -> String {
    match n
        .advertised
        .iter()
        .map(|a| format!("{}://{}:{}", a.name, a.host, a.port))
        .collect::<Vec<_>>()
    {
        a if a.is_empty() => "no address".into(),
        a => a.join(","),
    }
}

fn is_host_name(host: &str) -> bool {
    ["localhost", "127.0.0.1"].contains(&host)
}

/// `a`'s port published on 127.0.0.1 to the container port of the node's
/// own listener of `a`'s name.
fn published_to_own(n: &KafkaNode, a: &crate::model::kafka_props::Listener) -> bool {
    let Some(own) = n
        .listeners
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(&a.name))
    else {
        return false;
    };
    n.ports.iter().any(|p| {
        p.host_ip.as_deref() == Some("127.0.0.1")
            && p.is_tcp()
            && p.target == u32::from(own.port)
            && p.published.as_deref() == Some(a.port.to_string().as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::compose::ComposeModel;

    /// Kafka's combined example: three nodes, each broker and controller.
    fn combined(change: &dyn Fn(usize, &mut serde_json::Value)) -> Vec<KafkaNode> {
        let mut services = serde_json::Map::new();
        for i in 1..=3 {
            let mut s = serde_json::json!({
                "image": "apache/kafka:3.8.0", "hostname": format!("kafka-{i}"),
                "ports": [{"target": 9092, "published": format!("{}9092", i + 1), "host_ip": "127.0.0.1"}],
                "volumes": [{"type": "volume", "source": format!("kafka-{i}-data"), "target": "/var/lib/kafka/data"}],
                "environment": {
                    "KAFKA_NODE_ID": i.to_string(), "KAFKA_PROCESS_ROLES": "broker,controller",
                    "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
                    "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093",
                    "KAFKA_LISTENERS": "PLAINTEXT://:19092,CONTROLLER://:9093,PLAINTEXT_HOST://:9092",
                    "KAFKA_INTER_BROKER_LISTENER_NAME": "PLAINTEXT",
                    "KAFKA_ADVERTISED_LISTENERS": format!("PLAINTEXT://kafka-{i}:19092,PLAINTEXT_HOST://localhost:{}9092", i + 1),
                    "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
                    "CLUSTER_ID": "4L6g3nShT-eMCtK--X86sw",
                    "KAFKA_LOG_DIRS": "/var/lib/kafka/data"}});
            change(i, &mut s);
            services.insert(format!("kafka-{i}"), s);
        }
        let m: ComposeModel =
            serde_json::from_value(serde_json::json!({ "services": services })).unwrap();
        m.services
            .iter()
            .map(|(n, s)| {
                let props =
                    crate::model::kafka_props::image_settings(&s.environment, None).properties;
                read_node(n, s, &props)
            })
            .collect()
    }

    fn set(
        i: usize,
        key: &'static str,
        value: &'static str,
    ) -> impl Fn(usize, &mut serde_json::Value) {
        move |n, s| {
            if n == i {
                s["environment"][key] = value.into();
            }
        }
    }

    #[test]
    fn kafkas_combined_example_passes_every_cluster_rule() {
        let nodes = combined(&|_, _| {});
        assert_eq!(nodes.len(), 3);
        assert_eq!(nodes[1].controller_port(), Some(9093));
        assert_eq!(cluster_violations(&nodes), Vec::<String>::new());
        assert_eq!(shared_storage(&nodes), Vec::<String>::new());
        assert_eq!(one_cluster_id(&nodes, "x"), Vec::<String>::new());
        assert_eq!(
            other_brokers_addresses(&nodes, "kafka-1"),
            Vec::<String>::new()
        );
    }

    type Change = dyn Fn(usize, &mut serde_json::Value);

    #[test]
    fn each_cluster_rule_fails_naming_its_node() {
        let cases: Vec<(Box<Change>, &str)> = vec![
            (Box::new(set(3, "KAFKA_NODE_ID", "2")), "node.id 2 is set on 2 nodes: kafka-2, kafka-3"),
            (Box::new(set(2, "KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093")), "kafka-2 (node.id 2, broker,controller): controller.quorum.voters=1@kafka-1:9093,2@kafka-2:9093 differs"),
            (Box::new(|_: usize, s: &mut serde_json::Value| s["environment"]["KAFKA_CONTROLLER_QUORUM_VOTERS"] = "1@kafka-1:9093,2@kafka-2:9093,3@broker-3:9093".into()), "voter 3@broker-3:9093: kafka-3 (node.id 3, broker,controller) is reached as kafka-3, not broker-3"),
            (Box::new(set(2, "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "5")), "kafka-2 (node.id 2, broker,controller): transaction.state.log.replication.factor=5 is more than the cluster's 3 broker(s)"),
            (Box::new(set(3, "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "4")), "kafka-3 (node.id 3, broker,controller): transaction.state.log.min.isr=4 is more than transaction.state.log.replication.factor=3"),
        ];
        for (change, want) in cases {
            let v = cluster_violations(&combined(&change));
            assert!(
                v.iter().any(|m| m.starts_with(want)),
                "wanted {want:?} in {v:?}"
            );
        }
    }

    #[test]
    fn storage_ids_and_addresses_fail_naming_the_node() {
        let shared = combined(&|i, s| {
            if i == 2 {
                s["volumes"][0]["source"] = "kafka-1-data".into();
            }
        });
        assert_eq!(shared_storage(&shared), ["kafka-1 and kafka-2 keep their log directories on the same storage kafka-1-data (each node needs a volume of its own)"]);
        let id = one_cluster_id(&combined(&set(3, "CLUSTER_ID", "other")), "d");
        assert!(
            id[0].starts_with(
                "kafka-3 (node.id 3, broker,controller): CLUSTER_ID=other, but kafka-1"
            ),
            "{id:?}"
        );
        let unset = one_cluster_id(&combined(&set(2, "CLUSTER_ID", "")), "DEFAULT");
        assert!(
            unset[0].contains("CLUSTER_ID=DEFAULT (the image's default)"),
            "{unset:?}"
        );
        let wildcard = combined(&|i, s| {
            if i == 3 {
                s["ports"][0]["host_ip"] = serde_json::Value::Null;
            }
        });
        let v = other_brokers_addresses(&wildcard, "kafka-1");
        assert!(
            v.len() == 1 && v[0].starts_with("kafka-3 (node.id 3, broker,controller): advertises"),
            "{v:?}"
        );
        let internal = other_brokers_addresses(
            &combined(&set(
                2,
                "KAFKA_ADVERTISED_LISTENERS",
                "PLAINTEXT://kafka-1:19092,PLAINTEXT_HOST://localhost:39092",
            )),
            "kafka-1",
        );
        assert!(
            internal[0].contains("none is its own name (kafka-2)"),
            "{internal:?}"
        );
    }

    #[test]
    fn an_isolated_cluster_has_exactly_its_controllers_as_voters() {
        let nodes = combined(&|i, s| {
            if i == 3 {
                s["environment"]["KAFKA_PROCESS_ROLES"] = "controller".into();
            }
        });
        let v = isolated_voters(&nodes);
        assert!(
            v[0].starts_with(
                "the controller-only nodes (node.id {3}) are not exactly the voters ({1, 2, 3})"
            ),
            "{v:?}"
        );
        assert_eq!(
            cluster_violations(&nodes[..1]),
            Vec::<String>::new(),
            "a single node is judged alone"
        );
    }
}
