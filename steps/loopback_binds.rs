//! features/loopback_binds.feature

use std::collections::BTreeSet;
use std::path::Path;

use cucumber::then;
use kraft_acceptance::probes::proc_net;
use kraft_acceptance::run::world::{AcceptanceWorld, StepResult};
use kraft_acceptance::verdicts::binds::{self, Bind};
use kraft_acceptance::verdicts::kafka_config::env_to_properties;
use kraft_acceptance::verdicts::{earlier, listeners, none_of, observe};

/// Each binding, with its own verdict, into the report's bindings table.
fn record_binds(w: &AcceptanceWorld, service: &str, seen_in: &str, binds: &[Bind]) {
    for b in binds {
        w.ctx.record("Host bindings", &["service", "seen in", "binding", "verdict"], vec![service.into(), seen_in.into(), b.shown(), b.verdict().into()]);
    }
    w.saw(format!("{service} ({seen_in}): {}", binds.iter().map(Bind::shown).collect::<Vec<_>>().join(", ")));
}

#[then(expr = "every port published by service {string} binds host IP 127.0.0.1 only")]
fn config_binds(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let m = w.model()?;
    let svc = w.judge(observe(format!("service {service} defined"), m.service(&service)))?;
    let binds: Vec<Bind> = svc.ports.iter().map(|p| Bind::from_config(&service, p)).collect();
    let seen_in = format!("compose config, {} layering", w.layering_name());
    record_binds(w, &service, &seen_in, &binds);
    w.judge(binds::only_loopback_v4(&format!("{service} ({seen_in})"), &binds))
}

#[then("only the allowed public services publish on a non-loopback address")]
fn public_publishers(w: &mut AcceptanceWorld) -> StepResult {
    let m = w.model()?;
    let allowed = w.ctx.target.public_services.clone();
    let found = binds::public_publishers(&m, &allowed);
    w.judge(none_of(&format!("only [{}] publish on a non-loopback address", allowed.join(", ")), "other public bindings", found))?;
    w.saw(format!("no service but [{}] publishes on a non-loopback address{}", allowed.join(", "), disabled_note(&m)));
    Ok(())
}

#[then(expr = "the engine publishes service {string} on 127.0.0.1 only")]
async fn engine_binds(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let s = w.stack()?;
    let c = w.judge(observe(format!("service {service}'s container"), s.service_container(&service).await))?;
    let binds: Vec<Bind> = c.bindings.iter().map(|b| Bind::from_engine(&c, b)).collect();
    record_binds(w, &service, "engine port bindings", &binds);
    w.judge(binds::only_loopback_v4(&format!("{service} (engine port bindings)"), &binds))
}

#[then(expr = "the host's listening sockets on the ports of service {string} are on 127.0.0.1 only")]
async fn host_sockets(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let s = w.stack()?;
    let c = w.judge(observe(format!("service {service}'s container"), s.service_container(&service).await))?;
    let ports: BTreeSet<u16> = c.bindings.iter().filter_map(|b| b.host_port.parse().ok()).collect();
    // Re-read on every call: a cached table would lie.
    let socks = w.judge(observe("this host's socket tables", proc_net::listeners(Path::new("/proc/net"))))?;
    let on_ports: Vec<Bind> = socks.iter().filter(|s| ports.contains(&s.port)).map(Bind::from_socket).collect();
    record_binds(w, &service, "host sockets (/proc/net/tcp, tcp6)", &on_ports);
    w.judge(binds::host_sockets_only_loopback(&service, &ports, &socks))
}

#[then(expr = "inside service {string} something listens on the port of every advertised listener")]
async fn container_listeners(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let s = w.ready(&service).await?;
    let c = w.judge(observe(format!("service {service}'s container"), s.service_container(&service).await))?;
    let pid = w.judge(earlier(&format!("a running process of service {service} ({})", c.status), c.pid))?;
    let svc = w.judge(observe(format!("service {service} defined"), s.model.service(&service)))?;
    let props = env_to_properties(&svc.environment);
    let socks = w.judge(observe(format!("the listening sockets of {}", c.name), proc_net::listeners_of(pid)))?;
    w.judge(listeners::every_advertised_listens(&c.name, &props, &socks))?;
    w.saw(format!("{} listens on [{}]", c.name, socks.iter().map(|s| s.port.to_string()).collect::<Vec<_>>().join(", ")));
    Ok(())
}

/// The services left out of a check because compose runs none of them.
pub fn disabled_note(m: &kraft_acceptance::model::compose::ComposeModel) -> String {
    match m.disabled_services() {
        d if d.is_empty() => String::new(),
        d => format!(" (disabled with deploy.replicas: 0, so not run: {})", d.join(", ")),
    }
}
