//! Before anything starts: the engine answers, the images are there, the
//! host ports are free. An error here means nothing was started.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::lock::HostLock;
use super::owner::{self, Owner};
use super::{reaper, Mode, Services, Stack, StackError};
use crate::model::compose::ComposeModel;
use crate::model::UpResult;
use crate::probes::compose::{ComposeCli, ComposeError};
use crate::probes::engine::Engine;

/// The stand-in override, compiled in so the binary carries it.
const STANDIN_OVERRIDE: &str = include_str!("../../fixtures/standin/docker-compose.standin.yml");
/// The bootstrap's image, for a bootstrap that runs one (not one it builds:
/// setting `image` beside `build` would tag the build as the stand-in).
const STANDIN_BOOTSTRAP_OVERRIDE: &str =
    include_str!("../../fixtures/standin/docker-compose.standin-bootstrap.yml");
/// What the stand-in images are, for Kafka `version`.
fn standin_note(version: &str) -> String {
    format!(
        "stand-in images: Apache Kafka {version} (release jars, image built locally; \
not the apache/kafka image) for apache/kafka:{version}, Debian redis-server 7.0 for redis"
    )
}
const STANDIN_PREFIX: &str = "kraft-acceptance/standin-";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImageChoice {
    /// The target's images when present locally, else the stand-in.
    Auto,
    /// The target's own images (apache/kafka:3.8.0, redis) only.
    Real,
    /// The locally built stand-in images.
    Standin,
}

/// Which images the stack runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Images {
    pub standin: bool,
    /// Said in words, for the terminal and the report.
    pub description: String,
}

impl Images {
    fn standin(version: &str, reason: &str) -> Self {
        Self {
            standin: true,
            description: format!("{}; stand-in because {reason}", standin_note(version)),
        }
    }

    fn real(how: &str) -> Self {
        Self {
            standin: false,
            description: format!("the target's own images ({how})"),
        }
    }
}

/// Longest a pull of the run's images may take.
const PULL_LIMIT: Duration = Duration::from_secs(600);

/// The images, each once, in the order first named.
fn names(images: &[(String, String)]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for (_, i) in images {
        if !out.contains(&i.as_str()) {
            out.push(i);
        }
    }
    out.join(", ")
}

/// Why a pull did not bring the images.
#[derive(Debug, thiserror::Error)]
enum PullError {
    #[error(transparent)]
    Compose(#[from] ComposeError),
    #[error("still pulling after {0} s")]
    Timeout(u64),
    /// The registry's (or the network's) own line.
    #[error("{0}")]
    Refused(String),
}

/// `docker compose pull SERVICE...`, bounded, with a progress line; the
/// error is compose's own, on one line.
fn pull(cli: &ComposeCli, missing: &[(String, String)], limit: Duration) -> Result<f64, PullError> {
    let started = std::time::Instant::now();
    let mut args = vec!["pull", "--quiet", "--ignore-buildable"];
    args.extend(missing.iter().map(|(s, _)| s.as_str()));
    let child = cli.spawn(&args)?;
    let mut progress = super::progress::Progress::new();
    let tick = |waited: Duration| {
        progress.show(&format!(
            "pulling {} ({:.0} s / {} s)",
            names(missing),
            waited.as_secs_f64(),
            limit.as_secs()
        ))
    };
    let out = match cli.finish(&args, child, limit, tick) {
        Err(ComposeError::TimedOut { .. }) => return Err(PullError::Timeout(limit.as_secs())),
        other => other,
    };
    drop(progress);
    match out {
        Ok(_) => Ok(started.elapsed().as_secs_f64()),
        // Compose reports each service's progress too; the error is the
        // registry's (or the network's) own line.
        Err(ComposeError::Failed { stderr, .. }) => Err(PullError::Refused(
            stderr
                .split(" | ")
                .filter(|l| l.contains("rror"))
                .last()
                .map(str::to_string)
                .unwrap_or(stderr),
        )),
        Err(e) => Err(e.into()),
    }
}

pub struct StackOptions {
    /// The target's layering: files, project directory, profiles.
    pub cli: ComposeCli,
    pub images: ImageChoice,
    pub keep: bool,
    pub wait_limit: Duration,
    /// Longest wait for another owned run to finish (the host lock).
    pub lock_wait: Duration,
    pub services: Services,
    /// `--upgrade-to VERSION`: the rehearsal's version, checked here.
    pub upgrade_to: Option<String>,
}

/// A project name no other run uses: lowercase, digits, dashes.
fn unique_project() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("kraftacc-{}-{:x}", std::process::id(), nanos & 0xfffff)
}

/// The stand-in override on disk, in the cache directory (one file per
/// content), so a kept stack's printed `down` command keeps working.
/// A stand-in override for the target's service names: the files spell the
/// seed's (`kafka`, `redis`, `kafka_topic_setup`).
pub(crate) fn renamed(content: &str, services: &Services) -> String {
    let mut out = content
        .replace("\n  kafka:\n", &format!("\n  {}:\n", services.up[0]))
        .replace(
            "\n  redis:\n",
            &format!("\n  {}:\n", services.up.get(1).map_or("redis", |r| r)),
        );
    if let Some(b) = &services.bootstrap {
        out = out.replace("\n  kafka_topic_setup:\n", &format!("\n  {b}:\n"));
    }
    out
}

/// The stand-in override with every other Kafka node of a cluster on the
/// Kafka image built here too (the file names Kafka's service alone).
pub(crate) fn with_nodes(content: &str, services: &Services) -> String {
    let image = format!("    image: {STANDIN_KAFKA}:{DEFAULT_VERSION}\n");
    let nodes: String = services.nodes[1..]
        .iter()
        .map(|n| format!("  {n}:\n{image}"))
        .collect();
    content.replacen("\nservices:\n", &format!("\nservices:\n{nodes}"), 1)
}

/// The Kafka image built here, by version (`kraft-acceptance/standin-kafka:VERSION`).
const STANDIN_KAFKA: &str = "kraft-acceptance/standin-kafka";
/// The version the override files name: the seed's.
const DEFAULT_VERSION: &str = "3.8.0";

/// The stand-in override with Kafka of `version` built here in place of
/// the seed's 3.8.0: a target runs its own version, never another.
pub(crate) fn versioned(content: &str, version: &str) -> String {
    content.replace(
        &format!("{STANDIN_KAFKA}:{DEFAULT_VERSION}"),
        &format!("{STANDIN_KAFKA}:{version}"),
    )
}

/// The Kafka version the target's Kafka service runs (its `apache/kafka`
/// or `apache/kafka-native` tag); the seed's for any other image.
fn target_version(model: &ComposeModel, services: &Services) -> String {
    services
        .up
        .first()
        .and_then(|k| model.services.get(k))
        .and_then(|s| s.image.as_deref())
        .and_then(crate::probes::kafka_setup::apache_kafka_version)
        .unwrap_or_else(|| DEFAULT_VERSION.to_string())
}

/// What `--upgrade-to` asks, from the version the target deploys.
async fn plan_upgrade(
    engine: &Engine,
    opts: &StackOptions,
    target: &ComposeModel,
    standin: bool,
) -> Result<Option<super::upgrade::Upgrade>, StackError> {
    let Some(to) = &opts.upgrade_to else {
        return Ok(None);
    };
    let from = target_version(target, &opts.services);
    let u = super::upgrade::plan(engine, target, &opts.services, standin, &from, to);
    Ok(Some(u.await?))
}

fn standin_override_file(content: &str) -> Result<PathBuf, StackError> {
    let hash = format!("{:x}", Sha256::digest(content.as_bytes()));
    let name = format!("docker-compose.standin-{}.yml", &hash[..12]);
    crate::dirs::cached_file(&name, content).map_err(|source| StackError::Override {
        path: crate::dirs::cache_dir().join(name),
        source,
    })
}

impl Stack {
    /// Preflight: engine, images, host ports. Starts nothing; errors here
    /// mean nothing was started. [`Stack::up`] starts the stack.
    pub(crate) async fn prepare(opts: StackOptions) -> Result<Arc<Stack>, StackError> {
        let project = unique_project();
        let engine = Engine::connect().await?;
        // One owned run per host: the next waits here, then clears what
        // runs that were killed left behind.
        let lock = HostLock::acquire(&project, opts.lock_wait)?;
        sweep_orphans(&engine).await?;
        let (models, services) = Models::resolve(&opts, &project)?;
        let opts = StackOptions { services, ..opts };
        let (standin, mut images) = choose_images(&engine, &opts, &models).await?;
        let Models {
            target_cli,
            target_model,
            standin_cli,
            standin_model,
        } = models;
        let (mut cli, model) = match (standin, standin_model) {
            (true, Some(m)) => (standin_cli, m?),
            _ => (target_cli.with_project(&project), (*target_model).clone()),
        };
        images_present(&engine, &model, &opts.services, standin).await?;
        let upgrade = plan_upgrade(&engine, &opts, &target_model, standin).await?;
        if let Some(u) = &upgrade {
            images.description.push_str(&u.said());
        }
        if let Err(e) = ports_free(&model, &opts.services) {
            return Err(port_holder(&engine, e).await);
        }
        let owner_file = write_owner_file(&project, &model, opts.keep)?;
        cli.files.push(owner_file.clone());
        let since_s = Engine::now_s() - 1;
        let events = engine.watch_project(&project, since_s);
        Ok(Arc::new(Stack {
            project,
            cli,
            engine,
            mode: Mode::Owned {
                keep: opts.keep,
                down_done: Mutex::new(false),
                up_pid: AtomicU32::new(0),
                owner_file,
                lock,
            },
            target_model,
            images,
            model,
            up: OnceLock::new(),
            since_s,
            events,
            upgrade,
            wait_limit: opts.wait_limit,
            services: opts.services,
            ready: Mutex::new(BTreeMap::new()),
            carried: Mutex::new(Vec::new()),
        }))
    }

    /// A deployment that is already running (post-deploy verification). Only
    /// reads: compose `config`, engine inspect/list/events, sockets, clients.
    pub async fn attach(
        project: &str,
        cli: ComposeCli,
        wait_limit: Duration,
        services: Services,
    ) -> Result<Arc<Stack>, StackError> {
        let engine = Engine::connect().await?;
        let cli = cli.with_project(project);
        let model = cli.config()?;
        let services = services.with_nodes(&model);
        let containers = engine.project_containers(project).await?;
        let mut standin = false;
        let mut version = DEFAULT_VERSION.to_string();
        // A service that is deployed but not running (stopped, crashed) is
        // the scenarios' to fail; one never deployed means a wrong project.
        for service in &services.started() {
            let c = containers
                .iter()
                .find(|c| &c.service == service && !c.oneoff)
                .ok_or_else(|| StackError::NoContainer {
                    project: project.into(),
                    service: service.clone(),
                })?;
            standin |= c.image.starts_with(STANDIN_PREFIX);
            if let Some(v) = c.image.strip_prefix(&format!("{STANDIN_KAFKA}:")) {
                version = v.to_string();
            }
        }
        let up = OnceLock::new();
        let _ = up.set(UpResult {
            command: format!(
                "attached to running project {project} (nothing started, stopped or removed)"
            ),
            ok: true,
            output: String::new(),
            seconds: 0.0,
        });
        Ok(Arc::new(Stack {
            project: project.into(),
            cli,
            events: engine.watch_project(project, 0),
            engine,
            mode: Mode::Attached,
            target_model: Arc::new(model.clone()),
            images: if standin {
                Images::standin(&version, "the deployment runs them")
            } else {
                Images::real("as deployed")
            },
            model,
            up,
            // Whatever the engine still holds of the project's history.
            since_s: 0,
            upgrade: None,
            wait_limit,
            services,
            ready: Mutex::new(BTreeMap::new()),
            carried: Mutex::new(Vec::new()),
        }))
    }
}

/// Removes what killed runs left behind (stacks, test hosts), saying so.
async fn sweep_orphans(engine: &Engine) -> Result<(), StackError> {
    for swept in reaper::sweep(engine, false).await? {
        match swept {
            reaper::Swept::Reaped { stack, why, failed } if failed.is_empty() => {
                super::progress::notice(&format!(
                    "reaped orphan stack {} ({why}): {}",
                    stack.project,
                    stack.inventory()
                ))
            }
            reaper::Swept::Reaped { stack, why, failed } => super::progress::notice(&format!(
                "orphan stack {} ({why}): could not remove {}",
                stack.project,
                failed.join("; ")
            )),
            reaper::Swept::TestHost {
                name,
                why,
                failed: None,
            } => super::progress::notice(&format!(
                "removed test host {name} of the neighbour probe ({why}) with its veth pair"
            )),
            reaper::Swept::TestHost {
                name,
                why,
                failed: Some(e),
            } => super::progress::notice(&format!(
                "test host {name} of the neighbour probe ({why}): could not remove it: {e}"
            )),
            _ => {}
        }
    }
    Ok(())
}

/// The target's model and the stand-in's, resolved at once (the stand-in's
/// is only used if needed), with the CLI of each.
struct Models {
    target_cli: ComposeCli,
    target_model: Arc<ComposeModel>,
    standin_cli: ComposeCli,
    standin_model: Option<Result<ComposeModel, ComposeError>>,
}

/// `up -d KAFKA REDIS` would fail on a name the layering lacks: say which,
/// before anything starts.
fn services_defined(model: &ComposeModel, up: &[String]) -> Result<(), StackError> {
    for (role, service) in ["Kafka", "Redis"].iter().zip(up) {
        if !model.services.contains_key(service) {
            let have = model.service_names();
            return Err(StackError::NoService {
                role: role.to_string(),
                service: service.clone(),
                have,
            });
        }
    }
    Ok(())
}

/// The stand-in's CLI (the target's files and the override) and the one
/// that also puts the bootstrap on the Kafka image built here.
fn standin_clis(
    opts: &StackOptions,
    project: &str,
    services: &Services,
    version: &str,
) -> Result<(ComposeCli, ComposeCli), StackError> {
    let mut standin_cli = opts.cli.clone().with_project(project);
    standin_cli.files.push(standin_override_file(&versioned(
        &with_nodes(&renamed(STANDIN_OVERRIDE, services), services),
        version,
    ))?);
    let mut standin_image_bootstrap = standin_cli.clone();
    standin_image_bootstrap
        .files
        .push(standin_override_file(&versioned(
            &renamed(STANDIN_BOOTSTRAP_OVERRIDE, services),
            version,
        ))?);
    Ok((standin_cli, standin_image_bootstrap))
}

impl Models {
    /// Both models at once; a cluster's stand-in again once its nodes are
    /// known (they are read from the target's model).
    fn resolve(opts: &StackOptions, project: &str) -> Result<(Self, Services), StackError> {
        let target_cli = opts.cli.clone();
        let (standin_cli, standin_image_bootstrap) =
            standin_clis(opts, project, &opts.services, DEFAULT_VERSION)?;
        let wanted = opts.images != ImageChoice::Real;
        let (target_model, mut standin_model) = std::thread::scope(|s| {
            let standin = wanted.then(|| s.spawn(|| standin_image_bootstrap.config()));
            let target = target_cli.config();
            (
                target,
                standin.map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(ComposeError::Panicked("config".into())))
                }),
            )
        });
        let target_model = Arc::new(target_model?);
        services_defined(&target_model, &opts.services.up)?;
        let services = opts.services.clone().with_nodes(&target_model);
        let version = target_version(&target_model, &services);
        let (standin_cli, standin_image_bootstrap) =
            if services.nodes.len() > 1 || version != DEFAULT_VERSION {
                let clis = standin_clis(opts, project, &services, &version)?;
                standin_model = wanted.then(|| clis.1.config());
                clis
            } else {
                (standin_cli, standin_image_bootstrap)
            };
        // A bootstrap the target builds keeps its build (and its own image name).
        let bootstrap = services
            .bootstrap
            .as_deref()
            .and_then(|b| target_model.services.get(b));
        let (standin_cli, standin_model) = match bootstrap.is_none_or(|s| s.build.is_some()) {
            false => (standin_image_bootstrap, standin_model),
            true => {
                let m = standin_model.map(|_| standin_cli.config());
                (standin_cli, m)
            }
        };
        let models = Models {
            target_cli,
            target_model,
            standin_cli,
            standin_model,
        };
        Ok((models, services))
    }
}

/// Every image the services run is on the engine, else which is not and how
/// to get it.
async fn images_present(
    engine: &Engine,
    model: &ComposeModel,
    services: &Services,
    standin: bool,
) -> Result<(), StackError> {
    let Some((service, image)) = missing_images(engine, model, services)
        .await
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let built = crate::probes::kafka_setup::BUILT_HERE;
    let hint = if let Some(v) = image
        .strip_prefix(&format!("{STANDIN_KAFKA}:"))
        .filter(|v| !built.contains(v))
    {
        format!(
            "Kafka {v} is not built here (built here: {}): the target's own image must be present or pullable; a run never uses another version",
            built.join(", ")
        )
    } else if standin {
        "run scripts/setup.sh to build the stand-in images".to_string()
    } else {
        "pull it, or run with --images standin after scripts/setup.sh".to_string()
    };
    Err(StackError::ImageMissing {
        service,
        image,
        hint,
    })
}

/// Real images first: present, else pulled; the stand-in only when the
/// pull itself failed, and then its own error is the reason.
async fn choose_images(
    engine: &Engine,
    opts: &StackOptions,
    m: &Models,
) -> Result<(bool, Images), StackError> {
    let missing = missing_images(engine, &m.target_model, &opts.services).await;
    let version = target_version(&m.target_model, &opts.services);
    Ok(match opts.images {
        ImageChoice::Standin => (true, Images::standin(&version, "--images standin")),
        _ if missing.is_empty() => (false, Images::real("present on this engine")),
        choice => match pull(&m.target_cli, &missing, PULL_LIMIT) {
            Ok(secs) => (
                false,
                Images::real(&format!("pulled {} in {secs:.1} s", names(&missing))),
            ),
            Err(why) if choice == ImageChoice::Auto => {
                let reason = format!("pulling {} failed: {why}", names(&missing));
                super::progress::notice(&format!("stand-in images: {reason}"));
                (true, Images::standin(&version, &reason))
            }
            Err(why) => {
                let (service, image) = missing[0].clone();
                let hint = format!(
                    "pulling it failed: {why}; --images real never falls back to the stand-in"
                );
                return Err(StackError::ImageMissing {
                    service,
                    image,
                    hint,
                });
            }
        },
    })
}

/// The compose override that labels everything the run creates with its owner.
fn write_owner_file(
    project: &str,
    model: &ComposeModel,
    keep: bool,
) -> Result<PathBuf, StackError> {
    let owner_file = owner::run_file(project);
    let labels = Owner::current().labels(project, keep);
    let write = |path: &PathBuf| -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, owner::labels_override(model, &labels))
    };
    write(&owner_file).map_err(|source| StackError::OwnerFile {
        path: owner_file.clone(),
        source,
    })?;
    Ok(owner_file)
}

/// Every host port Kafka and Redis publish can be bound now. Binding the
/// address is how the engine will use it; nothing is sent.
fn ports_free(model: &ComposeModel, services: &Services) -> Result<(), StackError> {
    for service in &services.started() {
        let Ok(svc) = model.service(service) else {
            continue;
        };
        for p in &svc.ports {
            let Some(port) = p.published.as_deref().and_then(|s| s.parse::<u16>().ok()) else {
                continue;
            };
            let ip = p.host_ip.clone().unwrap_or_else(|| "0.0.0.0".into());
            let addr = if ip.contains(':') {
                format!("[{ip}]:{port}")
            } else {
                format!("{ip}:{port}")
            };
            if TcpListener::bind(&addr).is_err() {
                return Err(StackError::PortTaken {
                    addr,
                    service: service.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// A taken port that one of kraft-acceptance's own stacks holds says whose
/// it is and how to remove it; any other holder is the user's to find.
async fn port_holder(engine: &Engine, e: StackError) -> StackError {
    let StackError::PortTaken { addr, service } = &e else {
        return e;
    };
    let port = addr.rsplit(':').next().unwrap_or_default();
    let Ok(ours) = reaper::survey(engine).await else {
        return e;
    };
    for (s, verdict) in ours {
        for r in s
            .resources
            .iter()
            .filter(|r| r.kind == crate::probes::engine::ResourceKind::Container)
        {
            let Ok(c) = engine.inspect(&r.id).await else {
                continue;
            };
            if c.bindings.iter().any(|b| b.host_port == port) {
                let why = match verdict {
                    reaper::Decision::Leave(why) | reaper::Decision::Reap(why) => why,
                };
                return StackError::PortTakenByStack {
                    addr: addr.clone(),
                    service: service.clone(),
                    project: s.project.clone(),
                    why,
                };
            }
        }
    }
    e
}

/// (service, image) of the started services whose image is not present.
async fn missing_images(
    engine: &Engine,
    model: &ComposeModel,
    services: &Services,
) -> Vec<(String, String)> {
    let mut missing = Vec::new();
    for service in services.started().iter().chain(&services.bootstrap) {
        // An image the target builds is built by compose, not pulled.
        let Some(image) = model
            .services
            .get(service)
            .filter(|s| s.build.is_none())
            .and_then(|s| s.image.clone())
        else {
            continue;
        };
        if engine.image_id(&image).await.is_none() {
            missing.push((service.to_string(), image));
        }
    }
    missing
}
