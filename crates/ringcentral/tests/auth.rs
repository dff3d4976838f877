//! Logging in and staying logged in, over HTTP against the loopback look-alike: JWT and PKCE logins,
//! the file store, refresh ahead of expiry and after a 401, rotation, revocation.

mod common;

use std::{sync::Arc, time::Duration};

use common::{CLIENT_ID, FakeRc, JWT, client_builder};
use ringcentral::{
    AuthorizationCode, Client, ErrorKind, ExposeSecret, FileTokenStore, LoopbackListener,
    MemoryTokenStore, Request, SecretString, ThrottlingGroup, TokenStore,
};

fn me() -> Request {
    Request::get("/restapi/v1.0/account/~/extension/~").group(ThrottlingGroup::Light)
}

#[tokio::test]
async fn jwt_login_stores_a_private_token_file_and_calls_work() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("connections/c1/token.json");
    let client = client_builder(&rc.url)
        .token_store(Arc::new(FileTokenStore::new(&path)))
        .build()
        .expect("client");
    let meta = client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    assert_eq!(meta.owner_id.as_deref(), Some("101"));
    assert!(meta.refresh_token_expires_at.is_some());

    let body = client
        .send(me())
        .await
        .expect("call")
        .json_value()
        .expect("json");
    assert_eq!(body["name"], "Test Admin");

    // A second client (another process, in effect) reads the same store and needs no login.
    let other = client_builder(&rc.url)
        .token_store(Arc::new(FileTokenStore::new(&path)))
        .build()
        .expect("client");
    assert_eq!(
        other
            .token_metadata()
            .expect("metadata")
            .map(|m| m.expires_at),
        Some(meta.expires_at)
    );
    other.send(me()).await.expect("call from the second client");
    rc.with(|s| assert_eq!((s.counters.logins, s.counters.refreshes), (1, 0)));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("token file")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the token file must be private, mode {mode:o}"
        );
    }
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(!text.contains(JWT), "the JWT credential is never stored");
}

#[tokio::test]
async fn bad_credentials_are_auth_errors_with_the_servers_words() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let wrong_secret = Client::builder()
        .server(&rc.url)
        .client_id(CLIENT_ID)
        .client_secret(SecretString::from("nope"))
        .http_client(common::http())
        .build()
        .expect("client");
    let err = wrong_secret
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect_err("wrong secret");
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.error_code(), Some("OAU-123"));
    assert_eq!(err.hint(), Some("Check the client id and client secret"));
    assert!(err.request_id().is_some(), "{err}");

    let client = client_builder(&rc.url).build().expect("client");
    let err = client
        .login_jwt(&SecretString::from("not-the-jwt"))
        .await
        .expect_err("bad jwt");
    assert_eq!(err.kind(), ErrorKind::Auth);
    let line = err.to_string();
    assert!(
        line.contains("HTTP 400 OAU-140 (invalid_grant): Invalid JWT"),
        "{line}"
    );
    assert!(line.contains("RCRequestId"), "{line}");

    let err = client.send(me()).await.expect_err("not logged in");
    assert!(matches!(err, ringcentral::Error::NotLoggedIn), "{err}");
}

#[tokio::test(start_paused = true)]
async fn token_is_refreshed_ahead_of_expiry_on_the_paused_clock() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = client_builder(&rc.url).build().expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    client.send(me()).await.expect("call");
    let first = client.access_token().await.expect("token");

    // 59 minutes later the token still has over a minute to live: no refresh.
    tokio::time::advance(Duration::from_secs(59 * 60 - 1)).await;
    client.send(me()).await.expect("call");
    rc.with(|s| assert_eq!(s.counters.refreshes, 0));

    // With less than a minute left, the next call refreshes first and never sees a 401.
    tokio::time::advance(Duration::from_secs(30)).await;
    client.send(me()).await.expect("call");
    let second = client.access_token().await.expect("token");
    assert_ne!(first.expose_secret(), second.expose_secret());
    rc.with(|s| {
        assert_eq!(s.counters.refreshes, 1);
        assert_eq!(s.counters.api_401, 0);
    });
}

#[tokio::test]
async fn a_401_token_expired_refreshes_once_and_resends_even_a_post() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = client_builder(&rc.url).build().expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    rc.fault(common::Fault::ExpireTokens);
    let sms = Request::post("/restapi/v1.0/account/~/extension/~/sms")
        .json(serde_json::json!({"text": "hi"}))
        .group(ThrottlingGroup::Medium);
    let response = client.send(sms).await.expect("sent after refresh");
    assert_eq!(response.attempts(), 2);
    rc.with(|s| {
        assert_eq!(s.counters.refreshes, 1);
        assert_eq!(s.counters.api_401, 1);
        assert_eq!(s.counters.api_ok, 1, "the SMS went out once");
    });
}

#[tokio::test]
async fn a_revoked_session_is_an_auth_error_after_one_refresh_attempt() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let store = Arc::new(MemoryTokenStore::new());
    let client = client_builder(&rc.url)
        .token_store(store.clone())
        .build()
        .expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    // Revoke behind the client's back (another tool logged out).
    let token = store.load().expect("load").token.expect("token");
    let revoke = common::http()
        .post(format!("{}/restapi/oauth/revoke", rc.url))
        .basic_auth(CLIENT_ID, Some(common::CLIENT_SECRET))
        .form(&[("token", token.access_token().expose_secret())])
        .send()
        .await
        .expect("revoke");
    assert!(revoke.status().is_success());

    let err = client.send(me()).await.expect_err("revoked");
    assert_eq!(err.kind(), ErrorKind::Auth);
    assert_eq!(err.error_code(), Some("OAU-211"), "{err}");
    rc.with(|s| {
        assert_eq!(
            s.counters.api_401, 1,
            "one 401, then the refresh was refused"
        );
        assert_eq!(s.counters.replays, 0);
    });
}

#[tokio::test]
async fn with_a_jwt_configured_a_dead_session_logs_in_again() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let client = client_builder(&rc.url)
        .jwt(SecretString::from(JWT))
        .build()
        .expect("client");
    // No explicit login: the first call logs in with the JWT.
    client.send(me()).await.expect("first call");
    client.logout().await.expect("logout");
    rc.with(|s| assert_eq!(s.counters.revokes, 1));
    assert!(client.token_metadata().expect("metadata").is_none());
    client.send(me()).await.expect("logs in again");
    rc.with(|s| assert_eq!(s.counters.logins, 2));
}

#[tokio::test]
async fn logout_revokes_and_forgets() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(FileTokenStore::new(dir.path().join("token.json")));
    let client = client_builder(&rc.url)
        .token_store(store.clone())
        .build()
        .expect("client");
    client
        .login_jwt(&SecretString::from(JWT))
        .await
        .expect("login");
    let token = store.load().expect("load").token.expect("token");
    client.logout().await.expect("logout");
    assert!(!store.path().exists());
    // The old access token no longer works at the server.
    let status = common::http()
        .get(format!("{}/restapi/v1.0/account/~/extension/~", rc.url))
        .bearer_auth(token.access_token().expose_secret())
        .send()
        .await
        .expect("call")
        .status();
    assert_eq!(status.as_u16(), 401);
    assert!(matches!(
        client.send(me()).await,
        Err(ringcentral::Error::NotLoggedIn)
    ));
    client.logout().await.expect("logging out twice is fine");
}

#[tokio::test]
async fn browser_login_with_pkce_through_the_loopback_listener() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    // A public app: no client secret, the client id travels in the form.
    let client = Client::builder()
        .server(&rc.url)
        .client_id(CLIENT_ID)
        .http_client(common::http())
        .build()
        .expect("client");
    let listener = LoopbackListener::bind(0).await.expect("listener");
    let http = reqwest::Client::new();
    let browser = move |req: &ringcentral::AuthorizationRequest| {
        assert!(req.url.as_str().contains("code_challenge_method=S256"));
        let url = req.url.clone();
        // The "browser": follows the authorize redirect back to the loopback listener.
        tokio::spawn(async move {
            let _ = http.get(url).send().await;
        });
    };
    let meta = client
        .login_with_browser(listener, Duration::from_secs(20), browser)
        .await
        .expect("browser login");
    assert_eq!(meta.owner_id.as_deref(), Some("101"));
    client.send(me()).await.expect("call");
    rc.with(|s| assert_eq!(s.counters.code_exchanges, 1));
}

#[tokio::test]
async fn headless_login_completes_in_another_process_with_the_stored_verifier() {
    let rc = FakeRc::start(Duration::from_secs(3600));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("token.json");
    let first = client_builder(&rc.url)
        .token_store(Arc::new(FileTokenStore::new(&path)))
        .build()
        .expect("client");
    let request = first
        .begin_authorization("https://app.example.com/oauth/callback")
        .await
        .expect("begin");
    let text = std::fs::read_to_string(&path).expect("pending stored");
    assert!(text.contains(&request.state));

    // The user opens the URL; the server redirects to the registered URI with a code.
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http")
        .get(request.url.clone())
        .send()
        .await
        .expect("authorize");
    let location = redirect
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("redirect location")
        .to_owned();

    // Later, `login complete` in a new process: a new client on the same store.
    let second = client_builder(&rc.url)
        .token_store(Arc::new(FileTokenStore::new(&path)))
        .build()
        .expect("client");
    let forged =
        AuthorizationCode::parse(&location.replace(&request.state, "other-state")).expect("parse");
    let err = second
        .complete_authorization(&forged)
        .await
        .expect_err("state mismatch");
    assert_eq!(err.kind(), ErrorKind::Auth);

    let code = AuthorizationCode::parse(&location).expect("parse");
    second
        .complete_authorization(&code)
        .await
        .expect("complete");
    second.send(me()).await.expect("call");
    let err = second
        .complete_authorization(&code)
        .await
        .expect_err("nothing pending any more");
    assert!(
        err.to_string().contains("no browser login is pending"),
        "{err}"
    );
}
