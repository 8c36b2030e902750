//! The topic bootstrap: it waits for a healthy Kafka, exits 0, and leaves
//! every manifest topic on the broker.

use std::collections::BTreeMap;

use super::{none_of, Failure, Verdict};
use crate::model::compose::ComposeModel;
use crate::model::topics::TopicSpec;
use crate::model::OneOff;

/// `service` starts only once `dep` is healthy.
pub fn waits_healthy(model: &ComposeModel, service: &str, dep: &str) -> Verdict {
    let svc = model.service(service).map_err(|e| Failure::new(format!("service {service} defined"), e.to_string()))?;
    let cond = svc.depends_on.get(dep).map(|d| d.condition.clone().unwrap_or_else(|| "service_started".into()));
    match cond.as_deref() {
        Some("service_healthy") => Ok(()),
        other => Err(Failure::new(
            format!("services.{service}.depends_on.{dep}.condition = service_healthy"),
            other.map_or_else(|| format!("{service} does not depend on {dep}"), |c| format!("condition {c}")),
        )),
    }
}

/// A one-off run exited 0 within the budget.
pub fn exited_zero_within(run: &OneOff, budget_s: f64) -> Verdict {
    if run.exit_code == 0 && run.seconds <= budget_s {
        return Ok(());
    }
    Err(Failure::new(
        format!("{} exits 0 within {budget_s:.0} s", run.service),
        format!("exit {} after {:.1} s", run.exit_code, run.seconds),
    )
    .with_evidence([format!("output: {}", run.tail)]))
}

/// Every manifest topic exists with its partition count.
pub fn topics_match(manifest: &[TopicSpec], found: &BTreeMap<String, i32>) -> Verdict {
    let problems = manifest
        .iter()
        .filter_map(|t| match found.get(&t.name) {
            None => Some(format!("topic {} missing", t.name)),
            Some(p) if *p != t.partitions => Some(format!("topic {} has {p} partitions, manifest says {}", t.name, t.partitions)),
            Some(_) => None,
        })
        .collect();
    none_of("every manifest topic exists with its partition count", "topics wrong", problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, partitions: i32) -> TopicSpec {
        TopicSpec { name: name.into(), partitions, replication: 1 }
    }

    #[test]
    fn one_off_must_exit_zero_in_time() {
        let run = |exit_code, seconds| OneOff { service: "kafka_topic_setup".into(), exit_code, tail: "done".into(), seconds, wall_seconds: seconds };
        assert!(exited_zero_within(&run(0, 3.0), 120.0).is_ok());
        let f = exited_zero_within(&run(1, 3.0), 120.0).unwrap_err();
        assert_eq!((f.expected.as_str(), f.observed.as_str()), ("kafka_topic_setup exits 0 within 120 s", "exit 1 after 3.0 s"));
        assert!(exited_zero_within(&run(0, 121.0), 120.0).is_err());
    }

    #[test]
    fn bootstrap_must_wait_for_a_healthy_kafka() {
        let m: ComposeModel = serde_json::from_str(
            r#"{"services":{"a":{"depends_on":{"kafka":{"condition":"service_healthy"}}},
                "b":{"depends_on":{"kafka":{"condition":"service_started"}}},"c":{}}}"#,
        )
        .unwrap();
        assert!(waits_healthy(&m, "a", "kafka").is_ok());
        assert_eq!(waits_healthy(&m, "b", "kafka").unwrap_err().observed, "condition service_started");
        assert_eq!(waits_healthy(&m, "c", "kafka").unwrap_err().observed, "c does not depend on kafka");
        assert!(waits_healthy(&m, "x", "kafka").unwrap_err().observed.contains("not defined"));
    }

    #[test]
    fn compares_topics() {
        let m = [t("a", 3), t("b", 1)];
        let ok = BTreeMap::from([("a".to_string(), 3), ("b".to_string(), 1), ("other".to_string(), 9)]);
        assert!(topics_match(&m, &ok).is_ok());
        let bad = BTreeMap::from([("a".to_string(), 1)]);
        let f = topics_match(&m, &bad).unwrap_err();
        assert_eq!(f.evidence, vec!["topic a has 1 partitions, manifest says 3", "topic b missing"]);
    }
}
