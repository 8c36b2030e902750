//! Every static check can fail: each @static (and @engine) variant of
//! fixtures/broken must fail exactly the scenarios its expect.toml names, no
//! more, no fewer, with expected vs observed; the reference must pass.
//! Needs the compose CLI, and the engine for Kafka's own setup (the KRaft
//! scenario), a few variants at a time: each setup is a JVM.

use crate::common;

#[test]
#[ignore = "needs a Docker Engine (Kafka's own setup); scripts/test.sh runs it"]
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
    let errors = common::each_at_most(3, variants, |(d, e)| {
        common::check_variant(&d, &e).map(|_| ())
    });
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
}

#[test]
#[ignore = "needs a Docker Engine (Kafka's own setup); scripts/test.sh runs it"]
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
