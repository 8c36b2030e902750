//! features/validators.feature

use std::time::Duration;

use cucumber::{then, when};
use kraft_acceptance::model::evidence::Row;
use kraft_acceptance::model::validators::CommandRun;
use kraft_acceptance::probes::validators;
use kraft_acceptance::run::world::{AcceptanceWorld, StepResult};
use kraft_acceptance::stack::progress;
use kraft_acceptance::verdicts::validators as verdict;

/// Longest one validation command may run.
const LIMIT: Duration = Duration::from_secs(300);

#[when("the repo's validation commands run in its directory")]
async fn run_validators(w: &mut AcceptanceWorld) -> StepResult {
    let (dir, commands) = (w.ctx.target.dir.clone(), w.ctx.target.validators.clone());
    let mut runs = Vec::new();
    for command in commands {
        progress::notice(&format!(
            "validators: running `{command}` in {}",
            dir.display()
        ));
        let (d, c) = (dir.clone(), command.clone());
        let r = crate::common::blocking(
            w,
            format!("`{command}` started in {}", dir.display()),
            move || validators::run(&d, &c, LIMIT),
        )
        .await?;
        record(w, &r);
        runs.push(r);
    }
    w.keep(runs);
    Ok(())
}

/// One command's run: a report row, a measurement, what the step saw.
fn record(w: &mut AcceptanceWorld, r: &CommandRun) {
    let exit = r
        .exit_code
        .map_or("killed".to_string(), |c| format!("exit {c}"));
    w.ctx
        .record(Row::Validator(r.clone()), r.exit_code != Some(0));
    w.ctx.measure(format!(
        "validator `{}`: {exit} in {:.2} s",
        r.command, r.seconds
    ));
    let from = w.ctx.target.validators_from.clone();
    w.saw(format!(
        "`{}` ({from}): {exit} in {:.2} s",
        r.command, r.seconds
    ));
}

#[then("each exits 0")]
fn each_exits_zero(w: &mut AcceptanceWorld) -> StepResult {
    let runs: Vec<CommandRun> = w.earlier("the validation commands' runs")?;
    w.judge(verdict::each_exits_zero(&runs))
}

#[then("every file they change is reported, and none is changed where the target asks for a clean tree")]
fn tree_changes(w: &mut AcceptanceWorld) -> StepResult {
    let runs: Vec<CommandRun> = w.earlier("the validation commands' runs")?;
    if w.ctx.target.validators_leave_tree_clean {
        w.judge(verdict::tree_unchanged(&runs))?;
        w.saw(format!(
            "{} command(s); the repo's files as they were (validators_leave_tree_clean)",
            runs.len()
        ));
        return Ok(());
    }
    let changed = verdict::changes(&runs);
    for c in &changed {
        w.warn(format!("WARNING: {c} (exit 0 is the criterion; validators_leave_tree_clean = true makes a change fail)"));
    }
    if changed.is_empty() {
        w.saw(format!(
            "{} command(s); the repo's files as they were",
            runs.len()
        ));
    }
    Ok(())
}
