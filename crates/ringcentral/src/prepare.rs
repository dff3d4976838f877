//! A request as it will go on the wire, with its secrets redacted: what a dry run shows. It is
//! built by the same code that sends, so the two cannot drift apart.

use serde_json::Value;
use url::Url;

/// What a redacted value reads as.
pub const REDACTED: &str = "***";

/// Whether a header carries a credential: `Authorization`, cookies, and any header whose name
/// speaks of a token or a secret.
pub fn is_secret_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "authorization"
        || lower == "cookie"
        || lower == "set-cookie"
        || lower.contains("token")
        || lower.contains("secret")
}

/// Whether a form or body field carries a credential: the token endpoints' `assertion`,
/// `password`, `code_verifier`, `refresh_token`, `client_secret` and the like.
pub fn is_secret_field(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "token",
        "secret",
        "assertion",
        "password",
        "code_verifier",
        "jwt",
    ]
    .iter()
    .any(|s| lower.contains(s))
}

/// A header's value as a dry run shows it. An `Authorization` value keeps its scheme, so that
/// Basic (the app's credentials) and Bearer (a user's token) stay apart.
pub fn redact_header(name: &str, value: &str) -> String {
    if !is_secret_header(name) {
        return value.to_owned();
    }
    if name.eq_ignore_ascii_case("authorization")
        && let Some((scheme, _)) = value.split_once(' ')
    {
        return format!("{scheme} {REDACTED}");
    }
    REDACTED.to_owned()
}

/// A form field's value as a dry run shows it.
pub fn redact_field(name: &str, value: &str) -> String {
    if is_secret_field(name) {
        REDACTED.to_owned()
    } else {
        value.to_owned()
    }
}

/// The request [`Client::send`](crate::Client::send) would send first, credentials redacted.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub method: http::Method,
    pub url: Url,
    /// Every header in the order it is sent, `User-Agent` and `Content-Type` included.
    pub headers: Vec<(String, String)>,
    pub body: PreparedBody,
}

/// The body of a [`Prepared`] request.
#[derive(Debug, Clone)]
pub enum PreparedBody {
    Empty,
    Json(Value),
    /// Form fields as sent (a public app's `client_id` included), secrets redacted.
    Form(Vec<(String, String)>),
    /// Bytes sent as they are, with their text when they are UTF-8.
    Bytes {
        content_type: String,
        len: usize,
        text: Option<String>,
    },
    Multipart(Vec<PreparedPart>),
}

/// One part of a multipart body. Text parts show their text; others, their size.
#[derive(Debug, Clone)]
pub struct PreparedPart {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub text: Option<String>,
    pub len: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_keeps_its_scheme_only() {
        assert_eq!(
            redact_header("Authorization", "Bearer eyJhbGciOi"),
            "Bearer ***"
        );
        assert_eq!(
            redact_header("authorization", "Basic YWJjOmRlZg=="),
            "Basic ***"
        );
        assert_eq!(redact_header("Authorization", "opaque"), "***");
    }

    #[test]
    fn headers_that_carry_credentials_are_hidden_and_others_kept() {
        for name in ["Cookie", "X-Auth-Token", "X-Client-Secret", "Set-Cookie"] {
            assert_eq!(redact_header(name, "value"), REDACTED, "{name}");
        }
        for name in ["Accept", "Content-Type", "If-None-Match", "User-Agent"] {
            assert_eq!(redact_header(name, "value"), "value", "{name}");
        }
    }

    #[test]
    fn form_fields_that_carry_credentials_are_hidden_and_others_kept() {
        for name in [
            "assertion",
            "password",
            "refresh_token",
            "client_secret",
            "code_verifier",
            "Access_Token",
        ] {
            assert_eq!(redact_field(name, "s3cret"), REDACTED, "{name}");
        }
        for name in ["grant_type", "client_id", "redirect_uri", "username"] {
            assert_eq!(redact_field(name, "plain"), "plain", "{name}");
        }
    }
}
