//! Hemma host checks, judged on plain observations.

use std::net::SocketAddr;

use super::{none_of, Failure, Verdict};
use crate::model::{HostListener, Reach};
use crate::target::AdvisoryMode;

/// Known engine advisories that break loopback-only publishing.
pub fn engine_advisories(version: &str) -> Verdict<Vec<String>> {
    let core = version.split(['+', '-', '~']).next().unwrap_or(version);
    let nums: Vec<u32> = core
        .split('.')
        .map(|p| p.parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            Failure::new(
                "a Docker Engine version MAJOR.MINOR.PATCH",
                format!("\"{version}\""),
            )
        })?;
    let v = (
        nums.first().copied().unwrap_or(0),
        nums.get(1).copied().unwrap_or(0),
        nums.get(2).copied().unwrap_or(0),
    );
    let mut out = Vec::new();
    if v < (28, 0, 0) {
        out.push(format!(
            "engine {version} is before 28.0.0: hosts on the same L2 segment can reach ports published on 127.0.0.1 (fixed in 28.0.0)"
        ));
    }
    if ((28, 2, 0)..=(28, 3, 2)).contains(&v) {
        out.push(format!(
            "engine {version} has CVE-2025-54388: loopback-published ports are exposed after a firewalld reload (fixed in 28.3.3)"
        ));
    }
    Ok(out)
}

/// No (address, port) tried, each an infra port on a non-loopback address
/// of this host, accepts.
pub fn outside_view(results: &[(SocketAddr, Reach)]) -> Verdict {
    if results.is_empty() {
        return Err(Failure::new(
            "infra ports tried on every non-loopback address",
            "nothing was tried (no non-loopback address?)",
        ));
    }
    let open: Vec<String> = results
        .iter()
        .filter(|(_, r)| *r == Reach::Accepted)
        .map(|(sa, _)| format!("{sa} accepted a connection"))
        .collect();
    let ports: std::collections::BTreeSet<u16> = results.iter().map(|(sa, _)| sa.port()).collect();
    none_of(
        &format!(
            "infra ports [{}] refused on every non-loopback address",
            ports
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "infra ports reachable from outside",
        open,
    )
}

/// A listener that belongs to an allowed public service.
pub fn is_allowed(l: &HostListener, allowed: &[String]) -> bool {
    l.service.as_ref().is_some_and(|s| allowed.contains(s))
}

/// Every non-loopback listener belongs to an allowed public service.
pub fn inventory(listeners: &[HostListener], allowed: &[String]) -> Verdict {
    let bad: Vec<String> = listeners
        .iter()
        .filter(|l| !is_allowed(l, allowed))
        .map(|l| format!("{} owned by {}", l.addr, l.owner))
        .collect();
    none_of(
        &format!(
            "only [{}] listen on a non-loopback address",
            allowed.join(", ")
        ),
        "other listeners",
        bad,
    )
}

/// What the target's policy makes of the advisories found: `Ok(warnings)`
/// under "warn" (the scenario passes and says so), a failure under "fail".
pub fn advisory_policy(
    version: &str,
    found: &[String],
    mode: AdvisoryMode,
) -> Verdict<Vec<String>> {
    match (found.is_empty(), mode) {
        (true, _) => Ok(Vec::new()),
        (false, AdvisoryMode::Warn) => Ok(found
            .iter()
            .map(|a| format!("WARNING (engine_advisories = \"warn\"): {a}"))
            .collect()),
        (false, AdvisoryMode::Fail) => Err(Failure::new(
            format!("Docker Engine {version} without advisories against loopback-only publishing"),
            format!("{} advisory(ies)", found.len()),
        )
        .with_evidence(found.iter().cloned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advisories_by_version() {
        assert_eq!(engine_advisories("20.10.24+dfsg1").unwrap().len(), 1);
        assert!(engine_advisories("27.5.1").unwrap()[0].contains("before 28.0.0"));
        assert!(engine_advisories("28.0.0").unwrap().is_empty());
        assert!(engine_advisories("28.2.0").unwrap()[0].contains("CVE-2025-54388"));
        assert!(engine_advisories("28.3.2").unwrap()[0].contains("CVE-2025-54388"));
        assert!(engine_advisories("28.3.3").unwrap().is_empty());
        assert!(engine_advisories("29.0.1").unwrap().is_empty());
        assert!(engine_advisories("banana").is_err());
    }

    #[test]
    fn outside_view_fails_on_an_open_infra_port() {
        let a: SocketAddr = "192.0.2.1:6379".parse().unwrap();
        let b: SocketAddr = "192.0.2.1:9093".parse().unwrap();
        assert!(outside_view(&[(a, Reach::Refused), (b, Reach::NoAnswer)]).is_ok());
        let f = outside_view(&[(a, Reach::Accepted), (b, Reach::Refused)]).unwrap_err();
        assert_eq!(f.evidence, vec!["192.0.2.1:6379 accepted a connection"]);
        assert!(outside_view(&[]).is_err(), "nothing tried is not a pass");
    }

    #[test]
    fn inventory_allows_only_public_services() {
        let l = |addr: &str, svc: Option<&str>| HostListener {
            addr: addr.parse().unwrap(),
            owner: svc.unwrap_or("sshd").into(),
            service: svc.map(Into::into),
        };
        let allowed = vec!["nginx-proxy".to_string()];
        assert!(inventory(&[l("0.0.0.0:443", Some("nginx-proxy"))], &allowed).is_ok());
        let f = inventory(
            &[
                l("0.0.0.0:443", Some("nginx-proxy")),
                l("0.0.0.0:6379", Some("redis")),
                l("0.0.0.0:22", None),
            ],
            &allowed,
        )
        .unwrap_err();
        assert_eq!(f.evidence.len(), 2);
    }

    #[test]
    fn advisory_policy_warns_or_fails() {
        let found = engine_advisories("27.5.1").unwrap();
        assert!(advisory_policy("28.3.3", &[], AdvisoryMode::Fail)
            .unwrap()
            .is_empty());
        assert!(
            advisory_policy("27.5.1", &found, AdvisoryMode::Warn).unwrap()[0]
                .starts_with("WARNING")
        );
        let f = advisory_policy("27.5.1", &found, AdvisoryMode::Fail).unwrap_err();
        assert_eq!(
            (f.observed.as_str(), f.evidence.len()),
            ("1 advisory(ies)", 1)
        );
    }
}
