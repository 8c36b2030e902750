//! features/upgrade.feature

use cucumber::{then, when};
use kraft_acceptance::model::redeploy::Held;
use kraft_acceptance::model::topics::HARNESS_TOPIC_PREFIX;
use kraft_acceptance::model::wire::WireObservation;
use kraft_acceptance::probes::{kafka, wire};
use kraft_acceptance::run::world::{AcceptanceWorld, StepError, StepResult};
use kraft_acceptance::stack::upgrade::{Upgrade, Upgraded};
use kraft_acceptance::target::SEED_KAFKA;
use kraft_acceptance::verdicts::upgrade::{self, NodeAfter};
use kraft_acceptance::verdicts::{self, kraft, observed, redeploy};

const RECORDS: i64 = 5;
const COMMIT_AT: i64 = 3;
/// Longest wait for the finalized level to reach the broker's answers.
const FINALIZE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

fn names(project: &str) -> (String, String) {
    let topic = format!("{HARNESS_TOPIC_PREFIX}{project}.upgrade");
    (topic.clone(), format!("{topic}.group"))
}

/// What the cluster held on the old version.
#[derive(Clone)]
struct Before {
    held: Held,
    level: i16,
}

/// The level the new version supports as its latest.
#[derive(Clone)]
struct Latest(i16);

/// Whether `kafka-features.sh upgrade` ran (the new version's latest level
/// was above the old one).
#[derive(Clone)]
struct ToolRan(bool);

fn planned(w: &mut AcceptanceWorld) -> Result<Upgrade, StepError> {
    let s = w.stack()?;
    w.judge(verdicts::earlier(
        "a version to upgrade to (verify --upgrade-to VERSION)",
        s.upgrade.clone(),
    ))
}

async fn ask_wire(w: &mut AcceptanceWorld, when: &str) -> Result<WireObservation, StepError> {
    let bootstrap = w.ctx.target.address("localhost:9093");
    let b = bootstrap.clone();
    crate::common::blocking(
        w,
        format!("ApiVersions answered by {bootstrap} {when}"),
        move || wire::probe(&b),
    )
    .await
}

#[when("every other scenario has finished, records with known keys are produced to a topic of the upgrade and a consumer group commits partway")]
async fn write_before(w: &mut AcceptanceWorld) -> StepResult {
    let u = planned(w)?;
    let s = w.ready(SEED_KAFKA).await?;
    let deadline =
        tokio::time::Instant::now() + s.wait_limit + std::time::Duration::from_secs(1800);
    let done = w.ctx.all_others_finished(deadline).await.then_some(());
    w.judge(verdicts::earlier(
        "every other scenario of the run finished before the upgrade",
        done,
    ))?;
    let turn = crate::common::lock_turn(w, &s, "the upgrade").await?;
    w.keep(turn);
    let bootstrap = w.ctx.target.address("localhost:9093");
    let (topic, group) = names(&s.project);
    let (t, g, b) = (topic.clone(), group.clone(), bootstrap.clone());
    let needed = format!("{RECORDS} records produced to {topic} through {bootstrap}, group {group} committed at {COMMIT_AT}");
    let held = crate::common::blocking(w, needed, move || {
        kafka::write_held(&b, &t, &g, RECORDS, COMMIT_AT)
    })
    .await?;
    let o = ask_wire(w, "before the upgrade").await?;
    let level = w.judge(kraft::wire::metadata_version_finalized(&o))?;
    w.saw(format!(
        "on Kafka {}: {} records of {topic}/0, group {group} committed at {}, cluster id {}, {} topic ids, metadata.version {level}",
        u.from,
        held.records.len(),
        held.committed.map(|c| c.to_string()).unwrap_or_else(|| "none".into()),
        held.cluster_id.clone().unwrap_or_else(|| "none".into()),
        held.topic_ids.len(),
    ));
    w.keep(Before { held, level });
    Ok(())
}

#[when("every Kafka node is recreated on the --upgrade-to version's image, keeping its volumes")]
async fn recreate(w: &mut AcceptanceWorld) -> StepResult {
    let u = planned(w)?;
    let s = w.stack()?;
    let r: Upgraded = w.judge(observed(
        format!("every Kafka node recreated on Kafka {}'s image", u.to),
        s.upgrade(&u).await,
    ))?;
    w.ctx.measure(format!(
        "upgrade Kafka {} -> {}: `{}` {:.2} s",
        u.from, u.to, r.command, r.seconds
    ));
    let mut nodes = Vec::new();
    for (ready, (service, wanted)) in r.after.iter().zip(&u.images) {
        let running = match s.service_container(service).await {
            Ok(c) => c.image,
            Err(e) => format!("no container ({e})"),
        };
        let refusal = r
            .refusals
            .iter()
            .find(|(n, _)| n == service)
            .map(|(_, l)| l.clone());
        nodes.push(NodeAfter {
            service: service.clone(),
            wanted: wanted.clone(),
            running,
            ready: ready.clone(),
            refusal,
        });
    }
    for line in w.judge(upgrade::every_node_started(&u.to, &nodes))? {
        w.ctx.measure(format!("upgrade: {line}"));
        w.saw(line);
    }
    Ok(())
}

#[then("the upgrade's records read back at their offsets, and its group's committed offset, the cluster id and the topic ids are unchanged")]
async fn kept(w: &mut AcceptanceWorld) -> StepResult {
    let before: Before = w.earlier("what the cluster held before the upgrade")?;
    let s = w.stack()?;
    let bootstrap = w.ctx.target.address("localhost:9093");
    let (topic, group) = names(&s.project);
    let (t, g, b) = (topic.clone(), group.clone(), bootstrap.clone());
    let after = crate::common::blocking(
        w,
        format!("what {bootstrap} holds after the upgrade"),
        move || kafka::read_held(&b, &t, &g, RECORDS),
    )
    .await?;
    let written = crate::redeploy::written(w)?;
    for line in w.judge(redeploy::kept_across(
        &topic,
        &group,
        &before.held,
        &after,
        &written,
    ))? {
        w.saw(line);
    }
    w.keep(before);
    Ok(())
}

#[then("metadata.version stays at its level before the upgrade")]
async fn level_kept(w: &mut AcceptanceWorld) -> StepResult {
    let before: Before = w.earlier("metadata.version before the upgrade")?;
    let o = ask_wire(w, "after the upgrade").await?;
    let latest = w.judge(upgrade::metadata_version_kept(before.level, &o))?;
    w.saw(format!(
        "metadata.version still finalized at {} on the new version, which supports up to {latest}",
        before.level
    ));
    w.keep(before);
    w.keep(Latest(latest));
    Ok(())
}

#[when("Kafka's own kafka-features.sh finalizes the new version's latest metadata.version")]
async fn finalize(w: &mut AcceptanceWorld) -> StepResult {
    let before: Before = w.earlier("metadata.version before the upgrade")?;
    let Latest(latest) = w.earlier("the level the new version supports")?;
    w.keep(before.clone());
    w.keep(Latest(latest));
    if latest == before.level {
        w.saw(format!(
            "the new version's latest metadata.version is the old one ({latest}): nothing to finalize"
        ));
        w.keep(ToolRan(false));
        return Ok(());
    }
    let s = w.stack()?;
    let inside = w.ctx.target.address("kafka:9092");
    let run = w.judge(observed(
        "kafka-features.sh run in Kafka's container",
        s.finalize_metadata_version(&inside, latest).await,
    ))?;
    let said = w.judge(upgrade::features_upgraded(
        &run.command,
        run.exit,
        &run.output,
    ))?;
    w.saw(format!("`{}`: {said}", run.command));
    w.keep(ToolRan(true));
    Ok(())
}

#[then("the broker reports the new version's latest metadata.version as finalized")]
async fn finalized(w: &mut AcceptanceWorld) -> StepResult {
    let before: Before = w.earlier("metadata.version before the upgrade")?;
    let ToolRan(ran) = w.earlier("whether kafka-features.sh ran")?;
    let started = tokio::time::Instant::now();
    loop {
        let o = ask_wire(w, "after kafka-features.sh").await?;
        match kraft::wire::metadata_version_latest(&o) {
            Ok((level, _)) => {
                let how = match ran {
                    true => format!("{} -> {level} by kafka-features.sh", before.level),
                    false => format!("{level}, already the new version's latest"),
                };
                let line = format!(
                    "metadata.version {how}, read back after {:.1} s",
                    started.elapsed().as_secs_f64()
                );
                w.ctx.measure(format!("upgrade: {line}"));
                w.saw(line);
                return Ok(());
            }
            Err(f) if started.elapsed() >= FINALIZE_WAIT => {
                w.judge::<()>(Err(f))?;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
        }
    }
}
