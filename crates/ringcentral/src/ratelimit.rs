//! The rate-limit scheduler: one sliding window per throttling group, so that bulk work runs at the limit
//! itself and never past it.
//!
//! A request takes a slot of its group before it is sent. A slot is held while the request is in flight
//! and for one window after its response arrived: the server counted the request at some moment between
//! sending and answering, so a slot freed one window after the answer can never overlap the server's window,
//! whatever the server's clock, latency or window alignment. The limits start at RingCentral's defaults
//! and follow the `X-Rate-Limit-*` headers; a `Remaining` lower than this process accounts for (other
//! processes or clients of the same app) adds the difference as occupied slots; a `429` blocks the group
//! for `Retry-After`.
//!
//! A server that answers a group's requests successfully without any `X-Rate-Limit-*` header (a local
//! sandbox, a proxy) does not throttle that group: the group then runs unthrottled, until a response
//! carries the headers again or a `429` arrives (the `429` blocks the group for its `Retry-After`, and
//! the group is paced at its limits until the next answer without headers). RingCentral always sends the
//! headers, so against it nothing changes; an explicit limit given to the client builder is kept
//! whatever the server sends.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::Duration,
};

use http::HeaderMap;
use ringcentral_api::ThrottlingGroup;
use tokio::{sync::Notify, time::Instant};
use tracing::{debug, info};

use crate::events::{Event, Events, LOGGED_WAIT, REPORTED_WAIT, WaitCause};

/// How many times [`Scheduler::resume`] follows a block that keeps being extended.
const MAX_RESUME_ROUNDS: usize = 8;

/// A limit of `requests` per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

impl RateLimit {
    pub const fn new(requests: u32, window: Duration) -> RateLimit {
        RateLimit { requests, window }
    }

    /// RingCentral's documented default for a group; `None` for `NoThrottling`.
    pub fn default_for(group: ThrottlingGroup) -> Option<RateLimit> {
        group
            .default_limit()
            .map(|(n, secs)| RateLimit::new(n, Duration::from_secs(u64::from(secs))))
    }
}

/// Rate-limit facts read from a response's `X-Rate-Limit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitInfo {
    pub group: Option<ThrottlingGroup>,
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    pub window: Option<Duration>,
}

impl RateLimitInfo {
    /// Reads the headers; `None` when the response carries none of them.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimitInfo> {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let num = |name: &str| text(name).and_then(|v| v.parse::<u32>().ok());
        let info = RateLimitInfo {
            group: text("x-rate-limit-group").and_then(ThrottlingGroup::parse),
            limit: num("x-rate-limit-limit"),
            remaining: num("x-rate-limit-remaining"),
            // Whole seconds from RingCentral; a sandbox with scaled-down limits may send a fraction.
            window: text("x-rate-limit-window")
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s > 0.0)
                .and_then(|s| Duration::try_from_secs_f64(s).ok()),
        };
        let any = info.group.is_some()
            || info.limit.is_some()
            || info.remaining.is_some()
            || info.window.is_some();
        any.then_some(info)
    }
}

#[derive(Debug)]
struct Group {
    /// `None`: not throttled.
    limit: Option<RateLimit>,
    in_flight: u32,
    /// When each recently answered request's slot frees up, oldest first.
    busy_until: VecDeque<Instant>,
    blocked_until: Option<Instant>,
    /// The server answered this group without rate-limit headers: it is not pacing it, so neither do we.
    silent: bool,
}

impl Group {
    fn new(limit: Option<RateLimit>) -> Group {
        Group {
            limit,
            in_flight: 0,
            busy_until: VecDeque::new(),
            blocked_until: None,
            silent: false,
        }
    }

    fn prune(&mut self, now: Instant) {
        while self.busy_until.front().is_some_and(|t| *t <= now) {
            self.busy_until.pop_front();
        }
        if self.blocked_until.is_some_and(|t| t <= now) {
            self.blocked_until = None;
        }
    }

    fn used(&self) -> u32 {
        self.in_flight
            .saturating_add(u32::try_from(self.busy_until.len()).unwrap_or(u32::MAX))
    }

    /// Marks a slot busy until `until`, keeping the queue sorted (windows can shrink between pushes).
    fn occupy_until(&mut self, until: Instant) {
        let pos = self.busy_until.partition_point(|t| *t <= until);
        self.busy_until.insert(pos, until);
    }
}

enum Wait {
    Until(Instant, WaitCause),
    Notified,
}

#[derive(Debug)]
struct Inner {
    enabled: bool,
    groups: Mutex<HashMap<ThrottlingGroup, Group>>,
    overrides: HashMap<ThrottlingGroup, Option<RateLimit>>,
    notify: Notify,
    events: Events,
}

/// The scheduler shared by every request of one client.
#[derive(Debug, Clone)]
pub(crate) struct Scheduler {
    inner: Arc<Inner>,
}

/// A taken slot. Report the response with [`Permit::finish`]; dropping it unfinished counts the request
/// as answered now (it may have reached the server).
#[derive(Debug)]
pub(crate) struct Permit {
    inner: Arc<Inner>,
    group: ThrottlingGroup,
    tracked: bool,
    done: bool,
}

impl Scheduler {
    pub(crate) fn new(
        enabled: bool,
        overrides: HashMap<ThrottlingGroup, Option<RateLimit>>,
        events: Events,
    ) -> Scheduler {
        Scheduler {
            inner: Arc::new(Inner {
                enabled,
                groups: Mutex::new(HashMap::new()),
                overrides,
                notify: Notify::new(),
                events,
            }),
        }
    }

    /// Waits until the group has a free slot, and takes it. A wait longer than [`REPORTED_WAIT`] is
    /// announced as an [`Event::Waiting`], once per distinct deadline, so that a long pause never passes
    /// silently.
    pub(crate) async fn acquire(&self, group: ThrottlingGroup) -> Permit {
        if !self.inner.enabled {
            return self.permit(group, false);
        }
        let mut reported: Option<Instant> = None;
        loop {
            // Register for wake-ups before looking, so that a slot freed in between is not missed.
            let notified = self.inner.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let wait = {
                let mut groups = self.inner.lock();
                let g = self.inner.group(&mut groups, group);
                let now = Instant::now();
                g.prune(now);
                match (g.blocked_until, g.limit) {
                    (Some(until), _) => Wait::Until(until, WaitCause::RetryAfter),
                    (None, _) if g.silent => return self.permit(group, false),
                    (None, None) => return self.permit(group, false),
                    (None, Some(limit)) if g.used() < limit.requests.max(1) => {
                        g.in_flight += 1;
                        return self.permit(group, true);
                    }
                    (None, Some(_)) => match g.busy_until.front() {
                        Some(t) => Wait::Until(*t, WaitCause::Pacing),
                        None => Wait::Notified,
                    },
                }
            };
            match wait {
                Wait::Until(t, cause) => {
                    if reported.is_none_or(|r| r < t) {
                        reported = Some(t);
                        self.report(group, t.saturating_duration_since(Instant::now()), cause);
                    }
                    tokio::select! {
                        _ = tokio::time::sleep_until(t) => {}
                        _ = &mut notified => {}
                    }
                }
                Wait::Notified => notified.await,
            }
        }
    }

    fn report(&self, group: ThrottlingGroup, wait: Duration, cause: WaitCause) {
        if wait <= REPORTED_WAIT {
            return;
        }
        let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        if wait > LOGGED_WAIT {
            info!(
                group = group.as_str(),
                wait_ms,
                cause = cause.as_str(),
                "waiting before sending"
            );
        } else {
            debug!(
                group = group.as_str(),
                wait_ms,
                cause = cause.as_str(),
                "waiting before sending"
            );
        }
        self.inner
            .events
            .send(Event::Waiting { group, wait, cause });
    }

    fn permit(&self, group: ThrottlingGroup, tracked: bool) -> Permit {
        Permit {
            inner: self.inner.clone(),
            group,
            tracked,
            done: false,
        }
    }

    /// Blocks a group after a `429`, for `retry_after`.
    pub(crate) fn block(&self, group: ThrottlingGroup, retry_after: Duration) {
        if !self.inner.enabled {
            return;
        }
        let mut groups = self.inner.lock();
        let g = self.inner.group(&mut groups, group);
        let until = Instant::now() + retry_after;
        if g.blocked_until.is_none_or(|t| t < until) {
            g.blocked_until = Some(until);
        }
        // A server that refuses requests counts them after all: pace the group until it says otherwise.
        g.silent = false;
        drop(groups);
        self.inner.notify.notify_waiters();
    }

    /// Holds a refused request's slot for `wait` (its `Retry-After`) and for as long as its group stays
    /// blocked, so that the resend is sent as soon as the block ends and takes no new slot.
    pub(crate) async fn resume(&self, permit: &mut Permit, wait: Duration) {
        let mut until = Instant::now() + wait;
        let mut reported: Option<Instant> = None;
        // Another 429 of the group may extend the block while we sleep; a few rounds cover that, and the
        // retry count bounds the rest.
        for _ in 0..MAX_RESUME_ROUNDS {
            if self.inner.enabled {
                let groups = self.inner.lock();
                if let Some(blocked) = groups.get(&permit.group).and_then(|g| g.blocked_until) {
                    until = until.max(blocked);
                }
            }
            let now = Instant::now();
            if until <= now {
                break;
            }
            if reported.is_none_or(|r| r < until) {
                reported = Some(until);
                self.report(permit.group, until - now, WaitCause::RetryAfter);
            }
            tokio::time::sleep_until(until).await;
        }
        // Sent while the group ran unthrottled, the request held no slot; the group is paced now, so the
        // resend counts like any other request.
        if self.inner.enabled && !permit.tracked {
            let mut groups = self.inner.lock();
            let g = self.inner.group(&mut groups, permit.group);
            if g.limit.is_some() && !g.silent {
                g.in_flight += 1;
                permit.tracked = true;
            }
        }
    }

    /// The group's current limit, for diagnostics and tests.
    #[cfg(test)]
    pub(crate) fn limit(&self, group: ThrottlingGroup) -> Option<RateLimit> {
        let mut groups = self.inner.lock();
        self.inner.group(&mut groups, group).limit
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ThrottlingGroup, Group>> {
        // The map holds plain counters; a panic elsewhere cannot leave it inconsistent enough to matter.
        self.groups.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn group<'a>(
        &self,
        groups: &'a mut HashMap<ThrottlingGroup, Group>,
        group: ThrottlingGroup,
    ) -> &'a mut Group {
        groups.entry(group).or_insert_with(|| {
            let limit = match self.overrides.get(&group) {
                Some(l) => *l,
                None => RateLimit::default_for(group),
            };
            Group::new(limit)
        })
    }
}

impl Permit {
    /// Records the answer: frees the slot one window from now and applies the rate-limit headers.
    pub(crate) fn finish(mut self, info: Option<&RateLimitInfo>) {
        self.done = true;
        self.release(info);
    }

    /// Records a successful answer that carried no rate-limit header: the server does not throttle the
    /// group, so it runs unthrottled until headers or a `429` say otherwise.
    pub(crate) fn finish_without_limits(mut self) {
        self.done = true;
        self.release(None);
        if !self.inner.enabled || self.inner.overrides.contains_key(&self.group) {
            return;
        }
        let mut groups = self.inner.lock();
        let g = self.inner.group(&mut groups, self.group);
        if !g.silent {
            debug!(
                group = self.group.as_str(),
                "no rate-limit headers: the group runs unthrottled"
            );
            g.silent = true;
            // Waiters held by the default limits may go now.
            drop(groups);
            self.inner.notify.notify_waiters();
        }
    }

    /// Applies the headers of a refused attempt (a `429`) but keeps the slot: the request is resent
    /// with it after the block, so a resend never takes a slot the refusal did not.
    pub(crate) fn observe(&self, info: Option<&RateLimitInfo>) {
        if !self.inner.enabled {
            return;
        }
        if let Some(info) = info {
            let mut groups = self.inner.lock();
            self.inner
                .apply(&mut groups, self.group, info, Instant::now(), false);
        }
    }

    fn release(&mut self, info: Option<&RateLimitInfo>) {
        if !self.inner.enabled {
            return;
        }
        let now = Instant::now();
        let mut groups = self.inner.lock();
        if self.tracked {
            let g = self.inner.group(&mut groups, self.group);
            g.in_flight = g.in_flight.saturating_sub(1);
            if let Some(limit) = g.limit {
                let window = info.and_then(|i| i.window).unwrap_or(limit.window);
                g.occupy_until(now + window);
            }
        }
        if let Some(info) = info {
            // The server names the group that really counted the request; when it differs from the one
            // assumed, the request is accounted there too so the next ones see it.
            let count_in_actual = info.group.is_some_and(|g| g != self.group) || !self.tracked;
            self.inner.group(&mut groups, self.group).silent = false;
            self.inner
                .apply(&mut groups, self.group, info, now, count_in_actual);
        }
        drop(groups);
        self.inner.notify.notify_waiters();
    }
}

impl Inner {
    /// Follows a response's `X-Rate-Limit-*` headers: the limit and window of the group that counted the
    /// request, and a `Remaining` lower than this process accounts for.
    fn apply(
        &self,
        groups: &mut HashMap<ThrottlingGroup, Group>,
        assumed: ThrottlingGroup,
        info: &RateLimitInfo,
        now: Instant,
        count_in_actual: bool,
    ) {
        let actual = info.group.unwrap_or(assumed);
        let overridden = self.overrides.contains_key(&actual);
        let g = self.group(groups, actual);
        g.silent = false;
        if !overridden {
            if let (Some(n), Some(limit)) = (info.limit, g.limit.as_mut()) {
                limit.requests = n.max(1);
            }
            if let (Some(w), Some(limit)) = (info.window, g.limit.as_mut())
                && !w.is_zero()
            {
                limit.window = w;
            }
            if let (None, Some(n), Some(w)) = (g.limit, info.limit, info.window)
                && actual != ThrottlingGroup::NoThrottling
                && !w.is_zero()
            {
                g.limit = Some(RateLimit::new(n.max(1), w));
            }
        }
        if count_in_actual && let Some(limit) = g.limit {
            g.occupy_until(now + limit.window);
        }
        if let (Some(remaining), Some(limit)) = (info.remaining, g.limit) {
            g.prune(now);
            let server_used = limit.requests.saturating_sub(remaining);
            let extra = server_used.saturating_sub(g.used());
            for _ in 0..extra.min(limit.requests) {
                g.occupy_until(now + limit.window);
            }
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            self.release(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_read_in_whole_or_fractional_seconds() {
        let window = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert("x-rate-limit-window", http::HeaderValue::from_static(v));
            RateLimitInfo::from_headers(&h).and_then(|i| i.window)
        };
        assert_eq!(window("60"), Some(Duration::from_secs(60)));
        assert_eq!(window("0.6"), Some(Duration::from_millis(600)));
        assert_eq!(window("-1"), None);
        assert_eq!(window("soon"), None);
    }
    use futures::{StreamExt, stream};

    fn scheduler() -> Scheduler {
        Scheduler::new(true, HashMap::new(), Events::new())
    }

    /// Runs `n` calls of `latency` each with unlimited concurrency; returns the send instants, relative.
    async fn run(
        s: &Scheduler,
        group: ThrottlingGroup,
        n: usize,
        latency: Duration,
    ) -> Vec<Duration> {
        let start = Instant::now();
        let sends = Arc::new(Mutex::new(Vec::new()));
        stream::iter(0..n)
            .for_each_concurrent(None, |_| {
                let s = s.clone();
                let sends = sends.clone();
                async move {
                    let permit = s.acquire(group).await;
                    sends
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(start.elapsed());
                    tokio::time::sleep(latency).await;
                    permit.finish(None);
                }
            })
            .await;
        let mut v = sends.lock().unwrap_or_else(|p| p.into_inner()).clone();
        v.sort();
        v
    }

    fn max_in_any_window(sends: &[Duration], window: Duration) -> usize {
        sends
            .iter()
            .enumerate()
            .map(|(i, t)| sends[i..].iter().take_while(|u| **u < *t + window).count())
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn bulk_work_runs_at_the_limit_and_never_past_it() {
        let s = scheduler();
        let latency = Duration::from_millis(120);
        let start = Instant::now();
        let sends = run(&s, ThrottlingGroup::Light, 200, latency).await;
        let took = start.elapsed();
        // Light allows 50 per 60 s: 200 calls need three full windows plus the last batch's latency.
        let minimum = Duration::from_secs(180) + latency;
        assert!(took >= minimum, "{took:?}");
        assert!(
            took.as_secs_f64() <= minimum.as_secs_f64() * 1.05,
            "took {took:?}, minimum {minimum:?}"
        );
        assert_eq!(max_in_any_window(&sends, Duration::from_secs(60)), 50);
    }

    #[tokio::test(start_paused = true)]
    async fn an_hour_of_heavy_windows_holds_the_limit() {
        let s = scheduler();
        let sends = run(&s, ThrottlingGroup::Heavy, 600, Duration::from_millis(300)).await;
        assert!(max_in_any_window(&sends, Duration::from_secs(60)) <= 10);
        let last = sends.last().copied().unwrap_or_default();
        assert!(
            last >= Duration::from_secs(59 * 60) && last < Duration::from_secs(61 * 60),
            "{last:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn headers_lower_the_limit_and_remaining_accounts_for_other_clients() {
        let s = scheduler();
        let p = s.acquire(ThrottlingGroup::Medium).await;
        p.finish(Some(&RateLimitInfo {
            group: Some(ThrottlingGroup::Medium),
            limit: Some(5),
            remaining: Some(0),
            window: Some(Duration::from_secs(30)),
        }));
        assert_eq!(
            s.limit(ThrottlingGroup::Medium),
            Some(RateLimit::new(5, Duration::from_secs(30)))
        );
        let start = Instant::now();
        let _p = s.acquire(ThrottlingGroup::Medium).await;
        assert!(
            start.elapsed() >= Duration::from_secs(30),
            "Remaining 0 must hold the next request for a window"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_block_delays_the_group_only() {
        let s = scheduler();
        s.block(ThrottlingGroup::Light, Duration::from_secs(45));
        let start = Instant::now();
        drop(s.acquire(ThrottlingGroup::Heavy).await);
        assert_eq!(start.elapsed(), Duration::ZERO);
        drop(s.acquire(ThrottlingGroup::Light).await);
        assert_eq!(start.elapsed(), Duration::from_secs(45));
    }

    #[tokio::test(start_paused = true)]
    async fn response_group_header_moves_the_accounting() {
        let s = scheduler();
        for _ in 0..10 {
            let p = s.acquire(ThrottlingGroup::Heavy).await;
            p.finish(Some(&RateLimitInfo {
                group: Some(ThrottlingGroup::Light),
                limit: Some(10),
                remaining: None,
                window: Some(Duration::from_secs(60)),
            }));
        }
        let start = Instant::now();
        drop(s.acquire(ThrottlingGroup::Light).await);
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }

    fn headers(limit: u32, remaining: u32) -> RateLimitInfo {
        RateLimitInfo {
            group: None,
            limit: Some(limit),
            remaining: Some(remaining),
            window: Some(Duration::from_secs(60)),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_group_answered_without_headers_runs_unthrottled_until_headers_return() {
        let s = scheduler();
        let start = Instant::now();
        s.acquire(ThrottlingGroup::Heavy)
            .await
            .finish_without_limits();
        // Heavy's default is 10 a minute; a server that names no limit is not held to it.
        let sends = run(&s, ThrottlingGroup::Heavy, 500, Duration::from_millis(50)).await;
        assert_eq!(sends.last().copied(), Some(Duration::ZERO));
        assert_eq!(start.elapsed(), Duration::from_millis(50));
        // Headers again: the group is paced by them.
        s.acquire(ThrottlingGroup::Heavy)
            .await
            .finish(Some(&headers(10, 0)));
        let start = Instant::now();
        drop(s.acquire(ThrottlingGroup::Heavy).await);
        // Until the first slot taken before the run frees up, 60 s after the run began.
        assert_eq!(start.elapsed(), Duration::from_millis(59_950));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_ends_the_unthrottled_run() {
        let s = scheduler();
        s.acquire(ThrottlingGroup::Light)
            .await
            .finish_without_limits();
        s.block(ThrottlingGroup::Light, Duration::from_secs(7));
        let start = Instant::now();
        // The block first, then Light's default pace of 50 a minute.
        let sends = run(&s, ThrottlingGroup::Light, 51, Duration::from_millis(10)).await;
        assert_eq!(sends.first().copied(), Some(Duration::from_secs(7)));
        assert_eq!(max_in_any_window(&sends, Duration::from_secs(60)), 50);
        assert!(
            start.elapsed() >= Duration::from_secs(67),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn headers_on_every_answer_keep_the_pace_as_before() {
        let s = scheduler();
        let start = Instant::now();
        for _ in 0..41 {
            s.acquire(ThrottlingGroup::Medium)
                .await
                .finish(Some(&RateLimitInfo {
                    group: Some(ThrottlingGroup::Medium),
                    limit: Some(40),
                    remaining: None,
                    window: Some(Duration::from_secs(60)),
                }));
        }
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn an_explicit_limit_holds_whatever_the_server_sends() {
        let mut overrides = HashMap::new();
        overrides.insert(
            ThrottlingGroup::Light,
            Some(RateLimit::new(2, Duration::from_secs(10))),
        );
        let s = Scheduler::new(true, overrides, Events::new());
        let start = Instant::now();
        for _ in 0..3 {
            s.acquire(ThrottlingGroup::Light)
                .await
                .finish_without_limits();
        }
        assert_eq!(start.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn only_answers_say_the_server_does_not_throttle() {
        let s = scheduler();
        // A request dropped before any answer (a transport failure) proves nothing about the server.
        for _ in 0..10 {
            drop(s.acquire(ThrottlingGroup::Heavy).await);
        }
        let start = Instant::now();
        drop(s.acquire(ThrottlingGroup::Heavy).await);
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }
}
