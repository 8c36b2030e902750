//! Command lines as the repo writes them: a Makefile's variables expanded
//! from its own assignments, a script's `${VAR:-default}` and its
//! `SCRIPT_DIR`-style directory, so a `docker compose -f` names a file.
//! Pure text in, text out.

use std::collections::BTreeMap;

/// `NAME op value` of a Makefile (`=`, `:=`, `::=`, `?=`, `+=`), with an
/// `export` or `override` before it; recipe lines (a tab first) are not.
fn make_assignment(line: &str) -> Option<(String, &'static str, String)> {
    if line.starts_with('\t') || line.trim_start().starts_with('#') {
        return None;
    }
    let line = line.trim();
    let line = line.strip_prefix("export ").unwrap_or(line);
    let line = line.strip_prefix("override ").unwrap_or(line).trim_start();
    for op in ["::=", ":=", "?=", "+=", "="] {
        if let Some((name, value)) = line.split_once(op) {
            let name = name.trim();
            let is_name = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
            if is_name && !name.contains(':') {
                return Some((name.to_string(), op, value.trim().to_string()));
            }
            return None;
        }
    }
    None
}

/// A Makefile's own variables, each as its last assignment leaves it
/// (`?=` only where unset, `+=` appended with a space).
pub(crate) fn make_vars(text: &str) -> BTreeMap<String, String> {
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    for (name, op, value) in text.lines().filter_map(make_assignment) {
        match op {
            "?=" if vars.contains_key(&name) => {}
            "+=" => {
                let v = vars.entry(name).or_default();
                if !v.is_empty() {
                    v.push(' ');
                }
                v.push_str(&value);
            }
            _ => {
                vars.insert(name, value);
            }
        }
    }
    vars
}

/// `text` with `$(VAR)` and `${VAR}` of `vars` replaced, to a depth of 8
/// (a variable defined by others); unknown ones are left as written.
pub(crate) fn expand_make(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for _ in 0..8 {
        let mut next = out.clone();
        for (name, value) in vars {
            next = next
                .replace(&format!("$({name})"), value)
                .replace(&format!("${{{name}}}"), value);
        }
        if next == out {
            break;
        }
        out = next;
    }
    out
}

/// A shell script's variables: `NAME=value` lines, a value that takes the
/// script's directory (`$(dirname "$0")`, `BASH_SOURCE`) as `script_dir`,
/// `${X:-default}` as its default.
pub(crate) fn shell_vars(text: &str, script_dir: &str) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        let line = line.strip_prefix("readonly ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let value = if value.contains("dirname") || value.contains("BASH_SOURCE") {
            script_dir.to_string()
        } else {
            let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
            expand_shell(v, &vars)
        };
        vars.insert(name.to_string(), value);
    }
    vars
}

/// `${VAR:-default}`, `${VAR-default}`, `${VAR}` and `$VAR` of `text`: the
/// script's own value, else the default; `$(dirname "$0")` is the script's
/// directory where `vars` has it as `.script_dir`.
pub(crate) fn expand_shell(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(inner) = after.strip_prefix('{') {
            let Some(end) = inner.find('}') else {
                out.push_str(&rest[at..]);
                return out;
            };
            let body = &inner[..end];
            let (name, default) = match body.split_once(":-").or_else(|| body.split_once('-')) {
                Some((n, d)) => (n, Some(d)),
                None => (body, None),
            };
            match vars
                .get(name)
                .cloned()
                .or_else(|| default.map(|d| expand_shell(d, vars)))
            {
                Some(v) => out.push_str(&v),
                None => out.push_str(&rest[at..at + 2 + end + 1]),
            }
            rest = &inner[end + 1..];
            continue;
        }
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        match vars.get(&after[..len]).filter(|_| len > 0) {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// `a/b/../c` as `a/c`, `./x` as `x`: a path as written, without the steps
/// that go back.
pub(crate) fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_makefiles_variables_expand_in_every_spelling() {
        let text = "ROOT = impl/svc\nCOMPOSE := $(ROOT)/compose/bin/compose\nCOMPOSE_FILE ?= ${ROOT}/compose/compose.yml\nCOMPOSE_FILE ?= other.yml\nFLAGS = -f $(COMPOSE_FILE)\nFLAGS += --profile infra\nup:\n\t$(COMPOSE) up -d\n\tdocker compose $(FLAGS) ps\n";
        let vars = make_vars(text);
        assert_eq!(vars["COMPOSE_FILE"], "${ROOT}/compose/compose.yml");
        assert_eq!(vars["FLAGS"], "-f $(COMPOSE_FILE) --profile infra");
        let out = expand_make(text, &vars);
        assert!(
            out.contains("\timpl/svc/compose/bin/compose up -d"),
            "{out}"
        );
        assert!(
            out.contains("docker compose -f impl/svc/compose/compose.yml --profile infra ps"),
            "{out}"
        );
    }

    #[test]
    fn a_scripts_defaults_and_its_own_directory_expand() {
        let text = "SCRIPT_DIR=\"$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)\"\nexec docker compose -p \"${PROJECT:-svc}\" -f \"${COMPOSE_FILE:-$SCRIPT_DIR/../compose.yml}\" \"$@\"\n";
        let vars = shell_vars(text, "impl/svc/compose/bin");
        let out = expand_shell(text.lines().nth(1).unwrap(), &vars);
        assert_eq!(
            out,
            "exec docker compose -p \"svc\" -f \"impl/svc/compose/bin/../compose.yml\" \"$@\""
        );
        assert_eq!(
            normalize("impl/svc/compose/bin/../compose.yml"),
            "impl/svc/compose/compose.yml"
        );
        assert_eq!(normalize("./a/./b.yml"), "a/b.yml");
        assert_eq!(
            expand_shell("$HOME and ${UNSET}", &BTreeMap::new()),
            "$HOME and ${UNSET}"
        );
    }
}
