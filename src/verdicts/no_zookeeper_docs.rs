//! "Docs and scripts no longer reference ZooKeeper": the scan's findings,
//! judged; what counts as a mention is the probe's (`probes::repo`).

use super::{none_of, Failure, Verdict};

/// The docs scan: `findings` are mentions outside the allowlist.
pub fn docs_clean(
    files_scanned: usize,
    scan_paths: &[String],
    allow: &[String],
    findings: Vec<String>,
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
    none_of(&expected, "mentions", findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_scan_needs_files_and_no_mentions() {
        assert!(docs_clean(0, &["docs".into()], &[], vec![])
            .unwrap_err()
            .observed
            .contains("no file under docs"));
        assert!(docs_clean(3, &[], &[], vec![]).is_ok());
        assert_eq!(
            docs_clean(3, &[], &[], vec!["docs/a.md:1: zookeeper".into()])
                .unwrap_err()
                .observed,
            "1 mentions"
        );
    }
}
