//! The server holds up against slow, silent and unauthenticated clients: timeouts close what
//! stalls, the connection limit makes newcomers wait rather than break the server, and a request
//! without a token is refused before its body is read.

mod common;

use std::time::{Duration, Instant};

use common::*;
use ringcentral_sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CONTACTS: &str = "/restapi/v1.0/account/~/extension/~/address-book/contact";

fn short_timeouts(max_connections: usize) -> SandboxConfig {
    SandboxConfig {
        users: 5,
        header_timeout: Duration::from_millis(400),
        body_timeout: Duration::from_millis(400),
        idle_timeout: Duration::from_millis(800),
        max_connections: Some(max_connections),
        ..Default::default()
    }
}

/// A client that opens a connection of its own for every request.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap_or_default()
}

async fn connect(addr: std::net::SocketAddr) -> TcpStream {
    match TcpStream::connect(addr).await {
        Ok(s) => s,
        Err(e) => panic!("cannot connect to {addr}: {e}"),
    }
}

/// Waits (at most `limit`) for the server to close `stream`, and says whether it did.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + limit;
    // Bounded: each read either ends the wait or consumes bytes of a finite answer.
    for _ in 0..64 {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
    false
}

/// Reads the head of an HTTP answer (up to the blank line), waiting at most `limit`.
async fn read_head(stream: &mut TcpStream, limit: Duration) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    for _ in 0..64 {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {
                head.extend_from_slice(&buf[..n]);
                if head.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

#[tokio::test]
async fn silent_and_half_sent_connections_are_closed_and_a_normal_client_is_answered() -> TestResult
{
    let env = start_with(short_timeouts(16)).await;
    let addr = env.sandbox.addr();
    let opened = Instant::now();
    let mut silent = Vec::new();
    let mut half_sent = Vec::new();
    for _ in 0..12 {
        silent.push(connect(addr).await);
        let mut s = connect(addr).await;
        s.write_all(b"GET /restapi/v1.0/account/~ HTTP/1.1\r\nHost: x\r\n")
            .await?;
        half_sent.push(s);
    }
    // 24 stalled connections against a limit of 16: a newcomer is answered once slots free up.
    let r = fresh_client()
        .get(env.url("/restapi/v1.0/account/~"))
        .bearer_auth(&env.token)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 200);
    for s in silent.iter_mut().chain(half_sent.iter_mut()) {
        assert!(
            closed_within(s, Duration::from_secs(10)).await,
            "a stalled connection stayed open"
        );
    }
    assert!(opened.elapsed() >= Duration::from_millis(400));
    let stats = env.stats().await;
    assert_eq!(stats["connections"]["headerTimeouts"], json!(12), "{stats}");
    assert!(
        stats["connections"]["idleTimeouts"].as_u64() >= Some(12),
        "{stats}"
    );
    Ok(())
}

#[tokio::test]
async fn at_the_connection_limit_a_newcomer_waits_for_a_slot() -> TestResult {
    let sandbox = match Sandbox::start(short_timeouts(3)).await {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let opened = Instant::now();
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(connect(sandbox.addr()).await);
    }
    let r = fresh_client()
        .get(format!("{}/sandbox/v1/stats", sandbox.url()))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 200);
    // The three held connections were accepted after `opened`, so none could close, and no
    // slot could free, before the idle timeout had run from then.
    assert!(
        opened.elapsed() >= Duration::from_millis(800),
        "answered after {:?}, before a slot was free",
        opened.elapsed()
    );
    let stats: Value = r.json().await?;
    assert!(stats["connections"]["idleTimeouts"].as_u64() >= Some(1));
    assert_eq!(stats["connections"].get("acceptFailed"), None);
    sandbox.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn a_request_without_a_valid_token_is_refused_before_its_body() -> TestResult {
    // Default timeouts: a body that never finishes would hold the answer for 30 s.
    let env = start().await;
    for auth in [
        "",
        "Authorization: Bearer 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\r\n",
    ] {
        let mut s = connect(env.sandbox.addr()).await;
        let head = format!(
            "POST {CONTACTS} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{{\"firstName\":\""
        );
        s.write_all(head.as_bytes()).await?;
        let answer = read_head(&mut s, Duration::from_secs(5)).await;
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer:?}");
    }
    let stats = env.stats().await;
    assert_eq!(stats["requests"]["byStatus"]["401"], json!(2), "{stats}");
    assert_eq!(stats["requests"]["byOperation"]["createContact"], json!(2));
    Ok(())
}

#[tokio::test]
async fn a_body_too_large_or_too_slow_is_answered_and_counted() -> TestResult {
    let env = start_with(short_timeouts(64)).await;
    let auth = format!("Authorization: Bearer {}\r\n", env.token);
    // Declared larger than the limit: refused before it is read.
    let mut s = connect(env.sandbox.addr()).await;
    let head = format!(
        "POST {CONTACTS} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: 30000000\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await?;
    let answer = read_head(&mut s, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer:?}");
    // Started but never finished: answered 408 once the body timeout runs out.
    let mut s = connect(env.sandbox.addr()).await;
    let head = format!(
        "POST {CONTACTS} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"firstName\":"
    );
    let sent = Instant::now();
    s.write_all(head.as_bytes()).await?;
    let answer = read_head(&mut s, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    assert!(sent.elapsed() >= Duration::from_millis(400));
    let stats = env.stats().await;
    assert_eq!(stats["requests"]["byStatus"]["413"], json!(1), "{stats}");
    assert_eq!(stats["requests"]["byStatus"]["408"], json!(1), "{stats}");
    assert_eq!(stats["requests"]["byOperation"]["createContact"], json!(2));
    Ok(())
}

#[tokio::test]
async fn requests_hyper_refuses_to_parse_are_counted_too() -> TestResult {
    let sandbox = match Sandbox::start(short_timeouts(64)).await {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let mut s = connect(sandbox.addr()).await;
    s.write_all(b"NOT HTTP AT ALL\r\n\r\n").await?;
    let answer = read_head(&mut s, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer:?}");
    let mut s = connect(sandbox.addr()).await;
    let big = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(1 << 20)
    );
    // The server may close before all of it is written.
    let _ = s.write_all(big.as_bytes()).await;
    let answer = read_head(&mut s, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer:?}");
    // Counted once the connection's end is seen; poll the stats a bounded number of times.
    let mut stats = Value::Null;
    for _ in 0..50 {
        stats = sandbox.stats();
        let by_status = &stats["requests"]["byStatus"];
        if by_status["400"] == json!(1) && by_status["431"] == json!(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(stats["requests"]["byStatus"]["400"], json!(1), "{stats}");
    assert_eq!(stats["requests"]["byStatus"]["431"], json!(1), "{stats}");
    sandbox.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn zero_timeouts_and_no_connections_are_refused_at_start() {
    for (config, setting) in [
        (
            SandboxConfig {
                header_timeout: Duration::ZERO,
                ..Default::default()
            },
            "header-timeout",
        ),
        (
            SandboxConfig {
                idle_timeout: Duration::ZERO,
                ..Default::default()
            },
            "idle-timeout",
        ),
        (
            SandboxConfig {
                max_connections: Some(0),
                ..Default::default()
            },
            "max-connections",
        ),
    ] {
        match Sandbox::start(config).await {
            Err(ringcentral_sandbox::Error::Config { setting: s, .. }) => assert_eq!(s, setting),
            Err(e) => panic!("{setting}: unexpected error {e}"),
            Ok(_) => panic!("{setting}: started"),
        }
    }
}
