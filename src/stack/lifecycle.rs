//! Starting, stopping and one-off runs of an owned stack.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Mode, Stack, StackError};
use crate::model::engine::run_time;
use crate::model::{OneOff, UpResult};
use crate::probes::compose::{one_line, ComposeError};

/// How long `up -d` may take beyond the compose bound: it creates the
/// containers (and builds what the files build); it does not wait for health.
const UP_LIMIT: Duration = Duration::from_secs(600);

impl Stack {
    /// The criterion's exact command: `docker compose up -d kafka redis`,
    /// with every Kafka node of a cluster in Kafka's place. Attached stacks
    /// are never started: their result is set at attach.
    pub fn up(&self) -> &UpResult {
        self.up.get_or_init(|| {
            let services = self.services.started();
            if super::progress::shown() {
                super::progress::notice(&format!(
                    "starting the stack: docker compose -p {} up -d {}",
                    self.project,
                    services.join(" ")
                ));
            }
            let started = Instant::now();
            let mut args = vec!["up", "-d"];
            args.extend(services.iter().map(String::as_str));
            let command = format!("docker compose -p {} {}", self.project, args.join(" "));
            let result = self.cli.spawn(&args).and_then(|child| {
                self.set_up_pid(child.id());
                let out = self
                    .cli
                    .finish(&args, child, self.cli.limit + UP_LIMIT, |_| {});
                self.set_up_pid(0);
                out
            });
            let seconds = started.elapsed().as_secs_f64();
            match result {
                Ok(out) => UpResult {
                    command,
                    ok: true,
                    output: one_line(&String::from_utf8_lossy(&out.stderr)),
                    seconds,
                },
                Err(e) => UpResult {
                    command,
                    ok: false,
                    output: e.to_string(),
                    seconds,
                },
            }
        })
    }

    fn set_up_pid(&self, pid: u32) {
        if let Mode::Owned { up_pid, .. } = &self.mode {
            up_pid.store(pid, Ordering::SeqCst);
        }
    }

    /// Stops an in-flight `up` (an interrupt arrived while it ran).
    pub(crate) fn stop_up(&self) {
        let Mode::Owned { up_pid, .. } = &self.mode else {
            return;
        };
        let pid = up_pid.load(Ordering::SeqCst);
        if pid == 0 {
            return;
        }
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        for _ in 0..50 {
            if up_pid.load(Ordering::SeqCst) == 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `down -v --remove-orphans`, once; with `--keep`, prints how to remove
    /// it. An attached deployment is never touched.
    pub fn down(&self) -> Result<(), ComposeError> {
        let Mode::Owned {
            keep,
            down_done,
            owner_file,
            ..
        } = &self.mode
        else {
            return Ok(());
        };
        let mut done = down_done.lock().unwrap_or_else(|p| p.into_inner());
        if *done {
            return Ok(());
        }
        if *keep {
            *done = true;
            super::progress::notice(&format!(
                "stack kept; remove it with: {}",
                self.down_command()
            ));
            super::progress::notice(&format!(
                "(its owner labels are in {}; `down` removes the stack, the file can go after)",
                owner_file.display()
            ));
            return Ok(());
        }
        // Done only once it worked: a teardown that failed (the engine was
        // away) is tried again by whoever comes next.
        // `--rmi local`: images compose built for the run (no `image:` name of
        // their own, so named after the run's project) go with it. Asked
        // only when a service builds: the image listing costs a tenth of a
        // second.
        let mut args = vec!["down", "-v", "--remove-orphans", "--timeout", "5"];
        if self.model.services.values().any(|s| s.build.is_some()) {
            args.extend(["--rmi", "local"]);
        }
        self.cli.run(&args)?;
        for v in self
            .carried
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            // Gone already is fine; anything else is said, not fatal.
            let out = crate::children::output_within(
                std::process::Command::new("docker").args(["volume", "rm", "-f", &v]),
                self.cli.limit,
            );
            if let Err(e) = out {
                super::progress::notice(&format!(
                    "removing volume {v} that a redeploy carried over: {e}"
                ));
            }
        }
        *done = true;
        let _ = std::fs::remove_file(owner_file);
        Ok(())
    }

    /// The command that removes the stack, with every argument the run's
    /// own compose commands get (project, directory, profiles, env files,
    /// files), quoted for a shell where needed; then the anonymous volumes a
    /// redeploy carried over, which `down -v` does not know.
    fn down_command(&self) -> String {
        let quote = |a: &String| {
            if a.contains(|c: char| c.is_whitespace() || c == '\'' || c == '"') {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a.clone()
            }
        };
        let args: Vec<String> = self.cli.base_args().iter().map(quote).collect();
        let carried = self.carried.lock().unwrap_or_else(|p| p.into_inner());
        let volumes = match carried.is_empty() {
            true => String::new(),
            false => format!(" && docker volume rm -f {}", carried.join(" ")),
        };
        format!("docker {} down -v{volumes}", args.join(" "))
    }

    /// `docker compose run --rm SERVICE` with a hard time limit. With
    /// `deps_ready`, `--no-deps`: its dependencies were already seen ready
    /// (compose's own dependency check costs about half a second).
    async fn run_oneoff(
        &self,
        service: &str,
        limit: Duration,
        deps_ready: bool,
    ) -> Result<OneOff, StackError> {
        let mut cmd = tokio::process::Command::new("docker");
        cmd.args(self.cli.base_args())
            .args(["run", "--rm", "--no-TTY"]);
        if deps_ready {
            cmd.arg("--no-deps");
        }
        cmd.arg(service);
        cmd.stdin(std::process::Stdio::null());
        let started = Instant::now();
        let since_s = crate::probes::engine::Engine::now_s() - 1;
        let since_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0);
        let command = format!("docker compose run --rm {service}");
        let out = tokio::time::timeout(limit, crate::children::tokio_output(&mut cmd))
            .await
            .map_err(|_| StackError::Command {
                command: command.clone(),
                reason: format!("still running after {} s", limit.as_secs()),
            })?
            .map_err(|e| StackError::Command {
                command,
                reason: e.to_string(),
            })?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let tail: Vec<&str> = text.lines().rev().take(6).collect();
        let wall_seconds = started.elapsed().as_secs_f64();
        let seconds = self
            .measure_events(since_s, |ev| run_time(ev, service, since_ns))
            .await;
        Ok(OneOff {
            service: service.to_string(),
            exit_code: out.status.code().unwrap_or(-1),
            tail: tail.into_iter().rev().collect::<Vec<_>>().join(" | "),
            seconds: seconds.unwrap_or(wall_seconds),
            wall_seconds,
        })
    }
}

/// Why a bootstrap service did not run to its end.
#[derive(Debug)]
pub enum BootstrapError {
    /// Kafka never became ready: the run was not started, or was stopped.
    NotReady(crate::model::Readiness),
    Run(StackError),
}

impl Stack {
    /// Runs the bootstrap service to completion. One that waits for a
    /// healthy Kafka is started at once: compose holds it until Kafka is
    /// healthy, as on a deployment, while the run's own bounded wait goes on
    /// beside it. One that does not wait is started only once Kafka is
    /// ready, so it is not failed for that here (the static scenario judges
    /// the wait). `again`: a repeat run, Kafka known healthy (`--no-deps`).
    pub async fn run_bootstrap(
        &self,
        service: &str,
        limit: Duration,
        again: bool,
    ) -> Result<OneOff, BootstrapError> {
        if again {
            return self
                .run_oneoff(service, limit, true)
                .await
                .map_err(BootstrapError::Run);
        }
        let kafka = &self.services.up[0];
        if !self.model.waits_healthy(service, kafka) {
            let r = self.readiness(kafka).await;
            if !r.healthy {
                return Err(BootstrapError::NotReady(r));
            }
            return self
                .run_oneoff(service, limit, false)
                .await
                .map_err(BootstrapError::Run);
        }
        let mut run = std::pin::pin!(self.run_oneoff(service, limit, false));
        tokio::select! {
            r = self.readiness(kafka) => match r.healthy {
                true => run.await.map_err(BootstrapError::Run),
                // Never ready: the run is dropped here, which kills it.
                false => Err(BootstrapError::NotReady(r)),
            },
            done = &mut run => done.map_err(BootstrapError::Run),
        }
    }

    /// Runs a bootstrap that is a host command (`sh -c` in `dir`), with the
    /// host address in `KAFKA_BOOTSTRAP_SERVERS` and the run's compose
    /// project in `COMPOSE_PROJECT_NAME`, `COMPOSE_FILE` and
    /// `COMPOSE_PROFILES`, so a `docker compose` inside it reaches this stack.
    pub async fn run_host_command(
        &self,
        command: &str,
        dir: &std::path::Path,
        bootstrap_servers: &str,
        limit: Duration,
    ) -> Result<OneOff, StackError> {
        let files: Vec<String> = self
            .cli
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect();
        let mut cmd = tokio::process::Command::new("sh");
        cmd.arg("-c").arg(command).current_dir(dir);
        cmd.env("KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers)
            .env("COMPOSE_PROJECT_NAME", &self.project)
            .env("COMPOSE_FILE", files.join(":"))
            .env("COMPOSE_PROFILES", self.cli.profiles.join(","));
        cmd.stdin(std::process::Stdio::null());
        let started = Instant::now();
        let args = format!("sh -c {command:?}");
        let out = tokio::time::timeout(limit, crate::children::tokio_output(&mut cmd))
            .await
            .map_err(|_| StackError::Command {
                command: args.clone(),
                reason: format!("still running after {} s", limit.as_secs()),
            })?
            .map_err(|e| StackError::Command {
                command: args,
                reason: e.to_string(),
            })?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let tail: Vec<&str> = text.lines().rev().take(6).collect();
        let wall_seconds = started.elapsed().as_secs_f64();
        Ok(OneOff {
            service: format!("host command `{command}`"),
            exit_code: out.status.code().unwrap_or(-1),
            tail: tail.into_iter().rev().collect::<Vec<_>>().join(" | "),
            seconds: wall_seconds,
            wall_seconds,
        })
    }
}

/// Tears the stack down if nothing else did (panics unwind through here).
pub struct StackGuard(pub Arc<Stack>);

impl Drop for StackGuard {
    fn drop(&mut self) {
        if let Err(e) = self.0.down() {
            super::progress::notice(&format!("teardown of {} failed: {e}", self.0.project));
        }
    }
}
