//! Losing nodes as a host failure does: `docker compose kill` (SIGKILL, no
//! controlled shutdown) of some Kafka nodes, then `docker compose start` of
//! the same containers and a fresh bounded wait for each to be healthy.

use std::time::Instant;

use super::{Stack, StackError};
use crate::model::Readiness;
use crate::probes::engine::Engine;

/// What bringing stopped nodes back did: the command, its wall time, and
/// each node's readiness after it (time to healthy from the engine's events).
pub struct Restarted {
    pub command: String,
    pub seconds: f64,
    pub after: Vec<Readiness>,
}

impl Stack {
    /// `docker compose kill` of `services`: the command as it ran.
    pub async fn kill(&self, services: &[String]) -> Result<String, StackError> {
        let mut args = vec!["kill"];
        args.extend(services.iter().map(String::as_str));
        self.compose(&args).await
    }

    /// `docker compose start` of `services` (the containers `kill` left),
    /// then each waited for until ready again.
    pub async fn restart_killed(&self, services: &[String]) -> Result<Restarted, StackError> {
        let mut args = vec!["start"];
        args.extend(services.iter().map(String::as_str));
        let since_s = Engine::now_s() - 1;
        let started = Instant::now();
        let command = self.compose(&args).await?;
        let seconds = started.elapsed().as_secs_f64();
        let mut after = Vec::new();
        for service in services {
            after.push(self.wait_ready_since(service, since_s).await);
        }
        Ok(Restarted {
            command,
            seconds,
            after,
        })
    }
}
