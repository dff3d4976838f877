//! The scheduler against servers that do and do not send rate-limit headers, over loopback HTTP on
//! tokio's paused clock: a server that names no limit is not throttled by the client, while
//! one that sends RingCentral's headers is paced exactly as before, at the floor and never past it.

mod common;

use std::time::Duration;

use common::{FakeRc, Fault, JWT, client_builder};
use futures::TryStreamExt;
use ringcentral::{Client, Paging, Request, SecretString, ThrottlingGroup};
use tokio::time::Instant;

const PAGE_NUMBER: Paging = Paging::PageNumber {
    records: "records",
    per_page_max: Some(1000),
};

async fn scheduled_client(rc: &FakeRc) -> Client {
    let client = client_builder(&rc.url)
        .rate_limits_enabled(true)
        .build()
        .expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    client
}

fn extensions() -> Request {
    Request::get("/restapi/v1.0/account/~/extension")
        .query("perPage", "100")
        .group(ThrottlingGroup::Medium)
}

/// Pages the 10,000 extensions 100 at a time; returns when each page arrived, relative to the start.
async fn page_all(client: &Client) -> Vec<Duration> {
    let start = Instant::now();
    let mut arrivals = Vec::new();
    let mut records = 0;
    let mut pages = std::pin::pin!(client.pages(extensions(), PAGE_NUMBER));
    while let Some(page) = pages.try_next().await.expect("page") {
        records += page.records.len();
        arrivals.push(start.elapsed());
    }
    assert_eq!(records, 10_000);
    arrivals
}

fn max_in_any_window(times: &[Duration], window: Duration) -> usize {
    times
        .iter()
        .enumerate()
        .map(|(i, t)| times[i..].iter().take_while(|u| **u < *t + window).count())
        .max()
        .unwrap_or(0)
}

#[tokio::test(start_paused = true)]
async fn a_server_without_rate_limit_headers_is_not_throttled() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| s.records = 10_000);
    let client = scheduled_client(&rc).await;
    let arrivals = page_all(&client).await;
    assert_eq!(arrivals.len(), 100);
    // Held to Medium's default of 40 a minute this took two and a half windows.
    let took = arrivals.last().copied().unwrap_or_default();
    assert!(took < Duration::from_secs(1), "{took:?}");
}

#[tokio::test(start_paused = true)]
async fn a_429_on_a_silent_server_blocks_then_the_listing_runs_on() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| s.records = 10_000);
    let client = scheduled_client(&rc).await;
    for _ in 0..3 {
        rc.fault(Fault::Pass);
    }
    rc.fault(
        Fault::status(
            429,
            r#"{"errorCode":"CMN-301","message":"Request rate exceeded"}"#,
        )
        .with_header("retry-after", "20"),
    );
    let arrivals = page_all(&client).await;
    // Three pages at once; the fourth is refused and waits out the block; its answer names no limit
    // again, so the other 96 pages follow at once instead of at Medium's 40 a minute.
    assert!(arrivals[2] < Duration::from_secs(1), "{arrivals:?}");
    assert!(
        arrivals[3] >= Duration::from_secs(20) && arrivals[3] < Duration::from_secs(21),
        "{arrivals:?}"
    );
    let took = arrivals.last().copied().unwrap_or_default();
    assert!(took < Duration::from_secs(21), "{took:?}");
    assert_eq!(
        rc.log().iter().filter(|l| l.starts_with("GET ")).count(),
        101
    );
}

#[tokio::test(start_paused = true)]
async fn a_server_with_rate_limit_headers_is_paced_at_the_floor() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    rc.with(|s| {
        s.records = 10_000;
        s.api_headers = vec![
            ("x-rate-limit-group", "Medium".to_owned()),
            ("x-rate-limit-limit", "40".to_owned()),
            ("x-rate-limit-window", "60".to_owned()),
        ];
    });
    let client = scheduled_client(&rc).await;
    let arrivals = page_all(&client).await;
    // 100 requests at 40 a minute: two full windows, then the last 20 at once, never 41 in a window.
    assert_eq!(max_in_any_window(&arrivals, Duration::from_secs(60)), 40);
    let took = arrivals.last().copied().unwrap_or_default();
    assert!(
        took >= Duration::from_secs(120) && took < Duration::from_secs(122),
        "{took:?}"
    );
}
