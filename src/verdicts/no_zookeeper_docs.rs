//! "Docs and scripts no longer reference ZooKeeper": the scan's findings,
//! judged; what counts as a mention is the probe's (`probes::repo`).

use super::{none_of, Failure, Verdict};

/// The docs scan: `findings` are mentions outside the allowlist.
pub fn docs_clean(
    files_scanned: usize,
    scan_paths: &[String],
    allow: &[String],
    mut findings: Vec<String>,
    total: usize,
) -> Verdict {
    if files_scanned == 0 {
        return Err(Failure::new(
            "docs and scripts to scan",
            format!("no file under {}", scan_paths.join(", ")),
        ));
    }
    let expected = format!(
        "no ZooKeeper mention in {files_scanned} scanned files outside [{}]",
        allow.join(", ")
    );
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
    fn docs_scan_needs_files_and_no_mentions() {
        assert!(docs_clean(0, &["docs".into()], &[], vec![], 0)
            .unwrap_err()
            .observed
            .contains("no file under docs"));
        assert!(docs_clean(3, &[], &[], vec![], 0).is_ok());
        assert_eq!(
            docs_clean(3, &[], &[], vec!["docs/a.md:1: zookeeper".into()], 1)
                .unwrap_err()
                .observed,
            "1 mentions"
        );
        let f = docs_clean(3, &[], &[], vec!["docs/a.md:1: zookeeper".into()], 7).unwrap_err();
        assert_eq!(f.observed, "7 mentions");
        assert_eq!(
            f.evidence.last().unwrap(),
            "… and 6 more (the first 1 are listed)"
        );
    }
}
