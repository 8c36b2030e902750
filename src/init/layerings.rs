//! The layerings of a repo: each distinct set of compose files its command
//! lines start, else its default compose file (with a production or Hemma
//! file layered on it), each resolved by compose and named.

use std::path::Path;

use super::commands::{invocations, Invocation};
use super::{cli, discover, InitError};
use crate::model::compose::ComposeModel;
use crate::probes::compose::ComposeError;

pub struct Layering {
    pub name: String,
    pub files: Vec<String>,
    pub env_files: Vec<String>,
    pub profiles: Vec<String>,
    /// The compose project name its command line gives (`-p`).
    pub project_name: Option<String>,
    /// Where the repo says so (`file:line`), or how `init` chose it.
    pub from: String,
    pub model: Result<ComposeModel, ComposeError>,
}

/// The file compose reads when none is named, and its override.
fn default_files(dir: &Path) -> Vec<String> {
    let base = [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yaml",
        "docker-compose.yml",
    ]
    .into_iter()
    .find(|f| dir.join(f).is_file());
    let Some(base) = base else {
        return Vec::new();
    };
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let mut files = vec![base.to_string()];
    for ext in ["yaml", "yml"] {
        let o = format!("{stem}.override.{ext}");
        if dir.join(&o).is_file() {
            files.push(o);
        }
    }
    files
}

/// Production or Hemma, by the file's name.
fn is_hemma_file(f: &str) -> bool {
    let f = f.to_lowercase();
    f.contains("hemma") || f.contains("prod")
}

/// Each item once, first seen first.
pub fn unique(items: &mut Vec<String>) {
    let mut seen = Vec::new();
    items.retain(|i| {
        let new = !seen.contains(i);
        seen.push(i.clone());
        new
    });
}

/// Every set of files the repo's command lines start, first seen first.
fn candidates(dir: &Path, texts: &[(String, String)]) -> Vec<Invocation> {
    let mut out: Vec<Invocation> = Vec::new();
    for (shown, text) in texts {
        for mut inv in invocations(shown, text) {
            if inv.files.is_empty() {
                inv.files = default_files(dir);
            }
            inv.files = inv
                .files
                .iter()
                .map(|f| super::expand::normalize(f))
                .collect();
            // Only what stays in the repo goes into its toml (a README line
            // may name /etc/shadow), and no profile that reads as a flag.
            inv.env_files = inv
                .env_files
                .iter()
                .map(|f| super::expand::normalize(f))
                .filter(|f| inside(f))
                .collect();
            inv.profiles
                .retain(|p| !p.is_empty() && !p.starts_with('-'));
            unique(&mut inv.files);
            unique(&mut inv.profiles);
            let exist = !inv.files.is_empty()
                && inv.files.iter().all(|f| inside(f) && dir.join(f).is_file());
            let same = out.iter_mut().find(|o| o.files == inv.files);
            match same {
                _ if !exist => {}
                Some(o) => {
                    if o.env_files.is_empty() {
                        o.env_files = inv.env_files;
                    }
                    if o.project_name.is_none() {
                        o.project_name = inv.project_name;
                    }
                    for p in inv.profiles {
                        if !o.profiles.contains(&p) {
                            o.profiles.push(p);
                        }
                    }
                }
                None => out.push(inv),
            }
        }
    }
    out
}

/// A normalized path that stays in the repo: not absolute, not `..`-led.
fn inside(path: &str) -> bool {
    !path.starts_with('/') && path != ".." && !path.starts_with("../")
}

/// With no command line: the default file, and each production or Hemma
/// compose file of the root layered on it.
fn by_names(dir: &Path) -> Vec<Invocation> {
    let base = default_files(dir);
    if base.is_empty() {
        return Vec::new();
    }
    let at = format!("{} (compose's default file)", base[0]);
    let mut out = vec![Invocation {
        files: base.clone(),
        env_files: Vec::new(),
        profiles: Vec::new(),
        project_directory: None,
        project_name: None,
        command: "up".into(),
        at: at.clone(),
    }];
    let mut hemma: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| super::is_compose_file(n) && is_hemma_file(n))
        .collect();
    hemma.sort();
    for h in hemma {
        let mut files = base.clone();
        files.push(h.clone());
        out.push(Invocation {
            files,
            at: format!("{h} (named for production or Hemma), on {at}"),
            ..out[0].clone()
        });
    }
    out
}

/// The compose-like files of the tree (`*compose*.y*ml`, four folders
/// deep, hidden folders left out), for a message: at most twelve.
fn compose_like(dir: &Path) -> String {
    let walk = walkdir::WalkDir::new(dir).max_depth(4).sort_by_file_name();
    let found: Vec<String> = walk
        .into_iter()
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            e.depth() == 0 || !(n.starts_with('.') || n == "node_modules" || n == "target")
        })
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().to_lowercase();
            let like = n.contains("compose") && (n.ends_with(".yml") || n.ends_with(".yaml"));
            like.then(|| {
                e.path()
                    .strip_prefix(dir)
                    .ok()
                    .map(|p| p.display().to_string())
            })
            .flatten()
        })
        .collect();
    match found.len() {
        0 => "the tree has no *compose*.y*ml file (four folders deep)".into(),
        n if n > 12 => format!(
            "compose-like files here: {} and {} more",
            found[..12].join(", "),
            n - 12
        ),
        _ => format!("compose-like files here: {}", found.join(", ")),
    }
}

/// A name for a layering beyond the first of its kind: what its last file
/// adds (`docker-compose.hemma.research.yml` -> `hemma-research`).
fn name_of(files: &[String]) -> String {
    let last = files.last().map(String::as_str).unwrap_or("layering");
    let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
    let stem = stem
        .trim_start_matches("docker-compose")
        .trim_start_matches("compose")
        .trim_start_matches(['.', '-', '_']);
    let name = stem.replace(['.', '_'], "-");
    if name.is_empty() {
        "infrastructure".into()
    } else {
        name
    }
}

/// A name no other layering has: `infrastructure` or `hemma` for the first
/// set of its kind; then what the set's last file adds; when that is taken,
/// `-on-` and what its first file is (`hemma-research-on-docker-compose`);
/// when that is taken too, a number.
fn distinct_name(files: &[String], taken: &[&str]) -> String {
    let free = |n: &str| !taken.contains(&n);
    let hemma = files.iter().any(|f| is_hemma_file(f));
    let first = if hemma { "hemma" } else { "infrastructure" };
    if free(first) {
        return first.into();
    }
    let adds = name_of(files);
    if free(&adds) {
        return adds;
    }
    let base = files.first().map(String::as_str).unwrap_or("layering");
    let on = match name_of(&[base.to_string()]) {
        n if n == "infrastructure" => base
            .rsplit_once('.')
            .map_or(base, |(s, _)| s)
            .replace(['.', '_'], "-"),
        n => n,
    };
    let named = format!("{adds}-on-{on}");
    (1..)
        .map(|i| {
            if i == 1 {
                named.clone()
            } else {
                format!("{named}-{i}")
            }
        })
        .find(|n| free(n))
        .unwrap_or(named)
}

pub fn found(dir: &Path, texts: &[(String, String)]) -> Result<Vec<Layering>, InitError> {
    let mut sets = candidates(dir, texts);
    if sets.is_empty() {
        sets = by_names(dir);
    }
    if sets.is_empty() {
        return Err(InitError::NoCompose {
            dir: dir.to_path_buf(),
            here: compose_like(dir),
        });
    }
    // Fewest files first: the base before what is layered on it.
    sets.sort_by_key(|s| s.files.len());
    let mut out: Vec<Layering> = Vec::new();
    let mut tried = Vec::new();
    for s in sets {
        let model = cli(dir, &s.files, &s.env_files, &s.profiles).config();
        let has_kafka = model.as_ref().map(|m| discover::kafka_service(m).is_some());
        if has_kafka.as_ref().is_ok_and(|k| !k) {
            tried.push(format!("{} (no Kafka)", s.files.join(" + ")));
            continue;
        }
        let taken: Vec<&str> = out.iter().map(|l| l.name.as_str()).collect();
        let name = distinct_name(&s.files, &taken);
        out.push(Layering {
            name,
            files: s.files,
            env_files: s.env_files,
            profiles: s.profiles,
            project_name: s.project_name,
            from: s.at,
            model,
        });
    }
    if out.is_empty() {
        return Err(InitError::NoKafka {
            dir: dir.to_path_buf(),
            tried: tried.join(", "),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_lines_env_file_or_compose_file_outside_the_repo_is_not_taken() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("docker-compose.yml"), "services: {}\n").unwrap();
        let readme = "docker compose --env-file /etc/shadow --env-file ../x/.env --env-file .env.dev --profile --all --profile infra up\ndocker compose -f /etc/compose.yml up\n";
        let found = candidates(d.path(), &[("README.md".into(), readme.into())]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].env_files, vec![".env.dev"]);
        assert_eq!(found[0].profiles, vec!["infra"]);
        assert_eq!(found[0].files, vec!["docker-compose.yml"]);
    }

    #[test]
    fn a_further_layering_is_named_for_the_file_it_adds() {
        let f = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            name_of(&f(&[
                "docker-compose.hemma.yml",
                "docker-compose.hemma.research.yml"
            ])),
            "hemma-research"
        );
        assert_eq!(name_of(&f(&["compose.yaml", "compose.ci.yaml"])), "ci");
        assert!(is_hemma_file("docker-compose.prod.yml") && !is_hemma_file("compose.yaml"));
    }

    #[test]
    fn two_file_sets_ending_in_the_same_overlay_get_distinct_names() {
        let f = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (hemma, prod, research) = (
            "docker-compose.hemma.yml",
            "docker-compose.prod.yml",
            "docker-compose.hemma.research.yml",
        );
        let sets = [
            f(&["docker-compose.yml"]),
            f(&[hemma, prod]),
            f(&[hemma, prod, research]),
            f(&["docker-compose.yml", prod, research]),
            f(&["compose.yml", prod, research]),
        ];
        let mut names: Vec<String> = Vec::new();
        for s in &sets {
            let taken: Vec<&str> = names.iter().map(String::as_str).collect();
            names.push(distinct_name(s, &taken));
        }
        assert_eq!(
            names,
            [
                "infrastructure",
                "hemma",
                "hemma-research",
                "hemma-research-on-docker-compose",
                "hemma-research-on-compose"
            ]
        );
        let mut p = f(&["research-offload", "research-offload", "x"]);
        unique(&mut p);
        assert_eq!(p, ["research-offload", "x"]);
    }
}
