//! Reads the target repo: its docs and scripts for the ZooKeeper scan, and
//! its topics manifest, named or mounted into the bootstrap service.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::model::compose::ComposeModel;
use crate::model::topics::{parse_topics, ManifestError, TopicSpec, TopicsFormat};
use crate::target::Target;

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("cannot walk {path}: {source}")]
    Walk {
        path: PathBuf,
        source: walkdir::Error,
    },
    #[error("scan_allow pattern \"{pattern}\": {source}")]
    Allowlist {
        pattern: String,
        source: globset::Error,
    },
    #[error("cannot read {shown} (topics_manifest in kraft-acceptance.toml): {source}")]
    ReadManifest {
        shown: String,
        source: std::io::Error,
    },
    #[error("{shown} (topics_manifest in kraft-acceptance.toml): {source}")]
    Manifest {
        shown: String,
        source: ManifestError,
    },
    #[error("{service} mounts {} files that parse as a topics manifest ({}); name the one it reads in kraft-acceptance.toml: topics_manifest = \"{}\"", files.len(), files.join(", "), files[0])]
    AmbiguousManifest { service: String, files: Vec<String> },
}

/// Where the manifest came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestOrigin {
    /// `topics_manifest` in kraft-acceptance.toml.
    Named,
    /// The one file mounted into the bootstrap service that parses as one.
    Mounted { service: String },
}

/// A topics manifest, found and parsed.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Its path as shown (relative to the target).
    pub shown: String,
    pub origin: ManifestOrigin,
    pub topics: Vec<TopicSpec>,
}

impl std::fmt::Display for Manifest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.origin {
            ManifestOrigin::Named => write!(
                f,
                "{} (topics_manifest in kraft-acceptance.toml)",
                self.shown
            ),
            ManifestOrigin::Mounted { service } => {
                write!(f, "{} (mounted into {service})", self.shown)
            }
        }
    }
}

/// The bootstrap's topics manifest: the one the target names (in the shape
/// it declares), else the one file mounted into `bootstrap` (directly or
/// inside a mounted directory) that parses as one. None: the bootstrap's
/// topics come from code, and only the broker's state can tell what it does.
pub fn find_manifest(
    target: &Target,
    model: &ComposeModel,
    bootstrap: Option<&str>,
) -> Result<Option<Manifest>, RepoError> {
    if let Some(path) = &target.topics_manifest {
        let shown = target.display(path);
        let text = std::fs::read_to_string(path).map_err(|source| RepoError::ReadManifest {
            shown: shown.clone(),
            source,
        })?;
        let topics =
            parse_topics(&text, &target.topics_shape).map_err(|source| RepoError::Manifest {
                shown: shown.clone(),
                source,
            })?;
        return Ok(Some(Manifest {
            shown,
            origin: ManifestOrigin::Named,
            topics,
        }));
    }
    let mut found = Vec::new();
    for (file, text) in mounted_texts(target, model, bootstrap) {
        if let Ok(topics) = parse_topics(&text, &target.topics_shape) {
            let origin = ManifestOrigin::Mounted {
                service: bootstrap.unwrap_or_default().to_string(),
            };
            found.push(Manifest {
                shown: target.display(&file),
                origin,
                topics,
            });
        }
    }
    let bootstrap = bootstrap.unwrap_or_default();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(RepoError::AmbiguousManifest {
            service: bootstrap.to_string(),
            files: found.into_iter().map(|m| m.shown).collect(),
        }),
    }
}

/// The files mounted into `bootstrap` that may be its topics list: any, in
/// the full format (it is strict enough); only ones named like a topics
/// list in the names-only format (any text file would parse as names).
fn mounted_texts(
    target: &Target,
    model: &ComposeModel,
    bootstrap: Option<&str>,
) -> Vec<(PathBuf, String)> {
    let Some(svc) = bootstrap.and_then(|b| model.service(b).ok()) else {
        return Vec::new();
    };
    svc.bind_sources()
        .flat_map(|s| mounted_files(Path::new(s)))
        .filter(|f| target.topics_shape.format == TopicsFormat::Full || looks_like_manifest(f))
        .filter_map(|f| std::fs::read_to_string(&f).ok().map(|t| (f, t)))
        .collect()
}

/// Files mounted into the bootstrap that are named like a topics list but
/// are not one in the target's format: passed over, and said so (a repo's
/// own shape, read by its own script, is no defect).
pub fn passed_over(target: &Target, model: &ComposeModel, bootstrap: Option<&str>) -> Vec<String> {
    if target.topics_manifest.is_some() {
        return Vec::new();
    }
    mounted_texts(target, model, bootstrap)
        .into_iter()
        .filter(|(f, _)| looks_like_manifest(f))
        .filter_map(|(f, text)| {
            parse_topics(&text, &target.topics_shape)
                .err()
                .map(|e| format!("{} ({e})", target.display(&f)))
        })
        .collect()
}

/// A mounted file, or the files directly inside a mounted directory.
fn mounted_files(source: &Path) -> Vec<PathBuf> {
    if source.is_file() {
        return vec![source.to_path_buf()];
    }
    let Ok(entries) = std::fs::read_dir(source) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
}

/// A file named as a topics list in the plain format (`kafka-topics.txt`,
/// `topics`), not a script or a structured config that a program reads.
fn looks_like_manifest(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase());
    name.contains("topic") && matches!(ext.as_deref(), None | Some("txt") | Some("list"))
}

#[derive(Debug, Default, Clone)]
pub struct ScanResult {
    /// `path:line: text` outside the allowlist.
    pub findings: Vec<String>,
    /// `path:line: text` inside the allowlist (reported, not failed).
    pub allowed: Vec<String>,
    pub files_scanned: usize,
}

/// Scans every text file under the target's scan paths (missing paths are
/// skipped: a repo without a Makefile has nothing to scan there).
pub fn scan_zookeeper(target: &Target) -> Result<ScanResult, RepoError> {
    let allow = allowlist(&target.scan_allow)?;
    let mut out = ScanResult::default();
    for root in target.scan_paths.iter().filter(|p| p.exists()) {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.map_err(|source| RepoError::Walk {
                path: root.clone(),
                source,
            })?;
            if !entry.file_type().is_file() || is_hidden(entry.path(), root) {
                continue;
            }
            // Binary or non-UTF-8 files are not docs or scripts.
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            out.files_scanned += 1;
            let shown = target.display(entry.path());
            let hits = mentions(&shown, &text);
            if allow.is_match(&shown) {
                out.allowed.extend(hits);
            } else {
                out.findings.extend(hits);
            }
        }
    }
    Ok(out)
}

fn is_hidden(p: &Path, root: &Path) -> bool {
    p.strip_prefix(root)
        .map(|rel| {
            rel.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .unwrap_or(false)
}

/// Lines of `text` that mention ZooKeeper, as `path:line: text`.
pub fn mentions(path: &str, text: &str) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.to_lowercase().contains("zookeeper"))
        .map(|(i, l)| format!("{path}:{}: {}", i + 1, l.trim()))
        .collect()
}

pub fn allowlist(patterns: &[String]) -> Result<GlobSet, RepoError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|source| RepoError::Allowlist {
            pattern: p.clone(),
            source,
        })?);
    }
    b.build().map_err(|source| RepoError::Allowlist {
        pattern: patterns.join(", "),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_file_and_line_case_insensitively() {
        let m = mentions(
            "docs/run.md",
            "start kafka\nthen start Zookeeper\nok\nZOOKEEPER_HOST=x",
        );
        assert_eq!(
            m,
            vec![
                "docs/run.md:2: then start Zookeeper",
                "docs/run.md:4: ZOOKEEPER_HOST=x"
            ]
        );
        assert!(mentions("a", "KRaft only").is_empty());
    }

    #[test]
    fn allowlist_matches_globs() {
        let a = allowlist(&["docs/decisions/**".into()]).unwrap();
        assert!(a.is_match("docs/decisions/0028-kraft.md"));
        assert!(!a.is_match("docs/runbooks/kafka.md"));
        assert!(allowlist(&["[".into()]).is_err());
    }

    fn model(volumes: &[&str]) -> ComposeModel {
        let v: Vec<String> = volumes
            .iter()
            .map(|s| format!(r#"{{"type":"bind","source":"{s}","target":"/x"}}"#))
            .collect();
        serde_json::from_str(&format!(
            r#"{{"services":{{"setup":{{"volumes":[{}]}}}}}}"#,
            v.join(",")
        ))
        .unwrap()
    }

    /// A target with no layerings (these tests hand the model in).
    fn target(dir: &Path) -> Target {
        if !dir.join("kraft-acceptance.toml").exists() {
            std::fs::write(dir.join("kraft-acceptance.toml"), "layerings = {}\n").unwrap();
        }
        Target::load(dir).unwrap()
    }

    #[test]
    fn finds_the_one_mounted_manifest_else_none() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("kafka")).unwrap();
        std::fs::write(root.join("kafka/topics.txt"), "a.v1 3 1\n").unwrap();
        std::fs::write(root.join("kafka/setup.py"), "import os\nprint('x')\n").unwrap();
        std::fs::write(root.join("other.txt"), "b.v1 1 1\n").unwrap();
        let t = target(&root);
        let file = root.join("kafka/topics.txt");
        let m = find_manifest(&t, &model(&[file.to_str().unwrap()]), Some("setup"))
            .unwrap()
            .unwrap();
        assert_eq!((m.shown.as_str(), m.topics.len()), ("kafka/topics.txt", 1));
        assert_eq!(m.to_string(), "kafka/topics.txt (mounted into setup)");
        // A mounted directory: its files are searched; the script is not a manifest.
        let dir = root.join("kafka");
        assert_eq!(
            find_manifest(&t, &model(&[dir.to_str().unwrap()]), Some("setup"))
                .unwrap()
                .unwrap()
                .shown,
            "kafka/topics.txt"
        );
        // Only code mounted: no manifest.
        let py = root.join("kafka/setup.py");
        assert!(
            find_manifest(&t, &model(&[py.to_str().unwrap()]), Some("setup"))
                .unwrap()
                .is_none()
        );
        assert!(find_manifest(&t, &model(&[]), Some("setup"))
            .unwrap()
            .is_none());
        assert!(find_manifest(&t, &model(&[]), Some("no-such-service"))
            .unwrap()
            .is_none());
        // Two: ambiguous, and the message says what to write.
        let other = root.join("other.txt");
        let e = find_manifest(
            &t,
            &model(&[file.to_str().unwrap(), other.to_str().unwrap()]),
            Some("setup"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "setup mounts 2 files that parse as a topics manifest (kafka/topics.txt, other.txt); name the one it reads in kraft-acceptance.toml: topics_manifest = \"kafka/topics.txt\""
        );
    }

    #[test]
    fn a_mounted_topics_list_in_its_own_shape_is_passed_over_and_said_so() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        // `topic partitions`, replication set in the bootstrap's own script.
        std::fs::write(root.join("kafka-topics.txt"), "a.v1 3\n").unwrap();
        let t = target(&root);
        let f = root.join("kafka-topics.txt");
        let m = model(&[f.to_str().unwrap()]);
        assert!(
            find_manifest(&t, &m, Some("setup")).unwrap().is_none(),
            "not the manifest: no failure"
        );
        assert_eq!(passed_over(&t, &m, Some("setup")), vec!["kafka-topics.txt (line 1: expected `topic partitions replication-factor`, got \"a.v1 3\")"]);
    }

    #[test]
    fn a_names_only_list_is_found_by_its_name_only() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::write(
            root.join("kraft-acceptance.toml"),
            "layerings = {}\n[topics]\nformat = \"names\"\npartitions = 3\n",
        )
        .unwrap();
        std::fs::write(root.join("topics.list"), "orders.v1\npayments.v1\n").unwrap();
        std::fs::write(root.join("init.sh"), "kafka-topics.sh\n").unwrap();
        let t = target(&root);
        let (list, script) = (root.join("topics.list"), root.join("init.sh"));
        let m = find_manifest(
            &t,
            &model(&[list.to_str().unwrap(), script.to_str().unwrap()]),
            Some("setup"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (
                m.topics.len(),
                m.topics[0].partitions,
                m.topics[0].replication
            ),
            (2, 3, 1)
        );
        assert!(
            find_manifest(&t, &model(&[script.to_str().unwrap()]), Some("setup"))
                .unwrap()
                .is_none(),
            "a script is no names list"
        );
    }

    #[test]
    fn a_named_manifest_must_exist_and_parse() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::write(
            root.join("kraft-acceptance.toml"),
            "topics_manifest = \"t.txt\"\nlayerings = {}\n",
        )
        .unwrap();
        let t = target(&root);
        let e = find_manifest(&t, &model(&[]), Some("setup"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("cannot read t.txt (topics_manifest in kraft-acceptance.toml): "),
            "{e}"
        );
        std::fs::write(root.join("t.txt"), "x 1 1\n").unwrap();
        let m = find_manifest(&t, &model(&[]), Some("setup"))
            .unwrap()
            .unwrap();
        assert_eq!(
            m.to_string(),
            "t.txt (topics_manifest in kraft-acceptance.toml)"
        );
    }
}
