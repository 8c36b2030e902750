//! `kraft-acceptance init` reads a repo as compose runs it: on a copy of
//! each reference without its toml, the toml it writes gives the same
//! verdict for every static scenario as the hand-written one.

use std::collections::BTreeMap;
use std::path::Path;
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

/// The repo at `fixture`, copied whole (its .venv too) without its toml.
fn copy_without_toml(fixture: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let status = Command::new("cp")
        .arg("-a")
        .arg(common::root().join(fixture).join("."))
        .arg(tmp.path())
        .status()
        .unwrap();
    assert!(status.success(), "cp {fixture}");
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
    for fixture in [
        "fixtures/reference",
        "fixtures/monorepo",
        "fixtures/kafka-init",
        "fixtures/host-script",
    ] {
        let copy = copy_without_toml(fixture);
        let out = init(copy.path(), &[]);
        let said = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{fixture}: {said}");
        assert!(said.contains("resolves"), "{fixture}: {said}");
        let hand = common::verify(&common::root().join(fixture), "@static", &[]);
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
    let dir = common::root().join("fixtures/kafka-init");
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
    let dir = common::root().join("fixtures/passing/init-makefile-profile");
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
    let copy = copy_without_toml("fixtures/kafka-init");
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
    let copy = copy_without_toml("fixtures/kafka-init");
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
    assert!(
        said.contains("layering infrastructure (docker-compose.yml): does not resolve:")
            && said.contains("KAFKA_CLUSTER_ID"),
        "{said}"
    );
}
