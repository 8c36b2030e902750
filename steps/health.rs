use cucumber::then;

use super::StepResult;
use crate::verdicts::health;
use crate::world::AcceptanceWorld;

#[then(expr = "service {string} has a healthcheck that can pass well within {int} s")]
fn healthcheck_fits(w: &mut AcceptanceWorld, service: String, budget: u32) -> StepResult {
    let svc = w.model()?.service(&service)?;
    Ok(health::healthcheck_fits(&service, svc.healthcheck.as_ref(), f64::from(budget))?)
}
