//! features/failover.feature

use std::time::{Duration, Instant};

use cucumber::{then, when};
use kraft_acceptance::model::failover::Lost;
use kraft_acceptance::model::kafka::{DataCheck, DataPath, DataStep};
use kraft_acceptance::model::topics::HARNESS_TOPIC_PREFIX;
use kraft_acceptance::probes::{kafka, netns, wire};
use kraft_acceptance::run::world::{AcceptanceWorld, StepError, StepResult};
use kraft_acceptance::target::{SEED_KAFKA, SEED_REDIS};
use kraft_acceptance::verdicts::{self, failover, observed};

/// How long the voters left may take to elect a new leader.
const ELECTION_LIMIT: Duration = Duration::from_secs(60);
/// How long what the topic holds may take to read back whole once the
/// nodes are back (a restarted broker catches up, a coordinator loads).
const SETTLE_LIMIT: Duration = Duration::from_secs(30);

/// The failover's topic and the rounds written to it so far.
#[derive(Clone)]
struct Spread {
    topic: String,
    partitions: i32,
    rounds: Vec<String>,
}

/// When the nodes were killed.
#[derive(Clone)]
struct KilledAt(Instant);

/// Every broker's address for clients on the host (`inside`: on the
/// compose network), leaving out `lost`.
fn addresses(w: &mut AcceptanceWorld, lost: &[String], inside: bool) -> Result<String, StepError> {
    let s = w.stack()?;
    let nodes = w.kafka_nodes(&s.model)?;
    let named = s.services.kafka().to_string();
    let address = w.ctx.target.address(match inside {
        true => "kafka:9092",
        false => "localhost:9093",
    });
    Ok(failover::broker_addresses(&nodes, (&named, &address), lost, inside).join(","))
}

#[when("a topic with a partition on every broker holds a round of records its consumer group committed")]
async fn spread_topic(w: &mut AcceptanceWorld) -> StepResult {
    let s = w.ready(SEED_KAFKA).await?;
    // The turn holds from the first write: no redeploy recreates a node
    // under the failover, nor the failover kills one under a redeploy. The
    // writes go to a topic of its own and overlap the other scenarios; the
    // kill waits for them to end.
    let turn = crate::common::lock_turn(w, &s, "the failover").await?;
    w.keep(turn);
    let bootstrap = addresses(w, &[], false)?;
    let topic = format!("{HARNESS_TOPIC_PREFIX}{}.failover", s.project);
    let (t, b) = (topic.clone(), bootstrap.clone());
    let needed = format!("{topic} created through {bootstrap}, a partition per broker");
    let partitions =
        crate::common::blocking(w, needed, move || kafka::create_spread_topic(&b, &t)).await?;
    let (t, b) = (topic.clone(), bootstrap.clone());
    let needed = format!("a round of records through {bootstrap} with every node running");
    let done = crate::common::blocking(w, needed, move || {
        kafka::failover_round(&b, &t, "before", partitions)
    })
    .await?;
    w.saw(done.what);
    w.keep(Spread {
        topic,
        partitions,
        rounds: vec!["before".into()],
    });
    Ok(())
}

#[when("the quorum leader's node, and a broker when that node is not one, are killed as a host failure does")]
async fn kill_nodes(w: &mut AcceptanceWorld) -> StepResult {
    let s = w.stack()?;
    crate::common::others_finished(w, &s, "the failover kills nodes they probe").await?;
    let bootstrap: Vec<String> = addresses(w, &[], false)?
        .split(',')
        .map(str::to_string)
        .collect();
    let needed = format!(
        "the quorum leader, from DescribeQuorum on {}",
        bootstrap.join(",")
    );
    let (leader, _) = crate::common::blocking(w, needed, move || {
        wire::leader_other_than(&bootstrap, &[], Instant::now(), ELECTION_LIMIT)
    })
    .await?;
    let nodes = w.kafka_nodes(&s.model)?;
    let stop = w.judge(failover::nodes_to_stop(&nodes, leader, s.services.kafka()))?;
    let ids = nodes
        .iter()
        .filter(|n| stop.contains(&n.service))
        .filter_map(|n| n.node_id)
        .collect();
    let at = Instant::now();
    let command = w.judge(observed(
        format!("docker compose kill {}", stop.join(" ")),
        s.kill(&stop).await,
    ))?;
    w.saw(format!("quorum leader before: node {leader}; {command}"));
    w.keep(KilledAt(at));
    w.keep(Lost {
        services: stop,
        ids,
        leader_before: leader,
    });
    Ok(())
}

#[then("the voters still running elect a new quorum leader")]
async fn new_leader(w: &mut AcceptanceWorld) -> StepResult {
    let lost: Lost = w.earlier("the nodes the failover killed")?;
    let KilledAt(at) = w.earlier("when the nodes were killed")?;
    let s = w.stack()?;
    let nodes = w.kafka_nodes(&s.model)?;
    let mut voters: Vec<i64> = nodes
        .iter()
        .flat_map(|n| n.voters.iter().map(|v| v.id))
        .collect();
    voters.sort_unstable();
    voters.dedup();
    let running: Vec<String> = addresses(w, &lost.services, false)?
        .split(',')
        .map(str::to_string)
        .collect();
    let ids = lost.ids.clone();
    let answer = tokio::task::spawn_blocking(move || {
        wire::leader_other_than(&running, &ids, at, ELECTION_LIMIT)
    })
    .await;
    let answer = w.judge(observed("the probe thread finishing", answer))?;
    let line = w.judge(failover::new_leader(&voters, &lost.ids, answer))?;
    w.ctx.measure(format!(
        "failover: {} killed (leader was node {}); {line}",
        lost.services.join(", "),
        lost.leader_before
    ));
    w.saw(line);
    Ok(())
}

#[then("a round of records produced with acks=all is consumed and committed in the group from the host, through every running broker's host address")]
async fn host_round(w: &mut AcceptanceWorld) -> StepResult {
    let lost: Lost = w.earlier("the nodes the failover killed")?;
    let KilledAt(at) = w.earlier("when the nodes were killed")?;
    let mut spread: Spread = w.earlier("the failover's topic")?;
    let bootstrap = addresses(w, &lost.services, false)?;
    let (b, t, p) = (bootstrap.clone(), spread.topic.clone(), spread.partitions);
    let started = Instant::now();
    let r = tokio::task::spawn_blocking(move || kafka::failover_round(&b, &t, "host", p)).await;
    let r = w.judge(observed("the probe thread finishing", r))?;
    if let Ok(done) = &r {
        let since_kill = started.duration_since(at).as_secs_f64() + done.first_ack_s;
        w.ctx.measure(format!(
            "failover: first record acknowledged (acks=all) {since_kill:.2} s after the kill"
        ));
    }
    let line = w.judge(failover::round_works(
        &format!("the host ({bootstrap})"),
        r.map(|d| d.what),
    ))?;
    w.saw(line);
    spread.rounds.push("host".into());
    w.keep(spread);
    Ok(())
}

#[then("a round of records produced with acks=all is consumed and committed in the group inside the compose network, through every running broker's internal address")]
async fn internal_round(w: &mut AcceptanceWorld) -> StepResult {
    let lost: Lost = w.earlier("the nodes the failover killed")?;
    let mut spread: Spread = w.earlier("the failover's topic")?;
    let s = w.stack()?;
    // With no Redis, a running Kafka node's namespace is inside the network.
    let peer = match w.ctx.target.not_needed(SEED_REDIS) {
        None => w.ctx.target.service(SEED_REDIS),
        Some(_) => s
            .services
            .nodes
            .iter()
            .find(|n| !lost.services.contains(n))
            .cloned()
            .unwrap_or_default(),
    };
    let (_, _, pid) = w.process_of(&peer).await?;
    let bootstrap = addresses(w, &lost.services, true)?;
    let check = DataCheck::Round {
        topic: spread.topic.clone(),
        label: "internal".into(),
        partitions: spread.partitions,
    };
    let b = bootstrap.clone();
    let needed = format!("a Kafka client in the network namespace of service {peer} (pid {pid}) gets metadata from {bootstrap}");
    let obs =
        crate::common::blocking(w, needed, move || netns::probe_in_netns(pid, &b, &check)).await?;
    let r = match obs.data {
        Some(DataPath::RoundTrip(r)) => r,
        _ => Err(DataStep::Client.failed("the in-network probe ran no round")),
    };
    let line = w.judge(failover::round_works(
        &format!("the compose network, beside {peer} ({bootstrap})"),
        r,
    ))?;
    w.saw(line);
    spread.rounds.push("internal".into());
    w.keep(spread);
    Ok(())
}

#[when("the killed nodes are started again")]
async fn restart(w: &mut AcceptanceWorld) -> StepResult {
    let lost: Lost = w.earlier("the nodes the failover killed")?;
    let s = w.stack()?;
    let r = w.judge(observed(
        format!("docker compose start {}", lost.services.join(" ")),
        s.restart_killed(&lost.services).await,
    ))?;
    for ready in &r.after {
        w.judge(verdicts::stack::ready(ready))?;
        if let Some(t) = ready.time_to_healthy {
            w.ctx.measure(format!(
                "failover: {} healthy {t:.2} s after `docker compose start`",
                ready.service
            ));
        }
    }
    w.saw(format!(
        "{} in {:.2} s; each healthy again",
        r.command, r.seconds
    ));
    Ok(())
}

#[then("every node is healthy again, and every round's record and the group's committed offsets are kept")]
async fn nothing_lost(w: &mut AcceptanceWorld) -> StepResult {
    let s = w.stack()?;
    for node in s.services.nodes.clone() {
        let c = w.judge(observed(
            format!("service {node} running"),
            s.service_container(&node).await,
        ))?;
        let healthy = c.health.as_deref().is_none_or(|h| h == "healthy") && c.status == "running";
        w.judge(verdicts::earlier(
            &format!(
                "{node} healthy after the failover ({}, {})",
                c.status,
                c.health.as_deref().unwrap_or("no healthcheck")
            ),
            healthy.then_some(()),
        ))?;
    }
    let spread: Spread = w.earlier("the failover's topic")?;
    let bootstrap = addresses(w, &[], false)?;
    let (b, sp) = (bootstrap.clone(), spread.clone());
    let verdict = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + SETTLE_LIMIT;
        let payload = |l: &str, p: i32| kafka::round_payload(&sp.topic, l, p);
        loop {
            let v = match kafka::read_rounds(&b, &sp.topic, sp.partitions) {
                Ok(held) => {
                    failover::nothing_lost(&sp.topic, &sp.rounds, sp.partitions, &held, payload)
                }
                Err(e) => observed(format!("what {} holds, read through {b}", sp.topic), Err(e)),
            };
            if v.is_ok() || Instant::now() >= deadline {
                return v;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    })
    .await;
    let verdict = w.judge(observed("the probe thread finishing", verdict))?;
    let line = w.judge(verdict)?;
    w.saw(line);
    Ok(())
}
