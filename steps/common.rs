//! Phrases many features share: which layering, which stack, a Kafka client
//! on the host.

use std::str::FromStr;

use cucumber::{given, Parameter};
use kraft_acceptance::model::compose::ComposeModel;
use kraft_acceptance::model::kafka::{DataCheck, KafkaObservation};
use kraft_acceptance::probes::{host, kafka};

use kraft_acceptance::run::world::{AcceptanceWorld, StepError, StepResult, Turn};
use kraft_acceptance::stack::Stack;
use kraft_acceptance::verdicts::{self, observed};

/// A quoted, comma-separated list of compose services: `"kafka, redis"`.
#[derive(Debug, Clone, Parameter)]
#[param(name = "services", regex = r#""[^"]*""#)]
pub struct Services(pub Vec<String>);

impl FromStr for Services {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let list = s
            .trim_matches('"')
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Ok(Services(list.collect()))
    }
}

impl Services {
    /// The target's names for them (the features spell the seed's), without
    /// those the target says it does not run (Redis, `has_redis = false`).
    pub fn of(&self, w: &AcceptanceWorld) -> Vec<String> {
        self.0
            .iter()
            .filter(|s| !w.not_needed(s))
            .map(|s| w.ctx.target.service(s))
            .collect()
    }

    /// As [`Services::of`], Kafka's standing for every node of the cluster
    /// the stack runs.
    pub fn running(&self, w: &AcceptanceWorld) -> Vec<String> {
        let nodes = w.ctx.stack.as_ref().map(|s| s.services.nodes.clone());
        self.of(w)
            .into_iter()
            .flat_map(|s| match &nodes {
                Some(nodes) if s == w.ctx.target.names.kafka => nodes.clone(),
                _ => vec![s],
            })
            .collect()
    }
}

/// A blocking probe on a thread of its own (never on a tokio worker),
/// judged as the thread finishing, then as what the step needed of it.
pub async fn blocking<T, E>(
    w: &mut AcceptanceWorld,
    needed: impl Into<String>,
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, StepError>
where
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let r = tokio::task::spawn_blocking(f).await;
    let r = w.judge(observed("the probe thread finishing", r))?;
    w.judge(observed(needed, r))
}

/// What a Kafka client on the host, bootstrapping from `bootstrap`, is told
/// and can do (`check`).
pub async fn host_client(
    w: &mut AcceptanceWorld,
    bootstrap: &str,
    check: DataCheck,
) -> Result<KafkaObservation, StepError> {
    let b = bootstrap.to_string();
    blocking(
        w,
        format!("a Kafka client on the host gets metadata from {bootstrap}"),
        move || kafka::probe(&b, &check),
    )
    .await
}

/// The Docker Engine's version and where it was read: the engine's
/// `/version`, or the variable that stands in for it (what-if runs, tests).
pub async fn engine_version(w: &mut AcceptanceWorld) -> Result<(String, String), StepError> {
    if let Ok(v) = std::env::var(host::ENGINE_VERSION_ENV) {
        return Ok((v, format!("${}", host::ENGINE_VERSION_ENV)));
    }
    let engine = w.ctx.engine().await;
    let engine = w.judge(observed("the Docker Engine answering", engine))?;
    let v = w.judge(observed("the engine's version", engine.version().await))?;
    Ok((v.0, "engine API /version".to_string()))
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
    w.saw(
        s.up_result()
            .map(|u| format!("`{}` exited 0 in {:.2} s", u.command, u.seconds))
            .unwrap_or_default(),
    );
    Ok(())
}

#[given("the running stack")]
fn running(w: &mut AcceptanceWorld) -> StepResult {
    w.stack().map(|_| ())
}

/// The services left out of a check because compose runs none of them.
pub fn disabled_note(m: &ComposeModel) -> String {
    match m.disabled_services() {
        d if d.is_empty() => String::new(),
        d => format!(
            " (disabled with deploy.replicas: 0, so not run: {})",
            d.join(", ")
        ),
    }
}

/// How long a disruptive scenario waits for the others: the stack's wait
/// limit and ten minutes beyond it.
fn turn_deadline(s: &Stack) -> tokio::time::Instant {
    tokio::time::Instant::now() + s.wait_limit + std::time::Duration::from_secs(600)
}

/// This scenario's turn among those that recreate or stop containers, taken
/// before the others have finished: what it does until
/// [`others_finished`] disturbs none of them (writing records of its own).
pub async fn lock_turn(w: &mut AcceptanceWorld, s: &Stack, what: &str) -> Result<Turn, StepError> {
    let deadline = turn_deadline(s);
    let turn = w.ctx.lock_turn(deadline).await;
    w.judge(verdicts::earlier(
        &format!(
            "no other scenario of the run stopping or recreating a container when {what} starts"
        ),
        turn,
    ))
}

/// Every scenario that neither recreates nor stops containers has finished.
pub async fn others_finished(w: &mut AcceptanceWorld, s: &Stack, what: &str) -> StepResult {
    let deadline = turn_deadline(s);
    let done = w.ctx.others_finished(deadline).await.then_some(());
    w.judge(verdicts::earlier(
        &format!("every other scenario of the run finished before {what}"),
        done,
    ))
}
