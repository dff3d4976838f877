//! Commands that need no server of the test's own: the catalog, the embedded sandbox connection
//! used when nothing is configured, `sandbox credentials|reset`, completions and `--version`.

use predicates::prelude::*;
use serde_json::{Value, json};

use crate::common::{Home, TestResult, path_str, run};

/// The keys of the popular actions the RingCentral skill lists.
pub const POPULAR: &[&str] = &[
    "list-extensions",
    "list-chats",
    "list-messages",
    "list-contacts",
    "get-extension-info",
    "get-message",
    "get-contact",
    "get-call-log",
    "get-meeting",
    "get-account-info",
    "create-contact",
    "create-chat-post",
    "create-meeting",
    "create-team",
    "update-contact",
    "delete-message",
    "delete-contact",
    "delete-meeting",
    "send-sms",
    "get-active-calls",
];

#[test]
fn version_prints_the_package_version() {
    let home = Home::new();
    let expected = format!("ringctl {}\n", env!("CARGO_PKG_VERSION"));
    home.cmd()
        .arg("--version")
        .assert()
        .success()
        .stdout(expected.clone());
    home.cmd().arg("-V").assert().success().stdout(expected);
}

#[test]
fn help_describes_a_command() {
    let home = Home::new();
    home.cmd()
        .args(["help", "action"])
        .assert()
        .success()
        .stdout(predicate::str::contains("run").and(predicate::str::contains("list")));
    home.cmd()
        .args(["action", "run", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--dry-run").and(predicate::str::contains("--all-pages")));
}

#[test]
fn completions_for_each_shell() {
    let home = Home::new();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef ringctl"),
        ("fish", "complete -c ringctl"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        home.cmd()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(marker).and(predicate::str::contains("connection")));
    }
    let wrapped = home.json(&["completions", "fish", "--json"]);
    assert_eq!(wrapped["shell"], "fish");
    assert!(
        wrapped["script"]
            .as_str()
            .is_some_and(|s| s.contains("complete -c ringctl"))
    );
    home.cmd()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("tcsh"));
}

#[test]
fn unknown_flags_and_commands_are_usage_errors() {
    let home = Home::new();
    home.cmd()
        .args(["action", "run", "get-extension-info", "--nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--nope"));
    home.cmd().arg("frobnicate").assert().code(2);
    home.cmd().assert().code(2);
}

#[test]
fn with_no_connection_the_embedded_sandbox_is_used_and_the_user_told_every_time() -> TestResult {
    let home = Home::new();
    let (code, stdout, stderr) =
        run(home
            .cmd()
            .args(["action", "run", "get-extension-info", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    let me: Value = serde_json::from_str(&stdout)?;
    assert_eq!(me["contact"]["email"], "admin@sandbox.example.com");
    assert!(stderr.contains("embedded sandbox"), "{stderr}");

    let (code, _, stderr) = run(home
        .cmd()
        .args(["action", "run", "get-account-info", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    let notes: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("embedded sandbox"))
        .collect();
    assert_eq!(notes.len(), 1, "not said once more: {stderr}");

    let list = home.json(&["connection", "list", "--json"]);
    let items = list["items"].as_array().ok_or("no items")?;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], "sandbox");
    assert_eq!(items[0]["server"], "embedded");
    assert_eq!(items[0]["default"], true);
    assert_eq!(items[0]["owner"], "admin@sandbox.example.com");
    assert_eq!(items[0]["extensionId"], me["id"].to_string());
    for key in [
        "id",
        "name",
        "server",
        "owner",
        "accountId",
        "extensionId",
        "default",
        "tokenExpiresAt",
        "refreshTokenExpiresAt",
    ] {
        assert!(items[0].get(key).is_some(), "connection list lacks {key}");
    }
    Ok(())
}

#[test]
fn several_ids_in_one_read_give_one_result_per_record() -> TestResult {
    let home = Home::new();
    let list = home.json(&[
        "action",
        "run",
        "list-contacts",
        "--input",
        r#"{"perPage": 2}"#,
    ]);
    let ids: Vec<i64> = list["records"]
        .as_array()
        .ok_or("no records")?
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    assert_eq!(ids.len(), 2);
    let both = home.json(&[
        "action",
        "run",
        "get-contact",
        "--input",
        &json!({"contactId": ids}).to_string(),
    ]);
    let results = both.as_array().ok_or("not a list")?;
    assert_eq!(results.len(), 2);
    for (result, id) in results.iter().zip(&ids) {
        assert_eq!(result["status"], 200);
        assert_eq!(result["body"]["id"], *id);
    }
    // One unknown id among them: every result is printed, and the exit code says partial success.
    let (code, stdout, stderr) = run(home.cmd().args([
        "action",
        "run",
        "get-contact",
        "--input",
        &json!({"contactId": format!("{},{},404", ids[0], ids[1])}).to_string(),
    ]));
    assert_eq!(code, 5, "{stderr}");
    let results: Value = serde_json::from_str(&stdout)?;
    let statuses: Vec<Value> = results
        .as_array()
        .ok_or("not a list")?
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(200), json!(200), json!(404)]);
    assert!(stderr.contains("1 of 3 records"), "{stderr}");
    assert!(stderr.contains("404: 404 CMN-102"), "{stderr}");
    // None found: exit 1.
    let (code, _, stderr) = run(home.cmd().args([
        "action",
        "run",
        "get-contact",
        "--input",
        r#"{"contactId": [404, 405]}"#,
    ]));
    assert_eq!(code, 1, "{stderr}");
    Ok(())
}

#[test]
fn a_raw_request_as_first_command_records_whose_the_embedded_connection_is() -> TestResult {
    let home = Home::new();
    let (code, _, stderr) = run(home
        .cmd()
        .args(["request", "/restapi/v1.0/account/~/extension/~"]));
    assert_eq!(code, 0, "{stderr}");
    let list = home.json(&["connection", "list", "--json"]);
    let item = &list["items"][0];
    assert_eq!(item["owner"], "admin@sandbox.example.com");
    assert!(item["accountId"].is_string(), "{item}");
    assert!(item["extensionId"].is_string(), "{item}");
    Ok(())
}

#[test]
fn connection_list_never_prints_a_secret() -> TestResult {
    let home = Home::new();
    home.cmd()
        .args(["action", "run", "get-extension-info"])
        .assert()
        .success();
    let creds = home.json(&["sandbox", "credentials", "--json"]);
    let secret = creds["clientSecret"].as_str().ok_or("no secret")?;
    let jwt = creds["jwt"].as_str().ok_or("no jwt")?;
    let token: Value = serde_json::from_str(&std::fs::read_to_string(home.token_path("sandbox"))?)?;
    let access = token["token"]["access_token"].as_str().ok_or("no token")?;
    let refresh = token["token"]["refresh_token"].as_str().ok_or("no token")?;
    for args in [
        &["connection", "list", "--json"][..],
        &["connection", "list"],
        &["connection", "show", "sandbox", "--json"],
        &["connection", "show", "sandbox"],
    ] {
        let (code, stdout, stderr) = run(home.cmd().args(args));
        assert_eq!(code, 0, "{stderr}");
        for secret in [secret, jwt, access, refresh] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{args:?} printed a secret"
            );
        }
    }
    Ok(())
}

#[test]
fn action_list_has_every_operation_and_the_contract_fields() -> TestResult {
    let home = Home::new();
    let list = home.json(&["action", "list", "--json"]);
    let items = list["items"].as_array().ok_or("no items")?;
    assert_eq!(items.len(), ringcentral_api::OPERATIONS.len());
    assert!(items.len() >= 500, "only {} actions", items.len());
    for item in items {
        for key in [
            "id",
            "key",
            "operationId",
            "name",
            "description",
            "method",
            "path",
            "tags",
            "throttlingGroup",
            "appPermission",
            "userPermission",
            "inputSchema",
            "score",
        ] {
            assert!(item.get(key).is_some(), "{} lacks {key}", item["key"]);
        }
        assert_eq!(item["id"], item["key"]);
        assert_eq!(item["inputSchema"]["type"], "object", "{}", item["key"]);
    }
    let keys: Vec<&str> = items.iter().filter_map(|i| i["key"].as_str()).collect();
    for key in POPULAR {
        assert!(keys.contains(key), "no action {key}");
    }
    Ok(())
}

#[test]
fn action_list_by_intent_ranks_the_best_match_first() -> TestResult {
    let home = Home::new();
    let hits = home.json(&["action", "list", "--intent", "send sms", "--json"]);
    let items = hits["items"].as_array().ok_or("no items")?;
    assert_eq!(items[0]["key"], "send-sms");
    assert!(items[0]["score"].as_f64().is_some_and(|s| s > 0.0));
    assert!(items[0]["inputSchema"]["properties"]["text"].is_object());
    assert!(items.len() <= 20);

    let hits = home.json(&[
        "action",
        "list",
        "--intent=list contacts",
        "--limit",
        "3",
        "--json",
    ]);
    assert_eq!(hits["items"].as_array().map(Vec::len), Some(3));

    let tagged = home.json(&["action", "list", "--tag", "sms", "--json"]);
    let items = tagged["items"].as_array().ok_or("no items")?;
    assert!(!items.is_empty());
    for item in items {
        let tags = item["tags"].as_array().ok_or("no tags")?;
        assert!(
            tags.iter()
                .any(|t| t.as_str().is_some_and(|t| t.eq_ignore_ascii_case("sms")))
        );
    }
    home.cmd()
        .args(["action", "list", "--tag", "no-such-tag"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: "));
    home.cmd()
        .args(["action", "list", "--intent", "  "])
        .assert()
        .code(2);
    Ok(())
}

#[test]
fn action_list_is_a_table_on_request() {
    let home = Home::new();
    // Not a terminal, so JSON is the default; the table's columns must not leak into it.
    home.cmd()
        .args(["action", "list", "--intent", "send sms"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("{\"items\":"));
}

#[test]
fn action_show_by_key_and_by_operation_id() -> TestResult {
    let home = Home::new();
    for key in POPULAR {
        let shown = home.json(&["action", "show", key, "--json"]);
        assert_eq!(shown["key"], *key);
        assert!(shown["inputSchema"].is_object(), "{key}");
        assert!(shown.get("outputSchema").is_some(), "{key}");
        let by_id = home.json(&[
            "action",
            "show",
            shown["operationId"].as_str().ok_or("no operationId")?,
            "--json",
        ]);
        assert_eq!(by_id["key"], *key);
    }
    home.cmd()
        .args(["action", "show", "send-smss"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown action").and(predicate::str::contains("send-sms")),
        );
    Ok(())
}

#[test]
fn action_run_takes_input_as_json_file_or_stdin() -> TestResult {
    let home = Home::new();
    let created = home.json(&[
        "action",
        "run",
        "create-contact",
        "--json",
        "--input",
        r#"{"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}"#,
    ]);
    let id = created["id"].as_i64().ok_or("no contact id")?;
    assert_eq!(created["lastName"], "Lovelace");

    let file = home.file("input.json", json!({"contactId": id}).to_string());
    let by_file = home.json(&[
        "action",
        "run",
        "get-contact",
        "--input",
        &format!("@{}", path_str(&file)),
    ]);
    assert_eq!(by_file["email"], "ada@example.com");

    // An id written as text, as agents often write it, reads the same contact.
    let quoted = home.json(&[
        "action",
        "run",
        "get-contact",
        "--input",
        &json!({"contactId": id.to_string()}).to_string(),
    ]);
    assert_eq!(quoted["id"], id);

    let output = home
        .cmd()
        .args(["action", "run", "update-contact", "--input", "-", "--json"])
        .write_stdin(json!({"contactId": id, "firstName": "Ada", "lastName": "King"}).to_string())
        .output()?;
    assert!(output.status.success());
    let updated: Value = serde_json::from_slice(&output.stdout)?;
    assert_eq!(updated["lastName"], "King");

    home.cmd()
        .args(["action", "run", "delete-contact", "--input"])
        .arg(json!({"contactId": id}).to_string())
        .assert()
        .success();
    home.cmd()
        .args(["action", "run", "get-contact", "--json", "--input"])
        .arg(json!({"contactId": id}).to_string())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("404")
                .and(predicate::str::contains("CMN-102"))
                .and(predicate::str::contains("Check the ids")),
        );
    Ok(())
}

#[test]
fn action_run_errors_have_the_json_error_object() -> TestResult {
    let home = Home::new();
    let (code, stdout, stderr) = run(home.cmd().args([
        "action",
        "run",
        "get-contact",
        "--json",
        "--input",
        r#"{"contactId": 12345}"#,
    ]));
    assert_eq!(code, 1);
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error: ")).count(),
        1
    );
    let body: Value = serde_json::from_str(stdout.trim())?;
    let error = &body["error"];
    assert_eq!(error["code"], "api_error");
    assert_eq!(error["status"], 404);
    assert_eq!(error["errorCode"], "CMN-102");
    assert!(error["requestId"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("contactId"))
    );
    Ok(())
}

#[test]
fn all_pages_prints_every_record_of_every_page() -> TestResult {
    let home = Home::new();
    let first = home.json(&[
        "action",
        "run",
        "list-extensions",
        "--input",
        r#"{"perPage": 7}"#,
    ]);
    let total = first["paging"]["totalElements"]
        .as_u64()
        .ok_or("no totalElements")?;
    assert!(total > 7, "one page only: {total}");
    let all = home.json(&[
        "action",
        "run",
        "list-extensions",
        "--all-pages",
        "--input",
        r#"{"perPage": 7}"#,
    ]);
    let records = all.as_array().ok_or("not an array")?;
    assert_eq!(records.len() as u64, total);
    let mut ids: Vec<String> = records.iter().map(|r| r["id"].to_string()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len() as u64, total, "a record came twice");
    Ok(())
}

#[test]
fn dry_run_prints_the_request_and_redacts_the_credentials() -> TestResult {
    let home = Home::new();
    let shown = home.json(&[
        "action",
        "run",
        "send-sms",
        "--dry-run",
        "--json",
        "--input",
        r#"{"from": {"phoneNumber": "+16507000000"}, "to": [{"phoneNumber": "+14155550101"}], "text": "hi"}"#,
    ]);
    assert_eq!(shown["method"], "POST");
    assert!(
        shown["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/restapi/v1.0/account/~/extension/~/sms")),
        "{shown}"
    );
    assert_eq!(shown["headers"]["Authorization"], "Bearer ***");
    // Every header the runtime sends, as it builds them.
    assert_eq!(
        shown["headers"]["Content-Type"], "application/json",
        "{shown}"
    );
    assert!(
        shown["headers"]["User-Agent"]
            .as_str()
            .is_some_and(|ua| ua.starts_with("ringctl/")),
        "{shown}"
    );
    assert!(
        shown["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("http://127.0.0.1:PORT/")),
        "{shown}"
    );
    assert_eq!(shown["body"]["text"], "hi");
    assert_eq!(shown["body"]["to"][0]["phoneNumber"], "+14155550101");
    // The token endpoint authenticates the app, with HTTP Basic, as it will be sent.
    let token = home.json(&[
        "action",
        "run",
        "get-token",
        "--dry-run",
        "--json",
        "--input",
        r#"{"grant_type": "refresh_token", "refresh_token": "abc"}"#,
    ]);
    assert_eq!(token["headers"]["Authorization"], "Basic ***", "{token}");
    assert_eq!(token["body"]["refresh_token"], "***", "{token}");
    let query = home.json(&[
        "action",
        "run",
        "list-extensions",
        "--dry-run",
        "--input",
        r#"{"perPage": 5, "status": ["Enabled"]}"#,
    ]);
    assert!(
        query["url"]
            .as_str()
            .is_some_and(|u| u.contains("perPage=5") && u.contains("status=Enabled")),
        "{query}"
    );
    Ok(())
}

#[test]
fn connect_sandbox_and_the_skill_connector() -> TestResult {
    let home = Home::new();
    let small = home.json(&[
        "connect",
        "--sandbox",
        "--name",
        "small",
        "--users",
        "3",
        "--json",
    ]);
    assert_eq!(small["id"], "small");
    assert_eq!(small["owner"], "admin@sandbox.example.com");
    assert_eq!(small["default"], true);

    let connector = home.json(&["connect", "--connectorId=ringcentral-sandbox", "--json"]);
    let id = connector["id"].as_str().ok_or("no id")?;
    assert_ne!(id, "small");

    let few = home.json(&[
        "action",
        "run",
        "-c",
        "small",
        "list-extensions",
        "--all-pages",
    ]);
    let many = home.json(&[
        "action",
        "run",
        &format!("--connectionId={id}"),
        "list-extensions",
        "--all-pages",
    ]);
    let (few, many) = (
        few.as_array().map_or(0, Vec::len),
        many.as_array().map_or(0, Vec::len),
    );
    assert!(
        few < many,
        "{few} extensions in a 3-user company, {many} in the default"
    );

    home.cmd()
        .args(["connect", "--sandbox", "--name", "small", "--users", "9"])
        .assert()
        .code(2);
    home.cmd()
        .args(["connect", "--connectorId=salesforce"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("salesforce"));
    home.cmd().arg("connect").assert().code(2);
    Ok(())
}

#[test]
fn search_finds_the_connectors_and_actions() -> TestResult {
    let home = Home::new();
    let found = home.json(&["search", "ringcentral", "--elementType=connector", "--json"]);
    let items = found["items"].as_array().ok_or("no items")?;
    assert_eq!(items[0]["element"]["id"], "ringcentral");
    assert_eq!(items[0]["element"]["name"], "RingCentral");
    assert!(
        items
            .iter()
            .any(|i| i["element"]["id"] == "ringcentral-sandbox")
    );

    let actions = home.json(&["search", "send", "sms", "--elementType=action", "--json"]);
    assert_eq!(actions["items"][0]["element"]["id"], "send-sms");

    home.cmd()
        .args(["search", "x", "--elementType=flow"])
        .assert()
        .code(2);
    Ok(())
}

#[test]
fn logout_with_nothing_configured_creates_nothing() {
    let home = Home::new();
    home.cmd()
        .arg("logout")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no connection"));
    assert!(!home.path().join("connections.json").exists());
}

#[test]
fn connection_show_default_and_remove() -> TestResult {
    let home = Home::new();
    home.json(&["connect", "--sandbox", "--name", "one", "--users", "2"]);
    home.json(&["connect", "--sandbox", "--name", "two", "--users", "2"]);
    let shown = home.json(&["connection", "show", "two", "--json"]);
    assert_eq!(shown["default"], false);
    assert_eq!(shown["id"], "two");

    let made = home.json(&["connection", "default", "two", "--json"]);
    assert_eq!(made["default"], true);
    let list = home.json(&["connection", "list", "--json"]);
    let defaults: Vec<&Value> = list["items"]
        .as_array()
        .ok_or("no items")?
        .iter()
        .filter(|c| c["default"] == true)
        .map(|c| &c["id"])
        .collect();
    assert_eq!(defaults, [&json!("two")]);

    let removed = home.json(&["connection", "remove", "two", "--json"]);
    assert_eq!(removed["removed"], true);
    let list = home.json(&["connection", "list", "--json"]);
    let ids: Vec<&Value> = list["items"]
        .as_array()
        .ok_or("no items")?
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, [&json!("one")]);
    assert!(!home.path().join("connections").join("two").exists());

    for args in [
        &["connection", "show", "nope"][..],
        &["connection", "default", "nope"],
        &["connection", "remove", "nope"],
        &["action", "run", "get-extension-info", "-c", "nope"],
        &["action", "run", "get-extension-info", "--connectionId=nope"],
        &["action", "list", "--connectionId=nope"],
        &["request", "nope", "/restapi/v1.0/account/~"],
        &["logout", "nope"],
    ] {
        home.cmd().args(args).assert().code(3).stderr(
            predicate::str::contains("nope").and(predicate::str::contains("connection list")),
        );
    }
    Ok(())
}

#[test]
fn sandbox_credentials_for_the_admin_and_another_user() -> TestResult {
    let home = Home::new();
    let admin = home.json(&["sandbox", "credentials", "--json"]);
    assert_eq!(admin["email"], "admin@sandbox.example.com");
    for key in ["clientId", "clientSecret", "jwt"] {
        assert!(admin[key].as_str().is_some_and(|v| !v.is_empty()), "{key}");
    }
    let users = home.json(&[
        "action",
        "run",
        "list-extensions",
        "--input",
        r#"{"type": ["User"], "perPage": 5}"#,
    ]);
    let other = users["records"]
        .as_array()
        .ok_or("no records")?
        .iter()
        .filter_map(|r| r["contact"]["email"].as_str())
        .find(|e| *e != "admin@sandbox.example.com")
        .ok_or("no other user")?
        .to_string();
    let theirs = home.json(&["sandbox", "credentials", "--user", &other, "--json"]);
    assert_eq!(theirs["email"], other.as_str());
    assert_ne!(theirs["jwt"], admin["jwt"]);
    home.cmd()
        .args(["sandbox", "credentials", "--user", "nobody@nowhere.example"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("nobody@nowhere.example")
                .and(predicate::str::contains(
                    "ringctl action run scim-search-via-get2",
                ))
                .and(predicate::str::contains("users list").not()),
        );
    // The command the hint names lists the users with their login emails.
    let scim = home.json(&["action", "run", "scim-search-via-get2", "--json"]);
    let resources = scim["Resources"].as_array().ok_or("no Resources")?;
    assert!(
        resources
            .iter()
            .any(|u| u["emails"][0]["value"] == other.as_str()),
        "{scim}"
    );
    Ok(())
}

#[test]
fn sandbox_reset_seeds_a_fresh_company() -> TestResult {
    let home = Home::new();
    let created = home.json(&[
        "action",
        "run",
        "create-contact",
        "--input",
        r#"{"firstName": "Grace", "lastName": "Hopper"}"#,
    ]);
    let id = created["id"].as_i64().ok_or("no id")?;
    let input = json!({"contactId": id}).to_string();
    home.cmd()
        .args(["action", "run", "get-contact", "--input", &input])
        .assert()
        .success();

    let reset = home.json(&["sandbox", "reset", "--json"]);
    assert_eq!(reset["reset"], true);
    home.cmd()
        .args(["action", "run", "get-contact", "--input", &input])
        .assert()
        .code(1);
    // The connection still works after the reset: it logs in to the new company by itself.
    home.cmd()
        .args(["action", "run", "get-extension-info"])
        .assert()
        .success();

    let data = home.path().join("kept.db");
    let again = home.json(&["sandbox", "reset", "--data", path_str(&data), "--json"]);
    assert_eq!(again["reset"], false);
    Ok(())
}
