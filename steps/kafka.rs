use cucumber::then;

use super::StepResult;
use crate::kafka_config::{env_to_properties, kraft_violations};
use crate::verdicts::{listeners, none_of, Failure};
use crate::world::AcceptanceWorld;

fn props(w: &AcceptanceWorld, service: &str) -> Result<std::collections::BTreeMap<String, String>, String> {
    Ok(env_to_properties(&w.model()?.service(service)?.environment))
}

#[then(expr = "service {string} passes Kafka's KRaft startup rules")]
fn kraft_rules(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let v = kraft_violations(&props(w, &service)?);
    Ok(none_of(&format!("{service}'s KAFKA_* settings accepted by KafkaConfig in KRaft mode"), "violations", v)?)
}

#[then(expr = "service {string} advertises exactly {string} on one listener")]
fn advertises(w: &mut AcceptanceWorld, service: String, address: String) -> StepResult {
    let adv = listeners::advertised(&props(w, &service)?)?;
    w.listener = Some(listeners::advertised_exactly(&adv, &address)?);
    Ok(())
}

#[then(expr = "{string} resolves to service {string} for the other services on its network")]
fn resolvable(w: &mut AcceptanceWorld, host: String, service: String) -> StepResult {
    listeners::resolvable_by_peers(w.model()?, &service, &host)?;
    Ok(())
}

#[then(expr = "service {string} publishes that listener on host port {int}")]
fn published(w: &mut AcceptanceWorld, service: String, host_port: u16) -> StepResult {
    let listener = w.listener.clone().ok_or_else(|| Failure::new("a listener chosen by a previous step", "none"))?;
    let port = listeners::container_port(&props(w, &service)?, &listener.name)?;
    let svc = w.model()?.service(&service)?;
    Ok(listeners::published_on(&service, &svc.ports, port, host_port)?)
}
