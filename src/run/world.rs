//! The cucumber World: per-scenario state over a per-run [`RunContext`].
//! The run context (target, resolved compose models, stack) is built once in
//! the runner, never in `World::new`: Worlds are rebuilt per scenario.
//!
//! Steps hand every verdict to [`AcceptanceWorld::judge`], which keeps a
//! failure typed in the World, where the run's collector reads it.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

mod reads;

use super::outcome::Evidence;
use crate::model::compose::ComposeModel;
use crate::model::evidence::{HealthyTime, Recorded, Row};
use crate::probes::engine::{Engine, EngineError};
use crate::redact::redact;
use crate::stack::Stack;
use crate::target::Target;

use crate::verdicts::{self, Failure, Verdict};

/// What a run shares between scenarios.
#[derive(Debug)]
pub struct RunContext {
    pub target: Target,
    /// Layering name -> model resolved by `docker compose config`.
    pub models: BTreeMap<String, Arc<ComposeModel>>,
    /// The running stack, when a selected scenario needs one.
    pub stack: Option<Arc<Stack>>,
    /// Attached to a deployment: nothing may be written to it.
    pub read_only: bool,
    /// Figures measured by steps (time-to-healthy...), printed and reported.
    pub measurements: Mutex<Vec<String>>,
    /// Observations steps recorded for the sign-off report.
    pub evidence: Mutex<Evidence>,
    /// Scenario -> what its steps observed (passes included).
    pub observed: Mutex<BTreeMap<String, Vec<String>>>,
    /// Scenario -> warnings: a scenario that passes with one passes WITH WARNING.
    pub warnings: Mutex<BTreeMap<String, Vec<String>>>,
    /// Scenarios this run executes, and how many have finished: a step that
    /// recreates or stops the stack's containers waits until every scenario
    /// that does not has finished.
    pub scenarios: std::sync::atomic::AtomicUsize,
    pub finished: std::sync::atomic::AtomicUsize,
    /// Of those, the scenarios that recreate or stop containers (`@recreates`),
    /// and how many of them have finished: they take turns.
    pub disruptive: std::sync::atomic::AtomicUsize,
    pub finished_disruptive: std::sync::atomic::AtomicUsize,
    turn: Arc<tokio::sync::Mutex<()>>,
}

/// A scenario's turn to recreate or stop the stack's containers, held until
/// the scenario ends (its World is dropped).
pub struct Turn(#[allow(dead_code)] tokio::sync::OwnedMutexGuard<()>);

impl RunContext {
    pub fn new(target: Target, models: BTreeMap<String, Arc<ComposeModel>>) -> Self {
        Self {
            target,
            models,
            stack: None,
            read_only: false,
            measurements: Default::default(),
            evidence: Default::default(),
            observed: Default::default(),
            warnings: Default::default(),
            scenarios: Default::default(),
            finished: Default::default(),
            disruptive: Default::default(),
            finished_disruptive: Default::default(),
            turn: Default::default(),
        }
    }

    /// This scenario's turn among those that recreate or stop containers,
    /// whatever the others are doing, by `deadline`.
    pub async fn lock_turn(&self, deadline: tokio::time::Instant) -> Option<Turn> {
        let turn = self.turn.clone().lock_owned();
        tokio::time::timeout_at(deadline, turn).await.ok().map(Turn)
    }

    /// Waits until every scenario that neither recreates nor stops
    /// containers has finished; false when `deadline` passed first.
    pub async fn others_finished(&self, deadline: tokio::time::Instant) -> bool {
        use std::sync::atomic::Ordering::SeqCst;
        loop {
            let others_finished =
                (self.finished.load(SeqCst)).saturating_sub(self.finished_disruptive.load(SeqCst));
            let others = self.scenarios.load(SeqCst) - self.disruptive.load(SeqCst);
            if others_finished >= others {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Waits until every other scenario of the run, those that recreate or
    /// stop containers included, has finished; false when `deadline` passed
    /// first. For a step that must come last (the upgrade rehearsal).
    pub async fn all_others_finished(&self, deadline: tokio::time::Instant) -> bool {
        use std::sync::atomic::Ordering::SeqCst;
        loop {
            if self.finished.load(SeqCst) + 1 >= self.scenarios.load(SeqCst) {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    pub fn measure(&self, line: String) {
        self.measurements
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(line);
    }

    /// Adds a row of evidence; `failing`: what the step judged of it, for
    /// the report to mark.
    pub fn record(&self, row: Row, failing: bool) {
        let mut e = self.evidence.lock().unwrap_or_else(|p| p.into_inner());
        e.rows.push(Recorded { row, failing });
    }

    /// The engine: the stack's, else a connection of its own (runs with no stack).
    pub async fn engine(&self) -> Result<Engine, EngineError> {
        match &self.stack {
            Some(s) => Ok(s.engine.clone()),
            None => Engine::connect().await,
        }
    }

    /// A service's time to healthy and the budget it is judged against.
    /// `redeployed`: measured after the redeploy recreated the container.
    pub fn record_healthy(&self, service: &str, t: HealthyTime, redeployed: bool) {
        let mut e = self.evidence.lock().unwrap_or_else(|p| p.into_inner());
        let times = if redeployed {
            &mut e.after_redeploy
        } else {
            &mut e.time_to_healthy
        };
        times.insert(service.to_string(), t);
    }
}

static CONTEXT: OnceLock<Arc<RunContext>> = OnceLock::new();

/// Installs the run context; a process runs one verification.
pub fn install(ctx: RunContext) -> Arc<RunContext> {
    let mut secrets: Vec<String> = ctx
        .models
        .values()
        .flat_map(|m| crate::redact::secret_values(m))
        .collect();
    // A Redis password given in this process's environment is a secret wherever it appears.
    secrets.extend(
        ctx.target
            .redis_password_env
            .as_ref()
            .and_then(|v| std::env::var(v).ok()),
    );
    crate::redact::install(secrets);
    let ctx = Arc::new(ctx);
    if CONTEXT.set(ctx.clone()).is_err() {
        panic!("a run context is already installed in this process");
    }
    ctx
}

/// A failed step. Only [`AcceptanceWorld::judge`] makes one, so every
/// failure is also kept typed in the World. Its text, redacted, is what
/// cucumber's own writers show.
#[derive(Debug)]
pub struct StepError(Failure);

impl fmt::Display for StepError {
    // `judge` stored the failure already redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

pub type StepResult = Result<(), StepError>;

/// Values by their type (see [`AcceptanceWorld::keep`]).
#[derive(Default)]
pub struct Kept(HashMap<TypeId, Box<dyn Any + Send + Sync>>);

impl fmt::Debug for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Kept({} values)", self.0.len())
    }
}

#[derive(Debug, cucumber::World)]
#[world(init = Self::new)]
pub struct AcceptanceWorld {
    pub ctx: Arc<RunContext>,
    /// The scenario this World serves (set by the runner's before hook).
    pub scenario: String,
    /// The layering a scenario is about ("infrastructure", "hemma").
    pub layering: Option<(String, Arc<ComposeModel>)>,
    /// What earlier steps of this scenario produced, one value per type:
    /// each criterion's steps keep and read their own types.
    pub kept: Kept,
    /// The failure of the step that failed, typed.
    pub failure: Option<Failure>,
}

impl AcceptanceWorld {
    fn new() -> Self {
        let ctx = CONTEXT
            .get()
            .expect("runner installs the run context before scenarios run")
            .clone();
        Self {
            ctx,
            scenario: String::new(),
            layering: None,
            kept: Kept::default(),
            failure: None,
        }
    }

    /// Keeps what a step produced for a later step of the scenario
    /// (replacing an earlier value of the same type).
    pub fn keep<T: Any + Send + Sync>(&mut self, value: T) {
        self.kept.0.insert(TypeId::of::<T>(), Box::new(value));
    }

    /// Gives back this scenario's turn to recreate or stop containers, at
    /// its end: cucumber's writers may hold the World itself longer.
    pub(crate) fn end_turn(&mut self) {
        self.kept.0.remove(&TypeId::of::<Turn>());
    }

    /// What an earlier step kept, if one did.
    pub fn kept<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.kept.0.get(&TypeId::of::<T>())?.downcast_ref()
    }

    /// What an earlier step must have kept: `what` names it in the failure.
    pub fn earlier<T: Any + Send + Sync + Clone>(&mut self, what: &str) -> Result<T, StepError> {
        let v = self.kept::<T>().cloned();
        self.judge(verdicts::earlier(what, v))
    }

    /// The step's verdict: its value, or the failure, kept typed here.
    pub fn judge<T>(&mut self, v: Verdict<T>) -> Result<T, StepError> {
        v.map_err(|f| {
            let f = Failure {
                expected: redact(&f.expected),
                observed: redact(&f.observed),
                evidence: f.evidence.iter().map(|e| redact(e)).collect(),
            };
            self.failure = Some(f.clone());
            StepError(f)
        })
    }

    /// Records what a step observed, for the report (passes included).
    pub fn saw(&self, line: impl Into<String>) {
        let mut o = self.ctx.observed.lock().unwrap_or_else(|p| p.into_inner());
        o.entry(self.scenario.clone())
            .or_default()
            .push(redact(&line.into()));
    }

    /// A warning on this scenario: it passes WITH WARNING, never a bare pass.
    pub fn warn(&self, line: impl Into<String>) {
        let mut o = self.ctx.warnings.lock().unwrap_or_else(|p| p.into_inner());
        o.entry(self.scenario.clone())
            .or_default()
            .push(redact(&line.into()));
    }

    pub fn layering_name(&self) -> String {
        self.layering
            .as_ref()
            .map(|(n, _)| n.clone())
            .unwrap_or_else(|| "?".into())
    }

    /// The model of the layering a `Given` chose.
    pub fn model(&mut self) -> Result<Arc<ComposeModel>, StepError> {
        let m = self.layering.as_ref().map(|(_, m)| m.clone());
        self.judge(verdicts::earlier(
            "a layering chosen by `Given the \"...\" layering of the target`",
            m,
        ))
    }

    /// A step about `seed` (a service) that the target says it does not run
    /// (Redis, with `has_redis = false`): said as not needed; `true` then,
    /// and the step has nothing to judge.
    pub fn not_needed(&self, seed: &str) -> bool {
        match self.ctx.target.not_needed(seed) {
            Some(why) => {
                self.saw(format!("service {seed}: {why}"));
                true
            }
            None => false,
        }
    }

    /// A service of `model`, defined (else a failure naming the services it has).
    pub fn defined<'m>(
        &mut self,
        model: &'m ComposeModel,
        service: &str,
    ) -> Result<&'m crate::model::compose::Service, StepError> {
        let found = model
            .service(service)
            .map_err(|e| match self.toml_key(model, service) {
                Some(hint) => format!("{e}; {hint}"),
                None => e.to_string(),
            });
        self.judge(verdicts::observed(
            format!("service {service} defined"),
            found,
        ))
    }

    /// The kraft-acceptance.toml line that would name the target's own
    /// service where the seed's name is missing, with the services that look
    /// like it.
    fn toml_key(&self, model: &ComposeModel, service: &str) -> Option<String> {
        use crate::init::discover;
        let t = &self.ctx.target;
        let kafka = discover::kafka_service(model).map(|(k, _)| k);
        let (line, like) = if Some(service) == t.bootstrap_service() {
            let like = kafka.and_then(|k| discover::bootstrap_service(model, &k));
            ("[bootstrap] service", like)
        } else if service == t.names.kafka {
            ("[names] kafka", kafka)
        } else if service == t.names.redis {
            let like = discover::redis_service(model, kafka.as_deref().unwrap_or_default());
            if like.is_none() {
                return Some("no service runs a Redis, Valkey or KeyDB image: has_redis = false in kraft-acceptance.toml says the stack runs none (`kraft-acceptance init` writes it)".into());
            }
            ("[names] redis", like)
        } else {
            return None;
        };
        let like = like.map_or(String::new(), |l| format!(" = \"{l}\""));
        Some(format!("{line}{like} in kraft-acceptance.toml names the target's own (`kraft-acceptance init` writes it)"))
    }

    /// The stack, started by `up` without error.
    pub fn stack(&mut self) -> Result<Arc<Stack>, StepError> {
        let s = self.ctx.stack.clone();
        let s = self.judge(verdicts::earlier(
            "a stack this run started or attached to (select @runtime scenarios)",
            s,
        ))?;
        let up = s.up_result().cloned();
        let up = self.judge(verdicts::earlier("the stack started", up))?;
        self.judge(verdicts::stack::up_succeeded(&up))?;
        Ok(s)
    }

    /// The stack, once `service` is healthy; for Kafka, once every node of
    /// the cluster is (Kafka serves a cluster's clients only then).
    /// `service` by the seed's name (`kafka`) or the target's own.
    pub async fn ready(&mut self, service: &str) -> Result<Arc<Stack>, StepError> {
        let s = self.stack()?;
        let service = self.ctx.target.service(service);
        let services = match service == s.services.kafka() {
            true => s.services.nodes.clone(),
            false => vec![service],
        };
        for service in &services {
            let r = s.readiness(service).await;
            self.judge(verdicts::stack::ready(&r))?;
        }
        Ok(s)
    }
}
