//! The CI files (cucumber.json, junit.xml) carry what cucumber ran; the
//! scenarios a run did not run are added to them here as skipped, each
//! with its reason, so no CI system reads a scenario that did not run as
//! passed, or loses it. A scenario that passed with a warning carries it:
//! "PASSED WITH WARNING" and its lines, never a bare pass.

use serde_json::{json, Value};

use super::esc;
use crate::run::outcome::{NotRun, ScenarioResult};

const WARNED: &str = "PASSED WITH WARNING";

fn warning_text(s: &ScenarioResult) -> String {
    format!("{WARNED}: {}", s.warnings.join("\n"))
}

/// cucumber.json: a warned scenario's description starts with the warning,
/// and its last step carries it as output.
pub fn cucumber_json_warnings(text: &str, scenarios: &[ScenarioResult]) -> String {
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

/// junit.xml: a warned scenario's testcase gets the warning as system-err.
pub fn junit_warnings(text: &str, scenarios: &[ScenarioResult]) -> String {
    let mut out = text.to_string();
    for s in scenarios.iter().filter(|s| s.passed_with_warning()) {
        let Some(start) = out.find(&format!("<testcase name=\"Scenario: {}:", esc(&s.name))) else {
            continue;
        };
        let Some(open_end) = out[start..].find('>').map(|i| start + i) else {
            continue;
        };
        let err = format!("<system-err>{}</system-err>", esc(&warning_text(s)));
        if out[..open_end].ends_with('/') {
            out.replace_range(open_end - 1..=open_end, &format!(">{err}</testcase>"));
        } else if let Some(close) = out[open_end..].find("</testcase>").map(|i| open_end + i) {
            out.insert_str(close, &err);
        }
    }
    out
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
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
            "description": format!("not run: {}", n.reason),
            "tags": [],
            "steps": [{
                "keyword": "",
                "line": 0,
                "name": format!("not run: {}", n.reason),
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

pub fn junit_xml(text: &str, not_run: &[NotRun]) -> String {
    if not_run.is_empty() {
        return text.to_string();
    }
    let mut suite = format!(
        "<testsuite name=\"Not run\" tests=\"{0}\" skipped=\"{0}\" errors=\"0\" failures=\"0\" time=\"0\">",
        not_run.len()
    );
    for n in not_run {
        suite.push_str(&format!(
            "<testcase name=\"Scenario: {}\" classname=\"{}\" time=\"0\"><skipped message=\"{}\"/></testcase>",
            esc(&n.name),
            esc(&n.feature),
            esc(&n.reason)
        ));
    }
    suite.push_str("</testsuite>");
    match text.rfind("</testsuites>") {
        Some(i) => format!("{}{suite}{}", &text[..i], &text[i..]),
        None => format!("{text}<testsuites>{suite}</testsuites>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nr() -> Vec<NotRun> {
        vec![NotRun {
            feature: "Kafka runs in KRaft mode".into(),
            name: "The broker speaks KRaft on the wire".into(),
            reason: "not run on the stand-in".into(),
            kind: crate::run::outcome::NotRunKind::Skipped,
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
            status: crate::run::outcome::Status::Passed,
            step: None,
            failure: None,
            observed: vec![],
            warnings: vec!["WARNING: engine 20.10 <28".into()],
        }]
    }

    #[test]
    fn a_pass_with_a_warning_says_so_in_the_ci_files() {
        let x = junit_warnings("<testsuites><testsuite name=\"Hemma\"><testcase name=\"Scenario: Engine: f:3:3\" time=\"0.1\"><system-out>ok</system-out></testcase><testcase name=\"Scenario: Other: f:9:3\" time=\"0\"/></testsuite></testsuites>", &warned());
        assert!(x.contains("<system-out>ok</system-out><system-err>PASSED WITH WARNING: WARNING: engine 20.10 &lt;28</system-err></testcase><testcase name=\"Scenario: Other"), "{x}");
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
    fn not_run_scenarios_are_skipped_with_their_reason_in_junit() {
        let x = junit_xml(
            "<testsuites><testsuite name=\"a\"></testsuite></testsuites>",
            &nr(),
        );
        assert!(x.ends_with("<testcase name=\"Scenario: The broker speaks KRaft on the wire\" classname=\"Kafka runs in KRaft mode\" time=\"0\"><skipped message=\"not run on the stand-in\"/></testcase></testsuite></testsuites>"), "{x}");
        assert!(x.contains("<testsuite name=\"Not run\" tests=\"1\" skipped=\"1\""));
    }
}
