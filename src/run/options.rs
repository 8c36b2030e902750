//! What a run is asked to do.

use std::path::PathBuf;

use crate::stack::ImageChoice;

pub const DEFAULT_WAIT_LIMIT_S: f64 = 90.0;
pub const DEFAULT_LOCK_WAIT_S: f64 = 600.0;

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub project_dir: PathBuf,
    /// Cucumber tag expression, e.g. `@static and not @hemma`.
    pub tags: Option<String>,
    /// Run these feature files instead of the compiled-in ones.
    pub features: Option<PathBuf>,
    pub images: ImageChoice,
    /// Leave the stack up after the run.
    pub keep: bool,
    /// Longest wait for a service to become healthy (seconds); the 60 s
    /// criterion is judged on the engine's timestamps, not on this.
    pub wait_limit: f64,
    /// Verify this running compose project instead of starting one.
    pub attach: Option<String>,
    /// In attach mode, run the topic bootstrap (a change to the deployment).
    pub run_topic_setup: bool,
    /// The layering the runtime uses (default: hemma when attached, else
    /// infrastructure).
    pub layering: Option<String>,
    /// Run @host scenarios: they connect to this host's own non-loopback
    /// addresses and list its sockets, so only on the deployment host.
    pub host_checks: bool,
    /// Progress lines while waiting even when stderr is not a terminal.
    pub verbose: bool,
    /// Longest wait for another owned run on this host to finish.
    pub lock_wait: f64,
}

impl VerifyOptions {
    pub fn new(project_dir: PathBuf) -> Self {
        Self {
            project_dir,
            tags: None,
            features: None,
            images: ImageChoice::Auto,
            keep: false,
            wait_limit: DEFAULT_WAIT_LIMIT_S,
            attach: None,
            run_topic_setup: false,
            layering: None,
            host_checks: false,
            verbose: false,
            lock_wait: DEFAULT_LOCK_WAIT_S,
        }
    }

    /// The layering the runtime scenarios use.
    pub fn runtime_layering(&self, has_hemma: bool) -> String {
        self.layering.clone().unwrap_or_else(|| {
            if self.attach.is_some() && has_hemma { "hemma" } else { "infrastructure" }.to_string()
        })
    }
}
