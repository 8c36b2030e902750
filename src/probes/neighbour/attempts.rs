//! One connect from inside the test host, and what came back: the service's
//! own answer (Kafka: an ApiVersions response; Redis: a reply to PING), a
//! bare connection, a refusal, or nothing. Each attempt runs on a thread of
//! its own that enters the test host's network namespace first: namespaces
//! are per thread, and a socket belongs to the namespace it was made in.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

use nix::sched::{setns, CloneFlags};

use crate::model::neighbour::{Answer, Protocol};

/// A local segment answers in microseconds; a dropped SYN never does.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(1500);
const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

/// The test host's namespace could not be entered.
#[derive(Debug, thiserror::Error)]
pub enum EnterError {
    #[error("open {path}: {source}")]
    Open {
        path: String,
        source: std::io::Error,
    },
    #[error("setns: {0}")]
    Setns(nix::errno::Errno),
    #[error("the namespace thread panicked")]
    Panicked,
}

/// Runs `f` on a new thread inside the network namespace at `netns`.
pub(crate) fn in_netns<T: Send + 'static>(
    netns: &Path,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, EnterError> {
    let ns = File::open(netns).map_err(|source| EnterError::Open {
        path: netns.display().to_string(),
        source,
    })?;
    std::thread::spawn(move || {
        setns(&ns, CloneFlags::CLONE_NEWNET).map_err(EnterError::Setns)?;
        Ok(f())
    })
    .join()
    .map_err(|_| EnterError::Panicked)?
}

/// Connects to `to` and asks what `protocol` tells apart. Call it inside the
/// test host's namespace.
pub(crate) fn attempt(to: SocketAddr, protocol: Protocol) -> Answer {
    let mut s = match TcpStream::connect_timeout(&to, CONNECT_TIMEOUT) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => return Answer::Refused,
        Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return Answer::NoAnswer,
        Err(e) => return Answer::Error(e.to_string()),
    };
    if s.set_read_timeout(Some(ANSWER_TIMEOUT)).is_err() {
        return Answer::Connected("could not set a read timeout".into());
    }
    match protocol {
        Protocol::Tcp => Answer::Connected("TCP connection accepted".into()),
        Protocol::Kafka => match crate::probes::wire::api_versions_on(&mut s) {
            Ok(a) => Answer::Service(format!(
                "Kafka ApiVersions response, error code {}, {} API keys",
                a.error_code,
                a.api_keys.len()
            )),
            Err(e) => {
                Answer::Connected(format!("connection accepted; no ApiVersions answer ({e})"))
            }
        },
        Protocol::Redis => redis_ping(&mut s),
    }
}

/// PING as an inline command; any RESP reply (`+PONG`, `-NOAUTH ...`) is
/// Redis answering.
fn redis_ping(s: &mut TcpStream) -> Answer {
    if let Err(e) = s.write_all(b"PING\r\n") {
        return Answer::Connected(format!("connection accepted; sending PING failed ({e})"));
    }
    let mut buf = [0u8; 256];
    match s.read(&mut buf) {
        Ok(n) if n > 0 => classify_redis(&buf[..n]),
        Ok(_) => {
            Answer::Connected("connection accepted, then closed without a reply to PING".into())
        }
        Err(e) => Answer::Connected(format!("connection accepted; no reply to PING ({e})")),
    }
}

fn classify_redis(reply: &[u8]) -> Answer {
    let line = String::from_utf8_lossy(reply);
    let line = line.lines().next().unwrap_or_default().trim().to_string();
    match reply.first() {
        Some(b'+' | b'-' | b':' | b'$' | b'*') => {
            Answer::Service(format!("Redis replied {line} to PING"))
        }
        _ => Answer::Connected(format!(
            "connection accepted; a reply that is not RESP: {line:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_resp_reply_is_redis_answering() {
        assert_eq!(
            classify_redis(b"+PONG\r\n"),
            Answer::Service("Redis replied +PONG to PING".into())
        );
        assert!(
            matches!(classify_redis(b"-NOAUTH Authentication required.\r\n"), Answer::Service(s) if s.contains("NOAUTH"))
        );
        assert!(matches!(
            classify_redis(b"HTTP/1.1 400 Bad Request\r\n"),
            Answer::Connected(_)
        ));
    }

    #[test]
    fn a_closed_port_on_loopback_is_refused_and_a_listener_is_connected() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let open = l.local_addr().unwrap();
        assert!(matches!(attempt(open, Protocol::Tcp), Answer::Connected(_)));
        drop(l);
        assert_eq!(attempt(open, Protocol::Tcp), Answer::Refused);
    }
}
