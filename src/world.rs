//! The cucumber World: per-scenario state over a per-run [`RunContext`].
//! The run context (target, resolved compose models, stack) is built once in
//! the runner, never in `World::new`: Worlds are rebuilt per scenario.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::compose::ComposeModel;
use crate::kafka_config::Listener;
use crate::probes::kafka::KafkaObservation;
use crate::stack::Stack;
use crate::target::Target;

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
    pub measurements: std::sync::Mutex<Vec<String>>,
    /// Observations steps recorded for the sign-off report.
    pub evidence: std::sync::Mutex<Evidence>,
}

/// What the report shows beside the verdicts: tables of observations.
#[derive(Debug, Default, Clone)]
pub struct Evidence {
    /// Section -> rows (the first row of a section is its header).
    pub tables: BTreeMap<String, Vec<Vec<String>>>,
    /// Service -> seconds from container start to healthy (engine events).
    pub time_to_healthy: BTreeMap<String, f64>,
}

impl RunContext {
    pub fn measure(&self, line: String) {
        self.measurements.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }

    /// Adds a row to a report table, creating it with `header` if new.
    pub fn record(&self, section: &str, header: &[&str], row: Vec<String>) {
        let mut e = self.evidence.lock().unwrap_or_else(|p| p.into_inner());
        let t = e.tables.entry(section.to_string()).or_insert_with(|| vec![header.iter().map(|h| h.to_string()).collect()]);
        t.push(row);
    }

    pub fn record_healthy(&self, service: &str, seconds: f64) {
        self.evidence.lock().unwrap_or_else(|p| p.into_inner()).time_to_healthy.insert(service.to_string(), seconds);
    }
}

static CONTEXT: OnceLock<Arc<RunContext>> = OnceLock::new();

/// Installs the run context; a process runs one verification.
pub fn install(ctx: RunContext) -> Arc<RunContext> {
    let secrets = ctx.models.values().flat_map(|m| crate::redact::secret_values(m)).collect();
    crate::redact::install(secrets);
    let ctx = Arc::new(ctx);
    if CONTEXT.set(ctx.clone()).is_err() {
        panic!("a run context is already installed in this process");
    }
    ctx
}

#[derive(Debug, cucumber::World)]
#[world(init = Self::new)]
pub struct AcceptanceWorld {
    pub ctx: Arc<RunContext>,
    /// The layering a scenario is about ("infrastructure", "hemma").
    pub layering: Option<(String, Arc<ComposeModel>)>,
    /// The listener a previous step singled out ("that listener").
    pub listener: Option<Listener>,
    /// What the last Kafka client of this scenario observed.
    pub kafka: Option<KafkaObservation>,
    /// The last one-off run: exit code, output tail, seconds.
    pub oneoff: Option<(i32, String, f64)>,
    /// What ApiVersions / DescribeQuorum answered.
    pub wire: Option<crate::probes::wire::WireObservation>,
}

impl AcceptanceWorld {
    fn new() -> Self {
        let ctx = CONTEXT.get().expect("runner installs the run context before scenarios run").clone();
        Self { ctx, layering: None, listener: None, kafka: None, oneoff: None, wire: None }
    }

    pub fn model(&self) -> Result<&ComposeModel, String> {
        self.layering
            .as_ref()
            .map(|(_, m)| m.as_ref())
            .ok_or_else(|| "no layering chosen: the scenario needs `Given the \"...\" layering of the target`".into())
    }

    /// The stack, started by `up` without error.
    pub fn stack(&self) -> Result<Arc<Stack>, String> {
        let s = self.ctx.stack.clone().ok_or("no stack: this run did not start one (select @runtime scenarios)")?;
        let up = s.up_result().ok_or("the stack was prepared but not started")?;
        if !up.ok {
            return Err(format!("the stack did not start: {}", up.output));
        }
        Ok(s)
    }

    pub fn layering_name(&self) -> &str {
        self.layering.as_ref().map(|(n, _)| n.as_str()).unwrap_or("?")
    }
}
