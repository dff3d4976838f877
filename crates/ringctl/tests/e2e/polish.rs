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

/// The subcommands a help text lists under `Commands:`, `help` aside.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_s_help_ends_with_examples() {
    let home = Home::new();
    let mut pending = vec![Vec::<String>::new()];
    let mut seen = 0;
    while let Some(path) = pending.pop() {
        seen += 1;
        assert!(seen < 200, "more commands than expected");
        for flag in ["-h", "--help"] {
            let (code, stdout, stderr) = run(home.cmd().args(&path).arg(flag));
            assert_eq!(code, 0, "{path:?} {flag}: {stderr}");
            let tail = stdout.rsplit_once("\nExample").map(|(_, t)| t);
            let Some(tail) = tail else {
                panic!(
                    "`ringctl {} {flag}` has no examples:\n{stdout}",
                    path.join(" ")
                );
            };
            // Nothing but the examples after the heading: indented commands (long ones wrap).
            let lines: Vec<&str> = tail
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .collect();
            assert!(
                lines.first().is_some_and(|l| l.starts_with("  ringctl ")),
                "`ringctl {} {flag}`: no command under the examples heading",
                path.join(" ")
            );
            for line in lines {
                assert!(
                    line.starts_with("  "),
                    "`ringctl {} {flag}`: examples are not last: {line}",
                    path.join(" ")
                );
            }
            if flag == "--help" {
                for sub in subcommands(&stdout) {
                    let mut next = path.clone();
                    next.push(sub);
                    pending.push(next);
                }
            }
        }
    }
    assert!(seen >= 30, "only {seen} commands found");
}

#[test]
fn completions_say_how_to_install_them() {
    let home = Home::new();
    let (code, stdout, stderr) = run(home.cmd().args(["completions", "bash"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("_ringctl"), "the script is on stdout");
    assert!(!stdout.contains("to install"), "the note stays off stdout");
    assert!(
        stderr.contains("~/.local/share/bash-completion/completions/ringctl"),
        "{stderr}"
    );
    let (_, stdout, _) = run(home.cmd().args(["completions", "fish"]));
    assert!(stdout.contains("complete -c ringctl"));
    let (code, help, _) = run(home.cmd().args(["completions", "--help"]));
    assert_eq!(code, 0);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(
            help.contains(&format!("ringctl completions {shell}")),
            "{help}"
        );
    }
    let json = home.json(&["completions", "zsh", "--json"]);
    assert!(
        json["install"]
            .as_str()
            .is_some_and(|s| s.contains("fpath"))
    );
}

#[test]
fn man_writes_one_page_per_command_or_the_top_page_to_stdout() -> TestResult {
    let home = Home::new();
    let (code, stdout, stderr) = run(home.cmd().arg("man"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with(".ie") || stdout.contains(".TH ringctl 1"),
        "{stdout}"
    );
    assert!(stdout.contains(".SH NAME"));

    let dir = home.path().join("man").join("man1");
    let listed = home.json(&["man", "--out", path_str(&dir), "--json"]);
    let pages = listed["pages"].as_array().ok_or("no pages")?;
    let names: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(pages.len(), names.len());
    for name in [
        "ringctl.1",
        "ringctl-action-run.1",
        "ringctl-users-suspend.1",
        "ringctl-man.1",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} missing from {names:?}"
        );
    }
    let run_page = std::fs::read_to_string(dir.join("ringctl-action-run.1"))?;
    assert!(
        run_page.contains("skip\\-validation"),
        "the page has the options"
    );
    assert!(run_page.contains("Examples:"), "and the examples");

    let (code, _, stderr) = run(home.cmd().args(["man", "--out", "/proc/no-such-dir/man1"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cannot write man pages"), "{stderr}");
    Ok(())
}

#[test]
fn action_show_gives_an_example_input_and_union_types() -> TestResult {
    let home = Home::new();
    let shown = home.json(&["action", "show", "create-contact", "--json"]);
    // The spec's own examples.
    assert_eq!(shown["example"]["firstName"], "Charlie");
    assert_eq!(shown["example"]["businessAddress"]["city"], "Belmont");

    let send = home.json(&["action", "show", "send-sms", "--json"]);
    assert_eq!(send["example"]["to"][0]["phoneNumber"], "string");
    assert_eq!(send["example"]["text"], "string");

    // Each input's type as people read it: a union of a number and words for a page size.
    let listing = home.json(&["action", "show", "list-directory-entries", "--json"]);
    let inputs = listing["inputs"].as_array().ok_or("no inputs")?;
    let per_page = inputs
        .iter()
        .find(|i| i["name"] == "perPage")
        .ok_or("no perPage")?;
    assert_eq!(per_page["type"], r#"integer | "max" | "all""#);
    assert_eq!(per_page["in"], "query");
    let page = inputs
        .iter()
        .find(|i| i["name"] == "page")
        .ok_or("no page")?;
    assert_eq!(page["type"], "integer");
    Ok(())
}

/// Splits a shell line into words: single and double quotes, `$NAME` and `"$NAME"` from `vars`,
/// and a `#` comment at a word start ends it.
fn shell_words(line: &str, vars: &[(String, String)]) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut started = false;
    let mut chars = line.chars().peekable();
    let substitute = |chars: &mut std::iter::Peekable<std::str::Chars>, word: &mut String| {
        let mut name = String::new();
        while let Some(c) = chars
            .peek()
            .copied()
            .filter(|c| c.is_alphanumeric() || *c == '_')
        {
            name.push(c);
            chars.next();
        }
        let value = vars
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str());
        word.push_str(value.unwrap_or_else(|| panic!("${name} is not set")));
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                started = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                started = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '$' => substitute(&mut chars, &mut word),
                        _ => word.push(q),
                    }
                }
            }
            '$' => {
                started = true;
                substitute(&mut chars, &mut word);
            }
            '#' if !started => break,
            c if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                started = true;
                word.push(c);
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

#[test]
fn the_readme_tour_runs_as_written() -> TestResult {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))?;
    let tour = readme
        .split("## A tour")
        .nth(1)
        .and_then(|t| t.split("```sh\n").nth(1))
        .and_then(|t| t.split("```").next())
        .ok_or("no tour in the README")?;
    let home = Home::new();
    let mut vars: Vec<(String, String)> = Vec::new();
    let mut ran = 0;
    for line in tour.lines().filter(|l| !l.trim().is_empty()) {
        // `NAME=$(ringctl ...)` keeps the output for later lines.
        let (assign, command) = match line.split_once("=$(") {
            Some((name, rest)) if !name.contains(' ') => (
                Some(name.to_string()),
                rest.trim_end().trim_end_matches(')'),
            ),
            _ => (None, line),
        };
        let words = shell_words(command, &vars);
        assert_eq!(words.first().map(String::as_str), Some("ringctl"), "{line}");
        // A comment may say the exit code the line ends with: `(exit 1: ...)`.
        let expected = line
            .split_once("(exit ")
            .and_then(|(_, rest)| rest.split_once(':'))
            .and_then(|(code, _)| code.parse::<i32>().ok())
            .unwrap_or(0);
        let (code, stdout, stderr) = run(home.cmd().args(&words[1..]));
        assert_eq!(code, expected, "`{line}` exited {code}: {stderr}");
        if let Some(name) = assign {
            vars.push((name, stdout.trim().to_string()));
        }
        ran += 1;
    }
    assert!(ran >= 15, "only {ran} lines in the tour");
    Ok(())
}
