//! Who owns a stack: every container, network and volume an owned run
//! creates carries labels naming the run and its owner process (pid, its
//! start time, the boot and the host), so a later run can tell a stack whose
//! owner is gone (killed with SIGKILL, OOM-killed, a cancelled CI job) from
//! one whose owner still runs.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{json, Map, Value};

use crate::model::compose::ComposeModel;

pub(crate) const RUN_LABEL: &str = "io.kraft-acceptance.run";
pub(crate) const PID_LABEL: &str = "io.kraft-acceptance.owner.pid";
pub(crate) const START_LABEL: &str = "io.kraft-acceptance.owner.start-ticks";
pub(crate) const BOOT_LABEL: &str = "io.kraft-acceptance.owner.boot-id";
pub(crate) const HOST_LABEL: &str = "io.kraft-acceptance.owner.host";
const STARTED_AT_LABEL: &str = "io.kraft-acceptance.started-at";
/// A stack left up on purpose (`--keep`): never reaped.
pub(crate) const KEEP_LABEL: &str = "io.kraft-acceptance.keep";

/// The process that owns a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    /// The process's start time, in clock ticks after boot (/proc/PID/stat
    /// field 22): a reused pid has another.
    pub start_ticks: u64,
    pub boot_id: String,
    pub host: String,
    /// Unix seconds the run started.
    pub started_at: u64,
}

/// Whether an owner still runs, as far as this host can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Liveness {
    Alive,
    /// Gone, and why: the stack is an orphan.
    Gone(String),
    /// Another host's process (a shared engine): never judged from here.
    Elsewhere,
}

fn read_trim(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Field 22 (starttime) of /proc/PID/stat; the command name may hold spaces
/// and parentheses, so fields are counted after its closing parenthesis.
fn start_ticks_of(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

fn proc_start_ticks(pid: u32) -> Option<u64> {
    start_ticks_of(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

pub(crate) fn this_host() -> String {
    read_trim("/proc/sys/kernel/hostname")
}

pub(crate) fn this_boot() -> String {
    read_trim("/proc/sys/kernel/random/boot_id")
}

impl Owner {
    pub fn current() -> Self {
        let pid = std::process::id();
        Owner {
            pid,
            start_ticks: proc_start_ticks(pid).unwrap_or(0),
            boot_id: this_boot(),
            host: this_host(),
            started_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        }
    }

    pub fn labels(&self, project: &str, keep: bool) -> BTreeMap<String, String> {
        BTreeMap::from([
            (RUN_LABEL.to_string(), project.to_string()),
            (PID_LABEL.to_string(), self.pid.to_string()),
            (START_LABEL.to_string(), self.start_ticks.to_string()),
            (BOOT_LABEL.to_string(), self.boot_id.clone()),
            (HOST_LABEL.to_string(), self.host.clone()),
            (STARTED_AT_LABEL.to_string(), self.started_at.to_string()),
            (KEEP_LABEL.to_string(), keep.to_string()),
        ])
    }

    /// The owner a resource's labels name, if they name one completely.
    pub(crate) fn from_labels(labels: &std::collections::HashMap<String, String>) -> Option<Self> {
        Some(Owner {
            pid: labels.get(PID_LABEL)?.parse().ok()?,
            start_ticks: labels.get(START_LABEL)?.parse().ok()?,
            boot_id: labels.get(BOOT_LABEL)?.clone(),
            host: labels.get(HOST_LABEL)?.clone(),
            started_at: labels
                .get(STARTED_AT_LABEL)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0),
        })
    }

    /// Judged against this host, this boot, and the pid's start time now.
    pub(crate) fn liveness(&self) -> Liveness {
        judge(self, &this_host(), &this_boot(), proc_start_ticks(self.pid))
    }
}

/// The pure part of [`Owner::liveness`].
pub fn judge(owner: &Owner, host: &str, boot: &str, pid_start_ticks: Option<u64>) -> Liveness {
    if owner.host != host {
        return Liveness::Elsewhere;
    }
    if owner.boot_id != boot {
        return Liveness::Gone(format!(
            "pid {} ran before this host's last boot",
            owner.pid
        ));
    }
    match pid_start_ticks {
        None => Liveness::Gone(format!("pid {} is gone", owner.pid)),
        Some(t) if t != owner.start_ticks => Liveness::Gone(format!(
            "pid {} is gone (the pid now belongs to another process)",
            owner.pid
        )),
        Some(_) => Liveness::Alive,
    }
}

/// A compose override that puts `labels` on every service, on every network
/// the project creates (not external ones) and on every volume. JSON is YAML.
pub(crate) fn labels_override(model: &ComposeModel, labels: &BTreeMap<String, String>) -> String {
    let labels: Map<String, Value> = labels
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let services: Map<String, Value> = model
        .services
        .keys()
        .map(|s| (s.clone(), json!({ "labels": labels })))
        .collect();
    let networks: Map<String, Value> = model
        .networks
        .iter()
        .filter(|(_, n)| !n.external)
        .map(|(k, _)| (k.clone(), json!({ "labels": labels })))
        .collect();
    let volumes: Map<String, Value> = model
        .volumes
        .iter()
        .filter(|(_, v)| !v.external)
        .map(|(k, _)| (k.clone(), json!({ "labels": labels })))
        .collect();
    json!({ "services": services, "networks": networks, "volumes": volumes }).to_string()
}

/// The owner override file of a run.
pub(crate) fn run_file(project: &str) -> PathBuf {
    crate::dirs::state_dir()
        .join("runs")
        .join(format!("{project}.owner.yml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner() -> Owner {
        Owner {
            pid: 42,
            start_ticks: 1000,
            boot_id: "b1".into(),
            host: "ci-1".into(),
            started_at: 1,
        }
    }

    #[test]
    fn liveness_tells_alive_gone_reused_rebooted_and_elsewhere() {
        let o = owner();
        assert_eq!(judge(&o, "ci-1", "b1", Some(1000)), Liveness::Alive);
        assert!(
            matches!(judge(&o, "ci-1", "b1", None), Liveness::Gone(w) if w == "pid 42 is gone")
        );
        assert!(
            matches!(judge(&o, "ci-1", "b1", Some(7)), Liveness::Gone(w) if w.contains("another process"))
        );
        assert!(
            matches!(judge(&o, "ci-1", "b2", Some(1000)), Liveness::Gone(w) if w.contains("last boot"))
        );
        assert_eq!(judge(&o, "ci-2", "b1", None), Liveness::Elsewhere);
    }

    #[test]
    fn labels_name_the_owner_and_read_back() {
        let o = owner();
        let l: std::collections::HashMap<String, String> =
            o.labels("kraftacc-42-a", false).into_iter().collect();
        assert_eq!(l[RUN_LABEL], "kraftacc-42-a");
        assert_eq!(Owner::from_labels(&l), Some(o));
        assert_eq!(Owner::from_labels(&Default::default()), None);
    }

    #[test]
    fn start_ticks_skip_a_command_name_with_spaces() {
        let stat = "4242 (kraft (accept) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 4 0 98765 1000 50";
        assert_eq!(start_ticks_of(stat), Some(98765));
        assert_eq!(start_ticks_of("garbage"), None);
    }

    #[test]
    fn the_override_labels_services_created_networks_and_volumes() {
        let m: ComposeModel = serde_json::from_str(
            r#"{"services":{"kafka":{},"redis":{}},"networks":{"hule-network":{"name":"p_hule"},"shared":{"external":true}},
                "volumes":{"kafka-data":{},"ext":{"external":true}}}"#,
        )
        .unwrap();
        let v: Value =
            serde_json::from_str(&labels_override(&m, &owner().labels("p", false))).unwrap();
        assert_eq!(v["services"]["kafka"]["labels"][RUN_LABEL], "p");
        assert_eq!(v["networks"]["hule-network"]["labels"][PID_LABEL], "42");
        assert!(
            v["networks"].get("shared").is_none(),
            "external networks are not ours to label"
        );
        assert_eq!(v["volumes"]["kafka-data"]["labels"][KEEP_LABEL], "false");
        assert!(v["volumes"].get("ext").is_none());
    }
}
