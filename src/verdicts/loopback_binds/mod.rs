//! "Binds to 127.0.0.1 only": judged on the whole set of host bindings,
//! wherever they were read from (compose config, engine, socket tables).

pub mod neighbour;

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::{none_of, Failure, Verdict};
use crate::model::compose::{ComposeModel, DeclaredBinding};
use crate::model::engine::{ContainerInfo, ReportedBinding};
use crate::model::sockets::Socket;

const LOOPBACK_V4: &str = "127.0.0.1";

/// One host binding of a published port, from any source (declared in the
/// compose config, reported by the engine, seen in a socket table), with
/// where it was seen: what the loopback verdict judges.
#[derive(Debug, Clone, PartialEq)]
pub struct HostBinding {
    /// `None`: no host IP given, i.e. every interface (0.0.0.0 and ::).
    pub ip: Option<String>,
    pub port: String,
    pub origin: String,
}

impl HostBinding {
    pub fn from_config(service: &str, p: &DeclaredBinding) -> Self {
        HostBinding {
            ip: p.host_ip.clone().filter(|s| !s.is_empty()),
            port: p.published.clone().unwrap_or_else(|| "<ephemeral>".into()),
            origin: format!("compose config services.{service}.ports: {p}"),
        }
    }
}

impl HostBinding {
    /// The engine reports "" or "0.0.0.0"/"::" for every interface.
    pub fn from_engine(c: &ContainerInfo, b: &ReportedBinding) -> Self {
        HostBinding {
            ip: Some(b.host_ip.clone()).filter(|s| !s.is_empty()),
            port: b.host_port.clone(),
            origin: format!(
                "engine {}: NetworkSettings.Ports[{}] = {}:{}",
                c.name, b.container_port, b.host_ip, b.host_port
            ),
        }
    }

    pub fn from_socket(s: &Socket) -> Self {
        HostBinding {
            ip: Some(s.ip_unmapped().to_string()),
            port: s.port.to_string(),
            origin: s.describe(),
        }
    }

    /// `127.0.0.1:9093`, `*:6379`: how the report shows it.
    pub fn shown(&self) -> String {
        format!("{}:{}", self.ip.as_deref().unwrap_or("*"), self.port)
    }

    /// Its own verdict, for the report's bindings table.
    pub fn verdict(&self) -> &'static str {
        not_loopback_v4(self.ip.as_deref()).unwrap_or("127.0.0.1 only: ok")
    }

    /// Exactly 127.0.0.1.
    pub fn on_loopback(&self) -> bool {
        not_loopback_v4(self.ip.as_deref()).is_none()
    }
}

/// The host's listening sockets on a service's published ports are all on
/// 127.0.0.1 (tcp and tcp6 both); the service must publish something.
pub fn host_sockets_only_loopback(
    service: &str,
    ports: &BTreeSet<u16>,
    socks: &[Socket],
) -> Verdict {
    if ports.is_empty() {
        return Err(Failure::new(
            format!("{service} published on the host"),
            "the engine reports no host port",
        ));
    }
    let bad: Vec<String> = socks
        .iter()
        .filter(|s| ports.contains(&s.port))
        .filter_map(|s| {
            not_loopback_v4(Some(&s.ip_unmapped().to_string()))
                .map(|why| format!("{} ({why})", s.describe()))
        })
        .collect();
    let shown: Vec<String> = ports.iter().map(u16::to_string).collect();
    none_of(
        &format!("every host listener on {service}'s ports [{}] bound to 127.0.0.1 (/proc/net/tcp and tcp6)", shown.join(", ")),
        "listeners elsewhere",
        bad,
    )
}

/// Why a host IP is not exactly 127.0.0.1; `None` when it is.
fn not_loopback_v4(ip: Option<&str>) -> Option<&'static str> {
    let Some(ip) = ip else {
        return Some("no host IP: every interface, IPv4 and IPv6");
    };
    let ip = ip.trim_start_matches('[').trim_end_matches(']');
    if ip == LOOPBACK_V4 {
        return None;
    }
    Some(match ip.parse::<IpAddr>() {
        Ok(a) if a.is_unspecified() && a.is_ipv4() => "IPv4 wildcard: every interface",
        Ok(a) if a.is_unspecified() => "IPv6 wildcard: every interface (and IPv4 where dual-stack)",
        Ok(a) if a.is_loopback() => "loopback, but not 127.0.0.1",
        Ok(_) => "a non-loopback address",
        Err(_) => "not an IP address",
    })
}

/// Is this host IP reachable only from this host?
pub(crate) fn is_loopback(ip: Option<&str>) -> bool {
    ip.map(|s| s.trim_start_matches('[').trim_end_matches(']'))
        .and_then(|s| s.parse::<IpAddr>().ok())
        .is_some_and(|a| a.is_loopback())
}

/// Every bind of `what` must be on 127.0.0.1, and there must be at least one.
pub fn only_loopback_v4(what: &str, binds: &[HostBinding]) -> Verdict {
    let expected = format!("every host binding of {what} on {LOOPBACK_V4}, and at least one");
    if binds.is_empty() {
        return Err(Failure::new(
            expected,
            format!("{what} has no host binding"),
        ));
    }
    let bad: Vec<String> = binds
        .iter()
        .filter_map(|b| not_loopback_v4(b.ip.as_deref()).map(|why| format!("{} ({why})", b.origin)))
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    let seen: Vec<String> = binds.iter().map(HostBinding::shown).collect();
    Err(Failure::new(
        expected,
        format!(
            "{} of {} bindings elsewhere: {}",
            bad.len(),
            binds.len(),
            seen.join(", ")
        ),
    )
    .with_evidence(bad))
}

/// Services other than `allowed` that publish on a non-loopback address
/// (a service disabled with `deploy.replicas: 0` publishes nothing).
pub fn public_publishers(model: &ComposeModel, allowed: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (name, s) in model.running_services() {
        if allowed.contains(name) {
            continue;
        }
        for p in &s.ports {
            if !is_loopback(p.host_ip.as_deref()) {
                out.push(format!("service \"{name}\" publishes {p}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(ip: Option<&str>) -> HostBinding {
        HostBinding {
            ip: ip.map(str::to_string),
            port: "9093".into(),
            origin: format!("test {ip:?}"),
        }
    }

    #[test]
    fn exact_loopback_passes() {
        assert!(only_loopback_v4("kafka", &[b(Some("127.0.0.1")), b(Some("[127.0.0.1]"))]).is_ok());
    }

    #[test]
    fn any_other_binding_in_the_set_fails() {
        for ip in [
            None,
            Some("0.0.0.0"),
            Some("::"),
            Some("[::]"),
            Some("::1"),
            Some("127.0.0.2"),
            Some("192.0.2.1"),
        ] {
            let r = only_loopback_v4("kafka", &[b(Some("127.0.0.1")), b(ip)]);
            let f = r.expect_err(&format!("{ip:?} must fail"));
            assert!(f.observed.contains("1 of 2"), "{f}");
        }
    }

    #[test]
    fn a_udp_port_on_every_interface_is_a_binding_to_judge() {
        let udp = DeclaredBinding {
            target: 9093,
            published: Some("9093".into()),
            host_ip: Some("0.0.0.0".into()),
            protocol: Some("udp".into()),
        };
        let binds = [
            b(Some("127.0.0.1")),
            HostBinding::from_config("kafka", &udp),
        ];
        let f = only_loopback_v4("kafka", &binds).unwrap_err();
        assert!(f.observed.contains("1 of 2"), "{f}");
        assert!(
            f.evidence
                .iter()
                .any(|e| e.contains("0.0.0.0:9093->9093/udp")),
            "{f}"
        );
    }

    #[test]
    fn host_sockets_on_the_published_ports_must_be_loopback() {
        let s = |ip: &str, port| Socket {
            table: "/proc/net/tcp".into(),
            ip: ip.parse().unwrap(),
            port,
            listening: true,
            inode: 9,
            line: String::new(),
        };
        let ports = BTreeSet::from([9093]);
        assert!(host_sockets_only_loopback(
            "kafka",
            &ports,
            &[s("127.0.0.1", 9093), s("0.0.0.0", 22)]
        )
        .is_ok());
        assert!(
            host_sockets_only_loopback("kafka", &ports, &[s("::ffff:127.0.0.1", 9093)]).is_ok(),
            "IPv4-mapped loopback"
        );
        let f = host_sockets_only_loopback(
            "kafka",
            &ports,
            &[s("127.0.0.1", 9093), s("0.0.0.0", 9093)],
        )
        .unwrap_err();
        assert_eq!(
            f.evidence,
            vec![
                "/proc/net/tcp: 0.0.0.0:9093 listening (inode 9) (IPv4 wildcard: every interface)"
            ]
        );
        assert!(host_sockets_only_loopback("kafka", &ports, &[s("::", 9093)]).is_err());
        assert!(host_sockets_only_loopback("kafka", &BTreeSet::new(), &[]).is_err());
    }

    #[test]
    fn no_binding_fails() {
        assert!(only_loopback_v4("redis", &[])
            .unwrap_err()
            .observed
            .contains("no host binding"));
    }

    #[test]
    fn reasons_tell_wildcards_apart() {
        assert_eq!(
            not_loopback_v4(Some("::")),
            Some("IPv6 wildcard: every interface (and IPv4 where dual-stack)")
        );
        assert_eq!(
            not_loopback_v4(Some("0.0.0.0")),
            Some("IPv4 wildcard: every interface")
        );
        assert!(is_loopback(Some("::1")) && !is_loopback(None) && !is_loopback(Some("0.0.0.0")));
    }

    #[test]
    fn a_disabled_service_publishes_nothing() {
        let m: ComposeModel = serde_json::from_str(
            r#"{"services":{"nb":{"ports":[{"target":8888,"published":"8888"}],"deploy":{"replicas":0}},
                "ui":{"ports":[{"target":8080,"published":"8080","host_ip":"0.0.0.0"}],"deploy":{"replicas":1}}}}"#,
        )
        .unwrap();
        assert_eq!(
            public_publishers(&m, &[]),
            vec!["service \"ui\" publishes 0.0.0.0:8080->8080/tcp"]
        );
        assert_eq!(m.disabled_services(), vec!["nb"]);
    }
}
