//! The rough edges a new user hits: input without JSON (`-f`/`-F`), `--skip-validation`, what
//! RingCentral accepts beyond its spec, clean action keys with the old ones as aliases, `request`
//! with a path that is not one, and URLs printed by the embedded sandbox used again later.

use serde_json::json;

use crate::common::{Home, TestResult, path_str, run};

#[test]
fn a_path_without_a_slash_is_a_usage_error() {
    let home = Home::new();
    let (code, stdout, stderr) = run(home.cmd().args(["request", "nope"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("does not start with `/`"), "{stderr}");
    assert!(stderr.contains("`/nope`"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    // Nothing was started or sent: no embedded sandbox notice.
    assert!(!stderr.contains("embedded sandbox"), "{stderr}");
}

#[test]
fn embedded_sandbox_urls_work_after_the_process_that_printed_them_exits() -> TestResult {
    let home = Home::new();
    let listing = home.json(&[
        "request",
        "/restapi/v1.0/account/~/extension/~/address-book/contact?perPage=2",
    ]);
    let uri = listing["records"][0]["uri"].as_str().ok_or("no uri")?;
    let id = listing["records"][0]["id"].clone();
    let next = listing["navigation"]["nextPage"]["uri"]
        .as_str()
        .ok_or("no nextPage")?;
    assert!(uri.starts_with("http://127.0.0.1:"), "{uri}");

    // Each run starts the sandbox on a new port; the printed one is gone, and still works.
    let record = home.json(&["request", uri]);
    assert_eq!(record["id"], id);
    let page2 = home.json(&["request", next]);
    assert_eq!(page2["paging"]["page"], 2);
    assert_ne!(page2["records"][0]["id"], id);

    // A port spelled as localhost works the same; a URL elsewhere still never gets the token.
    let localhost = uri.replacen("127.0.0.1", "localhost", 1);
    assert_eq!(home.json(&["request", &localhost])["id"], id);
    let (code, _, stderr) = run(home
        .cmd()
        .args(["request", "http://example.com/restapi/v1.0/account/~"]));
    assert_ne!(code, 0);
    assert!(
        stderr.contains("not on the connection's server"),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn fields_build_the_input_typed_by_the_schema_over_input() -> TestResult {
    let home = Home::new();
    let notes = home.file("notes.txt", "met at the fair\nlikes tea");
    let notes_arg = format!("notes=@{}", path_str(&notes));
    let out = home.json(&[
        "action",
        "run",
        "create-contact",
        "--dry-run",
        "--json",
        "--input",
        r#"{"firstName": "Bo", "lastName": "Chen"}"#,
        "-f",
        "firstName=Ada",
        "-f",
        "businessAddress.city=Paris",
        "-f",
        "businessAddress.zip=75001",
        "-F",
        &notes_arg,
    ]);
    assert_eq!(
        out["body"],
        json!({
            "firstName": "Ada",
            "lastName": "Chen",
            "businessAddress": {"city": "Paris", "zip": "75001"},
            "notes": "met at the fair\nlikes tea"
        })
    );

    // Numbers, repeated keys as arrays, and the request really sent.
    let page = home.json(&[
        "action",
        "run",
        "list-contacts",
        "-f",
        "perPage=2",
        "-f",
        "page=2",
        "-f",
        "sortBy=LastName",
        "-f",
        "sortBy=FirstName",
    ]);
    assert_eq!(page["paging"]["perPage"], 2);
    assert_eq!(page["paging"]["page"], 2);

    let (code, _, stderr) =
        run(home
            .cmd()
            .args(["action", "run", "list-contacts", "-f", "perPage"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("key=value"), "{stderr}");
    let (code, _, stderr) = run(home.cmd().args([
        "action",
        "run",
        "create-contact",
        "-F",
        "notes=@/no/such/file",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot read the file"), "{stderr}");
    Ok(())
}

#[test]
fn skip_validation_sends_what_the_schema_refuses_with_a_warning() {
    let home = Home::new();
    let (code, _, stderr) =
        run(home
            .cmd()
            .args(["action", "run", "list-contacts", "-f", "perPage=many"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(stderr.contains("--skip-validation"), "{stderr}");

    let (code, _, stderr) = run(home.cmd().args([
        "action",
        "run",
        "list-contacts",
        "-f",
        "perPage=many",
        "--skip-validation",
    ]));
    // The sandbox answers as RingCentral does: the request reached it and was refused there.
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("warning: --skip-validation"), "{stderr}");
    assert!(stderr.contains("/perPage"), "{stderr}");
    assert!(stderr.contains("HTTP 400"), "{stderr}");
}

#[test]
fn scim_patch_takes_active_as_a_boolean_under_old_and_new_keys() -> TestResult {
    let home = Home::new();
    let users = home.json(&["action", "run", "scim-search-via-get", "-f", "count=2"]);
    let id = users["Resources"][1]["id"].as_str().ok_or("no SCIM user")?;
    let patch = |key: &str, value: &str| {
        home.json(&[
            "action",
            "run",
            key,
            "-f",
            &format!("scimUserId={id}"),
            "-f",
            "schemas=urn:ietf:params:scim:api:messages:2.0:PatchOp",
            "-f",
            "Operations.op=replace",
            "-f",
            "Operations.path=active",
            "-f",
            &format!("Operations.value={value}"),
        ])
    };
    // A boolean, as RingCentral takes it (and as the spec alone would refuse).
    let input = json!({
        "scimUserId": id,
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": false}]
    })
    .to_string();
    let patched = home.json(&["action", "run", "scim-patch-user", "--input", &input]);
    assert_eq!(patched["active"], false);
    assert_eq!(patch("scim-patch-user", "true")["active"], true);
    assert_eq!(patch("scim-patch-user2", "False")["active"], false);
    assert_eq!(patch("scimPatchUser2", "True")["active"], true);

    let shown = home.json(&["action", "show", "scim-patch-user2", "--json"]);
    assert_eq!(shown["key"], "scim-patch-user");
    let aliases = shown["aliases"].as_array().ok_or("no aliases")?;
    assert!(aliases.contains(&json!("scim-patch-user2")));
    let listed = home.json(&[
        "action",
        "list",
        "--intent",
        "list-glip-conversations-new",
        "--json",
    ]);
    assert_eq!(listed["items"][0]["key"], "list-glip-conversations");
    Ok(())
}
