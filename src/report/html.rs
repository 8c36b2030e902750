//! The sign-off report as a self-contained HTML page.

use std::fmt::Write as _;

use super::{esc, SignOff};
use crate::model::evidence::tables;
use crate::redact::redact;
use crate::run::outcome::Status;

/// The colour of a status: a failure (an undefined step too) is red.
fn class(s: Status) -> &'static str {
    match s {
        Status::Passed => "pass",
        Status::PassedWithWarning => "warned",
        Status::Failed | Status::UndefinedStep => "fail",
        Status::NotRun | Status::NotSelected | Status::NotNeeded | Status::NotProven => "notrun",
    }
}

pub fn html(r: &SignOff) -> String {
    let o = r.outcome;
    let head = &r.verdicts.headline;
    let mut h = String::new();
    let warned = o.scenarios.iter().any(|s| s.passed_with_warning());
    let badge = if head.failed {
        "fail"
    } else if !head.signable {
        "notrun"
    } else if warned {
        "warned"
    } else {
        "pass"
    };
    let _ = write!(h, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>KRaft migration acceptance: {}</title><style>{CSS}</style></head><body>", head.text);
    let _ = write!(
        h,
        "<h1>KRaft migration acceptance <span class=\"badge {badge}\">{}</span></h1>",
        head.text
    );
    let _ = write!(
        h,
        "<p class=\"sub\">Generated {} by kraft-acceptance {}. {}; suite wall time {:.2} s.</p>",
        esc(&o.generated_at),
        env!("CARGO_PKG_VERSION"),
        esc(&o.tally()),
        o.wall_seconds
    );
    if let Some(note) = &head.note {
        let _ = write!(h, "<p class=\"warn\">{}</p>", esc(note));
    }
    criteria_table(&mut h, r);
    healthy_bars(&mut h, o);
    evidence_tables(&mut h, o);
    identity(&mut h, r);
    lists(&mut h, o);
    if head.signable {
        h.push_str("<h2>Sign-off</h2><p class=\"sign\">Verified by ____________________ &nbsp; Date __________ &nbsp; Release __________</p>");
    } else {
        let _ = write!(
            h,
            "<h2>Sign-off</h2><p class=\"warn\">Not a release sign-off: {}</p>",
            esc(head.note.as_deref().unwrap_or(""))
        );
    }
    h.push_str("</body></html>");
    redact(&h)
}

/// Each criterion with its verdict and its scenarios' rows.
fn criteria_table(h: &mut String, r: &SignOff) {
    let _ = write!(h, "<h2>Criteria</h2><table id=\"verdicts\"><tr><th>verdict</th><th>criterion</th><th>scenario</th><th>evidence</th></tr>");
    for c in &r.verdicts.criteria {
        for (i, row) in c.rows.iter().enumerate() {
            let crit = if i == 0 {
                format!(
                    "<td rowspan=\"{}\" class=\"crit {}\">{}<br><small>{}</small></td>",
                    c.rows.len(),
                    class(c.verdict),
                    esc(&c.feature),
                    c.verdict.label()
                )
            } else {
                String::new()
            };
            let _ = write!(
                h,
                "<tr><td class=\"{}\">{}</td>{crit}<td>{}</td><td><pre>{}</pre></td></tr>",
                class(row.status),
                row.status.label(),
                esc(&row.scenario),
                esc(&row.evidence)
            );
        }
    }
    h.push_str("</table>");
}

/// Each measured time to healthy as a bar against its budget.
fn healthy_bars(h: &mut String, o: &crate::run::outcome::Outcome) {
    let _ = write!(h, "<h2>Time to healthy <small>(engine events: container start &rarr; health_status: healthy, against the scenario's budget)</small></h2><div class=\"bars\">");
    if o.evidence.time_to_healthy.is_empty() {
        h.push_str("<p>Not measured in this run.</p>");
    }
    for (svc, t) in o.evidence.healthy_times() {
        let (s, b) = (t.seconds, t.budget);
        let pct = (s / b.max(s) * 100.0).clamp(0.5, 100.0);
        let cls = if s <= b { "pass" } else { "fail" };
        let _ = write!(h, "<div class=\"bar\"><span class=\"lbl\">{}</span><span class=\"track\"><span class=\"fill {cls}\" style=\"width:{pct:.1}%\"></span></span><span class=\"val\">{s:.2} s / {b:.0} s</span></div>", esc(&svc));
    }
    h.push_str("</div>");
}

/// What was verified (the target) and on what (the environment).
fn identity(h: &mut String, r: &SignOff) {
    h.push_str("<h2>Target</h2><table>");
    for (k, v) in &r.target_rows {
        let _ = write!(
            h,
            "<tr><th>{}</th><td><code>{}</code></td></tr>",
            esc(k),
            esc(v)
        );
    }
    let e = &r.outcome.environment;
    let _ = write!(h, "</table><h2>Environment</h2><table><tr><th>engine</th><td>{}</td></tr><tr><th>compose</th><td>{}</td></tr><tr><th>stack</th><td>{}</td></tr><tr><th>images</th><td>{}</td></tr>",
        esc(&e.engine), esc(&e.compose), esc(&e.stack), esc(&e.images));
    for (c, i, id) in &e.containers {
        let _ = write!(
            h,
            "<tr><th>{}</th><td>{} <code>{}</code></td></tr>",
            esc(c),
            esc(i),
            esc(id)
        );
    }
    h.push_str("</table>");
}

/// Drift since the baseline and the run's measured figures.
fn lists(h: &mut String, o: &crate::run::outcome::Outcome) {
    for (title, class, items) in [
        ("Drift since the baseline", " class=\"warned\"", &o.drift),
        ("Measured", "", &o.measurements),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = write!(h, "<h2>{title}</h2><ul>");
        for i in items {
            let _ = write!(h, "<li{class}>{}</li>", esc(i));
        }
        h.push_str("</ul>");
    }
}

/// The report's tables of observations, each row marked as its step judged it.
fn evidence_tables(h: &mut String, o: &crate::run::outcome::Outcome) {
    for (title, header, rows) in tables(&o.evidence.rows) {
        let _ = write!(h, "<h2>{}</h2><table><tr>", esc(title));
        for c in header {
            let _ = write!(h, "<th>{}</th>", esc(c));
        }
        h.push_str("</tr>");
        for r in rows {
            let cls = if r.failing { " class=\"fail\"" } else { "" };
            let _ = write!(h, "<tr{cls}>");
            for c in r.row.cells() {
                let _ = write!(h, "<td>{}</td>", esc(&c));
            }
            h.push_str("</tr>");
        }
        h.push_str("</table>");
    }
}

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1200px}\
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #dde}\
table{border-collapse:collapse;width:100%;margin:8px 0}td,th{border:1px solid #d5d9e2;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f1f3f7}pre{margin:0;white-space:pre-wrap;font:12px/1.35 ui-monospace,monospace}\
.pass{color:#11643a}.warned{color:#8a5a00;font-weight:600}.fail{color:#a3141c;font-weight:600}.notrun{color:#7a5d00}.crit{font-weight:600}\
.badge{padding:2px 10px;border-radius:10px;color:#fff}.badge.pass{background:#1c7c47}.badge.fail{background:#b3261e}.badge.notrun{background:#8a6d00}.badge.warned{background:#b07a00}\
.sub{color:#4a5366}.warn{background:#fff6d6;border:1px solid #e8cf7a;padding:8px}\
.bar{display:flex;align-items:center;gap:10px;margin:6px 0}.lbl{width:80px}.track{flex:1;background:#eef0f4;height:16px;border-radius:3px;position:relative}\
.fill{display:block;height:16px;border-radius:3px}.fill.pass{background:#2e9a5c}.fill.fail{background:#c62828}.val{width:130px;font-variant-numeric:tabular-nums}\
.sign{margin-top:24px}";
