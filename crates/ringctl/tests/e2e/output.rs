//! Output people and scripts can use: `--jq`, `--fields`, `--ndjson`, tables on a terminal, the
//! lines 204 and 304 answers print, and global flags on either side of the command.

use predicates::prelude::*;
use serde_json::{Value, json};

use crate::common::{Home, TestResult, run};
use crate::directory::on_terminal;

const EXTENSIONS: &str = "/restapi/v1.0/account/~/extension";

fn lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// Everything from the first `{` or `[` of a terminal's output, parsed (notes may come first).
fn json_in(text: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let start = text.find(['{', '[']).ok_or("no JSON")?;
    Ok(serde_json::from_str(text[start..].trim())?)
}

#[test]
fn jq_filters_action_request_and_directory_output() -> TestResult {
    let home = Home::new();
    let all = home.json(&[
        "action",
        "run",
        "list-extensions",
        "--input",
        r#"{"perPage": 3}"#,
    ]);
    let names: Vec<&str> = all["records"]
        .as_array()
        .ok_or("no records")?
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names.len(), 3);

    // Strings print bare, one a line, as gh prints them; the flag works on either side.
    for args in [
        vec![
            "action",
            "run",
            "list-extensions",
            "--input",
            r#"{"perPage": 3}"#,
            "--jq",
            ".records[].name",
        ],
        vec![
            "--jq",
            ".records[].name",
            "action",
            "run",
            "list-extensions",
            "--input",
            r#"{"perPage": 3}"#,
        ],
        vec![
            "request",
            EXTENSIONS,
            "--query",
            "perPage=3",
            "--jq",
            ".records[].name",
        ],
    ] {
        let (code, stdout, stderr) = run(home.cmd().args(&args));
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(lines(&stdout), names, "{args:?}");
    }
    // Other values print as JSON.
    let (code, stdout, _) = run(home.cmd().args([
        "directory",
        "list",
        "--per-page",
        "2",
        "--jq",
        "{n: (.records | length), first: .records[0].id}",
    ]));
    assert_eq!(code, 0);
    let value: Value = serde_json::from_str(&stdout)?;
    assert_eq!(value["n"], 2);
    assert!(value["first"].is_string());
    Ok(())
}

#[test]
fn a_bad_jq_filter_is_a_usage_error_before_anything_is_sent() -> TestResult {
    let home = Home::new();
    for (filter, said) in [
        (".records[", "closing bracket"),
        ("nosuchfunction(1)", "nosuchfunction"),
        (".a |||", "found"),
    ] {
        home.cmd()
            .args(["action", "run", "list-extensions", "--jq", filter])
            .assert()
            .code(2)
            .stdout("")
            .stderr(
                predicate::str::starts_with("error: --jq: ").and(predicate::str::contains(said)),
            );
    }
    assert!(
        !home.path().join("data").exists(),
        "the sandbox was started"
    );

    // A filter that fails on the answer fails the command, after the request.
    home.cmd()
        .args([
            "action",
            "run",
            "read-account-info",
            "--jq",
            r#"error("no such thing")"#,
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no such thing"));
    Ok(())
}

#[test]
fn fields_keep_those_of_each_record() -> TestResult {
    let home = Home::new();
    let page = home.json(&[
        "action",
        "run",
        "list-extensions",
        "--input",
        r#"{"perPage": 4}"#,
        "--fields",
        "id,contact.email",
        "--fields",
        "status",
    ]);
    let records = page["records"].as_array().ok_or("the envelope is kept")?;
    assert_eq!(records.len(), 4);
    assert!(page["paging"].is_object());
    for record in records {
        let keys: Vec<&String> = record.as_object().ok_or("not an object")?.keys().collect();
        assert_eq!(keys, ["id", "contact", "status"]);
        if let Some(contact) = record["contact"].as_object() {
            assert_eq!(contact.keys().collect::<Vec<_>>(), ["email"]);
        } else {
            assert!(record["contact"].is_null());
        }
    }

    let account = home.json(&[
        "request",
        "/restapi/v1.0/account/~",
        "--fields",
        "id,status,nothere",
    ]);
    assert_eq!(account.as_object().map(|m| m.len()), Some(3));
    assert!(account["id"].is_number());
    assert!(account["nothere"].is_null());

    let entries = home.json(&[
        "directory",
        "list",
        "--per-page",
        "3",
        "--fields",
        "id,site.name",
    ]);
    for entry in entries["records"].as_array().ok_or("no records")? {
        assert_eq!(
            entry,
            &json!({"id": entry["id"], "site": {"name": entry["site"]["name"]}})
        );
    }

    home.cmd()
        .args([
            "action",
            "run",
            "list-extensions",
            "--fields",
            "id,,contact..email",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--fields"));
    Ok(())
}

#[test]
fn ndjson_prints_a_record_a_line_and_streams_every_page() -> TestResult {
    let home = Home::new();
    let one_page = home.json(&[
        "action",
        "run",
        "list-extensions",
        "--input",
        r#"{"perPage": 1000}"#,
    ]);
    let total = one_page["records"].as_array().ok_or("no records")?.len();
    assert!(total > 5);

    let (code, stdout, _) = run(home.cmd().args([
        "action",
        "run",
        "list-extensions",
        "--input",
        r#"{"perPage": 5}"#,
        "--ndjson",
    ]));
    assert_eq!(code, 0);
    let page = lines(&stdout);
    assert_eq!(page.len(), 5);
    for line in &page {
        let record: Value = serde_json::from_str(line)?;
        assert!(record["id"].is_number());
    }

    // Every page, small pages at a time, each record once on its own line.
    let (code, stdout, stderr) = run(home.cmd().args([
        "--ndjson",
        "action",
        "run",
        "list-extensions",
        "--input",
        r#"{"perPage": 7}"#,
        "--all-pages",
        "--fields",
        "id",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let ids: Vec<Value> = lines(&stdout)
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).map(|v| v["id"].clone()))
        .collect::<Result<_, _>>()?;
    assert_eq!(ids.len(), total);
    let mut unique = ids.clone();
    unique.sort_by_key(Value::to_string);
    unique.dedup();
    assert_eq!(unique.len(), total);

    // With --all-pages, --jq runs on each record.
    let (code, stdout, _) =
        run(home
            .cmd()
            .args(["directory", "list", "--all-pages", "--jq", ".id"]));
    assert_eq!(code, 0);
    let directory = home.json(&["directory", "list", "--per-page", "1"]);
    assert_eq!(
        lines(&stdout).len() as u64,
        directory["paging"]["totalElements"]
            .as_u64()
            .ok_or("no total")?
    );
    Ok(())
}

#[test]
fn every_page_passes_records_through_as_the_server_wrote_them() -> TestResult {
    let home = Home::new();
    let one_page = home.json(&[
        "action",
        "run",
        "list-extensions",
        "--input",
        r#"{"perPage": 1000}"#,
    ]);
    let records = one_page["records"].as_array().ok_or("no records")?;
    assert!(records.len() > 14);
    // The sandbox writes compact JSON, so each record's text is known, up to the address of the
    // embedded sandbox, which each process starts afresh.
    let origin = |text: &str| -> String {
        let start = text.find("http://").unwrap_or(0);
        let end = text[start..].find("/restapi").map_or(start, |i| start + i);
        text[start..end].to_owned()
    };
    let texts: Vec<String> = records.iter().map(Value::to_string).collect();
    let texts_origin = origin(&texts[0]);
    assert!(
        texts_origin.starts_with("http://127.0.0.1:"),
        "{texts_origin}"
    );
    let local = |text: &str| text.replace(&origin(text), "ORIGIN");
    let texts: Vec<String> = texts
        .iter()
        .map(|t| t.replace(&texts_origin, "ORIGIN"))
        .collect();

    let walk = |extra: &[&str]| {
        let mut args = vec![
            "action",
            "run",
            "list-extensions",
            "--input",
            r#"{"perPage": 7}"#,
            "--all-pages",
        ];
        args.extend_from_slice(extra);
        run(home.cmd().args(&args))
    };
    let (code, stdout, stderr) = walk(&["--json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(local(&stdout), format!("[\n{}\n]\n", texts.join(",\n")));

    let (code, stdout, stderr) = walk(&["--ndjson"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines(&local(&stdout)), texts);

    // --fields still shapes each record.
    let (code, stdout, stderr) = walk(&["--json", "--fields", "id,name"]);
    assert_eq!(code, 0, "{stderr}");
    let kept: Value = serde_json::from_str(&stdout)?;
    let expected: Vec<Value> = records
        .iter()
        .map(|r| serde_json::json!({"id": r["id"], "name": r["name"]}))
        .collect();
    assert_eq!(kept, Value::Array(expected));
    Ok(())
}

#[test]
fn a_terminal_gets_tables_for_listings_and_json_when_asked() -> TestResult {
    let home = Home::new();
    let (code, text) = on_terminal(
        &home,
        &[
            "action",
            "run",
            "list-extensions",
            "--input",
            r#"{"perPage": 4}"#,
        ],
    );
    assert_eq!(code, 0, "{text}");
    let header = text
        .lines()
        .find(|l| l.contains("NAME"))
        .ok_or_else(|| format!("no table: {text}"))?;
    for column in ["ID", "NAME", "EXT", "TYPE", "STATUS"] {
        assert!(header.contains(column), "no {column} in {header}");
    }
    assert!(text.contains("4 of "), "{text}");
    assert!(!text.contains('{'), "JSON in a table: {text}");

    // Times in tables are to the second.
    let (code, text) = on_terminal(
        &home,
        &[
            "action",
            "run",
            "read-company-call-log",
            "--input",
            r#"{"perPage": 3}"#,
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("START"), "{text}");
    let times: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.len() >= 20 && w.as_bytes()[4] == b'-' && w.contains('T'))
        .collect();
    assert_eq!(times.len(), 3, "{text}");
    assert!(
        times
            .iter()
            .all(|t| t.len() == "2026-01-02T03:04:05Z".len()),
        "{times:?}"
    );

    // --fields on a terminal: a table of those fields.
    let (code, text) = on_terminal(
        &home,
        &[
            "directory",
            "list",
            "--per-page",
            "3",
            "--fields",
            "id,site.name",
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("ID") && l.contains("SITE.NAME") && !l.contains("EMAIL")),
        "{text}"
    );

    // A single record is pretty JSON; --json (before or after the command) is JSON for a listing.
    let (code, text) = on_terminal(&home, &["action", "run", "read-account-info"]);
    assert_eq!(code, 0);
    assert!(json_in(&text)?["id"].is_number());
    for args in [
        vec![
            "--json",
            "action",
            "run",
            "list-extensions",
            "--input",
            r#"{"perPage": 2}"#,
        ],
        vec![
            "action",
            "run",
            "list-extensions",
            "--input",
            r#"{"perPage": 2}"#,
            "--json",
        ],
    ] {
        let (code, text) = on_terminal(&home, &args);
        assert_eq!(code, 0);
        assert_eq!(
            json_in(&text)?["records"].as_array().map(Vec::len),
            Some(2),
            "{args:?}"
        );
    }
    Ok(())
}

#[test]
fn no_content_and_not_modified_print_a_line_on_stderr() -> TestResult {
    let home = Home::new();
    let contact = |name: &str| -> Result<String, Box<dyn std::error::Error>> {
        let made = home.json(&[
            "action",
            "run",
            "create-contact",
            "--input",
            &json!({"firstName": name}).to_string(),
        ]);
        Ok(made["id"].to_string())
    };
    let id = contact("Gone")?;
    home.cmd()
        .args([
            "action",
            "run",
            "delete-contact",
            "--json",
            "--input",
            &format!(r#"{{"contactId": {id}}}"#),
        ])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("done (204 No Content)"));
    let id = contact("Also gone")?;
    home.cmd()
        .args([
            "request",
            "-X",
            "DELETE",
            &format!("/restapi/v1.0/account/~/extension/~/address-book/contact/{id}"),
        ])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("done (204 No Content)"));

    let entry = "/restapi/v1.0/account/~/directory/entries/62000000000";
    let (code, _, headers) = run(home.cmd().args(["request", entry, "-i"]));
    assert_eq!(code, 0);
    let etag = headers
        .lines()
        .find_map(|l| l.strip_prefix("etag: "))
        .ok_or("no ETag")?;
    home.cmd()
        .args(["request", entry, "-H", &format!("If-None-Match: {etag}")])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("not modified"));
    // The same through an action whose schema takes If-None-Match.
    let (code, _, headers) = run(home.cmd().args([
        "request",
        "/restapi/v1.0/account/~/directory/entries",
        "--query",
        "perPage=1",
        "-i",
    ]));
    assert_eq!(code, 0);
    let etag = headers
        .lines()
        .find_map(|l| l.strip_prefix("etag: "))
        .ok_or("no ETag")?;
    home.cmd()
        .args([
            "--json",
            "action",
            "run",
            "list-directory-entries",
            "--input",
        ])
        .arg(json!({"perPage": 1, "If-None-Match": etag}).to_string())
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("not modified"));
    Ok(())
}

#[test]
fn global_flags_work_on_either_side_of_the_command() -> TestResult {
    let home = Home::new();
    // `request --json JSON` still sends a JSON body...
    let made = home.json(&[
        "request",
        "/restapi/v1.0/account/~/extension/~/address-book/contact",
        "--json",
        r#"{"firstName": "Body"}"#,
    ]);
    assert_eq!(made["firstName"], "Body");
    // ...and `--json` before the command asks for JSON output, as for every command.
    let account = home.json(&["--json", "request", "/restapi/v1.0/account/~"]);
    assert!(account["id"].is_number());
    let account = home.json(&[
        "--json",
        "-c",
        "sandbox",
        "action",
        "run",
        "read-account-info",
    ]);
    assert!(account["id"].is_number());
    let account = home.json(&[
        "action",
        "run",
        "read-account-info",
        "-c",
        "sandbox",
        "--json",
        "-v",
    ]);
    assert!(account["id"].is_number());
    // An API error with --json before `action run` is a JSON error object.
    let (code, stdout, _) = run(home.cmd().args([
        "--json",
        "action",
        "run",
        "get-contact",
        "--input",
        r#"{"contactId": 424242}"#,
    ]));
    assert_eq!(code, 1);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout)?["error"]["status"],
        404
    );
    Ok(())
}
