//! `kraft-acceptance init`: reads a repo as `docker compose` would run it
//! and writes the `kraft-acceptance.toml` that points the harness at it.
//! Layerings come from how the repo itself starts its stack (its command
//! lines, else its default compose file); compose resolves each; the
//! services, addresses, bootstrap and topics list are read from the
//! resolved models. Each key says where it came from; what `init` cannot
//! decide is a commented line saying what to fill in.

pub mod commands;
pub mod discover;
mod expand;
mod layerings;
mod render;

use std::path::{Path, PathBuf};

use crate::probes::compose::ComposeCli;
use crate::target::CONFIG_FILE;
use layerings::Layering;

/// What `init` wrote, or could not.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{0} is not a directory")]
    NoDir(PathBuf),
    #[error("{0} exists; --force replaces it, --print shows what init would write")]
    Exists(PathBuf),
    #[error("no compose file in {dir} or in the command lines its README, Makefile, scripts and docs show (looked for compose.y*ml, docker-compose.y*ml); {here}; name the files in kraft-acceptance.toml: [layerings] infrastructure = [\"path/to/compose.yml\"]")]
    NoCompose { dir: PathBuf, here: String },
    #[error("no layering of {dir} has a Kafka service (a service with KAFKA_* node settings or a Kafka image): {tried}")]
    NoKafka { dir: PathBuf, tried: String },
    #[error("writing {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub(crate) use crate::model::compose::is_compose_file;

/// The toml for `dir`, and the lines to say: where each layering came
/// from and whether compose resolves it.
pub fn init(dir: &Path, print: bool, force: bool) -> Result<(String, Vec<String>), InitError> {
    let dir = dir
        .canonicalize()
        .ok()
        .filter(|d| d.is_dir())
        .ok_or_else(|| InitError::NoDir(dir.to_path_buf()))?;
    let config = dir.join(CONFIG_FILE);
    if config.exists() && !print && !force {
        return Err(InitError::Exists(config));
    }
    let texts = commands::read_texts(&dir);
    let found = layerings::found(&dir, &texts)?;
    let text = render::toml(&dir, &texts, &found);
    let mut said: Vec<String> = found.iter().map(resolves).collect();
    if !print {
        crate::dirs::write_atomic(&config, &text).map_err(|source| InitError::Write {
            path: config.clone(),
            source,
        })?;
        said.push(format!("wrote {}", config.display()));
        said.push(format!(
            "next: kraft-acceptance verify --project-dir {} --tags @static (from a checkout of kraft-acceptance: cargo run --release -- verify ..., which shows the build's progress)",
            dir.display()
        ));
    }
    Ok((text, said))
}

/// One line: the layering, its files, and what compose made of it.
fn resolves(l: &Layering) -> String {
    let files = l.files.join(" + ");
    match &l.model {
        Ok(m) => {
            let nodes = crate::model::cluster::kafka_services(m, "", &[], None);
            let cluster = match nodes.len() {
                0 | 1 => String::new(),
                n => format!("; {n} Kafka nodes: {}", nodes.join(", ")),
            };
            format!(
                "layering {} ({files}): resolves, {} services (from {}){cluster}",
                l.name,
                m.services.len(),
                l.from
            )
        }
        Err(e) => format!("layering {} ({files}): does not resolve: {e}", l.name),
    }
}

/// The compose CLI for a layering, as the repo runs it.
fn cli(dir: &Path, files: &[String], env_files: &[String], profiles: &[String]) -> ComposeCli {
    let abs = |f: &String| dir.join(f);
    ComposeCli::new(files.iter().map(abs).collect(), dir)
        .with_env_files(&env_files.iter().map(abs).collect::<Vec<_>>())
        .with_profiles(profiles)
}
