//! Engine, compose, stack and image identities for the report, read before
//! teardown.

use super::outcome::Environment;
use crate::probes::engine::Engine;
use crate::stack::Stack;

/// `docker compose version`, said in words; read while the scenarios run,
/// it costs the run nothing (before `up` it would compete with the preflight).
pub(crate) fn compose_version() -> String {
    crate::children::output_within(
        std::process::Command::new("docker").args(["compose", "version", "--short"]),
        std::time::Duration::from_secs(30),
    )
    .ok()
    .filter(|o| o.status.success())
    .map(|o| {
        format!(
            "Docker Compose {}",
            String::from_utf8_lossy(&o.stdout).trim()
        )
    })
    .unwrap_or_else(|| "not available".into())
}

pub async fn read(stack: Option<&Stack>, compose: String) -> Environment {
    let engine = match stack {
        Some(s) => Ok(s.engine.clone()),
        None => Engine::connect().await,
    };
    let (engine, engine_version) = match &engine {
        Ok(e) => match e.version().await {
            Ok((v, api)) => (format!("Docker Engine {v} (API {api})"), Some(v)),
            Err(e) => (e.to_string(), None),
        },
        Err(e) => (format!("not reachable: {e}"), None),
    };
    let Some(s) = stack else {
        return Environment {
            engine,
            engine_version,
            compose,
            stack: "none (static scenarios only)".into(),
            images: "none (no runtime scenario)".into(),
            standin: false,
            containers: Vec::new(),
            project: String::new(),
        };
    };
    let containers = s
        .containers()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.name, c.image, c.image_id.chars().take(19).collect()))
        .collect();
    let mode = if s.attached() {
        "attached to"
    } else {
        "owned project"
    };
    Environment {
        engine,
        engine_version,
        compose,
        stack: format!(
            "{mode} {} ({})",
            s.project,
            s.up_result().map(|u| u.command.clone()).unwrap_or_default()
        ),
        images: s.images.description.clone(),
        standin: s.standin(),
        containers,
        project: s.project.clone(),
    }
}
