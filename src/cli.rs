//! The command line: `kraft-acceptance verify ...`, its exit codes, and the
//! reports it writes. The binary (steps/main.rs) links the step definitions
//! and calls [`main`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::run::options::VerifyOptions;

/// `println!` to a stdout that may be closed or full: see `run::console`.
macro_rules! say {
    ($($t:tt)*) => {
        crate::run::console::print(format_args!("{}\n", format_args!($($t)*)))
    };
}

/// `--version`: the version, the commit and the target it was built for.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("KRAFT_ACCEPTANCE_COMMIT"),
    ", ",
    env!("KRAFT_ACCEPTANCE_TARGET"),
    ")"
);

/// Proves a Kafka ZooKeeper→KRaft migration on a real Docker Compose stack.
///
/// Exit status: 0 every selected scenario passed; 1 a scenario failed (its
/// message says expected vs observed); 2 bad input (target, flags, Docker).
#[derive(Parser)]
#[command(name = "kraft-acceptance", version = VERSION, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Verify a target repo (and, for @runtime scenarios, its stack).
    ///
    /// @static scenarios start no stack; the KRaft settings one (@kafka-setup)
    /// runs Kafka's own setup and format of every Kafka node on the Docker
    /// Engine, in a container with no network, with the node's own image or
    /// the same Kafka version built here (never another version); with no
    /// engine, or no image of that version, it is NOT RUN and says why.
    ///
    /// Examples:
    ///   kraft-acceptance verify --tags @static
    ///   kraft-acceptance verify --project-dir ~/src/huledu --tags "@static and not @hemma"
    ///   kraft-acceptance verify --report target/acceptance
    ///   kraft-acceptance verify --attach --project-name huledu --tags "@runtime or @hemma"
    #[command(verbatim_doc_comment)]
    Verify {
        #[command(flatten)]
        run: VerifyOptions,
        /// Write report.md, report.html (the sign-off report), outcome.json,
        /// cucumber.json and junit.xml into DIR.
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
        /// Write the outcome as Prometheus metrics (text format, replaced
        /// whole) to FILE, e.g. in node_exporter's textfile directory:
        /// /var/lib/prometheus/node-exporter/kraft_acceptance.prom
        #[arg(long, value_name = "FILE")]
        metrics_file: Option<PathBuf>,
        /// Compare this run with the baseline in FILE and report what
        /// drifted (images, bindings, topics, advertised listeners, the
        /// neighbour's answers, verdicts); with no FILE yet, this run
        /// becomes the baseline. Use it post-deploy and in the watch.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// With --baseline: make this run the new baseline (after a deploy).
        #[arg(long, requires = "baseline")]
        save_baseline: bool,
    },
    /// Write the kraft-acceptance.toml that points the harness at a repo, from
    /// what the repo says: the compose files its command lines (README,
    /// Makefile, scripts, docs) start, else its default compose file; the
    /// Kafka and Redis services, their addresses, the topic bootstrap and
    /// its list, as compose resolves them. Each key names where it came
    /// from; what init cannot decide is a commented line to fill in. Then
    /// says whether compose resolves each layering it wrote.
    ///
    /// Examples:
    ///   kraft-acceptance init --print
    ///   kraft-acceptance init --project-dir ~/src/huledu
    ///   kraft-acceptance init --force && kraft-acceptance verify --tags @static
    #[command(verbatim_doc_comment)]
    Init {
        /// The repo (default: the current directory, as for docker compose).
        #[arg(long, value_name = "DIR", default_value = ".")]
        project_dir: PathBuf,
        /// Write the toml to stdout only.
        #[arg(long)]
        print: bool,
        /// Replace an existing kraft-acceptance.toml.
        #[arg(long)]
        force: bool,
    },
    /// Remove stacks that runs of kraft-acceptance left behind when they
    /// were killed (their owner process is gone). Stacks whose owner runs,
    /// kept stacks (--keep) and anything kraft-acceptance did not create are
    /// left alone. A run does the same before it starts a stack.
    ///
    /// Examples:
    ///   kraft-acceptance clean --dry-run
    ///   kraft-acceptance clean
    #[command(verbatim_doc_comment)]
    Clean {
        /// List what would be removed, and what is left and why; remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn main() -> ExitCode {
    crate::stack::progress::set_sink(show);
    crate::probes::netns::child_main_if_requested();
    let command = Cli::parse().command;
    crate::run::signals::end_children_on_signal();
    let code = command_main(command).await;
    // Whatever a child left behind goes with the run.
    crate::children::end_all();
    code
}

async fn command_main(command: Command) -> ExitCode {
    match command {
        Command::Clean { dry_run } => clean(dry_run).await,
        Command::Init {
            project_dir,
            print,
            force,
        } => init(&project_dir, print, force),
        Command::Verify {
            run,
            report,
            metrics_file,
            baseline,
            save_baseline,
        } => verify(&run, report, metrics_file, baseline, save_baseline).await,
    }
}

/// `verify`: its outputs checked, the run, then its reports and verdict.
async fn verify(
    opts: &VerifyOptions,
    report: Option<PathBuf>,
    metrics_file: Option<PathBuf>,
    baseline: Option<PathBuf>,
    save_baseline: bool,
) -> ExitCode {
    if !destinations_fit(&[
        ("--report", report.as_deref(), true),
        ("--metrics-file", metrics_file.as_deref(), false),
        ("--baseline", baseline.as_deref(), false),
    ]) {
        return ExitCode::from(2);
    }
    let result = crate::run::verify(opts).await;
    if let Some(code) = crate::run::signals::interrupted() {
        crate::run::signals::wait_for_teardown().await;
        return ExitCode::from(code as u8);
    }
    let mut finished = match result {
        Err(e) => {
            eprintln!("kraft-acceptance: {e}");
            return ExitCode::from(2);
        }
        Ok(f) => f,
    };
    let verdicts = crate::report::Verdicts::of(&finished.outcome);
    let outputs = watch_outputs(
        &mut finished,
        &verdicts,
        baseline.as_deref(),
        save_baseline,
        metrics_file.as_deref(),
    )
    .and_then(|()| match &report {
        Some(dir) => {
            crate::report::write(dir, &finished, &verdicts).map_err(|source| OutputError::Write {
                what: "the report",
                path: dir.display().to_string(),
                source,
            })
        }
        None => Ok(()),
    });
    if let Err(e) = outputs {
        eprintln!("kraft-acceptance: {e}");
        return ExitCode::from(2);
    }
    said(&finished.outcome, &verdicts)
}

/// Each output a run writes (flag, path, whether a directory) can be
/// written there; the first that cannot is said in one line.
fn destinations_fit(outputs: &[(&str, Option<&Path>, bool)]) -> bool {
    for (flag, path, dir) in outputs {
        let Some(path) = path else { continue };
        if let Some(why) = crate::dirs::unfit_destination(path, *dir) {
            eprintln!("kraft-acceptance: {flag} {}: {why}", path.display());
            return false;
        }
    }
    true
}

/// What a run writes beside its verdict could not be written.
#[derive(Debug, thiserror::Error)]
enum OutputError {
    #[error(transparent)]
    Baseline(#[from] crate::report::drift::BaselineError),
    #[error("writing {what} to {path}: {source}")]
    Write {
        what: &'static str,
        path: String,
        source: std::io::Error,
    },
}

/// `init`: the toml on stdout with --print, else written; the layerings said.
fn init(dir: &Path, print: bool, force: bool) -> ExitCode {
    match crate::init::init(dir, print, force) {
        Ok((text, said)) => {
            if print {
                use std::io::Write as _;
                let mut out = std::io::stdout().lock();
                if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                    eprintln!("kraft-acceptance: writing the toml to stdout: {e}");
                    return ExitCode::from(2);
                }
            }
            for line in said {
                eprintln!("kraft-acceptance init: {line}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kraft-acceptance: {e}");
            ExitCode::from(2)
        }
    }
}

/// The verdict, said on stdout, and the exit code it makes.
fn said(outcome: &crate::run::outcome::Outcome, verdicts: &crate::report::Verdicts) -> ExitCode {
    let not_run = outcome
        .not_run
        .iter()
        .filter(|n| n.status == crate::run::outcome::Status::NotRun)
        .count();
    if outcome.scenarios.is_empty() && not_run > 0 {
        eprintln!("kraft-acceptance: no selected scenario ran ({not_run} not run, each with its reason above)");
    } else if outcome.scenarios.is_empty() {
        eprintln!("kraft-acceptance: no scenario matched the selection");
    }
    crate::run::console::print(format_args!("{}", outcome.summary()));
    // What a person may make of it: stand-in runs and unproven criteria say so.
    let head = &verdicts.headline;
    if head.qualified {
        let sign_off = if head.signable {
            ""
        } else {
            " (not a release sign-off)"
        };
        say!("kraft-acceptance: {}{sign_off}", head.text);
    }
    if outcome.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// What the watch reads: drift since the baseline (or a baseline saved),
/// into the outcome, and the metrics file.
fn watch_outputs(
    finished: &mut crate::run::Finished,
    verdicts: &crate::report::Verdicts,
    baseline: Option<&Path>,
    save: bool,
    metrics: Option<&Path>,
) -> Result<(), OutputError> {
    let drift = match baseline {
        None => None,
        Some(b) => {
            let (drift, saved) =
                crate::report::drift::apply(b, &finished.outcome, &verdicts.criteria, save)?;
            if saved {
                say!("kraft-acceptance: baseline saved to {}", b.display());
            }
            finished.outcome.drift = drift.iter().map(ToString::to_string).collect();
            Some(drift)
        }
    };
    if let Some(file) = metrics {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        let layering = finished.layering.clone().unwrap_or_default();
        let text = crate::report::metrics::exposition(
            &finished.outcome,
            &verdicts.criteria,
            &finished.target,
            &layering,
            drift.as_deref(),
            now,
        );
        crate::dirs::write_atomic(file, &text).map_err(|source| OutputError::Write {
            what: "the metrics",
            path: file.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

async fn clean(dry_run: bool) -> ExitCode {
    use crate::stack::reaper;
    let swept = match crate::probes::engine::Engine::connect().await {
        Ok(engine) => reaper::sweep(&engine, dry_run)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let swept = match swept {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kraft-acceptance: {e}");
            return ExitCode::from(2);
        }
    };
    let verb = if dry_run { "would remove" } else { "removed" };
    let mut failed = false;
    for s in &swept {
        failed |= !say_swept(s, verb);
    }
    if !swept
        .iter()
        .any(|s| matches!(s, reaper::Swept::Left(..) | reaper::Swept::Reaped { .. }))
    {
        say!("no stack of kraft-acceptance's on this engine");
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// One thing `clean` found, said; false when it could not be removed.
fn say_swept(s: &crate::stack::reaper::Swept, verb: &str) -> bool {
    use crate::stack::reaper::Swept;
    match s {
        Swept::StaleFile(f) => say!("{verb} {} (its stack is gone)", f.display()),
        Swept::Left(stack, why) => {
            say!("leave {}: {why} ({})", stack.project, stack.inventory())
        }
        Swept::Reaped {
            stack,
            why,
            failed: errors,
        } if errors.is_empty() => {
            say!("{verb} {}: {why} ({})", stack.project, stack.inventory())
        }
        Swept::Reaped {
            stack,
            failed: errors,
            ..
        } => {
            say!(
                "could not remove all of {}: {}",
                stack.project,
                errors.join("; ")
            );
            return false;
        }
        Swept::TestHost {
            name,
            why,
            failed: None,
        } => say!("{verb} test host {name} (network namespace and veth pair): {why}"),
        Swept::TestHost {
            name,
            failed: Some(e),
            ..
        } => {
            say!("could not remove test host {name}: {e}");
            return false;
        }
    }
    true
}

/// The library's events on stderr.
fn show(e: crate::stack::progress::Event) {
    use crate::stack::progress::Event;
    match e {
        Event::Redraw(line) => eprint!("\r\x1b[2K{line}"),
        Event::Clear => eprint!("\r\x1b[2K"),
        Event::Line(line) => eprintln!("{line}"),
        Event::Notice(line) => eprintln!("kraft-acceptance: {line}"),
        Event::Abort(line) => eprintln!("\nkraft-acceptance: {line}"),
    }
}
