//! When to send a request again and how long to wait first. One pure function, [`classify`], reads an
//! attempt's outcome and decides; the loop in `client.rs` only carries the decision out.
//!
//! | Outcome                                   | GET, HEAD, PUT, DELETE, OPTIONS, or `retry_safe(true)` | POST, PATCH, or `retry_safe(false)` |
//! |-------------------------------------------|-----------------------------------|----------------------------------|
//! | `429`                                     | retry after `Retry-After`          | retry after `Retry-After`         |
//! | `503` with `Retry-After`                  | retry after `Retry-After`          | retry after `Retry-After`         |
//! | `500`, `502`, `503`, `504`                | retry after backoff                | fail: the server may have acted   |
//! | connection refused (nothing was sent)     | retry after backoff                | retry after backoff               |
//! | reset, broken or cut-off response, timeout| retry after backoff                | fail: the server may have acted   |
//! | `401` naming the access token             | renew the token and resend         | renew the token and resend        |
//! | anything else                             | done                               | done                              |
//!
//! RingCentral never acts on a request it answers `429` (nor on one it refuses with `503` and a
//! `Retry-After`), and a request that never left the machine cannot have been acted on, so those are
//! resent whatever the method. Authentication is checked before anything is done, so a `401` for an
//! expired or revoked token is resent once a new token is in hand.
//!
//! Waits: backoff is exponential from [`RetryPolicy::base_delay`], capped at [`RetryPolicy::max_delay`],
//! with jitter (half fixed, half random, so that clients failing together do not come back together). A
//! `429` waits for its `Retry-After`, or [`RetryPolicy::default_retry_after`] (30 s, as RingCentral
//! advises; never more than the policy's `max_retry_after`) without one; a `Retry-After` above
//! [`RetryPolicy::max_retry_after`] ends the retries. A
//! request resent after a `429` keeps the rate-limit slot of the refused attempt: it waits for the block
//! the `429` imposed on its group and no longer. Any other resend takes a new slot like a first attempt,
//! since the server may have counted the failed one; a long wait for it is announced as a progress event.

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, StatusCode};

/// How the client retries. The default makes up to 4 attempts.
///
/// Which failures are retried depends on the method: a GET, HEAD, PUT, DELETE or OPTIONS (or a request
/// marked `retry_safe(true)`) is resent after a 500, 502, 503, 504, a reset connection or a timeout; any
/// request is resent after a 429, a 503 with `Retry-After`, or a connection that was refused before
/// anything was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retries).
    pub max_retries: u32,
    /// The first backoff; each retry doubles it.
    pub base_delay: Duration,
    /// The longest backoff.
    pub max_delay: Duration,
    /// How long a `429` without `Retry-After` blocks its group (at most `max_retry_after`). RingCentral
    /// asks for at least 30 s.
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
            default_retry_after: Duration::from_secs(30),
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

    /// How long a `429` without `Retry-After` blocks its group: [`RetryPolicy::default_retry_after`],
    /// or [`RetryPolicy::max_retry_after`] if that is shorter (a policy made for quick tests).
    pub(crate) fn unannounced_block(&self) -> Duration {
        self.default_retry_after.min(self.max_retry_after)
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

/// Which column of the table a request follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    /// Repeating the request does no harm: GET, HEAD, PUT, DELETE, OPTIONS, or marked `retry_safe(true)`.
    Repeatable,
    /// The request must not be applied twice: resent only when the server cannot have acted on it.
    Once,
}

/// How an attempt failed without a complete response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection was never established: nothing was sent.
    Refused,
    /// The attempt ran out of time; the request may have arrived.
    Timeout,
    /// The connection was reset or closed, or the response was cut off, after the request went out.
    Broken,
    /// Anything else (a request reqwest could not build, a redirect loop): not worth repeating.
    Other,
}

impl Failure {
    pub(crate) fn of(err: &reqwest::Error) -> Failure {
        if err.is_connect() {
            Failure::Refused
        } else if err.is_timeout() {
            Failure::Timeout
        } else if err.is_request() || err.is_body() {
            Failure::Broken
        } else {
            Failure::Other
        }
    }
}

/// What one attempt came to, reduced to the facts the retry rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Answered {
        status: StatusCode,
        /// The `Retry-After` header, already read relative to now.
        retry_after: Option<Duration>,
        /// A `401` whose body says the bearer token itself was refused (expired, revoked, unknown).
        token_refused: bool,
    },
    Failed(Failure),
}

/// Where the request stands before the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Attempt {
    pub(crate) rules: Rules,
    /// Retries already made (token renewals are not counted).
    pub(crate) retries: u32,
    /// Whether renewing the token may help: a bearer token was sent, renewals are left, and the last
    /// token was not freshly issued (a token issued a moment ago being refused means renewing is futile).
    pub(crate) may_renew: bool,
    /// The backoff the next retry would wait, drawn by the caller so that this function stays pure.
    pub(crate) backoff: Duration,
}

/// Why a request is sent again; its text is what a progress line shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    RateLimited,
    Status(u16),
    Failed(Failure),
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::RateLimited => f.write_str("rate limited (HTTP 429)"),
            Reason::Status(s) => write!(f, "server error (HTTP {s})"),
            Reason::Failed(Failure::Refused) => f.write_str("connection refused"),
            Reason::Failed(Failure::Timeout) => f.write_str("timed out"),
            Reason::Failed(Failure::Broken) => f.write_str("connection broken"),
            Reason::Failed(Failure::Other) => f.write_str("request failed"),
        }
    }
}

/// What the sending loop does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// The answer stands: a success, or an error status the rules do not retry.
    Done,
    /// Send again after waiting `after`.
    Retry { after: Duration, reason: Reason },
    /// Renew the access token and send again.
    Renew,
    /// A retryable failure, but the rules or the policy forbid another attempt: report it.
    Fail,
}

/// Decides what follows an attempt; the table in the module docs, as code.
pub(crate) fn classify(policy: &RetryPolicy, attempt: &Attempt, outcome: &Outcome) -> Decision {
    let retries_left = attempt.retries < policy.max_retries;
    let repeatable = attempt.rules == Rules::Repeatable;
    match *outcome {
        Outcome::Failed(failure) => {
            let allowed = match failure {
                Failure::Refused => true,
                Failure::Timeout | Failure::Broken => repeatable,
                Failure::Other => false,
            };
            match (allowed, retries_left) {
                (true, true) => Decision::Retry {
                    after: attempt.backoff,
                    reason: Reason::Failed(failure),
                },
                _ => Decision::Fail,
            }
        }
        Outcome::Answered {
            status,
            token_refused,
            ..
        } if status == StatusCode::UNAUTHORIZED => {
            if token_refused && attempt.may_renew {
                Decision::Renew
            } else {
                Decision::Done
            }
        }
        Outcome::Answered {
            status,
            retry_after,
            ..
        } if status == StatusCode::TOO_MANY_REQUESTS => {
            let after = retry_after.unwrap_or_else(|| policy.unannounced_block());
            if retries_left && after <= policy.max_retry_after {
                Decision::Retry {
                    after,
                    reason: Reason::RateLimited,
                }
            } else {
                Decision::Fail
            }
        }
        Outcome::Answered {
            status,
            retry_after,
            ..
        } if matches!(status.as_u16(), 500 | 502 | 503 | 504) => {
            let reason = Reason::Status(status.as_u16());
            // A 503 with Retry-After is a refusal, not a failure halfway: any method may be resent. A
            // Retry-After of 0 still waits a little, so that a busy server is not hammered.
            let server_wait = retry_after
                .filter(|ra| {
                    status == StatusCode::SERVICE_UNAVAILABLE && *ra <= policy.max_retry_after
                })
                .map(|ra| ra.max(attempt.backoff / 4));
            match (server_wait, repeatable, retries_left) {
                (_, _, false) => Decision::Fail,
                (Some(after), _, true) => Decision::Retry { after, reason },
                (None, true, true) => Decision::Retry {
                    after: attempt.backoff,
                    reason,
                },
                (None, false, true) => Decision::Fail,
            }
        }
        Outcome::Answered { .. } => Decision::Done,
    }
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

    const BACKOFF: Duration = Duration::from_millis(800);

    fn answered(status: u16, retry_after: Option<u64>) -> Outcome {
        Outcome::Answered {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            retry_after: retry_after.map(Duration::from_secs),
            token_refused: false,
        }
    }

    fn decide(rules: Rules, retries: u32, outcome: Outcome) -> Decision {
        let attempt = Attempt {
            rules,
            retries,
            may_renew: true,
            backoff: BACKOFF,
        };
        classify(&RetryPolicy::default(), &attempt, &outcome)
    }

    fn retry(after: Duration, reason: Reason) -> Decision {
        Decision::Retry { after, reason }
    }

    #[test]
    fn the_retry_table() {
        use Rules::{Once, Repeatable};
        let secs = Duration::from_secs;
        let status = Reason::Status;
        let failed = Reason::Failed;
        #[rustfmt::skip]
        let table: &[(Rules, Outcome, Decision)] = &[
            // Success and client errors are final, whatever the method.
            (Repeatable, answered(200, None), Decision::Done),
            (Once, answered(201, None), Decision::Done),
            (Repeatable, answered(304, None), Decision::Done),
            (Repeatable, answered(400, None), Decision::Done),
            (Once, answered(404, None), Decision::Done),
            (Repeatable, answered(501, None), Decision::Done),
            // Server failures: a repeatable request backs off and tries again; a POST may have been
            // acted on and is not resent.
            (Repeatable, answered(500, None), retry(BACKOFF, status(500))),
            (Repeatable, answered(502, None), retry(BACKOFF, status(502))),
            (Repeatable, answered(503, None), retry(BACKOFF, status(503))),
            (Repeatable, answered(504, None), retry(BACKOFF, status(504))),
            (Once, answered(500, None), Decision::Fail),
            (Once, answered(502, None), Decision::Fail),
            (Once, answered(503, None), Decision::Fail),
            (Once, answered(504, None), Decision::Fail),
            // A 503 with Retry-After refused the request: any method waits for it and resends.
            (Once, answered(503, Some(7)), retry(secs(7), status(503))),
            (Repeatable, answered(503, Some(7)), retry(secs(7), status(503))),
            // ...but never hammers: Retry-After 0 still waits a quarter of the backoff.
            (Repeatable, answered(503, Some(0)), retry(BACKOFF / 4, status(503))),
            // Retry-After on a 500 means nothing special.
            (Once, answered(500, Some(7)), Decision::Fail),
            // A Retry-After too long to honour: a repeatable request falls back to its backoff.
            (Repeatable, answered(503, Some(3600)), retry(BACKOFF, status(503))),
            (Once, answered(503, Some(3600)), Decision::Fail),
            // 429: RingCentral did not act, so any method is resent after Retry-After, or 30 s.
            (Repeatable, answered(429, Some(12)), retry(secs(12), Reason::RateLimited)),
            (Once, answered(429, Some(12)), retry(secs(12), Reason::RateLimited)),
            (Once, answered(429, None), retry(secs(30), Reason::RateLimited)),
            (Once, answered(429, Some(3600)), Decision::Fail),
            (Once, answered(429, Some(0)), retry(Duration::ZERO, Reason::RateLimited)),
            // No response at all.
            (Once, Outcome::Failed(Failure::Refused), retry(BACKOFF, failed(Failure::Refused))),
            (Repeatable, Outcome::Failed(Failure::Refused), retry(BACKOFF, failed(Failure::Refused))),
            (Repeatable, Outcome::Failed(Failure::Broken), retry(BACKOFF, failed(Failure::Broken))),
            (Repeatable, Outcome::Failed(Failure::Timeout), retry(BACKOFF, failed(Failure::Timeout))),
            (Once, Outcome::Failed(Failure::Broken), Decision::Fail),
            (Once, Outcome::Failed(Failure::Timeout), Decision::Fail),
            (Repeatable, Outcome::Failed(Failure::Other), Decision::Fail),
            // A 401 is final unless the token itself was refused.
            (Repeatable, answered(401, None), Decision::Done),
            (Once, Outcome::Answered { status: StatusCode::UNAUTHORIZED, retry_after: None, token_refused: true }, Decision::Renew),
        ];
        for (rules, outcome, expected) in table {
            assert_eq!(
                decide(*rules, 0, *outcome),
                *expected,
                "{rules:?} {outcome:?}"
            );
        }
    }

    #[test]
    fn retries_end_when_the_policy_says() {
        let p = RetryPolicy::default();
        for outcome in [
            answered(429, Some(1)),
            answered(503, None),
            answered(503, Some(1)),
            Outcome::Failed(Failure::Refused),
            Outcome::Failed(Failure::Broken),
        ] {
            assert!(
                matches!(
                    decide(Rules::Repeatable, p.max_retries - 1, outcome),
                    Decision::Retry { .. }
                ),
                "{outcome:?}"
            );
            assert_eq!(
                decide(Rules::Repeatable, p.max_retries, outcome),
                Decision::Fail,
                "{outcome:?}"
            );
        }
        let none = RetryPolicy::none();
        let attempt = Attempt {
            rules: Rules::Repeatable,
            retries: 0,
            may_renew: true,
            backoff: BACKOFF,
        };
        assert_eq!(
            classify(&none, &attempt, &answered(500, None)),
            Decision::Fail
        );
    }

    #[test]
    fn a_429_without_retry_after_waits_no_longer_than_the_policy_allows() {
        let quick = RetryPolicy {
            max_retry_after: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        let attempt = Attempt {
            rules: Rules::Once,
            retries: 0,
            may_renew: false,
            backoff: BACKOFF,
        };
        assert_eq!(
            classify(&quick, &attempt, &answered(429, None)),
            retry(Duration::from_secs(5), Reason::RateLimited)
        );
        assert_eq!(
            classify(&quick, &attempt, &answered(429, Some(6))),
            Decision::Fail
        );
    }

    #[test]
    fn a_refused_token_is_renewed_only_while_that_can_help() {
        let refused = Outcome::Answered {
            status: StatusCode::UNAUTHORIZED,
            retry_after: None,
            token_refused: true,
        };
        let attempt = Attempt {
            rules: Rules::Repeatable,
            retries: 0,
            may_renew: false,
            backoff: BACKOFF,
        };
        assert_eq!(
            classify(&RetryPolicy::default(), &attempt, &refused),
            Decision::Done
        );
        // Renewals do not spend retries: a request out of retries may still renew its token.
        let attempt = Attempt {
            retries: 3,
            may_renew: true,
            ..attempt
        };
        assert_eq!(
            classify(&RetryPolicy::default(), &attempt, &refused),
            Decision::Renew
        );
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
