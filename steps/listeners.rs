//! features/listeners.feature

use cucumber::{then, when};
use kraft_acceptance::model::evidence::{Advertised, Row};
use kraft_acceptance::model::kafka::{DataCheck, KafkaObservation};
use kraft_acceptance::model::kafka_props::Listener;
use kraft_acceptance::model::topics::HARNESS_TOPIC_PREFIX;
use kraft_acceptance::probes::netns;
use kraft_acceptance::run::world::{AcceptanceWorld, StepError, StepResult};
use kraft_acceptance::stack::Stack;
use kraft_acceptance::target::SEED_KAFKA;
use kraft_acceptance::verdicts::{self, kraft, listeners};

#[then(expr = "service {string} advertises exactly {string} on one listener")]
fn advertises(w: &mut AcceptanceWorld, service: String, address: String) -> StepResult {
    let service = w.ctx.target.service(&service);
    let address = w.ctx.target.address(&address);
    let props = w.props(&service)?;
    let adv = w.judge(listeners::advertised(&props))?;
    let l = w.judge(listeners::advertised_exactly(&adv, &address))?;
    w.saw(format!("{service} advertises {}://{}", l.name, l.address()));
    w.keep(l);
    Ok(())
}

#[then(expr = "{string} resolves to service {string} for the other services on its network")]
fn resolvable(w: &mut AcceptanceWorld, host: String, service: String) -> StepResult {
    let (host, service) = (
        w.ctx.target.internal_host(&host),
        w.ctx.target.service(&service),
    );
    let m = w.model()?;
    let net = w.judge(listeners::resolvable_by_peers(&m, &service, &host))?;
    w.saw(format!("\"{host}\" resolves to {service} on network {net}"));
    Ok(())
}

#[then(expr = "service {string} publishes that listener on host port {int}")]
fn published(w: &mut AcceptanceWorld, service: String, host_port: u16) -> StepResult {
    let (service, host_port) = (
        w.ctx.target.service(&service),
        w.ctx.target.host_port(host_port),
    );
    let listener: Listener = w.earlier("a listener chosen by a previous step")?;
    let props = w.props(&service)?;
    let port = w.judge(listeners::container_port(&props, &listener.name))?;
    let m = w.model()?;
    let svc = w.defined(&m, &service)?;
    w.judge(listeners::published_on(
        &service, &svc.ports, port, host_port,
    ))?;
    w.saw(format!(
        "{service}: container port {port} published on host port {host_port}"
    ));
    Ok(())
}

#[then(
    expr = "a warning names every other host port of service {string} whose listener advertises a name the host cannot resolve"
)]
fn host_traps(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let service = w.ctx.target.service(&service);
    let props = w.props(&service)?;
    let m = w.model()?;
    let svc = w.defined(&m, &service)?;
    let warnings = listeners::host_port_traps(&service, &props, &svc.ports);
    if warnings.is_empty() {
        w.saw(format!("{service}: no host port leads to a listener advertised by a name the host cannot resolve"));
    }
    for warning in warnings {
        w.warn(warning);
    }
    Ok(())
}

fn record_told(w: &AcceptanceWorld, client: &str, obs: &KafkaObservation) {
    let row = Advertised {
        client: client.into(),
        bootstrap: obs.bootstrap.clone(),
        brokers: obs.brokers.clone(),
        data_path: obs
            .data
            .as_ref()
            .map(|d| d.outcome().clone().map_err(|e| e.to_string())),
    };
    let failing = matches!(row.data_path, Some(Err(_)));
    w.ctx.record(Row::Advertised(row), failing);
    w.saw(format!(
        "{client} at {}: told [{}]",
        obs.bootstrap,
        obs.brokers.join(", ")
    ));
}

/// Owned stacks get a create/produce/consume round trip on a topic of the
/// run's own; an attached deployment is only read (the manifest's first
/// topic, else the first application topic the broker lists).
fn data_check(w: &mut AcceptanceWorld, s: &Stack, tag: &str) -> Result<DataCheck, StepError> {
    if !w.ctx.read_only {
        return Ok(DataCheck::RoundTrip(format!(
            "{HARNESS_TOPIC_PREFIX}{}.{tag}",
            s.project
        )));
    }
    let manifest = w.manifest(&s.model)?;
    Ok(DataCheck::ReadOnly(
        manifest.map(|m| m.topics[0].name.clone()),
    ))
}

#[when(expr = "a Kafka client on the host bootstraps from {string}")]
async fn host_client(w: &mut AcceptanceWorld, bootstrap: String) -> StepResult {
    let bootstrap = w.ctx.target.address(&bootstrap);
    let s = w.ready(SEED_KAFKA).await?;
    let check = data_check(w, &s, "host")?;
    let obs = crate::common::host_client(w, &bootstrap, check).await?;
    record_told(w, "host", &obs);
    w.keep(obs);
    Ok(())
}

#[when(
    expr = "a Kafka client inside the compose network, beside service {string}, bootstraps from {string}"
)]
async fn internal_client(w: &mut AcceptanceWorld, peer: String, bootstrap: String) -> StepResult {
    // With no Redis, Kafka's own namespace is the one inside the network.
    let peer = match w.ctx.target.not_needed(&peer) {
        Some(_) => w.ctx.target.service(SEED_KAFKA),
        None => w.ctx.target.service(&peer),
    };
    let bootstrap = w.ctx.target.address(&bootstrap);
    let s = w.ready(SEED_KAFKA).await?;
    let (_, _, pid) = w.process_of(&peer).await?;
    let check = data_check(w, &s, "internal")?;
    let b = bootstrap.clone();
    let from = format!("in the network namespace of service {peer} (pid {pid})");
    let needed = format!("a Kafka client {from} gets metadata from {bootstrap}");
    let obs =
        crate::common::blocking(w, needed, move || netns::probe_in_netns(pid, &b, &check)).await?;
    record_told(
        w,
        &format!("inside the compose network (beside {peer})"),
        &obs,
    );
    w.keep(obs);
    Ok(())
}

#[then(expr = "the brokers it is told are exactly {string}")]
fn told_exactly(w: &mut AcceptanceWorld, want: String) -> StepResult {
    let want = w.ctx.target.address(&want);
    let obs: KafkaObservation = w.earlier("a Kafka client's metadata")?;
    let s = w.stack()?;
    let nodes = w.kafka_nodes(&s.model)?;
    let want = listeners::told_cluster(&nodes, s.services.kafka(), &want);
    w.judge(listeners::told_exactly(&obs, &want))
}

#[then("its data path works (a produce/consume round trip, read-only offsets when attached)")]
async fn round_trip(w: &mut AcceptanceWorld) -> StepResult {
    let obs: KafkaObservation = w.earlier("a Kafka client's data path")?;
    let s = w.ready(SEED_KAFKA).await?;
    let props = w
        .image_settings_in(&s.model, &w.ctx.target.service(SEED_KAFKA))?
        .properties;
    let done = w.judge(listeners::data_path_works(&obs, &props))?;
    w.saw(done);
    Ok(())
}

#[then("every other broker of the cluster advertises its own name on a shared network and a host address published on 127.0.0.1 to its own listener")]
fn other_brokers(w: &mut AcceptanceWorld) -> StepResult {
    let m = w.model()?;
    let nodes = w.kafka_nodes(&m)?;
    let named = w.ctx.target.names.kafka.clone();
    let v = kraft::cluster::other_brokers_addresses(&nodes, &named);
    let expected = format!("every broker other than {named} advertises its own name to containers and a 127.0.0.1-published host address to its own listener");
    w.judge(verdicts::none_of(&expected, "broker address(es) wrong", v))?;
    let others = nodes
        .iter()
        .filter(|n| n.broker && n.service != named)
        .count();
    w.saw(format!(
        "{others} other broker(s) of the cluster advertise their own addresses"
    ));
    Ok(())
}
