//! Every command of the RingCentral skill written for another CLI, with that CLI's name replaced by
//! `ringctl` and the placeholders filled in, run as written. The browser steps run against a served
//! sandbox (the test plays the browser); everything else runs against the embedded sandbox.

use std::process::Command as StdCommand;

use serde_json::{Value, json};

use crate::common::{Home, Running, Served, TestResult, http, http_get, url_in};
use crate::embedded::POPULAR;

/// Runs one command of the skill and returns its JSON output, failing the test if it fails.
fn step(home: &Home, line: &[&str]) -> Value {
    let output = home.cmd().args(line).output().expect("ringctl runs");
    assert!(
        output.status.success(),
        "`ringctl {}` failed ({:?}): {}",
        line.join(" "),
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.stdout.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "`ringctl {}` printed no JSON ({e}): {}",
            line.join(" "),
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

#[test]
fn the_skill_against_the_embedded_sandbox() -> TestResult {
    let home = Home::new();

    // Connecting: search for the connector, connect, list connections.
    let found = step(
        &home,
        &["search", "ringcentral", "--elementType=connector", "--json"],
    );
    assert_eq!(found["items"][0]["element"]["id"], "ringcentral");
    let sandbox_connector = found["items"]
        .as_array()
        .ok_or("no items")?
        .iter()
        .filter_map(|i| i["element"]["id"].as_str())
        .find(|id| id.contains("sandbox"))
        .ok_or("no sandbox connector")?
        .to_string();
    let connected = step(
        &home,
        &[
            "connect",
            &format!("--connectorId={sandbox_connector}"),
            "--json",
        ],
    );
    let id = connected["id"]
        .as_str()
        .ok_or("connect printed no id")?
        .to_string();
    let connections = step(&home, &["connection", "list", "--json"]);
    assert!(
        connections["items"]
            .as_array()
            .ok_or("no items")?
            .iter()
            .any(|c| c["id"] == id.as_str())
    );
    let connection = format!("--connectionId={id}");

    // Searching for actions.
    for query in ["send sms", "list contacts", "create a meeting"] {
        let hits = step(
            &home,
            &[
                "action",
                "list",
                &format!("--intent={query}"),
                &connection,
                "--json",
            ],
        );
        let first = &hits["items"][0];
        assert!(
            first["id"].is_string() && first["inputSchema"].is_object(),
            "{query}: {first}"
        );
    }
    step(&home, &["action", "list", "--intent=send sms"]);

    // Running every popular action as the skill writes it.
    let mut ran = Vec::new();
    let mut run = |key: &str, input: Option<Value>| -> Value {
        ran.push(key.to_string());
        match input {
            None => step(&home, &["action", "run", &connection, key, "--json"]),
            Some(input) => step(
                &home,
                &[
                    "action",
                    "run",
                    &connection,
                    key,
                    "--json",
                    "--input",
                    &input.to_string(),
                ],
            ),
        }
    };
    run("get-account-info", None);
    let me = run("get-extension-info", None);
    assert_eq!(me["contact"]["email"], "admin@sandbox.example.com");
    run("list-extensions", None);
    run("get-call-log", None);
    run("get-active-calls", None);
    let chats = run("list-chats", None);
    let chat = chats["records"][0]["id"]
        .as_str()
        .ok_or("no chat")?
        .to_string();
    run(
        "create-chat-post",
        Some(json!({"chatId": chat, "text": "Hello from the skill"})),
    );
    run(
        "create-team",
        Some(json!({"name": "Skill team", "members": [{"email": "admin@sandbox.example.com"}]})),
    );

    let contact = run(
        "create-contact",
        Some(json!({"firstName": "Skill", "lastName": "Contact", "email": "skill@example.com"})),
    );
    let contact_id = contact["id"].clone();
    run("list-contacts", None);
    run("get-contact", Some(json!({"contactId": contact_id})));
    run(
        "update-contact",
        Some(json!({"contactId": contact_id, "firstName": "Skill", "lastName": "Renamed"})),
    );
    run("delete-contact", Some(json!({"contactId": contact_id})));

    let numbers = step(
        &home,
        &[
            "action",
            "run",
            &connection,
            "list-extension-phone-numbers",
            "--json",
        ],
    );
    let from = numbers["records"]
        .as_array()
        .ok_or("no numbers")?
        .iter()
        .find(|n| {
            n["features"]
                .as_array()
                .is_some_and(|f| f.iter().any(|x| x == "SmsSender"))
        })
        .and_then(|n| n["phoneNumber"].as_str())
        .ok_or("no SMS number")?
        .to_string();
    let sms = run(
        "send-sms",
        Some(
            json!({"from": {"phoneNumber": from}, "to": [{"phoneNumber": "+14155550123"}], "text": "Sent by the skill"}),
        ),
    );
    let message_id = sms["id"].to_string();
    run("list-messages", None);
    run("get-message", Some(json!({"messageId": message_id})));
    run("delete-message", Some(json!({"messageId": message_id})));

    let meeting = run("create-meeting", Some(json!({"name": "Skill meeting"})));
    let bridge = meeting["id"].as_str().ok_or("no meeting id")?.to_string();
    run("get-meeting", Some(json!({"bridgeId": bridge})));
    run("delete-meeting", Some(json!({"bridgeId": bridge})));

    let mut missing: Vec<&&str> = POPULAR
        .iter()
        .filter(|k| !ran.iter().any(|r| r == *k))
        .collect();
    missing.sort();
    assert!(missing.is_empty(), "popular actions not run: {missing:?}");

    // Proxy requests, with each flag of the skill's table.
    let path = "/restapi/v1.0/account/~/extension/~/address-book/contact";
    step(
        &home,
        &["request", &id, "/restapi/v1.0/account/~/extension/~"],
    );
    step(
        &home,
        &[
            "request",
            &id,
            path,
            "--method",
            "GET",
            "--header",
            "Accept: application/json",
            "--query",
            "perPage=10",
        ],
    );
    step(
        &home,
        &[
            "request",
            &id,
            path,
            "-X",
            "GET",
            "-H",
            "Accept: application/json",
            "--query",
            "limit=10",
        ],
    );
    let created = step(
        &home,
        &[
            "request",
            &id,
            path,
            "-X",
            "POST",
            "--json",
            r#"{"firstName": "Proxy"}"#,
        ],
    );
    let contact = created["id"].to_string();
    step(
        &home,
        &[
            "request",
            &id,
            path,
            "-X",
            "POST",
            "-d",
            r#"{"firstName": "Data"}"#,
            "-H",
            "Content-Type: application/json",
        ],
    );
    step(
        &home,
        &[
            "request",
            &id,
            path,
            "--data",
            r#"{"firstName": "Raw"}"#,
            "--rawData",
            "-H",
            "Content-Type: application/json",
        ],
    );
    step(
        &home,
        &[
            "request",
            &id,
            &format!("{path}/{{id}}"),
            "--pathParam",
            &format!("id={contact}"),
        ],
    );
    step(
        &home,
        &[
            "request",
            &id,
            &format!("{path}/{{id}}"),
            "-X",
            "PUT",
            "--pathParam",
            &format!("id={contact}"),
            "--json",
            r#"{"firstName": "Put"}"#,
        ],
    );
    step(
        &home,
        &[
            "request",
            &id,
            &format!("{path}/{{id}}"),
            "-X",
            "DELETE",
            "--pathParam",
            &format!("id={contact}"),
        ],
    );
    let meeting = step(
        &home,
        &[
            "request",
            &id,
            "/rcvideo/v2/account/~/extension/~/bridges",
            "-X",
            "POST",
            "--json",
            r#"{"name": "Proxy meeting"}"#,
        ],
    );
    let bridge = meeting["id"].as_str().ok_or("no bridge id")?.to_string();
    let patched = step(
        &home,
        &[
            "request",
            &id,
            "/rcvideo/v2/bridges/{bridgeId}",
            "-X",
            "PATCH",
            "--pathParam",
            &format!("bridgeId={bridge}"),
            "--json",
            r#"{"name": "Patched"}"#,
        ],
    );
    assert_eq!(patched["name"], "Patched");
    Ok(())
}

/// The browser steps: `login --tenant`, `login complete <code>`, and `connect --connectorId=ringcentral`
/// (the first connector `search` finds), with the test following the URLs a browser would open.
#[test]
fn the_skill_browser_steps_against_a_served_sandbox() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    // The "browser" ringctl opens records the URL it was given; the test then plays the browser.
    let opened = home.path().join("opened-urls");
    let browser = home.file(
        "browser.sh",
        format!("#!/bin/sh\necho \"$1\" >> '{}'\n", opened.display()),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755))?;
    }
    let with_env = |mut cmd: StdCommand| {
        cmd.env("RC_SERVER_URL", &served.url)
            .env("RC_CLIENT_ID", &served.client_id)
            .env("RC_CLIENT_SECRET", &served.client_secret)
            .env("BROWSER", &browser);
        cmd
    };

    // `ringctl login --tenant`, completed by the browser.
    let mut cmd = with_env(home.std_cmd());
    cmd.args(["login", "--tenant"]);
    let mut login = Running::spawn(cmd);
    let url = url_in(&login.wait_for_stderr("/restapi/oauth/authorize"));
    assert_eq!(http_get(&url, true).0, 200);
    let (code, _) = login.finish();
    assert_eq!(code, 0);
    // The browser runs on its own; give it a moment to have written.
    let deadline = std::time::Instant::now() + crate::common::PATIENCE;
    let seen = loop {
        let seen = std::fs::read_to_string(&opened).unwrap_or_default();
        if seen.ends_with('\n') || std::time::Instant::now() > deadline {
            break seen;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(seen.trim(), url, "$BROWSER was not given the authorize URL");

    // Headless: `ringctl login --tenant`, then `ringctl login complete <code>`.
    let mut cmd = with_env(home.std_cmd());
    cmd.args(["login", "--tenant"]);
    let mut login = Running::spawn(cmd);
    let url = url_in(&login.wait_for_stderr("/restapi/oauth/authorize"));
    let (_, location, _) = http(&url, false);
    let location = location.ok_or("no redirect")?;
    let code = url::Url::parse(&location)?
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or("no code")?;
    step(&home, &["login", "complete", &code]);
    let (exit, _) = login.finish();
    assert_eq!(exit, 0);

    // `ringctl connect --connectorId=CONNECTOR_ID --json` with the first connector found.
    let found = step(
        &home,
        &["search", "ringcentral", "--elementType=connector", "--json"],
    );
    let connector = found["items"][0]["element"]["id"]
        .as_str()
        .ok_or("no connector")?
        .to_string();
    let mut cmd = with_env(home.std_cmd());
    cmd.args(["connect", &format!("--connectorId={connector}"), "--json"]);
    let mut connect = Running::spawn(cmd);
    let url = url_in(&connect.wait_for_stderr("/restapi/oauth/authorize"));
    assert_eq!(http_get(&url, true).0, 200);
    let (code, stdout) = connect.finish();
    assert_eq!(code, 0);
    let connection: Value = serde_json::from_str(stdout.trim())?;
    let id = connection["id"].as_str().ok_or("no id")?;
    let me = step(
        &home,
        &[
            "action",
            "run",
            &format!("--connectionId={id}"),
            "get-extension-info",
            "--json",
        ],
    );
    assert_eq!(me["contact"]["email"], "admin@sandbox.example.com");
    Ok(())
}
