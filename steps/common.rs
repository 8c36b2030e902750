//! Phrases many features share: which layering, which stack, a Kafka client
//! on the host.

use std::str::FromStr;

use cucumber::{given, Parameter};
use kraft_acceptance::model::cluster::{self, KafkaNode};
use kraft_acceptance::model::compose::ComposeModel;
use kraft_acceptance::model::engine::ContainerInfo;
use kraft_acceptance::model::kafka::{DataCheck, KafkaObservation};
use kraft_acceptance::probes::{host, kafka};
use kraft_acceptance::stack::Stack;
use kraft_acceptance::verdicts::kraft;
use std::collections::BTreeMap;

use kraft_acceptance::model::kafka_props::{image_settings, ImageSettings};
use kraft_acceptance::probes::repo::Manifest;
use kraft_acceptance::run::world::{AcceptanceWorld, StepError, StepResult};
use kraft_acceptance::verdicts::{self, observed};

/// A quoted, comma-separated list of compose services: `"kafka, redis"`.
#[derive(Debug, Clone, Parameter)]
#[param(name = "services", regex = r#""[^"]*""#)]
pub struct Services(pub Vec<String>);

impl FromStr for Services {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let list = s
            .trim_matches('"')
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Ok(Services(list.collect()))
    }
}

impl Services {
    /// The target's names for them (the features spell the seed's), without
    /// those the target says it does not run (Redis, `has_redis = false`).
    pub fn of(&self, w: &AcceptanceWorld) -> Vec<String> {
        self.0
            .iter()
            .filter(|s| !w.not_needed(s))
            .map(|s| w.ctx.target.service(s))
            .collect()
    }

    /// As [`Services::of`], Kafka's standing for every node of the cluster
    /// the stack runs.
    pub fn running(&self, w: &AcceptanceWorld) -> Vec<String> {
        let nodes = w.ctx.stack.as_ref().map(|s| s.services.nodes.clone());
        self.of(w)
            .into_iter()
            .flat_map(|s| match &nodes {
                Some(nodes) if s == w.ctx.target.names.kafka => nodes.clone(),
                _ => vec![s],
            })
            .collect()
    }
}

/// A blocking probe on a thread of its own (never on a tokio worker),
/// judged as the thread finishing, then as what the step needed of it.
pub async fn blocking<T, E>(
    w: &mut AcceptanceWorld,
    needed: impl Into<String>,
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, StepError>
where
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let r = tokio::task::spawn_blocking(f).await;
    let r = w.judge(observed("the probe thread finishing", r))?;
    w.judge(observed(needed, r))
}

/// What a Kafka client on the host, bootstrapping from `bootstrap`, is told
/// and can do (`check`).
pub async fn host_client(
    w: &mut AcceptanceWorld,
    bootstrap: &str,
    check: DataCheck,
) -> Result<KafkaObservation, StepError> {
    let b = bootstrap.to_string();
    blocking(
        w,
        format!("a Kafka client on the host gets metadata from {bootstrap}"),
        move || kafka::probe(&b, &check),
    )
    .await
}

/// The Docker Engine's version and where it was read: the engine's
/// `/version`, or the variable that stands in for it (what-if runs, tests).
pub async fn engine_version(w: &mut AcceptanceWorld) -> Result<(String, String), StepError> {
    if let Ok(v) = std::env::var(host::ENGINE_VERSION_ENV) {
        return Ok((v, format!("${}", host::ENGINE_VERSION_ENV)));
    }
    let engine = w.ctx.engine().await;
    let engine = w.judge(observed("the Docker Engine answering", engine))?;
    let v = w.judge(observed("the engine's version", engine.version().await))?;
    Ok((v.0, "engine API /version".to_string()))
}

#[given(expr = "the {string} layering of the target")]
fn layering(w: &mut AcceptanceWorld, name: String) -> StepResult {
    let configured = w.ctx.models.keys().cloned().collect::<Vec<_>>().join(", ");
    let model = w.ctx.models.get(&name).cloned();
    let needed = format!(
        "layering \"{name}\" configured (configured: {configured}; name its compose files in kraft-acceptance.toml: [layerings] {name} = [\"...\"])"
    );
    let model = w.judge(verdicts::earlier(&needed, model))?;
    w.layering = Some((name, model));
    Ok(())
}

#[given("the stack started by `docker compose up -d kafka redis`")]
fn started(w: &mut AcceptanceWorld) -> StepResult {
    let s = w.stack()?;
    w.saw(
        s.up_result()
            .map(|u| format!("`{}` exited 0 in {:.2} s", u.command, u.seconds))
            .unwrap_or_default(),
    );
    Ok(())
}

#[given("the running stack")]
fn running(w: &mut AcceptanceWorld) -> StepResult {
    w.stack().map(|_| ())
}

/// The services left out of a check because compose runs none of them.
pub fn disabled_note(m: &ComposeModel) -> String {
    match m.disabled_services() {
        d if d.is_empty() => String::new(),
        d => format!(
            " (disabled with deploy.replicas: 0, so not run: {})",
            d.join(", ")
        ),
    }
}

/// Where the apache/kafka image reads a server.properties of the user's.
const MOUNTED_SERVER_PROPERTIES: &str = "/mnt/shared/config/server.properties";

/// What steps read of the target beyond its resolved model: the topics
/// manifest, a mounted server.properties, Redis's password.
pub trait Reads {
    /// The bootstrap's topics manifest in `model`, if it has one.
    fn manifest(&mut self, model: &ComposeModel) -> Result<Option<Manifest>, StepError>;
    /// Redis's password, when the target names the variable that holds it
    /// (`redis_password_env`): this process's environment, else the
    /// resolved Redis service's own.
    fn redis_password(&mut self, model: &ComposeModel) -> Result<Option<String>, StepError>;
    /// A service's server properties as the apache/kafka image writes them
    /// from its `KAFKA_*` environment and a server.properties mounted at
    /// /mnt/shared/config.
    fn image_settings(&mut self, service: &str) -> Result<ImageSettings, StepError>;
    /// [`Self::image_settings`] of a service of `model` (e.g. the running stack's).
    fn image_settings_in(
        &mut self,
        model: &ComposeModel,
        service: &str,
    ) -> Result<ImageSettings, StepError>;
    /// [`Self::image_settings`]' properties.
    fn props(&mut self, service: &str) -> Result<BTreeMap<String, String>, StepError>;
}

impl Reads for AcceptanceWorld {
    fn manifest(&mut self, model: &ComposeModel) -> Result<Option<Manifest>, StepError> {
        let bootstrap = self.ctx.target.bootstrap_service();
        let found =
            kraft_acceptance::probes::repo::find_manifest(&self.ctx.target, model, bootstrap);
        let whose = bootstrap
            .map(|b| format!("{b}'s"))
            .unwrap_or_else(|| "the target's".into());
        self.judge(verdicts::observed(
            format!("{whose} topics manifest, if any, readable and valid"),
            found,
        ))
    }

    fn redis_password(&mut self, model: &ComposeModel) -> Result<Option<String>, StepError> {
        let Some(var) = self.ctx.target.redis_password_env.clone() else {
            return Ok(None);
        };
        if let Ok(v) = std::env::var(&var) {
            return Ok(Some(v));
        }
        let redis = self.ctx.target.names.redis.clone();
        let found = model
            .services
            .get(&redis)
            .and_then(|s| s.environment.get(&var).cloned().flatten());
        let needed = format!("Redis's password in ${var} (redis_password_env): set in this environment or in service {redis}'s");
        self.judge(verdicts::earlier(&needed, found)).map(Some)
    }

    fn image_settings(&mut self, service: &str) -> Result<ImageSettings, StepError> {
        let m = self.model()?;
        self.image_settings_in(&m, service)
    }

    fn image_settings_in(
        &mut self,
        model: &ComposeModel,
        service: &str,
    ) -> Result<ImageSettings, StepError> {
        let svc = self.defined(model, service)?;
        let mounted = match svc.host_path_of(MOUNTED_SERVER_PROPERTIES) {
            Some(path) if path.exists() => {
                let what = format!(
                    "{} (mounted at {MOUNTED_SERVER_PROPERTIES})",
                    path.display()
                );
                Some(self.judge(verdicts::observed(what, std::fs::read_to_string(&path)))?)
            }
            _ => None,
        };
        Ok(image_settings(&svc.environment, mounted.as_deref()))
    }

    fn props(&mut self, service: &str) -> Result<BTreeMap<String, String>, StepError> {
        Ok(self.image_settings(service)?.properties)
    }
}

/// Service `service` once ready, its container, and the pid of its running
/// process (what a step reads the container's own /proc through).
pub async fn running_process(
    w: &mut AcceptanceWorld,
    service: &str,
) -> Result<(std::sync::Arc<Stack>, ContainerInfo, i64), StepError> {
    let s = w.ready(service).await?;
    let c = w.judge(observed(
        format!("service {service}'s container"),
        s.service_container(service).await,
    ))?;
    let pid = w.judge(verdicts::earlier(
        &format!("a running process of service {service} ({})", c.status),
        c.pid,
    ))?;
    Ok((s, c, pid))
}

/// Every Kafka node of `model` (`[names] kafka` first), each read as the
/// image writes its settings.
pub fn kafka_nodes(
    w: &mut AcceptanceWorld,
    model: &ComposeModel,
) -> Result<Vec<KafkaNode>, StepError> {
    let mut nodes = Vec::new();
    for service in node_services(w, model) {
        let props = w.image_settings_in(model, &service)?.properties;
        let svc = w.defined(model, &service)?.clone();
        nodes.push(kraft::cluster::read_node(&service, &svc, &props));
    }
    Ok(nodes)
}

/// The names of the Kafka nodes of `model`, `[names] kafka` first.
pub fn node_services(w: &AcceptanceWorld, model: &ComposeModel) -> Vec<String> {
    let t = &w.ctx.target;
    let named = t.names.kafka.clone();
    let mut nodes = cluster::kafka_services(model, &named, &t.kafka_nodes, t.bootstrap_service());
    nodes.retain(|n| *n != named);
    nodes.insert(0, named);
    nodes
}

/// The services a step about `seed` judges: every Kafka node of the
/// layering for `kafka`, else the target's name for `seed`.
pub fn services_of(w: &mut AcceptanceWorld, seed: &str) -> Result<Vec<String>, StepError> {
    let service = w.ctx.target.service(seed);
    if service != w.ctx.target.names.kafka {
        return Ok(vec![service]);
    }
    let m = w.model()?;
    Ok(node_services(w, &m))
}

/// The services a runtime step about `seed` judges: every Kafka node the
/// stack started (or found deployed) for `kafka`, else the target's name
/// for `seed`.
pub fn started_of(w: &mut AcceptanceWorld, seed: &str) -> Result<Vec<String>, StepError> {
    let service = w.ctx.target.service(seed);
    if service != w.ctx.target.names.kafka {
        return Ok(vec![service]);
    }
    Ok(w.stack()?.services.nodes.clone())
}
