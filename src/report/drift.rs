//! What changed since the deploy was signed off: a baseline of what a run
//! observed (engine, images, bindings, topics, advertised listeners, the
//! neighbour's answers, each criterion's verdict), saved by a post-deploy
//! run and compared by each later one, even where every criterion passes
//! (a new image ID under the same tag).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::criteria;
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
pub const CATEGORIES: &[&str] = &[
    "engine",
    "images",
    "bindings",
    "topics",
    "advertised_listeners",
    "neighbour",
    "criteria",
];

/// Rows of a report table, keyed by `key` and valued by `value`.
fn table(
    o: &Outcome,
    section: &str,
    key: impl Fn(&[String]) -> String,
    value: impl Fn(&[String]) -> String,
) -> BTreeMap<String, String> {
    o.evidence
        .tables
        .get(section)
        .map(|rows| rows.iter().skip(1).map(|r| (key(r), value(r))).collect())
        .unwrap_or_default()
}

fn cell(r: &[String], i: usize) -> String {
    r.get(i).cloned().unwrap_or_default()
}

/// What a run observed, by category; nothing that changes from run to run
/// by itself (the test host's own addresses, a project's generated name).
pub fn snapshot(o: &Outcome) -> Baseline {
    let mut observed = BTreeMap::new();
    let engine = o
        .environment
        .engine
        .split(" (API")
        .next()
        .unwrap_or_default()
        .to_string();
    observed.insert(
        "engine".to_string(),
        BTreeMap::from([("version".to_string(), engine)]),
    );
    let prefix = format!("{}-", o.environment.project);
    let images = o.environment.containers.iter().map(|(c, image, id)| {
        (
            c.strip_prefix(&prefix).unwrap_or(c).to_string(),
            format!("{image} ({id})"),
        )
    });
    observed.insert("images".into(), images.collect());
    observed.insert(
        "bindings".into(),
        table(
            o,
            "Host bindings",
            |r| format!("{} / {} / {}", cell(r, 0), cell(r, 1), cell(r, 2)),
            |r| cell(r, 3),
        ),
    );
    let mut topics = table(
        o,
        "Topics: manifest vs broker",
        |r| cell(r, 0),
        |r| format!("{} partitions", cell(r, 2)),
    );
    topics.extend(table(
        o,
        "Topics the bootstrap created (no manifest)",
        |r| cell(r, 0),
        |r| format!("{} partitions", cell(r, 1)),
    ));
    observed.insert("topics".into(), topics);
    observed.insert(
        "advertised_listeners".into(),
        table(
            o,
            "Advertised listeners seen by clients",
            |r| cell(r, 0),
            |r| cell(r, 2),
        ),
    );
    // The test host's segment is new each run: a path is its service, kind and port.
    let path_key = |r: &[String]| {
        let addr = cell(r, 2);
        let family = if addr.starts_with('[') {
            "IPv6"
        } else {
            "IPv4"
        };
        format!(
            "{} via {} ({family}) port {}",
            cell(r, 0),
            cell(r, 1),
            addr.rsplit(':').next().unwrap_or_default()
        )
    };
    let neighbour = table(o, "Neighbour on the LAN (test host)", path_key, |r| {
        cell(r, 3)
    });
    observed.insert(
        "neighbour".into(),
        neighbour
            .into_iter()
            .filter(|(k, _)| !k.starts_with("(proof)"))
            .collect(),
    );
    observed.insert(
        "criteria".into(),
        criteria(o)
            .into_iter()
            .map(|c| (c.feature, c.verdict.label().to_string()))
            .collect(),
    );
    Baseline {
        taken_at: o.generated_at.clone(),
        observed,
    }
}

/// Every key added, removed or changed, category by category. A category
/// a run did not observe at all (a table it did not fill) is not drift.
pub fn compare(old: &Baseline, new: &Baseline) -> Vec<Drift> {
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
pub fn apply(path: &Path, o: &Outcome, save: bool) -> Result<(Vec<Drift>, bool), BaselineError> {
    let shown = path.display().to_string();
    let now = snapshot(o);
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
    use crate::run::outcome::{Environment, Evidence, ScenarioResult, Status};

    fn outcome(redis_id: &str, segment: &str) -> Outcome {
        let mut evidence = Evidence::default();
        evidence.tables.insert(
            "Neighbour on the LAN (test host)".into(),
            vec![
                vec![
                    "service".into(),
                    "path".into(),
                    "address".into(),
                    "answer".into(),
                ],
                vec![
                    "redis".into(),
                    "this host's address on the segment".into(),
                    format!("{segment}:6379"),
                    "refused".into(),
                ],
            ],
        );
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
        let base = snapshot(&outcome("sha256:aaaa", "198.18.0.1"));
        assert!(
            compare(&base, &snapshot(&outcome("sha256:aaaa", "198.19.7.9"))).is_empty(),
            "the test host's own address is no drift"
        );
        let d = compare(&base, &snapshot(&outcome("sha256:bbbb", "198.18.0.1")));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].to_string(),
            "images redis-1: redis:7.2 (sha256:aaaa) -> redis:7.2 (sha256:bbbb)"
        );
    }

    #[test]
    fn a_criterion_that_stopped_passing_and_a_container_gone_are_drift() {
        let base = snapshot(&outcome("sha256:aaaa", "198.18.0.1"));
        let mut o = outcome("sha256:aaaa", "198.18.0.1");
        o.scenarios[0].status = Status::Failed;
        o.environment.containers.clear();
        let d: Vec<String> = compare(&base, &snapshot(&o))
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
