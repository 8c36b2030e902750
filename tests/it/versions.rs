//! A target is judged and run on the Kafka version it deploys, never on
//! another: the reference pinned to `apache/kafka:3.7.0` has its settings
//! set up and formatted by 3.7.0's own code (whose wrapper stores the
//! cluster id as `Some(...)`, KAFKA-16473, warned), runs its stack on 3.7.0
//! built here (the report says so) and finalizes 3.7's metadata.version;
//! pinned to a version not built here, the KRaft scenario is NOT RUN
//! naming the versions that are, and an owned stack refuses before
//! anything starts.

use std::path::Path;

use crate::common;

/// A copy of the reference whose Kafka image is `apache/kafka:VERSION`.
fn reference_on(version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let from = common::root().join("fixtures/reference");
    for e in walkdir::WalkDir::new(&from) {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(&from).expect("under the reference");
        let to = dir.path().join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("mkdir");
        } else if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).expect("read");
            let bytes = match std::str::from_utf8(&bytes) {
                Ok(t) if is_compose(e.path()) => t
                    .replace("apache/kafka:3.8.0", &format!("apache/kafka:{version}"))
                    .into_bytes(),
                _ => bytes,
            };
            std::fs::write(&to, bytes).expect("write");
        }
    }
    dir
}

fn is_compose(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "yml" || e == "yaml")
}

#[test]
#[ignore = "needs a Docker Engine and the images scripts/setup.sh builds; scripts/test.sh runs it"]
fn a_3_7_0_target_is_judged_and_run_on_kafka_3_7_0() {
    let _engine = common::stack_lock();
    let dir = reference_on("3.7.0");
    let run = common::verify(dir.path(), "@kafka-setup or @kraft-wire", &[]);
    assert_eq!(run.code(), Some(0), "{}", run.stdout());
    let o = run.outcome.expect("outcome");
    let kraft = o
        .scenarios
        .iter()
        .find(|s| s.tags.iter().any(|t| t == "kafka-setup"))
        .expect("the KRaft scenario ran");
    assert!(
        kraft
            .warnings
            .iter()
            .any(|w| w.contains("cluster.id=Some(hule-kraft-cluster-0001)")
                && w.contains("KAFKA-16473")),
        "{:?}",
        kraft.warnings
    );
    assert!(
        o.measurements.iter().any(|m| m.contains("Kafka's setup and format on kraft-acceptance/standin-kafka:3.7.0")),
        "{:?}",
        o.measurements
    );
    assert!(
        o.environment
            .images
            .contains("Apache Kafka 3.7.0 (release jars")
            && !o.environment.images.contains("3.8.0"),
        "{}",
        o.environment.images
    );
    // Kafka 3.7's latest production metadata.version is 3.7-IV4, level 19.
    assert!(
        o.measurements
            .iter()
            .any(|m| m == "metadata.version finalized at level 19"),
        "{:?}",
        o.measurements
    );
}

#[test]
#[ignore = "needs a Docker Engine and the images scripts/setup.sh builds; scripts/test.sh runs it"]
fn a_version_not_built_here_is_not_run_and_never_runs_on_another() {
    let dir = reference_on("3.9.0");
    let run = common::verify(dir.path(), "@kafka-setup", &[]);
    // Nothing selected ran: nothing is proven.
    assert_eq!(run.code(), Some(1), "{}", run.stdout());
    let o = run.outcome.expect("outcome");
    assert!(o.scenarios.is_empty(), "nothing may run on another version");
    let not_run = o
        .not_run
        .iter()
        .find(|n| n.name == "Kafka's KRaft settings pass Kafka's startup rules")
        .expect("the KRaft scenario is NOT RUN");
    assert!(
        not_run
            .reason
            .contains("Kafka 3.9.0 is not built here (built here: 3.7.0, 3.7.1, 3.8.0, 3.8.1)"),
        "{}",
        not_run.reason
    );
    let _engine = common::stack_lock();
    let before = common::engine_counts();
    let run = common::verify(dir.path(), "@kraft-wire", &[]);
    let err = String::from_utf8_lossy(&run.output.stderr).into_owned();
    assert_eq!(run.code(), Some(2), "{}{err}", run.stdout());
    assert!(
        err.contains("Kafka 3.9.0 is not built here (built here: 3.7.0, 3.7.1, 3.8.0, 3.8.1)"),
        "{err}"
    );
    assert_eq!(common::engine_counts(), before, "nothing started");
}

#[test]
#[ignore = "needs a Docker Engine and the images scripts/setup.sh builds; scripts/test.sh runs it"]
fn upgrades_3_7_1_to_3_8_0_and_3_8_0_to_3_8_1_keep_the_data_and_finalize_the_new_level() {
    let _engine = common::stack_lock();
    let dir = reference_on("3.7.1");
    let run = common::verify(dir.path(), "@upgrade", &["--upgrade-to", "3.8.0"]);
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    let p = common::project_of(&run.stdout()).expect("a stack line");
    let o = run.outcome.expect("outcome");
    assert_eq!(o.scenarios.len(), 1, "the rehearsal ran");
    let m = &o.measurements;
    let has = |want: &str| m.iter().any(|l| l.contains(want));
    assert!(has("upgrade Kafka 3.7.1 -> 3.8.0: `docker compose -f <upgrade override> up -d --force-recreate --no-deps kafka`"), "{m:?}");
    assert!(
        has("upgrade: kafka on kraft-acceptance/standin-kafka:3.8.0, healthy "),
        "{m:?}"
    );
    // 3.7's latest production level is 19, 3.8's 20: kept, then finalized.
    assert!(
        has("upgrade: metadata.version 19 -> 20 by kafka-features.sh"),
        "{m:?}"
    );
    assert!(
        common::leftovers(&p).is_empty(),
        "{:?}",
        common::leftovers(&p)
    );
    // The seed's reference, 3.8.0, to 3.8.1: both finalize 20, so the tool
    // has nothing to do and the level is read back as it was.
    let run = common::verify(
        &common::root().join("fixtures/reference"),
        "@upgrade",
        &["--upgrade-to", "3.8.1"],
    );
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    let m = run.outcome.expect("outcome").measurements;
    assert!(
        m.iter()
            .any(|l| l.contains("upgrade: kafka on kraft-acceptance/standin-kafka:3.8.1, healthy "))
            && m.iter()
                .any(|l| l
                    .contains("upgrade: metadata.version 20, already the new version's latest")),
        "{m:?}"
    );
}

#[test]
#[ignore = "needs a Docker Engine and the images scripts/setup.sh builds; scripts/test.sh runs it"]
fn an_upgrade_to_a_version_not_built_here_or_to_the_same_one_starts_nothing() {
    let _engine = common::stack_lock();
    let before = common::engine_counts();
    let dir = reference_on("3.7.1");
    for (to, want) in [
        (
            "3.9.0",
            "--upgrade-to 3.9.0: Kafka 3.9.0 is not built here (built here: 3.7.0, 3.7.1, 3.8.0, 3.8.1)",
        ),
        (
            "3.7.1",
            "--upgrade-to 3.7.1: the target already deploys Kafka 3.7.1",
        ),
    ] {
        let run = common::verify(
            dir.path(),
            "@upgrade",
            &["--upgrade-to", to, "--images", "standin"],
        );
        let err = String::from_utf8_lossy(&run.output.stderr).into_owned();
        assert_eq!(run.code(), Some(2), "{}{err}", run.stdout());
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(want), "{err}");
    }
    // Without --upgrade-to the rehearsal is no part of a run: a selection
    // of it alone is refused, and a whole run neither runs nor reports it.
    let run = common::verify(dir.path(), "@upgrade", &[]);
    let err = String::from_utf8_lossy(&run.output.stderr).into_owned();
    assert_eq!(run.code(), Some(2), "{}{err}", run.stdout());
    assert!(
        err.contains("--tags \"@upgrade\" selects only the upgrade rehearsal, which runs with --upgrade-to VERSION"),
        "{err}"
    );
    let run = common::verify(dir.path(), "(@static and not @validators) or @upgrade", &[]);
    let o = run.outcome.expect("outcome");
    let upgrade = "An upgrade keeps Kafka's records, offsets and ids, and finalizes the new metadata.version when asked";
    assert!(!o.scenarios.is_empty(), "the static scenarios ran");
    assert!(
        o.not_run.iter().all(|n| n.name != upgrade)
            && o.scenarios.iter().all(|s| s.name != upgrade),
        "{:?}",
        o.not_run
    );
    assert_eq!(common::engine_counts(), before, "nothing started");
}
