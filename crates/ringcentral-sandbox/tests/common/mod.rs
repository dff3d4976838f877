//! Shared helpers of the integration tests: an in-process sandbox on loopback, a logged-in HTTP
//! client, and a check of response bodies against RingCentral's OpenAPI spec.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use ringcentral_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub struct Env {
    pub sandbox: SandboxHandle,
    pub http: reqwest::Client,
    pub token: String,
    pub refresh: String,
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

pub async fn start() -> Env {
    start_with(SandboxConfig {
        users: 30,
        ..Default::default()
    })
    .await
}

pub async fn start_with(config: SandboxConfig) -> Env {
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => panic!("sandbox did not start: {e}"),
    };
    let http = client();
    let creds = sandbox.credentials();
    let body = jwt_login(&http, sandbox.url(), &creds).await;
    let token = body["access_token"].as_str().unwrap_or_default().to_owned();
    let refresh = body["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!token.is_empty(), "login failed: {body}");
    Env {
        sandbox,
        http,
        token,
        refresh,
    }
}

pub async fn jwt_login(
    http: &reqwest::Client,
    url: &str,
    creds: &ringcentral_sandbox::Credentials,
) -> Value {
    let resp = http
        .post(format!("{url}/restapi/oauth/token"))
        .basic_auth(&creds.client_id, Some(creds.client_secret.expose_secret()))
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", creds.jwt.expose_secret()),
        ])
        .send()
        .await;
    match resp {
        Ok(r) => r.json().await.unwrap_or(Value::Null),
        Err(e) => panic!("token request failed: {e}"),
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    /// The body as JSON (`Null` when it is empty or not JSON).
    pub body: Value,
    /// The body as it came.
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    async fn from(resp: reqwest::Response) -> Reply {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap_or_default().to_vec();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            bytes,
        }
    }
}

/// The records of a list answer.
pub fn records(v: &Value) -> Vec<Value> {
    v["records"].as_array().cloned().unwrap_or_default()
}

/// The id of the first record of a list answer, as text.
pub fn first_id(list: &Value) -> String {
    match &list["records"][0]["id"] {
        Value::String(s) => s.clone(),
        Value::Null => panic!("the list has no records: {list}"),
        other => other.to_string(),
    }
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.url(), path)
    }

    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        self.call_as(&self.token, method, path, body).await
    }

    pub async fn call_as(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.http.request(method, self.url(path)).bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        match req.send().await {
            Ok(r) => Reply::from(r).await,
            Err(e) => panic!("{path}: {e}"),
        }
    }

    /// A request with explicit headers and a raw body, as the administrator.
    pub async fn raw(
        &self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut req = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.body(b);
        }
        match req.send().await {
            Ok(r) => Reply::from(r).await,
            Err(e) => panic!("{path}: {e}"),
        }
    }

    /// A `GET` that must answer 200 with a body the spec's schema of `operation_id` accepts.
    pub async fn get_ok(&self, operation_id: &str, path: &str) -> Reply {
        let r = self.get(path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        check_schema(operation_id, 200, &r.body);
        r
    }

    /// The current extension as the holder of `token` sees it.
    pub async fn me_as(&self, token: &str) -> Reply {
        self.call_as(
            token,
            reqwest::Method::GET,
            "/restapi/v1.0/account/~/extension/~",
            None,
        )
        .await
    }

    /// The counters of `GET /sandbox/v1/stats`.
    pub async fn stats(&self) -> Value {
        match self.http.get(self.url("/sandbox/v1/stats")).send().await {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(e) => panic!("stats: {e}"),
        }
    }

    /// The administrator's SMS-capable number and a colleague's number.
    pub async fn sms_numbers(&self) -> (String, String) {
        let numbers = self
            .get_ok(
                "listExtensionPhoneNumbers",
                "/restapi/v1.0/account/~/extension/~/phone-number",
            )
            .await;
        let from = records(&numbers.body)
            .into_iter()
            .find(|n| {
                n["features"]
                    .as_array()
                    .is_some_and(|f| f.contains(&json!("SmsSender")))
            })
            .and_then(|n| n["phoneNumber"].as_str().map(str::to_owned))
            .unwrap_or_default();
        assert!(
            !from.is_empty(),
            "the administrator has an SMS-capable number"
        );
        let (colleague, _) = self.regular_user().await;
        let theirs = self
            .get(&format!(
                "/restapi/v1.0/account/~/extension/{colleague}/phone-number"
            ))
            .await;
        let to = records(&theirs.body)[0]["phoneNumber"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (from, to)
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.call(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call(reqwest::Method::DELETE, path, None).await
    }

    /// Logs in as another seeded user and returns the access token.
    pub async fn token_for(&self, email: &str) -> String {
        let creds = match self.sandbox.credentials_for(email) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        let body = jwt_login(&self.http, self.sandbox.url(), &creds).await;
        body["access_token"].as_str().unwrap_or_default().to_owned()
    }

    /// Email of some enabled non-admin user.
    pub async fn regular_user(&self) -> (i64, String) {
        let r = self
            .get("/restapi/v1.0/account/~/extension?type=User&status=Enabled&perPage=10")
            .await;
        for rec in r.body["records"].as_array().into_iter().flatten() {
            if rec["permissions"]["admin"]["enabled"] == json!(false) {
                return (
                    rec["id"].as_i64().unwrap_or_default(),
                    rec["contact"]["email"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
        }
        panic!("no regular user in {}", r.body);
    }
}

/// The spec vendored in the repository (or `RINGCENTRAL_SPEC`, to check against another copy).
fn spec_path() -> PathBuf {
    match std::env::var("RINGCENTRAL_SPEC") {
        Ok(p) => PathBuf::from(p),
        Err(_) => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/rc-public-openapi.yml")
        }
    }
}

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = spec_path();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("the spec {} cannot be read: {e}", path.display()));
        serde_yaml::from_str::<Value>(&text)
            .unwrap_or_else(|e| panic!("the spec {} is not YAML: {e}", path.display()))
    })
}

type Validators = HashMap<(String, u16), Option<jsonschema::Validator>>;

/// Checks `body` against the spec's response schema of `operation_id` for `status`.
pub fn check_schema(operation_id: &str, status: u16, body: &Value) {
    static CACHE: OnceLock<Mutex<Validators>> = OnceLock::new();
    let spec = spec();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    let validator = cache
        .entry((operation_id.to_owned(), status))
        .or_insert_with(|| {
            let op = spec["paths"]
                .as_object()?
                .values()
                .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
                .find(|op| op["operationId"] == operation_id)?;
            let mut schema =
                op["responses"][status.to_string()]["content"]["application/json"]["schema"]
                    .clone();
            if schema.is_null() {
                schema = op["responses"][status.to_string()]["content"]
                    .as_object()?
                    .values()
                    .next()?["schema"]
                    .clone();
            }
            let mut root = match schema {
                Value::Object(m) => Value::Object(m),
                _ => return None,
            };
            root["components"] = spec["components"].clone();
            jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .should_validate_formats(true)
                .build(&root)
                .ok()
        });
    let Some(v) = validator else {
        panic!("no response schema for {operation_id} {status} in the spec");
    };
    let errors: Vec<String> = v
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{operation_id} {status} response does not match the spec:\n{}\nbody: {body}",
        errors.join("\n")
    );
}

/// What a webhook receiver was sent: the `Verification-Token` header and the JSON body of each
/// notification.
pub type Inbox = Arc<Mutex<Vec<(Option<String>, Value)>>>;

/// A loopback webhook receiver, at the address returned: it answers RingCentral's validation
/// request by echoing its `Validation-Token` header, and keeps every JSON body posted to it.
pub async fn receiver() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    let app =
        axum::Router::new().fallback(move |headers: http::HeaderMap, body: axum::body::Bytes| {
            let kept = kept.clone();
            async move {
                let mut answer = http::HeaderMap::new();
                if let Some(v) = headers.get("Validation-Token") {
                    answer.insert("Validation-Token", v.clone());
                }
                let token = headers
                    .get("Verification-Token")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                if let Ok(v) = serde_json::from_slice::<Value>(&body) {
                    kept.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((token, v));
                }
                (answer, "ok")
            }
        });
    (serve_locally(app).await, inbox)
}

/// Serves `app` on a free loopback port in the background; gives its `http://.../hook` address.
pub async fn serve_locally(app: axum::Router) -> String {
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/hook")
}
