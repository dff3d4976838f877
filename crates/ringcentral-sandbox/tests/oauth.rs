//! OAuth as RingCentral does it, over HTTP: JWT bearer, authorization code with PKCE, rotating
//! refresh tokens, revocation, expiry, and state that survives a restart with a data file.

mod common;

use std::time::Duration;

use base64::Engine;
use common::*;
use ringcentral_sandbox::{Sandbox, SandboxConfig};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

async fn form(env: &Env, path: &str, basic: bool, fields: &[(&str, &str)]) -> (u16, Value) {
    let creds = env.sandbox.credentials();
    let mut req = env.http.post(env.url(path)).form(fields);
    if basic {
        req = req.basic_auth(&creds.client_id, Some(creds.client_secret.expose_secret()));
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => panic!("{path}: {e}"),
    };
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A refresh grant with `token`, the app authenticated.
async fn refresh(env: &Env, token: &str) -> (u16, Value) {
    form(
        env,
        "/restapi/oauth/token",
        true,
        &[("grant_type", "refresh_token"), ("refresh_token", token)],
    )
    .await
}

#[tokio::test]
async fn jwt_login_gives_a_token_info_body() -> TestResult {
    let env = start().await;
    let creds = env.sandbox.credentials();
    let body = jwt_login(&env.http, env.sandbox.url(), &creds).await;
    check_schema("getToken", 200, &body);
    assert_eq!(body["token_type"], json!("bearer"));
    assert_eq!(body["expires_in"], json!(3600));
    assert_eq!(body["refresh_token_expires_in"], json!(604800));
    assert_eq!(body["owner_id"], json!(creds.extension_id.to_string()));
    assert!(
        body["session_id"].is_string()
            && body["scope"]
                .as_str()
                .is_some_and(|s| s.contains("ReadAccounts"))
    );
    Ok(())
}

#[tokio::test]
async fn bad_client_and_bad_grants_are_refused() -> TestResult {
    let env = start().await;
    let creds = env.sandbox.credentials();
    let resp = env
        .http
        .post(env.url("/restapi/oauth/token"))
        .basic_auth(&creds.client_id, Some("wrong"))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", creds.jwt.expose_secret()),
        ])
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await?;
    assert_eq!(body["error"], json!("invalid_client"));
    assert!(body["errors"][0]["errorCode"].is_string());

    let (s, b) = form(
        &env,
        "/restapi/oauth/token",
        true,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", "not.a.jwt"),
        ],
    )
    .await;
    assert_eq!((s, b["error"].clone()), (400, json!("invalid_grant")));
    let (s, b) = refresh(&env, "0000").await;
    assert_eq!((s, b["error"].clone()), (400, json!("invalid_grant")));
    let (s, b) = form(
        &env,
        "/restapi/oauth/token",
        true,
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(
        (s, b["error"].clone()),
        (400, json!("unsupported_grant_type"))
    );
    // The same JWT signed by another sandbox is worthless here.
    let other = start().await;
    let foreign = other.sandbox.credentials();
    let (s, b) = form(
        &env,
        "/restapi/oauth/token",
        true,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", foreign.jwt.expose_secret()),
        ],
    )
    .await;
    assert_eq!((s, b["error"].clone()), (400, json!("invalid_grant")));
    Ok(())
}

#[tokio::test]
async fn refresh_rotates_and_a_used_refresh_token_is_revoked() -> TestResult {
    let env = start().await;
    let (s, first) = refresh(&env, &env.refresh).await;
    assert_eq!(s, 200, "{first}");
    check_schema("getToken", 200, &first);
    let new_access = first["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_ne!(new_access, env.token);
    // The old pair stops working: the access token and, replayed, the refresh token.
    let old = env.get("/restapi/v1.0/account/~/extension/~").await;
    assert_eq!(old.status, 401);
    assert_eq!(old.body["errors"][0]["errorCode"], json!("OAU-213"));
    let (s, replay) = refresh(&env, &env.refresh).await;
    assert_eq!(s, 400);
    assert_eq!(replay["error"], json!("invalid_grant"));
    assert_eq!(replay["errors"][0]["errorCode"], json!("OAU-211"));
    assert_eq!(replay["error_description"], json!("Token revoked"));
    let fresh = env.me_as(&new_access).await;
    assert_eq!(fresh.status, 200);
    let stats = env.stats().await;
    assert_eq!(stats["tokens"]["refreshes"], json!(1));
    assert_eq!(stats["tokens"]["grants"]["jwt_bearer"], json!(1));
    Ok(())
}

#[tokio::test]
async fn revoke_ends_the_whole_session() -> TestResult {
    let env = start().await;
    let (s, _) = form(
        &env,
        "/restapi/oauth/revoke",
        true,
        &[("token", &env.token)],
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        env.get("/restapi/v1.0/account/~/extension/~").await.status,
        401
    );
    let (s, b) = refresh(&env, &env.refresh).await;
    assert_eq!(
        (s, b["errors"][0]["errorCode"].clone()),
        (400, json!("OAU-211"))
    );
    Ok(())
}

#[tokio::test]
async fn expired_and_corrupted_tokens_get_ringcentral_401s() -> TestResult {
    let env = start_with(SandboxConfig {
        users: 10,
        token_ttl: Duration::from_secs(60),
        ..Default::default()
    })
    .await;
    assert_eq!(env.get("/restapi/v1.0/account/~").await.status, 200);
    env.sandbox.advance_clock(Duration::from_secs(61));
    let r = env.get("/restapi/v1.0/account/~").await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["errorCode"], json!("TokenExpired"));
    assert_eq!(r.body["errors"][0]["errorCode"], json!("OAU-213"));
    // The refresh token still works after the access token expired.
    let (s, _) = refresh(&env, &env.refresh).await;
    assert_eq!(s, 200);
    let bad = env
        .call_as(
            "garbage",
            reqwest::Method::GET,
            "/restapi/v1.0/account/~",
            None,
        )
        .await;
    assert_eq!(bad.status, 401);
    assert_eq!(bad.body["errors"][0]["errorCode"], json!("OAU-129"));
    let none = env
        .http
        .get(env.url("/restapi/v1.0/account/~"))
        .send()
        .await?;
    assert_eq!(none.status().as_u16(), 401);
    assert!(none.headers().get("RCRequestId").is_some());
    Ok(())
}

#[tokio::test]
async fn authorization_code_with_pkce() -> TestResult {
    let env = start().await;
    let creds = env.sandbox.credentials();
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    let redirect = "http://127.0.0.1:9/callback";
    let resp = env
        .http
        .get(env.url("/restapi/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", creds.client_id.as_str()),
            ("redirect_uri", redirect),
            ("state", "xyz"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 302);
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let url = url::Url::parse(&location)?;
    assert!(location.starts_with(redirect));
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q.get("state").map(String::as_str), Some("xyz"));
    let code = q.get("code").cloned().unwrap_or_default();
    let exchange = |verifier: &'static str, code: String| {
        let env = &env;
        let client_id = creds.client_id.clone();
        async move {
            form(
                env,
                "/restapi/oauth/token",
                false,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", redirect),
                    ("code_verifier", verifier),
                    ("client_id", &client_id),
                ],
            )
            .await
        }
    };
    let (s, b) = exchange("wrong-verifier-wrong-verifier-wrong-verifier", code.clone()).await;
    assert_eq!((s, b["error"].clone()), (400, json!("invalid_grant")));
    // A code works once, and the failed attempt above used it up.
    let (s, _) = exchange(verifier, code).await;
    assert_eq!(s, 400);
    let resp = env
        .http
        .get(env.url("/restapi/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", creds.client_id.as_str()),
            ("redirect_uri", redirect),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await?;
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let code = url::Url::parse(&location)?
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let (s, token) = exchange(verifier, code).await;
    assert_eq!(s, 200, "{token}");
    check_schema("getToken", 200, &token);
    let me = env
        .call_as(
            token["access_token"].as_str().unwrap_or_default(),
            reqwest::Method::GET,
            "/restapi/v1.0/account/~/extension/~",
            None,
        )
        .await;
    assert_eq!(me.status, 200);
    Ok(())
}

#[tokio::test]
async fn state_and_tokens_survive_a_restart_with_a_data_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("sandbox.db");
    let config = SandboxConfig {
        data: Some(data.clone()),
        users: 20,
        ..Default::default()
    };
    let env = start_with(config.clone()).await;
    let (id, _) = env.regular_user().await;
    let r = env
        .put(
            &format!("/restapi/v1.0/account/~/extension/{id}"),
            json!({"contact": {"jobTitle": "Persisted"}}),
        )
        .await;
    assert_eq!(r.status, 200);
    let token = env.token.clone();
    env.sandbox.shutdown().await;

    let again = match Sandbox::start(config.clone()).await {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let http = client();
    let r = http
        .get(format!(
            "{}/restapi/v1.0/account/~/extension/{id}",
            again.url()
        ))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(
        r.status().as_u16(),
        200,
        "a token issued before the restart still works"
    );
    let body: Value = r.json().await?;
    assert_eq!(body["contact"]["jobTitle"], json!("Persisted"));
    again.shutdown().await;

    let creds = ringcentral_sandbox::credentials(&data, None)?;
    assert_eq!(creds.email, ringcentral_sandbox::ADMIN_EMAIL);
    let unknown = ringcentral_sandbox::credentials(&data, Some("nobody@example.com"));
    assert!(unknown.is_err());
    ringcentral_sandbox::reset(&data)?;
    let fresh = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let body = jwt_login(&http, fresh.url(), &creds).await;
    assert_eq!(
        body["error"],
        json!("invalid_client"),
        "reset issues new client credentials"
    );
    let r = http
        .get(format!(
            "{}/restapi/v1.0/account/~/extension/{id}",
            fresh.url()
        ))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 401);
    fresh.shutdown().await;
    Ok(())
}
