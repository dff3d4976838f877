//! JWT credentials (HS256) that the sandbox issues to its users and accepts in the JWT bearer grant,
//! signed with a key that each sandbox generates and keeps with its state. The MAC is the `hmac`
//! crate's; the claims and the refusals (`iss`, expiry) are the sandbox's own.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The claims of a sandbox JWT credential.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Issuer: always `ringcentral-sandbox`.
    pub iss: String,
    /// The extension id the credential logs in as.
    pub sub: String,
    /// The account id.
    pub acc: String,
    pub iat: i64,
    /// Expiry (Unix seconds).
    pub exp: i64,
    pub jti: String,
}

pub const ISSUER: &str = "ringcentral-sandbox";

/// Why a credential was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtProblem {
    Malformed,
    BadSignature,
    Expired,
}

type HmacSha256 = Hmac<Sha256>;

/// A MAC keyed with `key`. HMAC takes a key of any length (RFC 2104), so there always is one; the
/// `Option` only spares a panic path.
fn keyed(key: &[u8]) -> Option<HmacSha256> {
    HmacSha256::new_from_slice(key).ok()
}

/// Signs claims into a compact JWT.
pub fn sign(claims: &Claims, key: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let signing_input = format!("{header}.{payload}");
    // Without a MAC the credential is empty, and refused as malformed wherever it is used.
    let Some(mut mac) = keyed(key) else {
        return String::new();
    };
    mac.update(signing_input.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{sig}")
}

/// Verifies a compact JWT and returns its claims.
pub fn verify(token: &str, key: &[u8], now_s: i64) -> Result<Claims, JwtProblem> {
    let mut parts = token.trim().split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtProblem::Malformed);
    };
    let header: serde_json::Value = URL_SAFE_NO_PAD
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(JwtProblem::Malformed)?;
    if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
        return Err(JwtProblem::BadSignature);
    }
    let sig = URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| JwtProblem::Malformed)?;
    let mut mac = keyed(key).ok_or(JwtProblem::BadSignature)?;
    mac.update(format!("{h}.{p}").as_bytes());
    // `verify_slice` compares in constant time: a signing oracle is still an oracle.
    mac.verify_slice(&sig)
        .map_err(|_| JwtProblem::BadSignature)?;
    let claims: Claims = URL_SAFE_NO_PAD
        .decode(p)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(JwtProblem::Malformed)?;
    if claims.iss != ISSUER {
        return Err(JwtProblem::BadSignature);
    }
    if claims.exp <= now_s {
        return Err(JwtProblem::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            iss: ISSUER.into(),
            sub: "1".into(),
            acc: "2".into(),
            iat: 0,
            exp,
            jti: "j".into(),
        }
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let Some(mut mac) = keyed(b"Jefe") else {
            panic!("HMAC takes any key")
        };
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn round_trip_and_rejections() {
        let t = sign(&claims(100), b"key");
        assert_eq!(verify(&t, b"key", 50), Ok(claims(100)));
        assert_eq!(verify(&t, b"other", 50), Err(JwtProblem::BadSignature));
        assert_eq!(verify(&t, b"key", 100), Err(JwtProblem::Expired));
        assert_eq!(verify("a.b", b"key", 0), Err(JwtProblem::Malformed));
        let mut tampered = t.clone();
        tampered.insert(t.find('.').unwrap_or(0) + 2, 'x');
        assert!(verify(&tampered, b"key", 50).is_err());
    }
}
