//! What a run is asked to do: the `verify` options, as the command line
//! takes them (`kraft-acceptance verify --help`).

use std::path::PathBuf;

use crate::stack::ImageChoice;

const DEFAULT_WAIT_LIMIT_S: f64 = 90.0;
const DEFAULT_LOCK_WAIT_S: f64 = 600.0;
/// The longest any of the time flags may say: a week.
const MAX_SECONDS: f64 = 7.0 * 24.0 * 3600.0;

/// A flag's value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{flag} {value}: {why}")]
pub struct FlagError {
    pub flag: &'static str,
    pub value: String,
    pub why: String,
}

#[derive(Debug, Clone, clap::Args)]
pub struct VerifyOptions {
    /// The target repo (default: the current directory, as for `docker
    /// compose`): compose files named as in the seed
    /// (docker-compose.infrastructure.yml, docker-compose.hemma.yml) or
    /// listed in its kraft-acceptance.toml.
    #[arg(
        long,
        value_name = "DIR",
        env = "KRAFT_ACCEPTANCE_PROJECT_DIR",
        default_value = "."
    )]
    pub project_dir: PathBuf,
    /// Cucumber tag expression selecting scenarios, e.g. "@static",
    /// "@runtime and not @kraft-wire". Default: every scenario.
    #[arg(long, value_name = "EXPR")]
    pub tags: Option<String>,
    /// Run the .feature files of DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub features: Option<PathBuf>,
    /// Images for @runtime scenarios. auto: the target's own images,
    /// pulled (`docker compose pull`) when not present; the locally
    /// built stand-in only when that pull fails, with the pull's error
    /// as the reason. real: the target's own, never the stand-in.
    /// standin: the stand-in, no pull. Every run says which it used,
    /// and a run on the stand-in is never a release sign-off.
    #[arg(long, value_enum, env = "KRAFT_ACCEPTANCE_IMAGES", default_value_t = ImageChoice::Auto)]
    pub images: ImageChoice,
    /// Leave the stack running after the run (prints how to remove it).
    #[arg(long, conflicts_with = "attach")]
    pub keep: bool,
    /// Post-deploy: verify the running compose project --project-name
    /// and change nothing (no up, down, stop, restart, rm; Kafka clients
    /// only read).
    #[arg(long, requires = "project_name")]
    pub attach: bool,
    /// The compose project to attach to (as in `docker compose -p NAME`).
    #[arg(long, value_name = "NAME", requires = "attach")]
    pub project_name: Option<String>,
    /// With --attach: also run the topic bootstrap on the deployment.
    #[arg(long, requires = "attach")]
    pub run_topic_setup: bool,
    /// Run the @host scenarios: they connect to this host's own
    /// non-loopback addresses and list its sockets. Use on the
    /// deployment host only; without it they are reported as not run.
    /// With --attach it also runs the neighbour probe (owned runs run it
    /// whenever root): it adds a test host to this host for about two
    /// seconds (a network namespace and a veth pair on 198.18.0.0/15)
    /// and connects from it to every port Kafka and Redis publish.
    #[arg(long)]
    pub host_checks: bool,
    /// Print progress while waiting even when stderr is not a terminal
    /// (on a terminal it is always shown).
    #[arg(short, long)]
    pub verbose: bool,
    /// The target layering the runtime uses (default: hemma with
    /// --attach when the target has it, else infrastructure).
    #[arg(long, value_name = "NAME")]
    pub layering: Option<String>,
    /// The upgrade rehearsal (owned runs): after every other scenario,
    /// recreate every Kafka node on Kafka VERSION's image keeping its
    /// volumes; the records, committed offsets, cluster id and topic ids
    /// must survive, metadata.version stay at the old level until
    /// `kafka-features.sh upgrade` finalizes the new one. A version the
    /// new broker refuses fails with Kafka's own message. On the stand-in
    /// VERSION must be built here; the target's own images move to the
    /// same image at tag VERSION (pulled if absent).
    #[arg(long, value_name = "VERSION", conflicts_with = "attach")]
    pub upgrade_to: Option<String>,
    /// Longest wait, in seconds, for Kafka or Redis to become healthy.
    /// The 60 s criterion is judged on the engine's own timestamps.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_WAIT_LIMIT_S, allow_negative_numbers = true)]
    pub wait_limit: f64,
    /// Longest wait, in seconds, for another run of kraft-acceptance
    /// on this host (they publish the same ports) to finish.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_LOCK_WAIT_S, allow_negative_numbers = true)]
    pub lock_wait: f64,
    /// Longest a `docker compose` that resolves the files (`config`,
    /// `down`...) may run before it is killed with its process group: a
    /// YAML alias bomb or a FIFO among the files would hold it for ever.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::probes::compose::DEFAULT_COMPOSE_LIMIT_S, allow_negative_numbers = true)]
    pub compose_limit: f64,
}

impl VerifyOptions {
    pub fn new(project_dir: PathBuf) -> Self {
        Self {
            project_dir,
            tags: None,
            features: None,
            images: ImageChoice::Auto,
            keep: false,
            upgrade_to: None,
            wait_limit: DEFAULT_WAIT_LIMIT_S,
            attach: false,
            project_name: None,
            run_topic_setup: false,
            layering: None,
            host_checks: false,
            verbose: false,
            lock_wait: DEFAULT_LOCK_WAIT_S,
            compose_limit: crate::probes::compose::DEFAULT_COMPOSE_LIMIT_S,
        }
    }

    /// Every time flag is a positive, finite number of seconds, at most
    /// [`MAX_SECONDS`]; checked before anything runs.
    pub fn check(&self) -> Result<(), FlagError> {
        for (flag, v) in [
            ("--wait-limit", self.wait_limit),
            ("--lock-wait", self.lock_wait),
            ("--compose-limit", self.compose_limit),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= MAX_SECONDS) {
                return Err(FlagError {
                    flag,
                    value: v.to_string(),
                    why: format!(
                        "want a number of seconds above 0 and at most {MAX_SECONDS} (a week)"
                    ),
                });
            }
        }
        if let Some(v) = self
            .upgrade_to
            .as_ref()
            .filter(|v| !crate::stack::upgrade::is_version(v))
        {
            return Err(FlagError {
                flag: "--upgrade-to",
                value: v.clone(),
                why: "want a Kafka release version, MAJOR.MINOR.PATCH (e.g. 3.8.0)".into(),
            });
        }
        Ok(())
    }

    /// The running compose project verified read-only (`--attach`).
    pub fn attached(&self) -> Option<&str> {
        self.project_name.as_deref().filter(|_| self.attach)
    }

    /// The layering the runtime scenarios use.
    pub(crate) fn runtime_layering(&self, has_hemma: bool) -> String {
        self.layering.clone().unwrap_or_else(|| {
            if self.attached().is_some() && has_hemma {
                "hemma"
            } else {
                "infrastructure"
            }
            .to_string()
        })
    }
}
