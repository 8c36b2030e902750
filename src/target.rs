//! The target repo under test: where its compose files, manifest and docs are.
//!
//! A target is a directory laid out like `fixtures/reference`. An optional
//! `kraft-acceptance.toml` in it overrides the conventional names (see README).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::validators::pdm_validators;

pub const CONFIG_FILE: &str = "kraft-acceptance.toml";

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("target directory {0} does not exist")]
    NoDir(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("invalid {path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("layering \"{layering}\": compose file {path} does not exist; name the layering's files in kraft-acceptance.toml: [layerings] {layering} = [\"docker-compose.yml\", ...]")]
    MissingComposeFile { layering: String, path: PathBuf },
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
}

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
pub const DEFAULT_OBSERVABILITY: &[&str] = &[
    "prometheus", "grafana", "loki", "tempo", "jaeger", "otel-collector",
    "opentelemetry-collector", "alertmanager", "promtail", "node-exporter",
    "cadvisor", "zipkin",
];

/// ADR-0028: the Kafka image must run on x86_64 and ARM64 hosts.
pub const DEFAULT_PLATFORMS: &[&str] = &["linux/amd64", "linux/arm64"];
/// Namespaces whose images moved or went away: Bitnami's Docker Hub images
/// (Hemma's pull of bitnami/zookeeper answered "manifest unknown").
pub const DEFAULT_GONE_NAMESPACES: &[&str] = &["bitnami/", "docker.io/bitnami/"];

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
}

impl Target {
    pub fn load(dir: &Path) -> Result<Self, TargetError> {
        Self::load_depth(dir, 0)
    }

    fn load_depth(dir: &Path, depth: usize) -> Result<Self, TargetError> {
        if !dir.is_dir() {
            return Err(TargetError::NoDir(dir.to_path_buf()));
        }
        let dir = dir.canonicalize().map_err(|source| TargetError::Read { path: dir.into(), source })?;
        let cfg_path = dir.join(CONFIG_FILE);
        let raw = if cfg_path.exists() {
            let text = std::fs::read_to_string(&cfg_path)
                .map_err(|source| TargetError::Read { path: cfg_path.clone(), source })?;
            toml::from_str::<RawConfig>(&text).map_err(|e| TargetError::Config {
                path: cfg_path.clone(),
                message: e.message().to_string(),
            })?
        } else {
            RawConfig::default()
        };
        let abs = |p: PathBuf| if p.is_absolute() { p } else { dir.join(p) };
        let abs_all = |v: Vec<PathBuf>| v.into_iter().map(abs).collect::<Vec<_>>();

        let mut t = match raw.base {
            Some(_) if depth > 8 => {
                return Err(TargetError::Config { path: cfg_path, message: "`base` chain is too deep".into() })
            }
            Some(base) => Self::load_depth(&abs(base), depth + 1)?,
            None => Self::defaults(&dir),
        };
        t.dir = dir.clone();
        if let Some(l) = raw.layerings {
            t.layerings = l.into_iter().map(|(k, files)| (k, abs_all(files))).collect();
        }
        for (layering, files) in raw.overlays.unwrap_or_default() {
            let Some(existing) = t.layerings.get_mut(&layering) else {
                return Err(TargetError::Config { path: cfg_path, message: format!("overlay for unknown layering \"{layering}\"") });
            };
            existing.extend(abs_all(files));
        }
        if let Some(p) = raw.project_directory {
            t.project_directory = abs(p);
        }
        if let Some(p) = raw.topics_manifest {
            t.topics_manifest = Some(abs(p));
        }
        if let Some(p) = raw.scan_paths {
            t.scan_paths = abs_all(p);
        }
        t.scan_paths.extend(abs_all(raw.extra_scan_paths.unwrap_or_default()));
        if let Some(a) = raw.scan_allow {
            t.scan_allow = a;
        }
        if let Some(p) = raw.public_services {
            t.public_services = p;
        }
        if let Some(o) = raw.observability_services {
            t.observability_services = o;
        }
        if let Some(m) = raw.engine_advisories {
            t.engine_advisories = m;
        }
        if let Some(p) = raw.platforms {
            t.platforms = p;
        }
        if let Some(g) = raw.gone_namespaces {
            t.gone_namespaces = g;
        }
        if let Some(p) = raw.profiles {
            t.profiles = p;
        }
        // The repo's own: never inherited from a base.
        (t.validators, t.validators_from) = match raw.validators {
            Some(v) => (v, format!("validators in {CONFIG_FILE}")),
            None => {
                let py = std::fs::read_to_string(dir.join("pyproject.toml")).unwrap_or_default();
                (pdm_validators(&py), "pdm scripts of pyproject.toml".to_string())
            }
        };
        for (layering, files) in &t.layerings {
            if let Some(missing) = files.iter().find(|f| !f.is_file()) {
                return Err(TargetError::MissingComposeFile { layering: layering.clone(), path: missing.clone() });
            }
        }
        Ok(t)
    }

    /// The seed's file names, relative to `dir`.
    fn defaults(dir: &Path) -> Self {
        let infra = dir.join("docker-compose.infrastructure.yml");
        Target {
            dir: dir.to_path_buf(),
            project_directory: dir.to_path_buf(),
            layerings: BTreeMap::from([
                ("infrastructure".into(), vec![infra.clone()]),
                ("hemma".into(), vec![infra, dir.join("docker-compose.hemma.yml")]),
            ]),
            topics_manifest: None,
            scan_paths: ["docs", "scripts", "README.md", "Makefile"].iter().map(|p| dir.join(p)).collect(),
            scan_allow: vec!["docs/decisions/**".into()],
            public_services: vec!["nginx-proxy".into()],
            observability_services: DEFAULT_OBSERVABILITY.iter().map(|s| s.to_string()).collect(),
            engine_advisories: AdvisoryMode::default(),
            platforms: DEFAULT_PLATFORMS.iter().map(|s| s.to_string()).collect(),
            gone_namespaces: DEFAULT_GONE_NAMESPACES.iter().map(|s| s.to_string()).collect(),
            profiles: Vec::new(),
            validators: Vec::new(),
            validators_from: String::new(),
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
