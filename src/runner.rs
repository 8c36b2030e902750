//! Runs the Gherkin features against a target: the one runner behind both
//! `kraft-acceptance verify` and `cargo test` (tests/acceptance.rs).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::writer::{self, Coloring};
use cucumber::{World as _, WriterExt as _};

use crate::compose::{ComposeCli, ComposeError};
use crate::target::{Target, TargetError};
use crate::world::{self, AcceptanceWorld, RunContext};

/// The features, compiled in so the binary runs where the repo is not.
pub const FEATURES: &[(&str, &str)] = &[
    ("no_zookeeper.feature", include_str!("../features/no_zookeeper.feature")),
    ("kraft.feature", include_str!("../features/kraft.feature")),
    ("healthy.feature", include_str!("../features/healthy.feature")),
    ("listeners.feature", include_str!("../features/listeners.feature")),
    ("loopback_binds.feature", include_str!("../features/loopback_binds.feature")),
    ("topic_setup.feature", include_str!("../features/topic_setup.feature")),
    ("no_zookeeper_docs.feature", include_str!("../features/no_zookeeper_docs.feature")),
    ("hemma_layering.feature", include_str!("../features/hemma_layering.feature")),
];

#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    pub project_dir: PathBuf,
    /// Cucumber tag expression, e.g. `@static and not @hemma`.
    pub tags: Option<String>,
    /// Where to write cucumber.json and junit.xml.
    pub report: Option<PathBuf>,
    /// Run these feature files instead of the compiled-in ones.
    pub features: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Target(#[from] TargetError),
    #[error("layering \"{layering}\": {source}")]
    Compose { layering: String, source: ComposeError },
    #[error("invalid --tags expression \"{expr}\": {message}")]
    Tags { expr: String, message: String },
    #[error("{what}: {source}")]
    Io { what: String, source: io::Error },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

#[derive(Debug, Clone)]
pub struct ScenarioResult {
    pub feature: String,
    pub name: String,
    pub tags: Vec<String>,
    pub status: Status,
    /// The failing step's message (expected vs observed), if any.
    pub message: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub scenarios: Vec<ScenarioResult>,
    pub wall_seconds: f64,
}

impl Outcome {
    pub fn count(&self, s: Status) -> usize {
        self.scenarios.iter().filter(|r| r.status == s).count()
    }

    pub fn failed_names(&self) -> Vec<String> {
        self.scenarios.iter().filter(|r| r.status != Status::Passed).map(|r| r.name.clone()).collect()
    }

    /// Exit 0 only when scenarios ran and every one passed.
    pub fn success(&self) -> bool {
        !self.scenarios.is_empty() && self.scenarios.iter().all(|r| r.status == Status::Passed)
    }
}

pub fn parse_tags(expr: &str) -> Result<TagOperation, RunError> {
    expr.parse::<TagOperation>().map_err(|e| RunError::Tags { expr: expr.into(), message: e.to_string() })
}

/// Evaluates a tag expression against a scenario's tags (with or without `@`).
pub fn tags_match(op: &TagOperation, tags: &[String]) -> bool {
    match op {
        TagOperation::And(a, b) => tags_match(a, tags) && tags_match(b, tags),
        TagOperation::Or(a, b) => tags_match(a, tags) || tags_match(b, tags),
        TagOperation::Not(a) => !tags_match(a, tags),
        TagOperation::Tag(t) => {
            let t = t.trim_start_matches('@');
            tags.iter().any(|x| x.trim_start_matches('@') == t)
        }
    }
}

/// Loads the target and resolves every layering through the compose CLI.
/// Bad input fails here, before any scenario runs.
pub fn load_context(opts: &VerifyOptions) -> Result<RunContext, RunError> {
    let target = Target::load(&opts.project_dir)?;
    let mut models = BTreeMap::new();
    for (layering, files) in &target.layerings {
        let cli = ComposeCli::new(files.clone(), &target.project_directory);
        let model = cli.config().map_err(|source| RunError::Compose { layering: layering.clone(), source })?;
        models.insert(layering.clone(), Arc::new(model));
    }
    Ok(RunContext { target, models })
}

fn materialize_features() -> Result<PathBuf, RunError> {
    let dir = std::env::temp_dir().join(format!("kraft-acceptance-features-{}", std::process::id()));
    let io = |source| RunError::Io { what: format!("writing features to {}", dir.display()), source };
    std::fs::create_dir_all(&dir).map_err(io)?;
    for (name, text) in FEATURES {
        std::fs::write(dir.join(name), text).map_err(io)?;
    }
    Ok(dir)
}

/// An in-memory sink the JSON and JUnit writers share with the runner.
#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().map_err(|_| io::Error::other("poisoned"))?.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl SharedBuf {
    fn take(&self) -> Vec<u8> {
        self.0.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
    }
}

/// Runs the selected scenarios and returns what happened to each.
pub async fn verify(opts: &VerifyOptions) -> Result<Outcome, RunError> {
    let started = Instant::now();
    let filter = opts.tags.as_deref().map(parse_tags).transpose()?;
    let ctx = load_context(opts)?;
    world::install(ctx);

    let features_dir = match &opts.features {
        Some(d) => d.clone(),
        None => materialize_features()?,
    };
    let json = SharedBuf::default();
    let junit = SharedBuf::default();
    let writer = writer::Basic::raw(io::stdout(), Coloring::Auto, 0)
        .summarized()
        .tee::<AcceptanceWorld, _>(writer::Json::for_tee(json.clone()))
        .tee::<AcceptanceWorld, _>(writer::JUnit::for_tee(junit.clone(), 0))
        .normalized();
    AcceptanceWorld::cucumber()
        .with_writer(writer)
        .fail_on_skipped()
        .with_default_cli()
        .filter_run(features_dir.clone(), move |feature, rule, scenario| {
            let Some(op) = &filter else { return true };
            let tags: Vec<String> = scenario
                .tags
                .iter()
                .chain(rule.iter().flat_map(|r| &r.tags))
                .chain(&feature.tags)
                .cloned()
                .collect();
            tags_match(op, &tags)
        })
        .await;
    if opts.features.is_none() {
        let _ = std::fs::remove_dir_all(&features_dir);
    }

    let json = json.take();
    let scenarios = scenarios_from_json(&json);
    if let Some(dir) = &opts.report {
        let io = |source| RunError::Io { what: format!("writing report to {}", dir.display()), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        std::fs::write(dir.join("cucumber.json"), &json).map_err(io)?;
        std::fs::write(dir.join("junit.xml"), junit.take()).map_err(io)?;
    }
    Ok(Outcome { scenarios, wall_seconds: started.elapsed().as_secs_f64() })
}

/// Reads scenario results back from the Cucumber JSON the run wrote.
pub fn scenarios_from_json(bytes: &[u8]) -> Vec<ScenarioResult> {
    let Ok(serde_json::Value::Array(features)) = serde_json::from_slice(bytes) else { return Vec::new() };
    let mut out = Vec::new();
    for f in &features {
        let feature = f["name"].as_str().unwrap_or_default().to_string();
        for el in f["elements"].as_array().into_iter().flatten() {
            let steps = el["steps"].as_array().cloned().unwrap_or_default();
            let statuses: Vec<&str> = steps.iter().filter_map(|s| s["result"]["status"].as_str()).collect();
            let status = if statuses.iter().any(|s| *s == "failed") {
                Status::Failed
            } else if statuses.is_empty() || statuses.iter().any(|s| *s != "passed") {
                Status::Skipped
            } else {
                Status::Passed
            };
            let message = steps.iter().find_map(|s| s["result"]["error_message"].as_str().map(step_message));
            out.push(ScenarioResult {
                feature: feature.clone(),
                name: el["name"].as_str().unwrap_or_default().to_string(),
                tags: el["tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t["name"].as_str().map(str::to_string))
                    .collect(),
                status,
                message,
            });
        }
    }
    out
}

/// The step's own message: cucumber prefixes a failed step's text with
/// where it panicked; the verdict (expected/observed) follows this marker.
fn step_message(raw: &str) -> String {
    const MARK: &str = "Captured output: ";
    raw.split_once(MARK).map_or(raw, |(_, m)| m).trim().to_string()
}

/// A features directory given on the command line must exist.
pub fn check_features_dir(p: &Path) -> Result<(), RunError> {
    if p.is_dir() {
        Ok(())
    } else {
        Err(RunError::Io { what: format!("features directory {}", p.display()), source: io::ErrorKind::NotFound.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_expressions() {
        let t = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let op = parse_tags("@static and not @hemma").unwrap();
        assert!(tags_match(&op, &t(&["static"])));
        assert!(!tags_match(&op, &t(&["static", "hemma"])));
        assert!(!tags_match(&op, &t(&["runtime"])));
        assert!(parse_tags("@a and").is_err());
    }

    #[test]
    fn reads_scenarios_from_cucumber_json() {
        let j = br#"[{"name":"F","elements":[
            {"name":"ok","tags":[{"name":"@static"}],"steps":[{"result":{"status":"passed"}}]},
            {"name":"bad","steps":[{"result":{"status":"passed"}},{"result":{"status":"failed","error_message":"Step panicked. Captured output: expected: x"}}]},
            {"name":"skip","steps":[{"result":{"status":"skipped"}}]}]}]"#;
        let s = scenarios_from_json(j);
        assert_eq!(s.iter().map(|r| r.status.clone()).collect::<Vec<_>>(), vec![Status::Passed, Status::Failed, Status::Skipped]);
        assert_eq!(s[1].message.as_deref(), Some("expected: x"));
        assert_eq!(s[0].tags, vec!["@static"]);
    }
}
