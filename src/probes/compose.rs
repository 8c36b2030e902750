//! Docker Compose through its CLI (never re-implemented): `config` for the
//! resolved model, `up`/`down`/`ps` for the stack.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use crate::children::{Child, Waited};
use crate::model::compose::ComposeModel;

#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("docker compose (Compose v2) is not available: {0}; run scripts/setup.sh or install the docker-compose CLI plugin")]
    Missing(String),
    #[error("`docker compose {args}` failed (exit {code}): {stderr}")]
    Failed {
        args: String,
        code: i32,
        stderr: String,
    },
    /// A failure compose did not place, placed: the file that is empty or
    /// not YAML (compose's own words after it).
    #[error("compose file {file} {why}: `docker compose {args}` failed (exit {code}): {stderr}")]
    InFile {
        file: String,
        why: &'static str,
        args: String,
        code: i32,
        stderr: String,
    },
    #[error("`docker compose config` printed JSON this harness cannot read: {0}")]
    Json(#[from] serde_json::Error),
    /// A bug of this harness, not of the machine: said as such.
    #[error("`docker compose {0}` ran on a thread of kraft-acceptance that panicked (a bug of kraft-acceptance; the panic's message is above)")]
    Panicked(String),
    #[error("`docker compose {args}` did not finish within {seconds:.0} s reading {files}; it was killed (a YAML alias bomb or a FIFO among the files does this; --compose-limit raises the bound)")]
    TimedOut {
        args: String,
        seconds: f64,
        files: String,
    },
    #[error("required variable {name} is not set ({message}); compose read {env_file}: set {name} there or in the environment")]
    RequiredVariable {
        name: String,
        message: String,
        env_file: String,
    },
}

/// One invocation context: the compose files (in `-f` order), the project
/// directory and, for a stack, the project name.
#[derive(Debug, Clone)]
pub struct ComposeCli {
    pub files: Vec<PathBuf>,
    pub project_directory: PathBuf,
    pub project_name: Option<String>,
    /// Compose profiles to enable (`--profile`).
    pub profiles: Vec<String>,
    /// Env files (`--env-file`), in order; none: compose reads `<project directory>/.env`.
    pub env_files: Vec<PathBuf>,
    /// How long a `docker compose` that resolves files (`config`, `down`,
    /// `ps`...) may run before it is killed with its process group.
    pub limit: Duration,
}

/// The default of [`ComposeCli::limit`] (`--compose-limit`).
pub(crate) const DEFAULT_COMPOSE_LIMIT_S: f64 = 60.0;

/// The bound every new [`ComposeCli`] gets, in milliseconds (0: the default).
static LIMIT_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Sets the bound of every `ComposeCli` made from now on (`--compose-limit`).
pub(crate) fn set_default_limit(limit: Duration) {
    let ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
    LIMIT_MS.store(ms, std::sync::atomic::Ordering::SeqCst);
}

fn default_limit() -> Duration {
    match LIMIT_MS.load(std::sync::atomic::Ordering::SeqCst) {
        0 => Duration::from_secs_f64(DEFAULT_COMPOSE_LIMIT_S),
        ms => Duration::from_millis(ms),
    }
}

impl ComposeCli {
    pub fn new(files: Vec<PathBuf>, project_directory: &Path) -> Self {
        Self {
            files,
            project_directory: project_directory.to_path_buf(),
            project_name: None,
            profiles: Vec::new(),
            env_files: Vec::new(),
            limit: default_limit(),
        }
    }

    pub(crate) fn with_env_files(mut self, env_files: &[PathBuf]) -> Self {
        self.env_files = env_files.to_vec();
        self
    }

    pub(crate) fn with_profiles(mut self, profiles: &[String]) -> Self {
        self.profiles = profiles.to_vec();
        self
    }

    pub(crate) fn with_project(mut self, name: &str) -> Self {
        self.project_name = Some(name.to_string());
        self
    }

    pub(crate) fn base_args(&self) -> Vec<String> {
        let mut a = vec!["compose".to_string()];
        if let Some(p) = &self.project_name {
            a.extend(["--project-name".into(), p.clone()]);
        }
        a.extend([
            "--project-directory".into(),
            self.project_directory.display().to_string(),
        ]);
        for p in &self.profiles {
            a.extend(["--profile".into(), p.clone()]);
        }
        for e in &self.env_files {
            a.extend(["--env-file".into(), e.display().to_string()]);
        }
        for f in &self.files {
            a.extend(["-f".into(), f.display().to_string()]);
        }
        a
    }

    /// Starts `docker compose <args>` with output captured.
    /// In a process group of its own (see [`crate::children`]).
    pub fn spawn(&self, args: &[&str]) -> Result<Child, ComposeError> {
        let mut all = self.base_args();
        all.extend(args.iter().map(|s| s.to_string()));
        Child::spawn_piped(Command::new("docker").args(&all))
            .map_err(|e| ComposeError::Missing(format!("cannot run `docker`: {e}")))
    }

    /// Waits for a spawned invocation within `limit`; past it the error
    /// names the files compose was reading.
    pub fn finish(
        &self,
        args: &[&str],
        child: Child,
        limit: Duration,
        tick: impl FnMut(Duration),
    ) -> Result<Output, ComposeError> {
        let out = child.output_watched(limit, tick).map_err(|e| match e {
            Waited::TimedOut(seconds) => ComposeError::TimedOut {
                args: args.join(" "),
                seconds,
                files: self.files_said(),
            },
            Waited::Io(e) => ComposeError::Missing(format!("waiting for `docker`: {e}")),
        })?;
        self.check(args, out)
    }

    /// The files compose reads, in `-f` order, and its env files.
    fn files_said(&self) -> String {
        let files = self.files.iter().chain(&self.env_files);
        let names: Vec<String> = files.map(|f| f.display().to_string()).collect();
        match names.as_slice() {
            [] => format!(
                "the default compose file of {}",
                self.project_directory.display()
            ),
            _ => names.join(", "),
        }
    }

    /// A finished invocation: its output, or an error with stderr in one line.
    pub fn check(&self, args: &[&str], out: Output) -> Result<Output, ComposeError> {
        if out.status.success() {
            return Ok(out);
        }
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if stderr.contains("'compose' is not a docker command")
            || stderr.contains("unknown shorthand flag: 'f'")
        {
            return Err(ComposeError::Missing(
                stderr.lines().next().unwrap_or_default().to_string(),
            ));
        }
        if let Some((name, message)) = required_variable(&stderr) {
            let env = self.project_directory.join(".env");
            let env_file = match self.env_files.as_slice() {
                [] if env.is_file() => env.display().to_string(),
                [] => format!("no .env ({} has none)", self.project_directory.display()),
                files => files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            return Err(ComposeError::RequiredVariable {
                name,
                message,
                env_file,
            });
        }
        Err(ComposeError::Failed {
            args: args.join(" "),
            code: out.status.code().unwrap_or(-1),
            stderr: one_line(&stderr),
        })
    }

    /// Runs `docker compose <args>`; stderr goes into the error, in one line.
    pub fn run(&self, args: &[&str]) -> Result<Output, ComposeError> {
        self.finish(args, self.spawn(args)?, self.limit, |_| {})
    }

    /// The merged model, as compose itself resolves it. A failure that
    /// names no file is placed when one file is empty or not YAML.
    pub fn config(&self) -> Result<ComposeModel, ComposeError> {
        let out = self
            .run(&["config", "--format", "json"])
            .map_err(|e| self.placed(e))?;
        Ok(serde_json::from_slice(&out.stdout)?)
    }

    /// `e` with the file it comes from, when compose did not say: an empty
    /// file (compose merges it silently and then misses what it held), or
    /// the file compose, reading it alone, finds not to be YAML.
    fn placed(&self, e: ComposeError) -> ComposeError {
        let ComposeError::Failed { args, code, stderr } = e else {
            return e;
        };
        let named = self
            .files
            .iter()
            .any(|f| stderr.contains(&*f.to_string_lossy()));
        let culprit = if named {
            None
        } else if let Some(f) = self.files.iter().find(|f| is_empty_yaml(f)) {
            Some((f, "is empty"))
        } else if stderr.contains("yaml: ") {
            self.files
                .iter()
                .find(|f| self.alone(f).is_err())
                .map(|f| (f, "is not valid YAML"))
        } else {
            None
        };
        match culprit {
            Some((f, why)) => ComposeError::InFile {
                file: f.display().to_string(),
                why,
                args,
                code,
                stderr,
            },
            None => ComposeError::Failed { args, code, stderr },
        }
    }

    /// `file` read alone as YAML, as compose reads it (no merge, no
    /// variables, no model check): fails only when it cannot be parsed.
    fn alone(&self, file: &Path) -> Result<Output, ComposeError> {
        let mut one = ComposeCli::new(vec![file.to_path_buf()], &self.project_directory);
        one.limit = self.limit;
        one.run(&["config", "--no-consistency", "--no-interpolate", "--quiet"])
    }
}

/// A regular file with nothing but blanks and comments (a FIFO or a
/// device is never read here).
fn is_empty_yaml(file: &Path) -> bool {
    let regular = std::fs::metadata(file).is_ok_and(|m| m.is_file() && m.len() < 1 << 20);
    regular
        && std::fs::read(file).is_ok_and(|b| {
            b.split(|c| *c == b'\n')
                .map(|l| l.trim_ascii())
                .all(|l| l.is_empty() || l.starts_with(b"#"))
        })
}

/// Compose's `${X:?message}` refusal: (X, message).
fn required_variable(stderr: &str) -> Option<(String, String)> {
    let line = stderr.lines().find(|l| l.contains("required variable "))?;
    let rest = &line[line.find("required variable ")? + "required variable ".len()..];
    let (name, message) = rest.split_once(" is missing a value")?;
    Some((
        name.to_string(),
        message.trim_start_matches(':').trim().to_string(),
    ))
}

/// Compose errors span lines; a failure message should be one readable line.
pub fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_compose_required_variable_refusal() {
        let e = "error while interpolating services.kafka.environment.CLUSTER_ID: required variable KAFKA_CLUSTER_ID is missing a value: set KAFKA_CLUSTER_ID in .env";
        assert_eq!(
            required_variable(e),
            Some((
                "KAFKA_CLUSTER_ID".into(),
                "set KAFKA_CLUSTER_ID in .env".into()
            ))
        );
        assert_eq!(
            required_variable("service \"x\" has neither an image nor a build context"),
            None
        );
    }

    #[test]
    fn profiles_go_before_the_files() {
        let cli =
            ComposeCli::new(vec!["a.yml".into()], Path::new("/t")).with_profiles(&["tools".into()]);
        assert_eq!(
            cli.base_args().join(" "),
            "compose --project-directory /t --profile tools -f a.yml"
        );
    }
}
