//! What a failover leaves: a topic's records and its group's commits.

use std::collections::BTreeMap;

/// What a topic holds, read back after its nodes came back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TopicHeld {
    /// Partition -> its records from the start: (offset, payload).
    pub records: BTreeMap<i32, Vec<(i64, String)>>,
    /// Partition -> the topic's group's committed offset (None: none).
    pub committed: BTreeMap<i32, Option<i64>>,
}

/// What a failover stopped and what answered after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Lost {
    /// The nodes stopped, as `docker compose kill` named them.
    pub services: Vec<String>,
    /// Their node ids.
    pub ids: Vec<i64>,
    /// The quorum leader before (node id).
    pub leader_before: i32,
}
