//! Bad and odd input: malformed JSON and schema violations exit 2 with each problem's JSON pointer,
//! and nothing a user can type (empty strings, huge numbers, binary junk) makes ringctl panic.

use predicates::prelude::*;

use crate::common::{Home, path_str, run};

/// Asserts a clean failure: the expected code, one `error:` line first on stderr (after the
/// embedded sandbox's notice, when it serves the command), no panic.
fn clean_failure(home: &Home, args: &[&str], stdin: Option<&[u8]>, codes: &[i32]) -> String {
    let mut cmd = home.cmd();
    cmd.args(args);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes.to_vec());
    }
    let (code, _, stderr) = run(&mut cmd);
    assert!(
        codes.contains(&code),
        "ringctl {args:?} exited {code}, expected one of {codes:?}: {stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "ringctl {args:?} panicked: {stderr}"
    );
    // Only the embedded sandbox's one-line notice may come before the error.
    let first = stderr
        .lines()
        .find(|l| !l.starts_with("note: served by ringctl's embedded sandbox"));
    assert!(
        first.is_some_and(|l| l.starts_with("error:")),
        "ringctl {args:?} did not start stderr with an error line: {stderr}"
    );
    stderr
}

#[test]
fn malformed_json_is_a_usage_error_with_its_position() {
    let home = Home::new();
    let stderr = clean_failure(
        &home,
        &["action", "run", "send-sms", "--input", "{\"text\": \"hi\""],
        None,
        &[2],
    );
    assert!(stderr.contains("not valid JSON"), "{stderr}");
    assert!(stderr.contains("line 1"), "{stderr}");
    // No connection was needed, so none was created.
    assert!(!home.path().join("connections.json").exists());
}

#[test]
fn schema_violations_are_listed_with_their_pointers() {
    let home = Home::new();
    let stderr = clean_failure(
        &home,
        &[
            "action",
            "run",
            "send-sms",
            "--input",
            r#"{"text": 5, "to": [{"phoneNumber": 1}]}"#,
        ],
        None,
        &[2],
    );
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(stderr.contains("/text"), "{stderr}");
    assert!(stderr.contains("/to/0/phoneNumber"), "{stderr}");
    assert!(stderr.contains("from"), "{stderr}");
    // With --json, the same problems go to stdout as an error object.
    home.cmd()
        .args([
            "action",
            "run",
            "send-sms",
            "--json",
            "--input",
            r#"{"text": 5}"#,
        ])
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains(r#""code":"usage""#).and(predicate::str::contains("/text")),
        );
}

#[test]
fn unknown_action_is_a_usage_error_with_suggestions() {
    let home = Home::new();
    let stderr = clean_failure(&home, &["action", "run", "get-extension-inf"], None, &[2]);
    assert!(
        stderr.contains("unknown action `get-extension-inf`"),
        "{stderr}"
    );
    assert!(stderr.contains("get-extension-info"), "{stderr}");
}

#[test]
fn input_from_an_unreadable_or_binary_file_or_stdin() {
    let home = Home::new();
    let junk: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let file = home.file("junk.bin", &junk);
    clean_failure(
        &home,
        &[
            "action",
            "run",
            "get-contact",
            "--input",
            &format!("@{}", path_str(&file)),
        ],
        None,
        &[2],
    );
    clean_failure(
        &home,
        &[
            "action",
            "run",
            "get-contact",
            "--input",
            "@/no/such/file.json",
        ],
        None,
        &[2],
    );
    clean_failure(
        &home,
        &["action", "run", "get-contact", "--input", "-"],
        Some(&junk),
        &[2],
    );
    clean_failure(
        &home,
        &["action", "run", "get-contact", "--input", "-"],
        Some(b""),
        &[2],
    );
}

#[test]
fn odd_input_never_panics() {
    let home = Home::new();
    let huge = "9".repeat(400);
    let deep = format!("{}{}", "[".repeat(30_000), "]".repeat(30_000));
    let long = "x".repeat(100_000);
    let inputs = [
        String::new(),
        " ".into(),
        "\u{1}".into(),
        "null".into(),
        "[]".into(),
        "\"text\"".into(),
        format!("{{\"contactId\": {huge}}}"),
        "{\"contactId\": 1e400}".into(),
        "{\"contactId\": -1e308}".into(),
        "{\"contactId\": 18446744073709551616}".into(),
        "{\"contactId\": \"\"}".into(),
        "{\"contactId\": \"../../etc/passwd\"}".into(),
        "{\"contactId\": {}}".into(),
        format!("{{\"contactId\": \"{long}\"}}"),
        deep.clone(),
        "{\"contactId\": 1, \"contactId\": 2}".into(),
        "{\"contactId\": 1, \"unknown\": true}".into(),
    ];
    for input in &inputs {
        let mut cmd = home.cmd();
        cmd.args(["action", "run", "get-contact", "--input", input]);
        let (code, _, stderr) = run(&mut cmd);
        assert!(
            !stderr.contains("panicked"),
            "input {:.60}: {stderr}",
            input
        );
        assert!(
            [1, 2].contains(&code),
            "input {:.60} exited {code}: {stderr}",
            input
        );
    }
    for args in [
        &["action", "run", ""][..],
        &["action", "show", ""],
        &["action", "list", "--limit", "99999999999999999999999"],
        &["action", "list", "--limit", "-1"],
        &["-c", "", "action", "run", "get-extension-info"],
        &["connection", "show", ""],
        &["login", "complete", ""],
        &["login", "--client-id", "", "--jwt", ""],
        &["sandbox", "serve", "--addr", "not-an-address"],
        &["sandbox", "serve", "--users", "0"],
        &["sandbox", "serve", "--token-ttl", "99999999999999999999999"],
        &["sandbox", "serve", "--rate-limits", "scale=-1"],
        &["sandbox", "serve", "--faults", "5xx=2"],
        &["sandbox", "credentials", "--user", ""],
        &["request", ""],
        &["request", "/restapi/v1.0/account/~", "-X", "BREW"],
        &["request", "/restapi/v1.0/account/~", "-H", "no colon"],
        &["request", "/restapi/v1.0/account/~", "--query", "=1"],
        &["request", "/restapi/v1.0/account/{accountId}"],
        &["request", "/restapi/v1.0/account/~", "--pathParam", "x"],
        &["request", "/restapi/v1.0/account/~", "--json", "{bad"],
        &["completions", ""],
    ] {
        clean_failure(&home, args, None, &[1, 2, 3]);
    }
    // Odd but harmless: answered, not refused.
    let long_intent = "sms ".repeat(5_000);
    for args in [
        &["action", "list", "--intent", "\u{7}"][..],
        &["action", "list", "--intent", &long_intent],
        &["action", "list", "--intent", "ünïcödé ✓ 短信"],
        &["action", "list", "--limit", "0"],
        &["search", "", "--elementType=connector"],
    ] {
        let (code, stdout, stderr) = run(home.cmd().args(args));
        assert_eq!(code, 0, "{:.80?}: {stderr}", args);
        assert!(
            serde_json::from_str::<serde_json::Value>(&stdout).is_ok(),
            "{stdout:.200}"
        );
    }
}

#[cfg(unix)]
#[test]
fn arguments_that_are_not_utf8_are_usage_errors() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let home = Home::new();
    let (code, _, stderr) = run(home
        .cmd()
        .args(["action", "run"])
        .arg(OsStr::from_bytes(b"get-\xff\xfe")));
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn whole_numbers_reach_paths_and_queries_as_integers() -> Result<(), Box<dyn std::error::Error>> {
    let home = Home::new();
    let shown = home.json(&[
        "action",
        "run",
        "get-contact",
        "--dry-run",
        "--input",
        r#"{"contactId": 1e3}"#,
    ]);
    let url = shown["url"].as_str().ok_or("no url")?;
    assert!(url.ends_with("/address-book/contact/1000"), "{url}");
    let shown = home.json(&[
        "action",
        "run",
        "list-contacts",
        "--dry-run",
        "--input",
        r#"{"perPage": 1e2, "page": 2.0, "startsWith": "a b"}"#,
    ]);
    let url = shown["url"].as_str().ok_or("no url")?;
    assert!(
        url.contains("perPage=100") && url.contains("page=2"),
        "{url}"
    );
    assert!(!url.contains("2.0") && !url.contains("%2E"), "{url}");
    let stderr = clean_failure(
        &home,
        &[
            "action",
            "run",
            "get-contact",
            "--input",
            r#"{"contactId": 99999999999999999999999}"#,
        ],
        None,
        &[2],
    );
    assert!(
        stderr.contains("/contactId") && stderr.contains("too large"),
        "{stderr}"
    );
    Ok(())
}
