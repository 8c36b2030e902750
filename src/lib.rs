//! kraft-acceptance: proves the success criteria of a Kafka ZooKeeper→KRaft
//! migration on a real Docker Compose stack.
//!
//! The flow, bottom to top (each layer imports only layers below it):
//! - [`model`]: plain observation and declaration types;
//! - [`target`]: the repo under test and its `kraft-acceptance.toml`;
//! - [`probes`] read live state into model types; [`verdicts`] judge model
//!   types, pure: expectation + observation -> `Ok` or a [`verdicts::Failure`]
//!   that says expected vs observed. Neither imports the other;
//! - [`stack`]: preflight, lifecycle, readiness of the stack under test;
//! - [`run`]: options, selection, the World, the collector -> an outcome;
//! - [`report`]: the outcome as the sign-off report and CI files;
//! - [`cli`]: the command line. The step definitions (`steps/`, the
//!   binary's crate) are thin glue from a Gherkin phrase to a probe and a
//!   verdict.

pub mod children;
pub mod clock;
pub mod dirs;
pub mod model;
pub mod redact;
pub mod target;

pub mod probes;
pub mod verdicts;

pub mod stack;

pub mod run;

pub mod report;

pub mod init;

pub mod cli;
