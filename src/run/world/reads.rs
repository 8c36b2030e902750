//! What steps read of the target through the World, beyond its resolved
//! model: the topics manifest, a mounted server.properties, Redis's
//! password, the Kafka nodes of a layering and a service's running process.
//! Every helper that reads the World is a method of [`AcceptanceWorld`],
//! here or in `world.rs`; the steps crate holds phrases and probe runners.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{AcceptanceWorld, StepError};
use crate::model::cluster::{self, KafkaNode};
use crate::model::compose::ComposeModel;
use crate::model::engine::ContainerInfo;
use crate::model::kafka_props::{image_settings, ImageSettings};
use crate::probes::repo::{find_manifest, Manifest};
use crate::stack::Stack;
use crate::verdicts::{self, kraft};

/// Where the apache/kafka image reads a server.properties of the user's.
const MOUNTED_SERVER_PROPERTIES: &str = "/mnt/shared/config/server.properties";

impl AcceptanceWorld {
    /// The bootstrap's topics manifest in `model`, if it has one.
    pub fn manifest(&mut self, model: &ComposeModel) -> Result<Option<Manifest>, StepError> {
        let bootstrap = self.ctx.target.bootstrap_service();
        let found = find_manifest(&self.ctx.target, model, bootstrap);
        let whose = bootstrap
            .map(|b| format!("{b}'s"))
            .unwrap_or_else(|| "the target's".into());
        self.judge(verdicts::observed(
            format!("{whose} topics manifest, if any, readable and valid"),
            found,
        ))
    }

    /// Redis's password, when the target names the variable that holds it
    /// (`redis_password_env`): this process's environment, else the
    /// resolved Redis service's own.
    pub fn redis_password(&mut self, model: &ComposeModel) -> Result<Option<String>, StepError> {
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

    /// A service's server properties as the apache/kafka image writes them
    /// from its `KAFKA_*` environment and a server.properties mounted at
    /// /mnt/shared/config.
    pub fn image_settings(&mut self, service: &str) -> Result<ImageSettings, StepError> {
        let m = self.model()?;
        self.image_settings_in(&m, service)
    }

    /// [`Self::image_settings`] of a service of `model` (e.g. the running stack's).
    pub fn image_settings_in(
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

    /// [`Self::image_settings`]' properties.
    pub fn props(&mut self, service: &str) -> Result<BTreeMap<String, String>, StepError> {
        Ok(self.image_settings(service)?.properties)
    }

    /// Service `service` once ready, its container, and the pid of its running
    /// process (what a step reads the container's own /proc through).
    pub async fn running_process(
        &mut self,
        service: &str,
    ) -> Result<(Arc<Stack>, ContainerInfo, i64), StepError> {
        self.ready(service).await?;
        self.process_of(service).await
    }

    /// Service `service`'s container and the pid of its running process,
    /// healthy or not: a peer whose network namespace a client borrows
    /// (its own health is another scenario's verdict).
    pub async fn process_of(
        &mut self,
        service: &str,
    ) -> Result<(Arc<Stack>, ContainerInfo, i64), StepError> {
        let s = self.stack()?;
        let c = self.judge(verdicts::observed(
            format!("service {service}'s container"),
            s.service_container(service).await,
        ))?;
        let pid = self.judge(verdicts::earlier(
            &format!("a running process of service {service} ({})", c.status),
            c.pid,
        ))?;
        Ok((s, c, pid))
    }

    /// Every Kafka node of `model` (`[names] kafka` first), each read as the
    /// image writes its settings.
    pub fn kafka_nodes(&mut self, model: &ComposeModel) -> Result<Vec<KafkaNode>, StepError> {
        let mut nodes = Vec::new();
        for service in self.node_services(model) {
            let props = self.image_settings_in(model, &service)?.properties;
            let svc = self.defined(model, &service)?.clone();
            nodes.push(kraft::cluster::read_node(&service, &svc, &props));
        }
        Ok(nodes)
    }

    /// The names of the Kafka nodes of `model`, `[names] kafka` first.
    fn node_services(&self, model: &ComposeModel) -> Vec<String> {
        let t = &self.ctx.target;
        let named = t.names.kafka.clone();
        let mut nodes =
            cluster::kafka_services(model, &named, &t.kafka_nodes, t.bootstrap_service());
        nodes.retain(|n| *n != named);
        nodes.insert(0, named);
        nodes
    }

    /// The services a step about `seed` judges: every Kafka node of the
    /// layering for `kafka`, else the target's name for `seed`.
    pub fn services_of(&mut self, seed: &str) -> Result<Vec<String>, StepError> {
        let service = self.ctx.target.service(seed);
        if service != self.ctx.target.names.kafka {
            return Ok(vec![service]);
        }
        let m = self.model()?;
        Ok(self.node_services(&m))
    }

    /// The services a runtime step about `seed` judges: every Kafka node the
    /// stack started (or found deployed) for `kafka`, else the target's name
    /// for `seed`.
    pub fn started_of(&mut self, seed: &str) -> Result<Vec<String>, StepError> {
        let service = self.ctx.target.service(seed);
        if service != self.ctx.target.names.kafka {
            return Ok(vec![service]);
        }
        Ok(self.stack()?.services.nodes.clone())
    }
}
