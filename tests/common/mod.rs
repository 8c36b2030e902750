//! Helpers shared by the harness's own tests: run the real binary.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kraft_acceptance::runner::{scenarios_from_json, ScenarioResult, Status};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kraft-acceptance"));
    c.current_dir(root());
    c
}

pub struct Run {
    pub output: Output,
    pub scenarios: Vec<ScenarioResult>,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
}

/// `kraft-acceptance verify --project-dir DIR --tags TAGS --report <tmp>`,
/// with the scenario results read back from the report's cucumber.json.
pub fn verify(dir: &Path, tags: &str, extra: &[&str]) -> Run {
    verify_env(dir, tags, extra, &Default::default())
}

pub fn verify_env(dir: &Path, tags: &str, extra: &[&str], env: &std::collections::BTreeMap<String, String>) -> Run {
    let report = tempfile::tempdir().expect("tempdir");
    let output = bin()
        .envs(env)
        .args(["verify", "--project-dir"])
        .arg(dir)
        .args(["--tags", tags, "--report"])
        .arg(report.path())
        .args(extra)
        .output()
        .expect("run kraft-acceptance");
    let json = std::fs::read(report.path().join("cucumber.json")).unwrap_or_default();
    Run { output, scenarios: scenarios_from_json(&json) }
}

/// A broken fixture's expect.toml.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub tags: String,
    /// Extra `verify` arguments (e.g. a shorter --wait-limit).
    #[serde(default)]
    pub args: Vec<String>,
    /// Environment for the run (e.g. a test double of the engine version).
    #[serde(default)]
    pub env: std::collections::BTreeMap<String, String>,
    /// Exactly the scenarios that must fail.
    pub fails: Vec<String>,
    /// Text some failure message must contain.
    pub messages: Vec<String>,
}

pub fn broken_variants(tag: &str) -> Vec<(PathBuf, Expect)> {
    let mut out: Vec<(PathBuf, Expect)> = std::fs::read_dir(root().join("fixtures/broken"))
        .expect("fixtures/broken")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("expect.toml").is_file())
        .map(|p| {
            let text = std::fs::read_to_string(p.join("expect.toml")).expect("read expect.toml");
            let e: Expect = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, e)
        })
        .filter(|(_, e)| e.tags == tag)
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Runs a variant and checks it failed exactly as its expect.toml says.
pub fn check_variant(dir: &Path, expect: &Expect) -> Result<Run, String> {
    let name = dir.file_name().unwrap_or_default().to_string_lossy().to_string();
    let extra: Vec<&str> = expect.args.iter().map(String::as_str).collect();
    let run = verify_env(dir, &expect.tags, &extra, &expect.env);
    if run.code() != Some(1) {
        return Err(format!("{name}: exit {:?}, want 1 (a failed scenario)\n{}{}", run.code(), run.stdout(), run.stderr()));
    }
    let failed: std::collections::BTreeSet<String> =
        run.scenarios.iter().filter(|s| s.status != Status::Passed).map(|s| s.name.clone()).collect();
    let want: std::collections::BTreeSet<String> = expect.fails.iter().cloned().collect();
    if failed != want {
        return Err(format!("{name}: failed scenarios {failed:#?}, want exactly {want:#?}\n{}", run.stdout()));
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
    Ok(run)
}
