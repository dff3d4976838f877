//! Spec-driven answers for every operation without a stateful handler: the request is validated
//! against the operation's parameters and body schema (a RingCentral error body on violations),
//! and the success response is synthesized from the response schema.
//!
//! ```
//! use ringcentral_sandbox::spec::{SpecAnswerer, SpecRequest};
//! let op = ringcentral_api::operation("listContacts").expect("in the catalog");
//! let headers = http::HeaderMap::new();
//! let params = [("accountId", "~".to_owned()), ("extensionId", "~".to_owned())];
//! let query = [("perPage".to_owned(), "2".to_owned())];
//! let req = SpecRequest {
//!     path: "/restapi/v1.0/account/~/extension/~/address-book/contact",
//!     path_params: &params,
//!     query: &query,
//!     headers: &headers,
//!     body: b"",
//!     base_url: "http://127.0.0.1:8080",
//! };
//! let reply = SpecAnswerer::new().answer(op, &req);
//! assert_eq!(reply.status, 200);
//! let body = reply.json().expect("a JSON body");
//! assert_eq!(body["paging"]["perPage"], 2);
//! ```
//!
//! Answers are deterministic: the same request gets the same body. Lists hold one to three
//! records in all, paged consistently with `page`/`perPage` (or page tokens, or SCIM indexes).

mod check;
mod errors;
mod example;
mod fallback;
pub(crate) mod media;
pub(crate) mod multipart;
mod names;
mod pattern;
mod respond;
mod schema;
mod synth;
mod validate;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use serde_json::Value;

use ringcentral_api::Operation;

pub use errors::{ErrorFamily, ErrorKind, FieldError, render as render_errors};
pub use example::{ExampleRequest, example_request, example_request_as};
pub use fallback::SpecFallback;
pub use validate::{SpecRequest, ValidRequest};

/// An answer: status, content type and body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecReply {
    pub status: u16,
    /// `None` when the answer has no body.
    pub content_type: Option<String>,
    pub body: Bytes,
}

impl SpecReply {
    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Why a request was refused: its violations, the status and the error family they render in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: u16,
    pub family: ErrorFamily,
    pub errors: Vec<FieldError>,
}

impl Rejection {
    /// The error answer, in the body shape the operation declares.
    pub fn reply(&self) -> SpecReply {
        let (content_type, body) = errors::render(self.family, self.status, &self.errors);
        SpecReply {
            status: self.status,
            content_type: Some(content_type.to_owned()),
            body: Bytes::from(body.to_string()),
        }
    }
}

/// Validates requests and synthesizes answers for any operation of the catalog. Compiled
/// validators are cached per operation, so one answerer should serve the whole sandbox; it is
/// cheap to share (`Send + Sync`).
#[derive(Default)]
pub struct SpecAnswerer {
    compiled: Mutex<HashMap<&'static str, Arc<validate::Compiled>>>,
}

impl std::fmt::Debug for SpecAnswerer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cached = self.compiled.lock().map(|c| c.len()).unwrap_or_default();
        f.debug_struct("SpecAnswerer")
            .field("compiled_operations", &cached)
            .finish()
    }
}

impl SpecAnswerer {
    pub fn new() -> SpecAnswerer {
        SpecAnswerer::default()
    }

    fn compiled(&self, op: &'static Operation) -> Arc<validate::Compiled> {
        let mut cache = self.compiled.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .entry(op.operation_id)
            .or_insert_with(|| Arc::new(validate::compile(op)))
            .clone()
    }

    /// Checks a request against the spec: parameters typed and checked, the body read by its
    /// content type and checked against the body schema. Every violation is reported.
    pub fn validate(
        &self,
        op: &'static Operation,
        req: &SpecRequest<'_>,
    ) -> Result<ValidRequest, Rejection> {
        let compiled = self.compiled(op);
        validate::validate(op, &compiled, req).map_err(|errors| Rejection {
            status: errors::status_of(&errors),
            family: ErrorFamily::of(op),
            errors,
        })
    }

    /// The success answer of `op` for a request that passed [`SpecAnswerer::validate`].
    pub fn synthesize(
        &self,
        op: &'static Operation,
        req: &SpecRequest<'_>,
        valid: &ValidRequest,
    ) -> SpecReply {
        respond::respond(op, req, valid)
    }

    /// Validates, then answers: the success answer or the error answer.
    pub fn answer(&self, op: &'static Operation, req: &SpecRequest<'_>) -> SpecReply {
        match self.validate(op, req) {
            Ok(valid) => self.synthesize(op, req, &valid),
            Err(rejection) => rejection.reply(),
        }
    }
}
