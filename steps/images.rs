//! features/images.feature

use std::collections::BTreeSet;

use cucumber::then;
use kraft_acceptance::model::evidence::Row;
use kraft_acceptance::run::world::{AcceptanceWorld, StepResult};
use kraft_acceptance::verdicts::{images, observed};

use crate::common::Services;

/// (where, image) of `services` in every layering, each image once.
fn stack_images(w: &AcceptanceWorld, services: &Services) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (layering, m) in &w.ctx.models {
        for svc in services.of(w) {
            let Some(image) = m.services.get(&svc).and_then(|s| s.image.clone()) else {
                continue;
            };
            if seen.insert(image.clone()) {
                out.push((format!("{layering} layering, service {svc}"), image));
            }
        }
    }
    out
}

#[then("every layering runs Kafka from the upstream apache/kafka image at a pinned version")]
fn upstream(w: &mut AcceptanceWorld) -> StepResult {
    let models = w.ctx.models.clone();
    for (layering, m) in &models {
        let image = m
            .services
            .get(&w.ctx.target.names.kafka)
            .and_then(|s| s.image.clone());
        w.judge(images::upstream_kafka(
            &format!("{layering} layering"),
            image.as_deref(),
        ))?;
        w.saw(format!(
            "{layering} layering: kafka image {}",
            image.unwrap_or_default()
        ));
    }
    Ok(())
}

#[then(expr = "no image of services {services} comes from a namespace known to be gone")]
fn not_gone(w: &mut AcceptanceWorld, services: Services) -> StepResult {
    let found = stack_images(w, &services);
    let gone = w.ctx.target.gone_namespaces.clone();
    w.judge(images::not_gone(&found, &gone))?;
    w.saw(format!(
        "images: {}",
        found
            .iter()
            .map(|(_, i)| i.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(())
}

#[then(
    expr = "every image of services {services} resolves in its registry for this host and every required platform"
)]
async fn resolves(w: &mut AcceptanceWorld, services: Services) -> StepResult {
    let engine = w.ctx.engine().await;
    let engine = w.judge(observed(
        "the Docker Engine answering (it asks the registries)",
        engine,
    ))?;
    let required = images::required_platforms(std::env::consts::ARCH, &w.ctx.target.platforms);
    let mut found = Vec::new();
    for (_, image) in stack_images(w, &services) {
        let offered = engine
            .distribution(&image)
            .await
            .map_err(|e| kraft_acceptance::probes::compose::one_line(&e.to_string()));
        let row = Row::Image {
            image: image.clone(),
            platforms: offered.clone(),
        };
        w.saw(format!("{image}: {}", row.cells()[1]));
        w.ctx.record(row, offered.is_err());
        found.push((image, offered));
    }
    w.judge(images::platforms(&found, &required))
}
