//! Identity lifecycle figures of the `ringctl` binary against `ringctl sandbox serve`:
//!
//! - `suspend200`: `users suspend --from FILE` of 200 users with the sandbox's rate limits at
//!   `scale=0.01` (the Heavy group allows 10 changes per 0.6 s window), timed whole and compared with
//!   the least time those limits allow; the sandbox's count of 429 answers must stay at zero.
//! - `list100k`: `users list --json` over a company of 100,000 users, timed whole, with the process's
//!   peak RSS (`VmHWM` of `/proc/PID/status`, polled while it runs).
//!
//! `cargo bench -p ringctl --bench lifecycle` (release build); `-- NAME` runs one case.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ringctl");

type BenchResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn main() -> BenchResult {
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    if wanted("suspend200") {
        suspend_200()?;
    }
    if wanted("list100k") {
        list_100k()?;
    }
    Ok(())
}

fn suspend_200() -> BenchResult {
    let home = tempfile::tempdir()?;
    let mut server = Server::start(
        home.path(),
        &["--users", "260", "--rate-limits", "scale=0.01"],
    )?;
    server.login(home.path())?;
    let list = run_json(
        home.path(),
        &["users", "list", "--status", "active", "--json"],
    )?;
    let emails: Vec<String> = list["items"]
        .as_array()
        .ok_or("no items")?
        .iter()
        .filter_map(|u| u["email"].as_str())
        .filter(|e| !e.starts_with("admin@"))
        .take(200)
        .map(str::to_owned)
        .collect();
    if emails.len() < 200 {
        return Err(format!("only {} active users", emails.len()).into());
    }
    let file = home.path().join("leavers.txt");
    std::fs::write(&file, emails.join("\n"))?;
    let start = Instant::now();
    let out = Command::new(BIN)
        .env("RINGCTL_HOME", home.path())
        .args(["users", "suspend", "--from"])
        .arg(&file)
        .arg("--json")
        .output()?;
    let took = start.elapsed();
    if !out.status.success() {
        server.stop();
        return Err(format!("suspend failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let stats = server.stats()?;
    let patches = stats["requests"]["byOperation"]["scimPatchUser2"]
        .as_u64()
        .unwrap_or(0);
    let limited = stats["rateLimited"].as_u64().unwrap_or(u64::MAX);
    // 10 per 0.6 s window: the first 10 go at once, the 200th at the start of the 20th window.
    let floor = Duration::from_millis(600 * (200 / 10 - 1));
    println!(
        "suspend200: 200 users suspended in {:.2} s",
        took.as_secs_f64()
    );
    println!(
        "  floor allowed by the Heavy group at scale 0.01: {:.2} s; over it by {:.1}%",
        floor.as_secs_f64(),
        (took.as_secs_f64() / floor.as_secs_f64() - 1.0) * 100.0
    );
    println!("  PATCH requests {patches}, 429 answers {limited}");
    server.stop();
    Ok(())
}

fn list_100k() -> BenchResult {
    let home = tempfile::tempdir()?;
    let data = home.path().join("big.db");
    let data = data.to_str().ok_or("path")?.to_owned();
    let started = Instant::now();
    let mut server = Server::start(home.path(), &["--users", "100000", "--data", &data])?;
    println!(
        "list100k: sandbox of 100,000 users up in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    server.login(home.path())?;
    for round in [
        "first (every user new to the ledger)",
        "second (every user known)",
    ] {
        let start = Instant::now();
        let mut child = Command::new(BIN)
            .env("RINGCTL_HOME", home.path())
            .args(["users", "list", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let pid = child.id();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let counter = std::thread::spawn(move || {
            let mut bytes = 0usize;
            let mut reader = BufReader::new(stdout);
            let mut buf = Vec::new();
            while reader.read_until(b',', &mut buf).is_ok_and(|n| n > 0) {
                bytes += buf.len();
                buf.clear();
            }
            bytes
        });
        let mut peak = 0u64;
        while child.try_wait()?.is_none() {
            peak = peak.max(vm_hwm_kib(pid));
            std::thread::sleep(Duration::from_millis(5));
        }
        let bytes = counter.join().map_err(|_| "reader panicked")?;
        println!(
            "  {round}: {:.2} s, {:.1} MiB of JSON, peak RSS {:.1} MiB",
            start.elapsed().as_secs_f64(),
            bytes as f64 / 1048576.0,
            peak as f64 / 1024.0
        );
    }
    server.stop();
    Ok(())
}

fn vm_hwm_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn run_json(home: &std::path::Path, args: &[&str]) -> BenchResult<serde_json::Value> {
    let out = Command::new(BIN)
        .env("RINGCTL_HOME", home)
        .args(args)
        .output()?;
    if !out.status.success() {
        return Err(format!("{args:?}: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

struct Server {
    child: Child,
    url: String,
    first: serde_json::Value,
}

impl Server {
    fn start(dir: &std::path::Path, args: &[&str]) -> BenchResult<Server> {
        let mut child = Command::new(BIN)
            .args(["sandbox", "serve", "--addr", "127.0.0.1:0"])
            .args(args)
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
        let line = match rx.recv_timeout(Duration::from_secs(600)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("sandbox serve printed nothing".into());
            }
        };
        let first: serde_json::Value = serde_json::from_str(&line)?;
        let url = first["url"].as_str().unwrap_or_default().to_owned();
        Ok(Server { child, url, first })
    }

    fn login(&self, dir: &std::path::Path) -> BenchResult {
        let text = |k: &str| self.first[k].as_str().unwrap_or_default().to_owned();
        let secret = dir.join("client-secret");
        let jwt = dir.join("jwt");
        std::fs::write(&secret, text("clientSecret"))?;
        std::fs::write(&jwt, text("jwt"))?;
        let out = Command::new(BIN)
            .env("RINGCTL_HOME", dir)
            .args([
                "login",
                "--server",
                &self.url,
                "--client-id",
                &text("clientId"),
            ])
            .arg("--client-secret-file")
            .arg(&secret)
            .arg("--jwt-file")
            .arg(&jwt)
            .args(["--name", "bench", "--json"])
            .output()?;
        if !out.status.success() {
            return Err(format!("login: {}", String::from_utf8_lossy(&out.stderr)).into());
        }
        Ok(())
    }

    fn stats(&self) -> BenchResult<serde_json::Value> {
        let addr = self.url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        std::io::Write::write_all(
            &mut stream,
            format!("GET /sandbox/v1/stats HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stream, &mut text)?;
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        Ok(serde_json::from_str(body)?)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
