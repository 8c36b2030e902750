//! features/healthy.feature

use cucumber::then;
use kraft_acceptance::model::evidence::HealthyTime;
use kraft_acceptance::run::world::{AcceptanceWorld, StepResult};
use kraft_acceptance::verdicts::healthy;

#[then(expr = "service {string} has a healthcheck that can pass well within {int} s")]
fn healthcheck_fits(w: &mut AcceptanceWorld, service: String, budget: u32) -> StepResult {
    if w.not_needed(&service) {
        return Ok(());
    }
    for service in w.services_of(&service)? {
        healthcheck_of(w, &service, budget)?;
    }
    Ok(())
}

/// One service's healthcheck fits the budget.
fn healthcheck_of(w: &mut AcceptanceWorld, service: &str, budget: u32) -> StepResult {
    let m = w.model()?;
    let svc = w.defined(&m, service)?;
    w.judge(healthy::healthcheck_fits(
        service,
        svc.healthcheck.as_ref(),
        f64::from(budget),
    ))?;
    let hc = svc.healthcheck.as_ref().map(|h| {
        format!(
            "interval {}",
            h.interval.as_deref().unwrap_or("30s (default)")
        )
    });
    w.saw(format!("{service}: healthcheck {}", hc.unwrap_or_default()));
    Ok(())
}

#[then(
    expr = "service {string} becomes healthy within {int} s of its start, by the engine's clock"
)]
async fn healthy_within(w: &mut AcceptanceWorld, service: String, budget: u32) -> StepResult {
    if w.not_needed(&service) {
        return Ok(());
    }
    let stack = w.stack()?;
    let services = w.started_of(&service)?;
    // Every node is waited for before any is judged: each keeps its own
    // row, the first failure does not hide the others' times.
    let mut all = Vec::new();
    for service in &services {
        all.push(stack.readiness(service).await);
    }
    let budget_s = f64::from(budget);
    for r in all.iter().filter(|r| r.healthy) {
        if let Some(seconds) = r.time_to_healthy {
            let t = HealthyTime {
                seconds,
                budget: budget_s,
            };
            w.ctx.record_healthy(&r.service, t, false);
        }
    }
    for r in &all {
        let t = w.judge(healthy::healthy_within(r, budget_s))?;
        // The time itself is the report's "Time to healthy" (recorded above).
        w.saw(format!("{} time-to-healthy: {t:.2} s (budget {budget} s; engine events `start` -> `health_status: healthy`)", r.service));
    }
    Ok(())
}
