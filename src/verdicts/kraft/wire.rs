//! KRaft on the wire, judged on what a broker answered.

use crate::model::wire::{
    ConfiguredQuorum, QuorumObservation, WireObservation, DESCRIBE_QUORUM_KEY,
};
use crate::verdicts::{Failure, Verdict};

/// ApiVersions lists the finalized feature `metadata.version` (KRaft only).
pub fn metadata_version_finalized(o: &WireObservation) -> Verdict<i16> {
    o.api_versions
        .finalized
        .iter()
        .find(|(n, _)| n == "metadata.version")
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let seen: Vec<String> = o
                .api_versions
                .finalized
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            Failure::new(
                format!(
                    "ApiVersions v3 from {} lists finalized feature metadata.version",
                    o.address
                ),
                format!(
                    "finalized features [{}] (a ZooKeeper-mode broker finalizes none)",
                    seen.join(", ")
                ),
            )
        })
}

/// metadata.version is finalized at the level the broker's own release
/// supports as its latest (its SupportedFeatures' max): what a cluster
/// formatted by that release has. Returns (finalized, latest).
pub fn metadata_version_latest(o: &WireObservation) -> Verdict<(i16, i16)> {
    let finalized = metadata_version_finalized(o)?;
    let latest = supported_metadata_version(o);
    let expected = format!(
        "metadata.version finalized at the latest level the broker at {} supports (ApiVersions' SupportedFeatures)",
        o.address
    );
    match latest {
        Some(l) if l == finalized => Ok((finalized, l)),
        Some(l) => Err(Failure::new(
            expected,
            format!("finalized at {finalized}, the broker supports up to {l}: the storage was formatted by another release or with --release-version, or the cluster was not upgraded (kafka-features.sh upgrade --metadata finalizes it)"),
        )),
        None => Err(Failure::new(expected, "the broker lists no supported metadata.version")),
    }
}

/// The metadata.version level the broker's own release supports as its
/// latest (ApiVersions' SupportedFeatures), if it lists one.
pub(crate) fn supported_metadata_version(o: &WireObservation) -> Option<i16> {
    o.api_versions
        .supported
        .iter()
        .find(|(n, _)| n == "metadata.version")
        .map(|(_, v)| *v)
}

/// DescribeQuorum is offered and answers without error, naming a leader.
pub fn quorum_has_leader(o: &WireObservation) -> Verdict<i32> {
    answered_quorum(o, "answers with a leader").map(|q| q.leader_id)
}

fn answered_quorum<'a>(o: &'a WireObservation, what: &str) -> Verdict<&'a QuorumObservation> {
    let expected = format!(
        "DescribeQuorum (key {DESCRIBE_QUORUM_KEY}) via {} {what}",
        o.address
    );
    match &o.quorum {
        None => Err(Failure::new(
            expected,
            "the broker does not offer DescribeQuorum in ApiVersions",
        )),
        Some(Err(e)) => Err(Failure::new(expected, e.clone())),
        Some(Ok(q)) if q.error_code != 0 => Err(Failure::new(
            expected,
            format!("error code {}", q.error_code),
        )),
        Some(Ok(q)) if q.leader_id < 0 => Err(Failure::new(
            expected,
            format!("no leader (leader id {})", q.leader_id),
        )),
        Some(Ok(q)) => Ok(q),
    }
}

/// The quorum the broker runs is the one its settings configure: the
/// voters are exactly `controller.quorum.voters`' ids and the leader is
/// one of them (a single voter leads itself: `node.id`).
pub fn quorum_is_configured(o: &WireObservation, c: &ConfiguredQuorum) -> Verdict<(i32, Vec<i32>)> {
    let shown = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let what = match c.voters.as_slice() {
        [only] => format!(
            "names leader {only} (node.id={}) and voters [{only}] (controller.quorum.voters)",
            c.node_id
        ),
        v => format!(
            "names voters [{}] (controller.quorum.voters) and a leader among them",
            shown(v)
        ),
    };
    let q = answered_quorum(o, &what)?;
    let mut voters: Vec<i64> = q.voters.iter().map(|&v| i64::from(v)).collect();
    voters.sort_unstable();
    let leader = i64::from(q.leader_id);
    let observed = format!(
        "leader {} (epoch {}), voters [{}], observers [{}]",
        q.leader_id,
        q.leader_epoch,
        shown(&voters),
        q.observers
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let expected = format!(
        "DescribeQuorum (key {DESCRIBE_QUORUM_KEY}) via {} {what}",
        o.address
    );
    if (!c.voters.is_empty() && voters != c.voters) || !voters.contains(&leader) {
        return Err(Failure::new(expected, observed));
    }
    Ok((q.leader_id, q.voters.clone()))
}

/// How far a voter's log end may trail the leader's high watermark and
/// still be caught up: the leader appends a no-op record every 500 ms
/// (`metadata.max.idle.interval.ms`), which a voter fetches on its next
/// fetch, so a voter in step trails by a record or two at any instant.
pub(crate) const MAX_VOTER_LAG: i64 = 10;

/// Every voter is caught up with the leader (its lag, high watermark minus
/// its log end offset, at most [`MAX_VOTER_LAG`]) and the observers are
/// exactly the brokers that are not voters. Each voter's lag, said.
pub fn quorum_in_sync(o: &WireObservation, c: &ConfiguredQuorum) -> Verdict<Vec<String>> {
    let q = answered_quorum(o, "reports its voters caught up")?;
    let lags: Vec<(i32, i64)> = q
        .voters
        .iter()
        .zip(&q.voter_ends)
        .map(|(&v, &end)| (v, q.high_watermark - end))
        .collect();
    let said: Vec<String> = lags
        .iter()
        .map(|(v, lag)| format!("voter {v}: lag {lag} (high watermark {})", q.high_watermark))
        .collect();
    let behind: Vec<String> = lags
        .iter()
        .filter(|(_, lag)| *lag > MAX_VOTER_LAG)
        .map(|(v, lag)| format!("voter {v} lags {lag} records"))
        .collect();
    let mut observers: Vec<i64> = q.observers.iter().map(|&v| i64::from(v)).collect();
    observers.sort_unstable();
    let shown = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let expected = format!(
        "DescribeQuorum (key {DESCRIBE_QUORUM_KEY}) via {}: every voter within {MAX_VOTER_LAG} records of the high watermark, observers exactly the brokers that are not voters [{}]",
        o.address,
        shown(&c.observers)
    );
    if !behind.is_empty() || observers != c.observers {
        let observed = format!(
            "{}; observers [{}]",
            if behind.is_empty() {
                said.join(", ")
            } else {
                behind.join(", ")
            },
            shown(&observers)
        );
        return Err(Failure::new(expected, observed));
    }
    Ok(said)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::wire::{ApiVersionsObservation, QuorumObservation};

    /// A KRaft 3.8 node answers with metadata.version finalized and offers key 55.
    fn kraft() -> ApiVersionsObservation {
        ApiVersionsObservation {
            error_code: 0,
            api_keys: vec![0, 1, 3, 18, 55],
            finalized: vec![("metadata.version".into(), 20)],
            supported: vec![("metadata.version".into(), 20)],
        }
    }

    fn zk() -> ApiVersionsObservation {
        ApiVersionsObservation {
            error_code: 0,
            api_keys: vec![0, 1, 3, 18],
            finalized: vec![],
            supported: vec![],
        }
    }

    fn quorum(leader_id: i32, error_code: i16) -> QuorumObservation {
        QuorumObservation {
            error_code,
            leader_id,
            leader_epoch: 3,
            voters: vec![1],
            observers: vec![],
            high_watermark: 40,
            voter_ends: vec![40],
        }
    }

    #[test]
    fn the_quorum_is_the_configured_one() {
        let one = ConfiguredQuorum {
            node_id: 1,
            voters: vec![1],
            observers: vec![],
        };
        assert_eq!(
            quorum_is_configured(&obs(kraft(), Some(quorum(1, 0))), &one).unwrap(),
            (1, vec![1])
        );
        let f = quorum_is_configured(
            &obs(kraft(), Some(quorum(1, 0))),
            &ConfiguredQuorum {
                node_id: 2,
                voters: vec![2],
                observers: vec![],
            },
        )
        .unwrap_err();
        assert!(
            f.expected
                .contains("names leader 2 (node.id=2) and voters [2]"),
            "{f}"
        );
        assert!(f.observed.contains("leader 1 (epoch 3), voters [1]"), "{f}");
        let three = ConfiguredQuorum {
            node_id: 1,
            voters: vec![1, 2, 3],
            observers: vec![],
        };
        let mut q = quorum(3, 0);
        q.voters = vec![3, 1, 2];
        assert_eq!(
            quorum_is_configured(&obs(kraft(), Some(q)), &three)
                .unwrap()
                .0,
            3,
            "any voter may lead"
        );
        assert!(
            quorum_is_configured(&obs(kraft(), Some(quorum(-1, 0))), &one)
                .unwrap_err()
                .observed
                .contains("no leader")
        );
    }

    fn obs(api_versions: ApiVersionsObservation, q: Option<QuorumObservation>) -> WireObservation {
        WireObservation {
            address: "localhost:9093".into(),
            api_versions,
            quorum: q.map(Ok),
        }
    }

    #[test]
    fn kraft_node_passes() {
        let o = obs(kraft(), Some(quorum(1, 0)));
        assert_eq!(metadata_version_finalized(&o).unwrap(), 20);
        assert_eq!(quorum_has_leader(&o).unwrap(), 1);
    }

    #[test]
    fn metadata_version_below_the_brokers_latest_is_named() {
        let o = obs(kraft(), Some(quorum(1, 0)));
        assert_eq!(metadata_version_latest(&o).unwrap(), (20, 20));
        let mut older = kraft();
        older.finalized = vec![("metadata.version".into(), 19)];
        let f = metadata_version_latest(&obs(older, None)).unwrap_err();
        assert!(
            f.observed
                .starts_with("finalized at 19, the broker supports up to 20"),
            "{f}"
        );
    }

    #[test]
    fn zookeeper_mode_broker_fails_both() {
        let o = obs(zk(), None);
        assert!(metadata_version_finalized(&o)
            .unwrap_err()
            .observed
            .contains("finalized features []"));
        assert!(quorum_has_leader(&o)
            .unwrap_err()
            .observed
            .contains("does not offer DescribeQuorum"));
    }

    #[test]
    fn leaderless_or_erroring_quorum_fails() {
        assert!(quorum_has_leader(&obs(kraft(), Some(quorum(-1, 0))))
            .unwrap_err()
            .observed
            .contains("no leader"));
        assert!(quorum_has_leader(&obs(kraft(), Some(quorum(1, 6))))
            .unwrap_err()
            .observed
            .contains("error code 6"));
    }

    #[test]
    fn voters_must_be_caught_up_and_brokers_the_observers() {
        let isolated = ConfiguredQuorum {
            node_id: 1,
            voters: vec![1, 2, 3],
            observers: vec![4, 5],
        };
        let mut q = quorum(2, 0);
        q.voters = vec![1, 2, 3];
        q.voter_ends = vec![39, 40, 38];
        q.observers = vec![5, 4];
        let lags = quorum_in_sync(&obs(kraft(), Some(q.clone())), &isolated).unwrap();
        assert_eq!(lags[0], "voter 1: lag 1 (high watermark 40)");
        assert_eq!(lags.len(), 3);
        // A voter far behind fails naming it and its lag.
        let mut behind = q.clone();
        behind.voter_ends = vec![40, 40, 12];
        let f = quorum_in_sync(&obs(kraft(), Some(behind)), &isolated).unwrap_err();
        assert_eq!(f.observed, "voter 3 lags 28 records; observers [4, 5]");
        // A broker missing from the observers (not registered) fails.
        let mut missing = q;
        missing.observers = vec![4];
        let f = quorum_in_sync(&obs(kraft(), Some(missing)), &isolated).unwrap_err();
        assert!(
            f.expected.contains("brokers that are not voters [4, 5]"),
            "{f}"
        );
        assert!(f.observed.ends_with("observers [4]"), "{f}");
    }
}
