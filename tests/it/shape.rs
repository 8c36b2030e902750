//! The project's shape holds: no function in `src/` or `steps/` over 60
//! lines (as rustfmt lays it out), a README a newcomer reads in minutes,
//! and every document it points to there, and imports that point one way
//! (the README's layers).

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

/// The library's layers, lowest first (the README's "Imports point one
/// way": cli -> report -> run -> stack and init -> probes and verdicts ->
/// target -> model, with the helpers that read nothing above model beside
/// it). A module names only modules of lower layers; two modules of one
/// layer never name each other (probes and verdicts share model's types).
const LAYERS: &[&[&str]] = &[
    &["model", "clock", "dirs", "children"],
    &["redact"],
    &["target"],
    &["probes", "verdicts"],
    &["stack", "init"],
    &["run"],
    &["report"],
    &["cli"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level modules a `crate::` path at `at` names: `crate::a::b`
/// names a, `crate::{a::b, c}` names a and c.
fn named_at(text: &str, at: usize) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let rest = &text[at + "crate::".len()..];
    let Some(group) = rest.strip_prefix('{') else {
        return vec![ident(rest)];
    };
    let (mut depth, mut out, mut start) = (0, Vec::new(), 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                out.push(ident(&group[start..i]));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(ident(&group[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.retain(|m| !m.is_empty());
    out
}

/// Every `crate::` path of each (path under src/, text) that names a
/// module of its own layer or above, as "FILE:LINE: MODULE imports
/// crate::NAME"; a module in no layer is named too. Comments are not read.
fn wrong_imports(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        let module = path
            .trim_start_matches("src/")
            .split('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".rs");
        if module == "lib" {
            continue;
        }
        let Some(own) = layer(module) else {
            out.push(format!("{path}: module {module} is in no layer of LAYERS"));
            continue;
        };
        let mut offset = 0;
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for (at, _) in code.match_indices("crate::") {
                for dep in named_at(text, offset + at) {
                    let up = layer(&dep).is_none_or(|l| l >= own);
                    if dep != module && up {
                        out.push(format!("{path}:{}: {module} imports crate::{dep}", n + 1));
                    }
                }
            }
            offset += line.len();
        }
    }
    out
}

#[test]
fn imports_point_one_way() {
    let mut files = Vec::new();
    rust_files(&common::root().join("src"), &mut files);
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            let shown = f.strip_prefix(common::root()).unwrap().display();
            (shown.to_string(), std::fs::read_to_string(f).unwrap())
        })
        .collect();
    let wrong = wrong_imports(&texts);
    assert!(
        wrong.is_empty(),
        "imports against the layers (README: Imports point one way):\n{}",
        wrong.join("\n")
    );
    assert!(texts.len() > 50, "read {} files of src/", texts.len());
}

#[test]
fn the_import_rule_finds_a_planted_wrong_import() {
    let tree = [
        (
            "src/verdicts/x.rs",
            "use crate::model::a;\nuse crate::probes::compose::C;\n",
        ),
        ("src/model/y.rs", "fn f() {\n    crate::stack::up();\n}\n"),
        (
            "src/run/z.rs",
            "use crate::{\n    model::a,\n    report::{B, C},\n};\n",
        ),
        (
            "src/probes/ok.rs",
            "use crate::model::x;\nuse super::engine;\n// crate::stack, said in a comment\n",
        ),
        ("src/probes/mod.rs", "pub use crate::probes::x;\n"),
        ("src/lib.rs", "pub mod cli;\n"),
        ("src/extra.rs", "use crate::model::x;\n"),
    ];
    let files: Vec<(String, String)> = tree
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    assert_eq!(
        wrong_imports(&files),
        vec![
            "src/verdicts/x.rs:2: verdicts imports crate::probes",
            "src/model/y.rs:2: model imports crate::stack",
            "src/run/z.rs:1: run imports crate::report",
            "src/extra.rs: module extra is in no layer of LAYERS",
        ]
    );
}

/// `word` in `text` as a whole identifier.
fn names(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// The `pub` functions, constants and statics of `src` (path, text) that no
/// text of `outside` (the steps and the tests) names.
fn pub_unnamed_outside(src: &[(String, String)], outside: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (file, text) in src {
        for (i, line) in text.lines().enumerate() {
            let Some(rest) = line.trim_start().strip_prefix("pub ") else {
                continue;
            };
            let rest = [
                "const fn ",
                "async fn ",
                "unsafe fn ",
                "fn ",
                "const ",
                "static ",
            ]
            .iter()
            .find_map(|p| rest.strip_prefix(p));
            let Some(rest) = rest else { continue };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !outside.iter().any(|t| names(t, &name)) {
                out.push(format!("{file}:{}: pub {name}", i + 1));
            }
        }
    }
    out
}

fn texts_of(dir: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(&common::root().join(dir), &mut files);
    files
        .iter()
        .map(|f| {
            let shown = f.strip_prefix(common::root()).unwrap().display();
            (shown.to_string(), std::fs::read_to_string(f).unwrap())
        })
        .collect()
}

/// What is `pub` in the library is what the steps and tests name: every
/// other function or constant is pub(crate) or private.
#[test]
fn pub_marks_what_the_steps_and_tests_name() {
    let src = texts_of("src");
    let mut outside: Vec<String> = texts_of("steps").into_iter().map(|(_, t)| t).collect();
    // This file's planted names aside.
    let tests = texts_of("tests").into_iter();
    outside.extend(
        tests
            .filter(|(p, _)| !p.ends_with("shape.rs"))
            .map(|(_, t)| t),
    );
    outside.push(std::fs::read_to_string(common::root().join("build.rs")).unwrap());
    let wide = pub_unnamed_outside(&src, &outside);
    assert!(
        wide.is_empty(),
        "pub, but named by no step or test (make it pub(crate), or private):\n{}",
        wide.join("\n")
    );
}

#[test]
fn the_visibility_rule_finds_a_planted_pub() {
    let src = [(
        "src/verdicts/x.rs".to_string(),
        "pub fn judged() {}\npub(crate) fn inner() {}\n    pub async fn only_here() {}\npub const LIMIT: u8 = 1;\npub struct Kept;\n".to_string(),
    )];
    let outside = ["use kraft_acceptance::verdicts::x::judged; // judged_twice".to_string()];
    assert_eq!(
        pub_unnamed_outside(&src, &outside),
        vec![
            "src/verdicts/x.rs:3: pub only_here",
            "src/verdicts/x.rs:4: pub LIMIT"
        ]
    );
}
