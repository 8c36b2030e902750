//! Probes read live state and return plain data (types of [`crate::model`]).
//! No cucumber types and no verdicts here: what a probe saw is judged elsewhere.

pub mod compose;
pub mod engine;
pub mod host;
pub mod kafka;
pub mod kafka_setup;
pub mod neighbour;
pub mod netns;
pub mod proc_net;
pub mod redis;
pub mod repo;
pub mod validators;
pub mod wire;
