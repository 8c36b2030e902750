//! Kafka on the wire, without a client library in between:
//! - Metadata on the bootstrap connection: exactly what a broker tells a
//!   client that came in through that listener (librdkafka reconnects to the
//!   brokers it learns, so what it reports depends on timing);
//! - KRaft: ApiVersions v3 (a KRaft node lists the finalized feature
//!   `metadata.version`) and DescribeQuorum (key 55, answered with a leader).
//!
//! Encoding and decoding are pure functions, tested on encoded responses;
//! only [`probe`] and [`metadata`] touch the network.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use bytes::{Buf, BytesMut};
use kafka_protocol::messages::describe_quorum_request::{PartitionData, TopicData};
use kafka_protocol::messages::describe_quorum_response;
use kafka_protocol::messages::{
    ApiKey, ApiVersionsRequest, ApiVersionsResponse, DescribeQuorumRequest, DescribeQuorumResponse,
    FindCoordinatorRequest, FindCoordinatorResponse, MetadataRequest, MetadataResponse,
    RequestHeader, ResponseHeader, TopicName,
};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, StrBytes};

use crate::model::wire::DESCRIBE_QUORUM_KEY;
pub use crate::model::wire::{
    ApiVersionsObservation, MetadataObservation, QuorumObservation, WireObservation,
};

const API_VERSIONS_VERSION: i16 = 3;
const DESCRIBE_QUORUM_VERSION: i16 = 1;
/// Metadata v4: null topics means every topic; understood by Kafka 1.0+.
const METADATA_VERSION: i16 = 4;
/// FindCoordinator v3: one key, the answer's error message (Kafka 2.4+).
const FIND_COORDINATOR_VERSION: i16 = 3;
const METADATA_TOPIC: &str = "__cluster_metadata";

/// What went wrong talking to a broker: each external step, with its cause.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("encoding a request: {0}")]
    Encode(String),
    #[error("resolve {address}: {reason}")]
    Resolve { address: String, reason: String },
    #[error("connect {address}: {source}")]
    Connect {
        address: String,
        source: std::io::Error,
    },
    #[error("{step}: {source}")]
    Io {
        step: &'static str,
        source: std::io::Error,
    },
    #[error("implausible response length {0}")]
    Length(i32),
    #[error("{0}")]
    Decode(String),
    #[error("{what} from {address}: {source}")]
    Answer {
        what: &'static str,
        address: String,
        source: Box<WireError>,
    },
}

fn io(step: &'static str) -> impl FnOnce(std::io::Error) -> WireError {
    move |source| WireError::Io { step, source }
}

fn frame<T: Encodable + HeaderVersion>(
    key: ApiKey,
    version: i16,
    correlation: i32,
    body: &T,
) -> Result<Vec<u8>, WireError> {
    let header = RequestHeader::default()
        .with_request_api_key(key as i16)
        .with_request_api_version(version)
        .with_correlation_id(correlation)
        .with_client_id(Some(StrBytes::from_static_str("kraft-acceptance")));
    let mut buf = BytesMut::new();
    header
        .encode(&mut buf, T::header_version(version))
        .map_err(|e| WireError::Encode(e.to_string()))?;
    body.encode(&mut buf, version)
        .map_err(|e| WireError::Encode(e.to_string()))?;
    let mut out = (buf.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(&buf);
    Ok(out)
}

fn api_versions_request(correlation: i32) -> Result<Vec<u8>, WireError> {
    let body = ApiVersionsRequest::default()
        .with_client_software_name(StrBytes::from_static_str("kraft-acceptance"))
        .with_client_software_version(StrBytes::from_static_str(env!("CARGO_PKG_VERSION")));
    frame(
        ApiKey::ApiVersions,
        API_VERSIONS_VERSION,
        correlation,
        &body,
    )
}

fn describe_quorum_request(correlation: i32) -> Result<Vec<u8>, WireError> {
    let body = DescribeQuorumRequest::default().with_topics(vec![TopicData::default()
        .with_topic_name(TopicName(StrBytes::from_static_str(METADATA_TOPIC)))
        .with_partitions(vec![PartitionData::default().with_partition_index(0)])]);
    frame(
        ApiKey::DescribeQuorum,
        DESCRIBE_QUORUM_VERSION,
        correlation,
        &body,
    )
}

/// Decodes a response payload (after the length prefix): header, then body.
fn decode<T: Decodable + HeaderVersion>(
    payload: &[u8],
    version: i16,
    correlation: i32,
) -> Result<T, WireError> {
    let bad = WireError::Decode;
    let mut b = bytes::Bytes::copy_from_slice(payload);
    let header = ResponseHeader::decode(&mut b, T::header_version(version))
        .map_err(|e| bad(format!("response header: {e}")))?;
    if header.correlation_id != correlation {
        return Err(bad(format!(
            "correlation id {} answered, {correlation} asked",
            header.correlation_id
        )));
    }
    let body = T::decode(&mut b, version).map_err(|e| bad(format!("response body: {e}")))?;
    if b.has_remaining() {
        return Err(bad(format!(
            "{} bytes left after the response",
            b.remaining()
        )));
    }
    Ok(body)
}

fn decode_api_versions(
    payload: &[u8],
    correlation: i32,
) -> Result<ApiVersionsObservation, WireError> {
    let r: ApiVersionsResponse = decode(payload, API_VERSIONS_VERSION, correlation)?;
    Ok(ApiVersionsObservation {
        error_code: r.error_code,
        api_keys: r.api_keys.iter().map(|k| k.api_key).collect(),
        finalized: r
            .finalized_features
            .iter()
            .map(|f| (f.name.to_string(), f.max_version_level))
            .collect(),
        supported: r
            .supported_features
            .iter()
            .map(|f| (f.name.to_string(), f.max_version))
            .collect(),
    })
}

fn decode_describe_quorum(
    payload: &[u8],
    correlation: i32,
) -> Result<QuorumObservation, WireError> {
    let r: DescribeQuorumResponse = decode(payload, DESCRIBE_QUORUM_VERSION, correlation)?;
    let p = r
        .topics
        .iter()
        .flat_map(|t| &t.partitions)
        .next()
        .ok_or_else(|| {
            WireError::Decode(format!(
                "no partition in the answer (error code {})",
                r.error_code
            ))
        })?;
    let error_code = if r.error_code != 0 {
        r.error_code
    } else {
        p.error_code
    };
    let ids =
        |r: &[describe_quorum_response::ReplicaState]| r.iter().map(|v| v.replica_id.0).collect();
    Ok(QuorumObservation {
        error_code,
        leader_id: p.leader_id.0,
        leader_epoch: p.leader_epoch,
        voters: ids(&p.current_voters),
        observers: ids(&p.observers),
        high_watermark: p.high_watermark,
        voter_ends: p.current_voters.iter().map(|v| v.log_end_offset).collect(),
    })
}

fn exchange(stream: &mut TcpStream, request: &[u8]) -> Result<Vec<u8>, WireError> {
    stream.write_all(request).map_err(io("send"))?;
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).map_err(io("read length"))?;
    let len = i32::from_be_bytes(len);
    if !(0..=16 << 20).contains(&len) {
        return Err(WireError::Length(len));
    }
    let mut payload = vec![0u8; len as usize];
    stream
        .read_exact(&mut payload)
        .map_err(io("read response"))?;
    Ok(payload)
}

fn metadata_request(correlation: i32) -> Result<Vec<u8>, WireError> {
    frame(
        ApiKey::Metadata,
        METADATA_VERSION,
        correlation,
        &MetadataRequest::default().with_topics(None),
    )
}

fn decode_metadata(payload: &[u8], correlation: i32) -> Result<MetadataObservation, WireError> {
    let r: MetadataResponse = decode(payload, METADATA_VERSION, correlation)?;
    Ok(MetadataObservation {
        brokers: r
            .brokers
            .iter()
            .map(|b| format!("{}:{}", b.host, b.port))
            .collect(),
        topics: r
            .topics
            .iter()
            .filter(|t| t.error_code == 0)
            .filter_map(|t| Some((t.name.as_ref()?.0.to_string(), t.partitions.len() as i32)))
            .collect(),
    })
}

fn connect(address: &str) -> Result<TcpStream, WireError> {
    let resolve = |reason: String| WireError::Resolve {
        address: address.to_string(),
        reason,
    };
    let addr = address
        .to_socket_addrs()
        .map_err(|e| resolve(e.to_string()))?
        .next()
        .ok_or_else(|| resolve("no address".into()))?;
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|source| {
        WireError::Connect {
            address: address.to_string(),
            source,
        }
    })?;
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(io("set read timeout"))?;
    Ok(s)
}

/// Metadata v12: every topic with its topic id (Kafka 2.8+).
const METADATA_IDS_VERSION: i16 = 12;

/// Topic -> topic id, as the broker at `address` answers Metadata v12.
pub fn topic_ids(address: &str) -> Result<std::collections::BTreeMap<String, String>, WireError> {
    let mut s = connect(address)?;
    let request = frame(
        ApiKey::Metadata,
        METADATA_IDS_VERSION,
        4,
        &MetadataRequest::default().with_topics(None),
    )?;
    let r: MetadataResponse = decode(&exchange(&mut s, &request)?, METADATA_IDS_VERSION, 4)?;
    Ok(r.topics
        .iter()
        .filter(|t| t.error_code == 0)
        .filter_map(|t| Some((t.name.as_ref()?.0.to_string(), t.topic_id.to_string())))
        .collect())
}

/// One Metadata request on a fresh connection to `address`.
pub fn metadata(address: &str) -> Result<MetadataObservation, WireError> {
    let mut s = connect(address)?;
    decode_metadata(&exchange(&mut s, &metadata_request(1)?)?, 1).map_err(|e| WireError::Answer {
        what: "metadata",
        address: address.to_string(),
        source: Box::new(e),
    })
}

fn find_coordinator_request(correlation: i32, group: &str) -> Result<Vec<u8>, WireError> {
    let body = FindCoordinatorRequest::default()
        .with_key(StrBytes::from_string(group.to_string()))
        .with_key_type(0);
    frame(
        ApiKey::FindCoordinator,
        FIND_COORDINATOR_VERSION,
        correlation,
        &body,
    )
}

/// The broker's answer to FindCoordinator for a consumer group, in words:
/// the coordinator's address, or the error code and message it gave.
fn decode_find_coordinator(
    payload: &[u8],
    correlation: i32,
) -> Result<Result<String, String>, WireError> {
    let r: FindCoordinatorResponse = decode(payload, FIND_COORDINATOR_VERSION, correlation)?;
    Ok(match r.error_code {
        0 => Ok(format!(
            "coordinator node {} at {}:{}",
            r.node_id.0, r.host, r.port
        )),
        code => Err(format!(
            "error code {code}{}{}",
            if code == 15 {
                " (COORDINATOR_NOT_AVAILABLE)"
            } else {
                ""
            },
            r.error_message
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        )),
    })
}

/// One FindCoordinator request for consumer group `group` on a fresh connection.
pub(crate) fn find_coordinator(
    address: &str,
    group: &str,
) -> Result<Result<String, String>, WireError> {
    let mut s = connect(address)?;
    decode_find_coordinator(&exchange(&mut s, &find_coordinator_request(3, group)?)?, 3)
}

/// ApiVersions on a connection someone else opened (the neighbour probe's,
/// inside another network namespace).
pub(crate) fn api_versions_on(stream: &mut TcpStream) -> Result<ApiVersionsObservation, WireError> {
    decode_api_versions(&exchange(stream, &api_versions_request(1)?)?, 1)
}

/// ApiVersions, then DescribeQuorum when offered, on one connection.
pub fn probe(address: &str) -> Result<WireObservation, WireError> {
    let mut s = connect(address)?;
    let api = decode_api_versions(&exchange(&mut s, &api_versions_request(1)?)?, 1)?;
    let quorum = api.api_keys.contains(&DESCRIBE_QUORUM_KEY).then(|| {
        describe_quorum_request(2)
            .and_then(|r| exchange(&mut s, &r))
            .and_then(|p| decode_describe_quorum(&p, 2))
            .map_err(|e| e.to_string())
    });
    Ok(WireObservation {
        address: address.to_string(),
        api_versions: api,
        quorum,
    })
}

/// DescribeQuorum asked of each of `addresses` in turn until one names a
/// leader that is not one of `lost`, for up to `limit`: that leader's id
/// and the seconds from `since`, or the last answer when none did.
pub fn leader_other_than(
    addresses: &[String],
    lost: &[i64],
    since: std::time::Instant,
    limit: std::time::Duration,
) -> Result<(i32, f64), String> {
    let mut last = String::from("no answer");
    while since.elapsed() < limit {
        for a in addresses {
            match probe(a).map(|w| w.quorum) {
                Ok(Some(Ok(q))) if q.leader_id >= 0 && !lost.contains(&i64::from(q.leader_id)) => {
                    return Ok((q.leader_id, since.elapsed().as_secs_f64()));
                }
                Ok(Some(Ok(q))) => {
                    last = format!(
                        "{a} answered leader {} (epoch {}, error code {})",
                        q.leader_id, q.leader_epoch, q.error_code
                    )
                }
                Ok(Some(Err(e))) => last = format!("{a}: DescribeQuorum: {e}"),
                Ok(None) => last = format!("{a} does not offer DescribeQuorum"),
                Err(e) => last = format!("{a}: {e}"),
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    Err(format!("after {} s, {last}", limit.as_secs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_protocol::messages::api_versions_response::{ApiVersion, FinalizedFeatureKey};
    use kafka_protocol::messages::BrokerId;

    /// Encodes a response as a broker would: header then body.
    fn encode<T: Encodable + HeaderVersion>(body: &T, version: i16, correlation: i32) -> Vec<u8> {
        let mut buf = BytesMut::new();
        ResponseHeader::default()
            .with_correlation_id(correlation)
            .encode(&mut buf, T::header_version(version))
            .unwrap();
        body.encode(&mut buf, version).unwrap();
        buf.to_vec()
    }

    fn api(keys: &[i16], finalized: &[(&'static str, i16)]) -> ApiVersionsResponse {
        ApiVersionsResponse::default()
            .with_api_keys(
                keys.iter()
                    .map(|k| ApiVersion::default().with_api_key(*k).with_max_version(3))
                    .collect(),
            )
            .with_finalized_features(
                finalized
                    .iter()
                    .map(|(n, v)| {
                        FinalizedFeatureKey::default()
                            .with_name(StrBytes::from_static_str(n))
                            .with_max_version_level(*v)
                    })
                    .collect(),
            )
    }

    /// A KRaft 3.8 node and a ZooKeeper-mode broker, as encoded responses.
    fn kraft_api_versions() -> Vec<u8> {
        encode(
            &api(&[0, 1, 3, 18, 55], &[("metadata.version", 20)]),
            API_VERSIONS_VERSION,
            1,
        )
    }
    fn zk_api_versions() -> Vec<u8> {
        encode(&api(&[0, 1, 3, 18], &[]), API_VERSIONS_VERSION, 1)
    }

    fn quorum(leader: i32, error: i16) -> Vec<u8> {
        let p = describe_quorum_response::PartitionData::default()
            .with_leader_id(BrokerId(leader))
            .with_leader_epoch(3)
            .with_high_watermark(41)
            .with_current_voters(vec![describe_quorum_response::ReplicaState::default()
                .with_replica_id(BrokerId(leader))
                .with_log_end_offset(40)])
            .with_error_code(error);
        let t = describe_quorum_response::TopicData::default()
            .with_topic_name(TopicName(StrBytes::from_static_str(METADATA_TOPIC)))
            .with_partitions(vec![p]);
        encode(
            &DescribeQuorumResponse::default().with_topics(vec![t]),
            DESCRIBE_QUORUM_VERSION,
            2,
        )
    }

    #[test]
    fn decodes_a_kraft_node() {
        let a = decode_api_versions(&kraft_api_versions(), 1).unwrap();
        assert_eq!(a.finalized, vec![("metadata.version".to_string(), 20)]);
        assert!(a.api_keys.contains(&DESCRIBE_QUORUM_KEY));
        let q = decode_describe_quorum(&quorum(1, 0), 2).unwrap();
        assert_eq!(
            q,
            QuorumObservation {
                error_code: 0,
                leader_id: 1,
                leader_epoch: 3,
                voters: vec![1],
                observers: vec![],
                high_watermark: 41,
                voter_ends: vec![40],
            }
        );
    }

    #[test]
    fn decodes_a_zookeeper_mode_broker() {
        let a = decode_api_versions(&zk_api_versions(), 1).unwrap();
        assert!(a.finalized.is_empty());
        assert!(!a.api_keys.contains(&DESCRIBE_QUORUM_KEY));
    }

    #[test]
    fn rejects_mismatched_or_truncated_answers() {
        assert!(decode_api_versions(&kraft_api_versions(), 7)
            .unwrap_err()
            .to_string()
            .contains("correlation id 1 answered, 7 asked"));
        let b = kraft_api_versions();
        assert!(decode_api_versions(&b[..b.len() - 3], 1).is_err());
    }

    #[test]
    fn decodes_metadata_brokers_and_topics() {
        use kafka_protocol::messages::metadata_response::{
            MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic,
        };
        let r = MetadataResponse::default()
            .with_brokers(vec![MetadataResponseBroker::default()
                .with_node_id(BrokerId(1))
                .with_host(StrBytes::from_static_str("localhost"))
                .with_port(9093)])
            .with_topics(vec![
                MetadataResponseTopic::default()
                    .with_name(Some(TopicName(StrBytes::from_static_str("a"))))
                    .with_partitions(vec![MetadataResponsePartition::default(); 3]),
                MetadataResponseTopic::default()
                    .with_name(Some(TopicName(StrBytes::from_static_str("gone"))))
                    .with_error_code(3),
            ]);
        let m = decode_metadata(&encode(&r, METADATA_VERSION, 1), 1).unwrap();
        assert_eq!(m.brokers, vec!["localhost:9093"]);
        assert_eq!(
            m.topics,
            std::collections::BTreeMap::from([("a".to_string(), 3)])
        );
    }

    #[test]
    fn decodes_find_coordinator_answers() {
        let ok = FindCoordinatorResponse::default()
            .with_node_id(BrokerId(1))
            .with_host(StrBytes::from_static_str("localhost"))
            .with_port(9093);
        assert_eq!(
            decode_find_coordinator(&encode(&ok, FIND_COORDINATOR_VERSION, 3), 3).unwrap(),
            Ok("coordinator node 1 at localhost:9093".into())
        );
        let no = FindCoordinatorResponse::default()
            .with_error_code(15)
            .with_error_message(Some(StrBytes::from_static_str(
                "The coordinator is not available.",
            )))
            .with_node_id(BrokerId(-1));
        assert_eq!(
            decode_find_coordinator(&encode(&no, FIND_COORDINATOR_VERSION, 3), 3).unwrap(),
            Err(
                "error code 15 (COORDINATOR_NOT_AVAILABLE): The coordinator is not available."
                    .into()
            )
        );
    }

    #[test]
    fn requests_are_framed_with_their_length() {
        let r = api_versions_request(1).unwrap();
        assert_eq!(
            i32::from_be_bytes(r[..4].try_into().unwrap()) as usize,
            r.len() - 4
        );
        assert_eq!(
            i16::from_be_bytes(r[4..6].try_into().unwrap()),
            ApiKey::ApiVersions as i16
        );
        let q = describe_quorum_request(2).unwrap();
        assert_eq!(
            i16::from_be_bytes(q[4..6].try_into().unwrap()),
            DESCRIBE_QUORUM_KEY
        );
    }
}
