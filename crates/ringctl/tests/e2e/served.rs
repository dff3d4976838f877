//! `ringctl sandbox serve` and actions against it: its first line, `--data`, `--faults` (5xx: exit 1),
//! `--rate-limits` (exit 4), and proof through `GET /sandbox/v1/stats` that bad input and
//! `--dry-run` send nothing.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{Home, Served, TestResult, run};

#[test]
fn serve_prints_a_usable_first_line() -> TestResult {
    let served = Served::start(&["--users", "5", "--json"]);
    assert!(served.url.starts_with("http://127.0.0.1:"));
    assert!(!served.client_id.is_empty() && !served.client_secret.is_empty());
    assert_eq!(served.jwt.split('.').count(), 3, "not a JWT");
    assert_eq!(served.requests(), 0);
    let home = Home::new();
    served.login(&home, "five");
    let all = home.json(&["action", "run", "list-extensions", "--all-pages"]);
    let users = all
        .as_array()
        .ok_or("not an array")?
        .iter()
        .filter(|e| e["type"] == "User")
        .count();
    assert_eq!(users, 5);
    Ok(())
}

#[test]
fn scim_rules_are_chosen_on_the_command_line() -> TestResult {
    // The SCIM RFCs by default; RingCentral's own rules on request.
    for (args, xml) in [
        (&[][..], false),
        (&["--scim-rules", "rfc"][..], false),
        (&["--scim-rules", "ringcentral"][..], true),
    ] {
        let served = Served::start(args);
        let home = Home::new();
        served.login(&home, "scim");
        let spc = home.json(&["action", "run", "scim-get-provider-config2", "--json"]);
        assert_eq!(spc.get("xmlDataFormat").is_some(), xml, "{args:?}: {spc}");
    }
    Ok(())
}

#[test]
fn bad_input_and_dry_runs_send_nothing() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "work");
    let before = served.requests();
    for (input, needle) in [
        ("{\"text\": ", "not valid JSON"),
        (r#"{"text": 5}"#, "/text"),
        (r#"{"from": {}, "to": "x", "text": "hi"}"#, "/to"),
    ] {
        home.cmd()
            .args(["action", "run", "send-sms", "--input", input])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle));
    }
    home.cmd()
        .args(["action", "run", "no-such-action"])
        .assert()
        .code(2);
    let (code, stdout, stderr) = run(home.cmd().args([
        "action",
        "run",
        "send-sms",
        "--dry-run",
        "--json",
        "--input",
        r#"{"from": {"phoneNumber": "+16507000000"}, "to": [{"phoneNumber": "+14155550101"}], "text": "dry"}"#,
    ]));
    assert_eq!(code, 0, "{stderr}");
    let shown: Value = serde_json::from_str(&stdout)?;
    assert_eq!(
        shown["url"],
        format!("{}/restapi/v1.0/account/~/extension/~/sms", served.url)
    );
    assert_eq!(served.requests(), before, "something was sent");

    // The dry run shows no secret: not the access token, the client secret, or the JWT.
    let token: Value = serde_json::from_str(&std::fs::read_to_string(home.token_path("work"))?)?;
    let access = token["token"]["access_token"].as_str().ok_or("no token")?;
    for secret in [access, &served.client_secret, &served.jwt] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
    Ok(())
}

#[test]
fn http_errors_exit_1_with_the_api_facts() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "work");
    let (code, stdout, stderr) = run(home.cmd().args([
        "action",
        "run",
        "send-sms",
        "--json",
        "--input",
        r#"{"from": {"phoneNumber": "+14155550100"}, "to": [{"phoneNumber": "+14155550101"}], "text": "hi"}"#,
    ]));
    assert_eq!(code, 1, "{stderr}");
    let error: Value = serde_json::from_str(stdout.trim())?;
    assert_eq!(error["error"]["status"], 400);
    assert_eq!(error["error"]["errorCode"], "MSG-304");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("MSG-304"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("refused the request"), "no hint: {stderr}");
    Ok(())
}

#[test]
fn server_errors_exit_1() -> TestResult {
    // Log in while the sandbox is healthy, then serve the same data with every request failing.
    let data = tempfile::tempdir()?;
    let file = data.path().join("sandbox.db");
    let file = file.to_str().ok_or("path")?;
    let served = Served::start(&["--data", file]);
    let home = Home::new();
    served.login(&home, "work");
    let addr = served.addr();
    served.stop();
    let failing = Served::start_at(&addr, &["--data", file, "--faults", "500=1"]);
    for args in [
        &["action", "run", "get-extension-info", "--json"][..],
        &["action", "run", "list-extensions", "--all-pages", "--json"],
    ] {
        let (code, stdout, stderr) = run(home.cmd().args(args));
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains("500"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"));
        assert!(stderr.contains("retry later"), "no hint: {stderr}");
        assert!(stdout.contains(r#""status":500"#), "{stdout}");
    }
    home.cmd()
        .args(["request", "/restapi/v1.0/account/~"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("CMN-500"));
    assert!(
        failing.stats()["faults"]["500"]
            .as_u64()
            .is_some_and(|n| n >= 3)
    );
    Ok(())
}

#[test]
fn state_kept_with_data_survives_a_restart() -> TestResult {
    let data = tempfile::tempdir()?;
    let file = data.path().join("kept.db");
    let file = file.to_str().ok_or("path")?;
    let served = Served::start(&["--data", file]);
    let home = Home::new();
    served.login(&home, "work");
    let created = home.json(&[
        "action",
        "run",
        "create-contact",
        "--input",
        r#"{"firstName": "Kept", "lastName": "Across"}"#,
    ]);
    let input = serde_json::json!({"contactId": created["id"]}).to_string();
    let addr = served.addr();
    served.stop();
    let _again = Served::start_at(&addr, &["--data", file]);
    let read = home.json(&["action", "run", "get-contact", "--input", &input]);
    assert_eq!(read["firstName"], "Kept");
    Ok(())
}

#[test]
fn rate_limited_past_the_retries_exits_4() {
    // Ten times RingCentral's windows: a 429 asks for a 600-s wait, longer than any retry allows.
    let served = Served::start(&["--rate-limits", "scale=10"]);
    let home = Home::new();
    // The Auth group allows five token requests a window per app.
    for n in 0..5 {
        served.login(&home, &format!("n{n}"));
    }
    let (code, stdout, stderr) = run(home.cmd().args([
        "login",
        "--server",
        &served.url,
        "--client-id",
        &served.client_id,
        "--client-secret-file",
        crate::common::path_str(&served.secret_file()),
        "--jwt-file",
        crate::common::path_str(&served.jwt_file()),
        "--name",
        "sixth",
        "--json",
    ]));
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.starts_with("error: ") && stderr.contains("rate"),
        "{stderr}"
    );
    assert!(stdout.contains(r#""code":"rate_limited""#), "{stdout}");
    assert!(
        served.stats()["rateLimited"]
            .as_u64()
            .is_some_and(|n| n >= 1)
    );
}

#[test]
fn throttled_responses_are_retried_then_exit_4() -> TestResult {
    let data = tempfile::tempdir()?;
    let file = data.path().join("sandbox.db");
    let file = file.to_str().ok_or("path")?;
    let served = Served::start(&["--data", file]);
    let home = Home::new();
    served.login(&home, "work");
    let addr = served.addr();
    served.stop();
    let throttled = Served::start_at(&addr, &["--data", file, "--faults", "429=1"]);
    home.cmd()
        .args(["action", "run", "get-extension-info"])
        .assert()
        .code(4)
        .stderr(predicate::str::is_match(r"(?m)^error: rate limited")?);
    // The first attempt and every retry reached the server.
    assert!(
        throttled.stats()["faults"]["429"]
            .as_u64()
            .is_some_and(|n| n > 1)
    );
    Ok(())
}

#[test]
fn serve_rejects_bad_settings() {
    let home = Home::new();
    // The accepted modes are named once, not twice.
    let (_, _, stderr) = run(home
        .cmd()
        .args(["sandbox", "serve", "--rate-limits", "fast"]));
    assert_eq!(stderr.matches("scale=FACTOR").count(), 1, "{stderr}");
    for (flag, value) in [
        ("--rate-limits", "fast"),
        ("--rate-limits", "scale=0"),
        ("--faults", "teapot=1"),
        ("--faults", "5xx=1.5"),
        ("--users", "0"),
        ("--scim-rules", "strict"),
    ] {
        home.cmd()
            .args(["sandbox", "serve", flag, value])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with("error: ").and(predicate::str::contains(flag)));
    }
}
