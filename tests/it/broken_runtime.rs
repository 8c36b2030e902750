//! Every runtime check can fail: each @runtime variant of fixtures/broken
//! (overlays on the reference, run on the stand-in) must fail exactly its
//! intended scenarios, and leave no container, network or volume behind.
//! In sequence: the variants share host ports 9093 and 6379.

use crate::common;

#[test]
#[ignore = "needs a Docker Engine (and root for some); scripts/test.sh runs it"]
fn every_broken_runtime_variant_fails_in_its_intended_scenarios_and_leaves_nothing() {
    let _stack = common::stack_lock();
    let variants = common::broken_variants("@runtime");
    assert!(
        variants.len() >= 9,
        "want at least 9 runtime broken variants, found {}",
        variants.len()
    );
    let mut errors = Vec::new();
    for (dir, expect) in &variants {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let started = std::time::Instant::now();
        match common::check_variant(dir, expect) {
            Err(e) => errors.push(e),
            Ok(run) => match common::project_of(&run.stdout()) {
                None => errors.push(format!("{name}: no stack line in the output")),
                Some(p) => {
                    let left = common::leftovers(&p);
                    if !left.is_empty() {
                        errors.push(format!("{name}: project {p} left {left:?}"));
                    }
                }
            },
        }
        eprintln!("{name}: {:.1} s", started.elapsed().as_secs_f64());
    }
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
}
