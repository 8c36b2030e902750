//! kraft-acceptance: proves the success criteria of a Kafka ZooKeeper→KRaft
//! migration on a real Docker Compose stack.
//!
//! Layout (expectation apart from observation):
//! - [`probes`] read live state (compose CLI, engine, sockets, Kafka, Redis,
//!   files) and return plain data; no cucumber types.
//! - [`verdicts`] are pure functions: expectation + observation -> `Ok` or a
//!   [`verdicts::Failure`] that says expected vs observed, with evidence.
//! - `steps/` (top level of the crate) is thin Gherkin glue over both.

pub mod compose;
pub mod kafka_config;
pub mod probes;
pub mod redact;
pub mod report;
pub mod runner;
pub mod stack;
pub mod target;
pub mod verdicts;
pub mod world;

#[path = "../steps/mod.rs"]
pub mod steps;
