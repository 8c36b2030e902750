//! `cargo test --test acceptance`: the Gherkin features on the bundled
//! reference target, through the same runner as `kraft-acceptance verify`.
//! KRAFT_ACCEPTANCE_TAGS narrows the selection (same syntax as --tags);
//! KRAFT_ACCEPTANCE_IMAGES=real|standin|auto picks the runtime images.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use kraft_acceptance::runner::{self, VerifyOptions};
use kraft_acceptance::stack::ImageChoice;

#[tokio::main]
async fn main() -> ExitCode {
    kraft_acceptance::probes::netns::child_main_if_requested();
    let images = match std::env::var("KRAFT_ACCEPTANCE_IMAGES") {
        Ok(v) => match ImageChoice::from_str(&v, true) {
            Ok(i) => Some(i),
            Err(e) => {
                eprintln!("acceptance: KRAFT_ACCEPTANCE_IMAGES: {e}");
                return ExitCode::FAILURE;
            }
        },
        Err(_) => None,
    };
    let opts = VerifyOptions {
        project_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/reference"),
        tags: std::env::var("KRAFT_ACCEPTANCE_TAGS").ok(),
        report: std::env::var_os("KRAFT_ACCEPTANCE_REPORT").map(PathBuf::from),
        features: None,
        images,
        ..Default::default()
    };
    let result = runner::verify(&opts).await;
    if runner::interrupted().is_some() {
        return ExitCode::FAILURE;
    }
    match result {
        Err(e) => {
            eprintln!("acceptance: {e}");
            ExitCode::FAILURE
        }
        Ok(o) => {
            print!("{}", o.summary());
            if o.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
    }
}
