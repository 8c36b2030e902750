//! Redis serves host tools: PING answered with PONG.

use super::{Failure, Verdict};

pub fn pong(addr: &str, answer: &str) -> Verdict {
    if answer == "PONG" {
        return Ok(());
    }
    Err(Failure::new(
        format!("PONG from {addr}"),
        format!("\"{answer}\""),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_pong_passes() {
        assert!(super::pong("127.0.0.1:6379", "PONG").is_ok());
        assert_eq!(
            super::pong("127.0.0.1:6379", "LOADING")
                .unwrap_err()
                .observed,
            "\"LOADING\""
        );
    }
}
