//! The Docker Engine through its API (bollard): containers of a compose
//! project found by their labels, their state, health and port bindings, and
//! the engine's own event timestamps.

use std::collections::{BTreeMap, HashMap};

use bollard::query_parameters::{
    EventsOptions, InspectContainerOptions, ListContainersOptions, ListImagesOptions,
    ListNetworksOptions, ListVolumesOptions, RemoveContainerOptions, RemoveImageOptions,
    RemoveVolumeOptions,
};
use bollard::Docker;
use futures::StreamExt;

use crate::model::compose::ServiceVolume;
pub use crate::model::engine::{ContainerInfo, ContainerNetwork, EngineEvent, ReportedBinding};

/// A container, network or volume, with its labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub kind: ResourceKind,
    /// Id (containers, networks) or name (volumes): what removal takes.
    pub id: String,
    pub name: String,
    pub labels: HashMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ResourceKind {
    Container,
    Network,
    Volume,
}

const PROJECT_LABEL: &str = "com.docker.compose.project";
const SERVICE_LABEL: &str = "com.docker.compose.service";
const ONEOFF_LABEL: &str = "com.docker.compose.oneoff";

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("the Docker Engine is not answering ({0}); start dockerd or run scripts/setup.sh")]
    Connect(String),
    #[error("engine API {op}: {source}")]
    Api {
        op: String,
        source: bollard::errors::Error,
    },
    #[error("no answer within {0} s")]
    NoAnswer(u64),
}

pub(crate) fn api(op: impl Into<String>) -> impl FnOnce(bollard::errors::Error) -> EngineError {
    let op = op.into();
    move |source| EngineError::Api { op, source }
}

#[derive(Debug, Clone)]
pub struct Engine {
    docker: Docker,
}

impl Engine {
    /// The API client, for the probes that create their own containers.
    pub(crate) fn docker(&self) -> &Docker {
        &self.docker
    }

    /// Whether the engine has image `name` locally.
    pub(crate) async fn has_image(&self, name: &str) -> bool {
        self.docker.inspect_image(name).await.is_ok()
    }

    /// Connects to the local engine and negotiates the API version (Debian's
    /// 20.10 engine speaks 1.41, older than this client's default).
    pub async fn connect() -> Result<Self, EngineError> {
        let docker = Docker::connect_with_local_defaults()
            .map_err(|e| EngineError::Connect(e.to_string()))?;
        let docker = docker
            .negotiate_version()
            .await
            .map_err(|e| EngineError::Connect(e.to_string()))?;
        docker
            .ping()
            .await
            .map_err(|e| EngineError::Connect(e.to_string()))?;
        Ok(Self { docker })
    }

    /// The platforms (`os/arch`, `os/arm/v7`) an image's manifest (list)
    /// offers in its registry, as the engine sees it: with the engine's own
    /// credentials and registry configuration (`/distribution/NAME/json`).
    pub async fn distribution(&self, image: &str) -> Result<Vec<String>, EngineError> {
        let d = self
            .docker
            .inspect_registry_image(image, None)
            .await
            .map_err(api(format!("distribution inspect {image}")))?;
        let mut out: Vec<String> = d
            .platforms
            .iter()
            .map(|p| {
                let (os, arch) = (
                    p.os.clone().unwrap_or_default(),
                    p.architecture.clone().unwrap_or_default(),
                );
                match p
                    .variant
                    .as_deref()
                    .filter(|v| !v.is_empty() && arch == "arm")
                {
                    Some(v) => format!("{os}/{arch}/{v}"),
                    None => format!("{os}/{arch}"),
                }
            })
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Whether the engine answers now (a bounded ping).
    pub async fn answers(&self) -> Result<(), EngineError> {
        match tokio::time::timeout(std::time::Duration::from_secs(2), self.docker.ping()).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(EngineError::Api {
                op: "ping".into(),
                source: e,
            }),
            Err(_) => Err(EngineError::NoAnswer(2)),
        }
    }

    /// Engine version and API version.
    pub async fn version(&self) -> Result<(String, String), EngineError> {
        let v = self.docker.version().await.map_err(api("version"))?;
        Ok((
            v.version.unwrap_or_default(),
            v.api_version.unwrap_or_default(),
        ))
    }

    /// Image id when the image is present locally.
    pub(crate) async fn image_id(&self, name: &str) -> Option<String> {
        self.docker
            .inspect_image(name)
            .await
            .ok()
            .and_then(|i| i.id)
    }

    /// Every running container on this engine.
    pub async fn all_containers(&self) -> Result<Vec<ContainerInfo>, EngineError> {
        let list = self
            .docker
            .list_containers(None::<ListContainersOptions>)
            .await
            .map_err(api("list containers"))?;
        let mut out = Vec::new();
        for id in list.into_iter().filter_map(|c| c.id) {
            if let Ok(info) = self.inspect(&id).await {
                out.push(info);
            }
        }
        Ok(out)
    }

    /// Every container (running or not) of a compose project.
    pub async fn project_containers(
        &self,
        project: &str,
    ) -> Result<Vec<ContainerInfo>, EngineError> {
        let filters = HashMap::from([(
            "label".to_string(),
            vec![format!("{PROJECT_LABEL}={project}")],
        )]);
        let list = self
            .docker
            .list_containers(Some(ListContainersOptions {
                all: true,
                filters: Some(filters),
                ..Default::default()
            }))
            .await
            .map_err(api("list containers"))?;
        let mut out = Vec::new();
        for c in list {
            let Some(id) = c.id else { continue };
            // Gone between list and inspect: not part of the project any more.
            if let Ok(info) = self.inspect(&id).await {
                out.push(info);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    pub async fn inspect(&self, id: &str) -> Result<ContainerInfo, EngineError> {
        let c = self
            .docker
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .map_err(api(format!("inspect container {id}")))?;
        let labels = c
            .config
            .as_ref()
            .and_then(|k| k.labels.clone())
            .unwrap_or_default();
        let state = c.state.clone().unwrap_or_default();
        let health = state.health.clone();
        let (bindings, networks) = (bindings_of(&c), networks_of(&c));
        let (volumes, mounts) = mounts_of(&c);
        Ok(ContainerInfo {
            id: c.id.clone().unwrap_or_default(),
            name: c
                .name
                .clone()
                .unwrap_or_default()
                .trim_start_matches('/')
                .to_string(),
            service: labels.get(SERVICE_LABEL).cloned().unwrap_or_default(),
            image: c
                .config
                .as_ref()
                .and_then(|k| k.image.clone())
                .unwrap_or_default(),
            image_id: c.image.clone().unwrap_or_default(),
            oneoff: labels.get(ONEOFF_LABEL).is_some_and(|v| v == "True"),
            status: state.status.map(|s| s.to_string()).unwrap_or_default(),
            exit_code: state.exit_code,
            pid: state.pid.filter(|p| *p > 0),
            health: health
                .as_ref()
                .and_then(|h| h.status)
                .map(|s| s.to_string())
                .filter(|s| !s.is_empty() && s != "none"),
            last_check: health
                .and_then(|h| h.log)
                .and_then(|l| l.last().cloned())
                .map(|r| {
                    (
                        r.exit_code.unwrap_or(-1),
                        r.output.unwrap_or_default().trim().to_string(),
                    )
                }),
            bindings,
            networks,
            volumes,
            mounts,
        })
    }

    /// The host interface of a bridge network: its
    /// `com.docker.network.bridge.name` option (`docker0` for the default
    /// network), else the engine's `br-` and the first 12 digits of its id.
    /// `None` for a network of another driver.
    pub(crate) async fn bridge_interface(
        &self,
        network_id: &str,
    ) -> Result<Option<String>, EngineError> {
        let n = self
            .docker
            .inspect_network(
                network_id,
                None::<bollard::query_parameters::InspectNetworkOptions>,
            )
            .await
            .map_err(api(format!("inspect network {network_id}")))?;
        if n.driver.as_deref() != Some("bridge") {
            return Ok(None);
        }
        let named = n
            .options
            .as_ref()
            .and_then(|o| o.get("com.docker.network.bridge.name"))
            .filter(|b| !b.is_empty())
            .cloned();
        let id = n.id.unwrap_or_else(|| network_id.to_string());
        Ok(Some(named.unwrap_or_else(|| {
            format!("br-{}", &id[..id.len().min(12)])
        })))
    }

    /// A log of one project's `start`, `die` and `health_status` events from
    /// `since_s` on, read live as the engine emits them. The engine keeps only
    /// its last 256 events for a later query, and a long wait (healthchecks
    /// run as execs, each a few events) or busy neighbours push a start out
    /// of them; a log read as it happens keeps it.
    pub(crate) fn watch_project(&self, project: &str, since_s: i64) -> EventLog {
        let log: std::sync::Arc<std::sync::Mutex<Vec<EngineEvent>>> = Default::default();
        let events = log.clone();
        let mut stream = self.docker.events(Some(EventsOptions {
            since: Some(since_s.to_string()),
            until: None,
            filters: Some(project_filter(project)),
        }));
        let task = tokio::spawn(async move {
            while let Some(Ok(ev)) = stream.next().await {
                let e = engine_event(ev);
                if e.action == "start" || e.action == "die" || e.action.starts_with("health_status")
                {
                    events.lock().unwrap_or_else(|p| p.into_inner()).push(e);
                }
            }
        });
        EventLog {
            events: log,
            task: Some(task),
        }
    }

    /// The last `lines` lines a container logged, stdout and stderr.
    pub(crate) async fn log_tail(&self, id: &str, lines: usize) -> Result<String, EngineError> {
        let opts = bollard::query_parameters::LogsOptions {
            stdout: true,
            stderr: true,
            tail: lines.to_string(),
            ..Default::default()
        };
        let mut stream = self.docker.logs(id, Some(opts));
        let mut out = String::new();
        while let Some(chunk) = stream.next().await {
            out.push_str(&chunk.map_err(api("logs"))?.to_string());
        }
        Ok(out)
    }

    /// Events of one project from `since_s` (unix seconds) until now,
    /// oldest first. `until` is now to the nanosecond: a whole second in the
    /// future would hold the answer back until that second has passed.
    pub(crate) async fn project_events(
        &self,
        project: &str,
        since_s: i64,
    ) -> Result<Vec<EngineEvent>, EngineError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let until = format!("{}.{:09}", now.as_secs(), now.subsec_nanos());
        let opts = EventsOptions {
            since: Some(since_s.to_string()),
            until: Some(until),
            filters: Some(project_filter(project)),
        };
        let mut stream = self.docker.events(Some(opts));
        let mut out = Vec::new();
        while let Some(ev) = stream.next().await {
            out.push(engine_event(ev.map_err(api("events"))?));
        }
        Ok(out)
    }

    /// The engine's clock, in unix seconds (from its `Date` answer to /info
    /// would need parsing; the system time is the same host's clock).
    pub fn now_s() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }

    /// Every container (running or not), network and volume carrying `label`
    /// (`key` or `key=value`), containers first: the order removal needs.
    pub(crate) async fn labelled(&self, label: &str) -> Result<Vec<Resource>, EngineError> {
        let filters = Some(HashMap::from([(
            "label".to_string(),
            vec![label.to_string()],
        )]));
        let mut out = Vec::new();
        let containers = self
            .docker
            .list_containers(Some(ListContainersOptions {
                all: true,
                filters: filters.clone(),
                ..Default::default()
            }))
            .await
            .map_err(api("list containers"))?;
        for c in containers {
            let name = c
                .names
                .and_then(|n| n.first().cloned())
                .unwrap_or_default()
                .trim_start_matches('/')
                .to_string();
            out.push(Resource {
                kind: ResourceKind::Container,
                id: c.id.unwrap_or_default(),
                name,
                labels: c.labels.unwrap_or_default(),
            });
        }
        let networks = self
            .docker
            .list_networks(Some(ListNetworksOptions {
                filters: filters.clone(),
            }))
            .await
            .map_err(api("list networks"))?;
        for n in networks {
            let name = n.name.unwrap_or_default();
            out.push(Resource {
                kind: ResourceKind::Network,
                id: n.id.unwrap_or_else(|| name.clone()),
                name,
                labels: n.labels.unwrap_or_default(),
            });
        }
        let volumes = self
            .docker
            .list_volumes(Some(ListVolumesOptions { filters }))
            .await
            .map_err(api("list volumes"))?;
        for v in volumes.volumes.unwrap_or_default() {
            out.push(Resource {
                kind: ResourceKind::Volume,
                id: v.name.clone(),
                name: v.name,
                labels: v.labels,
            });
        }
        Ok(out)
    }

    /// Removes a resource (a container by force, with its anonymous volumes).
    pub async fn remove(&self, r: &Resource) -> Result<(), EngineError> {
        match r.kind {
            ResourceKind::Container => self
                .docker
                .remove_container(
                    &r.id,
                    Some(RemoveContainerOptions {
                        force: true,
                        v: true,
                        ..Default::default()
                    }),
                )
                .await
                .map_err(api(format!("remove container {}", r.name))),
            ResourceKind::Network => self
                .docker
                .remove_network(&r.id)
                .await
                .map_err(api(format!("remove network {}", r.name))),
            ResourceKind::Volume => self
                .docker
                .remove_volume(&r.id, Some(RemoveVolumeOptions { force: true }))
                .await
                .map_err(api(format!("remove volume {}", r.name))),
        }
    }

    /// Removes the images compose built for a project (named `PROJECT-SERVICE`,
    /// as compose names a build without an `image:` of its own). Returns
    /// what could not be removed.
    pub async fn remove_built_images(&self, project: &str) -> Vec<String> {
        let filters = Some(HashMap::from([(
            "reference".to_string(),
            vec![format!("{project}-*")],
        )]));
        let images = match self
            .docker
            .list_images(Some(ListImagesOptions {
                filters,
                ..Default::default()
            }))
            .await
        {
            Ok(i) => i,
            Err(e) => return vec![format!("list images of {project}: {e}")],
        };
        let mut failed = Vec::new();
        for tag in images
            .iter()
            .flat_map(|i| i.repo_tags.iter())
            .filter(|t| t.starts_with(&format!("{project}-")))
        {
            if let Err(e) = self
                .docker
                .remove_image(
                    tag,
                    Some(RemoveImageOptions {
                        force: true,
                        ..Default::default()
                    }),
                    None,
                )
                .await
            {
                failed.push(format!("remove image {tag}: {e}"));
            }
        }
        failed
    }
}

/// A container's published ports as the engine bound them.
fn bindings_of(c: &bollard::models::ContainerInspectResponse) -> Vec<ReportedBinding> {
    let ports = c
        .network_settings
        .as_ref()
        .and_then(|n| n.ports.clone())
        .unwrap_or_default();
    let ports: BTreeMap<_, _> = ports.into_iter().collect();
    let mut bindings = Vec::new();
    for (container_port, binds) in ports {
        for b in binds.unwrap_or_default() {
            bindings.push(ReportedBinding {
                container_port: container_port.clone(),
                host_ip: b.host_ip.unwrap_or_default(),
                host_port: b.host_port.unwrap_or_default(),
            });
        }
    }
    bindings
}

/// A container's networks and its addresses on each, by network name.
fn networks_of(c: &bollard::models::ContainerInspectResponse) -> Vec<ContainerNetwork> {
    let mut networks: Vec<ContainerNetwork> = c
        .network_settings
        .as_ref()
        .and_then(|n| n.networks.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|(name, n)| ContainerNetwork {
            name,
            id: n.network_id.unwrap_or_default(),
            ipv4: n.ip_address.and_then(|a| a.parse().ok()),
            ipv6: n.global_ipv6_address.and_then(|a| a.parse().ok()),
        })
        .collect();
    networks.sort_by(|a, b| a.name.cmp(&b.name));
    networks
}

/// A container's volume names, and its mounts as the engine made them: a
/// named volume (source: its name), an anonymous one (a 64-hex name, source:
/// none), a bind (source: the host path), each `tmpfs:` entry.
fn mounts_of(c: &bollard::models::ContainerInspectResponse) -> (Vec<String>, Vec<ServiceVolume>) {
    let raw = c.mounts.clone().unwrap_or_default();
    let volumes = raw
        .iter()
        .filter(|m| m.typ.as_ref().is_some_and(|t| t.to_string() == "volume"))
        .filter_map(|m| m.name.clone())
        .collect();
    let mut mounts: Vec<ServiceVolume> = raw
        .iter()
        .map(|m| {
            let kind = m.typ.as_ref().map(|t| t.to_string()).unwrap_or_default();
            let source = match kind.as_str() {
                "volume" => m
                    .name
                    .clone()
                    .filter(|n| !crate::model::engine::is_anonymous_volume(n)),
                "bind" => m.source.clone(),
                _ => None,
            };
            ServiceVolume {
                kind,
                source,
                target: m.destination.clone().unwrap_or_default(),
            }
        })
        .collect();
    let tmpfs = c
        .host_config
        .as_ref()
        .and_then(|h| h.tmpfs.clone())
        .unwrap_or_default();
    mounts.extend(tmpfs.into_keys().map(|target| ServiceVolume {
        kind: "tmpfs".into(),
        source: None,
        target,
    }));
    (volumes, mounts)
}

/// The engine's filter for one compose project's container events.
fn project_filter(project: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([
        (
            "label".to_string(),
            vec![format!("{PROJECT_LABEL}={project}")],
        ),
        ("type".to_string(), vec!["container".to_string()]),
    ])
}

fn engine_event(ev: bollard::models::EventMessage) -> EngineEvent {
    let attrs = ev.actor.and_then(|a| a.attributes).unwrap_or_default();
    EngineEvent {
        time_ns: ev.time_nano.unwrap_or(ev.time.unwrap_or(0) * 1_000_000_000),
        action: ev.action.unwrap_or_default(),
        service: attrs.get(SERVICE_LABEL).cloned().unwrap_or_default(),
    }
}

/// A project's events as the engine emitted them, collected by a task that
/// ends when the log is dropped.
#[derive(Debug, Default)]
pub struct EventLog {
    events: std::sync::Arc<std::sync::Mutex<Vec<EngineEvent>>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl EventLog {
    /// What the log holds so far, oldest first.
    pub(crate) fn events(&self) -> Vec<EngineEvent> {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for EventLog {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}
