//! The stack's images: the upstream apache/kafka at a pinned version, from
//! no namespace known to be gone, and resolvable in their registries for
//! every platform the deployment needs (ADR-0028: supported, upstream,
//! multi-arch; Hemma could not pull bitnami/zookeeper).

use super::{none_of, Failure, Verdict};

/// An image reference, split as a registry client reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageRef {
    /// `docker.io` when none is named.
    pub registry: String,
    /// `apache/kafka`, `library/redis`.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

pub(crate) fn parse(image: &str) -> ImageRef {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d.to_string())),
        None => (image, None),
    };
    // A tag is after the last ':' that follows the last '/'.
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(rest[slash + i + 1..].to_string())),
        None => (rest, None),
    };
    let first = name.split('/').next().unwrap_or("");
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let (registry, path) = if has_registry {
        name.split_once('/')
            .map(|(r, p)| (r.to_string(), p.to_string()))
            .unwrap_or_default()
    } else {
        ("docker.io".to_string(), name.to_string())
    };
    let repository = if registry == "docker.io" && !path.contains('/') {
        format!("library/{path}")
    } else {
        path
    };
    ImageRef {
        registry,
        repository,
        tag,
        digest,
    }
}

/// A tag names one release: `3.8.0`, `7.2.5-alpine`; `latest`, `3.8`, `3`
/// move with each release.
fn is_pinned(r: &ImageRef) -> bool {
    if r.digest.is_some() {
        return true;
    }
    let Some(tag) = &r.tag else { return false };
    let version = tag.split('-').next().unwrap_or("");
    let parts: Vec<&str> = version.split('.').collect();
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Kafka is the upstream image at a pinned version.
pub fn upstream_kafka(where_: &str, image: Option<&str>) -> Verdict {
    let expected = format!("{where_}: Kafka from the upstream apache/kafka image at a pinned version (X.Y.Z or a digest)");
    let Some(image) = image else {
        return Err(Failure::new(expected, "no image (built locally?)"));
    };
    let r = parse(image);
    if r.registry != "docker.io" || r.repository != "apache/kafka" {
        return Err(Failure::new(
            expected,
            format!("image {image} is not apache/kafka"),
        ));
    }
    if !is_pinned(&r) {
        let tag = r.tag.as_deref().unwrap_or("none (latest)");
        return Err(Failure::new(
            expected,
            format!("image {image}: tag {tag} is not a pinned version"),
        ));
    }
    Ok(())
}

/// No image comes from a namespace known to be gone or moved.
pub fn not_gone(images: &[(String, String)], gone: &[String]) -> Verdict {
    let found = images
        .iter()
        .filter_map(|(where_, image)| {
            let ns = gone.iter().find(|g| image.starts_with(g.as_str()))?;
            Some(format!("{where_}: image {image} is from {ns}, known to be gone or moved (Hemma's pull of bitnami/zookeeper answered \"manifest unknown\")"))
        })
        .collect();
    none_of(
        &format!(
            "no image from a namespace known to be gone or moved ({})",
            gone.join(", ")
        ),
        "images",
        found,
    )
}

/// How a registry lookup went wrong: the registry answered (the image or
/// tag is not there), or it could not be reached at all (offline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup {
    Answered(String),
    Unreachable(String),
}

/// Network-level failures mean the registry was not reached; anything else
/// is the registry's own answer.
pub(crate) fn classify(error: &str) -> Lookup {
    let e = error.to_lowercase();
    let unreachable = [
        "no such host",
        "dial tcp",
        "connection refused",
        "i/o timeout",
        "timeout",
        "network is unreachable",
        "tls handshake",
        "server misbehaving",
        "temporary failure in name resolution",
    ];
    if unreachable.iter().any(|u| e.contains(u)) {
        Lookup::Unreachable(error.to_string())
    } else {
        Lookup::Answered(error.to_string())
    }
}

/// Every image offers every required platform (`os/arch`); `found` holds,
/// per image, the platforms its manifest (list) offers or the registry's answer.
pub fn platforms(found: &[(String, Result<Vec<String>, String>)], required: &[String]) -> Verdict {
    let mut problems = Vec::new();
    for (image, offered) in found {
        match offered {
            Err(answer) => problems.push(format!("{image}: the registry answered: {answer}")),
            Ok(offered) => {
                let missing: Vec<&String> =
                    required.iter().filter(|p| !offered.contains(p)).collect();
                if !missing.is_empty() {
                    problems.push(format!(
                        "{image}: no {} (offers {})",
                        missing
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                        if offered.is_empty() {
                            "nothing".to_string()
                        } else {
                            offered.join(", ")
                        }
                    ));
                }
            }
        }
    }
    none_of(
        &format!(
            "every image resolves in its registry for {}",
            required.join(", ")
        ),
        "images wrong",
        problems,
    )
}

/// This host's platform, as a registry names it.
fn host_platform(arch: &str) -> String {
    let arch = match arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("linux/{arch}")
}

/// The platforms every image must offer: this host's, then the target's own.
pub fn required_platforms(arch: &str, target: &[String]) -> Vec<String> {
    let mut required = vec![host_platform(arch)];
    for p in target {
        if !required.contains(p) {
            required.push(p.clone());
        }
    }
    required
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_platforms_start_with_this_hosts() {
        let t = vec!["linux/arm64".to_string(), "linux/amd64".to_string()];
        assert_eq!(
            required_platforms("x86_64", &t),
            vec!["linux/amd64", "linux/arm64"]
        );
        assert_eq!(required_platforms("aarch64", &[]), vec!["linux/arm64"]);
    }

    #[test]
    fn parses_references_as_registries_do() {
        assert_eq!(
            parse("apache/kafka:3.8.0"),
            ImageRef {
                registry: "docker.io".into(),
                repository: "apache/kafka".into(),
                tag: Some("3.8.0".into()),
                digest: None
            }
        );
        assert_eq!(parse("redis").repository, "library/redis");
        let r = parse("127.0.0.1:5000/multi/kafka:1.2.3@sha256:ab");
        assert_eq!(
            (
                r.registry.as_str(),
                r.repository.as_str(),
                r.tag.as_deref(),
                r.digest.as_deref()
            ),
            (
                "127.0.0.1:5000",
                "multi/kafka",
                Some("1.2.3"),
                Some("sha256:ab")
            )
        );
        assert_eq!(parse("localhost/x").registry, "localhost");
    }

    #[test]
    fn kafka_must_be_upstream_and_pinned() {
        assert!(upstream_kafka("infrastructure", Some("apache/kafka:3.8.0")).is_ok());
        assert!(upstream_kafka("infrastructure", Some("docker.io/apache/kafka:3.8.0")).is_ok());
        assert!(upstream_kafka("x", Some("apache/kafka@sha256:0123")).is_ok());
        for (image, why) in [
            ("apache/kafka:latest", "is not a pinned version"),
            ("apache/kafka", "none (latest)"),
            ("apache/kafka:3.8", "is not a pinned version"),
            ("bitnami/kafka:3.7.0", "is not apache/kafka"),
            ("127.0.0.1:5000/apache/kafka:3.8.0", "is not apache/kafka"),
        ] {
            let f = upstream_kafka("infrastructure", Some(image)).unwrap_err();
            assert!(f.observed.contains(why), "{image}: {f}");
        }
    }

    #[test]
    fn gone_namespaces_fail_with_the_reason() {
        let gone = vec!["bitnami/".to_string()];
        assert!(not_gone(&[("kafka".into(), "apache/kafka:3.8.0".into())], &gone).is_ok());
        let f = not_gone(
            &[("zookeeper".into(), "bitnami/zookeeper:3.9".into())],
            &gone,
        )
        .unwrap_err();
        assert!(
            f.evidence[0].contains("bitnami/zookeeper:3.9 is from bitnami/"),
            "{f}"
        );
    }

    #[test]
    fn unreachable_is_told_from_an_answer() {
        assert!(matches!(classify("Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host"), Lookup::Unreachable(_)));
        assert!(matches!(
            classify("manifest unknown: manifest unknown"),
            Lookup::Answered(_)
        ));
        assert!(matches!(
            classify("pull access denied for x, repository does not exist"),
            Lookup::Answered(_)
        ));
    }

    #[test]
    fn platforms_name_what_is_missing() {
        let req = vec!["linux/amd64".to_string(), "linux/arm64".to_string()];
        assert!(platforms(&[("multi:1".into(), Ok(req.clone()))], &req).is_ok());
        let f = platforms(
            &[
                ("single:1".into(), Ok(vec!["linux/amd64".into()])),
                ("gone:1".into(), Err("manifest unknown".into())),
            ],
            &req,
        )
        .unwrap_err();
        assert_eq!(
            f.evidence,
            vec![
                "single:1: no linux/arm64 (offers linux/amd64)",
                "gone:1: the registry answered: manifest unknown"
            ]
        );
        assert_eq!(host_platform("x86_64"), "linux/amd64");
        assert_eq!(host_platform("aarch64"), "linux/arm64");
    }
}
