//! What a resolved compose model says of the stack: which service is
//! Kafka, which is Redis, the addresses clients are told, the topic
//! bootstrap and its list, the public services. Pure functions over the
//! model compose resolved (and the raw texts, for a variable's name).

use std::collections::BTreeMap;
use std::path::Path;

use crate::model::compose::{ComposeModel, Service};
use crate::model::topics::{parse_topics, TopicsFormat, TopicsShape};

/// A key `init` writes: its value as toml, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub key: String,
    pub value: String,
    pub from: String,
}

pub fn key(key: &str, value: String, from: String) -> Key {
    Key {
        key: key.into(),
        value,
        from,
    }
}

pub fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| quoted(s)).collect();
    format!("[{}]", q.join(", "))
}

const KAFKA_ENV: &[&str] = &[
    "KAFKA_PROCESS_ROLES",
    "KAFKA_NODE_ID",
    "KAFKA_BROKER_ID",
    "KAFKA_CFG_PROCESS_ROLES",
    "KAFKA_CFG_NODE_ID",
];

fn image_name(s: &Service) -> String {
    let image = s.image.as_deref().unwrap_or_default().to_lowercase();
    let path = image.split(':').next().unwrap_or_default();
    path.rsplit('/').next().unwrap_or_default().to_string()
}

/// A node that only votes in the quorum (`KAFKA_PROCESS_ROLES=controller`):
/// no client bootstraps from it.
fn controller_only(s: &Service) -> bool {
    ["KAFKA_PROCESS_ROLES", "KAFKA_CFG_PROCESS_ROLES"]
        .iter()
        .filter_map(|k| s.environment.get(*k).cloned().flatten())
        .any(|roles| roles.split(',').all(|r| r.trim() == "controller"))
}

/// The broker: a service with a node's settings (never a controller-only
/// node), else the one Kafka image that depends on no other Kafka.
pub(crate) fn kafka_service(m: &ComposeModel) -> Option<(String, &'static str)> {
    let by_env = m.services.iter().find(|(_, s)| {
        KAFKA_ENV.iter().any(|k| s.environment.contains_key(*k)) && !controller_only(s)
    });
    if let Some((name, _)) = by_env {
        return Some((name.clone(), "its KAFKA_* node settings"));
    }
    let kafkas: Vec<&String> = m
        .services
        .iter()
        .filter(|(_, s)| image_name(s).contains("kafka") && !controller_only(s))
        .map(|(n, _)| n)
        .collect();
    let lone = kafkas.iter().find(|n| {
        let s = &m.services[**n];
        !s.depends_on.keys().any(|d| kafkas.contains(&d))
    })?;
    Some(((*lone).clone(), "its Kafka image"))
}

/// Redis (or Valkey, KeyDB): by its image, not a one-shot that depends on Kafka.
pub fn redis_service(m: &ComposeModel, kafka: &str) -> Option<String> {
    m.services
        .iter()
        .find(|(_, s)| {
            let i = image_name(s);
            let like = ["redis", "valkey", "keydb"].iter().any(|r| i.contains(r));
            like && !s.depends_on.contains_key(kafka)
        })
        .map(|(n, _)| n.clone())
}

/// `NAME://host:port` entries of the advertised listeners.
fn advertised(s: &Service) -> Vec<(String, String)> {
    let raw = [
        "KAFKA_ADVERTISED_LISTENERS",
        "KAFKA_CFG_ADVERTISED_LISTENERS",
    ]
    .iter()
    .find_map(|k| s.environment.get(*k).cloned().flatten())
    .unwrap_or_default();
    raw.split(',')
        .filter_map(|e| e.trim().split_once("://"))
        .map(|(n, a)| (n.to_string(), a.to_string()))
        .collect()
}

/// The address containers are told (a host other services resolve) and
/// the one host tools are told (localhost or 127.0.0.1).
pub(crate) fn kafka_addresses(m: &ComposeModel, kafka: &str) -> (Option<String>, Option<String>) {
    let s = &m.services[kafka];
    let local = |a: &str| a.starts_with("localhost:") || a.starts_with("127.0.0.1:");
    let names: Vec<&str> = [
        Some(kafka),
        s.hostname.as_deref(),
        s.container_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let listeners = advertised(s);
    let internal = listeners
        .iter()
        .find(|(_, a)| names.iter().any(|n| a.starts_with(&format!("{n}:"))))
        .or_else(|| listeners.iter().find(|(_, a)| !local(a)))
        .map(|(_, a)| a.clone());
    let host = listeners
        .iter()
        .find(|(_, a)| local(a))
        .map(|(_, a)| a.clone());
    (internal, host)
}

/// Where host tools reach Redis: its published 6379.
pub(crate) fn redis_address(m: &ComposeModel, redis: &str) -> Option<String> {
    let p = m.services[redis].ports.iter().find(|p| p.target == 6379)?;
    let published = p.published.clone()?;
    Some(format!("127.0.0.1:{published}"))
}

/// The variable Redis's `--requirepass` takes, in the raw compose texts.
pub(crate) fn redis_password_var(texts: &[(String, String)]) -> Option<(String, String)> {
    for (shown, text) in texts {
        for (i, line) in text.lines().enumerate() {
            let Some(at) = line.find("requirepass") else {
                continue;
            };
            let rest = &line[at..];
            if let Some(v) = rest.split("${").nth(1) {
                let var: String = v
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !var.is_empty() {
                    return Some((var, format!("{shown}:{}", i + 1)));
                }
            }
        }
    }
    None
}

/// What the service runs, as one line (command and entrypoint).
fn runs(s: &Service) -> String {
    let mut parts = s.entrypoint.clone().unwrap_or_default();
    parts.extend(s.command.clone().unwrap_or_default());
    parts.join(" ")
}

/// The one-shot that creates topics: a service that depends on Kafka and
/// runs topic creation (kafka-topics, a script, a name that says so).
pub fn bootstrap_service(m: &ComposeModel, kafka: &str) -> Option<String> {
    let mut candidates: Vec<(&String, &Service)> = m
        .services
        .iter()
        .filter(|(_, s)| s.depends_on.contains_key(kafka))
        .collect();
    let says = |n: &str, s: &Service| {
        let text = format!("{n} {}", runs(s)).to_lowercase();
        text.contains("topic") || text.contains("kafka-init") || text.contains("kafka_init")
    };
    candidates.retain(|(n, s)| says(n, s));
    candidates.first().map(|(n, _)| (*n).clone())
}

/// A topics list mounted into the bootstrap that only a names-only reading
/// takes, and the partition count its script passes (`--partitions N`, or
/// a variable of the service's environment).
pub(crate) fn names_only_list(m: &ComposeModel, service: &str) -> Option<(String, Option<i32>)> {
    let s = &m.services[service];
    let mut found = None;
    let mut scripts = Vec::new();
    for v in s.mounts().iter().filter(|v| v.kind == "bind") {
        let Some(src) = v.source.as_deref() else {
            continue;
        };
        let files: Vec<std::path::PathBuf> = if Path::new(src).is_dir() {
            walkdir::WalkDir::new(src)
                .max_depth(2)
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .collect()
        } else {
            vec![src.into()]
        };
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            if f.extension().is_some_and(|e| e == "sh") {
                scripts.push(text);
                continue;
            }
            let names = TopicsShape {
                format: TopicsFormat::Names,
                ..Default::default()
            };
            let full = parse_topics(&text, &TopicsShape::default());
            let only_names = parse_topics(&text, &names).is_ok_and(|t| !t.is_empty());
            if full.is_err() && only_names && found.is_none() {
                found = Some(f.display().to_string());
            }
        }
    }
    let list = found?;
    let partitions = scripts
        .iter()
        .find_map(|t| partitions_arg(t, &s.environment));
    Some((list, partitions))
}

/// `--partitions N` (or `"$VAR"`, read from `env`) in a script.
fn partitions_arg(script: &str, env: &BTreeMap<String, Option<String>>) -> Option<i32> {
    let after = script.split("--partitions").nth(1)?;
    let token = after.split_whitespace().next()?;
    let token = token.trim_matches(|c| c == '"' || c == '\'' || c == '=');
    if let Ok(n) = token.parse() {
        return Some(n);
    }
    let var = token
        .trim_start_matches('$')
        .trim_matches(|c| c == '{' || c == '}');
    env.get(var).cloned().flatten()?.parse().ok()
}

/// Services a neighbour may reach on purpose: reverse proxies, by image or
/// by publishing 80/443.
pub fn public_services(m: &ComposeModel) -> Vec<String> {
    m.services
        .iter()
        .filter(|(_, s)| {
            let i = image_name(s);
            ["nginx", "traefik", "caddy", "haproxy"]
                .iter()
                .any(|p| i.contains(p))
                || s.ports.iter().any(|p| p.target == 80 || p.target == 443)
        })
        .map(|(n, _)| n.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(j: &str) -> ComposeModel {
        serde_json::from_str(j).unwrap()
    }

    #[test]
    fn kafka_redis_and_the_bootstrap_are_told_apart() {
        let m = model(
            r#"{"services":{
            "broker":{"image":"apache/kafka:3.8.0","hostname":"broker","environment":{"KAFKA_NODE_ID":"1","KAFKA_ADVERTISED_LISTENERS":"DOCKER://broker:29092,HOST://localhost:9092"}},
            "cache":{"image":"redis:7.2-alpine","ports":[{"target":6379,"published":"6380","host_ip":"127.0.0.1"}]},
            "kafka-init":{"image":"apache/kafka:3.8.0","depends_on":{"broker":{"condition":"service_healthy"}},"entrypoint":["sh","/init/init-topics.sh"]},
            "web":{"image":"nginxproxy/nginx-proxy:1.6","ports":[{"target":80,"published":"80"}]}}}"#,
        );
        let (kafka, _) = kafka_service(&m).unwrap();
        assert_eq!(kafka, "broker");
        assert_eq!(redis_service(&m, &kafka).as_deref(), Some("cache"));
        assert_eq!(
            kafka_addresses(&m, &kafka),
            (Some("broker:29092".into()), Some("localhost:9092".into()))
        );
        assert_eq!(
            redis_address(&m, "cache").as_deref(),
            Some("127.0.0.1:6380")
        );
        assert_eq!(bootstrap_service(&m, &kafka).as_deref(), Some("kafka-init"));
        assert_eq!(public_services(&m), vec!["web"]);
    }

    #[test]
    fn a_controller_only_node_is_never_the_kafka_clients_use() {
        let m = model(
            r#"{"services":{
            "controller-1":{"image":"apache/kafka:3.8.0","environment":{"KAFKA_PROCESS_ROLES":"controller","KAFKA_NODE_ID":"1"}},
            "broker-1":{"image":"apache/kafka:3.8.0","environment":{"KAFKA_PROCESS_ROLES":"broker","KAFKA_NODE_ID":"4"}}}}"#,
        );
        assert_eq!(
            kafka_service(&m).map(|(k, _)| k).as_deref(),
            Some("broker-1")
        );
        let only = model(
            r#"{"services":{"c":{"image":"apache/kafka:3.8.0","environment":{"KAFKA_PROCESS_ROLES":"controller"}}}}"#,
        );
        assert_eq!(kafka_service(&only), None);
    }

    #[test]
    fn the_password_variable_and_the_partitions_come_from_the_texts() {
        let texts = vec![(
            "docker-compose.yml".to_string(),
            "  cache:\n    command: [\"redis-server\", \"--requirepass\", \"${REDIS_PASSWORD:?set it}\"]\n".to_string(),
        )];
        assert_eq!(
            redis_password_var(&texts),
            Some(("REDIS_PASSWORD".into(), "docker-compose.yml:2".into()))
        );
        let env = BTreeMap::from([("TOPIC_PARTITIONS".to_string(), Some("3".to_string()))]);
        assert_eq!(
            partitions_arg("x --partitions \"$TOPIC_PARTITIONS\" y", &env),
            Some(3)
        );
        assert_eq!(partitions_arg("--partitions 6", &BTreeMap::new()), Some(6));
    }
}
