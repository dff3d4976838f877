//! What handlers see and return: the parsed request with its session and path parameters, the
//! response, and RingCentral's error bodies, all rendered from this one place.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::state::AppState;
use crate::store::{Extension, Session};

/// An error answer in one of RingCentral's shapes.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub parameter: Option<String>,
    pub shape: ErrorShape,
    pub headers: Vec<(HeaderName, String)>,
}

/// Which body an error renders to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorShape {
    /// `{"errorCode","message","errors":[{"errorCode","message","parameterName"}]}`.
    Rest,
    /// The REST shape with the legacy top-level code replaced (e.g. `TokenExpired`).
    RestWithTopCode(&'static str),
    /// `{"error","error_description","errors":[...]}` of the OAuth endpoints.
    OAuth(&'static str),
    /// The company directory's body: the spec spells each `errors[].errorCode` as its error-code
    /// record (`ErrorCode{code='ADG-122', ...}`); the top-level code stays plain.
    Adg(&'static str),
    /// The SCIM error body (RFC 7644 section 3.12).
    Scim(Option<&'static str>),
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            parameter: None,
            shape: ErrorShape::Rest,
            headers: Vec::new(),
        }
    }

    pub fn with_parameter(mut self, name: &str) -> ApiError {
        self.parameter = Some(name.to_owned());
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: String) -> ApiError {
        self.headers.push((name, value));
        self
    }

    /// `CMN-102`: the resource a parameter names does not exist.
    pub fn not_found(parameter: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "CMN-102",
            format!("Resource for parameter [{parameter}] is not found"),
        )
        .with_parameter(parameter)
    }

    /// `CMN-101`: a parameter has an invalid value.
    pub fn invalid(parameter: &str, why: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "CMN-101",
            format!("Parameter [{parameter}] value is invalid: {why}"),
        )
        .with_parameter(parameter)
    }

    /// `CMN-100`: a required parameter or body field is missing.
    pub fn missing(parameter: &str) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "CMN-100",
            format!("Required parameter [{parameter}] is missing"),
        )
        .with_parameter(parameter)
    }

    /// `CMN-408`: the user lacks a permission for the resource.
    pub fn forbidden(permission: &str) -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "CMN-408",
            format!(
                "In order to call this API endpoint, user needs to have [{permission}] permission for requested resource."
            ),
        )
    }

    pub fn oauth(
        status: StatusCode,
        error: &'static str,
        code: &'static str,
        message: &str,
    ) -> ApiError {
        ApiError {
            shape: ErrorShape::OAuth(error),
            ..ApiError::new(status, code, message)
        }
    }

    /// An error in SCIM's shape.
    pub fn scim(
        status: StatusCode,
        scim_type: Option<&'static str>,
        detail: impl Into<String>,
    ) -> ApiError {
        ApiError {
            shape: ErrorShape::Scim(scim_type),
            ..ApiError::new(status, "SCIM", detail)
        }
    }

    /// The same error as the company directory reports it (`ADG-*` codes).
    pub fn into_directory(self) -> ApiError {
        let (code, spelled) = match (self.status.as_u16(), self.parameter.as_deref()) {
            (404, Some("accountId")) => (
                "ADG-107",
                "ErrorCode{code='ADG-107', httpStatus=404, description='Account not found.'}",
            ),
            (404, Some(_)) => (
                "ADG-122",
                "ErrorCode{code='ADG-122', httpStatus=404, description='Contact not found.'}",
            ),
            // No parameter names the missing thing: the path itself is unknown.
            (404, None) => (
                "ADG-200",
                "ErrorCode{code='ADG-200', httpStatus=404, description='Invalid URI'}",
            ),
            (405, _) => (
                "ADG-102",
                "ErrorCode{code='ADG-102', httpStatus=405, description='Method not allowed.'}",
            ),
            (400, Some(p)) if p != "body" => (
                "ADG-121",
                "ErrorCode{code='ADG-121', httpStatus=400, description='Parameter [${paramName}] is invalid. ${additionalInfo:-}'}",
            ),
            (400, _) => (
                "ADG-112",
                "ErrorCode{code='ADG-112', httpStatus=400, description='Request body is invalid.'}",
            ),
            (403, _) => (
                "ADG-100",
                "ErrorCode{code='ADG-100', httpStatus=403, description='Insufficient permissions.'}",
            ),
            (415, _) => (
                "ADG-115",
                "ErrorCode{code='ADG-115', httpStatus=415, description='Unsupported Media Type.'}",
            ),
            (503, _) => (
                "ADG-000",
                "ErrorCode{code='ADG-000', httpStatus=503, description='Service temporary unavailable.'}",
            ),
            (500, _) => (
                "ADG-001",
                "ErrorCode{code='ADG-001', httpStatus=500, description='Service internal error.'}",
            ),
            _ => return self,
        };
        ApiError {
            code,
            shape: ErrorShape::Adg(spelled),
            ..self
        }
    }

    pub fn internal(what: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "CMN-500",
            format!("Internal server error: {what}"),
        )
    }

    /// The JSON body and its content type.
    pub fn body(&self) -> (Value, &'static str) {
        let mut entry = json!({"errorCode": self.code, "message": self.message});
        if let Some(p) = &self.parameter {
            entry["parameterName"] = json!(p);
        }
        match &self.shape {
            ErrorShape::Rest => (
                json!({"errorCode": self.code, "message": self.message, "errors": [entry]}),
                "application/json",
            ),
            ErrorShape::RestWithTopCode(top) => (
                json!({"errorCode": top, "message": self.message, "errors": [entry]}),
                "application/json",
            ),
            ErrorShape::Adg(spelled) => {
                let mut entry = json!({"errorCode": spelled, "message": self.message});
                if let Some(p) = &self.parameter {
                    entry["parameterName"] = json!(p);
                }
                (
                    json!({"errorCode": self.code, "message": self.message, "errors": [entry]}),
                    "application/json",
                )
            }
            ErrorShape::OAuth(error) => (
                json!({"error": error, "error_description": self.message, "errors": [entry]}),
                "application/json",
            ),
            ErrorShape::Scim(scim_type) => {
                let mut body = json!({
                    "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                    "status": self.status.as_u16().to_string(),
                    "detail": self.message,
                });
                if let Some(t) = scim_type {
                    body["scimType"] = json!(t);
                }
                (body, "application/scim+json")
            }
        }
    }
}

impl From<crate::spec::Rejection> for ApiError {
    /// The first violation a request check found, in RingCentral's REST terms.
    fn from(r: crate::spec::Rejection) -> ApiError {
        let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
        match r.errors.into_iter().next() {
            Some(e) => ApiError {
                parameter: e.parameter.clone(),
                ..ApiError::new(status, e.code(crate::spec::ErrorFamily::Rest), e.message)
            },
            None => ApiError::new(status, "CMN-101", "Request is invalid"),
        }
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> ApiError {
        tracing::error!(error = %e, "store failure");
        ApiError::internal(e)
    }
}

/// The body of an answer.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Bytes { content_type: String, data: Bytes },
}

/// A successful (or not modified) answer.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Body,
}

impl ApiResponse {
    pub fn json(status: StatusCode, value: &Value) -> ApiResponse {
        // Written straight into bytes: `to_string` goes through `fmt` for every token.
        let data = serde_json::to_vec(value).unwrap_or_else(|_| value.to_string().into_bytes());
        ApiResponse::bytes(status, "application/json", Bytes::from(data))
    }

    pub fn ok(value: &Value) -> ApiResponse {
        ApiResponse::json(StatusCode::OK, value)
    }

    pub fn bytes(status: StatusCode, content_type: &str, data: Bytes) -> ApiResponse {
        ApiResponse {
            status,
            headers: Vec::new(),
            body: Body::Bytes {
                content_type: content_type.to_owned(),
                data,
            },
        }
    }

    pub fn empty(status: StatusCode) -> ApiResponse {
        ApiResponse {
            status,
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> ApiResponse {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }
}

pub type ApiResult = Result<ApiResponse, ApiError>;

/// The caller of an authenticated request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub session: Session,
    pub admin: bool,
    /// The caller's own extension as authentication read it, so that a request about `~` does
    /// not read it again.
    pub extension: Extension,
}

/// A parsed request. Its `Debug` leaves out headers and body, which carry tokens and secrets.
pub struct ApiRequest {
    pub method: ringcentral_api::Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub operation_id: &'static str,
    pub template: &'static str,
    /// Catalog data of the operation, for fallbacks that answer from the spec.
    pub operation: Option<&'static ringcentral_api::Operation>,
    pub params: Vec<(&'static str, String)>,
    /// The body as the request check read it: JSON as sent, a form or multipart body as an object
    /// of its fields. `None` when the body was not checked, or is absent.
    pub body_json: Option<Value>,
    pub caller: Option<Caller>,
    /// `http://host:port` as the client addressed us.
    pub base_url: String,
    /// The `RCRequestId` this request is answered with.
    pub request_id: String,
}

impl ApiRequest {
    /// The request as the spec-driven checks and answers read it.
    pub fn spec_request(&self) -> crate::spec::SpecRequest<'_> {
        crate::spec::SpecRequest {
            path: &self.path,
            path_params: &self.params,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
            base_url: &self.base_url,
        }
    }
}

impl std::fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("operation_id", &self.operation_id)
            .field("params", &self.params)
            .field("headers", &"***")
            .field("body", &format_args!("{} bytes", self.body.len()))
            .field("caller", &self.caller)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// A request together with the sandbox it reached: what every handler takes.
pub struct Ctx<'a> {
    pub state: &'a std::sync::Arc<AppState>,
    pub req: &'a ApiRequest,
}

impl<'a> Ctx<'a> {
    pub fn now_ms(&self) -> i64 {
        self.state.clock.now_ms()
    }

    pub fn store(&self) -> &'a crate::store::Store {
        &self.state.store
    }

    /// A path parameter.
    pub fn path(&self, name: &str) -> Result<&'a str, ApiError> {
        self.req
            .params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| ApiError::missing(name))
    }

    /// The first value of a query parameter.
    pub fn query(&self, name: &str) -> Option<&'a str> {
        self.req
            .query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated query parameter (comma-separated values are split too).
    pub fn query_all(&self, name: &str) -> Vec<String> {
        self.req
            .query
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            })
            .collect()
    }

    /// Whether the client's `Accept` header names this media type.
    pub fn accepts(&self, media: &str) -> bool {
        self.req
            .headers
            .get_all(http::header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains(media))
    }

    pub fn query_bool(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.query(name) {
            None => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(ApiError::invalid(
                name,
                format!("expected true or false, got {v:?}"),
            )),
        }
    }

    /// Enumerated query values, each checked against `allowed`.
    pub fn query_enum(&self, name: &str, allowed: &[&str]) -> Result<Vec<String>, ApiError> {
        let vals = self.query_all(name);
        for v in &vals {
            if !allowed.contains(&v.as_str()) {
                return Err(ApiError::invalid(
                    name,
                    format!("{v:?} is not one of {}", allowed.join(", ")),
                ));
            }
        }
        Ok(vals)
    }

    pub fn query_time(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.query(name)
            .map(|v| {
                crate::clock::parse_rfc3339(v).ok_or_else(|| {
                    ApiError::invalid(
                        name,
                        "expected an ISO 8601 date-time such as 2024-03-10T18:07:52.534Z",
                    )
                })
            })
            .transpose()
    }

    /// Whether the request came with a body (for operations whose body is optional).
    pub fn has_body(&self) -> bool {
        self.req.body_json.is_some() || !self.req.body.iter().all(u8::is_ascii_whitespace)
    }

    /// The JSON body as `T`, with the failing field named. A form or multipart body the request
    /// check read is taken as the object of its fields.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let result = match &self.req.body_json {
            Some(value) => serde_path_to_error::deserialize(value),
            None if self.req.body.iter().all(u8::is_ascii_whitespace) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "CMN-100",
                    "Request body is missing",
                ));
            }
            None => serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(
                &self.req.body,
            )),
        };
        result.map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let text = inner.to_string();
            let prefix = if path == "." || path.is_empty() {
                String::new()
            } else {
                format!("{path}.")
            };
            // serde reports a missing field at its parent's path.
            if let Some(field) = text
                .strip_prefix("missing field `")
                .and_then(|r| r.split('`').next())
            {
                ApiError::missing(&format!("{prefix}{field}"))
            } else if path == "." || path.is_empty() {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "CMN-101",
                    format!("Request body is invalid: {inner}"),
                )
            } else {
                ApiError::invalid(&path, inner)
            }
        })
    }

    /// An absolute URL on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.req.base_url, path)
    }

    pub fn caller(&self) -> Result<&'a Caller, ApiError> {
        self.req.caller.as_ref().ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "CMN-405",
                "Login to extension required",
            )
        })
    }

    /// The account of the `accountId` path parameter (`~` is the caller's).
    pub fn account_id(&self) -> Result<i64, ApiError> {
        let caller = self.caller()?;
        let raw = self.path("accountId")?;
        if raw == "~" {
            return Ok(caller.session.account_id);
        }
        match raw.parse::<i64>() {
            Ok(id) if id == caller.session.account_id => Ok(id),
            _ => Err(ApiError::not_found("accountId")),
        }
    }

    /// The extension of the `extensionId` path parameter (`~` is the caller's), in the caller's
    /// account.
    pub fn extension(&self) -> Result<Extension, ApiError> {
        self.extension_param("extensionId")
    }

    pub fn extension_param(&self, name: &str) -> Result<Extension, ApiError> {
        let account = self.account_id_or_caller()?;
        let caller = self.caller()?;
        let raw = self.path(name)?;
        let id = if raw == "~" {
            caller.session.extension_id
        } else {
            raw.parse::<i64>().map_err(|_| ApiError::not_found(name))?
        };
        let found = if id == caller.extension.id {
            Some(caller.extension.clone())
        } else {
            self.store().extension(id)?
        };
        match found {
            Some(e) if e.account_id == account => Ok(e),
            _ => Err(ApiError::not_found(name)),
        }
    }

    fn account_id_or_caller(&self) -> Result<i64, ApiError> {
        if self.req.params.iter().any(|(n, _)| *n == "accountId") {
            self.account_id()
        } else {
            Ok(self.caller()?.session.account_id)
        }
    }

    /// Refuses unless the caller is the extension itself or an administrator.
    pub fn require_self_or_admin(&self, ext: &Extension) -> Result<(), ApiError> {
        let caller = self.caller()?;
        if caller.admin || caller.session.extension_id == ext.id {
            Ok(())
        } else {
            Err(ApiError::forbidden("EditExtensions"))
        }
    }

    pub fn require_admin(&self, permission: &str) -> Result<(), ApiError> {
        if self.caller()?.admin {
            Ok(())
        } else {
            Err(ApiError::forbidden(permission))
        }
    }

    /// The request URL with some query parameters replaced, for navigation links.
    pub fn url_with(&self, replace: &[(&str, String)]) -> String {
        url_with(&self.req.base_url, &self.req.path, &self.req.query, replace)
    }
}

/// `base` + `path` with the query pairs, some of them replaced (or added) by `replace`: the
/// absolute links of paging navigation.
pub(crate) fn url_with(
    base: &str,
    path: &str,
    query: &[(String, String)],
    replace: &[(&str, String)],
) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !replace.iter().any(|(r, _)| r == k))
        .cloned()
        .collect();
    pairs.extend(replace.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    let qs = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    if qs.is_empty() {
        format!("{base}{path}")
    } else {
        format!("{base}{path}?{qs}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_credentials() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            HeaderValue::from_static("Bearer 0123456789abcdef"),
        );
        let req = ApiRequest {
            method: ringcentral_api::Method::Post,
            path: "/restapi/oauth/token".into(),
            query: vec![],
            headers,
            body: Bytes::from_static(b"grant_type=x&assertion=secret-jwt"),
            operation_id: "getToken",
            template: "/restapi/oauth/token",
            operation: None,
            params: vec![],
            body_json: None,
            caller: None,
            base_url: "http://127.0.0.1:1".into(),
            request_id: "r".into(),
        };
        let shown = format!("{req:?}");
        assert!(
            !shown.contains("0123456789abcdef") && !shown.contains("secret-jwt"),
            "{shown}"
        );
    }
}
