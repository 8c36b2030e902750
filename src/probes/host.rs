//! The deployment host itself: its engine version (against the advisories
//! that break loopback-only publishing), its own non-loopback addresses and
//! whether infra ports answer on them (the outside view), and who owns each
//! listening socket. Connecting to a host's own addresses is for the
//! deployment host only (`--host-checks`); tests run these probes inside
//! network namespaces they create.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

use crate::model::engine::ContainerInfo;
use crate::model::sockets::Socket;
pub use crate::model::{HostListener, Reach};

#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("getifaddrs: {0}")]
    Interfaces(nix::errno::Errno),
    #[error(transparent)]
    Sockets(#[from] super::proc_net::ProcNetError),
}

/// Environment variable that stands in for the engine as the version source
/// (what-if runs and the harness's own tests).
pub const ENGINE_VERSION_ENV: &str = "KRAFT_ACCEPTANCE_ENGINE_VERSION";

/// Addresses of this network namespace that are not loopback.
pub fn non_loopback_addresses() -> Result<Vec<IpAddr>, HostError> {
    let mut out = Vec::new();
    for ifa in nix::ifaddrs::getifaddrs().map_err(HostError::Interfaces)? {
        let Some(addr) = ifa.address else { continue };
        let ip = if let Some(v4) = addr.as_sockaddr_in() {
            IpAddr::V4(v4.ip())
        } else if let Some(v6) = addr.as_sockaddr_in6() {
            IpAddr::V6(v6.ip())
        } else {
            continue;
        };
        // Link-local IPv6 needs a scope to connect; it is not how a remote host reaches a service.
        let link_local_v6 = matches!(ip, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80);
        if !ip.is_loopback() && !link_local_v6 && !out.contains(&ip) {
            out.push(ip);
        }
    }
    Ok(out)
}

/// One bounded TCP connect to each (address, port); nothing is sent.
pub fn reach(addrs: &[IpAddr], ports: &[u16]) -> Vec<(SocketAddr, Reach)> {
    let mut out = Vec::new();
    for ip in addrs {
        for port in ports {
            let sa = SocketAddr::new(*ip, *port);
            let r = match TcpStream::connect_timeout(&sa, Duration::from_millis(1500)) {
                Ok(_) => Reach::Accepted,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => Reach::Refused,
                Err(_) => Reach::NoAnswer,
            };
            out.push((sa, r));
        }
    }
    out
}

/// Listening sockets on a non-loopback address (wildcards included) in the
/// tables under `base` (`/proc/net`, or `/proc/thread-self/net`).
pub fn non_loopback_listeners(base: &std::path::Path) -> Result<Vec<Socket>, HostError> {
    let all = super::proc_net::listeners(base)?;
    Ok(all
        .into_iter()
        .filter(|s| !s.ip_unmapped().is_loopback())
        .collect())
}

/// Socket inode -> (pid, command name), from /proc/*/fd.
pub fn socket_owners() -> BTreeMap<u64, (u32, String)> {
    let mut out = BTreeMap::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return out;
    };
    for p in procs.flatten() {
        let Ok(pid) = p.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let comm = std::fs::read_to_string(p.path().join("comm"))
            .unwrap_or_default()
            .trim()
            .to_string();
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if let Ok(link) = std::fs::read_link(fd.path()) {
                let l = link.to_string_lossy();
                if let Some(inode) = l
                    .strip_prefix("socket:[")
                    .and_then(|r| r.strip_suffix(']'))
                    .and_then(|n| n.parse().ok())
                {
                    out.insert(inode, (pid, comm.clone()));
                }
            }
        }
    }
    out
}

/// Who owns each listener: a docker-proxy socket publishes for the container
/// whose engine binding has its port, so it is attributed to that compose
/// service; any other socket to its process.
pub fn attribute(
    sockets: &[Socket],
    owners: &BTreeMap<u64, (u32, String)>,
    containers: &[ContainerInfo],
) -> Vec<HostListener> {
    sockets
        .iter()
        .map(|sock| {
            let (pid, comm) = owners
                .get(&sock.inode)
                .cloned()
                .unwrap_or((0, "unknown".into()));
            let service = (comm == "docker-proxy")
                .then(|| {
                    containers.iter().find(|c| {
                        c.bindings
                            .iter()
                            .any(|b| b.host_port == sock.port.to_string())
                    })
                })
                .flatten()
                .map(|c| c.service.clone());
            let owner = match &service {
                Some(svc) => format!("compose service {svc} (docker-proxy pid {pid})"),
                None => format!("{comm} (pid {pid})"),
            };
            HostListener {
                addr: SocketAddr::new(sock.ip, sock.port),
                owner,
                service,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::engine::ReportedBinding;

    fn sock(port: u16, inode: u64) -> Socket {
        Socket {
            table: "t".into(),
            ip: "0.0.0.0".parse().unwrap(),
            port,
            listening: true,
            inode,
            line: String::new(),
        }
    }

    #[test]
    fn docker_proxy_sockets_belong_to_the_service_that_publishes_the_port() {
        let redis = ContainerInfo {
            id: "c1".into(),
            name: "p-redis-1".into(),
            service: "redis".into(),
            image: "redis".into(),
            image_id: String::new(),
            oneoff: false,
            status: "running".into(),
            exit_code: None,
            pid: Some(9),
            health: None,
            last_check: None,
            bindings: vec![ReportedBinding {
                container_port: "6379/tcp".into(),
                host_ip: "0.0.0.0".into(),
                host_port: "6379".into(),
            }],
            networks: vec![],
            volumes: vec![],
            mounts: vec![],
        };
        let owners = BTreeMap::from([
            (1, (100, "docker-proxy".to_string())),
            (2, (200, "sshd".to_string())),
            (3, (300, "docker-proxy".to_string())),
        ]);
        let l = attribute(
            &[sock(6379, 1), sock(22, 2), sock(8080, 3), sock(9, 4)],
            &owners,
            &[redis],
        );
        assert_eq!(l[0].service.as_deref(), Some("redis"));
        assert_eq!(l[0].owner, "compose service redis (docker-proxy pid 100)");
        assert_eq!(
            (l[1].service.as_deref(), l[1].owner.as_str()),
            (None, "sshd (pid 200)")
        );
        assert_eq!(
            l[2].service, None,
            "a docker-proxy port no container publishes is not attributed"
        );
        assert_eq!(l[3].owner, "unknown (pid 0)");
    }
}
