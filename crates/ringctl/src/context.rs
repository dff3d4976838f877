//! What a command runs in: the home directory, output settings, an async runtime, and, for commands
//! that talk to an API, a [`Session`]: the chosen connection's client, with the embedded sandbox
//! started in-process when the connection is the sandbox.
//!
//! Which connection a command uses is decided in one place, [`Ctx::choose`], in the contract's
//! order: `-c`, `RINGCTL_CONNECTION`, the `RC_*` variables, the default connection, the embedded
//! sandbox. Sessions open in one place too, [`Ctx::session_of`], which is where a command served by
//! the embedded sandbox says so.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ringcentral::{Client, ErrorKind, FileTokenStore, SecretString, TokenStore};
use ringcentral_sandbox::{RateLimitMode, Sandbox, SandboxConfig, SandboxHandle};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use crate::config::{self, Connection, Home, Kind, Secrets};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::Output;

/// The variable that names a connection for every command of a shell.
pub const CONNECTION_VAR: &str = "RINGCTL_CONNECTION";

pub struct Ctx {
    pub home: Home,
    pub out: Output,
    /// `-c/--connection`.
    pub connection: Option<String>,
    runtime: tokio::runtime::Runtime,
    /// Why the last connection was chosen, for the embedded sandbox's notice.
    reason: Cell<Option<Reason>>,
    /// Whether the command is about to send a write (POST, PUT, PATCH, DELETE).
    writes: Cell<bool>,
}

/// Why a command uses the connection it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// `-c/--connection` (or a connection given as an argument).
    Flag,
    /// `RINGCTL_CONNECTION`.
    Variable,
    /// The `RC_*` variables, a connection of their own.
    Environment,
    /// The default connection.
    Default,
    /// Nothing else applied.
    Embedded,
}

impl Reason {
    /// A stable word for JSON output.
    pub fn key(self) -> &'static str {
        match self {
            Reason::Flag => "flag",
            Reason::Variable => "RINGCTL_CONNECTION",
            Reason::Environment => "environment",
            Reason::Default => "default",
            Reason::Embedded => "embedded",
        }
    }

    /// The reason in words.
    pub fn explain(self) -> &'static str {
        match self {
            Reason::Flag => "named by -c/--connection",
            Reason::Variable => "named by RINGCTL_CONNECTION",
            Reason::Environment => "formed by the RC_SERVER_URL, RC_CLIENT_ID and RC_JWT variables",
            Reason::Default => "the default connection",
            Reason::Embedded => "no connection is configured, so the embedded sandbox",
        }
    }
}

/// A connection and why it was chosen.
pub struct Chosen {
    pub connection: Connection,
    pub reason: Reason,
}

/// A connection ready to use.
pub struct Session {
    pub client: Client,
    pub connection: Connection,
    /// Keeps the embedded sandbox serving while the command runs (it stops when dropped).
    pub _sandbox: Option<SandboxHandle>,
    /// What opening the session had to repair, for the user to read.
    pub notes: Vec<String>,
}

impl Session {
    /// The session's connection with whose it is filled in, from the current extension.
    pub async fn identify(&self) -> CliResult<Connection> {
        let mut connection = self.connection.clone();
        let me: serde_json::Value = self
            .client
            .send(
                ringcentral::Request::get("/restapi/v1.0/account/~/extension/~")
                    .group(ringcentral::ThrottlingGroup::Light),
            )
            .await
            .map_err(runtime_error)?
            .json_value()
            .map_err(runtime_error)?;
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        connection.extension_id = text(&me["id"]);
        connection.account_id = text(&me["account"]["id"]);
        connection.owner = text(&me["contact"]["email"]).or_else(|| text(&me["name"]));
        Ok(connection)
    }
}

/// Whether a request of this method changes something at the server: POST, PUT, PATCH and
/// DELETE do, GET does not. The embedded sandbox's notice says of a write that nothing was sent
/// to RingCentral.
pub fn is_write(method: ringcentral_api::Method) -> bool {
    !matches!(method, ringcentral_api::Method::Get)
}

impl Ctx {
    /// A context whose runtime runs on the calling thread, or, for a `server` that answers many
    /// clients at once, on two worker threads. A command's requests wait on the network rather than
    /// the processor; on one thread, the allocator keeps one arena instead of one per worker, each
    /// holding freed pages of a long listing (BENCHMARKS.md).
    pub fn new(out: Output, connection: Option<String>, server: bool) -> CliResult<Ctx> {
        let mut builder = if server {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(2);
            b
        } else {
            tokio::runtime::Builder::new_current_thread()
        };
        let runtime = builder
            .enable_all()
            .build()
            .map_err(|e| CliError::failure(format!("cannot start the async runtime: {e}")))?;
        Ok(Ctx {
            home: Home::resolve()?,
            out,
            connection,
            runtime,
            reason: Cell::new(None),
            writes: Cell::new(false),
        })
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Says that the command will send a request with this method. A command that writes calls
    /// it before its session opens, so that the embedded sandbox's notice can add that nothing
    /// was sent to RingCentral.
    pub fn sending(&self, method: ringcentral_api::Method) {
        if is_write(method) {
            self.writes.set(true);
        }
    }

    /// The connection a command should use (see [`Ctx::choose`]).
    pub fn connection(&self) -> CliResult<Connection> {
        self.choose().map(|c| c.connection)
    }

    /// The connection a command should use and why: `-c`, else `RINGCTL_CONNECTION`, else the
    /// connection the `RC_*` variables form, else the default, else the embedded sandbox
    /// (registered on first use).
    pub fn choose(&self) -> CliResult<Chosen> {
        let chosen = self.choose_inner()?;
        self.reason.set(Some(chosen.reason));
        Ok(chosen)
    }

    fn choose_inner(&self) -> CliResult<Chosen> {
        if let Some(wanted) = self.connection.as_deref() {
            return Ok(Chosen {
                connection: self.find(wanted, "")?,
                reason: Reason::Flag,
            });
        }
        if let Some(wanted) = std::env::var(CONNECTION_VAR)
            .ok()
            .filter(|v| !v.trim().is_empty())
        {
            return Ok(Chosen {
                connection: self.find(wanted.trim(), " (from RINGCTL_CONNECTION)")?,
                reason: Reason::Variable,
            });
        }
        if let Some(connection) = env_connection() {
            return Ok(Chosen {
                connection,
                reason: Reason::Environment,
            });
        }
        let registry = self.home.registry()?;
        if let Some(connection) = registry.default_connection() {
            let reason = if connection.id == config::SANDBOX_ID && registry.connections.len() == 1 {
                Reason::Embedded
            } else {
                Reason::Default
            };
            return Ok(Chosen {
                connection: connection.clone(),
                reason,
            });
        }
        let connection = self.home.update(|registry| {
            if let Some(existing) = registry.find(config::SANDBOX_ID) {
                return Ok(existing.clone());
            }
            let connection = sandbox_connection(config::SANDBOX_ID, config::SANDBOX_ID, None);
            registry.upsert(connection.clone());
            Ok(connection)
        })?;
        Ok(Chosen {
            connection,
            reason: Reason::Embedded,
        })
    }

    fn find(&self, wanted: &str, source: &str) -> CliResult<Connection> {
        self.home.registry()?.find(wanted).cloned().ok_or_else(|| {
            CliError::new(
                Exit::Auth,
                format!("no connection named `{wanted}`{source}"),
            )
            .hint("Run `ringctl connection list` to see them, or `ringctl login` to add one.")
        })
    }

    /// A connection by name or id, or the chosen one (see [`Ctx::choose`]) when none is given.
    pub fn resolve(&self, name_or_id: Option<&str>) -> CliResult<Connection> {
        match name_or_id {
            Some(wanted) => {
                let connection = self.find(wanted, "")?;
                self.reason.set(Some(Reason::Flag));
                Ok(connection)
            }
            None => self.connection(),
        }
    }

    /// Opens the chosen connection: a client whose tokens refresh by themselves.
    pub fn session(&self) -> CliResult<Session> {
        let connection = self.connection()?;
        self.session_of(connection)
    }

    /// Opens a resolved connection. A connection served by the embedded sandbox says so on stderr,
    /// every time; an embedded connection learns whose it is on first use.
    pub fn session_of(&self, connection: Connection) -> CliResult<Session> {
        if connection.kind == Kind::Sandbox {
            self.out.note(&embedded_notice(
                &connection.name,
                self.reason.get() == Some(Reason::Embedded),
                self.writes.get(),
            ));
        }
        let session = self.block_on(open_session(&self.home, connection))?;
        // Waits and retries show on the progress line, whichever command draws it.
        self.runtime
            .spawn(crate::progress::forward(session.client.events()));
        for note in &session.notes {
            self.out.note(note);
        }
        if session.connection.kind == Kind::Sandbox && session.connection.owner.is_none() {
            // The embedded connection was registered before its first login; record whose it is.
            let identified = self.block_on(session.identify())?;
            self.home.update(|registry| {
                registry.upsert(identified.clone());
                Ok(())
            })?;
        }
        Ok(session)
    }
}

/// The one line a command served by the embedded sandbox prints on stderr.
pub fn embedded_notice(name: &str, nothing_configured: bool, writes: bool) -> String {
    let mut line = format!("note: served by ringctl's embedded sandbox (connection `{name}`)");
    line.push_str(if writes {
        ": nothing was sent to RingCentral."
    } else {
        ", not by RingCentral."
    });
    if nothing_configured {
        line.push_str(" No connection is configured; `ringctl login` connects to RingCentral.");
    }
    line
}

/// The connection the `RC_*` variables form when `RC_SERVER_URL`, `RC_CLIENT_ID` and `RC_JWT` are
/// all set: its id is a hash of the server and client id, which keys its token cache.
pub fn env_connection() -> Option<Connection> {
    let server = env_setting("SERVER_URL").or_else(|| env_setting("SERVER"))?;
    let server = server.trim();
    let client_id = env_setting("CLIENT_ID")?;
    let client_id = client_id.trim();
    env_setting("JWT")?;
    let key = hex(&Sha256::digest(format!("{server}\n{client_id}").as_bytes()))[..16].to_string();
    Some(Connection {
        id: format!("env-{key}"),
        name: "environment".into(),
        kind: Kind::Environment,
        server: server.to_string(),
        client_id: client_id.to_string(),
        owner: None,
        account_id: None,
        extension_id: None,
        created_at: chrono::Utc::now(),
        sandbox_users: None,
    })
}

/// The secrets the `RC_*` variables give.
fn env_secrets() -> Secrets {
    Secrets {
        client_secret: env_setting("CLIENT_SECRET").map(SecretString::from),
        jwt: env_setting("JWT").map(SecretString::from),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
    let data = home.sandbox_data(&connection.id);
    private_database(&data)?;
    let config = SandboxConfig {
        data: Some(data),
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

/// Makes the embedded sandbox's database readable by its owner only: it holds the sandbox's
/// client secret and signing key. A new one is created empty with mode 0600 (SQLite gives its
/// journal files the database's mode); one from before is tightened.
fn private_database(data: &Path) -> CliResult<()> {
    if let Some(dir) = data.parent() {
        config::create_private_dir(dir)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(data)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let mut path = data.as_os_str().to_owned();
                    path.push(suffix);
                    let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
                }
            }
            Err(e) => return Err(config::io_error("create", data, e)),
        }
    }
    Ok(())
}

/// Opens a connection with its own token file and stored (or, for the environment's, given)
/// secrets. An unreadable token file is moved aside first: a connection with a JWT logs in again
/// by itself, any other has to be logged in again by the user.
pub async fn open_session(home: &Home, connection: Connection) -> CliResult<Session> {
    let path = home.token_file(&connection);
    let secrets = match connection.kind {
        Kind::Environment => {
            let secrets = env_secrets();
            forget_tokens_of_another_jwt(&path, secrets.jwt.as_ref())?;
            secrets
        }
        Kind::Jwt | Kind::Browser => home.secrets(&connection.id)?,
        Kind::Sandbox => Secrets::default(),
    };
    let mut notes = Vec::new();
    if let Some(aside) = set_aside_if_corrupt(&path)? {
        let relogs = connection.kind != Kind::Browser
            && (secrets.jwt.is_some() || connection.kind == Kind::Sandbox);
        if !relogs {
            return Err(CliError::new(
                Exit::Auth,
                format!(
                    "the token file of connection `{}` was unreadable; it was moved to {}",
                    connection.name,
                    aside.display()
                ),
            )
            .hint(format!("Log in again: {}.", login_command(&connection))));
        }
        notes.push(format!(
            "note: the token file of connection `{}` was unreadable, so it was moved to {} and ringctl logs in again with the stored JWT.",
            connection.name,
            aside.display()
        ));
    }
    let store: Arc<dyn TokenStore> = Arc::new(FileTokenStore::new(path));
    let mut session = open_session_with(home, connection, store, secrets).await?;
    session.notes = notes;
    Ok(session)
}

/// The command that logs a connection in again.
pub fn login_command(connection: &Connection) -> String {
    match connection.kind {
        Kind::Sandbox => format!("`ringctl connect --sandbox --name {}`", connection.name),
        Kind::Environment => "check RC_JWT and RC_CLIENT_SECRET".to_string(),
        Kind::Browser => format!(
            "`ringctl login --browser --name {} --server {} --client-id {}`",
            connection.name, connection.server, connection.client_id
        ),
        Kind::Jwt => format!(
            "`ringctl login --name {} --server {} --client-id {} --client-secret-file PATH --jwt-file PATH`",
            connection.name, connection.server, connection.client_id
        ),
    }
}

/// Moves an unreadable token file aside (`token.json.corrupt-TIME`) and returns where it went.
fn set_aside_if_corrupt(path: &Path) -> CliResult<Option<PathBuf>> {
    match FileTokenStore::new(path).load() {
        Err(ringcentral::Error::StoreFormat { .. }) => {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(format!(
                ".corrupt-{}",
                chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f")
            ));
            let aside = path.with_file_name(name);
            std::fs::rename(path, &aside).map_err(|e| config::io_error("move aside", path, e))?;
            Ok(Some(aside))
        }
        _ => Ok(None),
    }
}

/// The environment's token cache is keyed by server and client id; when `RC_JWT` names another
/// user than the cached tokens were issued for, those tokens are dropped rather than used.
fn forget_tokens_of_another_jwt(path: &Path, jwt: Option<&SecretString>) -> CliResult<()> {
    let Some(jwt) = jwt else { return Ok(()) };
    let Some(dir) = path.parent() else {
        return Ok(());
    };
    let fingerprint = hex(&Sha256::digest(jwt.expose_secret().as_bytes()));
    let marker = dir.join("jwt.sha256");
    let known = std::fs::read_to_string(&marker).unwrap_or_default();
    if known.trim() != fingerprint {
        let _ = std::fs::remove_file(path);
        config::write_private(&marker, fingerprint.as_bytes())?;
    }
    Ok(())
}

/// A client that only prepares requests for a dry run: the connection's server and app, with a
/// stand-in secret where the app has one, so that the token endpoints show HTTP Basic as they will
/// be sent. It starts nothing and logs in to nothing. The second value stands for the server in
/// the URLs shown when the real one is not known yet (the embedded sandbox picks its port when it
/// starts).
pub fn dry_run_client(
    home: &Home,
    connection: &Connection,
) -> CliResult<(Client, Option<&'static str>)> {
    let builder = Client::builder().user_agent(user_agent());
    let stand_in = || SecretString::from(ringcentral::REDACTED);
    let (builder, shown) = match connection.kind {
        Kind::Sandbox => (
            builder
                .server("http://127.0.0.1")
                .client_id("sandbox")
                .client_secret(stand_in()),
            Some("http://127.0.0.1:PORT"),
        ),
        Kind::Jwt | Kind::Browser | Kind::Environment => {
            let builder = builder
                .server(connection.server.clone())
                .client_id(connection.client_id.clone());
            let has_secret = match connection.kind {
                Kind::Environment => env_setting("CLIENT_SECRET").is_some(),
                _ => home.secrets(&connection.id)?.client_secret.is_some(),
            };
            let builder = if has_secret {
                builder.client_secret(stand_in())
            } else {
                builder
            };
            (builder, None)
        }
    };
    Ok((builder.build().map_err(runtime_error)?, shown))
}

fn user_agent() -> String {
    format!("ringctl/{}", env!("CARGO_PKG_VERSION"))
}

/// Opens a connection with the token store and secrets given (a login stages both).
pub async fn open_session_with(
    home: &Home,
    mut connection: Connection,
    store: Arc<dyn TokenStore>,
    secrets: Secrets,
) -> CliResult<Session> {
    let builder = Client::builder()
        .user_agent(user_agent())
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
        Kind::Jwt | Kind::Browser | Kind::Environment => {
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
        notes: Vec::new(),
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
    let source = match (file, value) {
        (Some(path), _) => crate::input::Source::File(path),
        (None, Some("-")) => crate::input::Source::Stdin,
        (None, Some(text)) => crate::input::Source::Inline(text),
        (None, None) => return Ok(None),
    };
    non_empty(what, source.text(&format!("the {what}"))?).map(Some)
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
