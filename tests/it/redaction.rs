//! Secrets never appear: a target whose environment holds a password is
//! verified with a report; the value is in no output at all.

use crate::common;

const SECRET: &str = "hunter2-s3cret-value";

#[test]
fn a_secret_value_appears_in_no_output() {
    let dir = common::root().join("fixtures/broken/no_zookeeper-secret-in-zookeeper-env");
    let report = tempfile::tempdir().unwrap();
    let out = common::bin()
        .args(["verify", "--tags", "@static", "--project-dir"])
        .arg(&dir)
        .arg("--report")
        .arg(report.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the variant fails (it names ZooKeeper)"
    );
    let mut outputs = vec![
        (
            "stdout".to_string(),
            String::from_utf8_lossy(&out.stdout).to_string(),
        ),
        (
            "stderr".to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        ),
    ];
    for f in [
        "cucumber.json",
        "junit.xml",
        "report.md",
        "report.html",
        "outcome.json",
    ] {
        let text =
            std::fs::read_to_string(report.path().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        outputs.push((f.to_string(), text));
    }
    for (name, text) in &outputs {
        assert!(!text.contains(SECRET), "{name} shows the secret");
    }
    // Redacted, not dropped: the finding itself is still reported.
    for name in ["stdout", "report.md", "outcome.json"] {
        let text = &outputs.iter().find(|(n, _)| n == name).unwrap().1;
        assert!(
            text.contains("ZOOKEEPER_SASL_PASSWORD=<redacted>"),
            "{name}: {text}"
        );
    }
}
