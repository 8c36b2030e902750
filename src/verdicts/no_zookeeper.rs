//! "No ZooKeeper required": nothing in the resolved model is, names, depends
//! on, or publishes ZooKeeper.

use super::{none_of, Verdict};
use crate::model::compose::ComposeModel;
use crate::model::engine::ContainerInfo;
use crate::model::sockets::Socket;

const ZK_PORT: &str = "2181";
const ZK_PORT_NUM: u16 = 2181;

fn names_zk(s: &str) -> bool {
    s.to_lowercase().contains("zookeeper")
}

/// Every ZooKeeper trace in the model, one evidence line each.
fn zookeeper_findings(model: &ComposeModel) -> Vec<String> {
    let mut out = Vec::new();
    let zk_services: Vec<&String> = model
        .services
        .iter()
        .filter(|(name, s)| {
            names_zk(name)
                || s.image.as_deref().is_some_and(names_zk)
                || s.command
                    .iter()
                    .chain(&s.entrypoint)
                    .flatten()
                    .any(|a| names_zk(a))
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
                out.push(format!(
                    "service \"{name}\" environment {}",
                    crate::redact::show_env(k, v)
                ));
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

/// The resolved model of a layering has no ZooKeeper trace.
pub fn model_clean(layering: &str, model: &ComposeModel) -> Verdict {
    let expected = format!(
        "no ZooKeeper service, image, env, depends_on or port 2181 in the {layering} layering"
    );
    none_of(&expected, "ZooKeeper traces", zookeeper_findings(model))
}

/// No container of the project runs a ZooKeeper (by image, service or name).
pub fn no_zookeeper_container(containers: &[ContainerInfo]) -> Verdict {
    let found = containers
        .iter()
        .filter(|c| names_zk(&format!("{} {} {}", c.image, c.service, c.name)))
        .map(|c| {
            format!(
                "container {} (service {}, image {})",
                c.name, c.service, c.image
            )
        })
        .collect();
    none_of(
        "no ZooKeeper container in the project",
        "ZooKeeper containers",
        found,
    )
}

/// Nothing listens on 2181 inside, nor is published from, any running
/// container of the project: (container, its listening sockets).
pub fn nothing_on_2181(containers: &[(ContainerInfo, Vec<Socket>)]) -> Verdict {
    let mut found = Vec::new();
    for (c, socks) in containers {
        found.extend(
            socks
                .iter()
                .filter(|s| s.port == ZK_PORT_NUM)
                .map(|s| format!("{}: {}", c.name, s.describe())),
        );
        found.extend(
            c.bindings
                .iter()
                .filter(|b| b.host_port == ZK_PORT)
                .map(|b| format!("{}: engine publishes {}:{}", c.name, b.host_ip, b.host_port)),
        );
    }
    none_of(
        "no listener on 2181 in any container of the project",
        "listeners on 2181",
        found,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(j: &str) -> ComposeModel {
        serde_json::from_str(j).unwrap()
    }

    #[test]
    fn clean_model_has_no_findings() {
        let m = model(
            r#"{"services":{"kafka":{"image":"apache/kafka:3.8.0","environment":{"KAFKA_PROCESS_ROLES":"broker"}}}}"#,
        );
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
        for want in [
            "service \"zk\" is a ZooKeeper",
            "KAFKA_ZOOKEEPER_CONNECT=zk:2181",
            "depends_on \"zk\"",
            "publishes port",
            "exposes port 2181",
        ] {
            assert!(f.contains(want), "missing {want} in {f}");
        }
        assert!(model_clean("hemma", &m)
            .unwrap_err()
            .expected
            .contains("in the hemma layering"));
    }

    fn container(name: &str, image: &str) -> ContainerInfo {
        ContainerInfo {
            id: name.into(),
            name: name.into(),
            service: name.into(),
            image: image.into(),
            image_id: String::new(),
            oneoff: false,
            status: "running".into(),
            exit_code: None,
            pid: Some(1),
            health: None,
            last_check: None,
            bindings: vec![],
            networks: vec![],
            volumes: vec![],
            mounts: vec![],
        }
    }

    #[test]
    fn runtime_zookeeper_traces() {
        let kafka = container("kafka", "apache/kafka:3.8.0");
        assert!(no_zookeeper_container(std::slice::from_ref(&kafka)).is_ok());
        let f = no_zookeeper_container(&[kafka.clone(), container("zk", "bitnami/zookeeper:3.9")])
            .unwrap_err();
        assert_eq!(
            f.evidence,
            vec!["container zk (service zk, image bitnami/zookeeper:3.9)"]
        );
        let s = |port| Socket {
            table: "/proc/1/net/tcp".into(),
            ip: "0.0.0.0".parse().unwrap(),
            port,
            listening: true,
            inode: 7,
            line: String::new(),
        };
        assert!(nothing_on_2181(&[(kafka.clone(), vec![s(9092)])]).is_ok());
        let f = nothing_on_2181(&[(kafka, vec![s(9092), s(2181)])]).unwrap_err();
        assert_eq!(
            f.evidence,
            vec!["kafka: /proc/1/net/tcp: 0.0.0.0:2181 listening (inode 7)"]
        );
    }
}
