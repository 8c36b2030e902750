//! Phrases many features share: which layering, which stack, a Kafka client
//! on the host.

use cucumber::given;
use kraft_acceptance::model::kafka::{DataCheck, KafkaObservation};
use kraft_acceptance::probes::kafka;
use kraft_acceptance::run::world::{AcceptanceWorld, StepError, StepResult};
use kraft_acceptance::verdicts::{self, observe};

/// What a Kafka client on the host, bootstrapping from `bootstrap`, is told
/// and can do (`check`).
pub async fn host_client(w: &mut AcceptanceWorld, bootstrap: &str, check: DataCheck) -> Result<KafkaObservation, StepError> {
    let b = bootstrap.to_string();
    let obs = tokio::task::spawn_blocking(move || kafka::probe(&b, &check)).await;
    let obs = w.judge(observe("the probe thread finishing", obs))?;
    w.judge(observe(format!("a Kafka client on the host gets metadata from {bootstrap}"), obs))
}

#[given(expr = "the {string} layering of the target")]
fn layering(w: &mut AcceptanceWorld, name: String) -> StepResult {
    let configured = w.ctx.models.keys().cloned().collect::<Vec<_>>().join(", ");
    let model = w.ctx.models.get(&name).cloned();
    let needed = format!(
        "layering \"{name}\" configured (configured: {configured}; name its compose files in kraft-acceptance.toml: [layerings] {name} = [\"...\"])"
    );
    let model = w.judge(verdicts::earlier(&needed, model))?;
    w.layering = Some((name, model));
    Ok(())
}

#[given("the stack started by `docker compose up -d kafka redis`")]
fn started(w: &mut AcceptanceWorld) -> StepResult {
    let s = w.stack()?;
    w.saw(s.up_result().map(|u| format!("`{}` exited 0 in {:.2} s", u.command, u.seconds)).unwrap_or_default());
    Ok(())
}

#[given("the running stack")]
fn running(w: &mut AcceptanceWorld) -> StepResult {
    w.stack().map(|_| ())
}
