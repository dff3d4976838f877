//! Request errors in the body shape each operation family declares for its `400` (and `415`).
//!
//! The spec does not use one error schema everywhere:
//! - most REST operations: `InvalidRequest` (`errors[]` of `{errorCode, message, parameterName?}`,
//!   at least one), and the legacy top-level `errorCode`/`message` that clients still read;
//! - SCIM (`/scim/v2`): `ScimErrorResponse` (`schemas`, `status` as a string, `scimType`, `detail`);
//! - OAuth (`/restapi/oauth`): `OauthInvalidRequest`, which adds an `error` from RFC 6749's list;
//! - the AI services (`/ai/text`, `/ai/audio`, `/ai/status`, `/ai/insights`): `CaiErrorResponse`,
//!   whose `errorCode` must be one of `CAI-101` .. `CAI-110`;
//! - the directory (`/directory/...`): `ADGErrorResponse`, whose `errorCode` enumeration lists
//!   Java-style strings such as `ErrorCode{code='ADG-121', httpStatus=400, ...}`. The spec wins over
//!   what a real server probably sends, so `errors[]` carries those strings; the top-level
//!   `errorCode` keeps the short code for clients that read it.
//! - A2P SMS (`/a2p-sms`) declares `ASGErrorResponse` (top-level `errorCode`/`message` required as
//!   well as `errors[]`), and the number parser `ClientErrorsResponse` (unique entries): the REST
//!   shape satisfies both.

use serde_json::{Value, json};

use ringcentral_api::Operation;

/// Which error body an operation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFamily {
    /// `{"errorCode","message","errors":[{"errorCode","message","parameterName"}]}`.
    Rest,
    /// RFC 7644's error body, served as `application/scim+json`.
    Scim,
    /// `{"error","error_description","errors":[...]}`.
    OAuth,
    /// The REST shape with `CAI-1xx` codes.
    Cai,
    /// The REST shape with the directory's enumerated code strings in `errors[]`.
    Directory,
}

impl ErrorFamily {
    /// The family of an operation, from its path.
    pub fn of(op: &Operation) -> ErrorFamily {
        let path = op.path;
        if path.starts_with("/scim/") {
            ErrorFamily::Scim
        } else if path.starts_with("/restapi/oauth/") {
            ErrorFamily::OAuth
        } else if path.starts_with("/ai/") && !path.starts_with("/ai/ringsense/") {
            ErrorFamily::Cai
        } else if path.starts_with("/restapi/v1.0/account/{accountId}/directory/") {
            ErrorFamily::Directory
        } else {
            ErrorFamily::Rest
        }
    }
}

/// What is wrong with a request, in RingCentral's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `CMN-100`: a mandatory parameter or body member is missing.
    Missing,
    /// `CMN-101`: a value is invalid.
    Invalid,
    /// The body cannot be read at all (malformed JSON, form or multipart).
    Unreadable,
    /// The body's content type is not one the operation takes (`415`).
    UnsupportedMediaType,
}

/// One violation of the spec by a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub kind: ErrorKind,
    /// The parameter or body member, as RingCentral names it (`to[0].phoneNumber`).
    pub parameter: Option<String>,
    pub message: String,
}

impl FieldError {
    pub fn missing(parameter: &str) -> FieldError {
        FieldError {
            kind: ErrorKind::Missing,
            parameter: Some(parameter.to_owned()),
            message: format!("Mandatory parameter [{parameter}] not specified"),
        }
    }

    pub fn invalid(parameter: &str, why: &str) -> FieldError {
        FieldError {
            kind: ErrorKind::Invalid,
            parameter: Some(parameter.to_owned()),
            message: format!("Parameter [{parameter}] value is invalid: {why}"),
        }
    }

    /// The RingCentral error code for the kind, in the family's vocabulary.
    pub fn code(&self, family: ErrorFamily) -> &'static str {
        match family {
            // The spec gives the CAI codes no meanings; the first stands for every request error.
            ErrorFamily::Cai => "CAI-101",
            ErrorFamily::Directory => match self.kind {
                ErrorKind::Unreadable => "ADG-112",
                ErrorKind::UnsupportedMediaType => "ADG-115",
                _ => "ADG-121",
            },
            _ => match self.kind {
                ErrorKind::Missing => "CMN-100",
                _ => "CMN-101",
            },
        }
    }
}

/// The directory's `errorCode` strings, exactly as the spec enumerates them.
fn directory_code(code: &str) -> &'static str {
    match code {
        "ADG-112" => {
            "ErrorCode{code='ADG-112', httpStatus=400, description='Request body is invalid.'}"
        }
        "ADG-115" => {
            "ErrorCode{code='ADG-115', httpStatus=415, description='Unsupported Media Type.'}"
        }
        _ => {
            "ErrorCode{code='ADG-121', httpStatus=400, description='Parameter [${paramName}] is invalid. ${additionalInfo:-}'}"
        }
    }
}

/// The status a set of errors answers with: `415` when the content type is the problem.
pub fn status_of(errors: &[FieldError]) -> u16 {
    if errors
        .iter()
        .any(|e| e.kind == ErrorKind::UnsupportedMediaType)
    {
        415
    } else {
        400
    }
}

/// The body and content type of an error answer. Identical entries are merged (one schema
/// requires unique items); an empty list still yields one generic entry.
pub fn render(family: ErrorFamily, status: u16, errors: &[FieldError]) -> (&'static str, Value) {
    let mut unique: Vec<&FieldError> = Vec::new();
    for e in errors {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    let fallback = FieldError {
        kind: ErrorKind::Invalid,
        parameter: None,
        message: "Request is invalid".to_owned(),
    };
    if unique.is_empty() {
        unique.push(&fallback);
    }
    let first = unique[0];
    let entries: Vec<Value> = unique
        .iter()
        .map(|e| {
            let code = e.code(family);
            let shown = if family == ErrorFamily::Directory {
                directory_code(code)
            } else {
                code
            };
            let mut entry = json!({"errorCode": shown, "message": e.message});
            if let Some(p) = &e.parameter {
                entry["parameterName"] = json!(p);
            }
            entry
        })
        .collect();
    match family {
        ErrorFamily::Scim => {
            let scim_type = if unique.iter().any(|e| e.kind == ErrorKind::Unreadable) {
                Some("invalidSyntax")
            } else if status == 400 {
                Some("invalidValue")
            } else {
                None
            };
            let detail: Vec<&str> = unique.iter().map(|e| e.message.as_str()).collect();
            let mut body = json!({
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": status.to_string(),
                "detail": detail.join("; "),
            });
            if let Some(t) = scim_type {
                body["scimType"] = json!(t);
            }
            ("application/scim+json", body)
        }
        ErrorFamily::OAuth => (
            "application/json",
            json!({
                "error": "invalid_request",
                "error_description": first.message,
                "errors": entries,
            }),
        ),
        _ => (
            "application/json",
            json!({
                "errorCode": first.code(family),
                "message": first.message,
                "errors": entries,
            }),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(path: &str) -> ErrorFamily {
        let found = ringcentral_api::OPERATIONS.iter().find(|o| o.path == path);
        found.map_or(ErrorFamily::Rest, ErrorFamily::of)
    }

    #[test]
    fn families_follow_the_spec_declarations() {
        assert_eq!(op("/scim/v2/Users"), ErrorFamily::Scim);
        assert_eq!(op("/restapi/oauth/token"), ErrorFamily::OAuth);
        assert_eq!(op("/ai/text/v1/async/summarize"), ErrorFamily::Cai);
        assert_eq!(
            op(
                "/ai/ringsense/v1/public/accounts/{accountId}/domains/{domain}/records/{sourceRecordId}/insights"
            ),
            ErrorFamily::Rest
        );
        assert_eq!(
            op("/restapi/v1.0/account/{accountId}/directory/entries"),
            ErrorFamily::Directory
        );
        assert_eq!(
            op("/restapi/v1.0/account/{accountId}/a2p-sms/batches"),
            ErrorFamily::Rest
        );
    }

    #[test]
    fn one_entry_per_violation_with_the_legacy_fields() {
        let errors = [
            FieldError::missing("to"),
            FieldError::invalid("text", "too long"),
        ];
        let (ct, body) = render(ErrorFamily::Rest, 400, &errors);
        assert_eq!(ct, "application/json");
        assert_eq!(body["errorCode"], "CMN-100");
        assert_eq!(body["errors"][0]["parameterName"], "to");
        assert_eq!(body["errors"][1]["errorCode"], "CMN-101");
        assert_eq!(body["errors"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn scim_errors_use_the_scim_shape() {
        let (ct, body) = render(ErrorFamily::Scim, 400, &[FieldError::missing("userName")]);
        assert_eq!(ct, "application/scim+json");
        assert_eq!(body["status"], "400");
        assert_eq!(body["scimType"], "invalidValue");
    }

    #[test]
    fn duplicates_are_merged() {
        let e = FieldError::missing("x");
        let (_, body) = render(ErrorFamily::Rest, 400, &[e.clone(), e]);
        assert_eq!(body["errors"].as_array().map(Vec::len), Some(1));
    }
}
