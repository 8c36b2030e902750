//! The stack under test. Owned mode (CI): a unique compose project per run,
//! started once with the exact `docker compose up -d kafka redis`, torn down
//! (`down -v`) on success, failure, panic and SIGINT/SIGTERM unless kept.
//! Everything that can be wrong with the machine is checked before anything
//! starts.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use crate::compose::{one_line, ComposeCli, ComposeError, ComposeModel};
use crate::probes::engine::{self, ContainerInfo, Engine, EngineError};

/// The criterion's command starts exactly these services.
pub const UP_SERVICES: [&str; 2] = ["kafka", "redis"];
/// The stand-in override, compiled in so the binary carries it.
pub const STANDIN_OVERRIDE: &str = include_str!("../fixtures/standin/docker-compose.standin.yml");
pub const STANDIN_NOTE: &str = "stand-in images (no registry reachable): tansu 0.6.0 Kafka-protocol broker for \
apache/kafka:3.8.0, Debian redis-server 7.0 for redis; tansu has no KRaft quorum";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImageChoice {
    /// The target's images when present locally, else the stand-in.
    Auto,
    /// The target's own images (apache/kafka:3.8.0, redis) only.
    Real,
    /// The locally built stand-in images.
    Standin,
}

#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error("{0}")]
    Engine(#[from] EngineError),
    #[error("{0}")]
    Compose(#[from] ComposeError),
    #[error("image {image} (service {service}) is not present locally and no registry is reachable; {hint}")]
    ImageMissing { service: String, image: String, hint: String },
    #[error("host port {addr} is already in use (published by service {service}); free it or stop what holds it")]
    PortTaken { addr: String, service: String },
    #[error("{0}")]
    Io(String),
    #[error("project {project} has no running container of service {service}; is it deployed? (docker compose -p {project} ps)")]
    NotRunning { project: String, service: String },
}

#[derive(Debug, Clone)]
pub struct UpResult {
    pub command: String,
    pub ok: bool,
    pub output: String,
    pub seconds: f64,
}

/// What a bounded wait for a service saw last.
#[derive(Debug, Clone)]
pub struct Readiness {
    pub service: String,
    pub healthy: bool,
    /// container status / health, e.g. "running/unhealthy", "exited (1)".
    pub state: String,
    pub last_check: Option<(i64, String)>,
    /// Container start to the engine's healthy transition (engine events).
    pub time_to_healthy: Option<f64>,
    pub waited: f64,
}

#[derive(Debug)]
pub struct Stack {
    pub project: String,
    pub cli: ComposeCli,
    pub engine: Engine,
    pub standin: bool,
    /// The model the stack runs (target files plus, if any, the stand-in).
    pub model: ComposeModel,
    up: OnceLock<UpResult>,
    /// pid of an in-flight `docker compose up`, so an interrupt can stop it.
    up_pid: AtomicU32,
    /// Host clock (unix s) just before `up`, to read the engine's events.
    pub since_s: i64,
    pub wait_limit: Duration,
    pub keep: bool,
    /// Attached to a deployment this run did not start: never changed.
    pub attached: bool,
    /// Held for the whole teardown, so every caller returns only once the
    /// stack is gone (an interrupt and the normal path can race).
    down_done: Mutex<bool>,
    ready: Mutex<BTreeMap<String, Arc<OnceCell<Readiness>>>>,
    _override_file: Option<tempfile::NamedTempFile>,
}

pub struct StackOptions {
    pub files: Vec<PathBuf>,
    /// `files` as compose already resolved them (for the image check).
    pub target_model: Arc<ComposeModel>,
    pub project_directory: PathBuf,
    pub images: ImageChoice,
    pub keep: bool,
    pub wait_limit: Duration,
}

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// Progress lines while waiting: always on a terminal, elsewhere with -v.
pub fn set_verbose(v: bool) {
    VERBOSE.store(v, Ordering::SeqCst);
}

/// The criterion's budget, shown beside the elapsed time while waiting.
const CRITERION_BUDGET_S: f64 = 60.0;

/// A project name no other run uses: lowercase, digits, dashes.
pub fn unique_project() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("kraftacc-{}-{:x}", std::process::id(), nanos & 0xfffff)
}

impl Stack {
    /// Preflight: engine, images, host ports. Starts nothing; errors here
    /// mean nothing was started. [`Stack::up`] starts the stack.
    pub async fn prepare(opts: StackOptions) -> Result<Arc<Stack>, StackError> {
        let engine = Engine::connect().await?;
        let target_model = &opts.target_model;

        let standin = match opts.images {
            ImageChoice::Standin => true,
            ImageChoice::Real => false,
            ImageChoice::Auto => !missing_images(&engine, target_model).await.is_empty(),
        };
        let mut files = opts.files.clone();
        let override_file = if standin {
            let f = tempfile::Builder::new()
                .prefix("kraft-acceptance-standin")
                .suffix(".yml")
                .tempfile()
                .map_err(|e| StackError::Io(format!("writing the stand-in override: {e}")))?;
            std::fs::write(f.path(), STANDIN_OVERRIDE).map_err(|e| StackError::Io(format!("writing the stand-in override: {e}")))?;
            files.push(f.path().to_path_buf());
            Some(f)
        } else {
            None
        };
        let project = unique_project();
        let cli = ComposeCli::new(files, &opts.project_directory).with_project(&project);
        let model = cli.config()?;

        if let Some((service, image)) = missing_images(&engine, &model).await.into_iter().next() {
            let hint = if standin {
                "run scripts/setup.sh to build the stand-in images".to_string()
            } else {
                "pull it, or run with --images standin after scripts/setup.sh".to_string()
            };
            return Err(StackError::ImageMissing { service, image, hint });
        }
        for service in UP_SERVICES {
            let Ok(svc) = model.service(service) else { continue };
            for p in &svc.ports {
                let Some(port) = p.published.as_deref().and_then(|s| s.parse::<u16>().ok()) else { continue };
                let ip = p.host_ip.clone().unwrap_or_else(|| "0.0.0.0".into());
                let addr = if ip.contains(':') { format!("[{ip}]:{port}") } else { format!("{ip}:{port}") };
                // Binding the address is how the engine will use it; nothing is sent.
                if TcpListener::bind(&addr).is_err() {
                    return Err(StackError::PortTaken { addr, service: service.to_string() });
                }
            }
        }

        Ok(Arc::new(Stack {
            project,
            cli,
            engine,
            standin,
            model,
            up: OnceLock::new(),
            up_pid: AtomicU32::new(0),
            since_s: Engine::now_s() - 1,
            wait_limit: opts.wait_limit,
            keep: opts.keep,
            attached: false,
            down_done: Mutex::new(false),
            ready: Mutex::new(BTreeMap::new()),
            _override_file: override_file,
        }))
    }

    /// A deployment that is already running (post-deploy verification). Only
    /// reads: compose `config`, engine inspect/list/events, sockets, clients.
    pub async fn attach(
        project: &str,
        files: Vec<PathBuf>,
        project_directory: &std::path::Path,
        wait_limit: Duration,
    ) -> Result<Arc<Stack>, StackError> {
        let engine = Engine::connect().await?;
        let cli = ComposeCli::new(files, project_directory).with_project(project);
        let model = cli.config()?;
        let containers = engine.project_containers(project).await?;
        let mut standin = false;
        for service in UP_SERVICES {
            let c = containers
                .iter()
                .find(|c| c.service == service && !c.oneoff && c.status == "running")
                .ok_or_else(|| StackError::NotRunning { project: project.into(), service: service.into() })?;
            standin |= c.image.starts_with("kraft-acceptance/standin-");
        }
        let up = OnceLock::new();
        let _ = up.set(UpResult {
            command: format!("attached to running project {project} (nothing started, stopped or removed)"),
            ok: true,
            output: String::new(),
            seconds: 0.0,
        });
        Ok(Arc::new(Stack {
            project: project.into(),
            cli,
            engine,
            standin,
            model,
            up,
            up_pid: AtomicU32::new(0),
            // Whatever the engine still holds of the project's history.
            since_s: 0,
            wait_limit,
            keep: true,
            attached: true,
            down_done: Mutex::new(true),
            ready: Mutex::new(BTreeMap::new()),
            _override_file: None,
        }))
    }

    /// The criterion's exact command: `docker compose up -d kafka redis`.
    pub fn up(&self) -> &UpResult {
        self.up.get_or_init(|| {
            if std::io::stderr().is_terminal() || VERBOSE.load(Ordering::SeqCst) {
                eprintln!("starting the stack: docker compose -p {} up -d {}", self.project, UP_SERVICES.join(" "));
            }
            let started = Instant::now();
            let mut args = vec!["up", "-d"];
            args.extend(UP_SERVICES);
            let command = format!("docker compose -p {} {}", self.project, args.join(" "));
            let result = self.cli.spawn(&args).and_then(|child| {
                self.up_pid.store(child.id(), Ordering::SeqCst);
                let out = child.wait_with_output().map_err(|e| ComposeError::Missing(e.to_string()));
                self.up_pid.store(0, Ordering::SeqCst);
                self.cli.check(&args, out?)
            });
            let seconds = started.elapsed().as_secs_f64();
            match result {
                Ok(out) => UpResult { command, ok: true, output: one_line(&String::from_utf8_lossy(&out.stderr)), seconds },
                Err(e) => UpResult { command, ok: false, output: e.to_string(), seconds },
            }
        })
    }

    /// The result of `up`, once it ran.
    pub fn up_result(&self) -> Option<&UpResult> {
        self.up.get()
    }

    /// Stops an in-flight `up` (an interrupt arrived while it ran).
    pub fn stop_up(&self) {
        let pid = self.up_pid.load(Ordering::SeqCst);
        if pid != 0 {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), nix::sys::signal::Signal::SIGTERM);
            for _ in 0..50 {
                if self.up_pid.load(Ordering::SeqCst) == 0 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    /// `down -v --remove-orphans`, once; with `--keep`, prints how to remove it.
    pub fn down(&self) -> Result<(), ComposeError> {
        if self.attached {
            return Ok(());
        }
        let mut done = self.down_done.lock().unwrap_or_else(|p| p.into_inner());
        if *done {
            return Ok(());
        }
        *done = true;
        if self.keep {
            eprintln!("kraft-acceptance: stack kept; remove it with: {}", self.down_command());
            return Ok(());
        }
        self.cli.run(&["down", "-v", "--remove-orphans", "--timeout", "5"]).map(|_| ())
    }

    pub fn down_command(&self) -> String {
        let files: Vec<String> = self.cli.files.iter().map(|f| format!("-f {}", f.display())).collect();
        format!("docker compose -p {} {} down -v", self.project, files.join(" "))
    }

    pub async fn containers(&self) -> Result<Vec<ContainerInfo>, EngineError> {
        self.engine.project_containers(&self.project).await
    }

    pub async fn service_container(&self, service: &str) -> Result<ContainerInfo, String> {
        let all = self.containers().await.map_err(|e| e.to_string())?;
        all.into_iter()
            .find(|c| c.service == service && !c.oneoff)
            .ok_or_else(|| format!("no container of service \"{service}\" in project {}", self.project))
    }

    /// Waits (once per service, shared by every scenario) until the service
    /// is healthy, has exited, has no healthcheck, or the wait limit passes.
    pub async fn readiness(&self, service: &str) -> Readiness {
        let cell = {
            let mut m = self.ready.lock().unwrap_or_else(|p| p.into_inner());
            m.entry(service.to_string()).or_default().clone()
        };
        cell.get_or_init(|| self.wait_ready(service)).await.clone()
    }

    async fn wait_ready(&self, service: &str) -> Readiness {
        let started = Instant::now();
        let budget = self.wait_limit.as_secs_f64();
        let tty = std::io::stderr().is_terminal();
        let verbose = VERBOSE.load(Ordering::SeqCst);
        let mut last_line = Instant::now() - Duration::from_secs(10);
        let mut r = Readiness {
            service: service.into(),
            healthy: false,
            state: "not created".into(),
            last_check: None,
            time_to_healthy: None,
            waited: 0.0,
        };
        loop {
            r.waited = started.elapsed().as_secs_f64();
            match self.service_container(service).await {
                Err(e) => r.state = e,
                Ok(c) => {
                    r.last_check = c.last_check.clone();
                    r.state = match (&c.health, c.status.as_str()) {
                        (_, "exited" | "dead") => format!("{} (exit {})", c.status, c.exit_code.unwrap_or(-1)),
                        (Some(h), s) => format!("{s}/{h}"),
                        (None, s) => format!("{s}, no healthcheck"),
                    };
                    let done = c.health.as_deref() == Some("healthy")
                        || matches!(c.status.as_str(), "exited" | "dead")
                        || (c.health.is_none() && c.status == "running");
                    if done {
                        r.healthy = c.health.as_deref() == Some("healthy");
                        break;
                    }
                }
            }
            if r.waited >= budget {
                break;
            }
            if tty || verbose {
                let check = r
                    .last_check
                    .as_ref()
                    .map(|(code, out)| format!(", last healthcheck: exit {code} {}", trim(out, 60)))
                    .unwrap_or_default();
                let line = format!(
                    "{service}: {}, {:.1} s / {CRITERION_BUDGET_S:.0} s (waiting up to {budget:.0} s){check}",
                    r.state, r.waited
                );
                if tty {
                    eprint!("\r\x1b[2K{line}");
                } else if last_line.elapsed() >= Duration::from_secs(2) {
                    // Not a terminal: a line every 2 s, not a redraw.
                    eprintln!("{line}");
                    last_line = Instant::now();
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        if tty {
            eprint!("\r\x1b[2K");
        }
        if r.healthy {
            // The measurement comes from the engine's own event timestamps.
            let now = Engine::now_s() + 1;
            if let Ok(ev) = self.engine.project_events(&self.project, self.since_s, now).await {
                r.time_to_healthy = engine::time_to_healthy(&ev, service);
            }
        }
        r
    }

    /// `docker compose run --rm SERVICE` with a time limit: (exit code, output tail, seconds).
    pub async fn run_oneoff(&self, service: &str, limit: Duration) -> Result<(i32, String, f64), String> {
        let mut cmd = tokio::process::Command::new("docker");
        cmd.arg("compose").args(["--project-name", &self.project]);
        cmd.args(["--project-directory", &self.cli.project_directory.display().to_string()]);
        for f in &self.cli.files {
            cmd.arg("-f").arg(f);
        }
        cmd.args(["run", "--rm", "--no-TTY", service]).stdin(std::process::Stdio::null()).kill_on_drop(true);
        let started = Instant::now();
        let out = tokio::time::timeout(limit, cmd.output())
            .await
            .map_err(|_| format!("`docker compose run --rm {service}` still running after {} s", limit.as_secs()))?
            .map_err(|e| format!("running docker compose: {e}"))?;
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let tail: Vec<&str> = text.lines().rev().take(6).collect();
        let tail = tail.into_iter().rev().collect::<Vec<_>>().join(" | ");
        Ok((out.status.code().unwrap_or(-1), tail, started.elapsed().as_secs_f64()))
    }
}

fn trim(s: &str, n: usize) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() > n { format!("{}…", s.chars().take(n).collect::<String>()) } else { s }
}

/// (service, image) of the started services whose image is not present.
async fn missing_images(engine: &Engine, model: &ComposeModel) -> Vec<(String, String)> {
    let mut missing = Vec::new();
    for service in UP_SERVICES.iter().copied().chain(["kafka_topic_setup"]) {
        let Some(image) = model.services.get(service).and_then(|s| s.image.clone()) else { continue };
        if engine.image_id(&image).await.is_none() {
            missing.push((service.to_string(), image));
        }
    }
    missing
}

/// Tears the stack down if nothing else did (panics unwind through here).
pub struct StackGuard(pub Arc<Stack>);

impl Drop for StackGuard {
    fn drop(&mut self) {
        if let Err(e) = self.0.down() {
            eprintln!("kraft-acceptance: teardown of {} failed: {e}", self.0.project);
        }
    }
}
