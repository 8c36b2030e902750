//! Every check can fail: each fixtures/broken variant must fail exactly the
//! scenarios its expect.toml names (no more, no fewer), with a message that
//! says expected vs observed; the reference must pass.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use kraft_acceptance::runner::Status;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    tags: String,
    fails: Vec<String>,
    messages: Vec<String>,
}

fn check_variant(dir: &Path) -> Result<(), String> {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(dir.join("expect.toml")).map_err(|e| format!("{name}: expect.toml: {e}"))?;
    let expect: Expect = toml::from_str(&text).map_err(|e| format!("{name}: expect.toml: {e}"))?;
    let run = common::verify(dir, &expect.tags, &[]);
    if run.code() != Some(1) {
        return Err(format!("{name}: exit {:?}, want 1 (a failed scenario)\n{}{}", run.code(), run.stdout(), run.stderr()));
    }
    let failed: BTreeSet<String> =
        run.scenarios.iter().filter(|s| s.status != Status::Passed).map(|s| s.name.clone()).collect();
    let want: BTreeSet<String> = expect.fails.iter().cloned().collect();
    if failed != want {
        return Err(format!("{name}: failed scenarios {failed:?}, want exactly {want:?}"));
    }
    let messages: Vec<&str> = run.scenarios.iter().filter_map(|s| s.message.as_deref()).collect();
    for m in &messages {
        if !(m.contains("expected: ") && m.contains("observed: ")) {
            return Err(format!("{name}: message does not say expected vs observed: {m}"));
        }
    }
    for want in &expect.messages {
        if !messages.iter().any(|m| m.contains(want.as_str())) {
            return Err(format!("{name}: no failure message contains {want:?}; messages: {messages:#?}"));
        }
    }
    Ok(())
}

#[test]
fn every_broken_static_variant_fails_in_its_intended_scenarios() {
    let mut dirs: Vec<_> = std::fs::read_dir(common::root().join("fixtures/broken"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.toml").is_file())
        .filter(|p| std::fs::read_to_string(p.join("expect.toml")).unwrap().contains("\"@static\""))
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 12, "want at least 12 static broken variants, found {}", dirs.len());
    let handles: Vec<_> = dirs.into_iter().map(|d| std::thread::spawn(move || check_variant(&d))).collect();
    let errors: Vec<String> = handles.into_iter().filter_map(|h| h.join().unwrap().err()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
}

#[test]
fn reference_passes_every_static_scenario() {
    let run = common::verify(&common::root().join("fixtures/reference"), "@static", &[]);
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    assert!(run.scenarios.len() >= 13, "ran {} scenarios", run.scenarios.len());
    assert!(run.scenarios.iter().all(|s| s.status == Status::Passed));
}
