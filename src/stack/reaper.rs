//! Orphan stacks: projects an owned run created whose owner process is gone.
//! Found by the run label every resource carries; a project whose owner is
//! alive, that was kept on purpose, whose owner ran on another host, or that
//! kraft-acceptance did not create is never touched.

use std::collections::BTreeMap;

use super::owner::{self, Liveness, Owner, KEEP_LABEL, RUN_LABEL};
use crate::probes::compose::one_line;
use crate::probes::engine::{Engine, EngineError, Resource, ResourceKind};
use crate::probes::neighbour;

/// One project of kraft-acceptance's, with what the engine holds of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub project: String,
    pub owner: Option<Owner>,
    pub kept: bool,
    pub resources: Vec<Resource>,
}

/// What to do with a project, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Reap(String),
    Leave(String),
}

impl Project {
    pub fn count(&self, kind: ResourceKind) -> usize {
        self.resources.iter().filter(|r| r.kind == kind).count()
    }

    /// "2 containers, 1 network, 2 volumes"
    pub fn inventory(&self) -> String {
        let n = |k, one: &str| {
            let c = self.count(k);
            format!("{c} {one}{}", if c == 1 { "" } else { "s" })
        };
        format!(
            "{}, {}, {}",
            n(ResourceKind::Container, "container"),
            n(ResourceKind::Network, "network"),
            n(ResourceKind::Volume, "volume")
        )
    }
}

/// Groups labelled resources by run.
pub fn group(resources: Vec<Resource>) -> Vec<Project> {
    let mut by: BTreeMap<String, Project> = BTreeMap::new();
    for r in resources {
        let Some(project) = r.labels.get(RUN_LABEL).cloned() else {
            continue;
        };
        let s = by.entry(project.clone()).or_insert_with(|| Project {
            project,
            owner: None,
            kept: false,
            resources: Vec::new(),
        });
        s.owner = s.owner.clone().or_else(|| Owner::from_labels(&r.labels));
        s.kept |= r.labels.get(KEEP_LABEL).is_some_and(|v| v == "true");
        s.resources.push(r);
    }
    let mut out: Vec<Project> = by.into_values().collect();
    for s in &mut out {
        s.resources
            .sort_by(|a, b| a.kind.cmp(&b.kind).then(a.name.cmp(&b.name)));
    }
    out
}

/// Reap only what is certainly an orphan.
pub(crate) fn decide(s: &Project, liveness: impl Fn(&Owner) -> Liveness) -> Decision {
    if s.kept {
        return Decision::Leave(
            "kept on purpose (--keep); remove it with its printed `down` command".into(),
        );
    }
    match s.owner.as_ref().map(|o| (o, liveness(o))) {
        None => Decision::Leave("its labels name no owner".into()),
        Some((o, Liveness::Alive)) => {
            Decision::Leave(format!("its owner, pid {}, is running", o.pid))
        }
        Some((o, Liveness::Elsewhere)) => {
            Decision::Leave(format!("its owner ran on host {}", o.host))
        }
        Some((_, Liveness::Gone(why))) => Decision::Reap(why),
    }
}

/// Every stack of kraft-acceptance's on this engine, with what to do with it.
pub(crate) async fn survey(engine: &Engine) -> Result<Vec<(Project, Decision)>, EngineError> {
    let stacks = group(engine.labelled(RUN_LABEL).await?);
    Ok(stacks
        .into_iter()
        .map(|s| {
            let v = decide(&s, Owner::liveness);
            (s, v)
        })
        .collect())
}

/// Removes an orphan: containers, then networks, then volumes, then the
/// images compose built for it, then its owner file. Returns what could not
/// be removed.
pub async fn reap(engine: &Engine, s: &Project) -> Vec<String> {
    let mut failed = Vec::new();
    for r in &s.resources {
        if let Err(e) = engine.remove(r).await {
            failed.push(one_line(&e.to_string()));
        }
    }
    failed.extend(
        engine
            .remove_built_images(&s.project)
            .await
            .iter()
            .map(|e| one_line(e)),
    );
    let _ = std::fs::remove_file(owner::run_file(&s.project));
    failed
}

/// Owner files of stacks that are gone (no resource left, owner not
/// running): a kept stack someone removed by hand, a run killed between
/// writing its file and `up`. Their owner is judged from the file itself,
/// so the file of a run that is just starting is never touched.
fn stale_owner_files(live_projects: &[String]) -> Vec<std::path::PathBuf> {
    let dir = crate::dirs::state_dir().join("runs");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        let Some(project) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".owner.yml"))
        else {
            continue;
        };
        if live_projects.iter().any(|p| p == project) {
            continue;
        }
        let labels: Option<std::collections::HashMap<String, String>> =
            std::fs::read_to_string(&path)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .and_then(|v| {
                    v["services"]
                        .as_object()?
                        .values()
                        .next()?
                        .get("labels")
                        .cloned()
                })
                .and_then(|l| serde_json::from_value(l).ok());
        let gone = labels
            .as_ref()
            .and_then(Owner::from_labels)
            .is_none_or(|o| matches!(o.liveness(), Liveness::Gone(_)));
        if gone {
            out.push(path);
        }
    }
    out
}

/// Test hosts of the neighbour probe (network namespaces, each with its
/// veth pair) whose owner is gone: a run killed mid-probe. Named after
/// their owner's pid and start time; namespaces do not outlive a boot.
fn stale_test_hosts() -> Vec<(String, String)> {
    neighbour::test_hosts()
        .into_iter()
        .filter_map(|name| {
            let (pid, start_ticks) = neighbour::owner_of(&name)?;
            let o = Owner {
                pid,
                start_ticks,
                boot_id: owner::this_boot(),
                host: owner::this_host(),
                started_at: 0,
            };
            match o.liveness() {
                Liveness::Gone(why) => Some((name, why)),
                _ => None,
            }
        })
        .collect()
}

/// What a sweep did (or, dry, would do) with each thing it found.
#[derive(Debug)]
pub enum Swept {
    /// An owner file whose stack is gone; removed unless dry.
    StaleFile(std::path::PathBuf),
    Left(Project, String),
    /// An orphan; `failed` names what could not be removed (empty when dry).
    Reaped {
        stack: Project,
        why: String,
        failed: Vec<String>,
    },
    /// A test host whose owner is gone; `failed` says why it could not be removed.
    TestHost {
        name: String,
        why: String,
        failed: Option<String>,
    },
}

/// Removes every orphan and stale owner file (`dry`: only says so). The
/// one sweep behind a run's preflight and `kraft-acceptance clean`.
pub(crate) async fn sweep(engine: &Engine, dry: bool) -> Result<Vec<Swept>, EngineError> {
    let survey = survey(engine).await?;
    let live: Vec<String> = survey.iter().map(|(s, _)| s.project.clone()).collect();
    let mut out = Vec::new();
    for f in stale_owner_files(&live) {
        if !dry {
            let _ = std::fs::remove_file(&f);
        }
        out.push(Swept::StaleFile(f));
    }
    for (name, why) in stale_test_hosts() {
        let failed = if dry {
            None
        } else {
            neighbour::remove_test_host(&name)
                .err()
                .map(|e| e.to_string())
        };
        out.push(Swept::TestHost { name, why, failed });
    }
    for (stack, v) in survey {
        out.push(match v {
            Decision::Leave(why) => Swept::Left(stack, why),
            Decision::Reap(why) => {
                let failed = if dry {
                    Vec::new()
                } else {
                    reap(engine, &stack).await
                };
                Swept::Reaped { stack, why, failed }
            }
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn res(kind: ResourceKind, name: &str, labels: &[(&str, &str)]) -> Resource {
        Resource {
            kind,
            id: name.into(),
            name: name.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>(),
        }
    }

    fn owned(project: &str, pid: &str, keep: &str) -> Vec<(&'static str, String)> {
        vec![
            (RUN_LABEL, project.into()),
            (owner::PID_LABEL, pid.into()),
            (owner::START_LABEL, "10".into()),
            (owner::BOOT_LABEL, "b".into()),
            (owner::HOST_LABEL, "h".into()),
            (KEEP_LABEL, keep.into()),
        ]
    }

    fn labels<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
        v.iter().map(|(k, s)| (*k, s.as_str())).collect()
    }

    #[test]
    fn groups_by_run_and_counts() {
        let a = owned("p1", "1", "false");
        let b = owned("p2", "2", "true");
        let stacks = group(vec![
            res(ResourceKind::Volume, "p1_data", &labels(&a)),
            res(ResourceKind::Container, "p1-kafka-1", &labels(&a)),
            res(ResourceKind::Network, "p1_net", &labels(&a)),
            res(ResourceKind::Container, "p2-redis-1", &labels(&b)),
            res(
                ResourceKind::Container,
                "someone-else",
                &[("com.docker.compose.project", "x")],
            ),
        ]);
        assert_eq!(
            stacks.len(),
            2,
            "resources without the run label are not ours"
        );
        assert_eq!(stacks[0].inventory(), "1 container, 1 network, 1 volume");
        assert_eq!(
            stacks[0].resources[0].kind,
            ResourceKind::Container,
            "containers go first"
        );
        assert!(stacks[1].kept && !stacks[0].kept);
        assert_eq!(stacks[0].owner.as_ref().map(|o| o.pid), Some(1));
    }

    #[test]
    fn only_certain_orphans_are_reaped() {
        let s = |keep| {
            group(vec![res(
                ResourceKind::Container,
                "c",
                &labels(&owned("p", "7", keep)),
            )])
            .remove(0)
        };
        assert_eq!(
            decide(&s("false"), |_| Liveness::Gone("pid 7 is gone".into())),
            Decision::Reap("pid 7 is gone".into())
        );
        assert!(
            matches!(decide(&s("false"), |_| Liveness::Alive), Decision::Leave(w) if w.contains("is running"))
        );
        assert!(matches!(
            decide(&s("false"), |_| Liveness::Elsewhere),
            Decision::Leave(_)
        ));
        assert!(
            matches!(decide(&s("true"), |_| Liveness::Gone("x".into())), Decision::Leave(w) if w.contains("kept"))
        );
        let unnamed = group(vec![res(ResourceKind::Container, "c", &[(RUN_LABEL, "p")])]).remove(0);
        assert!(matches!(
            decide(&unnamed, |_| Liveness::Gone("x".into())),
            Decision::Leave(_)
        ));
    }
}
