//! features/no_zookeeper.feature

use cucumber::then;
use kraft_acceptance::probes::proc_net;
use kraft_acceptance::run::world::{AcceptanceWorld, StepResult};
use kraft_acceptance::verdicts::{no_zookeeper, observed};

#[then("nothing in it is, needs or publishes ZooKeeper")]
fn no_zookeeper(w: &mut AcceptanceWorld) -> StepResult {
    let m = w.model()?;
    let layering = w.layering_name();
    w.judge(no_zookeeper::model_clean(&layering, &m))?;
    w.saw(format!(
        "{layering} layering: {} services, no ZooKeeper trace",
        m.services.len()
    ));
    Ok(())
}

#[then("no container of the project runs a ZooKeeper image")]
async fn no_zk_container(w: &mut AcceptanceWorld) -> StepResult {
    let containers = w.stack()?.containers().await;
    let containers = w.judge(observed(
        "the project's containers from the engine",
        containers,
    ))?;
    w.judge(no_zookeeper::no_zookeeper_container(&containers))?;
    w.saw(format!(
        "containers: {}",
        containers
            .iter()
            .map(|c| format!("{} ({})", c.name, c.image))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(())
}

#[then("no container of the project listens on port 2181")]
async fn nothing_on_2181(w: &mut AcceptanceWorld) -> StepResult {
    let containers = w.stack()?.containers().await;
    let containers = w.judge(observed(
        "the project's containers from the engine",
        containers,
    ))?;
    let mut seen = Vec::new();
    for c in containers.into_iter().filter(|c| c.status == "running") {
        let Some(pid) = c.pid else { continue };
        let socks = w.judge(observed(
            format!("the listening sockets of {}", c.name),
            proc_net::listeners_of(pid),
        ))?;
        seen.push((c, socks));
    }
    w.judge(no_zookeeper::nothing_on_2181(&seen))?;
    w.saw(format!(
        "{} running containers, none listens on or publishes 2181",
        seen.len()
    ));
    Ok(())
}
