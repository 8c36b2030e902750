//! Plain types that probes produce and verdicts judge: the observations and
//! the target's own declarations. Nothing here reads live state or decides
//! pass or fail, so both sides share these types without importing each other.

pub mod cluster;
pub mod compose;
pub mod engine;
pub mod evidence;
pub mod failover;
pub mod kafka;
pub mod kafka_props;
pub mod kafka_setup;
pub mod neighbour;
pub mod redeploy;
pub mod sockets;
pub mod topics;
pub mod validators;
pub mod wire;

use std::net::SocketAddr;

/// What a TCP connect to one address saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Reach {
    /// Something accepted the connection.
    Accepted,
    /// RST: nothing listens there.
    Refused,
    /// No answer within the timeout (filtered).
    NoAnswer,
}

/// One listening socket on a non-loopback address of the host, with what owns it.
#[derive(Debug, Clone, PartialEq)]
pub struct HostListener {
    pub addr: SocketAddr,
    /// compose service, or process name, or "unknown".
    pub owner: String,
    /// The compose service it publishes for (docker-proxy sockets).
    pub service: Option<String>,
}

/// One `docker compose run --rm SERVICE`.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOff {
    pub service: String,
    pub exit_code: i32,
    /// The last lines of its output, joined with " | ".
    pub tail: String,
    /// How long its container ran: `start` to `die` in the engine's events
    /// (compose's wait for dependencies excluded); the command's wall time
    /// when the engine no longer holds the events.
    pub seconds: f64,
    /// The `docker compose run` command's own wall time.
    pub wall_seconds: f64,
}

/// What a bounded wait for a service saw last.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    pub service: String,
    pub healthy: bool,
    /// container status / health, e.g. "running/unhealthy", "exited (1)".
    pub state: String,
    pub last_check: Option<(i64, String)>,
    /// Container start to the engine's healthy transition (engine events).
    pub time_to_healthy: Option<f64>,
    pub waited: f64,
}

/// The result of the criterion's `docker compose up -d kafka redis`.
#[derive(Debug, Clone, PartialEq)]
pub struct UpResult {
    pub command: String,
    pub ok: bool,
    pub output: String,
    pub seconds: f64,
}
