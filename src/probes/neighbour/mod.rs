//! A neighbour on the LAN, made for seconds: a network namespace joined to
//! this host by a veth pair, with addresses from 198.18.0.0/15 that collide
//! with none of this host's. From it, every published port of the stack is
//! tried the way an attacker on the same L2 segment would: `127.0.0.1:P`
//! and `[::1]:P` routed via this host, this host's own address, and each
//! container's own address routed via this host.
//!
//! Two details decide the result (measured on Debian's engine 20.10): the
//! test host's `lo` stays down (else its own 127/8 route wins), and it sets
//! `route_localnet=1` (else it drops the answer from 127.0.0.1, and the
//! probe would wrongly report "unreachable").
//!
//! The namespace is named after its owner (`kraftacc-nb-PID-STARTTICKS`);
//! removing it removes the veth pair. A run killed mid-probe leaves it, and
//! the next run's sweep (or `clean`) removes it. Needs root.

pub mod attempts;
pub mod segment;

use std::net::{IpAddr, Ipv6Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::model::engine::ContainerInfo;
use crate::model::neighbour::{
    Answer, Attempt, ContainerAddress, NeighbourObservation, Path, Protocol, Segment, ServiceTarget,
};
use crate::probes::engine::{Engine, EngineError};

const NETNS_PREFIX: &str = "kraftacc-nb-";
const NETNS_DIR: &str = "/run/netns";
/// The test host's end of the veth pair, inside its namespace.
const NEIGHBOUR_IF: &str = "lan0";

#[derive(Debug, thiserror::Error)]
pub enum NeighbourError {
    #[error("the neighbour probe makes a network namespace and a veth pair, which needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN); running as uid {0}")]
    NotRoot(u32),
    #[error("the neighbour probe needs iproute2's `ip` ({0})")]
    NoIp(std::io::Error),
    #[error("`ip {args}` failed: {stderr}")]
    Ip { args: String, stderr: String },
    #[error("no free /30 in 198.18.0.0/15 for the test host: this host routes or holds all that were tried")]
    NoSegment,
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("inside the test host: {0}")]
    Enter(#[from] attempts::EnterError),
}

fn ip(args: &[&str]) -> Result<(), NeighbourError> {
    let out = crate::children::output_within(
        Command::new("ip").args(args),
        std::time::Duration::from_secs(30),
    )
    .map_err(|e| match e {
        crate::children::Waited::Io(e) => NeighbourError::NoIp(e),
        e => NeighbourError::Ip {
            args: args.join(" "),
            stderr: e.to_string(),
        },
    })?;
    if !out.status.success() {
        return Err(NeighbourError::Ip {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(())
}

/// `ip` with `args` split on whitespace (no argument here holds a space).
fn ip_words(args: &str) -> Result<(), NeighbourError> {
    ip(&args.split_whitespace().collect::<Vec<_>>())
}

/// The namespace name for an owner process (pid and its start time).
fn netns_name(pid: u32, start_ticks: u64) -> String {
    format!("{NETNS_PREFIX}{pid}-{start_ticks}")
}

/// The owner a test host's name gives: (pid, start ticks).
pub(crate) fn owner_of(name: &str) -> Option<(u32, u64)> {
    let (pid, ticks) = name.strip_prefix(NETNS_PREFIX)?.split_once('-')?;
    Some((pid.parse().ok()?, ticks.parse().ok()?))
}

/// Test hosts on this machine (live or left by a killed run).
pub(crate) fn test_hosts() -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(NETNS_DIR) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| owner_of(n).is_some())
        .collect();
    out.sort();
    out
}

/// Removes a test host: its namespace, and with it its veth pair.
pub(crate) fn remove_test_host(name: &str) -> Result<(), NeighbourError> {
    ip(&["netns", "delete", name])
}

/// A test host that exists until dropped.
pub struct TestHost {
    pub name: String,
    pub segment: Segment,
    pub host_link_local: Option<Ipv6Addr>,
    host_if: String,
}

impl Drop for TestHost {
    fn drop(&mut self) {
        let _ = remove_test_host(&self.name);
    }
}

fn write_sysctl(path: &str, value: &str) -> Result<(), NeighbourError> {
    std::fs::write(path, value).map_err(|source| NeighbourError::Io {
        what: format!("write {path}"),
        source,
    })
}

fn ipv6_on_host() -> bool {
    std::fs::read_to_string("/proc/sys/net/ipv6/conf/all/disable_ipv6")
        .is_ok_and(|v| v.trim() == "0")
}

/// The link-local address of this host's end, once the kernel gave it one
/// (DAD is off on it, so it is usable at once; bounded wait).
fn link_local_of(ifname: &str) -> Option<Ipv6Addr> {
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        let found = nix::ifaddrs::getifaddrs().ok()?.find_map(|ifa| {
            let v6 = ifa.address.as_ref()?.as_sockaddr_in6()?.ip();
            (ifa.interface_name == ifname && (v6.segments()[0] & 0xffc0) == 0xfe80).then_some(v6)
        });
        if found.is_some() {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

impl TestHost {
    /// Makes the test host for `owner` (pid, start ticks) on a free segment,
    /// with routes via this host to 127.0.0.1, ::1 and `via_host`.
    pub fn create(owner: (u32, u64), via_host: &[IpAddr]) -> Result<TestHost, NeighbourError> {
        let uid = nix::unistd::geteuid();
        if !uid.is_root() {
            return Err(NeighbourError::NotRoot(uid.as_raw()));
        }
        let routes =
            std::fs::read_to_string("/proc/net/route").map_err(|source| NeighbourError::Io {
                what: "read /proc/net/route".into(),
                source,
            })?;
        let addrs: Vec<IpAddr> = nix::ifaddrs::getifaddrs()
            .map_err(|e| NeighbourError::Io {
                what: "getifaddrs".into(),
                source: e.into(),
            })?
            .filter_map(|ifa| {
                let a = ifa.address?;
                a.as_sockaddr_in()
                    .map(|v4| IpAddr::V4(v4.ip()))
                    .or_else(|| a.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip())))
            })
            .collect();
        let segment = segment::plan(&segment::parse_routes(&routes), &addrs, owner.0)
            .ok_or(NeighbourError::NoSegment)?;
        let name = netns_name(owner.0, owner.1);
        ip(&["netns", "add", &name])?;
        // From here on, dropping the value removes what exists.
        let mut host = TestHost {
            name,
            segment,
            host_link_local: None,
            host_if: format!("kanb{}", owner.0),
        };
        host.wire(via_host)?;
        Ok(host)
    }

    fn netns_path(&self) -> PathBuf {
        PathBuf::from(NETNS_DIR).join(&self.name)
    }

    fn wire(&mut self, via_host: &[IpAddr]) -> Result<(), NeighbourError> {
        let (ns, hif) = (self.name.clone(), self.host_if.clone());
        let (h, n) = (self.segment.host, self.segment.neighbour);
        let p = self.segment.prefix;
        ip_words(&format!(
            "link add {hif} type veth peer name {NEIGHBOUR_IF} netns {ns}"
        ))?;
        let v6 = ipv6_on_host();
        if v6 {
            let _ = write_sysctl(&format!("/proc/sys/net/ipv6/conf/{hif}/accept_dad"), "0");
        }
        ip_words(&format!("addr add {h}/{p} dev {hif}"))?;
        ip_words(&format!("link set {hif} up"))?;
        self.inside_sysctls(v6)?;
        ip_words(&format!("-n {ns} addr add {n}/{p} dev {NEIGHBOUR_IF}"))?;
        // `lo` stays down: its local 127/8 route would answer 127.0.0.1 itself.
        ip_words(&format!("-n {ns} link set {NEIGHBOUR_IF} up"))?;
        let route = |family: &str, to: String, via: String| {
            ip_words(&format!(
                "-n {ns} {family} route add {to} via {via} dev {NEIGHBOUR_IF}"
            ))
        };
        route("", "127.0.0.1/32".into(), h.to_string())?;
        for a in via_host.iter().filter(|a| a.is_ipv4()) {
            route("", format!("{a}/32"), h.to_string())?;
        }
        self.host_link_local = if v6 { link_local_of(&hif) } else { None };
        if let Some(ll) = self.host_link_local {
            route("-6", "::1/128".into(), ll.to_string())?;
            for a in via_host.iter().filter(|a| a.is_ipv6()) {
                route("-6", format!("{a}/128"), ll.to_string())?;
            }
        }
        Ok(())
    }

    /// Inside: answers from 127.0.0.1 are kept (route_localnet), no DAD delay.
    fn inside_sysctls(&self, v6: bool) -> Result<(), NeighbourError> {
        let set = attempts::in_netns(&self.netns_path(), move || -> Result<(), NeighbourError> {
            write_sysctl("/proc/sys/net/ipv4/conf/all/route_localnet", "1")?;
            write_sysctl(
                &format!("/proc/sys/net/ipv4/conf/{NEIGHBOUR_IF}/route_localnet"),
                "1",
            )?;
            if v6 {
                let _ = write_sysctl(
                    &format!("/proc/sys/net/ipv6/conf/{NEIGHBOUR_IF}/accept_dad"),
                    "0",
                );
            }
            Ok(())
        });
        set?
    }
}

/// Every planned attempt from the test host at once (one thread each), and
/// the proof: a connect to this probe's own listener at `proof_to`.
fn attempt_all(
    path: &std::path::Path,
    planned: &[(ServiceTarget, Path, SocketAddr, Option<String>)],
    proof_to: SocketAddr,
) -> (Vec<Answer>, Answer) {
    let handles: Vec<_> = planned
        .iter()
        .map(|(t, _, to, why)| {
            let (to, protocol, why, path) = (*to, t.protocol, why.clone(), path.to_path_buf());
            std::thread::spawn(move || match why {
                Some(why) => Answer::NotTried(why),
                None => attempts::in_netns(&path, move || attempts::attempt(to, protocol))
                    .unwrap_or_else(|e| Answer::Error(e.to_string())),
            })
        })
        .collect();
    let proof = attempts::in_netns(path, move || attempts::attempt(proof_to, Protocol::Tcp))
        .unwrap_or_else(|e| Answer::Error(e.to_string()));
    let answers = handles
        .into_iter()
        .map(|h| {
            h.join()
                .unwrap_or_else(|_| Answer::Error("the attempt panicked".into()))
        })
        .collect();
    (answers, proof)
}

/// What the test host tries of a service's container: its published host
/// ports, and its own addresses on bridge networks with the container ports
/// behind them.
pub async fn service_target(
    engine: &Engine,
    c: &ContainerInfo,
    protocol: Protocol,
    public: bool,
) -> Result<ServiceTarget, EngineError> {
    let mut host_ports: Vec<u16> = c
        .bindings
        .iter()
        .filter_map(|b| b.host_port.parse().ok())
        .collect();
    let mut container_ports: Vec<u16> = c
        .bindings
        .iter()
        .filter_map(|b| {
            b.container_port
                .split('/')
                .next()
                .and_then(|p| p.parse().ok())
        })
        .collect();
    host_ports.sort();
    host_ports.dedup();
    container_ports.sort();
    container_ports.dedup();
    let mut addresses = Vec::new();
    for n in &c.networks {
        let Some(bridge) = engine.bridge_interface(&n.id).await? else {
            continue;
        };
        let ips = n
            .ipv4
            .map(IpAddr::V4)
            .into_iter()
            .chain(n.ipv6.map(IpAddr::V6));
        addresses.extend(ips.map(|ip| ContainerAddress {
            network: n.name.clone(),
            bridge: bridge.clone(),
            ip,
        }));
    }
    Ok(ServiceTarget {
        service: c.service.clone(),
        protocol,
        public,
        host_ports,
        container_ports,
        addresses,
    })
}

/// This host's link-local address as the test host reaches it: with the
/// scope of the test host's own interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkLocal {
    pub addr: Ipv6Addr,
    pub scope_id: u32,
}

/// Every (service, path, address) the test host tries.
fn plan_attempts(
    targets: &[ServiceTarget],
    segment: &Segment,
    v6: Option<LinkLocal>,
) -> Vec<(ServiceTarget, Path, SocketAddr, Option<String>)> {
    let mut out = Vec::new();
    let no_v6 =
        || "IPv6 is off on this host, or its veth end has no link-local address".to_string();
    for t in targets {
        for port in &t.host_ports {
            out.push((
                t.clone(),
                Path::LoopbackSpoof,
                SocketAddr::from(([127, 0, 0, 1], *port)),
                None,
            ));
            out.push((
                t.clone(),
                Path::LoopbackV6,
                SocketAddr::from((Ipv6Addr::LOCALHOST, *port)),
                v6.is_none().then(no_v6),
            ));
            out.push((
                t.clone(),
                Path::HostAddress,
                SocketAddr::from((segment.host, *port)),
                None,
            ));
            // A port published on [::] answers on every IPv6 address, the link-local one too.
            let ll = v6.map_or(Ipv6Addr::UNSPECIFIED, |l| l.addr);
            let to = SocketAddr::V6(std::net::SocketAddrV6::new(
                ll,
                *port,
                0,
                v6.map_or(0, |l| l.scope_id),
            ));
            out.push((t.clone(), Path::HostAddress, to, v6.is_none().then(no_v6)));
        }
        for a in &t.addresses {
            let why =
                (a.ip.is_ipv6() && v6.is_none()).then(|| "IPv6 is off on this host".to_string());
            for port in &t.container_ports {
                let path = Path::ContainerAddress {
                    network: a.network.clone(),
                    bridge: a.bridge.clone(),
                };
                out.push((t.clone(), path, SocketAddr::new(a.ip, *port), why.clone()));
            }
        }
    }
    out
}

/// Makes a test host, tries every path to every target from it at once,
/// proves the path to this host, and removes the test host.
pub fn probe(
    owner: (u32, u64),
    targets: &[ServiceTarget],
) -> Result<NeighbourObservation, NeighbourError> {
    let started = Instant::now();
    let via: Vec<IpAddr> = targets
        .iter()
        .flat_map(|t| t.addresses.iter().map(|a| a.ip))
        .collect();
    let host = TestHost::create(owner, &via)?;
    // The proof: a listener of this probe on this host's end of the segment.
    let listener =
        TcpListener::bind((host.segment.host, 0)).map_err(|source| NeighbourError::Io {
            what: format!("listen on {}", host.segment.host),
            source,
        })?;
    let proof_to = listener.local_addr().map_err(|source| NeighbourError::Io {
        what: "the proof listener's port".into(),
        source,
    })?;
    let path = host.netns_path();
    let scope = attempts::in_netns(&path, || nix::net::if_::if_nametoindex(NEIGHBOUR_IF).ok())
        .ok()
        .flatten();
    let ll = host
        .host_link_local
        .zip(scope)
        .map(|(addr, scope_id)| LinkLocal { addr, scope_id });
    let planned = plan_attempts(targets, &host.segment, ll);
    let (answers, proof) = attempt_all(&path, &planned, proof_to);
    drop(listener);
    let attempts = planned
        .into_iter()
        .zip(answers)
        .map(|((t, path, target, _), answer)| Attempt {
            service: t.service,
            public: t.public,
            path,
            target,
            answer,
        })
        .collect();
    let (netns, segment, host_link_local) = (host.name.clone(), host.segment, host.host_link_local);
    drop(host);
    Ok(NeighbourObservation {
        netns,
        segment,
        host_link_local,
        proof,
        attempts,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::neighbour::ContainerAddress;

    #[test]
    fn names_carry_their_owner() {
        assert_eq!(owner_of(&netns_name(4242, 987654)), Some((4242, 987654)));
        assert_eq!(owner_of("kraftacc-host-12"), None);
        assert_eq!(owner_of("cni-1234"), None);
    }

    #[test]
    fn every_published_port_and_container_address_is_tried() {
        let seg = Segment {
            host: "198.18.0.1".parse().unwrap(),
            neighbour: "198.18.0.2".parse().unwrap(),
            prefix: 30,
        };
        let kafka = ServiceTarget {
            service: "kafka".into(),
            protocol: Protocol::Kafka,
            public: false,
            host_ports: vec![9092, 9093],
            container_ports: vec![9092, 9093],
            addresses: vec![ContainerAddress {
                network: "p_default".into(),
                bridge: "br-0123456789ab".into(),
                ip: "172.18.0.2".parse().unwrap(),
            }],
        };
        let ll = LinkLocal {
            addr: "fe80::1".parse().unwrap(),
            scope_id: 7,
        };
        let planned = plan_attempts(std::slice::from_ref(&kafka), &seg, Some(ll));
        let shown: Vec<String> = planned
            .iter()
            .map(|(_, p, a, _)| format!("{p:?} {a}"))
            .collect();
        assert_eq!(shown.len(), 10, "{shown:?}");
        assert!(
            shown.contains(&"HostAddress [fe80::1%7]:9093".to_string()),
            "{shown:?}"
        );
        assert!(shown.contains(&"LoopbackSpoof 127.0.0.1:9093".to_string()));
        assert!(shown.contains(&"LoopbackV6 [::1]:9092".to_string()));
        assert!(shown.contains(&"HostAddress 198.18.0.1:9093".to_string()));
        assert!(
            shown
                .iter()
                .filter(|s| s.starts_with("ContainerAddress") && s.ends_with("172.18.0.2:9093"))
                .count()
                == 1
        );
        let no_v6 = plan_attempts(&[kafka], &seg, None);
        assert!(
            no_v6
                .iter()
                .filter(|(_, _, a, why)| a.is_ipv6() && why.is_some())
                .count()
                == 4,
            "said why, never silently left out"
        );
    }
}
