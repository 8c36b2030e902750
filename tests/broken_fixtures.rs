//! Every check can fail: each fixtures/broken variant must fail exactly the
//! scenarios its expect.toml names (no more, no fewer), with a message that
//! says expected vs observed; the reference must pass.

mod common;

use kraft_acceptance::runner::Status;

#[test]
fn every_broken_static_variant_fails_in_its_intended_scenarios() {
    let variants = common::broken_variants("@static");
    assert!(variants.len() >= 12, "want at least 12 static broken variants, found {}", variants.len());
    // Engine checks need the engine (or its test double) but no stack.
    let variants: Vec<_> = variants.into_iter().chain(common::broken_variants("@engine")).collect();
    let handles: Vec<_> = variants
        .into_iter()
        .map(|(d, e)| std::thread::spawn(move || common::check_variant(&d, &e).map(|_| ())))
        .collect();
    let errors: Vec<String> = handles.into_iter().filter_map(|h| h.join().unwrap().err()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
}

#[test]
fn reference_passes_every_static_scenario() {
    let run = common::verify(&common::root().join("fixtures/reference"), "@static", &[]);
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    assert!(run.scenarios.len() >= 13, "ran {} scenarios", run.scenarios.len());
    assert!(run.scenarios.iter().all(|s| s.status == Status::Passed));
}
