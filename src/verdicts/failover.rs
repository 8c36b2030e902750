//! A cluster keeps serving when it loses a node: which nodes a failover
//! stops, a new quorum leader, the rounds of records through it, and what
//! the topic holds once every node is back.

use super::{Failure, Verdict};
use crate::model::cluster::KafkaNode;
use crate::model::failover::TopicHeld;
use crate::model::kafka::DataFailure;

/// The nodes a failover stops, as a host failure takes them: the quorum
/// leader's node, and a broker too when that node is not one (a broker
/// other than `named`, the one clients bootstrap from, where there is one).
/// At most one voter and one broker are lost.
pub fn nodes_to_stop(nodes: &[KafkaNode], leader: i32, named: &str) -> Verdict<Vec<String>> {
    let Some(lead) = nodes.iter().find(|n| n.node_id == Some(i64::from(leader))) else {
        let ids: Vec<String> = nodes.iter().map(KafkaNode::shown).collect();
        return Err(Failure::new(
            "DescribeQuorum's leader is one of the cluster's nodes",
            format!("leader node id {leader}; the nodes are {}", ids.join(", ")),
        ));
    };
    let mut stop = vec![lead.service.clone()];
    if !lead.broker {
        let brokers = nodes.iter().filter(|n| n.broker);
        let other = brokers.clone().rev().find(|n| n.service != named);
        if let Some(b) = other.or_else(|| brokers.clone().next()) {
            stop.push(b.service.clone());
        }
    }
    Ok(stop)
}

/// A new quorum leader among the voters still running, `answer` being the
/// leader DescribeQuorum named once it named one that was not lost, and
/// the seconds it took (or the last answer when none did in time).
pub fn new_leader(
    voters: &[i64],
    lost: &[i64],
    answer: Result<(i32, f64), String>,
) -> Verdict<String> {
    let running: Vec<i64> = voters
        .iter()
        .copied()
        .filter(|v| !lost.contains(v))
        .collect();
    let expected = format!(
        "a new quorum leader among the voters still running {running:?} (voters {voters:?}, lost {lost:?})"
    );
    match answer {
        Ok((id, s)) if running.contains(&i64::from(id)) => Ok(format!(
            "node {id} leads the quorum {s:.2} s after the loss"
        )),
        Ok((id, s)) => Err(Failure::new(
            expected,
            format!("DescribeQuorum names node {id} as leader after {s:.2} s, which is not a running voter"),
        )),
        Err(last) => Err(Failure::new(
            expected,
            format!("no leader among them: {last}"),
        )
        .with_evidence(quorum_hint(voters, lost))),
    }
}

/// Why a quorum may have no leader: fewer than a majority of voters left.
fn quorum_hint(voters: &[i64], lost: &[i64]) -> Vec<String> {
    let left = voters.iter().filter(|v| !lost.contains(v)).count();
    let majority = voters.len() / 2 + 1;
    if left < majority {
        vec![format!("{left} of {} voters left: a KRaft quorum needs a majority ({majority}); a cluster that can lose its leader has at least 3 voters", voters.len())]
    } else {
        Vec::new()
    }
}

/// One round of records through the cluster with nodes lost, at `at`.
pub fn round_works(at: &str, r: Result<String, DataFailure>) -> Verdict<String> {
    r.map_err(|f| {
        let hint = match f.detail.contains("NOT_ENOUGH_REPLICAS") || f.detail.contains("Not enough in-sync replicas") {
            true => vec!["acks=all needs min.insync.replicas replicas in sync; with a broker lost, a min.insync.replicas equal to the replication factor takes no write".to_string()],
            false => Vec::new(),
        };
        Failure::new(
            format!("records produced with acks=all, consumed and committed in a consumer group through {at}, with nodes lost"),
            f.detail,
        )
        .with_evidence(hint)
    })
}

/// Every round's record in its partition, and the group's committed offset
/// just past each partition's last one: nothing lost while nodes were down.
pub fn nothing_lost(
    topic: &str,
    rounds: &[String],
    partitions: i32,
    held: &TopicHeld,
    payload: impl Fn(&str, i32) -> String,
) -> Verdict<String> {
    let mut missing = Vec::new();
    for p in 0..partitions {
        let records = held.records.get(&p).map(Vec::as_slice).unwrap_or_default();
        let (mut last, gone) = (None, missing.len());
        for label in rounds {
            let want = payload(label, p);
            match records.iter().find(|(_, text)| *text == want) {
                Some((o, _)) => last = last.max(Some(*o)),
                None => missing.push(format!(
                    "{topic}/{p}: the record of round {label} is gone ({} record(s) there)",
                    records.len()
                )),
            }
        }
        // The commit is judged against the records when they are all there.
        if missing.len() > gone {
            continue;
        }
        let committed = held.committed.get(&p).copied().flatten();
        if let Some(o) = last.filter(|o| committed != Some(o + 1)) {
            missing.push(format!(
                "{topic}/{p}: the group's committed offset is {}, not {} (past round {}'s record)",
                committed
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "none".into()),
                o + 1,
                rounds.last().map(String::as_str).unwrap_or_default()
            ));
        }
    }
    if missing.is_empty() {
        let n: usize = held.records.values().map(Vec::len).sum();
        return Ok(format!(
            "every record of rounds {} in {topic}'s {partitions} partition(s) ({n} record(s)), the group's commits past each",
            rounds.join(", ")
        ));
    }
    Err(Failure::new(
        format!(
            "every record of rounds {} and the group's committed offsets kept in {topic}",
            rounds.join(", ")
        ),
        format!("{} loss(es)", missing.len()),
    )
    .with_evidence(missing))
}

/// Where clients reach each broker not in `lost`: `named`'s address is
/// `named_address` (the toml's); another broker's is its own advertised
/// listener whose host is one of its names on the network (`inside`) or
/// localhost/127.0.0.1 (the host). A broker with no such listener is left
/// out (the listeners criterion names it).
pub fn broker_addresses(
    nodes: &[KafkaNode],
    (named, named_address): (&str, &str),
    lost: &[String],
    inside: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for n in nodes
        .iter()
        .filter(|n| n.broker && !lost.contains(&n.service))
    {
        if n.service == named {
            out.push(named_address.to_string());
            continue;
        }
        let own = |h: &str| match inside {
            true => n.names.iter().any(|x| x == h),
            false => ["localhost", "127.0.0.1"].contains(&h),
        };
        if let Some(a) = n.advertised.iter().find(|a| own(&a.host)) {
            out.push(format!("{}:{}", a.host, a.port));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kafka::DataStep;

    fn node(service: &str, id: i64, broker: bool, controller: bool) -> KafkaNode {
        KafkaNode {
            service: service.into(),
            broker,
            controller,
            node_id: Some(id),
            voters: vec![],
            listeners: vec![],
            advertised: vec![],
            controller_listener_names: vec![],
            log_dirs: vec![],
            metadata_dir: None,
            cluster_id: None,
            ports: vec![],
            mounts: vec![],
            names: vec![],
            networks: vec![],
            props: Default::default(),
        }
    }

    #[test]
    fn a_combined_leader_is_stopped_alone_and_a_controller_leader_with_a_broker() {
        let combined = [
            node("kafka-1", 1, true, true),
            node("kafka-2", 2, true, true),
            node("kafka-3", 3, true, true),
        ];
        assert_eq!(nodes_to_stop(&combined, 2, "kafka-1").unwrap(), ["kafka-2"]);
        let isolated = [
            node("kafka-1", 4, true, false),
            node("controller-1", 1, false, true),
            node("kafka-2", 5, true, false),
            node("kafka-3", 6, true, false),
        ];
        assert_eq!(
            nodes_to_stop(&isolated, 1, "kafka-1").unwrap(),
            ["controller-1", "kafka-3"]
        );
        let f = nodes_to_stop(&isolated, 9, "kafka-1").unwrap_err();
        assert!(
            f.observed
                .starts_with("leader node id 9; the nodes are kafka-1 (node.id 4, broker)"),
            "{f}"
        );
    }

    #[test]
    fn no_new_leader_or_a_lost_one_fails_and_two_voters_are_named() {
        assert_eq!(
            new_leader(&[1, 2, 3], &[1], Ok((2, 3.5))).unwrap(),
            "node 2 leads the quorum 3.50 s after the loss"
        );
        let f = new_leader(&[1, 2, 3], &[1], Ok((1, 0.2))).unwrap_err();
        assert!(f.observed.contains("node 1"), "{f}");
        let f = new_leader(&[1, 2], &[1], Err("leader -1 after 60 s".into())).unwrap_err();
        assert_eq!(f.observed, "no leader among them: leader -1 after 60 s");
        assert!(f.evidence[0].starts_with("1 of 2 voters left"), "{f}");
        let f = new_leader(&[1, 2, 3], &[1], Err("x".into())).unwrap_err();
        assert!(f.evidence.is_empty());
    }

    #[test]
    fn a_refused_write_names_min_insync_replicas() {
        let r = Err(DataStep::Produce.failed(
            "produce with acks=all to t/0: Message production error: NotEnoughReplicas (Broker: Not enough in-sync replicas)",
        ));
        let f = round_works("localhost:29092", r).unwrap_err();
        assert!(f.expected.contains("acks=all"), "{f}");
        assert!(f.evidence[0].contains("min.insync.replicas"), "{f}");
        assert_eq!(round_works("x", Ok("done".into())).unwrap(), "done");
    }

    #[test]
    fn a_lost_record_or_commit_is_named_by_partition() {
        let pay = |l: &str, p: i32| format!("{l} {p}");
        let rounds = vec!["before".to_string(), "host".to_string()];
        let mut held = TopicHeld::default();
        held.records
            .insert(0, vec![(0, "before 0".into()), (1, "host 0".into())]);
        held.records
            .insert(1, vec![(0, "before 1".into()), (1, "host 1".into())]);
        held.committed.insert(0, Some(2));
        held.committed.insert(1, Some(2));
        assert!(nothing_lost("t", &rounds, 2, &held, pay).is_ok());
        held.records.get_mut(&1).unwrap().pop();
        held.committed.insert(0, Some(1));
        let f = nothing_lost("t", &rounds, 2, &held, pay).unwrap_err();
        assert_eq!(
            f.evidence,
            [
                "t/0: the group's committed offset is 1, not 2 (past round host's record)",
                "t/1: the record of round host is gone (1 record(s) there)"
            ]
        );
    }
}
