//! A small RingCentral look-alike on loopback for the integration tests: OAuth with rotating single-use
//! refresh tokens, bearer checks with RingCentral's 401 bodies, paged listings in each style, ETags, and
//! scripted faults (429, 503, malformed bodies). It runs on its own thread and runtime with the real
//! clock, so that client tests may pause theirs.

#![allow(dead_code)]

use std::{
    collections::{HashMap, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::{OriginalUri, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "test-client";
pub const CLIENT_SECRET: &str = "test-secret-5f2a";
pub const JWT: &str = "eyJ.test-jwt-credential.sig";

/// A scripted answer for the next API request (not OAuth).
#[derive(Debug, Clone)]
pub enum Fault {
    Status {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Expire every access token issued so far, then answer normally (the request itself gets a 401).
    ExpireTokens,
    /// Answer normally: spaces the other faults out over a series of requests.
    Pass,
}

impl Fault {
    pub fn status(status: u16, body: &str) -> Fault {
        Fault::Status {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
        }
    }
    pub fn with_header(self, name: &'static str, value: &str) -> Fault {
        match self {
            Fault::Status {
                status,
                mut headers,
                body,
            } => {
                headers.push((name, value.to_owned()));
                Fault::Status {
                    status,
                    headers,
                    body,
                }
            }
            other => other,
        }
    }
}

#[derive(Debug)]
struct Session {
    access: String,
    refresh: String,
    access_expires: Instant,
    revoked: bool,
}

#[derive(Debug, Default)]
pub struct Counters {
    pub logins: u32,
    pub refreshes: u32,
    /// Refresh requests that presented an already used (rotated) refresh token.
    pub replays: u32,
    pub revokes: u32,
    pub api_ok: u32,
    pub api_401: u32,
    pub code_exchanges: u32,
}

#[derive(Debug)]
pub struct RcState {
    pub access_ttl: Duration,
    pub records: usize,
    pub per_page_max: usize,
    pub counters: Counters,
    pub faults: VecDeque<Fault>,
    /// Every request as `METHOD path?query`.
    pub log: Vec<String>,
    /// Headers added to every API answer that does not set them itself, e.g. RingCentral's
    /// `X-Rate-Limit-*` (by default the look-alike sends none, like a server that does not throttle).
    pub api_headers: Vec<(&'static str, String)>,
    sessions: HashMap<u64, Session>,
    access_index: HashMap<String, u64>,
    /// Refresh token -> (session, already used).
    refresh_index: HashMap<String, (u64, bool)>,
    codes: HashMap<String, (String, String)>,
    next: u64,
    base: String,
}

impl RcState {
    fn issue(&mut self, session: Option<u64>) -> Value {
        self.next += 1;
        let n = self.next;
        let id = session.unwrap_or(n);
        let access = format!("AT-{n}-{}", uuid::Uuid::new_v4().simple());
        let refresh = format!("RT-{n}-{}", uuid::Uuid::new_v4().simple());
        if let Some(old) = self.sessions.get(&id) {
            self.access_index.remove(&old.access);
        }
        self.sessions.insert(
            id,
            Session {
                access: access.clone(),
                refresh: refresh.clone(),
                access_expires: Instant::now() + self.access_ttl,
                revoked: false,
            },
        );
        self.access_index.insert(access.clone(), id);
        self.refresh_index.insert(refresh.clone(), (id, false));
        json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": self.access_ttl.as_secs_f64().ceil() as u64,
            "refresh_token": refresh,
            "refresh_token_expires_in": 604800,
            "scope": "ReadAccounts SMS",
            "owner_id": "101",
            "endpoint_id": "ep-1",
            "session_id": id.to_string(),
        })
    }

    /// `None` when the bearer token is good; otherwise the 401 body.
    fn check_bearer(&self, headers: &HeaderMap) -> Option<Value> {
        let token = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        match self
            .access_index
            .get(token)
            .and_then(|id| self.sessions.get(id))
        {
            Some(s) if s.revoked => Some(token_error("TokenInvalid", "Token not found")),
            Some(s) if Instant::now() >= s.access_expires => {
                Some(token_error("TokenExpired", "Access token expired"))
            }
            Some(_) => None,
            None => Some(token_error("TokenInvalid", "Token not found")),
        }
    }
}

fn token_error(code: &str, message: &str) -> Value {
    json!({"errorCode": code, "message": message, "errors": [{"errorCode": "OAU-213", "message": message}]})
}

pub type Shared = Arc<Mutex<RcState>>;

pub struct FakeRc {
    pub url: String,
    pub state: Shared,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl FakeRc {
    pub fn start(access_ttl: Duration) -> FakeRc {
        let state = Arc::new(Mutex::new(RcState {
            access_ttl,
            records: 0,
            per_page_max: 1000,
            counters: Counters::default(),
            faults: VecDeque::new(),
            log: Vec::new(),
            api_headers: Vec::new(),
            sessions: HashMap::new(),
            access_index: HashMap::new(),
            refresh_index: HashMap::new(),
            codes: HashMap::new(),
            next: 0,
            base: String::new(),
        }));
        let app = Router::new().fallback(handle).with_state(state.clone());
        let (addr, shutdown) = serve_on_thread(app);
        let url = format!("http://{addr}");
        lock(&state).base = url.clone();
        FakeRc {
            url,
            state,
            _shutdown: shutdown,
        }
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut RcState) -> R) -> R {
        f(&mut lock(&self.state))
    }

    pub fn fault(&self, fault: Fault) {
        self.with(|s| s.faults.push_back(fault));
    }

    pub fn log(&self) -> Vec<String> {
        self.with(|s| s.log.clone())
    }
}

pub fn lock(state: &Shared) -> std::sync::MutexGuard<'_, RcState> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// Serves `app` on 127.0.0.1 from a thread with its own runtime; the server stops when the sender drops.
pub fn serve_on_thread(app: Router) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("local addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
    });
    (addr, tx)
}

fn reply(status: u16, body: Value) -> Response {
    let mut r = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body.to_string(),
    )
        .into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

fn with_request_id(mut r: Response) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    if let Ok(v) = HeaderValue::from_str(&id) {
        r.headers_mut().insert("rcrequestid", v);
    }
    r
}

fn query_map(uri: &axum::http::Uri) -> HashMap<String, String> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn oauth_error(status: u16, error: &str, code: &str, message: &str) -> Response {
    reply(
        status,
        json!({"error": error, "error_description": message, "errors": [{"errorCode": code, "message": message}]}),
    )
}

async fn handle(
    State(state): State<Shared>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let mut st = lock(&state);
    st.log.push(format!(
        "{method} {}",
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("")
    ));
    let resp = match path.as_str() {
        "/restapi/oauth/token" => token(&mut st, &headers, &body),
        "/restapi/oauth/revoke" => {
            let form = form(&body);
            let t = form.get("token").cloned().unwrap_or_default();
            let id = st
                .access_index
                .get(&t)
                .copied()
                .or_else(|| st.refresh_index.get(&t).map(|(id, _)| *id));
            st.counters.revokes += 1;
            if let Some(s) = id.and_then(|id| st.sessions.get_mut(&id)) {
                s.revoked = true;
            }
            (StatusCode::OK, "").into_response()
        }
        "/restapi/oauth/authorize" => {
            let q = query_map(&uri);
            let code = format!("CODE-{}", uuid::Uuid::new_v4().simple());
            let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
            st.codes.insert(
                code.clone(),
                (
                    q.get("code_challenge").cloned().unwrap_or_default(),
                    redirect.clone(),
                ),
            );
            let location = format!(
                "{redirect}?code={code}&state={}",
                q.get("state").cloned().unwrap_or_default()
            );
            let mut r = StatusCode::FOUND.into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert("location", v);
            }
            r
        }
        _ => {
            let mut r = api(&mut st, &method, &uri, &headers, &body);
            for (name, value) in &st.api_headers {
                if !r.headers().contains_key(*name)
                    && let Ok(v) = HeaderValue::from_str(value)
                {
                    r.headers_mut().insert(*name, v);
                }
            }
            r
        }
    };
    with_request_id(resp)
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn token(st: &mut RcState, headers: &HeaderMap, body: &[u8]) -> Response {
    let expected = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let form = form(body);
    let basic_ok = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == expected);
    let public_ok = form.get("client_id").is_some_and(|c| c == CLIENT_ID);
    if !basic_ok && !public_ok {
        return oauth_error(401, "invalid_client", "OAU-123", "Invalid client");
    }
    match form.get("grant_type").map(String::as_str) {
        Some("urn:ietf:params:oauth:grant-type:jwt-bearer") => {
            if form.get("assertion").map(String::as_str) != Some(JWT) {
                return oauth_error(400, "invalid_grant", "OAU-140", "Invalid JWT");
            }
            st.counters.logins += 1;
            let body = st.issue(None);
            reply(200, body)
        }
        Some("refresh_token") => {
            let rt = form.get("refresh_token").cloned().unwrap_or_default();
            match st.refresh_index.get(&rt).copied() {
                Some((_, true)) => {
                    st.counters.replays += 1;
                    oauth_error(400, "invalid_grant", "OAU-211", "Token revoked")
                }
                Some((id, false)) if st.sessions.get(&id).is_some_and(|s| !s.revoked) => {
                    st.refresh_index.insert(rt, (id, true));
                    st.counters.refreshes += 1;
                    let body = st.issue(Some(id));
                    reply(200, body)
                }
                _ => oauth_error(400, "invalid_grant", "OAU-211", "Token revoked"),
            }
        }
        Some("authorization_code") => {
            let code = form.get("code").cloned().unwrap_or_default();
            let Some((challenge, redirect)) = st.codes.remove(&code) else {
                return oauth_error(400, "invalid_grant", "OAU-109", "Code is invalid");
            };
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if computed != challenge || form.get("redirect_uri") != Some(&redirect) {
                return oauth_error(400, "invalid_grant", "OAU-109", "Code verifier mismatch");
            }
            st.counters.code_exchanges += 1;
            let body = st.issue(None);
            reply(200, body)
        }
        _ => oauth_error(
            400,
            "unsupported_grant_type",
            "OAU-250",
            "Unsupported grant type",
        ),
    }
}

fn api(
    st: &mut RcState,
    method: &Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    if let Some(f) = st.faults.pop_front() {
        match f {
            Fault::Status {
                status,
                headers: extra,
                body,
            } => {
                let mut r = (
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    body,
                )
                    .into_response();
                r.headers_mut()
                    .insert("content-type", HeaderValue::from_static("application/json"));
                for (k, v) in extra {
                    if let Ok(v) = HeaderValue::from_str(&v) {
                        r.headers_mut().insert(k, v);
                    }
                }
                return r;
            }
            Fault::Pass => {}
            Fault::ExpireTokens => {
                let past = Instant::now() - Duration::from_secs(1);
                for s in st.sessions.values_mut() {
                    s.access_expires = past;
                }
            }
        }
    }
    if let Some(err) = st.check_bearer(headers) {
        st.counters.api_401 += 1;
        return reply(401, err);
    }
    st.counters.api_ok += 1;
    let q = query_map(uri);
    let num = |k: &str, d: usize| q.get(k).and_then(|v| v.parse::<usize>().ok()).unwrap_or(d);
    let path = uri.path();
    match (method.as_str(), path) {
        ("GET", "/restapi/v1.0/account/~/extension/~") => reply(
            200,
            json!({"id": 101, "extensionNumber": "101", "name": "Test Admin"}),
        ),
        ("GET", "/restapi/v1.0/account/~/extension") => {
            let per_page = num("perPage", 100);
            if per_page > st.per_page_max {
                return reply(
                    400,
                    json!({"errorCode": "CMN-101", "message": "Parameter [perPage] value is invalid", "errors": [{"errorCode": "CMN-101", "message": "Parameter [perPage] value is invalid", "parameterName": "perPage"}]}),
                );
            }
            let page = num("page", 1);
            let start = (page - 1) * per_page;
            let end = (start + per_page).min(st.records);
            let records: Vec<Value> = (start..end)
                .map(|i| json!({"id": i, "name": format!("User {i}")}))
                .collect();
            let mut nav = json!({});
            if end < st.records {
                nav["nextPage"] = json!({"uri": format!("{}{path}?page={}&perPage={per_page}", st.base, page + 1)});
            }
            reply(
                200,
                json!({"uri": format!("{}{path}", st.base), "records": records, "paging": {"page": page, "perPage": per_page}, "navigation": nav}),
            )
        }
        ("GET", "/team-messaging/v1/chats") => {
            let size = num("recordCount", 30).min(250);
            let start = num("pageToken", 0);
            let end = (start + size).min(st.records);
            let records: Vec<Value> = (start..end)
                .map(|i| json!({"id": format!("chat-{i}")}))
                .collect();
            let mut nav = json!({});
            if end < st.records {
                nav["nextPageToken"] = json!(end.to_string());
            }
            reply(200, json!({"records": records, "navigation": nav}))
        }
        ("GET", "/scim/v2/Users") | ("POST", "/scim/v2/Users/.search") => {
            let (start, count) = if method == Method::POST {
                let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
                (
                    v["startIndex"].as_u64().unwrap_or(1) as usize,
                    v["count"].as_u64().unwrap_or(100) as usize,
                )
            } else {
                (num("startIndex", 1), num("count", 100))
            };
            let count = count.min(st.per_page_max);
            let first = start.max(1) - 1;
            let end = (first + count).min(st.records);
            let resources: Vec<Value> = (first..end)
                .map(|i| json!({"id": format!("u{i}"), "userName": format!("user{i}@example.com")}))
                .collect();
            reply(
                200,
                json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": st.records, "itemsPerPage": resources.len(), "startIndex": start, "Resources": resources}),
            )
        }
        ("GET", "/restapi/v1.0/account/~/extension/~/message-sync") => {
            let (records, token): (Vec<Value>, &str) = match (
                q.get("syncType").map(String::as_str),
                q.get("syncToken").map(String::as_str),
            ) {
                (Some("FSync"), _) => ((0..5).map(|i| json!({"id": i})).collect(), "t1"),
                (Some("ISync"), Some("t1")) => ((5..7).map(|i| json!({"id": i})).collect(), "t2"),
                (Some("ISync"), Some("t2")) => (Vec::new(), "t3"),
                _ => return reply(400, json!({"errorCode": "CMN-101", "message": "bad sync"})),
            };
            reply(
                200,
                json!({"records": records, "syncInfo": {"syncType": q.get("syncType"), "syncToken": token, "syncTime": "2024-01-01T00:00:00Z", "olderRecordsExist": false}}),
            )
        }
        ("GET", "/restapi/v1.0/account/~/directory/entries/7") => {
            let etag = "\"v7\"";
            if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag) {
                let mut r = StatusCode::NOT_MODIFIED.into_response();
                r.headers_mut()
                    .insert("etag", HeaderValue::from_static("\"v7\""));
                return r;
            }
            let mut r = reply(200, json!({"id": "7", "firstName": "Ada"}));
            r.headers_mut()
                .insert("etag", HeaderValue::from_static("\"v7\""));
            r
        }
        ("POST", "/restapi/v1.0/account/~/extension/~/sms") => reply(
            200,
            json!({"id": st.counters.api_ok, "messageStatus": "Queued"}),
        ),
        _ => reply(
            404,
            json!({"errorCode": "CMN-102", "message": "Resource not found", "errors": [{"errorCode": "CMN-102", "message": "Resource not found"}]}),
        ),
    }
}

/// A reqwest client without idle-pool timers, so that a paused tokio clock only jumps to the test's own
/// timers.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("http client")
}

/// A client of `server` with the test app's credentials and no rate limits, logged in or not.
pub fn client_builder(url: &str) -> ringcentral::ClientBuilder {
    ringcentral::Client::builder()
        .server(url)
        .client_id(CLIENT_ID)
        .client_secret(ringcentral::SecretString::from(CLIENT_SECRET))
        .http_client(http())
        .rate_limits_enabled(false)
}
