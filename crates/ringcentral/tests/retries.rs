//! The retry rules end to end, over loopback HTTP on tokio's paused clock: a failing page of a listing is
//! fetched again, a POST is resent only when the server cannot have acted on it, a resend after a 429
//! takes no new rate-limit slot, and every long pause is announced by a progress event.

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use common::{FakeRc, Fault, JWT, client_builder};
use futures::TryStreamExt;
use ringcentral::{
    Client, ClientBuilder, ErrorKind, Event, Paging, RateLimit, Request, SecretString,
    ThrottlingGroup,
};
use serde_json::Value;
use tokio::time::Instant;

const RATE_BODY: &str = r#"{"errorCode":"CMN-301","message":"Request rate exceeded","errors":[{"errorCode":"CMN-301","message":"Request rate exceeded"}]}"#;
const FAILED_BODY: &str = r#"{"errorCode":"CMN-500","message":"Internal server error"}"#;

const PAGE_NUMBER: Paging = Paging::PageNumber {
    records: "records",
    per_page_max: Some(1000),
};

async fn logged_in(builder: ClientBuilder) -> Client {
    let client = builder.build().expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    client
}

fn extensions(per_page: u32) -> Request {
    Request::get("/restapi/v1.0/account/~/extension")
        .query("perPage", per_page.to_string())
        .group(ThrottlingGroup::Medium)
}

fn sms() -> Request {
    Request::post("/restapi/v1.0/account/~/extension/~/sms")
        .json(serde_json::json!({"to": [{"phoneNumber": "+15550100"}], "text": "once"}))
        .group(ThrottlingGroup::Medium)
}

fn sent(rc: &FakeRc, prefix: &str) -> usize {
    rc.log().iter().filter(|l| l.starts_with(prefix)).count()
}

fn ids(records: &[Value]) -> Vec<u64> {
    records.iter().filter_map(|r| r["id"].as_u64()).collect()
}

#[tokio::test(start_paused = true)]
async fn a_500_on_a_page_is_fetched_again_and_the_listing_completes() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| s.records = 450);
    let client = logged_in(client_builder(&rc.url)).await;
    // Page 1 passes; page 2 fails twice (500, then 502) before it is served.
    rc.fault(Fault::Pass);
    rc.fault(Fault::status(500, FAILED_BODY));
    rc.fault(Fault::status(502, FAILED_BODY));
    let records: Vec<Value> = client
        .paginate(extensions(100), PAGE_NUMBER)
        .try_collect()
        .await
        .expect("the listing rides out the failures");
    assert_eq!(ids(&records), (0..450).collect::<Vec<_>>());
    assert_eq!(sent(&rc, "GET /restapi/v1.0/account/~/extension"), 5 + 2);
}

#[tokio::test(start_paused = true)]
async fn a_500_on_a_post_is_not_resent() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(client_builder(&rc.url)).await;
    let mut events = client.events();
    rc.fault(Fault::status(500, FAILED_BODY));
    let err = client
        .send(sms())
        .await
        .expect_err("the SMS may have been sent");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.status(), Some(500));
    assert!(err.to_string().contains("CMN-500"), "{err}");
    assert_eq!(sent(&rc, "POST /restapi/v1.0/account/~/extension/~/sms"), 1);
    assert!(events.try_recv().is_err(), "no retry was announced");
    // Unless the caller vouches that repeating it is harmless.
    rc.fault(Fault::status(500, FAILED_BODY));
    let response = client.send(sms().retry_safe(true)).await.expect("resent");
    assert_eq!(response.attempts(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_resend_after_a_429_takes_no_new_slot() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    // Two requests a minute: the first takes one slot, the refused second keeps the other.
    let client = logged_in(
        client_builder(&rc.url)
            .rate_limits_enabled(true)
            .rate_limit(
                ThrottlingGroup::Medium,
                Some(RateLimit::new(2, Duration::from_secs(60))),
            ),
    )
    .await;
    client.send(sms()).await.expect("first");
    rc.fault(Fault::status(429, RATE_BODY).with_header("retry-after", "5"));
    let start = Instant::now();
    let response = client.send(sms()).await.expect("resent after the block");
    assert_eq!(response.attempts(), 2);
    // Counting the refused attempt as a slot would hold the resend for the rest of the minute.
    assert!(
        start.elapsed() >= Duration::from_secs(5) && start.elapsed() < Duration::from_secs(6),
        "{:?}",
        start.elapsed()
    );
    // The window is full now (two requests answered): the next one waits for it.
    let start = Instant::now();
    client.send(sms()).await.expect("third");
    assert!(
        start.elapsed() >= Duration::from_secs(50),
        "{:?}",
        start.elapsed()
    );
}

/// Waits and retries seen by a listener, with the instant each arrived.
fn record_events(client: &Client) -> Arc<Mutex<Vec<(Instant, Event)>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut rx = client.events();
    let sink = seen.clone();
    tokio::spawn(async move {
        // Ends when the client (the sender) is dropped.
        while let Ok(e) = rx.recv().await {
            sink.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((Instant::now(), e));
        }
    });
    seen
}

fn announced_wait(e: &Event) -> Duration {
    match e {
        Event::Waiting { wait, .. } | Event::Retrying { wait, .. } => *wait,
        _ => Duration::ZERO,
    }
}

/// Every gap over 2 s between two steps of progress is covered by events announcing at least that much
/// waiting (less the 2 s a user tolerates without a word).
fn assert_no_silent_stall(steps: &[Instant], events: &[(Instant, Event)]) {
    for pair in steps.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let gap = to - from;
        if gap <= Duration::from_secs(2) {
            continue;
        }
        let announced: Duration = events
            .iter()
            .filter(|(at, _)| *at >= from && *at <= to)
            .map(|(_, e)| announced_wait(e))
            .sum();
        assert!(
            announced + Duration::from_secs(2) >= gap,
            "a silent pause of {gap:?} (announced {announced:?}) in {events:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn no_pause_over_two_seconds_goes_unannounced() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| s.records = 1200);
    let client = logged_in(
        client_builder(&rc.url)
            .rate_limits_enabled(true)
            .rate_limit(
                ThrottlingGroup::Medium,
                Some(RateLimit::new(4, Duration::from_secs(20))),
            ),
    )
    .await;
    let events = record_events(&client);
    let faults = [
        Fault::Pass,
        Fault::status(503, FAILED_BODY),
        Fault::status(429, RATE_BODY).with_header("retry-after", "9"),
        Fault::Pass,
        Fault::Pass,
        Fault::status(429, RATE_BODY),
        Fault::status(504, FAILED_BODY),
        Fault::Pass,
        Fault::status(500, FAILED_BODY),
    ];
    for f in faults {
        rc.fault(f);
    }
    let start = Instant::now();
    let mut steps = vec![start];
    let mut pages = std::pin::pin!(client.pages(extensions(100), PAGE_NUMBER));
    let mut count = 0;
    while let Some(page) = pages.try_next().await.expect("page") {
        count += page.records.len();
        steps.push(Instant::now());
    }
    assert_eq!(count, 1200);
    tokio::task::yield_now().await;
    let events = events.lock().unwrap_or_else(|p| p.into_inner()).clone();
    // 12 pages at 4 per 20 s, a 9 s and a 30 s block: long pauses are certain.
    assert!(
        start.elapsed() > Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    assert!(events.len() >= 6, "{events:?}");
    assert_no_silent_stall(&steps, &events);
}
