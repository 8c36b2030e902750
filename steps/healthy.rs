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
    let service = w.ctx.target.service(&service);
    let r = w.stack()?.readiness(&service).await;
    if let Some(t) = r.time_to_healthy.filter(|_| r.healthy) {
        let budget = f64::from(budget);
        let t = HealthyTime { seconds: t, budget };
        w.ctx.record_healthy(&service, t, false);
    }
    let t = w.judge(healthy::healthy_within(&r, f64::from(budget)))?;
    // The time itself is the report's "Time to healthy" (recorded above).
    w.saw(format!("{service} time-to-healthy: {t:.2} s (budget {budget} s; engine events `start` -> `health_status: healthy`)"));
    Ok(())
}
