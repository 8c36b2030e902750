//! `cargo test --test acceptance`: the Gherkin features on the bundled
//! reference target, through the same runner as `kraft-acceptance verify`.
//! KRAFT_ACCEPTANCE_TAGS narrows the selection (same syntax as --tags).

use std::path::PathBuf;
use std::process::ExitCode;

use kraft_acceptance::runner::{self, Status, VerifyOptions};

#[tokio::main]
async fn main() -> ExitCode {
    let opts = VerifyOptions {
        project_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/reference"),
        tags: std::env::var("KRAFT_ACCEPTANCE_TAGS").ok(),
        report: std::env::var_os("KRAFT_ACCEPTANCE_REPORT").map(PathBuf::from),
        features: None,
    };
    match runner::verify(&opts).await {
        Err(e) => {
            eprintln!("acceptance: {e}");
            ExitCode::FAILURE
        }
        Ok(o) => {
            println!("acceptance: {} passed, {} failed", o.count(Status::Passed), o.scenarios.len() - o.count(Status::Passed));
            if o.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
    }
}
