//! The SCIM 2.0 service of the sandbox (RFC 7643 and RFC 7644, as RingCentral serves it under `/scim/v2`):
//! filters, PATCH, discovery documents and list responses, over users that mirror user extensions.

pub mod discovery;
pub mod error;
pub mod filter;
pub mod list;
pub mod patch;
pub mod schema;
pub(crate) mod service;
pub mod user;
mod view;

pub use error::{ScimError, ScimType};
pub use filter::{AttrPath, CompValue, CompareOp, Filter, Matcher, compile_filter};
pub use list::{SearchParams, SortOrder, list_response, project, sort_resources, window};
pub use patch::{PatchOpKind, PatchOperation, PatchPath, PatchRequest};

/// The media type of SCIM requests and responses; `application/json` is accepted too.
pub const SCIM_CONTENT_TYPE: &str = "application/scim+json";
