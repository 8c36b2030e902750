//! features/topic_setup.feature

use std::time::Duration;

use cucumber::{given, then, when};
use kraft_acceptance::model::evidence::{ManifestTopic, Row};
use kraft_acceptance::model::kafka::DataCheck;
use kraft_acceptance::model::topics::is_application_topic;
use kraft_acceptance::model::OneOff;
use kraft_acceptance::probes::repo::{passed_over, Manifest};
use kraft_acceptance::run::world::{AcceptanceWorld, StepError, StepResult};
use kraft_acceptance::stack::lifecycle::BootstrapError;
use kraft_acceptance::target::{Bootstrap, SEED_KAFKA};
use kraft_acceptance::verdicts::topic_setup::{self, Topics};
use kraft_acceptance::verdicts::{self, earlier, observed};

/// Hard stop for a one-off run; the step's budget is judged separately.
const ONEOFF_LIMIT: Duration = Duration::from_secs(180);

/// The broker's topics before the bootstrap ran (no manifest to check).
#[derive(Clone)]
struct Before(Topics);

/// The broker's topics after the bootstrap's first run.
#[derive(Clone)]
struct After(Topics);

#[then(expr = "service {string} waits for service {string} to be healthy")]
fn waits_healthy(w: &mut AcceptanceWorld, service: String, dep: String) -> StepResult {
    let (service, dep) = (w.ctx.target.service(&service), w.ctx.target.service(&dep));
    let m = w.model()?;
    w.defined(&m, &service)?;
    w.judge(topic_setup::waits_healthy(&m, &service, &dep))?;
    w.saw(format!("{service} depends on {dep}: service_healthy"));
    Ok(())
}

#[then("its topics manifest, if it has one, lists at least one valid topic")]
fn manifest(w: &mut AcceptanceWorld) -> StepResult {
    let model = w.model()?;
    for f in passed_over(&w.ctx.target, &model, w.ctx.target.bootstrap_service()) {
        w.saw(format!("{f}: mounted into the bootstrap but not in the target's topics format, so not taken as its manifest (name it and its format in kraft-acceptance.toml: [topics] manifest, format)"));
    }
    match w.manifest(&model)? {
        Some(m) => w.saw(format!(
            "manifest {m}: {}",
            m.topics
                .iter()
                .map(|t| format!("{} ({} partitions)", t.name, t.partitions))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => w.saw(NO_MANIFEST),
    }
    Ok(())
}

const NO_MANIFEST: &str = "no topics manifest (none named in kraft-acceptance.toml, and the bootstrap mounts no file that parses as one): the bootstrap is judged by the broker's topics before and after it runs";

/// The broker's topics, as a client at `bootstrap` is told them.
async fn broker_topics(w: &mut AcceptanceWorld, bootstrap: &str) -> Result<Topics, StepError> {
    Ok(crate::common::host_client(w, bootstrap, DataCheck::None)
        .await?
        .topics)
}

fn listed(t: &Topics) -> String {
    let names: Vec<&str> = t
        .keys()
        .map(String::as_str)
        .filter(|n| is_application_topic(n))
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

#[given(expr = "the broker's topics at {string} before the bootstrap, when it has no manifest")]
async fn topics_before(w: &mut AcceptanceWorld, bootstrap: String) -> StepResult {
    let bootstrap = w.ctx.target.address(&bootstrap);
    let s = w.stack()?;
    if let Some(m) = w.manifest(&s.model)? {
        // The manifest says what must exist; the bootstrap starts at once,
        // held by compose until Kafka is healthy.
        w.saw(format!(
            "manifest {m}: the broker's topics are checked against it"
        ));
        return Ok(());
    }
    w.ready(SEED_KAFKA).await?;
    let before = broker_topics(w, &bootstrap).await?;
    w.saw(format!("{NO_MANIFEST}; before: {}", listed(&before)));
    w.keep(Before(before));
    Ok(())
}

#[when("the topic bootstrap runs to completion")]
async fn run_bootstrap(w: &mut AcceptanceWorld) -> StepResult {
    let service = match w.ctx.target.bootstrap.clone() {
        Bootstrap::Service(s) => s,
        Bootstrap::Command(c) => return run_command(w, &c).await,
        Bootstrap::None => {
            return w.judge(earlier::<()>(
                "a bootstrap (the selection runs this scenario only with one)",
                None,
            ))
        }
    };
    run_service(w, &service).await
}

/// A bootstrap that is a compose service, run as a one-off.
async fn run_service(w: &mut AcceptanceWorld, service: &str) -> StepResult {
    let s = w.stack()?;
    // A repeat run follows one that went through compose's dependency handling.
    let again = w.kept::<OneOff>().is_some_and(|r| r.exit_code == 0);
    let run = match s.run_bootstrap(service, ONEOFF_LIMIT, again).await {
        Err(BootstrapError::NotReady(r)) => return w.judge(verdicts::stack::ready(&r)),
        Err(BootstrapError::Run(e)) => Err(e),
        Ok(run) => Ok(run),
    };
    let run = w.judge(observed(
        format!("`docker compose run --rm {service}` finishing"),
        run,
    ))?;
    w.keep(run);
    Ok(())
}

/// A bootstrap that is a host command: started once Kafka is healthy (the
/// harness is what holds it, as compose holds a service that waits).
async fn run_command(w: &mut AcceptanceWorld, command: &str) -> StepResult {
    let s = w.ready(SEED_KAFKA).await?;
    let servers = w.ctx.target.names.host_address.clone();
    let dir = w.ctx.target.dir.clone();
    let run = s
        .run_host_command(command, &dir, &servers, ONEOFF_LIMIT)
        .await;
    let run = w.judge(observed(format!("host command `{command}` finishing"), run))?;
    w.keep(run);
    Ok(())
}

#[then(expr = "it exited 0 within {int} s")]
fn exited_zero(w: &mut AcceptanceWorld, budget: u32) -> StepResult {
    let run: OneOff = w.earlier("a one-off run")?;
    w.judge(topic_setup::exited_zero_within(&run, f64::from(budget)))?;
    let line = if w.ctx.target.bootstrap_service().is_some() {
        format!("{}: exit 0, ran {:.2} s (engine events `start` -> `die`; `docker compose run` {:.2} s)", run.service, run.seconds, run.wall_seconds)
    } else {
        format!(
            "{}: exit 0 in {:.2} s (its wall time)",
            run.service, run.wall_seconds
        )
    };
    w.ctx.measure(line.clone());
    w.saw(line);
    Ok(())
}

#[then(expr = "a Kafka client at {string} finds the bootstrap's topics")]
async fn bootstrap_topics(w: &mut AcceptanceWorld, bootstrap: String) -> StepResult {
    let bootstrap = w.ctx.target.address(&bootstrap);
    let s = w.stack()?;
    let manifest = w.manifest(&s.model)?;
    let after = broker_topics(w, &bootstrap).await?;
    w.keep(After(after.clone()));
    match manifest {
        Some(m) => judge_manifest(w, &m, &after),
        None => judge_created(w, &after),
    }
}

/// Without a manifest: the bootstrap created topics the broker did not have.
fn judge_created(w: &mut AcceptanceWorld, after: &Topics) -> StepResult {
    let Before(before) = w.earlier("the broker's topics before the bootstrap")?;
    let created = w.judge(topic_setup::created(&before, after))?;
    for (name, partitions) in &created {
        let (name, partitions) = (name.clone(), *partitions);
        w.ctx.record(Row::CreatedTopic { name, partitions }, false);
    }
    w.saw(format!("the bootstrap created {}", listed(&created)));
    Ok(())
}

#[then(expr = "a Kafka client at {string} finds no topic changed by the second run")]
async fn unchanged(w: &mut AcceptanceWorld, bootstrap: String) -> StepResult {
    let bootstrap = w.ctx.target.address(&bootstrap);
    let After(first) = w.earlier("the broker's topics after the first run")?;
    let second = broker_topics(w, &bootstrap).await?;
    w.judge(topic_setup::unchanged(&first, &second))?;
    w.saw(format!(
        "after the second run, the same topics: {}",
        listed(&second)
    ));
    Ok(())
}

#[then(expr = "a Kafka client at {string} finds every manifest topic with its partition count")]
async fn topics_exist(w: &mut AcceptanceWorld, bootstrap: String) -> StepResult {
    let bootstrap = w.ctx.target.address(&bootstrap);
    let s = w.stack()?;
    let manifest = w.manifest(&s.model)?;
    let m = w.judge(earlier(
        "a topics manifest (the selection runs this scenario only with one)",
        manifest,
    ))?;
    let found = broker_topics(w, &bootstrap).await?;
    judge_manifest(w, &m, &found)
}

fn judge_manifest(w: &mut AcceptanceWorld, m: &Manifest, found: &Topics) -> StepResult {
    for t in &m.topics {
        let row = ManifestTopic {
            name: t.name.clone(),
            partitions: t.partitions,
            found: found.get(&t.name).copied(),
        };
        let failing = row.found != Some(row.partitions);
        w.ctx.record(Row::ManifestTopic(row), failing);
    }
    w.judge(topic_setup::topics_match(&m.topics, found))?;
    w.saw(format!(
        "{} topics of manifest {m} on the broker with their partitions",
        m.topics.len()
    ));
    Ok(())
}
