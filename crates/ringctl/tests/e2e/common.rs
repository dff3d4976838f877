//! Helpers of the end-to-end tests: a private `RINGCTL_HOME` per test, the real `ringctl` binary,
//! a sandbox served by `ringctl sandbox serve` in its own process, and a small HTTP client for the
//! sandbox's stats and the browser half of a login.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command as StdCommand, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// The binary under test, as built by cargo for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_ringctl");

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// How long any single wait in these tests may take before the test fails.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Environment variables that would leak the developer's own RingCentral settings into a test.
const INHERITED: &[&str] = &[
    "RC_SERVER_URL",
    "RC_SERVER",
    "RC_CLIENT_ID",
    "RC_CLIENT_SECRET",
    "RC_JWT",
    "RINGCENTRAL_SERVER_URL",
    "RINGCENTRAL_SERVER",
    "RINGCENTRAL_CLIENT_ID",
    "RINGCENTRAL_CLIENT_SECRET",
    "RINGCENTRAL_JWT",
    "RINGCTL_LOG",
];

/// A private ringctl home: its own connections, tokens and embedded sandbox data.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        Home {
            dir: tempfile::Builder::new()
                .prefix("ringctl-e2e-")
                .tempdir()
                .expect("a temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `ringctl` with this home, no inherited RingCentral settings, and colour off.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new(BIN);
        self.prepare(&mut cmd);
        cmd.timeout(PATIENCE);
        cmd
    }

    /// The same, as a `std::process::Command` for processes the test talks to while they run.
    pub fn std_cmd(&self) -> StdCommand {
        let mut cmd = StdCommand::new(BIN);
        cmd.env("RINGCTL_HOME", self.path()).env("NO_COLOR", "1");
        for name in INHERITED {
            cmd.env_remove(name);
        }
        cmd
    }

    fn prepare(&self, cmd: &mut Command) {
        cmd.env("RINGCTL_HOME", self.path()).env("NO_COLOR", "1");
        for name in INHERITED {
            cmd.env_remove(name);
        }
    }

    /// Writes a file in this home (e.g. a secret for `--jwt-file`) and returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, contents).expect("a test file");
        path
    }

    /// Runs ringctl with `args`, expecting success and JSON on stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        self.json_with_env(args, &[])
    }

    /// The same, with extra environment variables.
    pub fn json_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Value {
        let mut cmd = self.cmd();
        cmd.args(args);
        for (name, value) in env {
            cmd.env(name, value);
        }
        let output = cmd.output().expect("ringctl runs");
        assert!(
            output.status.success(),
            "ringctl {args:?} failed ({:?}): {}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "ringctl {args:?} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }

    /// The token file of a connection.
    pub fn token_path(&self, id: &str) -> PathBuf {
        self.path().join("connections").join(id).join("token.json")
    }
}

/// Runs ringctl and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let output = cmd.output().expect("ringctl runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A sandbox served by `ringctl sandbox serve` in a process of its own; killed when dropped.
pub struct Served {
    child: Child,
    pub url: String,
    pub client_id: String,
    pub client_secret: String,
    pub jwt: String,
    /// Holds the secret files and the server's stderr.
    files: tempfile::TempDir,
}

impl Served {
    /// Starts `ringctl sandbox serve --addr 127.0.0.1:0 ARGS...` and reads its first stdout line.
    pub fn start(args: &[&str]) -> Served {
        Served::start_at("127.0.0.1:0", args)
    }

    pub fn start_at(addr: &str, args: &[&str]) -> Served {
        let files = tempfile::tempdir().expect("a temporary directory");
        let log = std::fs::File::create(files.path().join("serve.log")).expect("a log file");
        let mut child = StdCommand::new(BIN)
            .args(["sandbox", "serve", "--addr", addr])
            .args(args)
            .env("RINGCTL_HOME", files.path())
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("ringctl sandbox serve starts");
        let stdout = child.stdout.take().expect("a stdout pipe");
        let line = match read_line_within(stdout, PATIENCE) {
            Some(line) => line,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                let log = std::fs::read_to_string(files.path().join("serve.log"));
                panic!("sandbox serve printed no first line: {log:?}");
            }
        };
        let first: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the first line is not JSON ({e}): {line}"));
        let text = |k: &str| {
            first[k]
                .as_str()
                .unwrap_or_else(|| panic!("no {k} in {line}"))
                .to_string()
        };
        Served {
            url: text("url"),
            client_id: text("clientId"),
            client_secret: text("clientSecret"),
            jwt: text("jwt"),
            child,
            files,
        }
    }

    /// The port the sandbox listens on.
    pub fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    pub fn secret_file(&self) -> PathBuf {
        let path = self.files.path().join("client-secret");
        std::fs::write(&path, &self.client_secret).expect("a secret file");
        path
    }

    pub fn jwt_file(&self) -> PathBuf {
        let path = self.files.path().join("jwt");
        std::fs::write(&path, &self.jwt).expect("a JWT file");
        path
    }

    /// Logs `home` in with the JWT grant, secrets from files, as connection `name`.
    pub fn login(&self, home: &Home, name: &str) -> Value {
        let secret = self.secret_file();
        let jwt = self.jwt_file();
        home.json(&[
            "login",
            "--server",
            &self.url,
            "--client-id",
            &self.client_id,
            "--client-secret-file",
            path_str(&secret),
            "--jwt-file",
            path_str(&jwt),
            "--name",
            name,
            "--json",
        ])
    }

    /// `GET /sandbox/v1/stats`.
    pub fn stats(&self) -> Value {
        let (status, body) = http_get(&format!("{}/sandbox/v1/stats", self.url), true);
        assert_eq!(status, 200, "stats: {body}");
        serde_json::from_str(&body).expect("stats are JSON")
    }

    /// Requests the sandbox has answered (the stats endpoint itself is not counted).
    pub fn requests(&self) -> u64 {
        self.stats()["requests"]["total"].as_u64().unwrap_or(0)
    }

    /// Stops the server and waits for it.
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// Reads one line from a pipe, giving up after `within`.
pub fn read_line_within(
    pipe: impl std::io::Read + Send + 'static,
    within: Duration,
) -> Option<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
        // Keep the pipe open (and drained) for as long as the writer lives.
        let mut sink = String::new();
        while reader.read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });
    rx.recv_timeout(within)
        .ok()
        .filter(|line| !line.trim().is_empty())
}

/// A GET over loopback: (status, body). With `follow`, redirects are followed (as a browser would).
pub fn http_get(url: &str, follow: bool) -> (u16, String) {
    let (status, _, body) = http(url, follow);
    (status, body)
}

/// A GET over loopback: (status, Location header, body).
pub fn http(url: &str, follow: bool) -> (u16, Option<String>, String) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let policy = if follow {
            reqwest::redirect::Policy::limited(5)
        } else {
            reqwest::redirect::Policy::none()
        };
        let client = reqwest::Client::builder()
            .redirect(policy)
            .timeout(PATIENCE)
            .build()
            .expect("an HTTP client");
        let response = client.get(url).send().await.expect("the GET is answered");
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response.text().await.unwrap_or_default();
        (status, location, body)
    })
}

/// A `ringctl` process the test talks to while it runs (a browser login), killed when dropped.
pub struct Running {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    stderr_lines: mpsc::Receiver<String>,
    pub stderr_seen: Vec<String>,
}

impl Running {
    pub fn spawn(mut cmd: StdCommand) -> Running {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ringctl starts");
        let stdin = child.stdin.take();
        let stderr = child.stderr.take().expect("a stderr pipe");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let reader = BufReader::new(stderr);
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            stdin,
            stderr_lines: rx,
            stderr_seen: Vec::new(),
        }
    }

    /// Waits for a stderr line containing `needle` and returns it.
    pub fn wait_for_stderr(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stderr_lines.recv_timeout(left) {
                Ok(line) => {
                    self.stderr_seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "ringctl never printed {needle:?} on stderr; it printed {:?}",
                    self.stderr_seen
                ),
            }
        }
    }

    pub fn write_stdin(&mut self, text: &str) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(text.as_bytes()).expect("stdin accepts");
        stdin.flush().expect("stdin flushes");
    }

    /// Waits (bounded) for the process to end: (exit code, stdout).
    pub fn finish(mut self) -> (i32, String) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    let mut out = String::new();
                    if let Some(mut stdout) = self.child.stdout.take() {
                        let _ = std::io::Read::read_to_string(&mut stdout, &mut out);
                    }
                    return (status.code().unwrap_or(-1), out);
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => panic!("ringctl did not finish in time"),
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first URL in a line of text.
pub fn url_in(line: &str) -> String {
    line.split_whitespace()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string()
}
