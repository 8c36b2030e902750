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
    mut findings: Vec<String>,
    total: usize,
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
    if total > findings.len() {
        let listed = findings.len();
        findings.push(format!(
            "… and {} more (the first {listed} are listed)",
            total - listed
        ));
    }
    match none_of(&expected, "mentions", findings) {
        Err(mut f) => {
            f.observed = format!("{total} mentions");
            Err(f)
        }
        ok => ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_scan_fails_on_a_mention_and_passes_with_zero_files() {
        assert!(docs_clean(0, &["docs".into()], &[], vec![], 0).is_ok());
        assert!(docs_clean(3, &[], &[], vec![], 0).is_ok());
        let f = docs_clean(3, &[], &[], vec!["docs/a.md:1: zookeeper".into()], 1).unwrap_err();
        assert_eq!(f.observed, "1 mentions");
        assert!(!f.expected.contains("[]"), "{}", f.expected);
        let f = docs_clean(0, &["docs".into()], &["adr/**".into()], vec!["x".into()], 1);
        assert!(f
            .unwrap_err()
            .expected
            .contains("under docs outside [adr/**]"));
        let f = docs_clean(3, &[], &[], vec!["docs/a.md:1: zookeeper".into()], 7).unwrap_err();
        assert_eq!(f.observed, "7 mentions");
        assert_eq!(
            f.evidence.last().unwrap(),
            "… and 6 more (the first 1 are listed)"
        );
    }
}
