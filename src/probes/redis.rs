//! Redis through a real client: PING.

pub async fn ping(addr: &str) -> Result<String, String> {
    let client = redis::Client::open(format!("redis://{addr}/")).map_err(|e| format!("redis client for {addr}: {e}"))?;
    let mut conn = tokio::time::timeout(std::time::Duration::from_secs(5), client.get_multiplexed_async_connection())
        .await
        .map_err(|_| format!("connect to {addr}: timed out after 5 s"))?
        .map_err(|e| format!("connect to {addr}: {e}"))?;
    redis::cmd("PING").query_async::<String>(&mut conn).await.map_err(|e| format!("PING {addr}: {e}"))
}
