//! The release sign-off report: what was verified, on what, with which
//! evidence. Written as Markdown and as a self-contained HTML page from the
//! same typed outcome, beside cucumber.json, junit.xml and outcome.json;
//! every text passes through redaction.
//!
//! A criterion is PASSED only when every one of its scenarios ran and
//! passed; a scenario not run leaves it NOT PROVEN. A run on stand-in images
//! is never a release sign-off: its headline says so and it has no
//! signature block.

pub mod ci;
pub mod drift;
pub mod html;
pub mod markdown;
pub mod metrics;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::run::outcome::{Outcome, Status};
use crate::run::Finished;
use crate::target::Target;

/// What the run proved, worked out once from its outcome: each criterion's
/// verdict and the headline; every writer (report, drift, metrics, the
/// summary line) reads these.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdicts {
    pub criteria: Vec<Criterion>,
    pub headline: Headline,
}

impl Verdicts {
    pub fn of(o: &Outcome) -> Self {
        let criteria = criteria(o);
        let headline = Headline::of(o, &criteria);
        Verdicts { criteria, headline }
    }
}

pub struct SignOff<'a> {
    pub outcome: &'a Outcome,
    pub verdicts: &'a Verdicts,
    /// The target's identity (git commit, file hashes, names), read once
    /// for every renderer.
    pub target_rows: Vec<(String, String)>,
}

impl<'a> SignOff<'a> {
    pub fn new(outcome: &'a Outcome, verdicts: &'a Verdicts, target: &Target) -> Self {
        SignOff {
            outcome,
            verdicts,
            target_rows: target_rows(target),
        }
    }
}

/// Text as HTML or XML character data and attribute values.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A scenario's line under its criterion, its status's label first.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    pub status: Status,
    pub scenario: String,
    /// The failure (expected vs observed), what was observed on a pass, or
    /// why it was not run.
    pub evidence: String,
}

/// One criterion (one feature) with its scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub feature: String,
    /// Passed, passed with warning, failed or not proven.
    pub verdict: Status,
    pub rows: Vec<ScenarioRow>,
}

/// Every criterion of the outcome, its not-run scenarios listed under it.
fn criteria(o: &Outcome) -> Vec<Criterion> {
    let mut out: Vec<Criterion> = Vec::new();
    let ran = o.scenarios.iter().map(|s| (&s.feature, scenario_row(s)));
    let not_run = o.not_run.iter().map(|n| {
        let row = ScenarioRow {
            status: n.status,
            scenario: n.name.clone(),
            evidence: n.reason.clone(),
        };
        (&n.feature, row)
    });
    for (feature, row) in ran.chain(not_run) {
        match out.iter_mut().find(|c| &c.feature == feature) {
            Some(c) => c.rows.push(row),
            None => out.push(Criterion {
                feature: feature.clone(),
                verdict: Status::Passed,
                rows: vec![row],
            }),
        }
    }
    for c in &mut out {
        c.verdict = verdict_of(&c.rows);
    }
    out.sort_by(|a, b| a.feature.cmp(&b.feature));
    out
}

/// A scenario that ran, as the report shows it: its status and evidence
/// (the failure, or what it observed, warnings first).
fn scenario_row(s: &crate::run::outcome::ScenarioResult) -> ScenarioRow {
    let evidence = match &s.failure {
        Some(f) if s.status.failed() => f.to_string(),
        _ => {
            let lines: Vec<String> = s.warnings.iter().chain(&s.observed).cloned().collect();
            lines.join("\n")
        }
    };
    ScenarioRow {
        status: s.status,
        scenario: s.name.clone(),
        evidence,
    }
}

/// A criterion's verdict from its scenarios': any failure fails it; a
/// scenario not run or not selected (or none needed) leaves it not proven.
fn verdict_of(rows: &[ScenarioRow]) -> Status {
    let any = |s: Status| rows.iter().any(|r| r.status == s);
    if rows.iter().any(|r| r.status.failed()) {
        Status::Failed
    } else if any(Status::NotRun)
        || any(Status::NotSelected)
        || rows.iter().all(|r| r.status == Status::NotNeeded)
    {
        Status::NotProven
    } else if any(Status::PassedWithWarning) {
        Status::PassedWithWarning
    } else {
        Status::Passed
    }
}

/// The report's headline, and whether a person may sign it.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub text: String,
    pub failed: bool,
    pub signable: bool,
    /// Why it cannot be signed, or what a reader must know first.
    pub note: Option<String>,
    /// It says more than a bare PASSED or FAILED (stand-in, warnings, criteria not proven).
    pub qualified: bool,
}

impl Headline {
    fn of(o: &Outcome, criteria: &[Criterion]) -> Self {
        let failed = !o.success();
        let standin = o.environment.standin;
        let unproven = criteria
            .iter()
            .filter(|c| c.verdict == Status::NotProven)
            .count();
        let warned = o
            .scenarios
            .iter()
            .filter(|s| s.passed_with_warning())
            .count();
        let passed = if warned > 0 {
            "PASSED WITH WARNINGS"
        } else {
            "PASSED"
        };
        let text = match (failed, standin) {
            (true, true) => "FAILED ON STAND-IN IMAGES".to_string(),
            (true, false) => "FAILED".to_string(),
            (false, true) => format!("{passed} ON STAND-IN IMAGES"),
            (false, false) if unproven > 0 => format!("{passed}, {unproven} CRITERIA NOT PROVEN"),
            (false, false) => passed.to_string(),
        };
        let note = if standin {
            Some(format!("Runtime scenarios ran on stand-in images ({}). This is not a release sign-off: only a run on the target's own images can be signed.", o.environment.images))
        } else if failed {
            Some("A scenario failed: this run cannot be signed.".to_string())
        } else if unproven > 0 {
            Some(format!("{unproven} criteria are not proven by this run (scenarios not run, listed under them): it cannot be signed."))
        } else {
            None
        };
        let qualified = standin || (!failed && (warned > 0 || unproven > 0));
        Headline {
            text,
            failed,
            signable: !failed && !standin && unproven == 0,
            note,
            qualified,
        }
    }
}

/// The target's git commit, when it is a git checkout.
pub(crate) fn git_commit(t: &Target) -> Option<String> {
    crate::children::output_within(
        std::process::Command::new("git")
            .arg("-C")
            .arg(&t.dir)
            .args(["rev-parse", "HEAD"]),
        std::time::Duration::from_secs(30),
    )
    .ok()
    .filter(|o| o.status.success())
    .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// Target identity: git commit (if any) and each compose file's sha256.
/// The services and addresses the run used (Redis's: none, when the
/// target runs none).
fn name_rows(t: &Target) -> [(String, String); 2] {
    let n = &t.names;
    let (redis, redis_address) = if t.has_redis {
        (n.redis.as_str(), n.redis_address.as_str())
    } else {
        ("none (has_redis = false)", "none")
    };
    [
        (
            "services (Kafka, Redis)".into(),
            format!("{}, {redis}", n.kafka),
        ),
        (
            "addresses (internal, host, Redis)".into(),
            format!(
                "{}, {}, {redis_address}",
                n.internal_address, n.host_address
            ),
        ),
    ]
}

fn target_rows(t: &Target) -> Vec<(String, String)> {
    let commit = git_commit(t).unwrap_or_else(|| "not a git checkout".into());
    let mut rows = vec![
        ("target".to_string(), t.dir.display().to_string()),
        ("git commit".into(), commit),
    ];
    let mut files: Vec<&PathBuf> = t.layerings.values().flatten().collect();
    files.sort();
    files.dedup();
    for f in files {
        let hash = std::fs::read(f)
            .map(|b| format!("{:x}", Sha256::digest(b)))
            .unwrap_or_else(|e| e.to_string());
        rows.push((
            format!("compose file {}", t.display(f)),
            format!("sha256 {hash}"),
        ));
    }
    for (name, files) in &t.layerings {
        rows.push((
            format!("layering {name}"),
            files
                .iter()
                .map(|f| t.display(f))
                .collect::<Vec<_>>()
                .join(" + "),
        ));
    }
    for (name, files) in &t.env_files {
        rows.push((
            format!("env files of {name}"),
            files
                .iter()
                .map(|f| t.display(f))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    rows.extend(name_rows(t));
    let bootstrap = match &t.bootstrap {
        crate::target::Bootstrap::Service(s) => format!("compose service {s}"),
        crate::target::Bootstrap::Command(c) => format!("host command `{c}`"),
        crate::target::Bootstrap::None => "none (the applications create their topics)".into(),
    };
    rows.push(("topic bootstrap".into(), bootstrap));
    rows
}

/// Writes report.md, report.html, outcome.json, cucumber.json and junit.xml,
/// each as a new file beside its name renamed over it: a link planted in
/// the report directory is replaced, never written through.
pub fn write(dir: &Path, run: &Finished, verdicts: &Verdicts) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let r = SignOff::new(&run.outcome, verdicts, &run.target);
    let json = serde_json::to_string_pretty(&run.outcome).map_err(std::io::Error::other)?;
    let put = |name: &str, text: &str| crate::dirs::write_atomic(&dir.join(name), text);
    put("outcome.json", &crate::redact::redact(&json))?;
    let o = &run.outcome;
    put(
        "cucumber.json",
        &ci::cucumber_json(
            &ci::cucumber_json_ran(&run.cucumber_json, &o.scenarios),
            &o.not_run,
        ),
    )?;
    put("junit.xml", &ci::junit_xml(o))?;
    put("report.md", &markdown::markdown(&r))?;
    put("report.html", &html::html(&r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::outcome::{Environment, Evidence, NotRun, ScenarioResult};
    use crate::verdicts::Failure;

    fn sc(feature: &str, name: &str, status: Status) -> ScenarioResult {
        let failure = status
            .failed()
            .then(|| Failure::new("exactly localhost:9093", "brokers [kafka:9092]"));
        ScenarioResult {
            feature: feature.into(),
            name: name.into(),
            tags: vec![],
            status,
            step: None,
            failure,
            observed: vec!["told localhost:9093".into()],
            warnings: vec![],
            seconds: 0.0,
            started_at: 0.0,
        }
    }

    fn outcome(scenarios: Vec<ScenarioResult>, not_run: Vec<NotRun>, standin: bool) -> Outcome {
        Outcome {
            scenarios,
            not_run,
            measurements: vec!["kafka time-to-healthy: 5.10 s".into()],
            evidence: Evidence::default(),
            environment: Environment {
                images: if standin {
                    "stand-in images".into()
                } else {
                    "the target's own images".into()
                },
                standin,
                ..Default::default()
            },
            wall_seconds: 9.5,
            generated_at: "2026-11-25 12:00:00 UTC".into(),
            drift: vec![],
        }
    }

    fn target() -> Target {
        Target::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/reference"
        )))
        .unwrap()
    }

    /// Each measured time carries the budget its scenario judged it against.
    #[test]
    fn time_to_healthy_is_shown_against_its_own_budget() {
        let mut o = outcome(vec![], vec![], false);
        let t = |seconds, budget| crate::model::evidence::HealthyTime { seconds, budget };
        o.evidence.time_to_healthy = [
            ("kafka".to_string(), t(5.1, 60.0)),
            ("redis".to_string(), t(45.0, 30.0)),
        ]
        .into();
        let v = Verdicts::of(&o);
        let s = SignOff {
            outcome: &o,
            verdicts: &v,
            target_rows: vec![],
        };
        let md = markdown::markdown(&s);
        assert!(
            md.contains("kafka      5.10 s |###") && md.contains("| 60 s") && md.contains("| 30 s"),
            "{md}"
        );
        let h = html::html(&s);
        assert!(
            h.contains("fill pass")
                && h.contains("5.10 s / 60 s")
                && h.contains("fill fail")
                && h.contains("45.00 s / 30 s"),
            "{h}"
        );
    }

    #[test]
    fn a_criterion_with_a_scenario_not_run_is_not_proven() {
        let nr = NotRun {
            feature: "KRaft".into(),
            name: "wire".into(),
            reason: "stand-in".into(),
            status: Status::NotRun,
        };
        let alt = NotRun {
            feature: "Listeners".into(),
            name: "attach form".into(),
            reason: "owned".into(),
            status: Status::NotNeeded,
        };
        let o = outcome(
            vec![
                sc("KRaft", "rules", Status::Passed),
                sc("Listeners", "host", Status::Passed),
            ],
            vec![nr, alt],
            false,
        );
        let c = criteria(&o);
        assert_eq!(
            c.iter()
                .map(|c| (c.feature.as_str(), c.verdict))
                .collect::<Vec<_>>(),
            vec![("KRaft", Status::NotProven), ("Listeners", Status::Passed)]
        );
        assert_eq!(
            c[0].rows[1],
            ScenarioRow {
                status: Status::NotRun,
                scenario: "wire".into(),
                evidence: "stand-in".into()
            }
        );
        assert_eq!(
            c[1].rows[0].evidence, "told localhost:9093",
            "a pass carries what was observed"
        );
        assert_eq!(
            c[1].rows[1].status,
            Status::NotNeeded,
            "another mode's form of a scenario that ran proves nothing less"
        );
        let h = Verdicts::of(&o).headline;
        assert_eq!(
            (h.text.as_str(), h.signable),
            ("PASSED, 1 CRITERIA NOT PROVEN", false)
        );
    }

    #[test]
    fn a_pass_with_a_warning_is_never_a_bare_pass() {
        let mut warned = sc("Hemma host", "engine", Status::Passed);
        warned.warned(vec![
            "WARNING (engine_advisories = \"warn\"): engine 20.10.24 is before 28.0.0".into(),
        ]);
        let o = outcome(
            vec![warned, sc("KRaft", "rules", Status::Passed)],
            vec![],
            false,
        );
        let c = criteria(&o);
        assert_eq!(
            (c[0].feature.as_str(), c[0].verdict),
            ("Hemma host", Status::PassedWithWarning)
        );
        assert_eq!(c[0].rows[0].status.label(), "PASSED WITH WARNING");
        assert!(
            c[0].rows[0]
                .evidence
                .starts_with("WARNING (engine_advisories"),
            "the warning comes first: {}",
            c[0].rows[0].evidence
        );
        assert_eq!(c[1].verdict, Status::Passed);
        assert_eq!(Verdicts::of(&o).headline.text, "PASSED WITH WARNINGS");
        let t = target();
        let md = markdown::markdown(&SignOff::new(&o, &Verdicts::of(&o), &t));
        assert!(
            md.contains("### PASSED WITH WARNING — Hemma host")
                && md.contains("| PASSED WITH WARNING | engine | WARNING"),
            "{md}"
        );
        let page = html::html(&SignOff::new(&o, &Verdicts::of(&o), &t));
        assert!(page.contains(">PASSED WITH WARNING</td>"), "{page}");
    }

    #[test]
    fn rows_are_marked_failing_by_the_step_that_judged_them_never_by_their_text() {
        let mut o = outcome(
            vec![sc("Loopback", "neighbour", Status::Failed)],
            vec![],
            false,
        );
        use crate::model::evidence::{Neighbour, Recorded, Row};
        use crate::model::neighbour::{Answer, Path};
        let attempt = |service: &str, answer: Answer, failing| Recorded {
            row: Row::Neighbour(Neighbour::Attempt {
                service: service.into(),
                path: Path::HostAddress,
                target: "198.18.0.1:6379".parse().unwrap(),
                answer,
            }),
            failing,
        };
        o.evidence.rows = vec![
            attempt(
                "redis",
                Answer::Service("Redis replied +PONG to PING".into()),
                true,
            ),
            attempt(
                "nginx-proxy",
                Answer::Connected("TCP connection accepted (FAILED is only a word here)".into()),
                false,
            ),
        ];
        let target = target();
        let page = html::html(&SignOff::new(&o, &Verdicts::of(&o), &target));
        assert!(page.contains("<tr class=\"fail\"><td>redis</td>"), "{page}");
        assert!(
            page.contains("<tr><td>nginx-proxy</td>"),
            "a public service's answer is not a failure, whatever its text: {page}"
        );
        let md = markdown::markdown(&SignOff::new(&o, &Verdicts::of(&o), &target));
        assert!(
            md.contains("| **✗** redis | this host") && md.contains("| nginx-proxy |"),
            "{md}"
        );
    }

    #[test]
    fn a_stand_in_run_is_never_a_sign_off() {
        let o = outcome(vec![sc("KRaft", "rules", Status::Passed)], vec![], true);
        let h = Verdicts::of(&o).headline;
        assert_eq!(
            (h.text.as_str(), h.signable),
            ("PASSED ON STAND-IN IMAGES", false)
        );
        let t = target();
        let md = markdown::markdown(&SignOff::new(&o, &Verdicts::of(&o), &t));
        assert!(
            md.starts_with("# KRaft migration acceptance: PASSED ON STAND-IN IMAGES\n"),
            "{md}"
        );
        assert!(
            md.contains("Not a release sign-off") && !md.contains("Verified by"),
            "{md}"
        );
        let page = html::html(&SignOff::new(&o, &Verdicts::of(&o), &t));
        assert!(page.contains("id=\"verdicts\"") && !page.contains("Verified by"));
    }

    #[test]
    fn only_a_passing_run_on_real_images_can_be_signed() {
        let t = target();
        let ok = outcome(vec![sc("KRaft", "rules", Status::Passed)], vec![], false);
        assert!(Verdicts::of(&ok).headline.signable);
        assert!(
            markdown::markdown(&SignOff::new(&ok, &Verdicts::of(&ok), &t))
                .contains("Verified by: ____")
        );
        let bad = outcome(vec![sc("Listeners", "host", Status::Failed)], vec![], false);
        let h = Verdicts::of(&bad).headline;
        assert_eq!((h.text.as_str(), h.signable), ("FAILED", false));
        let md = markdown::markdown(&SignOff::new(&bad, &Verdicts::of(&bad), &t));
        assert!(md.contains("| FAILED | host | expected: exactly localhost:9093<br>observed: brokers [kafka:9092] |"), "{md}");
    }
}
