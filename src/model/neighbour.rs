//! What a neighbour on the LAN sees: a test host (a network namespace joined
//! to this host by a veth pair) tries each way an attacker on the same L2
//! segment would reach a port this host published on 127.0.0.1.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use serde::{Deserialize, Serialize};

/// How the test host addressed a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Path {
    /// `127.0.0.1:P`, routed via this host's veth address (moby/moby#45610).
    LoopbackSpoof,
    /// `[::1]:P`, routed via this host's link-local address.
    LoopbackV6,
    /// This host's own address on the shared segment.
    HostAddress,
    /// The container's own address on a network, routed via this host.
    ContainerAddress { network: String, bridge: String },
}

impl Path {
    pub fn describe(&self) -> String {
        match self {
            Path::LoopbackSpoof => "loopback spoof (127.0.0.1 routed via this host)".into(),
            Path::LoopbackV6 => {
                "IPv6 loopback ([::1] routed via this host's link-local address)".into()
            }
            Path::HostAddress => "this host's address on the segment".into(),
            Path::ContainerAddress { network, .. } => {
                format!("container address on network {network} (routed via this host)")
            }
        }
    }
}

/// What one attempt got back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// The service's own answer (Kafka: an ApiVersions response; Redis: a reply to PING).
    Service(String),
    /// A TCP connection was accepted, but the service said nothing it knows.
    Connected(String),
    /// RST: nothing listens there for this peer.
    Refused,
    /// No answer within the timeout (dropped on the way).
    NoAnswer,
    /// The attempt failed otherwise (no route, an error of the socket).
    Error(String),
    /// Not tried, and why (no IPv6 on this host...).
    NotTried(String),
}

impl Answer {
    /// The neighbour got through to something listening.
    pub fn reached(&self) -> bool {
        matches!(self, Answer::Service(_) | Answer::Connected(_))
    }

    pub fn describe(&self) -> String {
        match self {
            Answer::Service(s) => format!("ANSWERED: {s}"),
            Answer::Connected(s) => format!("CONNECTED: {s}"),
            Answer::Refused => "refused".into(),
            Answer::NoAnswer => "no answer (dropped)".into(),
            Answer::Error(e) => format!("error: {e}"),
            Answer::NotTried(why) => format!("not tried: {why}"),
        }
    }
}

/// Which service protocol tells the service's own answer apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Protocol {
    Kafka,
    Redis,
    /// Only a TCP connect (a public service: it may answer).
    Tcp,
}

/// One address of a container on one of its networks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerAddress {
    pub network: String,
    /// The host interface of that network (`docker0`, `br-<id>`).
    pub bridge: String,
    pub ip: IpAddr,
}

/// A service the test host tries: its published host ports and its
/// container's own addresses and ports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTarget {
    pub service: String,
    pub protocol: Protocol,
    /// May answer from the LAN (`public_services`).
    pub public: bool,
    /// Host ports the engine publishes for it.
    pub host_ports: Vec<u16>,
    /// Container ports behind those host ports.
    pub container_ports: Vec<u16>,
    pub addresses: Vec<ContainerAddress>,
}

/// One connect attempt from the test host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub service: String,
    pub public: bool,
    pub path: Path,
    pub target: SocketAddr,
    pub answer: Answer,
}

impl Attempt {
    /// A service that must not be reachable from the LAN was reached.
    pub fn got_through(&self) -> bool {
        !self.public && self.answer.reached()
    }
}

/// The addresses of the test host's segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    /// This host's end of the veth pair.
    pub host: Ipv4Addr,
    /// The test host's end.
    pub neighbour: Ipv4Addr,
    pub prefix: u8,
}

/// Everything the test host saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeighbourObservation {
    pub netns: String,
    pub segment: Segment,
    pub host_link_local: Option<Ipv6Addr>,
    /// The proof that the test host reaches this host at all: a connect to a
    /// listener the probe opened on this host's veth address.
    pub proof: Answer,
    pub attempts: Vec<Attempt>,
    /// Wall time of the whole probe (set up, attempts, removal).
    pub seconds: f64,
}

impl NeighbourObservation {
    /// The path to this host works: the probe's own listener accepted, or a
    /// published port on the host's address was refused (an RST came back).
    pub(crate) fn path_proven(&self) -> bool {
        self.proof.reached()
            || self
                .attempts
                .iter()
                .any(|a| a.path == Path::HostAddress && a.answer == Answer::Refused)
    }
}
