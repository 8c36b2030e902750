//! Reads the target repo: its docs and scripts for the ZooKeeper scan, and
//! its topics manifest.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::model::topics::{parse_manifest, ManifestError, TopicSpec};
use crate::target::Target;

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("cannot walk {path}: {source}")]
    Walk { path: PathBuf, source: walkdir::Error },
    #[error("scan_allow pattern \"{pattern}\": {source}")]
    Allowlist { pattern: String, source: globset::Error },
    #[error("cannot read {shown}: {source}")]
    ReadManifest { shown: String, source: std::io::Error },
    #[error("{shown}: {source}")]
    Manifest { shown: String, source: ManifestError },
}

/// The target's topics manifest, read and parsed; the error names the file.
pub fn manifest(target: &Target) -> Result<Vec<TopicSpec>, RepoError> {
    let shown = target.display(&target.topics_manifest);
    let text = std::fs::read_to_string(&target.topics_manifest)
        .map_err(|source| RepoError::ReadManifest { shown: shown.clone(), source })?;
    parse_manifest(&text).map_err(|source| RepoError::Manifest { shown, source })
}

#[derive(Debug, Default, Clone)]
pub struct ScanResult {
    /// `path:line: text` outside the allowlist.
    pub findings: Vec<String>,
    /// `path:line: text` inside the allowlist (reported, not failed).
    pub allowed: Vec<String>,
    pub files_scanned: usize,
}

/// Scans every text file under the target's scan paths (missing paths are
/// skipped: a repo without a Makefile has nothing to scan there).
pub fn scan_zookeeper(target: &Target) -> Result<ScanResult, RepoError> {
    let allow = allowlist(&target.scan_allow)?;
    let mut out = ScanResult::default();
    for root in target.scan_paths.iter().filter(|p| p.exists()) {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.map_err(|source| RepoError::Walk { path: root.clone(), source })?;
            if !entry.file_type().is_file() || is_hidden(entry.path(), root) {
                continue;
            }
            // Binary or non-UTF-8 files are not docs or scripts.
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            out.files_scanned += 1;
            let shown = target.display(entry.path());
            let hits = mentions(&shown, &text);
            if allow.is_match(&shown) {
                out.allowed.extend(hits);
            } else {
                out.findings.extend(hits);
            }
        }
    }
    Ok(out)
}

fn is_hidden(p: &Path, root: &Path) -> bool {
    p.strip_prefix(root)
        .map(|rel| rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')))
        .unwrap_or(false)
}

/// Lines of `text` that mention ZooKeeper, as `path:line: text`.
pub fn mentions(path: &str, text: &str) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.to_lowercase().contains("zookeeper"))
        .map(|(i, l)| format!("{path}:{}: {}", i + 1, l.trim()))
        .collect()
}

pub fn allowlist(patterns: &[String]) -> Result<GlobSet, RepoError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|source| RepoError::Allowlist { pattern: p.clone(), source })?);
    }
    b.build().map_err(|source| RepoError::Allowlist { pattern: patterns.join(", "), source })
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
