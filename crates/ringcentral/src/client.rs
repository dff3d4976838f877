//! The client: one per connection (server, app credentials, token store). It logs in, keeps the access
//! token fresh, and sends every request through the rate-limit scheduler and the retry rules, with a
//! tracing span per request that never shows a secret.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock},
    time::{Duration, SystemTime},
};

use base64::{Engine, engine::general_purpose::STANDARD};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use ringcentral_api::ThrottlingGroup;
use secrecy::{ExposeSecret, SecretString};
use tracing::{Instrument, debug, field::Empty, info, info_span, warn};
use url::Url;

use crate::{
    error::{ApiError, Error, Result},
    events::{Event, Events},
    oauth::{self, AuthorizationCode, AuthorizationRequest, LoopbackListener},
    prepare::{Prepared, PreparedBody, PreparedPart},
    ratelimit::{Permit, RateLimit, RateLimitInfo, Scheduler},
    request::{Body, Request},
    response::{Conditional, Response, header_text},
    retry::{self, Attempt, Decision, Failure, Outcome, Reason, RetryPolicy, Rules},
    store::{MemoryTokenStore, StoreLock, TokenStore},
    token::{PendingAuthorization, Token, TokenMetadata},
};

/// RingCentral production.
pub const PRODUCTION_SERVER: &str = "https://platform.ringcentral.com";
/// RingCentral's developer sandbox.
pub const DEVELOPER_SANDBOX_SERVER: &str = "https://platform.devtest.ringcentral.com";

const TOKEN_PATH: &str = "/restapi/oauth/token";
const REVOKE_PATH: &str = "/restapi/oauth/revoke";
const AUTHORIZE_PATH: &str = "/restapi/oauth/authorize";

/// After a 401, how many times a token may be replaced and the request resent. More than one is needed
/// only when other processes keep rotating the token between our refresh and our resend.
const MAX_AUTH_RETRIES: u32 = 3;
const LEARNED_GROUPS_MAX: usize = 4096;
/// The most of a body that a stated `Content-Length` reserves up front; a larger body still reads
/// whole, growing as it arrives, but a wrong header cannot make the client reserve gigabytes.
const BODY_RESERVE_MAX: u64 = 16 * 1024 * 1024;

/// Configures a [`Client`].
pub struct ClientBuilder {
    server: String,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    jwt: Option<SecretString>,
    store: Option<Arc<dyn TokenStore>>,
    rate_limits_enabled: bool,
    rate_limits: HashMap<ThrottlingGroup, Option<RateLimit>>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    user_agent: String,
    default_group: ThrottlingGroup,
    lock_timeout: Duration,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("server", &self.server)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("jwt", &self.jwt.as_ref().map(|_| "***"))
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder {
            server: PRODUCTION_SERVER.into(),
            client_id: None,
            client_secret: None,
            jwt: None,
            store: None,
            rate_limits_enabled: true,
            rate_limits: HashMap::new(),
            retry: RetryPolicy::default(),
            timeout: Some(Duration::from_secs(120)),
            http: None,
            user_agent: concat!("ringcentral-rs/", env!("CARGO_PKG_VERSION")).into(),
            default_group: ThrottlingGroup::Heavy,
            lock_timeout: Duration::from_secs(120),
        }
    }
}

impl ClientBuilder {
    /// The server's base URL: [`PRODUCTION_SERVER`] (the default), [`DEVELOPER_SANDBOX_SERVER`], or a
    /// local sandbox such as `http://127.0.0.1:8080`.
    pub fn server(mut self, url: impl Into<String>) -> Self {
        self.server = url.into();
        self
    }
    /// The app's client id (required).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }
    /// The app's client secret; without one the client acts as a public (PKCE) app.
    pub fn client_secret(mut self, secret: SecretString) -> Self {
        self.client_secret = Some(secret);
        self
    }
    /// A JWT credential: used to log in when the store holds no token, and to log in again when the
    /// refresh token has expired or been revoked.
    pub fn jwt(mut self, jwt: SecretString) -> Self {
        self.jwt = Some(jwt);
        self
    }
    /// Where the tokens live; defaults to memory.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }
    /// Overrides a group's limit (`None`: not throttled). Overridden groups ignore `X-Rate-Limit-*`.
    pub fn rate_limit(mut self, group: ThrottlingGroup, limit: Option<RateLimit>) -> Self {
        self.rate_limits.insert(group, limit);
        self
    }
    /// Switches the rate-limit scheduler off (429s are still honoured by the retry rules).
    pub fn rate_limits_enabled(mut self, enabled: bool) -> Self {
        self.rate_limits_enabled = enabled;
        self
    }
    /// The group of requests that name none and whose path no response has classified yet.
    pub fn default_group(mut self, group: ThrottlingGroup) -> Self {
        self.default_group = group;
        self
    }
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// Timeout of one attempt (default 120 s; `None`: none). Ignored with [`ClientBuilder::http_client`].
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }
    /// Sends through this reqwest client instead of building one.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }
    /// Prefixes the `User-Agent` (e.g. `ringctl/0.1.0`).
    pub fn user_agent(mut self, product: impl Into<String>) -> Self {
        self.user_agent = format!("{} {}", product.into(), self.user_agent);
        self
    }
    /// How long to wait for another process that holds the token store's refresh lock (default 120 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    pub fn build(self) -> Result<Client> {
        let server = parse_server(&self.server)?;
        let client_id = self
            .client_id
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| Error::input("the client id is missing: give the app's client id"))?;
        let http = match self.http {
            Some(h) => h,
            None => {
                let mut b = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
                if let Some(t) = self.timeout {
                    b = b.timeout(t);
                }
                if server.scheme() == "http" {
                    // Every request goes to this one plain-HTTP origin (others are refused), so
                    // TLS roots are never used: not loading the system's saves a few megabytes
                    // and milliseconds at every start against a sandbox or a local proxy.
                    b = b.tls_certs_only(std::iter::empty());
                }
                b.build()
                    .map_err(|e| Error::input(format!("cannot set up HTTP: {e}")))?
            }
        };
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::input("the user agent has characters a header cannot carry"))?;
        let events = Events::new();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                server,
                client_id,
                client_secret: self.client_secret,
                jwt: self.jwt,
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(MemoryTokenStore::new())),
                token: RwLock::new(None),
                refresh_flight: tokio::sync::Mutex::new(()),
                scheduler: Scheduler::new(
                    self.rate_limits_enabled,
                    self.rate_limits,
                    events.clone(),
                ),
                events,
                retry: self.retry,
                learned_groups: Mutex::new(HashMap::new()),
                default_group: self.default_group,
                user_agent,
                lock_timeout: self.lock_timeout,
                clock: Clock::new(),
            }),
        })
    }
}

fn parse_server(s: &str) -> Result<Url> {
    let bad = |why: &str| {
        Error::input(format!(
            "the server URL {s:?} {why}: give e.g. {PRODUCTION_SERVER}"
        ))
    };
    let url = Url::parse(s.trim()).map_err(|_| bad("is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad("is not an http(s) URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment"));
    }
    Ok(url)
}

/// Wall-clock time that follows tokio's clock, so that token expiry can be tested with a paused clock,
/// while never running behind the system clock (a suspended laptop's monotonic clock stands still).
#[derive(Debug, Clone, Copy)]
struct Clock {
    wall: SystemTime,
    mono: tokio::time::Instant,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            wall: SystemTime::now(),
            mono: tokio::time::Instant::now(),
        }
    }
    fn now(&self) -> DateTime<Utc> {
        let followed = self.wall + self.mono.elapsed();
        DateTime::<Utc>::from(followed.max(SystemTime::now()))
    }
}

/// A RingCentral client. Cheap to clone; share it between tasks.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("server", &self.inner.server.as_str())
            .field("client_id", &self.inner.client_id)
            .field("store", &self.inner.store)
            .finish_non_exhaustive()
    }
}

struct Inner {
    http: reqwest::Client,
    server: Url,
    client_id: String,
    client_secret: Option<SecretString>,
    jwt: Option<SecretString>,
    store: Arc<dyn TokenStore>,
    token: RwLock<Option<Arc<Token>>>,
    /// Single-flight: one refresh at a time in this process; the store lock does it across processes.
    refresh_flight: tokio::sync::Mutex<()>,
    scheduler: Scheduler,
    events: Events,
    retry: RetryPolicy,
    /// Groups named by `X-Rate-Limit-Group`, per method and path, for requests that name none.
    learned_groups: Mutex<HashMap<String, ThrottlingGroup>>,
    default_group: ThrottlingGroup,
    user_agent: HeaderValue,
    lock_timeout: Duration,
    clock: Clock,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AuthMode {
    /// `Authorization: Bearer <access token>`, refreshed as needed.
    Bearer,
    /// The app's credentials (HTTP Basic, or `client_id` in the form for public apps).
    App,
    None,
}

impl AuthMode {
    /// How a request authenticates: the app for the token endpoints, a user's token otherwise,
    /// nothing for the public endpoints.
    fn of(request: &Request) -> AuthMode {
        if request.app_auth {
            AuthMode::App
        } else if request.authenticated {
            AuthMode::Bearer
        } else {
            AuthMode::None
        }
    }
}

/// Where a replacement token came from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Renewal {
    /// Issued to this process just now.
    Issued,
    /// Found in memory or in the store, put there by another task or process.
    Adopted,
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The server's base URL.
    pub fn server(&self) -> &Url {
        &self.inner.server
    }

    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// Progress events from now on: scheduler waits longer than 250 ms and every retry, for a progress
    /// line. Each receiver sees every event sent after it subscribed; one that falls more than 64 events
    /// behind skips the oldest (`RecvError::Lagged`).
    pub fn events(&self) -> tokio::sync::broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    /// The token store of this connection.
    pub fn token_store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    // ----- logging in and out -------------------------------------------------------------------------

    /// Logs in with a JWT credential (`urn:ietf:params:oauth:grant-type:jwt-bearer`) and stores the token.
    pub async fn login_jwt(&self, jwt: &SecretString) -> Result<TokenMetadata> {
        let _flight = self.inner.refresh_flight.lock().await;
        let _lock = self.inner.lock_store().await?;
        let token = self.inner.grant_jwt(jwt).await?;
        self.inner.install(token, false)
    }

    /// Starts a browser login (authorization code with PKCE): returns the authorize URL to open and
    /// stores the pending verifier, so that [`Client::complete_authorization`] can finish it later, even in
    /// another process (headless mode).
    pub async fn begin_authorization(&self, redirect_uri: &str) -> Result<AuthorizationRequest> {
        Url::parse(redirect_uri).map_err(|_| {
            Error::input(format!(
                "the redirect URI {redirect_uri:?} is not a URL: give the one registered for the app"
            ))
        })?;
        let verifier = SecretString::from(oauth::random_token(32)?);
        let state = oauth::random_token(16)?;
        let mut url = self.inner.server.clone();
        url.set_path(&join_path(self.inner.server.path(), AUTHORIZE_PATH));
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.inner.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", &state)
            .append_pair("code_challenge", &oauth::challenge(&verifier))
            .append_pair("code_challenge_method", "S256");
        let _lock = self.inner.lock_store().await?;
        let mut contents = self.inner.store.load()?;
        contents.pending = Some(PendingAuthorization {
            state: state.clone(),
            code_verifier: verifier,
            redirect_uri: redirect_uri.to_owned(),
            created_at: self.inner.clock.now(),
        });
        self.inner.store.save(&contents)?;
        Ok(AuthorizationRequest {
            url,
            state,
            redirect_uri: redirect_uri.to_owned(),
        })
    }

    /// Finishes the pending browser login with the code the redirect (or the user) delivered. When the
    /// code came with a `state`, it must be the pending one.
    pub async fn complete_authorization(&self, code: &AuthorizationCode) -> Result<TokenMetadata> {
        let _flight = self.inner.refresh_flight.lock().await;
        let _lock = self.inner.lock_store().await?;
        let contents = self.inner.store.load()?;
        let Some(pending) = contents.pending else {
            return Err(Error::Authorization {
                reason: "no browser login is pending for this connection".into(),
            });
        };
        if let Some(state) = &code.state
            && *state != pending.state
        {
            return Err(Error::Authorization {
                    reason: "the redirect's state does not match the pending login (a stale or forged redirect)".into(),
                });
        }
        let form = vec![
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("code".to_owned(), code.code.expose_secret().to_owned()),
            ("redirect_uri".to_owned(), pending.redirect_uri.clone()),
            (
                "code_verifier".to_owned(),
                pending.code_verifier.expose_secret().to_owned(),
            ),
        ];
        // An authorization code is single-use: never resend one that may have reached the server.
        let token = self.inner.grant(form, false).await?;
        self.inner.install(token, true)
    }

    /// The whole browser login: binds nothing itself, so the caller chooses the port. Calls `open` with
    /// the authorize request (to launch a browser or print the URL), then waits for the redirect.
    pub async fn login_with_browser(
        &self,
        listener: LoopbackListener,
        timeout: Duration,
        open: impl FnOnce(&AuthorizationRequest),
    ) -> Result<TokenMetadata> {
        let request = self.begin_authorization(listener.redirect_uri()).await?;
        open(&request);
        let code = listener.wait_for_code(&request.state, timeout).await?;
        self.complete_authorization(&code).await
    }

    /// Revokes the session at the server, then forgets the tokens (also when the server says they were
    /// already invalid). A transport failure is reported after the tokens are forgotten.
    pub async fn logout(&self) -> Result<()> {
        let _flight = self.inner.refresh_flight.lock().await;
        let _lock = self.inner.lock_store().await?;
        let mut contents = self.inner.store.load()?;
        let token = contents
            .token
            .take()
            .map(Arc::new)
            .or_else(|| self.inner.current());
        contents.pending = None;
        let revoked = match &token {
            Some(t) => {
                // Revoking either token ends the session; the refresh token outlives the access token.
                let secret = t.refresh_token.as_ref().unwrap_or(&t.access_token);
                self.inner.revoke(secret).await
            }
            None => Ok(()),
        };
        self.inner.store.save(&contents)?;
        self.inner.set_current(None);
        match revoked {
            Err(Error::Unauthorized(_)) => Ok(()),
            Err(Error::Api(e)) if e.status == 400 || e.status == 401 => Ok(()),
            other => other,
        }
    }

    /// What the store holds about the token, without secrets; `None` when not logged in.
    pub fn token_metadata(&self) -> Result<Option<TokenMetadata>> {
        Ok(self.inner.store.load()?.token.map(|t| t.metadata()))
    }

    /// A valid access token, refreshed first if it is about to expire (for WebSocket or raw use).
    pub async fn access_token(&self) -> Result<SecretString> {
        self.inner.access_token().await
    }

    // ----- requests -----------------------------------------------------------------------------------

    /// The URL a request goes to: the server's URL joined with the request's path and query.
    pub fn url_for(&self, request: &Request) -> Result<Url> {
        self.inner.url_for(request)
    }

    /// Sends a request and reads the response whole. A status >= 400 is an error ([`Error::Api`],
    /// [`Error::Unauthorized`], [`Error::RateLimited`]); every status below, 304 included, is a response.
    pub async fn send(&self, request: Request) -> Result<Response> {
        let url = self.inner.url_for(&request)?;
        let group = self.inner.group_for(&request, url.path());
        let mode = AuthMode::of(&request);
        self.inner.execute(&request, url, group, mode).await
    }

    /// The request [`send`](Self::send) would put on the wire first, built by the same code, with
    /// its credentials redacted: the URL with its query, every header (`Authorization` keeps only
    /// its scheme: Basic for the token endpoints, Bearer otherwise) and the body. Nothing is sent
    /// and no token is needed.
    pub fn prepare(&self, request: &Request) -> Result<Prepared> {
        let url = self.inner.url_for(request)?;
        let mode = AuthMode::of(request);
        let placeholder = SecretString::from(crate::prepare::REDACTED);
        let built = self
            .inner
            .build(request, &url, mode, Some(&placeholder))?
            .build()
            .map_err(|e| Error::input(format!("the request cannot be built: {e}")))?;
        let headers = built
            .headers()
            .iter()
            .map(|(name, value)| {
                let text = String::from_utf8_lossy(value.as_bytes());
                (
                    name.to_string(),
                    crate::prepare::redact_header(name.as_str(), &text),
                )
            })
            .collect();
        let body = match &request.body {
            Body::Empty => PreparedBody::Empty,
            Body::Json(value) => PreparedBody::Json(value.clone()),
            Body::Form(_) => {
                // Read back from what was built: a public app's `client_id` is added there.
                let sent = built.body().and_then(|b| b.as_bytes()).unwrap_or_default();
                PreparedBody::Form(
                    url::form_urlencoded::parse(sent)
                        .map(|(k, v)| {
                            let shown = crate::prepare::redact_field(&k, &v);
                            (k.into_owned(), shown)
                        })
                        .collect(),
                )
            }
            Body::Bytes { content_type, data } => PreparedBody::Bytes {
                content_type: content_type.clone(),
                len: data.len(),
                text: std::str::from_utf8(data).ok().map(str::to_owned),
            },
            Body::Multipart(parts) => PreparedBody::Multipart(
                parts
                    .iter()
                    .map(|p| PreparedPart {
                        name: p.name.clone(),
                        filename: p.filename.clone(),
                        content_type: p.content_type.clone(),
                        text: (p.filename.is_none())
                            .then(|| std::str::from_utf8(&p.data).ok().map(str::to_owned))
                            .flatten(),
                        len: p.data.len(),
                    })
                    .collect(),
            ),
        };
        Ok(Prepared {
            method: built.method().clone(),
            url: built.url().clone(),
            headers,
            body,
        })
    }

    /// Sends a GET with `If-None-Match: etag`; a `304` gives [`Conditional::NotModified`].
    pub async fn send_if_none_match(&self, request: Request, etag: &str) -> Result<Conditional> {
        let response = self.send(request.header("If-None-Match", etag)).await?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(Conditional::NotModified {
                etag: response.etag().unwrap_or(etag).to_owned(),
                request_id: response.request_id().map(str::to_owned),
            });
        }
        Ok(Conditional::Modified(response))
    }

    /// Sends a request and decodes its JSON body into `T`.
    pub async fn json<T: serde::de::DeserializeOwned>(&self, request: Request) -> Result<T> {
        self.send(request).await?.json()
    }
}

impl Inner {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn current(&self) -> Option<Arc<Token>> {
        self.token
            .read()
            .map(|t| t.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    fn set_current(&self, token: Option<Arc<Token>>) {
        match self.token.write() {
            Ok(mut t) => *t = token,
            Err(p) => *p.into_inner() = token,
        }
    }

    /// Saves a newly issued token (the caller holds the store lock) and makes it current.
    fn install(&self, token: Token, clear_pending: bool) -> Result<TokenMetadata> {
        let meta = token.metadata();
        let token = Arc::new(token);
        self.set_current(Some(token.clone()));
        let mut contents = self.store.load()?;
        contents.token = Some((*token).clone());
        if clear_pending {
            contents.pending = None;
        }
        self.store.save(&contents)?;
        Ok(meta)
    }

    async fn lock_store(&self) -> Result<StoreLock> {
        let start = tokio::time::Instant::now();
        let mut delay = Duration::from_millis(2);
        loop {
            if let Some(lock) = self.store.try_lock()? {
                return Ok(lock);
            }
            let waited = start.elapsed();
            if waited >= self.lock_timeout {
                return Err(Error::StoreLocked {
                    path: self.store.describe().into(),
                    waited,
                });
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_millis(50));
        }
    }

    async fn access_token(&self) -> Result<SecretString> {
        if let Some(t) = self.current()
            && !t.needs_refresh(self.now())
        {
            return Ok(t.access_token.clone());
        }
        let observed = self.current().map(|t| t.access_token.clone());
        let (token, _) = self.renew(observed.as_ref(), false).await?;
        Ok(token.access_token.clone())
    }

    /// Replaces the access token `observed` (expiring, or `rejected` by the server).
    ///
    /// Single-flight within the process; across processes, serialized by the store lock. Under the lock
    /// the store is read again, and a token another process stored meanwhile is adopted; a refresh always
    /// uses the refresh token read under the lock, so a rotated refresh token is never replayed.
    async fn renew(
        &self,
        observed: Option<&SecretString>,
        rejected: bool,
    ) -> Result<(Arc<Token>, Renewal)> {
        let _flight = self.refresh_flight.lock().await;
        let now = self.now();
        let usable = |t: &Token| {
            let refused = rejected && observed.is_some_and(|o| t.same_access(o));
            !refused && !t.needs_refresh(now)
        };
        let replaced = |t: &Token| observed.is_none_or(|o| !t.same_access(o));

        if let Some(t) = self.current()
            && replaced(&t)
            && usable(&t)
        {
            return Ok((t, Renewal::Adopted));
        }
        // Cheap look without the lock: another process may already have stored a fresh token.
        if let Some(t) = self.store.load()?.token
            && usable(&t)
        {
            debug!("adopting a token stored by another process");
            let t = Arc::new(t);
            self.set_current(Some(t.clone()));
            return Ok((t, Renewal::Adopted));
        }
        let _lock = self.lock_store().await?;
        let mut contents = self.store.load()?;
        let stored = contents.token.take();
        let Some(stored) = stored else {
            return match &self.jwt {
                Some(jwt) => self.relogin(jwt).await,
                None => Err(Error::NotLoggedIn),
            };
        };
        if usable(&stored) {
            debug!("adopting a token stored by another process");
            let t = Arc::new(stored);
            self.set_current(Some(t.clone()));
            return Ok((t, Renewal::Adopted));
        }
        let refresh = match (&stored.refresh_token, stored.refresh_expired(now)) {
            (Some(r), false) => r.clone(),
            _ => {
                if let Some(jwt) = &self.jwt {
                    return self.relogin(jwt).await;
                }
                return Err(match stored.refresh_token_expires_at {
                    Some(at) => Error::SessionExpired { expired_at: at },
                    None => Error::NotLoggedIn,
                });
            }
        };
        let form = vec![
            ("grant_type".to_owned(), "refresh_token".to_owned()),
            (
                "refresh_token".to_owned(),
                refresh.expose_secret().to_owned(),
            ),
        ];
        debug!("refreshing the access token");
        match self.grant(form, false).await {
            Ok(token) => {
                self.install(token, false)?;
                let t = self.current().ok_or(Error::NotLoggedIn)?;
                Ok((t, Renewal::Issued))
            }
            Err(Error::Unauthorized(e)) => match &self.jwt {
                Some(jwt) => {
                    warn!(error = %e, "the refresh token was refused; logging in again with the JWT credential");
                    self.relogin(jwt).await
                }
                None => Err(Error::Unauthorized(e)),
            },
            Err(e) => Err(e),
        }
    }

    /// Logs in with the configured JWT; the caller holds the flight and store locks.
    async fn relogin(&self, jwt: &SecretString) -> Result<(Arc<Token>, Renewal)> {
        let token = self.grant_jwt(jwt).await?;
        self.install(token, false)?;
        let t = self.current().ok_or(Error::NotLoggedIn)?;
        Ok((t, Renewal::Issued))
    }

    async fn grant_jwt(&self, jwt: &SecretString) -> Result<Token> {
        let form = vec![
            (
                "grant_type".to_owned(),
                "urn:ietf:params:oauth:grant-type:jwt-bearer".to_owned(),
            ),
            ("assertion".to_owned(), jwt.expose_secret().to_owned()),
        ];
        // A JWT grant may be repeated: at worst it opens a second session.
        self.grant(form, true).await
    }

    /// Posts a grant to the token endpoint and reads the token.
    async fn grant(&self, form: Vec<(String, String)>, retry_safe: bool) -> Result<Token> {
        let request = Request::post(TOKEN_PATH)
            .body(Body::Form(form))
            .group(ThrottlingGroup::Auth)
            .retry_safe(retry_safe);
        let url = self.url_for(&request)?;
        // Boxed: API calls renew tokens through this function, which sends through `execute` again.
        let response =
            match Box::pin(self.execute(&request, url, ThrottlingGroup::Auth, AuthMode::App)).await
            {
                Ok(r) => r,
                Err(Error::Api(e)) if matches!(e.status, 400 | 401 | 403) => {
                    return Err(Error::Unauthorized(e));
                }
                Err(e) => return Err(e),
            };
        Token::from_token_response(&response.body, self.now()).map_err(|message| Error::Decode {
            method: "POST".into(),
            path: TOKEN_PATH.into(),
            at: "token response".into(),
            message,
            request_id: response.request_id().map(str::to_owned),
        })
    }

    async fn revoke(&self, token: &SecretString) -> Result<()> {
        let request = Request::post(REVOKE_PATH)
            .body(Body::Form(vec![(
                "token".to_owned(),
                token.expose_secret().to_owned(),
            )]))
            .group(ThrottlingGroup::Auth)
            .retry_safe(true);
        let url = self.url_for(&request)?;
        Box::pin(self.execute(&request, url, ThrottlingGroup::Auth, AuthMode::App))
            .await
            .map(drop)
    }

    fn url_for(&self, request: &Request) -> Result<Url> {
        let raw = request.path.trim();
        let mut url = if raw.starts_with("http://") || raw.starts_with("https://") {
            let url = Url::parse(raw)
                .map_err(|e| Error::input(format!("the URL {raw:?} is malformed: {e}")))?;
            if url.origin() != self.server.origin() {
                // The bearer token must never travel to another host.
                return Err(Error::input(format!(
                    "the URL {raw:?} is not on the connection's server {}: give a path such as /restapi/v1.0/...",
                    self.server.as_str().trim_end_matches('/')
                )));
            }
            url
        } else {
            let (path, query) = raw.split_once('?').unwrap_or((raw, ""));
            if path.contains(['#', ' ']) {
                return Err(Error::input(format!(
                    "the path {raw:?} contains a space or '#': percent-encode it"
                )));
            }
            let mut url = self.server.clone();
            url.set_path(&join_path(self.server.path(), path));
            url.set_query((!query.is_empty()).then_some(query));
            url
        };
        if !request.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &request.query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    fn group_for(&self, request: &Request, path: &str) -> ThrottlingGroup {
        if let Some(g) = request.group {
            return g;
        }
        let key = format!("{} {path}", request.method);
        self.learned_groups
            .lock()
            .ok()
            .and_then(|m| m.get(&key).copied())
            .unwrap_or(self.default_group)
    }

    fn learn_group(&self, request: &Request, path: &str, group: ThrottlingGroup) {
        if request.group.is_some() {
            return;
        }
        if let Ok(mut m) = self.learned_groups.lock() {
            if m.len() >= LEARNED_GROUPS_MAX {
                m.clear();
            }
            m.insert(format!("{} {path}", request.method), group);
        }
    }

    fn build(
        &self,
        request: &Request,
        url: &Url,
        mode: AuthMode,
        bearer: Option<&SecretString>,
    ) -> Result<reqwest::RequestBuilder> {
        let mut headers = HeaderMap::new();
        for (name, value) in &request.headers {
            let n = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| Error::input(format!("{name:?} is not a valid header name")))?;
            let v = HeaderValue::from_str(value.trim()).map_err(|_| {
                Error::input(format!(
                    "the value of header {name} has characters a header cannot carry"
                ))
            })?;
            headers.append(n, v);
        }
        if !headers.contains_key(http::header::ACCEPT) {
            headers.insert(
                http::header::ACCEPT,
                HeaderValue::from_static("application/json"),
            );
        }
        headers.insert(http::header::USER_AGENT, self.user_agent.clone());
        let mut form = match &request.body {
            Body::Form(f) => Some(f.clone()),
            _ => None,
        };
        if !headers.contains_key(http::header::AUTHORIZATION) {
            let auth = match (mode, bearer, &self.client_secret) {
                (AuthMode::Bearer, Some(token), _) => {
                    Some(format!("Bearer {}", token.expose_secret()))
                }
                (AuthMode::App, _, Some(secret)) => Some(format!(
                    "Basic {}",
                    STANDARD.encode(format!("{}:{}", self.client_id, secret.expose_secret()))
                )),
                (AuthMode::App, _, None) => {
                    // A public app identifies itself in the form instead.
                    if let Some(f) = form.as_mut() {
                        f.push(("client_id".to_owned(), self.client_id.clone()));
                    }
                    None
                }
                _ => None,
            };
            if let Some(auth) = auth {
                let mut v = HeaderValue::from_str(&auth).map_err(|_| {
                    Error::input("a credential has characters a header cannot carry")
                })?;
                v.set_sensitive(true);
                headers.insert(http::header::AUTHORIZATION, v);
            }
        }
        let mut builder = self.http.request(request.method.clone(), url.clone());
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(v) => {
                set_default(&mut headers, "application/json");
                builder.body(serde_json::to_vec(v).unwrap_or_default())
            }
            Body::Form(_) => {
                set_default(&mut headers, "application/x-www-form-urlencoded");
                let pairs = form.unwrap_or_default();
                let encoded = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs.iter())
                    .finish();
                builder.body(encoded)
            }
            Body::Bytes { content_type, data } => {
                let v = HeaderValue::from_str(content_type).map_err(|_| {
                    Error::input(format!("{content_type:?} is not a valid content type"))
                })?;
                headers.entry(http::header::CONTENT_TYPE).or_insert(v);
                builder.body(data.clone())
            }
            Body::Multipart(parts) => {
                let mut mp = reqwest::multipart::Form::new();
                for p in parts {
                    let mut part =
                        reqwest::multipart::Part::stream(reqwest::Body::from(p.data.clone()));
                    if let Some(f) = &p.filename {
                        part = part.file_name(f.clone());
                    }
                    if let Some(ct) = &p.content_type {
                        part = part.mime_str(ct).map_err(|_| {
                            Error::input(format!(
                                "{ct:?} is not a valid content type for part {}",
                                p.name
                            ))
                        })?;
                    }
                    mp = mp.part(p.name.clone(), part);
                }
                builder.multipart(mp)
            }
        };
        Ok(builder.headers(headers))
    }

    /// Sends `request` to `url` with scheduling, retries, token renewal and a tracing span.
    async fn execute(
        &self,
        request: &Request,
        url: Url,
        group: ThrottlingGroup,
        mode: AuthMode,
    ) -> Result<Response> {
        let path = url.path().to_owned();
        let method = request.method.to_string();
        let span = info_span!(
            "ringcentral.request",
            method = %method,
            path = %path,
            group = group.as_str(),
            status = Empty,
            attempts = Empty,
            retries = Empty,
            duration_ms = Empty,
            request_id = Empty,
            rate_limit_limit = Empty,
            rate_limit_remaining = Empty,
            rate_limit_window = Empty,
        );
        let started = tokio::time::Instant::now();
        let mut tally = Tally::default();
        let call = Call {
            request,
            url: &url,
            path: &path,
            method: &method,
            group,
            mode,
            span: &span,
        };
        let outcome = self.run(&call, &mut tally).instrument(span.clone()).await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        span.record("attempts", tally.attempts);
        if tally.retries > 0 {
            span.record("retries", tally.retries);
        }
        match &outcome {
            Ok(r) => span.in_scope(|| debug!(status = r.status.as_u16(), "request finished")),
            Err(e) => span.in_scope(|| debug!(error = %e, "request failed")),
        }
        outcome
    }

    /// The sending loop: authenticate, send, classify, and do what the classification says. The
    /// decisions live in [`retry::classify`]; this only carries them out. Bounded: every pass returns or
    /// spends one of `max_retries` retries or `MAX_AUTH_RETRIES` renewals.
    async fn run(&self, call: &Call<'_>, tally: &mut Tally) -> Result<Response> {
        let rules = if call.request.is_retry_safe() {
            Rules::Repeatable
        } else {
            Rules::Once
        };
        let mut retries = 0u32;
        let mut renewals = 0u32;
        let mut last_renewal = None;
        let mut kept: Option<Permit> = None;
        loop {
            tally.attempts += 1;
            tally.retries = retries;
            let bearer = self.authenticate(call).await?;
            let sent = self.attempt(call, bearer.as_ref(), kept.take()).await?;
            let attempt = Attempt {
                rules,
                retries,
                may_renew: bearer.is_some()
                    && renewals < MAX_AUTH_RETRIES
                    && last_renewal != Some(Renewal::Issued),
                backoff: self.retry.backoff(retries + 1),
            };
            let outcome = sent.outcome(bearer.is_some());
            match retry::classify(&self.retry, &attempt, &outcome) {
                Decision::Done | Decision::Fail => {
                    return self.conclude(call, sent.result, tally.attempts);
                }
                Decision::Renew => {
                    renewals += 1;
                    debug!("access token refused; renewing it");
                    let (_, how) = self.renew(bearer.as_ref(), true).await?;
                    last_renewal = Some(how);
                }
                Decision::Retry { after, reason } => {
                    retries += 1;
                    self.retrying(
                        call,
                        tally.attempts,
                        after,
                        reason,
                        sent.result.as_ref().err(),
                    );
                    match sent.kept {
                        // Refused with 429: the slot waits out the block and is used again.
                        Some(mut permit) => {
                            self.scheduler.resume(&mut permit, after).await;
                            kept = Some(permit);
                        }
                        None => tokio::time::sleep(after).await,
                    }
                }
            }
        }
    }

    /// The access token to send, when the request carries the client's bearer token.
    async fn authenticate(&self, call: &Call<'_>) -> Result<Option<SecretString>> {
        match call.mode {
            AuthMode::Bearer if !has_header(call.request, "authorization") => {
                Ok(Some(self.access_token().await?))
            }
            _ => Ok(None),
        }
    }

    /// One attempt: takes a slot (or reuses the one a 429 kept), sends, and reads the whole response. A
    /// transport failure is part of the result, for the retry rules to judge; only input the request
    /// cannot be built from is an error.
    async fn attempt(
        &self,
        call: &Call<'_>,
        bearer: Option<&SecretString>,
        kept: Option<Permit>,
    ) -> Result<Sent> {
        let builder = self.build(call.request, call.url, call.mode, bearer)?;
        let permit = match kept {
            Some(p) => p,
            None => self.scheduler.acquire(call.group).await,
        };
        debug!("sending");
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => return Ok(Sent::failed(e)),
        };
        let status = response.status();
        let headers = response.headers().clone();
        let info = RateLimitInfo::from_headers(&headers);
        let retry_after = retry::retry_after(&headers, self.now());
        let kept = if status == StatusCode::TOO_MANY_REQUESTS {
            // RingCentral did not act on the request: its slot is kept for the resend, and the group
            // (and the group the server named, if another) waits out the block.
            let block = retry_after.unwrap_or_else(|| self.retry.unannounced_block());
            permit.observe(info.as_ref());
            self.scheduler.block(call.group, block);
            if let Some(g) = info.and_then(|i| i.group).filter(|g| *g != call.group) {
                self.scheduler.block(g, block);
            }
            Some(permit)
        } else {
            match &info {
                None if status.as_u16() < 400 => permit.finish_without_limits(),
                _ => permit.finish(info.as_ref()),
            }
            None
        };
        if let Some(info) = &info {
            if let Some(g) = info.group {
                self.learn_group(call.request, call.path, g);
            }
            record_rate_limit(call.span, info);
        }
        call.span.record("status", status.as_u16());
        let request_id = header_text(&headers, "rcrequestid").map(str::to_owned);
        if let Some(id) = &request_id {
            call.span.record("request_id", id.as_str());
        }
        let body = match read_body(response).await {
            Ok(b) => b,
            Err(e) => return Ok(Sent::failed(e)),
        };
        Ok(Sent {
            result: Ok(Answer {
                status,
                headers,
                body,
                info,
                request_id,
                retry_after,
            }),
            kept,
        })
    }

    /// Turns the last attempt into the caller's result: a response, or the error it amounts to.
    fn conclude(
        &self,
        call: &Call<'_>,
        result: std::result::Result<Answer, reqwest::Error>,
        attempts: u32,
    ) -> Result<Response> {
        let answer = result.map_err(|source| Error::Transport {
            method: call.method.to_owned(),
            path: call.path.to_owned(),
            attempts,
            source,
        })?;
        if answer.status.as_u16() >= 400 && !call.request.error_status_ok {
            let error = Box::new(ApiError::from_body(
                answer.status.as_u16(),
                call.method,
                call.path,
                answer.request_id,
                &answer.body,
            ));
            return Err(match answer.status {
                StatusCode::TOO_MANY_REQUESTS => Error::RateLimited {
                    error,
                    group: answer
                        .info
                        .and_then(|i| i.group)
                        .unwrap_or(call.group)
                        .as_str(),
                    retry_after: answer
                        .retry_after
                        .unwrap_or_else(|| self.retry.unannounced_block()),
                    attempts,
                },
                StatusCode::UNAUTHORIZED if call.mode == AuthMode::Bearer => {
                    Error::Unauthorized(error)
                }
                _ => Error::Api(error),
            });
        }
        Ok(Response {
            method: call.method.to_owned(),
            path: call.path.to_owned(),
            status: answer.status,
            headers: answer.headers,
            body: answer.body,
            attempts,
        })
    }

    /// Announces a retry: logged at `info` (shown with `-v`) and sent as an [`Event::Retrying`] for the
    /// progress line. `attempt` is the attempt that failed.
    fn retrying(
        &self,
        call: &Call<'_>,
        attempt: u32,
        wait: Duration,
        reason: Reason,
        error: Option<&reqwest::Error>,
    ) {
        let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        match error {
            Some(e) => info!(attempt, wait_ms, reason = %reason, error = %e, "retrying"),
            None => info!(attempt, wait_ms, reason = %reason, "retrying"),
        }
        self.events.send(Event::Retrying {
            method: call.request.method.clone(),
            path: call.path.to_owned(),
            attempt,
            wait,
            reason: reason.to_string(),
        });
    }
}

/// One request on its way: what all its attempts share.
struct Call<'a> {
    request: &'a Request,
    url: &'a Url,
    path: &'a str,
    method: &'a str,
    group: ThrottlingGroup,
    mode: AuthMode,
    span: &'a tracing::Span,
}

/// A whole response to one attempt.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    info: Option<RateLimitInfo>,
    request_id: Option<String>,
    /// `Retry-After`, read relative to now.
    retry_after: Option<Duration>,
}

/// What one attempt came to, with the slot a 429 keeps for the resend.
struct Sent {
    result: std::result::Result<Answer, reqwest::Error>,
    kept: Option<Permit>,
}

impl Sent {
    fn failed(error: reqwest::Error) -> Sent {
        Sent {
            result: Err(error),
            kept: None,
        }
    }

    /// The facts the retry rules read.
    fn outcome(&self, bearer_sent: bool) -> Outcome {
        match &self.result {
            Err(e) => Outcome::Failed(Failure::of(e)),
            Ok(a) => Outcome::Answered {
                status: a.status,
                retry_after: a.retry_after,
                token_refused: bearer_sent
                    && a.status == StatusCode::UNAUTHORIZED
                    && token_problem(&a.body),
            },
        }
    }
}

/// What the request span reports once the request is over.
#[derive(Default)]
struct Tally {
    attempts: u32,
    retries: u32,
}

fn has_header(request: &Request, name: &str) -> bool {
    request
        .headers
        .iter()
        .any(|(n, _)| n.trim().eq_ignore_ascii_case(name))
}

fn set_default(headers: &mut HeaderMap, content_type: &'static str) {
    headers
        .entry(http::header::CONTENT_TYPE)
        .or_insert(HeaderValue::from_static(content_type));
}

fn record_rate_limit(span: &tracing::Span, info: &RateLimitInfo) {
    if let Some(l) = info.limit {
        span.record("rate_limit_limit", l);
    }
    if let Some(r) = info.remaining {
        span.record("rate_limit_remaining", r);
    }
    if let Some(w) = info.window {
        span.record("rate_limit_window", w.as_secs());
    }
}

/// Whether a 401 body says the access token itself is the problem (expired, revoked, unknown or
/// corrupted), as opposed to e.g. `CMN-405` "login to extension required".
fn token_problem(body: &[u8]) -> bool {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let is_token_code = |c: &str| {
        matches!(
            c,
            "TokenExpired" | "TokenInvalid" | "OAU-213" | "OAU-129" | "OAU-212"
        )
    };
    let top = v
        .get("errorCode")
        .and_then(|c| c.as_str())
        .is_some_and(is_token_code);
    let listed = v.get("errors").and_then(|e| e.as_array()).is_some_and(|a| {
        a.iter()
            .filter_map(|e| e.get("errorCode").and_then(|c| c.as_str()))
            .any(is_token_code)
    });
    top || listed
}

/// Joins a base path (`/` or `/prefix/`) and a request path.
fn join_path(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    let path = path.trim_start_matches('/');
    format!("{base}/{path}")
}

/// Reads a response's body into one buffer sized from its `Content-Length`. Collecting the chunks
/// first and joining them after (as `Response::bytes` does for a multi-chunk body) holds a large
/// page twice at its peak.
async fn read_body(mut response: reqwest::Response) -> reqwest::Result<Bytes> {
    let reserve = response.content_length().unwrap_or(0).min(BODY_RESERVE_MAX);
    let mut body = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}
