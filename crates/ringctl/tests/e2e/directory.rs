//! `ringctl directory`: the company directory through the embedded sandbox, with its flags checked
//! against the catalog's schemas, paging, ETags and the table a terminal gets.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{Home, PATIENCE, TestResult, run};

/// Runs ringctl in a pseudo-terminal (util-linux `script`), so that it sees a terminal on stdout
/// as a person's shell would give it; returns (exit code, everything printed).
pub fn on_terminal(home: &Home, args: &[&str]) -> (i32, String) {
    let quoted: Vec<String> = std::iter::once(crate::common::BIN)
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let mut cmd = assert_cmd::Command::new("script");
    cmd.args(["-qec", &quoted.join(" "), "/dev/null"])
        .env("RINGCTL_HOME", home.path())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .env_remove("RC_SERVER_URL")
        .env_remove("RC_CLIENT_ID")
        .env_remove("RC_JWT")
        .timeout(PATIENCE);
    let (code, stdout, _) = run(&mut cmd);
    (code, stdout.replace("\r\n", "\n"))
}

fn records(page: &Value) -> Result<&Vec<Value>, String> {
    page["records"]
        .as_array()
        .ok_or_else(|| format!("no records in {page}"))
}

fn strings<'a>(records: &'a [Value], field: &str) -> Vec<&'a str> {
    records
        .iter()
        .map(|r| r[field].as_str().unwrap_or_default())
        .collect()
}

#[test]
fn list_pages_filters_and_follows_every_page() -> TestResult {
    let home = Home::new();
    let page = home.json(&["directory", "list", "--per-page", "4", "--page", "2"]);
    assert_eq!(records(&page)?.len(), 4);
    assert_eq!(page["paging"]["page"], 2);
    let total = page["paging"]["totalElements"]
        .as_u64()
        .ok_or("no totalElements")?;
    assert!(
        total > 8,
        "a directory of {total} entries is too small to page"
    );

    let users = home.json(&[
        "directory",
        "list",
        "--type-group",
        "User",
        "--per-page",
        "all",
    ]);
    let users = records(&users)?;
    assert!(!users.is_empty());
    assert!(strings(users, "type").iter().all(|t| *t == "User"));

    let ours = home.json(&[
        "directory",
        "list",
        "--show-federated=false",
        "--per-page",
        "max",
    ]);
    let ours = records(&ours)?;
    assert!(ours.iter().all(|r| r.get("account").is_none()));
    assert!(
        (ours.len() as u64) < total,
        "the federation adds a partner's entries"
    );

    let all = home.json(&["directory", "list", "--all-pages"]);
    let all = all.as_array().ok_or("--all-pages prints one array")?;
    assert_eq!(all.len() as u64, total);
    let mut ids: Vec<&str> = strings(all, "id");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len() as u64, total, "each entry once");
    Ok(())
}

#[test]
fn get_reads_one_entry_and_a_missing_one_fails() -> TestResult {
    let home = Home::new();
    let page = home.json(&["directory", "list", "--type", "User", "--per-page", "1"]);
    let first = &records(&page)?[0];
    let id = first["id"].as_str().ok_or("no id")?;
    let entry = home.json(&["directory", "get", id]);
    assert_eq!(entry["id"], id);
    assert_eq!(entry["email"], first["email"]);

    home.cmd()
        .args(["directory", "get", "999"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("404"));
    Ok(())
}

#[test]
fn search_filters_orders_and_pages_through_the_body() -> TestResult {
    let home = Home::new();
    let found = home.json(&[
        "directory",
        "search",
        "--search-string",
        "an",
        "--search-fields",
        "firstName,lastName",
        "--extension-types",
        "User",
        "--extension-statuses=Enabled",
        "--order-by",
        "lastName:desc",
        "--per-page",
        "1000",
    ]);
    let hits = records(&found)?;
    assert!(hits.len() > 3, "too few hits to check the order");
    for hit in hits {
        let name = format!("{} {}", hit["firstName"], hit["lastName"]).to_lowercase();
        assert!(name.contains("an"), "{name} does not match");
        assert_eq!(hit["type"], "User");
        assert_eq!(hit["status"], "Enabled");
    }
    let last: Vec<String> = strings(hits, "lastName")
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    let mut sorted = last.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(last, sorted, "--order-by lastName:desc");

    // Three at a time, every page in turn, gives the same entries as one big page.
    let paged = home.json(&[
        "directory",
        "search",
        "--search-string",
        "an",
        "--search-fields",
        "firstName",
        "--search-fields",
        "lastName",
        "--extension-types",
        "User",
        "--extension-statuses=Enabled",
        "--order-by",
        "lastName:desc",
        "--per-page",
        "3",
        "--all-pages",
    ]);
    let paged = paged.as_array().ok_or("--all-pages prints one array")?;
    assert_eq!(strings(paged, "id"), strings(hits, "id"));

    let department = hits[0]["department"].as_str().ok_or("no department")?;
    let same = home.json(&["directory", "search", "--department", department]);
    let same = records(&same)?;
    assert!(!same.is_empty());
    assert!(same.iter().all(|r| {
        r["department"]
            .as_str()
            .is_some_and(|d| d.eq_ignore_ascii_case(department))
    }));
    Ok(())
}

#[test]
fn federation_lists_its_accounts() -> TestResult {
    let home = Home::new();
    let federation = home.json(&["directory", "federation"]);
    let accounts = federation["accounts"].as_array().ok_or("no accounts")?;
    assert!(accounts.len() >= 2);
    assert!(accounts.iter().all(|a| a["id"].is_string()));
    let admin_only = home.json(&["directory", "federation", "--types", "AdminOnly"]);
    assert_eq!(admin_only["accounts"].as_array().map(Vec::len), Some(0));
    Ok(())
}

#[test]
fn bad_values_name_their_flag_and_send_nothing() {
    let home = Home::new();
    for (args, flag) in [
        (
            vec!["directory", "list", "--per-page", "5000"],
            "--per-page",
        ),
        (vec!["directory", "list", "--type", "Robot"], "--type"),
        (vec!["directory", "list", "--page", "two"], "--page"),
        (vec!["directory", "get", " "], "ID"),
        (
            vec!["directory", "search", "--order-by", "shoeSize"],
            "--order-by",
        ),
        (
            vec!["directory", "search", "--order-by", "lastName:up"],
            "--order-by",
        ),
        (
            vec!["directory", "search", "--extension-statuses", "Sleeping"],
            "--extension-statuses",
        ),
        (
            vec!["directory", "search", "--search-fields", "shoeSize"],
            "--search-fields",
        ),
        (
            vec!["directory", "federation", "--types", "Some"],
            "--types",
        ),
    ] {
        home.cmd()
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with("error: ").and(predicate::str::contains(flag)));
    }
    // Nothing was sent, so the embedded sandbox was never even needed.
    assert!(!home.path().join("data").exists());
}

#[test]
fn etags_make_reads_conditional() -> TestResult {
    let home = Home::new();
    let page = home.json(&["directory", "list", "--type", "User", "--per-page", "1"]);
    let id = records(&page)?[0]["id"]
        .as_str()
        .ok_or("no id")?
        .to_string();

    // The server's ETag, as `request -i` shows it.
    let path = format!("/restapi/v1.0/account/~/directory/entries/{id}");
    let (code, _, headers) = run(home.cmd().args(["request", &path, "-i"]));
    assert_eq!(code, 0);
    let etag = headers
        .lines()
        .find_map(|l| l.strip_prefix("etag: "))
        .ok_or("no ETag header")?
        .to_string();
    home.cmd()
        .args(["directory", "get", &id, "--if-none-match", &etag])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("not modified"));
    let entry = home.json(&["directory", "get", &id, "--if-none-match", "\"stale\""]);
    assert_eq!(entry["id"], id.as_str());

    // --if-changed sends the ETag of the last answer to the same request: nothing has changed...
    home.cmd()
        .args(["directory", "get", &id, "--if-changed"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("not modified"));
    home.cmd()
        .args([
            "directory",
            "list",
            "--type",
            "User",
            "--per-page",
            "1",
            "--if-changed",
        ])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("not modified"));
    // ...and another request has an answer of its own.
    let other = home.json(&[
        "directory",
        "list",
        "--type",
        "User",
        "--per-page",
        "2",
        "--if-changed",
    ]);
    assert_eq!(records(&other)?.len(), 2);

    // Once the entry changes, the whole new entry comes back, and then is current again.
    home.json(&[
        "action",
        "run",
        "update-extension",
        "--input",
        &format!(r#"{{"extensionId": "{id}", "contact": {{"department": "Moved Here"}}}}"#),
    ]);
    let changed = home.json(&["directory", "get", &id, "--if-changed"]);
    assert_eq!(changed["department"], "Moved Here");
    home.cmd()
        .args(["directory", "get", &id, "--if-changed"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("not modified"));
    Ok(())
}

#[test]
fn a_terminal_gets_tables_with_times_to_the_second() -> TestResult {
    let home = Home::new();
    let (code, text) = on_terminal(&home, &["directory", "list", "--per-page", "5"]);
    assert_eq!(code, 0, "{text}");
    let header = text
        .lines()
        .find(|l| l.contains("NAME"))
        .ok_or_else(|| format!("no table header in {text}"))?;
    for column in ["NAME", "EXT", "EMAIL", "TYPE", "DEPARTMENT", "SITE"] {
        assert!(header.contains(column), "no {column} in {header}");
    }
    assert!(!text.contains("\"records\""), "JSON on a terminal: {text}");
    assert!(text.contains("5 of "), "{text}");

    let (code, text) = on_terminal(&home, &["directory", "federation"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("LINKED"), "{text}");
    let times: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.len() >= 20 && w.as_bytes()[4] == b'-' && w.contains('T'))
        .collect();
    assert!(!times.is_empty(), "no times in {text}");
    for time in times {
        let time = time.trim_end_matches(['.', ',']);
        assert_eq!(
            time.len(),
            "2026-01-02T03:04:05Z".len(),
            "{time} is not to the second"
        );
    }

    let (code, text) = on_terminal(&home, &["directory", "list", "--per-page", "5", "--json"]);
    assert_eq!(code, 0);
    // Notes on stderr share the terminal; the JSON starts at its first brace.
    let value: Value = serde_json::from_str(text[text.find('{').ok_or("no JSON")?..].trim())?;
    assert_eq!(records(&value)?.len(), 5);
    Ok(())
}
