//! The target's own validation commands (`pdm run validate-docs`...), as run.

use serde::{Deserialize, Serialize};

/// One validation command, run to its end in the target's directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandRun {
    pub command: String,
    /// None: it did not finish within the limit and was killed.
    pub exit_code: Option<i32>,
    pub seconds: f64,
    /// Its last lines of output (stdout and stderr).
    pub tail: Vec<String>,
    /// Files of the repo it added, removed or changed (`path (how)`).
    pub changed: Vec<String>,
}

/// The three commands the migration's criteria name, as pdm scripts.
pub const PDM_VALIDATORS: &[&str] = &["validate-docs", "validate-tasks", "index-tasks"];

/// The commands of `PDM_VALIDATORS` a pyproject.toml declares under
/// `[tool.pdm.scripts]`, as `pdm run NAME`, in that order.
pub fn pdm_validators(pyproject: &str) -> Vec<String> {
    let Ok(doc) = pyproject.parse::<toml::Table>() else { return Vec::new() };
    let scripts = doc
        .get("tool")
        .and_then(|t| t.get("pdm"))
        .and_then(|p| p.get("scripts"))
        .and_then(|s| s.as_table());
    let Some(scripts) = scripts else { return Vec::new() };
    PDM_VALIDATORS.iter().filter(|n| scripts.contains_key(**n)).map(|n| format!("pdm run {n}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_declared_pdm_validators_in_order() {
        let p = "[project]\nname='x'\n[tool.pdm.scripts]\nindex-tasks = 'python i.py'\nlint = 'ruff'\nvalidate-docs = {cmd = 'python d.py'}\n";
        assert_eq!(pdm_validators(p), vec!["pdm run validate-docs", "pdm run index-tasks"]);
        assert!(pdm_validators("[project]\nname='x'\n").is_empty());
        assert!(pdm_validators("not toml [").is_empty());
    }
}
