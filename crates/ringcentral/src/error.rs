//! The runtime's one error type: every failure carries the facts a user or a script needs (HTTP status,
//! RingCentral `errorCode`, message, `RCRequestId`) and displays as one line.

use std::{fmt, path::PathBuf, time::Duration};

use serde_json::Value;

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Coarse class of an [`Error`], for mapping to exit codes and deciding what to tell a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The API answered with a status >= 400 (other than an authentication or rate-limit failure).
    Api,
    /// Not logged in, bad client credentials, a refresh token that expired or was revoked, a failed or
    /// abandoned browser login.
    Auth,
    /// Still rate limited after every retry allowed.
    RateLimited,
    /// The server could not be reached, or the connection failed or timed out.
    Transport,
    /// The caller's input is unusable (a malformed URL, header or path); nothing was sent.
    Input,
    /// A response body that is not what the API promises.
    Decode,
    /// The token store could not be read or written.
    Store,
}

/// What a RingCentral server said about a failed request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// HTTP method of the request, e.g. `GET`.
    pub method: String,
    /// Path of the request without its query, e.g. `/restapi/v1.0/account/~/extension`.
    pub path: String,
    /// RingCentral's error code: `errors[0].errorCode` (e.g. `CMN-102`, `OAU-211`), else the legacy top-level
    /// `errorCode` (e.g. `TokenExpired`).
    pub error_code: Option<String>,
    /// The human message: `message`, else `error_description`, else `errors[0].message`, else SCIM `detail`;
    /// for a body that is not JSON, its first line.
    pub message: Option<String>,
    /// The parameter the error is about (`errors[0].parameterName`).
    pub parameter_name: Option<String>,
    /// SCIM `scimType` (e.g. `uniqueness`, `invalidFilter`).
    pub scim_type: Option<String>,
    /// OAuth `error` (e.g. `invalid_grant`, `invalid_client`).
    pub oauth_error: Option<String>,
    /// The `RCRequestId` response header; RingCentral support asks for it.
    pub request_id: Option<String>,
}

impl ApiError {
    /// Reads RingCentral's error shapes (current `errors[]`, legacy top level, OAuth, SCIM) from a body.
    pub fn from_body(
        status: u16,
        method: &str,
        path: &str,
        request_id: Option<String>,
        body: &[u8],
    ) -> ApiError {
        let mut err = ApiError {
            status,
            method: method.to_owned(),
            path: path.to_owned(),
            request_id,
            ..ApiError::default()
        };
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => {
                let text = |v: Option<&Value>| -> Option<String> {
                    match v? {
                        Value::String(s) if !s.trim().is_empty() => Some(one_line(s)),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    }
                };
                let first = map
                    .get("errors")
                    .and_then(Value::as_array)
                    .and_then(|a| a.first());
                err.error_code = text(first.and_then(|f| f.get("errorCode")))
                    .or_else(|| text(map.get("errorCode")));
                err.message = text(map.get("message"))
                    .or_else(|| text(map.get("error_description")))
                    .or_else(|| text(first.and_then(|f| f.get("message"))))
                    .or_else(|| text(map.get("detail")));
                err.parameter_name = text(first.and_then(|f| f.get("parameterName")));
                err.scim_type = text(map.get("scimType"));
                err.oauth_error = text(map.get("error"));
            }
            _ => {
                let s = String::from_utf8_lossy(body);
                let line = s.lines().map(str::trim).find(|l| !l.is_empty());
                err.message = line.map(|l| truncate(&one_line(l), 200));
            }
        }
        err
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        match (&self.error_code, &self.oauth_error) {
            (Some(code), Some(oauth)) => write!(f, " {code} ({oauth})")?,
            (Some(code), None) => write!(f, " {code}")?,
            (None, Some(oauth)) => write!(f, " {oauth}")?,
            (None, None) => {}
        }
        if let Some(scim) = &self.scim_type {
            write!(f, " [{scim}]")?;
        }
        match &self.message {
            Some(m) => write!(f, ": {m}")?,
            None => write!(f, ": {}", status_reason(self.status))?,
        }
        if let Some(p) = &self.parameter_name {
            write!(f, " (parameter {p})")?;
        }
        write!(f, " [{} {}", self.method, self.path)?;
        if let Some(id) = &self.request_id {
            write!(f, "; RCRequestId {id}")?;
        }
        write!(f, "]")
    }
}

/// Every way a call through the runtime can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a status >= 400.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The server refused the credentials: the token endpoint answered `invalid_grant`/`invalid_client`, or
    /// an API call was rejected with 401 even after a token refresh.
    #[error("authentication failed: {0}")]
    Unauthorized(Box<ApiError>),

    /// The token store holds no token and no JWT credential was given.
    #[error("not logged in: the token store holds no token")]
    NotLoggedIn,

    /// The refresh token has expired, so the session cannot be renewed without logging in again.
    #[error("session expired: the refresh token expired at {expired_at}")]
    SessionExpired {
        expired_at: chrono::DateTime<chrono::Utc>,
    },

    /// A browser (authorization code) login failed before any token was issued.
    #[error("authorization failed: {reason}")]
    Authorization { reason: String },

    /// Still answered `429` after every retry allowed.
    #[error(
        "rate limited in group {group} after {attempts} attempt(s); retry after {}s: {error}",
        retry_after.as_secs()
    )]
    RateLimited {
        error: Box<ApiError>,
        group: &'static str,
        retry_after: Duration,
        attempts: u32,
    },

    /// No HTTP response: connection refused or reset, DNS or TLS failure, timeout.
    #[error("{method} {path}: {} after {attempts} attempt(s): {}", transport_what(.source), error_chain(.source))]
    Transport {
        method: String,
        path: String,
        attempts: u32,
        #[source]
        source: reqwest::Error,
    },

    /// A response body that does not have the shape the API promises.
    #[error("{method} {path}: unexpected response body at {at}: {message}{}", request_id_suffix(.request_id))]
    Decode {
        method: String,
        path: String,
        /// Where in the body, e.g. `records[3].contact.email` (`.` for the whole body).
        at: String,
        message: String,
        request_id: Option<String>,
    },

    /// The caller's input is unusable; nothing was sent.
    #[error("{message}")]
    Input { message: String },

    /// The token store could not be read or written.
    #[error("token store {}: cannot {action}: {source}", path.display())]
    Store {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },

    /// The token store's content is not a token document (corrupted or written by something else).
    #[error("token store {}: {message}", path.display())]
    StoreFormat { path: PathBuf, message: String },

    /// Another process held the token store's refresh lock for too long.
    #[error("token store {}: still locked by another process after {}s", path.display(), waited.as_secs())]
    StoreLocked { path: PathBuf, waited: Duration },
}

impl Error {
    /// The class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Api(_) => ErrorKind::Api,
            Error::Unauthorized(_)
            | Error::NotLoggedIn
            | Error::SessionExpired { .. }
            | Error::Authorization { .. } => ErrorKind::Auth,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::Input { .. } => ErrorKind::Input,
            Error::Store { .. } | Error::StoreFormat { .. } | Error::StoreLocked { .. } => {
                ErrorKind::Store
            }
        }
    }

    /// What the server said, when it said something.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) | Error::Unauthorized(e) => Some(e),
            Error::RateLimited { error, .. } => Some(error),
            _ => None,
        }
    }

    /// HTTP status of the failed response, if there was one.
    pub fn status(&self) -> Option<u16> {
        self.api_error().map(|e| e.status)
    }

    /// RingCentral's `errorCode`, if the server sent one.
    pub fn error_code(&self) -> Option<&str> {
        self.api_error().and_then(|e| e.error_code.as_deref())
    }

    /// The `RCRequestId` of the failed response.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => self.api_error().and_then(|e| e.request_id.as_deref()),
        }
    }

    /// A short suggestion of what to do next, for the second half of an `error: WHAT. HINT` line.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::NotLoggedIn => Some("Log in first"),
            Error::SessionExpired { .. } => Some("Log in again"),
            Error::Unauthorized(e) if e.oauth_error.as_deref() == Some("invalid_client") => {
                Some("Check the client id and client secret")
            }
            Error::Unauthorized(_) => Some("Log in again"),
            Error::Authorization { .. } => Some("Start the login again"),
            Error::RateLimited { .. } => Some("Wait for the rate-limit window to pass and retry"),
            Error::Transport { .. } => Some("Check the server URL and the network"),
            Error::Api(e) if e.status == 403 => {
                Some("The app or the user lacks a permission the operation needs")
            }
            Error::StoreLocked { .. } => Some("Another ringctl process may be stuck; retry"),
            _ => None,
        }
    }

    pub(crate) fn input(message: impl Into<String>) -> Error {
        Error::Input {
            message: message.into(),
        }
    }
}

fn transport_what(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "connection failed while reading the response"
    } else {
        "request failed"
    }
}

/// Joins an error's source chain on one line: reqwest's own Display hides the cause (reset, refused).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = String::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut seen: Vec<String> = Vec::new();
    while let Some(err) = cur {
        let s = one_line(&err.to_string());
        if !seen.iter().any(|p| p.contains(&s)) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&s);
            seen.push(s);
        }
        cur = err.source();
    }
    out
}

fn request_id_suffix(id: &Option<String>) -> String {
    match id {
        Some(id) => format!(" [RCRequestId {id}]"),
        None => String::new(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max).collect();
    t.push('…');
    t
}

fn status_reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_code_message_parameter_and_request_id() {
        let body = br#"{"errorCode":"CMN-102","message":"Resource for parameter [extensionId] is not found","errors":[{"errorCode":"CMN-102","message":"Resource for parameter [extensionId] is not found","parameterName":"extensionId"}]}"#;
        let e = ApiError::from_body(
            404,
            "GET",
            "/restapi/v1.0/account/~/extension/1",
            Some("5c4a-11".into()),
            body,
        );
        assert_eq!(
            Error::Api(Box::new(e)).to_string(),
            "HTTP 404 CMN-102: Resource for parameter [extensionId] is not found (parameter extensionId) \
             [GET /restapi/v1.0/account/~/extension/1; RCRequestId 5c4a-11]"
        );
    }

    #[test]
    fn oauth_error_prefers_description_and_specific_code() {
        let body = br#"{"error":"invalid_grant","error_description":"Token revoked","errors":[{"errorCode":"OAU-211","message":"Token revoked"}]}"#;
        let e = ApiError::from_body(400, "POST", "/restapi/oauth/token", None, body);
        assert_eq!(e.error_code.as_deref(), Some("OAU-211"));
        assert_eq!(e.oauth_error.as_deref(), Some("invalid_grant"));
        assert_eq!(e.message.as_deref(), Some("Token revoked"));
        let err = Error::Unauthorized(Box::new(e));
        assert_eq!(err.kind(), ErrorKind::Auth);
        assert!(!err.to_string().contains('\n'));
    }

    #[test]
    fn scim_error_and_html_bodies_read_well() {
        let scim = br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"User already exists"}"#;
        let e = ApiError::from_body(409, "POST", "/scim/v2/Users", None, scim);
        assert_eq!(e.scim_type.as_deref(), Some("uniqueness"));
        assert_eq!(e.message.as_deref(), Some("User already exists"));

        let html = b"<html>\n<head><title>502 Bad Gateway</title></head>\n</html>";
        let e = ApiError::from_body(502, "GET", "/x", None, html);
        assert_eq!(e.message.as_deref(), Some("<html>"));
        let e = ApiError::from_body(503, "GET", "/x", None, b"");
        assert_eq!(
            e.to_string(),
            "HTTP 503: Service Unavailable [GET /x]",
            "an empty body falls back to the status reason"
        );
    }
}
