//! Targets that are not our reference's shape pass as they are: a monorepo
//! (include-based masters, .env, a bootstrap built from code, replicas: 0,
//! 9092 also on loopback) with a toml of layerings, scan paths and public
//! services only, and the reference with its manifest mounted from
//! another path and no toml line naming it.

use std::collections::BTreeSet;

use kraft_acceptance::run::outcome::{Outcome, Status};

use crate::common;

fn observed<'a>(o: &'a Outcome, scenario: &str) -> &'a [String] {
    &o.scenarios.iter().find(|s| s.name == scenario).unwrap_or_else(|| panic!("{scenario} ran")).observed
}

fn all_passed(run: &common::Run) -> Outcome {
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    let o = run.outcome.clone().expect("outcome");
    for s in &o.scenarios {
        assert_eq!(s.status, Status::Passed, "{}", s.name);
    }
    o
}

#[test]
fn the_monorepo_passes_every_static_scenario_with_a_short_toml() {
    let dir = common::root().join("fixtures/monorepo");
    let toml: toml::Table = std::fs::read_to_string(dir.join("kraft-acceptance.toml")).unwrap().parse().unwrap();
    let keys: BTreeSet<&str> = toml.keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["layerings", "public_services", "scan_paths"]));

    let o = all_passed(&common::verify(&dir, "@static", &[]));
    assert!(o.scenarios.len() >= 13, "ran {} scenarios", o.scenarios.len());
    // 9092 on loopback, advertised as kafka:9092: a warning, not a failure.
    let host = o.scenarios.iter().find(|s| s.name == "Host tools are told localhost:9093").expect("the host listener scenario");
    assert!(host.passed_with_warning(), "a pass with a warning says so: {host:#?}");
    assert!(
        host.warnings.iter().any(|l| l.starts_with("WARNING: kafka publishes 127.0.0.1:9092->9092/tcp for listener INTERNAL, advertised as kafka:9092")),
        "{host:#?}"
    );
    // The notebook publishes on every interface but is disabled on Hemma.
    let public = observed(&o, "On Hemma only the reverse proxy publishes on a public interface");
    assert!(public.iter().any(|l| l.contains("disabled with deploy.replicas: 0, so not run: research-notebook")), "{public:#?}");
    let topics = observed(&o, "The topics manifest, if the target has one, lists at least one valid topic");
    assert!(topics.iter().any(|l| l.starts_with("no topics manifest")), "{topics:#?}");
}

#[test]
fn the_reference_passes_no_such_warning() {
    let o = all_passed(&common::verify(&common::root().join("fixtures/reference"), "@static and not @validators", &[]));
    let host = observed(&o, "Host tools are told localhost:9093");
    assert!(host.iter().all(|l| !l.starts_with("WARNING")), "{host:#?}");
}

#[test]
fn a_manifest_mounted_from_another_path_is_found_without_a_toml_line() {
    let o = all_passed(&common::verify(&common::root().join("fixtures/passing/manifest-elsewhere"), "@static", &[]));
    let topics = observed(&o, "The topics manifest, if the target has one, lists at least one valid topic");
    assert!(
        topics.iter().any(|l| l.starts_with("manifest kafka/topics.txt (mounted into kafka_topic_setup): huledu.audit.v1 (2 partitions)")),
        "{topics:#?}"
    );
}

/// Runs `dir` with an owned stack; it must pass and leave nothing.
fn runtime_passes(dir: &str) -> Outcome {
    let run = common::verify(&common::root().join(dir), "@runtime and not @host", &[]);
    let o = all_passed(&run);
    let project = common::project_of(&run.stdout()).expect("stack line");
    assert_eq!(common::leftovers(&project), Vec::<String>::new());
    o
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn the_monorepo_and_a_manifest_elsewhere_pass_at_runtime_and_leave_nothing() {
    let _stack = common::stack_lock();
    let o = runtime_passes("fixtures/monorepo");
    let created = o.evidence.tables.get("Topics the bootstrap created (no manifest)").expect("created topics listed");
    let names: BTreeSet<&str> = created.iter().skip(1).map(|r| r[0].as_str()).collect();
    assert_eq!(names, BTreeSet::from(["huledu.commands.v1", "huledu.deadletter.v1", "huledu.events.v1"]));
    let nr = o.not_run.iter().find(|n| n.name == "Every manifest topic exists on the deployed broker").expect("attach scenario not run");
    assert!(nr.reason.starts_with("owned stack"), "{}", nr.reason);

    let o = runtime_passes("fixtures/passing/manifest-elsewhere");
    let table = o.evidence.tables.get("Topics: manifest vs broker").expect("manifest compared");
    assert!(table.iter().any(|r| r == &["huledu.audit.v1", "2", "2"]), "{table:?}");
}
