//! Every static check can fail: each @static (and @engine) variant of
//! fixtures/broken must fail exactly the scenarios its expect.toml names, no
//! more, no fewer, with expected vs observed; the reference must pass.
//! Needs the compose CLI, not the engine.

use crate::common;

#[test]
fn every_broken_static_variant_fails_in_its_intended_scenarios() {
    let variants = common::broken_variants("@static");
    assert!(
        variants.len() >= 12,
        "want at least 12 static broken variants, found {}",
        variants.len()
    );
    // Engine checks read the engine's version from a test double, no engine.
    let variants: Vec<_> = variants
        .into_iter()
        .chain(common::broken_variants("@engine"))
        .collect();
    let handles: Vec<_> = variants
        .into_iter()
        .map(|(d, e)| std::thread::spawn(move || common::check_variant(&d, &e).map(|_| ())))
        .collect();
    let errors: Vec<String> = handles
        .into_iter()
        .filter_map(|h| h.join().unwrap().err())
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
}

#[test]
fn reference_passes_every_static_scenario_and_records_what_it_saw() {
    let run = common::verify(&common::root().join("fixtures/reference"), "@static", &[]);
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    let o = run.outcome.expect("outcome");
    assert!(
        o.scenarios.len() >= 13,
        "ran {} scenarios",
        o.scenarios.len()
    );
    for s in &o.scenarios {
        assert!(s.status.passed(), "{}", s.name);
        assert!(
            !s.observed.is_empty(),
            "a pass records what it observed: {}",
            s.name
        );
    }
}
