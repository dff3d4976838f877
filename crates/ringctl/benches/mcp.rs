//! Figures of `ringctl mcp` as an agent host sees them: the time from spawning the server to the
//! answer of its first `tools/list` (initialize and notifications/initialized in between), and the
//! round trip of one `tools/call` of `search_actions` (the first of a process, which builds the
//! intent index, and later ones) and of `run_action` on a running server.
//! The server uses the embedded sandbox of a private home, as it does when nothing is configured.
//!
//! `cargo bench -p ringctl --bench mcp` (release build); `-- NAME` runs the cases whose name
//! contains NAME. `RINGCTL_BENCH_RUNS=N` changes the number of timed runs (default 50).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_ringctl");
const WARMUP: usize = 3;
/// The longest any one answer may take before the bench gives up.
const PATIENCE: Duration = Duration::from_secs(30);
/// What an agent might ask for, in turn.
const QUERIES: &[&str] = &[
    "send an sms",
    "list call queues",
    "who is on extension 101",
    "read the call log",
    "create a meeting",
    "update answering rule",
    "list users",
    "fax a document",
];

type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error>>;
/// A timed call: its name and the `tools/call` parameters of its i-th run.
type Call = (&'static str, fn(usize) -> Value);

fn main() -> BenchResult {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let runs: usize = std::env::var("RINGCTL_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(50);
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let home = tempfile::tempdir()?;
    println!(
        "{:<22} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "case", "runs", "min ms", "p50 ms", "p90 ms", "max ms", "mean ms"
    );
    if wanted("spawn-to-tools-list") || wanted("first-search-call") {
        let mut times = Vec::with_capacity(runs);
        let mut first_searches = Vec::with_capacity(runs);
        for i in 0..WARMUP + runs {
            let start = Instant::now();
            let mut server = Server::spawn(home.path())?;
            server.handshake()?;
            let tools = server.request("tools/list", json!({}))?;
            let took = start.elapsed();
            let count = tools["result"]["tools"].as_array().map_or(0, Vec::len);
            if count == 0 {
                return Err(format!("tools/list gave no tools: {tools}").into());
            }
            // The first search of a process also builds the intent index.
            let start = Instant::now();
            let found = server.request(
                "tools/call",
                json!({"name": "search_actions", "arguments": {"query": QUERIES[0]}}),
            )?;
            let first_search = start.elapsed();
            if found["result"]["isError"] == json!(true) || found["error"].is_object() {
                return Err(format!("search_actions failed: {found}").into());
            }
            server.close()?;
            if i >= WARMUP {
                times.push(took);
                first_searches.push(first_search);
            }
        }
        report("spawn-to-tools-list", &mut times);
        report("first-search-call", &mut first_searches);
    }
    let calls: [Call; 2] = [
        (
            "search-actions-call",
            |i| json!({"name": "search_actions", "arguments": {"query": QUERIES[i % QUERIES.len()], "limit": 10}}),
        ),
        (
            "run-action-call",
            |_| json!({"name": "run_action", "arguments": {"key": "readExtension"}}),
        ),
    ];
    for (name, params) in calls {
        if !wanted(name) {
            continue;
        }
        let mut server = Server::spawn(home.path())?;
        server.handshake()?;
        let mut times = Vec::with_capacity(runs);
        for i in 0..WARMUP + runs {
            let start = Instant::now();
            let answer = server.request("tools/call", params(i))?;
            let took = start.elapsed();
            if answer["result"]["isError"] == json!(true) || answer["error"].is_object() {
                return Err(format!("{name} failed: {answer}").into());
            }
            if i >= WARMUP {
                times.push(took);
            }
        }
        server.close()?;
        report(name, &mut times);
    }
    Ok(())
}

/// A `ringctl mcp` process and the client's side of its stdio.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    next_id: u64,
}

impl Server {
    fn spawn(home: &std::path::Path) -> BenchResult<Server> {
        let mut child = Command::new(BIN)
            .arg("mcp")
            .env("RINGCTL_HOME", home)
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Server {
            stdin: child.stdin.take(),
            child,
            lines: rx,
            next_id: 0,
        })
    }

    fn send(&mut self, message: &Value) -> BenchResult {
        let stdin = self.stdin.as_mut().ok_or("stdin is closed")?;
        writeln!(stdin, "{message}")?;
        stdin.flush()?;
        Ok(())
    }

    fn request(&mut self, method: &str, params: Value) -> BenchResult<Value> {
        self.next_id += 1;
        let id = json!(self.next_id);
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .map_err(|_| format!("no answer to {method} in time"))?;
            let message: Value = serde_json::from_str(&line)?;
            if message["id"] == id {
                return Ok(message);
            }
        }
    }

    fn handshake(&mut self) -> BenchResult {
        let init = self.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}),
        )?;
        if !init["result"].is_object() {
            return Err(format!("initialize failed: {init}").into());
        }
        self.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
    }

    /// Closes stdin and waits (bounded) for the server to end.
    fn close(mut self) -> BenchResult {
        self.stdin.take();
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        Err("ringctl mcp did not end when stdin closed".into())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
