//! What a command runs in: the home directory, output settings, an async runtime, and, for commands
//! that talk to an API, a [`Session`]: the chosen connection's client, with the embedded sandbox
//! started in-process when the connection is the sandbox.

use std::sync::Arc;
use std::time::Duration;

use ringcentral::{Client, ErrorKind, FileTokenStore, SecretString};
use ringcentral_sandbox::{RateLimitMode, Sandbox, SandboxConfig, SandboxHandle};

use crate::config::{self, Connection, Home, Kind};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::Output;

pub struct Ctx {
    pub home: Home,
    pub out: Output,
    /// `-c/--connection`.
    pub connection: Option<String>,
    runtime: tokio::runtime::Runtime,
}

/// A connection ready to use.
pub struct Session {
    pub client: Client,
    pub connection: Connection,
    /// Keeps the embedded sandbox serving while the command runs (it stops when dropped).
    pub _sandbox: Option<SandboxHandle>,
}

impl Ctx {
    pub fn new(out: Output, connection: Option<String>) -> CliResult<Ctx> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))?;
        Ok(Ctx {
            home: Home::resolve()?,
            out,
            connection,
            runtime,
        })
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// The connection a command should use: `-c`, else the default, else the embedded sandbox
    /// (registered on first use, with a note on stderr).
    pub fn connection(&self) -> CliResult<Connection> {
        self.resolve(self.connection.as_deref())
    }

    pub fn resolve(&self, name_or_id: Option<&str>) -> CliResult<Connection> {
        let registry = self.home.registry()?;
        if let Some(wanted) = name_or_id {
            return registry.find(wanted).cloned().ok_or_else(|| {
                CliError::new(Exit::Auth, format!("no connection named `{wanted}`")).hint(
                    "Run `ringctl connection list` to see them, or `ringctl login` to add one.",
                )
            });
        }
        if let Some(connection) = registry.default_connection() {
            return Ok(connection.clone());
        }
        let connection = self.home.update(|registry| {
            if let Some(existing) = registry.find(config::SANDBOX_ID) {
                return Ok(existing.clone());
            }
            let connection = sandbox_connection(config::SANDBOX_ID, config::SANDBOX_ID, None);
            registry.upsert(connection.clone());
            Ok(connection)
        })?;
        self.out.note(
            "note: no connection is configured, so ringctl uses its embedded sandbox (connection `sandbox`). `ringctl login` connects to RingCentral.",
        );
        Ok(connection)
    }

    /// Opens the connection `-c` names (or the default): a client whose tokens refresh by themselves.
    pub fn session(&self) -> CliResult<Session> {
        let connection = self.connection()?;
        self.session_of(connection)
    }

    /// Opens a resolved connection; an embedded sandbox connection learns whose it is on first use.
    pub fn session_of(&self, connection: Connection) -> CliResult<Session> {
        let session = self.block_on(open_session(&self.home, connection))?;
        if session.connection.kind == Kind::Sandbox && session.connection.owner.is_none() {
            // The embedded connection was registered before its first login; record whose it is.
            let identified = self.block_on(crate::commands::connection::identify(&session))?;
            self.home.update(|registry| {
                registry.upsert(identified.clone());
                Ok(())
            })?;
        }
        Ok(session)
    }
}

/// A new embedded-sandbox connection record.
pub fn sandbox_connection(id: &str, name: &str, users: Option<usize>) -> Connection {
    Connection {
        id: id.to_string(),
        name: name.to_string(),
        kind: Kind::Sandbox,
        server: config::EMBEDDED.to_string(),
        client_id: String::new(),
        owner: None,
        account_id: None,
        extension_id: None,
        created_at: chrono::Utc::now(),
        sandbox_users: users,
    }
}

/// Starts the embedded sandbox of a connection, on a free loopback port, with its state in the
/// connection's data file.
pub async fn start_embedded(home: &Home, connection: &Connection) -> CliResult<SandboxHandle> {
    let config = SandboxConfig {
        data: Some(home.sandbox_data(&connection.id)),
        users: connection
            .sandbox_users
            .unwrap_or(ringcentral_sandbox::DEFAULT_USERS),
        rate_limits: RateLimitMode::Off,
        ..SandboxConfig::default()
    };
    Sandbox::start(config).await.map_err(|e| {
        CliError::failure(format!("cannot start the embedded sandbox: {e}"))
            .hint("`ringctl sandbox reset` starts it afresh.")
    })
}

pub async fn open_session(home: &Home, mut connection: Connection) -> CliResult<Session> {
    let store = Arc::new(FileTokenStore::new(home.token_path(&connection.id)));
    let builder = Client::builder()
        .user_agent(format!("ringctl/{}", env!("CARGO_PKG_VERSION")))
        .token_store(store);
    let (builder, sandbox) = match connection.kind {
        Kind::Sandbox => {
            let handle = start_embedded(home, &connection).await?;
            let credentials = handle.credentials();
            connection.client_id = credentials.client_id.clone();
            let builder = builder
                .server(handle.url())
                .client_id(credentials.client_id.clone())
                .client_secret(credentials.client_secret.clone())
                .jwt(credentials.jwt.clone())
                // The embedded sandbox does not rate-limit; pacing requests would only slow it.
                .rate_limits_enabled(false)
                .timeout(Some(Duration::from_secs(30)));
            (builder, Some(handle))
        }
        Kind::Jwt | Kind::Browser => {
            let secrets = home.secrets(&connection.id)?;
            let mut builder = builder
                .server(connection.server.clone())
                .client_id(connection.client_id.clone());
            if let Some(secret) = secrets.client_secret {
                builder = builder.client_secret(secret);
            }
            if let Some(jwt) = secrets.jwt {
                builder = builder.jwt(jwt);
            }
            (builder, None)
        }
    };
    let client = builder.build().map_err(runtime_error)?;
    Ok(Session {
        client,
        connection,
        _sandbox: sandbox,
    })
}

/// A runtime error as the user sees it, with the exit code the contract gives its kind.
pub fn runtime_error(err: ringcentral::Error) -> CliError {
    let exit = match err.kind() {
        ErrorKind::Api | ErrorKind::Transport | ErrorKind::Decode | ErrorKind::Store => {
            Exit::Failure
        }
        ErrorKind::Auth => Exit::Auth,
        ErrorKind::RateLimited => Exit::RateLimited,
        ErrorKind::Input => Exit::Usage,
    };
    let hint = match err.kind() {
        ErrorKind::Auth => Some(format!(
            "{} with `ringctl login` (or `ringctl connection list` to pick another connection).",
            err.hint().unwrap_or("Log in again")
        )),
        _ => err
            .hint()
            .or_else(|| err.status().and_then(api_hint))
            .map(|h| format!("{h}.")),
    };
    let mut cli = CliError::new(exit, err.to_string()).api(
        err.status(),
        err.error_code().map(str::to_string),
        err.request_id().map(str::to_string),
    );
    cli.hint = hint;
    cli
}

/// What to do about an API error the runtime has no hint for, by its status.
pub fn api_hint(status: u16) -> Option<&'static str> {
    Some(match status {
        400 | 415 | 422 => {
            "The server refused the request as sent; `ringctl action show KEY` lists what an action takes"
        }
        401 => "Log in again with `ringctl login`",
        403 => "The app or the user lacks a permission the operation needs",
        404 => "Check the ids in the request: a list action shows which exist",
        405 => {
            "The path does not take this method; `ringctl action list` shows each action's method"
        }
        409 => "The resource changed or is in use; read it again and retry",
        429 => "Wait for the rate-limit window to pass and retry",
        500..=599 => "The server failed; retry later, and quote the request id if it persists",
        _ => return None,
    })
}

/// Reads a secret given on the command line, where `-` means stdin, or from a file.
pub fn read_secret(
    what: &str,
    value: Option<&str>,
    file: Option<&std::path::Path>,
) -> CliResult<Option<SecretString>> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::usage(format!(
                "cannot read the {what} from {}: {e}",
                path.display()
            ))
        })?;
        return non_empty(what, text).map(Some);
    }
    match value {
        None => Ok(None),
        Some("-") => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| CliError::usage(format!("cannot read the {what} from stdin: {e}")))?;
            non_empty(what, text).map(Some)
        }
        Some(text) => non_empty(what, text.to_string()).map(Some),
    }
}

fn non_empty(what: &str, text: String) -> CliResult<SecretString> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(CliError::usage(format!("the {what} is empty")));
    }
    Ok(SecretString::from(trimmed.to_string()))
}

/// The first set environment variable among RingCentral's spellings (`RC_X`, `RINGCENTRAL_X`).
pub fn env_setting(name: &str) -> Option<String> {
    [format!("RC_{name}"), format!("RINGCENTRAL_{name}")]
        .into_iter()
        .find_map(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
}
