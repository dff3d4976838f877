//! What a caller asks the client to send: method, path, query, headers and body, plus what the runtime
//! needs to schedule it (the throttling group) and to decide whether it may be sent again.

use std::path::Path;

use bytes::Bytes;
use http::Method;
use ringcentral_api::ThrottlingGroup;
use serde_json::Value;

use crate::error::{Error, Result};

/// A request body. Bodies are kept whole (not streamed) so that a retry can send them again.
#[derive(Debug, Clone, Default)]
pub enum Body {
    #[default]
    Empty,
    /// Sent as `application/json`.
    Json(Value),
    /// Sent as `application/x-www-form-urlencoded`; keys may repeat.
    Form(Vec<(String, String)>),
    /// Sent as is with the given content type.
    Bytes { content_type: String, data: Bytes },
    /// Sent as `multipart/form-data`.
    Multipart(Vec<Part>),
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

impl Part {
    /// A text field.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Part {
        Part {
            name: name.into(),
            filename: None,
            content_type: None,
            data: Bytes::from(value.into().into_bytes()),
        }
    }

    /// A JSON part (RingCentral's fax and MMS endpoints take the message as a JSON part).
    pub fn json(name: impl Into<String>, value: &Value) -> Part {
        Part {
            name: name.into(),
            filename: None,
            content_type: Some("application/json".into()),
            data: Bytes::from(value.to_string().into_bytes()),
        }
    }

    /// A file part from bytes in memory.
    pub fn file(
        name: impl Into<String>,
        filename: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Part {
        Part {
            name: name.into(),
            filename: Some(filename.into()),
            content_type: Some(content_type.into()),
            data: data.into(),
        }
    }

    /// A file part read from disk; the content type is guessed from the extension.
    pub async fn from_path(name: impl Into<String>, path: impl AsRef<Path>) -> Result<Part> {
        let path = path.as_ref();
        let data = tokio::fs::read(path).await.map_err(|e| {
            Error::input(format!("cannot read file {} for part: {e}", path.display()))
        })?;
        let filename = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        let content_type = content_type_for(&filename);
        Ok(Part::file(name, filename, content_type, data))
    }
}

fn content_type_for(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "json" => "application/json",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// A request to the RingCentral API. Build it, then pass it to [`crate::Client::send`].
///
/// ```
/// use ringcentral::{Request, ThrottlingGroup};
/// let req = Request::get("/restapi/v1.0/account/~/extension")
///     .query("status", "Enabled")
///     .query("type", "User")
///     .query("type", "Department")
///     .group(ThrottlingGroup::Medium);
/// ```
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) group: Option<ThrottlingGroup>,
    pub(crate) retry_safe: Option<bool>,
    pub(crate) authenticated: bool,
    pub(crate) error_status_ok: bool,
    pub(crate) app_auth: bool,
}

impl Request {
    /// A request for `path`, relative to the server (`/restapi/v1.0/...`), or an absolute URL on the
    /// client's server. A `?query` in `path` is kept.
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            group: None,
            retry_safe: None,
            authenticated: true,
            error_status_ok: false,
            app_auth: false,
        }
    }

    pub fn get(path: impl Into<String>) -> Request {
        Request::new(Method::GET, path)
    }
    pub fn post(path: impl Into<String>) -> Request {
        Request::new(Method::POST, path)
    }
    pub fn put(path: impl Into<String>) -> Request {
        Request::new(Method::PUT, path)
    }
    pub fn patch(path: impl Into<String>) -> Request {
        Request::new(Method::PATCH, path)
    }
    pub fn delete(path: impl Into<String>) -> Request {
        Request::new(Method::DELETE, path)
    }

    /// A request for a catalog operation: its method and throttling group, with `path` the operation's
    /// path with its parameters filled in.
    pub fn for_operation(op: &ringcentral_api::Operation, path: impl Into<String>) -> Request {
        let mut r = Request::new(method_of(op.method), path);
        r.group = op.throttling_group;
        r
    }

    /// Appends a query pair; keys may repeat.
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Request {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Appends query pairs.
    pub fn queries<K: Into<String>, V: Into<String>>(
        mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Request {
        self.query
            .extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Adds a header. Names and values are checked when the request is sent. An `Authorization` header
    /// given here replaces the client's own.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn body(mut self, body: Body) -> Request {
        self.body = body;
        self
    }

    pub fn json(self, value: Value) -> Request {
        self.body(Body::Json(value))
    }

    /// The operation's throttling group. Without it the client uses the group a previous response to the
    /// same path named in `X-Rate-Limit-Group`, else the conservative `Heavy`.
    pub fn group(mut self, group: ThrottlingGroup) -> Request {
        self.group = Some(group);
        self
    }

    pub fn maybe_group(mut self, group: Option<ThrottlingGroup>) -> Request {
        self.group = group;
        self
    }

    /// Whether the request may be sent again after it may have reached the server (a 5xx, a 429, a
    /// reset connection). Defaults to true for GET, HEAD, PUT, DELETE and OPTIONS and false for POST and
    /// PATCH: a POST is resent only when it surely never reached the server.
    pub fn retry_safe(mut self, safe: bool) -> Request {
        self.retry_safe = Some(safe);
        self
    }

    /// Sends no `Authorization` header (public endpoints).
    /// Hands back responses with an error status (>= 400) as [`crate::Response`]s instead of
    /// [`crate::Error::Api`], after the usual token renewal and retries; for proxies that show the body
    /// as received.
    pub fn error_status_ok(mut self) -> Request {
        self.error_status_ok = true;
        self
    }

    /// Authenticates the app instead of a user: HTTP Basic with the client id and secret (or the
    /// client id in the form for a public app), as the token and revoke endpoints expect.
    pub fn app_authenticated(mut self) -> Request {
        self.app_auth = true;
        self
    }

    pub fn unauthenticated(mut self) -> Request {
        self.authenticated = false;
        self
    }

    pub fn method(&self) -> &Method {
        &self.method
    }
    pub fn path(&self) -> &str {
        &self.path
    }
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }
    pub fn throttling_group(&self) -> Option<ThrottlingGroup> {
        self.group
    }
    pub fn get_body(&self) -> &Body {
        &self.body
    }

    pub(crate) fn is_retry_safe(&self) -> bool {
        self.retry_safe.unwrap_or(matches!(
            self.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        ))
    }

    /// Sets a query parameter, replacing earlier values of the same key.
    pub(crate) fn set_query(&mut self, key: &str, value: String) {
        self.query.retain(|(k, _)| k != key);
        self.query.push((key.to_owned(), value));
    }

    pub(crate) fn query_value(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The `http` method of a catalog method.
pub fn method_of(m: ringcentral_api::Method) -> Method {
    match m {
        ringcentral_api::Method::Get => Method::GET,
        ringcentral_api::Method::Post => Method::POST,
        ringcentral_api::Method::Put => Method::PUT,
        ringcentral_api::Method::Patch => Method::PATCH,
        ringcentral_api::Method::Delete => Method::DELETE,
    }
}
