//! The RingCentral action catalog: every operation of the API as an *action* with a key, a flat JSON
//! input described by a self-contained JSON Schema, and an output schema; validation of inputs; the
//! HTTP request an input stands for; and intent search over all actions.
//!
//! # Flat inputs
//! An action's input is one JSON object. Path, query and header parameters are properties under their
//! own names, and so are the top-level properties of a JSON, form or multipart request body: `send-sms`
//! takes `{"from": {...}, "to": [...], "text": "..."}` and `get-contact` takes `{"contactId": "..."}`.
//! `accountId` and `extensionId` default to `~`, the current account and extension.
//!
//! Two rules keep that unambiguous:
//! - When a body is not an object (an array, a string or a union of shapes), the whole body is the
//!   input property `body`.
//! - When two parts of a request share a name, path parameters keep it; otherwise a non-deprecated part
//!   beats a deprecated one, then the body beats the query, which beats headers. The losing part is
//!   spelled with its location as a prefix: in `search-directory-entries` the deprecated query
//!   parameter `siteId` is `querySiteId`; in `bridge-call-party` the body's `partyId` is `bodyPartyId`.
//!
//! File parts of multipart bodies (a fax's attachments) take `@PATH` to read a file.

mod action;
mod example;
pub mod fields;
pub mod multipart;
mod request;
mod schema;
pub mod search;
mod validate;

pub use action::{Action, actions};
pub use fields::{FieldError, set_field, split_pair};
pub use request::{Body, HttpRequest, Part, PartContent, RequestError};
pub use ringcentral_api::{
    BodyShape, Method, Operation, PATH_SEGMENT, Paging, Param, ParamLocation, ThrottlingGroup,
    json_kind,
};
pub use search::{Hit, search};
pub use validate::{Violation, normalize_numbers, validate_against};
