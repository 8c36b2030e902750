//! Helpers shared by the harness's own tests: run the real binary and read
//! its typed outcome back (outcome.json), never its text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kraft_acceptance::run::outcome::Outcome;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, on the stand-in images unless KRAFT_ACCEPTANCE_IMAGES says
/// otherwise: tests send nothing to registries outside this machine (the
/// registry tests start their own on 127.0.0.1). It runs in the source
/// tree with the reference as its target unless a test names another.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kraft-acceptance"));
    c.current_dir(root());
    c.env(
        "KRAFT_ACCEPTANCE_PROJECT_DIR",
        root().join("fixtures/reference"),
    );
    if std::env::var_os("KRAFT_ACCEPTANCE_IMAGES").is_none() {
        c.env("KRAFT_ACCEPTANCE_IMAGES", "standin");
    }
    c
}

pub struct Run {
    pub output: Output,
    /// The typed outcome, when the run got that far.
    pub outcome: Option<Outcome>,
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
    /// Names of the scenarios that did not pass.
    pub fn not_passed(&self) -> BTreeSet<String> {
        self.outcome
            .iter()
            .flat_map(|o| &o.scenarios)
            .filter(|s| !s.status.passed())
            .map(|s| s.name.clone())
            .collect()
    }
    /// Every failure, as a person reads it (expected, observed, evidence).
    pub fn failures(&self) -> Vec<String> {
        self.outcome
            .iter()
            .flat_map(|o| &o.scenarios)
            .filter_map(|s| s.failure.as_ref())
            .map(|f| f.to_string())
            .collect()
    }
}

/// `kraft-acceptance verify --project-dir DIR --tags TAGS --report <tmp>`.
pub fn verify(dir: &Path, tags: &str, extra: &[&str]) -> Run {
    verify_env(dir, tags, extra, &Default::default())
}

pub fn verify_env(dir: &Path, tags: &str, extra: &[&str], env: &BTreeMap<String, String>) -> Run {
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
    let outcome = std::fs::read(report.path().join("outcome.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("outcome.json"));
    Run { output, outcome }
}

/// A passing fixture by name (`fixtures/passing/NAME`), for a test that
/// holds something of that one fixture; it must exist.
pub fn passing(name: &str) -> PathBuf {
    let dir = root().join("fixtures/passing").join(name);
    assert!(dir.is_dir(), "no passing fixture {}", dir.display());
    dir
}

/// Every passing fixture, discovered: each directory of fixtures/passing.
pub fn all_passing() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/passing"))
        .expect("fixtures/passing")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// The passing fixtures that are repos of their own, not an overlay on a
/// base: no toml, or one with no `base` line.
pub fn passing_repos() -> Vec<PathBuf> {
    all_passing()
        .into_iter()
        .filter(|p| {
            let toml = std::fs::read_to_string(p.join("kraft-acceptance.toml"));
            !toml.is_ok_and(|t| t.lines().any(|l| l.trim_start().starts_with("base")))
        })
        .collect()
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
    pub env: BTreeMap<String, String>,
    /// Exactly the scenarios that must fail.
    pub fails: Vec<String>,
    /// Text some failure must show (what the criterion means was seen).
    pub messages: Vec<String>,
    /// Files of the variant the run changes on purpose, put back after it.
    #[serde(default)]
    pub restore: Vec<String>,
}

/// Every variant of fixtures/broken, with its expectation.
pub fn all_variants() -> Vec<(PathBuf, Expect)> {
    let mut out: Vec<(PathBuf, Expect)> = std::fs::read_dir(root().join("fixtures/broken"))
        .expect("fixtures/broken")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("expect.toml").is_file())
        .map(|p| {
            let text = std::fs::read_to_string(p.join("expect.toml")).expect("read expect.toml");
            let e: Expect =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, e)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The broken variants whose selection is `tag`, or `tag and ...` (a
/// variant that narrows the runtime suite to its own scenario).
pub fn broken_variants(tag: &str) -> Vec<(PathBuf, Expect)> {
    all_variants()
        .into_iter()
        .filter(|(_, e)| e.tags == tag || e.tags.starts_with(&format!("{tag} and ")))
        .collect()
}

/// Runs a variant and checks it failed exactly as its expect.toml says.
pub fn check_variant(dir: &Path, expect: &Expect) -> Result<Run, String> {
    let name = dir
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    let extra: Vec<&str> = expect.args.iter().map(String::as_str).collect();
    let kept: Vec<(PathBuf, Vec<u8>)> = expect
        .restore
        .iter()
        .map(|f| {
            (
                dir.join(f),
                std::fs::read(dir.join(f)).expect("a file to restore"),
            )
        })
        .collect();
    let run = verify_env(dir, &expect.tags, &extra, &expect.env);
    for (path, bytes) in kept {
        std::fs::write(&path, bytes).expect("restore a file the run changed");
    }
    if run.code() != Some(1) {
        return Err(format!(
            "{name}: exit {:?}, want 1 (a failed scenario)\n{}{}",
            run.code(),
            run.stdout(),
            run.stderr()
        ));
    }
    let want: BTreeSet<String> = expect.fails.iter().cloned().collect();
    if run.not_passed() != want {
        return Err(format!(
            "{name}: failed scenarios {:#?}, want exactly {want:#?}\n{}",
            run.not_passed(),
            run.stdout()
        ));
    }
    for s in run
        .outcome
        .iter()
        .flat_map(|o| &o.scenarios)
        .filter(|s| !s.status.passed())
    {
        match &s.failure {
            Some(f) if !f.expected.is_empty() && !f.observed.is_empty() => {}
            other => {
                return Err(format!(
                    "{name}: {} failed without expected vs observed: {other:?}",
                    s.name
                ))
            }
        }
    }
    let failures = run.failures();
    for want in &expect.messages {
        if !failures.iter().any(|m| m.contains(want.as_str())) {
            return Err(format!(
                "{name}: no failure shows {want:?}; failures: {failures:#?}"
            ));
        }
    }
    Ok(run)
}

/// Resources of a compose project still known to the engine.
pub fn leftovers(project: &str) -> Vec<String> {
    let label = format!("label=com.docker.compose.project={project}");
    let mut out = Vec::new();
    for (kind, args) in [
        ("container", vec!["ps", "-a", "-q", "--filter", &label]),
        ("network", vec!["network", "ls", "-q", "--filter", &label]),
        ("volume", vec!["volume", "ls", "-q", "--filter", &label]),
    ] {
        let o = Command::new("docker").args(&args).output().expect("docker");
        out.extend(
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(|id| format!("{kind} {id}")),
        );
    }
    // Images compose built for the run are named after its project.
    let o = Command::new("docker")
        .args(["images", "--format", "{{.Repository}}:{{.Tag}}"])
        .output()
        .expect("docker");
    let prefix = format!("{project}-");
    out.extend(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|r| r.starts_with(&prefix))
            .map(|r| format!("image {r}")),
    );
    out
}

/// The project a run started, from its stack line.
pub fn project_of(stdout: &str) -> Option<String> {
    stdout.lines().find_map(|l| {
        l.strip_prefix("kraft-acceptance: stack ")?
            .split_whitespace()
            .next()
            .map(str::to_string)
    })
}

/// Tests that start a stack share host ports 9093 and 6379: one at a time.
pub fn stack_lock() -> std::sync::MutexGuard<'static, ()> {
    static STACK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    STACK.lock().unwrap_or_else(|p| p.into_inner())
}

/// (containers, networks, volumes) the engine holds, all of them but the
/// short-lived ones of Kafka's setup, which other tests running at the same
/// time make and remove (`io.kraft-acceptance.kafka-setup`).
pub fn engine_counts() -> (usize, usize, usize) {
    let count = |args: &[&str]| {
        let o = Command::new("docker").args(args).output().expect("docker");
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.contains("io.kraft-acceptance.kafka-setup="))
            .count()
    };
    (
        count(&["ps", "-a", "--format", "{{.ID}} {{.Labels}}"]),
        count(&["network", "ls", "-q"]),
        count(&["volume", "ls", "--format", "{{.Name}} {{.Labels}}"]),
    )
}

/// What Kafka's own setup and format, as the harness runs them, say of each
/// of `services` of `model`, in order (`None`: they pass).
pub fn kafka_setup_refusals(
    model: &kraft_acceptance::model::compose::ComposeModel,
    services: &[String],
) -> Vec<Option<String>> {
    use kraft_acceptance::stack::kafka_setup;
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let engine = kraft_acceptance::probes::engine::Engine::connect()
            .await
            .expect("the engine");
        let images = kafka_setup::images(&engine, model, services)
            .await
            .expect("an image for the setup");
        kafka_setup::run_all(&engine, model, services, &images)
            .await
            .into_iter()
            .map(|r| r.expect("the setup ran").refusal())
            .collect()
    })
}

/// `check` on every item, `n` at a time; the errors.
pub fn each_at_most<T: Send + 'static>(
    n: usize,
    items: Vec<T>,
    check: impl Fn(T) -> Result<(), String> + Send + Sync + 'static,
) -> Vec<String> {
    let queue = std::sync::Arc::new(std::sync::Mutex::new(items));
    let check = std::sync::Arc::new(check);
    let workers: Vec<_> = (0..n)
        .map(|_| {
            let (queue, check) = (queue.clone(), check.clone());
            std::thread::spawn(move || {
                let mut errors = Vec::new();
                loop {
                    let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop();
                    let Some(item) = next else { break };
                    if let Err(e) = check(item) {
                        errors.push(e);
                    }
                }
                errors
            })
        })
        .collect();
    workers
        .into_iter()
        .flat_map(|w| w.join().expect("a worker"))
        .collect()
}

/// Entries of the temp directory that kraft-acceptance would have made.
pub fn temp_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(std::env::temp_dir())
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.retain(|n| n.starts_with("kraft-acceptance") || n.starts_with("kraftacc"));
    v.sort();
    v
}

/// The compose project of kraft-acceptance's whose owner is `pid`, once
/// its containers exist (waits up to a minute).
pub fn project_of_pid(pid: u32) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let o = Command::new("docker")
            .args([
                "ps",
                "-a",
                "--filter",
                &format!("label=io.kraft-acceptance.owner.pid={pid}"),
                "--format",
                "{{.Label \"io.kraft-acceptance.run\"}}",
            ])
            .output()
            .expect("docker ps");
        if let Some(p) = String::from_utf8_lossy(&o.stdout)
            .lines()
            .find(|l| !l.is_empty())
        {
            return p.to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no stack of pid {pid} appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Removes what killed runs of other tests left, so counts start clean.
pub fn clean_orphans() {
    let out = bin().arg("clean").output().expect("clean");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Owner files in the state directory (one per live or kept stack).
pub fn owner_files() -> Vec<String> {
    let dir = kraft_acceptance::dirs::state_dir().join("runs");
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
