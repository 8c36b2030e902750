//! "Docs and scripts no longer reference ZooKeeper": a scan of text with an
//! allowlist (an ADR may tell the history).

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Lines of `text` that mention ZooKeeper, as `path:line: text`.
pub fn mentions(path: &str, text: &str) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.to_lowercase().contains("zookeeper"))
        .map(|(i, l)| format!("{path}:{}: {}", i + 1, l.trim()))
        .collect()
}

pub fn allowlist(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|e| format!("scan_allow pattern \"{p}\": {e}"))?);
    }
    b.build().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_file_and_line_case_insensitively() {
        let m = mentions("docs/run.md", "start kafka\nthen start Zookeeper\nok\nZOOKEEPER_HOST=x");
        assert_eq!(m, vec!["docs/run.md:2: then start Zookeeper", "docs/run.md:4: ZOOKEEPER_HOST=x"]);
        assert!(mentions("a", "KRaft only").is_empty());
    }

    #[test]
    fn allowlist_matches_globs() {
        let a = allowlist(&["docs/decisions/**".into()]).unwrap();
        assert!(a.is_match("docs/decisions/0028-kraft.md"));
        assert!(!a.is_match("docs/runbooks/kafka.md"));
        assert!(allowlist(&["[".into()]).is_err());
    }
}
