//! Kafka's own setup and format for every Kafka node of a layering
//! ([`crate::probes::kafka_setup`]), a few at a time, each container and
//! volume labelled as this process's so that `clean` reaps what a killed
//! run left behind.

use crate::model::compose::ComposeModel;
use crate::probes::engine::Engine;
use crate::probes::kafka_setup::{self, JudgeImage, SetupRun};

use super::owner::Owner;

/// How many nodes' setups run at once (each is a JVM or two).
const AT_ONCE: usize = 3;

/// The image each node's setup runs on; `Err`: why one of them cannot run.
pub async fn images(
    engine: &Engine,
    model: &ComposeModel,
    services: &[String],
) -> Result<Vec<JudgeImage>, String> {
    let mut out = Vec::new();
    for service in services {
        let svc = model
            .services
            .get(service)
            .ok_or_else(|| format!("service {service} is not in the layering"))?;
        let declared = svc.image.clone().ok_or_else(|| {
            format!("service {service} has no image: (compose builds it) build it first, so its own image judges its settings")
        })?;
        out.push(
            kafka_setup::judge_image(engine, &declared)
                .await
                .map_err(|why| format!("{service}: {why}"))?,
        );
    }
    Ok(out)
}

/// Each node's setup and format, in `services`' order; an engine failure
/// is that node's `Err`.
pub async fn run_all(
    engine: &Engine,
    model: &ComposeModel,
    services: &[String],
    images: &[JudgeImage],
) -> Vec<Result<SetupRun, String>> {
    use futures::StreamExt;
    let labels = Owner::current().labels(&format!("kraftacc-setup-{}", std::process::id()), false);
    let jobs = services.iter().zip(images).map(|(service, image)| {
        let labels = labels.clone();
        async move {
            let svc = model
                .services
                .get(service)
                .ok_or_else(|| format!("service {service} is not in the layering"))?;
            kafka_setup::run(engine, service, svc, &image.image, &labels)
                .await
                .map_err(|e| format!("{service}'s setup on the engine: {e}"))
        }
    });
    futures::stream::iter(jobs)
        .buffered(AT_ONCE)
        .collect()
        .await
}
