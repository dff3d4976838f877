//! Logins that fail safely: a failed login again leaves the connection as it was, a login
//! replaces the old session only once the server accepted the new one (and revokes the old), an
//! interrupted first login leaves nothing `connection remove` cannot delete, a corrupt token file
//! is moved aside, and inputs that cannot work are refused before anything is sent.

use std::process::Command as StdCommand;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{Home, Running, Served, TestResult, http_get, path_str, run, url_in};

fn revocations(served: &Served) -> u64 {
    served.stats()["tokens"]["revocations"]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn a_login_that_fails_leaves_the_connection_as_it_was() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "sb");
    let dir = home.path().join("connections").join("sb");
    let secrets = std::fs::read(dir.join("secrets.json"))?;
    let token = std::fs::read(dir.join("token.json"))?;
    let registry = std::fs::read(home.path().join("connections.json"))?;

    let wrong = home.file("wrong-secret", "not-the-secret");
    let other_server = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    for (server, secret) in [
        (served.url.clone(), path_str(&wrong)),
        // A server that is not there, with the right secret.
        (
            format!("http://{other_server}"),
            path_str(&served.secret_file()),
        ),
    ] {
        let (code, _, stderr) = run(home.cmd().args([
            "login",
            "--server",
            &server,
            "--client-id",
            &served.client_id,
            "--client-secret-file",
            secret,
            "--jwt-file",
            path_str(&served.jwt_file()),
            "--name",
            "sb",
        ]));
        assert_ne!(code, 0, "the login succeeded");
        assert!(stderr.lines().any(|l| l.starts_with("error: ")), "{stderr}");
        assert_eq!(std::fs::read(dir.join("secrets.json"))?, secrets);
        assert_eq!(std::fs::read(dir.join("token.json"))?, token);
        assert_eq!(
            std::fs::read(home.path().join("connections.json"))?,
            registry
        );
    }
    assert_eq!(revocations(&served), 0, "the old session was revoked");
    let me = home.json(&["action", "run", "get-extension-info", "-c", "sb", "--json"]);
    assert_eq!(me["contact"]["email"], "admin@sandbox.example.com");

    // A login that succeeds replaces the session, then revokes the old one at the server.
    served.login(&home, "sb");
    assert_eq!(revocations(&served), 1);
    assert_ne!(std::fs::read(dir.join("token.json"))?, token);
    let me = home.json(&["action", "run", "get-extension-info", "-c", "sb", "--json"]);
    assert_eq!(me["contact"]["email"], "admin@sandbox.example.com");
    Ok(())
}

/// A browser login of `name` waiting for its code, with the RC_* settings of `served`.
fn waiting_browser_login(home: &Home, served: &Served, name: &str) -> (Running, String) {
    let mut cmd: StdCommand = home.std_cmd();
    cmd.args(["login", "--browser", "--no-open", "--name", name])
        .env("RC_SERVER_URL", &served.url)
        .env("RC_CLIENT_ID", &served.client_id)
        .env("RC_CLIENT_SECRET", &served.client_secret)
        .env_remove("BROWSER");
    let mut login = Running::spawn(cmd);
    let url = url_in(&login.wait_for_stderr("/restapi/oauth/authorize"));
    (login, url)
}

#[test]
fn an_interrupted_first_login_leaves_only_what_connection_remove_deletes() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    let (mut login, _) = waiting_browser_login(&home, &served, "half");
    // SIGKILL: the process gets no chance to clean up.
    login.child.kill()?;
    login.child.wait()?;

    let list = home.json(&["connection", "list", "--json"]);
    let items = list["items"].as_array().ok_or("no items")?;
    let orphan = items
        .iter()
        .find(|c| c["id"] == "half")
        .ok_or_else(|| format!("the interrupted login is not listed: {list}"))?;
    assert_eq!(orphan["orphan"], true);
    // Nothing else pretends to be a connection: the folder is not one to use.
    home.cmd()
        .args(["action", "run", "get-extension-info", "-c", "half"])
        .assert()
        .code(3);

    let removed = home.json(&["connection", "remove", "half", "--json"]);
    assert_eq!(removed["removed"], true);
    assert!(!home.path().join("connections").join("half").exists());
    let list = home.json(&["connection", "list", "--json"]);
    assert!(
        !list["items"]
            .as_array()
            .ok_or("no items")?
            .iter()
            .any(|c| c["id"] == "half"),
        "{list}"
    );
    home.cmd()
        .args(["login", "complete", "some-code"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("waiting"));

    // A browser login that finishes leaves no staging behind.
    let (login, url) = waiting_browser_login(&home, &served, "whole");
    assert_eq!(http_get(&url, true).0, 200);
    let (code, stdout) = login.finish();
    assert_eq!(code, 0);
    let connection: Value = serde_json::from_str(stdout.trim())?;
    assert_eq!(connection["owner"], "admin@sandbox.example.com");
    let dir = home.path().join("connections").join("whole");
    assert!(dir.join("token.json").is_file());
    assert!(!dir.join(".login").exists(), "the staging folder is left");
    Ok(())
}

#[test]
fn a_corrupt_token_file_is_moved_aside() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "sb");
    let token = home.token_path("sb");
    std::fs::write(&token, "{ not json")?;
    // With a stored JWT the connection logs in again by itself.
    let (code, stdout, stderr) =
        run(home
            .cmd()
            .args(["action", "run", "get-extension-info", "-c", "sb", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        serde_json::from_str::<Value>(&stdout)?["contact"]["email"],
        "admin@sandbox.example.com"
    );
    assert!(stderr.contains("moved"), "{stderr}");
    let aside: Vec<String> = std::fs::read_dir(home.path().join("connections").join("sb"))?
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.starts_with("token.json.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(std::fs::read_to_string(&token)?.contains("access_token"));

    // Without one (a browser login), the user is told the command to run.
    let (login, url) = waiting_browser_login(&home, &served, "web");
    assert_eq!(http_get(&url, true).0, 200);
    assert_eq!(login.finish().0, 0);
    std::fs::write(home.token_path("web"), "garbage")?;
    home.cmd()
        .args(["action", "run", "get-extension-info", "-c", "web"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("moved").and(predicate::str::contains(
                "ringctl login --browser --name web",
            )),
        );
    Ok(())
}

#[test]
fn inputs_that_cannot_work_are_refused_before_anything_is_sent() {
    let served = Served::start(&[]);
    let home = Home::new();
    let before = served.requests();
    let base = [
        "login",
        "--server",
        &served.url,
        "--client-id",
        &served.client_id,
    ];
    home.cmd()
        .args(base)
        .args(["--client-secret", "-", "--jwt", "-"])
        .write_stdin(format!("{}\n", served.jwt))
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--client-secret -")
                .and(predicate::str::contains("--jwt -"))
                .and(predicate::str::contains("stdin")),
        );
    for name in ["", "  "] {
        home.cmd()
            .args(base)
            .args(["--jwt-file", path_str(&served.jwt_file()), "--name", name])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("name is empty"));
    }
    // The embedded sandbox's name is not one to log in under.
    home.json(&["connect", "--sandbox", "--users", "2"]);
    home.cmd()
        .args(base)
        .args([
            "--client-secret-file",
            path_str(&served.secret_file()),
            "--jwt-file",
            path_str(&served.jwt_file()),
            "--name",
            "sandbox",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("embedded sandbox"));
    assert_eq!(served.requests(), before, "a refused input sent a request");
}

#[test]
fn connect_to_ringcentral_names_what_to_give() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    home.cmd()
        .args(["connect", "--connectorId=ringcentral"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--client-id")
                .and(predicate::str::contains("RC_CLIENT_ID"))
                .and(predicate::str::contains("--client-secret-file"))
                .and(predicate::str::contains("--jwt-file"))
                .and(predicate::str::contains("--browser")),
        );
    home.cmd()
        .args([
            "connect",
            "--connectorId=ringcentral",
            "--client-id",
            "x",
            "--browser",
            "--jwt-file",
            "/tmp/jwt",
        ])
        .assert()
        .code(2);
    let connection = home.json(&[
        "connect",
        "--connectorId=ringcentral",
        "--server",
        &served.url,
        "--client-id",
        &served.client_id,
        "--client-secret-file",
        path_str(&served.secret_file()),
        "--jwt-file",
        path_str(&served.jwt_file()),
        "--name",
        "prod",
        "--json",
    ]);
    assert_eq!(connection["kind"], "jwt");
    assert_eq!(connection["owner"], "admin@sandbox.example.com");
    assert_eq!(connection["default"], true);
    Ok(())
}

#[test]
fn a_login_killed_mid_swap_is_finished_by_the_next_command() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "sb");
    served.login(&home, "other");
    let connections = home.path().join("connections");
    let registry: Value =
        serde_json::from_slice(&std::fs::read(home.path().join("connections.json"))?)?;
    let entry = |id: &str| -> Result<Value, String> {
        registry["connections"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["id"] == id).cloned())
            .ok_or_else(|| format!("no `{id}` in {registry}"))
    };
    let new_token = std::fs::read(connections.join("other").join("token.json"))?;
    // What a login killed right after its accepted login appeared leaves: for `sb`, a new
    // session not yet in place; for `late`, a first login not yet registered.
    let mut late = entry("other")?;
    late["id"] = "late".into();
    late["name"] = "late".into();
    for (id, record) in [("sb", entry("sb")?), ("late", late)] {
        let accepted = connections.join(id).join(".accepted");
        std::fs::create_dir_all(&accepted)?;
        std::fs::write(accepted.join("connection.json"), record.to_string())?;
        std::fs::copy(
            connections.join("other").join("secrets.json"),
            accepted.join("secrets.json"),
        )?;
        std::fs::write(accepted.join("token.json"), &new_token)?;
    }

    let (code, stdout, stderr) = run(home.cmd().args(["connection", "list", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("finished the interrupted login of `sb`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("finished the interrupted login of `late`"),
        "{stderr}"
    );
    let list: Value = serde_json::from_str(&stdout)?;
    let late = list["items"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["id"] == "late").cloned())
        .ok_or_else(|| format!("`late` is not listed: {list}"))?;
    assert_ne!(late["orphan"], true, "{late}");
    for id in ["sb", "late"] {
        assert!(!connections.join(id).join(".accepted").exists());
        assert_eq!(
            std::fs::read(connections.join(id).join("token.json"))?,
            new_token
        );
        let me = home.json(&["action", "run", "get-extension-info", "-c", id, "--json"]);
        assert_eq!(me["contact"]["email"], "admin@sandbox.example.com");
    }
    // Once finished, it is not finished again.
    let (code, _, stderr) = run(home.cmd().args(["connection", "list"]));
    assert_eq!(code, 0);
    assert!(!stderr.contains("interrupted"), "{stderr}");
    Ok(())
}
