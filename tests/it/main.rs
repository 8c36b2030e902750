//! The harness's own tests, one crate. By default `cargo test` runs what
//! needs no Docker Engine (unit tests, bad input, the static broken
//! fixtures through the compose CLI); the suites that need the engine are
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
mod watch;
