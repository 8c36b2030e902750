//! A hostile or careless repo: every child the harness starts is bounded
//! and gone when the harness ends, a signal included; bad flag values are
//! one line, exit 2, nothing started.

use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common;

/// (pid, ppid, pgid, state) of every process.
fn processes() -> Vec<(i32, i32, i32, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let f: Vec<&str> = rest.split_whitespace().collect();
        out.push((
            pid,
            f[1].parse().unwrap(),
            f[2].parse().unwrap(),
            f[0].into(),
        ));
    }
    out
}

/// The process groups of `root`'s descendants (by the parent chain).
fn descendant_groups(root: i32) -> Vec<i32> {
    let all = processes();
    let mut pids = vec![root];
    let mut groups = Vec::new();
    let mut i = 0;
    while i < pids.len() {
        for (pid, ppid, pgid, _) in &all {
            if *ppid == pids[i] && !pids.contains(pid) {
                pids.push(*pid);
                groups.push(*pgid);
            }
        }
        i += 1;
    }
    groups.sort();
    groups.dedup();
    groups
}

/// Processes of `groups` that still run (zombies wait for a reaper only).
fn alive_in(groups: &[i32]) -> Vec<String> {
    processes()
        .into_iter()
        .filter(|(_, _, g, s)| groups.contains(g) && s != "Z" && s != "X")
        .map(|(p, _, g, s)| format!("pid {p} (group {g}, state {s})"))
        .collect()
}

/// Starts the harness, waits until it has a child of `needle`'s kind, sends
/// SIGTERM, and checks that no process of the run is alive afterwards.
fn sigterm_mid_run(mut c: std::process::Command, needle: &str) {
    let mut h: Child = c
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = h.id() as i32;
    let started = Instant::now();
    let mut groups = Vec::new();
    while started.elapsed() < Duration::from_secs(30) {
        groups = descendant_groups(pid);
        let cmdlines: Vec<String> = processes()
            .iter()
            .filter(|(_, _, g, _)| groups.contains(g))
            .filter_map(|(p, ..)| std::fs::read(format!("/proc/{p}/cmdline")).ok())
            .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
            .collect();
        if cmdlines.iter().any(|c| c.contains(needle)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!groups.is_empty(), "the run started no child of {needle:?}");
    // Let it run into the hostile input for a while.
    std::thread::sleep(Duration::from_secs(2));
    groups = descendant_groups(pid);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = h.wait().unwrap();
    assert_eq!(status.code(), Some(143), "{status:?}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(alive_in(&groups), Vec::<String>::new(), "groups {groups:?}");
}

#[test]
fn sigterm_mid_compose_resolution_of_a_yaml_bomb_leaves_no_process() {
    let mut c = common::bin();
    c.args(["verify", "--tags", "@static", "--project-dir"])
        .arg(common::root().join("fixtures/bad-input/yaml-bomb"));
    sigterm_mid_run(c, "config --format json");
}

#[test]
fn sigterm_while_a_validator_blocks_on_a_fifo_leaves_no_process() {
    let d = tempfile::tempdir().unwrap();
    let repo = d.path().join("repo");
    let cp = std::process::Command::new("cp")
        .arg("-r")
        .arg(common::root().join("fixtures/reference"))
        .arg(&repo)
        .status()
        .unwrap();
    assert!(cp.success());
    nix::unistd::mkfifo(&repo.join("docs/notes.md"), nix::sys::stat::Mode::S_IRWXU).unwrap();
    std::fs::write(
        repo.join("kraft-acceptance.toml"),
        "validators = [\"sh -c 'cat docs/notes.md'\"]\n",
    )
    .unwrap();
    let mut c = common::bin();
    c.args(["verify", "--tags", "@validators", "--project-dir"])
        .arg(&repo);
    sigterm_mid_run(c, "cat docs/notes.md");
}

fn one_line_exit_2(out: &std::process::Output, wants: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "want one line: {stderr}");
    for w in wants {
        assert!(stderr.contains(w), "want {w:?} in: {stderr}");
    }
}

#[test]
fn a_compose_resolution_past_its_bound_is_one_line_naming_the_file() {
    let started = Instant::now();
    let out = common::bin()
        .args([
            "verify",
            "--tags",
            "@static",
            "--compose-limit",
            "3",
            "--project-dir",
        ])
        .arg(common::root().join("fixtures/bad-input/yaml-bomb"))
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    one_line_exit_2(
        &out,
        &[
            "did not finish within 3 s reading ",
            "fixtures/bad-input/yaml-bomb/docker-compose.infrastructure.yml",
            "--compose-limit",
        ],
    );
}

#[test]
fn time_flags_are_positive_finite_seconds() {
    for (flag, value) in [
        ("--wait-limit", "NaN"),
        ("--wait-limit", "inf"),
        ("--wait-limit", "-1"),
        ("--lock-wait", "1e300"),
        ("--compose-limit", "0"),
    ] {
        let out = common::bin()
            .args(["verify", "--tags", "@static", flag, value])
            .output()
            .unwrap();
        one_line_exit_2(&out, &[flag, "want a number of seconds above 0"]);
    }
}

#[test]
fn an_unknown_layering_or_none_at_all_is_bad_input() {
    let out = common::bin()
        .args(["verify", "--tags", "@static", "--layering", "nope"])
        .output()
        .unwrap();
    one_line_exit_2(
        &out,
        &["--layering nope: the target has no such layering (layerings: hemma, infrastructure)"],
    );
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("kraft-acceptance.toml"), "[layerings]\n").unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = common::bin()
        .args(["verify", "--tags", "@static", "--project-dir"])
        .arg(d.path())
        .output()
        .unwrap();
    one_line_exit_2(&out, &["[layerings] is empty"]);
}

#[test]
fn a_report_md_symlink_is_replaced_and_the_file_it_points_to_is_unchanged() {
    let d = tempfile::tempdir().unwrap();
    let outside = d.path().join("outside.txt");
    std::fs::write(&outside, "not the harness's\n").unwrap();
    let report = d.path().join("report");
    std::fs::create_dir(&report).unwrap();
    std::os::unix::fs::symlink(&outside, report.join("report.md")).unwrap();
    let out = common::bin()
        .args(["verify", "--tags", "@static", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&outside).unwrap(),
        "not the harness's\n",
        "the file the link pointed to was written"
    );
    let md = report.join("report.md");
    assert!(!std::fs::symlink_metadata(&md).unwrap().is_symlink());
    assert!(std::fs::read_to_string(&md).unwrap().contains("@static"));
    let left: Vec<_> = std::fs::read_dir(&report)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temp files left: {left:?}");
}

#[test]
fn a_metrics_file_that_is_a_directory_leaves_no_temp_file_in_its_parent() {
    let d = tempfile::tempdir().unwrap();
    let metrics = d.path().join("metrics.prom");
    std::fs::create_dir(&metrics).unwrap();
    let out = common::bin()
        .args(["verify", "--tags", "@static", "--metrics-file"])
        .arg(&metrics)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let names: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["metrics.prom".to_string()]);
}

#[test]
fn a_tag_expression_nested_20000_deep_is_one_line_not_a_stack_overflow() {
    let deep = format!("{}@static{}", "(".repeat(20_000), ")".repeat(20_000));
    let out = common::bin()
        .args(["verify", "--tags", &deep])
        .output()
        .unwrap();
    one_line_exit_2(&out, &["20000 operators and parentheses; at most 100"]);
}

/// `verify --tags @static` of the reference, its stdout given `stdout`.
fn static_run_to(stdout: Stdio) -> std::process::Output {
    common::bin()
        .args(["verify", "--tags", "@static"])
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_full_or_closed_stdout_ends_the_run_with_its_usual_exit_code() {
    let usual = static_run_to(Stdio::null()).status.code();
    assert_eq!(usual, Some(0), "the reference passes its static scenarios");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = static_run_to(full.into());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), usual, "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // A reader that takes nothing: the pipe is closed before the run writes.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = static_run_to(writer.into());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), usual, "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn init_print_to_a_full_stdout_is_the_io_error_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = common::bin()
        .args(["init", "--print", "--project-dir", "fixtures/reference"])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("writing the toml to stdout: No space left on device"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn output_destinations_are_checked_before_any_scenario_runs() {
    let d = tempfile::tempdir().unwrap();
    let file = d.path().join("a.prom");
    std::fs::write(&file, "").unwrap();
    let link = d.path().join("link.prom");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let dir = d.path().to_path_buf();
    let cases = [
        ("--report", std::path::PathBuf::from("/proc"), "under /proc"),
        ("--report", file.clone(), "is not a directory"),
        ("--metrics-file", link, "is a symbolic link"),
        ("--baseline", dir, "is a directory"),
    ];
    for (flag, path, want) in cases {
        let out = common::bin()
            .args(["verify", "--tags", "@static", flag])
            .arg(&path)
            .output()
            .unwrap();
        one_line_exit_2(&out, &[flag, want]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.is_empty(), "nothing ran: {stdout}");
    }
}

/// Every fixture of a toml path that cannot be right, with the one line it
/// gives before anything runs.
#[test]
fn toml_paths_that_leave_the_repo_or_lead_nowhere_are_one_line_naming_the_key() {
    let cases: &[(&str, &[&str])] = &[
        (
            "scan-path-absolute-outside",
            &["scan_paths: /etc/passwd leaves the repo (/etc/passwd is outside "],
        ),
        (
            "scan-path-dotdot-outside",
            &[
                "extra_scan_paths: docs/../../invalid-yaml leaves the repo (",
                "fixtures/bad-input/invalid-yaml is outside ",
            ],
        ),
        (
            "scan-path-nul",
            &["scan_paths: \"docs\\0/x\" holds a NUL byte"],
        ),
        (
            "project-directory-missing",
            &[
                "project_directory = \"nope/dir\": ",
                "/nope/dir, does not exist",
            ],
        ),
        (
            "project-directory-is-a-file",
            &[
                "project_directory = \"kraft-acceptance.toml\": ",
                "is a file; name a directory",
            ],
        ),
        (
            "project-directory-root",
            &["project_directory = \"/\": /, is the file system's root"],
        ),
        (
            "profile-looks-like-a-flag",
            &[
                "profiles: \"--all\" is not a compose profile name",
                "read it as a flag",
            ],
        ),
        (
            "base-is-itself",
            &[
                "`base` makes a cycle: ",
                "base-is-itself/kraft-acceptance.toml -> ",
                "base-is-itself/kraft-acceptance.toml;",
            ],
        ),
        (
            "base-cycle",
            &[
                "`base` makes a cycle: ",
                "base-cycle/kraft-acceptance.toml -> ",
                "base-cycle/other/kraft-acceptance.toml -> ",
            ],
        ),
    ];
    for (fixture, wants) in cases {
        let out = common::bin()
            .args(["verify", "--tags", "@static", "--project-dir"])
            .arg(common::root().join("fixtures/bad-input").join(fixture))
            .output()
            .unwrap();
        one_line_exit_2(&out, wants);
        assert!(out.stdout.is_empty(), "{fixture}: nothing runs");
    }
}

#[test]
fn a_20_mb_topics_manifest_is_named_by_its_length_not_echoed() {
    let d = tempfile::tempdir().unwrap();
    let long = "a".repeat(20_000_000);
    std::fs::write(
        d.path().join("kraft-acceptance.toml"),
        format!("topics_manifest = \"{long}\"\n"),
    )
    .unwrap();
    let out = common::bin()
        .args(["verify", "--tags", "@static", "--project-dir"])
        .arg(d.path())
        .output()
        .unwrap();
    one_line_exit_2(
        &out,
        &["topics_manifest: a path of 20000000 bytes; a path has at most 4096"],
    );
    assert!(out.stderr.len() < 1000 && out.stdout.is_empty());
}

#[test]
fn profiles_that_look_like_flags_or_are_empty_are_refused() {
    for (profile, reads_as) in [
        ("--all", "a flag"),
        ("$(id)", "nothing it knows"),
        ("", "nothing it knows"),
    ] {
        let d = tempfile::tempdir().unwrap();
        let base = common::root().join("fixtures/reference");
        std::fs::write(
            d.path().join("kraft-acceptance.toml"),
            format!(
                "base = {:?}\nprofiles = [\"tools\", {profile:?}]\n",
                base.display().to_string()
            ),
        )
        .unwrap();
        let out = common::bin()
            .args(["verify", "--tags", "@static", "--project-dir"])
            .arg(d.path())
            .output()
            .unwrap();
        one_line_exit_2(
            &out,
            &[
                &format!("profiles: {profile:?} is not a compose profile name"),
                reads_as,
            ],
        );
        assert!(out.stdout.is_empty(), "{profile:?}: nothing runs");
    }
}

#[test]
fn init_force_over_a_toml_that_is_a_directory_leaves_nothing_behind() {
    let d = tempfile::tempdir().unwrap();
    let repo = d.path().join("repo");
    let cp = std::process::Command::new("cp")
        .arg("-r")
        .arg(common::root().join("fixtures/reference"))
        .arg(&repo)
        .status()
        .unwrap();
    assert!(cp.success());
    std::fs::create_dir(repo.join("kraft-acceptance.toml")).unwrap();
    let before = std::fs::read_dir(&repo).unwrap().count();
    let out = common::bin()
        .args(["init", "--force", "--project-dir"])
        .arg(&repo)
        .output()
        .unwrap();
    one_line_exit_2(&out, &["kraft-acceptance.toml: is a directory, not a file"]);
    let tmp: Vec<String> = std::fs::read_dir(&repo)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(tmp.is_empty(), "temp files left: {tmp:?}");
    assert_eq!(std::fs::read_dir(&repo).unwrap().count(), before);
}
