//! A TCP socket as the kernel lists it in `/proc/net/tcp{,6}`.

use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    /// The table it was read from, e.g. `/proc/net/tcp6`.
    pub table: String,
    pub ip: IpAddr,
    pub port: u16,
    pub listening: bool,
    pub inode: u64,
    /// The table line it came from.
    pub line: String,
}

impl Socket {
    /// The address, with an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, a
    /// dual-stack socket's view of IPv4) given as the IPv4 address it maps.
    pub(crate) fn ip_unmapped(&self) -> IpAddr {
        match self.ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(self.ip, IpAddr::V4),
            v4 => v4,
        }
    }

    /// `/proc/net/tcp: 0.0.0.0:9093 listening (inode 43290)`: where it was
    /// seen and what it means, not the table's incidental line number.
    pub fn describe(&self) -> String {
        let state = if self.listening {
            "listening"
        } else {
            "not listening"
        };
        format!(
            "{}: {} {state} (inode {})",
            self.table,
            SocketAddr::new(self.ip, self.port),
            self.inode
        )
    }
}
