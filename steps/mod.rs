//! Step definitions: thin glue from a Gherkin phrase to a probe and a verdict.
//! One file per domain concept.

mod compose;
mod health;
mod hemma;
mod hemma_host;
mod kafka;
mod redis;
mod repo;
mod sockets;
mod stack;

use std::fmt;

use crate::redact::redact;
use crate::verdicts::Failure;

/// A failed step: a verdict's failure, or why the check could not be made.
/// Its text is what the report shows.
#[derive(Debug)]
pub struct StepError(pub String);

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Every step message passes through here, so this is where secrets go.
impl From<Failure> for StepError {
    fn from(f: Failure) -> Self {
        StepError(redact(&f.to_string()))
    }
}

impl From<String> for StepError {
    fn from(s: String) -> Self {
        StepError(redact(&s))
    }
}

impl From<&str> for StepError {
    fn from(s: &str) -> Self {
        StepError(redact(s))
    }
}

pub type StepResult = Result<(), StepError>;
