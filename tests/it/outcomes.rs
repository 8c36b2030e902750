//! One outcome, every writer: an outcome with one scenario of each status
//! (each in a criterion of its own) is written by the console summary,
//! report.md, report.html, junit.xml, cucumber.json, the metrics and the
//! drift baseline, and each says the same of each scenario: the status's
//! label (or state), counted the same way. junit.xml of that outcome is
//! valid by the JUnit schema CI systems read (tests/schemas/junit-10.xsd,
//! checked with xmllint).

use std::path::Path;
use std::process::Command;

use kraft_acceptance::report::{ci, drift, html, markdown, metrics, SignOff, Verdicts};
use kraft_acceptance::run::outcome::{NotRun, Outcome, ScenarioResult, Status};
use kraft_acceptance::target::Target;
use kraft_acceptance::verdicts::Failure;

use crate::common;

const RAN: [Status; 4] = [
    Status::Passed,
    Status::PassedWithWarning,
    Status::Failed,
    Status::UndefinedStep,
];
const NOT_RUN: [Status; 3] = [Status::NotRun, Status::NotNeeded, Status::NotSelected];

fn feature(s: Status) -> String {
    format!("{s:?} criterion")
}

fn name(s: Status) -> String {
    format!("{s:?} scenario")
}

fn reason(s: Status) -> String {
    format!("why {s:?}")
}

fn ran(s: Status) -> ScenarioResult {
    let mut r = ScenarioResult::new(&feature(s), &name(s), Status::Passed);
    r.observed = vec![format!("seen in {s:?}")];
    r.seconds = 0.25;
    match s {
        Status::PassedWithWarning => r.warned(vec![format!("WARNING: {s:?}")]),
        Status::Failed => {
            r.status = s;
            r.step = Some("Then it holds".into());
            r.failure = Some(Failure::new("x <1>", "y & z"));
        }
        Status::UndefinedStep => {
            r.status = s;
            r.step = Some("Then a step nobody wrote".into());
            r.failure = Some(Failure::new(
                "step \"a step nobody wrote\" has a definition",
                "no step matches it",
            ));
        }
        _ => {}
    }
    r
}

/// One scenario of each status, the ones that ran with what the runner
/// wrote to cucumber.json for them.
fn every_outcome() -> (Outcome, String) {
    let mut o: Outcome = serde_json::from_str(r#"{"scenarios":[],"not_run":[],"measurements":[],"evidence":{"rows":[],"time_to_healthy":{}},"environment":{"engine":"","compose":"","stack":"","images":"","standin":false,"containers":[]},"wall_seconds":1,"generated_at":"t"}"#).unwrap();
    o.scenarios = RAN.map(ran).to_vec();
    o.not_run = NOT_RUN
        .map(|s| NotRun {
            feature: feature(s),
            name: name(s),
            reason: reason(s),
            status: s,
        })
        .to_vec();
    let runner: Vec<serde_json::Value> = RAN
        .map(|s| {
            let step = match s {
                Status::UndefinedStep => "undefined",
                Status::Failed => "failed",
                _ => "passed",
            };
            serde_json::json!({"name": feature(s), "elements": [{"name": name(s), "description": "",
                "steps": [{"name": "Given a step", "result": {"status": step}}]}]})
        })
        .to_vec();
    (o, serde_json::to_string(&runner).unwrap())
}

fn reference() -> Target {
    Target::load(&common::root().join("fixtures/reference")).unwrap()
}

/// The verdict each one-scenario criterion must come to.
fn criterion_verdict(s: Status) -> Status {
    match s {
        Status::UndefinedStep => Status::Failed,
        s if s.not_run() => Status::NotProven,
        s => s,
    }
}

/// The text of junit.xml's testcase of `s`.
fn junit_case(x: &str, s: Status) -> String {
    let start = x
        .find(&format!("<testcase name=\"Scenario: {}\"", name(s)))
        .unwrap_or_else(|| panic!("no testcase for {s:?}: {x}"));
    let len = x[start..].find("</testcase>").unwrap();
    x[start..start + len].to_string()
}

#[test]
fn every_writer_says_the_same_of_every_outcome() {
    let (o, runner) = every_outcome();
    let v = Verdicts::of(&o);
    let target = reference();
    let page = SignOff::new(&o, &v, &target);
    let (md, page) = (markdown::markdown(&page), html::html(&page));
    let x = ci::junit_xml(&o);
    let m = metrics::exposition(&o, &v.criteria, &target, "hemma", None, 0.0);
    let base = drift::snapshot(&o, &v.criteria);
    let console = o.summary();
    for s in RAN.into_iter().chain(NOT_RUN) {
        let label = s.label();
        let row = v
            .criteria
            .iter()
            .find(|c| c.feature == feature(s))
            .unwrap_or_else(|| panic!("no criterion for {s:?}"));
        assert_eq!(row.rows[0].status, s, "the report's row of {s:?}");
        assert_eq!(row.verdict, criterion_verdict(s), "the verdict of {s:?}");
        assert!(
            md.contains(&format!("| {label} | {} |", name(s))),
            "{s:?}: {md}"
        );
        assert!(
            page.contains(&format!(">{label}</td><td rowspan")),
            "{s:?}: {page}"
        );
        assert_eq!(
            base.observed["criteria"][&feature(s)],
            criterion_verdict(s).label(),
            "the drift baseline's verdict of {s:?}"
        );
        let crit = format!("criterion=\"{}\"", feature(s));
        let state = criterion_verdict(s).state();
        assert!(
            m.contains(&format!(
                "kraft_acceptance_criterion_state{{{crit},state=\"{state}\"}} 1\n"
            )),
            "{s:?}: {m}"
        );
        junit_and_metrics_agree(s, &junit_case(&x, s), &m);
        console_agrees(s, &console);
    }
    counts_agree(&o, &[&console, &md, &page], &x, &m);
    cucumber_json_agrees(&o, &runner);
}

/// junit.xml: a failure element for what failed (an undefined step too),
/// skipped for what did not run, with the label; the scenario's metric
/// state from the same status.
fn junit_and_metrics_agree(s: Status, case: &str, m: &str) {
    let label = s.label();
    assert_eq!(case.contains("<failure "), s.failed(), "{s:?}: {case}");
    if s.failed() {
        assert!(
            case.contains(&format!("<failure message=\"{label}: expected: ")),
            "{s:?}: {case}"
        );
    }
    assert_eq!(case.contains("<skipped "), s.not_run(), "{s:?}: {case}");
    if s.not_run() {
        let said = format!("<skipped message=\"{label}: {}\"/>", reason(s));
        assert!(case.contains(&said), "{s:?}: {case}");
    }
    assert_eq!(
        case.contains("<system-err>PASSED WITH WARNING: "),
        s == Status::PassedWithWarning,
        "{case}"
    );
    let series = format!(
        "kraft_acceptance_scenario_state{{criterion=\"{}\",scenario=\"{}\",state=\"{}\"}} 1\n",
        feature(s),
        name(s),
        s.state()
    );
    // --tags left it out: not a scenario of this run's metrics.
    assert_eq!(m.contains(&series), s != Status::NotSelected, "{s:?}: {m}");
    assert_eq!(s.state() == "failed", s.failed(), "{s:?}");
}

/// The console: a line with the label for each scenario that did not
/// simply pass, but those --tags left out (counted apart).
fn console_agrees(s: Status, console: &str) {
    let line = match s {
        Status::Passed | Status::NotSelected => None,
        s if s.not_run() => Some(format!("{} {}: {}\n", s.label(), name(s), reason(s))),
        s => Some(format!("{} {} / {}\n", s.label(), feature(s), name(s))),
    };
    match line {
        Some(l) => assert!(console.contains(&l), "{s:?}: {console}"),
        None => assert!(!console.contains(&format!("{} / {}\n", feature(s), name(s)))),
    }
}

/// One count line in the console, report.md and report.html; junit's and
/// the metrics' failures are the same two.
fn counts_agree(o: &Outcome, texts: &[&str], x: &str, m: &str) {
    let tally = "2 passed (1 with warnings), 2 failed (1 with an undefined step), 1 not run, 1 not needed, 1 not selected";
    assert_eq!(o.tally(), tally);
    for t in texts {
        assert!(t.contains(tally), "{t}");
    }
    assert!(
        x.contains("<testsuites name=\"kraft-acceptance\" tests=\"7\" failures=\"2\" errors=\"0\""),
        "{x}"
    );
    let failed = m
        .lines()
        .filter(|l| {
            l.starts_with("kraft_acceptance_criterion_state{") && l.ends_with("state=\"failed\"} 1")
        })
        .count();
    assert_eq!(failed, 2, "{m}");
    assert!(!o.success(), "a failure, or an undefined step, exits 1");
}

/// cucumber.json: the undefined step failed with its label, the warning
/// and the scenarios not run carried with theirs.
fn cucumber_json_agrees(o: &Outcome, runner: &str) {
    let j = ci::cucumber_json(&ci::cucumber_json_ran(runner, &o.scenarios), &o.not_run);
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    let scenario = |s: Status| {
        let f = v
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == feature(s).as_str())
            .unwrap();
        f["elements"][0].clone()
    };
    let undefined = &scenario(Status::UndefinedStep)["steps"][0]["result"];
    assert_eq!(undefined["status"], "failed", "{j}");
    assert!(
        undefined["error_message"]
            .as_str()
            .unwrap()
            .starts_with("FAILED (UNDEFINED STEP): "),
        "{j}"
    );
    assert_eq!(
        scenario(Status::Failed)["steps"][0]["result"]["status"],
        "failed"
    );
    assert_eq!(
        scenario(Status::Passed)["steps"][0]["result"]["status"],
        "passed"
    );
    let warned = scenario(Status::PassedWithWarning);
    assert!(
        warned["description"]
            .as_str()
            .unwrap()
            .starts_with("PASSED WITH WARNING: "),
        "{j}"
    );
    for s in NOT_RUN {
        let step = &scenario(s)["steps"][0];
        assert_eq!(step["name"], format!("{}: {}", s.label(), reason(s)), "{j}");
        assert_eq!(step["result"]["status"], "skipped", "{j}");
    }
}

/// The JUnit schema of Jenkins' xUnit plugin (MIT, Gregory Boissinot), as
/// pytest 8.3.4's sdist ships it (testing/example_scripts/junit-10.xsd),
/// unchanged: its sha256.
const SCHEMA_SHA256: &str = "a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6";

/// `xmllint --schema` on `xml`: Ok, or what it said.
fn validate(xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, xml).unwrap();
    let schema = common::root().join("tests/schemas/junit-10.xsd");
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint (Debian's libxml2-utils, installed by scripts/setup.sh)");
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        Ok(())
    } else {
        Err(said)
    }
}

fn sha256(p: &Path) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(std::fs::read(p).unwrap()))
}

#[test]
fn junit_xml_of_every_outcome_is_valid_by_the_junit_schema() {
    let schema = common::root().join("tests/schemas/junit-10.xsd");
    assert_eq!(
        sha256(&schema),
        SCHEMA_SHA256,
        "the schema is as its source ships it"
    );
    let (o, _) = every_outcome();
    let x = ci::junit_xml(&o);
    validate(&x).unwrap_or_else(|e| panic!("junit.xml is not valid: {e}\n{x}"));
    // The validator can fail: a suite without its required errors count,
    // and a count the schema does not know on the root.
    let planted = [
        x.replacen(" errors=\"0\" skipped=", " skipped=", 1),
        x.replacen(
            "<testsuites name=\"kraft-acceptance\"",
            "<testsuites skipped=\"3\" name=\"kraft-acceptance\"",
            1,
        ),
    ];
    for bad in planted {
        assert_ne!(bad, x);
        let said = validate(&bad).expect_err("an invalid junit.xml fails the schema");
        assert!(said.contains("fails to validate"), "{said}");
    }
}

/// The real binary on a feature whose step nothing defines: exit 1, and the
/// scenario is FAILED (UNDEFINED STEP) in the console, outcome.json,
/// junit.xml (a `<failure>`, valid by the schema) and cucumber.json.
#[test]
fn a_step_no_definition_matches_fails_in_every_file() {
    let features = tempfile::tempdir().unwrap();
    let feature = "Feature: Undefined\n\n  @static\n  Scenario: A step nobody wrote\n    Then a step no definition matches\n";
    std::fs::write(features.path().join("undefined.feature"), feature).unwrap();
    let report = tempfile::tempdir().unwrap();
    let out = common::bin()
        .args(["verify", "--features"])
        .arg(features.path())
        .arg("--report")
        .arg(report.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAILED (UNDEFINED STEP) Undefined / A step nobody wrote\n"),
        "{stdout}"
    );
    let read = |f: &str| std::fs::read_to_string(report.path().join(f)).unwrap();
    let o: Outcome = serde_json::from_str(&read("outcome.json")).unwrap();
    assert_eq!(o.scenarios[0].status, Status::UndefinedStep, "{o:?}");
    let x = read("junit.xml");
    assert!(
        x.contains("<failure message=\"FAILED (UNDEFINED STEP): expected: step &quot;a step no definition matches&quot; has a definition"),
        "{x}"
    );
    validate(&x).unwrap_or_else(|e| panic!("{e}\n{x}"));
    let j: serde_json::Value = serde_json::from_str(&read("cucumber.json")).unwrap();
    assert_eq!(
        j[0]["elements"][0]["steps"][0]["result"]["status"], "failed",
        "{j}"
    );
}
