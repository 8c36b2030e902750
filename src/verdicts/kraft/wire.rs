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
        }
    }

    fn zk() -> ApiVersionsObservation {
        ApiVersionsObservation {
            error_code: 0,
            api_keys: vec![0, 1, 3, 18],
            finalized: vec![],
        }
    }

    fn quorum(leader_id: i32, error_code: i16) -> QuorumObservation {
        QuorumObservation {
            error_code,
            leader_id,
            leader_epoch: 3,
            voters: vec![1],
            observers: vec![],
        }
    }

    #[test]
    fn the_quorum_is_the_configured_one() {
        let one = ConfiguredQuorum {
            node_id: 1,
            voters: vec![1],
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
}
