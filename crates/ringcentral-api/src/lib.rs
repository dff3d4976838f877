//! The RingCentral REST API as data: every operation of RingCentral's public OpenAPI spec, with its
//! parameters, request body, success response, rate-limit group, permissions and JSON Schemas, and
//! the spec's tags with their descriptions and groups.
//!
//! Everything under `generated/` is written by `cargo xtask codegen` from the spec; this file only
//! declares the shapes of that data and re-exports it. Schemas are stored as compact JSON text whose
//! `$ref`s point at `#/$defs/NAME`, where `NAME` is an entry of [`DEFS`]; `ringcentral-catalog` bundles
//! them into self-contained JSON Schema documents on demand. A few small helpers that the catalog, the
//! CLI and the sandbox share (how a path segment is escaped, how a JSON value is named in an error,
//! the media type of batch answers) live here too, below everything that uses them.

mod generated;

pub use generated::{DEFS, OPERATIONS, SPEC_TITLE, TAGS};

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method as it appears on the wire (`GET`, `POST`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether repeating the request has the same effect as sending it once (RFC 9110, 9.2.2).
    pub const fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

/// RingCentral's rate-limit group of an operation (`x-throttling-group`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ThrottlingGroup {
    Light,
    Medium,
    Heavy,
    Auth,
    NoThrottling,
}

impl ThrottlingGroup {
    pub const ALL: [ThrottlingGroup; 5] = [
        ThrottlingGroup::Light,
        ThrottlingGroup::Medium,
        ThrottlingGroup::Heavy,
        ThrottlingGroup::Auth,
        ThrottlingGroup::NoThrottling,
    ];

    /// The group's name as RingCentral spells it (also in the `X-Rate-Limit-Group` header).
    pub const fn as_str(self) -> &'static str {
        match self {
            ThrottlingGroup::Light => "Light",
            ThrottlingGroup::Medium => "Medium",
            ThrottlingGroup::Heavy => "Heavy",
            ThrottlingGroup::Auth => "Auth",
            ThrottlingGroup::NoThrottling => "NoThrottling",
        }
    }

    /// Parses a group name, ignoring ASCII case.
    pub fn parse(name: &str) -> Option<ThrottlingGroup> {
        Self::ALL
            .into_iter()
            .find(|g| g.as_str().eq_ignore_ascii_case(name))
    }

    /// RingCentral's documented default limit: `(requests, window in seconds)`, or `None` when the
    /// group is not throttled.
    pub const fn default_limit(self) -> Option<(u32, u32)> {
        match self {
            ThrottlingGroup::Light => Some((50, 60)),
            ThrottlingGroup::Medium => Some((40, 60)),
            ThrottlingGroup::Heavy => Some((10, 60)),
            ThrottlingGroup::Auth => Some((5, 60)),
            ThrottlingGroup::NoThrottling => None,
        }
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

impl ParamLocation {
    pub const fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        }
    }
}

/// One path, query or header parameter of an operation.
#[derive(Debug)]
pub struct Param {
    /// The name on the wire.
    pub name: &'static str,
    /// The property that carries it in an action's flat input object. Equal to `name` unless another
    /// part of the request uses the same name (see the crate docs of `ringcentral-catalog`).
    pub input_name: &'static str,
    pub location: ParamLocation,
    /// Required by the spec. `accountId` and `extensionId` are required on the wire but default to `~`.
    pub required: bool,
    pub deprecated: bool,
    /// JSON type of the value: `string`, `integer`, `number`, `boolean`, `array` or `object`.
    pub ty: &'static str,
    /// Allowed values, for enumerations (of the items, for arrays).
    pub enum_values: &'static [&'static str],
    /// Default value as JSON text.
    pub default: Option<&'static str>,
    pub description: &'static str,
    /// The parameter's JSON Schema as compact JSON text.
    pub schema: &'static str,
}

/// How a request body maps onto an action's flat input object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyShape {
    /// The body is a JSON (or form) object whose top-level properties are input properties.
    Merged,
    /// The body is not an object (an array, a string, a union of objects): the whole body is the
    /// value of the input property `body`.
    Whole,
}

/// A top-level property of a merged request body.
#[derive(Debug)]
pub struct BodyField {
    /// The property in the request body.
    pub name: &'static str,
    /// The property in the action's flat input (differs from `name` only on a collision).
    pub input_name: &'static str,
    pub required: bool,
    /// A file part of a multipart body (`format: binary`).
    pub binary: bool,
}

/// The request body of an operation.
#[derive(Debug)]
pub struct RequestBody {
    /// The content type ringctl sends (the first JSON one when the spec offers several).
    pub content_type: &'static str,
    /// Every content type the spec lists.
    pub content_types: &'static [&'static str],
    pub required: bool,
    pub shape: BodyShape,
    /// A merged body that also takes properties it does not list: input properties that no
    /// parameter or field claims go into the body.
    pub open: bool,
    /// For [`BodyShape::Merged`], the body's top-level properties.
    pub fields: &'static [BodyField],
    /// The body's JSON Schema (for `content_type`) as compact JSON text.
    pub schema: &'static str,
    /// The body's JSON Schema for every content type the spec lists: `(content type, schema)`.
    pub schemas: &'static [(&'static str, &'static str)],
    /// Indexes into [`DEFS`] of every definition the body schemas reach, transitively.
    pub defs: &'static [u16],
}

/// The success response of an operation.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// `None` when the response has no body (e.g. `204`).
    pub content_type: Option<&'static str>,
    /// JSON Schema of a JSON body as compact JSON text.
    pub schema: Option<&'static str>,
}

/// How a list operation pages through its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// Not a paged listing.
    None,
    /// `page`/`perPage` query parameters with `navigation.nextPage` in the body.
    PageNumber {
        records: &'static str,
        per_page_max: Option<u32>,
    },
    /// A page token (`pageToken`, answered by `navigation.nextPageToken`); `size` is the page-size
    /// parameter (`recordCount`, `perPage`, ...).
    PageToken {
        records: &'static str,
        token_param: &'static str,
        size: Option<&'static str>,
        size_max: Option<u32>,
    },
    /// SCIM `startIndex`/`count`, answered with `totalResults` and `Resources`.
    ScimIndex,
    /// `syncType` FSync then ISync with `syncToken`.
    Sync { records: &'static str },
}

/// One operation of the API.
#[derive(Debug)]
pub struct Operation {
    pub operation_id: &'static str,
    /// The action key: kebab-case of the operationId, or the well-known key for popular actions.
    pub key: &'static str,
    /// Other keys that name this operation (the kebab-case operationId when `key` differs).
    pub aliases: &'static [&'static str],
    pub method: Method,
    /// Path template, e.g. `/restapi/v1.0/account/{accountId}/extension/{extensionId}`.
    pub path: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub tags: &'static [&'static str],
    /// `None` for the few operations the spec puts in no group.
    pub throttling_group: Option<ThrottlingGroup>,
    pub app_permission: Option<&'static str>,
    pub user_permission: Option<&'static str>,
    pub availability: Option<&'static str>,
    pub deprecated: bool,
    /// The operation authenticates the app (HTTP Basic with the client id and secret) rather than a
    /// user's bearer token: the token and revoke endpoints.
    pub client_auth: bool,
    pub params: &'static [Param],
    pub body: Option<RequestBody>,
    pub response: Response,
    pub paging: Paging,
    /// The flat input object's JSON Schema as compact JSON text, `$ref`s pointing into [`DEFS`].
    pub input_schema: &'static str,
    /// Indexes into [`DEFS`] of every definition `input_schema` reaches, transitively.
    pub input_defs: &'static [u16],
    /// Indexes into [`DEFS`] of every definition the response schema reaches, transitively.
    pub output_defs: &'static [u16],
}

/// A named schema of the spec's `components/schemas`.
#[derive(Debug)]
pub struct Def {
    pub name: &'static str,
    /// Compact JSON text.
    pub schema: &'static str,
}

/// A tag of the spec, by which operations are grouped ([`Operation::tags`] names it), with what the
/// spec says of it apart from the operations.
#[derive(Debug)]
pub struct Tag {
    pub name: &'static str,
    /// The spec's description of the tag (its entry under `tags:`); empty when it gives none.
    pub description: &'static str,
    /// The group the spec files the tag under (`x-tagGroups`: "Voice", "SMS and Fax"), if any.
    pub group: Option<&'static str>,
}

/// Finds an operation by its operationId.
pub fn operation(operation_id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.operation_id == operation_id)
}

/// Finds a definition by name.
pub fn def(name: &str) -> Option<&'static Def> {
    DEFS.binary_search_by(|d| d.name.cmp(name))
        .ok()
        .map(|i| &DEFS[i])
}

/// Finds a tag by name.
pub fn tag(name: &str) -> Option<&'static Tag> {
    TAGS.binary_search_by(|t| t.name.cmp(name))
        .ok()
        .map(|i| &TAGS[i])
}

/// Characters escaped inside one path segment (RFC 3986 `pchar` keeps `~`, `-`, `.`, `_`, and the
/// `,` that separates several ids).
pub const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// What a JSON value is, in the words of an error message ("a string", "an object").
pub fn json_kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The media type of RingCentral's batch answers in JSON.
pub const BATCH_JSON: &str = "application/vnd.ringcentral.multipart+json";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_an_operation_names_is_found_with_its_group() {
        for op in &OPERATIONS {
            for name in op.tags {
                let found = tag(name);
                assert_eq!(found.map(|t| t.name), Some(*name), "{}", op.operation_id);
                // The spec files every tag its operations use under a group.
                assert!(found.is_some_and(|t| t.group.is_some()), "{name}");
            }
        }
        assert!(tag("No Such Tag").is_none());
        let fax = tag("Message Exports");
        assert_eq!(fax.map(|t| t.group), Some(Some("SMS and Fax")));
        assert_eq!(
            fax.map(|t| t.description),
            Some("External interface to export user's messages")
        );
    }
}
