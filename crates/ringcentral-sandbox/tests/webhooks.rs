//! Webhook notifications delivered to a receiver on loopback.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

type Inbox = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// A loopback HTTP receiver that keeps every JSON body posted to it.
async fn receiver() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    let app =
        axum::Router::new().fallback(move |headers: http::HeaderMap, body: axum::body::Bytes| {
            let kept = kept.clone();
            async move {
                let token = headers
                    .get("Verification-Token")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                    kept.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((token, v));
                }
                "ok"
            }
        });
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), inbox)
}

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
