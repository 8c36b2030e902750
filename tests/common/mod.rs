//! Helpers shared by the harness's own tests: run the real binary.
#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kraft_acceptance::runner::{scenarios_from_json, ScenarioResult};

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
    let report = tempfile::tempdir().expect("tempdir");
    let output = bin()
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
