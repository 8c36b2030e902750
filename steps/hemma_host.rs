use std::collections::BTreeSet;

use cucumber::then;

use super::StepResult;
use crate::probes::engine::Engine;
use crate::probes::host;
use crate::target::AdvisoryMode;
use crate::verdicts::{hemma_host, Failure};
use crate::world::AcceptanceWorld;

#[then("the Docker Engine's version has no advisory that breaks loopback-only publishing")]
async fn engine_advisories(w: &mut AcceptanceWorld) -> StepResult {
    let (version, source) = match std::env::var(host::ENGINE_VERSION_ENV) {
        Ok(v) => (v, format!("${}", host::ENGINE_VERSION_ENV)),
        Err(_) => {
            let e = match &w.ctx.stack {
                Some(s) => s.engine.clone(),
                None => Engine::connect().await.map_err(|e| e.to_string())?,
            };
            (e.version().await.map_err(|e| e.to_string())?.0, "engine API /version".to_string())
        }
    };
    let found = hemma_host::engine_advisories(&version).map_err(|e| Failure::new("a Docker Engine version", e))?;
    for a in &found {
        w.ctx.record("Engine advisories", &["advisory", "source", "profile"], vec![a.clone(), source.clone(), format!("{:?}", w.ctx.target.engine_advisories).to_lowercase()]);
    }
    match (found.is_empty(), w.ctx.target.engine_advisories) {
        (true, _) => Ok(()),
        (false, AdvisoryMode::Warn) => {
            w.ctx.measure(format!("WARNING (engine_advisories = \"warn\"): {}", found.join("; ")));
            Ok(())
        }
        (false, AdvisoryMode::Fail) => Err(Failure::new(
            format!("Docker Engine {version} without advisories against loopback-only publishing"),
            format!("{} advisory(ies)", found.len()),
        )
        .with_evidence(found)
        .into()),
    }
}

#[then(expr = "the host ports of services {string} are refused on every non-loopback address of this host")]
async fn outside_view(w: &mut AcceptanceWorld, services: String) -> StepResult {
    let s = w.stack()?;
    let mut ports = BTreeSet::new();
    for svc in services.split(',').map(str::trim) {
        let c = s.service_container(svc).await?;
        ports.extend(c.bindings.iter().filter_map(|b| b.host_port.parse::<u16>().ok()));
    }
    let ports: Vec<u16> = ports.into_iter().collect();
    let addrs = host::non_loopback_addresses()?;
    let results = tokio::task::spawn_blocking(move || host::reach(&addrs, &ports)).await.map_err(|e| e.to_string())?;
    for (sa, r) in &results {
        w.ctx.record("Outside view (this host's own addresses)", &["address", "result"], vec![sa.to_string(), format!("{r:?}")]);
    }
    let infra: Vec<u16> = results.iter().map(|(sa, _)| sa.port()).collect();
    Ok(hemma_host::outside_view(&results, &infra)?)
}

#[then("every listener on a non-loopback address of this host belongs to an allowed public service")]
async fn inventory(w: &mut AcceptanceWorld) -> StepResult {
    let s = w.stack()?;
    let socks = host::non_loopback_listeners(std::path::Path::new("/proc/net"))?;
    let owners = host::socket_owners();
    let containers = s.engine.all_containers().await.map_err(|e| e.to_string())?;
    let mut listeners = Vec::new();
    for sock in &socks {
        let (pid, comm) = owners.get(&sock.inode).cloned().unwrap_or((0, "unknown".into()));
        // docker-proxy publishes for a container: attribute it to that service.
        let service = (comm == "docker-proxy")
            .then(|| containers.iter().find(|c| c.bindings.iter().any(|b| b.host_port == sock.port.to_string())))
            .flatten()
            .map(|c| c.service.clone());
        let owner = match &service {
            Some(svc) => format!("compose service {svc} (docker-proxy pid {pid})"),
            None => format!("{comm} (pid {pid})"),
        };
        let addr = std::net::SocketAddr::new(sock.ip, sock.port).to_string();
        w.ctx.record("Listeners on non-loopback addresses", &["address", "owner"], vec![addr.clone(), owner.clone()]);
        listeners.push(hemma_host::Listener { addr, owner, service });
    }
    Ok(hemma_host::inventory(&listeners, &w.ctx.target.public_services)?)
}
