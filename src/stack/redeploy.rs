//! A redeploy as a deploy does it: the target's own compose command with the
//! run's layering, `up -d --force-recreate kafka redis` (new containers, the
//! same volumes), then a fresh bounded wait for each to be healthy again.

use std::time::{Duration, Instant};

use super::{Stack, StackError};
use crate::model::Readiness;
use crate::probes::engine::Engine;

/// What a redeploy did: the command, its wall time, each service's
/// readiness after it (time to healthy from the engine's events).
pub struct Redeployed {
    pub command: String,
    pub seconds: f64,
    pub after: Vec<Readiness>,
}

impl Stack {
    /// The containers' anonymous volumes: the new containers get them, and
    /// teardown removes them with the stack.
    async fn carry_anonymous_volumes(&self, services: &[String]) {
        let mut anonymous = Vec::new();
        for service in services {
            if let Ok(c) = self.service_container(service).await {
                anonymous.extend(
                    c.volumes
                        .into_iter()
                        .filter(|v| crate::model::engine::is_anonymous_volume(v)),
                );
            }
        }
        self.carried
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(anonymous);
    }

    /// `up -d --force-recreate` of every Kafka node and Redis, as a deploy
    /// does (new containers, same volumes), then each waited for until
    /// ready again.
    pub async fn redeploy(&self) -> Result<Redeployed, StackError> {
        self.recreate(&[], &[], &self.services.started()).await
    }

    /// `docker compose HEAD up -d --force-recreate FLAGS SERVICES` (HEAD:
    /// compose's own options, such as another `-f`), the containers'
    /// anonymous volumes carried over, then each service waited for until
    /// ready again, its time to healthy from the engine's events.
    pub(super) async fn recreate(
        &self,
        head: &[&str],
        flags: &[&str],
        services: &[String],
    ) -> Result<Redeployed, StackError> {
        let mut args = head.to_vec();
        args.extend(["up", "-d", "--force-recreate"]);
        args.extend(flags);
        args.extend(services.iter().map(String::as_str));
        self.carry_anonymous_volumes(services).await;
        let since_s = Engine::now_s() - 1;
        let started = Instant::now();
        let command = self.compose(&args).await?;
        let seconds = started.elapsed().as_secs_f64();
        let mut after = Vec::new();
        for service in services {
            after.push(self.wait_ready_since(service, since_s).await);
        }
        Ok(Redeployed {
            command,
            seconds,
            after,
        })
    }

    /// The target's compose with the run's project and files, `args` after
    /// them, bounded: the command as shown, or compose's own error.
    pub(crate) async fn compose(&self, args: &[&str]) -> Result<String, StackError> {
        let (shown, out) = self.compose_output(args).await?;
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stderr);
            return Err(StackError::Command {
                command: shown,
                reason: crate::probes::compose::one_line(&text),
            });
        }
        Ok(shown)
    }

    /// The target's compose with the run's project and files, `args` after
    /// them, bounded: the command as shown and its output, whatever its exit.
    pub(crate) async fn compose_output(
        &self,
        args: &[&str],
    ) -> Result<(String, std::process::Output), StackError> {
        let shown = format!("docker compose {}", args.join(" "));
        let mut cmd = tokio::process::Command::new("docker");
        cmd.args(self.cli.base_args())
            .args(args)
            .stdin(std::process::Stdio::null());
        let limit = self.wait_limit + Duration::from_secs(120);
        let out = tokio::time::timeout(limit, crate::children::tokio_output(&mut cmd))
            .await
            .map_err(|_| StackError::Command {
                command: shown.clone(),
                reason: format!("still running after {} s", limit.as_secs()),
            })?
            .map_err(|e| StackError::Command {
                command: shown.clone(),
                reason: e.to_string(),
            })?;
        Ok((shown, out))
    }
}
