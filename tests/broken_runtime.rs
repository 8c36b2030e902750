//! Every runtime check can fail: each @runtime variant of fixtures/broken
//! (overlays on the reference, run on the stand-in) must fail exactly its
//! intended scenarios, and leave no container, network or volume behind.
//! One test, run in sequence: the variants share host ports 9093 and 6379.

mod common;

use std::process::Command;

/// Resources of a compose project still known to the engine.
fn leftovers(project: &str) -> Vec<String> {
    let label = format!("label=com.docker.compose.project={project}");
    let mut out = Vec::new();
    for (kind, args) in [
        ("container", vec!["ps", "-a", "-q", "--filter", &label]),
        ("network", vec!["network", "ls", "-q", "--filter", &label]),
        ("volume", vec!["volume", "ls", "-q", "--filter", &label]),
    ] {
        let o = Command::new("docker").args(&args).output().expect("docker");
        out.extend(String::from_utf8_lossy(&o.stdout).lines().map(|id| format!("{kind} {id}")));
    }
    out
}

fn project_of(stdout: &str) -> Option<String> {
    stdout.lines().find_map(|l| l.strip_prefix("kraft-acceptance: stack ")?.split_whitespace().next().map(str::to_string))
}

#[test]
fn every_broken_runtime_variant_fails_in_its_intended_scenarios_and_leaves_nothing() {
    let variants = common::broken_variants("@runtime");
    assert!(variants.len() >= 8, "want at least 8 runtime broken variants, found {}", variants.len());
    let mut errors = Vec::new();
    for (dir, expect) in &variants {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let started = std::time::Instant::now();
        match common::check_variant(dir, expect) {
            Err(e) => errors.push(e),
            Ok(run) => match project_of(&run.stdout()) {
                None => errors.push(format!("{name}: no stack line in the output")),
                Some(p) => {
                    let left = leftovers(&p);
                    if !left.is_empty() {
                        errors.push(format!("{name}: project {p} left {left:?}"));
                    }
                }
            },
        }
        eprintln!("{name}: {:.1} s", started.elapsed().as_secs_f64());
    }
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
}
