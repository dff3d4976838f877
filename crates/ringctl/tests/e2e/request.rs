//! `ringctl request [CONNECTION] PATH` with every flag of the skill's table: `-X`, `-H`, `-d`,
//! `--json`, `--rawData`, `--query`, `--pathParam`, and `-i`.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{Home, Served, TestResult, path_str, run};

fn body(stdout: &str) -> Value {
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn get_with_a_connection_query_and_path_params() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "work");

    let (code, stdout, stderr) =
        run(home
            .cmd()
            .args(["request", "work", "/restapi/v1.0/account/~/extension/~"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        body(&stdout)["contact"]["email"],
        "admin@sandbox.example.com"
    );

    let (code, stdout, _) = run(home.cmd().args([
        "request",
        "/restapi/v1.0/account/{accountId}/extension/{extensionId}",
        "--pathParam",
        "accountId=~",
        "--pathParam=extensionId=~",
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        body(&stdout)["contact"]["email"],
        "admin@sandbox.example.com"
    );

    let (code, stdout, _) = run(home.cmd().args([
        "request",
        "/restapi/v1.0/account/~/extension",
        "--query",
        "perPage=2",
        "--query",
        "page=3",
    ]));
    assert_eq!(code, 0);
    let page = body(&stdout);
    assert_eq!(page["paging"]["perPage"], 2);
    assert_eq!(page["paging"]["page"], 3);
    assert_eq!(page["records"].as_array().map(Vec::len), Some(2));

    // The skill's spelling with a connection id and `--connectionId`.
    home.cmd()
        .args(["request", "--connectionId=work", "/restapi/v1.0/account/~"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"id\""));
    Ok(())
}

#[test]
fn bodies_by_json_data_and_raw_data() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "work");
    let path = "/restapi/v1.0/account/~/extension/~/address-book/contact";

    let (code, stdout, stderr) = run(home.cmd().args([
        "request",
        path,
        "-X",
        "POST",
        "--json",
        r#"{"firstName": "Json", "lastName": "Body"}"#,
    ]));
    assert_eq!(code, 0, "{stderr}");
    let created = body(&stdout);
    assert_eq!(created["firstName"], "Json");
    let id = created["id"].to_string();

    // -d with JSON text and no method: POST.
    let (code, stdout, stderr) =
        run(home
            .cmd()
            .args(["request", path, "-d", r#"{"firstName": "Data"}"#]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(body(&stdout)["firstName"], "Data");

    // --json as a flag with -d: the body is sent as JSON.
    let (code, stdout, stderr) = run(home.cmd().args([
        "request",
        path,
        "--method",
        "post",
        "--json",
        "-d",
        r#"{"firstName": "Flag"}"#,
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(body(&stdout)["firstName"], "Flag");

    // --rawData sends the bytes untouched, with the content type the user gave.
    let (code, stdout, stderr) = run(home.cmd().args([
        "request",
        path,
        "-X",
        "POST",
        "--rawData",
        "-H",
        "Content-Type: application/json",
        "-d",
        r#"{"firstName":"Raw","lastName":"Bytes"}"#,
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(body(&stdout)["lastName"], "Bytes");

    // -d @FILE and -d - (stdin).
    let file = home.file("contact.json", r#"{"firstName": "File"}"#);
    let (code, stdout, _) = run(home.cmd().args([
        "request",
        path,
        "-X",
        "POST",
        "-d",
        &format!("@{}", path_str(&file)),
    ]));
    assert_eq!(code, 0);
    assert_eq!(body(&stdout)["firstName"], "File");
    let output = home
        .cmd()
        .args(["request", path, "-X", "POST", "-d", "-"])
        .write_stdin(r#"{"firstName": "Stdin"}"#)
        .output()?;
    assert!(output.status.success());
    assert_eq!(
        body(&String::from_utf8_lossy(&output.stdout))["firstName"],
        "Stdin"
    );

    // PUT, then DELETE through a path parameter.
    let (code, stdout, _) = run(home.cmd().args([
        "request",
        &format!("{path}/{{contactId}}"),
        "-X",
        "PUT",
        "--pathParam",
        &format!("contactId={id}"),
        "--json",
        r#"{"firstName": "Json", "lastName": "Renamed"}"#,
    ]));
    assert_eq!(code, 0);
    assert_eq!(body(&stdout)["lastName"], "Renamed");
    home.cmd()
        .args(["request", &format!("{path}/{id}"), "-X", "DELETE"])
        .assert()
        .success();
    home.cmd()
        .args(["request", &format!("{path}/{id}")])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("CMN-102"))
        .stderr(
            predicate::str::starts_with("error: ")
                .and(predicate::str::contains("404"))
                .and(predicate::str::contains("Check the ids")),
        );
    Ok(())
}

#[test]
fn headers_go_out_and_include_shows_the_response_head() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "work");
    let path = "/restapi/v1.0/account/~/directory/entries";
    let (code, stdout, stderr) = run(home.cmd().args(["request", path, "-i"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.starts_with("HTTP/1.1 200"), "{stderr}");
    assert!(
        stderr.to_ascii_lowercase().contains("rcrequestid:"),
        "{stderr}"
    );
    assert!(stdout.trim_start().starts_with('{'));
    let etag = stderr
        .lines()
        .find_map(|l| {
            l.strip_prefix("etag: ")
                .or_else(|| l.strip_prefix("ETag: "))
        })
        .ok_or("no ETag")?
        .trim()
        .to_string();
    // The header reaches the server: the entry has not changed, so it answers 304.
    let (code, stdout, stderr) = run(home.cmd().args([
        "request",
        path,
        "-i",
        "-H",
        &format!("If-None-Match: {etag}"),
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.starts_with("HTTP/1.1 304"), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    Ok(())
}

#[test]
fn request_errors() {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "work");
    let before = served.requests();
    for (args, needle) in [
        (&["request"][..], "PATH"),
        (
            &["request", "/restapi/v1.0/account/{accountId}"],
            "accountId",
        ),
        (
            &[
                "request",
                "/restapi/v1.0/account/~",
                "--pathParam",
                "nope=1",
            ],
            "nope",
        ),
        (
            &["request", "/restapi/v1.0/account/~", "-X", "BREW"],
            "BREW",
        ),
        (
            &["request", "/restapi/v1.0/account/~", "-H", "NoColon"],
            "NoColon",
        ),
        (
            &["request", "/restapi/v1.0/account/~", "--query", "novalue"],
            "novalue",
        ),
        (&["request", "/x", "-X", "POST", "--json", "{bad"], "JSON"),
        (&["request", "/x", "--json", "{}", "-d", "{}"], "once"),
        (
            &["request", "/x", "-X", "POST", "--json", "-d", "not json"],
            "not valid JSON",
        ),
    ] {
        home.cmd()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("error: ").and(predicate::str::contains(needle)));
    }
    assert_eq!(served.requests(), before, "a usage error sent a request");
    home.cmd()
        .args(["request", "/restapi/v1.0/no/such/thing"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("AGW-404"));
}
