//! features/redeploy.feature

use cucumber::{then, when};
use kraft_acceptance::model::compose::ComposeModel;
use kraft_acceptance::model::evidence::HealthyTime;
use kraft_acceptance::model::kafka_props::{parse_properties, DEFAULT_CLUSTER_ID};
use kraft_acceptance::model::redeploy::{Held, Persistence};
use kraft_acceptance::model::topics::HARNESS_TOPIC_PREFIX;
use kraft_acceptance::probes::{kafka, redis};
use kraft_acceptance::run::world::{AcceptanceWorld, StepError, StepResult};
use kraft_acceptance::target::{SEED_KAFKA, SEED_REDIS};
use kraft_acceptance::verdicts::redeploy::{self, ClusterIdUse};
use kraft_acceptance::verdicts::{self, kraft, none_of, observed};

#[then(expr = "every directory service {string} writes is on a named volume or a bind mount")]
fn kafka_dirs_kept(w: &mut AcceptanceWorld, service: String) -> StepResult {
    for service in w.services_of(&service)? {
        dirs_kept_of(w, &service)?;
    }
    let m = w.model()?;
    let nodes = w.kafka_nodes(&m)?;
    if nodes.len() > 1 {
        let shared = kraft::cluster::shared_storage(&nodes);
        w.judge(none_of(
            "every Kafka node's log and metadata directories on a volume of its own",
            "volume(s) shared by nodes",
            shared,
        ))?;
    }
    Ok(())
}

/// One service's Kafka directories are kept.
fn dirs_kept_of(w: &mut AcceptanceWorld, service: &str) -> StepResult {
    let service = service.to_string();
    let m = w.model()?;
    let volumes = w.defined(&m, &service)?.mounts();
    let dirs = redeploy::kafka_dirs(&w.image_settings(&service)?.properties);
    let layering = format!("layering {}", w.layering_name());
    for line in w.judge(redeploy::kafka_data_kept(
        &service, &layering, &dirs, &volumes,
    ))? {
        w.saw(format!("{service}: {line}"));
    }
    Ok(())
}

#[then(expr = "service {string} keeps what it persists on a named volume or a bind mount")]
fn redis_kept(w: &mut AcceptanceWorld, service: String) -> StepResult {
    if w.not_needed(&service) {
        return Ok(());
    }
    let service = w.ctx.target.service(&service);
    let m = w.model()?;
    let svc = w.defined(&m, &service)?;
    let (command, volumes) = (svc.command.clone().unwrap_or_default(), svc.mounts());
    let layering = w.layering_name();
    let kept = w.judge(redeploy::redis_data_kept(
        &service,
        &layering,
        &redeploy::redis_persistence(&command),
        &volumes,
    ))?;
    w.saw(kept);
    Ok(())
}

#[then(
    expr = "every layering that keeps service {string}'s storage on one volume sets one CLUSTER_ID"
)]
fn one_cluster_id(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let service = w.ctx.target.service(&service);
    let mut uses = Vec::new();
    for (layering, model) in w.ctx.models.clone() {
        let Ok(svc) = model.service(&service) else {
            continue;
        };
        let volumes = svc.mounts();
        let cluster_id = svc
            .environment
            .get("CLUSTER_ID")
            .cloned()
            .flatten()
            .filter(|v| !v.is_empty());
        let dirs = redeploy::kafka_dirs(&w.image_settings_in(&model, &service)?.properties);
        uses.push(ClusterIdUse {
            layering,
            cluster_id: cluster_id
                .unwrap_or_else(|| format!("{DEFAULT_CLUSTER_ID} (the image's default)")),
            storage: dirs
                .log_dirs
                .first()
                .and_then(|d| redeploy::storage_of(d, &volumes)),
        });
    }
    for (layering, model) in w.ctx.models.clone() {
        if !model.services.contains_key(&service) {
            continue;
        }
        let nodes = w.kafka_nodes(&model)?;
        let differ = kraft::cluster::one_cluster_id(&nodes, DEFAULT_CLUSTER_ID);
        let expected = format!("one CLUSTER_ID on every Kafka node of layering {layering}");
        w.judge(none_of(
            &expected,
            "node(s) with another cluster id",
            differ,
        ))?;
    }
    for line in w.judge(redeploy::cluster_ids_agree(&uses))? {
        w.saw(line);
    }
    Ok(())
}

/// Read-only, so a deployment too: the container's mounts as the engine made
/// them, and the server.properties its broker was started with, read
/// through the process's root (`/proc/PID/root`) without entering it.
#[then(
    expr = "the running service {string} writes every log directory to a named volume or a bind mount"
)]
async fn running_dirs_kept(w: &mut AcceptanceWorld, service: String) -> StepResult {
    for service in w.started_of(&service)? {
        running_dirs_kept_of(w, &service).await?;
    }
    Ok(())
}

/// One running node writes every log directory to a volume or bind mount.
async fn running_dirs_kept_of(w: &mut AcceptanceWorld, service: &str) -> StepResult {
    let (_, c, pid) = w.running_process(service).await?;
    let path = format!("/proc/{pid}/root{RUNNING_SERVER_PROPERTIES}");
    let text = w.judge(observed(
        format!("the server.properties {} runs with ({path})", c.name),
        std::fs::read_to_string(&path),
    ))?;
    let dirs = redeploy::kafka_dirs(&parse_properties(&text));
    let what = format!("running container {}", c.name);
    for line in w.judge(redeploy::kafka_data_kept(service, &what, &dirs, &c.mounts))? {
        w.saw(format!("{}: {line} (engine mounts, {path})", c.name));
    }
    Ok(())
}

/// Where the apache/kafka image writes the configuration its broker runs.
const RUNNING_SERVER_PROPERTIES: &str = "/opt/kafka/config/server.properties";

/// Records written before the redeploy, and where the group commits.
const RECORDS: i64 = 5;
const COMMIT_AT: i64 = 3;

fn names(project: &str) -> (String, String, String) {
    let topic = format!("{HARNESS_TOPIC_PREFIX}{project}.redeploy");
    (
        topic.clone(),
        format!("{topic}.group"),
        format!("{topic}.redis-key"),
    )
}

#[when("records with known keys are produced to a topic of the run and a consumer group commits partway")]
async fn write_held(w: &mut AcceptanceWorld) -> StepResult {
    let s = w.ready(SEED_KAFKA).await?;
    // Its turn holds from its first write, so no failover kills a node
    // under it; the writes go to a topic of its own and disturb no other
    // scenario, so they overlap them. The recreate waits for them to end.
    let turn = crate::common::lock_turn(w, &s, "the redeploy").await?;
    w.keep(turn);
    let bootstrap = w.ctx.target.address("localhost:9093");
    let (topic, group, key) = names(&s.project);
    let (t, g, b) = (topic.clone(), group.clone(), bootstrap.clone());
    let needed = format!("{RECORDS} records produced to {topic} through {bootstrap}, group {group} committed at {COMMIT_AT}");
    let mut held = crate::common::blocking(w, needed, move || {
        kafka::write_held(&b, &t, &g, RECORDS, COMMIT_AT)
    })
    .await?;
    if !w.not_needed(SEED_REDIS) {
        held.redis = redis_held(w, &s.model, &key, &topic).await?;
    }
    let none = || "none".to_string();
    w.saw(format!(
        "before: {} records of {topic}/0, group {group} committed at {}, cluster id {}, {} topic ids{}",
        held.records.len(),
        held.committed.map(|c| c.to_string()).unwrap_or_else(none),
        held.cluster_id.clone().unwrap_or_else(none),
        held.topic_ids.len(),
        if held.redis.is_some() { ", a Redis key" } else { "" }
    ));
    w.keep(held);
    Ok(())
}

/// A key set in a persisting Redis before the redeploy (None: this Redis
/// only caches, or says nothing of persisting).
async fn redis_held(
    w: &mut AcceptanceWorld,
    model: &ComposeModel,
    key: &str,
    topic: &str,
) -> Result<Option<(String, Option<String>)>, StepError> {
    let redis_service = w.ctx.target.service(SEED_REDIS);
    let command = w
        .defined(model, &redis_service)?
        .command
        .clone()
        .unwrap_or_default();
    if matches!(
        redeploy::redis_persistence(&command).persistence,
        Persistence::Cache | Persistence::Unsaid
    ) {
        return Ok(None);
    }
    let s = w.ready(SEED_REDIS).await?;
    let addr = w.ctx.target.address("127.0.0.1:6379");
    let password = w.redis_password(&s.model)?;
    w.judge(observed(
        format!("SET {key} on {addr}"),
        redis::set(&addr, password.as_deref(), key, topic).await,
    ))?;
    Ok(Some((key.to_string(), Some(topic.to_string()))))
}

#[when("the stack is redeployed as a deploy does, with `docker compose up -d --force-recreate kafka redis`")]
async fn redeploy_stack(w: &mut AcceptanceWorld) -> StepResult {
    let s = w.stack()?;
    crate::common::others_finished(w, &s, "the redeploy recreates the containers they probe")
        .await?;
    let r = w.judge(observed(
        "a redeploy of the running stack",
        s.redeploy().await,
    ))?;
    w.ctx
        .measure(format!("redeploy: `{}` {:.2} s", r.command, r.seconds));
    for ready in &r.after {
        w.judge(verdicts::stack::ready(ready))?;
        if let Some(seconds) = ready.time_to_healthy {
            let budget = s.wait_limit.as_secs_f64();
            let t = HealthyTime { seconds, budget };
            w.ctx.record_healthy(&ready.service, t, true);
        }
    }
    w.saw(format!(
        "{} in {:.2} s; healthy again",
        r.command, r.seconds
    ));
    Ok(())
}

#[then("every record reads back at its offset and the group's committed offset is unchanged")]
async fn records_kept(w: &mut AcceptanceWorld) -> StepResult {
    let after = read_after(w).await?;
    let before: Held = w.earlier("what the broker held before the redeploy")?;
    let records_only = Held {
        cluster_id: None,
        topic_ids: Default::default(),
        redis: None,
        ..before.clone()
    };
    let after_records = Held {
        cluster_id: None,
        topic_ids: Default::default(),
        redis: None,
        ..after.clone()
    };
    let written = written(w)?;
    let s = w.stack()?;
    let (topic, group, _) = names(&s.project);
    for line in w.judge(redeploy::kept_across(
        &topic,
        &group,
        &records_only,
        &after_records,
        &written,
    ))? {
        w.saw(line);
    }
    w.keep(before);
    Ok(())
}

#[then("the cluster id and the topic ids are unchanged, and Redis still holds its key")]
async fn ids_kept(w: &mut AcceptanceWorld) -> StepResult {
    let mut after = read_after(w).await?;
    let before: Held = w.earlier("what the broker held before the redeploy")?;
    if let Some((key, _)) = &before.redis {
        let s = w.ready(SEED_REDIS).await?;
        let addr = w.ctx.target.address("127.0.0.1:6379");
        let password = w.redis_password(&s.model)?;
        let now = w.judge(observed(
            format!("GET {key} on {addr}"),
            redis::get(&addr, password.as_deref(), key).await,
        ))?;
        after.redis = Some((key.clone(), now));
    }
    let ids = |h: &Held| Held {
        records: Vec::new(),
        committed: None,
        ..h.clone()
    };
    let written = written(w)?;
    let s = w.stack()?;
    let (topic, group, _) = names(&s.project);
    for line in w.judge(redeploy::kept_across(
        &topic,
        &group,
        &ids(&before),
        &ids(&after),
        &written,
    ))? {
        w.saw(line);
    }
    Ok(())
}

/// What the broker held after the redeploy, read once through the host
/// listener; both Then steps judge the same reading.
#[derive(Clone)]
struct After(Held);

/// What the broker holds after the redeploy (read by the first step that
/// asks, kept for the next).
async fn read_after(w: &mut AcceptanceWorld) -> Result<Held, StepError> {
    if let Some(After(held)) = w.kept::<After>() {
        return Ok(held.clone());
    }
    let s = w.stack()?;
    let bootstrap = w.ctx.target.address("localhost:9093");
    let (topic, group, _) = names(&s.project);
    let b = bootstrap.clone();
    let held = crate::common::blocking(
        w,
        format!("what {bootstrap} holds after the redeploy"),
        move || kafka::read_held(&b, &topic, &group, RECORDS),
    )
    .await?;
    w.keep(After(held.clone()));
    Ok(held)
}

/// Where the running broker's settings say it writes, for a loss to name.
pub(crate) fn written(w: &mut AcceptanceWorld) -> Result<Vec<String>, StepError> {
    let s = w.stack()?;
    let service = w.ctx.target.service(SEED_KAFKA);
    let mounts = w.defined(&s.model, &service)?.mounts();
    let dirs = redeploy::kafka_dirs(&w.image_settings_in(&s.model, &service)?.properties);
    Ok(
        match redeploy::kafka_data_kept(&service, "as running", &dirs, &mounts) {
            Ok(kept) => kept,
            Err(f) => f
                .evidence
                .into_iter()
                .filter(|e| e.contains(": in "))
                .collect(),
        },
    )
}
