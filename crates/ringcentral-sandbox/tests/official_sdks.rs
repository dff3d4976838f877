//! RingCentral's official SDKs, unmodified, against an in-process sandbox: the Python SDK
//! (`ringcentral`) and the JavaScript SDK (`@ringcentral/sdk`) run the flows of `compat/python` and
//! `compat/js` (JWT login, paging, SMS, SCIM, refresh, revoke). An SDK that is not installed fails
//! the test with the reason and the command that installs it (`compat/run.sh setup`, into
//! compat/.venv and compat/js/node_modules; the test command of README.md runs it first).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use ringcentral_sandbox::{Sandbox, SandboxConfig};
use tokio::process::Command;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Short enough that both SDKs must refresh during their flows (the JavaScript SDK renews a token
/// 60 s before it expires, the Python SDK once it has expired).
const TOKEN_TTL: Duration = Duration::from_secs(2);
/// Upper bound on one SDK's flows; they take a few seconds.
const FLOWS_TIMEOUT: Duration = Duration::from_secs(40);

fn repo_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::canonicalize(&root).unwrap_or(root)
}

/// Why an SDK's flows cannot run here, or the command that runs them.
enum Runner {
    Ready(Command),
    Missing(String),
}

async fn probe(program: &Path, args: &[&str]) -> bool {
    let run = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .status();
    matches!(
        tokio::time::timeout(Duration::from_secs(20), run).await,
        Ok(Ok(s)) if s.success()
    )
}

/// What installs the SDKs where this test looks for them.
const SETUP: &str =
    "`compat/run.sh setup` installs them (in compat/.venv and compat/js/node_modules)";

/// The interpreter of the harness's virtualenv, where the pinned Python SDK is installed.
fn venv_python(root: &Path) -> Option<PathBuf> {
    let venv = root.join("compat/.venv");
    [venv.join("bin/python"), venv.join("Scripts/python.exe")]
        .into_iter()
        .find(|p| p.is_file())
}

async fn python_runner(root: &Path) -> Runner {
    let Some(python) = venv_python(root) else {
        return Runner::Missing(format!(
            "{} has no Python virtualenv; {SETUP}",
            root.join("compat").display()
        ));
    };
    if !probe(&python, &["-c", "import ringcentral"]).await {
        return Runner::Missing(format!(
            "{} cannot import `ringcentral`; {SETUP}",
            python.display()
        ));
    }
    let mut cmd = Command::new(python);
    cmd.arg(root.join("compat/python/flows.py"))
        .arg("--expect-token-ttl")
        .arg(TOKEN_TTL.as_secs().to_string());
    Runner::Ready(cmd)
}

async fn js_runner(root: &Path) -> Runner {
    let modules = root.join("compat/js/node_modules");
    // The stamp is written once `npm ci` has installed everything, the SDK and form-data alike.
    let installed = modules.join(".compat-stamp").is_file()
        && modules.join("@ringcentral/sdk").is_dir()
        && modules.join("form-data").is_dir();
    if !installed {
        return Runner::Missing(format!(
            "{} does not hold RingCentral's JavaScript SDK; {SETUP}",
            modules.display()
        ));
    }
    let node = PathBuf::from("node");
    if !probe(&node, &["--version"]).await {
        return Runner::Missing("`node` is not on PATH".into());
    }
    let mut cmd = Command::new(node);
    cmd.arg(root.join("compat/js/flows.mjs"));
    Runner::Ready(cmd)
}

/// Runs one SDK's flows against a fresh sandbox: the flows' output and whether every flow passed.
/// An SDK that cannot run is an error: the test proves nothing without it.
async fn run_flows(name: &str, runner: Runner) -> Result<(bool, String), String> {
    let mut cmd = match runner {
        Runner::Missing(why) => return Err(format!("the {name} SDK cannot run: {why}")),
        Runner::Ready(cmd) => cmd,
    };
    let sandbox = Sandbox::start(SandboxConfig {
        users: 30,
        token_ttl: TOKEN_TTL,
        ..Default::default()
    })
    .await
    .map_err(|e| format!("sandbox did not start: {e}"))?;
    let dir = tempfile::tempdir().map_err(|e| format!("no temp dir: {e}"))?;
    let line = dir.path().join("sandbox.json");
    std::fs::write(&line, sandbox.startup_line())
        .map_err(|e| format!("cannot write {}: {e}", line.display()))?;
    let child = cmd
        .arg("--sandbox-json")
        .arg(&line)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(FLOWS_TIMEOUT, child).await;
    sandbox.shutdown().await;
    let out = match out {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => return Err(format!("{name} flows did not start: {e}")),
        Err(_) => return Err(format!("{name} flows took longer than {FLOWS_TIMEOUT:?}")),
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok((out.status.success(), text))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_sdks_work_against_the_sandbox_unmodified() -> TestResult {
    let root = repo_root();
    let (python, js) = tokio::join!(python_runner(&root), js_runner(&root));
    let (py_result, js_result) =
        tokio::join!(run_flows("Python", python), run_flows("JavaScript", js));
    let mut failures = Vec::new();
    for (name, result) in [("Python", py_result), ("JavaScript", js_result)] {
        match result {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok((passed, text)) => {
                eprintln!("{text}");
                if !passed {
                    let failed: Vec<&str> = text
                        .lines()
                        .filter(|l| l.starts_with("FAIL") || l.starts_with("    "))
                        .collect();
                    failures.push(format!("{name} SDK flows failed:\n{}", failed.join("\n")));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    Ok(())
}
