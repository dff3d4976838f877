//! Rate limits per throttling group, injected faults and the stats endpoint, seen from outside.

mod common;

use std::time::{Duration, Instant};

use common::*;
use ringcentral_sandbox::{FaultSpec, RateLimitMode, SandboxConfig};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

fn config(rate_limits: RateLimitMode, faults: &str) -> SandboxConfig {
    SandboxConfig {
        users: 10,
        rate_limits,
        faults: faults.parse::<FaultSpec>().unwrap_or_default(),
        ..Default::default()
    }
}

#[tokio::test]
async fn heavy_group_allows_ten_then_answers_429_until_the_penalty_ends() -> TestResult {
    let env = start_with(config(RateLimitMode::Real, "")).await;
    let path = "/restapi/v1.0/account/~/extension/~/address-book/contact";
    for i in 0..10 {
        let r = env.get(path).await;
        assert_eq!(r.status, 200, "request {i}");
        assert_eq!(r.header("X-Rate-Limit-Group"), Some("Heavy"));
        assert_eq!(r.header("X-Rate-Limit-Limit"), Some("10"));
        assert_eq!(
            r.header("X-Rate-Limit-Remaining"),
            Some((9 - i).to_string().as_str())
        );
        assert_eq!(r.header("X-Rate-Limit-Window"), Some("60"));
    }
    let limited = env.get(path).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header("Retry-After"), Some("60"));
    assert_eq!(limited.body["errorCode"], json!("CMN-301"));
    assert!(limited.header("RCRequestId").is_some());
    // Other groups have their own budget.
    assert_eq!(
        env.get("/restapi/v1.0/account/~/extension/~").await.status,
        200
    );
    let stats = env.stats().await;
    assert_eq!(stats["rateLimited"], json!(1));
    assert_eq!(stats["requests"]["byStatus"]["429"], json!(1));
    assert_eq!(stats["requests"]["byThrottlingGroup"]["Heavy"], json!(11));
    env.sandbox.advance_clock(Duration::from_secs(61));
    assert_eq!(env.get(path).await.status, 200);
    Ok(())
}

#[tokio::test]
async fn a_window_shorter_than_a_second_is_told_in_fractions() -> TestResult {
    let env = start_with(config(RateLimitMode::Scale(0.01), "")).await;
    let r = env.get("/restapi/v1.0/account/~").await;
    assert_eq!(r.header("X-Rate-Limit-Window"), Some("0.6"));
    Ok(())
}

#[tokio::test]
async fn scaled_windows_and_the_auth_group() -> TestResult {
    let env = start_with(config(RateLimitMode::Scale(0.5), "")).await;
    let r = env.get("/restapi/v1.0/account/~").await;
    assert_eq!(r.header("X-Rate-Limit-Window"), Some("30"));
    // The token endpoint is in the Auth group: five per window (one was used to log in).
    let creds = env.sandbox.credentials();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let resp = env
            .http
            .post(env.url("/restapi/oauth/token"))
            .basic_auth(&creds.client_id, Some(creds.client_secret.expose_secret()))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", creds.jwt.expose_secret()),
            ])
            .send()
            .await?;
        statuses.push(resp.status().as_u16());
    }
    assert_eq!(statuses, vec![200, 200, 200, 200, 429]);
    Ok(())
}

#[tokio::test]
async fn without_limits_there_are_no_rate_headers() -> TestResult {
    let env = start().await;
    let r = env.get("/restapi/v1.0/account/~").await;
    assert!(r.header("X-Rate-Limit-Group").is_none());
    Ok(())
}

#[tokio::test]
async fn injected_503s_use_ringcentral_bodies() -> TestResult {
    // Login itself would fail with every request faulted, so probe with a raw client.
    let sandbox =
        match ringcentral_sandbox::Sandbox::start(config(RateLimitMode::Off, "503=1")).await {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
    let http = client();
    let r = http
        .get(format!("{}/restapi/v1.0/account/~", sandbox.url()))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 503);
    assert!(r.headers().get("RCRequestId").is_some());
    let body: Value = r.json().await?;
    assert_eq!(body["errorCode"], json!("CMN-201"));
    let stats: Value = http
        .get(format!("{}/sandbox/v1/stats", sandbox.url()))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(stats["faults"]["503"], json!(1));
    sandbox.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn injected_faults_speak_the_dialect_of_their_path() -> TestResult {
    let http = client();
    for (status, code) in [(503, "ADG-000"), (500, "ADG-001")] {
        let faults = format!("{status}=1");
        let sandbox =
            match ringcentral_sandbox::Sandbox::start(config(RateLimitMode::Off, &faults)).await {
                Ok(s) => s,
                Err(e) => panic!("{e}"),
            };
        // The company directory's errors carry its ADG codes, spelled as the spec enumerates them.
        let r = http
            .get(format!(
                "{}/restapi/v1.0/account/~/directory/entries",
                sandbox.url()
            ))
            .send()
            .await?;
        assert_eq!(r.status().as_u16(), status);
        let body: Value = r.json().await?;
        assert_eq!(body["errorCode"], json!(code), "{body}");
        let spelled = body["errors"][0]["errorCode"].as_str().unwrap_or_default();
        assert!(
            spelled.starts_with(&format!("ErrorCode{{code='{code}', httpStatus={status},")),
            "{spelled}"
        );
        // SCIM's are SCIM error bodies.
        let r = http
            .get(format!("{}/scim/v2/Users", sandbox.url()))
            .send()
            .await?;
        assert_eq!(r.status().as_u16(), status);
        let body: Value = r.json().await?;
        assert_eq!(body["status"], json!(status.to_string()), "{body}");
        assert_eq!(
            body["schemas"],
            json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
        );
        sandbox.shutdown().await;
    }
    Ok(())
}

#[tokio::test]
async fn resets_close_the_connection_without_an_answer() -> TestResult {
    let sandbox =
        match ringcentral_sandbox::Sandbox::start(config(RateLimitMode::Off, "reset=1")).await {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
    let r = client()
        .get(format!("{}/restapi/v1.0/account/~", sandbox.url()))
        .send()
        .await;
    assert!(r.is_err(), "expected a connection error, got {r:?}");
    sandbox.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn latency_is_added() -> TestResult {
    let env = start_with(config(RateLimitMode::Off, "latency=80ms")).await;
    let t = Instant::now();
    assert_eq!(env.get("/restapi/v1.0/account/~").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(80));
    Ok(())
}

#[tokio::test]
async fn the_same_seed_replays_the_same_faults() -> TestResult {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let sandbox = match ringcentral_sandbox::Sandbox::start(config(
            RateLimitMode::Off,
            "5xx=0.4",
        ))
        .await
        {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let http = client();
        let mut seq = Vec::new();
        for _ in 0..30 {
            let r = http
                .get(format!("{}/restapi/v1.0/account/~", sandbox.url()))
                .send()
                .await?;
            seq.push(r.status().as_u16());
        }
        sandbox.shutdown().await;
        runs.push(seq);
    }
    assert_eq!(runs[0], runs[1]);
    let faults = runs[0].iter().filter(|s| **s >= 500).count();
    assert!((3..=25).contains(&faults), "{faults} of 30 failed");
    // The others were refused for want of a token, not faulted.
    assert!(runs[0].iter().all(|s| *s >= 500 || *s == 401));
    Ok(())
}

#[tokio::test]
async fn the_coverage_table_names_stateful_operations() -> TestResult {
    let env = start().await;
    let ops: Value = env
        .http
        .get(env.url("/sandbox/v1/operations"))
        .send()
        .await?
        .json()
        .await?;
    let records = ops["records"].as_array().cloned().unwrap_or_default();
    let mode = |id: &str| {
        records
            .iter()
            .find(|r| r["operationId"] == json!(id))
            .map(|r| r["mode"].clone())
    };
    assert_eq!(mode("createSMSMessage"), Some(json!("stateful")));
    // Every operation of the catalog, and the root search of RFC 7644 that it lacks.
    let in_catalog = |r: &&Value| {
        r["operationId"]
            .as_str()
            .and_then(ringcentral_api::operation)
            .is_some()
    };
    let extra: Vec<&Value> = records.iter().filter(|r| !in_catalog(r)).collect();
    assert_eq!(extra.len(), 1, "{extra:?}");
    assert_eq!(
        (extra[0]["path"].clone(), extra[0]["mode"].clone()),
        (json!("/scim/v2/.search"), json!("stateful"))
    );
    assert_eq!(records.len() - 1, ringcentral_api::OPERATIONS.len());
    let listed = ringcentral_sandbox::stateful_operations();
    assert_eq!(
        records
            .iter()
            .filter(in_catalog)
            .filter(|r| r["mode"] == json!("stateful"))
            .count(),
        listed.len()
    );
    Ok(())
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_counted() -> TestResult {
    let env = start_with(config(RateLimitMode::Off, "")).await;
    let big = vec![b'a'; 21 * 1024 * 1024];
    let r = env
        .http
        .post(env.url("/restapi/v1.0/account/~/extension/~/address-book/contact"))
        .bearer_auth(&env.token)
        .header("Content-Type", "application/json")
        .body(big)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 413);
    let stats = env.stats().await;
    assert_eq!(stats["requests"]["byStatus"]["413"], json!(1), "{stats}");
    Ok(())
}

#[tokio::test]
async fn a_host_header_cannot_write_into_the_links() -> TestResult {
    let env = start_with(config(RateLimitMode::Off, "")).await;
    let r = env
        .http
        .get(env.url("/restapi/v1.0/account/~/extension/~"))
        .bearer_auth(&env.token)
        .header("Host", "evil.example/<script>")
        .send()
        .await?;
    let body: Value = r.json().await?;
    let uri = body["uri"].as_str().unwrap_or_default();
    assert!(uri.starts_with(env.sandbox.url()), "{uri}");
    assert!(!uri.contains("evil") && !uri.contains('<'), "{uri}");
    Ok(())
}
