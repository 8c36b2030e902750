//! The apache/kafka image's environment contract: `KAFKA_*` variables as
//! server properties, and listeners as Kafka parses them.

use std::collections::BTreeMap;

/// apache/kafka env -> server properties: strip `KAFKA_`, lowercase, `___`->`-`,
/// `__`->`_`, `_`->`.` (the image's `configure` script, in that order).
pub fn env_to_properties(env: &BTreeMap<String, Option<String>>) -> BTreeMap<String, String> {
    env.iter()
        .filter_map(|(k, v)| {
            let rest = k.strip_prefix("KAFKA_")?;
            let key = rest
                .to_lowercase()
                .replace("___", "\u{1}")
                .replace("__", "\u{2}")
                .replace('_', ".")
                .replace('\u{1}', "-")
                .replace('\u{2}', "_");
            Some((key, v.clone().unwrap_or_default()))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    pub name: String,
    pub host: String,
    pub port: u16,
}

impl Listener {
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// `NAME://host:port,...`; an empty host means every interface.
pub fn parse_listeners(value: &str) -> Result<Vec<Listener>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (name, rest) = item
                .split_once("://")
                .ok_or_else(|| format!("listener \"{item}\" is not NAME://host:port"))?;
            let (host, port) = rest
                .rsplit_once(':')
                .ok_or_else(|| format!("listener \"{item}\" has no port"))?;
            let port = port.parse().map_err(|_| format!("listener \"{item}\" has a bad port"))?;
            let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
            Ok(Listener { name: name.to_uppercase(), host, port })
        })
        .collect()
}
