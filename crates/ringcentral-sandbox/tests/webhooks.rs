//! Webhook notifications delivered to a receiver on loopback.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// Waits (at most five seconds) until `n` notifications arrived.
async fn wait_for(inbox: &Inbox, n: usize) -> Vec<(Option<String>, Value)> {
    for _ in 0..50 {
        let got = inbox.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    inbox.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

#[tokio::test]
async fn sms_and_presence_changes_reach_subscribed_webhooks() -> TestResult {
    let env = start().await;
    let (hook, inbox) = receiver().await;
    let (colleague, email) = env.regular_user().await;
    let their_token = env.token_for(&email).await;
    // The colleague listens for instant SMS; the administrator for presence changes.
    let sub = env
        .call_as(&their_token, reqwest::Method::POST, "/restapi/v1.0/subscription", Some(json!({
            "eventFilters": ["/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS"],
            "deliveryMode": {"transportType": "WebHook", "address": hook, "verificationToken": "vt-123"},
        })))
        .await;
    assert_eq!(sub.status, 200, "{}", sub.body);
    let mine = env.post("/restapi/v1.0/subscription", json!({
        "eventFilters": ["/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"],
        "deliveryMode": {"transportType": "WebHook", "address": hook},
    })).await;
    assert_eq!(mine.status, 200);

    // The colleague's number: the SMS lands in their mailbox.
    let (from, to) = env.sms_numbers().await;
    let sent = env
        .post(
            "/restapi/v1.0/account/~/extension/~/sms",
            json!({"from": {"phoneNumber": from}, "to": [{"phoneNumber": to}], "text": "ping"}),
        )
        .await;
    assert_eq!(sent.status, 200);
    let presence = env
        .put(
            "/restapi/v1.0/account/~/extension/~/presence",
            json!({"userStatus": "Busy"}),
        )
        .await;
    assert_eq!(presence.status, 200);

    let got = wait_for(&inbox, 2).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let instant = got
        .iter()
        .find(|(_, v)| v["event"].as_str().is_some_and(|e| e.contains("/instant")))
        .cloned();
    let Some((token, instant)) = instant else {
        panic!("no instant SMS notification in {got:?}")
    };
    assert_eq!(token.as_deref(), Some("vt-123"));
    assert_eq!(instant["body"]["subject"], json!("ping"));
    assert_eq!(instant["ownerId"], json!(colleague.to_string()));
    assert_eq!(instant["subscriptionId"], sub.body["id"]);
    let pres = got
        .iter()
        .find(|(_, v)| v["event"].as_str().is_some_and(|e| e.contains("/presence")))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    assert_eq!(pres["body"]["userStatus"], json!("Busy"));
    let stats = env.stats().await;
    assert_eq!(stats["notifications"]["delivered"], json!(2));
    Ok(())
}

/// A webhook address that answers every request with `status`, echoing the validation token or
/// not.
async fn answering(status: u16, echo: bool) -> String {
    let app = axum::Router::new().fallback(move |headers: http::HeaderMap| async move {
        let mut answer = http::HeaderMap::new();
        if let (true, Some(v)) = (echo, headers.get("Validation-Token")) {
            answer.insert("Validation-Token", v.clone());
        }
        let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::OK);
        (status, answer, "")
    });
    serve_locally(app).await
}

fn webhook_subscription(address: &str) -> Value {
    json!({
        "eventFilters": ["/restapi/v1.0/account/~/extension/~/message-store"],
        "deliveryMode": {"transportType": "WebHook", "address": address},
    })
}

#[tokio::test]
async fn a_webhook_address_must_echo_the_validation_token() -> TestResult {
    let env = start().await;
    // A receiver that echoes the token is subscribed.
    let (good, _) = receiver().await;
    let created = env
        .post("/restapi/v1.0/subscription", webhook_subscription(&good))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    // One that does not, one that fails, and one that is not there are refused with SUB-525.
    let silent = answering(200, false).await;
    let failing = answering(500, true).await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        drop(listener);
        format!("http://{addr}/hook")
    };
    for (address, why) in [
        (&silent, "does not echo"),
        (&failing, "answered HTTP 500"),
        (&closed, "cannot be reached"),
    ] {
        let refused = env
            .post("/restapi/v1.0/subscription", webhook_subscription(address))
            .await;
        assert_eq!(refused.status, 400, "{address}: {}", refused.body);
        assert_eq!(refused.body["errorCode"], json!("SUB-525"));
        assert_eq!(
            refused.body["errors"][0]["parameterName"],
            json!("deliveryMode.address")
        );
        let message = refused.body["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{message}");
    }
    let listed = env.get("/restapi/v1.0/subscription").await;
    assert_eq!(listed.body["records"].as_array().map(Vec::len), Some(1));
    Ok(())
}

#[tokio::test]
async fn without_validation_any_address_is_subscribed() -> TestResult {
    let env = start_with(ringcentral_sandbox::SandboxConfig {
        webhook_validation: false,
        ..Default::default()
    })
    .await;
    let silent = answering(200, false).await;
    let created = env
        .post("/restapi/v1.0/subscription", webhook_subscription(&silent))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    Ok(())
}
