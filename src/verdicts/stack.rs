//! The stack itself: the criterion's command succeeded, and a service is
//! up before anything is checked on it.

use super::{Failure, Verdict};
use crate::model::{Readiness, UpResult};

/// `docker compose up -d kafka redis` exited 0.
pub(crate) fn up_succeeded(up: &UpResult) -> Verdict {
    if up.ok {
        return Ok(());
    }
    Err(Failure::new(
        format!("`{}` exits 0", up.command),
        up.output.clone(),
    ))
}

/// How a wait ended, for messages: state, time waited, last healthcheck.
pub fn describe(r: &Readiness) -> String {
    let last = r
        .last_check
        .as_ref()
        .map(|(c, o)| format!("; last healthcheck: exit {c} {o}"))
        .unwrap_or_default();
    format!("{} after waiting {:.1} s{last}", r.state, r.waited)
}

/// Checks of a live service are only meaningful once it is healthy (its own
/// scenario judges the 60 s).
pub fn ready(r: &Readiness) -> Verdict {
    if r.healthy {
        return Ok(());
    }
    Err(Failure::new(
        format!("{} healthy before it is checked", r.service),
        format!("{} not ready: {}", r.service, describe(r)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(healthy: bool, state: &str) -> Readiness {
        Readiness {
            service: "kafka".into(),
            healthy,
            state: state.into(),
            last_check: Some((1, "connection refused".into())),
            time_to_healthy: None,
            waited: 2.0,
        }
    }

    #[test]
    fn a_service_must_be_ready_before_it_is_checked() {
        assert!(ready(&r(true, "running/healthy")).is_ok());
        let f = ready(&r(false, "running/unhealthy")).unwrap_err();
        assert_eq!(f.observed, "kafka not ready: running/unhealthy after waiting 2.0 s; last healthcheck: exit 1 connection refused");
    }

    #[test]
    fn up_must_exit_zero() {
        let up = |ok| UpResult {
            command: "docker compose up -d kafka redis".into(),
            ok,
            output: "port taken".into(),
            seconds: 1.0,
        };
        assert!(up_succeeded(&up(true)).is_ok());
        assert_eq!(
            up_succeeded(&up(false)).unwrap_err().expected,
            "`docker compose up -d kafka redis` exits 0"
        );
    }
}
