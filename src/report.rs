//! The release sign-off report: what was verified, on what, with which
//! evidence. Written as Markdown and as a self-contained HTML page from the
//! same data; every text passes through redaction.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::redact::redact;
use crate::runner::{Outcome, Status};
use crate::target::Target;
use crate::world::Evidence;

pub const BUDGET_S: f64 = 60.0;

#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub engine: String,
    pub compose: String,
    /// owned project NAME / attached to NAME / no stack
    pub stack: String,
    /// stand-in or real, said in words
    pub images: String,
    /// (container, image, image id)
    pub containers: Vec<(String, String, String)>,
}

pub struct SignOff<'a> {
    pub outcome: &'a Outcome,
    pub target: &'a Target,
    pub env: Environment,
    pub evidence: Evidence,
    pub generated_at: String,
}

/// Target identity: git commit (if any) and each compose file's sha256.
fn target_rows(t: &Target) -> Vec<(String, String)> {
    let commit = std::process::Command::new("git")
        .arg("-C")
        .arg(&t.dir)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "not a git checkout".into());
    let mut rows = vec![("target".to_string(), t.dir.display().to_string()), ("git commit".into(), commit)];
    let mut files: Vec<&PathBuf> = t.layerings.values().flatten().collect();
    files.sort();
    files.dedup();
    for f in files {
        let hash = std::fs::read(f).map(|b| format!("{:x}", Sha256::digest(b))).unwrap_or_else(|e| e.to_string());
        rows.push((format!("compose file {}", t.display(f)), format!("sha256 {hash}")));
    }
    for (name, files) in &t.layerings {
        rows.push((format!("layering {name}"), files.iter().map(|f| t.display(f)).collect::<Vec<_>>().join(" + ")));
    }
    rows
}

/// Scenario rows per feature (one feature per criterion), with not-run ones.
fn criteria(o: &Outcome) -> BTreeMap<String, Vec<(String, String, String)>> {
    let mut m: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    for s in &o.scenarios {
        let status = match s.status {
            Status::Passed => "PASSED",
            Status::Failed => "FAILED",
            Status::Skipped => "SKIPPED",
        };
        m.entry(s.feature.clone()).or_default().push((status.into(), s.name.clone(), s.message.clone().unwrap_or_default()));
    }
    for (name, why) in &o.not_run {
        m.entry("Not run".into()).or_default().push(("NOT RUN".into(), name.clone(), why.clone()));
    }
    m
}

fn verdict(rows: &[(String, String, String)]) -> &'static str {
    if rows.iter().any(|r| r.0 == "FAILED" || r.0 == "SKIPPED") {
        "FAILED"
    } else if rows.iter().all(|r| r.0 == "NOT RUN") {
        "NOT RUN"
    } else {
        "PASSED"
    }
}

fn overall(o: &Outcome) -> &'static str {
    if o.success() { "PASSED" } else { "FAILED" }
}

pub fn markdown(r: &SignOff) -> String {
    let o = r.outcome;
    let mut md = String::new();
    let _ = writeln!(md, "# KRaft migration acceptance: {}\n", overall(o));
    let _ = writeln!(md, "Generated {} by kraft-acceptance {}. {} passed, {} failed, {} skipped, {} not run; suite wall time {:.2} s.\n",
        r.generated_at, env!("CARGO_PKG_VERSION"), o.count(Status::Passed), o.count(Status::Failed), o.count(Status::Skipped), o.not_run.len(), o.wall_seconds);
    let _ = writeln!(md, "## Target\n\n| | |\n|---|---|");
    for (k, v) in target_rows(r.target) {
        let _ = writeln!(md, "| {k} | `{v}` |");
    }
    let _ = writeln!(md, "\n## Environment\n\n| | |\n|---|---|\n| engine | {} |\n| compose | {} |\n| stack | {} |\n| images | {} |",
        r.env.engine, r.env.compose, r.env.stack, r.env.images);
    for (c, i, id) in &r.env.containers {
        let _ = writeln!(md, "| container {c} | {i} (`{id}`) |");
    }
    let _ = writeln!(md, "\n## Criteria\n");
    for (feature, rows) in criteria(o) {
        let _ = writeln!(md, "### {} — {feature}\n\n| verdict | scenario | evidence |\n|---|---|---|", verdict(&rows));
        for (st, name, msg) in rows {
            let _ = writeln!(md, "| {st} | {name} | {} |", msg.replace('\n', "<br>").replace('|', "\\|"));
        }
        md.push('\n');
    }
    let _ = writeln!(md, "## Time to healthy (engine events, budget {BUDGET_S:.0} s)\n");
    if r.evidence.time_to_healthy.is_empty() {
        let _ = writeln!(md, "Not measured in this run (no runtime scenario selected).\n");
    }
    for (svc, t) in &r.evidence.time_to_healthy {
        let n = ((t / BUDGET_S) * 40.0).round().clamp(0.0, 60.0) as usize;
        let _ = writeln!(md, "    {svc:<8} {t:>6.2} s |{}{}| {BUDGET_S:.0} s", "#".repeat(n.min(40)), " ".repeat(40usize.saturating_sub(n)));
    }
    for (section, rows) in &r.evidence.tables {
        let _ = writeln!(md, "\n## {section}\n");
        for (i, row) in rows.iter().enumerate() {
            let _ = writeln!(md, "| {} |", row.iter().map(|c| c.replace('|', "\\|")).collect::<Vec<_>>().join(" | "));
            if i == 0 {
                let _ = writeln!(md, "|{}", "---|".repeat(row.len()));
            }
        }
    }
    if !o.measurements.is_empty() {
        let _ = writeln!(md, "\n## Measured\n");
        for m in &o.measurements {
            let _ = writeln!(md, "- {m}");
        }
    }
    let _ = writeln!(md, "\n## Sign-off\n\nVerified by: ____________________  Date: __________  Release: __________");
    redact(&md)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub fn html(r: &SignOff) -> String {
    let o = r.outcome;
    let mut h = String::new();
    let status_class = |s: &str| match s {
        "PASSED" => "pass",
        "NOT RUN" => "notrun",
        _ => "fail",
    };
    let _ = write!(h, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>KRaft migration acceptance: {}</title><style>{CSS}</style></head><body>", overall(o));
    let _ = write!(h, "<h1>KRaft migration acceptance <span class=\"badge {}\">{}</span></h1>", status_class(overall(o)), overall(o));
    let _ = write!(h, "<p class=\"sub\">Generated {} by kraft-acceptance {}. <b>{}</b> passed, <b>{}</b> failed, <b>{}</b> skipped, <b>{}</b> not run; suite wall time {:.2} s.</p>",
        esc(&r.generated_at), env!("CARGO_PKG_VERSION"), o.count(Status::Passed), o.count(Status::Failed), o.count(Status::Skipped), o.not_run.len(), o.wall_seconds);
    if r.env.images.contains("stand-in") {
        let _ = write!(h, "<p class=\"warn\">Runtime scenarios ran on <b>stand-in images</b>: {}</p>", esc(&r.env.images));
    }
    let _ = write!(h, "<h2>Criteria</h2><table id=\"verdicts\"><tr><th>verdict</th><th>criterion</th><th>scenario</th><th>evidence</th></tr>");
    for (feature, rows) in criteria(o) {
        let v = verdict(&rows);
        for (i, (st, name, msg)) in rows.iter().enumerate() {
            let crit = if i == 0 { format!("<td rowspan=\"{}\" class=\"crit {}\">{}<br><small>{}</small></td>", rows.len(), status_class(v), esc(&feature), v) } else { String::new() };
            let _ = write!(h, "<tr><td class=\"{}\">{}</td>{crit}<td>{}</td><td><pre>{}</pre></td></tr>", status_class(st), st, esc(name), esc(msg));
        }
    }
    h.push_str("</table>");
    let _ = write!(h, "<h2>Time to healthy <small>(engine events: container start &rarr; health_status: healthy; budget {BUDGET_S:.0} s)</small></h2><div class=\"bars\">");
    if r.evidence.time_to_healthy.is_empty() {
        h.push_str("<p>Not measured in this run.</p>");
    }
    for (svc, t) in &r.evidence.time_to_healthy {
        let pct = (t / BUDGET_S * 100.0).clamp(0.5, 100.0);
        let cls = if *t <= BUDGET_S { "pass" } else { "fail" };
        let _ = write!(h, "<div class=\"bar\"><span class=\"lbl\">{}</span><span class=\"track\"><span class=\"fill {cls}\" style=\"width:{pct:.1}%\"></span></span><span class=\"val\">{t:.2} s / {BUDGET_S:.0} s</span></div>", esc(svc));
    }
    h.push_str("</div>");
    for (section, rows) in &r.evidence.tables {
        let _ = write!(h, "<h2>{}</h2><table>", esc(section));
        for (i, row) in rows.iter().enumerate() {
            let tag = if i == 0 { "th" } else { "td" };
            h.push_str("<tr>");
            for c in row {
                let cls = if c.contains("wildcard") || c.contains("not allowed") || c.starts_with("FAILED") || c == "missing" || c.contains("non-loopback") { " class=\"fail\"" } else { "" };
                let _ = write!(h, "<{tag}{cls}>{}</{tag}>", esc(c));
            }
            h.push_str("</tr>");
        }
        h.push_str("</table>");
    }
    h.push_str("<h2>Target</h2><table>");
    for (k, v) in target_rows(r.target) {
        let _ = write!(h, "<tr><th>{}</th><td><code>{}</code></td></tr>", esc(&k), esc(&v));
    }
    let _ = write!(h, "</table><h2>Environment</h2><table><tr><th>engine</th><td>{}</td></tr><tr><th>compose</th><td>{}</td></tr><tr><th>stack</th><td>{}</td></tr><tr><th>images</th><td>{}</td></tr>",
        esc(&r.env.engine), esc(&r.env.compose), esc(&r.env.stack), esc(&r.env.images));
    for (c, i, id) in &r.env.containers {
        let _ = write!(h, "<tr><th>{}</th><td>{} <code>{}</code></td></tr>", esc(c), esc(i), esc(id));
    }
    h.push_str("</table>");
    if !o.measurements.is_empty() {
        h.push_str("<h2>Measured</h2><ul>");
        for m in &o.measurements {
            let _ = write!(h, "<li>{}</li>", esc(m));
        }
        h.push_str("</ul>");
    }
    h.push_str("<h2>Sign-off</h2><p class=\"sign\">Verified by ____________________ &nbsp; Date __________ &nbsp; Release __________</p></body></html>");
    redact(&h)
}

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1200px}\
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #dde}\
table{border-collapse:collapse;width:100%;margin:8px 0}td,th{border:1px solid #d5d9e2;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f1f3f7}pre{margin:0;white-space:pre-wrap;font:12px/1.35 ui-monospace,monospace}\
.pass{color:#11643a}.fail{color:#a3141c;font-weight:600}.notrun{color:#7a5d00}.crit{font-weight:600}\
.badge{padding:2px 10px;border-radius:10px;color:#fff}.badge.pass{background:#1c7c47}.badge.fail{background:#b3261e}\
.sub{color:#4a5366}.warn{background:#fff6d6;border:1px solid #e8cf7a;padding:8px}\
.bar{display:flex;align-items:center;gap:10px;margin:6px 0}.lbl{width:80px}.track{flex:1;background:#eef0f4;height:16px;border-radius:3px;position:relative}\
.fill{display:block;height:16px;border-radius:3px}.fill.pass{background:#2e9a5c}.fill.fail{background:#c62828}.val{width:130px;font-variant-numeric:tabular-nums}\
.sign{margin-top:24px}";

/// Writes report.md and report.html into `dir`.
pub fn write(dir: &Path, r: &SignOff) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("report.md"), markdown(r))?;
    std::fs::write(dir.join("report.html"), html(r))
}
