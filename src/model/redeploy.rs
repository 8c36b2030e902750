//! Where Kafka and Redis keep their data, and what a redeploy kept.

use serde::{Deserialize, Serialize};

/// The directories a broker writes, as KafkaConfig reads its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KafkaDirs {
    pub log_dirs: Vec<String>,
    /// Which setting gave them: `log.dirs`, `log.dir` or Kafka's default.
    pub log_dirs_from: String,
    pub metadata_dir: String,
    pub metadata_from: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Persistence {
    /// `save ""` and no append-only file.
    Cache,
    /// Nothing said: Redis's built-in snapshot rules, no intent either way.
    Unsaid,
    Snapshots,
    AppendOnly,
    Both,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedisPersistence {
    pub persistence: Persistence,
    /// Redis's `dir`: where its files go.
    pub dir: String,
}

/// What a broker and Redis held, read before and after a redeploy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Held {
    pub cluster_id: Option<String>,
    /// Topic -> topic id.
    pub topic_ids: std::collections::BTreeMap<String, String>,
    /// (offset, key, value) of each record of the run's topic, partition 0.
    pub records: Vec<(i64, String, String)>,
    /// The run's group's committed offset of that partition.
    pub committed: Option<i64>,
    /// The Redis key the run wrote, and its value; None when not written.
    pub redis: Option<(String, Option<String>)>,
}
