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
    pub round_trip: Option<DataPath>,
}

/// What a client does beyond metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataCheck {
    None,
    /// Create the topic, produce a record, consume it back (owned stacks).
    RoundTrip(String),
    /// Read the offsets of an existing topic from its leader, through the
    /// advertised address, and write nothing (attach mode). None: the first
    /// application topic the broker lists.
    ReadOnly(Option<String>),
}

/// What the data path did (`Ok`: a sentence of what worked) or the step at
/// which it failed, as a person reads it in the report.
pub type DataPath = Result<String, String>;
