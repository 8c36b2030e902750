//! A cucumber [`Writer`] of the run's own: it collects each scenario's
//! status from cucumber's events and its typed [`Failure`] from the World
//! the failed step left, so the outcome never goes through text.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use cucumber::event::{self, Cucumber, RetryableScenario};
use cucumber::{cli, gherkin, parser, Event, Writer};

use super::outcome::{ScenarioResult, Status};
use super::world::AcceptanceWorld;
use crate::verdicts::Failure;

/// Scenario results by name, with when each started; shared with the runner.
#[derive(Clone, Default)]
pub struct Collector(Arc<Mutex<BTreeMap<String, (SystemTime, ScenarioResult)>>>);

impl Collector {
    pub fn results(&self) -> Vec<ScenarioResult> {
        self.0
            .lock()
            .map(|m| m.values().map(|(_, r)| r.clone()).collect())
            .unwrap_or_default()
    }

    fn on_scenario(
        &self,
        feature: &gherkin::Feature,
        sc: &gherkin::Scenario,
        ev: &event::Scenario<AcceptanceWorld>,
        at: SystemTime,
    ) {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let (started, r) = m
            .entry(sc.name.clone())
            .or_insert_with(|| (at, fresh(feature, sc)));
        match ev {
            event::Scenario::Started => *started = at,
            event::Scenario::Finished => {
                r.seconds = at.duration_since(*started).map_or(0.0, |d| d.as_secs_f64());
                r.started_at = started
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0.0, |d| d.as_secs_f64());
            }
            // No step matches it (the runner fails a skipped step so).
            event::Scenario::Step(
                step,
                event::Step::Failed(_, _, _, event::StepError::NotFound),
            )
            | event::Scenario::Background(
                step,
                event::Step::Failed(_, _, _, event::StepError::NotFound),
            ) => undefined(r, step),
            event::Scenario::Step(step, event::Step::Skipped)
            | event::Scenario::Background(step, event::Step::Skipped)
                if r.status == Status::Passed =>
            {
                undefined(r, step)
            }
            event::Scenario::Step(step, event::Step::Failed(_, _, world, err))
            | event::Scenario::Background(step, event::Step::Failed(_, _, world, err)) => {
                r.status = Status::Failed;
                r.step = Some(format!("{}{}", step.keyword, step.value));
                // A step that failed outside a verdict (no match, a panic)
                // still says what was expected and what happened.
                r.failure = world.as_ref().and_then(|w| w.failure.clone()).or_else(|| {
                    Some(Failure::new(
                        format!("step \"{}\" runs", step.value),
                        crate::redact::redact(&err.to_string()),
                    ))
                });
            }
            event::Scenario::Hook(which, event::Hook::Failed(_, info)) => {
                r.status = Status::Failed;
                let why = info
                    .downcast_ref::<String>()
                    .cloned()
                    .unwrap_or_else(|| "a panic".into());
                r.failure = Some(Failure::new(format!("the {which} hook runs"), why));
            }
            _ => {}
        }
    }
}

/// A step no definition matches: the scenario proved nothing, a failure.
fn undefined(r: &mut ScenarioResult, step: &gherkin::Step) {
    r.status = Status::UndefinedStep;
    r.step = Some(format!("{}{}", step.keyword, step.value));
    r.failure = Some(Failure::new(
        format!("step \"{}\" has a definition", step.value),
        "no step matches it",
    ));
}

/// A scenario's result before any of its events: passed until a step says otherwise.
fn fresh(feature: &gherkin::Feature, sc: &gherkin::Scenario) -> ScenarioResult {
    ScenarioResult {
        tags: sc
            .tags
            .iter()
            .chain(&feature.tags)
            .map(|t| t.trim_start_matches('@').to_string())
            .collect(),
        ..ScenarioResult::new(&feature.name, &sc.name, Status::Passed)
    }
}

impl Writer<AcceptanceWorld> for Collector {
    type Cli = cli::Empty;

    async fn handle_event(
        &mut self,
        event: parser::Result<Event<Cucumber<AcceptanceWorld>>>,
        _: &Self::Cli,
    ) {
        let Ok(ev) = event else { return };
        let Cucumber::Feature(feature, fe) = &ev.value else {
            return;
        };
        match fe {
            event::Feature::Scenario(sc, RetryableScenario { event, .. }) => {
                self.on_scenario(feature, sc, event, ev.at)
            }
            event::Feature::Rule(_, event::Rule::Scenario(sc, RetryableScenario { event, .. })) => {
                self.on_scenario(feature, sc, event, ev.at)
            }
            _ => {}
        }
    }
}
