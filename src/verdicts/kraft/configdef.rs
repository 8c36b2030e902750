//! Every broker setting Kafka 3.8.0 defines, with its ConfigDef type and
//! validator, and the check ConfigDef makes when the setting is given:
//! `ConfigDef.parseType` (clients/.../config/ConfigDef.java:690-779), then
//! the key's validator, each refusal in ConfigDef's words
//! (`ConfigException(name, value, message)`: "Invalid value V for
//! configuration K: M").
//!
//! The table is generated from `KafkaConfig.configDef`
//! (core/src/main/scala/kafka/server/KafkaConfig.scala:96-459) and
//! `RemoteLogManagerConfig.configDef()` at the 3.8.0 tag, names and bounds
//! resolved from the `*Configs` constants; each row's comment is its
//! `define` line.
//! CLASS settings are checked for being a name only (the class path is the
//! image's), PASSWORD settings not at all (ConfigDef takes any string).

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Boolean,
    String,
    Int,
    Short,
    Long,
    Double,
    List,
    Class,
    Password,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// Any value of the type.
    Any,
    /// `Range.atLeast`: the bound and how Java prints it.
    AtLeast(f64, &'static str),
    /// `Range.between`.
    Between(f64, &'static str, f64, &'static str),
    /// `ValidString.in` (case-sensitive).
    OneOf(&'static [&'static str]),
    /// `ValidList.in`: each element `ValidString.in`.
    ListOf(&'static [&'static str]),
    /// `CaseInsensitiveValidString.in`; listed in the order Java's HashSet
    /// of the upper-cased names prints them.
    OneOfCaseInsensitive(&'static [&'static str]),
    /// `ConfigDef.NonEmptyString`.
    NonEmptyString,
    /// `MetadataVersionValidator` (MetadataVersion.fromVersionString).
    MetadataVersion,
    /// `GzipCompression.LevelValidator`: 1..9 or -1.
    GzipLevel,
    /// `QuorumConfig.ControllerQuorumVotersValidator`.
    QuorumVoters,
    /// `QuorumConfig.ControllerQuorumBootstrapServersValidator`.
    QuorumBootstrapServers,
}

pub(crate) struct Key {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) check: Check,
}

/// The key Kafka 3.8.0 defines under `name`.
pub fn key(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

/// ConfigDef's refusals of the given settings, in key order. Settings Kafka
/// does not define are left alone (Kafka only logs them as unknown).
pub fn refusals(props: &BTreeMap<String, String>) -> Vec<String> {
    props
        .iter()
        .filter_map(|(name, value)| key(name).and_then(|k| refusal(k, value)))
        .collect()
}

/// ConfigDef's refusal of one value, if any: its type, then its validator.
pub fn refusal(k: &Key, value: &str) -> Option<String> {
    match parse(k, value) {
        Err(message) => Some(invalid(k, value, &message)),
        Ok(number) => validate(k, value.trim(), number),
    }
}

/// `ConfigDef.parseType`: the value as a number for the numeric kinds, or
/// the message it is refused with.
fn parse(k: &Key, value: &str) -> Result<Option<f64>, String> {
    let trimmed = value.trim();
    let number = match k.kind {
        Kind::Boolean
            if !trimmed.eq_ignore_ascii_case("true") && !trimmed.eq_ignore_ascii_case("false") =>
        {
            return Err("Expected value to be either true or false".into())
        }
        Kind::Class if !is_class_name(trimmed) => {
            return Err(format!("Class {value} could not be found."))
        }
        Kind::Int => trimmed.parse::<i32>().map(f64::from).ok(),
        Kind::Short => trimmed.parse::<i16>().map(f64::from).ok(),
        Kind::Long => trimmed.parse::<i64>().map(|n| n as f64).ok(),
        Kind::Double => java_double(trimmed),
        _ => return Ok(None),
    };
    number.map(Some).ok_or_else(|| {
        format!(
            "Not a number of type {}",
            format!("{:?}", k.kind).to_uppercase()
        )
    })
}

/// `ConfigException(name, value, message)`.
fn invalid(k: &Key, shown: &str, message: &str) -> String {
    format!(
        "Invalid value {shown} for configuration {}: {message}",
        k.name
    )
}

fn validate(k: &Key, trimmed: &str, number: Option<f64>) -> Option<String> {
    match k.check {
        Check::QuorumVoters => list(trimmed).into_iter().find_map(voter_refusal),
        Check::QuorumBootstrapServers => {
            list(trimmed).into_iter().find_map(bootstrap_server_refusal)
        }
        _ => validator_refusal(k, trimmed, number)
            .map(|(shown, message)| invalid(k, &shown, &message)),
    }
}

/// The value as Kafka shows it and its validator's message, when refused.
fn validator_refusal(k: &Key, trimmed: &str, number: Option<f64>) -> Option<(String, String)> {
    let shown_number = || shown_java(trimmed, k.kind);
    let one_of =
        |valid: &[&str], how: &str| format!("String must be one of{how}: {}", valid.join(", "));
    let n = number.unwrap_or(f64::NAN);
    match k.check {
        Check::AtLeast(min, shown) if n < min => {
            Some((shown_number(), format!("Value must be at least {shown}")))
        }
        Check::Between(min, smin, _, _) if n < min => {
            Some((shown_number(), format!("Value must be at least {smin}")))
        }
        Check::Between(_, _, max, smax) if n > max => {
            Some((shown_number(), format!("Value must be no more than {smax}")))
        }
        Check::OneOf(valid) if !valid.contains(&trimmed) => {
            Some((trimmed.into(), one_of(valid, "")))
        }
        Check::ListOf(valid) => list(trimmed)
            .into_iter()
            .find(|e| !valid.contains(e))
            .map(|e| (e.to_string(), one_of(valid, ""))),
        Check::OneOfCaseInsensitive(valid) if !valid.contains(&trimmed.to_uppercase().as_str()) => {
            Some((trimmed.into(), one_of(valid, " (case insensitive)")))
        }
        Check::NonEmptyString if trimmed.is_empty() => {
            Some((trimmed.into(), "String must be non-empty".into()))
        }
        Check::MetadataVersion if !metadata_version(trimmed) => Some((
            trimmed.into(),
            format!("Version {trimmed} is not a valid version"),
        )),
        Check::GzipLevel if n > 9.0 || (n < 1.0 && n != -1.0) => Some((
            shown_number(),
            "Value must be between 1 and 9 or equal to -1".into(),
        )),
        _ => None,
    }
}

/// `COMMA_WITH_WHITESPACE.split(trimmed, -1)`; an empty value is an empty list.
pub fn list(trimmed: &str) -> Vec<&str> {
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed.split(',').map(str::trim).collect()
}

/// A number as Java prints the parsed value (`Integer`/`Long`/`Double`).
fn shown_java(trimmed: &str, kind: Kind) -> String {
    match kind {
        Kind::Double => {
            let d = java_double(trimmed).unwrap_or_default();
            if d.fract() == 0.0 && d.abs() < 1e7 {
                format!("{d:.1}")
            } else {
                d.to_string()
            }
        }
        _ => trimmed.trim_start_matches('+').to_string(),
    }
}

/// `Double.parseDouble`: decimal or exponent form, an optional d/f suffix,
/// NaN and Infinity spelled as Java spells them.
fn java_double(s: &str) -> Option<f64> {
    let body = s.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(s);
    let unsigned = body.trim_start_matches(['+', '-']);
    if unsigned == "NaN" || unsigned == "Infinity" {
        return body.replace("Infinity", "inf").parse().ok();
    }
    if unsigned.is_empty()
        || !unsigned
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return None;
    }
    body.parse().ok()
}

/// A Java binary class name: dot-separated identifiers, `$` for nested.
fn is_class_name(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|p| {
            p.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                && p.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

/// MetadataVersion.fromVersionString (server-common/.../MetadataVersion.java:560):
/// the first two segments (three for 0.x) name a version Kafka 3.8.0 knows.
fn metadata_version(v: &str) -> bool {
    let segments: Vec<&str> = v.split('.').collect();
    let n = if v.starts_with("0.") { 3 } else { 2 };
    let key = if n >= segments.len() {
        v.to_string()
    } else {
        segments[..n].join(".")
    };
    METADATA_VERSIONS.contains(&key.as_str())
}

/// Whether the version MetadataVersion.fromVersionString reads from `v` is
/// one KRaft supports (3.0-IV1 and later); None when Kafka cannot read it.
pub(crate) fn kraft_supported_version(v: &str) -> Option<bool> {
    if !metadata_version(v) {
        return None;
    }
    if v.starts_with("0.") {
        return Some(false);
    }
    let mut segments = v.split(['.', '-']);
    let major: u32 = segments.next()?.parse().ok()?;
    let minor: u32 = segments.next()?.parse().ok()?;
    let iv0 = segments.next() == Some("IV0");
    Some((major, minor) > (3, 0) || ((major, minor) == (3, 0) && !iv0))
}

/// `host:port` as Utils.getHost/getPort read it (Utils.java:97, 535-557).
pub fn host_port(address: &str) -> Option<(&str, Option<u16>)> {
    let rest = match address.find("://") {
        Some(i)
            if address[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-%._".contains(c)) =>
        {
            &address[i + 3..]
        }
        _ => address,
    };
    let (host, port) = rest.rsplit_once(':')?;
    let host = host.strip_prefix('[').unwrap_or(host);
    let host = host.strip_suffix(']').unwrap_or(host);
    if !port.chars().all(|c| c.is_ascii_digit())
        || port.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-%._:".contains(c))
    {
        return None;
    }
    Some((host, port.parse().ok()))
}

/// QuorumConfig.parseVoterConnections (raft/.../QuorumConfig.java:169-206).
fn voter_refusal(entry: &str) -> Option<String> {
    const FORM: &str = "Each entry should be in the form `{id}@{host}:{port}`.";
    let parts: Vec<&str> = entry.split('@').collect();
    if parts.len() != 2 {
        return Some(format!(
            "Invalid configuration value for controller.quorum.voters. {FORM}"
        ));
    }
    if parts[0].parse::<i32>().is_err() {
        return Some(format!(
            "Failed to parse voter ID as an integer from {}",
            parts[0]
        ));
    }
    match host_port(parts[1]) {
        None => Some(format!("Failed to parse host name from entry {entry} for the configuration controller.quorum.voters. {FORM}")),
        Some((_, None)) => Some(format!("Failed to parse host port from entry {entry} for the configuration controller.quorum.voters. {FORM}")),
        Some(_) => None,
    }
}

/// QuorumConfig.parseBootstrapServer (QuorumConfig.java:215-238); Kafka's
/// `String.format` leaves its `{}` placeholders as they are.
fn bootstrap_server_refusal(entry: &str) -> Option<String> {
    match host_port(entry) {
        None => Some("Failed to parse host name from {} for the configuration {}. Each entry should be in the form \"{host}:{port}\"".into()),
        Some((_, None)) => Some("Failed to parse host port from {} for the configuration {}. Each entry should be in the form \"{host}:{port}\"".into()),
        Some(_) => None,
    }
}

/// MetadataVersion's IBP_VERSIONS at 3.8.0: every version string, and the
/// release of each production version (up to 3.8-IV0).
const METADATA_VERSIONS: &[&str] = &[
    "0.8.0",
    "0.8.1",
    "0.8.2",
    "0.9.0",
    "0.10.0-IV0",
    "0.10.0-IV1",
    "0.10.1-IV0",
    "0.10.1-IV1",
    "0.10.1-IV2",
    "0.10.2-IV0",
    "0.11.0-IV0",
    "0.11.0-IV1",
    "0.11.0-IV2",
    "1.0-IV0",
    "1.1-IV0",
    "2.0-IV0",
    "2.0-IV1",
    "2.1-IV0",
    "2.1-IV1",
    "2.1-IV2",
    "2.2-IV0",
    "2.2-IV1",
    "2.3-IV0",
    "2.3-IV1",
    "2.4-IV0",
    "2.4-IV1",
    "2.5-IV0",
    "2.6-IV0",
    "2.7-IV0",
    "2.7-IV1",
    "2.7-IV2",
    "2.8-IV0",
    "2.8-IV1",
    "3.0-IV0",
    "3.0-IV1",
    "3.1-IV0",
    "3.2-IV0",
    "3.3-IV0",
    "3.3-IV1",
    "3.3-IV2",
    "3.3-IV3",
    "3.4-IV0",
    "3.5-IV0",
    "3.5-IV1",
    "3.5-IV2",
    "3.6-IV0",
    "3.6-IV1",
    "3.6-IV2",
    "3.7-IV0",
    "3.7-IV1",
    "3.7-IV2",
    "3.7-IV3",
    "3.7-IV4",
    "3.8-IV0",
    "3.9-IV0",
    "0.10.0",
    "0.10.1",
    "0.10.2",
    "0.11.0",
    "1.0",
    "1.1",
    "2.0",
    "2.1",
    "2.2",
    "2.3",
    "2.4",
    "2.5",
    "2.6",
    "2.7",
    "2.8",
    "3.0",
    "3.1",
    "3.2",
    "3.3",
    "3.4",
    "3.5",
    "3.6",
    "3.7",
    "3.8",
];

/// Generated from Kafka 3.8.0 (see the module comment).
pub(crate) const KEYS: &[Key] = &[
    Key {
        name: "zookeeper.connect",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:104
    Key {
        name: "zookeeper.session.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:105
    Key {
        name: "zookeeper.connection.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:106
    Key {
        name: "zookeeper.set.acl",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:107
    Key {
        name: "zookeeper.max.in.flight.requests",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:108
    Key {
        name: "zookeeper.ssl.client.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:109
    Key {
        name: "zookeeper.clientCnxnSocket",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:110
    Key {
        name: "zookeeper.ssl.keystore.location",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:111
    Key {
        name: "zookeeper.ssl.keystore.password",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:112
    Key {
        name: "zookeeper.ssl.keystore.type",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:113
    Key {
        name: "zookeeper.ssl.truststore.location",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:114
    Key {
        name: "zookeeper.ssl.truststore.password",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:115
    Key {
        name: "zookeeper.ssl.truststore.type",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:116
    Key {
        name: "zookeeper.ssl.protocol",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:117
    Key {
        name: "zookeeper.ssl.enabled.protocols",
        kind: Kind::List,
        check: Check::Any,
    }, // KafkaConfig.scala:118
    Key {
        name: "zookeeper.ssl.cipher.suites",
        kind: Kind::List,
        check: Check::Any,
    }, // KafkaConfig.scala:119
    Key {
        name: "zookeeper.ssl.endpoint.identification.algorithm",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:120
    Key {
        name: "zookeeper.ssl.crl.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:121
    Key {
        name: "zookeeper.ssl.ocsp.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:122
    Key {
        name: "broker.id.generation.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:125
    Key {
        name: "reserved.broker.max.id",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:126
    Key {
        name: "broker.id",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:127
    Key {
        name: "message.max.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:128
    Key {
        name: "num.network.threads",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:129
    Key {
        name: "num.io.threads",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:130
    Key {
        name: "num.replica.alter.log.dirs.threads",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:131
    Key {
        name: "background.threads",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:132
    Key {
        name: "queued.max.requests",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:133
    Key {
        name: "queued.max.request.bytes",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:134
    Key {
        name: "request.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:135
    Key {
        name: "socket.connection.setup.timeout.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:136
    Key {
        name: "socket.connection.setup.timeout.max.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:137
    Key {
        name: "metadata.log.max.record.bytes.between.snapshots",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:142
    Key {
        name: "metadata.log.max.snapshot.interval.ms",
        kind: Kind::Long,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:143
    Key {
        name: "process.roles",
        kind: Kind::List,
        check: Check::ListOf(&["broker", "controller"]),
    }, // KafkaConfig.scala:144
    Key {
        name: "node.id",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:145
    Key {
        name: "initial.broker.registration.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:146
    Key {
        name: "broker.heartbeat.interval.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:147
    Key {
        name: "broker.session.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:148
    Key {
        name: "controller.listener.names",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:149
    Key {
        name: "sasl.mechanism.controller.protocol",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:150
    Key {
        name: "metadata.log.dir",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:151
    Key {
        name: "metadata.log.segment.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(12.0, "12"),
    }, // KafkaConfig.scala:152
    Key {
        name: "metadata.log.segment.min.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(12.0, "12"),
    }, // KafkaConfig.scala:153
    Key {
        name: "metadata.log.segment.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:154
    Key {
        name: "metadata.max.retention.bytes",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:155
    Key {
        name: "metadata.max.retention.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:156
    Key {
        name: "metadata.max.idle.interval.ms",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:157
    Key {
        name: "server.max.startup.time.ms",
        kind: Kind::Long,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:158
    Key {
        name: "zookeeper.metadata.migration.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:159
    Key {
        name: "eligible.leader.replicas.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:160
    Key {
        name: "zookeeper.metadata.migration.min.batch.size",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:161
    Key {
        name: "authorizer.class.name",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:165
    Key {
        name: "early.start.listeners",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:166
    Key {
        name: "listeners",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:169
    Key {
        name: "advertised.listeners",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:170
    Key {
        name: "listener.security.protocol.map",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:171
    Key {
        name: "control.plane.listener.name",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:172
    Key {
        name: "socket.send.buffer.bytes",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:173
    Key {
        name: "socket.receive.buffer.bytes",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:174
    Key {
        name: "socket.request.max.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:175
    Key {
        name: "socket.listen.backlog.size",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:176
    Key {
        name: "max.connections.per.ip",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:177
    Key {
        name: "max.connections.per.ip.overrides",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:178
    Key {
        name: "max.connections",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:179
    Key {
        name: "max.connection.creation.rate",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:180
    Key {
        name: "connections.max.idle.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:181
    Key {
        name: "connection.failed.authentication.delay.ms",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:182
    Key {
        name: "broker.rack",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:185
    Key {
        name: "num.partitions",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:188
    Key {
        name: "log.dir",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:189
    Key {
        name: "log.dirs",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:190
    Key {
        name: "log.segment.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(14.0, "14"),
    }, // KafkaConfig.scala:191
    Key {
        name: "log.roll.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:193
    Key {
        name: "log.roll.hours",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:194
    Key {
        name: "log.roll.jitter.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:196
    Key {
        name: "log.roll.jitter.hours",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:197
    Key {
        name: "log.retention.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:199
    Key {
        name: "log.retention.minutes",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:200
    Key {
        name: "log.retention.hours",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:201
    Key {
        name: "log.retention.bytes",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:203
    Key {
        name: "log.retention.check.interval.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:204
    Key {
        name: "log.cleanup.policy",
        kind: Kind::List,
        check: Check::ListOf(&["compact", "delete"]),
    }, // KafkaConfig.scala:205
    Key {
        name: "log.cleaner.threads",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:206
    Key {
        name: "log.cleaner.io.max.bytes.per.second",
        kind: Kind::Double,
        check: Check::Any,
    }, // KafkaConfig.scala:207
    Key {
        name: "log.cleaner.dedupe.buffer.size",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:208
    Key {
        name: "log.cleaner.io.buffer.size",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:209
    Key {
        name: "log.cleaner.io.buffer.load.factor",
        kind: Kind::Double,
        check: Check::Any,
    }, // KafkaConfig.scala:210
    Key {
        name: "log.cleaner.backoff.ms",
        kind: Kind::Long,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:211
    Key {
        name: "log.cleaner.min.cleanable.ratio",
        kind: Kind::Double,
        check: Check::Between(0.0, "0", 1.0, "1"),
    }, // KafkaConfig.scala:212
    Key {
        name: "log.cleaner.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:213
    Key {
        name: "log.cleaner.delete.retention.ms",
        kind: Kind::Long,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:214
    Key {
        name: "log.cleaner.min.compaction.lag.ms",
        kind: Kind::Long,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:215
    Key {
        name: "log.cleaner.max.compaction.lag.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:216
    Key {
        name: "log.index.size.max.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(4.0, "4"),
    }, // KafkaConfig.scala:217
    Key {
        name: "log.index.interval.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:218
    Key {
        name: "log.flush.interval.messages",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:219
    Key {
        name: "log.segment.delete.delay.ms",
        kind: Kind::Long,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:220
    Key {
        name: "log.flush.scheduler.interval.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:221
    Key {
        name: "log.flush.interval.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:222
    Key {
        name: "log.flush.offset.checkpoint.interval.ms",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:223
    Key {
        name: "log.flush.start.offset.checkpoint.interval.ms",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:224
    Key {
        name: "log.preallocate",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:225
    Key {
        name: "num.recovery.threads.per.data.dir",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:226
    Key {
        name: "auto.create.topics.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:227
    Key {
        name: "min.insync.replicas",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:228
    Key {
        name: "log.message.format.version",
        kind: Kind::String,
        check: Check::MetadataVersion,
    }, // KafkaConfig.scala:229
    Key {
        name: "log.message.timestamp.type",
        kind: Kind::String,
        check: Check::OneOf(&["CreateTime", "LogAppendTime"]),
    }, // KafkaConfig.scala:230
    Key {
        name: "log.message.timestamp.difference.max.ms",
        kind: Kind::Long,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:231
    Key {
        name: "log.message.timestamp.before.max.ms",
        kind: Kind::Long,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:232
    Key {
        name: "log.message.timestamp.after.max.ms",
        kind: Kind::Long,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:233
    Key {
        name: "create.topic.policy.class.name",
        kind: Kind::Class,
        check: Check::Any,
    }, // KafkaConfig.scala:234
    Key {
        name: "alter.config.policy.class.name",
        kind: Kind::Class,
        check: Check::Any,
    }, // KafkaConfig.scala:235
    Key {
        name: "log.message.downconversion.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:236
    Key {
        name: "log.initial.task.delay.ms",
        kind: Kind::Long,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:237
    Key {
        name: "log.dir.failure.timeout.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:238
    Key {
        name: "controller.socket.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:241
    Key {
        name: "default.replication.factor",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:242
    Key {
        name: "replica.lag.time.max.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:243
    Key {
        name: "replica.socket.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:244
    Key {
        name: "replica.socket.receive.buffer.bytes",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:245
    Key {
        name: "replica.fetch.max.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:246
    Key {
        name: "replica.fetch.wait.max.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:247
    Key {
        name: "replica.fetch.backoff.ms",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:248
    Key {
        name: "replica.fetch.min.bytes",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:249
    Key {
        name: "replica.fetch.response.max.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:250
    Key {
        name: "num.replica.fetchers",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:251
    Key {
        name: "replica.high.watermark.checkpoint.interval.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:252
    Key {
        name: "fetch.purgatory.purge.interval.requests",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:253
    Key {
        name: "producer.purgatory.purge.interval.requests",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:254
    Key {
        name: "delete.records.purgatory.purge.interval.requests",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:255
    Key {
        name: "auto.leader.rebalance.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:256
    Key {
        name: "leader.imbalance.per.broker.percentage",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:257
    Key {
        name: "leader.imbalance.check.interval.seconds",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:258
    Key {
        name: "unclean.leader.election.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:259
    Key {
        name: "security.inter.broker.protocol",
        kind: Kind::String,
        check: Check::OneOf(&["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]),
    }, // KafkaConfig.scala:260
    Key {
        name: "inter.broker.protocol.version",
        kind: Kind::String,
        check: Check::MetadataVersion,
    }, // KafkaConfig.scala:261
    Key {
        name: "inter.broker.listener.name",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:262
    Key {
        name: "replica.selector.class",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:263
    Key {
        name: "controlled.shutdown.max.retries",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:267
    Key {
        name: "controlled.shutdown.retry.backoff.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:268
    Key {
        name: "controlled.shutdown.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:269
    Key {
        name: "group.min.session.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:272
    Key {
        name: "group.max.session.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:273
    Key {
        name: "group.initial.rebalance.delay.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:274
    Key {
        name: "group.max.size",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:275
    Key {
        name: "group.coordinator.rebalance.protocols",
        kind: Kind::List,
        check: Check::ListOf(&["consumer", "classic", "unknown"]),
    }, // KafkaConfig.scala:278
    Key {
        name: "group.coordinator.threads",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:280
    Key {
        name: "group.coordinator.append.linger.ms",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:281
    Key {
        name: "group.coordinator.new.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:283
    Key {
        name: "group.consumer.session.timeout.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:286
    Key {
        name: "group.consumer.min.session.timeout.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:287
    Key {
        name: "group.consumer.max.session.timeout.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:288
    Key {
        name: "group.consumer.heartbeat.interval.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:289
    Key {
        name: "group.consumer.min.heartbeat.interval.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:290
    Key {
        name: "group.consumer.max.heartbeat.interval.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:291
    Key {
        name: "group.consumer.max.size",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:292
    Key {
        name: "group.consumer.assignors",
        kind: Kind::List,
        check: Check::Any,
    }, // KafkaConfig.scala:293
    Key {
        name: "group.consumer.migration.policy",
        kind: Kind::String,
        check: Check::OneOfCaseInsensitive(&["DISABLED", "DOWNGRADE", "UPGRADE", "BIDIRECTIONAL"]),
    }, // KafkaConfig.scala:294
    Key {
        name: "offset.metadata.max.bytes",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:297
    Key {
        name: "offsets.load.buffer.size",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:298
    Key {
        name: "offsets.topic.replication.factor",
        kind: Kind::Short,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:299
    Key {
        name: "offsets.topic.num.partitions",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:300
    Key {
        name: "offsets.topic.segment.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:301
    Key {
        name: "offsets.topic.compression.codec",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:302
    Key {
        name: "offsets.retention.minutes",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:303
    Key {
        name: "offsets.retention.check.interval.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:304
    Key {
        name: "offsets.commit.timeout.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:305
    Key {
        name: "offsets.commit.required.acks",
        kind: Kind::Short,
        check: Check::Any,
    }, // KafkaConfig.scala:306
    Key {
        name: "delete.topic.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:307
    Key {
        name: "compression.type",
        kind: Kind::String,
        check: Check::OneOf(&["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]),
    }, // KafkaConfig.scala:308
    Key {
        name: "compression.gzip.level",
        kind: Kind::Int,
        check: Check::GzipLevel,
    }, // KafkaConfig.scala:309
    Key {
        name: "compression.lz4.level",
        kind: Kind::Int,
        check: Check::Between(1.0, "1", 17.0, "17"),
    }, // KafkaConfig.scala:310
    Key {
        name: "compression.zstd.level",
        kind: Kind::Int,
        check: Check::Between(-131072.0, "-131072", 22.0, "22"),
    }, // KafkaConfig.scala:311
    Key {
        name: "transactional.id.expiration.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:314
    Key {
        name: "transaction.max.timeout.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:315
    Key {
        name: "transaction.state.log.min.isr",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:316
    Key {
        name: "transaction.state.log.load.buffer.size",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:317
    Key {
        name: "transaction.state.log.replication.factor",
        kind: Kind::Short,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:318
    Key {
        name: "transaction.state.log.num.partitions",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:319
    Key {
        name: "transaction.state.log.segment.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:320
    Key {
        name: "transaction.abort.timed.out.transaction.cleanup.interval.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:321
    Key {
        name: "transaction.remove.expired.transaction.cleanup.interval.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:322
    Key {
        name: "transaction.partition.verification.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:324
    Key {
        name: "producer.id.expiration.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:326
    Key {
        name: "producer.id.expiration.check.interval.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:328
    Key {
        name: "max.incremental.fetch.session.cache.slots",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // KafkaConfig.scala:331
    Key {
        name: "fetch.max.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(1024.0, "1024"),
    }, // KafkaConfig.scala:332
    Key {
        name: "max.request.partition.size.limit",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:335
    Key {
        name: "metrics.num.samples",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:338
    Key {
        name: "metrics.sample.window.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:339
    Key {
        name: "metric.reporters",
        kind: Kind::List,
        check: Check::Any,
    }, // KafkaConfig.scala:340
    Key {
        name: "metrics.recording.level",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:341
    Key {
        name: "auto.include.jmx.reporter",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:342
    Key {
        name: "kafka.metrics.reporters",
        kind: Kind::List,
        check: Check::Any,
    }, // KafkaConfig.scala:345
    Key {
        name: "kafka.metrics.polling.interval.secs",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:346
    Key {
        name: "telemetry.max.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:349
    Key {
        name: "quota.window.num",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:352
    Key {
        name: "replication.quota.window.num",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:353
    Key {
        name: "alter.log.dirs.replication.quota.window.num",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:354
    Key {
        name: "controller.quota.window.num",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:355
    Key {
        name: "quota.window.size.seconds",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:356
    Key {
        name: "replication.quota.window.size.seconds",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:357
    Key {
        name: "alter.log.dirs.replication.quota.window.size.seconds",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:358
    Key {
        name: "controller.quota.window.size.seconds",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:359
    Key {
        name: "client.quota.callback.class",
        kind: Kind::Class,
        check: Check::Any,
    }, // KafkaConfig.scala:360
    Key {
        name: "connections.max.reauth.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:363
    Key {
        name: "sasl.server.max.receive.size",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:364
    Key {
        name: "security.providers",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:365
    Key {
        name: "principal.builder.class",
        kind: Kind::Class,
        check: Check::Any,
    }, // KafkaConfig.scala:368
    Key {
        name: "ssl.protocol",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:369
    Key {
        name: "ssl.provider",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:370
    Key {
        name: "ssl.enabled.protocols",
        kind: Kind::List,
        check: Check::Any,
    }, // KafkaConfig.scala:371
    Key {
        name: "ssl.keystore.type",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:372
    Key {
        name: "ssl.keystore.location",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:373
    Key {
        name: "ssl.keystore.password",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:374
    Key {
        name: "ssl.key.password",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:375
    Key {
        name: "ssl.keystore.key",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:376
    Key {
        name: "ssl.keystore.certificate.chain",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:377
    Key {
        name: "ssl.truststore.type",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:378
    Key {
        name: "ssl.truststore.location",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:379
    Key {
        name: "ssl.truststore.password",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:380
    Key {
        name: "ssl.truststore.certificates",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:381
    Key {
        name: "ssl.keymanager.algorithm",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:382
    Key {
        name: "ssl.trustmanager.algorithm",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:383
    Key {
        name: "ssl.endpoint.identification.algorithm",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:384
    Key {
        name: "ssl.secure.random.implementation",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:385
    Key {
        name: "ssl.client.auth",
        kind: Kind::String,
        check: Check::OneOf(&["required", "requested", "none"]),
    }, // KafkaConfig.scala:386
    Key {
        name: "ssl.cipher.suites",
        kind: Kind::List,
        check: Check::Any,
    }, // KafkaConfig.scala:387
    Key {
        name: "ssl.principal.mapping.rules",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:388
    Key {
        name: "ssl.engine.factory.class",
        kind: Kind::Class,
        check: Check::Any,
    }, // KafkaConfig.scala:389
    Key {
        name: "ssl.allow.dn.changes",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:390
    Key {
        name: "ssl.allow.san.changes",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:391
    Key {
        name: "sasl.mechanism.inter.broker.protocol",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:394
    Key {
        name: "sasl.jaas.config",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:395
    Key {
        name: "sasl.enabled.mechanisms",
        kind: Kind::List,
        check: Check::Any,
    }, // KafkaConfig.scala:396
    Key {
        name: "sasl.server.callback.handler.class",
        kind: Kind::Class,
        check: Check::Any,
    }, // KafkaConfig.scala:397
    Key {
        name: "sasl.client.callback.handler.class",
        kind: Kind::Class,
        check: Check::Any,
    }, // KafkaConfig.scala:398
    Key {
        name: "sasl.login.class",
        kind: Kind::Class,
        check: Check::Any,
    }, // KafkaConfig.scala:399
    Key {
        name: "sasl.login.callback.handler.class",
        kind: Kind::Class,
        check: Check::Any,
    }, // KafkaConfig.scala:400
    Key {
        name: "sasl.kerberos.service.name",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:401
    Key {
        name: "sasl.kerberos.kinit.cmd",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:402
    Key {
        name: "sasl.kerberos.ticket.renew.window.factor",
        kind: Kind::Double,
        check: Check::Any,
    }, // KafkaConfig.scala:403
    Key {
        name: "sasl.kerberos.ticket.renew.jitter",
        kind: Kind::Double,
        check: Check::Any,
    }, // KafkaConfig.scala:404
    Key {
        name: "sasl.kerberos.min.time.before.relogin",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:405
    Key {
        name: "sasl.kerberos.principal.to.local.rules",
        kind: Kind::List,
        check: Check::Any,
    }, // KafkaConfig.scala:406
    Key {
        name: "sasl.login.refresh.window.factor",
        kind: Kind::Double,
        check: Check::Any,
    }, // KafkaConfig.scala:407
    Key {
        name: "sasl.login.refresh.window.jitter",
        kind: Kind::Double,
        check: Check::Any,
    }, // KafkaConfig.scala:408
    Key {
        name: "sasl.login.refresh.min.period.seconds",
        kind: Kind::Short,
        check: Check::Any,
    }, // KafkaConfig.scala:409
    Key {
        name: "sasl.login.refresh.buffer.seconds",
        kind: Kind::Short,
        check: Check::Any,
    }, // KafkaConfig.scala:410
    Key {
        name: "sasl.login.connect.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:411
    Key {
        name: "sasl.login.read.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:412
    Key {
        name: "sasl.login.retry.backoff.max.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:413
    Key {
        name: "sasl.login.retry.backoff.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:414
    Key {
        name: "sasl.oauthbearer.scope.claim.name",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:415
    Key {
        name: "sasl.oauthbearer.sub.claim.name",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:416
    Key {
        name: "sasl.oauthbearer.token.endpoint.url",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:417
    Key {
        name: "sasl.oauthbearer.jwks.endpoint.url",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:418
    Key {
        name: "sasl.oauthbearer.jwks.endpoint.refresh.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:419
    Key {
        name: "sasl.oauthbearer.jwks.endpoint.retry.backoff.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:420
    Key {
        name: "sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms",
        kind: Kind::Long,
        check: Check::Any,
    }, // KafkaConfig.scala:421
    Key {
        name: "sasl.oauthbearer.clock.skew.seconds",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:422
    Key {
        name: "sasl.oauthbearer.expected.audience",
        kind: Kind::List,
        check: Check::Any,
    }, // KafkaConfig.scala:423
    Key {
        name: "sasl.oauthbearer.expected.issuer",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:424
    Key {
        name: "delegation.token.master.key",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:427
    Key {
        name: "delegation.token.secret.key",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:428
    Key {
        name: "delegation.token.max.lifetime.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:429
    Key {
        name: "delegation.token.expiry.time.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:430
    Key {
        name: "delegation.token.expiry.check.interval.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // KafkaConfig.scala:431
    Key {
        name: "password.encoder.secret",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:434
    Key {
        name: "password.encoder.old.secret",
        kind: Kind::Password,
        check: Check::Any,
    }, // KafkaConfig.scala:435
    Key {
        name: "password.encoder.keyfactory.algorithm",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:436
    Key {
        name: "password.encoder.cipher.algorithm",
        kind: Kind::String,
        check: Check::Any,
    }, // KafkaConfig.scala:437
    Key {
        name: "password.encoder.key.length",
        kind: Kind::Int,
        check: Check::AtLeast(8.0, "8"),
    }, // KafkaConfig.scala:438
    Key {
        name: "password.encoder.iterations",
        kind: Kind::Int,
        check: Check::AtLeast(1024.0, "1024"),
    }, // KafkaConfig.scala:439
    Key {
        name: "controller.quorum.voters",
        kind: Kind::List,
        check: Check::QuorumVoters,
    }, // KafkaConfig.scala:442
    Key {
        name: "controller.quorum.bootstrap.servers",
        kind: Kind::List,
        check: Check::QuorumBootstrapServers,
    }, // KafkaConfig.scala:443
    Key {
        name: "controller.quorum.election.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:444
    Key {
        name: "controller.quorum.fetch.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:445
    Key {
        name: "controller.quorum.election.backoff.max.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:446
    Key {
        name: "controller.quorum.append.linger.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:447
    Key {
        name: "controller.quorum.request.timeout.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:448
    Key {
        name: "controller.quorum.retry.backoff.ms",
        kind: Kind::Int,
        check: Check::Any,
    }, // KafkaConfig.scala:449
    Key {
        name: "unstable.api.versions.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:453
    Key {
        name: "unstable.feature.versions.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // KafkaConfig.scala:455
    Key {
        name: "remote.log.storage.system.enable",
        kind: Kind::Boolean,
        check: Check::Any,
    }, // RemoteLogManagerConfig.java:191
    Key {
        name: "remote.log.storage.manager.impl.prefix",
        kind: Kind::String,
        check: Check::NonEmptyString,
    }, // RemoteLogManagerConfig.java:197
    Key {
        name: "remote.log.metadata.manager.impl.prefix",
        kind: Kind::String,
        check: Check::NonEmptyString,
    }, // RemoteLogManagerConfig.java:203
    Key {
        name: "remote.log.storage.manager.class.name",
        kind: Kind::String,
        check: Check::NonEmptyString,
    }, // RemoteLogManagerConfig.java:209
    Key {
        name: "remote.log.storage.manager.class.path",
        kind: Kind::String,
        check: Check::Any,
    }, // RemoteLogManagerConfig.java:214
    Key {
        name: "remote.log.metadata.manager.class.name",
        kind: Kind::String,
        check: Check::NonEmptyString,
    }, // RemoteLogManagerConfig.java:219
    Key {
        name: "remote.log.metadata.manager.class.path",
        kind: Kind::String,
        check: Check::Any,
    }, // RemoteLogManagerConfig.java:225
    Key {
        name: "remote.log.metadata.manager.listener.name",
        kind: Kind::String,
        check: Check::NonEmptyString,
    }, // RemoteLogManagerConfig.java:231
    Key {
        name: "remote.log.metadata.custom.metadata.max.bytes",
        kind: Kind::Int,
        check: Check::AtLeast(0.0, "0"),
    }, // RemoteLogManagerConfig.java:236
    Key {
        name: "remote.log.index.file.cache.total.size.bytes",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:242
    Key {
        name: "remote.log.manager.thread.pool.size",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:248
    Key {
        name: "remote.log.manager.copier.thread.pool.size",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:254
    Key {
        name: "remote.log.manager.expiration.thread.pool.size",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:260
    Key {
        name: "remote.log.manager.task.interval.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:266
    Key {
        name: "remote.log.manager.task.retry.backoff.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:272
    Key {
        name: "remote.log.manager.task.retry.backoff.max.ms",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:278
    Key {
        name: "remote.log.manager.task.retry.jitter",
        kind: Kind::Double,
        check: Check::Between(0.0, "0", 0.5, "0.5"),
    }, // RemoteLogManagerConfig.java:283
    Key {
        name: "remote.log.reader.threads",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:289
    Key {
        name: "remote.log.reader.max.pending.tasks",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:295
    Key {
        name: "log.local.retention.ms",
        kind: Kind::Long,
        check: Check::AtLeast(-2.0, "-2"),
    }, // RemoteLogManagerConfig.java:301
    Key {
        name: "log.local.retention.bytes",
        kind: Kind::Long,
        check: Check::AtLeast(-2.0, "-2"),
    }, // RemoteLogManagerConfig.java:307
    Key {
        name: "remote.log.manager.copy.max.bytes.per.second",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:313
    Key {
        name: "remote.log.manager.copy.quota.window.num",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:319
    Key {
        name: "remote.log.manager.copy.quota.window.size.seconds",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:325
    Key {
        name: "remote.log.manager.fetch.max.bytes.per.second",
        kind: Kind::Long,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:331
    Key {
        name: "remote.log.manager.fetch.quota.window.num",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:337
    Key {
        name: "remote.log.manager.fetch.quota.window.size.seconds",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:343
    Key {
        name: "remote.fetch.max.wait.ms",
        kind: Kind::Int,
        check: Check::AtLeast(1.0, "1"),
    }, // RemoteLogManagerConfig.java:349
];
