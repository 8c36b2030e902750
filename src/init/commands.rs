//! How the repo itself starts its stack: every `docker compose` command line
//! its README, Makefile, scripts, docs and compose files' comments show,
//! with the files, env files and profiles it passes. Parsing is pure; only
//! [`read_texts`] touches the disk.

use std::path::{Path, PathBuf};

use super::expand;

/// One `docker compose ...` line of the repo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// `-f`/`--file`, in order, as written.
    pub files: Vec<String>,
    pub env_files: Vec<String>,
    pub profiles: Vec<String>,
    /// `--project-directory`, as written.
    pub project_directory: Option<String>,
    /// `--project-name`/`-p`, as written.
    pub project_name: Option<String>,
    /// The subcommand (`up`, `run`...).
    pub command: String,
    /// `file:line` where the repo says it.
    pub at: String,
}

/// A token's quotes and a trailing `\`, gone.
fn bare(token: &str) -> String {
    token
        .trim_end_matches('\\')
        .trim_matches(|c| c == '"' || c == '\'' || c == '`')
        .to_string()
}

/// Every compose invocation of one line of text (a comment's too).
pub(crate) fn invocations(shown: &str, text: &str) -> Vec<Invocation> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for start in ["docker compose ", "docker-compose "] {
            let mut rest = line;
            while let Some(at) = rest.find(start) {
                rest = &rest[at + start.len()..];
                let end = rest.find(['&', ';', '|', ')', '`']).unwrap_or(rest.len());
                if let Some(inv) = parse(&rest[..end], format!("{shown}:{}", i + 1)) {
                    out.push(inv);
                }
            }
        }
    }
    out
}

/// The flags before the subcommand; `None` when there is no subcommand.
fn parse(args: &str, at: String) -> Option<Invocation> {
    let tokens: Vec<String> = args.split_whitespace().map(bare).collect();
    let mut inv = Invocation {
        files: Vec::new(),
        env_files: Vec::new(),
        profiles: Vec::new(),
        project_directory: None,
        project_name: None,
        command: String::new(),
        at,
    };
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        let (flag, inline) = match t.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (t, None),
        };
        let takes = matches!(
            flag,
            "-f" | "--file"
                | "--env-file"
                | "--profile"
                | "--project-directory"
                | "-p"
                | "--project-name"
                | "--ansi"
                | "--progress"
        );
        if !flag.starts_with('-') {
            inv.command = t.to_string();
            return Some(inv);
        }
        if !takes {
            i += 1;
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                tokens.get(i).cloned().unwrap_or_default()
            }
        };
        match flag {
            "-f" | "--file" => inv.files.push(value),
            "--env-file" => inv.env_files.push(value),
            "--profile" => inv.profiles.push(value),
            "--project-directory" => inv.project_directory = Some(value),
            "-p" | "--project-name" => inv.project_name = Some(value),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Host scripts a line runs (`scripts/x.sh`, `./scripts/x.sh`, `sh x.sh`),
/// as written, with where.
pub(crate) fn scripts_run(shown: &str, text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for token in line.split_whitespace().map(bare) {
            let token = token.trim_start_matches("./");
            if token.ends_with(".sh") && !token.starts_with('/') && !token.contains('$') {
                out.push((token.to_string(), format!("{shown}:{}", i + 1)));
            }
        }
    }
    out
}

/// The texts where a repo says how it is run: README*, Makefile, *.mk,
/// scripts/ and docs/ (two levels), the compose files of its root, and
/// each script one of those runs that starts compose (a wrapper); as the
/// repo means them: a Makefile's variables and a script's defaults expanded.
pub(crate) fn read_texts(dir: &Path) -> Vec<(String, String)> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_lowercase();
        if p.is_file()
            && (name.starts_with("readme")
                || name == "makefile"
                || name.ends_with(".mk")
                || super::is_compose_file(&name))
        {
            paths.push(p);
        }
    }
    for sub in ["scripts", "docs", "bin"] {
        let walk = walkdir::WalkDir::new(dir.join(sub)).max_depth(3);
        for e in walk
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
        {
            paths.push(e.into_path());
        }
    }
    paths.sort();
    let mut texts: Vec<(String, String)> = paths.iter().filter_map(|p| read(dir, p)).collect();
    let wrappers: Vec<(String, String)> = texts
        .iter()
        .flat_map(|(_, t)| wrappers_run(dir, t))
        .filter(|p| !paths.contains(p))
        .filter_map(|p| read(dir, &p))
        .collect();
    for w in wrappers {
        if !texts.iter().any(|(s, _)| *s == w.0) {
            texts.push(w);
        }
    }
    texts
}

/// One text, as the repo means it, shown relative to `dir`.
fn read(dir: &Path, p: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(p).ok()?;
    let shown = p.strip_prefix(dir).unwrap_or(p).display().to_string();
    let name = shown.rsplit('/').next().unwrap_or(&shown).to_lowercase();
    let text = if name == "makefile" || name.ends_with(".mk") {
        expand::expand_make(&text, &expand::make_vars(&text))
    } else if super::is_compose_file(&name) {
        text
    } else {
        let script_dir = shown.rsplit_once('/').map_or(".", |(d, _)| d);
        let vars = expand::shell_vars(&text, script_dir);
        text.lines()
            .map(|l| expand::expand_shell(l, &vars))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Some((shown, text))
}

/// Files of the repo a text runs (a token naming one) that start compose
/// themselves: wrapper scripts.
fn wrappers_run(dir: &Path, text: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for token in text.split_whitespace().map(bare) {
        let token = token.trim_start_matches("./");
        if token.is_empty() || token.starts_with('/') || token.contains('$') {
            continue;
        }
        let p = dir.join(expand::normalize(token));
        let doc = [".md", ".yml", ".yaml", ".json", ".txt"]
            .iter()
            .any(|e| token.ends_with(e));
        let small = std::fs::metadata(&p).is_ok_and(|m| m.is_file() && m.len() < 65_536);
        if doc || !small || out.contains(&p) {
            continue;
        }
        let starts = std::fs::read_to_string(&p)
            .is_ok_and(|t| t.contains("docker compose") || t.contains("docker-compose"));
        if starts {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_before_the_subcommand_are_read_in_every_spelling() {
        let text = "# run:\n#   docker compose -f a.yml --file=b.yml --env-file .env.dev --profile infra up -d kafka\n\tdocker-compose --project-directory deploy run --rm x && scripts/topics.sh\n";
        let found = invocations("Makefile", text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].files, vec!["a.yml", "b.yml"]);
        assert_eq!(found[0].env_files, vec![".env.dev"]);
        assert_eq!(found[0].profiles, vec!["infra"]);
        assert_eq!(
            (found[0].command.as_str(), found[0].at.as_str()),
            ("up", "Makefile:2")
        );
        assert_eq!(found[1].project_directory.as_deref(), Some("deploy"));
        assert_eq!(found[1].command, "run");
        assert_eq!(
            scripts_run("Makefile", text),
            vec![("scripts/topics.sh".to_string(), "Makefile:3".to_string())]
        );
    }

    #[test]
    fn a_mention_without_a_subcommand_is_no_invocation() {
        assert!(invocations("README.md", "use `docker compose` for this").is_empty());
    }
}
