//! Benchmarks of the client runtime on loopback, printed as a table for BENCHMARKS.md:
//!
//! 1. `overhead`: per-request time of `Client::send` against plain reqwest, same server, same request.
//! 2. `memory`: resident memory while streaming 100,000 records (100 pages of 1,000).
//! 3. `rate`: wall time of 200 calls in a group limited to 50 per 3-second window, against the minimum
//!    the limit allows, and how many 429s the server had to send.
//! 4. `silent`: wall time of a 100-page listing with the scheduler on, against a server that sends no
//!    rate-limit headers (held to Medium's default of 40 a minute, it would take at least 120 s).
//!
//! Run all with `cargo bench -p ringcentral --bench runtime`, or one with
//! `-- overhead|memory|rate|silent`.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Router,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
};
use futures::{StreamExt, TryStreamExt};
use ringcentral::{
    Client, MemoryTokenStore, Paging, RateLimit, Request, SecretString, StoreContents,
    ThrottlingGroup, Token, TokenStore,
};
use serde_json::json;

const ME: &str = "/restapi/v1.0/account/~/extension/~";
const LIST: &str = "/restapi/v1.0/account/~/extension";
const RATED: &str = "/restapi/v1.0/account/~/call-log";
const TOKEN: &str = "bench-access-token";

#[derive(Default)]
struct Limiter {
    sent: VecDeque<Instant>,
    rejected: u64,
}

const RATE_LIMIT: usize = 50;
const RATE_WINDOW: Duration = Duration::from_secs(3);

async fn me() -> Response {
    let mut r =
        axum::Json(json!({"id": 101, "extensionNumber": "101", "name": "Bench"})).into_response();
    r.headers_mut().insert(
        "rcrequestid",
        HeaderValue::from_static("00000000-0000-0000-0000-000000000000"),
    );
    r
}

async fn list(Query(q): Query<std::collections::HashMap<String, String>>) -> Response {
    const TOTAL: usize = 100_000;
    let per_page: usize = q.get("perPage").and_then(|v| v.parse().ok()).unwrap_or(100);
    let page: usize = q.get("page").and_then(|v| v.parse().ok()).unwrap_or(1);
    let start = (page - 1) * per_page;
    let end = (start + per_page).min(TOTAL);
    let records: Vec<_> = (start..end)
        .map(|i| {
            json!({"id": i, "uri": format!("https://platform.example/restapi/v1.0/account/1/extension/{i}"),
                   "extensionNumber": format!("{}", 1000 + i), "name": format!("User Number {i}"),
                   "type": "User", "status": "Enabled",
                   "contact": {"firstName": "User", "lastName": format!("Number {i}"), "email": format!("user{i}@example.com")}})
        })
        .collect();
    let mut nav = json!({});
    if end < TOTAL {
        nav["nextPage"] =
            json!({"uri": format!("http://127.0.0.1{LIST}?page={}&perPage={per_page}", page + 1)});
    }
    axum::Json(json!({"records": records, "paging": {"page": page, "perPage": per_page}, "navigation": nav})).into_response()
}

/// A strict sliding-window limiter: more than `RATE_LIMIT` requests in any `RATE_WINDOW` get a 429.
async fn rated(State(limiter): State<Arc<Mutex<Limiter>>>) -> Response {
    let now = Instant::now();
    let mut l = limiter.lock().unwrap_or_else(|p| p.into_inner());
    while l
        .sent
        .front()
        .is_some_and(|t| now.duration_since(*t) >= RATE_WINDOW)
    {
        l.sent.pop_front();
    }
    let mut headers = HeaderMap::new();
    headers.insert("x-rate-limit-group", HeaderValue::from_static("Light"));
    headers.insert("x-rate-limit-limit", HeaderValue::from(RATE_LIMIT as u64));
    headers.insert(
        "x-rate-limit-window",
        HeaderValue::from(RATE_WINDOW.as_secs()),
    );
    if l.sent.len() >= RATE_LIMIT {
        l.rejected += 1;
        headers.insert("x-rate-limit-remaining", HeaderValue::from(0u64));
        headers.insert("retry-after", HeaderValue::from(RATE_WINDOW.as_secs()));
        return (
            StatusCode::TOO_MANY_REQUESTS,
            headers,
            axum::Json(json!({"errorCode": "CMN-301", "message": "Request rate exceeded"})),
        )
            .into_response();
    }
    l.sent.push_back(now);
    headers.insert(
        "x-rate-limit-remaining",
        HeaderValue::from((RATE_LIMIT - l.sent.len()) as u64),
    );
    (headers, axum::Json(json!({"records": []}))).into_response()
}

fn start_server(limiter: Arc<Mutex<Limiter>>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = Router::new()
        .route(ME, get(me))
        .route(LIST, get(list))
        .route(RATED, get(rated))
        .with_state(limiter);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let _ = axum::serve(listener, app).await;
        });
    });
    url
}

fn logged_in_store() -> Arc<MemoryTokenStore> {
    let store = Arc::new(MemoryTokenStore::new());
    let token = Token::new(
        SecretString::from(TOKEN),
        Some(SecretString::from("bench-refresh")),
        chrono::Utc::now() + chrono::TimeDelta::hours(1),
    );
    store
        .save(&StoreContents {
            token: Some(token),
            pending: None,
        })
        .expect("store");
    store
}

fn client(url: &str) -> Client {
    Client::builder()
        .server(url)
        .client_id("bench")
        .token_store(logged_in_store())
        .build()
        .expect("client")
}

fn stats(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mean = samples.iter().map(|d| us(*d)).sum::<f64>() / samples.len() as f64;
    let p50 = us(samples[samples.len() / 2]);
    let p99 = us(samples[samples.len() * 99 / 100]);
    (mean, p50, p99)
}

async fn overhead(url: &str) {
    const N: usize = 5000;
    let plain = reqwest::Client::new();
    let rc = Client::builder()
        .server(url)
        .client_id("bench")
        .token_store(logged_in_store())
        // Throttling on, with a limit the bench cannot reach, so its bookkeeping is measured.
        .rate_limit(
            ThrottlingGroup::Light,
            Some(RateLimit::new(1_000_000, Duration::from_secs(60))),
        )
        .build()
        .expect("client");
    let plain_url = format!("{url}{ME}");
    let mut plain_samples = Vec::with_capacity(N);
    let mut rc_samples = Vec::with_capacity(N);
    // Interleaved rounds so that both see the same machine state; the first round warms up.
    for round in 0..3 {
        for _ in 0..N {
            let t = Instant::now();
            let body = plain
                .get(&plain_url)
                .bearer_auth(TOKEN)
                .header("accept", "application/json")
                .send()
                .await
                .expect("send")
                .bytes()
                .await
                .expect("body");
            let _: serde_json::Value = serde_json::from_slice(&body).expect("json");
            if round > 0 {
                plain_samples.push(t.elapsed());
            }
            let t = Instant::now();
            let _ = rc
                .send(Request::get(ME).group(ThrottlingGroup::Light))
                .await
                .expect("send")
                .json_value()
                .expect("json");
            if round > 0 {
                rc_samples.push(t.elapsed());
            }
        }
    }
    let (pm, p50, p99) = stats(plain_samples);
    let (rm, r50, r99) = stats(rc_samples);
    println!(
        "overhead: {} sequential GETs each, keep-alive, JSON body parsed",
        2 * N
    );
    println!("  plain reqwest      mean {pm:7.1} us  p50 {p50:7.1} us  p99 {p99:7.1} us");
    println!("  ringcentral::send  mean {rm:7.1} us  p50 {r50:7.1} us  p99 {r99:7.1} us");
    println!(
        "  overhead           mean {:7.1} us  p50 {:7.1} us",
        rm - pm,
        r50 - p50
    );
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn memory(url: &str) {
    // Unthrottled: Medium's real 40 per minute would make this a 2.5-minute wait, not a memory test.
    let rc = Client::builder()
        .server(url)
        .client_id("bench")
        .token_store(logged_in_store())
        .rate_limits_enabled(false)
        .build()
        .expect("client");
    let before = rss_kib("VmRSS:");
    let paging = Paging::PageNumber {
        records: "records",
        per_page_max: Some(1000),
    };
    let mut stream =
        std::pin::pin!(rc.paginate(Request::get(LIST).group(ThrottlingGroup::Medium), paging));
    let mut n = 0u64;
    let mut samples = Vec::new();
    let start = Instant::now();
    while let Some(record) = stream.try_next().await.expect("record") {
        if record.get("id").is_some() {
            n += 1;
        }
        if n.is_multiple_of(10_000) {
            samples.push(rss_kib("VmRSS:") / 1024);
        }
    }
    let took = start.elapsed();
    let peak = rss_kib("VmHWM:");
    assert_eq!(n, 100_000);
    println!(
        "memory: streamed {n} records (100 pages of 1000, ~260 B of JSON each) in {:.2} s",
        took.as_secs_f64()
    );
    println!(
        "  RSS before {} MiB; every 10,000 records (MiB): {samples:?}",
        before / 1024
    );
    println!(
        "  peak RSS (VmHWM, whole process incl. the in-process server) {:.1} MiB",
        peak as f64 / 1024.0
    );
}

async fn rate(url: &str, limiter: Arc<Mutex<Limiter>>) {
    const CALLS: usize = 200;
    let rc = client(url);
    let start = Instant::now();
    let results: Vec<_> = futures::stream::iter(0..CALLS)
        .map(|_| {
            let rc = rc.clone();
            async move {
                rc.send(Request::get(RATED).group(ThrottlingGroup::Light))
                    .await
                    .map(|r| r.attempts())
            }
        })
        .buffer_unordered(CALLS)
        .collect()
        .await;
    let took = start.elapsed();
    let failed = results.iter().filter(|r| r.is_err()).count();
    let resent = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .filter(|a| **a > 1)
        .count();
    let windows = CALLS.div_ceil(RATE_LIMIT) - 1;
    let minimum = RATE_WINDOW * windows as u32;
    let rejected = limiter.lock().unwrap_or_else(|p| p.into_inner()).rejected;
    println!(
        "rate: {CALLS} concurrent calls, server limit {RATE_LIMIT} per {}s sliding window (client starts at Light 50/60s and learns the window from headers)",
        RATE_WINDOW.as_secs()
    );
    println!(
        "  wall {:.3} s, minimum {:.3} s, over by {:.2}%; 429s {rejected}, failed {failed}, resent {resent}",
        took.as_secs_f64(),
        minimum.as_secs_f64(),
        (took.as_secs_f64() / minimum.as_secs_f64() - 1.0) * 100.0
    );
}

async fn silent(url: &str) {
    const PAGES: usize = 100;
    // The client's defaults: scheduler on, Medium starting at RingCentral's 40 per 60 s.
    let rc = client(url);
    let paging = Paging::PageNumber {
        records: "records",
        per_page_max: Some(1000),
    };
    let request = Request::get(LIST)
        .query("perPage", "100")
        .group(ThrottlingGroup::Medium);
    let start = Instant::now();
    let pages: Vec<_> = rc
        .pages(request, paging)
        .take(PAGES)
        .try_collect()
        .await
        .expect("pages");
    let took = start.elapsed();
    let records: usize = pages.iter().map(|p| p.records.len()).sum();
    println!(
        "silent: {PAGES} pages of 100 ({records} records), scheduler on, server sends no X-Rate-Limit-* headers"
    );
    println!(
        "  wall {:.3} s (at Medium's default 40 per 60 s the floor would be 120 s)",
        took.as_secs_f64()
    );
}

fn main() {
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wants = |name: &str| which.is_empty() || which.iter().any(|w| w == name);
    let limiter = Arc::new(Mutex::new(Limiter::default()));
    let url = start_server(limiter.clone());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        if wants("memory") {
            memory(&url).await;
        }
        if wants("overhead") {
            overhead(&url).await;
        }
        if wants("rate") {
            rate(&url, limiter).await;
        }
        if wants("silent") {
            silent(&url).await;
        }
    });
}
