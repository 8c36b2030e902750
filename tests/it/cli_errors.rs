//! Bad input gives one clear line on stderr and a non-zero exit, before
//! anything runs.

use std::os::unix::fs::PermissionsExt;

use crate::common;

fn one_line_error(out: &std::process::Output, code: i32, wants: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr: {stderr}\nstdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "want one line, got: {stderr}"
    );
    for w in wants {
        assert!(stderr.contains(w), "want {w:?} in: {stderr}");
    }
}

#[test]
fn missing_target_directory() {
    let out = common::bin()
        .args(["verify", "--project-dir", "/nonexistent/repo"])
        .output()
        .unwrap();
    one_line_error(
        &out,
        2,
        &["target directory /nonexistent/repo does not exist"],
    );
}

#[test]
fn missing_compose_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::bin()
        .args(["verify", "--project-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    one_line_error(
        &out,
        2,
        &[
            "compose file",
            "docker-compose.infrastructure.yml does not exist",
        ],
    );
}

#[test]
fn invalid_yaml() {
    let out = common::bin()
        .args([
            "verify",
            "--tags",
            "@static",
            "--project-dir",
            "fixtures/bad-input/invalid-yaml",
        ])
        .output()
        .unwrap();
    one_line_error(
        &out,
        2,
        &[
            "layering \"infrastructure\"",
            "`docker compose config --format json` failed",
            "yaml",
        ],
    );
}

#[test]
fn a_required_variable_missing_from_the_env_file() {
    let out = common::bin()
        .args([
            "verify",
            "--tags",
            "@static",
            "--project-dir",
            "fixtures/bad-input/missing-required-variable",
        ])
        .env_remove("KAFKA_CLUSTER_ID")
        .output()
        .unwrap();
    one_line_error(
        &out,
        2,
        &[
            "layering \"infrastructure\": required variable KAFKA_CLUSTER_ID is not set (set KAFKA_CLUSTER_ID in .env)",
            "compose read ",
            "fixtures/bad-input/missing-required-variable/.env",
        ],
    );
}

#[test]
fn invalid_target_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kraft-acceptance.toml"), "layering = 1\n").unwrap();
    let out = common::bin()
        .args(["verify", "--project-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    one_line_error(
        &out,
        2,
        &["kraft-acceptance.toml:1:1: unknown field \"layering\""],
    );
}

/// Every way a toml can be wrong says where (file:line:col), which key, and
/// the fix, on one line.
#[test]
fn a_broken_toml_names_the_key_the_line_and_the_fix() {
    let cases: &[(&str, &[&str])] = &[
        (
            "scan_paths = [\"docs\"]\n[layerings]\ninfrastructure = [\"a.yml\"]\nhemma-research = [\"a.yml\"]\nhemma-research = [\"b.yml\"]\n",
            &["kraft-acceptance.toml:5:1: duplicate key \"hemma-research\"", "rename one"],
        ),
        (
            "scan_paths = \"docs\"\n",
            &["kraft-acceptance.toml:1:14: invalid type", "(key \"scan_paths\")", "the type the key takes"],
        ),
        (
            "# a comment\nscan_path = [\"docs\"]\n",
            &["kraft-acceptance.toml:2:1: unknown field \"scan_path\"", "docs/targets.md"],
        ),
        (
            "[names]\nkafka = \"broker\"\nkafak_address = \"x:1\"\n",
            &["kraft-acceptance.toml:3:1: unknown field \"kafak_address\""],
        ),
        (
            "[layerings]\ninfrastructure = [\"a.yml\"\n",
            &["kraft-acceptance.toml:2:", "(key \"infrastructure\" in [layerings])", "toml syntax"],
        ),
        (
            "[topics]\npartitions = \"three\"\n",
            &["kraft-acceptance.toml:2:14: invalid type", "(key \"partitions\" in [topics])"],
        ),
    ];
    for (toml, wants) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kraft-acceptance.toml"), toml).unwrap();
        let out = common::bin()
            .args(["verify", "--tags", "@static", "--project-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        one_line_error(&out, 2, wants);
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n[tool.pdm.scripts]\nvalidate-docs = \"python x.py\n",
    )
    .unwrap();
    let out = common::bin()
        .args(["verify", "--tags", "@static", "--project-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    one_line_error(
        &out,
        2,
        &[
            "pyproject.toml:4:",
            "(key \"validate-docs\" in [tool.pdm.scripts])",
        ],
    );
}

#[test]
fn a_toml_name_the_compose_model_does_not_have() {
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "base = \"{}\"\n[names]\nkafka = \"broker\"\n",
        common::root().join("fixtures/reference").display()
    );
    std::fs::write(dir.path().join("kraft-acceptance.toml"), toml).unwrap();
    let out = common::bin()
        .args(["verify", "--tags", "@static", "--project-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    one_line_error(&out, 2, &["[names] kafka = \"broker\": layering \"hemma\" has no such service (services: kafka, kafka_topic_setup"]);
}

#[test]
fn bad_tag_expression() {
    let out = common::bin()
        .args(["verify", "--tags", "@static and"])
        .output()
        .unwrap();
    one_line_error(&out, 2, &["invalid --tags expression \"@static and\""]);
}

#[test]
fn bad_flag() {
    let out = common::bin()
        .args(["verify", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .next()
            .unwrap_or("")
            .contains("unexpected argument '--no-such-flag'"),
        "{stderr}"
    );
}

#[test]
fn an_upgrade_version_that_is_not_a_release_or_with_attach_is_refused() {
    let out = common::bin()
        .args(["verify", "--upgrade-to", "3.8"])
        .output()
        .unwrap();
    one_line_error(
        &out,
        2,
        &["--upgrade-to 3.8: want a Kafka release version, MAJOR.MINOR.PATCH (e.g. 3.8.0)"],
    );
    let out = common::bin()
        .args([
            "verify",
            "--attach",
            "--project-name",
            "p",
            "--upgrade-to",
            "3.8.0",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.contains("cannot be used with")
            && first.contains("--upgrade-to")
            && first.contains("--attach"),
        "{stderr}"
    );
}

#[test]
fn help_teaches_the_selection_and_the_exit_codes() {
    let out = common::bin().args(["verify", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    for want in [
        "--tags",
        "kraft-acceptance verify --tags @static",
        "--attach",
        "--images",
        "Kafka's own setup and format",
    ] {
        assert!(help.contains(want), "want {want:?} in --help: {help}");
    }
}

#[test]
fn version_names_the_commit_and_the_target() {
    let out = common::bin().arg("--version").output().unwrap();
    let v = String::from_utf8_lossy(&out.stdout);
    let target = format!("{}-unknown-linux-", std::env::consts::ARCH);
    assert!(
        v.starts_with(&format!(
            "kraft-acceptance {} (commit ",
            env!("CARGO_PKG_VERSION")
        )) && v.contains(&target),
        "{v}"
    );
}

/// Like `docker compose`, the target is the current directory unless
/// --project-dir names another: nothing of the build machine's paths.
#[test]
fn the_target_defaults_to_the_current_directory() {
    let run = |dir: &std::path::Path| {
        let mut c = common::bin();
        c.env_remove("KRAFT_ACCEPTANCE_PROJECT_DIR")
            .current_dir(dir)
            .args(["verify", "--tags", "@static"]);
        c.output().unwrap()
    };
    let out = run(&common::root().join("fixtures/reference"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "in the reference: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let empty = tempfile::tempdir().unwrap();
    let out = run(empty.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "in an empty directory: {stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

#[test]
fn compose_missing() {
    // A `docker` on PATH without the compose plugin, as on a host with only the engine.
    let bin = tempfile::tempdir().unwrap();
    let fake = bin.path().join("docker");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho \"docker: 'compose' is not a docker command.\" >&2\nexit 1\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = common::bin()
        .args(["verify", "--tags", "@static"])
        .env("PATH", bin.path())
        .output()
        .unwrap();
    one_line_error(&out, 2, &["docker compose (Compose v2) is not available"]);
}

#[test]
fn an_engine_that_does_not_answer_stops_a_runtime_run() {
    let out = common::bin()
        .args(["verify", "--tags", "@runtime"])
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .output()
        .unwrap();
    one_line_error(&out, 2, &["the Docker Engine is not answering"]);
}

#[test]
fn unknown_service_in_a_step_fails_that_scenario_clearly() {
    let run = common::verify(
        &common::root().join("fixtures/reference"),
        "@static",
        &["--features", "fixtures/bad-input/unknown-service-feature"],
    );
    assert_eq!(run.code(), Some(1), "{}", run.stdout());
    let f = run.failures();
    assert!(
        f.iter().any(|m| m.contains(
            "service \"kafkaa\" is not defined (services: kafka, kafka_topic_setup, redis)"
        )),
        "{f:?}"
    );
}

/// The Kafka nodes a toml names must fit the layering: one line each, exit
/// 2, pointing at the key.
#[test]
fn cluster_names_that_do_not_fit_the_nodes() {
    for (fixture, want) in [
        (
            "cluster-controller-named-kafka",
            "[names] kafka = \"controller-1\": a controller-only node (KAFKA_PROCESS_ROLES=controller) in layering \"infrastructure\" serves no clients; name a broker: kafka-1, kafka-2, kafka-3",
        ),
        (
            "cluster-node-list-names-redis",
            "[names] kafka_nodes: \"redis\" in layering \"infrastructure\" does not run Kafka",
        ),
        (
            "cluster-without-broker",
            "[names] kafka = \"controller-1\": layering \"infrastructure\" has no broker among its Kafka nodes (controller-1, controller-2, controller-3)",
        ),
    ] {
        let out = common::bin()
            .args(["verify", "--tags", "@static", "--project-dir"])
            .arg(format!("fixtures/bad-input/{fixture}"))
            .output()
            .unwrap();
        one_line_error(&out, 2, &[want]);
    }
}

/// A compose failure that names no file is placed: the empty file the
/// others build on, the file that is not YAML.
#[test]
fn a_compose_failure_names_the_file_it_comes_from() {
    let dir = common::root().join("fixtures/bad-input");
    for (fixture, file, want) in [
        (
            "empty-infrastructure-file",
            "docker-compose.infrastructure.yml",
            "is empty: `docker compose config --format json` failed (exit 1): service \"kafka\" has neither an image nor a build context specified",
        ),
        (
            "invalid-yaml-in-overlay",
            "docker-compose.hemma.yml",
            "is not valid YAML: `docker compose config --format json` failed (exit 1): yaml: line 2:",
        ),
    ] {
        let out = common::bin()
            .args(["verify", "--tags", "@static", "--project-dir"])
            .arg(format!("fixtures/bad-input/{fixture}"))
            .output()
            .unwrap();
        let named = dir.join(fixture).join(file);
        let named = format!("layering \"hemma\": compose file {}", named.display());
        one_line_error(&out, 2, &[&named, want]);
    }
}
