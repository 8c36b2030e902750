//! The report's evidence, typed from the probe to the page: each row is one
//! observation as its step recorded it, with what the step judged of it.
//! The report, the drift baseline and the metrics read these rows; a table's
//! title, header and cells are how a row is shown, never how it is found.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::neighbour::{Answer, Path};
use super::Reach;

/// A host binding of a published port as one source told it, with its
/// verdict in words: the report's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JudgedBinding {
    pub service: String,
    /// Where it was read: "compose config", "engine", "/proc/net/tcp"...
    pub seen_in: String,
    /// The host address; `None`: every interface (0.0.0.0 and ::).
    pub ip: Option<String>,
    pub port: String,
    /// Its verdict in words ("127.0.0.1 only: ok", "IPv4 wildcard: ...").
    pub verdict: String,
}

/// One thing the neighbour on the LAN tried, or the probe's own proof that
/// its test host can reach this host at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Neighbour {
    Proof(String),
    Attempt {
        service: String,
        path: Path,
        target: SocketAddr,
        answer: Answer,
    },
}

/// A topic of the manifest and what the broker has of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestTopic {
    pub name: String,
    pub partitions: i32,
    /// The broker's partition count; `None`: the topic is missing.
    pub found: Option<i32>,
}

/// What a Kafka client was told at its bootstrap, and its data path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advertised {
    pub client: String,
    pub bootstrap: String,
    pub brokers: Vec<String>,
    /// The round trip: `Ok(what it proved)`, `Err(why not)`, `None`: not tried.
    pub data_path: Option<Result<String, String>>,
}

impl Neighbour {
    fn cells(&self) -> Vec<String> {
        match self {
            Neighbour::Proof(p) => vec![
                "(proof)".into(),
                "the probe's own listener on this host's veth address".into(),
                String::new(),
                p.clone(),
            ],
            Neighbour::Attempt {
                service,
                path,
                target,
                answer,
            } => vec![
                service.clone(),
                path.describe(),
                target.to_string(),
                answer.describe(),
            ],
        }
    }
}

/// One row of evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "row", rename_all = "snake_case")]
pub enum Row {
    Binding(JudgedBinding),
    Neighbour(Neighbour),
    ManifestTopic(ManifestTopic),
    /// A topic the bootstrap created where there is no manifest.
    CreatedTopic {
        name: String,
        partitions: i32,
    },
    Advertised(Advertised),
    Image {
        image: String,
        /// The platforms its registry offers, or why they are unknown.
        platforms: Result<Vec<String>, String>,
    },
    Validator(super::validators::CommandRun),
    ZookeeperMention {
        mention: String,
        allowed: bool,
    },
    Advisory {
        advisory: String,
        source: String,
        profile: String,
    },
    OutsideView {
        address: SocketAddr,
        result: Reach,
    },
    NonLoopbackListener {
        address: SocketAddr,
        owner: String,
    },
}

/// A row and what its step judged of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    #[serde(flatten)]
    pub row: Row,
    pub failing: bool,
}

/// A service's time from container start to healthy (engine events) and the
/// budget it was judged against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HealthyTime {
    pub seconds: f64,
    pub budget: f64,
}

/// A result as a cell: what it found, or `FAILED: why`.
fn or_failed(r: Result<String, String>) -> String {
    r.unwrap_or_else(|e| format!("FAILED: {e}"))
}

fn validator_cells(r: &super::validators::CommandRun) -> Vec<String> {
    vec![
        r.command.clone(),
        r.exit_code
            .map_or("killed".to_string(), |c| format!("exit {c}")),
        format!("{:.2}", r.seconds),
        r.changed.join(", "),
        r.tail.join("\n"),
    ]
}

impl Row {
    /// The table the row is shown in; rows of one kind share one.
    pub fn table(&self) -> &'static str {
        match self {
            Row::Binding(_) => "Host bindings",
            Row::Neighbour(_) => "Neighbour on the LAN (test host)",
            Row::ManifestTopic(_) => "Topics: manifest vs broker",
            Row::CreatedTopic { .. } => "Topics the bootstrap created (no manifest)",
            Row::Advertised(_) => "Advertised listeners seen by clients",
            Row::Image { .. } => "Images in their registries",
            Row::Validator(_) => "Repo validators",
            Row::ZookeeperMention { .. } => "ZooKeeper mentions in docs and scripts",
            Row::Advisory { .. } => "Engine advisories",
            Row::OutsideView { .. } => "Outside view (this host's own addresses)",
            Row::NonLoopbackListener { .. } => "Listeners on non-loopback addresses",
        }
    }

    pub(crate) fn header(&self) -> &'static [&'static str] {
        match self {
            Row::Binding(_) => &["service", "seen in", "binding", "verdict"],
            Row::Neighbour(_) => &["service", "path", "address", "answer"],
            Row::ManifestTopic(_) => &["topic", "manifest partitions", "found partitions"],
            Row::CreatedTopic { .. } => &["topic", "partitions"],
            Row::Advertised(_) => &["client", "bootstrap", "brokers it was told", "data path"],
            Row::Image { .. } => &["image", "platforms offered"],
            Row::Validator(_) => &["command", "exit", "seconds", "files changed", "last lines"],
            Row::ZookeeperMention { .. } => &["file:line: text", "status"],
            Row::Advisory { .. } => &["advisory", "source", "profile"],
            Row::OutsideView { .. } => &["address", "result"],
            Row::NonLoopbackListener { .. } => &["address", "owner"],
        }
    }

    /// The row as the report shows it, one cell per header column.
    pub fn cells(&self) -> Vec<String> {
        match self {
            Row::Binding(b) => vec![
                b.service.clone(),
                b.seen_in.clone(),
                format!("{}:{}", b.ip.as_deref().unwrap_or("*"), b.port),
                b.verdict.clone(),
            ],
            Row::Neighbour(n) => n.cells(),
            Row::ManifestTopic(t) => vec![
                t.name.clone(),
                t.partitions.to_string(),
                t.found.map_or("missing".into(), |p| p.to_string()),
            ],
            Row::CreatedTopic { name, partitions } => vec![name.clone(), partitions.to_string()],
            Row::Advertised(a) => vec![
                a.client.clone(),
                a.bootstrap.clone(),
                a.brokers.join(", "),
                a.data_path
                    .as_ref()
                    .map_or("-".into(), |d| or_failed(d.clone())),
            ],
            Row::Image { image, platforms } => vec![
                image.clone(),
                or_failed(platforms.clone().map(|p| p.join(", "))),
            ],
            Row::Validator(r) => validator_cells(r),
            Row::ZookeeperMention { mention, allowed } => {
                let status = ["not allowed", "allowed (history)"][usize::from(*allowed)];
                vec![mention.clone(), status.into()]
            }
            Row::Advisory {
                advisory,
                source,
                profile,
            } => vec![advisory.clone(), source.clone(), profile.clone()],
            Row::OutsideView { address, result } => {
                vec![address.to_string(), format!("{result:?}")]
            }
            Row::NonLoopbackListener { address, owner } => {
                vec![address.to_string(), owner.clone()]
            }
        }
    }
}

/// The rows grouped into their tables, tables by title, rows in the order
/// they were recorded.
pub fn tables(rows: &[Recorded]) -> Vec<(&'static str, &'static [&'static str], Vec<&Recorded>)> {
    let mut out: std::collections::BTreeMap<
        &'static str,
        (&'static [&'static str], Vec<&Recorded>),
    > = Default::default();
    for r in rows {
        out.entry(r.row.table())
            .or_insert_with(|| (r.row.header(), Vec::new()))
            .1
            .push(r);
    }
    out.into_iter().map(|(t, (h, rs))| (t, h, rs)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_group_by_kind_and_show_one_cell_per_column() {
        let rows = vec![
            Recorded {
                row: Row::CreatedTopic {
                    name: "a".into(),
                    partitions: 3,
                },
                failing: false,
            },
            Recorded {
                row: Row::ManifestTopic(ManifestTopic {
                    name: "b".into(),
                    partitions: 6,
                    found: None,
                }),
                failing: true,
            },
            Recorded {
                row: Row::CreatedTopic {
                    name: "c".into(),
                    partitions: 1,
                },
                failing: false,
            },
        ];
        let t = tables(&rows);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].0, "Topics the bootstrap created (no manifest)");
        assert_eq!(t[0].2.len(), 2);
        assert_eq!(t[1].2[0].row.cells(), vec!["b", "6", "missing"]);
        for r in &rows {
            assert_eq!(r.row.cells().len(), r.row.header().len());
        }
    }

    #[test]
    fn a_row_round_trips_through_outcome_json() {
        let r = Recorded {
            row: Row::Binding(JudgedBinding {
                service: "kafka".into(),
                seen_in: "engine".into(),
                ip: None,
                port: "9093".into(),
                verdict: "every interface".into(),
            }),
            failing: true,
        };
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Recorded>(&text).unwrap(), r);
        assert!(text.contains("\"kind\":\"binding\""), "{text}");
    }
}
