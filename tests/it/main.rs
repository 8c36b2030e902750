//! The harness's own tests, one crate. By default `cargo test` runs what
//! needs no Docker Engine (unit tests, bad input, what the compose CLI
//! alone resolves); the suites that need the engine (Kafka's own setup
//! judges the static KRaft scenario too) are
//! `#[ignore]`d with the reason and run with `-- --include-ignored`, which
//! scripts/test.sh (the README's test command) passes.

mod common;

mod acceptance;
mod attach;
mod broken_runtime;
mod broken_static;
mod cli_errors;
mod coverage;
mod engine_restart;
mod host_probes;
mod hostile;
mod image;
mod init;
mod lifecycle;
mod neighbour;
mod oracle;
mod oracle_cluster;
mod outcomes;
mod ownership;
mod redaction;
mod references;
mod registry;
mod shape;
mod versions;
mod watch;
