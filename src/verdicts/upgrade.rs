//! The upgrade rehearsal: every Kafka node starts on the new version's
//! image and its old data, and the cluster keeps its metadata.version until
//! it is finalized, as Kafka's upgrade rules say.

use super::kraft::wire::{metadata_version_finalized, supported_metadata_version};
use super::stack::describe;
use super::{Failure, Verdict};
use crate::model::wire::WireObservation;
use crate::model::Readiness;

/// One Kafka node after the recreate: the image it was to run, the one its
/// container runs, its readiness and, when it did not start, the last error
/// Kafka logged.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeAfter {
    pub service: String,
    pub wanted: String,
    pub running: String,
    pub ready: Readiness,
    pub refusal: Option<String>,
}

/// Every node runs the new version's image and is healthy on its old data.
pub fn every_node_started(to: &str, nodes: &[NodeAfter]) -> Verdict<Vec<String>> {
    let expected = format!(
        "every Kafka node healthy on Kafka {to}'s image after the recreate, on the data it kept"
    );
    let mut bad = Vec::new();
    let mut seen = Vec::new();
    for n in nodes {
        if n.running != n.wanted {
            bad.push(format!(
                "{} runs {}, not {}",
                n.service, n.running, n.wanted
            ));
        } else if !n.ready.healthy {
            let kafka = n
                .refusal
                .as_ref()
                .map(|r| format!("; Kafka logged: {r}"))
                .unwrap_or_default();
            bad.push(format!(
                "{} not ready on {}: {}{kafka}",
                n.service,
                n.running,
                describe(&n.ready)
            ));
        } else {
            let t = n
                .ready
                .time_to_healthy
                .map(|t| format!(", healthy {t:.2} s after its start"))
                .unwrap_or_default();
            seen.push(format!("{} on {}{t}", n.service, n.running));
        }
    }
    match bad.is_empty() {
        true => Ok(seen),
        false => Err(Failure::new(expected, bad.join("; "))),
    }
}

/// metadata.version is still finalized at `before`, the level the cluster
/// had on the old version: a new release never raises it by itself.
/// Returns the level the new broker supports as its latest.
pub fn metadata_version_kept(before: i16, o: &WireObservation) -> Verdict<i16> {
    let now = metadata_version_finalized(o)?;
    if now != before {
        return Err(Failure::new(
            format!("metadata.version still finalized at {before}, its level before the upgrade, until kafka-features.sh upgrade finalizes another"),
            format!("finalized at {now} on {}", o.address),
        ));
    }
    supported_latest(o)
}

/// The metadata.version level the broker's release supports as its latest.
fn supported_latest(o: &WireObservation) -> Verdict<i16> {
    supported_metadata_version(o).ok_or_else(|| {
        Failure::new(
            format!(
                "the broker at {} lists the metadata.version levels it supports",
                o.address
            ),
            "no supported metadata.version in ApiVersions",
        )
    })
}

/// `kafka-features.sh upgrade` ran and said it upgraded (its exit code and
/// its words, as it printed them).
pub fn features_upgraded(command: &str, exit: i32, output: &str) -> Verdict<String> {
    let said = output
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    if exit == 0 {
        return Ok(said);
    }
    Err(Failure::new(
        format!("`{command}` exits 0"),
        format!("exit {exit}: {said}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(running: &str, healthy: bool, refusal: Option<&str>) -> NodeAfter {
        NodeAfter {
            service: "kafka".into(),
            wanted: "kraft-acceptance/standin-kafka:3.8.0".into(),
            running: running.into(),
            ready: Readiness {
                service: "kafka".into(),
                healthy,
                state: if healthy {
                    "running/healthy"
                } else {
                    "exited (exit 1)"
                }
                .into(),
                last_check: None,
                time_to_healthy: healthy.then_some(4.5),
                waited: 3.0,
            },
            refusal: refusal.map(str::to_string),
        }
    }

    #[test]
    fn a_node_on_the_old_image_or_not_started_fails_with_kafkas_words() {
        let new = "kraft-acceptance/standin-kafka:3.8.0";
        assert_eq!(
            every_node_started("3.8.0", &[node(new, true, None)]).unwrap(),
            vec![format!("kafka on {new}, healthy 4.50 s after its start")]
        );
        let f = every_node_started(
            "3.8.0",
            &[node("kraft-acceptance/standin-kafka:3.7.1", true, None)],
        )
        .unwrap_err();
        assert_eq!(f.observed, "kafka runs kraft-acceptance/standin-kafka:3.7.1, not kraft-acceptance/standin-kafka:3.8.0");
        let f = every_node_started("3.8.0", &[node(new, false, Some("ERROR fatal"))]).unwrap_err();
        assert!(
            f.observed
                .starts_with(&format!("kafka not ready on {new}: exited (exit 1)")),
            "{}",
            f.observed
        );
        assert!(
            f.observed.ends_with("; Kafka logged: ERROR fatal"),
            "{}",
            f.observed
        );
    }

    fn wire(finalized: i16, supported: i16) -> WireObservation {
        WireObservation {
            address: "localhost:9093".into(),
            api_versions: crate::model::wire::ApiVersionsObservation {
                error_code: 0,
                api_keys: vec![],
                finalized: vec![("metadata.version".into(), finalized)],
                supported: vec![("metadata.version".into(), supported)],
            },
            quorum: None,
        }
    }

    #[test]
    fn metadata_version_stays_until_finalized() {
        assert_eq!(metadata_version_kept(19, &wire(19, 20)), Ok(20));
        let f = metadata_version_kept(19, &wire(20, 20)).unwrap_err();
        assert_eq!(f.observed, "finalized at 20 on localhost:9093");
    }

    #[test]
    fn the_feature_tool_must_exit_0() {
        assert_eq!(
            features_upgraded(
                "kafka-features.sh upgrade",
                0,
                "metadata.version was upgraded to 20.\n"
            ),
            Ok("metadata.version was upgraded to 20.".to_string())
        );
        let f = features_upgraded(
            "kafka-features.sh upgrade",
            1,
            "Could not upgrade metadata.version to 21.\n",
        )
        .unwrap_err();
        assert_eq!(
            f.observed,
            "exit 1: Could not upgrade metadata.version to 21."
        );
    }
}
