//! One run, from the selected scenarios to a typed [`Outcome`]:
//! options -> selection (and what is not run) -> stack (preflight, `up`)
//! -> cucumber with the steps -> collector -> outcome. Writing reports is
//! the caller's (see `report`).

pub mod collector;
pub mod console;
pub mod environment;
pub mod options;
pub mod outcome;
pub mod parser;
pub mod selection;
pub mod signals;
pub mod world;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cucumber::writer::{self, Coloring};
use cucumber::{World as _, WriterExt as _};

use crate::probes::compose::{ComposeCli, ComposeError};
use crate::probes::repo::find_manifest;
use crate::stack::lifecycle::StackGuard;
use crate::stack::{Stack, StackError, StackOptions};
use crate::target::{Target, TargetError};
use collector::Collector;
pub use options::VerifyOptions;
use outcome::Outcome;
use selection::{Policy, SelectionError, RUNTIME_TAG};
use world::{AcceptanceWorld, RunContext};

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Target(#[from] TargetError),
    #[error("layering \"{layering}\": {source}")]
    Compose {
        layering: String,
        source: ComposeError,
    },
    #[error(transparent)]
    Selection(#[from] SelectionError),
    #[error("{what}: {source}")]
    Io { what: String, source: io::Error },
    #[error(transparent)]
    Stack(#[from] StackError),
    #[error("the runtime scenarios need the layering \"{0}\", which the target does not have")]
    NoRuntimeLayering(String),
    #[error(transparent)]
    Flag(#[from] options::FlagError),
    #[error("--layering {0}: the target has no such layering (layerings: {1})")]
    UnknownLayering(String, String),
    #[error("{0}: [layerings] is empty; a target needs at least one layering to verify")]
    NoLayerings(String),
    #[error(
        "--tags \"{0}\" selects only the upgrade rehearsal, which runs with --upgrade-to VERSION"
    )]
    OnlyOptIn(String),
}

/// A finished run: the typed outcome and what cucumber's own writers wrote.
pub struct Finished {
    pub outcome: Outcome,
    pub target: Target,
    /// The layering the runtime scenarios ran on, if any ran.
    pub layering: Option<String>,
    pub cucumber_json: String,
}

/// The compose CLI for a layering: its files, the project directory, the
/// target's profiles.
pub fn compose_for(target: &Target, layering: &str) -> Result<ComposeCli, RunError> {
    let files = target
        .layerings
        .get(layering)
        .cloned()
        .ok_or_else(|| RunError::NoRuntimeLayering(layering.into()))?;
    let env_files = target.env_files.get(layering).cloned().unwrap_or_default();
    Ok(ComposeCli::new(files, &target.project_directory)
        .with_profiles(&target.profiles)
        .with_env_files(&env_files))
}

fn resolve(
    target: &Target,
    layering: &str,
) -> Result<Arc<crate::model::compose::ComposeModel>, RunError> {
    compose_for(target, layering)?
        .config()
        .map(Arc::new)
        .map_err(|source| RunError::Compose {
            layering: layering.into(),
            source,
        })
}

/// Each layering's model, as compose resolved it.
type Models = BTreeMap<String, Arc<crate::model::compose::ComposeModel>>;

/// Resolves every layering through the compose CLI, concurrently (each is a
/// `docker compose config`). Bad input fails here, before any scenario runs.
fn resolve_all(target: &Target, skip: Option<&str>) -> Result<Models, RunError> {
    std::thread::scope(|s| {
        let handles: Vec<_> = target
            .layerings
            .keys()
            .filter(|l| Some(l.as_str()) != skip)
            .map(|l| (l.clone(), s.spawn(move || resolve(target, l))))
            .collect();
        handles
            .into_iter()
            .map(|(l, h)| {
                let panicked = || RunError::Io {
                    what: format!("resolving layering \"{l}\""),
                    source: io::Error::other("the thread panicked"),
                };
                h.join().unwrap_or_else(|_| Err(panicked())).map(|m| (l, m))
            })
            .collect()
    })
}

/// Every layering but `skip` (the one an owned stack resolves itself), on
/// a blocking thread beside the preflight: `up` then runs alone, and bad
/// input fails before anything starts.
fn resolve_others(
    target: &Target,
    skip: Option<String>,
) -> tokio::task::JoinHandle<Result<Models, RunError>> {
    let target = target.clone();
    tokio::task::spawn_blocking(move || resolve_all(&target, skip.as_deref()))
}

/// The criterion's `up`, on a blocking thread (an interrupt is still
/// heard); returns its command, said. The result stays with the stack.
async fn up(s: Arc<Stack>) -> String {
    tokio::task::spawn_blocking(move || s.up().command.clone())
        .await
        .unwrap_or_else(|_| "docker compose up (panicked)".into())
}

/// Whether the registries can be asked, measured on Kafka's image: `Some`
/// with the engine's own error when a network failure, not a registry's
/// answer, stopped the lookup (offline), or the engine does not answer.
async fn registry_unreachable(ctx: &RunContext) -> Option<String> {
    use crate::verdicts::images::{classify, Lookup};
    let engine = match ctx.engine().await {
        Ok(e) => e,
        Err(e) => {
            return Some(format!(
                "the registries are asked through the Docker Engine, which does not answer: {e}"
            ))
        }
    };
    let image = ctx.models.values().find_map(|m| {
        m.services
            .get(&ctx.target.names.kafka)
            .and_then(|s| s.image.clone())
    })?;
    match engine.distribution(&image).await {
        Ok(_) => None,
        Err(e) => match classify(&crate::probes::compose::one_line(&e.to_string())) {
            Lookup::Unreachable(why) => Some(format!(
                "registry not reachable (measured: looking up {image}: {why})"
            )),
            Lookup::Answered(_) => None,
        },
    }
}

/// What this machine can do for the selected scenarios: ask the
/// registries, run Kafka's own setup (never on a deployment attached to).
async fn machine_policy(policy: &mut Policy, ctx: &RunContext, selected: &[selection::Selected]) {
    if selected.iter().any(|s| s.has(selection::REGISTRY_TAG)) {
        policy.registry_unreachable = registry_unreachable(ctx).await;
    }
    if !ctx.read_only {
        let layerings = selected
            .iter()
            .filter(|s| s.has(selection::KAFKA_SETUP_TAG))
            .flat_map(|s| s.layerings.clone())
            .collect();
        policy.kafka_setup_unavailable = kafka_setup_unavailable(ctx, layerings).await;
    }
}

/// Why Kafka's own setup of the Kafka nodes of `layerings` cannot run
/// here: no engine answers, or a node's image is neither on the engine nor
/// built here for its version.
async fn kafka_setup_unavailable(
    ctx: &RunContext,
    layerings: std::collections::BTreeSet<String>,
) -> Option<String> {
    if layerings.is_empty() {
        return None;
    }
    let engine = match ctx.engine().await {
        Ok(e) => e,
        Err(e) => {
            return Some(format!(
                "Kafka's own setup and format judge the settings and run on the Docker Engine, which does not answer: {e}"
            ))
        }
    };
    let t = &ctx.target;
    for l in &layerings {
        let Some(m) = ctx.models.get(l) else { continue };
        let mut nodes = crate::model::cluster::kafka_services(
            m,
            &t.names.kafka,
            &t.kafka_nodes,
            t.bootstrap_service(),
        );
        nodes.retain(|n| m.services.contains_key(n));
        if let Err(why) = crate::stack::kafka_setup::images(&engine, m, &nodes).await {
            return Some(format!(
                "no image to run Kafka's own setup of the \"{l}\" layering: {why}"
            ));
        }
    }
    None
}

/// An in-memory sink the JSON writer shares with the runner.
#[derive(Clone, Default)]
struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| io::Error::other("poisoned"))?
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl SharedBuf {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|v| crate::redact::redact(&String::from_utf8_lossy(&v)))
            .unwrap_or_default()
    }
}

/// The stack of a run, by its layering, when a selected scenario needs one.
type RunStack = Option<(String, Arc<Stack>)>;

/// Runs the selected scenarios and returns what happened to each:
/// selection, the stack's preflight (or attach) while the other layerings
/// resolve, `up`, what will not run and why, cucumber, and the typed outcome.
pub async fn verify(opts: &VerifyOptions) -> Result<Finished, RunError> {
    let started = Instant::now();
    let mut phases = Phases::new(started);
    crate::stack::progress::set_verbose(opts.verbose);
    let (target, sources, selected, unselected) = select(opts)?;
    // Attached, Kafka's setup is read from the running nodes.
    let needs_stack = selected.iter().any(|s| {
        s.has(RUNTIME_TAG) || (opts.attached().is_some() && s.has(selection::KAFKA_SETUP_TAG))
    });
    let (models, stack) = models_and_stack(opts, &target, needs_stack).await?;
    let guard = stack.as_ref().map(|(_, s)| StackGuard(s.clone()));
    phases.mark("preflight");
    let up = match stack.as_ref() {
        Some((_, s)) => Some(up(s.clone()).await),
        None => None,
    };
    // Only the environment section needs it: read while the scenarios run.
    let compose_version = std::thread::spawn(environment::compose_version);
    phases.mark("up");

    let mut policy = base_policy(opts, &target, needs_stack);
    let mut ctx = RunContext::new(target, models);
    if let (Some((layering, s)), Some(command)) = (&stack, up) {
        console::print(format_args!(
            "kraft-acceptance: stack {} ({command}, layering {layering}), images: {}\n",
            s.project, s.images.description
        ));
        stack_policy(&mut policy, opts, &ctx.target, s);
        ctx.read_only = s.attached();
        ctx.stack = Some(s.clone());
    }
    ctx.read_only |= opts.attached().is_some();
    machine_policy(&mut policy, &ctx, &selected).await;
    let mut not_run = selection::not_run(&selected, &policy);
    let ctx = world::install(ctx);
    let run: std::collections::BTreeSet<String> = selected
        .iter()
        .map(|s| s.name.clone())
        .filter(|n| !not_run.iter().any(|x| &x.name == n))
        .collect();
    count_run(&ctx, &selected, &run);
    let (json, collector) = run_cucumber(sources, run).await;
    phases.mark("scenarios");
    let environment = environment_after(&stack, compose_version).await;
    phases.mark("environment read");
    drop(guard);
    phases.mark("teardown");
    ctx.measure(phases.line());
    not_run.extend(unselected);
    let outcome = outcome(&ctx, collector.results(), not_run, environment, started);
    Ok(Finished {
        outcome,
        target: ctx.target.clone(),
        layering: stack.map(|(l, _)| l),
        cucumber_json: json.text(),
    })
}

/// The target, the features, and the scenarios selected and left out.
#[allow(clippy::type_complexity)]
fn select(
    opts: &VerifyOptions,
) -> Result<
    (
        Target,
        Vec<(String, String)>,
        Vec<selection::Selected>,
        Vec<outcome::NotRun>,
    ),
    RunError,
> {
    opts.check()?;
    crate::probes::compose::set_default_limit(Duration::from_secs_f64(opts.compose_limit));
    let filter = opts
        .tags
        .as_deref()
        .map(selection::parse_tags)
        .transpose()?;
    let target = Target::load(&opts.project_dir)?;
    if target.layerings.is_empty() {
        let toml = target.dir.join(crate::target::CONFIG_FILE);
        return Err(RunError::NoLayerings(toml.display().to_string()));
    }
    if let Some(l) = opts.layering.as_ref() {
        if !target.layerings.contains_key(l) {
            let known: Vec<&str> = target.layerings.keys().map(String::as_str).collect();
            return Err(RunError::UnknownLayering(l.clone(), known.join(", ")));
        }
    }
    let sources = selection::feature_sources(opts.features.as_deref())?;
    let (selected, unselected) = selection::select(
        selection::scenarios(&sources)?,
        filter.as_ref(),
        opts.tags.as_deref(),
    );
    // The rehearsal is no criterion: unasked, it is not part of the run.
    let (selected, opted_out) = selection::opt_in(selected, opts.upgrade_to.is_some());
    if selected.is_empty() && opted_out > 0 {
        return Err(RunError::OnlyOptIn(opts.tags.clone().unwrap_or_default()));
    }
    Ok((target, sources, selected, unselected))
}

/// Every layering's model, resolved while the stack (if any) is prepared
/// and started; the names the target gives checked against each.
async fn models_and_stack(
    opts: &VerifyOptions,
    target: &Target,
    needs_stack: bool,
) -> Result<(Models, RunStack), RunError> {
    let layering = opts.runtime_layering(target.layerings.contains_key("hemma"));
    let owned = needs_stack && opts.attached().is_none();
    let rest = resolve_others(target, owned.then(|| layering.clone()));
    let stack = match needs_stack {
        true => Some(start_stack(opts, target, layering).await?),
        false => None,
    };
    let mut models = rest.await.map_err(|e| RunError::Io {
        what: "resolving the layerings".into(),
        source: io::Error::other(e),
    })??;
    if let Some((layering, s)) = stack.as_ref().filter(|(_, s)| !s.attached()) {
        models.insert(layering.clone(), s.target_model.clone());
    }
    for (layering, m) in &models {
        target.check_names(layering, m)?;
    }
    Ok((models, stack))
}

/// The environment the run happened in, read before teardown. An engine
/// that went away mid-run: its watchdog ends the run (and removes the stack
/// once the engine is back); teardown cannot run now.
async fn environment_after(
    stack: &RunStack,
    compose_version: std::thread::JoinHandle<String>,
) -> outcome::Environment {
    if let Some((_, s)) = stack.as_ref().filter(|(_, s)| !s.attached()) {
        if s.engine.answers().await.is_err() {
            signals::wait_for_teardown().await;
        }
    }
    let compose_version = compose_version
        .join()
        .unwrap_or_else(|_| "not available".into());
    environment::read(stack.as_ref().map(|(_, s)| s.as_ref()), compose_version).await
}

/// The stack the runtime scenarios use: the deployment attached to, or one
/// prepared (preflight) for `up`, with its teardown on a signal or an engine
/// that goes away.
async fn start_stack(
    opts: &VerifyOptions,
    target: &Target,
    layering: String,
) -> Result<(String, Arc<Stack>), RunError> {
    let cli = compose_for(target, &layering)?;
    let wait_limit = Duration::from_secs_f64(opts.wait_limit);
    let services = crate::stack::Services::of(target);
    if let Some(project) = opts.attached() {
        return Ok((
            layering,
            Stack::attach(project, cli, wait_limit, services).await?,
        ));
    }
    let options = StackOptions {
        cli,
        images: opts.images,
        keep: opts.keep,
        wait_limit,
        lock_wait: Duration::from_secs_f64(opts.lock_wait),
        services,
        upgrade_to: opts.upgrade_to.clone(),
    };
    let stack = Stack::prepare(options).await.map_err(|e| match e {
        // Preflight runs compose only to resolve the files.
        StackError::Compose(source) => RunError::Compose {
            layering: layering.clone(),
            source,
        },
        e => e.into(),
    })?;
    // From here on an interrupt tears down whatever `up` created.
    signals::teardown_on_signal(stack.clone());
    signals::end_on_engine_loss(stack.clone());
    Ok((layering, stack))
}

/// What the run knows of the target and this host before any stack.
fn base_policy(opts: &VerifyOptions, target: &Target, needs_stack: bool) -> Policy {
    Policy {
        host_checks: opts.host_checks,
        root: nix::unistd::geteuid().is_root(),
        stack: needs_stack,
        no_validators: target.validators.is_empty(),
        nothing_to_scan: nothing_to_scan(target),
        no_redis: target.not_needed(crate::target::SEED_REDIS),
        layerings: target.layerings.keys().cloned().collect(),
        bootstrap: Some(target.bootstrap.clone()),
        ..Default::default()
    }
}

/// Why the ZooKeeper scan has nothing to read: no scan path exists.
fn nothing_to_scan(target: &Target) -> Option<String> {
    if target.scan_paths.iter().any(|p| p.exists()) {
        return None;
    }
    let named = if target.scan_paths.is_empty() {
        "scan_paths in kraft-acceptance.toml is empty".to_string()
    } else {
        let shown: Vec<String> = target
            .scan_paths
            .iter()
            .map(|p| target.display(p))
            .collect();
        format!("none of {} exists", shown.join(", "))
    };
    Some(format!(
        "nothing to scan (no docs, scripts, README): {named}"
    ))
}

/// What the stack adds: its images, whether it is attached, its manifest.
fn stack_policy(policy: &mut Policy, opts: &VerifyOptions, target: &Target, s: &Stack) {
    policy.attached = s.attached();
    policy.single_node = s.services.nodes.len() < 2;
    policy.run_topic_setup = opts.run_topic_setup;
    // A manifest that cannot be read fails the scenarios that read it.
    policy.no_manifest = matches!(
        find_manifest(target, &s.model, target.bootstrap_service()),
        Ok(None)
    );
}

/// How many scenarios the run executes, and how many of them recreate or
/// stop containers (they wait for the others, then take turns).
fn count_run(
    ctx: &RunContext,
    selected: &[selection::Selected],
    run: &std::collections::BTreeSet<String>,
) {
    use std::sync::atomic::Ordering::SeqCst;
    ctx.scenarios.store(run.len(), SeqCst);
    let disruptive = selected
        .iter()
        .filter(|s| run.contains(&s.name) && s.has(selection::RECREATES_TAG))
        .count();
    ctx.disruptive.store(disruptive, SeqCst);
}

/// Cucumber on exactly the scenarios named in `run`, its JSON writer and
/// the run's own collector side by side (junit.xml is written from the
/// outcome).
async fn run_cucumber(
    sources: Vec<(String, String)>,
    run: std::collections::BTreeSet<String>,
) -> (SharedBuf, Collector) {
    let (json, collector) = (SharedBuf::default(), Collector::default());
    let writer = writer::Basic::raw(console::Stdout, Coloring::Auto, 0)
        .summarized()
        .tee::<AcceptanceWorld, _>(writer::Json::for_tee(json.clone()))
        .tee::<AcceptanceWorld, _>(
            collector
                .clone()
                .discard_stats_writes()
                .discard_arbitrary_writes(),
        )
        .normalized();
    AcceptanceWorld::cucumber::<&str>()
        .with_parser(parser::Texts)
        .with_writer(writer)
        .fail_on_skipped()
        .with_default_cli()
        .before(|_, _, scenario, world| {
            world.scenario = scenario.name.clone();
            Box::pin(async {})
        })
        .after(|_, _, scenario, _, world| {
            if let Some(w) = world {
                use std::sync::atomic::Ordering::SeqCst;
                // The disruptive count first: a waiting turn never counts
                // this one among the others.
                let tag = |t: &String| t.trim_start_matches('@') == selection::RECREATES_TAG;
                if scenario.tags.iter().any(tag) {
                    w.ctx.finished_disruptive.fetch_add(1, SeqCst);
                }
                w.ctx.finished.fetch_add(1, SeqCst);
                w.end_turn();
            }
            Box::pin(async {})
        })
        .filter_run(sources, move |_, _, scenario| run.contains(&scenario.name))
        .await;
    (json, collector)
}

/// When each phase of a run ended: where a run's time goes (`measured:`).
struct Phases {
    last: Instant,
    spent: Vec<(&'static str, f64)>,
}

impl Phases {
    fn new(started: Instant) -> Self {
        Self {
            last: started,
            spent: Vec::new(),
        }
    }

    fn mark(&mut self, phase: &'static str) {
        let now = Instant::now();
        self.spent.push((phase, (now - self.last).as_secs_f64()));
        self.last = now;
    }

    fn line(&self) -> String {
        let parts: Vec<String> = self
            .spent
            .iter()
            .map(|(p, s)| format!("{p} {s:.2} s"))
            .collect();
        format!("run phases: {}", parts.join(", "))
    }
}

/// The typed outcome: each scenario with what its steps observed and warned.
fn outcome(
    ctx: &RunContext,
    mut scenarios: Vec<outcome::ScenarioResult>,
    not_run: Vec<outcome::NotRun>,
    environment: outcome::Environment,
    started: Instant,
) -> Outcome {
    let observed = ctx.observed.lock().map(|o| o.clone()).unwrap_or_default();
    let warnings = ctx.warnings.lock().map(|o| o.clone()).unwrap_or_default();
    for s in &mut scenarios {
        s.observed = observed.get(&s.name).cloned().unwrap_or_default();
        s.warned(warnings.get(&s.name).cloned().unwrap_or_default());
    }
    Outcome {
        scenarios,
        not_run,
        measurements: ctx
            .measurements
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default(),
        evidence: ctx.evidence.lock().map(|e| e.clone()).unwrap_or_default(),
        environment,
        wall_seconds: started.elapsed().as_secs_f64(),
        generated_at: crate::clock::utc_now(),
        drift: Vec::new(),
    }
}
