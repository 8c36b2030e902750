//! Registry behaviour, for real, on a registry these tests start on
//! 127.0.0.1 (Debian's docker-registry 2.8 as an image, through
//! testcontainers, removed when the test ends): a multi-arch manifest list
//! passes the images criterion, a single-arch image fails naming the missing
//! platform, a missing tag fails with the registry's answer, and `--images
//! auto` pulls a target's images from it and runs on them.

use std::path::Path;
use std::process::Command;

use testcontainers::core::{IntoContainerPort, WaitFor};
use testcontainers::runners::SyncRunner;
use testcontainers::{Container, GenericImage};

use crate::common;

fn docker(args: &[&str]) {
    let o = Command::new("docker").args(args).output().expect("docker");
    assert!(
        o.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn registry() -> (Container<GenericImage>, String) {
    let c = GenericImage::new("kraft-acceptance/test-registry", "2.8")
        .with_exposed_port(5000.tcp())
        .with_wait_for(WaitFor::message_on_stderr("listening on"))
        .start()
        .expect("start the test registry (scripts/setup.sh --with-standin builds its image)");
    let port = c.get_host_port_ipv4(5000).expect("registry port");
    (c, format!("127.0.0.1:{port}"))
}

/// A target: the reference with `yaml` as an overlay on both layerings.
fn target(dir: &Path, yaml: &str) {
    let reference = common::root().join("fixtures/reference");
    std::fs::write(
        dir.join("kraft-acceptance.toml"),
        format!("base = {:?}\n[overlays]\ninfrastructure = [\"images.yml\"]\nhemma = [\"images.yml\"]\n", reference.display().to_string()),
    )
    .unwrap();
    std::fs::write(dir.join("images.yml"), yaml).unwrap();
}

/// Local tags this test made, removed at the end.
struct Tags(Vec<String>);

impl Drop for Tags {
    fn drop(&mut self) {
        for t in &self.0 {
            let _ = Command::new("docker").args(["rmi", "-f", t]).output();
            let _ = Command::new("docker").args(["manifest", "rm", t]).output();
        }
    }
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn the_images_criterion_passes_a_manifest_list_and_fails_single_arch_and_missing_tags() {
    let (_registry, reg) = registry();
    let ctx = tempfile::tempdir().unwrap();
    std::fs::write(ctx.path().join("Dockerfile"), "FROM scratch\nCOPY f /f\n").unwrap();
    let ctxp = ctx.path().to_str().unwrap();
    let (multi, single) = (format!("{reg}/multi:1"), format!("{reg}/single:1"));
    let mut tags = Tags(vec![multi.clone(), single.clone()]);
    for arch in ["amd64", "arm64"] {
        // Its own content and no cache: the builder would reuse one image for both.
        std::fs::write(
            ctx.path().join("f"),
            format!("kraft-acceptance registry test, {arch}\n"),
        )
        .unwrap();
        let t = format!("{reg}/multi:1-{arch}");
        docker(&[
            "build",
            "-q",
            "--no-cache",
            "--platform",
            &format!("linux/{arch}"),
            "-t",
            &t,
            ctxp,
        ]);
        docker(&["push", "-q", &t]);
        tags.0.push(t);
    }
    docker(&[
        "manifest",
        "create",
        "--insecure",
        &multi,
        &format!("{reg}/multi:1-amd64"),
        &format!("{reg}/multi:1-arm64"),
    ]);
    docker(&["manifest", "push", "--insecure", &multi]);
    docker(&["tag", &format!("{reg}/multi:1-amd64"), &single]);
    docker(&["push", "-q", &single]);

    let dir = tempfile::tempdir().unwrap();
    target(dir.path(), &format!("services:\n  kafka: {{image: \"{multi}\"}}\n  redis: {{image: \"{multi}\"}}\n  kafka_topic_setup: {{image: \"{multi}\"}}\n"));
    let run = common::verify(dir.path(), "@registry", &[]);
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    let o = run.outcome.as_ref().unwrap();
    assert_eq!(
        o.scenarios.len(),
        1,
        "the registry scenario ran: {:?}",
        o.not_run
    );
    assert!(o.scenarios[0].status.passed());
    assert!(
        o.scenarios[0]
            .observed
            .iter()
            .any(|l| l == &format!("{multi}: linux/amd64, linux/arm64")),
        "{:?}",
        o.scenarios[0].observed
    );

    target(dir.path(), &format!("services:\n  kafka: {{image: \"{multi}\"}}\n  redis: {{image: \"{single}\"}}\n  kafka_topic_setup: {{image: \"{reg}/multi:9\"}}\n"));
    let run = common::verify(dir.path(), "@registry", &[]);
    assert_eq!(run.code(), Some(1), "{}{}", run.stdout(), run.stderr());
    let f = run.failures().join("\n");
    assert!(
        f.contains(&format!("{single}: no linux/arm64 (offers linux/amd64)")),
        "single-arch names the missing platform: {f}"
    );
    assert!(
        f.contains(&format!("{reg}/multi:9: the registry answered: "))
            && f.contains("manifest unknown"),
        "a missing tag fails with the registry's answer: {f}"
    );
}

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn auto_pulls_a_targets_images_from_its_registry_and_runs_on_them() {
    let _stack = common::stack_lock();
    let (_registry, reg) = registry();
    let (kafka, redis) = (
        format!("{reg}/standin-kafka:1"),
        format!("{reg}/standin-redis:1"),
    );
    let _tags = Tags(vec![kafka.clone(), redis.clone()]);
    for (local, remote) in [
        ("kraft-acceptance/standin-kafka:3.8.0", &kafka),
        ("kraft-acceptance/standin-redis:debian-7.0", &redis),
    ] {
        docker(&["tag", local, remote]);
        docker(&["push", "-q", remote]);
        docker(&["rmi", remote]);
    }
    let dir = tempfile::tempdir().unwrap();
    target(
        dir.path(),
        &format!(
            "services:\n  kafka: {{image: \"{kafka}\"}}\n  redis: {{image: \"{redis}\", entrypoint: [\"/standin/redis-entrypoint.sh\"]}}\n  kafka_topic_setup: {{image: \"{kafka}\"}}\n"
        ),
    );
    let mut cmd = common::bin();
    let report = tempfile::tempdir().unwrap();
    cmd.env("KRAFT_ACCEPTANCE_IMAGES", "auto")
        .args(["verify", "--tags", "@runtime", "--project-dir"])
        .arg(dir.path())
        .arg("--report")
        .arg(report.path());
    let out = cmd.output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "images: the target's own images (pulled {kafka}, {redis}"
        )),
        "auto pulled and says so: {stdout}"
    );
    let o: kraft_acceptance::run::outcome::Outcome =
        serde_json::from_slice(&std::fs::read(report.path().join("outcome.json")).unwrap())
            .unwrap();
    assert!(
        !o.environment.standin,
        "ran on the pulled images, not the stand-in"
    );
    assert!(
        o.environment
            .containers
            .iter()
            .any(|(_, image, _)| image == &kafka),
        "{:?}",
        o.environment.containers
    );
}
