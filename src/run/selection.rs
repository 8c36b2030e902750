//! Which scenarios a run selects (tag expression), and which of those it
//! does not run, with the reason: the policy in one place.

use std::collections::BTreeSet;
use std::path::Path;

use cucumber::gherkin::tagexpr::TagOperation;

use super::outcome::{NotRun, Status};

include!(concat!(env!("OUT_DIR"), "/features.rs"));

pub(crate) const RUNTIME_TAG: &str = "runtime";
/// Scenarios that change the stack (run only on owned stacks, or when asked).
const CHANGES_TAG: &str = "changes-stack";
/// Recreates the stack's containers (the redeploy): owned runs only.
pub(crate) const RECREATES_TAG: &str = "recreates";
/// A cluster losing nodes: a cluster of one has none to lose.
const FAILOVER_TAG: &str = "failover";
/// Scenarios that stand in, on an attached deployment, for a changing one.
const ATTACH_TAG: &str = "attach";
/// Scenarios that probe this host's own non-loopback addresses.
const HOST_TAG: &str = "host";
/// Scenarios that make a test host on the LAN (a network namespace and a
/// veth pair on this host) and connect from it.
const NEIGHBOUR_TAG: &str = "neighbour";
/// Scenarios that ask the images' registries (through the engine).
pub(crate) const REGISTRY_TAG: &str = "registry";
/// Runs Kafka's own setup and format of every Kafka node on the engine.
pub(crate) const KAFKA_SETUP_TAG: &str = "kafka-setup";
/// The upgrade rehearsal: runs only when `--upgrade-to` names a version.
pub(crate) const UPGRADE_TAG: &str = "upgrade";
/// Scenarios that check the bootstrap's topics against its manifest.
const MANIFEST_TAG: &str = "manifest";
/// Scenarios about a bootstrap that is a compose service.
const BOOTSTRAP_SERVICE_TAG: &str = "bootstrap-service";
/// Scenarios that run the target's topic bootstrap.
const BOOTSTRAP_TAG: &str = "bootstrap";
/// Scenarios that run the repo's own validation commands.
const VALIDATORS_TAG: &str = "validators";
/// Scenarios about Redis alone.
const REDIS_TAG: &str = "redis";
/// The scan of the target's docs and scripts.
const DOCS_SCAN_TAG: &str = "docs-scan";

#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    #[error("invalid --tags expression \"{expr}\": {message}")]
    Tags { expr: String, message: String },
    #[error("invalid --tags expression ({len} bytes): it has {count} operators and parentheses; at most {TAGS_MAX_NESTING} are read (the parse nests one level for each)")]
    TooDeep { len: usize, count: usize },
    #[error("reading features from {dir}: {source}")]
    Io { dir: String, source: std::io::Error },
    #[error("feature {file}: {message}")]
    Feature { file: String, message: String },
}

/// One selected scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    pub feature: String,
    pub name: String,
    /// Its own tags, its rule's and its feature's, without `@`.
    pub tags: Vec<String>,
    /// The layerings its steps name (`Given the "hemma" layering of the target`).
    pub layerings: Vec<String>,
}

impl Selected {
    pub fn has(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

/// What the run knows when it decides what not to run.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Why the registries cannot be asked, as measured (None: they can).
    pub registry_unreachable: Option<String>,
    /// Why Kafka's own setup cannot run on this engine (None: it can).
    pub kafka_setup_unavailable: Option<String>,
    pub host_checks: bool,
    /// This process may make network namespaces (root).
    pub root: bool,
    /// A stack is part of the run (some selected scenario is @runtime).
    pub stack: bool,
    pub attached: bool,
    pub run_topic_setup: bool,
    /// The bootstrap has no topics manifest.
    pub no_manifest: bool,
    /// The target declares no validation commands.
    pub no_validators: bool,
    /// Why the target has nothing to scan for ZooKeeper (None: it has).
    pub nothing_to_scan: Option<String>,
    /// Why the Redis scenarios are not needed (None: the target runs Redis).
    pub no_redis: Option<String>,
    /// The layerings the target has (kraft-acceptance.toml `[layerings]`).
    pub layerings: Vec<String>,
    /// How the target creates its topics (None: the seed's compose service).
    pub bootstrap: Option<crate::target::Bootstrap>,
    /// The stack runs one Kafka node (no cluster to lose a node of).
    pub single_node: bool,
}

/// The most `and`, `or`, `not` and `(` a --tags expression may hold: the
/// parser nests one level for each, and tens of thousands overflow the
/// stack. Real selections use a handful.
pub(crate) const TAGS_MAX_NESTING: usize = 100;

/// `and`, `or`, `not` and `(` in a tag expression.
fn tag_operators(expr: &str) -> usize {
    let parens = expr.matches('(').count();
    let words = expr
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| matches!(*w, "and" | "or" | "not"))
        .count();
    parens + words
}

pub(crate) fn parse_tags(expr: &str) -> Result<TagOperation, SelectionError> {
    let count = tag_operators(expr);
    if count > TAGS_MAX_NESTING {
        return Err(SelectionError::TooDeep {
            len: expr.len(),
            count,
        });
    }
    expr.parse::<TagOperation>()
        .map_err(|e| SelectionError::Tags {
            expr: expr.into(),
            message: e.to_string(),
        })
}

/// Evaluates a tag expression against a scenario's tags (with or without
/// `@`), as cucumber itself does.
fn tags_match(op: &TagOperation, tags: &[String]) -> bool {
    use cucumber::tag::Ext as _;
    op.eval(tags.iter().map(|t| t.trim_start_matches('@')))
}

/// (file name, text) of the features: the compiled-in ones, or `dir`'s.
pub fn feature_sources(dir: Option<&Path>) -> Result<Vec<(String, String)>, SelectionError> {
    let Some(dir) = dir else {
        return Ok(FEATURES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect());
    };
    let io = |source| SelectionError::Io {
        dir: dir.display().to_string(),
        source,
    };
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io)? {
        let p = e.map_err(io)?.path();
        if p.extension().is_some_and(|x| x == "feature") {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            out.push((name, std::fs::read_to_string(&p).map_err(io)?));
        }
    }
    out.sort();
    Ok(out)
}

/// Every scenario of the sources, with its tags; names must be unique, since
/// they are how a run selects and reports scenarios.
pub fn scenarios(sources: &[(String, String)]) -> Result<Vec<Selected>, SelectionError> {
    let mut out = Vec::new();
    let mut names = BTreeSet::new();
    for (file, text) in sources {
        let f = cucumber::gherkin::Feature::parse(text, Default::default()).map_err(|e| {
            SelectionError::Feature {
                file: file.clone(),
                message: e.to_string(),
            }
        })?;
        let mut all: Vec<(&cucumber::gherkin::Scenario, Vec<String>)> =
            f.scenarios.iter().map(|s| (s, Vec::new())).collect();
        for r in &f.rules {
            all.extend(r.scenarios.iter().map(|s| (s, r.tags.clone())));
        }
        for (sc, rule_tags) in all {
            if !names.insert(sc.name.clone()) {
                return Err(SelectionError::Feature {
                    file: file.clone(),
                    message: format!("scenario name \"{}\" is used twice; names select scenarios, so they must be unique", sc.name),
                });
            }
            let tags = sc
                .tags
                .iter()
                .chain(&rule_tags)
                .chain(&f.tags)
                .map(|t| t.trim_start_matches('@').to_string())
                .collect();
            let layerings = sc
                .steps
                .iter()
                .filter_map(|st| named_layering(&st.value))
                .collect();
            out.push(Selected {
                feature: f.name.clone(),
                name: sc.name.clone(),
                tags,
                layerings,
            });
        }
    }
    Ok(out)
}

/// The layering a step names: `the "NAME" layering of the target`.
fn named_layering(step: &str) -> Option<String> {
    let rest = step.strip_prefix("the \"")?;
    let (name, tail) = rest.split_once('"')?;
    (tail == " layering of the target").then(|| name.to_string())
}

/// The scenarios a tag expression selects, and those it leaves out (as
/// not run, so a report never reads a criterion as proven by them).
pub(crate) fn select(
    all: Vec<Selected>,
    filter: Option<&TagOperation>,
    expr: Option<&str>,
) -> (Vec<Selected>, Vec<NotRun>) {
    let (selected, left): (Vec<Selected>, Vec<Selected>) = all
        .into_iter()
        .partition(|s| filter.is_none_or(|op| tags_match(op, &s.tags)));
    let left = left
        .into_iter()
        .map(|s| NotRun {
            feature: s.feature,
            name: s.name,
            reason: format!("not selected by --tags \"{}\"", expr.unwrap_or_default()),
            status: Status::NotSelected,
        })
        .collect();
    (selected, left)
}

/// Leaves out the scenarios a run runs only when a flag asks for them (the
/// upgrade rehearsal, `--upgrade-to`): no criterion needs them, so unasked
/// they are not part of the run (not reported as not run). Returns the
/// scenarios kept and how many were left out.
pub(crate) fn opt_in(selected: Vec<Selected>, upgrade: bool) -> (Vec<Selected>, usize) {
    let before = selected.len();
    let kept: Vec<Selected> = selected
        .into_iter()
        .filter(|s| upgrade || !s.has(UPGRADE_TAG))
        .collect();
    let left = before - kept.len();
    (kept, left)
}

/// The selected scenarios this run will not run, each with its reason.
pub fn not_run(selected: &[Selected], p: &Policy) -> Vec<NotRun> {
    selected
        .iter()
        .filter_map(|s| {
            let (reason, status) = why_not(s, p)?;
            Some(NotRun {
                feature: s.feature.clone(),
                name: s.name.clone(),
                reason,
                status,
            })
        })
        .collect()
}

/// What the target does not have for `s`: files to scan (its criterion is
/// not proven), a Redis (not needed).
fn nothing_there(s: &Selected, p: &Policy) -> Option<(String, Status)> {
    if let Some(why) = p.nothing_to_scan.as_ref().filter(|_| s.has(DOCS_SCAN_TAG)) {
        return Some((why.clone(), Status::NotRun));
    }
    let why = p.no_redis.as_ref().filter(|_| s.has(REDIS_TAG))?;
    Some((why.clone(), Status::NotNeeded))
}

/// What this machine cannot ask or run for `s`: the registries, Kafka's
/// own setup.
fn cannot_here(s: &Selected, p: &Policy) -> Option<(String, Status)> {
    let registry = p
        .registry_unreachable
        .as_ref()
        .filter(|_| s.has(REGISTRY_TAG));
    let setup = p
        .kafka_setup_unavailable
        .as_ref()
        .filter(|_| s.has(KAFKA_SETUP_TAG));
    Some((registry.or(setup)?.clone(), Status::NotRun))
}

/// Why a failover or a redeploy does not run: one node has no failover,
/// an attached deployment is only read.
fn no_failover(s: &Selected, p: &Policy) -> Option<&'static str> {
    if !s.has(FAILOVER_TAG) && s.has(RECREATES_TAG) && p.attached {
        return Some("attach mode is read-only and a redeploy recreates the containers: an owned run proves it; the static scenarios judge the deployment's mounts");
    }
    match (s.has(FAILOVER_TAG), p.single_node, p.attached) {
        (true, true, _) => Some("a single node has no failover to prove: the cluster is one Kafka node"),
        (true, false, true) => Some("attach mode is read-only and a failover stops nodes: an owned run of the cluster proves it"),
        _ => None,
    }
}

/// Why this run does not run `s`, and whether its criterion needs it
/// ([`Status::NotRun`]) or not ([`Status::NotNeeded`]); `None`: it runs.
fn why_not(s: &Selected, p: &Policy) -> Option<(String, Status)> {
    use crate::target::Bootstrap;
    use Status::NotNeeded;
    if let Some(l) = s.layerings.iter().find(|l| !p.layerings.contains(l)) {
        let reason = format!("the target has no \"{l}\" layering (layerings: {}); name its compose files in kraft-acceptance.toml: [layerings] {l} = [...]", p.layerings.join(", "));
        return Some((reason, Status::NotRun));
    }
    if let Some(why) = cannot_here(s, p) {
        return Some(why);
    }
    if let Some(why) = nothing_there(s, p) {
        return Some(why);
    }
    let (reason, status) = if s.has(BOOTSTRAP_SERVICE_TAG)
        && matches!(p.bootstrap, Some(Bootstrap::Command(_)))
    {
        ("the bootstrap is a host command ([bootstrap] command): kraft-acceptance runs it once Kafka is healthy, so no compose dependency is needed", Status::NotRun)
    } else if (s.has(BOOTSTRAP_SERVICE_TAG) || s.has(BOOTSTRAP_TAG))
        && p.bootstrap == Some(Bootstrap::None)
    {
        ("the target declares no bootstrap ([bootstrap] none = true): its applications create their topics", Status::NotRun)
    } else if s.has(MANIFEST_TAG) && p.bootstrap == Some(Bootstrap::None) && p.stack && !p.attached
    {
        ("the applications create the topics ([bootstrap] none = true), and an owned run starts only Kafka and Redis: attach to a deployment to check them", Status::NotRun)
    } else if s.has(VALIDATORS_TAG) && p.no_validators {
        ("the target declares no validators (no `validators` in kraft-acceptance.toml; its pyproject.toml declares none of validate-docs, validate-tasks, index-tasks as pdm scripts)", Status::NotRun)
    } else if s.has(HOST_TAG) && !p.host_checks {
        ("host check: it connects to this host's own non-loopback addresses; run with --host-checks on the deployment host", Status::NotRun)
    } else if !p.stack {
        return None;
    } else if s.has(NEIGHBOUR_TAG) && !p.root {
        ("the neighbour probe makes a network namespace and a veth pair on this host, which needs root", Status::NotRun)
    } else if s.has(NEIGHBOUR_TAG) && p.attached && !p.host_checks {
        ("on a deployment the neighbour probe adds a test host (a veth pair) to this host for seconds; run with --host-checks", Status::NotRun)
    } else if let Some(why) = no_failover(s, p) {
        (why, Status::NotRun)
    } else if s.has(CHANGES_TAG) && p.attached && !p.run_topic_setup {
        (
            "attach mode is read-only; --run-topic-setup runs the bootstrap on the deployment",
            Status::NotRun,
        )
    } else if s.has(ATTACH_TAG) && !p.attached {
        (
            "owned stack: the bootstrap scenario creates and checks the topics itself",
            NotNeeded,
        )
    } else if s.has(MANIFEST_TAG) && p.no_manifest && p.run_topic_setup {
        ("no topics manifest: the bootstrap scenario (--run-topic-setup) judged the broker's topics before and after", NotNeeded)
    } else if s.has(MANIFEST_TAG) && p.no_manifest {
        ("no topics manifest (none named as topics_manifest in kraft-acceptance.toml, none mounted into the bootstrap): only a run of the bootstrap shows its topics; --run-topic-setup runs it on the deployment", Status::NotRun)
    } else {
        return None;
    };
    Some((reason.to_string(), status))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(name: &str, tags: &[&str]) -> Selected {
        Selected {
            feature: "F".into(),
            name: name.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            layerings: vec![],
        }
    }

    #[test]
    fn a_tag_expression_past_the_nesting_bound_is_refused_before_parsing() {
        let at_bound = format!("{}@a{}", "(".repeat(50), ")".repeat(50));
        let at_bound = format!("{at_bound}{}", " and not @b".repeat(25));
        assert!(parse_tags(&at_bound).is_ok(), "100 operators are read");
        let deep = format!("{}@a{}", "(".repeat(20_000), ")".repeat(20_000));
        let e = parse_tags(&deep).unwrap_err().to_string();
        assert!(
            e.contains("20000 operators and parentheses; at most 100"),
            "{e}"
        );
        assert!(e.len() < 200, "the expression is not echoed: {e}");
        let flat = vec!["@a"; 102].join(" or ");
        assert!(parse_tags(&flat).is_err(), "101 `or`s nest as deep");
    }

    #[test]
    fn a_bootstrap_that_is_a_command_or_none_is_told_apart() {
        use crate::target::Bootstrap;
        let sel = [
            s("waits", &["static", "bootstrap-service"]),
            s("runs", &["runtime", "changes-stack", "bootstrap"]),
            s("exists", &["runtime", "attach", "manifest"]),
        ];
        let names = |p: Policy| {
            not_run(&sel, &p)
                .into_iter()
                .map(|n| (n.name, n.status))
                .collect::<Vec<_>>()
        };
        let owned = Policy {
            stack: true,
            ..Default::default()
        };
        let cmd = Policy {
            bootstrap: Some(Bootstrap::Command("./topics.sh".into())),
            ..owned.clone()
        };
        assert_eq!(
            names(cmd),
            vec![
                ("waits".into(), Status::NotRun),
                ("exists".into(), Status::NotNeeded)
            ],
            "the command itself runs"
        );
        let none = Policy {
            bootstrap: Some(Bootstrap::None),
            ..owned.clone()
        };
        assert_eq!(
            names(none.clone())
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>(),
            vec!["waits", "runs", "exists"]
        );
        assert!(not_run(&sel, &none)[2]
            .reason
            .contains("attach to a deployment"));
        let attached = Policy {
            attached: true,
            ..none
        };
        assert_eq!(
            names(attached)
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>(),
            vec!["waits", "runs"],
            "attached, the applications' topics are checked"
        );
    }

    #[test]
    fn a_layering_the_target_does_not_have_is_not_run_with_the_reason() {
        let all = scenarios(&feature_sources(None).unwrap()).unwrap();
        let hemma: Vec<Selected> = all
            .into_iter()
            .filter(|s| s.layerings.iter().any(|l| l == "hemma"))
            .collect();
        assert!(hemma.len() >= 5, "{hemma:?}");
        let p = Policy {
            layerings: vec!["infrastructure".into()],
            ..Default::default()
        };
        let n = not_run(&hemma, &p);
        assert_eq!(n.len(), hemma.len());
        assert!(
            n[0].reason
                .starts_with("the target has no \"hemma\" layering (layerings: infrastructure)"),
            "{}",
            n[0].reason
        );
        assert_eq!(n[0].status, Status::NotRun, "its criterion is not proven");
        let both = Policy {
            layerings: vec!["infrastructure".into(), "hemma".into()],
            ..Default::default()
        };
        assert!(not_run(&hemma, &both).is_empty());
    }

    #[test]
    fn a_single_node_or_an_attached_cluster_does_not_run_the_failover() {
        let sel = [
            s("failover", &["runtime", RECREATES_TAG, FAILOVER_TAG]),
            s("redeploy", &["runtime", RECREATES_TAG]),
        ];
        let owned = Policy {
            stack: true,
            ..Default::default()
        };
        assert!(not_run(&sel, &owned).is_empty(), "a cluster runs both");
        let single = not_run(
            &sel,
            &Policy {
                single_node: true,
                ..owned.clone()
            },
        );
        assert_eq!(single.len(), 1, "{single:?}");
        assert_eq!(single[0].name, "failover");
        assert!(single[0]
            .reason
            .starts_with("a single node has no failover to prove"));
        assert_eq!(single[0].status, Status::NotRun);
        let attached = not_run(
            &sel,
            &Policy {
                attached: true,
                ..owned
            },
        );
        assert_eq!(attached.len(), 2, "{attached:?}");
        assert!(attached[0].reason.contains("a failover stops nodes"));
        let all = scenarios(&feature_sources(None).unwrap()).unwrap();
        assert!(
            all.iter()
                .any(|s| s.has(FAILOVER_TAG) && s.has(RECREATES_TAG) && s.has(RUNTIME_TAG)),
            "the failover scenario carries @{FAILOVER_TAG} and @{RECREATES_TAG}"
        );
    }

    #[test]
    fn nothing_to_scan_is_not_run_with_the_reason_and_only_the_scan() {
        let sel = [
            s("scan", &["static", DOCS_SCAN_TAG]),
            s("other", &["static"]),
        ];
        let why = "nothing to scan (no docs, scripts, README): none of docs exists";
        let p = Policy {
            nothing_to_scan: Some(why.into()),
            ..Default::default()
        };
        let n = not_run(&sel, &p);
        assert_eq!(n.len(), 1, "{n:?}");
        assert_eq!((n[0].name.as_str(), n[0].reason.as_str()), ("scan", why));
        assert_eq!(n[0].status, Status::NotRun, "its criterion is not proven");
        assert!(not_run(&sel, &Policy::default()).is_empty());
        let all = scenarios(&feature_sources(None).unwrap()).unwrap();
        assert!(
            all.iter().any(|s| s.has(DOCS_SCAN_TAG) && s.has("static")),
            "the ZooKeeper scan scenario carries @{DOCS_SCAN_TAG}"
        );
    }

    #[test]
    fn a_target_without_redis_needs_no_redis_scenario() {
        let sel = [s("ping", &["runtime", REDIS_TAG]), s("kafka", &["runtime"])];
        let p = Policy {
            no_redis: Some("not needed: the target runs no Redis".into()),
            ..Default::default()
        };
        let n = not_run(&sel, &p);
        assert_eq!(n.len(), 1, "{n:?}");
        assert_eq!(
            (n[0].name.as_str(), n[0].status),
            ("ping", Status::NotNeeded)
        );
        assert!(not_run(&sel, &Policy::default()).is_empty());
        let all = scenarios(&feature_sources(None).unwrap()).unwrap();
        let redis: Vec<&str> = all
            .iter()
            .filter(|s| s.has(REDIS_TAG))
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(
            redis,
            [
                "Redis becomes healthy within 60 s of starting",
                "Redis answers PING on 127.0.0.1:6379"
            ]
        );
    }

    #[test]
    fn tag_expressions() {
        let t = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let op = parse_tags("@static and not @hemma").unwrap();
        assert!(tags_match(&op, &t(&["static"])));
        assert!(!tags_match(&op, &t(&["static", "hemma"])));
        assert!(!tags_match(&op, &t(&["runtime"])));
        assert!(parse_tags("@a and").is_err());
    }

    #[test]
    fn every_compiled_in_feature_parses_with_unique_names() {
        let all = scenarios(&feature_sources(None).unwrap()).unwrap();
        assert_eq!(
            FEATURES.len(),
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/features"))
                .unwrap()
                .count()
        );
        assert!(all.iter().any(|s| s.has("static")) && all.iter().any(|s| s.has("runtime")));
    }

    #[test]
    fn duplicate_names_are_refused() {
        let f = "Feature: F\n  Scenario: A\n    Given x\n  Scenario: A\n    Given y\n".to_string();
        assert!(scenarios(&[("f.feature".into(), f)])
            .unwrap_err()
            .to_string()
            .contains("used twice"));
    }

    fn policy_selection() -> [Selected; 5] {
        [
            s("wire", &["runtime", "kraft-wire"]),
            s("boot", &["runtime", "changes-stack"]),
            s("att", &["runtime", "attach"]),
            s("host", &["host", "runtime"]),
            s("st", &["static"]),
        ]
    }

    fn names(p: Policy) -> Vec<String> {
        not_run(&policy_selection(), &p)
            .into_iter()
            .map(|n| n.name)
            .collect()
    }

    #[test]
    fn owned_and_static_runs_leave_out_only_what_they_cannot_run() {
        let owned = Policy {
            stack: true,
            ..Default::default()
        };
        assert_eq!(
            names(owned),
            vec!["att", "host"],
            "whatever images run, the stand-in being Kafka 3.8.0 itself, the wire scenarios run"
        );
        assert_eq!(
            names(Policy::default()),
            vec!["host"],
            "static-only runs skip only host checks"
        );
    }

    #[test]
    fn the_neighbour_needs_root_and_host_checks_when_attached() {
        let lan = [s("lan", &["runtime", "neighbour"])];
        let lan_reason = |p: Policy| not_run(&lan, &p).into_iter().map(|n| n.reason).next();
        assert_eq!(
            lan_reason(Policy {
                stack: true,
                root: true,
                ..Default::default()
            }),
            None,
            "owned runs as root run it"
        );
        assert!(lan_reason(Policy {
            stack: true,
            ..Default::default()
        })
        .is_some_and(|r| r.contains("needs root")));
        let attached = Policy {
            stack: true,
            root: true,
            attached: true,
            ..Default::default()
        };
        assert!(lan_reason(attached.clone()).is_some_and(|r| r.contains("--host-checks")));
        assert_eq!(
            lan_reason(Policy {
                host_checks: true,
                ..attached
            }),
            None
        );
    }

    #[test]
    fn attached_runs_leave_the_stack_alone_unless_told() {
        let attached_real = Policy {
            stack: true,
            attached: true,
            host_checks: true,
            ..Default::default()
        };
        assert_eq!(names(attached_real.clone()), vec!["boot"]);
        assert_eq!(
            names(Policy {
                run_topic_setup: true,
                ..attached_real.clone()
            }),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_manifest_scenario_without_a_manifest_is_the_other_modes_alternative() {
        let attached_real = Policy {
            stack: true,
            attached: true,
            host_checks: true,
            ..Default::default()
        };
        let man = [s("att", &["runtime", "attach", "manifest"])];
        let n = not_run(
            &man,
            &Policy {
                no_manifest: true,
                ..attached_real.clone()
            },
        );
        assert!(
            n[0].reason.starts_with("no topics manifest"),
            "{}",
            n[0].reason
        );
        assert!(not_run(&man, &attached_real).is_empty());
        let n = not_run(
            &man,
            &Policy {
                no_manifest: true,
                run_topic_setup: true,
                ..attached_real.clone()
            },
        );
        assert_eq!(n[0].status, Status::NotNeeded);
        let n = not_run(
            &man,
            &Policy {
                no_manifest: true,
                stack: true,
                ..Default::default()
            },
        );
        assert_eq!(
            (n[0].status, n[0].reason.starts_with("owned stack")),
            (Status::NotNeeded, true)
        );
    }

    #[test]
    fn validators_and_registries_not_reachable_are_skipped() {
        let val = [s("val", &["static", "validators"])];
        assert_eq!(
            not_run(
                &val,
                &Policy {
                    no_validators: true,
                    ..Default::default()
                }
            )[0]
            .status,
            Status::NotRun
        );
        assert!(not_run(&val, &Policy::default()).is_empty());
        let reg = [s("reg", &["registry"])];
        let offline = Policy {
            registry_unreachable: Some("registry not reachable: no such host".into()),
            ..Default::default()
        };
        let n = not_run(&reg, &offline);
        assert_eq!(
            (n[0].name.as_str(), n[0].reason.as_str()),
            ("reg", "registry not reachable: no such host")
        );
        assert!(not_run(&reg, &Policy::default()).is_empty());
    }
}
