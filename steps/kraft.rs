//! features/kraft.feature

use cucumber::{then, when};
use kraft_acceptance::model::wire::WireObservation;
use kraft_acceptance::probes::wire;
use kraft_acceptance::run::world::{AcceptanceWorld, StepResult};
use kraft_acceptance::target::SEED_KAFKA;
use kraft_acceptance::verdicts::{self, kraft};

#[then(expr = "service {string} passes Kafka's KRaft startup rules")]
fn kraft_rules(w: &mut AcceptanceWorld, service: String) -> StepResult {
    for service in w.services_of(&service)? {
        node_rules(w, &service)?;
    }
    let m = w.model()?;
    let nodes = w.kafka_nodes(&m)?;
    let v = kraft::cluster::cluster_violations(&nodes);
    let expected = format!("the cluster of {} Kafka node(s) holds KRaft's cluster rules (unique node ids, one voters list naming the controllers as they are reached, replication the brokers can hold)", nodes.len());
    w.judge(verdicts::none_of(&expected, "violations", v))?;
    if nodes.len() > 1 {
        let shown: Vec<String> = nodes.iter().map(|n| n.shown()).collect();
        w.saw(format!("{} Kafka nodes: {}", nodes.len(), shown.join(", ")));
    }
    Ok(())
}

/// One node's own settings pass Kafka's startup rules.
fn node_rules(w: &mut AcceptanceWorld, service: &str) -> StepResult {
    let service = service.to_string();
    let image = w.image_settings(&service)?;
    for note in &image.notes {
        w.saw(format!("{service}: {note}"));
    }
    w.judge(kraft::kraft_rules(&service, &image))?;
    for warning in kraft::kraft_warnings(&image.properties) {
        w.warn(format!("{service}: {warning}"));
    }
    let props = &image.properties;
    let roles = props.get("process.roles").cloned().unwrap_or_default();
    w.saw(format!(
        "{service}: process.roles={roles}, node.id={}",
        props.get("node.id").cloned().unwrap_or_default()
    ));
    Ok(())
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
