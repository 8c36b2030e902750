use cucumber::then;

use super::StepResult;
use crate::verdicts::binds::{self, Bind};
use crate::verdicts::none_of;
use crate::world::AcceptanceWorld;

#[then(expr = "every port published by service {string} binds host IP 127.0.0.1 only")]
fn config_binds(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let svc = w.model()?.service(&service)?;
    let binds: Vec<Bind> = svc.ports.iter().map(|p| Bind::from_config(&service, p)).collect();
    Ok(binds::only_loopback_v4(&format!("{service} (compose config, {} layering)", w.layering_name()), &binds)?)
}

#[then("only the allowed public services publish on a non-loopback address")]
fn public_publishers(w: &mut AcceptanceWorld) -> StepResult {
    let allowed = w.ctx.target.public_services.clone();
    let found = binds::public_publishers(w.model()?, &allowed);
    let expected = format!("only [{}] publish on a non-loopback address", allowed.join(", "));
    Ok(none_of(&expected, "other public bindings", found)?)
}
