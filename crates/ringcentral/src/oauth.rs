//! The browser side of OAuth: PKCE verifiers and challenges, the authorize URL, and a one-shot loopback
//! HTTP listener on 127.0.0.1 that receives the redirect carrying the authorization code.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use url::Url;

use crate::error::{Error, Result};

/// Random bytes as base64url: 32 bytes give the 43-character PKCE verifier RFC 7636 recommends.
pub(crate) fn random_token(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Authorization {
        reason: format!("the system random source failed: {e}"),
    })?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// The S256 challenge of a verifier.
pub(crate) fn challenge(verifier: &SecretString) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose_secret().as_bytes()))
}

/// A started browser login: send the user to `url`; the redirect will bring back `state`.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub url: Url,
    pub state: String,
    pub redirect_uri: String,
}

/// What the redirect (or the user, in headless mode) delivered.
#[derive(Clone)]
pub struct AuthorizationCode {
    pub code: SecretString,
    /// The `state` that came back with the code, when known.
    pub state: Option<String>,
}

impl std::fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationCode")
            .field("code", &"***")
            .field("state", &self.state)
            .finish()
    }
}

impl AuthorizationCode {
    /// Reads what a user pasted: the bare code, or the whole redirect URL (or its query string) with
    /// `code` and `state`. A redirect that carries `error` becomes an [`Error::Authorization`].
    pub fn parse(input: &str) -> Result<AuthorizationCode> {
        let input = input.trim();
        if input.is_empty() {
            return Err(Error::input(
                "the authorization code is empty: paste the code or the whole redirect URL",
            ));
        }
        let query = if let Ok(url) = Url::parse(input) {
            url.query().map(str::to_owned)
        } else if input.contains("code=") || input.contains("error=") {
            Some(input.trim_start_matches('?').to_owned())
        } else {
            None
        };
        let Some(query) = query else {
            return Ok(AuthorizationCode {
                code: SecretString::from(input.to_owned()),
                state: None,
            });
        };
        from_query(&query)?.ok_or_else(|| {
            Error::input(
                "the redirect URL has no `code` parameter: paste the URL the browser ended on",
            )
        })
    }
}

/// Reads `code`/`state`/`error` from a redirect's query; `Ok(None)` when it has neither code nor error.
fn from_query(query: &str) -> Result<Option<AuthorizationCode>> {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            _ => {}
        }
    }
    if let Some(error) = error {
        let reason = match description {
            Some(d) => format!("the server answered {error}: {d}"),
            None => format!("the server answered {error}"),
        };
        return Err(Error::Authorization { reason });
    }
    Ok(code
        .filter(|c| !c.is_empty())
        .map(|code| AuthorizationCode {
            code: SecretString::from(code),
            state,
        }))
}

/// A listener on `127.0.0.1` for the OAuth redirect. Bind it, use [`LoopbackListener::redirect_uri`] when
/// starting the authorization, then [`LoopbackListener::wait_for_code`].
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    redirect_uri: String,
}

impl LoopbackListener {
    /// Binds `127.0.0.1:port` (0 picks a free port); the redirect path is `/callback`.
    pub async fn bind(port: u16) -> Result<LoopbackListener> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            Error::input(format!(
                "cannot listen on 127.0.0.1:{port} for the login redirect: {e}"
            ))
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::input(format!("loopback listener has no address: {e}")))?
            .port();
        Ok(LoopbackListener {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}/callback"),
        })
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Serves the redirect: answers the browser with a short page and returns the code once a request
    /// arrives whose `state` matches. Requests with another state are refused and the wait goes on, so
    /// that a stray or forged request cannot end a login.
    pub async fn wait_for_code(
        self,
        expected_state: &str,
        timeout: Duration,
    ) -> Result<AuthorizationCode> {
        let wait = async {
            loop {
                let Ok((stream, _)) = self.listener.accept().await else {
                    continue;
                };
                match serve_one(stream, expected_state).await {
                    Some(outcome) => return outcome,
                    None => continue,
                }
            }
        };
        tokio::time::timeout(timeout, wait)
            .await
            .unwrap_or_else(|_| {
                Err(Error::Authorization {
                    reason: format!(
                        "no redirect arrived at {} within {}s",
                        self.redirect_uri,
                        timeout.as_secs()
                    ),
                })
            })
    }
}

const PAGE_OK: &str = "<!doctype html><title>Signed in</title><p>Signed in. You can close this window and return to the terminal.</p>";
const PAGE_FAILED: &str = "<!doctype html><title>Sign-in failed</title><p>Sign-in failed. Return to the terminal for details.</p>";

/// Handles one connection; `None` means "not the redirect, keep waiting".
async fn serve_one(
    mut stream: TcpStream,
    expected_state: &str,
) -> Option<Result<AuthorizationCode>> {
    let mut buf = Vec::with_capacity(1024);
    let read = async {
        let mut chunk = [0u8; 1024];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Some(())
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .ok()??;
    let head = String::from_utf8_lossy(&buf);
    let target = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/callback" {
        respond(
            &mut stream,
            "404 Not Found",
            "<!doctype html><p>Not found.</p>",
        )
        .await;
        return None;
    }
    match from_query(query) {
        Err(e) => {
            respond(&mut stream, "200 OK", PAGE_FAILED).await;
            Some(Err(e))
        }
        Ok(None) => {
            respond(&mut stream, "400 Bad Request", PAGE_FAILED).await;
            None
        }
        Ok(Some(code)) if code.state.as_deref() != Some(expected_state) => {
            respond(&mut stream, "400 Bad Request", PAGE_FAILED).await;
            None
        }
        Ok(Some(code)) => {
            respond(&mut stream, "200 OK", PAGE_OK).await;
            Some(Ok(code))
        }
    }
}

async fn respond(stream: &mut TcpStream, status: &str, page: &str) {
    let msg = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.write_all(msg.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_matches_rfc_7636_example() {
        let verifier = SecretString::from("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let v = random_token(32).unwrap_or_default();
        assert_eq!(v.len(), 43);
        assert_ne!(v, random_token(32).unwrap_or_default());
    }

    #[test]
    fn pasted_code_or_redirect_url() {
        let c = AuthorizationCode::parse("  abc123 ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.code.expose_secret(), "abc123");
        assert_eq!(c.state, None);
        let c = AuthorizationCode::parse("http://127.0.0.1:5000/callback?code=U1&state=S9")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (c.code.expose_secret(), c.state.as_deref()),
            ("U1", Some("S9"))
        );
        let denied = AuthorizationCode::parse(
            "http://127.0.0.1:5000/callback?error=access_denied&error_description=User+declined",
        );
        assert!(
            matches!(&denied, Err(Error::Authorization { reason }) if reason.contains("User declined")),
            "{denied:?}"
        );
        assert!(matches!(
            AuthorizationCode::parse(""),
            Err(Error::Input { .. })
        ));
    }

    #[tokio::test]
    async fn listener_ignores_wrong_state_then_takes_the_code() -> Result<()> {
        let listener = LoopbackListener::bind(0).await?;
        let uri = listener.redirect_uri().to_owned();
        let wait = tokio::spawn(listener.wait_for_code("good", Duration::from_secs(10)));
        let http = reqwest::Client::new();
        let favicon = http
            .get(uri.replace("/callback", "/favicon.ico"))
            .send()
            .await
            .map(|r| r.status().as_u16());
        assert_eq!(favicon.ok(), Some(404));
        let forged = http
            .get(format!("{uri}?code=EVIL&state=bad"))
            .send()
            .await
            .map(|r| r.status().as_u16());
        assert_eq!(forged.ok(), Some(400));
        let page = http.get(format!("{uri}?code=C0DE&state=good")).send().await;
        let text = match page {
            Ok(r) => r.text().await.unwrap_or_default(),
            Err(e) => panic!("{e}"),
        };
        assert!(text.contains("Signed in"));
        let code = wait.await.map_err(|e| Error::input(e.to_string()))??;
        assert_eq!(code.code.expose_secret(), "C0DE");
        Ok(())
    }
}
