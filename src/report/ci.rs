//! The CI files (cucumber.json, junit.xml) carry what cucumber ran; the
//! scenarios a run did not run are added to them here as skipped, each
//! with its status's label and its reason, so no CI system reads a
//! scenario that did not run as passed, or loses it. A scenario that
//! passed with a warning carries it: "PASSED WITH WARNING" and its lines,
//! never a bare pass. A step with no definition is a failure in both, as
//! in the report and the metrics. Every word is a [`Status`]'s label.

use serde_json::{json, Value};

use super::esc;
use std::fmt::Write as _;

use crate::run::outcome::{NotRun, Outcome, ScenarioResult, Status};

const WARNED: &str = Status::PassedWithWarning.label();

fn warning_text(s: &ScenarioResult) -> String {
    format!("{WARNED}: {}", s.warnings.join("\n"))
}

/// cucumber.json as the runner wrote it, with what the outcome knows of the
/// scenarios that ran: the warnings and the undefined steps.
pub fn cucumber_json_ran(text: &str, scenarios: &[ScenarioResult]) -> String {
    cucumber_json_undefined(&cucumber_json_warnings(text, scenarios), scenarios)
}

/// cucumber.json: a warned scenario's description starts with the warning,
/// and its last step carries it as output.
fn cucumber_json_warnings(text: &str, scenarios: &[ScenarioResult]) -> String {
    let mut features: Vec<Value> = match serde_json::from_str(text) {
        Ok(f) => f,
        Err(_) => return text.to_string(),
    };
    for s in scenarios.iter().filter(|s| s.passed_with_warning()) {
        let elements = features
            .iter_mut()
            .filter(|f| f["name"] == s.feature.as_str())
            .filter_map(|f| f["elements"].as_array_mut())
            .flatten();
        for e in elements.filter(|e| e["name"] == s.name.as_str()) {
            let old = e["description"].as_str().unwrap_or_default().to_string();
            e["description"] = json!(if old.is_empty() {
                warning_text(s)
            } else {
                format!("{}\n{old}", warning_text(s))
            });
            if let Some(step) = e["steps"].as_array_mut().and_then(|st| st.last_mut()) {
                step["output"] = json!(s
                    .warnings
                    .iter()
                    .map(|w| format!("{WARNED}: {w}"))
                    .collect::<Vec<_>>());
            }
        }
    }
    serde_json::to_string(&features).unwrap_or_else(|_| text.to_string())
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// A scenario not run as the CI files say it: its status's label, its reason.
fn said(n: &NotRun) -> String {
    format!("{}: {}", n.status.label(), n.reason)
}

/// cucumber.json: a step with no definition is failed with its label (the
/// runner writes it as undefined, which some readers pass), so a CI that
/// reads the file fails it as the report does.
fn cucumber_json_undefined(text: &str, scenarios: &[ScenarioResult]) -> String {
    let mut features: Vec<Value> = match serde_json::from_str(text) {
        Ok(f) => f,
        Err(_) => return text.to_string(),
    };
    for s in scenarios
        .iter()
        .filter(|s| s.status == Status::UndefinedStep)
    {
        let elements = features
            .iter_mut()
            .filter(|f| f["name"] == s.feature.as_str())
            .filter_map(|f| f["elements"].as_array_mut())
            .flatten()
            .filter(|e| e["name"] == s.name.as_str());
        let steps = elements.filter_map(|e| e["steps"].as_array_mut()).flatten();
        let message = s
            .failure
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let mut undefined = steps.filter(|st| {
            matches!(
                st["result"]["status"].as_str(),
                Some("undefined" | "skipped")
            )
        });
        if let Some(step) = undefined.next() {
            step["result"]["status"] = json!("failed");
            step["result"]["error_message"] =
                json!(format!("{}: {message}", Status::UndefinedStep.label()));
        }
    }
    serde_json::to_string(&features).unwrap_or_else(|_| text.to_string())
}

pub fn cucumber_json(text: &str, not_run: &[NotRun]) -> String {
    let mut features: Vec<Value> = serde_json::from_str(text).unwrap_or_default();
    for n in not_run {
        let element = json!({
            "keyword": "Scenario",
            "type": "scenario",
            "id": format!("{}/{}", slug(&n.feature), slug(&n.name)),
            "line": 0,
            "name": n.name,
            "description": said(n),
            "tags": [],
            "steps": [{
                "keyword": "",
                "line": 0,
                "name": said(n),
                "result": { "status": "skipped", "error_message": n.reason },
            }],
        });
        let feature = match features
            .iter_mut()
            .find(|f| f["name"] == n.feature.as_str())
        {
            Some(f) => f,
            None => {
                features.push(json!({ "uri": "", "keyword": "Feature", "name": n.feature, "tags": [], "elements": [] }));
                features.last_mut().expect("just pushed")
            }
        };
        if let Some(elements) = feature["elements"].as_array_mut() {
            elements.push(element);
        }
    }
    serde_json::to_string(&features).unwrap_or_else(|_| text.to_string())
}

/// junit.xml, written from the outcome, valid by the JUnit schema CI
/// systems read (Jenkins' junit-10.xsd): a suite per criterion, a testcase
/// per scenario with its time; a failure (an undefined step too) carries its
/// label and expected vs observed, a scenario not run is skipped with its
/// label and reason, a warned pass carries its warning as system-err.
pub fn junit_xml(o: &Outcome) -> String {
    let mut features: Vec<&str> = Vec::new();
    let names = o.scenarios.iter().map(|s| &s.feature);
    for f in names.chain(o.not_run.iter().map(|n| &n.feature)) {
        if !features.contains(&f.as_str()) {
            features.push(f);
        }
    }
    let total = o.scenarios.iter().fold(0.0, |t, s| t + s.seconds);
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kraft-acceptance\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{total:.3}\">\n",
        o.scenarios.len() + o.not_run.len(),
        o.scenarios.iter().filter(|s| s.status.failed()).count(),
    );
    for f in features {
        let ran: Vec<&ScenarioResult> = o.scenarios.iter().filter(|s| s.feature == f).collect();
        let not_run: Vec<&NotRun> = o.not_run.iter().filter(|n| n.feature == f).collect();
        let failed = ran.iter().filter(|s| s.status.failed()).count();
        let time = ran.iter().fold(0.0, |t, s| t + s.seconds);
        let _ = writeln!(
            x,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"{}\" time=\"{time:.3}\">",
            esc(f),
            ran.len() + not_run.len(),
            not_run.len(),
        );
        for s in ran {
            testcase(&mut x, s);
        }
        for n in not_run {
            let _ = writeln!(
                x,
                "    <testcase name=\"Scenario: {}\" classname=\"{}\" time=\"0\"><skipped message=\"{}\"/></testcase>",
                esc(&n.name),
                esc(&n.feature),
                esc(&said(n))
            );
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

fn testcase(x: &mut String, s: &ScenarioResult) {
    let _ = write!(
        x,
        "    <testcase name=\"Scenario: {}\" classname=\"{}\" time=\"{:.3}\">",
        esc(&s.name),
        esc(&s.feature),
        s.seconds
    );
    if s.status.failed() {
        let (message, said) = s.failure.as_ref().map_or_else(Default::default, |f| {
            let message = format!("expected: {} / observed: {}", f.expected, f.observed);
            (message, f.to_string())
        });
        let _ = write!(
            x,
            "<failure message=\"{}: {}\" type=\"{}\">{}</failure>",
            s.status.label(),
            esc(&message),
            esc(s.step.as_deref().unwrap_or_default()),
            esc(&said)
        );
    }
    if !s.observed.is_empty() {
        let _ = write!(
            x,
            "<system-out>{}</system-out>",
            esc(&s.observed.join("\n"))
        );
    }
    if s.passed_with_warning() {
        let _ = write!(x, "<system-err>{}</system-err>", esc(&warning_text(s)));
    }
    x.push_str("</testcase>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nr() -> Vec<NotRun> {
        vec![NotRun {
            feature: "Kafka runs in KRaft mode".into(),
            name: "The broker speaks KRaft on the wire".into(),
            reason: "not run on the stand-in".into(),
            status: Status::NotRun,
        }]
    }

    #[test]
    fn not_run_scenarios_are_skipped_with_their_reason_in_cucumber_json() {
        let j = cucumber_json(
            r#"[{"name":"Kafka runs in KRaft mode","elements":[{"name":"rules"}]}]"#,
            &nr(),
        );
        let v: Value = serde_json::from_str(&j).unwrap();
        let e = &v[0]["elements"][1];
        assert_eq!(e["name"], "The broker speaks KRaft on the wire");
        assert_eq!(e["steps"][0]["result"]["status"], "skipped");
        assert_eq!(
            e["steps"][0]["result"]["error_message"],
            "not run on the stand-in"
        );
        let fresh: Value = serde_json::from_str(&cucumber_json("[]", &nr())).unwrap();
        assert_eq!(
            fresh[0]["name"], "Kafka runs in KRaft mode",
            "a feature with nothing run still lists it"
        );
    }

    fn warned() -> Vec<ScenarioResult> {
        vec![ScenarioResult {
            feature: "Hemma".into(),
            name: "Engine".into(),
            tags: vec![],
            status: Status::PassedWithWarning,
            step: None,
            failure: None,
            observed: vec![],
            warnings: vec!["WARNING: engine 20.10 <28".into()],
            seconds: 0.0,
            started_at: 0.0,
        }]
    }

    fn outcome() -> Outcome {
        let mut failed = warned().remove(0);
        failed.name = "Port".into();
        failed.status = Status::Failed;
        failed.step = Some("Then 127.0.0.1 only".into());
        failed.failure = Some(crate::verdicts::Failure::new(
            "127.0.0.1:9093",
            "0.0.0.0:9093 <all>",
        ));
        failed.warnings.clear();
        failed.seconds = 1.5;
        Outcome {
            scenarios: vec![warned().remove(0), failed],
            not_run: nr(),
            ..serde_json::from_str(r#"{"scenarios":[],"not_run":[],"measurements":[],"evidence":{"rows":[],"time_to_healthy":{}},"environment":{"engine":"","compose":"","stack":"","images":"","standin":false,"containers":[]},"wall_seconds":0,"generated_at":"","drift":[]}"#).unwrap()
        }
    }

    #[test]
    fn a_pass_with_a_warning_says_so_in_the_ci_files() {
        let x = junit_xml(&outcome());
        assert!(x.contains("<testcase name=\"Scenario: Engine\" classname=\"Hemma\" time=\"0.000\"><system-err>PASSED WITH WARNING: WARNING: engine 20.10 &lt;28</system-err></testcase>"), "{x}");
        let j = cucumber_json_warnings(
            r#"[{"name":"Hemma","elements":[{"name":"Engine","description":"","steps":[{"name":"a"},{"name":"b"}]}]}]"#,
            &warned(),
        );
        let v: Value = serde_json::from_str(&j).unwrap();
        assert_eq!(
            v[0]["elements"][0]["description"],
            "PASSED WITH WARNING: WARNING: engine 20.10 <28"
        );
        assert_eq!(
            v[0]["elements"][0]["steps"][1]["output"][0],
            "PASSED WITH WARNING: WARNING: engine 20.10 <28"
        );
    }

    #[test]
    fn junit_has_a_suite_per_criterion_failures_with_expected_vs_observed_and_not_run_skipped() {
        let x = junit_xml(&outcome());
        let doc = x.as_str();
        assert!(doc.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kraft-acceptance\" tests=\"3\" failures=\"1\" errors=\"0\" time=\"1.500\">"), "{doc}");
        assert!(doc.contains("<testsuite name=\"Hemma\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"1.500\">"), "{doc}");
        assert!(doc.contains("<failure message=\"FAILED: expected: 127.0.0.1:9093 / observed: 0.0.0.0:9093 &lt;all&gt;\" type=\"Then 127.0.0.1 only\">"), "{doc}");
        assert!(doc.contains("<testsuite name=\"Kafka runs in KRaft mode\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\""), "{doc}");
        assert!(doc.contains("<testcase name=\"Scenario: The broker speaks KRaft on the wire\" classname=\"Kafka runs in KRaft mode\" time=\"0\"><skipped message=\"NOT RUN: not run on the stand-in\"/></testcase>"), "{doc}");
    }
}
