//! The browser login (authorization code with PKCE through the loopback redirect, `--tenant`,
//! `login complete CODE` from another process, the code pasted on stdin), transparent refresh, and
//! refresh tokens that expired or were revoked (exit 3).

use std::process::Command as StdCommand;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{Home, Running, Served, TestResult, http, http_get, path_str, url_in};

/// `ringctl login --browser ...` against `served`, as a running process.
fn browser_login(home: &Home, served: &Served, spelling: &str, name: &str) -> Running {
    let secret = served.secret_file();
    let mut cmd: StdCommand = home.std_cmd();
    cmd.args([
        "login",
        spelling,
        "--server",
        &served.url,
        "--client-id",
        &served.client_id,
        "--client-secret-file",
        path_str(&secret),
        "--name",
        name,
        "--no-open",
        "--timeout",
        "30",
        "--json",
    ]);
    Running::spawn(cmd)
}

/// The authorize URL the login printed on stderr.
fn authorize_url(login: &mut Running) -> String {
    let line = login.wait_for_stderr("/restapi/oauth/authorize");
    url_in(&line)
}

fn assert_browser_connection(stdout: &str, served: &Served, name: &str) -> TestResult {
    let connection: Value = serde_json::from_str(stdout.trim())?;
    assert_eq!(connection["id"], name);
    assert_eq!(connection["kind"], "browser");
    assert_eq!(connection["server"], served.url.as_str());
    assert_eq!(connection["owner"], "admin@sandbox.example.com");
    Ok(())
}

#[test]
fn browser_login_through_the_loopback_redirect() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    let mut login = browser_login(&home, &served, "--browser", "web");
    let url = authorize_url(&mut login);
    assert!(url.starts_with(&served.url), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(url.contains("redirect_uri=http%3A%2F%2F127.0.0.1"), "{url}");
    // A browser follows the sandbox's redirect to ringctl's loopback listener.
    let (status, page) = http_get(&url, true);
    assert_eq!(status, 200, "{page}");
    let (code, stdout) = login.finish();
    assert_eq!(code, 0, "{stdout}");
    assert_browser_connection(&stdout, &served, "web")?;
    assert_eq!(served.stats()["tokens"]["grants"]["authorization_code"], 1);
    let me = home.json(&["action", "run", "-c", "web", "get-extension-info"]);
    assert_eq!(me["contact"]["email"], "admin@sandbox.example.com");
    Ok(())
}

#[test]
fn login_tenant_is_the_browser_login() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    let mut login = browser_login(&home, &served, "--tenant", "tenant");
    let url = authorize_url(&mut login);
    let (status, _) = http_get(&url, true);
    assert_eq!(status, 200);
    let (code, stdout) = login.finish();
    assert_eq!(code, 0);
    assert_browser_connection(&stdout, &served, "tenant")
}

#[test]
fn login_complete_from_another_process_finishes_the_waiting_login() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    let mut login = browser_login(&home, &served, "--browser", "headless");
    let url = authorize_url(&mut login);
    // The browser is elsewhere: the user copies the code from the redirect it could not follow.
    let (status, location, _) = http(&url, false);
    assert_eq!(status, 302);
    let location = location.ok_or("no redirect")?;
    let code = url::Url::parse(&location)?
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or("no code in the redirect")?;

    let completed = home.json(&["login", "complete", &code, "--json"]);
    assert_eq!(completed["id"], "headless");
    assert_eq!(completed["owner"], "admin@sandbox.example.com");
    // The first process sees the login done and ends well.
    let (exit, stdout) = login.finish();
    assert_eq!(exit, 0, "{stdout}");
    assert_browser_connection(&stdout, &served, "headless")?;
    home.cmd()
        .args(["action", "run", "get-extension-info", "-c", "headless"])
        .assert()
        .success();
    // Nothing waits any more.
    home.cmd()
        .args(["login", "complete", &code])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("login --browser"));
    Ok(())
}

#[test]
fn the_redirect_url_pasted_on_stdin_completes_the_login() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    let mut login = browser_login(&home, &served, "--browser", "pasted");
    let url = authorize_url(&mut login);
    let (_, location, _) = http(&url, false);
    let location = location.ok_or("no redirect")?;
    login.write_stdin(&format!("{location}\n"));
    let (code, stdout) = login.finish();
    assert_eq!(code, 0, "{stdout}");
    assert_browser_connection(&stdout, &served, "pasted")
}

#[test]
fn a_wrong_code_is_an_authentication_error() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    let mut login = browser_login(&home, &served, "--browser", "wrong");
    authorize_url(&mut login);
    home.cmd()
        .args(["login", "complete", "not-a-code"])
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with("error: "));
    Ok(())
}

/// Rewrites a connection's stored token times, as if the clock had moved on.
fn age_token(home: &Home, id: &str, access: bool, refresh: bool) -> TestResult {
    let path = home.token_path(id);
    let mut stored: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let past = "2001-01-01T00:00:00Z";
    if access {
        stored["token"]["expires_at"] = past.into();
    }
    if refresh {
        stored["token"]["refresh_token_expires_at"] = past.into();
    }
    std::fs::write(&path, serde_json::to_vec(&stored)?)?;
    Ok(())
}

fn logged_in_with_the_browser(served: &Served, home: &Home, name: &str) -> TestResult {
    let mut login = browser_login(home, served, "--browser", name);
    let url = authorize_url(&mut login);
    http_get(&url, true);
    let (code, stdout) = login.finish();
    assert_eq!(code, 0, "{stdout}");
    Ok(())
}

#[test]
fn an_expired_access_token_is_refreshed_transparently() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    logged_in_with_the_browser(&served, &home, "web")?;
    age_token(&home, "web", true, false)?;
    let before = served.stats()["tokens"]["refreshes"].as_u64().unwrap_or(0);
    home.cmd()
        .args(["action", "run", "get-extension-info"])
        .assert()
        .success();
    home.cmd()
        .args(["request", "/restapi/v1.0/account/~"])
        .assert()
        .success();
    let after = served.stats()["tokens"]["refreshes"].as_u64().unwrap_or(0);
    assert_eq!(after, before + 1);
    Ok(())
}

#[test]
fn an_expired_refresh_token_is_an_authentication_error() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    logged_in_with_the_browser(&served, &home, "web")?;
    age_token(&home, "web", true, true)?;
    let before = served.requests();
    for args in [
        &["action", "run", "get-extension-info"][..],
        &["request", "/restapi/v1.0/account/~"],
    ] {
        home.cmd().args(args).assert().code(3).stdout("").stderr(
            predicate::str::starts_with("error: ").and(predicate::str::contains("ringctl login")),
        );
    }
    assert_eq!(
        served.requests(),
        before,
        "sent a request with an expired session"
    );
    Ok(())
}

#[test]
fn a_jwt_connection_logs_in_again_when_its_session_expired() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "work");
    age_token(&home, "work", true, true)?;
    home.cmd()
        .args(["action", "run", "get-extension-info"])
        .assert()
        .success();
    assert_eq!(served.stats()["tokens"]["grants"]["jwt_bearer"], 2);
    Ok(())
}

#[test]
fn a_revoked_refresh_token_is_an_authentication_error() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    logged_in_with_the_browser(&served, &home, "web")?;
    // The session is revoked elsewhere (another machine logs out); this one keeps stale tokens.
    let kept = std::fs::read(home.token_path("web"))?;
    home.json(&["logout", "web", "--json"]);
    std::fs::write(home.token_path("web"), kept)?;
    home.cmd()
        .args(["action", "run", "get-extension-info", "--json"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(r#""code":"auth""#))
        .stderr(predicate::str::contains("ringctl login"));
    home.cmd()
        .args(["request", "/restapi/v1.0/account/~"])
        .assert()
        .code(3);
    Ok(())
}
