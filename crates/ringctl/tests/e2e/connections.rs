//! `login` with the JWT grant (secrets from a file, the environment or stdin), its failures, and
//! `logout`, against a sandbox served by `ringctl sandbox serve`.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{Home, Served, TestResult, path_str, run};

fn assert_logged_in(connection: &Value, served: &Served) {
    assert_eq!(connection["server"], served.url.as_str());
    assert_eq!(connection["owner"], "admin@sandbox.example.com");
    assert!(
        connection["accountId"]
            .as_str()
            .is_some_and(|a| !a.is_empty())
    );
    assert!(
        connection["extensionId"]
            .as_str()
            .is_some_and(|e| !e.is_empty())
    );
    assert!(connection["tokenExpiresAt"].is_string(), "{connection}");
    assert!(
        connection["refreshTokenExpiresAt"].is_string(),
        "{connection}"
    );
}

#[test]
fn login_with_a_jwt_from_files() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    let connection = served.login(&home, "work");
    assert_logged_in(&connection, &served);
    assert_eq!(connection["id"], "work");
    assert_eq!(connection["default"], true);
    assert_eq!(served.stats()["tokens"]["grants"]["jwt_bearer"], 1);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = home.path().join("connections").join("work");
        for file in ["token.json", "secrets.json"] {
            let mode = std::fs::metadata(dir.join(file))?.permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{file} has mode {mode:o}");
        }
    }

    // The connection works, from this process and the next.
    let me = home.json(&["action", "run", "get-extension-info", "--json"]);
    assert_eq!(me["contact"]["email"], "admin@sandbox.example.com");
    let (code, stdout, stderr) = run(home.cmd().args(["connection", "list", "--json"]));
    assert_eq!(code, 0);
    assert!(!stdout.contains(&served.client_secret) && !stdout.contains(&served.jwt));
    assert!(
        !stderr.contains("embedded sandbox"),
        "used the sandbox: {stderr}"
    );
    Ok(())
}

#[test]
fn login_with_rc_and_ringcentral_environment_variables() {
    let served = Served::start(&[]);
    let home = Home::new();
    let connection = home.json_with_env(
        &["login", "--name", "from-env", "--json"],
        &[
            ("RC_SERVER_URL", served.url.as_str()),
            ("RC_CLIENT_ID", served.client_id.as_str()),
            ("RC_CLIENT_SECRET", served.client_secret.as_str()),
            ("RC_JWT", served.jwt.as_str()),
        ],
    );
    assert_logged_in(&connection, &served);

    let connection = home.json_with_env(
        &["login", "--name", "long-names", "--json"],
        &[
            ("RINGCENTRAL_SERVER_URL", served.url.as_str()),
            ("RINGCENTRAL_CLIENT_ID", served.client_id.as_str()),
            ("RINGCENTRAL_CLIENT_SECRET", served.client_secret.as_str()),
            ("RINGCENTRAL_JWT", served.jwt.as_str()),
        ],
    );
    assert_logged_in(&connection, &served);
    assert_eq!(connection["id"], "long-names");
}

#[test]
fn login_with_the_jwt_and_the_secret_from_stdin() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    let secret = served.secret_file();
    let output = home
        .cmd()
        .args([
            "login",
            "--server",
            &served.url,
            "--client-id",
            &served.client_id,
            "--client-secret-file",
            path_str(&secret),
            "--jwt",
            "-",
            "--json",
        ])
        .write_stdin(format!("{}\n", served.jwt))
        .output()?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let connection: Value = serde_json::from_slice(&output.stdout)?;
    assert_logged_in(&connection, &served);

    let jwt = served.jwt_file();
    let output = home
        .cmd()
        .args([
            "login",
            "--server",
            &served.url,
            "--client-id",
            &served.client_id,
            "--client-secret",
            "-",
            "--jwt-file",
            path_str(&jwt),
            "--name",
            "secret-on-stdin",
            "--json",
        ])
        .write_stdin(served.client_secret.clone())
        .output()?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}

#[test]
fn login_failures_say_what_is_wrong() {
    let served = Served::start(&[]);
    let home = Home::new();
    let secret = served.secret_file();
    let jwt = served.jwt_file();
    let bad = home.file("bad-jwt", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl");
    let wrong_secret = home.file("wrong-secret", "not-the-secret");
    let base = |secret: &str, jwt: &str| {
        vec![
            "login".to_string(),
            "--server".into(),
            served.url.clone(),
            "--client-id".into(),
            served.client_id.clone(),
            "--client-secret-file".into(),
            secret.to_string(),
            "--jwt-file".into(),
            jwt.to_string(),
        ]
    };
    // A JWT the server rejects, and a wrong client secret: authentication errors.
    home.cmd()
        .args(base(path_str(&secret), path_str(&bad)))
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with("error: "));
    home.cmd()
        .args(base(path_str(&wrong_secret), path_str(&jwt)))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("client"));
    // Missing pieces: usage errors, and nothing sent.
    let before = served.requests();
    home.cmd()
        .args([
            "login",
            "--server",
            &served.url,
            "--jwt-file",
            path_str(&jwt),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("client id"));
    home.cmd()
        .args([
            "login",
            "--server",
            &served.url,
            "--client-id",
            &served.client_id,
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("JWT"));
    home.cmd()
        .args([
            "login",
            "--server",
            &served.url,
            "--client-id",
            "",
            "--jwt-file",
            path_str(&jwt),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("client id is empty"));
    home.cmd()
        .args(base(path_str(&secret), "/no/such/jwt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/jwt"));
    let empty = home.file("empty", "");
    home.cmd()
        .args(base(path_str(&secret), path_str(&empty)))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty"));
    assert_eq!(served.requests(), before, "a usage error sent a request");
    // A failed first login leaves no connection behind: only the embedded sandbox is listed.
    let list = home.json(&["connection", "list", "--json"]);
    let ids: Vec<&str> = list["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|c| c["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, ["sandbox"], "{list}");
}

#[test]
fn login_to_a_server_that_is_not_there_fails_cleanly() -> TestResult {
    // A loopback port that nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let home = Home::new();
    let secret = home.file("secret", "s");
    let jwt = home.file("jwt", "j");
    home.cmd()
        .args([
            "login",
            "--server",
            &format!("http://127.0.0.1:{port}"),
            "--client-id",
            "x",
            "--client-secret-file",
            path_str(&secret),
            "--jwt-file",
            path_str(&jwt),
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::is_match(r"(?m)^error: ")?.and(predicate::str::contains("connect")),
        );
    Ok(())
}

#[test]
fn logout_revokes_at_the_server_and_forgets_the_tokens() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "work");
    let before = served.stats()["tokens"]["revocations"]
        .as_u64()
        .unwrap_or(0);
    let out = home.json(&["logout", "--json"]);
    assert_eq!(out["id"], "work");
    assert_eq!(out["loggedOut"], true);
    let after = served.stats()["tokens"]["revocations"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(after, before + 1, "the server saw no revocation");
    assert!(
        !home.token_path("work").exists() || {
            let text = std::fs::read_to_string(home.token_path("work"))?;
            !text.contains("access_token")
        }
    );
    // Logged out means logged out: no silent login with the stored JWT.
    home.cmd()
        .args(["action", "run", "get-extension-info"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("ringctl login"));
    // Logging in again brings it back.
    served.login(&home, "work");
    home.cmd()
        .args(["action", "run", "get-extension-info"])
        .assert()
        .success();
    Ok(())
}

#[test]
fn connect_to_ringcentral_uses_the_rc_environment_and_logging_in_again_keeps_the_id() {
    let served = Served::start(&[]);
    let home = Home::new();
    let env = [
        ("RC_SERVER_URL", served.url.as_str()),
        ("RC_CLIENT_ID", served.client_id.as_str()),
        ("RC_CLIENT_SECRET", served.client_secret.as_str()),
        ("RC_JWT", served.jwt.as_str()),
    ];
    let connection = home.json_with_env(&["connect", "--connectorId=ringcentral", "--json"], &env);
    assert_logged_in(&connection, &served);
    assert_eq!(connection["kind"], "jwt");
    let id = connection["id"].as_str().unwrap_or_default().to_string();
    assert!(!id.is_empty());

    let again = home.json_with_env(&["connect", "--connectorId=ringcentral", "--json"], &env);
    assert_eq!(again["id"], id.as_str());
    let list = home.json(&["connection", "list", "--json"]);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
}
