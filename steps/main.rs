//! The kraft-acceptance binary: the command line of the library, linked
//! with the step definitions, one file per feature (`features/NAME.feature`
//! -> `steps/NAME.rs`; phrases shared by many features in `common.rs`).
//!
//! A step is glue: it takes a probe's observation (or a model the run
//! resolved), hands it to a verdict, and records what it saw for the report.
//! Pass/fail is decided in `kraft_acceptance::verdicts`, never here.

mod common;
mod failover;
mod healthy;
mod hemma_host;
mod hemma_layering;
mod images;
mod kraft;
mod listeners;
mod loopback_binds;
mod no_zookeeper;
mod no_zookeeper_docs;
mod redeploy;
mod redis;
mod topic_setup;
mod upgrade;
mod validators;

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    kraft_acceptance::cli::main().await
}
