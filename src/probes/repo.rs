//! Reads the target repo: its docs and scripts for the ZooKeeper scan, and
//! its topics manifest, named or mounted into the bootstrap service.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::model::compose::ComposeModel;
use crate::model::topics::{parse_topics, ManifestError, TopicSpec, TopicsFormat};
use crate::target::Target;

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("cannot walk {path}: {source}")]
    Walk {
        path: PathBuf,
        source: walkdir::Error,
    },
    #[error("cannot read {path} (under the ZooKeeper scan's paths): {source}; the scan cannot say it has no mention")]
    ReadScanned {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("scan_allow pattern \"{pattern}\": {source}")]
    Allowlist {
        pattern: String,
        source: globset::Error,
    },
    #[error("cannot read {shown} (topics_manifest in kraft-acceptance.toml): {source}")]
    ReadManifest {
        shown: String,
        source: std::io::Error,
    },
    #[error("{shown} (topics_manifest in kraft-acceptance.toml): {source}")]
    Manifest {
        shown: String,
        source: ManifestError,
    },
    #[error("{service} mounts {} files that parse as a topics manifest ({}); name the one it reads in kraft-acceptance.toml: topics_manifest = \"{}\"", files.len(), files.join(", "), files[0])]
    AmbiguousManifest { service: String, files: Vec<String> },
}

/// Where the manifest came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestOrigin {
    /// `topics_manifest` in kraft-acceptance.toml.
    Named,
    /// The one file mounted into the bootstrap service that parses as one.
    Mounted { service: String },
}

/// A topics manifest, found and parsed.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Its path as shown (relative to the target).
    pub shown: String,
    pub origin: ManifestOrigin,
    pub topics: Vec<TopicSpec>,
}

impl std::fmt::Display for Manifest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.origin {
            ManifestOrigin::Named => write!(
                f,
                "{} (topics_manifest in kraft-acceptance.toml)",
                self.shown
            ),
            ManifestOrigin::Mounted { service } => {
                write!(f, "{} (mounted into {service})", self.shown)
            }
        }
    }
}

/// The bootstrap's topics manifest: the one the target names (in the shape
/// it declares), else the one file mounted into `bootstrap` (directly or
/// inside a mounted directory) that parses as one. None: the bootstrap's
/// topics come from code, and only the broker's state can tell what it does.
pub(crate) fn find_manifest(
    target: &Target,
    model: &ComposeModel,
    bootstrap: Option<&str>,
) -> Result<Option<Manifest>, RepoError> {
    if let Some(path) = &target.topics_manifest {
        let shown = target.display(path);
        let text = std::fs::read_to_string(path).map_err(|source| RepoError::ReadManifest {
            shown: shown.clone(),
            source,
        })?;
        let topics =
            parse_topics(&text, &target.topics_shape).map_err(|source| RepoError::Manifest {
                shown: shown.clone(),
                source,
            })?;
        return Ok(Some(Manifest {
            shown,
            origin: ManifestOrigin::Named,
            topics,
        }));
    }
    let mut found = Vec::new();
    for (file, text) in mounted_texts(target, model, bootstrap) {
        if let Ok(topics) = parse_topics(&text, &target.topics_shape) {
            let origin = ManifestOrigin::Mounted {
                service: bootstrap.unwrap_or_default().to_string(),
            };
            found.push(Manifest {
                shown: target.display(&file),
                origin,
                topics,
            });
        }
    }
    let bootstrap = bootstrap.unwrap_or_default();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(RepoError::AmbiguousManifest {
            service: bootstrap.to_string(),
            files: found.into_iter().map(|m| m.shown).collect(),
        }),
    }
}

/// The files mounted into `bootstrap` that may be its topics list: any, in
/// the full format (it is strict enough); only ones named like a topics
/// list in the names-only format (any text file would parse as names).
fn mounted_texts(
    target: &Target,
    model: &ComposeModel,
    bootstrap: Option<&str>,
) -> Vec<(PathBuf, String)> {
    let Some(svc) = bootstrap.and_then(|b| model.service(b).ok()) else {
        return Vec::new();
    };
    svc.bind_sources()
        .flat_map(|s| mounted_files(Path::new(s)))
        .filter(|f| target.topics_shape.format == TopicsFormat::Full || looks_like_manifest(f))
        .filter_map(|f| std::fs::read_to_string(&f).ok().map(|t| (f, t)))
        .collect()
}

/// Files mounted into the bootstrap that are named like a topics list but
/// are not one in the target's format: passed over, and said so (a repo's
/// own shape, read by its own script, is no defect).
pub fn passed_over(target: &Target, model: &ComposeModel, bootstrap: Option<&str>) -> Vec<String> {
    if target.topics_manifest.is_some() {
        return Vec::new();
    }
    mounted_texts(target, model, bootstrap)
        .into_iter()
        .filter(|(f, _)| looks_like_manifest(f))
        .filter_map(|(f, text)| {
            parse_topics(&text, &target.topics_shape)
                .err()
                .map(|e| format!("{} ({e})", target.display(&f)))
        })
        .collect()
}

/// A mounted file, or the files directly inside a mounted directory.
fn mounted_files(source: &Path) -> Vec<PathBuf> {
    if source.is_file() {
        return vec![source.to_path_buf()];
    }
    let Ok(entries) = std::fs::read_dir(source) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
}

/// A file named as a topics list in the plain format (`kafka-topics.txt`,
/// `topics`), not a script or a structured config that a program reads.
fn looks_like_manifest(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase());
    name.contains("topic") && matches!(ext.as_deref(), None | Some("txt") | Some("list"))
}

/// Mentions listed per list (outside and inside the allowlist); the rest
/// are counted.
const MENTIONS_LISTED: usize = 200;
/// Bytes of a line shown with its mention; a longer line is cut and its
/// length said.
const LINE_SHOWN: usize = 200;

#[derive(Debug, Default, Clone)]
pub struct ScanResult {
    /// `path:line: text` outside the allowlist, the first [`MENTIONS_LISTED`].
    pub findings: Vec<String>,
    /// Every mention outside the allowlist, listed or not.
    pub findings_total: usize,
    /// `path:line: text` inside the allowlist (reported, not failed).
    pub allowed: Vec<String>,
    pub allowed_total: usize,
    pub files_scanned: usize,
}

impl ScanResult {
    fn add(&mut self, allowed: bool, mention: String) {
        let (list, total) = match allowed {
            true => (&mut self.allowed, &mut self.allowed_total),
            false => (&mut self.findings, &mut self.findings_total),
        };
        *total += 1;
        if list.len() < MENTIONS_LISTED {
            list.push(mention);
        }
    }
}

/// Scans every file under the target's scan paths, as bytes (a mention in
/// Latin-1 is a mention), a line at a time so memory does not grow with a
/// file. Missing paths are skipped (a repo without a Makefile has nothing
/// to scan there); a file or directory that cannot be read fails the scan.
/// Symbolic links, FIFOs and devices are not followed or read.
pub fn scan_zookeeper(target: &Target) -> Result<ScanResult, RepoError> {
    let allow = allowlist(&target.scan_allow)?;
    let mut out = ScanResult::default();
    for root in target.scan_paths.iter().filter(|p| p.exists()) {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.map_err(|source| RepoError::Walk {
                path: root.clone(),
                source,
            })?;
            if !entry.file_type().is_file() || is_hidden(entry.path(), root) {
                continue;
            }
            let shown = target.display(entry.path());
            let allowed = allow.is_match(&shown);
            let read = |source| RepoError::ReadScanned {
                path: entry.path().to_path_buf(),
                source,
            };
            let file = std::fs::File::open(entry.path()).map_err(read)?;
            out.files_scanned += 1;
            scan_stream(file, |line, text| {
                out.add(allowed, format!("{shown}:{line}: {text}"))
            })
            .map_err(read)?;
        }
    }
    Ok(out)
}

fn is_hidden(p: &Path, root: &Path) -> bool {
    p.strip_prefix(root)
        .map(|rel| {
            rel.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .unwrap_or(false)
}

/// One line being read: its number, its first bytes, its length, the last
/// bytes of it (a mention may span two reads), and whether it mentions.
#[derive(Default)]
struct Line {
    number: usize,
    head: Vec<u8>,
    len: usize,
    tail: Vec<u8>,
    mentions: bool,
}

const WORD: &[u8] = b"zookeeper";

impl Line {
    fn push(&mut self, part: &[u8]) {
        let room = LINE_SHOWN.saturating_sub(self.head.len());
        self.head.extend_from_slice(&part[..part.len().min(room)]);
        self.len += part.len();
        if !self.mentions {
            let mut joined = self.tail.clone();
            joined.extend_from_slice(&part[..part.len().min(WORD.len())]);
            self.mentions = has_word(&joined) || has_word(part);
        }
        let keep = WORD.len() - 1;
        let mut tail = std::mem::take(&mut self.tail);
        tail.extend_from_slice(&part[part.len().saturating_sub(keep)..]);
        self.tail = tail[tail.len().saturating_sub(keep)..].to_vec();
    }

    /// The line as shown: trimmed, cut at [`LINE_SHOWN`] bytes with its length.
    fn shown(&self) -> String {
        let text = decode(&self.head);
        let text = text.trim();
        match self.len > LINE_SHOWN {
            true => format!("{text}… (line cut; {} bytes)", self.len),
            false => text.to_string(),
        }
    }
}

fn has_word(b: &[u8]) -> bool {
    b.windows(WORD.len()).any(|w| w.eq_ignore_ascii_case(WORD))
}

/// UTF-8 where it is; else each byte as Latin-1 (what older docs use).
fn decode(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        // A cut in the middle of a character is still UTF-8.
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(b).into_owned(),
        Err(_) => b.iter().map(|&c| c as char).collect(),
    }
}

/// Reads `r` to its end, calling `found(line number, shown text)` for
/// each line that mentions ZooKeeper (any case).
fn scan_stream(
    mut r: impl std::io::Read,
    mut found: impl FnMut(usize, String),
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut line = Line {
        number: 1,
        ..Line::default()
    };
    let mut end = |line: &mut Line| {
        if line.mentions {
            found(line.number, line.shown());
        }
        *line = Line {
            number: line.number + 1,
            ..Line::default()
        };
    };
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let mut parts = buf[..n].split(|b| *b == b'\n').peekable();
        while let Some(part) = parts.next() {
            line.push(part);
            if parts.peek().is_some() {
                end(&mut line);
            }
        }
    }
    if line.len > 0 {
        end(&mut line);
    }
    Ok(())
}

/// Lines of `text` that mention ZooKeeper, as `path:line: text`.
pub fn mentions(path: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let _ = scan_stream(text.as_bytes(), |n, l| out.push(format!("{path}:{n}: {l}")));
    out
}

pub fn allowlist(patterns: &[String]) -> Result<GlobSet, RepoError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|source| RepoError::Allowlist {
            pattern: p.clone(),
            source,
        })?);
    }
    b.build().map_err(|source| RepoError::Allowlist {
        pattern: patterns.join(", "),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_file_and_line_case_insensitively() {
        let m = mentions(
            "docs/run.md",
            "start kafka\nthen start Zookeeper\nok\nZOOKEEPER_HOST=x",
        );
        assert_eq!(
            m,
            vec![
                "docs/run.md:2: then start Zookeeper",
                "docs/run.md:4: ZOOKEEPER_HOST=x"
            ]
        );
        assert!(mentions("a", "KRaft only").is_empty());
    }

    #[test]
    fn latin1_long_lines_and_split_reads_are_scanned_as_bytes() {
        // "Zoo" + "Keeper", Latin-1 around it (0xE4 is ä, not UTF-8).
        let latin1 = b"Vi k\xe4r ZooKeeper h\xe4r\n";
        assert_eq!(
            mentions_of(latin1),
            vec!["1: Vi k\u{e4}r ZooKeeper h\u{e4}r"]
        );
        // A line longer than is shown: cut, its length said.
        let mut long = vec![b'x'; 300_000];
        long.extend_from_slice(b" zookeeper\nok\n");
        assert_eq!(
            mentions_of(&long),
            vec![format!(
                "1: {}… (line cut; 300010 bytes)",
                "x".repeat(LINE_SHOWN)
            )]
        );
        // A mention across two reads of a reader that returns 4 bytes at a time.
        let mut found = Vec::new();
        let text = b"abc\nkafka not zookeeper\n";
        scan_stream(Trickle(text, 0), |n, l| found.push(format!("{n}: {l}"))).unwrap();
        assert_eq!(found, vec!["2: kafka not zookeeper"]);
    }

    /// A reader that hands out 4 bytes at a time.
    struct Trickle<'a>(&'a [u8], usize);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = (self.0.len() - self.1).min(4).min(buf.len());
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }

    fn mentions_of(b: &[u8]) -> Vec<String> {
        let mut found = Vec::new();
        scan_stream(b, |n, l| found.push(format!("{n}: {l}"))).unwrap();
        found
    }

    fn scan_target(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Target) {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        for (name, body) in files {
            std::fs::write(root.join(name), body).unwrap();
        }
        std::fs::write(
            root.join("kraft-acceptance.toml"),
            "layerings = {}\nscan_paths = [\"docs\"]\n",
        )
        .unwrap();
        let t = Target::load(&root).unwrap();
        (d, t)
    }

    #[test]
    fn a_latin1_doc_mentioning_zookeeper_is_a_finding() {
        let (_d, t) = scan_target(&[
            ("docs/a.md", b"KRaft only\n"),
            (
                "docs/b.md",
                b"Gammal ZooKeeper-konfiguration f\xf6r Kafka\n",
            ),
        ]);
        let r = scan_zookeeper(&t).unwrap();
        assert_eq!(r.files_scanned, 2);
        assert_eq!(
            r.findings,
            vec!["docs/b.md:1: Gammal ZooKeeper-konfiguration f\u{f6}r Kafka"]
        );
    }

    #[test]
    fn mentions_are_listed_up_to_a_bound_and_counted() {
        let many = "zookeeper\n".repeat(MENTIONS_LISTED + 50);
        let (_d, t) = scan_target(&[("docs/a.md", many.as_bytes())]);
        let r = scan_zookeeper(&t).unwrap();
        assert_eq!(
            (r.findings.len(), r.findings_total),
            (MENTIONS_LISTED, MENTIONS_LISTED + 50)
        );
    }

    #[test]
    fn an_unreadable_doc_fails_the_scan_naming_it() {
        use std::os::unix::fs::PermissionsExt;
        let (d, t) = scan_target(&[("docs/a.md", b"KRaft\n"), ("docs/b.md", b"zookeeper\n")]);
        let b = t.dir.join("docs/b.md");
        std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o000)).unwrap();
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        // As root the file would still be readable: the scan runs on a thread
        // whose file-system uid is nobody's (setfsuid is per thread and drops
        // the file capabilities); as another user the mode alone does it.
        let r = std::thread::spawn(move || {
            unsafe { nix::libc::setfsuid(65534) };
            scan_zookeeper(&t)
        })
        .join()
        .unwrap();
        let e = r.unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("cannot read {} ", b.display()))
                && e.contains("ermission denied"),
            "{e}"
        );
    }

    #[test]
    fn allowlist_matches_globs() {
        let a = allowlist(&["docs/decisions/**".into()]).unwrap();
        assert!(a.is_match("docs/decisions/0028-kraft.md"));
        assert!(!a.is_match("docs/runbooks/kafka.md"));
        assert!(allowlist(&["[".into()]).is_err());
    }

    fn model(volumes: &[&str]) -> ComposeModel {
        let v: Vec<String> = volumes
            .iter()
            .map(|s| format!(r#"{{"type":"bind","source":"{s}","target":"/x"}}"#))
            .collect();
        serde_json::from_str(&format!(
            r#"{{"services":{{"setup":{{"volumes":[{}]}}}}}}"#,
            v.join(",")
        ))
        .unwrap()
    }

    /// A target with no layerings (these tests hand the model in).
    fn target(dir: &Path) -> Target {
        if !dir.join("kraft-acceptance.toml").exists() {
            std::fs::write(dir.join("kraft-acceptance.toml"), "layerings = {}\n").unwrap();
        }
        Target::load(dir).unwrap()
    }

    #[test]
    fn finds_the_one_mounted_manifest_else_none() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("kafka")).unwrap();
        std::fs::write(root.join("kafka/topics.txt"), "a.v1 3 1\n").unwrap();
        std::fs::write(root.join("kafka/setup.py"), "import os\nprint('x')\n").unwrap();
        std::fs::write(root.join("other.txt"), "b.v1 1 1\n").unwrap();
        let t = target(&root);
        let file = root.join("kafka/topics.txt");
        let m = find_manifest(&t, &model(&[file.to_str().unwrap()]), Some("setup"))
            .unwrap()
            .unwrap();
        assert_eq!((m.shown.as_str(), m.topics.len()), ("kafka/topics.txt", 1));
        assert_eq!(m.to_string(), "kafka/topics.txt (mounted into setup)");
        // A mounted directory: its files are searched; the script is not a manifest.
        let dir = root.join("kafka");
        assert_eq!(
            find_manifest(&t, &model(&[dir.to_str().unwrap()]), Some("setup"))
                .unwrap()
                .unwrap()
                .shown,
            "kafka/topics.txt"
        );
        // Only code mounted: no manifest.
        let py = root.join("kafka/setup.py");
        assert!(
            find_manifest(&t, &model(&[py.to_str().unwrap()]), Some("setup"))
                .unwrap()
                .is_none()
        );
        assert!(find_manifest(&t, &model(&[]), Some("setup"))
            .unwrap()
            .is_none());
        assert!(find_manifest(&t, &model(&[]), Some("no-such-service"))
            .unwrap()
            .is_none());
        // Two: ambiguous, and the message says what to write.
        let other = root.join("other.txt");
        let e = find_manifest(
            &t,
            &model(&[file.to_str().unwrap(), other.to_str().unwrap()]),
            Some("setup"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "setup mounts 2 files that parse as a topics manifest (kafka/topics.txt, other.txt); name the one it reads in kraft-acceptance.toml: topics_manifest = \"kafka/topics.txt\""
        );
    }

    #[test]
    fn a_mounted_topics_list_in_its_own_shape_is_passed_over_and_said_so() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        // `topic partitions`, replication set in the bootstrap's own script.
        std::fs::write(root.join("kafka-topics.txt"), "a.v1 3\n").unwrap();
        let t = target(&root);
        let f = root.join("kafka-topics.txt");
        let m = model(&[f.to_str().unwrap()]);
        assert!(
            find_manifest(&t, &m, Some("setup")).unwrap().is_none(),
            "not the manifest: no failure"
        );
        assert_eq!(passed_over(&t, &m, Some("setup")), vec!["kafka-topics.txt (line 1: expected `topic partitions replication-factor`, got \"a.v1 3\")"]);
    }

    #[test]
    fn a_names_only_list_is_found_by_its_name_only() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::write(
            root.join("kraft-acceptance.toml"),
            "layerings = {}\n[topics]\nformat = \"names\"\npartitions = 3\n",
        )
        .unwrap();
        std::fs::write(root.join("topics.list"), "orders.v1\npayments.v1\n").unwrap();
        std::fs::write(root.join("init.sh"), "kafka-topics.sh\n").unwrap();
        let t = target(&root);
        let (list, script) = (root.join("topics.list"), root.join("init.sh"));
        let m = find_manifest(
            &t,
            &model(&[list.to_str().unwrap(), script.to_str().unwrap()]),
            Some("setup"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (
                m.topics.len(),
                m.topics[0].partitions,
                m.topics[0].replication
            ),
            (2, 3, 1)
        );
        assert!(
            find_manifest(&t, &model(&[script.to_str().unwrap()]), Some("setup"))
                .unwrap()
                .is_none(),
            "a script is no names list"
        );
    }

    #[test]
    fn a_named_manifest_must_exist_and_parse() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::write(
            root.join("kraft-acceptance.toml"),
            "topics_manifest = \"t.txt\"\nlayerings = {}\n",
        )
        .unwrap();
        let t = target(&root);
        let e = find_manifest(&t, &model(&[]), Some("setup"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("cannot read t.txt (topics_manifest in kraft-acceptance.toml): "),
            "{e}"
        );
        std::fs::write(root.join("t.txt"), "x 1 1\n").unwrap();
        let m = find_manifest(&t, &model(&[]), Some("setup"))
            .unwrap()
            .unwrap();
        assert_eq!(
            m.to_string(),
            "t.txt (topics_manifest in kraft-acceptance.toml)"
        );
    }
}
