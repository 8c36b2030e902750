//! What a run found, typed from the verdict to every writer: each scenario's
//! status with its [`Failure`] (expected vs observed) or, on a pass, what
//! was observed; what was not run and why; the figures measured.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::evidence::{HealthyTime, Recorded};
use crate::verdicts::Failure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// The feature's name: one feature per criterion.
    pub feature: String,
    pub name: String,
    pub tags: Vec<String>,
    pub status: Status,
    /// The step that failed or was skipped, as written in the feature.
    pub step: Option<String>,
    pub failure: Option<Failure>,
    /// What the steps observed, on a pass as on a failure.
    pub observed: Vec<String>,
    /// Warnings its steps raised: a pass with one is PASSED WITH WARNING.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// From its start to its end, by the runner's event times.
    #[serde(default)]
    pub seconds: f64,
}

impl ScenarioResult {
    /// A scenario with `status` and nothing observed yet.
    pub fn new(feature: &str, name: &str, status: Status) -> Self {
        ScenarioResult {
            feature: feature.into(),
            name: name.into(),
            tags: Vec::new(),
            status,
            step: None,
            failure: None,
            observed: Vec::new(),
            warnings: Vec::new(),
            seconds: 0.0,
        }
    }

    /// Passed, and a step raised a warning.
    pub fn passed_with_warning(&self) -> bool {
        self.status == Status::Passed && !self.warnings.is_empty()
    }
}

/// A scenario that was not run, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotRun {
    pub feature: String,
    pub name: String,
    pub reason: String,
    pub kind: NotRunKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotRunKind {
    /// Selected, but this run could not or may not run it (stand-in, no
    /// --host-checks, read-only, registry unreachable): its criterion is
    /// not proven.
    Skipped,
    /// The other mode's form of a scenario that did run (the attach-only
    /// check beside the owned bootstrap), or one about a service the target
    /// says it does not run (Redis): its criterion does not need it.
    Alternative,
    /// Left out by --tags: its criterion is not proven by this run.
    NotSelected,
}

/// What the report shows beside the verdicts, typed: the rows the steps
/// recorded (each with what its step judged of it) and the measured times.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub rows: Vec<Recorded>,
    /// Service -> its time from container start to healthy, with its budget.
    pub time_to_healthy: BTreeMap<String, HealthyTime>,
    /// The same, measured again after the redeploy recreated the containers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub after_redeploy: BTreeMap<String, HealthyTime>,
}

impl Evidence {
    /// Every measured time to healthy, labelled for the report.
    pub fn healthy_times(&self) -> Vec<(String, HealthyTime)> {
        let first = self.time_to_healthy.iter().map(|(s, t)| (s.clone(), *t));
        let again = self
            .after_redeploy
            .iter()
            .map(|(s, t)| (format!("{s} (after the redeploy)"), *t));
        first.chain(again).collect()
    }
}

/// Where the run happened, read before teardown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub engine: String,
    /// The engine's version alone (`None`: it did not answer).
    #[serde(default)]
    pub engine_version: Option<String>,
    pub compose: String,
    /// owned project NAME / attached to NAME / no stack
    pub stack: String,
    /// stand-in or real, said in words
    pub images: String,
    pub standin: bool,
    /// (container, image, image id)
    pub containers: Vec<(String, String, String)>,
    /// The compose project, when there is a stack.
    #[serde(default)]
    pub project: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub scenarios: Vec<ScenarioResult>,
    pub not_run: Vec<NotRun>,
    /// Figures measured during the run.
    pub measurements: Vec<String>,
    pub evidence: Evidence,
    pub environment: Environment,
    pub wall_seconds: f64,
    pub generated_at: String,
    /// What changed since the baseline (`--baseline`), one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<String>,
}

impl Outcome {
    /// The closing lines a person reads: what failed, what was not run, what
    /// was measured, and the count line.
    pub fn summary(&self) -> String {
        let mut out = self.verdict_lines();
        let unselected = self
            .not_run
            .iter()
            .filter(|n| n.kind == NotRunKind::NotSelected)
            .count();
        if unselected > 0 {
            out.push_str(&format!("not selected: {unselected} scenario(s) left out by --tags (listed in the report)\n"));
        }
        if !self.environment.images.is_empty() {
            out.push_str(&format!("images: {}\n", self.environment.images));
        }
        for m in &self.measurements {
            out.push_str(&format!("measured: {m}\n"));
        }
        out.push_str(&format!(
            "measured: suite wall time {:.2} s\n",
            self.wall_seconds
        ));
        for d in &self.drift {
            out.push_str(&format!("drift: {d}\n"));
        }
        let not_run = self.not_run.len() - unselected;
        if not_run > 0 {
            out.push_str(&format!("not run: {not_run} scenario(s), listed above\n"));
        }
        let warned = self
            .scenarios
            .iter()
            .filter(|s| s.passed_with_warning())
            .count();
        let with = match warned {
            0 => String::new(),
            n => format!(" ({n} with warnings)"),
        };
        out.push_str(&format!(
            "kraft-acceptance: {} passed{with}, {} failed, {} skipped, {not_run} not run\n",
            self.count(Status::Passed),
            self.count(Status::Failed),
            self.count(Status::Skipped),
        ));
        out
    }

    /// A line for each scenario that did not simply pass, with its warnings
    /// or its failure, and for each one not run.
    fn verdict_lines(&self) -> String {
        let mut out = String::new();
        for s in self.scenarios.iter().filter(|s| s.passed_with_warning()) {
            out.push_str(&format!("PASSED WITH WARNING {} / {}\n", s.feature, s.name));
            for w in &s.warnings {
                out.push_str(&format!("    {w}\n"));
            }
        }
        for s in self.scenarios.iter().filter(|s| s.status != Status::Passed) {
            out.push_str(&format!(
                "NOT PASSED [{:?}] {} / {}\n",
                s.status, s.feature, s.name
            ));
            if let Some(f) = &s.failure {
                for l in f.to_string().lines() {
                    out.push_str(&format!("    {l}\n"));
                }
            }
        }
        for n in self
            .not_run
            .iter()
            .filter(|n| n.kind != NotRunKind::NotSelected)
        {
            out.push_str(&format!("NOT RUN {}: {}\n", n.name, n.reason));
        }
        out
    }

    pub fn count(&self, s: Status) -> usize {
        self.scenarios.iter().filter(|r| r.status == s).count()
    }

    /// Exit 0 only when scenarios ran and every one passed.
    pub fn success(&self) -> bool {
        !self.scenarios.is_empty() && self.scenarios.iter().all(|r| r.status == Status::Passed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sc(name: &str, status: Status, failure: Option<Failure>) -> ScenarioResult {
        ScenarioResult {
            feature: "F".into(),
            name: name.into(),
            tags: vec![],
            status,
            step: None,
            failure,
            observed: vec![],
            warnings: vec![],
            seconds: 0.0,
        }
    }

    fn outcome(scenarios: Vec<ScenarioResult>) -> Outcome {
        Outcome {
            scenarios,
            not_run: vec![
                NotRun {
                    feature: "F".into(),
                    name: "wire".into(),
                    reason: "stand-in".into(),
                    kind: NotRunKind::Skipped,
                },
                NotRun {
                    feature: "G".into(),
                    name: "other".into(),
                    reason: "--tags".into(),
                    kind: NotRunKind::NotSelected,
                },
            ],
            measurements: vec!["kafka time-to-healthy: 5.10 s".into()],
            evidence: Evidence::default(),
            environment: Environment {
                images: "stand-in".into(),
                ..Default::default()
            },
            wall_seconds: 9.5,
            generated_at: String::new(),
            drift: vec![],
        }
    }

    #[test]
    fn summary_says_what_failed_what_was_not_run_and_what_was_measured() {
        let o = outcome(vec![
            sc("ok", Status::Passed, None),
            sc("bad", Status::Failed, Some(Failure::new("x", "y"))),
        ]);
        let s = o.summary();
        assert!(
            s.contains("NOT PASSED [Failed] F / bad\n    expected: x\n    observed: y\n"),
            "{s}"
        );
        assert!(s.contains("NOT RUN wire: stand-in\n"), "{s}");
        assert!(
            !s.contains("NOT RUN other")
                && s.contains("not selected: 1 scenario(s) left out by --tags"),
            "{s}"
        );
        assert!(
            s.contains(
                "measured: kafka time-to-healthy: 5.10 s\nmeasured: suite wall time 9.50 s\n"
            ),
            "{s}"
        );
        assert!(
            s.ends_with("kraft-acceptance: 1 passed, 1 failed, 0 skipped, 1 not run\n"),
            "{s}"
        );
        assert!(!o.success());
    }

    #[test]
    fn a_pass_with_a_warning_says_so() {
        let mut warned = sc("engine", Status::Passed, None);
        warned.warnings = vec!["WARNING: engine 20.10.24 is before 28.0.0".into()];
        let o = outcome(vec![sc("ok", Status::Passed, None), warned]);
        let s = o.summary();
        assert!(
            s.contains(
                "PASSED WITH WARNING F / engine\n    WARNING: engine 20.10.24 is before 28.0.0\n"
            ),
            "{s}"
        );
        assert!(
            s.ends_with(
                "kraft-acceptance: 2 passed (1 with warnings), 0 failed, 0 skipped, 1 not run\n"
            ),
            "{s}"
        );
        assert!(o.success(), "a warning fails nothing");
    }

    #[test]
    fn success_needs_scenarios_and_all_passed() {
        assert!(outcome(vec![sc("ok", Status::Passed, None)]).success());
        assert!(!outcome(vec![]).success());
        assert!(!outcome(vec![sc("s", Status::Skipped, None)]).success());
    }
}
