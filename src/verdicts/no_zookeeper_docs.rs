//! "Docs and scripts no longer reference ZooKeeper": the scan's findings,
//! judged; what counts as a mention is the probe's (`probes::repo`).

use super::{none_of, Verdict};

/// The docs scan: `findings` are mentions outside the allowlist. Scan
/// paths that exist but hold no file pass with 0 files (a repo with no scan
/// path at all is not run: `run::selection`).
pub fn docs_clean(
    files_scanned: usize,
    scan_paths: &[String],
    allow: &[String],
    findings: Vec<String>,
) -> Verdict {
    let under = if scan_paths.is_empty() {
        String::new()
    } else {
        format!(" under {}", scan_paths.join(", "))
    };
    let outside = if allow.is_empty() {
        " (no allowlist)".to_string()
    } else {
        format!(" outside [{}]", allow.join(", "))
    };
    let expected = format!("no ZooKeeper mention in {files_scanned} scanned files{under}{outside}");
    none_of(&expected, "mentions", findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_scan_fails_on_a_mention_and_passes_with_zero_files() {
        assert!(docs_clean(0, &["docs".into()], &[], vec![]).is_ok());
        assert!(docs_clean(3, &[], &[], vec![]).is_ok());
        let f = docs_clean(3, &[], &[], vec!["docs/a.md:1: zookeeper".into()]).unwrap_err();
        assert_eq!(f.observed, "1 mentions");
        assert!(!f.expected.contains("[]"), "{}", f.expected);
        let f = docs_clean(0, &["docs".into()], &["adr/**".into()], vec!["x".into()]);
        assert!(f
            .unwrap_err()
            .expected
            .contains("under docs outside [adr/**]"));
    }
}
