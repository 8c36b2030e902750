use cucumber::then;

use super::StepResult;
use crate::probes::redis;
use crate::verdicts::Failure;
use crate::world::AcceptanceWorld;

#[then(expr = "Redis at {string} answers PING with PONG")]
async fn ping(w: &mut AcceptanceWorld, addr: String) -> StepResult {
    super::stack::ready(w, "redis").await?;
    let answer = redis::ping(&addr).await.map_err(|e| Failure::new(format!("PONG from {addr}"), e))?;
    if answer != "PONG" {
        return Err(Failure::new(format!("PONG from {addr}"), format!("\"{answer}\"")).into());
    }
    Ok(())
}
