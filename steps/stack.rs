use cucumber::{given, then};

use super::{StepError, StepResult};
use crate::probes::proc_net;
use crate::verdicts::{health, none_of, Failure};
use crate::world::AcceptanceWorld;

/// The stack, once `service` is healthy: checks of a live service are only
/// meaningful on a service that is up (its own scenario judges the 60 s).
pub(super) async fn ready(w: &AcceptanceWorld, service: &str) -> Result<std::sync::Arc<crate::stack::Stack>, StepError> {
    let s = w.stack()?;
    let r = s.readiness(service).await;
    if r.healthy {
        return Ok(s);
    }
    let last = r.last_check.map(|(c, o)| format!("; last healthcheck: exit {c} {o}")).unwrap_or_default();
    Err(Failure::new(
        format!("{service} healthy before it is checked"),
        format!("{service} not ready: {} after waiting {:.1} s{last}", r.state, r.waited),
    )
    .into())
}

#[given("the stack started by `docker compose up -d kafka redis`")]
fn started(w: &mut AcceptanceWorld) -> StepResult {
    let s = w.ctx.stack.clone().ok_or("no stack: this run did not start one")?;
    let up = s.up_result().ok_or("the stack was prepared but not started")?;
    if !up.ok {
        return Err(Failure::new(format!("`{}` exits 0", up.command), up.output.clone()).into());
    }
    Ok(())
}

#[given("the running stack")]
fn running(w: &mut AcceptanceWorld) -> StepResult {
    w.stack()?;
    Ok(())
}

#[then("no container of the project runs a ZooKeeper image")]
async fn no_zk_container(w: &mut AcceptanceWorld) -> StepResult {
    let containers = w.stack()?.containers().await.map_err(|e| e.to_string())?;
    let found = containers
        .iter()
        .filter(|c| format!("{} {} {}", c.image, c.service, c.name).to_lowercase().contains("zookeeper"))
        .map(|c| format!("container {} (service {}, image {})", c.name, c.service, c.image))
        .collect();
    Ok(none_of("no ZooKeeper container in the project", "ZooKeeper containers", found)?)
}

#[then("no container of the project listens on port 2181")]
async fn nothing_on_2181(w: &mut AcceptanceWorld) -> StepResult {
    let containers = w.stack()?.containers().await.map_err(|e| e.to_string())?;
    let mut found = Vec::new();
    for c in containers.iter().filter(|c| c.status == "running") {
        let Some(pid) = c.pid else { continue };
        let socks = proc_net::listeners_of(pid)
            .map_err(|e| e.to_string())?;
        found.extend(socks.iter().filter(|s| s.port == 2181).map(|s| format!("{}: {}", c.name, s.line)));
        found.extend(c.bindings.iter().filter(|b| b.host_port == "2181").map(|b| format!("{}: engine publishes {}:{}", c.name, b.host_ip, b.host_port)));
    }
    Ok(none_of("no listener on 2181 in any container of the project", "listeners on 2181", found)?)
}

#[then(expr = "service {string} becomes healthy within {int} s of its start, by the engine's clock")]
async fn healthy_within(w: &mut AcceptanceWorld, service: String, budget: u32) -> StepResult {
    let s = w.stack()?;
    let r = s.readiness(&service).await;
    let last = r.last_check.as_ref().map(|(c, o)| format!("; last healthcheck: exit {c} {o}")).unwrap_or_default();
    let state = format!("{} after waiting {:.1} s{last}", r.state, r.waited);
    if let Some(t) = r.time_to_healthy.filter(|_| r.healthy) {
        w.ctx.record_healthy(&service, t);
    }
    if r.healthy && r.time_to_healthy.is_none() {
        // Healthy, but the measurement's source is gone: say that, not "unhealthy".
        return Err(Failure::new(
            format!("{service} healthy within {budget} s of container start, measured from engine events"),
            format!("{service} is healthy, but the engine no longer holds its start and health_status events (e.g. after a daemon restart), so the time cannot be measured"),
        )
        .into());
    }
    let t = health::healthy_within(&service, r.time_to_healthy.filter(|_| r.healthy), &state, f64::from(budget))?;
    w.ctx.measure(format!(
        "{service} time-to-healthy: {t:.2} s (budget {budget} s; engine events `start` -> `health_status: healthy`)"
    ));
    Ok(())
}
