//! features/hemma_layering.feature

use cucumber::then;
use kraft_acceptance::run::world::{AcceptanceWorld, StepResult};
use kraft_acceptance::verdicts::hemma_layering;

use crate::common::Services;

#[then("it brings no observability service of its own")]
fn no_observability(w: &mut AcceptanceWorld) -> StepResult {
    let m = w.model()?;
    let known = w.ctx.target.observability_services.clone();
    w.judge(hemma_layering::no_observability(&m, &known))?;
    let running: Vec<&str> = m.running_services().map(|(n, _)| n.as_str()).collect();
    w.saw(format!(
        "services: {}{}",
        running.join(", "),
        crate::common::disabled_note(&m)
    ));
    Ok(())
}

#[then("it runs no database of its own, and says which services use the shared one")]
fn no_own_database(w: &mut AcceptanceWorld) -> StepResult {
    let m = w.model()?;
    let images = w.ctx.target.database_images.clone();
    let shared = w.judge(hemma_layering::no_own_database(&m, &images))?;
    let users = if shared.is_empty() {
        "none names it".to_string()
    } else {
        shared.join(", ")
    };
    w.saw(format!(
        "no service runs {}{}; services using {}: {users}",
        images.join(", "),
        crate::common::disabled_note(&m),
        hemma_layering::SHARED_DATABASE
    ));
    Ok(())
}

#[then(expr = "network {string} is external")]
fn external(w: &mut AcceptanceWorld, network: String) -> StepResult {
    let m = w.model()?;
    w.judge(hemma_layering::network_external(&m, &network))?;
    w.saw(format!("network {network}: external"));
    Ok(())
}

#[then(expr = "services {services} join network {string}")]
fn join(w: &mut AcceptanceWorld, services: Services, network: String) -> StepResult {
    let m = w.model()?;
    let list = services.of(w);
    w.judge(hemma_layering::services_join(&m, &list, &network))?;
    w.saw(format!("{} on {network}", list.join(", ")));
    Ok(())
}
