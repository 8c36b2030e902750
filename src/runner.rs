//! Runs the Gherkin features against a target: the one runner behind both
//! `kraft-acceptance verify` and `cargo test` (tests/acceptance.rs).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::writer::{self, Coloring};
use cucumber::{World as _, WriterExt as _};

use crate::compose::{ComposeCli, ComposeError};
use crate::stack::{ImageChoice, Stack, StackError, StackGuard, StackOptions, STANDIN_NOTE};
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
    ("redis.feature", include_str!("../features/redis.feature")),
    ("hemma_host.feature", include_str!("../features/hemma_host.feature")),
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
    pub images: Option<ImageChoice>,
    /// Leave the stack up after the run.
    pub keep: bool,
    /// Longest wait for a service to become healthy (seconds); the 60 s
    /// criterion is judged on the engine's timestamps, not on this.
    pub wait_limit: Option<f64>,
    /// Verify this running compose project instead of starting one.
    pub attach: Option<String>,
    /// In attach mode, run the topic bootstrap (a change to the deployment).
    pub run_topic_setup: bool,
    /// The layering the runtime uses (default: hemma when attached, else
    /// infrastructure).
    pub layering: Option<String>,
    /// Run @host scenarios: they connect to this host's own non-loopback
    /// addresses and list its sockets, so only on the deployment host.
    pub host_checks: bool,
    /// Progress lines while waiting even when stderr is not a terminal.
    pub verbose: bool,
}

pub const DEFAULT_WAIT_LIMIT_S: f64 = 90.0;
pub const RUNTIME_TAG: &str = "runtime";
pub const KRAFT_WIRE_TAG: &str = "kraft-wire";
/// Scenarios that change the stack (run only on owned stacks, or when asked).
pub const CHANGES_TAG: &str = "changes-stack";
/// Scenarios that stand in, on an attached deployment, for a changing one.
pub const ATTACH_TAG: &str = "attach";
/// Scenarios that probe this host's own non-loopback addresses.
pub const HOST_TAG: &str = "host";

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
    #[error("{0}")]
    Stack(#[from] StackError),
    #[error("feature {file}: {message}")]
    Feature { file: String, message: String },
    #[error("the runtime scenarios need the layering \"{0}\", which the target does not have")]
    NoRuntimeLayering(String),
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
    /// Selected scenarios that were not run, with the reason.
    pub not_run: Vec<(String, String)>,
    /// Figures measured during the run.
    pub measurements: Vec<String>,
    /// Which images the stack ran, when there was one.
    pub images: Option<String>,
    pub wall_seconds: f64,
}

impl Outcome {
    /// The closing lines a person reads: what was not run, what was measured,
    /// and the count line.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for s in self.scenarios.iter().filter(|s| s.status != Status::Passed) {
            out.push_str(&format!("NOT PASSED [{:?}] {} / {}\n", s.status, s.feature, s.name));
            for l in s.message.as_deref().unwrap_or("").lines() {
                out.push_str(&format!("    {l}\n"));
            }
        }
        for (name, why) in &self.not_run {
            out.push_str(&format!("NOT RUN {name}: {why}\n"));
        }
        if let Some(i) = &self.images {
            out.push_str(&format!("images: {i}\n"));
        }
        for m in &self.measurements {
            out.push_str(&format!("measured: {m}\n"));
        }
        out.push_str(&format!("measured: suite wall time {:.2} s\n", self.wall_seconds));
        if !self.not_run.is_empty() {
            out.push_str(&format!("not run: {} scenario(s), listed above\n", self.not_run.len()));
        }
        out.push_str(&format!(
            "kraft-acceptance: {} passed, {} failed, {} skipped\n",
            self.count(Status::Passed),
            self.count(Status::Failed),
            self.count(Status::Skipped),
        ));
        out
    }

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
    Ok(RunContext { target, models, stack: None, read_only: false, measurements: Default::default(), evidence: Default::default() })
}

/// (file name, text) of the features to run.
fn feature_sources(opts: &VerifyOptions) -> Result<Vec<(String, String)>, RunError> {
    let Some(dir) = &opts.features else {
        return Ok(FEATURES.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect());
    };
    let io = |source| RunError::Io { what: format!("reading features from {}", dir.display()), source };
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io)? {
        let p = e.map_err(io)?.path();
        if p.extension().is_some_and(|x| x == "feature") {
            let name = p.file_name().unwrap_or_default().to_string_lossy().to_string();
            out.push((name, std::fs::read_to_string(&p).map_err(io)?));
        }
    }
    out.sort();
    Ok(out)
}

/// The scenarios the tag filter selects: (name, tags).
fn selected_scenarios(
    sources: &[(String, String)],
    filter: Option<&TagOperation>,
) -> Result<Vec<(String, Vec<String>)>, RunError> {
    let mut out = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for (file, text) in sources {
        let f = cucumber::gherkin::Feature::parse(text, Default::default())
            .map_err(|e| RunError::Feature { file: file.clone(), message: e.to_string() })?;
        let mut scenarios: Vec<(&cucumber::gherkin::Scenario, Vec<String>)> =
            f.scenarios.iter().map(|s| (s, Vec::new())).collect();
        for r in &f.rules {
            scenarios.extend(r.scenarios.iter().map(|s| (s, r.tags.clone())));
        }
        for (sc, rule_tags) in scenarios {
            let tags: Vec<String> = sc.tags.iter().chain(&rule_tags).chain(&f.tags).cloned().collect();
            if filter.is_none_or(|op| tags_match(op, &tags)) {
                out.push((sc.name.clone(), tags));
            }
            if !names.insert(sc.name.clone()) {
                return Err(RunError::Feature { file: file.clone(), message: format!("scenario name \"{}\" is used twice; names select scenarios, so they must be unique", sc.name) });
            }
        }
    }
    Ok(out)
}

fn has_tag(tags: &[String], tag: &str) -> bool {
    tags.iter().any(|t| t.trim_start_matches('@') == tag)
}

fn materialize(sources: &[(String, String)]) -> Result<PathBuf, RunError> {
    let dir = std::env::temp_dir().join(format!("kraft-acceptance-features-{}", std::process::id()));
    let io = |source| RunError::Io { what: format!("writing features to {}", dir.display()), source };
    std::fs::create_dir_all(&dir).map_err(io)?;
    for (name, text) in sources {
        std::fs::write(dir.join(name), text).map_err(io)?;
    }
    Ok(dir)
}

static INTERRUPTED: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// The exit code of the signal that interrupted the run, if one did.
pub fn interrupted() -> Option<i32> {
    Some(INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst)).filter(|c| *c != 0)
}

/// On SIGINT/SIGTERM: stop an in-flight `up`, tear the stack down, exit
/// 130/143. The normal path may finish meanwhile; it then waits for the
/// teardown (see [`Stack::down`]) and exits with the same code.
fn teardown_on_signal(stack: Arc<Stack>) {
    use tokio::signal::unix::{signal, SignalKind};
    tokio::spawn(async move {
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
            return;
        };
        let code = tokio::select! { _ = int.recv() => 130, _ = term.recv() => 143 };
        INTERRUPTED.store(code, std::sync::atomic::Ordering::SeqCst);
        eprintln!("\nkraft-acceptance: interrupted; tearing down {}", stack.project);
        stack.stop_up();
        if let Err(e) = stack.down() {
            eprintln!("kraft-acceptance: teardown failed: {e}");
        }
        std::process::exit(code);
    });
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
    crate::stack::set_verbose(opts.verbose);
    let filter = opts.tags.as_deref().map(parse_tags).transpose()?;
    let mut ctx = load_context(opts)?;
    let sources = feature_sources(opts)?;
    let selected = selected_scenarios(&sources, filter.as_ref())?;

    let mut not_run = Vec::new();
    let mut images = None;
    if !opts.host_checks {
        for (name, _) in selected.iter().filter(|(_, t)| has_tag(t, HOST_TAG)) {
            not_run.push((name.clone(), "host check: it connects to this host's own non-loopback addresses; run with --host-checks on the deployment host".to_string()));
        }
    }
    let stack = if selected.iter().any(|(_, t)| has_tag(t, RUNTIME_TAG)) {
        let default = if opts.attach.is_some() && ctx.target.layerings.contains_key("hemma") { "hemma" } else { "infrastructure" };
        let layering = opts.layering.clone().unwrap_or_else(|| default.to_string());
        let files = ctx.target.layerings.get(&layering).cloned().ok_or(RunError::NoRuntimeLayering(layering.clone()))?;
        let wait_limit = std::time::Duration::from_secs_f64(opts.wait_limit.unwrap_or(DEFAULT_WAIT_LIMIT_S));
        let stack = match &opts.attach {
            Some(project) => Stack::attach(project, files, &ctx.target.project_directory, wait_limit).await?,
            None => {
                let target_model = ctx.models[&layering].clone();
                let stack = Stack::prepare(StackOptions {
                    files,
                    target_model,
                    project_directory: ctx.target.project_directory.clone(),
                    images: opts.images.unwrap_or(ImageChoice::Auto),
                    keep: opts.keep,
                    wait_limit,
                })
                .await?;
                // From here on an interrupt tears down whatever `up` created.
                teardown_on_signal(stack.clone());
                stack
            }
        };
        let up = stack.up();
        let desc = if stack.standin { STANDIN_NOTE.to_string() } else { "the target's own images".to_string() };
        println!("kraft-acceptance: stack {} ({}, layering {layering}), images: {desc}", stack.project, up.command);
        let mut skip = |tag: &str, why: &str| {
            for (name, _) in selected.iter().filter(|(_, t)| has_tag(t, tag)) {
                not_run.push((name.clone(), why.to_string()));
            }
        };
        if stack.standin {
            skip(KRAFT_WIRE_TAG, "not run on the stand-in: tansu has no KRaft quorum (no metadata.version feature, no DescribeQuorum)");
        }
        if stack.attached {
            ctx.read_only = true;
            if !opts.run_topic_setup {
                skip(CHANGES_TAG, "attach mode is read-only; --run-topic-setup runs the bootstrap on the deployment");
            }
        } else {
            skip(ATTACH_TAG, "owned stack: the bootstrap scenario creates and checks the topics itself");
        }
        images = Some(desc);
        Some(stack)
    } else {
        None
    };
    let guard = stack.clone().map(StackGuard);
    ctx.stack = stack;
    let ctx = world::install(ctx);

    let features_dir = materialize(&sources)?;
    let json = SharedBuf::default();
    let junit = SharedBuf::default();
    let writer = writer::Basic::raw(io::stdout(), Coloring::Auto, 0)
        .summarized()
        .tee::<AcceptanceWorld, _>(writer::Json::for_tee(json.clone()))
        .tee::<AcceptanceWorld, _>(writer::JUnit::for_tee(junit.clone(), 0))
        .normalized();
    // The selection was made once, above; cucumber runs exactly that.
    let run: std::collections::BTreeSet<String> =
        selected.iter().map(|(n, _)| n.clone()).filter(|n| !not_run.iter().any(|(x, _)| x == n)).collect();
    AcceptanceWorld::cucumber()
        .with_writer(writer)
        .fail_on_skipped()
        .with_default_cli()
        .filter_run(features_dir.clone(), move |_, _, scenario| run.contains(&scenario.name))
        .await;
    let _ = std::fs::remove_dir_all(&features_dir);
    // What the report says about the environment is read before teardown.
    let env = match &opts.report {
        Some(_) => Some(environment(&ctx, images.as_deref()).await),
        None => None,
    };
    drop(guard);

    let json = crate::redact::redact(&String::from_utf8_lossy(&json.take()));
    let scenarios = scenarios_from_json(json.as_bytes());
    let measurements = ctx.measurements.lock().map(|m| m.clone()).unwrap_or_default();
    let outcome = Outcome { scenarios, not_run, measurements, images, wall_seconds: started.elapsed().as_secs_f64() };
    if let (Some(dir), Some(env)) = (&opts.report, env) {
        let io = |source| RunError::Io { what: format!("writing report to {}", dir.display()), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        std::fs::write(dir.join("cucumber.json"), &json).map_err(io)?;
        std::fs::write(dir.join("junit.xml"), crate::redact::redact(&String::from_utf8_lossy(&junit.take()))).map_err(io)?;
        let evidence = ctx.evidence.lock().map(|e| e.clone()).unwrap_or_default();
        let signoff = crate::report::SignOff { outcome: &outcome, target: &ctx.target, env, evidence, generated_at: utc_now() };
        crate::report::write(dir, &signoff).map_err(io)?;
    }
    Ok(outcome)
}

/// Engine, compose, stack and image identities for the report.
async fn environment(ctx: &RunContext, images: Option<&str>) -> crate::report::Environment {
    let engine = match &ctx.stack {
        Some(s) => Ok(s.engine.clone()),
        None => crate::probes::engine::Engine::connect().await,
    };
    let engine_version = match &engine {
        Ok(e) => e.version().await.map(|(v, api)| format!("Docker Engine {v} (API {api})")).unwrap_or_else(|e| e.to_string()),
        Err(e) => format!("not reachable: {e}"),
    };
    let compose = std::process::Command::new("docker")
        .args(["compose", "version", "--short"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| format!("Docker Compose {}", String::from_utf8_lossy(&o.stdout).trim()))
        .unwrap_or_else(|| "not available".into());
    let mut containers = Vec::new();
    let stack = match &ctx.stack {
        Some(s) => {
            for c in s.containers().await.unwrap_or_default() {
                containers.push((c.name, c.image, c.image_id.chars().take(19).collect()));
            }
            let mode = if s.attached { "attached to" } else { "owned project" };
            format!("{mode} {} ({})", s.project, s.up_result().map(|u| u.command.clone()).unwrap_or_default())
        }
        None => "none (static scenarios only)".into(),
    };
    crate::report::Environment {
        engine: engine_version,
        compose,
        stack,
        images: images.unwrap_or("none (no runtime scenario)").to_string(),
        containers,
    }
}

/// The current UTC time as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", rem / 3600, rem % 3600 / 60, rem % 60)
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


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_now_is_a_date() {
        let t = utc_now();
        assert_eq!(t.len(), 23, "{t}");
        assert!(t.starts_with("20") && t.ends_with(" UTC"), "{t}");
    }

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
