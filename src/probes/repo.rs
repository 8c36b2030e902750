//! Reads the target repo's docs and scripts for the ZooKeeper scan.

use std::path::{Path, PathBuf};

use crate::target::Target;
use crate::verdicts::scan;

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("cannot walk {path}: {source}")]
    Walk { path: PathBuf, source: walkdir::Error },
    #[error("{0}")]
    Allowlist(String),
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
    let allow = scan::allowlist(&target.scan_allow).map_err(RepoError::Allowlist)?;
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
            let hits = scan::mentions(&shown, &text);
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
