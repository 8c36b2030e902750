//! Runs the repo's validation commands in its directory, each with a time
//! limit, and notes the files each one added, removed or changed: in a git
//! work tree the files git shows (tracked and untracked, not ignored), else
//! every file outside hidden directories and `__pycache__`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::model::validators::{describe_change, CommandRun};

/// How long a `git` that lists the repo's files may take.
const GIT_LIMIT: Duration = Duration::from_secs(60);

/// Lines of output kept for the report.
const TAIL_LINES: usize = 12;
/// Bytes of output read for those lines.
const TAIL_BYTES: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ValidatorsError {
    #[error("cannot start `sh -c {command}` in {dir}: {source}")]
    Spawn {
        command: String,
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("listing the files of {dir}: {message}")]
    Tree { dir: PathBuf, message: String },
}

/// Text files up to this size are kept, to say how a rewrite differs.
const KEEP_TEXT: usize = 256 * 1024;

/// Path (relative to the directory) -> content hash, and the text of a
/// small text file.
pub type Tree = BTreeMap<String, ([u8; 32], Option<String>)>;

/// The files of `dir` and their content.
pub fn snapshot(dir: &Path) -> Result<Tree, ValidatorsError> {
    let in_git = crate::children::output_within(
        Command::new("git")
            .args(["rev-parse", "--is-inside-work-tree"])
            .current_dir(dir),
        GIT_LIMIT,
    )
    .is_ok_and(|o| o.status.success());
    let files = if in_git {
        git_files(dir)?
    } else {
        walked_files(dir)
    };
    let mut tree = Tree::new();
    for f in files {
        // A tracked file that was deleted is listed by git but absent; a
        // FIFO or device is not read (a read would block or never end).
        let path = dir.join(&f);
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        if let Ok(bytes) = std::fs::read(&path) {
            let hash = Sha256::digest(&bytes).into();
            let text = (bytes.len() <= KEEP_TEXT)
                .then(|| String::from_utf8(bytes).ok())
                .flatten();
            tree.insert(f, (hash, text));
        }
    }
    Ok(tree)
}

/// The files git has or would have under `dir` (tracked and untracked, not ignored).
fn git_files(dir: &Path) -> Result<Vec<String>, ValidatorsError> {
    let tree_err = |message: String| ValidatorsError::Tree {
        dir: dir.to_path_buf(),
        message,
    };
    let o = crate::children::output_within(
        Command::new("git")
            .args([
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--",
                ".",
            ])
            .current_dir(dir),
        GIT_LIMIT,
    )
    .map_err(|e| tree_err(format!("git ls-files: {e}")))?;
    if !o.status.success() {
        return Err(tree_err(format!(
            "git ls-files: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )));
    }
    Ok(o.stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect())
}

/// The files under `dir` outside hidden directories and `__pycache__`.
fn walked_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_name().to_string_lossy().starts_with('.')
                    || e.file_name() == "__pycache__")
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            e.path()
                .strip_prefix(dir)
                .ok()
                .map(|p| p.display().to_string())
        })
        .collect()
}

/// What changed from `before` to `after`, one `path (how)` per file.
pub fn changes(before: &Tree, after: &Tree) -> Vec<String> {
    let mut out = Vec::new();
    for (p, (h, new)) in after {
        match before.get(p) {
            None => out.push(format!("{p} (added)")),
            Some((old, Some(was))) if old != h && new.is_some() => out.push(format!(
                "{p} (changed: {})",
                describe_change(was, new.as_deref().unwrap_or_default())
            )),
            Some((old, _)) if old != h => out.push(format!("{p} (changed)")),
            Some(_) => {}
        }
    }
    out.extend(
        before
            .keys()
            .filter(|p| !after.contains_key(*p))
            .map(|p| format!("{p} (removed)")),
    );
    out
}

/// Runs `command` with `sh -c` in `dir`, killed after `limit`.
pub fn run(dir: &Path, command: &str, limit: Duration) -> Result<CommandRun, ValidatorsError> {
    let before = snapshot(dir)?;
    let started = Instant::now();
    // One pipe for both streams keeps the lines in the order they came.
    let (reader, writer) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
        .map_err(|e| spawn_err(dir, command, e.into()))?;
    let mut reader = std::fs::File::from(reader);
    let writer2 = writer
        .try_clone()
        .map_err(|source| spawn_err(dir, command, source))?;
    // Its own process group, so a timeout ends whatever it started too.
    let mut child = crate::children::Child::spawn(
        Command::new("sh")
            .args(["-c", command])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(writer2),
    )
    .map_err(|source| spawn_err(dir, command, source))?;
    let output = std::thread::spawn(move || read_tail(&mut reader));
    let exit_code = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.code(),
            Ok(None) if started.elapsed() > limit => {
                child.kill();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(_) => break None,
        }
    };
    // What it left running in its group ends with it, so its output ends.
    child.kill();
    let seconds = started.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&output.join().unwrap_or_default()).into_owned();
    let lines: Vec<String> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let tail = lines[lines.len().saturating_sub(TAIL_LINES)..].to_vec();
    let changed = changes(&before, &snapshot(dir)?);
    Ok(CommandRun {
        command: command.to_string(),
        exit_code,
        seconds,
        tail,
        changed,
    })
}

/// Only the tail is reported: the last [`TAIL_BYTES`] are kept, however
/// much the command prints.
fn read_tail(reader: &mut impl std::io::Read) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    while let Ok(n @ 1..) = reader.read(&mut chunk) {
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 2 * TAIL_BYTES {
            buf.drain(..buf.len() - TAIL_BYTES);
        }
    }
    if buf.len() > TAIL_BYTES {
        buf.drain(..buf.len() - TAIL_BYTES);
    }
    buf
}

fn spawn_err(dir: &Path, command: &str, source: std::io::Error) -> ValidatorsError {
    ValidatorsError::Spawn {
        command: command.to_string(),
        dir: dir.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_a_command_and_sees_what_it_changed() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("keep.txt"), "a").unwrap();
        std::fs::write(d.path().join("gone.txt"), "b").unwrap();
        let r = run(
            d.path(),
            "echo out; echo err >&2; echo x >> keep.txt; rm gone.txt; touch new.txt; exit 3",
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(r.exit_code, Some(3));
        assert_eq!(r.tail, vec!["out", "err"]);
        assert_eq!(
            r.changed,
            vec![
                "keep.txt (changed: content: 1 line(s) added, 1 removed)",
                "new.txt (added)",
                "gone.txt (removed)"
            ]
        );
        let r = run(d.path(), "true", Duration::from_secs(10)).unwrap();
        assert_eq!((r.exit_code, r.changed.len()), (Some(0), 0));
    }

    #[test]
    fn a_command_past_its_limit_is_killed() {
        let d = tempfile::tempdir().unwrap();
        let r = run(
            d.path(),
            "echo started; sleep 30",
            Duration::from_millis(300),
        )
        .unwrap();
        assert_eq!(r.exit_code, None);
        assert!(r.seconds < 5.0, "{}", r.seconds);
        assert_eq!(r.tail, vec!["started"]);
    }

    #[test]
    fn in_a_git_work_tree_ignored_files_do_not_count() {
        let d = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            assert!(Command::new("git")
                .args(args)
                .current_dir(d.path())
                .output()
                .unwrap()
                .status
                .success())
        };
        git(&["init", "-q"]);
        std::fs::write(d.path().join(".gitignore"), ".venv/\n.pdm-python\n").unwrap();
        std::fs::write(d.path().join("INDEX.md"), "old\n").unwrap();
        let r = run(
            d.path(),
            "mkdir -p .venv && touch .venv/x .pdm-python && echo new > INDEX.md",
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(
            r.changed,
            vec!["INDEX.md (changed: content: 1 line(s) added, 1 removed)"]
        );
    }
}
