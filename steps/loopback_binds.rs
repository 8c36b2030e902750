//! features/loopback_binds.feature

use std::collections::BTreeSet;
use std::path::Path;

use cucumber::{then, when};
use kraft_acceptance::model::evidence::{JudgedBinding, Neighbour, Row};
use kraft_acceptance::model::neighbour::NeighbourObservation;
use kraft_acceptance::model::neighbour::{Protocol, ServiceTarget};
use kraft_acceptance::probes::{neighbour, proc_net};
use kraft_acceptance::run::world::{AcceptanceWorld, StepError, StepResult};
use kraft_acceptance::stack::owner::Owner;
use kraft_acceptance::stack::Stack;
use kraft_acceptance::verdicts::loopback_binds::{self, neighbour as lan, HostBinding};
use kraft_acceptance::verdicts::{hemma_host, listeners, none_of, observed};

use crate::common::{blocking, engine_version, Services};

/// Each binding, with its own verdict, into the report's bindings table.
fn record_binds(w: &AcceptanceWorld, service: &str, seen_in: &str, binds: &[HostBinding]) {
    for b in binds {
        let row = JudgedBinding {
            service: service.into(),
            seen_in: seen_in.into(),
            ip: b.ip.clone(),
            port: b.port.clone(),
            verdict: b.verdict().into(),
        };
        w.ctx.record(Row::Binding(row), !b.on_loopback());
    }
    w.saw(format!(
        "{service} ({seen_in}): {}",
        binds
            .iter()
            .map(HostBinding::shown)
            .collect::<Vec<_>>()
            .join(", ")
    ));
}

#[then(expr = "every port published by service {string} binds host IP 127.0.0.1 only")]
fn config_binds(w: &mut AcceptanceWorld, service: String) -> StepResult {
    if w.not_needed(&service) {
        return Ok(());
    }
    for service in w.services_of(&service)? {
        config_binds_of(w, &service)?;
    }
    Ok(())
}

/// One service's published ports, as compose config has them.
fn config_binds_of(w: &mut AcceptanceWorld, service: &str) -> StepResult {
    let service = service.to_string();
    let m = w.model()?;
    let svc = w.defined(&m, &service)?;
    let binds: Vec<HostBinding> = svc
        .ports
        .iter()
        .map(|p| HostBinding::from_config(&service, p))
        .collect();
    let seen_in = format!("compose config, {} layering", w.layering_name());
    record_binds(w, &service, &seen_in, &binds);
    if publishes_nothing(w, &service, &seen_in, binds.is_empty()) {
        return Ok(());
    }
    w.judge(loopback_binds::only_loopback_v4(
        &format!("{service} ({seen_in})"),
        &binds,
    ))
}

/// Another node of a cluster (a controller) may publish nothing: that is
/// said, not failed. Kafka's own service must publish (clients bootstrap
/// from it), and its empty set fails in the verdict.
fn publishes_nothing(w: &AcceptanceWorld, service: &str, seen_in: &str, empty: bool) -> bool {
    if !empty || service == w.ctx.target.names.kafka {
        return false;
    }
    w.saw(format!("{service} ({seen_in}): publishes no port"));
    true
}

#[then("only the allowed public services publish on a non-loopback address")]
fn public_publishers(w: &mut AcceptanceWorld) -> StepResult {
    let m = w.model()?;
    let allowed = w.ctx.target.public_services.clone();
    let found = loopback_binds::public_publishers(&m, &allowed);
    w.judge(none_of(
        &format!(
            "only [{}] publish on a non-loopback address",
            allowed.join(", ")
        ),
        "other public bindings",
        found,
    ))?;
    w.saw(format!(
        "no service but [{}] publishes on a non-loopback address{}",
        allowed.join(", "),
        crate::common::disabled_note(&m)
    ));
    Ok(())
}

#[then(expr = "the engine publishes service {string} on 127.0.0.1 only")]
async fn engine_binds(w: &mut AcceptanceWorld, service: String) -> StepResult {
    if w.not_needed(&service) {
        return Ok(());
    }
    for service in w.started_of(&service)? {
        engine_binds_of(w, &service).await?;
    }
    Ok(())
}

/// One container's engine port bindings are on 127.0.0.1 only.
async fn engine_binds_of(w: &mut AcceptanceWorld, service: &str) -> StepResult {
    let s = w.stack()?;
    let c = w.judge(observed(
        format!("service {service}'s container"),
        s.service_container(service).await,
    ))?;
    let binds: Vec<HostBinding> = c
        .bindings
        .iter()
        .map(|b| HostBinding::from_engine(&c, b))
        .collect();
    record_binds(w, service, "engine port bindings", &binds);
    if publishes_nothing(w, service, "engine port bindings", binds.is_empty()) {
        return Ok(());
    }
    w.judge(loopback_binds::only_loopback_v4(
        &format!("{service} (engine port bindings)"),
        &binds,
    ))
}

#[then(
    expr = "the host's listening sockets on the ports of service {string} are on 127.0.0.1 only"
)]
async fn host_sockets(w: &mut AcceptanceWorld, service: String) -> StepResult {
    if w.not_needed(&service) {
        return Ok(());
    }
    for service in w.started_of(&service)? {
        host_sockets_of(w, &service).await?;
    }
    Ok(())
}

/// The host's sockets on one container's published ports are on 127.0.0.1 only.
async fn host_sockets_of(w: &mut AcceptanceWorld, service: &str) -> StepResult {
    let s = w.stack()?;
    let c = w.judge(observed(
        format!("service {service}'s container"),
        s.service_container(service).await,
    ))?;
    let ports: BTreeSet<u16> = c
        .bindings
        .iter()
        .filter_map(|b| b.host_port.parse().ok())
        .collect();
    if publishes_nothing(w, service, "host sockets", ports.is_empty()) {
        return Ok(());
    }
    // Re-read on every call: a cached table would lie.
    let socks = w.judge(observed(
        "this host's socket tables",
        proc_net::listeners(Path::new("/proc/net")),
    ))?;
    let on_ports: Vec<HostBinding> = socks
        .iter()
        .filter(|s| ports.contains(&s.port))
        .map(HostBinding::from_socket)
        .collect();
    record_binds(w, service, "host sockets (/proc/net/tcp, tcp6)", &on_ports);
    w.judge(loopback_binds::host_sockets_only_loopback(
        service, &ports, &socks,
    ))
}

#[then(expr = "inside service {string} something listens on the port of every advertised listener")]
async fn container_listeners(w: &mut AcceptanceWorld, service: String) -> StepResult {
    for service in w.started_of(&service)? {
        container_listeners_of(w, &service).await?;
    }
    Ok(())
}

/// Inside one container something listens on every advertised port.
async fn container_listeners_of(w: &mut AcceptanceWorld, service: &str) -> StepResult {
    let (s, c, pid) = w.running_process(service).await?;
    let props = w.image_settings_in(&s.model, service)?.properties;
    let socks = w.judge(observed(
        format!("the listening sockets of {}", c.name),
        proc_net::listeners_of(pid),
    ))?;
    w.judge(listeners::every_advertised_listens(&c.name, &props, &socks))?;
    w.saw(format!(
        "{} listens on [{}]",
        c.name,
        socks
            .iter()
            .map(|s| s.port.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(())
}

/// What the test host tries: the named services (Kafka asked for
/// ApiVersions, Redis for PING: their own answers) and the public services
/// that run (they may answer).
async fn lan_targets(
    w: &mut AcceptanceWorld,
    s: &Stack,
    services: &[String],
) -> Result<Vec<ServiceTarget>, StepError> {
    let names = w.ctx.target.names.clone();
    let public: Vec<String> = w
        .ctx
        .target
        .public_services
        .iter()
        .filter(|p| !services.contains(p))
        .cloned()
        .collect();
    let mut targets = Vec::new();
    for svc in services {
        let c = w.judge(observed(
            format!("service {svc}'s container"),
            s.service_container(svc).await,
        ))?;
        let protocol = if s.services.nodes.contains(svc) {
            Protocol::Kafka
        } else if *svc == names.redis {
            Protocol::Redis
        } else {
            Protocol::Tcp
        };
        targets.push(w.judge(observed(
            format!("{svc}'s networks"),
            neighbour::service_target(&s.engine, &c, protocol, false).await,
        ))?);
    }
    for svc in &public {
        if let Ok(c) = s.service_container(svc).await {
            targets.push(w.judge(observed(
                format!("{svc}'s networks"),
                neighbour::service_target(&s.engine, &c, Protocol::Tcp, true).await,
            ))?);
        }
    }
    Ok(targets)
}

#[when(expr = "a test host on the LAN tries every port that services {services} publish")]
async fn neighbour_tries(w: &mut AcceptanceWorld, services: Services) -> StepResult {
    let s = w.stack()?;
    // Only a service that listens can answer: a port tried before it does
    // is refused by the container itself, which proves nothing.
    for service in services.running(w) {
        w.ready(&service).await?;
    }
    let targets = lan_targets(w, &s, &services.running(w)).await?;
    let owner = Owner::current();
    let needed = "a test host on the LAN (a network namespace joined to this host by a veth pair)";
    let obs = blocking(w, needed, move || {
        neighbour::probe((owner.pid, owner.start_ticks), &targets)
    })
    .await?;
    let proof = Neighbour::Proof(obs.proof.describe());
    w.ctx.record(Row::Neighbour(proof), false);
    for a in &obs.attempts {
        let row = Neighbour::Attempt {
            service: a.service.clone(),
            path: a.path.clone(),
            target: a.target,
            answer: a.answer.clone(),
        };
        w.ctx.record(Row::Neighbour(row), a.got_through());
    }
    w.ctx.measure(format!(
        "neighbour probe: {} paths from test host {} in {:.2} s",
        obs.attempts.len(),
        obs.segment.neighbour,
        obs.seconds
    ));
    w.keep(obs);
    Ok(())
}

#[then(expr = "no path from the test host reaches services {services}")]
async fn neighbour_reaches_nothing(w: &mut AcceptanceWorld, services: Services) -> StepResult {
    let services = Services(services.running(w));
    let obs: NeighbourObservation = w.earlier("a test host's attempts")?;
    let (version, _) = engine_version(w).await?;
    // The version is a hint beside the measured verdict, never the verdict.
    let hints = hemma_host::engine_advisories(&version).unwrap_or_default();
    w.judge(lan::nothing_reached(&obs, &services.0, &version, &hints))?;
    let tried = obs.attempts.iter().filter(|a| !a.public).count();
    w.saw(format!(
        "test host {} reached this host ({}); none of {tried} paths to [{}] got through",
        obs.segment.neighbour,
        obs.proof.describe(),
        services.0.join(", ")
    ));
    Ok(())
}
