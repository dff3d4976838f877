//! A received response (status, headers, body bytes, `RCRequestId`) with JSON decoding that says where a
//! body departs from the expected shape, and the result type of a conditional GET.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{
    error::{Error, Result},
    ratelimit::RateLimitInfo,
};

/// A response with a status below 400, read whole.
#[derive(Debug, Clone)]
pub struct Response {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) attempts: u32,
}

impl Response {
    pub fn status(&self) -> StatusCode {
        self.status
    }
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    pub fn body(&self) -> &Bytes {
        &self.body
    }
    pub fn into_body(self) -> Bytes {
        self.body
    }
    /// How many times the request was sent (1 without retries).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// The `RCRequestId` header.
    pub fn request_id(&self) -> Option<&str> {
        header_text(&self.headers, "rcrequestid")
    }
    /// The `ETag` header, for a later conditional GET.
    pub fn etag(&self) -> Option<&str> {
        header_text(&self.headers, "etag")
    }
    pub fn content_type(&self) -> Option<&str> {
        header_text(&self.headers, "content-type")
    }
    /// The `X-Rate-Limit-*` headers.
    pub fn rate_limit(&self) -> Option<RateLimitInfo> {
        RateLimitInfo::from_headers(&self.headers)
    }

    /// Decodes the body as JSON into `T`; a mismatch names its place, e.g. `records[3].contact.email`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode(&self.body, &self.method, &self.path, self.request_id())
    }

    /// The body as a JSON value (`null` for an empty body).
    pub fn json_value(&self) -> Result<Value> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        self.json()
    }
}

pub(crate) fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub(crate) fn decode<T: DeserializeOwned>(
    body: &[u8],
    method: &str,
    path: &str,
    request_id: Option<&str>,
) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let at = e.path().to_string();
        Error::Decode {
            method: method.to_owned(),
            path: path.to_owned(),
            at,
            message: e.into_inner().to_string(),
            request_id: request_id.map(str::to_owned),
        }
    })
}

/// The answer to a GET sent with `If-None-Match`.
#[derive(Debug, Clone)]
pub enum Conditional {
    /// The resource changed (or had no matching ETag): here it is, with its new `ETag`.
    Modified(Response),
    /// `304 Not Modified`: the copy the caller holds is current.
    NotModified {
        etag: String,
        request_id: Option<String>,
    },
}
