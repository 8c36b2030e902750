//! The run's outcome in the Prometheus text exposition format, for
//! node_exporter's textfile collector on the deployment host (Hemma's
//! shared Prometheus scrapes it). Names follow Prometheus' conventions:
//! the `kraft_acceptance_` prefix, base units (`_seconds`), one state per
//! series of a state set.

use std::fmt::Write as _;

use super::drift::{Drift, CATEGORIES};
use super::Criterion;
use crate::run::outcome::{Outcome, Status};
use crate::target::Target;

/// The states a criterion or a scenario can be in: each status's
/// [`Status::state`], once.
fn states_of_a_set() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in Status::ALL.map(Status::state) {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn head(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// Every state of a state set, 1 for the one it is in.
fn state_set(out: &mut String, name: &str, labels: &str, state: Status) {
    for s in states_of_a_set() {
        let _ = writeln!(
            out,
            "{name}{{{labels},state=\"{s}\"}} {}",
            u8::from(s == state.state())
        );
    }
}

/// The exposition of one run: criteria and scenarios (state sets),
/// time-to-healthy, run duration and time, the target and environment, drift.
pub fn exposition(
    o: &Outcome,
    criteria: &[Criterion],
    target: &Target,
    layering: &str,
    drift: Option<&[Drift]>,
    now_s: f64,
) -> String {
    let mut out = String::new();
    states(&mut out, o, criteria);
    let name = "kraft_acceptance_time_to_healthy_seconds";
    let help = "Container start to the engine's healthy transition, per service (engine events).";
    head(&mut out, name, "gauge", help);
    for (svc, t) in &o.evidence.time_to_healthy {
        let _ = writeln!(out, "{name}{{service=\"{}\"}} {}", label(svc), t.seconds);
    }
    let gauges = [
        (
            "run_success",
            "1 when every selected scenario of the last run passed.",
            u8::from(o.success()).to_string(),
        ),
        (
            "run_duration_seconds",
            "Wall time of the last run.",
            o.wall_seconds.to_string(),
        ),
        (
            "last_run_timestamp_seconds",
            "Unix time the last run finished.",
            format!("{now_s:.3}"),
        ),
    ];
    for (name, help, value) in gauges {
        let name = format!("kraft_acceptance_{name}");
        head(&mut out, &name, "gauge", help);
        let _ = writeln!(out, "{name} {value}");
    }
    info(&mut out, o, target, layering);
    if let Some(drift) = drift {
        head(
            &mut out,
            "kraft_acceptance_drift",
            "gauge",
            "Changes since the baseline, per category (0: as at the baseline).",
        );
        for what in CATEGORIES {
            let n = drift.iter().filter(|d| d.what == *what).count();
            let _ = writeln!(out, "kraft_acceptance_drift{{what=\"{what}\"}} {n}");
        }
    }
    crate::redact::redact(&out)
}

/// Each criterion's and each scenario's state, as state sets.
fn states(out: &mut String, o: &Outcome, criteria: &[Criterion]) {
    let help = format!(
        "1 for the state each criterion is in after the last run ({}).",
        states_of_a_set().join(", ")
    );
    head(out, "kraft_acceptance_criterion_state", "gauge", &help);
    for c in criteria {
        let labels = format!("criterion=\"{}\"", label(&c.feature));
        state_set(out, "kraft_acceptance_criterion_state", &labels, c.verdict);
    }
    head(
        out,
        "kraft_acceptance_scenario_state",
        "gauge",
        "1 for the state each scenario is in after the last run.",
    );
    let ran = o.scenarios.iter().map(|s| (&s.feature, &s.name, s.status));
    let not_run = o
        .not_run
        .iter()
        .filter(|n| n.status != Status::NotSelected)
        .map(|n| (&n.feature, &n.name, n.status));
    for (feature, name, state) in ran.chain(not_run) {
        let labels = format!(
            "criterion=\"{}\",scenario=\"{}\"",
            label(feature),
            label(name)
        );
        state_set(out, "kraft_acceptance_scenario_state", &labels, state);
    }
}

/// The target and environment of the run, as labels of an info gauge.
fn info(out: &mut String, o: &Outcome, target: &Target, layering: &str) {
    let commit = super::git_commit(target).unwrap_or_default();
    let e = &o.environment;
    head(
        out,
        "kraft_acceptance_run_info",
        "gauge",
        "The target and environment of the last run (always 1).",
    );
    let images = if e.standin {
        "standin"
    } else if e.containers.is_empty() {
        "none"
    } else {
        "real"
    };
    let engine = e
        .engine_version
        .as_ref()
        .map_or(String::new(), |v| format!("Docker Engine {v}"));
    let _ = writeln!(
        out,
        "kraft_acceptance_run_info{{project=\"{}\",layering=\"{}\",commit=\"{}\",engine=\"{}\",images=\"{images}\"}} 1",
        label(&e.project),
        label(layering),
        label(&commit),
        label(&engine),
    );
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::run::outcome::{Environment, Evidence, NotRun, ScenarioResult};

    #[test]
    fn criteria_are_state_sets_and_labels_are_escaped() {
        let healthy = crate::model::evidence::HealthyTime {
            seconds: 5.1,
            budget: 60.0,
        };
        let o = Outcome {
            scenarios: vec![ScenarioResult::new(
                "Redis \"serves\"",
                "PING",
                Status::Failed,
            )],
            not_run: vec![NotRun {
                feature: "KRaft".into(),
                name: "wire".into(),
                reason: "stand-in".into(),
                status: Status::NotRun,
            }],
            measurements: vec![],
            evidence: Evidence {
                time_to_healthy: [("redis".to_string(), healthy)].into(),
                ..Default::default()
            },
            environment: Environment {
                engine: "Docker Engine 20.10.24 (API 1.41)".into(),
                engine_version: Some("20.10.24".into()),
                project: "huledu".into(),
                ..Default::default()
            },
            wall_seconds: 8.5,
            generated_at: String::new(),
            drift: vec![],
        };
        let t = Target::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/reference"
        )))
        .unwrap();
        let c = crate::report::Verdicts::of(&o).criteria;
        let m = exposition(&o, &c, &t, "hemma", Some(&[]), 1_764_500_000.0);
        assert!(m.contains("kraft_acceptance_criterion_state{criterion=\"Redis \\\"serves\\\"\",state=\"failed\"} 1\n"), "{m}");
        assert!(m.contains("kraft_acceptance_criterion_state{criterion=\"Redis \\\"serves\\\"\",state=\"passed\"} 0\n"), "{m}");
        assert!(
            m.contains(
                "kraft_acceptance_criterion_state{criterion=\"KRaft\",state=\"not_proven\"} 1\n"
            ),
            "{m}"
        );
        assert!(m.contains("kraft_acceptance_scenario_state{criterion=\"KRaft\",scenario=\"wire\",state=\"not_run\"} 1\n"), "{m}");
        assert!(
            m.contains("kraft_acceptance_time_to_healthy_seconds{service=\"redis\"} 5.1\n"),
            "{m}"
        );
        assert!(
            m.contains("kraft_acceptance_run_success 0\n")
                && m.contains("kraft_acceptance_drift{what=\"images\"} 0\n"),
            "{m}"
        );
        assert!(m.contains("engine=\"Docker Engine 20.10.24\""), "{m}");
    }
}
