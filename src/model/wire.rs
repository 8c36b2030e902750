//! What a broker answered on the wire (ApiVersions, DescribeQuorum, Metadata).

use std::collections::BTreeMap;

use serde::Serialize;

pub(crate) const DESCRIBE_QUORUM_KEY: i16 = 55;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiVersionsObservation {
    pub error_code: i16,
    pub api_keys: Vec<i16>,
    /// (feature, max version level)
    pub finalized: Vec<(String, i16)>,
    /// (feature, max version) the broker's own release supports: for
    /// metadata.version, its latest production level.
    pub supported: Vec<(String, i16)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuorumObservation {
    pub error_code: i16,
    pub leader_id: i32,
    pub leader_epoch: i32,
    /// Replica ids of the current voters, as the leader reports them.
    pub voters: Vec<i32>,
    pub observers: Vec<i32>,
    /// The metadata log's high watermark, as the leader reports it.
    pub high_watermark: i64,
    /// Each voter's log end offset, in the order of `voters`.
    pub voter_ends: Vec<i64>,
}

/// What the settings say the quorum is: this node's id and the voters' ids.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfiguredQuorum {
    pub node_id: i64,
    /// `controller.quorum.voters`' ids, ascending; empty when unset.
    pub voters: Vec<i64>,
    /// The cluster's brokers that are not voters, ascending: the quorum's
    /// observers.
    pub observers: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WireObservation {
    pub address: String,
    pub api_versions: ApiVersionsObservation,
    /// `None` when the broker does not offer DescribeQuorum.
    pub quorum: Option<Result<QuorumObservation, String>>,
}

/// What a broker says about the cluster: broker addresses and topics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetadataObservation {
    /// `host:port` of every broker, as advertised to this connection.
    pub brokers: Vec<String>,
    /// Topic -> partition count.
    pub topics: BTreeMap<String, i32>,
}
