//! What a run found, typed from the verdict to every writer: each scenario's
//! status with its [`Failure`] (expected vs observed) or, on a pass, what
//! was observed; what was not run and why; the figures measured.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::evidence::{HealthyTime, Recorded};
use crate::verdicts::Failure;

/// What a scenario came to, and so what a criterion of it did: the one
/// vocabulary every writer takes its word from (the console summary,
/// report.md and report.html, junit.xml, cucumber.json, the metrics and
/// the drift baseline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Passed,
    /// Passed, and a step raised a warning a person must read (never a
    /// bare pass).
    PassedWithWarning,
    Failed,
    /// A step had no definition: the scenario proved nothing, a failure
    /// everywhere.
    UndefinedStep,
    /// Selected, but this run could not or may not run it (stand-in, no
    /// --host-checks, read-only, registry unreachable): its criterion is
    /// not proven.
    NotRun,
    /// Left out by --tags: its criterion is not proven by this run.
    NotSelected,
    /// Not run, and not needed: the other mode's form of a scenario that
    /// ran (the attach-only check beside the owned bootstrap); its reason
    /// names the scenario that proves the criterion instead.
    NotNeeded,
    /// A criterion's verdict when a scenario of it was not run (or none
    /// was needed): neither passed nor failed.
    NotProven,
}

impl Status {
    /// Every status, in the order the writers list them.
    pub(crate) const ALL: [Status; 8] = [
        Status::Passed,
        Status::PassedWithWarning,
        Status::Failed,
        Status::UndefinedStep,
        Status::NotRun,
        Status::NotSelected,
        Status::NotNeeded,
        Status::NotProven,
    ];

    /// The word a person reads: the console, the report, junit.xml's and
    /// cucumber.json's messages, the drift baseline.
    pub const fn label(self) -> &'static str {
        match self {
            Status::Passed => "PASSED",
            Status::PassedWithWarning => "PASSED WITH WARNING",
            Status::Failed => "FAILED",
            Status::UndefinedStep => "FAILED (UNDEFINED STEP)",
            Status::NotRun => "NOT RUN",
            Status::NotSelected => "NOT SELECTED",
            Status::NotNeeded => "NOT NEEDED",
            Status::NotProven => "NOT PROVEN",
        }
    }

    /// The state of the metrics' state sets (`kraft_acceptance_*_state`):
    /// the label in Prometheus' words, an undefined step a failure.
    pub const fn state(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::PassedWithWarning => "passed_with_warning",
            Status::Failed | Status::UndefinedStep => "failed",
            Status::NotRun | Status::NotSelected => "not_run",
            Status::NotNeeded => "not_needed",
            Status::NotProven => "not_proven",
        }
    }

    /// A failure: the run exits 1, junit has a `<failure>`.
    pub const fn failed(self) -> bool {
        matches!(self, Status::Failed | Status::UndefinedStep)
    }

    /// A pass, with or without a warning.
    pub const fn passed(self) -> bool {
        matches!(self, Status::Passed | Status::PassedWithWarning)
    }

    /// The scenario was not run (for whatever reason).
    pub const fn not_run(self) -> bool {
        matches!(
            self,
            Status::NotRun | Status::NotSelected | Status::NotNeeded
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioResult {
    /// The feature's name: one feature per criterion.
    pub feature: String,
    pub name: String,
    pub tags: Vec<String>,
    pub status: Status,
    /// The step that failed (or that no definition matches), as written in
    /// the feature.
    pub step: Option<String>,
    pub failure: Option<Failure>,
    /// What the steps observed, on a pass as on a failure.
    pub observed: Vec<String>,
    /// Warnings its steps raised: a pass with one is
    /// [`Status::PassedWithWarning`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// From its start to its end, by the runner's event times.
    #[serde(default)]
    pub seconds: f64,
    /// When it started, by the runner's event time (seconds since the Unix
    /// epoch): with `seconds`, the run's timeline (`scripts/bench.sh`).
    #[serde(default)]
    pub started_at: f64,
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
            started_at: 0.0,
        }
    }

    /// Passed, and a step raised a warning.
    pub fn passed_with_warning(&self) -> bool {
        self.status == Status::PassedWithWarning
    }

    /// The warnings its steps raised: a pass with one becomes
    /// [`Status::PassedWithWarning`].
    pub fn warned(&mut self, warnings: Vec<String>) {
        if self.status == Status::Passed && !warnings.is_empty() {
            self.status = Status::PassedWithWarning;
        }
        self.warnings = warnings;
    }
}

/// A scenario that was not run, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotRun {
    pub feature: String,
    pub name: String,
    pub reason: String,
    /// [`Status::NotRun`], [`Status::NotSelected`] or [`Status::NotNeeded`].
    pub status: Status,
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
    pub(crate) fn healthy_times(&self) -> Vec<(String, HealthyTime)> {
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
        let unselected = self.count(Status::NotSelected);
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
        let not_run = self.count(Status::NotRun) + self.count(Status::NotNeeded);
        if not_run > 0 {
            out.push_str(&format!("not run: {not_run} scenario(s), listed above\n"));
        }
        out.push_str(&format!("kraft-acceptance: {}\n", self.tally()));
        out
    }

    /// A line for each scenario that did not simply pass, with its warnings
    /// or its failure, and for each one not run (but those --tags left out).
    fn verdict_lines(&self) -> String {
        let mut out = String::new();
        for s in self.scenarios.iter().filter(|s| s.status != Status::Passed) {
            out.push_str(&format!(
                "{} {} / {}\n",
                s.status.label(),
                s.feature,
                s.name
            ));
            let lines = s
                .failure
                .iter()
                .flat_map(|f| f.to_string().lines().map(String::from).collect::<Vec<_>>());
            for l in s.warnings.iter().cloned().chain(lines) {
                out.push_str(&format!("    {l}\n"));
            }
        }
        for n in self
            .not_run
            .iter()
            .filter(|n| n.status != Status::NotSelected)
        {
            out.push_str(&format!("{} {}: {}\n", n.status.label(), n.name, n.reason));
        }
        out
    }

    /// How many scenarios, run or not, came to `s`.
    pub fn count(&self, s: Status) -> usize {
        let ran = self.scenarios.iter().filter(|r| r.status == s).count();
        ran + self.not_run.iter().filter(|n| n.status == s).count()
    }

    /// The counts every writer shows, in one wording: passes (with
    /// warnings among them), failures (undefined steps among them), and
    /// what was not run, not needed or not selected.
    pub fn tally(&self) -> String {
        let among = |n: usize, what: &str| match n {
            0 => String::new(),
            n => format!(" ({n} {what})"),
        };
        let c = |s| self.count(s);
        let warned = c(Status::PassedWithWarning);
        let undefined = c(Status::UndefinedStep);
        format!(
            "{} passed{}, {} failed{}, {} not run, {} not needed, {} not selected",
            c(Status::Passed) + warned,
            among(warned, "with warnings"),
            c(Status::Failed) + undefined,
            among(undefined, "with an undefined step"),
            c(Status::NotRun),
            c(Status::NotNeeded),
            c(Status::NotSelected),
        )
    }

    /// Exit 0 only when scenarios ran and every one passed.
    pub fn success(&self) -> bool {
        !self.scenarios.is_empty() && self.scenarios.iter().all(|r| r.status.passed())
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
            started_at: 0.0,
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
                    status: Status::NotRun,
                },
                NotRun {
                    feature: "G".into(),
                    name: "other".into(),
                    reason: "--tags".into(),
                    status: Status::NotSelected,
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
            s.contains("FAILED F / bad\n    expected: x\n    observed: y\n"),
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
            s.ends_with(
                "kraft-acceptance: 1 passed, 1 failed, 1 not run, 0 not needed, 1 not selected\n"
            ),
            "{s}"
        );
        assert!(!o.success());
    }

    #[test]
    fn a_pass_with_a_warning_says_so() {
        let mut warned = sc("engine", Status::Passed, None);
        warned.warned(vec!["WARNING: engine 20.10.24 is before 28.0.0".into()]);
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
                "kraft-acceptance: 2 passed (1 with warnings), 0 failed, 1 not run, 0 not needed, 1 not selected\n"
            ),
            "{s}"
        );
        assert!(o.success(), "a warning fails nothing");
    }

    #[test]
    fn success_needs_scenarios_and_all_passed() {
        assert!(outcome(vec![sc("ok", Status::Passed, None)]).success());
        assert!(!outcome(vec![]).success());
        assert!(!outcome(vec![sc("s", Status::UndefinedStep, None)]).success());
    }
}
