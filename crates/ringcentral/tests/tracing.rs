//! The request spans say what happened (method, path, status, attempts, rate-limit headers) and never
//! show a secret, at any level, through logins, refreshes, retries, failures and logout.

mod common;

use std::{
    io::Write,
    sync::{Arc, Mutex},
    time::Duration,
};

use common::{CLIENT_SECRET, FakeRc, Fault, JWT, client_builder};
use ringcentral::{
    ExposeSecret, MemoryTokenStore, Request, SecretString, ThrottlingGroup, TokenStore,
};
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

#[tokio::test]
async fn spans_carry_the_facts_and_never_a_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let rc = FakeRc::start(Duration::from_secs(3600));
    let store = Arc::new(MemoryTokenStore::new());
    let client = client_builder(&rc.url)
        .jwt(SecretString::from(JWT))
        .token_store(store.clone())
        .build()
        .expect("client");
    let me = || Request::get("/restapi/v1.0/account/~/extension/~").group(ThrottlingGroup::Light);

    client.send(me()).await.expect("first call logs in");
    let first = store.load().expect("load").token.expect("token");
    rc.fault(Fault::ExpireTokens);
    client.send(me()).await.expect("refresh after 401");
    rc.fault(
        Fault::status(
            503,
            r#"{"errorCode":"CMN-201","message":"Service temporarily unavailable"}"#,
        )
        .with_header("retry-after", "0"),
    );
    rc.fault(
        Fault::status(200, r#"{"id":1}"#)
            .with_header("x-rate-limit-group", "Light")
            .with_header("x-rate-limit-remaining", "42"),
    );
    client.send(me()).await.expect("retry after 503");
    let _ = client
        .send(Request::get("/restapi/v1.0/account/~/extension/404"))
        .await;
    let second = store.load().expect("load").token.expect("token");
    client.logout().await.expect("logout");

    let logs = captured.text();
    // The facts are there...
    assert!(
        logs.contains("path=/restapi/v1.0/account/~/extension/~"),
        "{logs}"
    );
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("status=503"), "{logs}");
    assert!(logs.contains("retries=1"), "{logs}");
    assert!(logs.contains("rate_limit_remaining=42"), "{logs}");
    assert!(logs.contains("request_id="), "{logs}");
    assert!(logs.contains("path=/restapi/oauth/token"), "{logs}");

    // ...and no secret is, in any form.
    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("{}:{CLIENT_SECRET}", common::CLIENT_ID),
    );
    let secrets = [
        JWT.to_owned(),
        CLIENT_SECRET.to_owned(),
        basic,
        first.access_token().expose_secret().to_owned(),
        second.access_token().expose_secret().to_owned(),
        first
            .refresh_token()
            .expect("refresh")
            .expose_secret()
            .to_owned(),
        second
            .refresh_token()
            .expect("refresh")
            .expose_secret()
            .to_owned(),
    ];
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a secret leaked into the logs"
        );
    }
    for shown in [
        format!("{client:?}"),
        format!("{second:?}"),
        format!("{:?}", store.load().expect("load")),
        format!("{:?}", client_builder(&rc.url).jwt(SecretString::from(JWT))),
    ] {
        for secret in &secrets {
            assert!(
                !shown.contains(secret.as_str()),
                "Debug shows a secret: {shown}"
            );
        }
    }
}
