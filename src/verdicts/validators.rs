//! The repo's own validators: each exits 0; what they change is reported,
//! and fails only a target that asks for a clean tree.

use super::{none_of, Verdict};
use crate::model::validators::CommandRun;

fn last_lines(r: &CommandRun) -> String {
    if r.tail.is_empty() {
        "no output".into()
    } else {
        r.tail.join(" | ")
    }
}

/// Every command exited 0 within its limit.
pub fn each_exits_zero(runs: &[CommandRun]) -> Verdict {
    let problems = runs
        .iter()
        .filter(|r| r.exit_code != Some(0))
        .map(|r| match r.exit_code {
            None => format!("`{}`: did not finish in {:.0} s (killed); last lines: {}", r.command, r.seconds, last_lines(r)),
            Some(127) => format!(
                "`{}`: exit 127, command not found (pdm is installed by scripts/setup.sh when a target declares pdm scripts); last lines: {}",
                r.command,
                last_lines(r)
            ),
            Some(c) => format!("`{}`: exit {c}; last lines: {}", r.command, last_lines(r)),
        })
        .collect();
    none_of(
        "every validation command exits 0",
        "commands failed",
        problems,
    )
}

/// Each command that added, removed or changed a file of the repo, with
/// how (`path (changed: only a timestamp line)`).
pub fn changes(runs: &[CommandRun]) -> Vec<String> {
    runs.iter()
        .filter(|r| !r.changed.is_empty())
        .map(|r| format!("`{}` changed {}", r.command, r.changed.join(", ")))
        .collect()
}

/// No command added, removed or changed a file of the repo (a target that
/// asks for a clean tree: `validators_leave_tree_clean = true`).
pub fn tree_unchanged(runs: &[CommandRun]) -> Verdict {
    none_of(
        "the validation commands leave the repo's files as they were (validators_leave_tree_clean = true)",
        "commands changed the tree",
        changes(runs),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(command: &str, exit_code: Option<i32>, changed: &[&str]) -> CommandRun {
        CommandRun {
            command: command.into(),
            exit_code,
            seconds: 1.0,
            tail: vec!["docs/a.md: no front matter".into()],
            changed: changed.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn each_must_exit_zero() {
        assert!(each_exits_zero(&[run("pdm run validate-docs", Some(0), &[])]).is_ok());
        let f = each_exits_zero(&[
            run("pdm run validate-docs", Some(1), &[]),
            run("pdm run x", Some(127), &[]),
            run("slow", None, &[]),
        ])
        .unwrap_err();
        assert_eq!(
            (f.expected.as_str(), f.observed.as_str()),
            ("every validation command exits 0", "3 commands failed")
        );
        assert_eq!(
            f.evidence[0],
            "`pdm run validate-docs`: exit 1; last lines: docs/a.md: no front matter"
        );
        assert!(f.evidence[1].contains("command not found"));
        assert!(f.evidence[2].starts_with("`slow`: did not finish in 1 s (killed)"));
    }

    #[test]
    fn none_may_change_the_tree() {
        assert!(tree_unchanged(&[run("pdm run index-tasks", Some(0), &[])]).is_ok());
        let f = tree_unchanged(&[run(
            "pdm run index-tasks",
            Some(0),
            &["TASKS/INDEX.md (changed)"],
        )])
        .unwrap_err();
        assert_eq!(
            f.evidence,
            vec!["`pdm run index-tasks` changed TASKS/INDEX.md (changed)"]
        );
    }
}
