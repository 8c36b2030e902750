//! Pure verdicts: an expectation and an observation in, `Ok` or a
//! [`Failure`] out. No I/O here, so every rule is unit-tested on plain data.
//! Observations come as the plain types of [`crate::model`]; nothing here
//! imports a probe.

pub mod failover;
pub mod healthy;
pub mod hemma_host;
pub mod hemma_layering;
pub mod images;
pub mod kraft;
pub mod listeners;
pub mod loopback_binds;
pub mod no_zookeeper;
pub mod no_zookeeper_docs;
pub mod redeploy;
pub mod redis;
pub mod stack;
pub mod topic_setup;
pub mod upgrade;
pub mod validators;

use std::fmt;

/// A failed check, told so a person can act on it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    pub expected: String,
    pub observed: String,
    /// Where it was seen: file:line, socket line, engine field...
    pub evidence: Vec<String>,
}

impl Failure {
    pub fn new(expected: impl Into<String>, observed: impl Into<String>) -> Self {
        Self {
            expected: expected.into(),
            observed: observed.into(),
            evidence: Vec::new(),
        }
    }

    pub(crate) fn with_evidence(mut self, evidence: impl IntoIterator<Item = String>) -> Self {
        self.evidence.extend(evidence);
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected: {}\nobserved: {}",
            self.expected, self.observed
        )?;
        for e in &self.evidence {
            write!(f, "\n  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failure {}

pub(crate) type Verdict<T = ()> = Result<T, Failure>;

/// A check that could not be made: what it needed to observed, and why that
/// failed (a probe's error, a missing stack). Said as expected vs observed.
pub fn observed<T, E: fmt::Display>(needed: impl Into<String>, r: Result<T, E>) -> Verdict<T> {
    r.map_err(|e| Failure::new(needed, e.to_string()))
}

/// `Some` value of something an earlier step must have produced.
pub fn earlier<T>(what: &str, v: Option<T>) -> Verdict<T> {
    v.ok_or_else(|| {
        Failure::new(
            format!("{what} (from an earlier step of this scenario)"),
            "none",
        )
    })
}

/// `Ok` when `findings` is empty, else a failure listing them.
pub fn none_of(expected: &str, what: &str, findings: Vec<String>) -> Verdict {
    if findings.is_empty() {
        return Ok(());
    }
    Err(Failure::new(expected, format!("{} {what}", findings.len())).with_evidence(findings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_say_expected_vs_observed_with_evidence() {
        let f = none_of("no ZooKeeper", "traces", vec!["a".into(), "b".into()]).unwrap_err();
        assert_eq!(
            f.to_string(),
            "expected: no ZooKeeper\nobserved: 2 traces\n  - a\n  - b"
        );
        assert!(none_of("x", "y", vec![]).is_ok());
        let f = observed::<(), _>("metadata from localhost:9093", Err("connection refused"))
            .unwrap_err();
        assert_eq!(
            (f.expected.as_str(), f.observed.as_str()),
            ("metadata from localhost:9093", "connection refused")
        );
        assert_eq!(
            earlier::<u8>("a Kafka client", None).unwrap_err().observed,
            "none"
        );
    }
}
