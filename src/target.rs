//! The target repo under test: where its compose files, manifest and docs are.
//!
//! A target is a directory laid out like `fixtures/reference`. An optional
//! `kraft-acceptance.toml` in it overrides the conventional names (see README).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::validators::pdm_validators;

pub(crate) const CONFIG_FILE: &str = "kraft-acceptance.toml";

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("target directory {0} does not exist")]
    NoDir(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid {path}: {message}")]
    Config { path: PathBuf, message: String },
    /// A toml that does not parse or does not fit: where, which key, the fix.
    #[error("{0}")]
    Parse(String),
    #[error("layering \"{layering}\": compose file {path} does not exist; `kraft-acceptance init` writes kraft-acceptance.toml from how the repo starts its stack, or name the files: [layerings] {layering} = [...] (compose files here: {here})")]
    MissingComposeFile {
        layering: String,
        path: PathBuf,
        here: String,
    },
}

/// What `kraft-acceptance.toml` may say; every field has a default that
/// matches the seed's file names.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// Another target this one derives from: its settings are the defaults.
    base: Option<PathBuf>,
    /// Layering name -> compose files appended to the layering's files.
    overlays: Option<BTreeMap<String, Vec<PathBuf>>>,
    /// Scan paths added to the (base's) scan paths.
    extra_scan_paths: Option<Vec<PathBuf>>,
    project_directory: Option<PathBuf>,
    layerings: Option<BTreeMap<String, Vec<PathBuf>>>,
    topics_manifest: Option<PathBuf>,
    scan_paths: Option<Vec<PathBuf>>,
    scan_allow: Option<Vec<String>>,
    public_services: Option<Vec<String>>,
    observability_services: Option<Vec<String>>,
    /// "warn" (default) or "fail": what an engine advisory does on @hemma.
    engine_advisories: Option<AdvisoryMode>,
    /// Platforms every image's manifest list must offer.
    platforms: Option<Vec<String>>,
    /// Image namespaces known to be gone or moved (`bitnami/`).
    gone_namespaces: Option<Vec<String>>,
    /// Compose profiles enabled for every layering.
    profiles: Option<Vec<String>>,
    /// The repo's validation commands, run with `sh -c` in its directory.
    validators: Option<Vec<String>>,
    /// A validator that changes a file fails (default: a warning).
    validators_leave_tree_clean: Option<bool>,
    /// The target's own names for the seed's services and addresses.
    names: Option<RawNames>,
    /// How the target creates its topics.
    bootstrap: Option<RawBootstrap>,
    /// Its topics list: where, and in which shape.
    topics: Option<RawTopics>,
    /// Layering name -> env files (`docker compose --env-file`), in order.
    env_files: Option<BTreeMap<String, Vec<PathBuf>>>,
    /// The variable that holds Redis's password (read from this process's
    /// environment, else from the resolved Redis service).
    redis_password_env: Option<String>,
    /// Images of databases the project must not run itself on Hemma.
    database_images: Option<Vec<String>>,
    /// false: the stack runs no Redis; its scenarios and steps are NOT NEEDED.
    has_redis: Option<bool>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNames {
    kafka: Option<String>,
    kafka_nodes: Option<Vec<String>>,
    redis: Option<String>,
    internal_address: Option<String>,
    host_address: Option<String>,
    redis_address: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawBootstrap {
    service: Option<String>,
    command: Option<String>,
    none: Option<bool>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTopics {
    manifest: Option<PathBuf>,
    format: Option<TopicsFormat>,
    partitions: Option<i32>,
    replication_factor: Option<i32>,
}

pub use crate::model::topics::{TopicsFormat, TopicsShape};

/// How the target creates its topics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bootstrap {
    /// A compose service, run with `docker compose run --rm`.
    Service(String),
    /// A command on the host, run with `sh -c` in the target's directory once
    /// Kafka is healthy, with `KAFKA_BOOTSTRAP_SERVERS` set to the host address.
    Command(String),
    /// None: the applications create their topics.
    None,
}

/// The seed's names, which the features spell; a target may call them otherwise.
pub const SEED_KAFKA: &str = "kafka";
pub const SEED_REDIS: &str = "redis";
pub(crate) const SEED_BOOTSTRAP: &str = "kafka_topic_setup";
pub(crate) const SEED_INTERNAL_ADDRESS: &str = "kafka:9092";
pub(crate) const SEED_HOST_ADDRESS: &str = "localhost:9093";
pub(crate) const SEED_REDIS_ADDRESS: &str = "127.0.0.1:6379";

/// What the target calls the seed's services and addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub kafka: String,
    pub redis: String,
    pub internal_address: String,
    pub host_address: String,
    pub redis_address: String,
}

impl Default for Names {
    fn default() -> Self {
        Names {
            kafka: SEED_KAFKA.into(),
            redis: SEED_REDIS.into(),
            internal_address: SEED_INTERNAL_ADDRESS.into(),
            host_address: SEED_HOST_ADDRESS.into(),
            redis_address: SEED_REDIS_ADDRESS.into(),
        }
    }
}

/// Database images a project must not run itself on Hemma (shared-postgres).
const DEFAULT_DATABASE_IMAGES: &[&str] = &["postgres", "mariadb", "mysql"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AdvisoryMode {
    /// Reported as a warning; the scenario passes.
    #[default]
    Warn,
    /// The scenario fails.
    Fail,
}

/// Observability services the Hemma layering must not bring (Hemma uses the
/// shared stack). Matched against service names and image repositories.
const DEFAULT_OBSERVABILITY: &[&str] = &[
    "prometheus",
    "grafana",
    "loki",
    "tempo",
    "jaeger",
    "otel-collector",
    "opentelemetry-collector",
    "alertmanager",
    "promtail",
    "node-exporter",
    "cadvisor",
    "zipkin",
];

/// ADR-0028: the Kafka image must run on x86_64 and ARM64 hosts.
const DEFAULT_PLATFORMS: &[&str] = &["linux/amd64", "linux/arm64"];
/// Namespaces whose images moved or went away: Bitnami's Docker Hub images
/// (Hemma's pull of bitnami/zookeeper answered "manifest unknown").
const DEFAULT_GONE_NAMESPACES: &[&str] = &["bitnami/", "docker.io/bitnami/"];

#[derive(Debug, Clone)]
pub struct Target {
    /// Directory the target was loaded from.
    pub dir: PathBuf,
    /// Directory compose resolves relative paths against.
    pub project_directory: PathBuf,
    /// Layering name -> compose files, in `-f` order.
    pub layerings: BTreeMap<String, Vec<PathBuf>>,
    /// The topics manifest the target names; without one the bootstrap's
    /// mounts are searched (see `probes::repo::find_manifest`).
    pub topics_manifest: Option<PathBuf>,
    pub scan_paths: Vec<PathBuf>,
    /// Glob patterns (relative to `dir`) allowed to mention ZooKeeper.
    pub scan_allow: Vec<String>,
    pub public_services: Vec<String>,
    pub observability_services: Vec<String>,
    pub engine_advisories: AdvisoryMode,
    /// Platforms every image must offer (`os/arch`), beside this host's.
    pub platforms: Vec<String>,
    /// Image namespaces (prefixes) known to be gone or moved.
    pub gone_namespaces: Vec<String>,
    /// Compose profiles enabled for every layering (`--profile`).
    pub profiles: Vec<String>,
    /// The repo's validation commands (run with `sh -c` in `dir`), and where
    /// they were declared.
    pub validators: Vec<String>,
    pub validators_from: String,
    pub validators_leave_tree_clean: bool,
    pub names: Names,
    pub bootstrap: Bootstrap,
    pub topics_shape: TopicsShape,
    /// Layering name -> env files passed as `--env-file`.
    pub env_files: BTreeMap<String, Vec<PathBuf>>,
    pub redis_password_env: Option<String>,
    pub database_images: Vec<String>,
    /// The stack runs a Redis (`has_redis = false`: it does not).
    pub has_redis: bool,
    /// Service names the toml gave (`[names] kafka`...): each must exist.
    pub named_services: Vec<(String, String)>,
    /// `[names] kafka_nodes`: services that are Kafka nodes where the model
    /// cannot tell (an image of the team's own, settings in a mounted file).
    pub kafka_nodes: Vec<String>,
}

/// One line for a toml error: `file:line:col: what (key "K"); the fix`.
fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> String {
    let start = e.span().map_or(0, |s| s.start).min(text.len());
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    let this_line = text[line_start..].lines().next().unwrap_or_default();
    let key = this_line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .or_else(|| {
            let t = this_line.trim();
            (t.starts_with('[') && t.ends_with(']'))
                .then(|| t.trim_matches(['[', ']']).trim().to_string())
        })
        .filter(|k| !k.is_empty());
    let message = e
        .message()
        .trim()
        .replace('`', "\"")
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ");
    let fix = if message.starts_with("duplicate key") {
        "a key says one thing: rename one (each layering its own name) or remove it"
    } else if message.starts_with("unknown field") {
        "remove it or spell it as one of those (docs/targets.md lists every key)"
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        "give it the type the key takes (docs/targets.md)"
    } else {
        "fix the toml syntax there (https://toml.io)"
    };
    let table = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map_or(String::new(), |t| format!(" in {t}"));
    let named = match key {
        Some(k) if message == "duplicate key" => format!(" \"{k}\"{table}"),
        Some(k) if !message.contains(&format!("\"{k}\"")) => format!(" (key \"{k}\"{table})"),
        _ => String::new(),
    };
    format!("{file}:{line}:{col}: {message}{named}; {fix}")
}

/// The pdm validators the repo's pyproject.toml declares; a pyproject.toml
/// that does not parse says where.
fn pyproject_validators(dir: &Path) -> Result<Vec<String>, TargetError> {
    let path = dir.join("pyproject.toml");
    let py = std::fs::read_to_string(&path).unwrap_or_default();
    if let Err(e) = py.parse::<toml::Table>() {
        return Err(TargetError::Parse(toml_error(
            &path.display().to_string(),
            &py,
            &e,
        )));
    }
    Ok(pdm_validators(&py))
}

/// A target's kraft-acceptance.toml: where it is, and paths relative to it.
struct Config {
    path: PathBuf,
    dir: PathBuf,
}

impl Config {
    fn read(&self) -> Result<RawConfig, TargetError> {
        if !self.path.exists() {
            return Ok(RawConfig::default());
        }
        let text = std::fs::read_to_string(&self.path).map_err(|source| TargetError::Read {
            path: self.path.clone(),
            source,
        })?;
        toml::from_str::<RawConfig>(&text).map_err(|e| {
            TargetError::Parse(toml_error(&self.path.display().to_string(), &text, &e))
        })
    }

    fn error(&self, message: impl Into<String>) -> TargetError {
        TargetError::Config {
            path: self.path.clone(),
            message: message.into(),
        }
    }

    fn abs(&self, p: PathBuf) -> PathBuf {
        if p.is_absolute() {
            p
        } else {
            self.dir.join(p)
        }
    }

    fn abs_all(&self, v: Vec<PathBuf>) -> Vec<PathBuf> {
        v.into_iter().map(|p| self.abs(p)).collect()
    }

    /// `key`'s path, absolute, once it is one a file system can hold: at
    /// most [`PATH_MAX`] bytes (a longer value is named by its length, not
    /// echoed) and no NUL byte.
    fn path(&self, key: &str, p: PathBuf) -> Result<PathBuf, TargetError> {
        use std::os::unix::ffi::OsStrExt as _;
        let bytes = p.as_os_str().as_bytes();
        if bytes.len() > PATH_MAX {
            return Err(self.error(format!(
                "{key}: a path of {} bytes; a path has at most {PATH_MAX}",
                bytes.len()
            )));
        }
        if bytes.contains(&0) {
            return Err(self.error(format!(
                "{key}: {:?} holds a NUL byte, which no path can",
                p.display().to_string()
            )));
        }
        Ok(self.abs(p))
    }

    /// A scan path: a path (see [`Config::path`]) that stays inside the
    /// repo, `..` and links resolved where they exist.
    fn scan_path(&self, key: &str, p: PathBuf) -> Result<PathBuf, TargetError> {
        let shown = p.display().to_string();
        let abs = self.path(key, p)?;
        let resolved = abs.canonicalize().unwrap_or_else(|_| lexical(&abs));
        if !resolved.starts_with(&self.dir) {
            return Err(self.error(format!(
                "{key}: {shown} leaves the repo ({} is outside {}); the scan reads the repo's own files only",
                resolved.display(),
                self.dir.display()
            )));
        }
        Ok(abs)
    }

    fn scan_paths(&self, key: &str, v: Vec<PathBuf>) -> Result<Vec<PathBuf>, TargetError> {
        v.into_iter().map(|p| self.scan_path(key, p)).collect()
    }

    /// `project_directory`: an existing directory with a name (compose
    /// names the project after it).
    fn project_directory(&self, p: PathBuf) -> Result<PathBuf, TargetError> {
        let shown = p.display().to_string();
        let abs = self.path("project_directory", p)?;
        let why = if abs.is_file() {
            "is a file; name a directory"
        } else if !abs.is_dir() {
            "does not exist"
        } else if lexical(&abs).file_name().is_none() {
            "is the file system's root: compose names the project after the directory, and / has no name"
        } else {
            return Ok(abs);
        };
        Err(self.error(format!(
            "project_directory = {shown:?}: {}, {why}",
            abs.display()
        )))
    }
}

/// A `base` that leads back to a target of `chain`: named, the whole cycle.
fn base_cycle(cfg: &Config, base: &Path, chain: &[PathBuf]) -> Result<(), TargetError> {
    let Ok(base) = base.canonicalize() else {
        return Ok(());
    };
    let Some(at) = chain.iter().position(|d| *d == base) else {
        return Ok(());
    };
    let cycle: Vec<String> = chain[at..]
        .iter()
        .chain(std::iter::once(&base))
        .map(|d| d.join(CONFIG_FILE).display().to_string())
        .collect();
    Err(cfg.error(format!(
        "`base` makes a cycle: {}; a target's base is another target",
        cycle.join(" -> ")
    )))
}

/// `s` up to 80 characters, the rest said by its length.
fn shown_cut(s: &str) -> String {
    match s.char_indices().nth(80) {
        Some((at, _)) => format!("{}... ({} bytes)", &s[..at], s.len()),
        None => s.to_string(),
    }
}

/// A profile name as the compose specification has it:
/// `[a-zA-Z0-9][a-zA-Z0-9_.-]*`. Not empty, never a flag.
fn is_profile_name(p: &str) -> bool {
    let mut chars = p.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The longest path Linux takes (`PATH_MAX`, with its NUL).
pub(crate) const PATH_MAX: usize = 4096;

/// `p` with `.` and `..` resolved by their names alone (for a path that
/// does not exist, so cannot be canonicalized).
fn lexical(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

impl Target {
    pub fn load(dir: &Path) -> Result<Self, TargetError> {
        Self::load_chain(dir, &[])
    }

    /// `dir`'s target, `chain` the directories whose `base` led here.
    fn load_chain(dir: &Path, chain: &[PathBuf]) -> Result<Self, TargetError> {
        if !dir.is_dir() {
            return Err(TargetError::NoDir(dir.to_path_buf()));
        }
        let dir = dir.canonicalize().map_err(|source| TargetError::Read {
            path: dir.into(),
            source,
        })?;
        let cfg = Config {
            path: dir.join(CONFIG_FILE),
            dir: dir.clone(),
        };
        let mut raw = cfg.read()?;
        let chain = [chain, std::slice::from_ref(&dir)].concat();
        let mut t = match raw.base.take() {
            Some(base) => {
                let base = cfg.path("base", base)?;
                base_cycle(&cfg, &base, &chain)?;
                if chain.len() > 8 {
                    return Err(cfg.error("`base` chain is too deep (more than 8 targets)"));
                }
                Self::load_chain(&base, &chain)?
            }
            None => Self::defaults(&dir),
        };
        t.dir = dir.clone();
        t.apply_files(&cfg, &mut raw)?;
        t.apply_lists(&mut raw);
        t.apply_names(&cfg, raw.names.take())?;
        t.apply_bootstrap(&cfg, raw.bootstrap.take())?;
        t.apply_topics(&cfg, raw.topics.take())?;
        // The repo's own: never inherited from a base.
        (t.validators, t.validators_from) = match raw.validators.take() {
            Some(v) => (v, format!("validators in {CONFIG_FILE}")),
            None => (
                pyproject_validators(&dir)?,
                "pdm scripts of pyproject.toml".to_string(),
            ),
        };
        t.check_files(&cfg)?;
        if let Some(p) = t.profiles.iter().find(|p| !is_profile_name(p)) {
            return Err(cfg.error(format!(
                "profiles: {:?} is not a compose profile name (a letter or digit, then letters, digits, _ . -); compose would read it as {}",
                shown_cut(p),
                if p.starts_with('-') { "a flag" } else { "nothing it knows" }
            )));
        }
        Ok(t)
    }

    /// Layerings, overlays, paths and env files, relative to the target.
    fn apply_files(&mut self, cfg: &Config, raw: &mut RawConfig) -> Result<(), TargetError> {
        if let Some(l) = raw.layerings.take() {
            self.layerings = l
                .into_iter()
                .map(|(k, files)| (k, cfg.abs_all(files)))
                .collect();
        }
        for (layering, files) in raw.overlays.take().unwrap_or_default() {
            let Some(existing) = self.layerings.get_mut(&layering) else {
                return Err(cfg.error(format!("overlay for unknown layering \"{layering}\"")));
            };
            existing.extend(cfg.abs_all(files));
        }
        if let Some(p) = raw.project_directory.take() {
            self.project_directory = cfg.project_directory(p)?;
        }
        if let Some(p) = raw.topics_manifest.take() {
            self.topics_manifest = Some(cfg.path("topics_manifest", p)?);
        }
        if let Some(p) = raw.scan_paths.take() {
            self.scan_paths = cfg.scan_paths("scan_paths", p)?;
        }
        let extra = raw.extra_scan_paths.take().unwrap_or_default();
        self.scan_paths
            .extend(cfg.scan_paths("extra_scan_paths", extra)?);
        for (layering, files) in raw.env_files.take().unwrap_or_default() {
            self.env_files.insert(layering, cfg.abs_all(files));
        }
        Ok(())
    }

    /// Settings that replace the base's as they are.
    fn apply_lists(&mut self, raw: &mut RawConfig) {
        fn set<T>(field: &mut T, v: Option<T>) {
            if let Some(v) = v {
                *field = v;
            }
        }
        set(&mut self.scan_allow, raw.scan_allow.take());
        set(&mut self.public_services, raw.public_services.take());
        set(
            &mut self.observability_services,
            raw.observability_services.take(),
        );
        set(&mut self.engine_advisories, raw.engine_advisories.take());
        set(&mut self.platforms, raw.platforms.take());
        set(&mut self.gone_namespaces, raw.gone_namespaces.take());
        set(&mut self.profiles, raw.profiles.take());
        set(&mut self.database_images, raw.database_images.take());
        set(&mut self.has_redis, raw.has_redis.take());
        set(
            &mut self.validators_leave_tree_clean,
            raw.validators_leave_tree_clean.take(),
        );
        if let Some(v) = raw.redis_password_env.take() {
            self.redis_password_env = Some(v);
        }
    }

    fn apply_names(&mut self, cfg: &Config, names: Option<RawNames>) -> Result<(), TargetError> {
        let Some(n) = names else { return Ok(()) };
        let d = self.names.clone();
        self.named_services.extend(
            n.kafka
                .iter()
                .map(|k| ("[names] kafka".to_string(), k.clone())),
        );
        for node in n.kafka_nodes.iter().flatten() {
            self.named_services
                .push(("[names] kafka_nodes".to_string(), node.clone()));
        }
        self.kafka_nodes = n.kafka_nodes.clone().unwrap_or_default();
        self.named_services.extend(
            n.redis
                .iter()
                .map(|r| ("[names] redis".to_string(), r.clone())),
        );
        self.names = Names {
            kafka: n.kafka.unwrap_or(d.kafka),
            redis: n.redis.unwrap_or(d.redis),
            internal_address: n.internal_address.unwrap_or(d.internal_address),
            host_address: n.host_address.unwrap_or(d.host_address),
            redis_address: n.redis_address.unwrap_or(d.redis_address),
        };
        let n = &self.names;
        for (key, a) in [
            ("internal_address", &n.internal_address),
            ("host_address", &n.host_address),
            ("redis_address", &n.redis_address),
        ] {
            if !a
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok())
            {
                return Err(cfg.error(format!("[names] {key} = \"{a}\" is not HOST:PORT")));
            }
        }
        Ok(())
    }

    fn apply_bootstrap(
        &mut self,
        cfg: &Config,
        bootstrap: Option<RawBootstrap>,
    ) -> Result<(), TargetError> {
        let Some(b) = bootstrap else { return Ok(()) };
        self.bootstrap = match (b.service, b.command, b.none.unwrap_or(false)) {
            (Some(s), None, false) => {
                self.named_services.push(("[bootstrap] service".into(), s.clone()));
                Bootstrap::Service(s)
            }
            (None, Some(c), false) => Bootstrap::Command(c),
            (None, None, true) => Bootstrap::None,
            _ => return Err(cfg.error("[bootstrap] takes exactly one of service = \"NAME\", command = \"...\", none = true")),
        };
        Ok(())
    }

    fn apply_topics(&mut self, cfg: &Config, topics: Option<RawTopics>) -> Result<(), TargetError> {
        let Some(tp) = topics else { return Ok(()) };
        if let Some(m) = tp.manifest {
            self.topics_manifest = Some(cfg.path("[topics] manifest", m)?);
        }
        let d = self.topics_shape;
        self.topics_shape = TopicsShape {
            format: tp.format.unwrap_or(d.format),
            partitions: tp.partitions.unwrap_or(d.partitions),
            replication: tp.replication_factor.unwrap_or(d.replication),
        };
        if self.topics_shape.partitions < 1 || self.topics_shape.replication < 1 {
            return Err(
                cfg.error("[topics] partitions and replication_factor are positive numbers")
            );
        }
        Ok(())
    }

    /// Every compose file and env file named exists, for a layering that does.
    fn check_files(&self, cfg: &Config) -> Result<(), TargetError> {
        for (layering, files) in &self.layerings {
            if let Some(missing) = files.iter().find(|f| !f.is_file()) {
                let mut here: Vec<String> = std::fs::read_dir(&self.dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .filter(|n| crate::model::compose::is_compose_file(n))
                    .collect();
                here.sort();
                if here.is_empty() {
                    here.push("none".into());
                }
                return Err(TargetError::MissingComposeFile {
                    here: here.join(", "),
                    layering: layering.clone(),
                    path: missing.clone(),
                });
            }
        }
        for (layering, files) in &self.env_files {
            if !self.layerings.contains_key(layering) {
                let known = self
                    .layerings
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(cfg.error(format!(
                    "[env_files] {layering}: no such layering (layerings: {known})"
                )));
            }
            if let Some(missing) = files.iter().find(|f| !f.is_file()) {
                return Err(cfg.error(format!(
                    "[env_files] {layering}: {} does not exist",
                    missing.display()
                )));
            }
        }
        Ok(())
    }

    /// Every service the toml names exists in `model` (the layering `layering`).
    pub(crate) fn check_names(
        &self,
        layering: &str,
        model: &crate::model::compose::ComposeModel,
    ) -> Result<(), TargetError> {
        for (key, name) in &self.named_services {
            if !model.services.contains_key(name) {
                let have = model.service_names();
                return Err(TargetError::Config {
                    path: self.dir.join(CONFIG_FILE),
                    message: format!("{key} = \"{name}\": layering \"{layering}\" has no such service (services: {have})"),
                });
            }
        }
        self.check_nodes(layering, model)
    }

    /// The Kafka nodes the toml names fit the layering: each listed node
    /// runs Kafka, the cluster has a broker, and `[names] kafka` is one.
    fn check_nodes(
        &self,
        layering: &str,
        model: &crate::model::compose::ComposeModel,
    ) -> Result<(), TargetError> {
        use crate::model::cluster;
        let error = |message: String| TargetError::Config {
            path: self.dir.join(CONFIG_FILE),
            message,
        };
        for node in &self.kafka_nodes {
            if !cluster::may_run_kafka(&model.services[node]) {
                return Err(error(format!("[names] kafka_nodes: \"{node}\" in layering \"{layering}\" does not run Kafka (no KAFKA_* setting, no Kafka image, no server.properties mounted at the image's /mnt/shared/config); list only Kafka nodes")));
            }
        }
        let named = &self.names.kafka;
        let nodes =
            cluster::kafka_services(model, named, &self.kafka_nodes, self.bootstrap_service());
        if model.services.get(named).is_none_or(|s| s.disabled()) {
            return Ok(());
        }
        let roles = |n: &str| cluster::env_roles(&model.services[n]);
        // Only a node that says exactly "controller" is refused here; roles
        // Kafka cannot read (`Broker,Controller`) are the KRaft scenario's.
        let controller_only = |n: &str| roles(n).split(',').all(|r| r.trim() == "controller");
        let brokers: Vec<&String> = nodes.iter().filter(|n| !controller_only(n)).collect();
        if brokers.is_empty() {
            return Err(error(format!("[names] kafka = \"{named}\": layering \"{layering}\" has no broker among its Kafka nodes ({}): every node sets KAFKA_PROCESS_ROLES=controller; a cluster needs a broker for clients", nodes.join(", "))));
        }
        if controller_only(named) {
            let brokers: Vec<&str> = brokers.iter().map(|b| b.as_str()).collect();
            return Err(error(format!("[names] kafka = \"{named}\": a controller-only node (KAFKA_PROCESS_ROLES={}) in layering \"{layering}\" serves no clients; name a broker: {}", roles(named), brokers.join(", "))));
        }
        Ok(())
    }

    /// The target's name for a service the features call by the seed's name
    /// (`kafka`, `redis`, `kafka_topic_setup`); any other name is its own.
    pub fn service(&self, seed: &str) -> String {
        match seed {
            SEED_KAFKA => self.names.kafka.clone(),
            SEED_REDIS => self.names.redis.clone(),
            SEED_BOOTSTRAP => match &self.bootstrap {
                Bootstrap::Service(s) => s.clone(),
                _ => SEED_BOOTSTRAP.into(),
            },
            other => other.to_string(),
        }
    }

    /// The target's address for one the features spell as the seed's
    /// (`kafka:9092`, `localhost:9093`, `127.0.0.1:6379`).
    pub fn address(&self, seed: &str) -> String {
        match seed {
            SEED_INTERNAL_ADDRESS => self.names.internal_address.clone(),
            SEED_HOST_ADDRESS => self.names.host_address.clone(),
            SEED_REDIS_ADDRESS => self.names.redis_address.clone(),
            other => other.to_string(),
        }
    }

    /// The name containers resolve for Kafka: the internal address's host
    /// where the features spell the seed's (`kafka`).
    pub fn internal_host(&self, seed: &str) -> String {
        let host = |a: &str| {
            a.rsplit_once(':')
                .map(|(h, _)| h.to_string())
                .unwrap_or_default()
        };
        if seed == host(SEED_INTERNAL_ADDRESS) {
            host(&self.names.internal_address)
        } else {
            seed.to_string()
        }
    }

    /// The host port of the host address where the features spell the seed's (9093).
    pub fn host_port(&self, seed: u16) -> u16 {
        let port = |a: &str| a.rsplit_once(':').and_then(|(_, p)| p.parse::<u16>().ok());
        match port(SEED_HOST_ADDRESS) {
            Some(p) if p == seed => port(&self.names.host_address).unwrap_or(seed),
            _ => seed,
        }
    }

    /// The services `docker compose up -d` starts: Kafka and Redis (Kafka
    /// alone when the target runs no Redis).
    pub(crate) fn up_services(&self) -> Vec<String> {
        let mut up = vec![self.names.kafka.clone()];
        if self.has_redis {
            up.push(self.names.redis.clone());
        }
        up
    }

    /// Why a step or scenario about `seed` (a service by the seed's name or
    /// the target's) is not needed: the target runs no Redis.
    pub fn not_needed(&self, seed: &str) -> Option<String> {
        let redis = seed == SEED_REDIS || seed == self.names.redis;
        (redis && !self.has_redis).then(|| {
            "not needed: the target runs no Redis (has_redis = false in kraft-acceptance.toml)"
                .to_string()
        })
    }

    /// The bootstrap's compose service, when it is one.
    pub fn bootstrap_service(&self) -> Option<&str> {
        match &self.bootstrap {
            Bootstrap::Service(s) => Some(s),
            _ => None,
        }
    }

    /// The seed's file names, relative to `dir`.
    fn defaults(dir: &Path) -> Self {
        let infra = dir.join("docker-compose.infrastructure.yml");
        Target {
            dir: dir.to_path_buf(),
            project_directory: dir.to_path_buf(),
            layerings: BTreeMap::from([
                ("infrastructure".into(), vec![infra.clone()]),
                (
                    "hemma".into(),
                    vec![infra, dir.join("docker-compose.hemma.yml")],
                ),
            ]),
            topics_manifest: None,
            scan_paths: ["docs", "scripts", "README.md", "Makefile"]
                .iter()
                .map(|p| dir.join(p))
                .collect(),
            scan_allow: vec!["docs/decisions/**".into()],
            public_services: vec!["nginx-proxy".into()],
            observability_services: DEFAULT_OBSERVABILITY
                .iter()
                .map(|s| s.to_string())
                .collect(),
            engine_advisories: AdvisoryMode::default(),
            platforms: DEFAULT_PLATFORMS.iter().map(|s| s.to_string()).collect(),
            gone_namespaces: DEFAULT_GONE_NAMESPACES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            profiles: Vec::new(),
            validators: Vec::new(),
            validators_from: String::new(),
            validators_leave_tree_clean: false,
            names: Names::default(),
            bootstrap: Bootstrap::Service(SEED_BOOTSTRAP.into()),
            topics_shape: TopicsShape::default(),
            env_files: BTreeMap::new(),
            redis_password_env: None,
            database_images: DEFAULT_DATABASE_IMAGES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            named_services: Vec::new(),
            kafka_nodes: Vec::new(),
            has_redis: true,
        }
    }

    /// Path as shown in failures and matched by `scan_allow`: relative to the
    /// project directory, else to the target directory, else as is.
    pub fn display(&self, p: &Path) -> String {
        p.strip_prefix(&self.project_directory)
            .or_else(|_| p.strip_prefix(&self.dir))
            .unwrap_or(p)
            .display()
            .to_string()
    }
}
