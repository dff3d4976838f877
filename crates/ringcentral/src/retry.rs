//! When to send a request again and how long to wait first: jittered exponential backoff for transient
//! failures, `Retry-After` for rate limits, and the rule that a request which may have been acted on is
//! resent only if it is safe to repeat.

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};

/// How the client retries. The default makes up to 4 attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retries).
    pub max_retries: u32,
    /// The first backoff; each retry doubles it.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
    /// How long a `429` without `Retry-After` blocks its group. RingCentral's penalty interval is 60 s.
    pub default_retry_after: Duration,
    /// The longest `Retry-After` honoured; a longer one ends the retries at once.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            default_retry_after: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (1-based): half of the exponential delay plus a random part
    /// of the other half, so that clients failing together do not come back together.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(16));
        let cap = exp.min(self.max_delay);
        let half = cap / 2;
        half + half.mul_f64(jitter())
    }
}

/// A uniform random number in [0, 1).
fn jitter() -> f64 {
    match getrandom::u32() {
        Ok(n) => f64::from(n) / (f64::from(u32::MAX) + 1.0),
        Err(_) => 0.5,
    }
}

/// Statuses that mean "try again later" without saying the request did anything.
pub(crate) fn transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// Reads `Retry-After` (delta-seconds or an HTTP date), relative to `now`.
pub(crate) fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let text = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = text.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = DateTime::parse_from_rfc2822(text).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// Whether a failure before any response may be followed by another attempt.
///
/// A connection that could not be established carried nothing, so any request may be resent. Once a
/// connection was up, the request may have been written and acted on: only a retry-safe request is resent.
pub(crate) fn transport_retryable(err: &reqwest::Error, retry_safe: bool) -> bool {
    err.is_connect() || (retry_safe && (err.is_timeout() || err.is_request() || err.is_body()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let p = RetryPolicy::default();
        for retry in 1..=8 {
            let full = (p.base_delay * 2u32.pow(retry - 1)).min(p.max_delay);
            let d = p.backoff(retry);
            assert!(
                d >= full / 2 && d <= full,
                "retry {retry}: {d:?} vs {full:?}"
            );
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        let mut h = HeaderMap::new();
        h.insert("retry-after", http::HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        h.insert(
            "retry-after",
            http::HeaderValue::from_static("Mon, 01 Jan 2024 00:00:30 GMT"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        h.insert("retry-after", http::HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }
}
