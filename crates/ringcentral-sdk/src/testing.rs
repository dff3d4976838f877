//! The embedded RingCentral sandbox as a fixture for the tests of code that uses this SDK: a seeded
//! company served in-process on loopback, a client already logged in to it, faults that can be
//! switched on and off while it runs, and a clock the test moves forward.
//!
//! Behind the `sandbox` feature, so that the SDK does not bring the server in by default:
//!
//! ```toml
//! [dev-dependencies]
//! ringcentral-sdk = { version = "*", features = ["sandbox"] }
//! ```
//!
//! ```
//! use ringcentral_sdk::Services;
//! use ringcentral_sdk::testing::Sandbox;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start().await?;
//! let me = sandbox.client().user_settings().read_extension(Default::default()).await?;
//! assert_eq!(me.id, Some(sandbox.credentials().extension_id));
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! # tokio::runtime::Runtime::new().map_err(|e| e.to_string())?.block_on(run()).map_err(|e| e.to_string())?;
//! # Ok::<(), String>(())
//! ```
//!
//! A complete test with faults and the clock (this crate's own `tests/fixture.rs`, run by
//! `cargo test -p ringcentral-sdk --features sandbox`):
//!
#![doc = concat!("```ignore\n", include_str!("../tests/fixture.rs"), "```")]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ringcentral::{Client, RetryPolicy};
use ringcentral_sandbox::{FaultSpec, SandboxConfig, SandboxHandle};

pub use ringcentral_sandbox::Credentials;

/// Why the fixture could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The sandbox did not start (a bad setting, or no port to listen on).
    #[error("the sandbox did not start: {0}")]
    Start(#[from] ringcentral_sandbox::Error),
    /// The client could not be built or could not log in.
    #[error("the sandbox client could not log in: {0}")]
    Login(#[from] ringcentral::Error),
    /// A fault specification that does not parse.
    #[error("{0}")]
    Faults(String),
}

/// How to start a [`Sandbox`]: the size and seed of its company, token lifetimes, faults from the
/// first request on.
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    config: SandboxConfig,
    retries: Option<RetryPolicy>,
}

impl SandboxBuilder {
    /// Users of the seeded company (50 by default).
    pub fn users(mut self, users: usize) -> Self {
        self.config.users = users;
        self
    }

    /// The seed the company (names, numbers, messages) and the fault dice are drawn from: the same
    /// seed gives the same company.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// How long access tokens live (an hour by default).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.config.token_ttl = ttl;
        self
    }

    /// Faults from the start, in the grammar of `ringctl sandbox serve --faults`
    /// (`5xx=0.1,latency=20ms@0.5`, ...).
    pub fn faults(mut self, spec: &str) -> Result<Self, SandboxError> {
        self.config.faults = parse_faults(spec)?;
        Ok(self)
    }

    /// The retry policy of the client [`Sandbox::client`] gives (the runtime's default otherwise).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retries = Some(policy);
        self
    }

    /// Starts the sandbox and logs a client in as the account's administrator.
    pub async fn start(self) -> Result<Sandbox, SandboxError> {
        let handle = ringcentral_sandbox::Sandbox::start(self.config).await?;
        let credentials = handle.credentials();
        let client = match login(&handle, &credentials, self.retries).await {
            Ok(client) => client,
            Err(e) => {
                handle.shutdown().await;
                return Err(e);
            }
        };
        Ok(Sandbox {
            handle,
            client,
            retries: self.retries,
        })
    }
}

/// A running sandbox with a client logged in as its administrator. Dropping it without
/// [`Sandbox::shutdown`] leaves the server to end with the test's runtime.
#[derive(Debug)]
pub struct Sandbox {
    handle: SandboxHandle,
    client: Client,
    retries: Option<RetryPolicy>,
}

impl Sandbox {
    /// A sandbox with the default company (50 users, seed 1) and a logged-in client.
    pub async fn start() -> Result<Sandbox, SandboxError> {
        Sandbox::builder().start().await
    }

    pub fn builder() -> SandboxBuilder {
        SandboxBuilder {
            config: SandboxConfig::default(),
            retries: None,
        }
    }

    /// The client logged in as the account's administrator: use the SDK's services on it.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A new client logged in as the user with this login email.
    pub async fn client_for(&self, email: &str) -> Result<Client, SandboxError> {
        let credentials = self.handle.credentials_for(email)?;
        login(&self.handle, &credentials, self.retries).await
    }

    /// The administrator's login: account and extension ids, email, app credentials.
    pub fn credentials(&self) -> Credentials {
        self.handle.credentials()
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`, for code that builds its own client.
    pub fn url(&self) -> &str {
        self.handle.url()
    }

    /// Injects faults from the next request on, in the grammar of `ringctl sandbox serve
    /// --faults`: `503=1` fails every request with a 503, `5xx=0.2,latency=50ms` fails a fifth of
    /// them and slows all.
    pub fn set_faults(&self, spec: &str) -> Result<(), SandboxError> {
        self.handle.set_faults(parse_faults(spec)?);
        Ok(())
    }

    /// Ends injected faults.
    pub fn clear_faults(&self) {
        self.handle.set_faults(FaultSpec::none());
    }

    /// Moves the sandbox's clock forward: tokens expire, rate-limit windows pass and new
    /// messages are dated later, without waiting.
    pub fn advance_clock(&self, by: Duration) {
        self.handle.advance_clock(by);
    }

    /// The sandbox's time, advances included.
    pub fn now(&self) -> SystemTime {
        let ms = self.handle.now_ms();
        UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }

    /// What the server counted: requests by operation and status, faults injected.
    pub fn stats(&self) -> serde_json::Value {
        self.handle.stats()
    }

    /// The underlying server, for what this fixture does not wrap.
    pub fn handle(&self) -> &SandboxHandle {
        &self.handle
    }

    /// Stops the server after the requests in flight.
    pub async fn shutdown(self) {
        self.handle.shutdown().await;
    }
}

fn parse_faults(spec: &str) -> Result<FaultSpec, SandboxError> {
    spec.parse().map_err(SandboxError::Faults)
}

async fn login(
    handle: &SandboxHandle,
    credentials: &Credentials,
    retries: Option<RetryPolicy>,
) -> Result<Client, SandboxError> {
    let mut builder = Client::builder()
        .server(handle.url())
        .client_id(credentials.client_id.clone())
        .client_secret(credentials.client_secret.clone())
        .jwt(credentials.jwt.clone())
        // The sandbox does not rate-limit unless asked to; pacing would only slow tests down.
        .rate_limits_enabled(false)
        .timeout(Some(Duration::from_secs(30)));
    if let Some(policy) = retries {
        builder = builder.retry_policy(policy);
    }
    let client = builder.build()?;
    client.login_jwt(&credentials.jwt).await?;
    Ok(client)
}
