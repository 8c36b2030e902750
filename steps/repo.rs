use cucumber::{then, when};

use super::StepResult;
use crate::probes::repo;
use crate::verdicts::{none_of, topics, Failure};
use crate::world::AcceptanceWorld;

#[then("the target's docs and scripts mention ZooKeeper only where allowed")]
fn docs_scan(w: &mut AcceptanceWorld) -> StepResult {
    let t = &w.ctx.target;
    let r = repo::scan_zookeeper(t).map_err(|e| e.to_string())?;
    if r.files_scanned == 0 {
        let paths: Vec<String> = t.scan_paths.iter().map(|p| t.display(p)).collect();
        return Err(Failure::new("docs and scripts to scan", format!("no file under {}", paths.join(", "))).into());
    }
    for (list, status) in [(&r.findings, "not allowed"), (&r.allowed, "allowed (history)")] {
        for m in list {
            w.ctx.record("ZooKeeper mentions in docs and scripts", &["file:line: text", "status"], vec![m.clone(), status.into()]);
        }
    }
    w.ctx.measure(format!("ZooKeeper scan: {} files, {} mentions outside the allowlist, {} allowed", r.files_scanned, r.findings.len(), r.allowed.len()));
    let expected = format!("no ZooKeeper mention in {} scanned files outside [{}]", r.files_scanned, t.scan_allow.join(", "));
    Ok(none_of(&expected, "mentions", r.findings)?)
}

#[then(expr = "service {string} waits for service {string} to be healthy")]
fn waits_healthy(w: &mut AcceptanceWorld, service: String, dep: String) -> StepResult {
    let svc = w.model()?.service(&service)?;
    let cond = svc.depends_on.get(&dep).map(|d| d.condition.clone().unwrap_or_else(|| "service_started".into()));
    match cond.as_deref() {
        Some("service_healthy") => Ok(()),
        other => Err(Failure::new(
            format!("services.{service}.depends_on.{dep}.condition = service_healthy"),
            other.map_or_else(|| format!("{service} does not depend on {dep}"), |c| format!("condition {c}")),
        )
        .into()),
    }
}

#[then("the topics manifest lists at least one valid topic")]
fn manifest(w: &mut AcceptanceWorld) -> StepResult {
    w.ctx.target.manifest().map_err(|e| Failure::new("a valid topics manifest", e))?;
    Ok(())
}

#[when(expr = "service {string} runs to completion")]
async fn run_oneoff(w: &mut AcceptanceWorld, service: String) -> StepResult {
    // Its dependency must be ready first, or the run only measures compose's wait.
    let s = super::stack::ready(w, "kafka").await?;
    w.oneoff = Some(s.run_oneoff(&service, std::time::Duration::from_secs(ONEOFF_LIMIT_S)).await?);
    Ok(())
}

/// Hard stop for a one-off run; the step's budget is judged separately.
const ONEOFF_LIMIT_S: u64 = 180;

#[then(expr = "it exited 0 within {int} s")]
fn exited_zero(w: &mut AcceptanceWorld, budget: u32) -> StepResult {
    let (code, tail, secs) = w.oneoff.clone().ok_or("nothing ran in this scenario")?;
    if code != 0 || secs > f64::from(budget) {
        return Err(Failure::new(format!("exit 0 within {budget} s"), format!("exit {code} after {secs:.1} s"))
            .with_evidence([format!("output: {tail}")])
            .into());
    }
    w.ctx.measure(format!("kafka_topic_setup: exit 0 in {secs:.2} s"));
    Ok(())
}

#[then(expr = "a Kafka client at {string} finds every manifest topic with its partition count")]
async fn topics_exist(w: &mut AcceptanceWorld, bootstrap: String) -> StepResult {
    let manifest = w.ctx.target.manifest().map_err(|e| Failure::new("a valid topics manifest", e))?;
    let b = bootstrap.clone();
    let obs = tokio::task::spawn_blocking(move || crate::probes::kafka::probe(&b, &crate::probes::kafka::DataCheck::None))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| super::kafka::no_metadata(&bootstrap, "on the host", e))?;
    for t in &manifest {
        let found = obs.topics.get(&t.name).map_or("missing".to_string(), |p| p.to_string());
        w.ctx.record("Topics: manifest vs broker", &["topic", "manifest partitions", "found partitions"], vec![t.name.clone(), t.partitions.to_string(), found]);
    }
    Ok(topics::topics_match(&manifest, &obs.topics)?)
}
