//! Cold-start figures of the `ringctl` binary, each a fresh process timed from spawn to exit:
//! `--version`, `action list --intent "send sms" --json`, and `action run get-extension-info`
//! against a running `ringctl sandbox serve` (logged in with the JWT grant), plus the same action
//! on the embedded sandbox for comparison.
//!
//! `cargo bench -p ringctl --bench cli` (release build); `-- NAME` runs the cases whose name
//! contains NAME. `RINGCTL_BENCH_RUNS=N` changes the number of timed runs (default 50).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ringctl");
const WARMUP: usize = 3;

type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

struct Case {
    name: &'static str,
    args: Vec<String>,
}

fn main() -> BenchResult {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let runs: usize = std::env::var("RINGCTL_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(50);
    let home = tempfile::tempdir()?;
    let mut server = Server::start(home.path())?;
    let login = Command::new(BIN)
        .env("RINGCTL_HOME", home.path())
        .args([
            "login",
            "--server",
            &server.url,
            "--client-id",
            &server.client_id,
            "--client-secret-file",
            &server.secret_file,
            "--jwt-file",
            &server.jwt_file,
            "--name",
            "served",
            "--json",
        ])
        .output()?;
    if !login.status.success() {
        server.stop();
        return Err(format!("login failed: {}", String::from_utf8_lossy(&login.stderr)).into());
    }
    let embedded_home = tempfile::tempdir()?;

    let cases = [
        Case {
            name: "version",
            args: vec!["--version".into()],
        },
        Case {
            name: "action-list-intent",
            args: ["action", "list", "--intent", "send sms", "--json"]
                .map(String::from)
                .to_vec(),
        },
        Case {
            name: "action-run-served",
            args: [
                "action",
                "run",
                "-c",
                "served",
                "get-extension-info",
                "--json",
            ]
            .map(String::from)
            .to_vec(),
        },
        Case {
            name: "action-run-embedded",
            args: ["action", "run", "get-extension-info", "--json"]
                .map(String::from)
                .to_vec(),
        },
    ];
    println!(
        "{:<22} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "case", "runs", "min ms", "p50 ms", "p90 ms", "max ms", "mean ms"
    );
    let mut failed = None;
    for case in &cases {
        if filter.as_deref().is_some_and(|f| !case.name.contains(f)) {
            continue;
        }
        let dir = if case.name == "action-run-embedded" {
            embedded_home.path()
        } else {
            home.path()
        };
        match time_case(case, dir, runs) {
            Ok(mut times) => report(case.name, &mut times),
            Err(e) => {
                failed = Some(format!("{}: {e}", case.name));
                break;
            }
        }
    }
    server.stop();
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

fn time_case(case: &Case, home: &std::path::Path, runs: usize) -> BenchResult<Vec<Duration>> {
    let mut times = Vec::with_capacity(runs);
    for i in 0..WARMUP + runs {
        let start = Instant::now();
        let output = Command::new(BIN)
            .env("RINGCTL_HOME", home)
            .env("NO_COLOR", "1")
            .args(&case.args)
            .stdin(Stdio::null())
            .output()?;
        let took = start.elapsed();
        if !output.status.success() {
            return Err(format!(
                "ringctl {:?} failed: {}",
                case.args,
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        if i >= WARMUP {
            times.push(took);
        }
    }
    Ok(times)
}

fn report(name: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    println!(
        "{:<22} {:>5} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
        name,
        times.len(),
        ms(times[0]),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(times[times.len() - 1]),
        mean
    );
}

/// `ringctl sandbox serve` in its own process.
struct Server {
    child: Child,
    url: String,
    client_id: String,
    secret_file: String,
    jwt_file: String,
}

impl Server {
    fn start(dir: &std::path::Path) -> BenchResult<Server> {
        let mut child = Command::new(BIN)
            .args(["sandbox", "serve", "--addr", "127.0.0.1:0"])
            .env("RINGCTL_HOME", dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            let mut sink = String::new();
            while reader.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("sandbox serve printed nothing".into());
            }
        };
        let first: serde_json::Value = serde_json::from_str(&line)?;
        let text = |k: &str| first[k].as_str().unwrap_or_default().to_string();
        let secret_file = dir.join("client-secret");
        let jwt_file = dir.join("jwt");
        std::fs::write(&secret_file, text("clientSecret"))?;
        std::fs::write(&jwt_file, text("jwt"))?;
        Ok(Server {
            child,
            url: text("url"),
            client_id: text("clientId"),
            secret_file: secret_file.to_string_lossy().into_owned(),
            jwt_file: jwt_file.to_string_lossy().into_owned(),
        })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
