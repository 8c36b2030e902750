//! The sign-off report as Markdown.

use std::fmt::Write as _;

use super::{criteria, Headline, SignOff};
use crate::redact::redact;
use crate::run::outcome::Status;

pub fn markdown(r: &SignOff) -> String {
    let o = r.outcome;
    let head = Headline::of(o);
    let mut md = String::new();
    let _ = writeln!(md, "# KRaft migration acceptance: {}\n", head.text);
    if let Some(note) = &head.note {
        let _ = writeln!(md, "> {note}\n");
    }
    let _ = writeln!(md, "Generated {} by kraft-acceptance {}. {} passed, {} failed, {} skipped, {} not run; suite wall time {:.2} s.\n",
        o.generated_at, env!("CARGO_PKG_VERSION"), o.count(Status::Passed), o.count(Status::Failed), o.count(Status::Skipped), o.not_run.len(), o.wall_seconds);
    let _ = writeln!(md, "## Target\n\n| | |\n|---|---|");
    for (k, v) in &r.target_rows {
        let _ = writeln!(md, "| {k} | `{v}` |");
    }
    let e = &o.environment;
    let _ = writeln!(md, "\n## Environment\n\n| | |\n|---|---|\n| engine | {} |\n| compose | {} |\n| stack | {} |\n| images | {} |",
        e.engine, e.compose, e.stack, e.images);
    for (c, i, id) in &e.containers {
        let _ = writeln!(md, "| container {c} | {i} (`{id}`) |");
    }
    let _ = writeln!(md, "\n## Criteria\n");
    for c in criteria(o) {
        let _ = writeln!(
            md,
            "### {} — {}\n\n| verdict | scenario | evidence |\n|---|---|---|",
            c.verdict.label(),
            c.feature
        );
        for row in &c.rows {
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                row.status.label(),
                row.scenario,
                row.evidence.replace('\n', "<br>").replace('|', "\\|")
            );
        }
        md.push('\n');
    }
    let _ = writeln!(
        md,
        "## Time to healthy (engine events, against the scenario's budget)\n"
    );
    if o.evidence.time_to_healthy.is_empty() {
        let _ = writeln!(
            md,
            "Not measured in this run (no runtime scenario selected).\n"
        );
    }
    for (svc, t, budget) in o.evidence.healthy_times() {
        let n = ((t / budget.unwrap_or(t).max(t)) * 40.0)
            .round()
            .clamp(0.0, 40.0) as usize;
        let of = budget.map_or("no budget judged".to_string(), |b| format!("{b:.0} s"));
        let _ = writeln!(
            md,
            "    {svc:<8} {t:>6.2} s |{}{}| {of}",
            "#".repeat(n),
            " ".repeat(40 - n)
        );
    }
    for (section, rows) in &o.evidence.tables {
        let _ = writeln!(md, "\n## {section}\n");
        let failing = o.evidence.failing_rows.get(section);
        for (i, row) in rows.iter().enumerate() {
            let mark = if failing.is_some_and(|f| f.contains(&i)) {
                "**✗** "
            } else {
                ""
            };
            let _ = writeln!(
                md,
                "| {mark}{} |",
                row.iter()
                    .map(|c| c.replace('|', "\\|"))
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
            if i == 0 {
                let _ = writeln!(md, "|{}", "---|".repeat(row.len()));
            }
        }
    }
    if !o.drift.is_empty() {
        let _ = writeln!(md, "\n## Drift since the baseline\n");
        for d in &o.drift {
            let _ = writeln!(md, "- {d}");
        }
    }
    if !o.measurements.is_empty() {
        let _ = writeln!(md, "\n## Measured\n");
        for m in &o.measurements {
            let _ = writeln!(md, "- {m}");
        }
    }
    if head.signable {
        let _ = writeln!(md, "\n## Sign-off\n\nVerified by: ____________________  Date: __________  Release: __________");
    } else {
        let _ = writeln!(
            md,
            "\n## Sign-off\n\nNot a release sign-off: {}",
            head.note.as_deref().unwrap_or("")
        );
    }
    redact(&md)
}
