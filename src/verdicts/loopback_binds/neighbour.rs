//! "127.0.0.1 only", proven from the LAN: no path from a neighbour reaches
//! Kafka or Redis. Judged on what the test host got back, never on what the
//! host says about its bindings; the engine's version is a hint beside it.

use std::collections::BTreeSet;

use crate::model::neighbour::{Answer, Attempt, NeighbourObservation, Path};
use crate::verdicts::{Failure, Verdict};

/// The raw-table rules Engine 28.0.0 adds for this stack (moby's
/// `usernet-portmap-lo`), for the ports and container addresses tried: one
/// per loopback-published port, one per container address on its bridge.
fn engine28_rules(attempts: &[Attempt]) -> Vec<String> {
    let infra = attempts.iter().filter(|a| !a.public);
    let mut rules = BTreeSet::new();
    for a in infra {
        match &a.path {
            Path::LoopbackSpoof => {
                rules.insert(format!("iptables -t raw -A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp --dport {} -j DROP", a.target.port()));
            }
            Path::LoopbackV6 if a.answer.reached() => {
                rules.insert(format!(
                    "ip6tables -t raw -A PREROUTING -d ::1/128 ! -i lo -p tcp --dport {} -j DROP",
                    a.target.port()
                ));
            }
            Path::ContainerAddress { bridge, .. } => {
                let (cmd, len) = if a.target.is_ipv4() {
                    ("iptables", 32)
                } else {
                    ("ip6tables", 128)
                };
                rules.insert(format!(
                    "{cmd} -t raw -A PREROUTING -d {}/{len} ! -i {bridge} -j DROP",
                    a.target.ip()
                ));
            }
            _ => {}
        }
    }
    rules.into_iter().collect()
}

/// One line per attempt: service, path, address, answer.
pub fn describe(a: &Attempt) -> String {
    format!(
        "{} via {}: {} {}",
        a.service,
        a.path.describe(),
        a.target,
        a.answer.describe()
    )
}

/// What reached a service, the engine it ran on, and the fix for each path.
fn reached_evidence(
    obs: &NeighbourObservation,
    reached: &[&&Attempt],
    engine: &str,
    hints: &[String],
) -> Vec<String> {
    let mut evidence: Vec<String> = reached.iter().map(|a| describe(a)).collect();
    let hints = if hints.is_empty() {
        String::new()
    } else {
        format!(": {}", hints.join("; "))
    };
    evidence.push(format!("Docker Engine {engine}{hints}"));
    if reached.iter().any(|a| a.path == Path::HostAddress) {
        evidence.push("fix (this host's address answered): publish the port on 127.0.0.1 only (\"127.0.0.1:P:P\")".into());
    }
    if reached.iter().any(|a| a.path != Path::HostAddress) {
        evidence.push("fix: Docker Engine 28.0.0 or later (28.3.3 or later where firewalld runs) drops these paths itself; on this engine, the raw-table rules Engine 28 adds for this stack:".into());
        evidence.extend(
            engine28_rules(&obs.attempts)
                .into_iter()
                .map(|r| format!("  {r}")),
        );
    }
    evidence
}

/// No attempt on a service that is not public reached it, on a probe that
/// proved it reaches this host. `engine` is the engine's version and
/// `hints` what its version is known for: said beside a failure.
pub fn nothing_reached(
    obs: &NeighbourObservation,
    services: &[String],
    engine: &str,
    hints: &[String],
) -> Verdict {
    let expected = format!(
        "no neighbour on the LAN reaches [{}]: every path from the test host refused or dropped",
        services.join(", ")
    );
    if !obs.path_proven() {
        return Err(Failure::new(
            format!("the test host reaches this host (a listener of the probe on {}, or a refused published port there), so that \"unreachable\" means something", obs.segment.host),
            format!("proof connect: {}", obs.proof.describe()),
        )
        .with_evidence([
            format!("test host {} in network namespace {}", obs.segment.neighbour, obs.netns),
            "a firewall on this host that drops new connections on its INPUT chain also drops the proof; the attempts below prove nothing then".to_string(),
        ])
        .with_evidence(obs.attempts.iter().map(describe)));
    }
    let infra: Vec<&Attempt> = obs.attempts.iter().filter(|a| !a.public).collect();
    if !infra
        .iter()
        .any(|a| !matches!(a.answer, Answer::NotTried(_)))
    {
        return Err(Failure::new(
            expected,
            "nothing was tried (no published port and no container address of these services)",
        ));
    }
    let reached: Vec<&&Attempt> = infra.iter().filter(|a| a.got_through()).collect();
    if reached.is_empty() {
        return Ok(());
    }
    let evidence = reached_evidence(obs, &reached, engine, hints);
    Err(Failure::new(
        expected,
        format!(
            "{} path(s) from the test host {} reached a service",
            reached.len(),
            obs.segment.neighbour
        ),
    )
    .with_evidence(evidence))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::neighbour::Segment;

    fn at(service: &str, public: bool, path: Path, target: &str, answer: Answer) -> Attempt {
        Attempt {
            service: service.into(),
            public,
            path,
            target: target.parse().unwrap(),
            answer,
        }
    }

    fn bridge() -> Path {
        Path::ContainerAddress {
            network: "p_default".into(),
            bridge: "br-0123456789ab".into(),
        }
    }

    fn obs(attempts: Vec<Attempt>, proof: Answer) -> NeighbourObservation {
        NeighbourObservation {
            netns: "kraftacc-nb-1-2".into(),
            segment: Segment {
                host: "198.18.0.1".parse().unwrap(),
                neighbour: "198.18.0.2".parse().unwrap(),
                prefix: 30,
            },
            host_link_local: None,
            proof,
            attempts,
            seconds: 1.6,
        }
    }

    fn vulnerable() -> Vec<Attempt> {
        vec![
            at(
                "kafka",
                false,
                Path::LoopbackSpoof,
                "127.0.0.1:9093",
                Answer::Service("Kafka ApiVersions response, error code 0, 20 API keys".into()),
            ),
            at(
                "kafka",
                false,
                Path::LoopbackV6,
                "[::1]:9093",
                Answer::NoAnswer,
            ),
            at(
                "kafka",
                false,
                Path::HostAddress,
                "198.18.0.1:9093",
                Answer::Refused,
            ),
            at(
                "kafka",
                false,
                bridge(),
                "172.18.0.2:9093",
                Answer::Service("Kafka ApiVersions response, error code 0, 20 API keys".into()),
            ),
            at(
                "redis",
                false,
                Path::LoopbackSpoof,
                "127.0.0.1:6379",
                Answer::Service("Redis replied +PONG to PING".into()),
            ),
            at(
                "redis",
                false,
                bridge(),
                "172.18.0.3:6379",
                Answer::NoAnswer,
            ),
        ]
    }

    #[test]
    fn a_loopback_spoof_and_a_container_address_that_answer_fail_with_the_fix() {
        let services = ["kafka".to_string(), "redis".to_string()];
        let f = nothing_reached(
            &obs(
                vulnerable(),
                Answer::Connected("TCP connection accepted".into()),
            ),
            &services,
            "20.10.24+dfsg1",
            &["before 28.0.0".into()],
        )
        .unwrap_err();
        assert_eq!(
            f.observed,
            "3 path(s) from the test host 198.18.0.2 reached a service"
        );
        let e = f.evidence.join("\n");
        assert!(e.contains("kafka via loopback spoof (127.0.0.1 routed via this host): 127.0.0.1:9093 ANSWERED: Kafka ApiVersions"), "{e}");
        assert!(e.contains("kafka via container address on network p_default (routed via this host): 172.18.0.2:9093 ANSWERED"), "{e}");
        assert!(e.contains("redis via loopback spoof (127.0.0.1 routed via this host): 127.0.0.1:6379 ANSWERED: Redis replied +PONG"), "{e}");
        assert!(
            e.contains("Docker Engine 20.10.24+dfsg1: before 28.0.0"),
            "{e}"
        );
        assert!(e.contains("  iptables -t raw -A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp --dport 6379 -j DROP"), "{e}");
        assert!(
            e.contains(
                "  iptables -t raw -A PREROUTING -d 172.18.0.3/32 ! -i br-0123456789ab -j DROP"
            ),
            "every container address, reached or not: {e}"
        );
        assert!(!e.contains("ip6tables"), "[::1] did not answer: {e}");
    }

    #[test]
    fn dropped_paths_pass_only_on_a_proven_probe() {
        let mitigated: Vec<Attempt> = vulnerable()
            .into_iter()
            .map(|mut a| {
                if a.answer.reached() {
                    a.answer = Answer::NoAnswer;
                }
                a
            })
            .collect();
        let s = ["kafka".to_string()];
        assert!(nothing_reached(
            &obs(
                mitigated.clone(),
                Answer::Connected("TCP connection accepted".into())
            ),
            &s,
            "20.10.24",
            &[]
        )
        .is_ok());
        // The probe's own listener dropped too, but a published port on the host's address refused: the path works.
        assert!(nothing_reached(
            &obs(mitigated.clone(), Answer::NoAnswer),
            &s,
            "20.10.24",
            &[]
        )
        .is_ok());
        let unproven: Vec<Attempt> = mitigated
            .into_iter()
            .filter(|a| a.path != Path::HostAddress)
            .collect();
        let f = nothing_reached(&obs(unproven, Answer::NoAnswer), &s, "20.10.24", &[]).unwrap_err();
        assert!(
            f.expected.starts_with("the test host reaches this host"),
            "{f}"
        );
        assert_eq!(f.observed, "proof connect: no answer (dropped)");
    }

    #[test]
    fn a_public_service_may_answer_and_nothing_tried_is_not_a_pass() {
        let ok = vec![
            at(
                "nginx-proxy",
                true,
                Path::HostAddress,
                "198.18.0.1:443",
                Answer::Connected("TCP connection accepted".into()),
            ),
            at(
                "redis",
                false,
                Path::LoopbackSpoof,
                "127.0.0.1:6379",
                Answer::NoAnswer,
            ),
        ];
        let s = ["redis".to_string()];
        assert!(
            nothing_reached(&obs(ok, Answer::Connected("x".into())), &s, "28.3.3", &[]).is_ok()
        );
        let none = vec![at(
            "redis",
            false,
            Path::LoopbackV6,
            "[::1]:6379",
            Answer::NotTried("IPv6 is off".into()),
        )];
        let f = nothing_reached(&obs(none, Answer::Connected("x".into())), &s, "28.3.3", &[])
            .unwrap_err();
        assert!(f.observed.starts_with("nothing was tried"), "{f}");
    }

    #[test]
    fn a_port_on_every_interface_says_to_publish_on_loopback() {
        let open = vec![at(
            "redis",
            false,
            Path::HostAddress,
            "198.18.0.1:6379",
            Answer::Service("Redis replied +PONG to PING".into()),
        )];
        let f = nothing_reached(
            &obs(open, Answer::Connected("x".into())),
            &["redis".into()],
            "28.3.3",
            &[],
        )
        .unwrap_err();
        let e = f.evidence.join("\n");
        assert!(
            e.contains("publish the port on 127.0.0.1 only") && !e.contains("raw-table"),
            "{e}"
        );
    }
}
