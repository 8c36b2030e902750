//! The topics manifest: `topic partitions replication-factor` per line, or
//! one topic name per line with the partitions and replication the target
//! declares.

use serde::Deserialize;

/// The shape of a topics list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TopicsFormat {
    /// `topic partitions replication-factor` per line.
    #[default]
    Full,
    /// One topic name per line; partitions and replication from the target.
    Names,
}

/// A topics list's shape, and the numbers a names-only list takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicsShape {
    pub format: TopicsFormat,
    pub partitions: i32,
    pub replication: i32,
}

impl Default for TopicsShape {
    fn default() -> Self {
        TopicsShape {
            format: TopicsFormat::Full,
            partitions: 1,
            replication: 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
    pub replication: i32,
}

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
    #[error("line {line}: expected one topic name per line (format = \"names\"), got \"{text}\"")]
    NamesShape { line: usize, text: String },
    #[error("line {line}: \"{text}\" is not a positive number")]
    Number { line: usize, text: String },
    #[error("the manifest lists no topic")]
    Empty,
}

#[cfg(test)]
fn parse_manifest(text: &str) -> Result<Vec<TopicSpec>, ManifestError> {
    parse_topics(text, &TopicsShape::default())
}

/// A topics list in `shape`.
pub(crate) fn parse_topics(
    text: &str,
    shape: &TopicsShape,
) -> Result<Vec<TopicSpec>, ManifestError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        if shape.format == TopicsFormat::Names {
            let [name] = f.as_slice() else {
                return Err(ManifestError::NamesShape {
                    line: i + 1,
                    text: line.to_string(),
                });
            };
            out.push(TopicSpec {
                name: name.to_string(),
                partitions: shape.partitions,
                replication: shape.replication,
            });
            continue;
        }
        let [name, p, r] = f.as_slice() else {
            return Err(ManifestError::Shape {
                line: i + 1,
                text: line.to_string(),
            });
        };
        let num = |s: &str| {
            s.parse::<i32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(ManifestError::Number {
                    line: i + 1,
                    text: s.to_string(),
                })
        };
        out.push(TopicSpec {
            name: name.to_string(),
            partitions: num(p)?,
            replication: num(r)?,
        });
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
        assert_eq!(
            m[0],
            TopicSpec {
                name: "a.b".into(),
                partitions: 3,
                replication: 1
            }
        );
        assert!(matches!(
            parse_manifest("a 3"),
            Err(ManifestError::Shape { line: 1, .. })
        ));
        assert!(matches!(
            parse_manifest("a 0 1"),
            Err(ManifestError::Number { line: 1, .. })
        ));
        assert_eq!(parse_manifest("# only comments"), Err(ManifestError::Empty));
    }

    #[test]
    fn a_names_only_list_takes_the_declared_numbers() {
        let shape = TopicsShape {
            format: TopicsFormat::Names,
            partitions: 6,
            replication: 1,
        };
        let t = parse_topics("# topics\norders.v1\npayments.v1 # the ledger\n", &shape).unwrap();
        assert_eq!(
            t[1],
            TopicSpec {
                name: "payments.v1".into(),
                partitions: 6,
                replication: 1
            }
        );
        assert!(matches!(
            parse_topics("orders.v1 3 1", &shape),
            Err(ManifestError::NamesShape { line: 1, .. })
        ));
        assert!(matches!(
            parse_topics("orders.v1", &TopicsShape::default()),
            Err(ManifestError::Shape { .. })
        ));
    }
}
