//! The HTTP server: one dispatcher that finds the operation, injects faults, authenticates, counts
//! rate limits, checks permissions, runs the stateful handler or the fallback, and renders every
//! answer with RingCentral's headers. Connections are served by hyper directly so that a fault can
//! drop one without answering.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body as AxumBody;
use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use ringcentral_api::Method;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::api::{ApiError, ApiRequest, ApiResponse, Body, Caller, Ctx, ErrorShape};
use crate::conn::{Activity, Expired, Throttled, Timeouts, Watched};
use crate::handlers::{self, Entry};
use crate::limits::Decision;
use crate::router::{Lookup, Router};
use crate::state::AppState;
use crate::stats::Stats;
use crate::store::TokenProblem;

/// Builds the route table: the generated catalog, then the stateful operations it lacks.
pub fn build_routes() -> (Router, HashMap<&'static str, Entry>) {
    let mut router = Router::new();
    for op in ringcentral_api::OPERATIONS.iter() {
        router.add(
            op.operation_id,
            op.method,
            op.path,
            op.throttling_group,
            Some(op),
        );
    }
    for u in handlers::UNLISTED {
        if !router.contains(u.operation_id) {
            router.add(u.operation_id, u.method, u.template, u.group, None);
        }
    }
    let table = handlers::all()
        .into_iter()
        .map(|entry| (entry.operation_id, entry))
        .collect();
    (router, table)
}

/// Marks a response whose connection must be dropped without an answer.
#[derive(Debug, Clone, Copy)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for ResetConnection {}

pub fn app(state: Arc<AppState>) -> axum::Router {
    axum::Router::new().fallback(dispatch).with_state(state)
}

/// How the server treats its connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnConfig {
    pub max_connections: usize,
    pub timeouts: Timeouts,
}

/// Accepts connections until `shutdown` flips, then lets open requests finish. At the connection
/// limit it stops accepting until one closes: the kernel's backlog holds the rest, and the process
/// never runs out of descriptors it needs for its store and logs.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    config: ConnConfig,
    stats: Arc<Stats>,
    mut shutdown: watch::Receiver<bool>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(config.max_connections.max(1)));
    let mut conns = tokio::task::JoinSet::new();
    let mut warn = Throttled::new(Duration::from_secs(1));
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            _ = shutdown.changed() => break,
        };
        let Ok(slot) = slot else { break };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    stats.connection("accepted");
                    let (app, stats, shutdown) = (app.clone(), stats.clone(), shutdown.clone());
                    conns.spawn(async move {
                        serve_connection(stream, app, config.timeouts, &stats, shutdown).await;
                        drop(slot);
                    });
                }
                Err(e) => {
                    stats.connection("acceptFailed");
                    if let Some(held_back) = warn.admit() {
                        tracing::warn!(error = %e, held_back, "accept failed");
                    }
                    // Failures such as EMFILE persist for a while; retrying at once would spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = shutdown.changed() => break,
        }
        while conns.try_join_next().is_some() {}
    }
    drop(listener);
    let drain = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(5), drain)
        .await
        .is_err()
    {
        conns.abort_all();
    }
}

/// Serves one connection until it closes, breaks a timeout, or the server shuts down.
pub async fn serve_connection<S>(
    stream: S,
    app: axum::Router,
    timeouts: Timeouts,
    stats: &Stats,
    mut shutdown: watch::Receiver<bool>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let activity = Activity::new();
    let watched = activity.clone();
    let service = hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
        let app = app.clone();
        let in_flight = watched.request();
        async move {
            let resp = match app.oneshot(req.map(AxumBody::new)).await {
                Ok(r) => r,
                Err(never) => match never {},
            };
            drop(in_flight);
            if resp.extensions().get::<ResetConnection>().is_some() {
                return Err(ResetConnection);
            }
            Ok(resp)
        }
    });
    let io = hyper_util::rt::TokioIo::new(Watched::new(stream, activity.clone()));
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        done = conn.as_mut() => {
            // hyper answers a request it cannot parse itself, before the dispatcher sees it; those
            // answers are counted here.
            if let Err(e) = done
                && let Some(status) = parse_error_status(&e)
            {
                stats.request(status, None, None);
            }
        }
        expired = activity.expired(timeouts) => {
            // Dropping the connection closes the socket: a client that is this slow gets no answer,
            // as it would get none from RingCentral's gateway.
            stats.connection(match expired {
                Expired::Header => "headerTimeouts",
                Expired::Idle => "idleTimeouts",
            });
        }
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(5), conn).await;
        }
    }
}

/// The status hyper answered a request it could not parse with, if it answered at all: 414 for a
/// URI too long, 431 for a head too large, 400 for any other malformed head. hyper tells the two
/// "too large" cases apart only in its message.
fn parse_error_status(e: &hyper::Error) -> Option<u16> {
    if !e.is_parse() || e.is_parse_version_h2() {
        return None;
    }
    if e.is_parse_too_large() {
        return Some(if e.to_string().contains("URI") {
            414
        } else {
            431
        });
    }
    Some(400)
}

const BODY_LIMIT: usize = 20 * 1024 * 1024;

fn api_method(m: &http::Method) -> Option<Method> {
    Some(match *m {
        http::Method::GET => Method::Get,
        http::Method::POST => Method::Post,
        http::Method::PUT => Method::Put,
        http::Method::PATCH => Method::Patch,
        http::Method::DELETE => Method::Delete,
        _ => return None,
    })
}

/// The result of processing, before rendering.
struct Outcome {
    result: Result<ApiResponse, ApiError>,
    rate: Decision,
    group: Option<&'static str>,
    operation_id: Option<&'static str>,
}

async fn dispatch(State(state): State<Arc<AppState>>, req: axum::extract::Request) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    if path.starts_with("/sandbox/v1/") {
        let result = sandbox_endpoint(&state, &parts.method, &path);
        return render(result, &request_id, &Decision::Unlimited);
    }
    let plan = state.faults.plan();
    if !plan.latency.is_zero() {
        state.stats.fault("latency");
        tokio::time::sleep(plan.latency).await;
    }
    if plan.reset {
        state.stats.fault("reset");
        state.stats.request(0, None, None);
        let mut resp = Response::new(AxumBody::empty());
        resp.extensions_mut().insert(ResetConnection);
        return resp;
    }
    let style = error_style_of(&path);
    if let Some(status) = plan.status {
        state.stats.fault(&status.to_string());
        state.stats.request(status, None, None);
        let e = style.apply(fault_error(status));
        return render(Err(e), &request_id, &Decision::Unlimited);
    }
    // The route and the access token are settled before the body is read, so that a client
    // without a token cannot make the sandbox wait for, or hold, a body of its choosing.
    let routed = if state.store.in_memory() {
        // Checking a token in memory waits on nothing but the store's own short lock.
        route(&state, parts, request_id.clone())
    } else {
        // A data file may be locked by another process for a while.
        let st = state.clone();
        let rid = request_id.clone();
        tokio::task::spawn_blocking(move || route(&st, parts, rid))
            .await
            .unwrap_or_else(|e| Err(Box::new(Outcome::failed(ApiError::internal(e)))))
    };
    let outcome = match routed {
        Err(outcome) => *outcome,
        Ok(mut routed) => match read_body(&state, &routed.req.headers, body).await {
            Err(e) => Outcome {
                result: Err(e),
                rate: Decision::Unlimited,
                group: routed.group(),
                operation_id: Some(routed.req.operation_id),
            },
            Ok(body) => {
                routed.req.body = body;
                if routed.req.method == Method::Get && state.store.in_memory() {
                    // A read of in-memory state never waits on the network either, and handing it
                    // to the blocking pool would cost more than the read itself.
                    respond(&state, routed)
                } else {
                    // Writes may wait on another process's lock of a data file, or on a WebHook
                    // address.
                    let st = state.clone();
                    tokio::task::spawn_blocking(move || respond(&st, routed))
                        .await
                        .unwrap_or_else(|e| Outcome::failed(ApiError::internal(e)))
                }
            }
        },
    };
    let mut outcome = outcome;
    // Errors met before a handler (no token, no route, rate limits) in the path's own dialect.
    outcome.result = outcome.result.map_err(|e| style.apply(e));
    let status = match &outcome.result {
        Ok(r) => r.status.as_u16(),
        Err(e) => e.status.as_u16(),
    };
    state
        .stats
        .request(status, outcome.group, outcome.operation_id);
    render(outcome.result, &request_id, &outcome.rate)
}

/// Reads a request's body, at most [`BODY_LIMIT`] bytes and within the body timeout.
async fn read_body(
    state: &AppState,
    headers: &http::HeaderMap,
    body: AxumBody,
) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "CMN-101",
            "Request body is too large or was cut off",
        )
    };
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        // Refused before a byte of it is read.
        return Err(too_large());
    }
    match tokio::time::timeout(state.body_timeout, axum::body::to_bytes(body, BODY_LIMIT)).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(_)) => Err(too_large()),
        // RingCentral's gateway answers a body that stalls with its own 408.
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "AGW-408",
            "Request body was not received in time",
        )
        .with_header(http::header::CONNECTION, "close".into())),
    }
}

/// The error dialect of a path, for errors that arise before (or without) its handler: SCIM's
/// body under `/scim/`, the company directory's `ADG-*` codes under its paths, else RingCentral's
/// REST body.
fn error_style_of(path: &str) -> handlers::ErrorStyle {
    let directory = path
        .strip_prefix("/restapi/v1.0/account/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(_, rest)| rest == "directory" || rest.starts_with("directory/"));
    if path.starts_with("/scim/") {
        handlers::ErrorStyle::Scim
    } else if directory {
        handlers::ErrorStyle::Directory
    } else {
        handlers::ErrorStyle::Rest
    }
}

fn fault_error(status: u16) -> ApiError {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    match status {
        429 => ApiError::new(code, "CMN-301", "Request rate exceeded")
            .with_header(http::header::RETRY_AFTER, "1".into()),
        503 => ApiError::new(code, "CMN-201", "Service Temporarily Unavailable"),
        _ => ApiError::new(code, "CMN-500", format!("Injected server error {status}")),
    }
}

fn sandbox_endpoint(
    state: &AppState,
    method: &http::Method,
    path: &str,
) -> Result<ApiResponse, ApiError> {
    match (method, path.trim_end_matches('/')) {
        (&http::Method::GET, "/sandbox/v1/stats") => {
            let mut stats = state.stats.to_json();
            stats["liveSessions"] = serde_json::json!(state.store.live_sessions()?);
            Ok(ApiResponse::ok(&stats))
        }
        (&http::Method::GET, "/sandbox/v1/operations") => {
            let ops: Vec<_> = state
                .router
                .routes()
                .iter()
                .map(|r| {
                    let mode = if state.handlers.contains_key(r.operation_id) {
                        "stateful"
                    } else if state.fallback.covers(r.operation_id) {
                        "spec"
                    } else {
                        "none"
                    };
                    serde_json::json!({"operationId": r.operation_id, "method": r.method.as_str(), "path": r.template, "mode": mode})
                })
                .collect();
            Ok(ApiResponse::ok(&serde_json::json!({"records": ops})))
        }
        _ => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "AGW-404",
            "Resource not found",
        )),
    }
}

fn query_pairs(uri: &http::Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// A request whose operation is known and whose caller is authenticated, its body not yet read.
struct Routed {
    req: ApiRequest,
    entry: Option<Entry>,
    public: bool,
    throttling_group: Option<ringcentral_api::ThrottlingGroup>,
}

impl Routed {
    fn group(&self) -> Option<&'static str> {
        self.throttling_group.map(|g| g.as_str())
    }
}

impl Outcome {
    fn failed(e: ApiError) -> Outcome {
        Outcome {
            result: Err(e),
            rate: Decision::Unlimited,
            group: None,
            operation_id: None,
        }
    }
}

/// Finds the operation of a request and, unless it is public, its caller.
fn route(
    state: &Arc<AppState>,
    parts: http::request::Parts,
    request_id: String,
) -> Result<Routed, Box<Outcome>> {
    let path = parts.uri.path().to_owned();
    let not_allowed = |method: &str| {
        let allow: Vec<&str> = state
            .router
            .allowed(&path)
            .iter()
            .map(|m| m.as_str())
            .collect();
        if allow.is_empty() {
            return ApiError::new(
                StatusCode::NOT_FOUND,
                "AGW-404",
                format!("Resource [{path}] is not found"),
            );
        }
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "AGW-405",
            format!("Method [{method}] is not allowed for [{path}]"),
        )
        .with_header(http::header::ALLOW, allow.join(", "))
    };
    let Some(method) = api_method(&parts.method) else {
        return Err(Box::new(Outcome::failed(not_allowed(
            parts.method.as_str(),
        ))));
    };
    let matched = match state.router.lookup(method, &path) {
        Lookup::Found(m) => m,
        Lookup::MethodNotAllowed => {
            return Err(Box::new(Outcome::failed(not_allowed(method.as_str()))));
        }
        Lookup::NotFound => {
            return Err(Box::new(Outcome::failed(ApiError::new(
                StatusCode::NOT_FOUND,
                "AGW-404",
                format!("Resource [{path}] is not found"),
            ))));
        }
    };
    let route = matched.route;
    let entry = state.handlers.get(route.operation_id).copied();
    let public = entry
        .map(|e| e.public)
        .unwrap_or_else(|| is_public_operation(route.operation_id));
    let base_url = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(host_base_url)
        .unwrap_or_else(|| state.local_url.clone());
    let mut routed = Routed {
        req: ApiRequest {
            method,
            path,
            query: query_pairs(&parts.uri),
            headers: parts.headers,
            body: Bytes::new(),
            operation_id: route.operation_id,
            template: route.template,
            operation: route.operation,
            params: matched.params,
            body_json: None,
            caller: None,
            base_url,
            request_id,
        },
        entry,
        public,
        throttling_group: route.throttling_group,
    };
    if !public {
        match authenticate(state, &routed.req.headers, state.clock.now_ms()) {
            Ok(caller) => routed.req.caller = Some(caller),
            Err(e) => {
                return Err(Box::new(Outcome {
                    result: Err(e),
                    rate: Decision::Unlimited,
                    group: routed.group(),
                    operation_id: Some(route.operation_id),
                }));
            }
        }
    }
    Ok(routed)
}

/// Answers a routed request whose body has been read: rate limits, permissions, the request's
/// check against the spec, then its handler or the fallback.
fn respond(state: &Arc<AppState>, routed: Routed) -> Outcome {
    let Routed {
        mut req,
        entry,
        public,
        throttling_group,
    } = routed;
    let mut outcome = Outcome {
        result: Err(ApiError::internal("unprocessed")),
        rate: Decision::Unlimited,
        group: throttling_group.map(|g| g.as_str()),
        operation_id: Some(req.operation_id),
    };
    let now = state.clock.now_ms();
    let limit_key = match &req.caller {
        Some(caller) => format!(
            "{}/{}",
            caller.session.client_id, caller.session.extension_id
        ),
        None if public => {
            let ctx = Ctx { state, req: &req };
            handlers::oauth::basic_client(&ctx)
                .map(|(id, _)| id)
                .or_else(|| {
                    url::form_urlencoded::parse(&req.body)
                        .find(|(k, _)| k == "client_id")
                        .map(|(_, v)| v.into_owned())
                })
                .unwrap_or_else(|| "anonymous".to_owned())
        }
        None => "anonymous".to_owned(),
    };
    outcome.rate = state.limits.check(throttling_group, &limit_key, now);
    if let Decision::Limited { retry_after_s, .. } = outcome.rate {
        outcome.result = Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "CMN-301",
            "Request rate exceeded",
        )
        .with_header(http::header::RETRY_AFTER, retry_after_s.to_string()));
        return outcome;
    }
    if let Err(e) = check_permissions(&Ctx { state, req: &req }) {
        outcome.result = Err(e);
        return outcome;
    }
    outcome.result = match entry {
        Some(e) => {
            // SCIM and OAuth check their own requests, in their own error vocabularies.
            let own_checks = e.public || e.errors == handlers::ErrorStyle::Scim;
            if let Some(op) = req.operation.filter(|_| !own_checks) {
                match check_request(state, op, &req) {
                    Ok(body) => req.body_json = body,
                    Err(err) => {
                        outcome.result = Err(e.errors.apply(err));
                        return outcome;
                    }
                }
            }
            (e.handler)(&Ctx { state, req: &req }).map_err(|err| e.errors.apply(err))
        }
        None => state.fallback.handle(&Ctx { state, req: &req }),
    };
    outcome
}

/// Checks a request to a stateful operation against the spec, as the spec-driven answers do, and
/// gives its body as JSON (a form or multipart body as an object of its fields).
fn check_request(
    state: &AppState,
    op: &'static ringcentral_api::Operation,
    req: &ApiRequest,
) -> Result<Option<serde_json::Value>, ApiError> {
    state
        .checker
        .validate(op, &req.spec_request())
        .map(|valid| valid.body)
        .map_err(ApiError::from)
}

/// Operations that need no access token.
fn is_public_operation(operation_id: &str) -> bool {
    matches!(
        operation_id,
        "readOpenIdConfiguration" | "authJwks" | "readAPIVersions" | "readAPIVersion"
    )
}

fn token_error(top: &'static str, code: &'static str, message: &str, detail: &str) -> ApiError {
    ApiError {
        shape: ErrorShape::RestWithTopCode(top),
        ..ApiError::new(StatusCode::UNAUTHORIZED, code, detail)
    }
    .with_header(http::header::WWW_AUTHENTICATE, format!("Bearer realm=\"RingCentral REST API\", error=\"invalid_token\", error_description=\"{message}\""))
}

fn authenticate(state: &AppState, headers: &http::HeaderMap, now: i64) -> Result<Caller, ApiError> {
    let Some(value) = headers.get(http::header::AUTHORIZATION) else {
        return Err(token_error(
            "TokenInvalid",
            "OAU-213",
            "Authorization header is not specified",
            "Token not found",
        ));
    };
    let value = value.to_str().unwrap_or_default();
    let token = match value.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
        _ => {
            return Err(token_error(
                "TokenInvalid",
                "OAU-129",
                "Access token corrupted",
                "Access token corrupted",
            ));
        }
    };
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(token_error(
            "TokenInvalid",
            "OAU-129",
            "Access token corrupted",
            "Access token corrupted",
        ));
    }
    match state.store.check_access_token(token, now)? {
        Ok(session) => {
            // A user who was disabled or removed loses their sessions, as on RingCentral; enabling
            // them again does not bring old tokens back.
            let ext = state.store.extension(session.extension_id)?;
            let Some(ext) = ext.filter(|e| e.status != "Disabled" && e.status != "Unassigned")
            else {
                state.store.end_session(&session.id)?;
                return Err(token_error(
                    "TokenInvalid",
                    "OAU-213",
                    "Token not found",
                    "Token not found",
                ));
            };
            Ok(Caller {
                session,
                admin: ext.admin,
                extension: ext,
            })
        }
        Err(TokenProblem::Expired) => Err(token_error(
            "TokenExpired",
            "OAU-213",
            "Access token expired",
            "Token expired",
        )),
        Err(_) => Err(token_error(
            "TokenInvalid",
            "OAU-213",
            "Token not found",
            "Token not found",
        )),
    }
}

/// Operations a regular user may call on another user's extension.
const READ_OTHERS: &[&str] = &[
    "readExtension",
    "readUserPresenceStatus",
    "readUnifiedPresence",
    "listExtensionPhoneNumbers",
];

/// Account-level writes that every user may make.
const USER_ACCOUNT_WRITES: &[&str] = &["searchDirectoryEntries"];

fn check_permissions(ctx: &Ctx<'_>) -> Result<(), ApiError> {
    let Some(caller) = &ctx.req.caller else {
        return Ok(());
    };
    if caller.admin {
        return Ok(());
    }
    let req = ctx.req;
    if req.path.starts_with("/scim/") {
        return Err(ApiError::scim(
            StatusCode::FORBIDDEN,
            None,
            "CMN-408: In order to call this API endpoint, user needs to have [Users] permission for requested resource.",
        ));
    }
    if let Some((_, ext)) = req.params.iter().find(|(n, _)| *n == "extensionId") {
        let own = ext == "~" || ext.parse::<i64>().ok() == Some(caller.session.extension_id);
        let may_read = req.method == Method::Get && READ_OTHERS.contains(&req.operation_id);
        if !(own || may_read) {
            return Err(ApiError::forbidden(if req.method == Method::Get {
                "ReadExtensions"
            } else {
                "EditExtensions"
            }));
        }
        return Ok(());
    }
    let account_level = req
        .template
        .starts_with("/restapi/v1.0/account/{accountId}")
        || req.template.starts_with("/restapi/v2/accounts/{accountId}");
    if account_level
        && req.method != Method::Get
        && !USER_ACCOUNT_WRITES.contains(&req.operation_id)
    {
        return Err(ApiError::forbidden("EditAccounts"));
    }
    Ok(())
}

fn render(result: Result<ApiResponse, ApiError>, request_id: &str, rate: &Decision) -> Response {
    let (status, mut headers, body, content_type) = match result {
        Ok(r) => match r.body {
            Body::Empty => (r.status, r.headers, Bytes::new(), None),
            Body::Bytes { content_type, data } => (r.status, r.headers, data, Some(content_type)),
        },
        Err(e) => {
            let (json, ct) = e.body();
            let headers = e
                .headers
                .iter()
                .filter_map(|(n, v)| HeaderValue::from_str(v).ok().map(|v| (n.clone(), v)))
                .collect();
            (
                e.status,
                headers,
                Bytes::from(json.to_string()),
                Some(ct.to_owned()),
            )
        }
    };
    let mut resp = Response::new(AxumBody::from(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    if let Some(ct) = content_type
        && let Ok(v) = HeaderValue::from_str(&ct)
    {
        h.insert(http::header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert(HeaderName::from_static("rcrequestid"), v);
    }
    match rate {
        Decision::Allowed {
            group,
            limit,
            remaining,
            window_ms,
        } => {
            rate_headers(h, group.as_str(), *limit, *remaining, *window_ms);
        }
        Decision::Limited {
            group,
            limit,
            window_ms,
            ..
        } => {
            rate_headers(h, group.as_str(), *limit, 0, *window_ms);
        }
        Decision::Unlimited => {}
    }
    for (n, v) in headers.drain(..) {
        h.append(n, v);
    }
    resp
}

/// RingCentral's rate-limit headers. The window is in seconds: whole, as RingCentral sends it, unless
/// `--rate-limits scale=F` made it a fraction of a second's multiple, which is then written with
/// millisecond precision (`0.6`) so that a client can pace itself to the window it is held to.
/// The base of the `uri`s an answer carries, from the request's `Host` header: only a plain
/// `host[:port]` (a name, an IPv4 address or a bracketed IPv6 one) is taken, so that no header can
/// put text of its own into the links a client follows; anything else falls back to the address the
/// sandbox listens on.
fn host_base_url(host: &str) -> Option<String> {
    let plain = !host.is_empty()
        && host.len() <= 261
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    let authority: http::uri::Authority = host.parse().ok().filter(|_| plain)?;
    Some(format!("http://{authority}"))
}

fn rate_headers(h: &mut http::HeaderMap, group: &str, limit: u32, remaining: u32, window_ms: i64) {
    let mut put = |name: &'static str, v: String| {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.insert(HeaderName::from_static(name), v);
        }
    };
    put("x-rate-limit-group", group.to_owned());
    put("x-rate-limit-limit", limit.to_string());
    put("x-rate-limit-remaining", remaining.to_string());
    let window = if window_ms % 1000 == 0 {
        (window_ms / 1000).to_string()
    } else {
        format!("{:.3}", window_ms as f64 / 1000.0)
            .trim_end_matches('0')
            .to_owned()
    };
    put("x-rate-limit-window", window);
}

#[cfg(test)]
mod host_tests {
    use super::host_base_url;

    #[test]
    fn only_a_plain_host_and_port_make_links() {
        assert_eq!(
            host_base_url("127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            host_base_url("localhost").as_deref(),
            Some("http://localhost")
        );
        assert_eq!(host_base_url("[::1]:9").as_deref(), Some("http://[::1]:9"));
        for bad in ["evil.com/x", "a\"b", "user@host", "", "x y", "h:1/<script>"] {
            assert_eq!(host_base_url(bad), None, "{bad}");
        }
    }
}
