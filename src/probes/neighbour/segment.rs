//! Where the test host lives: a /30 from the benchmarking range
//! 198.18.0.0/15 (RFC 2544) that overlaps none of this host's routes and
//! addresses, so the probe never shadows a real network.

use std::net::{IpAddr, Ipv4Addr};

use crate::model::neighbour::Segment;

/// 198.18.0.0/15: never routed on the Internet, reserved for tests.
const RANGE: u32 = u32::from_be_bytes([198, 18, 0, 0]);
const RANGE_SLOTS: u32 = (1 << 17) / 4;
const PREFIX: u8 = 30;
/// How many /30s are tried before giving up (bounded).
const TRIES: u32 = 256;

/// A route of this host: destination and prefix length.
pub type Route = (Ipv4Addr, u8);

/// Routes of `/proc/net/route` (the main table): destination and mask are
/// hex in the host's byte order, as the kernel prints a `__be32`.
pub(crate) fn parse_routes(text: &str) -> Vec<Route> {
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let dest = u32::from_str_radix(f.get(1)?, 16).ok()?;
            let mask = u32::from_str_radix(f.get(7)?, 16).ok()?;
            // The kernel prints the address's bytes as a native-endian u32.
            Some((Ipv4Addr::from(dest.to_ne_bytes()), mask.count_ones() as u8))
        })
        .collect()
}

fn overlaps(a: Ipv4Addr, a_len: u8, b: Ipv4Addr, b_len: u8) -> bool {
    let len = a_len.min(b_len);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    u32::from(a) & mask == u32::from(b) & mask
}

/// The first free /30 from a starting slot (`seed`, e.g. the pid, so runs at
/// the same time start apart), skipping any that overlaps a route other than
/// a default one, or holds an address of this host.
pub(crate) fn plan(routes: &[Route], addrs: &[IpAddr], seed: u32) -> Option<Segment> {
    (0..TRIES)
        .map(|i| (seed.wrapping_add(i)) % RANGE_SLOTS)
        .find_map(|slot| {
            let net = Ipv4Addr::from(RANGE + slot * 4);
            let taken_route = routes
                .iter()
                .any(|(d, len)| *len > 0 && overlaps(net, PREFIX, *d, *len));
            let taken_addr = addrs
                .iter()
                .any(|a| matches!(a, IpAddr::V4(v4) if overlaps(net, PREFIX, *v4, 32)));
            (!taken_route && !taken_addr).then(|| Segment {
                host: Ipv4Addr::from(u32::from(net) + 1),
                neighbour: Ipv4Addr::from(u32::from(net) + 2),
                prefix: PREFIX,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured on a Debian 12 host with Docker: default route, docker0, eth0.
    const ROUTES: &str =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
";

    #[test]
    fn routes_are_read_from_proc_net_route() {
        assert_eq!(
            parse_routes(ROUTES),
            vec![
                (Ipv4Addr::new(0, 0, 0, 0), 0),
                (Ipv4Addr::new(172, 17, 0, 0), 16),
                (Ipv4Addr::new(192, 0, 2, 0), 24)
            ]
        );
    }

    #[test]
    fn the_segment_overlaps_no_route_and_no_address() {
        let routes = parse_routes(ROUTES);
        let s = plan(&routes, &[], 0).unwrap();
        assert_eq!(
            (s.host, s.neighbour, s.prefix),
            (
                Ipv4Addr::new(198, 18, 0, 1),
                Ipv4Addr::new(198, 18, 0, 2),
                30
            ),
            "a default route takes nothing"
        );
        // A network already in 198.18.0.0/24 (another test host, a lab LAN): skipped.
        let mut busy = routes.clone();
        busy.push((Ipv4Addr::new(198, 18, 0, 0), 24));
        assert_eq!(
            plan(&busy, &[], 0).unwrap().host,
            Ipv4Addr::new(198, 18, 1, 1)
        );
        // An address of this host inside the first /30, without a route of its own.
        let a = [IpAddr::V4(Ipv4Addr::new(198, 18, 0, 2))];
        assert_eq!(
            plan(&routes, &a, 0).unwrap().host,
            Ipv4Addr::new(198, 18, 0, 5)
        );
        // The whole range routed elsewhere: no segment, never one outside it.
        assert_eq!(plan(&[(Ipv4Addr::new(198, 18, 0, 0), 15)], &[], 7), None);
        assert_eq!(
            plan(&routes, &[], RANGE_SLOTS + 3).unwrap().host,
            Ipv4Addr::new(198, 18, 0, 13),
            "the seed wraps inside the range"
        );
    }
}
