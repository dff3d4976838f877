//! OAuth sessions, tokens and authorization codes, persisted so that a token issued to one ringctl
//! process works in the next. Tokens are stored as SHA-256 hashes only.

use rusqlite::{OptionalExtension, params};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::Store;
use crate::error::Result;

/// A session's owner and client, as the API sees it.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub client_id: String,
    pub account_id: i64,
    pub extension_id: i64,
    pub scope: String,
}

/// What the store holds of an access token; its validity depends on the time of the request.
#[derive(Debug, Clone)]
pub(crate) struct AccessRow {
    active: bool,
    expires_ms: i64,
    revoked: bool,
    session: Session,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Never issued (or garbage).
    Unknown,
    /// Past its lifetime.
    Expired,
    /// Its session was revoked, or it was rotated away by a refresh.
    Revoked,
}

/// A freshly issued pair.
#[derive(Debug)]
pub struct IssuedTokens {
    pub access_token: SecretString,
    pub refresh_token: SecretString,
    pub access_expires_ms: i64,
    pub refresh_expires_ms: i64,
}

/// A pending authorization code.
#[derive(Debug, Clone)]
pub struct AuthCode {
    pub client_id: String,
    pub extension_id: i64,
    pub redirect_uri: Option<String>,
    pub challenge: Option<String>,
    pub challenge_method: Option<String>,
    pub scope: String,
}

pub(crate) fn token_hash(token: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(token.as_bytes());
    let mut text = String::with_capacity(2 * digest.len());
    for b in digest {
        text.push(char::from(HEX[usize::from(b >> 4)]));
        text.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    text
}

fn random_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl Store {
    /// Starts a session and issues its first token pair.
    #[allow(clippy::too_many_arguments)]
    pub fn start_session(
        &self,
        client_id: &str,
        account_id: i64,
        extension_id: i64,
        grant_type: &str,
        scope: &str,
        access_ttl_s: i64,
        refresh_ttl_s: i64,
        now_ms: i64,
    ) -> Result<(Session, IssuedTokens)> {
        self.write(|tx| {
            let id = uuid::Uuid::new_v4().to_string();
            tx.execute(
                "INSERT INTO sessions(id, client_id, account_id, extension_id, grant_type, scope, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, client_id, account_id, extension_id, grant_type, scope, now_ms],
            )?;
            let tokens = issue(tx, &id, access_ttl_s, refresh_ttl_s, now_ms)?;
            Ok((
                Session {
                    id,
                    client_id: client_id.to_owned(),
                    account_id,
                    extension_id,
                    scope: scope.to_owned(),
                },
                tokens,
            ))
        })
    }

    /// The session of a valid access token.
    pub fn check_access_token(
        &self,
        token: &str,
        now_ms: i64,
    ) -> Result<Result<Session, TokenProblem>> {
        let hash = token_hash(token);
        let row = self.access_tokens.get_or(self.generation(), &hash, || {
            self.read(|c| {
                // The session comes with the token, in one statement.
                c.prepare_cached(
                    "SELECT t.state, t.expires_ms, s.revoked, s.id, s.client_id, s.account_id, s.extension_id, \
                     s.scope FROM tokens t JOIN sessions s ON s.id = t.session_id \
                     WHERE t.hash = ?1 AND t.kind = 'access'",
                )?
                .query_row([&hash], |r| {
                    Ok(AccessRow {
                        active: r.get::<_, String>(0)? == "active",
                        expires_ms: r.get(1)?,
                        revoked: r.get::<_, i64>(2)? != 0,
                        session: Session {
                            id: r.get(3)?,
                            client_id: r.get(4)?,
                            account_id: r.get(5)?,
                            extension_id: r.get(6)?,
                            scope: r.get(7)?,
                        },
                    })
                })
                .optional()
                .map_err(Into::into)
            })
        })?;
        let Some(row) = row else {
            return Ok(Err(TokenProblem::Unknown));
        };
        if row.revoked || !row.active {
            return Ok(Err(TokenProblem::Revoked));
        }
        if row.expires_ms <= now_ms {
            return Ok(Err(TokenProblem::Expired));
        }
        Ok(Ok(row.session))
    }

    /// Rotates a refresh token: the token and its paired access token stop working and a new pair
    /// is issued in the same session.
    pub fn refresh(
        &self,
        refresh_token: &str,
        client_id: &str,
        access_ttl_s: i64,
        refresh_ttl_s: i64,
        now_ms: i64,
    ) -> Result<Result<(Session, IssuedTokens), TokenProblem>> {
        let hash = token_hash(refresh_token);
        self.write(|tx| {
            let row: Option<(String, i64, String, String, i64, String)> = tx
                .prepare_cached(
                    "SELECT t.state, t.expires_ms, t.pair_hash, s.id, s.revoked, s.client_id FROM tokens t \
                     JOIN sessions s ON s.id = t.session_id WHERE t.hash = ?1 AND t.kind = 'refresh'",
                )?
                .query_row([&hash], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                })
                .optional()?;
            let Some((state, expires, pair, session_id, revoked, owner_client)) = row else {
                return Ok(Err(TokenProblem::Unknown));
            };
            if owner_client != client_id {
                return Ok(Err(TokenProblem::Unknown));
            }
            if revoked != 0 || state != "active" {
                return Ok(Err(TokenProblem::Revoked));
            }
            if expires <= now_ms {
                return Ok(Err(TokenProblem::Expired));
            }
            tx.execute(
                "UPDATE tokens SET state = 'used' WHERE hash IN (?1, ?2)",
                params![hash, pair],
            )?;
            let Some(session) = session(tx, &session_id)? else {
                return Ok(Err(TokenProblem::Unknown));
            };
            let tokens = issue(tx, &session_id, access_ttl_s, refresh_ttl_s, now_ms)?;
            Ok(Ok((session, tokens)))
        })
    }

    /// Ends the session that `token` (access or refresh) belongs to. Returns false for an unknown
    /// token.
    pub fn revoke(&self, token: &str) -> Result<bool> {
        let hash = token_hash(token);
        self.write(|tx| {
            let session: Option<String> = tx
                .query_row(
                    "SELECT session_id FROM tokens WHERE hash = ?1",
                    [&hash],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(session) = session else {
                return Ok(false);
            };
            tx.execute("UPDATE sessions SET revoked = 1 WHERE id = ?1", [&session])?;
            tx.execute(
                "UPDATE tokens SET state = 'revoked' WHERE session_id = ?1",
                [&session],
            )?;
            Ok(true)
        })
    }

    /// Ends a session: its tokens stop working.
    pub fn end_session(&self, session_id: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE sessions SET revoked = 1 WHERE id = ?1",
                [session_id],
            )?;
            tx.execute(
                "UPDATE tokens SET state = 'revoked' WHERE session_id = ?1",
                [session_id],
            )?;
            Ok(())
        })
    }

    /// Counts sessions that are still usable (for stats and tests).
    pub fn live_sessions(&self) -> Result<i64> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT COUNT(*) FROM sessions WHERE revoked = 0", [], |r| {
                    r.get(0)
                })?,
            )
        })
    }

    /// Stores an authorization code for a moment.
    pub fn create_auth_code(
        &self,
        code: &AuthCode,
        ttl_s: i64,
        now_ms: i64,
    ) -> Result<SecretString> {
        let plain = random_token();
        let hash = token_hash(&plain);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO auth_codes(hash, client_id, extension_id, redirect_uri, challenge, challenge_method, scope, expires_ms) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    hash,
                    code.client_id,
                    code.extension_id,
                    code.redirect_uri,
                    code.challenge,
                    code.challenge_method,
                    code.scope,
                    now_ms + ttl_s * 1000
                ],
            )?;
            Ok(())
        })?;
        Ok(SecretString::from(plain))
    }

    /// Takes an authorization code: it works once, before it expires.
    pub fn take_auth_code(
        &self,
        code: &str,
        now_ms: i64,
    ) -> Result<Result<AuthCode, TokenProblem>> {
        let hash = token_hash(code);
        self.write(|tx| {
            let row: Option<(AuthCode, i64, i64)> = tx
                .query_row(
                    "SELECT client_id, extension_id, redirect_uri, challenge, challenge_method, scope, expires_ms, used \
                     FROM auth_codes WHERE hash = ?1",
                    [&hash],
                    |r| {
                        Ok((
                            AuthCode {
                                client_id: r.get(0)?,
                                extension_id: r.get(1)?,
                                redirect_uri: r.get(2)?,
                                challenge: r.get(3)?,
                                challenge_method: r.get(4)?,
                                scope: r.get(5)?,
                            },
                            r.get(6)?,
                            r.get(7)?,
                        ))
                    },
                )
                .optional()?;
            let Some((code, expires, used)) = row else {
                return Ok(Err(TokenProblem::Unknown));
            };
            if used != 0 {
                return Ok(Err(TokenProblem::Revoked));
            }
            tx.execute("UPDATE auth_codes SET used = 1 WHERE hash = ?1", [&hash])?;
            if expires <= now_ms {
                return Ok(Err(TokenProblem::Expired));
            }
            Ok(Ok(code))
        })
    }
}

fn session(c: &rusqlite::Connection, id: &str) -> Result<Option<Session>> {
    Ok(c.prepare_cached(
        "SELECT id, client_id, account_id, extension_id, scope FROM sessions WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Session {
            id: r.get(0)?,
            client_id: r.get(1)?,
            account_id: r.get(2)?,
            extension_id: r.get(3)?,
            scope: r.get(4)?,
        })
    })
    .optional()?)
}

fn issue(
    tx: &rusqlite::Connection,
    session_id: &str,
    access_ttl_s: i64,
    refresh_ttl_s: i64,
    now_ms: i64,
) -> Result<IssuedTokens> {
    let access = random_token();
    let refresh = random_token();
    let (ah, rh) = (token_hash(&access), token_hash(&refresh));
    let access_expires_ms = now_ms + access_ttl_s * 1000;
    let refresh_expires_ms = now_ms + refresh_ttl_s * 1000;
    let mut st = tx.prepare_cached(
        "INSERT INTO tokens(hash, session_id, kind, pair_hash, expires_ms, state) VALUES (?1, ?2, ?3, ?4, ?5, 'active')",
    )?;
    st.execute(params![ah, session_id, "access", rh, access_expires_ms])?;
    st.execute(params![rh, session_id, "refresh", ah, refresh_expires_ms])?;
    Ok(IssuedTokens {
        access_token: SecretString::from(access),
        refresh_token: SecretString::from(refresh),
        access_expires_ms,
        refresh_expires_ms,
    })
}

/// Exposes a secret for writing it into a response body.
pub(crate) fn expose(s: &SecretString) -> &str {
    s.expose_secret()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hashes_are_lowercase_hex_sha256() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
