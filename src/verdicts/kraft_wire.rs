//! KRaft on the wire, judged on what a broker answered.

use super::{Failure, Verdict};
use crate::probes::wire::{WireObservation, DESCRIBE_QUORUM_KEY};

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
    use crate::probes::wire::tests::{kraft_api_versions, quorum, zk_api_versions};
    use crate::probes::wire::{decode_api_versions, decode_describe_quorum};

    fn obs(api: &[u8], q: Option<Vec<u8>>) -> WireObservation {
        WireObservation {
            address: "localhost:9093".into(),
            api_versions: decode_api_versions(api, 1).unwrap(),
            quorum: q.map(|b| decode_describe_quorum(&b, 2)),
        }
    }

    #[test]
    fn kraft_node_passes() {
        let o = obs(&kraft_api_versions(), Some(quorum(1, 0)));
        assert_eq!(metadata_version_finalized(&o).unwrap(), 20);
        assert_eq!(quorum_has_leader(&o).unwrap(), 1);
    }

    #[test]
    fn zookeeper_mode_broker_fails_both() {
        let o = obs(&zk_api_versions(), None);
        assert!(metadata_version_finalized(&o).unwrap_err().observed.contains("finalized features []"));
        assert!(quorum_has_leader(&o).unwrap_err().observed.contains("does not offer DescribeQuorum"));
    }

    #[test]
    fn leaderless_or_erroring_quorum_fails() {
        assert!(quorum_has_leader(&obs(&kraft_api_versions(), Some(quorum(-1, 0)))).unwrap_err().observed.contains("no leader"));
        assert!(quorum_has_leader(&obs(&kraft_api_versions(), Some(quorum(1, 6)))).unwrap_err().observed.contains("error code 6"));
    }
}
