//! The topics manifest (`topic partitions replication-factor` per line).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
    pub replication: i32,
}

/// The service that creates the topics (the seed's name for it).
pub const BOOTSTRAP_SERVICE: &str = "kafka_topic_setup";

/// Topics this harness creates for its own data-path probes.
pub const HARNESS_TOPIC_PREFIX: &str = "kraft-acceptance.";

/// A topic an application made: not Kafka's own (`__consumer_offsets`...),
/// not one of this harness's probes.
pub fn is_application_topic(name: &str) -> bool {
    !name.starts_with("__") && !name.starts_with(HARNESS_TOPIC_PREFIX)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("line {line}: expected `topic partitions replication-factor`, got \"{text}\"")]
    Shape { line: usize, text: String },
    #[error("line {line}: \"{text}\" is not a positive number")]
    Number { line: usize, text: String },
    #[error("the manifest lists no topic")]
    Empty,
}

pub fn parse_manifest(text: &str) -> Result<Vec<TopicSpec>, ManifestError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let [name, p, r] = f.as_slice() else {
            return Err(ManifestError::Shape { line: i + 1, text: line.to_string() });
        };
        let num = |s: &str| {
            s.parse::<i32>().ok().filter(|n| *n > 0).ok_or(ManifestError::Number { line: i + 1, text: s.to_string() })
        };
        out.push(TopicSpec { name: name.to_string(), partitions: num(p)?, replication: num(r)? });
    }
    if out.is_empty() {
        return Err(ManifestError::Empty);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let m = parse_manifest("# c\n a.b 3 1 # x\n\nc 1 1\n").unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], TopicSpec { name: "a.b".into(), partitions: 3, replication: 1 });
        assert!(matches!(parse_manifest("a 3"), Err(ManifestError::Shape { line: 1, .. })));
        assert!(matches!(parse_manifest("a 0 1"), Err(ManifestError::Number { line: 1, .. })));
        assert_eq!(parse_manifest("# only comments"), Err(ManifestError::Empty));
    }
}
