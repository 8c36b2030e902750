//! The topic bootstrap: it waits for a healthy Kafka, exits 0, leaves every
//! manifest topic on the broker (or, with no manifest, topics the broker did
//! not have before), and a second run changes nothing.

use std::collections::BTreeMap;

use super::{none_of, Failure, Verdict};
use crate::model::compose::ComposeModel;
use crate::model::topics::{is_application_topic, TopicSpec};
use crate::model::OneOff;

/// `service` starts only once `dep` is healthy.
pub fn waits_healthy(model: &ComposeModel, service: &str, dep: &str) -> Verdict {
    let svc = model
        .service(service)
        .map_err(|e| Failure::new(format!("service {service} defined"), e.to_string()))?;
    let cond = svc.depends_on.get(dep).map(|d| {
        d.condition
            .clone()
            .unwrap_or_else(|| "service_started".into())
    });
    match cond.as_deref() {
        Some("service_healthy") => Ok(()),
        other => Err(Failure::new(
            format!("services.{service}.depends_on.{dep}.condition = service_healthy"),
            other.map_or_else(
                || format!("{service} does not depend on {dep}"),
                |c| format!("condition {c}"),
            ),
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
            Some(p) if *p != t.partitions => Some(format!(
                "topic {} has {p} partitions, manifest says {}",
                t.name, t.partitions
            )),
            Some(_) => None,
        })
        .collect();
    none_of(
        "every manifest topic exists with its partition count",
        "topics wrong",
        problems,
    )
}

/// Topic name -> partition count, as a broker's metadata lists them.
pub type Topics = BTreeMap<String, i32>;

fn application(t: &Topics) -> Topics {
    t.iter()
        .filter(|(n, _)| is_application_topic(n))
        .map(|(n, p)| (n.clone(), *p))
        .collect()
}

/// With no manifest: the bootstrap left topics the broker did not have
/// before (Kafka's own and this harness's probe topics aside). The new
/// topics, for the report.
pub fn created(before: &Topics, after: &Topics) -> Verdict<Topics> {
    let new: Topics = application(after)
        .into_iter()
        .filter(|(n, _)| !before.contains_key(n))
        .collect();
    if !new.is_empty() {
        return Ok(new);
    }
    let names = |t: &Topics| {
        let a = application(t);
        if a.is_empty() {
            "none".to_string()
        } else {
            a.keys().cloned().collect::<Vec<_>>().join(", ")
        }
    };
    Err(Failure::new(
        "the bootstrap leaves topics on the broker that it did not have before",
        format!(
            "no new topic (before: {}; after: {})",
            names(before),
            names(after)
        ),
    ))
}

/// A second run of the bootstrap added, removed and resized no topic.
pub fn unchanged(first: &Topics, second: &Topics) -> Verdict {
    let (a, b) = (application(first), application(second));
    let mut problems: Vec<String> = b
        .keys()
        .filter(|n| !a.contains_key(*n))
        .map(|n| format!("topic {n} added"))
        .collect();
    for (n, p) in &a {
        match b.get(n) {
            None => problems.push(format!("topic {n} removed")),
            Some(q) if q != p => problems.push(format!("topic {n}: {p} -> {q} partitions")),
            Some(_) => {}
        }
    }
    none_of(
        "a second run of the bootstrap changes no topic",
        "topics changed",
        problems,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, partitions: i32) -> TopicSpec {
        TopicSpec {
            name: name.into(),
            partitions,
            replication: 1,
        }
    }

    #[test]
    fn one_off_must_exit_zero_in_time() {
        let run = |exit_code, seconds| OneOff {
            service: "kafka_topic_setup".into(),
            exit_code,
            tail: "done".into(),
            seconds,
            wall_seconds: seconds,
        };
        assert!(exited_zero_within(&run(0, 3.0), 120.0).is_ok());
        let f = exited_zero_within(&run(1, 3.0), 120.0).unwrap_err();
        assert_eq!(
            (f.expected.as_str(), f.observed.as_str()),
            (
                "kafka_topic_setup exits 0 within 120 s",
                "exit 1 after 3.0 s"
            )
        );
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
        assert_eq!(
            waits_healthy(&m, "b", "kafka").unwrap_err().observed,
            "condition service_started"
        );
        assert_eq!(
            waits_healthy(&m, "c", "kafka").unwrap_err().observed,
            "c does not depend on kafka"
        );
        assert!(waits_healthy(&m, "x", "kafka")
            .unwrap_err()
            .observed
            .contains("not defined"));
    }

    #[test]
    fn compares_topics() {
        let m = [t("a", 3), t("b", 1)];
        let ok = BTreeMap::from([
            ("a".to_string(), 3),
            ("b".to_string(), 1),
            ("other".to_string(), 9),
        ]);
        assert!(topics_match(&m, &ok).is_ok());
        let bad = BTreeMap::from([("a".to_string(), 1)]);
        let f = topics_match(&m, &bad).unwrap_err();
        assert_eq!(
            f.evidence,
            vec![
                "topic a has 1 partitions, manifest says 3",
                "topic b missing"
            ]
        );
    }

    fn topics(v: &[(&str, i32)]) -> Topics {
        v.iter().map(|(n, p)| (n.to_string(), *p)).collect()
    }

    #[test]
    fn created_lists_only_what_is_new_and_the_applications() {
        let before = topics(&[("old", 1), ("kraft-acceptance.p.host", 1)]);
        let after = topics(&[
            ("old", 1),
            ("a.v1", 3),
            ("__consumer_offsets", 50),
            ("kraft-acceptance.p.host", 1),
            ("kraft-acceptance.p.internal", 1),
        ]);
        assert_eq!(created(&before, &after).unwrap(), topics(&[("a.v1", 3)]));
        // Only a probe topic and Kafka's own appeared: nothing was created.
        let f = created(
            &before,
            &topics(&[
                ("old", 1),
                ("__consumer_offsets", 50),
                ("kraft-acceptance.p.x", 1),
            ]),
        )
        .unwrap_err();
        assert_eq!(
            f.expected,
            "the bootstrap leaves topics on the broker that it did not have before"
        );
        assert_eq!(f.observed, "no new topic (before: old; after: old)");
        assert_eq!(
            created(&Topics::new(), &Topics::new())
                .unwrap_err()
                .observed,
            "no new topic (before: none; after: none)"
        );
    }

    #[test]
    fn a_second_run_must_change_nothing() {
        let first = topics(&[("a", 3), ("b", 1), ("kraft-acceptance.p.host", 1)]);
        assert!(unchanged(
            &first,
            &topics(&[("a", 3), ("b", 1), ("kraft-acceptance.p.internal", 1)])
        )
        .is_ok());
        let f = unchanged(&first, &topics(&[("a", 6), ("c", 1)])).unwrap_err();
        assert_eq!(f.expected, "a second run of the bootstrap changes no topic");
        assert_eq!(
            f.evidence,
            vec![
                "topic c added",
                "topic a: 3 -> 6 partitions",
                "topic b removed"
            ]
        );
    }
}
