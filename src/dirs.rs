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
/// textfile collector) sees the old file or the new one, never half. The
/// temp file is made new (`O_EXCL`: a link planted in its place is not
/// followed) and removed on every failure; the rename replaces a link at
/// `path` with the file, never writing through it.
pub(crate) fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    if path.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory, not a file",
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Why a run could not write `path` (a file, or with `dir` a directory),
/// said before anything runs: under /proc, /sys or /dev; a link where a
/// file goes (a link is not written through); a directory where a file
/// goes or the reverse; or no writable directory to hold it.
pub(crate) fn unfit_destination(path: &Path, dir: bool) -> Option<String> {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if ["/proc", "/sys", "/dev"].iter().any(|k| abs.starts_with(k)) {
        return Some("is under /proc, /sys or /dev, the kernel's, not a place for files".into());
    }
    if let Ok(m) = path.symlink_metadata() {
        if !dir && m.file_type().is_symlink() {
            return Some("is a symbolic link; name the file it points to".into());
        }
        if dir != path.is_dir() {
            let is = if dir {
                "is not a directory"
            } else {
                "is a directory; name a file"
            };
            return Some(is.into());
        }
    }
    let mut holder = if dir { abs.as_path() } else { abs.parent()? };
    while !holder.exists() {
        holder = holder.parent()?;
    }
    if !holder.is_dir() {
        return Some(format!("{} is not a directory", holder.display()));
    }
    let access = nix::unistd::AccessFlags::W_OK | nix::unistd::AccessFlags::X_OK;
    nix::unistd::access(holder, access)
        .err()
        .map(|e| format!("directory {} is not writable: {e}", holder.display()))
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

    #[test]
    fn a_link_in_place_is_replaced_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let outside = d.path().join("outside.txt");
        std::fs::write(&outside, "keep\n").unwrap();
        let dir = d.path().join("report");
        std::fs::create_dir(&dir).unwrap();
        let p = dir.join("report.md");
        std::os::unix::fs::symlink(&outside, &p).unwrap();
        super::write_atomic(&p, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep\n");
        assert!(!p.symlink_metadata().unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
    }

    #[test]
    fn a_directory_in_place_fails_and_leaves_no_temp_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("kraft_acceptance.prom");
        std::fs::create_dir(&p).unwrap();
        let e = super::write_atomic(&p, "a 1\n").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::IsADirectory);
        let left: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the directory: {left:?}");
    }

    #[test]
    fn destinations_a_run_cannot_write_are_told_before_it() {
        use super::unfit_destination as unfit;
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("f.prom");
        std::fs::write(&file, "").unwrap();
        let link = d.path().join("l.prom");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(unfit(&d.path().join("new/dir/f.prom"), false), None);
        assert_eq!(unfit(&file, false), None);
        assert_eq!(unfit(&d.path().join("report"), true), None);
        let said = |p: &std::path::Path, dir| unfit(p, dir).unwrap_or_default();
        assert!(said(&link, false).contains("symbolic link"));
        assert!(said(d.path(), false).contains("is a directory"));
        assert!(said(&file, true).contains("is not a directory"));
        assert!(said(&file.join("x"), false).contains("is not a directory"));
        assert!(said(std::path::Path::new("/proc"), true).contains("/proc"));
        assert!(said(std::path::Path::new("/sys/x.prom"), false).contains("/sys"));
    }
}
