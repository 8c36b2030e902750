//! Waiting for a service: bounded, shared by every scenario that needs it,
//! telling apart healthy, unhealthy, exited and no healthcheck; the time to
//! healthy comes from the engine's own events.

use std::time::{Duration, Instant};

use super::progress::{trim, Progress};
use super::Stack;
use crate::model::engine::{time_to_healthy, EngineEvent};
use crate::model::Readiness;

/// The criterion's budget, shown beside the elapsed time while waiting.
const CRITERION_BUDGET_S: f64 = 60.0;

impl Stack {
    /// Waits (once per service, shared by every scenario) until the service
    /// is healthy, has exited, has no healthcheck, or the wait limit passes.
    pub async fn readiness(&self, service: &str) -> Readiness {
        let cell = {
            let mut m = self.ready.lock().unwrap_or_else(|p| p.into_inner());
            m.entry(service.to_string()).or_default().clone()
        };
        cell.get_or_init(|| self.wait_ready(service)).await.clone()
    }

    async fn wait_ready(&self, service: &str) -> Readiness {
        self.wait_ready_since(service, self.since_s).await
    }

    /// A fresh bounded wait for `service`, its time to healthy from the
    /// engine's events since `since_s` (the last start after it).
    pub(crate) async fn wait_ready_since(&self, service: &str, since_s: i64) -> Readiness {
        let started = Instant::now();
        let budget = self.wait_limit.as_secs_f64();
        let mut progress = Progress::new();
        let mut r = Readiness {
            service: service.into(),
            healthy: false,
            state: "not created".into(),
            last_check: None,
            time_to_healthy: None,
            waited: 0.0,
        };
        loop {
            r.waited = started.elapsed().as_secs_f64();
            match self.service_container(service).await {
                Err(e) => r.state = e.to_string(),
                Ok(c) => {
                    r.last_check = c.last_check.clone();
                    r.state = match (&c.health, c.status.as_str()) {
                        (_, "exited" | "dead") => {
                            format!("{} (exit {})", c.status, c.exit_code.unwrap_or(-1))
                        }
                        (Some(h), s) => format!("{s}/{h}"),
                        (None, s) => format!("{s}, no healthcheck"),
                    };
                    let done = c.health.as_deref() == Some("healthy")
                        || matches!(c.status.as_str(), "exited" | "dead")
                        || (c.health.is_none() && c.status == "running");
                    if done {
                        r.healthy = c.health.as_deref() == Some("healthy");
                        break;
                    }
                }
            }
            if r.waited >= budget {
                break;
            }
            let check = r
                .last_check
                .as_ref()
                .map(|(code, out)| format!(", last healthcheck: exit {code} {}", trim(out, 60)))
                .unwrap_or_default();
            progress.show(&format!(
                "{service}: {}, {:.1} s / {CRITERION_BUDGET_S:.0} s (waiting up to {budget:.0} s){check}",
                r.state, r.waited
            ));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        drop(progress);
        if r.healthy {
            // The measurement comes from the engine's own event timestamps.
            r.time_to_healthy = self
                .measure_events(since_s, |ev| time_to_healthy(ev, service))
                .await;
        }
        r
    }

    /// `measure` of the project's events since `since_s`: from the live log
    /// (an event reaches it a moment after the engine acted, so it is asked
    /// for up to 2 s), else from what the engine still holds.
    pub(crate) async fn measure_events(
        &self,
        since_s: i64,
        measure: impl Fn(&[EngineEvent]) -> Option<f64>,
    ) -> Option<f64> {
        let since_ns = since_s.saturating_mul(1_000_000_000);
        for _ in 0..20 {
            let ev: Vec<EngineEvent> = self
                .events
                .events()
                .into_iter()
                .filter(|e| e.time_ns >= since_ns)
                .collect();
            if let Some(t) = measure(&ev) {
                return Some(t);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let ev = self
            .engine
            .project_events(&self.project, since_s)
            .await
            .ok()?;
        measure(&ev)
    }
}
