//! features/no_zookeeper_docs.feature

use cucumber::then;
use kraft_acceptance::model::evidence::Row;
use kraft_acceptance::probes::repo;
use kraft_acceptance::run::world::{AcceptanceWorld, StepResult};
use kraft_acceptance::verdicts::{no_zookeeper_docs, observed};

#[then("the target's docs and scripts mention ZooKeeper only where allowed")]
fn docs_scan(w: &mut AcceptanceWorld) -> StepResult {
    let ctx = w.ctx.clone();
    let t = &ctx.target;
    let r = w.judge(observed(
        "the target's docs and scripts, read",
        repo::scan_zookeeper(t),
    ))?;
    for (list, allowed) in [(&r.findings, false), (&r.allowed, true)] {
        for m in list {
            let mention = m.clone();
            ctx.record(Row::ZookeeperMention { mention, allowed }, !allowed);
        }
    }
    let line = format!(
        "ZooKeeper scan: {} files, {} mentions outside the allowlist, {} allowed",
        r.files_scanned, r.findings_total, r.allowed_total
    );
    ctx.measure(line.clone());
    let paths: Vec<String> = t.scan_paths.iter().map(|p| t.display(p)).collect();
    w.judge(no_zookeeper_docs::docs_clean(
        r.files_scanned,
        &paths,
        &t.scan_allow,
        r.findings,
        r.findings_total,
    ))?;
    w.saw(line);
    Ok(())
}
