//! features/hemma_host.feature

use std::collections::BTreeSet;
use std::path::Path;

use cucumber::then;
use kraft_acceptance::model::evidence::Row;
use kraft_acceptance::model::Reach;
use kraft_acceptance::probes::host;
use kraft_acceptance::run::world::{AcceptanceWorld, StepResult};
use kraft_acceptance::target::AdvisoryMode;
use kraft_acceptance::verdicts::{hemma_host, observed};

use crate::common::{engine_version, Services};

#[then("the Docker Engine's version has no advisory that breaks loopback-only publishing")]
async fn engine_advisories(w: &mut AcceptanceWorld) -> StepResult {
    let (version, source) = engine_version(w).await?;
    let found = w.judge(hemma_host::engine_advisories(&version))?;
    let mode = w.ctx.target.engine_advisories;
    for a in &found {
        let row = Row::Advisory {
            advisory: a.clone(),
            source: source.clone(),
            profile: format!("{mode:?}").to_lowercase(),
        };
        w.ctx.record(row, mode == AdvisoryMode::Fail);
    }
    let warnings = w.judge(hemma_host::advisory_policy(&version, &found, mode))?;
    for warning in warnings {
        w.warn(format!("{warning}; the neighbour probe (\"No neighbour on the LAN reaches Kafka or Redis\") measures what it leaves open"));
    }
    w.saw(format!(
        "Docker Engine {version} ({source}): {} advisory(ies)",
        found.len()
    ));
    Ok(())
}

#[then(
    expr = "the host ports of services {services} are refused on every non-loopback address of this host"
)]
async fn outside_view(w: &mut AcceptanceWorld, services: Services) -> StepResult {
    let s = w.stack()?;
    let mut ports = BTreeSet::new();
    for svc in services.of(w) {
        let c = w.judge(observed(
            format!("service {svc}'s container"),
            s.service_container(&svc).await,
        ))?;
        ports.extend(
            c.bindings
                .iter()
                .filter_map(|b| b.host_port.parse::<u16>().ok()),
        );
    }
    let ports: Vec<u16> = ports.into_iter().collect();
    let addrs = w.judge(observed(
        "this host's addresses",
        host::non_loopback_addresses(),
    ))?;
    let reach = move || Ok::<_, std::convert::Infallible>(host::reach(&addrs, &ports));
    let results =
        crate::common::blocking(w, "connect attempts to this host's addresses", reach).await?;
    for (sa, r) in &results {
        let row = Row::OutsideView {
            address: *sa,
            result: *r,
        };
        w.ctx.record(row, *r == Reach::Accepted);
    }
    w.judge(hemma_host::outside_view(&results))
}

#[then(
    "every listener on a non-loopback address of this host belongs to an allowed public service"
)]
async fn inventory(w: &mut AcceptanceWorld) -> StepResult {
    let s = w.stack()?;
    let socks = w.judge(observed(
        "this host's socket tables",
        host::non_loopback_listeners(Path::new("/proc/net")),
    ))?;
    let containers = w.judge(observed(
        "the engine's containers",
        s.engine.all_containers().await,
    ))?;
    let listeners = host::attribute(&socks, &host::socket_owners(), &containers);
    let allowed = w.ctx.target.public_services.clone();
    for l in &listeners {
        let failing = !hemma_host::is_allowed(l, &allowed);
        let row = Row::NonLoopbackListener {
            address: l.addr,
            owner: l.owner.clone(),
        };
        w.ctx.record(row, failing);
    }
    w.judge(hemma_host::inventory(
        &listeners,
        &w.ctx.target.public_services,
    ))
}
