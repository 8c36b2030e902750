//! What the Docker Engine reports about a container and its events.

/// One host binding of a container port as the engine reports it
/// (`NetworkSettings.Ports`): what the engine made of the declared one.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedBinding {
    pub container_port: String,
    pub host_ip: String,
    pub host_port: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerInfo {
    pub id: String,
    pub name: String,
    pub service: String,
    pub image: String,
    pub image_id: String,
    pub oneoff: bool,
    /// created, running, exited...
    pub status: String,
    pub exit_code: Option<i64>,
    pub pid: Option<i64>,
    /// starting, healthy, unhealthy; `None` without a healthcheck.
    pub health: Option<String>,
    /// Last healthcheck result: exit code and output.
    pub last_check: Option<(i64, String)>,
    pub bindings: Vec<ReportedBinding>,
    /// The networks it is attached to, with its addresses there.
    pub networks: Vec<ContainerNetwork>,
    /// Names of the volumes mounted in it (`type: volume`).
    pub volumes: Vec<String>,
    /// Its mounts as the engine made them: a named volume (source: its
    /// name), an anonymous one (source: none), a bind (source: the host
    /// path), a tmpfs.
    pub mounts: Vec<crate::model::compose::ServiceVolume>,
}

/// The engine names an anonymous volume with 64 hex digits; compose names
/// its own `PROJECT_KEY`.
pub(crate) fn is_anonymous_volume(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A container's place on one network, as the engine reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerNetwork {
    pub name: String,
    pub id: String,
    pub ipv4: Option<std::net::Ipv4Addr>,
    pub ipv6: Option<std::net::Ipv6Addr>,
}

/// One engine event of a project: time in ns, action, compose service.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineEvent {
    pub time_ns: i64,
    pub action: String,
    pub service: String,
}

/// Seconds from the last `start` of `service` at or after `since_ns` to
/// the first `action` after that start.
fn last_start_to(
    events: &[EngineEvent],
    service: &str,
    since_ns: i64,
    action: &str,
) -> Option<f64> {
    let mine = events
        .iter()
        .filter(|e| e.service == service && e.time_ns >= since_ns);
    let start = mine
        .clone()
        .filter(|e| e.action == "start")
        .map(|e| e.time_ns)
        .next_back()?;
    let end = mine
        .filter(|e| e.time_ns >= start && e.action.trim() == action)
        .map(|e| e.time_ns)
        .next()?;
    Some((end - start) as f64 / 1e9)
}

/// Time-to-healthy from a project's events: from the service's last `start`
/// to the first `health_status: healthy` after it, in seconds.
pub fn time_to_healthy(events: &[EngineEvent], service: &str) -> Option<f64> {
    last_start_to(events, service, i64::MIN, "health_status: healthy")
}

/// How long the last container of `service` that started at or after
/// `since_ns` ran: its `start` to the `die` after it, in seconds.
pub(crate) fn run_time(events: &[EngineEvent], service: &str, since_ns: i64) -> Option<f64> {
    last_start_to(events, service, since_ns, "die")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: i64, a: &str, s: &str) -> EngineEvent {
        EngineEvent {
            time_ns: t,
            action: a.to_string(),
            service: s.to_string(),
        }
    }

    #[test]
    fn time_to_healthy_uses_engine_timestamps() {
        let e = vec![
            ev(1_000_000_000, "create", "kafka"),
            ev(2_000_000_000, "start", "kafka"),
            ev(2_100_000_000, "start", "redis"),
            ev(3_000_000_000, "health_status: healthy", "redis"),
            ev(9_500_000_000, "health_status: healthy", "kafka"),
        ];
        assert_eq!(time_to_healthy(&e, "kafka"), Some(7.5));
        assert_eq!(time_to_healthy(&e, "redis"), Some(0.9));
        assert_eq!(time_to_healthy(&e, "zookeeper"), None);
        assert_eq!(
            time_to_healthy(&e[..3], "kafka"),
            None,
            "no healthy event: not healthy"
        );
    }

    #[test]
    fn run_time_is_start_to_die_of_the_last_run() {
        let e = vec![
            ev(1_000_000_000, "start", "setup"),
            ev(2_000_000_000, "die", "setup"),
            ev(5_000_000_000, "create", "setup"),
            ev(5_500_000_000, "start", "setup"),
            ev(5_750_000_000, "die", "setup"),
        ];
        assert_eq!(run_time(&e, "setup", 4_000_000_000), Some(0.25));
        assert_eq!(
            run_time(&e, "setup", 0),
            Some(0.25),
            "the last start, its die"
        );
        assert_eq!(run_time(&e[..1], "setup", 0), None, "still running: no die");
        assert_eq!(run_time(&e, "setup", 6_000_000_000), None);
    }
}
