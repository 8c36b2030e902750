//! `kraft-acceptance init` reads a repo as compose runs it: on a copy of
//! each reference without its toml, the toml it writes gives the same
//! verdict for every static scenario as the hand-written one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;

/// Scenario -> its status (or why it was not run), for comparing runs.
fn verdicts(run: &common::Run) -> BTreeMap<String, String> {
    let o = run.outcome.as_ref().expect("an outcome");
    let ran = o
        .scenarios
        .iter()
        .map(|s| (s.name.clone(), format!("{:?}", s.status)));
    let not_run = o
        .not_run
        .iter()
        .map(|n| (n.name.clone(), format!("not run ({:?})", n.status)));
    ran.chain(not_run).collect()
}

/// The repo at `dir`, copied whole (its .venv too) without its toml.
fn copy_without_toml(dir: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let status = Command::new("cp")
        .arg("-a")
        .arg(dir.join("."))
        .arg(tmp.path())
        .status()
        .unwrap();
    assert!(status.success(), "cp {}", dir.display());
    let _ = std::fs::remove_file(tmp.path().join("kraft-acceptance.toml"));
    tmp
}

fn init(dir: &Path, extra: &[&str]) -> std::process::Output {
    common::bin()
        .args(["init", "--project-dir"])
        .arg(dir)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn init_on_each_reference_gives_the_hand_written_tomls_verdicts() {
    let mut differ = Vec::new();
    let mut repos = vec![common::root().join("fixtures/reference")];
    let with_toml = |d: &PathBuf| d.join("kraft-acceptance.toml").is_file();
    repos.extend(common::passing_repos().into_iter().filter(with_toml));
    for dir in &repos {
        let fixture = dir.strip_prefix(common::root()).unwrap().display();
        let copy = copy_without_toml(dir);
        let out = init(copy.path(), &[]);
        let said = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{fixture}: {said}");
        assert!(said.contains("resolves"), "{fixture}: {said}");
        let hand = common::verify(dir, "@static", &[]);
        let inited = common::verify(copy.path(), "@static", &[]);
        let (want, got) = (verdicts(&hand), verdicts(&inited));
        for (name, v) in &want {
            if got.get(name) != Some(v) {
                differ.push(format!(
                    "{fixture}: {name}: hand-written {v}, init's {:?}",
                    got.get(name)
                ));
            }
        }
        let written = std::fs::read_to_string(copy.path().join("kraft-acceptance.toml")).unwrap();
        eprintln!("{fixture}: init wrote\n{written}");
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn init_leaves_an_existing_toml_alone_without_force() {
    let dir = common::passing("kafka-init");
    let before = std::fs::read(dir.join("kraft-acceptance.toml")).unwrap();
    let out = init(&dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines().count() == 1
            && err.contains("kraft-acceptance.toml exists; --force replaces it"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.join("kraft-acceptance.toml")).unwrap(),
        before
    );
    let printed = init(&dir, &["--print"]);
    assert!(printed.status.success());
    assert!(String::from_utf8_lossy(&printed.stdout).contains("kafka = \"broker\""));
    assert_eq!(
        std::fs::read(dir.join("kraft-acceptance.toml")).unwrap(),
        before
    );
}

/// A stack two folders down, started through a Makefile with a profile and
/// an env file: init takes the layering from the Makefile's command line.
#[test]
fn init_reads_a_makefiles_command_line_with_a_profile() {
    let dir = common::passing("init-makefile-profile");
    let out = init(&dir, &["--print"]);
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{said}");
    let toml = String::from_utf8_lossy(&out.stdout).to_string();
    for want in [
        "infrastructure = [\"deploy/compose/docker-compose.yml\"]",
        "profiles = [\"infra\"]",
        "# from Makefile:",
        "infrastructure = [\".env.example\"]",
        "kafka = \"kafka-broker\"",
    ] {
        assert!(toml.contains(want), "missing {want}:\n{toml}");
    }
    assert!(said.contains("resolves, "), "{said}");
}

/// Without a toml, what is missing says which key names it and that init
/// writes it.
#[test]
fn a_missing_name_points_at_its_key_and_at_init() {
    let copy = copy_without_toml(&common::passing("kafka-init"));
    let run = common::verify(copy.path(), "@static", &[]);
    assert_eq!(run.code(), Some(2));
    let err = run.stderr();
    assert!(
        err.contains("`kraft-acceptance init` writes")
            && err.contains("(compose files here: docker-compose.yml)"),
        "{err}"
    );
    std::fs::write(
        copy.path().join("kraft-acceptance.toml"),
        "[layerings]\ninfrastructure = [\"docker-compose.yml\"]\n[env_files]\ninfrastructure = [\".env.dev\"]\n",
    )
    .unwrap();
    let run = common::verify(copy.path(), "@static", &[]);
    let failures = run.failures().join("\n");
    assert!(
        failures.contains("service \"kafka\" is not defined (services: broker, cache, kafka-init); [names] kafka = \"broker\" in kraft-acceptance.toml"),
        "{failures}"
    );
    assert!(
        failures.contains("[bootstrap] service = \"kafka-init\""),
        "{failures}"
    );
}

/// A repo with only `.env.example`: init says to copy it, and that compose
/// does not resolve without it, in compose's own words.
#[test]
fn a_repo_with_only_an_env_example_is_told_to_copy_it() {
    let copy = copy_without_toml(&common::passing("kafka-init"));
    let dir = copy.path();
    std::fs::rename(dir.join(".env.dev"), dir.join(".env.example")).unwrap();
    for f in ["README.md", "scripts/dev-up.sh", "docker-compose.yml"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        std::fs::write(dir.join(f), text.replace("--env-file .env.dev ", "")).unwrap();
    }
    let out = init(dir, &["--print"]);
    let (toml, said) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(out.status.success(), "{said}");
    assert!(
        toml.contains("# infrastructure = [\".env\"]  # compose reads .env, which this repo does not have: copy .env.example to .env"),
        "{toml}"
    );
    // Compose names the first required variable it meets, in no fixed
    // order: either of the two this file requires.
    assert!(
        said.contains("layering infrastructure (docker-compose.yml): does not resolve:")
            && ["KAFKA_CLUSTER_ID", "REDIS_PASSWORD"]
                .iter()
                .any(|v| said.contains(&format!("required variable {v} is not set"))),
        "{said}"
    );
}

/// Every repo shape the tests have: the reference and each passing
/// fixture that is a repo of its own (not an overlay on a base).
fn repo_shapes() -> Vec<PathBuf> {
    let mut out = vec![common::root().join("fixtures/reference")];
    out.extend(common::passing_repos());
    out
}

/// What init writes, `verify` reads: on a copy of every repo shape the
/// loader `verify` uses takes the toml, and `verify --tags @static` judges
/// (exit 0 or 1), never refuses (2).
#[test]
fn init_then_verify_static_judges_every_repo_shape() {
    let shapes = repo_shapes();
    assert!(shapes.len() >= 9, "{shapes:?}");
    let mut refused = Vec::new();
    for dir in &shapes {
        let fixture = dir.strip_prefix(common::root()).unwrap().display();
        let copy = copy_without_toml(dir);
        let out = init(copy.path(), &[]);
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            refused.push(format!("{fixture}: init: {err}"));
            continue;
        }
        if let Err(e) = kraft_acceptance::target::Target::load(copy.path()) {
            refused.push(format!("{fixture}: the loader verify uses: {e}"));
            continue;
        }
        let run = common::verify(copy.path(), "@static", &[]);
        if !matches!(run.code(), Some(0 | 1)) {
            refused.push(format!(
                "{fixture}: verify exit {:?}: {}",
                run.code(),
                run.stderr()
            ));
        }
    }
    assert!(refused.is_empty(), "{}", refused.join("\n"));
}

fn printed(fixture: &str) -> (String, String) {
    let out = init(&common::passing(fixture), &["--print"]);
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{fixture}: {said}");
    (String::from_utf8_lossy(&out.stdout).to_string(), said)
}

/// The migration's own repo: two file sets ending in the research overlay
/// (the runbook's on the Hemma master, the comment's on the local one) get
/// two names, and the profile both pass is listed once.
#[test]
fn two_file_sets_ending_in_the_same_overlay_get_two_names() {
    let (text, _) = printed("init-migration-repo");
    let toml: toml::Table = text.parse().unwrap_or_else(|e| panic!("{e}\n{text}"));
    let layerings = toml["layerings"].as_table().unwrap();
    let names: Vec<&str> = layerings.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "hemma",
            "hemma-research",
            "hemma-research-on-docker-compose",
            "infrastructure"
        ],
        "{text}"
    );
    assert_eq!(
        layerings["hemma-research-on-docker-compose"]
            .as_array()
            .unwrap()[0]
            .as_str(),
        Some("docker-compose.yml")
    );
    let profiles = toml["profiles"].as_array().unwrap();
    assert_eq!(profiles.len(), 1, "{text}");
}

/// A Makefile variable naming a wrapper script two folders down, the
/// script's `${COMPOSE_FILE:-$SCRIPT_DIR/../compose.yml}` and `-p`: the
/// layering is the file the wrapper starts, the project its name.
#[test]
fn a_makefile_variable_and_a_wrapper_script_are_followed() {
    let (text, said) = printed("init-makefile-wrapper");
    for want in [
        "infrastructure = [\"impl/compose/compose.yml\"]",
        "# from impl/compose/bin/compose:5",
        "the compose project is \"platform\"",
    ] {
        assert!(text.contains(want), "missing {want}:\n{text}");
    }
    assert!(said.contains("resolves, 2 services"), "{said}");
}

/// A compose file only the README starts, with --project-name, beside a
/// default compose file without Kafka: the README's layering and name.
#[test]
fn a_readme_only_compose_file_and_its_project_name_are_kept() {
    let (text, _) = printed("init-readme-project-name");
    assert!(
        text.contains("infrastructure = [\"docker-compose.kafka-ha.yml\"]")
            && text.contains("the compose project is \"streams\" (README.md:7"),
        "{text}"
    );
    assert!(!text.contains("= [\"docker-compose.yml\"]"), "{text}");
}

/// Nothing found: the message lists the compose-like files of the tree and
/// the key to set.
#[test]
fn no_compose_file_found_lists_the_compose_like_files_and_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let deep = tmp.path().join("ops/stack");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("kafka-compose.yaml"), "services: {}\n").unwrap();
    let out = init(tmp.path(), &["--print"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.lines().count() == 1
            && err.contains("compose-like files here: ops/stack/kafka-compose.yaml")
            && err.contains("[layerings] infrastructure = ["),
        "{err}"
    );
}

/// A Kafka-only repo with no docs: init writes `has_redis = false`, the
/// Redis steps are not needed while the Kafka steps of the same scenarios
/// keep their verdicts, and the ZooKeeper scan is not run for want of
/// files. Without the key the same run fails on the missing Redis.
#[test]
fn a_kafka_only_repo_without_docs_says_so_and_keeps_kafkas_verdicts() {
    let copy = copy_without_toml(&common::passing("init-kafka-only"));
    let out = init(copy.path(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = copy.path().join("kraft-acceptance.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    assert!(toml.contains("\nhas_redis = false\n"), "{toml}");
    let run = common::verify(copy.path(), "@static", &[]);
    assert_eq!(
        run.code(),
        Some(1),
        "the broker has no healthcheck: {}",
        run.stdout()
    );
    let o = run.outcome.as_ref().unwrap();
    let by_name = |n: &str| o.scenarios.iter().find(|s| s.name == n).unwrap();
    let health = by_name("Kafka and Redis healthchecks can report healthy well within 60 s");
    let failure = health.failure.as_ref().map(|f| f.observed.clone());
    assert_eq!(
        failure.as_deref(),
        Some("services.broker has no healthcheck")
    );
    let volumes =
        by_name("Kafka and Redis keep their data on volumes in the infrastructure layering");
    assert_eq!(
        format!("{:?}", volumes.status),
        "Passed",
        "{:?}",
        volumes.failure
    );
    assert!(
        volumes.observed.iter().any(|l| l
            .contains("service redis: not needed: the target runs no Redis (has_redis = false")),
        "{:?}",
        volumes.observed
    );
    let scan = o
        .not_run
        .iter()
        .find(|n| n.name.starts_with("Docs and scripts mention ZooKeeper"));
    assert!(
        scan.is_some_and(|n| n
            .reason
            .starts_with("nothing to scan (no docs, scripts, README)")),
        "{scan:?}"
    );
    assert!(
        !run.failures().join("\n").contains("redis"),
        "{:?}",
        run.failures()
    );
    std::fs::write(&path, toml.replace("\nhas_redis = false\n", "\n")).unwrap();
    let without = common::verify(copy.path(), "@static", &[])
        .failures()
        .join("\n");
    assert!(
        without.contains("service \"redis\" is not defined")
            && without.contains("has_redis = false in kraft-acceptance.toml says"),
        "{without}"
    );
}

/// On Kafka's isolated cluster shape init names a broker as the Kafka
/// clients use and says every node the model finds.
#[test]
fn init_on_a_cluster_names_a_broker_and_finds_every_node() {
    let (text, said) = printed("cluster-isolated");
    assert!(text.contains("kafka = \"kafka-1\""), "{text}");
    assert!(
        said.contains(
            "6 Kafka nodes: controller-1, controller-2, controller-3, kafka-1, kafka-2, kafka-3"
        ),
        "{said}"
    );
}
