//! KRaft on the wire, judged on what a broker answered.

use super::{Failure, Verdict};
use crate::model::wire::{WireObservation, DESCRIBE_QUORUM_KEY};

/// ApiVersions lists the finalized feature `metadata.version` (KRaft only).
pub fn metadata_version_finalized(o: &WireObservation) -> Verdict<i16> {
    o.api_versions
        .finalized
        .iter()
        .find(|(n, _)| n == "metadata.version")
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let seen: Vec<String> = o.api_versions.finalized.iter().map(|(n, v)| format!("{n}={v}")).collect();
            Failure::new(
                format!("ApiVersions v3 from {} lists finalized feature metadata.version", o.address),
                format!("finalized features [{}] (a ZooKeeper-mode broker finalizes none)", seen.join(", ")),
            )
        })
}

/// DescribeQuorum is offered and answers without error, naming a leader.
pub fn quorum_has_leader(o: &WireObservation) -> Verdict<i32> {
    let expected = format!("DescribeQuorum (key {DESCRIBE_QUORUM_KEY}) via {} answers with a leader", o.address);
    match &o.quorum {
        None => Err(Failure::new(expected, "the broker does not offer DescribeQuorum in ApiVersions")),
        Some(Err(e)) => Err(Failure::new(expected, e.clone())),
        Some(Ok(q)) if q.error_code != 0 => Err(Failure::new(expected, format!("error code {}", q.error_code))),
        Some(Ok(q)) if q.leader_id < 0 => Err(Failure::new(expected, format!("no leader (leader id {})", q.leader_id))),
        Some(Ok(q)) => Ok(q.leader_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::wire::{ApiVersionsObservation, QuorumObservation};

    /// A KRaft 3.8 node answers with metadata.version finalized and offers key 55.
    fn kraft() -> ApiVersionsObservation {
        ApiVersionsObservation { error_code: 0, api_keys: vec![0, 1, 3, 18, 55], finalized: vec![("metadata.version".into(), 20)] }
    }

    fn zk() -> ApiVersionsObservation {
        ApiVersionsObservation { error_code: 0, api_keys: vec![0, 1, 3, 18], finalized: vec![] }
    }

    fn quorum(leader_id: i32, error_code: i16) -> QuorumObservation {
        QuorumObservation { error_code, leader_id, leader_epoch: 3 }
    }

    fn obs(api_versions: ApiVersionsObservation, q: Option<QuorumObservation>) -> WireObservation {
        WireObservation { address: "localhost:9093".into(), api_versions, quorum: q.map(Ok) }
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
        assert!(metadata_version_finalized(&o).unwrap_err().observed.contains("finalized features []"));
        assert!(quorum_has_leader(&o).unwrap_err().observed.contains("does not offer DescribeQuorum"));
    }

    #[test]
    fn leaderless_or_erroring_quorum_fails() {
        assert!(quorum_has_leader(&obs(kraft(), Some(quorum(-1, 0)))).unwrap_err().observed.contains("no leader"));
        assert!(quorum_has_leader(&obs(kraft(), Some(quorum(1, 6)))).unwrap_err().observed.contains("error code 6"));
    }
}
