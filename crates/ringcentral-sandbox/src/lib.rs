//! A RingCentral-compatible sandbox server: a seeded company in SQLite, RingCentral's OAuth, errors,
//! paging and rate limits, served over HTTP on loopback.
//!
//! ```no_run
//! # async fn demo() -> ringcentral_sandbox::Result<()> {
//! use ringcentral_sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! println!("{}", sandbox.startup_line());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

mod api;
mod clock;
mod conn;
mod content;
mod error;
mod fallback;
mod faults;
mod handlers;
mod jwt;
mod limits;
mod memo;
mod notify;
mod rng;
mod router;
pub mod scim;
mod seed;
mod server;
pub mod spec;
mod state;
mod stats;
pub(crate) mod store;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::watch;

pub use error::{Error, Result};
pub use faults::{Fault, FaultSpec};
pub use limits::RateLimitMode;
pub use scim::ScimRules;
pub use store::ADMIN_EMAIL;

/// Default size of the seeded company.
pub const DEFAULT_USERS: usize = 50;

/// How to run a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// A SQLite file that keeps the state across runs; `None` keeps it in memory.
    pub data: Option<PathBuf>,
    /// Users of the seeded company (applies when the data file is new).
    pub users: usize,
    /// Seed of the company (applies when the data file is new) and of fault injection.
    pub seed: u64,
    /// Lifetime of access tokens.
    pub token_ttl: Duration,
    /// Lifetime of refresh tokens.
    pub refresh_ttl: Duration,
    pub rate_limits: RateLimitMode,
    pub faults: FaultSpec,
    /// Where RingCentral's SCIM is stricter than the SCIM RFCs, which to follow (the RFCs by
    /// default).
    pub scim_rules: ScimRules,
    /// Whether a WebHook subscription's address must first answer RingCentral's validation
    /// request (echoing its `Validation-Token` header), as it must on RingCentral.
    pub webhook_validation: bool,
    /// How long a client may take to send a request's head (request line and headers) once it
    /// has begun; a connection that is slower is closed.
    pub header_timeout: Duration,
    /// How long a request's body may take to arrive once its head has; a slower one is answered
    /// `408`.
    pub body_timeout: Duration,
    /// How long a connection may stay open between requests.
    pub idle_timeout: Duration,
    /// How many connections are served at once; further clients wait in the listen queue until
    /// one closes. `None` stays safely below the process's open-file limit (`RLIMIT_NOFILE`).
    pub max_connections: Option<usize>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data: None,
            users: DEFAULT_USERS,
            seed: 1,
            token_ttl: Duration::from_secs(3600),
            refresh_ttl: Duration::from_secs(604_800),
            rate_limits: RateLimitMode::Off,
            faults: FaultSpec::none(),
            scim_rules: ScimRules::default(),
            webhook_validation: true,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: None,
        }
    }
}

/// What a client needs to log in to the sandbox as one of its users.
#[derive(Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: SecretString,
    /// A JWT credential for the JWT bearer grant.
    pub jwt: SecretString,
    pub email: String,
    pub extension_id: i64,
    pub account_id: i64,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("jwt", &"***")
            .field("email", &self.email)
            .field("extension_id", &self.extension_id)
            .finish()
    }
}

/// A stateful operation of the sandbox (for `serve --help` and coverage tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatefulOperation {
    pub operation_id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
}

/// Every operation of the catalog answered by a stateful handler, sorted by path.
pub fn stateful_operations() -> Vec<StatefulOperation> {
    let mut ops: Vec<_> = handlers::all()
        .into_iter()
        .filter_map(|e| ringcentral_api::operation(e.operation_id))
        .map(|op| StatefulOperation {
            operation_id: op.operation_id,
            method: op.method.as_str(),
            path: op.path,
        })
        .collect();
    ops.sort_by_key(|o| (o.path, o.method));
    ops
}

/// Entry point of the sandbox.
#[derive(Debug)]
pub struct Sandbox;

impl Sandbox {
    /// Seeds (or opens) the store and starts serving; returns once the socket accepts connections.
    pub async fn start(config: SandboxConfig) -> Result<SandboxHandle> {
        Sandbox::start_with_fallback(config, Arc::new(spec::SpecFallback::new())).await
    }

    pub(crate) async fn start_with_fallback(
        config: SandboxConfig,
        fallback: Arc<dyn fallback::Fallback>,
    ) -> Result<SandboxHandle> {
        validate(&config)?;
        let clock = clock::Clock::default();
        let now = clock.now_ms();
        let data = config.data.clone();
        let (seed, users) = (config.seed, config.users);
        let store = tokio::task::spawn_blocking(move || {
            store::Store::open(data.as_deref(), seed, users, now, &seed::Company)
        })
        .await
        .map_err(|e| Error::Config {
            setting: "store",
            reason: e.to_string(),
        })??;
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|source| Error::Bind {
                addr: config.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: config.addr,
            source,
        })?;
        let url = format!("http://{addr}");
        let (router, table) = server::build_routes();
        let state = Arc::new(state::AppState {
            faults: faults::Injector::new(config.faults.clone(), config.seed),
            store,
            clock,
            token_ttl_s: config.token_ttl.as_secs().max(1) as i64,
            refresh_ttl_s: config.refresh_ttl.as_secs().max(1) as i64,
            router,
            handlers: table,
            fallback,
            checker: spec::SpecAnswerer::new(),
            scim_rules: config.scim_rules,
            webhook_validation: config.webhook_validation,
            limits: limits::RateLimiter::new(config.rate_limits),
            stats: Default::default(),
            body_timeout: config.body_timeout,
            local_url: url.clone(),
            runtime: tokio::runtime::Handle::current(),
            webhooks: reqwest::Client::new(),
        });
        let (tx, rx) = watch::channel(false);
        let conns = server::ConnConfig {
            max_connections: config
                .max_connections
                .unwrap_or_else(conn::default_max_connections),
            timeouts: conn::Timeouts {
                header: config.header_timeout,
                idle: config.idle_timeout,
            },
        };
        let task = tokio::spawn(server::serve(
            listener,
            server::app(state.clone()),
            conns,
            state.stats.clone(),
            rx,
        ));
        Ok(SandboxHandle {
            url,
            addr,
            state,
            shutdown: tx,
            task,
        })
    }
}

fn validate(config: &SandboxConfig) -> Result<()> {
    if config.users == 0 || config.users > 1_000_000 {
        return Err(Error::Config {
            setting: "users",
            reason: format!("{} is out of range; use 1 to 1000000", config.users),
        });
    }
    for (setting, d) in [
        ("header-timeout", config.header_timeout),
        ("body-timeout", config.body_timeout),
        ("idle-timeout", config.idle_timeout),
    ] {
        if d.is_zero() {
            return Err(Error::Config {
                setting,
                reason: "must be longer than zero".into(),
            });
        }
    }
    if config.max_connections == Some(0) {
        return Err(Error::Config {
            setting: "max-connections",
            reason: "must be at least one".into(),
        });
    }
    if config.token_ttl.is_zero() {
        return Err(Error::Config {
            setting: "token-ttl",
            reason: "must be at least one second".into(),
        });
    }
    Ok(())
}

/// A running sandbox.
pub struct SandboxHandle {
    url: String,
    addr: SocketAddr,
    state: Arc<state::AppState>,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("url", &self.url)
            .finish()
    }
}

impl SandboxHandle {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Credentials of the account's administrator.
    pub fn credentials(&self) -> Credentials {
        let meta = self.state.store.meta();
        admin_credentials(&self.state.store, self.state.clock.now_s(), meta.admin_id)
    }

    /// Credentials of the user with this login email.
    pub fn credentials_for(&self, email: &str) -> Result<Credentials> {
        user_credentials(&self.state.store, email, self.state.clock.now_s())
    }

    /// The first stdout line of `ringctl sandbox serve`: `{"url","clientId","clientSecret","jwt"}`.
    pub fn startup_line(&self) -> String {
        let c = self.credentials();
        serde_json::json!({
            "url": self.url,
            "clientId": c.client_id,
            "clientSecret": c.client_secret.expose_secret(),
            "jwt": c.jwt.expose_secret(),
        })
        .to_string()
    }

    /// Moves the sandbox's clock forward: tokens expire and rate-limit windows pass without waiting.
    pub fn advance_clock(&self, by: Duration) {
        self.state.clock.advance(by);
    }

    /// The sandbox's clock as milliseconds since the Unix epoch, advances included: the time it
    /// gives new messages and checks token expiry against.
    pub fn now_ms(&self) -> i64 {
        self.state.clock.now_ms()
    }

    /// Replaces the injected faults from the next request on (`FaultSpec::none()` ends them).
    pub fn set_faults(&self, faults: FaultSpec) {
        self.state.faults.set(faults);
    }

    /// The counters of `GET /sandbox/v1/stats`.
    pub fn stats(&self) -> serde_json::Value {
        self.state.stats.to_json()
    }

    /// Stops accepting connections, lets open requests finish, and closes the store.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }
}

fn admin_credentials(store: &store::Store, now_s: i64, admin_id: i64) -> Credentials {
    let meta = store.meta();
    let email = store
        .extension(admin_id)
        .ok()
        .flatten()
        .and_then(|e| e.email)
        .unwrap_or_else(|| ADMIN_EMAIL.to_owned());
    Credentials {
        client_id: meta.client_id.clone(),
        client_secret: meta.client_secret.clone(),
        jwt: SecretString::from(handlers::oauth::jwt_credential(
            store,
            admin_id,
            store::MAIN_ACCOUNT_ID,
            now_s,
        )),
        email,
        extension_id: admin_id,
        account_id: store::MAIN_ACCOUNT_ID,
    }
}

fn user_credentials(store: &store::Store, email: &str, now_s: i64) -> Result<Credentials> {
    let ext = store
        .extension_by_email(email)?
        .filter(|e| e.is_user())
        .ok_or_else(|| Error::UnknownUser(email.to_owned()))?;
    let meta = store.meta();
    Ok(Credentials {
        client_id: meta.client_id.clone(),
        client_secret: meta.client_secret.clone(),
        jwt: SecretString::from(handlers::oauth::jwt_credential(
            store,
            ext.id,
            ext.account_id,
            now_s,
        )),
        email: ext.email.unwrap_or_default(),
        extension_id: ext.id,
        account_id: ext.account_id,
    })
}

fn wall_now_ms() -> i64 {
    clock::Clock::default().now_ms()
}

/// Credentials for a user of the sandbox kept in `data` (the administrator when `user_email` is
/// `None`), without serving. A new data file is seeded with the defaults first.
pub fn credentials(data: &Path, user_email: Option<&str>) -> Result<Credentials> {
    let now = wall_now_ms();
    let store = store::Store::open(Some(data), 1, DEFAULT_USERS, now, &seed::Company)?;
    match user_email {
        None => Ok(admin_credentials(&store, now / 1000, store.meta().admin_id)),
        Some(email) => user_credentials(&store, email, now / 1000),
    }
}

/// Throws away the state kept in `data` and seeds a fresh company of the same seed and size, with
/// new client credentials and signing key (so tokens and JWTs issued before stop working).
pub fn reset(data: &Path) -> Result<()> {
    let (seed, users) = match data.exists() {
        true => {
            match store::Store::open(Some(data), 1, DEFAULT_USERS, wall_now_ms(), &seed::Company) {
                Ok(s) => (s.meta().seed, s.meta().users),
                Err(_) => (1, DEFAULT_USERS),
            }
        }
        false => (1, DEFAULT_USERS),
    };
    store::remove_data_file(data)?;
    store::Store::open(Some(data), seed, users, wall_now_ms(), &seed::Company)?;
    Ok(())
}
