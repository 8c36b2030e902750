use cucumber::{given, then};

use super::StepResult;
use crate::verdicts::{none_of, zookeeper};
use crate::world::AcceptanceWorld;

#[given(expr = "the {string} layering of the target")]
fn layering(w: &mut AcceptanceWorld, name: String) -> StepResult {
    let model = w.ctx.models.get(&name).cloned().ok_or_else(|| {
        format!(
            "layering \"{name}\" is not configured (configured: {})",
            w.ctx.models.keys().cloned().collect::<Vec<_>>().join(", ")
        )
    })?;
    w.layering = Some((name, model));
    Ok(())
}

#[then("nothing in it is, needs or publishes ZooKeeper")]
fn no_zookeeper(w: &mut AcceptanceWorld) -> StepResult {
    let findings = zookeeper::zookeeper_findings(w.model()?);
    let expected = format!("no ZooKeeper service, image, env, depends_on or port 2181 in the {} layering", w.layering_name());
    Ok(none_of(&expected, "ZooKeeper traces", findings)?)
}
