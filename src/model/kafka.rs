//! What a Kafka client was told and could do.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a client bootstrapping from an address was told and could do.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KafkaObservation {
    pub bootstrap: String,
    /// `host:port` of every broker in the metadata answer.
    pub brokers: Vec<String>,
    /// Topic name -> partition count.
    pub topics: BTreeMap<String, i32>,
    /// The data path, when asked for.
    pub data: Option<DataPath>,
}

/// What a client does beyond metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataCheck {
    None,
    /// Create the topic, produce a record, consume it back in a consumer
    /// group, commit and read the committed offset back (owned stacks).
    RoundTrip(String),
    /// Read the offsets of an existing topic from its leader, through the
    /// advertised address, and write nothing (attach mode). None: the first
    /// application topic the broker lists.
    ReadOnly(Option<String>),
    /// One round of a failover on an existing topic: a record labelled
    /// `label` produced with acks=all to each of its `partitions`, consumed
    /// in the topic's group and committed.
    Round {
        topic: String,
        label: String,
        partitions: i32,
    },
}

/// What the data check did: which check, and what worked (a sentence as a
/// person reads it in the report) or the step at which it failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataPath {
    RoundTrip(Result<String, DataFailure>),
    ReadOnly(Result<String, DataFailure>),
}

impl DataPath {
    pub fn outcome(&self) -> &Result<String, DataFailure> {
        match self {
            DataPath::RoundTrip(o) | DataPath::ReadOnly(o) => o,
        }
    }

    /// What the check set out to show, through `bootstrap`.
    pub fn expected(&self, bootstrap: &str) -> String {
        match self {
            DataPath::RoundTrip(_) => format!(
                "create, produce, consume in a consumer group and commit through {bootstrap}"
            ),
            DataPath::ReadOnly(_) => format!(
                "a topic's offsets read from its leader through {bootstrap}, nothing written"
            ),
        }
    }
}

/// The step of the data path that failed, and what the client said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{detail}")]
pub struct DataFailure {
    pub step: DataStep,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DataStep {
    Client,
    CreateTopic,
    Produce,
    /// Joining the consumer group and consuming the record through it.
    Group,
    Commit,
    NoTopic,
    Offsets,
}

impl DataStep {
    /// This step's failure: `detail` as the client put it.
    pub fn failed(self, detail: impl Into<String>) -> DataFailure {
        DataFailure {
            step: self,
            detail: detail.into(),
        }
    }
}
