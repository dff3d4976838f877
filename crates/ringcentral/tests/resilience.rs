//! Failures on the wire, over loopback HTTP: 429 with Retry-After, 503 bursts, reset and refused
//! connections, malformed bodies, and rate-limit headers. Time-dependent cases run on tokio's paused
//! clock (the server keeps the real one on its own thread).

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use common::{FakeRc, Fault, JWT, client_builder};
use ringcentral::{Client, Error, ErrorKind, Request, SecretString, ThrottlingGroup};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    time::Instant,
};

const RATE_BODY: &str = r#"{"errorCode":"CMN-301","message":"Request rate exceeded","errors":[{"errorCode":"CMN-301","message":"Request rate exceeded"}]}"#;
const BUSY_BODY: &str = r#"{"errorCode":"CMN-201","message":"Service temporarily unavailable","errors":[{"errorCode":"CMN-201","message":"Service temporarily unavailable"}]}"#;

fn me() -> Request {
    Request::get("/restapi/v1.0/account/~/extension/~").group(ThrottlingGroup::Light)
}

fn sms() -> Request {
    Request::post("/restapi/v1.0/account/~/extension/~/sms")
        .json(serde_json::json!({"to": [{"phoneNumber": "+15550100"}], "text": "once"}))
        .group(ThrottlingGroup::Medium)
}

async fn logged_in(rc: &FakeRc, scheduler: bool) -> Client {
    let client = client_builder(&rc.url)
        .rate_limits_enabled(scheduler)
        .build()
        .expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    client
}

fn api_requests(rc: &FakeRc) -> usize {
    rc.log()
        .iter()
        .filter(|l| !l.contains("/restapi/oauth/"))
        .count()
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(&rc, true).await;
    rc.fault(Fault::status(429, RATE_BODY).with_header("retry-after", "60"));
    let start = Instant::now();
    let response = client.send(me()).await.expect("succeeds after waiting");
    assert!(
        start.elapsed() >= Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
    assert!(
        start.elapsed() < Duration::from_secs(62),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(response.attempts(), 2);
    assert_eq!(api_requests(&rc), 2);
}

#[tokio::test(start_paused = true)]
async fn a_429_on_a_post_is_resent_after_retry_after() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(&rc, true).await;
    rc.fault(Fault::status(429, RATE_BODY).with_header("retry-after", "30"));
    let start = Instant::now();
    let response = client
        .send(sms())
        .await
        .expect("RingCentral never acted on a request it answered 429: resent");
    let took = start.elapsed();
    assert!(
        took >= Duration::from_secs(30) && took < Duration::from_secs(31),
        "{took:?}"
    );
    assert_eq!(response.attempts(), 2);
    let sent = rc
        .log()
        .iter()
        .filter(|l| l.starts_with("POST /restapi/v1.0/account/~/extension/~/sms"))
        .count();
    assert_eq!(sent, 2, "the refused SMS and its resend");

    // Without Retry-After the group is blocked for RingCentral's 30 s.
    rc.fault(Fault::status(429, RATE_BODY));
    let start = Instant::now();
    client.send(sms()).await.expect("resent");
    assert!(
        start.elapsed() >= Duration::from_secs(30) && start.elapsed() < Duration::from_secs(31),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_429_blocks_the_group_for_other_requests() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = client_builder(&rc.url)
        .rate_limits_enabled(true)
        .retry_policy(ringcentral::RetryPolicy::none())
        .build()
        .expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    rc.fault(Fault::status(429, RATE_BODY).with_header("retry-after", "30"));
    let err = client.send(sms()).await.expect_err("no retries allowed");
    assert!(
        matches!(&err, Error::RateLimited { retry_after, group: "Medium", attempts: 1, .. } if *retry_after == Duration::from_secs(30)),
        "{err:?}"
    );
    assert_eq!(err.error_code(), Some("CMN-301"));
    let start = Instant::now();
    client.send(me()).await.expect("light");
    assert!(start.elapsed() < Duration::from_secs(1));
    client.send(sms()).await.expect("medium after the block");
    assert!(
        start.elapsed() >= Duration::from_secs(29),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn still_rate_limited_after_every_retry_is_a_rate_limit_error() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(&rc, true).await;
    for _ in 0..4 {
        rc.fault(Fault::status(429, RATE_BODY).with_header("retry-after", "5"));
    }
    let err = client.send(me()).await.expect_err("exhausted");
    assert!(
        matches!(err, Error::RateLimited { attempts: 4, .. }),
        "{err:?}"
    );
    let line = err.to_string();
    assert!(
        line.contains("CMN-301") && line.contains("RCRequestId"),
        "{line}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_503_burst_is_ridden_out_with_backoff() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(&rc, false).await;
    for _ in 0..3 {
        rc.fault(Fault::status(503, BUSY_BODY));
    }
    let start = Instant::now();
    let response = client.send(me()).await.expect("succeeds after the burst");
    assert_eq!(response.attempts(), 4);
    // Backoffs of at least 0.25 s, 0.5 s and 1 s (half of 0.5, 1 and 2 s, plus jitter).
    assert!(
        start.elapsed() >= Duration::from_millis(1750),
        "{:?}",
        start.elapsed()
    );
    assert!(
        start.elapsed() <= Duration::from_millis(3600),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_503_on_a_post_is_reported_not_resent() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(&rc, false).await;
    rc.fault(Fault::status(503, BUSY_BODY));
    let err = client.send(sms()).await.expect_err("busy");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(
        (err.status(), err.error_code()),
        (Some(503), Some("CMN-201"))
    );
    assert_eq!(api_requests(&rc), 1);
    // A caller that knows the request is safe to repeat can say so.
    rc.fault(Fault::status(503, BUSY_BODY));
    let response = client.send(sms().retry_safe(true)).await.expect("resent");
    assert_eq!(response.attempts(), 2);
}

#[tokio::test(start_paused = true)]
async fn rate_limit_headers_hold_the_next_request() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(&rc, true).await;
    rc.fault(
        Fault::status(200, "{}")
            .with_header("x-rate-limit-group", "Light")
            .with_header("x-rate-limit-limit", "50")
            .with_header("x-rate-limit-remaining", "0")
            .with_header("x-rate-limit-window", "60"),
    );
    let response = client.send(me()).await.expect("first");
    let info = response.rate_limit().expect("headers");
    assert_eq!(info.remaining, Some(0));
    let start = Instant::now();
    client.send(me()).await.expect("second");
    assert!(
        start.elapsed() >= Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn malformed_bodies_say_where_and_what() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(&rc, false).await;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Page {
        records: Vec<Rec>,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Rec {
        id: u64,
    }
    rc.fault(Fault::status(200, r#"{"records":[{"id":1},{"id":"x"}]}"#));
    let err = client.json::<Page>(me()).await.expect_err("wrong type");
    assert!(
        matches!(&err, Error::Decode { at, .. } if at == "records[1].id"),
        "{err:?}"
    );
    assert!(err.request_id().is_some());

    rc.fault(Fault::status(200, r#"{"records":[{"id":1},"#));
    let err = client
        .send(me())
        .await
        .expect("raw")
        .json_value()
        .expect_err("cut off");
    assert_eq!(err.kind(), ErrorKind::Decode);

    rc.fault(Fault::status(
        500,
        "<html>\n<body>Internal error</body></html>",
    ));
    let err = client.send(sms()).await.expect_err("html error");
    assert_eq!(
        err.to_string().split(" [").next(),
        Some("HTTP 500: <html>"),
        "{err}"
    );
}

/// A raw HTTP server whose first `resets` connections are reset after the request arrived.
fn resetting_server(resets: usize) -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            // Bounded: the tests make only a handful of connections.
            for _ in 0..32 {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while let Ok(n) = stream.read(&mut chunk).await {
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf);
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let length = text[..head_end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if buf.len() >= head_end + 4 + length {
                            break;
                        }
                    }
                }
                let n = counter.fetch_add(1, Ordering::SeqCst);
                if n < resets {
                    let _ = stream.set_zero_linger();
                    drop(stream);
                } else {
                    let body = r#"{"id":101}"#;
                    let msg = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(msg.as_bytes()).await;
                    let _ = stream.shutdown().await;
                }
            }
        });
    });
    (url, seen)
}

fn bearer_free_client(url: &str) -> Client {
    Client::builder()
        .server(url)
        .client_id("x")
        .http_client(common::http())
        .rate_limits_enabled(false)
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_reset_connection_is_retried_for_a_get_but_not_for_a_post() {
    let (url, seen) = resetting_server(2);
    let client = bearer_free_client(&url);
    let response = client
        .send(Request::get("/restapi/v1.0/status").unauthenticated())
        .await
        .expect("GET retried past two resets");
    assert_eq!(response.attempts(), 3);
    assert_eq!(seen.load(Ordering::SeqCst), 3);

    let (url, seen) = resetting_server(1);
    let client = bearer_free_client(&url);
    let err = client
        .send(
            Request::post("/restapi/v1.0/account/~/extension/~/sms")
                .json(serde_json::json!({"text": "once"}))
                .unauthenticated(),
        )
        .await
        .expect_err("POST after a reset is not resent");
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        1,
        "the POST reached the server once"
    );
    assert!(err.to_string().contains("after 1 attempt"), "{err}");
}

#[tokio::test]
async fn a_post_is_resent_when_the_connection_never_opened() {
    // Reserve a port, close it, and only start listening there after the first attempt was refused.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = probe.local_addr().expect("addr");
    drop(probe);
    let client = bearer_free_client(&format!("http://{addr}"));
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let listener = tokio::net::TcpListener::bind(addr).await.expect("rebind");
        let (mut stream, _) = listener.accept().await.expect("accept");
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf).await;
        counter.fetch_add(1, Ordering::SeqCst);
        let body = r#"{"id":1}"#;
        let msg = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(msg.as_bytes()).await;
    });
    let response = client
        .send(
            Request::post("/restapi/v1.0/account/~/extension/~/sms")
                .json(serde_json::json!({"text": "once"}))
                .unauthenticated(),
        )
        .await
        .expect("resent after a refused connection");
    assert!(response.attempts() >= 2);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    server.await.expect("server");
}

#[tokio::test]
async fn nothing_listening_is_a_transport_error_naming_the_cause() {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = probe.local_addr().expect("addr");
    drop(probe);
    let client = Client::builder()
        .server(format!("http://{addr}"))
        .client_id("x")
        .retry_policy(ringcentral::RetryPolicy {
            max_retries: 1,
            base_delay: Duration::from_millis(10),
            ..Default::default()
        })
        .build()
        .expect("client");
    let err = client
        .send(me().unauthenticated())
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Transport);
    let line = err.to_string();
    assert!(
        line.contains("could not connect after 2 attempt(s)"),
        "{line}"
    );
    assert!(!line.contains('\n'));
}

#[tokio::test]
async fn requests_never_leave_the_configured_server() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = logged_in(&rc, false).await;
    let err = client
        .send(Request::get(
            "https://evil.example.com/restapi/v1.0/account/~",
        ))
        .await
        .expect_err("foreign host");
    assert_eq!(err.kind(), ErrorKind::Input);
    let absolute = format!("{}/restapi/v1.0/account/~/extension/~", rc.url);
    client
        .send(Request::get(absolute))
        .await
        .expect("same server by absolute URL");
    let err = client
        .send(Request::get("/restapi/v1.0/account/~/extension/9"))
        .await
        .expect_err("not found");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.error_code(), Some("CMN-102"));
}

#[tokio::test(start_paused = true)]
async fn a_request_without_a_group_learns_it_from_the_response() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    // Like RingCentral, the server answers with rate-limit headers, so its groups are paced.
    rc.with(|s| s.api_headers = vec![("x-rate-limit-window", "60".to_owned())]);
    let client = logged_in(&rc, true).await;
    let unknown = || Request::get("/restapi/v1.0/account/~/extension/~");
    // Unknown operations start in the conservative Heavy group (10 per minute)...
    rc.fault(Fault::status(200, r#"{"id":101}"#).with_header("x-rate-limit-group", "Light"));
    let start = Instant::now();
    client.send(unknown()).await.expect("first");
    // ...until the server names the group: then 15 more calls fit in Light's 50 without waiting.
    for _ in 0..15 {
        client.send(unknown()).await.expect("call");
    }
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );

    // A path never classified stays in Heavy: the eleventh call waits for the window.
    let other = || Request::get("/restapi/v1.0/account/~/directory/entries/7");
    let start = Instant::now();
    for _ in 0..11 {
        client.send(other()).await.expect("call");
    }
    assert!(
        start.elapsed() >= Duration::from_secs(59),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_proxy_request_gets_error_responses_back_as_received() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = client_builder(&rc.url).build().expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    let missing =
        r#"{"errorCode":"CMN-102","message":"Resource for parameter [extensionId] is not found"}"#;
    rc.fault(Fault::status(404, missing));
    let response = client
        .send(me().error_status_ok())
        .await
        .expect("a 404 comes back as a response");
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(response.body().as_ref(), missing.as_bytes());

    rc.fault(Fault::status(404, missing));
    let err = client
        .send(me())
        .await
        .expect_err("without the flag it is an error");
    assert_eq!(err.kind(), ErrorKind::Api);
    assert_eq!(err.error_code(), Some("CMN-102"));
}
