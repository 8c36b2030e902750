//! Hemma layering: the shared observability stack, the shared network, the
//! shared database (shared-postgres).

use super::{Failure, Verdict};
use crate::model::compose::ComposeModel;

/// Last path component of an image reference, without tag or digest.
fn image_name(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last)
}

/// Services that are an observability component, by service name or image.
pub fn observability_services(model: &ComposeModel, known: &[String]) -> Vec<String> {
    model
        .running_services()
        .filter_map(|(name, s)| {
            let img = s.image.as_deref().map(image_name).unwrap_or("");
            let hit = known
                .iter()
                .find(|k| name == *k || img.starts_with(k.as_str()))?;
            Some(format!(
                "service \"{name}\" (image {}) is {hit}",
                s.image.as_deref().unwrap_or("<none>")
            ))
        })
        .collect()
}

/// The Hemma layering brings none of the `known` observability services.
pub fn no_observability(model: &ComposeModel, known: &[String]) -> Verdict {
    super::none_of(
        "no observability service (Hemma uses the shared stack)",
        "observability services",
        observability_services(model, known),
    )
}

/// The host name of Hemma's shared database.
pub const SHARED_DATABASE: &str = "shared-postgres";

/// The Hemma layering runs no database image of its own (absent, or
/// disabled with `deploy.replicas: 0`); Ok: the services whose environment
/// points at the shared one.
pub fn no_own_database(model: &ComposeModel, database_images: &[String]) -> Verdict<Vec<String>> {
    let own: Vec<String> = model
        .running_services()
        .filter_map(|(name, s)| {
            let image = s.image.as_deref()?;
            let hit = database_images.iter().find(|d| image_name(image).starts_with(d.as_str()))?;
            Some(format!("service \"{name}\" runs {image} ({hit}); on Hemma it is disabled (deploy.replicas: 0) or absent"))
        })
        .collect();
    super::none_of(
        &format!(
            "no database of the project's own ({}): Hemma uses {SHARED_DATABASE}",
            database_images.join(", ")
        ),
        "databases of its own",
        own,
    )?;
    Ok(model
        .running_services()
        .filter(|(_, s)| {
            s.environment
                .values()
                .flatten()
                .any(|v| v.contains(SHARED_DATABASE))
        })
        .map(|(n, _)| n.clone())
        .collect())
}

/// `network` is declared external with that exact name.
pub fn network_external(model: &ComposeModel, network: &str) -> Verdict {
    let expected = format!("network \"{network}\" declared external");
    let found = model
        .networks
        .iter()
        .find(|(k, n)| *k == network || n.name.as_deref() == Some(network));
    match found {
        Some((_, n)) if n.external => Ok(()),
        Some((k, n)) => Err(Failure::new(
            expected,
            format!(
                "networks.{k} (name {}) is created by this project, not external",
                n.name.as_deref().unwrap_or(k)
            ),
        )),
        None => Err(Failure::new(
            expected,
            format!(
                "no such network; networks: {}",
                model
                    .networks
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// Each listed service is attached to `network`.
pub fn services_join(model: &ComposeModel, services: &[String], network: &str) -> Verdict {
    let mut missing = Vec::new();
    for s in services {
        let svc = model
            .service(s)
            .map_err(|e| Failure::new(format!("service {s}"), e.to_string()))?;
        if !svc.networks.contains_key(network) {
            missing.push(format!(
                "service \"{s}\" networks: [{}]",
                svc.networks.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    super::none_of(
        &format!("{} attached to {network}", services.join(", ")),
        "services not attached",
        missing,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(j: &str) -> ComposeModel {
        serde_json::from_str(j).unwrap()
    }

    #[test]
    fn a_database_of_its_own_fails_unless_disabled_and_the_shared_one_is_named() {
        let dbs: Vec<String> = ["postgres", "mariadb", "mysql"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let ok = m(
            r#"{"services":{"db":{"image":"postgres:16-alpine","deploy":{"replicas":0}},
            "api":{"image":"ghcr.io/o/api:1","environment":{"DATABASE_URL":"postgresql://api@shared-postgres:5432/app"}}}}"#,
        );
        assert_eq!(no_own_database(&ok, &dbs).unwrap(), vec!["api"]);
        let own = m(
            r#"{"services":{"db":{"image":"docker.io/library/postgres:16"},"cache":{"image":"mariadb:11"}}}"#,
        );
        let f = no_own_database(&own, &dbs).unwrap_err();
        assert_eq!(f.observed, "2 databases of its own");
        assert!(
            f.evidence[1]
                .starts_with("service \"db\" runs docker.io/library/postgres:16 (postgres)"),
            "{f}"
        );
    }

    #[test]
    fn finds_observability_by_name_or_image() {
        let known: Vec<String> = ["grafana", "otel-collector", "prometheus"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let model = m(
            r#"{"services":{"dash":{"image":"grafana/grafana:11.1.0"},"prometheus":{"image":"x"},
            "kafka":{"image":"apache/kafka:3.8.0"},"col":{"image":"ghcr.io/o/otel-collector-contrib@sha256:ab"}}}"#,
        );
        let f = observability_services(&model, &known);
        assert_eq!(f.len(), 3, "{f:?}");
        assert!(observability_services(
            &m(r#"{"services":{"kafka":{"image":"apache/kafka"}}}"#),
            &known
        )
        .is_empty());
    }

    #[test]
    fn external_network() {
        assert!(network_external(
            &m(r#"{"networks":{"n":{"name":"hule-network","external":true}}}"#),
            "hule-network"
        )
        .is_ok());
        assert!(network_external(
            &m(r#"{"networks":{"hule-network":{"name":"p_hule-network"}}}"#),
            "hule-network"
        )
        .is_err());
        assert!(network_external(&m(r#"{"networks":{}}"#), "hule-network").is_err());
    }
}
