//! "No ZooKeeper required": nothing in the resolved model is, names, depends
//! on, or publishes ZooKeeper.

use crate::compose::ComposeModel;

const ZK_PORT: &str = "2181";

fn names_zk(s: &str) -> bool {
    s.to_lowercase().contains("zookeeper")
}

/// Every ZooKeeper trace in the model, one evidence line each.
pub fn zookeeper_findings(model: &ComposeModel) -> Vec<String> {
    let mut out = Vec::new();
    let zk_services: Vec<&String> = model
        .services
        .iter()
        .filter(|(name, s)| {
            names_zk(name)
                || s.image.as_deref().is_some_and(names_zk)
                || s.command.iter().chain(&s.entrypoint).flatten().any(|a| names_zk(a))
        })
        .map(|(n, _)| n)
        .collect();
    for n in &zk_services {
        let s = &model.services[*n];
        out.push(format!(
            "service \"{n}\" is a ZooKeeper (image {})",
            s.image.as_deref().unwrap_or("<none>")
        ));
    }
    for (name, s) in &model.services {
        for (k, v) in &s.environment {
            let v = v.as_deref().unwrap_or("");
            if names_zk(k) || names_zk(v) || k == "KAFKA_ZOOKEEPER_CONNECT" {
                out.push(format!("service \"{name}\" environment {}", crate::redact::show_env(k, v)));
            }
        }
        for dep in s.depends_on.keys() {
            if zk_services.contains(&dep) {
                out.push(format!("service \"{name}\" depends_on \"{dep}\""));
            }
        }
        for p in &s.ports {
            if p.target.to_string() == ZK_PORT || p.published.as_deref() == Some(ZK_PORT) {
                out.push(format!("service \"{name}\" publishes port {p}"));
            }
        }
        for e in &s.expose {
            if e.split('/').next() == Some(ZK_PORT) {
                out.push(format!("service \"{name}\" exposes port {e}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(j: &str) -> ComposeModel {
        serde_json::from_str(j).unwrap()
    }

    #[test]
    fn clean_model_has_no_findings() {
        let m = model(r#"{"services":{"kafka":{"image":"apache/kafka:3.8.0","environment":{"KAFKA_PROCESS_ROLES":"broker"}}}}"#);
        assert!(zookeeper_findings(&m).is_empty());
    }

    #[test]
    fn finds_every_kind_of_trace() {
        let m = model(
            r#"{"services":{
            "zk":{"image":"bitnami/zookeeper:3.9","ports":[{"target":2181,"published":"2181"}]},
            "kafka":{"image":"apache/kafka:3.8.0","depends_on":{"zk":{"condition":"service_started"}},
                     "environment":{"KAFKA_ZOOKEEPER_CONNECT":"zk:2181"},"expose":["2181"]}}}"#,
        );
        let f = zookeeper_findings(&m).join("\n");
        for want in ["service \"zk\" is a ZooKeeper", "KAFKA_ZOOKEEPER_CONNECT=zk:2181", "depends_on \"zk\"", "publishes port", "exposes port 2181"] {
            assert!(f.contains(want), "missing {want} in {f}");
        }
    }
}
