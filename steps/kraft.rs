//! features/kraft.feature

use cucumber::{then, when};
use kraft_acceptance::model::wire::WireObservation;
use kraft_acceptance::probes::wire;
use std::collections::BTreeMap;

use kraft_acceptance::model::compose::ComposeModel;
use kraft_acceptance::model::kafka_props::parse_properties;
use kraft_acceptance::run::world::{AcceptanceWorld, StepError, StepResult};
use kraft_acceptance::stack::kafka_setup;
use kraft_acceptance::target::SEED_KAFKA;
use kraft_acceptance::verdicts::{self, kraft};

#[then(expr = "service {string} passes Kafka's KRaft startup rules")]
async fn kraft_rules(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let services = w.services_of(&service)?;
    let m = w.model()?;
    let written = if w.ctx.read_only {
        deployed_settings(w, &services).await?
    } else {
        kafka_setups(w, &m, &services).await?
    };
    let mut nodes = Vec::new();
    for (service, props) in services.iter().zip(written) {
        let svc = w.defined(&m, service)?.clone();
        nodes.push(kraft::cluster::read_node(service, &svc, &props));
    }
    let v = kraft::cluster::cluster_violations(&nodes);
    let expected = format!("the cluster of {} Kafka node(s) holds KRaft's cluster rules (unique node ids, one voters list naming the controllers as they are reached, replication the brokers can hold)", nodes.len());
    w.judge(verdicts::none_of(&expected, "violations", v))?;
    if nodes.len() > 1 {
        let shown: Vec<String> = nodes.iter().map(|n| n.shown()).collect();
        w.saw(format!("{} Kafka nodes: {}", nodes.len(), shown.join(", ")));
    }
    Ok(())
}

/// Kafka's own setup and format of every node, each in a container of its
/// image with no network; the server.properties Kafka wrote for each. Where
/// Kafka refused any node, every node's refusal fails the step together.
async fn kafka_setups(
    w: &mut AcceptanceWorld,
    m: &ComposeModel,
    services: &[String],
) -> Result<Vec<BTreeMap<String, String>>, StepError> {
    let engine = w.judge(verdicts::observed(
        "the Docker Engine, which runs Kafka's own setup",
        w.ctx.engine().await,
    ))?;
    let images = kafka_setup::images(&engine, m, services).await;
    let images = w.judge(verdicts::observed(
        "an image of each Kafka node's own version to run its setup",
        images,
    ))?;
    for image in images.iter().filter_map(|i| i.note.clone()) {
        w.saw(image);
    }
    let runs = kafka_setup::run_all(&engine, m, services, &images).await;
    let mut out = Vec::new();
    let mut refused: Option<verdicts::Failure> = None;
    for run in runs {
        let run = w.judge(verdicts::observed("Kafka's setup run by the engine", run))?;
        w.ctx.measure(format!(
            "{}: Kafka's setup and format on {} in {:.1} s",
            run.service, run.image, run.seconds
        ));
        match kraft::kraft_rules(&run) {
            Ok(()) => {
                for defect in run.image_defects() {
                    w.warn(format!("{}: {defect}", run.service));
                }
                let props = parse_properties(run.server_properties.as_deref().unwrap_or_default());
                node_seen(w, &run.service, &props);
                out.push(props);
            }
            Err(f) => match refused.as_mut() {
                None => refused = Some(f),
                Some(all) => {
                    all.observed.push_str(&format!("; {}", f.observed));
                    all.evidence.extend(f.evidence);
                }
            },
        }
    }
    if let Some(f) = refused {
        w.judge::<()>(Err(f))?;
    }
    Ok(out)
}

/// An attached deployment is only read: each node's running broker passed
/// Kafka's own startup, and the server.properties it runs with (read
/// through its process's root, nothing executed in it) are its settings.
async fn deployed_settings(
    w: &mut AcceptanceWorld,
    services: &[String],
) -> Result<Vec<BTreeMap<String, String>>, StepError> {
    let mut out = Vec::new();
    for service in services {
        let (_, c, pid) = w.process_of(service).await?;
        let path = format!("/proc/{pid}/root/opt/kafka/config/server.properties");
        let text = w.judge(verdicts::observed(
            format!(
                "{service}'s running server.properties ({}, {})",
                c.image, c.status
            ),
            std::fs::read_to_string(&path),
        ))?;
        w.saw(format!("{service}: the running broker ({}) passed Kafka's own startup; its server.properties read from the container", c.image));
        let props = parse_properties(&text);
        node_seen(w, service, &props);
        out.push(props);
    }
    Ok(out)
}

/// What a node's settings are, and what Kafka starts with that does not do
/// what it means.
fn node_seen(w: &mut AcceptanceWorld, service: &str, props: &BTreeMap<String, String>) {
    for warning in kraft::kraft_warnings(props) {
        w.warn(format!("{service}: {warning}"));
    }
    w.saw(format!(
        "{service}: process.roles={}, node.id={} (server.properties as Kafka wrote it)",
        props.get("process.roles").cloned().unwrap_or_default(),
        props.get("node.id").cloned().unwrap_or_default()
    ));
}

#[when(expr = "a client asks the broker at {string} for ApiVersions and DescribeQuorum")]
async fn ask_wire(w: &mut AcceptanceWorld, address: String) -> StepResult {
    let address = w.ctx.target.address(&address);
    w.ready(SEED_KAFKA).await?;
    let a = address.clone();
    let answer =
        crate::common::blocking(w, format!("ApiVersions answered by {address}"), move || {
            wire::probe(&a)
        })
        .await?;
    w.keep(answer);
    Ok(())
}

#[then("ApiVersions lists the finalized feature metadata.version")]
fn metadata_version(w: &mut AcceptanceWorld) -> StepResult {
    let wire: WireObservation = w.earlier("an ApiVersions answer")?;
    let v = w.judge(kraft::wire::metadata_version_finalized(&wire))?;
    // A deployment may run a release newer than the one that formatted it
    // (an upgrade not yet finalized); a stack this run started may not.
    match kraft::wire::metadata_version_latest(&wire) {
        Ok((_, latest)) => w.saw(format!(
            "metadata.version {v} is the broker's latest supported level {latest}"
        )),
        Err(f) if w.ctx.read_only => w.warn(format!("WARNING: {}", f.observed)),
        Err(f) => {
            w.judge::<()>(Err(f))?;
        }
    }
    w.ctx
        .measure(format!("metadata.version finalized at level {v}"));
    w.saw(format!("metadata.version finalized at level {v}"));
    Ok(())
}

#[then(expr = "DescribeQuorum names the leader and voters of service {string}'s settings")]
async fn quorum_leader(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let service = w.ctx.target.service(&service);
    let wire: WireObservation = w.earlier("a DescribeQuorum answer")?;
    let s = w.ready(&service).await?;
    let mut configured =
        kraft::configured_quorum(&w.image_settings_in(&s.model, &service)?.properties);
    let nodes = w.kafka_nodes(&s.model)?;
    configured.observers = kraft::cluster::observers(&nodes, &configured.voters);
    let (id, voters) = w.judge(kraft::wire::quorum_is_configured(&wire, &configured))?;
    let lags = w.judge(kraft::wire::quorum_in_sync(&wire, &configured))?;
    w.saw(format!(
        "{}; observers (the brokers that are not voters) {:?}",
        lags.join(", "),
        configured.observers
    ));
    w.ctx
        .measure(format!("KRaft quorum leader: node {id}, voters {voters:?}"));
    w.saw(format!("quorum leader: node {id}, voters {voters:?} (node.id={}, controller.quorum.voters ids {:?})", configured.node_id, configured.voters));
    Ok(())
}
