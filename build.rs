//! Compiles in every `features/*.feature`, so the binary runs where the repo
//! is not and a new feature file needs no list kept by hand; and names the
//! commit and target it was built from, for `--version`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    identity();
    // The checkout being built (read when the script runs, not when it was
    // compiled: a target directory copied from another checkout would
    // otherwise compile in that checkout's features).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("features");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("features/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "feature"))
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    let mut out = String::from("/// Every feature file of features/, as (file name, text).\npub const FEATURES: &[(&str, &str)] = &[\n");
    for n in &names {
        println!("cargo:rerun-if-changed={}", dir.join(n).display());
        let _ = writeln!(
            out,
            "    ({n:?}, include_str!({:?})),",
            dir.join(n).display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("features.rs");
    std::fs::write(dest, out).expect("write features.rs");
}

/// KRAFT_ACCEPTANCE_COMMIT (as given in the environment, else git's short
/// hash, else "unknown" outside a checkout, as from `cargo package`) and
/// KRAFT_ACCEPTANCE_TARGET.
fn identity() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest);
    for f in [".git/HEAD", ".git/refs/heads"] {
        if root.join(f).exists() {
            println!("cargo:rerun-if-changed={}", root.join(f).display());
        }
    }
    println!("cargo:rerun-if-env-changed=KRAFT_ACCEPTANCE_COMMIT");
    let given = std::env::var("KRAFT_ACCEPTANCE_COMMIT")
        .ok()
        .filter(|c| !c.is_empty());
    let commit = given.or_else(|| {
        std::process::Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success() && root.join(".git").exists())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    });
    let commit = commit.unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=KRAFT_ACCEPTANCE_COMMIT={commit}");
    println!(
        "cargo:rustc-env=KRAFT_ACCEPTANCE_TARGET={}",
        std::env::var("TARGET").unwrap_or_default()
    );
}
