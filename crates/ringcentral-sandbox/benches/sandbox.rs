//! Sandbox throughput and latency on loopback (reading one extension, listing 100 extensions),
//! start-up time with the default company and with 100,000 users, and pages of the company call
//! log of a 100,000-user company. Criterion times single requests;
//! a bounded load run then reports requests per second and p99 latency at a fixed concurrency.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use ringcentral_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use secrecy::ExposeSecret;

fn runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => panic!("no runtime: {e}"),
    }
}

async fn login(sandbox: &SandboxHandle, http: &reqwest::Client) -> String {
    let c = sandbox.credentials();
    let body: serde_json::Value = match http
        .post(format!("{}/restapi/oauth/token", sandbox.url()))
        .basic_auth(&c.client_id, Some(c.client_secret.expose_secret()))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", c.jwt.expose_secret()),
        ])
        .send()
        .await
    {
        Ok(r) => r.json().await.unwrap_or_default(),
        Err(e) => panic!("login: {e}"),
    };
    body["access_token"].as_str().unwrap_or_default().to_owned()
}

struct Target {
    rt: tokio::runtime::Runtime,
    sandbox: SandboxHandle,
    http: reqwest::Client,
    token: String,
}

fn target(users: usize) -> Target {
    let rt = runtime();
    let (sandbox, http, token) = rt.block_on(async {
        let sandbox = match Sandbox::start(SandboxConfig {
            users,
            ..Default::default()
        })
        .await
        {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let http = reqwest::Client::new();
        let token = login(&sandbox, &http).await;
        (sandbox, http, token)
    });
    Target {
        rt,
        sandbox,
        http,
        token,
    }
}

const READ_ONE: &str = "/restapi/v1.0/account/~/extension/~";
const LIST_100: &str = "/restapi/v1.0/account/~/extension?perPage=100";

async fn get(t: &reqwest::Client, url: &str, token: &str) {
    match t.get(url).bearer_auth(token).send().await {
        Ok(r) => {
            assert!(r.status().is_success(), "{url}: {}", r.status());
            let _ = r.bytes().await;
        }
        Err(e) => panic!("{url}: {e}"),
    }
}

fn requests(c: &mut Criterion) {
    let t = target(1000);
    let mut g = c.benchmark_group("request");
    g.measurement_time(Duration::from_secs(5));
    for (name, path) in [
        ("read_extension", READ_ONE),
        ("list_100_extensions", LIST_100),
    ] {
        let url = format!("{}{path}", t.sandbox.url());
        g.bench_function(name, |b| {
            b.to_async(&t.rt).iter(|| get(&t.http, &url, &t.token))
        });
    }
    g.finish();
    t.rt.block_on(t.sandbox.shutdown());
}

fn startup(c: &mut Criterion) {
    let rt = runtime();
    let mut g = c.benchmark_group("startup");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    for users in [50usize, 100_000] {
        g.bench_function(format!("{users}_users"), |b| {
            b.to_async(&rt).iter(|| async move {
                let s = match Sandbox::start(SandboxConfig {
                    users,
                    ..Default::default()
                })
                .await
                {
                    Ok(s) => s,
                    Err(e) => panic!("{e}"),
                };
                s.shutdown().await;
            })
        });
    }
    g.finish();
}

/// The company call log of a 100,000-user company: the first request seeds the call history of the
/// users the company log covers (timed once, by hand), then criterion times the first page and a
/// page deep into the whole history.
fn company_calls(c: &mut Criterion) {
    let t = target(100_000);
    let first = format!(
        "{}/restapi/v1.0/account/~/call-log?perPage=100",
        t.sandbox.url()
    );
    let started = Instant::now();
    t.rt.block_on(get(&t.http, &first, &t.token));
    println!(
        "company call log, first request (seeds the covered users): {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let mut g = c.benchmark_group("company_call_log");
    g.measurement_time(Duration::from_secs(5));
    let deep = format!(
        "{}/restapi/v1.0/account/~/call-log?dateFrom=2000-01-01T00:00:00Z&perPage=100&page=50",
        t.sandbox.url()
    );
    for (name, url) in [("first_page_100", &first), ("page_50_of_all_100", &deep)] {
        g.bench_function(name, |b| {
            b.to_async(&t.rt).iter(|| get(&t.http, url, &t.token))
        });
    }
    g.finish();
    t.rt.block_on(t.sandbox.shutdown());
}

/// Sends `total` requests from `concurrency` tasks and reports requests per second and p99.
fn load(t: &Target, path: &str, total: usize, concurrency: usize) -> (f64, Duration, Duration) {
    let url = Arc::new(format!("{}{path}", t.sandbox.url()));
    t.rt.block_on(async {
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (http, url, token) = (t.http.clone(), url.clone(), t.token.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::with_capacity(total / concurrency);
                for _ in 0..total / concurrency {
                    let s = Instant::now();
                    get(&http, &url, &token).await;
                    lat.push(s.elapsed());
                }
                lat
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap_or_default());
        }
        let wall = start.elapsed();
        all.sort_unstable();
        let p50 = all.get(all.len() / 2).copied().unwrap_or_default();
        let p99 = all.get(all.len() * 99 / 100).copied().unwrap_or_default();
        (all.len() as f64 / wall.as_secs_f64(), p50, p99)
    })
}

fn load_report() {
    let t = target(1000);
    println!(
        "\nload on loopback, 1,000-user company, 8 concurrent clients, 4,000 requests each run:"
    );
    println!(
        "{:<24} {:>10} {:>10} {:>10}",
        "operation", "req/s", "p50", "p99"
    );
    for (name, path) in [
        ("read_extension", READ_ONE),
        ("list_100_extensions", LIST_100),
    ] {
        load(&t, path, 400, 8);
        let (rps, p50, p99) = load(&t, path, 4000, 8);
        println!(
            "{name:<24} {rps:>10.0} {:>8.2}ms {:>8.2}ms",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }
    t.rt.block_on(t.sandbox.shutdown());
}

criterion_group!(benches, requests, startup, company_calls);

fn main() {
    benches();
    load_report();
    Criterion::default().configure_from_args().final_summary();
}
