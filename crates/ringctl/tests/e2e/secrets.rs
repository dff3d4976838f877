//! Secrets: `logout` and `connection remove` delete the stored client secret and JWT with the
//! tokens and say what they deleted; without an OS keyring (none runs here, and
//! `RINGCTL_KEYRING=off` turns it off anywhere) secrets fall back to 0600 files in 0700 folders,
//! silently, and `status` says so.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{Home, Served, TestResult, run};

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn logout_and_remove_delete_the_stored_secrets_and_say_so() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "sb");
    let dir = home.path().join("connections").join("sb");
    assert!(dir.join("secrets.json").is_file());

    let out = home.json(&["logout", "--json"]);
    assert_eq!(out["revoked"], true);
    assert_eq!(
        strings(&out["deleted"]),
        ["tokens", "client secret", "JWT"],
        "{out}"
    );
    assert!(!dir.join("secrets.json").exists());
    let text = std::fs::read_to_string(home.path().join("connections.json"))?;
    assert!(!text.contains(&served.jwt) && !text.contains(&served.client_secret));
    // Logged out is logged out; and nothing is left to delete the second time.
    home.cmd()
        .args(["action", "run", "get-extension-info"])
        .assert()
        .code(3);
    // status says which connection is logged out, and why it is the one in use.
    home.cmd().arg("status").assert().code(3).stderr(
        predicates::str::contains("connection `sb`")
            .and(predicates::str::contains("the default connection"))
            .and(predicates::str::contains("ringctl login")),
    );
    let again = home.json(&["logout", "sb", "--json"]);
    assert_eq!(strings(&again["deleted"]), Vec::<&str>::new(), "{again}");

    served.login(&home, "sb");
    let removed = home.json(&["connection", "remove", "sb", "--json"]);
    assert_eq!(
        strings(&removed["deleted"]),
        ["connection record", "tokens", "client secret", "JWT"],
        "{removed}"
    );
    assert!(!dir.exists());
    Ok(())
}

#[test]
#[cfg(unix)]
fn the_embedded_sandbox_database_is_private() -> TestResult {
    use std::os::unix::fs::PermissionsExt;
    let home = Home::new();
    home.json(&["action", "run", "get-extension-info", "--json"]);
    let dir = home.path().join("data").join("sandbox");
    assert_eq!(
        std::fs::metadata(&dir)?.permissions().mode() & 0o777,
        0o700,
        "{}",
        dir.display()
    );
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
        seen += 1;
    }
    assert!(seen > 0, "no database in {}", dir.display());
    Ok(())
}

#[test]
fn without_a_keyring_secrets_are_private_files_and_status_says_so() -> TestResult {
    let served = Served::start(&[]);
    for keyring in [None, Some("off")] {
        let home = Home::new();
        let mut cmd = home.cmd();
        cmd.args([
            "login",
            "--server",
            &served.url,
            "--client-id",
            &served.client_id,
            "--client-secret-file",
            crate::common::path_str(&served.secret_file()),
            "--jwt-file",
            crate::common::path_str(&served.jwt_file()),
            "--name",
            "sb",
            "--json",
        ]);
        if let Some(value) = keyring {
            cmd.env("RINGCTL_KEYRING", value);
        }
        let (code, _, stderr) = run(&mut cmd);
        assert_eq!(code, 0, "{stderr}");
        // The fallback is silent: no warning about a missing keyring.
        assert!(!stderr.to_lowercase().contains("keyring"), "{stderr}");

        let mut cmd = home.cmd();
        cmd.args(["status", "--json"]);
        if let Some(value) = keyring {
            cmd.env("RINGCTL_KEYRING", value);
        }
        let (code, stdout, stderr) = run(&mut cmd);
        assert_eq!(code, 0, "{stderr}");
        let status: Value = serde_json::from_str(&stdout)?;
        assert_eq!(status["secretStore"], "file", "{status}");
        assert!(
            status["secretsKept"]
                .as_str()
                .is_some_and(|s| s.contains("secrets.json")),
            "{status}"
        );
        assert!(!stdout.contains(&served.jwt) && !stdout.contains(&served.client_secret));

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &std::path::Path| -> std::io::Result<u32> {
                Ok(std::fs::metadata(p)?.permissions().mode() & 0o777)
            };
            let connections = home.path().join("connections");
            let dir = connections.join("sb");
            for folder in [&connections, &dir] {
                assert_eq!(mode(folder)?, 0o700, "{}", folder.display());
            }
            for file in [
                dir.join("secrets.json"),
                dir.join("token.json"),
                dir.join("token.json.lock"),
                home.path().join("connections.lock"),
                home.path().join("connections.json"),
            ] {
                // The token store's lock appears once a refresh or login took it.
                if file.exists() || !file.ends_with("token.json.lock") {
                    assert_eq!(mode(&file)?, 0o600, "{}", file.display());
                }
            }
        }
    }
    Ok(())
}

/// Needs a Secret Service, which CI does not run. To run it:
/// `dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets;
/// cargo test -p ringctl --test e2e -- --ignored secrets_live_in_the_keyring'`.
#[test]
#[ignore = "needs a running Secret Service (see the comment)"]
fn secrets_live_in_the_keyring_when_one_answers() -> TestResult {
    let served = Served::start(&[]);
    let home = Home::new();
    served.login(&home, "sb");
    let dir = home.path().join("connections").join("sb");
    assert!(!dir.join("secrets.json").exists(), "a file copy was kept");
    let status = home.json(&["status", "--json"]);
    assert_eq!(status["secretStore"], "keyring", "{status}");
    // The JWT comes back from the keyring to log in again after the token file was lost.
    std::fs::write(dir.join("token.json"), "garbage")?;
    let me = home.json(&["action", "run", "get-extension-info", "--json"]);
    assert_eq!(me["contact"]["email"], "admin@sandbox.example.com");
    // RINGCTL_KEYRING=off keeps a login's secrets in a file, which is read with the keyring on.
    let secret = served.secret_file();
    let jwt = served.jwt_file();
    home.json_with_env(
        &[
            "login",
            "--server",
            &served.url,
            "--client-id",
            &served.client_id,
            "--client-secret-file",
            crate::common::path_str(&secret),
            "--jwt-file",
            crate::common::path_str(&jwt),
            "--name",
            "filed",
            "--json",
        ],
        &[("RINGCTL_KEYRING", "off")],
    );
    assert!(home.path().join("connections/filed/secrets.json").is_file());
    let filed = home.json(&["status", "-c", "filed", "--json"]);
    assert_eq!(filed["secretStore"], "file", "{filed}");
    let out = home.json(&["logout", "sb", "--json"]);
    assert_eq!(strings(&out["deleted"]), ["tokens", "client secret", "JWT"]);
    let gone = home.json(&["connection", "show", "sb", "--json"]);
    assert_eq!(gone["id"], "sb");
    home.cmd().args(["status", "-c", "sb"]).assert().code(3);
    Ok(())
}
