//! Where kraft-acceptance keeps files that must not live in the temp
//! directory: a run leaves nothing there, even when it is killed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

fn home_or_tmp(xdg: &str, under_home: &str) -> PathBuf {
    std::env::var_os(xdg)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(under_home)))
        .unwrap_or_else(std::env::temp_dir)
        .join("kraft-acceptance")
}

/// Files whose content never changes (the stand-in override, the in-network
/// probe's resolv.conf): one file per content, reused by every run.
pub(crate) fn cache_dir() -> PathBuf {
    home_or_tmp("XDG_CACHE_HOME", ".cache")
}

/// What must outlive a run: the owner file of each live or kept stack
/// (`KRAFT_ACCEPTANCE_STATE`, else /var/lib for root, else the user's state
/// directory).
pub fn state_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("KRAFT_ACCEPTANCE_STATE") {
        return PathBuf::from(d);
    }
    if nix::unistd::geteuid().is_root() {
        return PathBuf::from("/var/lib/kraft-acceptance");
    }
    home_or_tmp("XDG_STATE_HOME", ".local/state")
}

/// `name` in the cache directory with exactly `content`, written whole and
/// renamed into place so a concurrent run never reads half a file.
pub(crate) fn cached_file(name: &str, content: &str) -> std::io::Result<PathBuf> {
    let dir = cache_dir();
    let path = dir.join(name);
    if std::fs::read_to_string(&path).is_ok_and(|t| t == content) {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir)?;
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, content)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// Writes `text` beside `path` and renames it into place: a reader (the
/// textfile collector) sees the old file or the new one, never half.
pub(crate) fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod write_tests {
    #[test]
    fn the_file_is_replaced_whole() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("kraft_acceptance.prom");
        super::write_atomic(&p, "a 1\n").unwrap();
        super::write_atomic(&p, "a 2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "a 2\n");
        assert_eq!(
            std::fs::read_dir(d.path()).unwrap().count(),
            1,
            "nothing left beside it"
        );
    }
}
