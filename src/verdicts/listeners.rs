//! The listener contract: which address each kind of client is told, and
//! whether it can reach it.

use std::collections::{BTreeMap, BTreeSet};

use super::{none_of, Failure, Verdict};
use crate::model::cluster::KafkaNode;
use crate::model::compose::{ComposeModel, DeclaredBinding};
use crate::model::kafka::{DataStep, KafkaObservation};
use crate::model::kafka_props::{parse_listeners, Listener};
use crate::model::sockets::Socket;

/// What a client that bootstraps from `want` must be told: `want`, and
/// every other broker of the cluster at its advertised address on the same
/// listener (a cluster's metadata lists every broker it has).
pub fn told_cluster(nodes: &[KafkaNode], named: &str, want: &str) -> BTreeSet<String> {
    let mut told = BTreeSet::from([want.to_string()]);
    let Some(listener) = nodes
        .iter()
        .find(|n| n.service == named)
        .and_then(|n| n.advertised.iter().find(|l| l.address() == want))
    else {
        return told;
    };
    for node in nodes.iter().filter(|n| n.broker && n.service != named) {
        let on_it: Vec<String> = node
            .advertised
            .iter()
            .filter(|l| l.name == listener.name)
            .map(Listener::address)
            .collect();
        // A broker with no address there is still the cluster's: the answer
        // must name it, and no address a client is told can match this.
        if on_it.is_empty() {
            told.insert(format!(
                "{} at an address on listener {} (it advertises none)",
                node.shown(),
                listener.name
            ));
        }
        told.extend(on_it);
    }
    told
}

/// The brokers a client was told are exactly `want`, nothing else.
pub fn told_exactly(obs: &KafkaObservation, want: &BTreeSet<String>) -> Verdict {
    let seen: BTreeSet<String> = obs.brokers.iter().cloned().collect();
    if &seen == want {
        return Ok(());
    }
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    let expected = match want.as_slice() {
        [one] => format!("metadata from {} lists exactly the broker {one}", obs.bootstrap),
        all => format!(
            "metadata from {} lists exactly the brokers [{}] (each broker's advertised address on the bootstrap's listener)",
            obs.bootstrap,
            all.join(", ")
        ),
    };
    Err(
        Failure::new(expected, format!("brokers [{}]", obs.brokers.join(", "))).with_evidence([
            format!("Metadata v4 answer on a connection to {}", obs.bootstrap),
        ]),
    )
}

/// The client's data path (round trip, or read-only offsets) worked. A
/// consumer group that got nowhere names the broker setting behind the
/// usual cause: `offsets.topic.replication.factor` (Kafka's default 3)
/// above the brokers the cluster has, so `__consumer_offsets` cannot be
/// created and no group ever finds a coordinator.
pub fn data_path_works(
    obs: &KafkaObservation,
    props: &BTreeMap<String, String>,
) -> Verdict<String> {
    let d = obs.data.as_ref().ok_or_else(|| {
        Failure::new(
            format!("a data path through {}", obs.bootstrap),
            "the client made no data check",
        )
    })?;
    d.outcome().clone().map_err(|e| {
        let mut f = Failure::new(d.expected(&obs.bootstrap), e.to_string());
        let factor = props.get("offsets.topic.replication.factor").and_then(|v| v.trim().parse::<usize>().ok());
        let brokers = obs.brokers.len();
        if matches!(e.step, DataStep::Group | DataStep::Commit) && factor.unwrap_or(3) > brokers {
            let set = match factor {
                Some(n) => format!("offsets.topic.replication.factor={n}"),
                None => "offsets.topic.replication.factor is not set (Kafka's default: 3)".into(),
            };
            f.observed.push_str(&format!(
                "; {set}, but the Metadata answer names {brokers} broker(s): if that is the whole cluster, Kafka cannot create __consumer_offsets, so no consumer group gets a coordinator (set KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 on a single node)"
            ));
        }
        f
    })
}

/// Inside the container something listens on the port of every advertised
/// listener (the sockets of its network namespace).
pub fn every_advertised_listens(
    container: &str,
    props: &BTreeMap<String, String>,
    socks: &[Socket],
) -> Verdict {
    let mut missing = Vec::new();
    for a in &advertised(props)? {
        let port = container_port(props, &a.name)?;
        if !socks.iter().any(|s| s.port == port) {
            missing.push(format!(
                "listener {} (container port {port}) has no listening socket in {container}",
                a.name
            ));
        }
    }
    none_of(
        &format!("a listening socket in {container} for every advertised listener"),
        "listeners missing",
        missing,
    )
}

/// Exactly one advertised listener whose address is exactly `want`.
pub fn advertised_exactly(advertised: &[Listener], want: &str) -> Verdict<Listener> {
    let seen = || {
        advertised
            .iter()
            .map(|l| format!("{}://{}", l.name, l.address()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let hits: Vec<&Listener> = advertised.iter().filter(|l| l.address() == want).collect();
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure::new(
            format!("one advertised listener with address exactly {want}"),
            format!("advertised.listeners = {}", seen()),
        )),
        _ => Err(Failure::new(
            format!("one advertised listener with address exactly {want}"),
            format!("{} listeners advertise it: {}", hits.len(), seen()),
        )),
    }
}

/// Advertised listeners from the resolved properties (default: `listeners`).
pub fn advertised(props: &BTreeMap<String, String>) -> Verdict<Vec<Listener>> {
    let v = props
        .get("advertised.listeners")
        .or_else(|| props.get("listeners"))
        .ok_or_else(|| Failure::new("advertised.listeners (or listeners) set", "neither is set"))?;
    parse_listeners(v).map_err(|e| Failure::new("parseable advertised.listeners", e))
}

/// The container port a listener name binds, from `listeners`.
pub fn container_port(props: &BTreeMap<String, String>, name: &str) -> Verdict<u16> {
    let raw = props.get("listeners").cloned().unwrap_or_default();
    let ls = parse_listeners(&raw).map_err(|e| Failure::new("parseable listeners", e))?;
    ls.iter()
        .find(|l| l.name == name)
        .map(|l| l.port)
        .ok_or_else(|| {
            Failure::new(
                format!("listener {name} among listeners"),
                format!("listeners = {raw}"),
            )
        })
}

/// The host reaches the listener's container port through host port `want`
/// over TCP (a `udp` port of the same numbers does not count).
pub fn published_on(
    service: &str,
    ports: &[DeclaredBinding],
    container_port: u16,
    want: u16,
) -> Verdict {
    let expected =
        format!("{service}'s listener port {container_port} published on host port {want}");
    let hits: Vec<&DeclaredBinding> = ports
        .iter()
        .filter(|p| p.target == u32::from(container_port) && p.is_tcp())
        .collect();
    if hits.is_empty() {
        let all: Vec<String> = ports.iter().map(ToString::to_string).collect();
        return Err(Failure::new(
            expected,
            format!(
                "no TCP port targets {container_port}; ports: [{}]",
                all.join(", ")
            ),
        ));
    }
    let wrong: Vec<&&DeclaredBinding> = hits
        .iter()
        .filter(|p| p.published.as_deref() != Some(want.to_string().as_str()))
        .collect();
    if wrong.is_empty() {
        return Ok(());
    }
    let seen: Vec<String> = wrong
        .iter()
        .map(|p| {
            format!(
                "{}:{}",
                p.host_ip.as_deref().unwrap_or("*"),
                p.published.as_deref().unwrap_or("<ephemeral>")
            )
        })
        .collect();
    Err(
        Failure::new(expected, format!("published on host {}", seen.join(", "))).with_evidence(
            wrong
                .iter()
                .map(|p| format!("compose config services.{service}.ports: {p}")),
        ),
    )
}

/// An advertised host a tool on the host can connect to as given: loopback
/// names and IP literals. A name like `kafka` is Docker's DNS, which the
/// host does not use.
fn host_can_use(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<std::net::IpAddr>().is_ok()
}

/// Warnings, not failures: host ports whose listener advertises a name the
/// host cannot resolve. A host tool bootstrapping there connects, then is
/// told that name and cannot reach the broker (no criterion is broken: the
/// host tools' listener is another one).
pub fn host_port_traps(
    service: &str,
    props: &BTreeMap<String, String>,
    ports: &[DeclaredBinding],
) -> Vec<String> {
    let Ok(advertised) = advertised(props) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for l in advertised.iter().filter(|l| !host_can_use(&l.host)) {
        let Ok(cport) = container_port(props, &l.name) else {
            continue;
        };
        for p in ports
            .iter()
            .filter(|p| p.target == u32::from(cport) && p.published.is_some() && p.is_tcp())
        {
            let at = format!(
                "{}:{}",
                p.host_ip
                    .as_deref()
                    .filter(|ip| !ip.is_empty())
                    .unwrap_or("localhost"),
                p.published.as_deref().unwrap_or("")
            );
            let at = at.replace("127.0.0.1:", "localhost:");
            out.push(format!(
                "WARNING: {service} publishes {p} for listener {}, advertised as {}: a host tool bootstrapping at {at} is told {}, a name the host cannot resolve, and cannot reach the broker; host tools belong on the listener advertised as localhost",
                l.name,
                l.address(),
                l.address()
            ));
        }
    }
    out
}

/// `host` is a name other containers resolve to `service` on a network that
/// `service` shares with at least one other service. Docker's DNS answers the
/// service name, container_name and network aliases; `hostname` is only the
/// container's own name for itself, so it does not count.
pub fn resolvable_by_peers(model: &ComposeModel, service: &str, host: &str) -> Verdict<String> {
    let s = model
        .service(service)
        .map_err(|e| Failure::new(format!("service {service}"), e.to_string()))?;
    let expected = format!(
        "\"{host}\" resolves to service {service} on a network shared with another service"
    );
    let mut seen = Vec::new();
    for (net, att) in &s.networks {
        let peers: Vec<&String> = model
            .services
            .iter()
            .filter(|(n, o)| *n != service && o.networks.contains_key(net))
            .map(|(n, _)| n)
            .collect();
        let aliases = att.as_ref().map(|a| a.aliases.clone()).unwrap_or_default();
        let names_here = std::iter::once(service.to_string())
            .chain(s.container_name.clone())
            .chain(aliases);
        let names: Vec<String> = names_here.collect();
        if names.iter().any(|n| n == host) && !peers.is_empty() {
            return Ok(net.clone());
        }
        seen.push(format!(
            "network {net}: names [{}], peers [{}]",
            names.join(", "),
            peers
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if s.networks.is_empty() {
        seen.push("no networks listed (compose's default network)".into());
    }
    Err(Failure::new(
        expected,
        format!("not resolvable that way ({})", seen.join("; ")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(name: &str, host: &str, port: u16) -> Listener {
        Listener {
            name: name.into(),
            host: host.into(),
            port,
        }
    }

    fn port(ip: &str, published: &str, target: u32) -> DeclaredBinding {
        DeclaredBinding {
            target,
            published: Some(published.into()),
            host_ip: Some(ip.into()),
            protocol: None,
        }
    }

    fn told(brokers: &[&str], data: Option<crate::model::kafka::DataPath>) -> KafkaObservation {
        KafkaObservation {
            bootstrap: "localhost:9093".into(),
            brokers: brokers.iter().map(|b| b.to_string()).collect(),
            topics: Default::default(),
            data,
        }
    }

    fn one(a: &str) -> BTreeSet<String> {
        BTreeSet::from([a.to_string()])
    }

    #[test]
    fn clients_must_be_told_exactly_one_address() {
        assert!(told_exactly(&told(&["localhost:9093"], None), &one("localhost:9093")).is_ok());
        let f = told_exactly(&told(&["kafka:9092"], None), &one("localhost:9093")).unwrap_err();
        assert_eq!(f.observed, "brokers [kafka:9092]");
        assert!(told_exactly(
            &told(&["localhost:9093", "kafka:9092"], None),
            &one("localhost:9093")
        )
        .is_err());
        assert!(told_exactly(&told(&[], None), &one("localhost:9093")).is_err());
    }

    /// A node of a combined cluster advertising `kafka-N:19092` and
    /// `localhost:P` (PLAINTEXT_HOST).
    fn node(n: u8, broker: bool, host_port: u16) -> KafkaNode {
        let svc: crate::model::compose::Service = Default::default();
        let props = BTreeMap::from([
            (
                "process.roles".to_string(),
                if broker {
                    "broker,controller"
                } else {
                    "controller"
                }
                .to_string(),
            ),
            ("node.id".to_string(), n.to_string()),
            (
                "listeners".to_string(),
                "PLAINTEXT://:19092,CONTROLLER://:9093,PLAINTEXT_HOST://:9092".to_string(),
            ),
            (
                "controller.listener.names".to_string(),
                "CONTROLLER".to_string(),
            ),
            (
                "advertised.listeners".to_string(),
                format!("PLAINTEXT://kafka-{n}:19092,PLAINTEXT_HOST://localhost:{host_port}"),
            ),
        ]);
        crate::verdicts::kraft::cluster::read_node(&format!("kafka-{n}"), &svc, &props)
    }

    #[test]
    fn a_cluster_client_is_told_every_broker_on_its_listener() {
        let nodes = [
            node(1, true, 29092),
            node(2, true, 39092),
            node(3, true, 49092),
        ];
        let want = told_cluster(&nodes, "kafka-1", "localhost:29092");
        let all = ["localhost:29092", "localhost:39092", "localhost:49092"];
        assert_eq!(want, all.iter().map(|a| a.to_string()).collect());
        assert!(told_exactly(&told(&all, None), &want).is_ok());
        // A broker missing from the answer, or the bootstrap's alone: both fail.
        let f = told_exactly(&told(&all[..2], None), &want).unwrap_err();
        assert!(
            f.expected.contains(
                "lists exactly the brokers [localhost:29092, localhost:39092, localhost:49092]"
            ),
            "{}",
            f.expected
        );
        assert_eq!(f.observed, "brokers [localhost:29092, localhost:39092]");
        assert!(told_exactly(&told(&all[..1], None), &want).is_err());
        // Containers are told each broker's internal address; a controller is never told.
        let nodes = [
            node(1, true, 29092),
            node(2, true, 39092),
            node(3, false, 49092),
        ];
        let want = told_cluster(&nodes, "kafka-1", "kafka-1:19092");
        assert_eq!(
            want,
            ["kafka-1:19092", "kafka-2:19092"]
                .iter()
                .map(|a| a.to_string())
                .collect()
        );
        // A broker that advertises nothing on the bootstrap's listener is
        // named as missing, so a client told only the others fails.
        let mut quiet = node(2, true, 39092);
        quiet
            .advertised
            .retain(|l| l.name != nodes[0].advertised[1].name);
        let nodes = [node(1, true, 29092), quiet, node(3, true, 49092)];
        let want = told_cluster(&nodes, "kafka-1", "localhost:29092");
        assert_eq!(want.len(), 3, "{want:?}");
        assert!(
            want.iter()
                .any(|w| w.starts_with("kafka-2 (node.id 2, broker")
                    && w.contains("it advertises none")),
            "{want:?}"
        );
        let f =
            told_exactly(&told(&["localhost:29092", "localhost:49092"], None), &want).unwrap_err();
        assert!(f.expected.contains("it advertises none"), "{}", f.expected);
    }

    #[test]
    fn data_path_must_work() {
        use crate::model::kafka::{DataPath, DataStep};
        let none = BTreeMap::new();
        assert_eq!(
            data_path_works(
                &told(&[], Some(DataPath::RoundTrip(Ok("done".into())))),
                &none
            )
            .unwrap(),
            "done"
        );
        let f = data_path_works(
            &told(
                &[],
                Some(DataPath::RoundTrip(Err(
                    DataStep::Produce.failed("produce: timed out")
                ))),
            ),
            &none,
        )
        .unwrap_err();
        assert_eq!(
            (f.expected.as_str(), f.observed.as_str()),
            (
                "create, produce, consume in a consumer group and commit through localhost:9093",
                "produce: timed out"
            )
        );
        let f = data_path_works(
            &told(
                &[],
                Some(DataPath::ReadOnly(Err(
                    DataStep::NoTopic.failed("no application topic")
                ))),
            ),
            &none,
        )
        .unwrap_err();
        assert!(f.expected.contains("nothing written"), "{}", f.expected);
        assert!(data_path_works(&told(&[], None), &none).is_err());
        let group = || {
            Some(DataPath::RoundTrip(Err(
                DataStep::Group.failed("consumer group g read nothing")
            )))
        };
        let f = data_path_works(&told(&["localhost:9093"], group()), &none).unwrap_err();
        assert!(f.observed.contains("offsets.topic.replication.factor is not set (Kafka's default: 3), but the Metadata answer names 1 broker(s)"), "{f}");
        let one = BTreeMap::from([(
            "offsets.topic.replication.factor".to_string(),
            "1".to_string(),
        )]);
        let f = data_path_works(&told(&["localhost:9093"], group()), &one).unwrap_err();
        assert!(
            !f.observed.contains("replication.factor"),
            "a factor the cluster can meet is not blamed: {f}"
        );
    }

    #[test]
    fn every_advertised_listener_needs_a_socket() {
        let props = BTreeMap::from([
            (
                "listeners".to_string(),
                "INTERNAL://:9092,EXTERNAL://:9093".to_string(),
            ),
            (
                "advertised.listeners".to_string(),
                "INTERNAL://kafka:9092,EXTERNAL://localhost:9093".to_string(),
            ),
        ]);
        let s = |port| Socket {
            table: "t".into(),
            ip: "0.0.0.0".parse().unwrap(),
            port,
            listening: true,
            inode: 1,
            line: String::new(),
        };
        assert!(every_advertised_listens("p-kafka-1", &props, &[s(9092), s(9093)]).is_ok());
        let f = every_advertised_listens("p-kafka-1", &props, &[s(9092)]).unwrap_err();
        assert_eq!(
            f.evidence,
            vec!["listener EXTERNAL (container port 9093) has no listening socket in p-kafka-1"]
        );
    }

    #[test]
    fn advertised_must_match_exactly_once() {
        let ok = [
            l("INTERNAL", "kafka", 9092),
            l("EXTERNAL", "localhost", 9093),
        ];
        assert_eq!(
            advertised_exactly(&ok, "localhost:9093").unwrap().name,
            "EXTERNAL"
        );
        let f = advertised_exactly(
            &[l("INTERNAL", "kafka", 9092), l("EXTERNAL", "kafka", 9092)],
            "localhost:9093",
        )
        .unwrap_err();
        assert!(f.observed.contains("EXTERNAL://kafka:9092"), "{f}");
        assert!(advertised_exactly(
            &[l("A", "kafka", 9092), l("B", "kafka", 9092)],
            "kafka:9092"
        )
        .is_err());
        // Exact, not "contains".
        assert!(advertised_exactly(&[l("A", "kafka", 19092)], "kafka:9092").is_err());
    }

    #[test]
    fn published_port_must_equal_the_advertised_one() {
        assert!(published_on("kafka", &[port("127.0.0.1", "9093", 9093)], 9093, 9093).is_ok());
        let f = published_on("kafka", &[port("127.0.0.1", "19093", 9093)], 9093, 9093).unwrap_err();
        assert!(f.observed.contains("19093"), "{f}");
        assert!(published_on("kafka", &[port("127.0.0.1", "9093", 9092)], 9093, 9093).is_err());
    }

    #[test]
    fn a_udp_port_does_not_publish_a_listener() {
        let udp = DeclaredBinding {
            protocol: Some("udp".into()),
            ..port("127.0.0.1", "9093", 9093)
        };
        let f = published_on("kafka", std::slice::from_ref(&udp), 9093, 9093).unwrap_err();
        assert!(f.observed.contains("127.0.0.1:9093->9093/udp"), "{f}");
        let tcp = DeclaredBinding {
            protocol: Some("TCP".into()),
            ..udp.clone()
        };
        assert!(published_on("kafka", &[udp, tcp], 9093, 9093).is_ok());
    }

    #[test]
    fn peers_resolve_service_names_and_aliases_not_hostnames() {
        let m: ComposeModel = serde_json::from_str(
            r#"{"services":{"broker":{"hostname":"kafka","networks":{"n":null}},"app":{"networks":{"n":null}},
                "k2":{"networks":{"m":{"aliases":["kafka"]}}},"x":{"networks":{"m":null}}}}"#,
        )
        .unwrap();
        assert!(resolvable_by_peers(&m, "broker", "kafka").is_err());
        assert!(resolvable_by_peers(&m, "broker", "broker").is_ok());
        assert_eq!(resolvable_by_peers(&m, "k2", "kafka").unwrap(), "m");
    }

    #[test]
    fn warns_of_a_host_port_advertised_by_a_container_name() {
        let props = BTreeMap::from([
            (
                "listeners".to_string(),
                "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094"
                    .to_string(),
            ),
            (
                "advertised.listeners".to_string(),
                "INTERNAL://kafka:9092,EXTERNAL://localhost:9093".to_string(),
            ),
        ]);
        let port = |published: &str, target: u32| DeclaredBinding {
            target,
            published: Some(published.into()),
            host_ip: Some("127.0.0.1".into()),
            protocol: None,
        };
        assert!(host_port_traps("kafka", &props, &[port("9093", 9093)]).is_empty());
        let w = host_port_traps("kafka", &props, &[port("9093", 9093), port("9092", 9092)]);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with("WARNING: kafka publishes 127.0.0.1:9092->9092/tcp for listener INTERNAL, advertised as kafka:9092: a host tool bootstrapping at localhost:9092 is told kafka:9092"),
            "{}",
            w[0]
        );
        assert!(
            host_can_use("127.0.0.1")
                && host_can_use("[::1]")
                && host_can_use("LOCALHOST")
                && !host_can_use("kafka")
        );
    }
}
