//! Probes read live state and return plain data. No cucumber types here.

pub mod engine;
pub mod host;
pub mod kafka;
pub mod wire;
pub mod netns;
pub mod proc_net;
pub mod redis;
pub mod repo;
