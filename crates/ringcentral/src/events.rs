//! Progress events: what the runtime is doing while a caller waits (pacing, `Retry-After`, retries), so
//! that a progress line can say why nothing seems to happen instead of stalling silently.

use std::time::Duration;

use ringcentral_api::ThrottlingGroup;
use tokio::sync::broadcast;

/// How many events a slow receiver may fall behind before it misses some (it then sees
/// `RecvError::Lagged` and carries on with the newest).
pub(crate) const CAPACITY: usize = 64;

/// Waits shorter than this are part of normal pacing and not worth a progress line.
pub(crate) const REPORTED_WAIT: Duration = Duration::from_millis(250);

/// Waits longer than this are logged at `info` too, so that `-v` explains every pause a user notices.
pub(crate) const LOGGED_WAIT: Duration = Duration::from_secs(2);

/// What the runtime is doing that a progress line may show (waits and retries).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// A request waits before it is sent: pacing within its group's window, or a server's Retry-After.
    Waiting {
        /// The group whose window or block holds the request.
        group: ThrottlingGroup,
        /// How long the request will wait, from now.
        wait: Duration,
        cause: WaitCause,
    },
    /// A request is sent again after a failure the retry rules allow.
    Retrying {
        method: http::Method,
        /// The URL path, without the query.
        path: String,
        /// The attempt that failed: 1 for the first.
        attempt: u32,
        /// How long before the request is sent again (a `429`'s block may add a [`Event::Waiting`]).
        wait: Duration,
        /// What failed, for a person: `rate limited (HTTP 429)`, `server error (HTTP 503)`,
        /// `connection refused`, `timed out`, `connection broken`.
        reason: String,
    },
}

/// Why a request waits before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitCause {
    /// The group's window is full: the request waits for the oldest slot to free up.
    Pacing,
    /// The server answered `429` and the group is blocked for its `Retry-After`.
    RetryAfter,
}

impl WaitCause {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            WaitCause::Pacing => "pacing",
            WaitCause::RetryAfter => "retry-after",
        }
    }
}

/// The sending half shared by a client and its scheduler.
#[derive(Debug, Clone)]
pub(crate) struct Events {
    sender: broadcast::Sender<Event>,
}

impl Events {
    pub(crate) fn new() -> Events {
        Events {
            sender: broadcast::channel(CAPACITY).0,
        }
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    pub(crate) fn send(&self, event: Event) {
        // No receiver is the common case (no progress line); the event is simply dropped.
        let _ = self.sender.send(event);
    }
}
