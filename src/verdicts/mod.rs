//! Pure verdicts: an expectation and an observation in, `Ok` or a
//! [`Failure`] out. No I/O here, so every rule is unit-tested on plain data.

pub mod binds;
pub mod health;
pub mod hemma;
pub mod hemma_host;
pub mod kraft_wire;
pub mod listeners;
pub mod scan;
pub mod topics;
pub mod zookeeper;

use std::fmt;

/// A failed check, told so a person can act on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub expected: String,
    pub observed: String,
    /// Where it was seen: file:line, socket line, engine field...
    pub evidence: Vec<String>,
}

impl Failure {
    pub fn new(expected: impl Into<String>, observed: impl Into<String>) -> Self {
        Self { expected: expected.into(), observed: observed.into(), evidence: Vec::new() }
    }

    pub fn with_evidence(mut self, evidence: impl IntoIterator<Item = String>) -> Self {
        self.evidence.extend(evidence);
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected: {}\nobserved: {}", self.expected, self.observed)?;
        for e in &self.evidence {
            write!(f, "\n  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

pub type Verdict<T = ()> = Result<T, Failure>;

/// `Ok` when `findings` is empty, else a failure listing them.
pub fn none_of(expected: &str, what: &str, findings: Vec<String>) -> Verdict {
    if findings.is_empty() {
        return Ok(());
    }
    Err(Failure::new(expected, format!("{} {what}", findings.len())).with_evidence(findings))
}
