//! SCIM protocol errors (RFC 7644 section 3.12) and the error body every SCIM endpoint answers with.

use serde_json::{Value, json};

/// The `schemas` value of every SCIM error body.
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The `scimType` detail of a 400 (and 409) answer, as RFC 7644 table 9 names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScimType {
    Uniqueness,
    TooMany,
    Mutability,
    Sensitive,
    InvalidSyntax,
    InvalidFilter,
    InvalidPath,
    InvalidValue,
    InvalidVers,
    NoTarget,
}

impl ScimType {
    /// The wire spelling, e.g. `invalidFilter`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScimType::Uniqueness => "uniqueness",
            ScimType::TooMany => "tooMany",
            ScimType::Mutability => "mutability",
            ScimType::Sensitive => "sensitive",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::InvalidPath => "invalidPath",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
            ScimType::NoTarget => "noTarget",
        }
    }
}

impl std::fmt::Display for ScimType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed SCIM request: the HTTP status, the optional `scimType` and a one-line detail for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SCIM error {status}{}: {detail}", scim_type.map(|t| format!(" ({t})")).unwrap_or_default())]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<ScimType>,
    pub detail: String,
}

impl ScimError {
    pub fn new(status: u16, scim_type: Option<ScimType>, detail: impl Into<String>) -> Self {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    /// A 400 with the given `scimType`.
    pub fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self::new(400, Some(scim_type), detail)
    }

    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::InvalidFilter, detail)
    }

    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::InvalidPath, detail)
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::InvalidValue, detail)
    }

    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::InvalidSyntax, detail)
    }

    pub fn no_target(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::NoTarget, detail)
    }

    pub fn mutability(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::Mutability, detail)
    }

    pub fn too_many(detail: impl Into<String>) -> Self {
        Self::bad_request(ScimType::TooMany, detail)
    }

    /// 409 for a value that must be unique, such as `userName`.
    pub fn uniqueness(detail: impl Into<String>) -> Self {
        Self::new(409, Some(ScimType::Uniqueness), detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(401, None, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(403, None, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, None, detail)
    }

    pub fn too_many_requests(detail: impl Into<String>) -> Self {
        Self::new(429, None, detail)
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(500, None, detail)
    }

    /// The SCIM error body; `status` is a string, as RFC 7644 and RingCentral send it.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.to_string(),
        });
        if let (Some(t), Some(obj)) = (self.scim_type, body.as_object_mut()) {
            obj.insert("scimType".into(), Value::String(t.as_str().into()));
        }
        if let Some(obj) = body.as_object_mut() {
            obj.insert("detail".into(), Value::String(self.detail.clone()));
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_has_string_status_and_scim_type() {
        let e = ScimError::invalid_filter("unexpected end of filter");
        assert_eq!(
            e.to_json(),
            json!({
                "schemas": [ERROR_SCHEMA],
                "status": "400",
                "scimType": "invalidFilter",
                "detail": "unexpected end of filter",
            })
        );
    }

    #[test]
    fn not_found_body_omits_scim_type() {
        let body = ScimError::not_found("User 42 not found").to_json();
        assert_eq!(body["status"], "404");
        assert!(body.get("scimType").is_none());
    }

    #[test]
    fn display_names_status_and_type() {
        let e = ScimError::uniqueness("userName a@b.c is taken");
        assert_eq!(
            e.to_string(),
            "SCIM error 409 (uniqueness): userName a@b.c is taken"
        );
    }
}
