//! Connections: how many the sandbox holds at once, and how long one may take to send a request's
//! head or sit idle between requests, so that slow or silent clients cannot starve the others.
//!
//! hyper's own header timeout starts as soon as a connection waits for its next request, which
//! would make it an idle timeout too; the two are told apart here by watching the bytes that flow.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Descriptors kept free below the process's limit for SQLite (database, journal, temporary
/// files), logs, the webhook client's sockets and the listener itself.
const MIN_RESERVED_FILES: u64 = 64;

/// The most connections a sandbox holds when the file limit is unlimited or very large.
const MAX_CONNECTIONS: u64 = 100_000;

/// How long one request may take to arrive, and how long a connection may sit between requests.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub header: Duration,
    pub idle: Duration,
}

/// How many connections fit under a file limit of `soft` descriptors: an eighth of it (at least
/// [`MIN_RESERVED_FILES`]) stays free for everything else the process opens.
pub fn connections_below(soft: u64) -> usize {
    let reserve = (soft / 8).max(MIN_RESERVED_FILES);
    soft.saturating_sub(reserve).clamp(16, MAX_CONNECTIONS) as usize
}

/// The connection limit that fits under this process's `RLIMIT_NOFILE`.
pub fn default_max_connections() -> usize {
    connections_below(open_file_limit().unwrap_or(1024))
}

#[cfg(unix)]
fn open_file_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}

/// Why a connection was closed by the sandbox rather than by its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expired {
    /// A request's head did not arrive in time.
    Header,
    /// No request came for the idle timeout.
    Idle,
}

#[derive(Debug)]
struct Phase {
    /// Requests whose head was read and whose answer is not yet handed back.
    in_flight: usize,
    /// When the first byte of a request whose head is not complete arrived.
    head_since: Option<Instant>,
    /// The last byte read or written.
    last_io: Instant,
}

/// What a connection is doing, shared by its socket, its service and its watchdog.
#[derive(Debug)]
pub struct Activity {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl Activity {
    pub fn new() -> Arc<Activity> {
        Arc::new(Activity {
            phase: Mutex::new(Phase {
                in_flight: 0,
                head_since: None,
                last_io: Instant::now(),
            }),
            changed: Notify::new(),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Phase) -> T) -> T {
        let mut p = self.phase.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut p)
    }

    fn read(&self) {
        let started = self.with(|p| {
            p.last_io = Instant::now();
            let starts = p.in_flight == 0 && p.head_since.is_none();
            if starts {
                p.head_since = Some(p.last_io);
            }
            starts
        });
        if started {
            // The header deadline is earlier than the idle one the watchdog may be sleeping on.
            self.changed.notify_one();
        }
    }

    fn wrote(&self) {
        self.with(|p| p.last_io = Instant::now());
    }

    /// Marks a request whose head was read; the mark is lifted when the guard drops.
    pub fn request(self: &Arc<Self>) -> InFlight {
        self.with(|p| {
            p.in_flight += 1;
            p.head_since = None;
        });
        self.changed.notify_one();
        InFlight(self.clone())
    }

    /// Resolves when the connection has broken one of the timeouts.
    pub async fn expired(&self, t: Timeouts) -> Expired {
        loop {
            let deadline = self.with(|p| match (p.in_flight, p.head_since) {
                // A request being answered is bounded by the body timeout and by the handler.
                (1.., _) => None,
                (0, Some(since)) => Some((since + t.header, Expired::Header)),
                (0, None) => Some((p.last_io + t.idle, Expired::Idle)),
            });
            match deadline {
                None => self.changed.notified().await,
                Some((at, why)) => {
                    if Instant::now() >= at {
                        return why;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep_until(at) => {}
                        _ = self.changed.notified() => {}
                    }
                }
            }
        }
    }
}

/// A request in flight on its connection.
#[derive(Debug)]
pub struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.with(|p| {
            p.in_flight = p.in_flight.saturating_sub(1);
            p.last_io = Instant::now();
        });
        self.0.changed.notify_one();
    }
}

/// A socket whose reads and writes are told to its connection's [`Activity`].
#[derive(Debug)]
pub struct Watched<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S> Watched<S> {
    pub fn new(inner: S, activity: Arc<Activity>) -> Watched<S> {
        Watched { inner, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let res = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(res, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read();
        }
        res
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let res = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(res, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        res
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let res = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(res, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        res
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A warning logged at most once per interval, with how many were held back in between, so that a
/// storm of failed accepts leaves a few lines rather than thousands.
#[derive(Debug)]
pub struct Throttled {
    every: Duration,
    last: Option<Instant>,
    held_back: u64,
}

impl Throttled {
    pub fn new(every: Duration) -> Throttled {
        Throttled {
            every,
            last: None,
            held_back: 0,
        }
    }

    /// Whether to log now, and how many were held back since the last line.
    pub fn admit(&mut self) -> Option<u64> {
        let now = Instant::now();
        if self.last.is_some_and(|l| now < l + self.every) {
            self.held_back += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.held_back))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const T: Timeouts = Timeouts {
        header: Duration::from_secs(10),
        idle: Duration::from_secs(60),
    };

    #[test]
    fn the_limit_leaves_room_below_the_file_limit() {
        assert_eq!(connections_below(1024), 896);
        assert_eq!(connections_below(256), 192);
        assert_eq!(connections_below(70), 16);
        assert_eq!(connections_below(u64::MAX), MAX_CONNECTIONS as usize);
        assert!(default_max_connections() >= 16);
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_connection_expires_when_idle() {
        let activity = Activity::new();
        let start = Instant::now();
        assert_eq!(activity.expired(T).await, Expired::Idle);
        assert_eq!(start.elapsed(), T.idle);
    }

    #[tokio::test(start_paused = true)]
    async fn a_half_sent_head_expires_at_the_header_timeout() {
        let activity = Activity::new();
        let (client, server) = tokio::io::duplex(64);
        let mut server = Watched::new(server, activity.clone());
        let mut client = client;
        tokio::time::sleep(Duration::from_secs(5)).await;
        let start = Instant::now();
        let reader = tokio::spawn(async move {
            let mut buf = [0u8; 16];
            let _ = server.read(&mut buf).await;
            server
        });
        client.write_all(b"GET / HTT").await.ok();
        let _server = reader.await;
        assert_eq!(activity.expired(T).await, Expired::Header);
        assert_eq!(start.elapsed(), T.header);
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_in_flight_never_expires_and_idle_counts_from_its_end() {
        let activity = Activity::new();
        let guard = activity.request();
        let waited = tokio::time::timeout(Duration::from_secs(600), activity.expired(T)).await;
        assert!(waited.is_err(), "expired while a request was in flight");
        drop(guard);
        let start = Instant::now();
        assert_eq!(activity.expired(T).await, Expired::Idle);
        assert_eq!(start.elapsed(), T.idle);
    }

    #[tokio::test(start_paused = true)]
    async fn warnings_are_held_back_within_the_interval() {
        let mut w = Throttled::new(Duration::from_secs(1));
        assert_eq!(w.admit(), Some(0));
        for _ in 0..1000 {
            assert_eq!(w.admit(), None);
        }
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(w.admit(), Some(1000));
        assert_eq!(w.admit(), None);
    }
}
