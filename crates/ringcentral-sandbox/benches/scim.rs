//! SCIM benchmarks: filter parsing and matching in memory, and the `/scim/v2/Users` endpoints over
//! HTTP on loopback against the default company and a 100,000-user one.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ringcentral_sandbox::scim::schema::USER_RESOURCE;
use ringcentral_sandbox::scim::{Filter, compile_filter};
use ringcentral_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

const TYPICAL: &str = r#"userName eq "ada.lovelace@example.com" or (emails[type eq "work" and value co "@example.org"] and not (active eq false))"#;

fn users(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "id": i.to_string(),
                "userName": format!("user{i}@example.com"),
                "name": {"givenName": format!("Given{i}"), "familyName": "Family"},
                "active": i % 10 != 0,
                "emails": [{"value": format!("user{i}@example.com"), "type": "work"}],
                "meta": {"created": "2024-01-01T00:00:00Z"}
            })
        })
        .collect()
}

fn filters(c: &mut Criterion) {
    c.bench_function("scim/filter parse+compile (typical)", |b| {
        b.iter(|| compile_filter(black_box(TYPICAL), &USER_RESOURCE).is_ok())
    });
    let all = users(10_000);
    let Ok(m) = compile_filter(TYPICAL, &USER_RESOURCE) else {
        return;
    };
    c.bench_function("scim/filter match 10k users", |b| {
        b.iter(|| all.iter().filter(|u| m.matches(u)).count())
    });
    c.bench_function("scim/filter print (typical)", |b| {
        let f = Filter::parse(TYPICAL).ok();
        b.iter(|| f.as_ref().map(ToString::to_string))
    });
}

struct Live {
    rt: tokio::runtime::Runtime,
    sandbox: SandboxHandle,
    http: reqwest::Client,
    token: String,
}

fn live(users: usize) -> Option<Live> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .ok()?;
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig {
            users,
            ..Default::default()
        }))
        .ok()?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .ok()?;
    let creds = sandbox.credentials();
    let body: Value = rt.block_on(async {
        http.post(format!("{}/restapi/oauth/token", sandbox.url()))
            .basic_auth(&creds.client_id, Some(creds.client_secret.expose_secret()))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", creds.jwt.expose_secret()),
            ])
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()
    })?;
    let token = body["access_token"].as_str()?.to_owned();
    Some(Live {
        rt,
        sandbox,
        http,
        token,
    })
}

impl Live {
    fn get(&self, path: &str) -> u16 {
        self.rt.block_on(async {
            match self
                .http
                .get(format!("{}{path}", self.sandbox.url()))
                .bearer_auth(&self.token)
                .send()
                .await
            {
                Ok(r) => {
                    let status = r.status().as_u16();
                    let _ = r.bytes().await;
                    status
                }
                Err(_) => 0,
            }
        })
    }
}

fn endpoints(c: &mut Criterion, users: usize, sample_size: usize) {
    let Some(env) = live(users) else {
        eprintln!("sandbox with {users} users did not start; skipped");
        return;
    };
    let admin = ringcentral_sandbox::ADMIN_EMAIL.replace('@', "%40");
    let cases = [
        ("list 100", "/scim/v2/Users?count=100".to_owned()),
        (
            "userName eq",
            format!("/scim/v2/Users?filter=userName%20eq%20%22{admin}%22"),
        ),
        (
            "scan givenName sw",
            "/scim/v2/Users?filter=name.givenName%20sw%20%22Am%22&count=100".to_owned(),
        ),
        (
            "read one",
            format!("/scim/v2/Users/{}", env.sandbox.credentials().extension_id),
        ),
    ];
    let mut group = c.benchmark_group(format!("scim/http {users} users"));
    group.sample_size(sample_size);
    for (name, path) in cases {
        let status = env.get(&path);
        if status != 200 {
            eprintln!("{path} answered {status}; skipped");
            continue;
        }
        group.bench_function(name, |b| b.iter(|| env.get(&path)));
    }
    group.finish();
    env.rt.block_on(env.sandbox.shutdown());
}

fn http_default(c: &mut Criterion) {
    endpoints(c, ringcentral_sandbox::DEFAULT_USERS, 50);
}

fn http_large(c: &mut Criterion) {
    endpoints(c, 100_000, 10);
}

criterion_group!(benches, filters, http_default, http_large);
criterion_main!(benches);
