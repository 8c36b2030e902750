//! The deployment host itself: its engine version (against the advisories
//! that break loopback-only publishing), its own non-loopback addresses and
//! whether infra ports answer on them (the outside view), and who owns each
//! listening socket. Connecting to a host's own addresses is for the
//! deployment host only (`--host-checks`); tests run these probes inside
//! network namespaces they create.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::Duration;

/// Environment variable that stands in for the engine as the version source
/// (what-if runs and the harness's own tests).
pub const ENGINE_VERSION_ENV: &str = "KRAFT_ACCEPTANCE_ENGINE_VERSION";

/// Addresses of this network namespace that are not loopback.
pub fn non_loopback_addresses() -> Result<Vec<IpAddr>, String> {
    let mut out = Vec::new();
    for ifa in nix::ifaddrs::getifaddrs().map_err(|e| format!("getifaddrs: {e}"))? {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Something accepted the connection.
    Accepted,
    /// RST: nothing listens there.
    Refused,
    /// No answer within the timeout (filtered).
    NoAnswer,
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
pub fn non_loopback_listeners(base: &std::path::Path) -> Result<Vec<super::proc_net::Socket>, String> {
    let all = super::proc_net::listeners(base).map_err(|e| e.to_string())?;
    Ok(all.into_iter().filter(|s| !s.ip_unmapped().is_loopback()).collect())
}

/// Socket inode -> (pid, command name), from /proc/*/fd.
pub fn socket_owners() -> BTreeMap<u64, (u32, String)> {
    let mut out = BTreeMap::new();
    let Ok(procs) = std::fs::read_dir("/proc") else { return out };
    for p in procs.flatten() {
        let Ok(pid) = p.file_name().to_string_lossy().parse::<u32>() else { continue };
        let comm = std::fs::read_to_string(p.path().join("comm")).unwrap_or_default().trim().to_string();
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else { continue };
        for fd in fds.flatten() {
            if let Ok(link) = std::fs::read_link(fd.path()) {
                let l = link.to_string_lossy();
                if let Some(inode) = l.strip_prefix("socket:[").and_then(|r| r.strip_suffix(']')).and_then(|n| n.parse().ok()) {
                    out.insert(inode, (pid, comm.clone()));
                }
            }
        }
    }
    out
}
