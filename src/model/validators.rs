//! The target's own validation commands (`pdm run validate-docs`...), as run.

use serde::{Deserialize, Serialize};

/// One validation command, run to its end in the target's directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandRun {
    pub command: String,
    /// None: it did not finish within the limit and was killed.
    pub exit_code: Option<i32>,
    pub seconds: f64,
    /// Its last lines of output (stdout and stderr).
    pub tail: Vec<String>,
    /// Files of the repo it added, removed or changed (`path (how)`).
    pub changed: Vec<String>,
}

/// How a file a validator rewrote differs, in a few words: generators that
/// stamp the time or list a set in another order change a file every run
/// without changing what it says.
pub(crate) fn describe_change(old: &str, new: &str) -> String {
    let stamped = |l: &&str| has_timestamp(l);
    let (old_lines, new_lines): (Vec<&str>, Vec<&str>) =
        (old.lines().collect(), new.lines().collect());
    fn sorted<'a>(v: &[&'a str], keep_stamped: bool) -> Vec<&'a str> {
        let mut v: Vec<&str> = v
            .iter()
            .copied()
            .filter(|l| keep_stamped || !has_timestamp(l))
            .collect();
        v.sort_unstable();
        v
    }
    let removed = old_lines.iter().filter(|l| !new_lines.contains(l)).count();
    let added = new_lines.iter().filter(|l| !old_lines.contains(l)).count();
    let only_order = sorted(&old_lines, true) == sorted(&new_lines, true);
    let stamps_only = old_lines
        .iter()
        .chain(&new_lines)
        .filter(|l| !old_lines.contains(l) || !new_lines.contains(l))
        .all(stamped);
    let reordered = old_lines
        .iter()
        .filter(|l| !stamped(l))
        .ne(new_lines.iter().filter(|l| !stamped(l)));
    match (
        only_order,
        stamps_only,
        sorted(&old_lines, false) == sorted(&new_lines, false),
    ) {
        (true, _, _) => "only the order of lines".into(),
        (false, true, _) if !reordered => "only a timestamp line".into(),
        (false, _, true) => "only a timestamp line and the order of lines".into(),
        _ => format!("content: {added} line(s) added, {removed} removed"),
    }
}

/// A line that carries a date or a time (`Generated: 2026-11-30 14:02:11`).
fn has_timestamp(line: &str) -> bool {
    let b = line.as_bytes();
    let digits =
        |i: usize, n: usize| i + n <= b.len() && b[i..i + n].iter().all(u8::is_ascii_digit);
    (0..b.len()).any(|i| {
        (digits(i, 4)
            && b.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2))
            || (digits(i, 2) && b.get(i + 2) == Some(&b':') && digits(i + 3, 2))
    })
}

/// The three commands the migration's criteria name, as pdm scripts.
const PDM_VALIDATORS: &[&str] = &["validate-docs", "validate-tasks", "index-tasks"];

/// The commands of `PDM_VALIDATORS` a pyproject.toml declares under
/// `[tool.pdm.scripts]`, as `pdm run NAME`, in that order.
pub(crate) fn pdm_validators(pyproject: &str) -> Vec<String> {
    let Ok(doc) = pyproject.parse::<toml::Table>() else {
        return Vec::new();
    };
    let scripts = doc
        .get("tool")
        .and_then(|t| t.get("pdm"))
        .and_then(|p| p.get("scripts"))
        .and_then(|s| s.as_table());
    let Some(scripts) = scripts else {
        return Vec::new();
    };
    PDM_VALIDATORS
        .iter()
        .filter(|n| scripts.contains_key(**n))
        .map(|n| format!("pdm run {n}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewritten_file_says_how_it_differs() {
        let old = "# Index\nGenerated: 2026-11-30 13:00:01\n- a\n- b\n";
        assert_eq!(
            describe_change(old, "# Index\nGenerated: 2026-11-30 14:02:11\n- a\n- b\n"),
            "only a timestamp line"
        );
        assert_eq!(
            describe_change(old, "# Index\nGenerated: 2026-11-30 13:00:01\n- b\n- a\n"),
            "only the order of lines"
        );
        assert_eq!(
            describe_change(old, "# Index\nGenerated: 2026-12-01T09:00:00Z\n- b\n- a\n"),
            "only a timestamp line and the order of lines"
        );
        assert_eq!(
            describe_change(old, "# Index\nGenerated: 2026-11-30 13:00:01\n- a\n- c\n"),
            "content: 1 line(s) added, 1 removed"
        );
    }

    #[test]
    fn finds_the_declared_pdm_validators_in_order() {
        let p = "[project]\nname='x'\n[tool.pdm.scripts]\nindex-tasks = 'python i.py'\nlint = 'ruff'\nvalidate-docs = {cmd = 'python d.py'}\n";
        assert_eq!(
            pdm_validators(p),
            vec!["pdm run validate-docs", "pdm run index-tasks"]
        );
        assert!(pdm_validators("[project]\nname='x'\n").is_empty());
        assert!(pdm_validators("not toml [").is_empty());
    }
}
