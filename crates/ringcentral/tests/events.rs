//! Progress events over loopback HTTP, on tokio's paused clock: a request held by its group's window
//! announces the wait, a 429 announces the retry and the Retry-After wait, and short waits stay quiet.

mod common;

use std::time::Duration;

use common::{FakeRc, Fault, JWT, client_builder};
use ringcentral::{Client, Event, RateLimit, Request, SecretString, ThrottlingGroup, WaitCause};
use tokio::sync::broadcast::{Receiver, error::TryRecvError};

const RATE_BODY: &str = r#"{"errorCode":"CMN-301","message":"Request rate exceeded","errors":[{"errorCode":"CMN-301","message":"Request rate exceeded"}]}"#;

fn me() -> Request {
    Request::get("/restapi/v1.0/account/~/extension/~").group(ThrottlingGroup::Light)
}

async fn logged_in(builder: ringcentral::ClientBuilder) -> Client {
    let client = builder.build().expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    client
}

/// Everything sent so far, without waiting.
fn drain(rx: &mut Receiver<Event>) -> Vec<Event> {
    let mut out = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(e) => out.push(e),
            Err(TryRecvError::Lagged(_)) => continue,
            Err(_) => return out,
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_full_window_announces_the_pacing_wait() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(
        client_builder(&rc.url)
            .rate_limits_enabled(true)
            .rate_limit(
                ThrottlingGroup::Light,
                Some(RateLimit::new(2, Duration::from_secs(10))),
            ),
    )
    .await;
    let mut rx = client.events();
    client.send(me()).await.expect("first");
    client.send(me()).await.expect("second");
    assert!(drain(&mut rx).is_empty(), "no wait within the window");
    client.send(me()).await.expect("third waits for the window");
    let events = drain(&mut rx);
    assert_eq!(events.len(), 1, "{events:?}");
    match &events[0] {
        Event::Waiting { group, wait, cause } => {
            assert_eq!(*group, ThrottlingGroup::Light);
            assert_eq!(*cause, WaitCause::Pacing);
            assert!(
                *wait > Duration::from_secs(9) && *wait <= Duration::from_secs(10),
                "{wait:?}"
            );
        }
        other => panic!("expected a wait, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_announces_the_retry_and_the_retry_after_wait() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(client_builder(&rc.url).rate_limits_enabled(true)).await;
    let mut rx = client.events();
    rc.fault(Fault::status(429, RATE_BODY).with_header("retry-after", "5"));
    let response = client.send(me()).await.expect("succeeds after the wait");
    assert_eq!(response.attempts(), 2);
    let events = drain(&mut rx);
    assert_eq!(events.len(), 2, "{events:?}");
    match &events[0] {
        Event::Retrying {
            method,
            path,
            attempt,
            wait,
            reason,
        } => {
            assert_eq!(*method, http::Method::GET);
            assert_eq!(path, "/restapi/v1.0/account/~/extension/~");
            assert_eq!(*attempt, 1);
            assert_eq!(*wait, Duration::from_secs(5));
            assert!(reason.contains("429"), "{reason}");
        }
        other => panic!("expected a retry, got {other:?}"),
    }
    match &events[1] {
        Event::Waiting { group, wait, cause } => {
            assert_eq!(*group, ThrottlingGroup::Light);
            assert_eq!(*cause, WaitCause::RetryAfter);
            assert!(
                *wait > Duration::from_secs(4) && *wait <= Duration::from_secs(5),
                "{wait:?}"
            );
        }
        other => panic!("expected a wait, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_503_retry_is_announced_even_without_the_scheduler() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(client_builder(&rc.url)).await;
    let mut rx = client.events();
    rc.fault(Fault::status(503, "{}"));
    client.send(me()).await.expect("retried");
    let events = drain(&mut rx);
    assert!(
        matches!(
            events.as_slice(),
            [Event::Retrying { attempt: 1, reason, .. }] if reason.contains("503")
        ),
        "{events:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn events_without_a_receiver_are_dropped_and_short_waits_stay_quiet() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(client_builder(&rc.url).rate_limits_enabled(true)).await;
    // Nobody listens: the 429 must not fail or block on the channel.
    rc.fault(Fault::status(429, RATE_BODY).with_header("retry-after", "1"));
    client.send(me()).await.expect("no receiver");
    let mut rx = client.events();
    rc.fault(Fault::status(429, RATE_BODY).with_header("retry-after", "0"));
    client.send(me()).await.expect("immediate retry");
    let events = drain(&mut rx);
    assert!(
        events.iter().all(|e| !matches!(e, Event::Waiting { .. })),
        "a zero Retry-After is no wait: {events:?}"
    );
    assert_eq!(events.len(), 1, "{events:?}");
}
