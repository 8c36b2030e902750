//! The project's shape holds: no function in `src/` or `steps/` over 60
//! lines (as rustfmt lays it out), a README a newcomer reads in minutes,
//! and every document it points to there.

use std::path::Path;

use crate::common;

const MAX_FUNCTION_LINES: usize = 60;
const MAX_README_LINES: usize = 200;

/// Each function of a formatted file: (name, first line, length in lines),
/// from its `fn` line to the closing brace at the same indentation.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let indent = &line[..line.len() - code.len()];
        let after = [
            "pub(crate) ",
            "pub(super) ",
            "pub ",
            "async ",
            "const ",
            "unsafe ",
        ]
        .iter()
        .fold(code, |c, p| c.strip_prefix(p).unwrap_or(c));
        let after = after.strip_prefix("async ").unwrap_or(after);
        let Some(rest) = after.strip_prefix("fn ") else {
            continue;
        };
        if line.trim_end().ends_with(';') {
            continue; // a declaration without a body
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let close = format!("{indent}}}");
        if let Some(end) = lines[i..].iter().position(|l| l.trim_end() == close) {
            out.push((name, i + 1, end + 1));
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_function_in_src_or_steps_is_over_60_lines() {
    let mut files = Vec::new();
    for dir in ["src", "steps"] {
        rust_files(&common::root().join(dir), &mut files);
    }
    let mut long = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (name, line, len) in functions(&text) {
            if len > MAX_FUNCTION_LINES {
                let shown = f.strip_prefix(common::root()).unwrap().display();
                long.push(format!("{shown}:{line}: fn {name}: {len} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_length_rule_measures_what_it_says() {
    let body = "    let x = 1;\n".repeat(61);
    let text = format!("pub async fn f() {{\n{body}}}\n\nfn g();\n    fn h() {{}}\n");
    let found = functions(&text);
    assert_eq!(found[0], ("f".to_string(), 1, 63));
    assert_eq!(
        found.len(),
        1,
        "a declaration and a one-line body are not counted: {found:?}"
    );
}

#[test]
fn the_readme_is_short_and_every_document_it_names_exists() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(lines < MAX_README_LINES, "README.md has {lines} lines");
    let mut missing = Vec::new();
    for part in readme.split("](").skip(1) {
        let link = part.split(')').next().unwrap_or("");
        let path = link.split('#').next().unwrap_or("");
        if path.is_empty() || path.contains("://") {
            continue;
        }
        if !common::root().join(path).exists() {
            missing.push(link.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "README.md links to missing files: {missing:?}"
    );
}
