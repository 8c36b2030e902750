use cucumber::then;

use super::StepResult;
use crate::verdicts::{hemma, none_of};
use crate::world::AcceptanceWorld;

#[then("it brings no observability service of its own")]
fn no_observability(w: &mut AcceptanceWorld) -> StepResult {
    let found = hemma::observability_services(w.model()?, &w.ctx.target.observability_services);
    Ok(none_of("no observability service (Hemma uses the shared stack)", "observability services", found)?)
}

#[then(expr = "network {string} is external")]
fn external(w: &mut AcceptanceWorld, network: String) -> StepResult {
    Ok(hemma::network_external(w.model()?, &network)?)
}

#[then(expr = "services {string} join network {string}")]
fn join(w: &mut AcceptanceWorld, services: String, network: String) -> StepResult {
    let list: Vec<String> = services.split(',').map(|s| s.trim().to_string()).collect();
    Ok(hemma::services_join(w.model()?, &list, &network)?)
}
