//! The target repo under test: where its compose files, manifest and docs are.
//!
//! A target is a directory laid out like `fixtures/reference`. An optional
//! `kraft-acceptance.toml` in it overrides the conventional names (see README).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub const CONFIG_FILE: &str = "kraft-acceptance.toml";

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("target directory {0} does not exist")]
    NoDir(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("invalid {path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("layering \"{layering}\": compose file {path} does not exist")]
    MissingComposeFile { layering: String, path: PathBuf },
}

/// What `kraft-acceptance.toml` may say; every field has a default that
/// matches the seed's file names.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    project_directory: Option<PathBuf>,
    layerings: Option<BTreeMap<String, Vec<PathBuf>>>,
    topics_manifest: Option<PathBuf>,
    scan_paths: Option<Vec<PathBuf>>,
    scan_allow: Option<Vec<String>>,
    public_services: Option<Vec<String>>,
    observability_services: Option<Vec<String>>,
}

/// Observability services the Hemma layering must not bring (Hemma uses the
/// shared stack). Matched against service names and image repositories.
pub const DEFAULT_OBSERVABILITY: &[&str] = &[
    "prometheus", "grafana", "loki", "tempo", "jaeger", "otel-collector",
    "opentelemetry-collector", "alertmanager", "promtail", "node-exporter",
    "cadvisor", "zipkin",
];

#[derive(Debug, Clone)]
pub struct Target {
    /// Directory the target was loaded from.
    pub dir: PathBuf,
    /// Directory compose resolves relative paths against.
    pub project_directory: PathBuf,
    /// Layering name -> compose files, in `-f` order.
    pub layerings: BTreeMap<String, Vec<PathBuf>>,
    pub topics_manifest: PathBuf,
    pub scan_paths: Vec<PathBuf>,
    /// Glob patterns (relative to `dir`) allowed to mention ZooKeeper.
    pub scan_allow: Vec<String>,
    pub public_services: Vec<String>,
    pub observability_services: Vec<String>,
}

impl Target {
    pub fn load(dir: &Path) -> Result<Self, TargetError> {
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
        let layerings = raw.layerings.unwrap_or_else(|| {
            BTreeMap::from([
                ("infrastructure".into(), vec!["docker-compose.infrastructure.yml".into()]),
                (
                    "hemma".into(),
                    vec!["docker-compose.infrastructure.yml".into(), "docker-compose.hemma.yml".into()],
                ),
            ])
        });
        let layerings: BTreeMap<_, _> = layerings
            .into_iter()
            .map(|(k, files)| (k, files.into_iter().map(abs).collect::<Vec<_>>()))
            .collect();
        for (layering, files) in &layerings {
            if let Some(missing) = files.iter().find(|f| !f.is_file()) {
                return Err(TargetError::MissingComposeFile { layering: layering.clone(), path: missing.clone() });
            }
        }
        Ok(Target {
            project_directory: abs(raw.project_directory.unwrap_or_else(|| ".".into())),
            layerings,
            topics_manifest: abs(raw.topics_manifest.unwrap_or_else(|| "config/kafka-topics.txt".into())),
            scan_paths: raw
                .scan_paths
                .unwrap_or_else(|| vec!["docs".into(), "scripts".into(), "README.md".into(), "Makefile".into()])
                .into_iter()
                .map(abs)
                .collect(),
            scan_allow: raw.scan_allow.unwrap_or_else(|| vec!["docs/decisions/**".into()]),
            public_services: raw.public_services.unwrap_or_else(|| vec!["nginx-proxy".into()]),
            observability_services: raw
                .observability_services
                .unwrap_or_else(|| DEFAULT_OBSERVABILITY.iter().map(|s| s.to_string()).collect()),
            dir,
        })
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
