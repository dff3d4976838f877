//! Several OS processes, each with several tasks, share one token file across many expiries of a
//! short-lived access token. The server rotates refresh tokens and rejects any replay; the processes must
//! never present a used refresh token and never fail a call for authentication.
//!
//! The test binary is its own worker: the test re-runs itself with `RC_REFRESH_WORKER` set, and in that
//! mode the same test function plays one client process instead.

mod common;

use std::{
    process::{Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use common::{FakeRc, JWT, client_builder};
use ringcentral::{FileTokenStore, Request, SecretString, ThrottlingGroup};

const TEST_NAME: &str = "many_processes_share_one_token_store_across_many_expiries";
const PROCESSES: usize = 4;
const TASKS_PER_PROCESS: usize = 3;
const RUN_FOR: Duration = Duration::from_secs(6);

#[test]
fn many_processes_share_one_token_store_across_many_expiries() {
    if let Ok(config) = std::env::var("RC_REFRESH_WORKER") {
        worker(&config);
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // One-second access tokens: each run sees about six expiries, each one a rotation race.
    let rc = FakeRc::start(Duration::from_secs(1));
    let dir = tempfile::tempdir().expect("tempdir");
    let store_path = dir.path().join("connections/c1/token.json");
    rt.block_on(async {
        client_builder(&rc.url)
            .token_store(Arc::new(FileTokenStore::new(&store_path)))
            .build()
            .expect("client")
            .login_jwt(&SecretString::from(JWT))
            .await
            .expect("login");
    });

    let exe = std::env::current_exe().expect("test binary");
    let mut children = Vec::new();
    for i in 0..PROCESSES {
        let out = dir.path().join(format!("worker-{i}.txt"));
        let config = format!("{}|{}|{}", rc.url, store_path.display(), out.display());
        let child = Command::new(&exe)
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env("RC_REFRESH_WORKER", config)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn worker");
        children.push((child, out));
    }

    let deadline = Instant::now() + RUN_FOR + Duration::from_secs(60);
    let mut total_ok = 0u64;
    for (mut child, out) in children {
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("a worker did not finish in time");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "worker exited with {status}");
        let report = std::fs::read_to_string(&out).expect("worker report");
        let mut lines = report.lines();
        let counts: Vec<u64> = lines
            .next()
            .unwrap_or("")
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        let failures: Vec<&str> = lines.collect();
        assert_eq!(counts.len(), 2, "report: {report}");
        assert_eq!(counts[1], 0, "calls failed: {failures:?}");
        assert!(counts[0] >= 20, "a worker made too few calls: {report}");
        total_ok += counts[0];
    }

    rc.with(|s| {
        assert_eq!(s.counters.replays, 0, "a refresh token was replayed");
        assert!(
            s.counters.refreshes >= 4,
            "expected a refresh per expiry, saw {}",
            s.counters.refreshes
        );
        assert!(
            u64::from(s.counters.refreshes) < total_ok / 4,
            "refreshes must be shared, not one per process and call: {} refreshes for {total_ok} calls",
            s.counters.refreshes
        );
        assert_eq!(s.counters.logins, 1);
        assert_eq!(u64::from(s.counters.api_ok), total_ok);
    });
}

/// One client process: `TASKS_PER_PROCESS` tasks calling the API until `RUN_FOR` is over.
fn worker(config: &str) {
    let parts: Vec<&str> = config.split('|').collect();
    let [url, store, out] = parts[..] else {
        panic!("bad worker config {config:?}");
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (ok, failures) = rt.block_on(async {
        let client = client_builder(url)
            .token_store(Arc::new(FileTokenStore::new(store)))
            .build()
            .expect("client");
        let end = tokio::time::Instant::now() + RUN_FOR;
        let mut tasks = Vec::new();
        for _ in 0..TASKS_PER_PROCESS {
            let client = client.clone();
            tasks.push(tokio::spawn(async move {
                let mut ok = 0u64;
                let mut failures = Vec::new();
                while tokio::time::Instant::now() < end {
                    let req = Request::get("/restapi/v1.0/account/~/extension/~")
                        .group(ThrottlingGroup::Light);
                    match client.send(req).await {
                        Ok(_) => ok += 1,
                        Err(e) => failures.push(e.to_string()),
                    }
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
                (ok, failures)
            }));
        }
        let mut ok = 0;
        let mut failures = Vec::new();
        for t in tasks {
            let (o, f) = t.await.expect("task");
            ok += o;
            failures.extend(f);
        }
        (ok, failures)
    });
    let mut report = format!("{ok} {}\n", failures.len());
    for f in failures {
        report.push_str(&f);
        report.push('\n');
    }
    std::fs::write(out, report).expect("write report");
}
