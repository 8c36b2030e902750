//! Redis through a real client: PING.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("redis client for {addr}: {source}")]
    Client {
        addr: String,
        source: redis::RedisError,
    },
    #[error("connect to {addr}: timed out after {} s", TIMEOUT.as_secs())]
    Timeout { addr: String },
    #[error("connect to {addr}: {source}")]
    Connect {
        addr: String,
        source: redis::RedisError,
    },
    #[error("command to {addr}: {source}")]
    Ping {
        addr: String,
        source: redis::RedisError,
    },
}

const TIMEOUT: Duration = Duration::from_secs(5);

async fn connect(
    addr: &str,
    password: Option<&str>,
) -> Result<redis::aio::MultiplexedConnection, RedisError> {
    let a = || addr.to_string();
    let mut info: redis::ConnectionInfo = format!("redis://{addr}/")
        .parse()
        .map_err(|source| RedisError::Client { addr: a(), source })?;
    info.redis.password = password.map(str::to_string);
    let client =
        redis::Client::open(info).map_err(|source| RedisError::Client { addr: a(), source })?;
    tokio::time::timeout(TIMEOUT, client.get_multiplexed_async_connection())
        .await
        .map_err(|_| RedisError::Timeout { addr: a() })?
        .map_err(|source| RedisError::Connect { addr: a(), source })
}

/// What the server answered to PING, authenticated with `password` if given.
pub async fn ping(addr: &str, password: Option<&str>) -> Result<String, RedisError> {
    let mut conn = connect(addr, password).await?;
    redis::cmd("PING")
        .query_async::<String>(&mut conn)
        .await
        .map_err(|source| RedisError::Ping {
            addr: addr.into(),
            source,
        })
}

/// SET `key` `value`.
pub async fn set(
    addr: &str,
    password: Option<&str>,
    key: &str,
    value: &str,
) -> Result<(), RedisError> {
    let mut conn = connect(addr, password).await?;
    redis::cmd("SET")
        .arg(key)
        .arg(value)
        .query_async::<()>(&mut conn)
        .await
        .map_err(|source| RedisError::Ping {
            addr: addr.into(),
            source,
        })
}

/// GET `key`: its value, None when absent.
pub async fn get(
    addr: &str,
    password: Option<&str>,
    key: &str,
) -> Result<Option<String>, RedisError> {
    let mut conn = connect(addr, password).await?;
    redis::cmd("GET")
        .arg(key)
        .query_async::<Option<String>>(&mut conn)
        .await
        .map_err(|source| RedisError::Ping {
            addr: addr.into(),
            source,
        })
}
