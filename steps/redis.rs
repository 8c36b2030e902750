//! features/redis.feature

use cucumber::then;
use kraft_acceptance::probes::redis;
use kraft_acceptance::run::world::{AcceptanceWorld, StepResult};
use kraft_acceptance::target::SEED_REDIS;
use kraft_acceptance::verdicts::{self, observed};

#[then(expr = "Redis at {string} answers PING with PONG")]
async fn ping(w: &mut AcceptanceWorld, addr: String) -> StepResult {
    if w.not_needed(SEED_REDIS) {
        return Ok(());
    }
    let addr = w.ctx.target.address(&addr);
    let s = w.ready(SEED_REDIS).await?;
    let password = w.redis_password(&s.model)?;
    let answer = w.judge(observed(
        format!("PONG from {addr}"),
        redis::ping(&addr, password.as_deref()).await,
    ))?;
    w.judge(verdicts::redis::pong(&addr, &answer))?;
    w.saw(format!("PING {addr}: {answer}"));
    Ok(())
}
