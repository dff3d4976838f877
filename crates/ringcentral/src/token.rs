//! OAuth tokens as the runtime keeps them: secrets behind `SecretString`, absolute expiry times so that
//! several processes sharing one store agree on them, and a metadata view that holds no secret.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;

/// How long before an access token's expiry the runtime refreshes it, at most. Shorter-lived tokens (a
/// sandbox started with `--token-ttl`) are refreshed when a tenth of their life is left instead, so that a
/// 5-second token is not refreshed before every call.
pub(crate) const REFRESH_AHEAD_MAX: TimeDelta = TimeDelta::seconds(60);

/// An OAuth session: access token, refresh token and what the server told about them.
#[derive(Clone)]
pub struct Token {
    pub(crate) access_token: SecretString,
    pub(crate) refresh_token: Option<SecretString>,
    /// `bearer`.
    pub token_type: String,
    /// When the access token was issued (by this machine's clock).
    pub issued_at: DateTime<Utc>,
    /// When the access token stops working.
    pub expires_at: DateTime<Utc>,
    /// When the refresh token stops working, if the server said.
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
    /// Granted scopes, space-separated.
    pub scope: Option<String>,
    /// The extension id the token acts as.
    pub owner_id: Option<String>,
    pub endpoint_id: Option<String>,
    pub session_id: Option<String>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"***")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "***"))
            .field("expires_at", &self.expires_at)
            .field("refresh_token_expires_at", &self.refresh_token_expires_at)
            .field("owner_id", &self.owner_id)
            .finish_non_exhaustive()
    }
}

impl Token {
    /// Builds a token from its parts, for token stores and tests; `issued_at` is taken as now.
    pub fn new(
        access_token: SecretString,
        refresh_token: Option<SecretString>,
        expires_at: DateTime<Utc>,
    ) -> Token {
        Token {
            access_token,
            refresh_token,
            token_type: "bearer".into(),
            issued_at: Utc::now(),
            expires_at,
            refresh_token_expires_at: None,
            scope: None,
            owner_id: None,
            endpoint_id: None,
            session_id: None,
        }
    }

    /// The access token, for an `Authorization: Bearer` header.
    pub fn access_token(&self) -> &SecretString {
        &self.access_token
    }

    /// The refresh token, if the grant issued one.
    pub fn refresh_token(&self) -> Option<&SecretString> {
        self.refresh_token.as_ref()
    }

    /// Everything about the token except the secrets.
    pub fn metadata(&self) -> TokenMetadata {
        TokenMetadata {
            token_type: self.token_type.clone(),
            issued_at: self.issued_at,
            expires_at: self.expires_at,
            refresh_token_expires_at: self.refresh_token_expires_at,
            scope: self.scope.clone(),
            owner_id: self.owner_id.clone(),
            endpoint_id: self.endpoint_id.clone(),
            session_id: self.session_id.clone(),
        }
    }

    /// Whether the access token should be refreshed before use at `now`.
    pub(crate) fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        let life = self.expires_at - self.issued_at;
        let ahead = (life / 10).clamp(TimeDelta::zero(), REFRESH_AHEAD_MAX);
        now + ahead >= self.expires_at
    }

    /// Whether the refresh token is known to have expired at `now`.
    pub(crate) fn refresh_expired(&self, now: DateTime<Utc>) -> bool {
        self.refresh_token.is_none() || self.refresh_token_expires_at.is_some_and(|t| now >= t)
    }

    pub(crate) fn same_access(&self, other: &SecretString) -> bool {
        self.access_token.expose_secret() == other.expose_secret()
    }

    /// Reads the body of a successful `/restapi/oauth/token` answer received at `now`.
    pub(crate) fn from_token_response(
        body: &[u8],
        now: DateTime<Utc>,
    ) -> std::result::Result<Token, String> {
        let de = &mut serde_json::Deserializer::from_slice(body);
        let info: TokenInfo = serde_path_to_error::deserialize(de).map_err(|e| {
            let at = e.path().to_string();
            format!("{} (at {at})", e.into_inner())
        })?;
        if info.access_token.is_empty() {
            return Err("empty access_token".into());
        }
        let expires_in = seconds(&info.expires_in).ok_or("expires_in is not a number")?;
        let refresh_in = info.refresh_token_expires_in.as_ref().and_then(seconds);
        Ok(Token {
            access_token: SecretString::from(info.access_token),
            refresh_token: info
                .refresh_token
                .filter(|r| !r.is_empty())
                .map(SecretString::from),
            token_type: info.token_type.unwrap_or_else(|| "bearer".into()),
            issued_at: now,
            expires_at: now + TimeDelta::seconds(expires_in),
            refresh_token_expires_at: refresh_in.map(|s| now + TimeDelta::seconds(s)),
            scope: info.scope,
            owner_id: info.owner_id.as_ref().and_then(text),
            endpoint_id: info.endpoint_id.as_ref().and_then(text),
            session_id: info.session_id.as_ref().and_then(text),
        })
    }
}

/// The success body of the token endpoint (TokenInfo). Numbers arrive as numbers or strings depending
/// on the server, so they are read loosely.
#[derive(Deserialize)]
struct TokenInfo {
    access_token: String,
    token_type: Option<String>,
    expires_in: Value,
    refresh_token: Option<String>,
    refresh_token_expires_in: Option<Value>,
    scope: Option<String>,
    owner_id: Option<Value>,
    endpoint_id: Option<Value>,
    session_id: Option<Value>,
}

fn seconds(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What `connection list` shows about a stored token: no secret in here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenMetadata {
    pub token_type: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub refresh_token_expires_at: Option<DateTime<Utc>>,
    pub scope: Option<String>,
    pub owner_id: Option<String>,
    pub endpoint_id: Option<String>,
    pub session_id: Option<String>,
}

/// A browser login that has been started (authorize URL handed out) and waits for its code.
#[derive(Clone)]
pub struct PendingAuthorization {
    /// The `state` sent to the authorize endpoint; the redirect must bring it back.
    pub state: String,
    pub(crate) code_verifier: SecretString,
    /// The `redirect_uri` sent to the authorize endpoint; the code exchange must repeat it.
    pub redirect_uri: String,
    pub created_at: DateTime<Utc>,
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("state", &self.state)
            .field("code_verifier", &"***")
            .field("redirect_uri", &self.redirect_uri)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// Everything a token store keeps for one connection.
#[derive(Debug, Clone, Default)]
pub struct StoreContents {
    pub token: Option<Token>,
    pub pending: Option<PendingAuthorization>,
}

const STORE_VERSION: u32 = 1;

/// On-disk form of [`StoreContents`]. Kept private so that secrets only become plain strings here.
#[derive(Serialize, Deserialize)]
struct StoreDoc {
    version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<TokenDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending: Option<PendingDoc>,
}

#[derive(Serialize, Deserialize)]
struct TokenDoc {
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    token_type: String,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token_expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    endpoint_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct PendingDoc {
    state: String,
    code_verifier: String,
    redirect_uri: String,
    created_at: DateTime<Utc>,
}

impl StoreContents {
    /// Serializes to the JSON document a store keeps (it contains the secrets: store it as one).
    pub fn to_json(&self) -> SecretString {
        let doc = StoreDoc {
            version: STORE_VERSION,
            token: self.token.as_ref().map(|t| TokenDoc {
                access_token: t.access_token.expose_secret().to_owned(),
                refresh_token: t
                    .refresh_token
                    .as_ref()
                    .map(|r| r.expose_secret().to_owned()),
                token_type: t.token_type.clone(),
                issued_at: t.issued_at,
                expires_at: t.expires_at,
                refresh_token_expires_at: t.refresh_token_expires_at,
                scope: t.scope.clone(),
                owner_id: t.owner_id.clone(),
                endpoint_id: t.endpoint_id.clone(),
                session_id: t.session_id.clone(),
            }),
            pending: self.pending.as_ref().map(|p| PendingDoc {
                state: p.state.clone(),
                code_verifier: p.code_verifier.expose_secret().to_owned(),
                redirect_uri: p.redirect_uri.clone(),
                created_at: p.created_at,
            }),
        };
        // Serializing plain strings and dates into a String cannot fail.
        SecretString::from(serde_json::to_string_pretty(&doc).unwrap_or_default())
    }

    /// Parses a document written by [`StoreContents::to_json`]; the error says what is wrong.
    pub fn from_json(text: &str) -> std::result::Result<StoreContents, String> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let doc: StoreDoc = serde_path_to_error::deserialize(de)
            .map_err(|e| format!("not a token document: {} at {}", e.inner(), e.path()))?;
        if doc.version != STORE_VERSION {
            return Err(format!(
                "token document version {} is not supported (expected {STORE_VERSION})",
                doc.version
            ));
        }
        Ok(StoreContents {
            token: doc.token.map(|t| Token {
                access_token: SecretString::from(t.access_token),
                refresh_token: t.refresh_token.map(SecretString::from),
                token_type: t.token_type,
                issued_at: t.issued_at,
                expires_at: t.expires_at,
                refresh_token_expires_at: t.refresh_token_expires_at,
                scope: t.scope,
                owner_id: t.owner_id,
                endpoint_id: t.endpoint_id,
                session_id: t.session_id,
            }),
            pending: doc.pending.map(|p| PendingAuthorization {
                state: p.state,
                code_verifier: SecretString::from(p.code_verifier),
                redirect_uri: p.redirect_uri,
                created_at: p.created_at,
            }),
        })
    }
}

/// Converts a store-format error into the crate error for `path`.
pub(crate) fn format_error(path: &std::path::Path, message: String) -> Error {
    Error::StoreFormat {
        path: path.to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + s, 0).unwrap_or_default()
    }

    #[test]
    fn token_response_reads_strings_and_numbers() {
        let body = br#"{"access_token":"A1","token_type":"bearer","expires_in":"3600","refresh_token":"R1","refresh_token_expires_in":604800,"scope":"ReadAccounts SMS","owner_id":12345,"endpoint_id":"e","session_id":"s"}"#;
        let t = Token::from_token_response(body, at(0)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.expires_at, at(3600));
        assert_eq!(t.refresh_token_expires_at, Some(at(604_800)));
        assert_eq!(t.owner_id.as_deref(), Some("12345"));
        assert!(!format!("{t:?}").contains("A1"));
        assert!(!format!("{t:?}").contains("R1"));
    }

    #[test]
    fn token_response_errors_say_where() {
        let err = Token::from_token_response(br#"{"access_token":7}"#, at(0))
            .err()
            .unwrap_or_default();
        assert!(err.contains("access_token"), "{err}");
    }

    #[test]
    fn refresh_ahead_is_a_minute_or_a_tenth_of_short_lives() {
        let mut t = Token::new(SecretString::from("a"), None, at(3600));
        t.issued_at = at(0);
        assert!(!t.needs_refresh(at(3539)));
        assert!(t.needs_refresh(at(3540)));
        t.expires_at = at(10);
        assert!(!t.needs_refresh(at(8)));
        assert!(t.needs_refresh(at(9)));
    }

    #[test]
    fn store_document_round_trips_and_rejects_garbage() {
        let mut t = Token::new(
            SecretString::from("acc"),
            Some(SecretString::from("ref")),
            at(60),
        );
        t.owner_id = Some("42".into());
        let contents = StoreContents {
            token: Some(t),
            pending: None,
        };
        let json = contents.to_json();
        let back = StoreContents::from_json(json.expose_secret()).unwrap_or_default();
        let token = back.token.unwrap_or_else(|| panic!("token lost"));
        assert_eq!(token.access_token.expose_secret(), "acc");
        assert_eq!(
            token.refresh_token.as_ref().map(|r| r.expose_secret()),
            Some("ref")
        );
        assert_eq!(token.owner_id.as_deref(), Some("42"));
        let err = StoreContents::from_json("{\"version\":1,\"token\":{\"access_token\":1}}")
            .err()
            .unwrap_or_default();
        assert!(err.contains("token.access_token"), "{err}");
    }
}
