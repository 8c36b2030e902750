//! The toml `init` writes: each key with a comment naming where it came
//! from, each thing it could not decide as a commented line to fill in.

use std::fmt::Write as _;
use std::path::Path;

use super::commands::scripts_run;
use super::discover::{self, key, list, quoted, Key};
use super::layerings::Layering;
use crate::model::compose::ComposeModel;
use crate::target::{
    SEED_BOOTSTRAP, SEED_HOST_ADDRESS, SEED_INTERNAL_ADDRESS, SEED_KAFKA, SEED_REDIS,
    SEED_REDIS_ADDRESS,
};

/// A table's keys and the lines left to the user.
#[derive(Default)]
struct Table {
    keys: Vec<Key>,
    todo: Vec<String>,
}

fn section(out: &mut String, title: Option<&str>, t: &Table) {
    if t.keys.is_empty() && t.todo.is_empty() {
        return;
    }
    if let Some(title) = title {
        let _ = writeln!(out, "\n[{title}]");
    }
    for k in &t.keys {
        let _ = writeln!(out, "# from {}\n{} = {}", k.from, k.key, k.value);
    }
    for line in &t.todo {
        let _ = writeln!(out, "# {line}");
    }
}

pub fn toml(dir: &Path, texts: &[(String, String)], layerings: &[Layering]) -> String {
    let mut out = String::from("# kraft-acceptance.toml, written by `kraft-acceptance init` from what this\n# repo says. Each key names where it came from; a commented line is left to\n# fill in. Every key: docs/targets.md of kraft-acceptance.\n");
    let model = layerings
        .iter()
        .filter(|l| l.name == "infrastructure")
        .chain(layerings)
        .find_map(|l| l.model.as_ref().ok().map(|m| (l, m)));
    let hemma = layerings
        .iter()
        .find(|l| l.name == "hemma")
        .and_then(|l| l.model.as_ref().ok().map(|m| (l, m)));
    let mut top = repo_keys(dir);
    let (mut names, mut bootstrap, mut topics) = Default::default();
    match model {
        Some((l, m)) => {
            let public = hemma.unwrap_or((l, m));
            top.keys.push(key(
                "public_services",
                list(&discover::public_services(public.1)),
                format!("layering {}: reverse proxies (nginx, traefik, caddy, haproxy) and services publishing 80/443", public.0.name),
            ));
            services(dir, texts, l, m, &mut top, &mut names, &mut bootstrap, &mut topics);
        }
        None => top.todo.push("no layering resolves (compose's error is printed by init): fix it and run init again for the services, addresses and bootstrap".into()),
    }
    if hemma.is_none() && !layerings.iter().any(|l| l.name == "hemma") {
        top.todo.push("no production or Hemma compose file found: the @hemma scenarios are NOT RUN until [layerings] names one (hemma = [...])".into());
    }
    let mut profiles: Vec<String> = layerings.iter().flat_map(|l| l.profiles.clone()).collect();
    super::layerings::unique(&mut profiles);
    if let Some(l) = layerings.iter().find(|l| !l.profiles.is_empty()) {
        top.keys
            .push(key("profiles", list(&profiles), l.from.clone()));
    }
    if let Some(l) = layerings.iter().find(|l| l.project_name.is_some()) {
        let name = l.project_name.as_deref().unwrap_or_default();
        top.todo.push(format!("the compose project is \"{name}\" ({}, --project-name): a running deployment of it is checked with kraft-acceptance verify --attach --project-name {name}", l.from));
    }
    section(&mut out, None, &top);
    section(&mut out, Some("layerings"), &layering_keys(layerings));
    section(&mut out, Some("env_files"), &env_keys(dir, layerings));
    section(&mut out, Some("names"), &names);
    section(&mut out, Some("bootstrap"), &bootstrap);
    section(&mut out, Some("topics"), &topics);
    out
}

/// What the repo's files say: the scan paths, an ADR folder, validators.
fn repo_keys(dir: &Path) -> Table {
    let mut t = Table::default();
    let scan: Vec<String> = ["docs", "scripts", "README.md", "Makefile"]
        .iter()
        .filter(|p| dir.join(p).exists())
        .map(|p| p.to_string())
        .collect();
    let why = if scan.is_empty() {
        "this repo has no docs, scripts, README.md or Makefile: the ZooKeeper scan is NOT RUN (nothing to scan)"
    } else {
        "the docs, scripts, README and Makefile this repo has (scanned for ZooKeeper)"
    };
    t.keys.push(key("scan_paths", list(&scan), why.into()));
    for adr in ["docs/adr", "doc/adr", "adr"] {
        if dir.join(adr).is_dir() && !dir.join("docs/decisions").is_dir() {
            t.keys.push(key(
                "scan_allow",
                list(&[format!("{adr}/**")]),
                format!("{adr}/: decision records may tell the ZooKeeper history"),
            ));
        }
    }
    let py = std::fs::read_to_string(dir.join("pyproject.toml")).unwrap_or_default();
    if !crate::model::validators::pdm_validators(&py).is_empty() {
        t.todo.push("validators: pyproject.toml's pdm scripts (validate-docs, validate-tasks, index-tasks) are the default".into());
    } else {
        t.todo.push("validators = [\"...\"]  # the commands that validate this repo's docs; none found (no pdm scripts named validate-*)".into());
    }
    t
}

fn layering_keys(layerings: &[Layering]) -> Table {
    let mut t = Table::default();
    for l in layerings {
        t.keys
            .push(key(&quoted_key(&l.name), list(&l.files), l.from.clone()));
    }
    t
}

/// A bare key when toml takes one, else quoted.
fn quoted_key(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        name.to_string()
    } else {
        quoted(name)
    }
}

fn env_keys(dir: &Path, layerings: &[Layering]) -> Table {
    let mut t = Table::default();
    for l in layerings {
        if !l.env_files.is_empty() {
            t.keys.push(key(
                &quoted_key(&l.name),
                list(&l.env_files),
                l.from.clone(),
            ));
        } else if !dir.join(".env").exists() {
            let example = [".env.example", "env.example", ".env.sample", ".env.dist"]
                .into_iter()
                .find(|e| dir.join(e).exists());
            if let Some(e) = example {
                t.todo.push(format!("{} = [\".env\"]  # compose reads .env, which this repo does not have: copy {e} to .env and fill in its values (init invents no secrets)", quoted_key(&l.name)));
            }
        }
    }
    t
}

/// The services and addresses, the bootstrap and its topics list.
#[allow(clippy::too_many_arguments)]
fn services(
    dir: &Path,
    texts: &[(String, String)],
    l: &Layering,
    m: &ComposeModel,
    top: &mut Table,
    names: &mut Table,
    bootstrap: &mut Table,
    topics: &mut Table,
) {
    let from = format!("layering {}", l.name);
    let Some(kafka) = name_keys(m, &from, names) else {
        return;
    };
    if discover::redis_service(m, &kafka).is_none() {
        let why = format!("{from}: no Redis-like service (a Redis, Valkey or KeyDB image); the Redis scenarios and steps are NOT NEEDED");
        top.keys.push(key("has_redis", "false".into(), why));
    }
    if let Some((var, at)) = redis_password(texts) {
        let why = format!("{at}: Redis's --requirepass");
        top.keys.push(key("redis_password_env", quoted(&var), why));
    }
    bootstrap_keys(dir, texts, m, &kafka, &from, bootstrap, topics);
}

/// `[names]`: each service and address that is not the seed's; the Kafka
/// service's name, if there is one.
fn name_keys(m: &ComposeModel, from: &str, names: &mut Table) -> Option<String> {
    let Some((kafka, why)) = discover::kafka_service(m) else {
        names.todo.push(format!(
            "kafka = \"...\"  # no service of {from} has KAFKA_* node settings or a Kafka image"
        ));
        return None;
    };
    let mut named = |k: &str, v: Option<String>, seed: &str, why: String| match v {
        Some(v) if v != seed => names.keys.push(key(k, quoted(&v), why)),
        Some(_) => {}
        None => names.todo.push(format!(
            "{k} = \"...\"  # not found ({why}); the default is {seed}"
        )),
    };
    let service = format!("{from}: service {kafka}, by {why}");
    named("kafka", Some(kafka.clone()), SEED_KAFKA, service);
    let (internal, host) = discover::kafka_addresses(m, &kafka);
    let adv = format!("{from}: {kafka}'s advertised listeners");
    named(
        "internal_address",
        internal,
        SEED_INTERNAL_ADDRESS,
        adv.clone(),
    );
    named("host_address", host, SEED_HOST_ADDRESS, adv);
    // Without one, has_redis = false says so (services()).
    if let Some(redis) = discover::redis_service(m, &kafka) {
        let service = format!("{from}: service {redis}, by its image");
        named("redis", Some(redis.clone()), SEED_REDIS, service);
        let addr = discover::redis_address(m, &redis);
        let port = format!("{from}: {redis}'s published port 6379");
        named("redis_address", addr, SEED_REDIS_ADDRESS, port);
    }
    Some(kafka)
}

/// The variable Redis's password comes from, in the compose files' texts.
fn redis_password(texts: &[(String, String)]) -> Option<(String, String)> {
    let compose_texts: Vec<(String, String)> = texts
        .iter()
        .filter(|(n, _)| super::is_compose_file(n.rsplit('/').next().unwrap_or(n)))
        .cloned()
        .collect();
    discover::redis_password_var(&compose_texts)
}

fn bootstrap_keys(
    dir: &Path,
    texts: &[(String, String)],
    m: &ComposeModel,
    kafka: &str,
    from: &str,
    bootstrap: &mut Table,
    topics: &mut Table,
) {
    let service = m
        .services
        .contains_key(SEED_BOOTSTRAP)
        .then(|| SEED_BOOTSTRAP.to_string())
        .or_else(|| discover::bootstrap_service(m, kafka));
    if let Some(s) = service {
        if s != SEED_BOOTSTRAP {
            let why = format!("{from}: service {s} depends on {kafka} and runs topic creation");
            bootstrap.keys.push(key("service", quoted(&s), why));
        }
        if let Some((list, partitions)) = discover::names_only_list(m, &s) {
            let shown = Path::new(&list)
                .strip_prefix(dir)
                .map_or(list.clone(), |p| p.display().to_string());
            let why = format!("{shown}, mounted into {s}: one topic name per line");
            topics.keys.push(key("format", quoted("names"), why));
            match partitions {
                Some(p) => topics.keys.push(key(
                    "partitions",
                    p.to_string(),
                    format!("{s}'s script: --partitions"),
                )),
                None => topics.todo.push(
                    "partitions = 1  # the count the bootstrap creates; not found in its script"
                        .into(),
                ),
            }
        }
        return;
    }
    let script = texts
        .iter()
        .flat_map(|(n, t)| scripts_run(n, t))
        .find(|(p, _)| {
            p.to_lowercase().contains("topic")
                && std::fs::read_to_string(dir.join(p)).is_ok_and(|t| t.contains("kafka-topics"))
        });
    match script {
        Some((path, at)) => bootstrap.keys.push(key("command", quoted(&path), format!("{at}: a host script that runs kafka-topics"))),
        None => bootstrap.keys.push(key("none", "true".into(), format!("{from}: no service depends on {kafka} to create topics, and no host script runs kafka-topics; if one does, name it instead (service = \"...\" or command = \"...\")"))),
    }
}
