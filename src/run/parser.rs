//! Features straight from memory: the compiled-in (or read) texts are parsed
//! here, so a run writes no feature files anywhere.

use std::path::PathBuf;

use cucumber::feature::Ext as _;
use cucumber::{cli, gherkin, parser};

/// (file name, text) pairs, parsed as cucumber's own parser would a file.
pub struct Texts;

impl parser::Parser<Vec<(String, String)>> for Texts {
    type Cli = cli::Empty;
    type Output = futures::stream::Iter<std::vec::IntoIter<parser::Result<gherkin::Feature>>>;

    fn parse(self, input: Vec<(String, String)>, _: cli::Empty) -> Self::Output {
        let features: Vec<parser::Result<gherkin::Feature>> = input
            .into_iter()
            .map(|(name, text)| {
                let path = PathBuf::from("features").join(&name);
                let parsed = gherkin::Feature::parse(&text, gherkin::GherkinEnv::default())
                    .map_err(|source| gherkin::ParseFileError::Parsing {
                        path: path.clone(),
                        error: None,
                        source,
                    })
                    .map_err(parser::Error::from)?;
                let mut f = parsed.expand_examples().map_err(parser::Error::from)?;
                f.path = Some(path);
                Ok(f)
            })
            .collect();
        futures::stream::iter(features)
    }
}
