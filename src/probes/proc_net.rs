//! Listening TCP sockets from `/proc/net/tcp` and `/proc/net/tcp6` (of this
//! network namespace, or of a process: `/proc/<pid>/net/tcp`). The parser is
//! a pure function over the file's text; reads happen on every call, never
//! cached, so a wait loop always sees the current table.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

pub use crate::model::sockets::Socket;

/// State 0A in the kernel's table.
const TCP_LISTEN: &str = "0A";

#[derive(Debug, thiserror::Error)]
pub enum ProcNetError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Parse { path: String, source: ParseError },
}

/// A line of a table that is not what the kernel writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

/// Parses the text of a tcp or tcp6 table (`table` names it in evidence).
pub fn parse(table: &str, text: &str) -> Result<Vec<Socket>, ParseError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let bad = |message: String| ParseError {
            line: i + 1,
            message,
        };
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        let (Some(local), Some(state), Some(inode)) = (f.get(1), f.get(3), f.get(9)) else {
            return Err(bad(format!("too few fields: \"{line}\"")));
        };
        let (addr, port) = local
            .split_once(':')
            .ok_or_else(|| bad(format!("bad local address {local}")))?;
        let port = u16::from_str_radix(port, 16).map_err(|_| bad(format!("bad port {port}")))?;
        let ip = parse_addr(addr).ok_or_else(|| bad(format!("bad address {addr}")))?;
        out.push(Socket {
            table: table.to_string(),
            ip,
            port,
            listening: *state == TCP_LISTEN,
            inode: inode
                .parse()
                .map_err(|_| bad(format!("bad inode {inode}")))?,
            line: line.trim().to_string(),
        });
    }
    Ok(out)
}

/// The kernel prints addresses as host-order 32-bit words in hex.
fn parse_addr(hex: &str) -> Option<IpAddr> {
    match hex.len() {
        8 => {
            let w = u32::from_str_radix(hex, 16).ok()?;
            Some(IpAddr::V4(Ipv4Addr::from(w.to_le_bytes())))
        }
        32 => {
            let mut bytes = [0u8; 16];
            for i in 0..4 {
                let w = u32::from_str_radix(&hex[i * 8..i * 8 + 8], 16).ok()?;
                bytes[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
            }
            Some(IpAddr::V6(Ipv6Addr::from(bytes)))
        }
        _ => None,
    }
}

/// Listening sockets of both tables under `base` (`/proc/net` or `/proc/<pid>/net`).
pub fn listeners(base: &Path) -> Result<Vec<Socket>, ProcNetError> {
    let mut out = Vec::new();
    for table in ["tcp", "tcp6"] {
        let path = base.join(table);
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            // No IPv6 in this namespace/kernel: the table is absent, not empty.
            Err(e) if table == "tcp6" && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(ProcNetError::Read {
                    path: shown,
                    source,
                })
            }
        };
        let socks = parse(&shown, &text).map_err(|source| ProcNetError::Parse {
            path: shown.clone(),
            source,
        })?;
        out.extend(socks.into_iter().filter(|s| s.listening));
    }
    Ok(out)
}

/// Listening sockets in the network namespace of process `pid`.
pub fn listeners_of(pid: i64) -> Result<Vec<Socket>, ProcNetError> {
    listeners(&Path::new("/proc").join(pid.to_string()).join("net"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Captured on a Docker host with docker-proxy publishing 127.0.0.1:9093 and
    // 127.0.0.1:6379, plus a wildcard listener on 2024 and an established socket.
    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21311 1 0000000000000000 100 0 0 10 0
   1: 0100007F:2385 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 43290 1 0000000000000000 100 0 0 10 0
   2: 0100007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 43218 1 000000000eabfe35 100 0 0 10 0
   3: 0100007F:B6EE 0100007F:2384 06 00000000:00000000 03:000013EE 00000000     0        0 0 3 00000000038123ef
";
    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:2385 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5551 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:18EB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5552 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:2384 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5553 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn parses_ipv4_table() {
        let s = parse("/proc/net/tcp", TCP).unwrap();
        assert_eq!(s.len(), 4);
        assert_eq!(
            (s[0].ip, s[0].port, s[0].listening),
            ("0.0.0.0".parse().unwrap(), 2024, true)
        );
        assert_eq!((s[1].ip, s[1].port), ("127.0.0.1".parse().unwrap(), 9093));
        assert_eq!(s[2].port, 6379);
        assert!(!s[3].listening, "TIME_WAIT is not a listener");
        assert_eq!(s[3].inode, 0);
    }

    #[test]
    fn parses_ipv6_table_including_wildcard_loopback_and_mapped() {
        let s = parse("/proc/net/tcp6", TCP6).unwrap();
        assert_eq!((s[0].ip, s[0].port), ("::".parse().unwrap(), 9093));
        assert_eq!((s[1].ip, s[1].port), ("::1".parse().unwrap(), 6379));
        assert_eq!(s[2].ip, "::ffff:127.0.0.1".parse::<IpAddr>().unwrap());
        assert_eq!(s[2].ip_unmapped(), "127.0.0.1".parse::<IpAddr>().unwrap());
        assert_eq!(s[0].ip_unmapped(), s[0].ip);
        assert_eq!(
            s[0].describe(),
            "/proc/net/tcp6: [::]:9093 listening (inode 5551)"
        );
    }

    #[test]
    fn rejects_garbage_with_its_line() {
        assert_eq!(parse("t", "header\n 0: zz:1 x 0A").unwrap_err().line, 2);
        assert!(parse(
            "t",
            "header\n 0: 0100007F:GGGG 00000000:0000 0A 0 0 0 0 0 1"
        )
        .is_err());
    }

    #[test]
    fn reads_this_namespace() {
        // Both tables are read; whatever listens, every entry is a listener.
        let l = listeners(Path::new("/proc/net")).unwrap();
        assert!(l.iter().all(|s| s.listening));
    }
}
