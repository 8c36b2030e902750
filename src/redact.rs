//! Secrets never appear in any output: values of environment keys that look
//! like secrets are replaced wherever text leaves the harness (step
//! messages, hence the console, cucumber.json and junit.xml; the reports).

use std::sync::OnceLock;

use crate::model::compose::ComposeModel;

const REDACTED: &str = "<redacted>";
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
    "AUTH",
];
/// Values shorter than this are too likely to be ordinary text ("1", "true").
const MIN_LEN: usize = 4;

static SECRETS: OnceLock<Vec<String>> = OnceLock::new();

/// Does an environment key name a secret? (`KAFKA_SASL_JAAS_PASSWORD`, `API_KEY`...)
fn is_secret_key(key: &str) -> bool {
    let k = key.to_uppercase();
    SECRET_WORDS.iter().any(|w| {
        k.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|part| part == *w)
            || k.ends_with(w)
    })
}

/// Secret values of every service's environment in a model, and the
/// password a Redis command line sets (`--requirepass VALUE`).
pub(crate) fn secret_values(model: &ComposeModel) -> Vec<String> {
    let env = model
        .services
        .values()
        .flat_map(|s| s.environment.iter())
        .filter(|(k, _)| is_secret_key(k))
        .filter_map(|(_, v)| v.clone());
    let requirepass = model
        .services
        .values()
        .filter_map(|s| s.command.as_ref())
        .flat_map(|c| {
            c.windows(2)
                .filter(|w| w[0].trim_start_matches('-') == "requirepass")
                .map(|w| w[1].clone())
                .collect::<Vec<_>>()
        });
    env.chain(requirepass)
        .filter(|v| v.len() >= MIN_LEN)
        .collect()
}

pub fn install(mut secrets: Vec<String>) {
    // Longest first, so a secret containing another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    let _ = SECRETS.set(secrets);
}

/// `text` with every known secret value replaced.
pub(crate) fn redact(text: &str) -> String {
    redact_with(text, SECRETS.get().map(Vec::as_slice).unwrap_or(&[]))
}

fn redact_with(text: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .fold(text.to_string(), |t, s| t.replace(s.as_str(), REDACTED))
}

/// `KEY=value` as shown in output: the value redacted when the key is secret.
pub(crate) fn show_env(key: &str, value: &str) -> String {
    if is_secret_key(key) && !value.is_empty() {
        format!("{key}={REDACTED}")
    } else {
        format!("{key}={value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys() {
        for k in [
            "KAFKA_SASL_JAAS_PASSWORD",
            "API_KEY",
            "REDIS_AUTH",
            "GITHUB_TOKEN",
            "ZOOKEEPER_SECRET",
            "SSL_KEYSTORE_KEY",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "KAFKA_NODE_ID",
            "KAFKA_LISTENERS",
            "CLUSTER_ID",
            "KEYBOARD_LAYOUT",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn redacts_values_and_env_lines() {
        let s = vec!["hunter2-s3cret".to_string()];
        assert_eq!(
            redact_with("pass=hunter2-s3cret; again hunter2-s3cret", &s),
            "pass=<redacted>; again <redacted>"
        );
        assert_eq!(show_env("DB_PASSWORD", "x"), "DB_PASSWORD=<redacted>");
        assert_eq!(show_env("KAFKA_NODE_ID", "1"), "KAFKA_NODE_ID=1");
    }

    #[test]
    fn collects_secret_values_from_a_model() {
        let m: ComposeModel = serde_json::from_str(
            r#"{"services":{"k":{"environment":{"KAFKA_SASL_PASSWORD":"topsecret","KAFKA_NODE_ID":"1","API_TOKEN":"ab"}}}}"#,
        )
        .unwrap();
        assert_eq!(secret_values(&m), vec!["topsecret"]);
    }
}
