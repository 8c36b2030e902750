//! Kafka through a real protocol client (librdkafka via rdkafka): metadata
//! (which brokers a client is told), topics, and a create/produce/consume
//! round trip in a consumer group. Blocking: call from `spawn_blocking` or a child process.

use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};

const TIMEOUT: Duration = Duration::from_secs(15);
/// Joining a group takes the coordinator's initial rebalance delay (3 s by
/// Kafka's default) on top of the join itself.
const GROUP_TIMEOUT: Duration = Duration::from_secs(20);

pub use crate::model::kafka::{DataCheck, DataFailure, DataPath, DataStep, KafkaObservation};
use crate::model::redeploy::Held;
use crate::model::topics::is_application_topic;

#[derive(Debug, thiserror::Error)]
pub enum KafkaError {
    #[error(transparent)]
    Wire(#[from] super::wire::WireError),
    #[error("creating a Kafka client for {bootstrap}: {source}")]
    Client {
        bootstrap: String,
        source: rdkafka::error::KafkaError,
    },
    /// One operation of the redeploy's writer or reader, refused.
    #[error("{what}: {source}")]
    Op {
        what: String,
        source: rdkafka::error::KafkaError,
    },
    #[error(transparent)]
    Data(#[from] DataFailure),
}

/// `what` failed with librdkafka's error.
fn op(what: impl Into<String>) -> impl FnOnce(rdkafka::error::KafkaError) -> KafkaError {
    let what = what.into();
    move |source| KafkaError::Op { what, source }
}

fn config(bootstrap: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", bootstrap)
        .set("socket.timeout.ms", "10000")
        .set("message.timeout.ms", "15000")
        .set("log_level", "3");
    c
}

/// What the broker tells a client at `bootstrap` (a Metadata request on
/// that very connection), then the data check through librdkafka, which
/// follows the advertised addresses as any client would.
pub fn probe(bootstrap: &str, check: &DataCheck) -> Result<KafkaObservation, KafkaError> {
    let told = first_answer(bootstrap, super::wire::metadata)?;
    let (brokers, topics) = (told.brokers, told.topics);
    let data = match check {
        DataCheck::None => None,
        DataCheck::Round {
            topic,
            label,
            partitions,
        } => Some(DataPath::RoundTrip(
            failover_round(bootstrap, topic, label, *partitions).map(|r| r.what),
        )),
        DataCheck::RoundTrip(t) => {
            Some(DataPath::RoundTrip(round_trip(bootstrap, t, brokers.len())))
        }
        DataCheck::ReadOnly(named) => {
            let topic = named
                .clone()
                .or_else(|| topics.keys().find(|n| is_application_topic(n)).cloned());
            Some(DataPath::ReadOnly(match topic {
                None => Err(DataStep::NoTopic
                    .failed("no application topic on the broker to read offsets from")),
                Some(t) => read_offsets(bootstrap, &t)?,
            }))
        }
    };
    Ok(KafkaObservation {
        bootstrap: bootstrap.to_string(),
        brokers,
        topics,
        data,
    })
}

/// `ask` of the first address of a comma-separated bootstrap list that
/// answers (a client bootstraps from any), else the last address's error.
fn first_answer<T>(
    bootstrap: &str,
    ask: impl Fn(&str) -> Result<T, super::wire::WireError>,
) -> Result<T, super::wire::WireError> {
    let mut addresses = bootstrap.split(',').map(str::trim).peekable();
    loop {
        let a = addresses.next().unwrap_or(bootstrap);
        match ask(a) {
            Ok(t) => return Ok(t),
            Err(e) if addresses.peek().is_none() => return Err(e),
            Err(_) => {}
        }
    }
}

/// The offsets of `topic`/0, read from its leader; writes nothing.
fn read_offsets(bootstrap: &str, topic: &str) -> Result<Result<String, DataFailure>, KafkaError> {
    let consumer: BaseConsumer = config(bootstrap)
        .set("group.id", "kraft-acceptance-metadata")
        .create()
        .map_err(|source| KafkaError::Client {
            bootstrap: bootstrap.to_string(),
            source,
        })?;
    Ok(consumer
        .fetch_watermarks(topic, 0, TIMEOUT)
        .map(|(lo, hi)| format!("read-only: offsets of {topic}/0 from its leader: {lo}..{hi}"))
        .map_err(|e| {
            DataStep::Offsets.failed(format!("offsets of {topic}/0 from its leader: {e}"))
        }))
}

/// CreateTopics `topic` with `partitions` partitions, each of `factor` replicas.
fn create_topic(
    bootstrap: &str,
    topic: &str,
    partitions: i32,
    factor: i32,
) -> Result<(), DataFailure> {
    let admin: AdminClient<DefaultClientContext> = config(bootstrap)
        .create()
        .map_err(|e| DataStep::Client.failed(format!("admin client: {e}")))?;
    let opts = AdminOptions::new()
        .operation_timeout(Some(TIMEOUT))
        .request_timeout(Some(TIMEOUT));
    let created = futures::executor::block_on(admin.create_topics(
        &[NewTopic::new(
            topic,
            partitions,
            TopicReplication::Fixed(factor),
        )],
        &opts,
    ))
    .map_err(|e| DataStep::CreateTopic.failed(format!("CreateTopics {topic}: {e}")))?;
    for r in created {
        r.map_err(|(t, code)| DataStep::CreateTopic.failed(format!("CreateTopics {t}: {code}")))?;
    }
    Ok(())
}

/// The leader of each partition of `topic`, once every one has a leader
/// (a new topic's leaders are elected just after CreateTopics answers).
fn partition_leaders(
    bootstrap: &str,
    topic: &str,
    partitions: i32,
) -> Result<Vec<i32>, DataFailure> {
    let consumer: BaseConsumer = config(bootstrap)
        .create()
        .map_err(|e| DataStep::Client.failed(format!("metadata client: {e}")))?;
    let deadline = Instant::now() + TIMEOUT;
    let mut last = String::from("no answer");
    while Instant::now() < deadline {
        match consumer.fetch_metadata(Some(topic), Duration::from_secs(5)) {
            Ok(m) => {
                let leaders: Vec<i32> = m
                    .topics()
                    .iter()
                    .flat_map(|t| t.partitions())
                    .map(|p| p.leader())
                    .collect();
                if leaders.len() == partitions as usize && leaders.iter().all(|&l| l >= 0) {
                    return Ok(leaders);
                }
                last = format!("leaders {leaders:?}");
            }
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Err(DataStep::CreateTopic.failed(format!(
        "{topic}: not every one of its {partitions} partition(s) has a leader within {} s ({last})",
        TIMEOUT.as_secs()
    )))
}

/// One record the round trip produced.
struct Sent {
    partition: i32,
    offset: i64,
    payload: String,
}

/// Creates `topic` with a partition per broker (replication factor
/// min(3, brokers)), so that a leader on every broker is reached at its
/// advertised address; produces a unique record to each partition and
/// consumes every one back in a consumer group.
fn round_trip(bootstrap: &str, topic: &str, brokers: usize) -> Result<String, DataFailure> {
    let started = Instant::now();
    let partitions = brokers.max(1) as i32;
    let factor = brokers.clamp(1, 3) as i32;
    create_topic(bootstrap, topic, partitions, factor)?;
    let mut leaders = partition_leaders(bootstrap, topic, partitions)?;
    leaders.sort_unstable();
    leaders.dedup();
    if leaders.len() != brokers.max(1) {
        return Err(DataStep::CreateTopic.failed(format!(
            "{topic}: its {partitions} partitions are led by brokers {leaders:?}, not by each of the {brokers} brokers"
        )));
    }
    let producer: FutureProducer = config(bootstrap)
        .create()
        .map_err(|e| DataStep::Client.failed(format!("producer: {e}")))?;
    let mut sent = Vec::new();
    for partition in 0..partitions {
        let payload = format!(
            "kraft-acceptance {topic} {} {partition}",
            std::process::id()
        );
        let delivery = futures::executor::block_on(
            producer.send(
                FutureRecord::to(topic)
                    .partition(partition)
                    .key("probe")
                    .payload(&payload),
                TIMEOUT,
            ),
        );
        let offset = delivery.map(|d| d.offset).map_err(|(e, _)| {
            DataStep::Produce.failed(format!("produce to {topic}/{partition}: {e}"))
        })?;
        sent.push(Sent {
            partition,
            offset,
            payload,
        });
    }
    let group = format!("{topic}.group");
    let consumed = consume_in_group(bootstrap, topic, &group, &sent, GROUP_TIMEOUT)?;
    let produced = match sent.as_slice() {
        [one] => format!("produced to partition {} offset {}", one.partition, one.offset),
        all => format!(
            "{} partitions, replication factor {factor}, led by brokers {leaders:?}; produced to each",
            all.len()
        ),
    };
    Ok(format!(
        "created {topic}, {produced}, {consumed}, in {:.2} s",
        started.elapsed().as_secs_f64()
    ))
}

/// Polls `consumer` until every record of `sent` arrived, or the group's
/// time is up (then what it last saw and what FindCoordinator answers).
fn receive_all(
    consumer: &BaseConsumer,
    bootstrap: &str,
    (topic, group): (&str, &str),
    sent: &[Sent],
    limit: Duration,
) -> Result<(), DataFailure> {
    let deadline = Instant::now() + limit;
    let mut last = String::from("nothing received");
    let mut got = std::collections::BTreeSet::new();
    while got.len() < sent.len() {
        if Instant::now() >= deadline {
            let first = bootstrap.split(',').next().unwrap_or(bootstrap);
            let coordinator = match super::wire::find_coordinator(first, group) {
                Ok(Ok(c)) => format!("FindCoordinator for {group} answered {c}"),
                Ok(Err(e)) => format!("FindCoordinator for {group} answered {e}"),
                Err(e) => format!("FindCoordinator for {group}: {e}"),
            };
            return Err(DataStep::Group.failed(format!(
                "consumer group {group} read {} of {} record(s) from {topic} within {} s ({last}); {coordinator}",
                got.len(),
                sent.len(),
                limit.as_secs()
            )));
        }
        match consumer.poll(Duration::from_millis(500)) {
            Some(Ok(m))
                if sent
                    .iter()
                    .any(|s| m.payload() == Some(s.payload.as_bytes())) =>
            {
                got.insert(m.partition());
            }
            Some(Ok(m)) => last = format!("other record at {}/{}", m.partition(), m.offset()),
            Some(Err(e)) => last = format!("consume error: {e}"),
            None => {}
        }
    }
    Ok(())
}

/// As an application consumes: joins consumer group `group` (subscribe, so
/// the broker's group coordinator assigns the partitions), reads every
/// record of `sent` back, commits past each and reads the committed
/// offsets back.
fn consume_in_group(
    bootstrap: &str,
    topic: &str,
    group: &str,
    sent: &[Sent],
    limit: Duration,
) -> Result<String, DataFailure> {
    let consumer =
        group_consumer(bootstrap, group).map_err(|e| DataStep::Client.failed(e.to_string()))?;
    consumer
        .subscribe(&[topic])
        .map_err(|e| DataStep::Group.failed(format!("subscribe to {topic}: {e}")))?;
    receive_all(&consumer, bootstrap, (topic, group), sent, limit)?;
    let mut tpl = TopicPartitionList::new();
    for s in sent {
        tpl.add_partition_offset(topic, s.partition, Offset::Offset(s.offset + 1))
            .map_err(|e| DataStep::Commit.failed(format!("offset list: {e}")))?;
    }
    consumer
        .commit(&tpl, CommitMode::Sync)
        .map_err(|e| DataStep::Commit.failed(format!("commit {topic} for {group}: {e}")))?;
    let committed = consumer.committed_offsets(tpl, TIMEOUT).map_err(|e| {
        DataStep::Commit.failed(format!("read {group}'s committed offsets of {topic}: {e}"))
    })?;
    for s in sent {
        match committed
            .find_partition(topic, s.partition)
            .map(|p| p.offset())
        {
            Some(Offset::Offset(o)) if o == s.offset + 1 => {}
            other => {
                return Err(DataStep::Commit.failed(format!(
                "group {group} committed offset {} of {topic}/{}, the broker answered {other:?}",
                s.offset + 1,
                s.partition
            )))
            }
        }
    }
    Ok(match sent {
        [one] => format!("consumed it in group {group}, committed and read back committed offset {}", one.offset + 1),
        all => format!("consumed all {} in group {group}, committed and read back each partition's committed offset", all.len()),
    })
}

/// Writes what a redeploy must keep: `count` records with known keys to a
/// new topic of one partition (replication factor min(3, brokers)), then consumer group `group`'s committed
/// offset at `commit_at` (a partway commit, as a consumer leaves it), and
/// reads back what the broker holds (see [`read_held`]).
pub fn write_held(
    bootstrap: &str,
    topic: &str,
    group: &str,
    count: i64,
    commit_at: i64,
) -> Result<Held, KafkaError> {
    // Replicated as the cluster can (min(3, brokers)): on a cluster whose
    // min.insync.replicas is 2, a topic of one replica takes no acks=all write.
    let brokers = super::wire::metadata(bootstrap)?.brokers.len();
    create_topic(bootstrap, topic, 1, brokers.clamp(1, 3) as i32)?;
    let producer: FutureProducer = config(bootstrap).create().map_err(op("producer"))?;
    for i in 0..count {
        let (key, value) = held_record(topic, i);
        futures::executor::block_on(
            producer.send(
                FutureRecord::to(topic)
                    .partition(0)
                    .key(&key)
                    .payload(&value),
                TIMEOUT,
            ),
        )
        .map_err(|(e, _)| op(format!("produce record {i} to {topic}"))(e))?;
    }
    let consumer = group_consumer(bootstrap, group)?;
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, 0, Offset::Offset(commit_at))
        .map_err(op(format!("offset {commit_at}")))?;
    // A group's first commit may meet a coordinator that is still loading
    // (the broker creates __consumer_offsets on first use): bounded retries.
    let deadline = Instant::now() + GROUP_TIMEOUT;
    while let Err(e) = consumer.commit(&tpl, CommitMode::Sync) {
        if Instant::now() >= deadline {
            let what = format!(
                "commit {group} {topic}/0 at {commit_at} (still after {} s)",
                GROUP_TIMEOUT.as_secs()
            );
            return Err(op(what)(e));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    read_held(bootstrap, topic, group, count)
}

/// The key and value of record `i` of `topic`.
fn held_record(topic: &str, i: i64) -> (String, String) {
    (format!("key-{i}"), format!("{topic} record {i}"))
}

/// A consumer in `group` that commits only when told, from the start of a
/// partition it has no committed offset for.
fn group_consumer(bootstrap: &str, group: &str) -> Result<BaseConsumer, KafkaError> {
    config(bootstrap)
        .set("group.id", group)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .map_err(op("consumer"))
}

/// What the broker holds now: its cluster id, every topic id, the records
/// of `topic`/0 from its start (up to `expect` of them), and `group`'s
/// committed offset there. Writes nothing.
pub fn read_held(
    bootstrap: &str,
    topic: &str,
    group: &str,
    expect: i64,
) -> Result<Held, KafkaError> {
    let consumer = group_consumer(bootstrap, group)?;
    let cluster_id = consumer.client().fetch_cluster_id(TIMEOUT);
    let topic_ids = super::wire::topic_ids(bootstrap)?;
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition(topic, 0);
    let committed = consumer
        .committed_offsets(tpl, TIMEOUT)
        .ok()
        .and_then(|c| c.find_partition(topic, 0).map(|p| p.offset()))
        .and_then(|o| {
            if let Offset::Offset(n) = o {
                Some(n)
            } else {
                None
            }
        });
    let mut records = Vec::new();
    if topic_ids.contains_key(topic) {
        let (_, high) = consumer
            .fetch_watermarks(topic, 0, TIMEOUT)
            .map_err(op(format!("offsets of {topic}/0")))?;
        let mut from = TopicPartitionList::new();
        from.add_partition_offset(topic, 0, Offset::Beginning)
            .map_err(op(format!("the start of {topic}/0")))?;
        consumer
            .assign(&from)
            .map_err(op(format!("assign {topic}/0")))?;
        let deadline = Instant::now() + TIMEOUT;
        while (records.len() as i64) < high.min(expect) && Instant::now() < deadline {
            if let Some(Ok(m)) = consumer.poll(Duration::from_millis(500)) {
                let text = |b: Option<&[u8]>| {
                    b.map(|b| String::from_utf8_lossy(b).into_owned())
                        .unwrap_or_default()
                };
                records.push((m.offset(), text(m.key()), text(m.payload())));
            }
        }
    }
    Ok(Held {
        cluster_id,
        topic_ids,
        records,
        committed,
        redis: None,
    })
}

/// How long a failover's client may wait for one operation: a lost
/// broker's partitions move after its session times out (9 s by Kafka's
/// default), and the group's coordinator may move with them.
const FAILOVER_TIMEOUT: Duration = Duration::from_secs(60);

/// The topic a failover is proven on, created while every broker runs: a
/// partition per broker, replication factor min(3, brokers), each
/// partition led. Its partition count.
pub fn create_spread_topic(bootstrap: &str, topic: &str) -> Result<i32, KafkaError> {
    let brokers = first_answer(bootstrap, super::wire::metadata)?
        .brokers
        .len();
    let partitions = brokers.max(1) as i32;
    create_topic(bootstrap, topic, partitions, brokers.clamp(1, 3) as i32)?;
    partition_leaders(bootstrap, topic, partitions)?;
    Ok(partitions)
}

/// One round of a failover, as it went.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundDone {
    /// What was done, as a person reads it.
    pub what: String,
    /// Seconds from the round's start to its first acknowledged record.
    pub first_ack_s: f64,
}

/// The payload round `label` writes to `partition` of `topic`.
pub fn round_payload(topic: &str, label: &str, partition: i32) -> String {
    format!("kraft-acceptance {topic} {label} {partition}")
}

/// A record labelled `label` produced with acks=all to every partition of
/// `topic`, each consumed back in the topic's group (`TOPIC.group`) and
/// committed, the committed offsets read back.
pub fn failover_round(
    bootstrap: &str,
    topic: &str,
    label: &str,
    partitions: i32,
) -> Result<RoundDone, DataFailure> {
    let started = Instant::now();
    // Retries that run out before the message times out: a write the
    // cluster keeps refusing ends with the broker's own error, not a timeout.
    let producer: FutureProducer = config(bootstrap)
        .set("acks", "all")
        .set("message.send.max.retries", "20")
        .set("retry.backoff.ms", "500")
        .set("retry.backoff.max.ms", "3000")
        .set(
            "message.timeout.ms",
            (FAILOVER_TIMEOUT.as_millis() * 2).to_string(),
        )
        .create()
        .map_err(|e| DataStep::Client.failed(format!("producer: {e}")))?;
    let (mut sent, mut first_ack_s) = (Vec::new(), None);
    for partition in 0..partitions {
        let payload = round_payload(topic, label, partition);
        let record = FutureRecord::to(topic)
            .partition(partition)
            .key(label)
            .payload(&payload);
        let delivery = futures::executor::block_on(producer.send(record, FAILOVER_TIMEOUT * 2));
        let offset = delivery.map(|d| d.offset).map_err(|(e, _)| {
            DataStep::Produce.failed(format!("produce with acks=all to {topic}/{partition}: {e}"))
        })?;
        first_ack_s.get_or_insert(started.elapsed().as_secs_f64());
        sent.push(Sent {
            partition,
            offset,
            payload,
        });
    }
    let group = format!("{topic}.group");
    let consumed = consume_in_group(bootstrap, topic, &group, &sent, FAILOVER_TIMEOUT)?;
    Ok(RoundDone {
        what: format!(
            "{label}: produced with acks=all to each of {partitions} partition(s) of {topic}, {consumed}, in {:.2} s",
            started.elapsed().as_secs_f64()
        ),
        first_ack_s: first_ack_s.unwrap_or_default(),
    })
}

/// What `topic` holds after a failover: each partition's records (offset,
/// payload) from its start, and its group's committed offset. Writes nothing.
pub fn read_rounds(
    bootstrap: &str,
    topic: &str,
    partitions: i32,
) -> Result<crate::model::failover::TopicHeld, KafkaError> {
    let group = format!("{topic}.group");
    let consumer = group_consumer(bootstrap, &group)?;
    let mut held = crate::model::failover::TopicHeld::default();
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition(topic, p);
    }
    let committed = consumer
        .committed_offsets(tpl, TIMEOUT)
        .map_err(op(format!("{group}'s committed offsets of {topic}")))?;
    for p in 0..partitions {
        let at = committed.find_partition(topic, p).map(|x| x.offset());
        held.committed.insert(
            p,
            match at {
                Some(Offset::Offset(n)) => Some(n),
                _ => None,
            },
        );
        let (_, high) = consumer
            .fetch_watermarks(topic, p, TIMEOUT)
            .map_err(op(format!("offsets of {topic}/{p}")))?;
        held.records
            .insert(p, read_partition(&consumer, topic, p, high)?);
    }
    Ok(held)
}

/// Every record of `topic`/`p` below `high`: (offset, payload).
fn read_partition(
    consumer: &BaseConsumer,
    topic: &str,
    p: i32,
    high: i64,
) -> Result<Vec<(i64, String)>, KafkaError> {
    let mut from = TopicPartitionList::new();
    from.add_partition_offset(topic, p, Offset::Beginning)
        .map_err(op(format!("the start of {topic}/{p}")))?;
    consumer
        .assign(&from)
        .map_err(op(format!("assign {topic}/{p}")))?;
    let mut records = Vec::new();
    let deadline = Instant::now() + TIMEOUT;
    while records.last().map(|(o, _)| o + 1).unwrap_or(0) < high && Instant::now() < deadline {
        if let Some(Ok(m)) = consumer.poll(Duration::from_millis(500)) {
            let payload = m
                .payload()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            records.push((m.offset(), payload));
        }
    }
    Ok(records)
}
