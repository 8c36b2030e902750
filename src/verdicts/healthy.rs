//! "Healthy within 60 s": statically, the healthcheck must be able to report
//! healthy well inside the budget; at runtime, the engine's own transition
//! time must be inside it.

use super::{Failure, Verdict};
use crate::model::compose::{parse_duration, Healthcheck};
use crate::model::Readiness;

/// Docker's default interval when a healthcheck sets none.
const DEFAULT_INTERVAL_S: f64 = 30.0;
/// A healthcheck "well inside" the budget gets at least this many attempts
/// before the deadline, so a broker that needs a few seconds still makes it.
const MIN_ATTEMPTS: u32 = 3;

pub fn healthcheck_fits(service: &str, hc: Option<&Healthcheck>, budget_s: f64) -> Verdict {
    let expected = format!(
        "{service} defines a healthcheck that gets at least {MIN_ATTEMPTS} attempts within {budget_s:.0} s"
    );
    match why_not(service, hc, budget_s) {
        Some(observed) => Err(Failure::new(expected, observed)),
        None => Ok(()),
    }
}

/// Why `hc` cannot make `budget_s`, if it cannot.
fn why_not(service: &str, hc: Option<&Healthcheck>, budget_s: f64) -> Option<String> {
    let Some(hc) = hc else {
        return Some(format!("services.{service} has no healthcheck"));
    };
    if hc.disable || hc.test.first().map(String::as_str) == Some("NONE") {
        return Some(format!("services.{service}.healthcheck is disabled"));
    }
    if hc.test.is_empty() {
        return Some(format!("services.{service}.healthcheck has no test"));
    }
    let interval = match hc.interval.as_deref().map(|s| (s, parse_duration(s))) {
        None => DEFAULT_INTERVAL_S,
        Some((_, Some(v))) => v,
        Some((raw, None)) => return Some(format!("interval \"{raw}\" is not a duration")),
    };
    let timeout = hc
        .timeout
        .as_deref()
        .and_then(parse_duration)
        .unwrap_or(30.0);
    // The engine runs the first check one interval after start; a check that
    // passes marks the container healthy, whatever start_period says.
    if interval >= budget_s {
        return Some(format!("interval {interval:.0} s: the first check runs after the {budget_s:.0} s budget, so healthy in time is impossible"));
    }
    let attempts = (budget_s / interval).floor() as u32;
    if attempts < MIN_ATTEMPTS {
        let default = if hc.interval.is_none() {
            " (Docker's default)"
        } else {
            ""
        };
        return Some(format!(
            "interval {interval:.1} s{default}: only {attempts} attempt(s) fit in {budget_s:.0} s"
        ));
    }
    if timeout >= budget_s {
        return Some(format!(
            "timeout {timeout:.0} s is not shorter than the budget"
        ));
    }
    None
}

/// Runtime: time from container start to the engine's `healthy` transition,
/// from the engine's own events.
pub fn healthy_within(r: &Readiness, budget_s: f64) -> Verdict<f64> {
    let service = &r.service;
    let expected = format!(
        "{service} healthy within {budget_s:.0} s of container start, measured from engine events"
    );
    match (r.healthy, r.time_to_healthy) {
        (true, Some(s)) if s <= budget_s => Ok(s),
        (true, Some(s)) => Err(Failure::new(expected, format!("healthy after {s:.1} s"))),
        // Healthy, but the measurement's source is gone: say that, not "unhealthy".
        (true, None) => Err(Failure::new(
            expected,
            format!("{service} is healthy, but the engine no longer holds its start and health_status events (e.g. after a daemon restart), so the time cannot be measured"),
        )),
        (false, _) => Err(Failure::new(expected, format!("not healthy; last state: {}", super::stack::describe(r)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hc(interval: Option<&str>) -> Healthcheck {
        Healthcheck {
            test: vec!["CMD".into(), "true".into()],
            interval: interval.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn short_interval_fits() {
        assert!(healthcheck_fits("kafka", Some(&hc(Some("5s"))), 60.0).is_ok());
    }

    #[test]
    fn impossible_and_too_slow_settings_fail() {
        let f = healthcheck_fits("kafka", Some(&hc(Some("1m"))), 60.0).unwrap_err();
        assert!(f.observed.contains("impossible"), "{f}");
        let f = healthcheck_fits("kafka", Some(&hc(None)), 60.0).unwrap_err();
        assert!(f.observed.contains("Docker's default"), "{f}");
        assert!(healthcheck_fits("kafka", None, 60.0).is_err());
        let off = Healthcheck {
            test: vec!["NONE".into()],
            ..Default::default()
        };
        assert!(healthcheck_fits("kafka", Some(&off), 60.0)
            .unwrap_err()
            .observed
            .contains("disabled"));
    }

    fn waited(healthy: bool, t: Option<f64>) -> Readiness {
        Readiness {
            service: "kafka".into(),
            healthy,
            state: if healthy {
                "running/healthy"
            } else {
                "running/unhealthy"
            }
            .into(),
            last_check: None,
            time_to_healthy: t,
            waited: 3.0,
        }
    }

    #[test]
    fn runtime_budget() {
        assert_eq!(healthy_within(&waited(true, Some(2.5)), 60.0).unwrap(), 2.5);
        assert_eq!(
            healthy_within(&waited(true, Some(61.0)), 60.0)
                .unwrap_err()
                .observed,
            "healthy after 61.0 s"
        );
        assert!(healthy_within(&waited(false, None), 60.0)
            .unwrap_err()
            .observed
            .contains("running/unhealthy"));
        assert!(healthy_within(&waited(true, None), 60.0)
            .unwrap_err()
            .observed
            .contains("no longer holds"));
    }
}
