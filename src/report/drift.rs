//! What changed since the deploy was signed off: a baseline of what a run
//! observed (engine, images, bindings, topics, advertised listeners, the
//! neighbour's answers, each criterion's verdict), saved by a post-deploy
//! run and compared by each later one, even where every criterion passes
//! (a new image ID under the same tag).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Criterion;
use crate::model::evidence::{Neighbour, Row};
use crate::run::outcome::Outcome;

/// What -> key -> value, as observed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub taken_at: String,
    pub observed: BTreeMap<String, BTreeMap<String, String>>,
}

/// One change since the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    pub what: String,
    pub key: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (b, a) = (
            self.before.as_deref().unwrap_or("(none)"),
            self.after.as_deref().unwrap_or("(gone)"),
        );
        write!(f, "{} {}: {b} -> {a}", self.what, self.key)
    }
}

/// The categories a baseline holds (also the `what` label of the metric).
pub(crate) const CATEGORIES: &[&str] = &[
    "engine",
    "images",
    "bindings",
    "topics",
    "advertised_listeners",
    "neighbour",
    "criteria",
];

/// What a run observed, by category; nothing that changes from run to run
/// by itself (the test host's own addresses, a project's generated name).
pub fn snapshot(o: &Outcome, criteria: &[Criterion]) -> Baseline {
    let mut observed: BTreeMap<String, BTreeMap<String, String>> = CATEGORIES
        .iter()
        .map(|c| (c.to_string(), BTreeMap::new()))
        .collect();
    let mut put = |what: &str, key: String, value: String| {
        observed.entry(what.into()).or_default().insert(key, value);
    };
    put(
        "engine",
        "version".into(),
        o.environment
            .engine_version
            .as_ref()
            .map_or(String::new(), |v| format!("Docker Engine {v}")),
    );
    let prefix = format!("{}-", o.environment.project);
    for (c, image, id) in &o.environment.containers {
        let c = c.strip_prefix(&prefix).unwrap_or(c).to_string();
        put("images", c, format!("{image} ({id})"));
    }
    for r in &o.evidence.rows {
        if let Some((what, key, value)) = observation(&r.row) {
            put(what, key, value);
        }
    }
    for c in criteria {
        put("criteria", c.feature.clone(), c.verdict.label().to_string());
    }
    Baseline {
        taken_at: o.generated_at.clone(),
        observed,
    }
}

/// A row's category, key and value in the baseline, if it is one.
fn observation(row: &Row) -> Option<(&'static str, String, String)> {
    Some(match row {
        Row::Binding(b) => (
            "bindings",
            format!(
                "{} / {} / {}:{}",
                b.service,
                b.seen_in,
                b.ip.as_deref().unwrap_or("*"),
                b.port
            ),
            b.verdict.clone(),
        ),
        Row::ManifestTopic(t) => (
            "topics",
            t.name.clone(),
            t.found
                .map_or("missing".into(), |p| format!("{p} partitions")),
        ),
        Row::CreatedTopic { name, partitions } => {
            ("topics", name.clone(), format!("{partitions} partitions"))
        }
        Row::Advertised(a) => (
            "advertised_listeners",
            a.client.clone(),
            a.brokers.join(", "),
        ),
        // The test host's segment is new each run: a path is its service,
        // kind, family and port.
        Row::Neighbour(Neighbour::Attempt {
            service,
            path,
            target,
            answer,
        }) => {
            let family = if target.is_ipv6() { "IPv6" } else { "IPv4" };
            (
                "neighbour",
                format!(
                    "{service} via {} ({family}) port {}",
                    path.describe(),
                    target.port()
                ),
                answer.describe(),
            )
        }
        _ => return None,
    })
}

/// Every key added, removed or changed, category by category. A category
/// a run did not observe at all (a table it did not fill) is not drift.
fn compare(old: &Baseline, new: &Baseline) -> Vec<Drift> {
    let mut out = Vec::new();
    for (what, now) in &new.observed {
        let Some(was) = old.observed.get(what) else {
            continue;
        };
        if now.is_empty() && what != "images" {
            continue;
        }
        for key in was
            .keys()
            .chain(now.keys())
            .collect::<std::collections::BTreeSet<_>>()
        {
            let (b, a) = (was.get(key), now.get(key));
            if b != a {
                out.push(Drift {
                    what: what.clone(),
                    key: key.clone(),
                    before: b.cloned(),
                    after: a.cloned(),
                });
            }
        }
    }
    out
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("reading the baseline {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the baseline {path} is not one kraft-acceptance wrote: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error("writing the baseline {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// With no baseline at `path` (or `save`), this run's observation becomes
/// it; else this run is compared with it. Returns the drift and whether the
/// baseline was (re)written.
pub(crate) fn apply(
    path: &Path,
    o: &Outcome,
    criteria: &[Criterion],
    save: bool,
) -> Result<(Vec<Drift>, bool), BaselineError> {
    let shown = path.display().to_string();
    let now = snapshot(o, criteria);
    if !save && path.exists() {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: shown.clone(),
            source,
        })?;
        let old: Baseline = serde_json::from_str(&text).map_err(|source| BaselineError::Parse {
            path: shown,
            source,
        })?;
        return Ok((compare(&old, &now), false));
    }
    let json = serde_json::to_string_pretty(&now).map_err(|e| BaselineError::Write {
        path: shown.clone(),
        source: std::io::Error::other(e),
    })?;
    crate::dirs::write_atomic(path, &json).map_err(|source| BaselineError::Write {
        path: shown,
        source,
    })?;
    Ok((Vec::new(), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(o: &Outcome) -> Baseline {
        snapshot(o, &crate::report::Verdicts::of(o).criteria)
    }
    use crate::model::evidence::Recorded;
    use crate::model::neighbour::{Answer, Path};
    use crate::run::outcome::{Environment, Evidence, ScenarioResult, Status};

    fn outcome(redis_id: &str, segment: &str) -> Outcome {
        let mut evidence = Evidence::default();
        evidence.rows.push(Recorded {
            row: Row::Neighbour(Neighbour::Attempt {
                service: "redis".into(),
                path: Path::HostAddress,
                target: format!("{segment}:6379").parse().unwrap(),
                answer: Answer::Refused,
            }),
            failing: false,
        });
        Outcome {
            scenarios: vec![ScenarioResult {
                feature: "Redis".into(),
                name: "PING".into(),
                tags: vec![],
                status: Status::Passed,
                step: None,
                failure: None,
                observed: vec![],
                warnings: vec![],
                seconds: 0.0,
                started_at: 0.0,
            }],
            not_run: vec![],
            measurements: vec![],
            evidence,
            environment: Environment {
                engine: "Docker Engine 20.10.24 (API 1.41)".into(),
                containers: vec![("p1-redis-1".into(), "redis:7.2".into(), redis_id.into())],
                project: "p1".into(),
                ..Default::default()
            },
            wall_seconds: 1.0,
            generated_at: "t".into(),
            drift: vec![],
        }
    }

    #[test]
    fn a_new_image_id_under_the_same_tag_is_drift_and_a_new_test_host_is_not() {
        let base = snap(&outcome("sha256:aaaa", "198.18.0.1"));
        assert!(
            compare(&base, &snap(&outcome("sha256:aaaa", "198.19.7.9"))).is_empty(),
            "the test host's own address is no drift"
        );
        let d = compare(&base, &snap(&outcome("sha256:bbbb", "198.18.0.1")));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].to_string(),
            "images redis-1: redis:7.2 (sha256:aaaa) -> redis:7.2 (sha256:bbbb)"
        );
    }

    #[test]
    fn a_criterion_that_stopped_passing_and_a_container_gone_are_drift() {
        let base = snap(&outcome("sha256:aaaa", "198.18.0.1"));
        let mut o = outcome("sha256:aaaa", "198.18.0.1");
        o.scenarios[0].status = Status::Failed;
        o.environment.containers.clear();
        let d: Vec<String> = compare(&base, &snap(&o))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            d,
            vec![
                "criteria Redis: PASSED -> FAILED",
                "images redis-1: redis:7.2 (sha256:aaaa) -> (gone)"
            ]
        );
    }
}
