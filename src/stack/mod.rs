//! The stack under test.
//!
//! - [`preflight`]: everything that can be wrong with the machine is checked
//!   before anything starts (engine, images, host ports).
//! - [`lifecycle`]: an owned stack is started once with the criterion's exact
//!   `docker compose up -d kafka redis` under a unique project, and torn down
//!   (`down -v`) on success, failure, panic and SIGINT/SIGTERM unless kept;
//!   an attached deployment is only read.
//! - [`readiness`]: bounded waits, shared by every scenario.

pub mod failover;
pub mod kafka_setup;
pub mod lifecycle;
pub mod lock;
pub mod owner;
pub mod preflight;
pub mod progress;
pub mod readiness;
pub mod reaper;
pub mod redeploy;
pub mod upgrade;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::sync::OnceCell;

use crate::model::compose::ComposeModel;
use crate::model::engine::ContainerInfo;
use crate::model::{Readiness, UpResult};
use crate::probes::compose::{ComposeCli, ComposeError};
use crate::probes::engine::{Engine, EngineError};

pub use preflight::{ImageChoice, StackOptions};

/// What the criterion's `docker compose up -d kafka redis` starts, in the
/// target's names, and the bootstrap service it may run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Services {
    /// Kafka's and Redis's services, in that order (Kafka's alone when the
    /// target runs no Redis).
    pub up: Vec<String>,
    /// The topic bootstrap, when it is a compose service.
    pub bootstrap: Option<String>,
    /// `[names] kafka_nodes`: Kafka nodes the model cannot tell.
    pub listed: Vec<String>,
    /// Every Kafka node of the layering, `[names] kafka` first: a cluster
    /// is healthy only with every node up. Kafka's service alone until the
    /// layering is resolved ([`Services::with_nodes`]).
    pub nodes: Vec<String>,
}

impl Services {
    pub fn of(target: &crate::target::Target) -> Self {
        let up = target.up_services();
        Services {
            nodes: vec![up[0].clone()],
            up,
            bootstrap: target.bootstrap_service().map(str::to_string),
            listed: target.kafka_nodes.clone(),
        }
    }

    /// Kafka's service: the one clients bootstrap from.
    pub fn kafka(&self) -> &str {
        &self.up[0]
    }

    /// Every Kafka node `model` runs (`[names] kafka` first, then the
    /// others in the model's order).
    pub(crate) fn with_nodes(mut self, model: &ComposeModel) -> Self {
        let kafka = self.kafka().to_string();
        let found = crate::model::cluster::kafka_services(
            model,
            &kafka,
            &self.listed,
            self.bootstrap.as_deref(),
        );
        self.nodes = std::iter::once(kafka.clone())
            .chain(found.into_iter().filter(|n| *n != kafka))
            .collect();
        self
    }

    /// What `up` starts: every Kafka node, then Redis (the seed's
    /// `kafka redis` with the cluster's node names).
    pub fn started(&self) -> Vec<String> {
        self.nodes
            .iter()
            .chain(self.up.iter().skip(1))
            .cloned()
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Compose(#[from] ComposeError),
    #[error("image {image} (service {service}) is not present locally and no registry is reachable; {hint}")]
    ImageMissing {
        service: String,
        image: String,
        hint: String,
    },
    #[error("host port {addr} is already in use (published by service {service}); free it or stop what holds it")]
    PortTaken { addr: String, service: String },
    #[error("host port {addr} (published by service {service}) is held by kraft-acceptance stack {project}, left up because {why}; remove it with: docker compose -p {project} down -v")]
    PortTakenByStack {
        addr: String,
        service: String,
        project: String,
        why: String,
    },
    #[error("writing the stand-in override {path}: {source}")]
    Override {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{role}'s service \"{service}\" is not in the layering (services: {have}); name it in kraft-acceptance.toml: [names] {} = \"...\"", role.to_lowercase())]
    NoService {
        role: String,
        service: String,
        have: String,
    },
    #[error("project {project} has no container of service \"{service}\"; is it deployed? (docker compose -p {project} ps)")]
    NoContainer { project: String, service: String },
    /// A command the stack ran (`docker compose ...`, the bootstrap's host
    /// command) could not run, ran too long or failed.
    #[error("`{command}`: {reason}")]
    Command { command: String, reason: String },
    #[error(transparent)]
    Lock(#[from] lock::LockError),
    /// `--upgrade-to` asks what this run cannot do (the words say why).
    #[error("{0}")]
    Upgrade(String),
    #[error("writing the run's owner labels {path}: {source}")]
    OwnerFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Who the stack belongs to, and so what this run may do to it.
#[derive(Debug)]
pub enum Mode {
    /// Started by this run: torn down at the end unless `keep`.
    Owned {
        keep: bool,
        /// Set once the teardown ran; held for its whole duration, so every
        /// caller returns only once the stack is gone (an interrupt and the
        /// normal path can race).
        down_done: Mutex<bool>,
        /// pid of an in-flight `docker compose up`, so an interrupt can stop it.
        up_pid: AtomicU32,
        /// The compose override that labels everything with the run's owner.
        owner_file: PathBuf,
        /// One owned run per host at a time; held until the process ends.
        lock: lock::HostLock,
    },
    /// A deployment this run did not start: never changed.
    Attached,
}

#[derive(Debug)]
pub struct Stack {
    pub project: String,
    pub cli: ComposeCli,
    pub engine: Engine,
    pub mode: Mode,
    /// Which images run, said in words (and whether they are the stand-in).
    pub images: preflight::Images,
    /// The model the stack runs (target files plus, if any, the stand-in).
    pub model: ComposeModel,
    /// The target's own files, as compose resolved them.
    pub target_model: Arc<ComposeModel>,
    up: OnceLock<UpResult>,
    /// Host clock (unix s) just before `up`, to read the engine's events.
    pub since_s: i64,
    /// The project's events from `since_s` on, read as they happen.
    events: crate::probes::engine::EventLog,
    /// What `--upgrade-to` asks of this run (owned runs only).
    pub upgrade: Option<upgrade::Upgrade>,
    pub wait_limit: Duration,
    /// The services `up` starts and the bootstrap, in the target's names.
    pub services: Services,
    ready: Mutex<BTreeMap<String, Arc<OnceCell<Readiness>>>>,
    /// Anonymous volumes a recreate carried over to new containers: `down
    /// -v` no longer counts them as the containers' own, so teardown
    /// removes them by name.
    carried: Mutex<Vec<String>>,
}

impl Stack {
    pub fn attached(&self) -> bool {
        matches!(self.mode, Mode::Attached)
    }

    pub fn standin(&self) -> bool {
        self.images.standin
    }

    /// The result of `up`, once it ran.
    pub fn up_result(&self) -> Option<&UpResult> {
        self.up.get()
    }

    pub async fn containers(&self) -> Result<Vec<ContainerInfo>, EngineError> {
        self.engine.project_containers(&self.project).await
    }

    pub async fn service_container(&self, service: &str) -> Result<ContainerInfo, StackError> {
        let all = self.containers().await?;
        all.into_iter()
            .find(|c| c.service == service && !c.oneoff)
            .ok_or_else(|| StackError::NoContainer {
                project: self.project.clone(),
                service: service.into(),
            })
    }
}
