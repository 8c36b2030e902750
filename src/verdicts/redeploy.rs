//! Kafka keeps its data across a redeploy. With ZooKeeper gone, Kafka's own
//! metadata log lives beside its topics in the broker's log directories, so
//! every directory the broker writes (`log.dirs`, `metadata.log.dir`, as the
//! image computes them) must be on a named volume or a bind mount: the
//! container's layer, an anonymous volume (a plain `down` orphans it and the
//! next `up` starts empty) and a tmpfs are gone when the container is
//! recreated. A Redis that persists keeps its `dir` the same way; a Redis
//! that is a pure cache has nothing to keep.

use std::collections::BTreeMap;

use super::{Failure, Verdict};
use crate::model::compose::ServiceVolume;
use crate::model::redeploy::{Held, KafkaDirs, Persistence, RedisPersistence};

/// Kafka's own default log directory (ServerLogConfigs.LOG_DIR_DEFAULT).
const KAFKA_DEFAULT_LOG_DIR: &str = "/tmp/kafka-logs";
/// The fix a failure names: the directory the image declares as its volume.
const IMAGE_DATA_DIR: &str = "/var/lib/kafka/data";

/// Where the broker writes, as KafkaConfig reads it: `log.dirs`, else
/// `log.dir`, else Kafka's default; `metadata.log.dir`, else the first log
/// directory.
pub fn kafka_dirs(props: &BTreeMap<String, String>) -> KafkaDirs {
    let set = |k: &str| {
        props
            .get(k)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (log_dirs, from) = match (set("log.dirs"), set("log.dir")) {
        (Some(v), _) => (v, "log.dirs"),
        (None, Some(v)) => (v, "log.dir"),
        (None, None) => (KAFKA_DEFAULT_LOG_DIR.to_string(), "Kafka's default log.dir"),
    };
    let log_dirs: Vec<String> = log_dirs
        .split(',')
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect();
    let metadata = match set("metadata.log.dir") {
        Some(d) => (d, "metadata.log.dir".to_string()),
        None => (
            log_dirs.first().cloned().unwrap_or_default(),
            format!("metadata.log.dir (unset: the first of {from})"),
        ),
    };
    KafkaDirs {
        log_dirs,
        log_dirs_from: from.to_string(),
        metadata_dir: metadata.0,
        metadata_from: metadata.1,
    }
}

/// The mount a path lies in: the one whose target is the longest whole-
/// component prefix of it.
fn mount_of<'a>(path: &str, mounts: &'a [ServiceVolume]) -> Option<&'a ServiceVolume> {
    let inside = |t: &str| {
        let t = t.trim_end_matches('/');
        path == t || path.starts_with(&format!("{t}/")) || t.is_empty()
    };
    mounts
        .iter()
        .filter(|m| inside(&m.target))
        .max_by_key(|m| m.target.len())
}

/// The named volume or host path that keeps `dir`, if one does.
pub fn storage_of(dir: &str, mounts: &[ServiceVolume]) -> Option<String> {
    mount_of(dir, mounts)
        .filter(|m| kept(m).is_kept())
        .and_then(|m| m.source.clone())
}

/// Where a directory lives, said as a person reads it: kept across a
/// recreate (the mount that keeps it), or lost with the container (why).
enum Place {
    Kept(String),
    Lost(String),
}

impl Place {
    fn is_kept(&self) -> bool {
        matches!(self, Place::Kept(_))
    }

    fn said(self) -> String {
        match self {
            Place::Kept(s) | Place::Lost(s) => s,
        }
    }
}

/// Whether a mount outlives the container.
fn kept(m: &ServiceVolume) -> Place {
    let source = m.source.as_deref().filter(|s| !s.is_empty());
    match (m.kind.as_str(), source) {
        ("volume", Some(name)) => Place::Kept(format!("volume {name} at {}", m.target)),
        ("bind", Some(host)) => Place::Kept(format!("bind mount {host} at {}", m.target)),
        ("volume", None) => Place::Lost(format!(
            "an anonymous volume at {} (a plain `down` orphans it and the next `up` starts empty)",
            m.target
        )),
        ("tmpfs", _) => Place::Lost(format!(
            "a tmpfs at {} (memory: gone with the container)",
            m.target
        )),
        (kind, _) => Place::Lost(format!("a {kind} mount at {}", m.target)),
    }
}

/// The volumes the images declare (`VOLUME`): left unmounted, the engine
/// makes an anonymous volume for each.
const KAFKA_IMAGE_VOLUMES: &[&str] = &[
    "/etc/kafka/secrets",
    "/var/lib/kafka/data",
    "/mnt/shared/config",
];
const REDIS_IMAGE_VOLUMES: &[&str] = &["/data"];

/// Where one directory lives.
fn placed(dir: &str, mounts: &[ServiceVolume], image_volumes: &[&str]) -> Place {
    match mount_of(dir, mounts) {
        Some(m) => kept(m),
        None => match image_volumes.iter().find(|v| dir == **v || dir.starts_with(&format!("{v}/"))) {
            Some(v) => Place::Lost(format!("the image's own VOLUME {v}, left unmounted: an anonymous volume (a plain `down` orphans it and the next `up` starts empty)")),
            None => Place::Lost("the container's own layer (no mount): gone when the container is recreated".into()),
        },
    }
}

/// Every directory Kafka writes is on a named volume or a bind mount of
/// `service`. Ok: one line per directory, where it is kept.
pub fn kafka_data_kept(
    service: &str,
    layering: &str,
    dirs: &KafkaDirs,
    mounts: &[ServiceVolume],
) -> Verdict<Vec<String>> {
    let mut wrote = Vec::new();
    let mut lost = Vec::new();
    let mut all: Vec<(String, &str)> = dirs
        .log_dirs
        .iter()
        .map(|d| (format!("{} {d}", dirs.log_dirs_from), d.as_str()))
        .collect();
    if !dirs.log_dirs.contains(&dirs.metadata_dir) {
        all.push((
            format!("{} {}", dirs.metadata_from, dirs.metadata_dir),
            dirs.metadata_dir.as_str(),
        ));
    }
    for (what, dir) in &all {
        match placed(dir, mounts, KAFKA_IMAGE_VOLUMES) {
            Place::Kept(m) => wrote.push(format!("{what}: on {m}")),
            Place::Lost(why) => lost.push(format!("{what}: in {why}")),
        }
    }
    if lost.is_empty() {
        return Ok(wrote);
    }
    let mut evidence = lost;
    for m in mounts {
        let holds: Vec<&str> = all
            .iter()
            .filter(|(_, d)| mount_of(d, mounts) == Some(m))
            .map(|(_, d)| *d)
            .collect();
        let what = kept(m).said();
        let holds = if holds.is_empty() {
            "nothing Kafka writes".to_string()
        } else {
            holds.join(", ")
        };
        evidence.push(format!("mount: {what}: {holds}"));
    }
    evidence.push(log_dirs_fix(mounts));
    Err(Failure::new(
        format!("every directory service {service} writes (log.dirs, metadata.log.dir) on a named volume or a bind mount, {layering}"),
        format!("{} of {} directories Kafka writes would be lost on the next recreate", evidence.iter().filter(|e| e.contains(": in ")).count(), all.len()),
    )
    .with_evidence(evidence))
}

/// The fix: log.dirs on the volume the service already mounts under
/// /var/lib/kafka, else a named volume at the image's data directory.
fn log_dirs_fix(mounts: &[ServiceVolume]) -> String {
    match mounts
        .iter()
        .find(|m| kept(m).is_kept() && m.target.starts_with("/var/lib/kafka"))
    {
        Some(m) if m.target.trim_end_matches('/') == "/var/lib/kafka" => format!(
            "fix: KAFKA_LOG_DIRS={}/data (a directory on the volume at {})",
            m.target.trim_end_matches('/'),
            m.target
        ),
        Some(m) => format!(
            "fix: KAFKA_LOG_DIRS={} (the volume's directory)",
            m.target.trim_end_matches('/')
        ),
        None => {
            format!("fix: a named volume at {IMAGE_DATA_DIR} and KAFKA_LOG_DIRS={IMAGE_DATA_DIR}")
        }
    }
}

/// Where a cluster id is set, and the volume that holds its storage.
pub struct ClusterIdUse {
    pub layering: String,
    pub cluster_id: String,
    /// The named volume or host path Kafka's first log directory is on.
    pub storage: Option<String>,
}

/// Every layering that keeps Kafka's storage in the same place formats it
/// with the same cluster id: a broker refuses storage formatted with another.
pub fn cluster_ids_agree(uses: &[ClusterIdUse]) -> Verdict<Vec<String>> {
    let mut by_storage: BTreeMap<&str, Vec<&ClusterIdUse>> = BTreeMap::new();
    for u in uses {
        if let Some(s) = &u.storage {
            by_storage.entry(s.as_str()).or_default().push(u);
        }
    }
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for (storage, us) in by_storage {
        let shown: Vec<String> = us
            .iter()
            .map(|u| format!("{}: CLUSTER_ID={}", u.layering, u.cluster_id))
            .collect();
        if us.iter().all(|u| u.cluster_id == us[0].cluster_id) {
            ok.push(format!("{storage}: {}", shown.join(", ")));
        } else {
            bad.push(format!("{storage} is shared by {}", shown.join(", ")));
        }
    }
    if bad.is_empty() {
        return Ok(ok);
    }
    Err(Failure::new(
        "one CLUSTER_ID in every layering that keeps Kafka's storage on the same volume (a broker refuses storage formatted with another cluster id)",
        format!("{} volume(s) with differing cluster ids", bad.len()),
    )
    .with_evidence(bad))
}

/// What a Redis command line makes it persist (Redis 7 defaults: RDB
/// snapshots with the default save rules, no append-only file, `dir` the
/// working directory, `/data` in the official image).
pub fn redis_persistence(command: &[String]) -> RedisPersistence {
    let mut aof = false;
    let mut rdb = None;
    let mut dir = "/data".to_string();
    let mut i = 0;
    while i < command.len() {
        let arg = command[i].as_str();
        let value = command
            .get(i + 1)
            .map(|v| v.trim_matches(|c| c == '"' || c == '\''));
        match (arg, value) {
            ("--appendonly", Some(v)) => aof = v.eq_ignore_ascii_case("yes"),
            ("--save", Some(v)) => rdb = Some(!v.trim().is_empty()),
            ("--save", None) => rdb = Some(false),
            ("--dir", Some(v)) => dir = v.to_string(),
            _ => {}
        }
        i += 1;
    }
    let what = match (aof, rdb) {
        (true, Some(true)) => Persistence::Both,
        (true, _) => Persistence::AppendOnly,
        (false, Some(true)) => Persistence::Snapshots,
        (false, Some(false)) => Persistence::Cache,
        (false, None) => Persistence::Unsaid,
    };
    RedisPersistence {
        persistence: what,
        dir,
    }
}

/// A Redis that persists (by its own settings: `--appendonly yes`, `--save`
/// rules) keeps its `dir` on a named volume or a bind mount; a pure cache,
/// or a Redis that says nothing either way, passes and says which.
pub fn redis_data_kept(
    service: &str,
    layering: &str,
    p: &RedisPersistence,
    mounts: &[ServiceVolume],
) -> Verdict<String> {
    let how = match p.persistence {
        Persistence::Cache => {
            return Ok(format!(
                "{service} is a pure cache (save \"\", no append-only file): nothing to keep"
            ))
        }
        Persistence::Unsaid => {
            let on = placed(&p.dir, mounts, REDIS_IMAGE_VOLUMES).said();
            return Ok(format!("{service} sets neither appendonly nor save rules: no intent to persist to judge (Redis's built-in snapshots go to {}, {on})", p.dir));
        }
        Persistence::Both => "an append-only file and snapshots",
        Persistence::AppendOnly => "an append-only file",
        Persistence::Snapshots => "snapshots (Redis's default save rules)",
    };
    match placed(&p.dir, mounts, REDIS_IMAGE_VOLUMES) {
        Place::Kept(m) => Ok(format!("{service} persists {how} in {} on {m}", p.dir)),
        Place::Lost(why) => Err(Failure::new(
            format!("service {service}, which persists {how}, keeps its dir on a named volume or a bind mount, layering {layering}"),
            format!("dir {} is in {why}", p.dir),
        )
        .with_evidence([format!("fix: a named volume at {} (or `--save \"\"` and no append-only file, if Redis is a cache)", p.dir)])),
    }
}

/// What a redeploy kept: every record of the run's topic at its offset,
/// the group's committed offset, the cluster id, every topic id, the Redis
/// key. A loss names what was lost and where Kafka had written it.
pub fn kept_across(
    topic: &str,
    group: &str,
    before: &Held,
    after: &Held,
    written: &[String],
) -> Verdict<Vec<String>> {
    let mut lost = losses(topic, group, before, after);
    if lost.is_empty() {
        return Ok(kept_lines(topic, group, before, after));
    }
    lost.extend(written.iter().map(|w| format!("Kafka had written {w}")));
    Err(Failure::new(
        "a redeploy (new containers, same volumes) keeps every record at its offset, the group's committed offset, the cluster id, the topic ids and Redis's key",
        format!("{} lost", lost.iter().filter(|l| !l.starts_with("Kafka had written")).count()),
    )
    .with_evidence(lost))
}

/// What `after` no longer holds of `before`, one line each.
fn losses(topic: &str, group: &str, before: &Held, after: &Held) -> Vec<String> {
    let mut lost = Vec::new();
    let missing: Vec<&(i64, String, String)> = before
        .records
        .iter()
        .filter(|r| !after.records.contains(r))
        .collect();
    if !missing.is_empty() {
        let offsets: Vec<String> = missing
            .iter()
            .map(|(o, k, _)| format!("{o} ({k})"))
            .collect();
        lost.push(format!(
            "records of {topic}/0: {} of {} gone after the redeploy, at offsets {} ({} read back)",
            missing.len(),
            before.records.len(),
            offsets.join(", "),
            after.records.len()
        ));
    }
    if before.committed != after.committed {
        lost.push(format!(
            "group {group}'s committed offset of {topic}/0: {} before, {} after",
            shown(before.committed),
            shown(after.committed)
        ));
    }
    if before.cluster_id != after.cluster_id {
        lost.push(format!(
            "cluster id: {} before, {} after (the storage was formatted anew)",
            shown(before.cluster_id.as_ref()),
            shown(after.cluster_id.as_ref())
        ));
    }
    for (t, id) in &before.topic_ids {
        match after.topic_ids.get(t) {
            Some(now) if now == id => {}
            now => lost.push(format!("topic {t}: id {id} before, {} after", shown(now))),
        }
    }
    if let (Some((key, Some(v))), after_redis) = (&before.redis, &after.redis) {
        let now = after_redis.as_ref().and_then(|(_, v)| v.as_ref());
        if now != Some(v) {
            lost.push(format!(
                "Redis key {key}: {v:?} before, {} after",
                shown(now)
            ));
        }
    }
    lost
}

/// What was kept, one line for each thing `before` held.
fn kept_lines(topic: &str, group: &str, before: &Held, after: &Held) -> Vec<String> {
    let mut ok = Vec::new();
    if !before.records.is_empty() {
        ok.push(format!(
            "{} records of {topic}/0 read back at their offsets",
            before.records.len()
        ));
    }
    if before.committed.is_some() {
        ok.push(format!(
            "group {group}'s committed offset {} unchanged",
            shown(after.committed)
        ));
    }
    if before.cluster_id.is_some() {
        ok.push(format!(
            "cluster id {} and {} topic ids unchanged",
            shown(after.cluster_id.as_ref()),
            before.topic_ids.len()
        ));
    }
    if let Some((key, _)) = &before.redis {
        ok.push(format!("Redis key {key} still there"));
    }
    ok
}

fn shown<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "none".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vol(kind: &str, source: Option<&str>, target: &str) -> ServiceVolume {
        ServiceVolume {
            kind: kind.into(),
            source: source.map(str::to_string),
            target: target.into(),
        }
    }

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn dirs_as_kafka_reads_them() {
        let d = kafka_dirs(&props(&[]));
        assert_eq!(
            (d.log_dirs.clone(), d.metadata_dir.as_str()),
            (vec!["/tmp/kafka-logs".to_string()], "/tmp/kafka-logs")
        );
        let d = kafka_dirs(&props(&[("log.dirs", "/a,/b"), ("log.dir", "/c")]));
        assert_eq!(
            (d.log_dirs.clone(), d.metadata_dir.as_str()),
            (vec!["/a".to_string(), "/b".to_string()], "/a")
        );
        let d = kafka_dirs(&props(&[("log.dir", "/c"), ("metadata.log.dir", "/m")]));
        assert_eq!(
            (
                d.log_dirs.clone(),
                d.metadata_dir.as_str(),
                d.log_dirs_from.as_str()
            ),
            (vec!["/c".to_string()], "/m", "log.dir")
        );
    }

    #[test]
    fn a_volume_beside_the_log_dir_keeps_nothing() {
        let mounts = [vol("volume", Some("kafka-data"), "/var/lib/kafka/data")];
        let f = kafka_data_kept("kafka", "infrastructure", &kafka_dirs(&props(&[])), &mounts)
            .unwrap_err();
        let text = f.to_string();
        assert!(
            text.contains("Kafka's default log.dir /tmp/kafka-logs: in the container's own layer"),
            "{text}"
        );
        assert!(
            text.contains("mount: volume kafka-data at /var/lib/kafka/data: nothing Kafka writes"),
            "{text}"
        );
        assert!(
            text.contains("fix: KAFKA_LOG_DIRS=/var/lib/kafka/data"),
            "{text}"
        );
        let ok = kafka_data_kept(
            "kafka",
            "i",
            &kafka_dirs(&props(&[("log.dirs", "/var/lib/kafka/data")])),
            &mounts,
        )
        .unwrap();
        assert_eq!(
            ok,
            vec!["log.dirs /var/lib/kafka/data: on volume kafka-data at /var/lib/kafka/data"]
        );
    }

    #[test]
    fn the_parent_an_anonymous_volume_and_a_tmpfs() {
        let parent = [vol("volume", Some("kafka"), "/var/lib/kafka")];
        let f = kafka_data_kept("kafka", "i", &kafka_dirs(&props(&[])), &parent).unwrap_err();
        assert!(f.to_string().contains("fix: KAFKA_LOG_DIRS=/var/lib/kafka/data (a directory on the volume at /var/lib/kafka)"), "{f}");
        let on = |dir: &str, mounts: &[ServiceVolume]| {
            kafka_data_kept(
                "kafka",
                "i",
                &kafka_dirs(&props(&[("log.dirs", dir)])),
                mounts,
            )
            .map_err(|f| f.to_string())
        };
        let data = "/var/lib/kafka/data";
        assert!(on(data, &parent).is_ok());
        for (mounts, says) in [
            (
                vec![vol("volume", None, data)],
                "an anonymous volume at /var/lib/kafka/data",
            ),
            (
                vec![],
                "the image's own VOLUME /var/lib/kafka/data, left unmounted",
            ),
            (
                vec![vol("tmpfs", None, data)],
                "a tmpfs at /var/lib/kafka/data",
            ),
        ] {
            let f = on(data, &mounts).unwrap_err();
            assert!(f.contains(says), "{f}");
        }
        let bind = [vol("bind", Some("/srv/kafka"), data)];
        assert!(on("/var/lib/kafka/data/x", &bind).is_ok());
        let near = [vol("volume", Some("v"), "/var/lib/kafka/da")];
        assert!(
            on(data, &near).is_err(),
            "a prefix of a name is not a parent"
        );
    }

    #[test]
    fn cluster_ids_agree_per_volume() {
        let u = |l: &str, id: &str, s: Option<&str>| ClusterIdUse {
            layering: l.into(),
            cluster_id: id.into(),
            storage: s.map(str::to_string),
        };
        assert!(cluster_ids_agree(&[
            u("infrastructure", "a", Some("p_kafka-data")),
            u("hemma", "a", Some("p_kafka-data"))
        ])
        .is_ok());
        let f = cluster_ids_agree(&[
            u("infrastructure", "a", Some("p_kafka-data")),
            u("hemma", "b", Some("p_kafka-data")),
        ])
        .unwrap_err();
        assert!(
            f.to_string().contains(
                "p_kafka-data is shared by infrastructure: CLUSTER_ID=a, hemma: CLUSTER_ID=b"
            ),
            "{f}"
        );
        assert!(cluster_ids_agree(&[
            u("infrastructure", "a", Some("x")),
            u("hemma", "b", Some("y"))
        ])
        .is_ok());
    }

    #[test]
    fn a_redeploy_that_loses_data_names_it() {
        let before = Held {
            cluster_id: Some("A".into()),
            topic_ids: BTreeMap::from([("t".to_string(), "id1".to_string())]),
            records: (0..3)
                .map(|i| (i, format!("key-{i}"), format!("v{i}")))
                .collect(),
            committed: Some(2),
            redis: Some(("k".into(), Some("v".into()))),
        };
        assert_eq!(
            kept_across("t", "g", &before, &before.clone(), &[])
                .unwrap()
                .len(),
            4
        );
        let fresh = Held {
            cluster_id: Some("B".into()),
            redis: Some(("k".into(), None)),
            ..Default::default()
        };
        let f = kept_across(
            "t",
            "g",
            &before,
            &fresh,
            &["log.dirs /tmp/kafka-logs: in the container's own layer".into()],
        )
        .unwrap_err();
        let text = f.to_string();
        for want in [
            "records of t/0: 3 of 3 gone after the redeploy, at offsets 0 (key-0), 1 (key-1), 2 (key-2)",
            "group g's committed offset of t/0: 2 before, none after",
            "cluster id: A before, B after (the storage was formatted anew)",
            "topic t: id id1 before, none after",
            "Redis key k: \"v\" before, none after",
            "Kafka had written log.dirs /tmp/kafka-logs",
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
        assert_eq!(f.observed, "5 lost");
    }

    #[test]
    fn redis_by_its_own_intent() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let data = [vol("volume", Some("redis-data"), "/data")];
        let aof = redis_persistence(&args(&["redis-server", "--appendonly", "yes"]));
        assert_eq!(aof.persistence, Persistence::AppendOnly);
        assert!(redis_data_kept("redis", "i", &aof, &data)
            .unwrap()
            .contains("on volume redis-data at /data"));
        let f = redis_data_kept("redis", "i", &aof, &[]).unwrap_err();
        assert!(
            f.to_string().contains(
                "dir /data is in the image's own VOLUME /data, left unmounted: an anonymous volume"
            ),
            "{f}"
        );
        let f = redis_data_kept(
            "redis",
            "i",
            &redis_persistence(&args(&[
                "redis-server",
                "--appendonly",
                "yes",
                "--dir",
                "/srv",
            ])),
            &data,
        )
        .unwrap_err();
        assert!(
            f.to_string()
                .contains("dir /srv is in the container's own layer"),
            "{f}"
        );
        let cache = redis_persistence(&args(&["redis-server", "--save", "", "--appendonly", "no"]));
        assert_eq!(cache.persistence, Persistence::Cache);
        assert!(redis_data_kept("redis", "i", &cache, &[])
            .unwrap()
            .contains("pure cache"));
        assert_eq!(
            redis_persistence(&args(&["redis-server", "--save", "60 1"])).persistence,
            Persistence::Snapshots
        );
        let unsaid = redis_persistence(&args(&[]));
        assert_eq!(unsaid.persistence, Persistence::Unsaid);
        assert!(redis_data_kept("redis", "i", &unsaid, &[])
            .unwrap()
            .contains("no intent to persist to judge"));
        assert_eq!(
            redis_persistence(&args(&["redis-server", "--dir", "/var/redis"])).dir,
            "/var/redis"
        );
    }
}
