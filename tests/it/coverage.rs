//! No false passes: every scenario of every feature is failed by some
//! broken fixture (its expect.toml names it) or by a named test here.

use std::collections::BTreeSet;

use kraft_acceptance::run::selection;

use crate::common;

/// Scenarios a fixture directory cannot fail on its own, and the test that
/// fails them instead (a function of this test crate).
const BY_TEST: &[(&str, &str)] = &[
    (
        "The broker speaks KRaft on the wire",
        "the_kraft_wire_checks_fail_on_a_zookeeper_mode_broker",
    ),
    (
        "Kafka and Redis ports are refused on every non-loopback address of this host",
        "outside_view_and_inventory_catch_a_wildcard_listener_in_a_test_host",
    ),
    (
        "Only allowed public services listen on a non-loopback address of this host",
        "outside_view_and_inventory_catch_a_wildcard_listener_in_a_test_host",
    ),
    (
        "No neighbour on the LAN reaches Kafka or Redis",
        "the_neighbour_probe_fails_without_the_guard_and_passes_with_it",
    ),
    (
        "Every manifest topic exists on the deployed broker",
        "attach_fails_when_the_manifest_topics_are_missing",
    ),
    (
        "Every image of the stack resolves in its registry for every required platform",
        "the_images_criterion_passes_a_manifest_list_and_fails_single_arch_and_missing_tags",
    ),
];

fn test_functions() -> BTreeSet<String> {
    let dir = common::root().join("tests/it");
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let mut lines = text.lines().peekable();
        while let Some(l) = lines.next() {
            if l.trim() == "#[test]" {
                // The attributes that follow (#[ignore]...), then the fn.
                for next in lines.by_ref() {
                    if let Some(rest) = next.trim().strip_prefix("fn ") {
                        out.insert(rest.split('(').next().unwrap_or("").to_string());
                        break;
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_scenario_is_failed_by_a_broken_fixture_or_a_named_test() {
    let all = selection::scenarios(&selection::feature_sources(None).unwrap()).unwrap();
    let by_fixture: BTreeSet<String> = common::all_variants()
        .into_iter()
        .flat_map(|(_, e)| e.fails)
        .collect();
    let tests = test_functions();
    let mut uncovered = Vec::new();
    for s in &all {
        let named = BY_TEST.iter().find(|(n, _)| *n == s.name);
        match named {
            Some((_, t)) if !tests.contains(*t) => {
                uncovered.push(format!("{}: named test {t} does not exist", s.name))
            }
            Some(_) => {}
            None if by_fixture.contains(&s.name) => {}
            None => uncovered.push(format!("{}: no broken fixture fails it", s.name)),
        }
    }
    assert!(
        uncovered.is_empty(),
        "scenarios no test proves can fail:\n{}",
        uncovered.join("\n")
    );
    // And every fixture names only scenarios that exist.
    let names: BTreeSet<&str> = all.iter().map(|s| s.name.as_str()).collect();
    let stale: Vec<&String> = by_fixture
        .iter()
        .filter(|n| !names.contains(n.as_str()))
        .collect();
    assert!(
        stale.is_empty(),
        "expect.toml names scenarios no feature has: {stale:?}"
    );
}

/// One name per criterion: a broken fixture's name starts with the name of
/// the feature it breaks (`fixtures/broken/kraft-...` fails a scenario of
/// `features/kraft.feature`).
#[test]
fn every_broken_fixture_is_named_for_the_criterion_it_breaks() {
    let sources = selection::feature_sources(None).unwrap();
    let mut by_feature = std::collections::BTreeMap::new();
    for (file, text) in &sources {
        let stem = std::path::Path::new(file)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let names: BTreeSet<String> = selection::scenarios(&[(file.clone(), text.clone())])
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        by_feature.insert(stem, names);
    }
    let mut wrong = Vec::new();
    for (dir, expect) in common::all_variants() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let prefix = name.split('-').next().unwrap_or("");
        match by_feature.get(prefix) {
            None => wrong.push(format!("{name}: no features/{prefix}.feature")),
            Some(names) if !expect.fails.iter().any(|f| names.contains(f)) => wrong.push(format!(
                "{name}: fails no scenario of features/{prefix}.feature (fails {:?})",
                expect.fails
            )),
            Some(_) => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
