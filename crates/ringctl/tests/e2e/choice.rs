//! Which server a command talks to: the contract's order (`-c`, `RINGCTL_CONNECTION`, the `RC_*`
//! variables, the default, the embedded sandbox), what `status` says about it, the line every
//! command served by the embedded sandbox prints, and when `login` takes the default.

use serde_json::Value;

use crate::common::{Home, Served, TestResult, path_str, run};

/// `ringctl status --json` with extra environment: (the status, stderr).
fn status(home: &Home, args: &[&str], env: &[(&str, &str)]) -> (Value, String) {
    let mut cmd = home.cmd();
    cmd.arg("status").args(args).arg("--json");
    for (name, value) in env {
        cmd.env(name, value);
    }
    let (code, stdout, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "status failed: {stderr}");
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("status printed no JSON ({e}): {stdout}"));
    (value, stderr)
}

/// The lines of stderr that are the embedded sandbox's notice.
fn notices(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("embedded sandbox"))
        .collect()
}

fn login_args(served: &Served, name: &str) -> Vec<String> {
    vec![
        "login".into(),
        "--server".into(),
        served.url.clone(),
        "--client-id".into(),
        served.client_id.clone(),
        "--client-secret-file".into(),
        path_str(&served.secret_file()).into(),
        "--jwt-file".into(),
        path_str(&served.jwt_file()).into(),
        "--name".into(),
        name.into(),
        "--json".into(),
    ]
}

#[test]
fn the_connection_is_chosen_in_the_contracts_order() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();

    // Nothing configured: the embedded sandbox, and why.
    let (chosen, stderr) = status(&home, &[], &[]);
    assert_eq!(chosen["reason"], "embedded", "{chosen}");
    assert_eq!(chosen["embedded"], true);
    assert_eq!(chosen["user"]["email"], "admin@sandbox.example.com");
    assert_eq!(notices(&stderr).len(), 1, "{stderr}");
    assert!(stderr.contains("No connection is configured"), "{stderr}");

    // A login: the default, with everything status promises.
    let (code, stdout, stderr) = run(home.cmd().args(login_args(&served, "sb")));
    assert_eq!(code, 0, "{stderr}");
    let connection: Value = serde_json::from_str(&stdout)?;
    assert_eq!(connection["default"], true);
    let (chosen, stderr) = status(&home, &[], &[]);
    assert!(notices(&stderr).is_empty(), "{stderr}");
    assert_eq!(chosen["reason"], "default");
    assert_eq!(chosen["id"], "sb");
    assert_eq!(chosen["server"], served.url.as_str());
    assert_eq!(chosen["user"]["email"], "admin@sandbox.example.com");
    assert_eq!(chosen["user"]["name"], connection_owner_name(&home)?);
    assert!(chosen["accountId"].as_str().is_some_and(|a| !a.is_empty()));
    assert!(chosen["tokenExpiresAt"].is_string(), "{chosen}");
    assert!(chosen["refreshTokenExpiresAt"].is_string(), "{chosen}");
    assert_eq!(chosen["credentials"], "stored");
    assert_eq!(chosen["secretStore"], "file");

    // Another connection, named by RINGCTL_CONNECTION; -c beats it.
    home.json(&["connect", "--sandbox", "--name", "other", "--users", "2"]);
    let (chosen, stderr) = status(&home, &[], &[("RINGCTL_CONNECTION", "other")]);
    assert_eq!(chosen["reason"], "RINGCTL_CONNECTION");
    assert_eq!(chosen["id"], "other");
    assert_eq!(notices(&stderr).len(), 1, "{stderr}");
    let (chosen, _) = status(&home, &["-c", "sb"], &[("RINGCTL_CONNECTION", "other")]);
    assert_eq!(chosen["reason"], "flag");
    assert_eq!(chosen["id"], "sb");

    // The RC_* variables form a connection of their own, without a login, ahead of the default.
    let env = [
        ("RC_SERVER_URL", served.url.as_str()),
        ("RC_CLIENT_ID", served.client_id.as_str()),
        ("RC_CLIENT_SECRET", served.client_secret.as_str()),
        ("RC_JWT", served.jwt.as_str()),
    ];
    let grants = |served: &Served| served.stats()["tokens"]["grants"]["jwt_bearer"].as_u64();
    let before = grants(&served);
    let (chosen, _) = status(&home, &[], &env);
    assert_eq!(chosen["reason"], "environment");
    assert_eq!(chosen["kind"], "environment");
    assert_eq!(chosen["credentials"], "environment");
    assert_eq!(chosen["user"]["email"], "admin@sandbox.example.com");
    let id = chosen["id"].as_str().ok_or("no id")?.to_string();
    assert!(id.starts_with("env-"), "{id}");
    assert_eq!(grants(&served), before.map(|n| n + 1));
    // Its tokens are cached under the data directory, keyed by server and client id, and reused.
    assert!(
        home.path()
            .join("data")
            .join("env")
            .join(&id)
            .join("token.json")
            .is_file()
    );
    let (again, _) = status(&home, &[], &env);
    assert_eq!(again["id"], id.as_str());
    assert_eq!(grants(&served), before.map(|n| n + 1), "logged in twice");
    let registry = std::fs::read_to_string(home.path().join("connections.json"))?;
    assert!(!registry.contains(&id), "registered: {registry}");
    // Another RC_JWT (another user, or a revoked credential) does not reuse the cached tokens.
    let mut other_jwt = env.to_vec();
    other_jwt[3] = ("RC_JWT", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl");
    let (code, _, stderr) = run(home
        .cmd()
        .args(["status", "--json"])
        .envs(other_jwt.iter().copied()));
    assert_eq!(code, 3, "the cached tokens were used: {stderr}");
    // The RINGCENTRAL_* spellings form the same connection.
    let long: Vec<(String, &str)> = env
        .iter()
        .map(|(k, v)| (k.replacen("RC_", "RINGCENTRAL_", 1), *v))
        .collect();
    let long: Vec<(&str, &str)> = long.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let (same, _) = status(&home, &[], &long);
    assert_eq!(same["id"], id.as_str());
    // Without RC_JWT the variables form no connection: the default again.
    let (chosen, _) = status(&home, &[], &env[..3]);
    assert_eq!(chosen["id"], "sb");
    // RINGCTL_CONNECTION comes before them.
    let mut named = env.to_vec();
    named.push(("RINGCTL_CONNECTION", "other"));
    let (chosen, _) = status(&home, &[], &named);
    assert_eq!(chosen["id"], "other");

    // A name that is not there is an authentication error naming where it came from.
    let (code, _, stderr) = run(home
        .cmd()
        .args(["status", "--json"])
        .env("RINGCTL_CONNECTION", "nope"));
    assert_eq!(code, 3);
    assert!(
        stderr.contains("nope") && stderr.contains("RINGCTL_CONNECTION"),
        "{stderr}"
    );
    // `whoami` is `status`.
    let (code, stdout, _) = run(home.cmd().args(["whoami", "--json"]));
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<Value>(&stdout)?["id"], "sb");
    Ok(())
}

/// The name the seeded administrator has, as `connection list` does not say.
fn connection_owner_name(home: &Home) -> Result<String, Box<dyn std::error::Error>> {
    let me = home.json(&["action", "run", "get-extension-info", "-c", "sb", "--json"]);
    Ok(me["name"].as_str().ok_or("no name")?.to_string())
}

#[test]
fn every_command_the_embedded_sandbox_serves_says_so_and_a_write_that_nothing_was_sent()
-> TestResult {
    let home = Home::new();
    for _ in 0..2 {
        let (code, _, stderr) =
            run(home
                .cmd()
                .args(["action", "run", "get-extension-info", "--json"]));
        assert_eq!(code, 0, "{stderr}");
        let lines = notices(&stderr);
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(!lines[0].contains("nothing was sent"), "{stderr}");
    }
    let (code, _, stderr) = run(home.cmd().args(["request", "/restapi/v1.0/account/~"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(notices(&stderr).len(), 1, "{stderr}");

    // Writes: an action of a POST, and a raw PUT, even one the server refuses.
    let (code, _, stderr) = run(home.cmd().args([
        "action",
        "run",
        "create-contact",
        "-i",
        r#"{"firstName":"Ann","lastName":"Lee"}"#,
        "--json",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let lines = notices(&stderr);
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("nothing was sent to RingCentral"),
        "{stderr}"
    );
    let (code, _, stderr) = run(home.cmd().args([
        "request",
        "-X",
        "PUT",
        "/restapi/v1.0/account/~/extension/~/address-book/contact/1",
        "--json",
        "{}",
    ]));
    assert_ne!(code, 0);
    let lines = notices(&stderr);
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("nothing was sent to RingCentral"),
        "{stderr}"
    );

    // A connection to a served sandbox is not the embedded one: no notice.
    let served = Served::start(&[]);
    let (code, _, stderr) = run(home.cmd().args(login_args(&served, "served")));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = run(home.cmd().args([
        "action",
        "run",
        "create-contact",
        "-c",
        "served",
        "-i",
        r#"{"firstName":"Ann","lastName":"Lee"}"#,
        "--json",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(notices(&stderr).is_empty(), "{stderr}");
    Ok(())
}

#[test]
fn login_takes_the_default_only_from_nothing_or_an_embedded_sandbox() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    // The embedded sandbox is the default after its first use.
    home.json(&["action", "run", "get-extension-info", "--json"]);
    let (code, stdout, stderr) = run(home.cmd().args(login_args(&served, "first")));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&stdout)?["default"], true);
    assert!(
        stderr.contains("`first` is now the default connection")
            && stderr.contains("embedded sandbox `sandbox`"),
        "{stderr}"
    );

    // A second login leaves a real default alone, and says nothing about it.
    let (code, stdout, stderr) = run(home.cmd().args(login_args(&served, "second")));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&stdout)?["default"], false);
    assert!(!stderr.contains("default connection"), "{stderr}");
    let (chosen, _) = status(&home, &[], &[]);
    assert_eq!(chosen["id"], "first");

    // In a fresh home, the first login is the default (there was none) and says so.
    let fresh = Home::new();
    let (code, _, stderr) = run(fresh.cmd().args(login_args(&served, "only")));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("`only` is now the default connection"),
        "{stderr}"
    );

    // Made default by hand, a sandbox gives way to the next login too.
    home.json(&["connect", "--sandbox", "--name", "play", "--users", "2"]);
    home.json(&["connection", "default", "play"]);
    let (code, _, stderr) = run(home.cmd().args(login_args(&served, "third")));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("in place of the embedded sandbox `play`"),
        "{stderr}"
    );
    let (chosen, _) = status(&home, &[], &[]);
    assert_eq!(chosen["id"], "third");
    Ok(())
}
