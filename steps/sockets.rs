use cucumber::then;

use super::StepResult;
use crate::kafka_config::env_to_properties;
use crate::probes::proc_net;
use crate::verdicts::binds::{self, Bind};
use crate::verdicts::{listeners, none_of, Failure};
use crate::world::AcceptanceWorld;

#[then(expr = "every port published by service {string} binds host IP 127.0.0.1 only")]
fn config_binds(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let svc = w.model()?.service(&service)?;
    let binds: Vec<Bind> = svc.ports.iter().map(|p| Bind::from_config(&service, p)).collect();
    record_binds(w, &service, &format!("compose config ({} layering)", w.layering_name()), &binds);
    Ok(binds::only_loopback_v4(&format!("{service} (compose config, {} layering)", w.layering_name()), &binds)?)
}

#[then("only the allowed public services publish on a non-loopback address")]
fn public_publishers(w: &mut AcceptanceWorld) -> StepResult {
    let allowed = w.ctx.target.public_services.clone();
    let found = binds::public_publishers(w.model()?, &allowed);
    let expected = format!("only [{}] publish on a non-loopback address", allowed.join(", "));
    Ok(none_of(&expected, "other public bindings", found)?)
}

/// Each binding, with its own verdict, into the report's bindings table.
fn record_binds(w: &AcceptanceWorld, service: &str, seen_in: &str, binds: &[Bind]) {
    for b in binds {
        let verdict = binds::not_loopback_v4(b.ip.as_deref()).unwrap_or("127.0.0.1 only: ok");
        let shown = format!("{}:{}", b.ip.as_deref().unwrap_or("*"), b.port);
        w.ctx.record("Host bindings", &["service", "seen in", "binding", "verdict"], vec![service.into(), seen_in.into(), shown, verdict.into()]);
    }
}

#[then(expr = "the engine publishes service {string} on 127.0.0.1 only")]
async fn engine_binds(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let c = w.stack()?.service_container(&service).await?;
    let binds: Vec<Bind> = c
        .bindings
        .iter()
        .map(|b| Bind {
            // The engine reports "" or "0.0.0.0"/"::" for every interface.
            ip: Some(b.host_ip.clone()).filter(|s| !s.is_empty()),
            port: b.host_port.clone(),
            origin: format!("engine {}: NetworkSettings.Ports[{}] = {}:{}", c.name, b.container_port, b.host_ip, b.host_port),
        })
        .collect();
    record_binds(w, &service, "engine port bindings", &binds);
    Ok(binds::only_loopback_v4(&format!("{service} (engine port bindings)"), &binds)?)
}

#[then(expr = "the host's listening sockets on the ports of service {string} are on 127.0.0.1 only")]
async fn host_sockets(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let c = w.stack()?.service_container(&service).await?;
    let ports: std::collections::BTreeSet<u16> = c.bindings.iter().filter_map(|b| b.host_port.parse().ok()).collect();
    if ports.is_empty() {
        return Err(Failure::new(format!("{service} published on the host"), "the engine reports no host port").into());
    }
    // Re-read on every call: a cached table would lie.
    let socks = proc_net::listeners(std::path::Path::new("/proc/net")).map_err(|e| e.to_string())?;
    let on_ports: Vec<Bind> = socks
        .iter()
        .filter(|s| ports.contains(&s.port))
        .map(|s| Bind { ip: Some(s.ip_unmapped().to_string()), port: s.port.to_string(), origin: s.line.clone() })
        .collect();
    record_binds(w, &service, "host sockets (/proc/net/tcp, tcp6)", &on_ports);
    let bad: Vec<String> = socks
        .iter()
        .filter(|s| ports.contains(&s.port))
        .filter_map(|s| binds::not_loopback_v4(Some(&s.ip_unmapped().to_string())).map(|why| format!("{} ({why})", s.line)))
        .collect();
    let shown: Vec<String> = ports.iter().map(u16::to_string).collect();
    Ok(none_of(
        &format!("every host listener on {service}'s ports [{}] bound to 127.0.0.1 (/proc/net/tcp and tcp6)", shown.join(", ")),
        "listeners elsewhere",
        bad,
    )?)
}

#[then(expr = "inside service {string} something listens on the port of every advertised listener")]
async fn container_listeners(w: &mut AcceptanceWorld, service: String) -> StepResult {
    let s = super::stack::ready(w, &service).await?;
    let c = s.service_container(&service).await?;
    let pid = c.pid.ok_or(format!("service {service} has no running process ({})", c.status))?;
    let props = env_to_properties(&s.model.service(&service)?.environment);
    let advertised = listeners::advertised(&props)?;
    let socks = proc_net::listeners_of(pid).map_err(|e| e.to_string())?;
    let mut missing = Vec::new();
    for a in &advertised {
        let port = listeners::container_port(&props, &a.name)?;
        if !socks.iter().any(|s| s.port == port) {
            missing.push(format!("listener {} (container port {port}) has no listening socket in /proc/{pid}/net/tcp{{,6}}", a.name));
        }
    }
    Ok(none_of(&format!("a listening socket in {} for every advertised listener", c.name), "listeners missing", missing)?)
}
