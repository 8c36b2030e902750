use std::collections::BTreeSet;

use cucumber::{then, when};

use super::{StepError, StepResult};
use crate::probes::{kafka as probe, netns, wire};
use crate::verdicts;
use crate::kafka_config::{env_to_properties, kraft_violations};
use crate::verdicts::{listeners, none_of, Failure};
use crate::world::AcceptanceWorld;

fn props(w: &AcceptanceWorld, service: &str) -> Result<std::collections::BTreeMap<String, String>, String> {
    Ok(env_to_properties(&w.model()?.service(service)?.environment))
}

#[then(expr = "service {string} passes Kafka's KRaft startup rules")]
fn kraft_rules(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let v = kraft_violations(&props(w, &service)?);
    Ok(none_of(&format!("{service}'s KAFKA_* settings accepted by KafkaConfig in KRaft mode"), "violations", v)?)
}

#[then(expr = "service {string} advertises exactly {string} on one listener")]
fn advertises(w: &mut AcceptanceWorld, service: String, address: String) -> StepResult {
    let adv = listeners::advertised(&props(w, &service)?)?;
    w.listener = Some(listeners::advertised_exactly(&adv, &address)?);
    Ok(())
}

#[then(expr = "{string} resolves to service {string} for the other services on its network")]
fn resolvable(w: &mut AcceptanceWorld, host: String, service: String) -> StepResult {
    listeners::resolvable_by_peers(w.model()?, &service, &host)?;
    Ok(())
}

#[then(expr = "service {string} publishes that listener on host port {int}")]
fn published(w: &mut AcceptanceWorld, service: String, host_port: u16) -> StepResult {
    let listener = w.listener.clone().ok_or_else(|| Failure::new("a listener chosen by a previous step", "none"))?;
    let port = listeners::container_port(&props(w, &service)?, &listener.name)?;
    let svc = w.model()?.service(&service)?;
    Ok(listeners::published_on(&service, &svc.ports, port, host_port)?)
}

fn record_told(w: &AcceptanceWorld, client: &str, obs: &probe::KafkaObservation) {
    let data = match &obs.round_trip {
        Some(Ok(d)) => d.clone(),
        Some(Err(e)) => format!("FAILED: {e}"),
        None => "-".into(),
    };
    w.ctx.record(
        "Advertised listeners seen by clients",
        &["client", "bootstrap", "brokers it was told", "data path"],
        vec![client.into(), obs.bootstrap.clone(), obs.brokers.join(", "), data],
    );
}

/// A client that got no metadata at all: said as expected vs observed.
pub(super) fn no_metadata(bootstrap: &str, from: &str, error: String) -> Failure {
    Failure::new(format!("a Kafka client {from} gets metadata from {bootstrap}"), error)
}

/// Owned stacks get a create/produce/consume round trip on a topic of the
/// run's own; an attached deployment is only read (the manifest's first topic).
fn data_check(w: &AcceptanceWorld, project: &str, tag: &str) -> Result<probe::DataCheck, StepError> {
    if !w.ctx.read_only {
        return Ok(probe::DataCheck::RoundTrip(format!("kraft-acceptance.{project}.{tag}")));
    }
    let manifest = w.ctx.target.manifest().map_err(|e| Failure::new("a valid topics manifest", e))?;
    Ok(probe::DataCheck::ReadOnly(manifest[0].name.clone()))
}

#[when(expr = "a Kafka client on the host bootstraps from {string}")]
async fn host_client(w: &mut AcceptanceWorld, bootstrap: String) -> StepResult {
    let s = super::stack::ready(w, "kafka").await?;
    let check = data_check(w, &s.project, "host")?;
    let b = bootstrap.clone();
    let obs = tokio::task::spawn_blocking(move || probe::probe(&b, &check)).await.map_err(|e| e.to_string())?;
    let obs = obs.map_err(|e| no_metadata(&bootstrap, "on the host", e))?;
    record_told(w, "host", &obs);
    w.kafka = Some(obs);
    Ok(())
}

#[when(expr = "a Kafka client inside the compose network, beside service {string}, bootstraps from {string}")]
async fn internal_client(w: &mut AcceptanceWorld, peer: String, bootstrap: String) -> StepResult {
    let s = super::stack::ready(w, "kafka").await?;
    let pid = s.service_container(&peer).await?.pid.ok_or(format!("service {peer} has no running process"))?;
    let check = data_check(w, &s.project, "internal")?;
    let b = bootstrap.clone();
    let obs = tokio::task::spawn_blocking(move || netns::probe_in_netns(pid, &b, &check))
        .await
        .map_err(|e| e.to_string())?;
    let where_ = format!("in the network namespace of service {peer} (pid {pid})");
    let obs = obs.map_err(|e| no_metadata(&bootstrap, &where_, e))?;
    record_told(w, &format!("inside the compose network (beside {peer})"), &obs);
    w.kafka = Some(obs);
    Ok(())
}

#[then(expr = "the brokers it is told are exactly {string}")]
fn told_exactly(w: &mut AcceptanceWorld, want: String) -> StepResult {
    let obs = w.kafka.as_ref().ok_or("no Kafka client ran in this scenario")?;
    let seen: BTreeSet<&str> = obs.brokers.iter().map(String::as_str).collect();
    if seen == BTreeSet::from([want.as_str()]) {
        return Ok(());
    }
    Err(Failure::new(
        format!("metadata from {} lists exactly the broker {want}", obs.bootstrap),
        format!("brokers [{}]", obs.brokers.join(", ")),
    )
    .with_evidence([format!("Metadata v4 answer on a connection to {}", obs.bootstrap)])
    .into())
}

#[then("its data path works (a produce/consume round trip, read-only offsets when attached)")]
fn round_trip(w: &mut AcceptanceWorld) -> StepResult {
    let obs = w.kafka.as_ref().ok_or("no Kafka client ran in this scenario")?;
    match &obs.round_trip {
        Some(Ok(_)) => Ok(()),
        Some(Err(e)) => Err(Failure::new(format!("create, produce and consume through {}", obs.bootstrap), e.clone()).into()),
        None => Err(StepError("the client made no round trip".into())),
    }
}

#[when(expr = "a client asks the broker at {string} for ApiVersions and DescribeQuorum")]
async fn ask_wire(w: &mut AcceptanceWorld, address: String) -> StepResult {
    super::stack::ready(w, "kafka").await?;
    let a = address.clone();
    let obs = tokio::task::spawn_blocking(move || wire::probe(&a)).await.map_err(|e| e.to_string())?;
    w.wire = Some(obs.map_err(|e| Failure::new(format!("ApiVersions answered by {address}"), e))?);
    Ok(())
}

#[then("ApiVersions lists the finalized feature metadata.version")]
fn metadata_version(w: &mut AcceptanceWorld) -> StepResult {
    let v = verdicts::kraft_wire::metadata_version_finalized(w.wire.as_ref().ok_or("no ApiVersions asked")?)?;
    w.ctx.measure(format!("metadata.version finalized at level {v}"));
    Ok(())
}

#[then("DescribeQuorum answers with a leader")]
fn quorum_leader(w: &mut AcceptanceWorld) -> StepResult {
    let id = verdicts::kraft_wire::quorum_has_leader(w.wire.as_ref().ok_or("no DescribeQuorum asked")?)?;
    w.ctx.measure(format!("KRaft quorum leader: node {id}"));
    Ok(())
}
