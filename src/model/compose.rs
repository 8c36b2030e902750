//! The part of `docker compose config --format json` the harness reads.
//! Compose has already merged files, expanded ranges and normalised ports.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct ComposeModel {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub services: BTreeMap<String, Service>,
    #[serde(default)]
    pub networks: BTreeMap<String, Network>,
    #[serde(default)]
    pub volumes: BTreeMap<String, Volume>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Volume {
    pub name: Option<String>,
    #[serde(default)]
    pub external: bool,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Service {
    pub image: Option<String>,
    /// Compose builds this service's image (its context, inline Dockerfile...).
    pub build: Option<serde_json::Value>,
    pub hostname: Option<String>,
    /// `user:` (the image's own user when absent).
    #[serde(default)]
    pub user: Option<String>,
    pub container_name: Option<String>,
    #[serde(default)]
    pub command: Option<Vec<String>>,
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
    /// `KEY: null` means "taken from the caller's environment".
    #[serde(default)]
    pub environment: BTreeMap<String, Option<String>>,
    #[serde(default)]
    pub ports: Vec<DeclaredBinding>,
    #[serde(default)]
    pub expose: Vec<String>,
    pub healthcheck: Option<Healthcheck>,
    #[serde(default)]
    pub depends_on: BTreeMap<String, DependsOn>,
    /// network name -> attachment (aliases); `null` when plain.
    #[serde(default)]
    pub networks: BTreeMap<String, Option<NetworkAttachment>>,
    #[serde(default)]
    pub profiles: Vec<String>,
    #[serde(default)]
    pub volumes: Vec<ServiceVolume>,
    /// `tmpfs:` mounts, `PATH[:OPTIONS]`.
    #[serde(default)]
    pub tmpfs: Vec<String>,
    pub deploy: Option<Deploy>,
}

impl Service {
    /// `deploy.replicas: 0`: compose defines it but runs no container of it.
    /// Every mount: the volumes, then each tmpfs as a mount of kind `tmpfs`.
    pub fn mounts(&self) -> Vec<ServiceVolume> {
        let tmpfs = self.tmpfs.iter().map(|t| ServiceVolume {
            kind: "tmpfs".into(),
            source: None,
            target: t.split(':').next().unwrap_or_default().to_string(),
        });
        self.volumes.iter().cloned().chain(tmpfs).collect()
    }

    pub fn disabled(&self) -> bool {
        self.deploy.as_ref().and_then(|d| d.replicas) == Some(0)
    }

    /// The host file bind-mounted at `path` inside the container: mounted
    /// there itself, or as `path`'s name inside a mounted directory.
    pub fn host_path_of(&self, path: &str) -> Option<std::path::PathBuf> {
        self.volumes
            .iter()
            .filter(|v| v.kind == "bind")
            .find_map(|v| {
                let source = std::path::Path::new(v.source.as_deref()?);
                let target = v.target.trim_end_matches('/');
                if target == path {
                    return Some(source.to_path_buf());
                }
                let inside = path.strip_prefix(target)?.strip_prefix('/')?;
                Some(source.join(inside))
            })
    }

    /// Host paths bind-mounted into the service's containers.
    pub(crate) fn bind_sources(&self) -> impl Iterator<Item = &str> {
        self.volumes
            .iter()
            .filter(|v| v.kind == "bind")
            .filter_map(|v| v.source.as_deref())
    }
}

/// One `volumes:` entry, as compose writes it (long syntax, absolute sources).
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
pub struct ServiceVolume {
    #[serde(rename = "type", default)]
    pub kind: String,
    pub source: Option<String>,
    #[serde(default)]
    pub target: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Deploy {
    pub replicas: Option<u64>,
}

/// A port binding as the resolved compose config declares it
/// (`services.NAME.ports`): what compose asks the engine for.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct DeclaredBinding {
    pub target: u32,
    /// Absent: an ephemeral host port.
    pub published: Option<String>,
    /// Absent: every interface (0.0.0.0 and ::).
    pub host_ip: Option<String>,
    #[serde(default)]
    pub protocol: Option<String>,
}

impl DeclaredBinding {
    /// TCP: no protocol given, or `tcp` in any case. A Kafka or Redis
    /// listener is reached over TCP only; a `udp` port with the same
    /// numbers leads nowhere a client connects.
    pub(crate) fn is_tcp(&self) -> bool {
        self.protocol
            .as_deref()
            .is_none_or(|p| p.eq_ignore_ascii_case("tcp"))
    }
}

impl std::fmt::Display for DeclaredBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ip = self.host_ip.as_deref().unwrap_or("<all interfaces>");
        let published = self.published.as_deref().unwrap_or("<ephemeral>");
        write!(
            f,
            "{ip}:{published}->{}/{}",
            self.target,
            self.protocol.as_deref().unwrap_or("tcp")
        )
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Healthcheck {
    #[serde(default)]
    pub test: Vec<String>,
    pub interval: Option<String>,
    pub timeout: Option<String>,
    pub retries: Option<u64>,
    pub start_period: Option<String>,
    pub start_interval: Option<String>,
    #[serde(default)]
    pub disable: bool,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct DependsOn {
    pub condition: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct NetworkAttachment {
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Network {
    pub name: Option<String>,
    #[serde(default)]
    pub external: bool,
}

/// A compose file's name, as compose and repos spell them.
pub(crate) fn is_compose_file(name: &str) -> bool {
    let name = name.to_lowercase();
    (name.starts_with("compose") || name.starts_with("docker-compose"))
        && (name.ends_with(".yml") || name.ends_with(".yaml"))
}

/// A service the model does not define, with the ones it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("service \"{name}\" is not defined (services: {})", defined.join(", "))]
pub struct UnknownService {
    pub name: String,
    pub defined: Vec<String>,
}

impl ComposeModel {
    /// Every service's name, as a failure lists them.
    pub(crate) fn service_names(&self) -> String {
        self.services.keys().cloned().collect::<Vec<_>>().join(", ")
    }

    /// Services compose runs containers of: `deploy.replicas: 0` ones are
    /// defined but never run, so they publish nothing and bring nothing.
    pub fn running_services(&self) -> impl Iterator<Item = (&String, &Service)> {
        self.services.iter().filter(|(_, s)| !s.disabled())
    }

    /// Names of the services disabled with `deploy.replicas: 0`.
    pub fn disabled_services(&self) -> Vec<String> {
        self.services
            .iter()
            .filter(|(_, s)| s.disabled())
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Whether `service` waits for `dep` to be healthy (depends_on condition
    /// service_healthy), as compose holds it on `run` and `up`.
    pub fn waits_healthy(&self, service: &str, dep: &str) -> bool {
        self.services
            .get(service)
            .and_then(|s| s.depends_on.get(dep))
            .and_then(|d| d.condition.as_deref())
            == Some("service_healthy")
    }

    pub fn service(&self, name: &str) -> Result<&Service, UnknownService> {
        self.services.get(name).ok_or_else(|| UnknownService {
            name: name.to_string(),
            defined: self.services.keys().cloned().collect(),
        })
    }
}

/// Compose durations ("1m30s", "5s", "500ms") in seconds.
pub(crate) fn parse_duration(s: &str) -> Option<f64> {
    let mut total = 0.0;
    let mut num = String::new();
    let mut chars = s.trim().chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        total += v * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        any = true;
    }
    if !num.is_empty() {
        return None;
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Some(5.0));
        assert_eq!(parse_duration("1m30s"), Some(90.0));
        assert_eq!(parse_duration("500ms"), Some(0.5));
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn reads_compose_port_forms() {
        let j = r#"{"services":{"k":{"ports":[
            {"mode":"ingress","host_ip":"::","target":9094,"published":"9094","protocol":"tcp"},
            {"mode":"ingress","target":6000,"protocol":"tcp"}],
            "environment":{"FOO":null,"BAR":""},"healthcheck":{"disable":true}}}}"#;
        let m: ComposeModel = serde_json::from_str(j).unwrap();
        let k = &m.services["k"];
        assert_eq!(k.ports[0].to_string(), ":::9094->9094/tcp");
        assert_eq!(
            k.ports[1].to_string(),
            "<all interfaces>:<ephemeral>->6000/tcp"
        );
        assert_eq!(k.environment["FOO"], None);
        assert!(k.healthcheck.as_ref().unwrap().disable);
    }
}
