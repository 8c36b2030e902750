//! The sign-off report as Markdown.

use std::fmt::Write as _;

use super::SignOff;
use crate::model::evidence::tables;
use crate::redact::redact;

pub fn markdown(r: &SignOff) -> String {
    let o = r.outcome;
    let head = &r.verdicts.headline;
    let mut md = String::new();
    let _ = writeln!(md, "# KRaft migration acceptance: {}\n", head.text);
    if let Some(note) = &head.note {
        let _ = writeln!(md, "> {note}\n");
    }
    let _ = writeln!(
        md,
        "Generated {} by kraft-acceptance {}. {}; suite wall time {:.2} s.\n",
        o.generated_at,
        env!("CARGO_PKG_VERSION"),
        o.tally(),
        o.wall_seconds
    );
    identity(&mut md, r);
    criteria(&mut md, r);
    healthy_bars(&mut md, o);
    evidence_tables(&mut md, o);
    for (title, items) in [
        ("Drift since the baseline", &o.drift),
        ("Measured", &o.measurements),
    ] {
        if !items.is_empty() {
            let _ = writeln!(md, "\n## {title}\n");
            for i in items {
                let _ = writeln!(md, "- {i}");
            }
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

/// What was verified (the target) and on what (the environment).
fn identity(md: &mut String, r: &SignOff) {
    let _ = writeln!(md, "## Target\n\n| | |\n|---|---|");
    for (k, v) in &r.target_rows {
        let _ = writeln!(md, "| {k} | `{v}` |");
    }
    let e = &r.outcome.environment;
    let _ = writeln!(md, "\n## Environment\n\n| | |\n|---|---|\n| engine | {} |\n| compose | {} |\n| stack | {} |\n| images | {} |",
        e.engine, e.compose, e.stack, e.images);
    for (c, i, id) in &e.containers {
        let _ = writeln!(md, "| container {c} | {i} (`{id}`) |");
    }
}

/// Each criterion with its verdict and its scenarios' rows.
fn criteria(md: &mut String, r: &SignOff) {
    let _ = writeln!(md, "\n## Criteria\n");
    for c in &r.verdicts.criteria {
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
}

/// Each measured time to healthy as a bar against its budget.
fn healthy_bars(md: &mut String, o: &crate::run::outcome::Outcome) {
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
    let times = o.evidence.healthy_times();
    let width = times.iter().map(|(s, _)| s.len()).max().unwrap_or(0).max(8);
    for (svc, t) in times {
        let (s, b) = (t.seconds, t.budget);
        let n = ((s / b.max(s)) * 40.0).round().clamp(0.0, 40.0) as usize;
        let bar = format!("{}{}", "#".repeat(n), " ".repeat(40 - n));
        let _ = writeln!(md, "    {svc:<width$} {s:>6.2} s |{bar}| {b:.0} s");
    }
}

/// The report's tables of observations, each row marked as its step judged it.
fn evidence_tables(md: &mut String, o: &crate::run::outcome::Outcome) {
    let line = |cells: &[String]| {
        cells
            .iter()
            .map(|c| c.replace('|', "\\|").replace('\n', "<br>"))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    for (title, header, rows) in tables(&o.evidence.rows) {
        let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let _ = writeln!(md, "\n## {title}\n\n| {} |", line(&head));
        let _ = writeln!(md, "|{}", "---|".repeat(header.len()));
        for r in rows {
            let mark = if r.failing { "**✗** " } else { "" };
            let _ = writeln!(md, "| {mark}{} |", line(&r.row.cells()));
        }
    }
}
