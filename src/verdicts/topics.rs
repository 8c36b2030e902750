//! The topics manifest (`topic partitions replication-factor` per line) and
//! the comparison of what a broker reports against it.

use std::collections::BTreeMap;

use super::none_of;
use super::Verdict;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i32,
    pub replication: i32,
}

pub fn parse_manifest(text: &str) -> Result<Vec<TopicSpec>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let [name, p, r] = f.as_slice() else {
            return Err(format!("line {}: expected `topic partitions replication-factor`, got \"{line}\"", i + 1));
        };
        let num = |s: &str| s.parse::<i32>().ok().filter(|n| *n > 0).ok_or(format!("line {}: \"{s}\" is not a positive number", i + 1));
        out.push(TopicSpec { name: name.to_string(), partitions: num(p)?, replication: num(r)? });
    }
    if out.is_empty() {
        return Err("the manifest lists no topic".into());
    }
    Ok(out)
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

    #[test]
    fn parses_and_rejects() {
        let m = parse_manifest("# c\n a.b 3 1 # x\n\nc 1 1\n").unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0], TopicSpec { name: "a.b".into(), partitions: 3, replication: 1 });
        assert!(parse_manifest("a 3").is_err());
        assert!(parse_manifest("a 0 1").is_err());
        assert!(parse_manifest("# only comments").is_err());
    }

    #[test]
    fn compares_topics() {
        let m = parse_manifest("a 3 1\nb 1 1").unwrap();
        let ok = BTreeMap::from([("a".to_string(), 3), ("b".to_string(), 1), ("other".to_string(), 9)]);
        assert!(topics_match(&m, &ok).is_ok());
        let bad = BTreeMap::from([("a".to_string(), 1)]);
        let f = topics_match(&m, &bad).unwrap_err();
        assert_eq!(f.evidence, vec!["topic a has 1 partitions, manifest says 3", "topic b missing"]);
    }
}
