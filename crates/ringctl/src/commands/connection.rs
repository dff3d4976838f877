//! Connections: `login` (JWT or browser), `login complete`, `logout`, `connect`, `search
//! --elementType=connector`, and `connection list|show|default|remove`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde_json::{Value, json};

use ringcentral::{
    AuthorizationCode, Client, FileTokenStore, LoopbackListener, MemoryTokenStore,
    PRODUCTION_SERVER, StoreContents, TokenStore,
};

use crate::cli::{
    ConnectArgs, ConnectionIdArgs, LoginArgs, LoginCommand, LoginCompleteArgs, LogoutArgs,
    SearchArgs,
};
use crate::config::{self, Connection, Home, Kind, Secrets};
use crate::context::{
    CONNECTION_VAR, Ctx, Session, env_connection, env_setting, open_session, open_session_with,
    read_secret, runtime_error, sandbox_connection,
};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::View;

const CONNECTOR_PRODUCTION: &str = "ringcentral";
const CONNECTOR_SANDBOX: &str = "ringcentral-sandbox";

/// The token expiry times of a connection, read from its token store.
pub fn token_times(
    home: &Home,
    connection: &Connection,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let store = FileTokenStore::new(home.token_file(connection));
    match store.load() {
        Ok(contents) => match contents.token {
            Some(token) => (Some(token.expires_at), token.refresh_token_expires_at),
            None => (None, None),
        },
        Err(_) => (None, None),
    }
}

/// A connection as `connection list` shows it. Never a secret.
fn connection_json(home: &Home, connection: &Connection, is_default: bool) -> Value {
    let (expires, refresh_expires) = token_times(home, connection);
    json!({
        "id": connection.id,
        "name": connection.name,
        "kind": connection.kind,
        "server": connection.server,
        "clientId": connection.client_id,
        "owner": connection.owner,
        "accountId": connection.account_id,
        "extensionId": connection.extension_id,
        "default": is_default,
        "tokenExpiresAt": expires,
        "refreshTokenExpiresAt": refresh_expires,
        "createdAt": connection.created_at,
    })
}

fn connection_view(home: &Home, connection: &Connection, is_default: bool) -> View {
    let value = connection_json(home, connection, is_default);
    let text = |k: &str| value[k].as_str().unwrap_or_default().to_string();
    View::Record {
        fields: vec![
            ("Id", connection.id.clone()),
            ("Name", connection.name.clone()),
            ("Server", connection.server.clone()),
            ("Owner", connection.owner.clone().unwrap_or_default()),
            ("Account", connection.account_id.clone().unwrap_or_default()),
            (
                "Extension",
                connection.extension_id.clone().unwrap_or_default(),
            ),
            (
                "Default",
                if is_default {
                    "yes".into()
                } else {
                    "no".into()
                },
            ),
            ("Token expires", text("tokenExpiresAt")),
            ("Session expires", text("refreshTokenExpiresAt")),
        ],
        json: value,
        sections: Vec::new(),
    }
}

/// Records a connection in the registry. A login (`takes_default`) makes its connection the
/// default when there is none or the default is an embedded sandbox, and says so.
fn register(ctx: &Ctx, connection: &Connection, takes_default: bool) -> CliResult<bool> {
    let (is_default, replaced) = ctx.home.update(|registry| {
        let current = registry
            .default
            .as_deref()
            .and_then(|d| registry.find(d))
            .cloned();
        registry.upsert(connection.clone());
        let replaced = match &current {
            None => takes_default.then_some(None),
            Some(c) if c.id != connection.id && c.kind == Kind::Sandbox && takes_default => {
                Some(Some(c.name.clone()))
            }
            Some(_) => None,
        };
        if replaced.is_some() || current.is_none() {
            registry.default = Some(connection.id.clone());
        }
        if registry.pending_login.as_deref() == Some(connection.id.as_str()) {
            registry.pending_login = None;
        }
        Ok((
            registry.default.as_deref() == Some(connection.id.as_str()),
            replaced,
        ))
    })?;
    match replaced {
        Some(Some(sandbox)) => ctx.out.note(&format!(
            "note: `{}` is now the default connection, in place of the embedded sandbox `{sandbox}`.",
            connection.name
        )),
        Some(None) => ctx.out.note(&format!(
            "note: `{}` is now the default connection.",
            connection.name
        )),
        None => {}
    }
    Ok(is_default)
}

/// A short connection name for a server: `ringcentral`, `ringcentral-devtest`, or the host.
fn name_for_server(server: &str) -> String {
    let host = url::Url::parse(server)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| server.to_string());
    match host.as_str() {
        "platform.ringcentral.com" => "ringcentral".into(),
        "platform.devtest.ringcentral.com" => "ringcentral-devtest".into(),
        "127.0.0.1" | "localhost" => "local".into(),
        other => other.to_string(),
    }
}

struct LoginPlan {
    server: String,
    client_id: String,
    client_secret: Option<SecretString>,
    jwt: Option<SecretString>,
    name: String,
}

fn plan(args: &LoginArgs) -> CliResult<LoginPlan> {
    if args.client_secret.as_deref() == Some("-") && args.jwt.as_deref() == Some("-") {
        return Err(CliError::usage(
            "--client-secret - and --jwt - both read stdin, which carries one secret",
        )
        .hint("Give one of them from a file: --client-secret-file PATH or --jwt-file PATH."));
    }
    if let Some(name) = &args.name
        && name.trim().is_empty()
    {
        return Err(CliError::usage("the connection name is empty").hint(
            "Give --name a name (e.g. --name work), or leave it out to name it after the server.",
        ));
    }
    let server = args
        .server
        .clone()
        .or_else(|| env_setting("SERVER_URL"))
        .or_else(|| env_setting("SERVER"))
        .unwrap_or_else(|| PRODUCTION_SERVER.to_string());
    let client_id = args
        .client_id
        .clone()
        .or_else(|| env_setting("CLIENT_ID"))
        .ok_or_else(|| {
            CliError::usage("no client id").hint(
                "Pass --client-id or set RC_CLIENT_ID; the embedded sandbox (`ringctl connect --connectorId=ringcentral-sandbox`) needs none.",
            )
        })?;
    if client_id.trim().is_empty() {
        return Err(CliError::usage("the client id is empty")
            .hint("Pass the app's client id with --client-id or RC_CLIENT_ID."));
    }
    if server.trim().is_empty() {
        return Err(CliError::usage("the server URL is empty")
            .hint("Pass --server URL or RC_SERVER_URL, or leave both unset for RingCentral."));
    }
    let client_secret = match read_secret(
        "client secret",
        args.client_secret.as_deref(),
        args.client_secret_file.as_deref(),
    )? {
        Some(secret) => Some(secret),
        None => env_setting("CLIENT_SECRET").map(SecretString::from),
    };
    let jwt = if args.browser {
        None
    } else {
        match read_secret("JWT", args.jwt.as_deref(), args.jwt_file.as_deref())? {
            Some(jwt) => Some(jwt),
            None => env_setting("JWT").map(SecretString::from),
        }
    };
    let name = args
        .name
        .as_deref()
        .map(|n| n.trim().to_string())
        .unwrap_or_else(|| name_for_server(&server));
    Ok(LoginPlan {
        server,
        client_id,
        client_secret,
        jwt,
        name,
    })
}

pub fn login(ctx: &Ctx, args: &LoginArgs) -> CliResult<View> {
    if let Some(LoginCommand::Complete(complete)) = &args.complete {
        return login_complete(ctx, complete);
    }
    let plan = plan(args)?;
    if plan.jwt.is_none() && !args.browser {
        return Err(CliError::usage("no JWT credential").hint(
            "Pass --jwt-file PATH, --jwt - (stdin) or set RC_JWT; or log in with --browser.",
        ));
    }
    let connection = login_with(ctx, plan, args.no_open, args.redirect_port, args.timeout)?;
    let is_default = ctx.home.registry()?.default.as_deref() == Some(connection.id.as_str());
    Ok(connection_view(&ctx.home, &connection, is_default))
}

/// Logs in per `plan` (JWT when it has one, the browser otherwise) and registers the connection.
///
/// A login is a transaction: the new secrets and tokens are kept apart (in memory for a JWT, in
/// the connection's `.login/` folder for a browser login, which may finish in another process)
/// until the server has accepted them and said whose they are; only then do they replace the old
/// ones, and the old session is revoked at the server. A login that fails leaves the connection as
/// it was.
fn login_with(
    ctx: &Ctx,
    plan: LoginPlan,
    no_open: bool,
    redirect_port: u16,
    timeout: u64,
) -> CliResult<Connection> {
    let registry = ctx.home.registry()?;
    let previous = registry.find(&plan.name).cloned();
    if let Some(p) = &previous
        && p.kind == Kind::Sandbox
    {
        return Err(CliError::usage(format!(
            "`{}` is an embedded sandbox connection, not one to log in to",
            p.name
        ))
        .hint("Pick another --name for the RingCentral connection."));
    }
    let id = match &previous {
        Some(p) => p.id.clone(),
        None => registry.fresh_id(&plan.name),
    };
    let connection = Connection {
        id: id.clone(),
        name: plan.name.clone(),
        kind: if plan.jwt.is_some() {
            Kind::Jwt
        } else {
            Kind::Browser
        },
        server: plan.server.clone(),
        client_id: plan.client_id.clone(),
        owner: None,
        account_id: None,
        extension_id: None,
        created_at: previous.as_ref().map_or_else(Utc::now, |p| p.created_at),
        sandbox_users: None,
    };
    let secrets = Secrets {
        client_secret: plan.client_secret.clone(),
        jwt: plan.jwt.clone(),
    };
    match &plan.jwt {
        Some(jwt) => {
            let staged = Arc::new(MemoryTokenStore::new());
            let identified = ctx.block_on(async {
                let session =
                    open_session_with(&ctx.home, connection, staged.clone(), secrets.clone())
                        .await?;
                session.client.login_jwt(jwt).await.map_err(runtime_error)?;
                session.identify().await
            })?;
            let contents = staged.load().map_err(runtime_error)?;
            commit(ctx, &identified, &secrets, contents, previous.as_ref())?;
            Ok(identified)
        }
        None => {
            let staging = Staging::create(&ctx.home, &connection, &secrets)?;
            let result = ctx.block_on(async {
                let session = staging.open(&ctx.home).await?;
                browser_login(ctx, &session.client, &id, no_open, redirect_port, timeout).await
            });
            match result {
                // The code came to this process: finish here.
                Ok(true) => staging.finish(ctx, previous.as_ref()),
                // `ringctl login complete` finished it in another process.
                Ok(false) => ctx.resolve(Some(&id)),
                Err(err) => {
                    staging.abandon(&ctx.home, previous.is_some());
                    Err(err)
                }
            }
        }
    }
}

/// Swaps a login's secrets and tokens in for the old ones, registers the connection, then revokes
/// the old session at the server.
fn commit(
    ctx: &Ctx,
    identified: &Connection,
    secrets: &Secrets,
    contents: StoreContents,
    previous: Option<&Connection>,
) -> CliResult<bool> {
    let id = &identified.id;
    let live = FileTokenStore::new(ctx.home.token_path(id));
    let old_token = previous
        .and_then(|_| live.load().ok())
        .and_then(|c| c.token);
    let old_secrets = match previous {
        Some(_) => ctx.home.secrets(id).unwrap_or_default(),
        None => Secrets::default(),
    };
    // One rename decides: before it the old login stands whole, after it the new one does.
    let accepted = ctx.home.accepted_dir(id);
    let ready = accepted.with_file_name(".accepted.tmp");
    if ready.exists() {
        std::fs::remove_dir_all(&ready).map_err(|e| config::io_error("remove", &ready, e))?;
    }
    config::create_private_dir(&ctx.home.connection_dir(id))?;
    write_login(&ready, identified, secrets)?;
    FileTokenStore::new(ready.join("token.json"))
        .save(&StoreContents {
            token: contents.token.clone(),
            pending: None,
        })
        .map_err(runtime_error)?;
    if accepted.exists() {
        std::fs::remove_dir_all(&accepted).map_err(|e| config::io_error("remove", &accepted, e))?;
    }
    std::fs::rename(&ready, &accepted).map_err(|e| config::io_error("rename", &ready, e))?;
    let is_default = swap_in(ctx, id)?;
    let replaced = match (&old_token, &contents.token) {
        (Some(old), Some(new)) => old.issued_at != new.issued_at,
        (Some(_), None) => true,
        _ => false,
    };
    if let (Some(previous), Some(old), true) = (previous, old_token, replaced) {
        let revoked = ctx.block_on(revoke(&ctx.home, previous, old, old_secrets));
        if let Err(err) = revoked {
            ctx.out.note(&format!(
                "note: the previous session of `{}` could not be revoked at the server ({}); it ends when its tokens expire.",
                previous.name, err.message
            ));
        }
    }
    Ok(is_default)
}

/// Moves an accepted login's secrets, tokens and registry entry into place, then forgets it. Each
/// step rewrites what the accepted login holds, so running it again after a kill finishes the
/// same swap.
fn swap_in(ctx: &Ctx, id: &str) -> CliResult<bool> {
    let accepted = ctx.home.accepted_dir(id);
    let again = format!("Remove that folder and log in again with `ringctl login --name {id}`.");
    let (connection, secrets) = read_login(&accepted, "accepted", &again)?.ok_or_else(|| {
        CliError::failure(format!(
            "the accepted login in {} is gone",
            accepted.display()
        ))
        .hint(again.clone())
    })?;
    let contents = FileTokenStore::new(accepted.join("token.json"))
        .load()
        .map_err(runtime_error)?;
    ctx.home.save_secrets(id, &secrets)?;
    FileTokenStore::new(ctx.home.token_path(id))
        .save(&contents)
        .map_err(runtime_error)?;
    let is_default = register(ctx, &connection, true)?;
    std::fs::remove_dir_all(&accepted).map_err(|e| config::io_error("remove", &accepted, e))?;
    Ok(is_default)
}

/// Writes a login in progress (the connection it will be and its secrets) into its own 0700
/// folder: a browser login's staging folder, or an accepted login about to be swapped in.
fn write_login(dir: &std::path::Path, connection: &Connection, secrets: &Secrets) -> CliResult<()> {
    config::create_private_dir(dir)?;
    let record = serde_json::to_string(connection)
        .map_err(|e| CliError::failure(format!("cannot encode the connection: {e}")))?;
    config::write_private(&dir.join("connection.json"), record.as_bytes())?;
    config::write_secrets_file(&dir.join("secrets.json"), secrets)
}

/// Reads what [`write_login`] wrote; `None` when the folder holds no login. `what` names the
/// login in an error (`waiting`, `accepted`) and `hint` says what to do about an unreadable one.
fn read_login(
    dir: &std::path::Path,
    what: &str,
    hint: &str,
) -> CliResult<Option<(Connection, Secrets)>> {
    let text = match std::fs::read_to_string(dir.join("connection.json")) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(config::io_error("read", dir, e)),
    };
    let connection: Connection = serde_json::from_str(&text).map_err(|e| {
        CliError::failure(format!(
            "the {what} login in {} is unreadable: {e}",
            dir.display()
        ))
        .hint(hint.to_owned())
    })?;
    let secrets = config::read_secrets_file(&dir.join("secrets.json"))?;
    Ok(Some((connection, secrets)))
}

/// Finishes the swaps of logins accepted by a process that was killed before it had moved them
/// into place, so that no command ever sees half of one.
pub fn finish_swaps(ctx: &Ctx) -> CliResult<()> {
    for id in ctx.home.unfinished_swaps() {
        swap_in(ctx, &id)?;
        ctx.out
            .note(&format!("note: finished the interrupted login of `{id}`."));
    }
    Ok(())
}

/// Revokes a session the connection no longer uses, from its tokens kept in memory.
async fn revoke(
    home: &Home,
    connection: &Connection,
    token: ringcentral::Token,
    secrets: Secrets,
) -> CliResult<()> {
    let store = Arc::new(MemoryTokenStore::new());
    store
        .save(&StoreContents {
            token: Some(token),
            pending: None,
        })
        .map_err(runtime_error)?;
    let secrets = Secrets {
        client_secret: secrets.client_secret,
        // Without a JWT the client cannot log in again while revoking.
        jwt: None,
    };
    let session = open_session_with(home, connection.clone(), store, secrets).await?;
    session.client.logout().await.map_err(runtime_error)
}

/// A browser login in progress: the connection it will be, its secrets and its pending
/// authorization, in the connection's `.login/` folder (mode 0700, files 0600).
struct Staging {
    dir: std::path::PathBuf,
    connection: Connection,
    secrets: Secrets,
}

impl Staging {
    fn create(home: &Home, connection: &Connection, secrets: &Secrets) -> CliResult<Staging> {
        let dir = home.staging_dir(&connection.id);
        write_login(&dir, connection, secrets)?;
        home.update(|registry| {
            registry.pending_login = Some(connection.id.clone());
            Ok(())
        })?;
        Ok(Staging {
            dir,
            connection: connection.clone(),
            secrets: secrets.clone(),
        })
    }

    /// The browser login waiting for a connection's code, if there is one.
    fn find(home: &Home, id: &str) -> CliResult<Option<Staging>> {
        let dir = home.staging_dir(id);
        let login = read_login(
            &dir,
            "waiting",
            "Start the login again with `ringctl login --browser`.",
        )?;
        Ok(login.map(|(connection, secrets)| Staging {
            dir,
            connection,
            secrets,
        }))
    }

    fn store(&self) -> Arc<FileTokenStore> {
        Arc::new(FileTokenStore::new(self.dir.join("token.json")))
    }

    async fn open(&self, home: &Home) -> CliResult<Session> {
        open_session_with(
            home,
            self.connection.clone(),
            self.store(),
            self.secrets.clone(),
        )
        .await
    }

    /// Identifies the logged-in session, swaps it in and removes the staging folder.
    fn finish(self, ctx: &Ctx, previous: Option<&Connection>) -> CliResult<Connection> {
        let identified = ctx.block_on(async {
            let session = self.open(&ctx.home).await?;
            session.identify().await
        })?;
        let contents = self.store().load().map_err(runtime_error)?;
        commit(ctx, &identified, &self.secrets, contents, previous)?;
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(identified)
    }

    /// Forgets a login that did not finish; a first login leaves no folder behind.
    fn abandon(self, home: &Home, known: bool) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = home.update(|registry| {
            if registry.pending_login.as_deref() == Some(self.connection.id.as_str()) {
                registry.pending_login = None;
            }
            Ok(())
        });
        if !known {
            let _ = home.remove_connection_files(&self.connection.id);
        }
    }
}

/// The browser part of a login: hands out the authorize URL, then takes the code from whichever
/// comes first: the loopback redirect, a line pasted on stdin, or `ringctl login complete` run in
/// another shell (seen as a new token in the connection's store). True when the code came to this
/// process, which then finishes the login.
async fn browser_login(
    ctx: &Ctx,
    client: &Client,
    id: &str,
    no_open: bool,
    port: u16,
    timeout: u64,
) -> CliResult<bool> {
    let listener = LoopbackListener::bind(port).await.map_err(runtime_error)?;
    let request = client
        .begin_authorization(listener.redirect_uri())
        .await
        .map_err(runtime_error)?;
    let url = request.url.to_string();
    ctx.out.note(&format!(
        "Open this URL in a browser to log in:\n\n  {url}\n\nWaiting for the redirect to {}. Without a browser here, open the URL elsewhere and run `ringctl login complete CODE` (or paste the code or redirect URL below).",
        listener.redirect_uri()
    ));
    if !no_open {
        open_browser(&url);
    }
    let store = FileTokenStore::new(ctx.home.token_path(id));
    let staged = ctx.home.staging_dir(id).join("connection.json");
    let started = Utc::now();
    let deadline = Duration::from_secs(timeout.max(1));
    let waiting = listener.wait_for_code(&request.state, deadline);
    tokio::pin!(waiting);
    let mut stdin_open = true;
    let (line_tx, mut line_rx) = tokio::sync::mpsc::channel::<String>(1);
    std::thread::spawn(move || {
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {
            if !line.trim().is_empty() && line_tx.blocking_send(line.trim().to_string()).is_err() {
                break;
            }
            line.clear();
        }
    });
    let mut poll = tokio::time::interval(Duration::from_millis(400));
    loop {
        tokio::select! {
            code = &mut waiting => {
                let code = code.map_err(runtime_error)?;
                client.complete_authorization(&code).await.map_err(runtime_error)?;
                return Ok(true);
            }
            line = line_rx.recv(), if stdin_open => match line {
                Some(line) => {
                    let code = AuthorizationCode::parse(&line).map_err(runtime_error)?;
                    client.complete_authorization(&code).await.map_err(runtime_error)?;
                    return Ok(true);
                }
                None => stdin_open = false,
            },
            _ = poll.tick() => {
                // `login complete` swaps the login in and then removes the staging folder; a
                // token refreshed meanwhile by another command is not this login's.
                if !staged.exists()
                    && let Ok(contents) = store.load()
                    && contents.token.as_ref().is_some_and(|t| t.issued_at >= started)
                {
                    return Ok(false);
                }
            }
        }
    }
}

/// Tries to open a URL in the user's browser (`$BROWSER` first, as other command-line tools
/// do); the URL is printed anyway. On a Unix machine with no display and no `$BROWSER` nothing is
/// opened: the `webbrowser` crate would then fall back to a text-mode browser run in the
/// foreground, taking over the terminal that a headless login needs for a pasted code.
fn open_browser(url: &str) {
    let chosen = std::env::var("BROWSER").is_ok_and(|b| !b.trim().is_empty());
    let display = !cfg!(unix)
        || cfg!(target_os = "macos")
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if chosen || display {
        // Opening is a convenience: the URL is on screen whatever happens here.
        let _ = webbrowser::open(url);
    }
}

fn login_complete(ctx: &Ctx, args: &LoginCompleteArgs) -> CliResult<View> {
    let registry = ctx.home.registry()?;
    let id = match ctx.connection.as_deref() {
        Some(wanted) => registry
            .find(wanted)
            .map_or_else(|| wanted.to_string(), |c| c.id.clone()),
        None => registry.pending_login.clone().ok_or_else(|| {
            CliError::new(Exit::Auth, "no browser login is waiting for a code")
                .hint("Start one with `ringctl login --browser`.")
        })?,
    };
    let staging = Staging::find(&ctx.home, &id)?.ok_or_else(|| {
        CliError::new(
            Exit::Auth,
            format!("no browser login of `{id}` is waiting for a code"),
        )
        .hint("Start one with `ringctl login --browser`.")
    })?;
    let previous = registry.find(&id).cloned();
    let code = AuthorizationCode::parse(&args.code).map_err(runtime_error)?;
    ctx.block_on(async {
        let session = staging.open(&ctx.home).await?;
        session
            .client
            .complete_authorization(&code)
            .await
            .map_err(runtime_error)
    })?;
    let identified = staging.finish(ctx, previous.as_ref())?;
    let is_default = ctx.home.registry()?.default.as_deref() == Some(identified.id.as_str());
    Ok(connection_view(&ctx.home, &identified, is_default))
}

pub fn logout(ctx: &Ctx, args: &LogoutArgs) -> CliResult<View> {
    // Unlike other commands, logout never falls back to (and so never creates) the embedded
    // sandbox connection: with nothing configured there is nothing to log out of.
    let named = args
        .id
        .clone()
        .or_else(|| ctx.connection.clone())
        .or_else(|| {
            std::env::var(CONNECTION_VAR)
                .ok()
                .filter(|v| !v.trim().is_empty())
        });
    let connection = match named {
        Some(wanted) => ctx.resolve(Some(wanted.trim()))?,
        None => match env_connection() {
            Some(connection) => connection,
            None => ctx
                .home
                .registry()?
                .default_connection()
                .cloned()
                .ok_or_else(|| {
                    CliError::new(Exit::Auth, "no connection to log out of")
                        .hint("`ringctl connection list` shows the connections.")
                })?,
        },
    };
    let id = connection.id.clone();
    let name = connection.name.clone();
    let kind = connection.kind;
    let had_tokens = token_times(&ctx.home, &connection).0.is_some();
    ctx.block_on(async {
        let session = open_session(&ctx.home, connection).await?;
        session.client.logout().await.map_err(runtime_error)
    })?;
    let mut deleted: Vec<&str> = Vec::new();
    if had_tokens {
        deleted.push("tokens");
    }
    match kind {
        // Without this, a stored JWT would log the connection straight back in.
        Kind::Jwt | Kind::Browser => deleted.extend(ctx.home.delete_secrets(&id)?),
        Kind::Environment => {
            let _ = ctx.home.remove_env_cache(&id);
        }
        Kind::Sandbox => {}
    }
    let store = match kind {
        Kind::Environment => "its cache under the data directory".to_string(),
        _ => format!("the {} store", ctx.home.secret_store().name()),
    };
    let said = if deleted.is_empty() {
        format!("{name}: it held no tokens or secrets")
    } else {
        let revoked = if had_tokens {
            "session revoked at the server; "
        } else {
            ""
        };
        format!(
            "{name}: {revoked}deleted {} from {store}",
            deleted.join(", ")
        )
    };
    Ok(View::Record {
        json: json!({"id": id, "loggedOut": true, "revoked": had_tokens, "deleted": deleted}),
        fields: vec![("Logged out", said)],
        sections: Vec::new(),
    })
}

pub fn connect(ctx: &Ctx, args: &ConnectArgs) -> CliResult<View> {
    let connector = match (&args.connector_id, args.sandbox) {
        (_, true) => CONNECTOR_SANDBOX,
        (Some(id), false) => id.as_str(),
        (None, false) => {
            return Err(CliError::usage("say what to connect to").hint(
                "Use --sandbox, or --connectorId=ringcentral (see `ringctl search ringcentral --elementType=connector`).",
            ));
        }
    };
    let connection = match connector {
        CONNECTOR_SANDBOX => connect_sandbox(ctx, args)?,
        CONNECTOR_PRODUCTION => {
            let client_id = args.client_id.clone().or_else(|| env_setting("CLIENT_ID"));
            if client_id.is_none() {
                return Err(CliError::usage(
                    "connect --connectorId=ringcentral needs the app's client id",
                )
                .hint(
                    "Give --client-id ID (or set RC_CLIENT_ID), with --jwt-file PATH (or RC_JWT) and --client-secret-file PATH (or RC_CLIENT_SECRET) for a JWT login, or --browser for a browser login.",
                ));
            }
            if args.browser && args.jwt_file.is_some() {
                return Err(CliError::usage(
                    "--browser and --jwt-file are two ways to log in; give one",
                ));
            }
            let has_jwt = args.jwt_file.is_some() || env_setting("JWT").is_some();
            let login = LoginArgs {
                complete: None,
                server: args.server.clone(),
                client_id,
                client_secret: None,
                client_secret_file: args.client_secret_file.clone(),
                jwt: None,
                jwt_file: args.jwt_file.clone(),
                // Without a JWT the skill's flow is the browser login.
                browser: args.browser || !has_jwt,
                redirect_port: 0,
                no_open: args.no_open,
                timeout: 300,
                name: args.name.clone(),
                out: args.out,
            };
            let plan = plan(&login)?;
            login_with(ctx, plan, args.no_open, 0, 300)?
        }
        other => {
            return Err(CliError::usage(format!("unknown connector `{other}`"))
                .hint("The connectors are `ringcentral` and `ringcentral-sandbox`."));
        }
    };
    let is_default = ctx.home.registry()?.default.as_deref() == Some(connection.id.as_str());
    Ok(connection_view(&ctx.home, &connection, is_default))
}

fn connect_sandbox(ctx: &Ctx, args: &ConnectArgs) -> CliResult<Connection> {
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| config::SANDBOX_ID.into());
    let existing = ctx.home.registry()?.find(&name).cloned();
    let connection = match existing {
        Some(c)
            if c.kind == Kind::Sandbox && args.users.is_none_or(|u| Some(u) == c.sandbox_users) =>
        {
            c
        }
        Some(c) if c.kind == Kind::Sandbox => {
            return Err(CliError::usage(format!(
                "the sandbox connection `{}` already exists with another size",
                c.id
            ))
            .hint("Pick another --name, or `ringctl connection remove` it first."));
        }
        Some(c) => {
            return Err(CliError::usage(format!(
                "a connection named `{}` already exists and is not a sandbox",
                c.name
            ))
            .hint("Pick another --name."));
        }
        None => {
            let id = ctx.home.registry()?.fresh_id(&name);
            sandbox_connection(&id, &name, args.users)
        }
    };
    ctx.out.note(&crate::context::embedded_notice(
        &connection.name,
        false,
        false,
    ));
    let identified = ctx.block_on(async {
        let session = open_session(&ctx.home, connection).await?;
        session.identify().await
    })?;
    register(ctx, &identified, false)?;
    Ok(identified)
}

pub fn search(args: &SearchArgs) -> CliResult<View> {
    let query = args.query.join(" ").to_lowercase();
    match args.element_type.to_ascii_lowercase().as_str() {
        "connector" | "connectors" => {
            let connectors = [
                json!({"element": {
                    "id": CONNECTOR_PRODUCTION,
                    "key": CONNECTOR_PRODUCTION,
                    "name": "RingCentral",
                    "type": "connector",
                    "description": "RingCentral's API (production, or the server RC_SERVER_URL names), with a JWT credential or a browser login.",
                    "server": PRODUCTION_SERVER,
                }}),
                json!({"element": {
                    "id": CONNECTOR_SANDBOX,
                    "key": CONNECTOR_SANDBOX,
                    "name": "RingCentral Sandbox (embedded)",
                    "type": "connector",
                    "description": "ringctl's embedded RingCentral-compatible sandbox: offline, no account needed.",
                    "server": config::EMBEDDED,
                }}),
            ];
            let words: Vec<&str> = query.split_whitespace().collect();
            let items: Vec<Value> = connectors
                .into_iter()
                .filter(|c| {
                    let text = format!(
                        "{} {} {}",
                        c["element"]["id"], c["element"]["name"], c["element"]["description"]
                    )
                    .to_lowercase();
                    words.iter().all(|w| text.contains(w))
                })
                .take(args.limit.unwrap_or(usize::MAX))
                .collect();
            let rows = items
                .iter()
                .map(|c| {
                    vec![
                        c["element"]["id"].as_str().unwrap_or_default().to_string(),
                        c["element"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    ]
                })
                .collect();
            Ok(View::Table {
                json: json!({ "items": items }),
                columns: vec!["ID", "NAME"],
                rows,
                footer: Some("Connect with `ringctl connect --connectorId=ID`.".into()),
            })
        }
        "action" | "actions" => {
            let hits = ringcentral_catalog::search(&query, args.limit.unwrap_or(20));
            let items: Vec<Value> = hits
                .iter()
                .map(|h| {
                    json!({"element": {
                        "id": h.action.key(),
                        "key": h.action.key(),
                        "name": h.action.name(),
                        "type": "action",
                        "operationId": h.action.operation_id(),
                        "score": (f64::from(h.score) * 1000.0).round() / 1000.0,
                    }})
                })
                .collect();
            let rows = hits
                .iter()
                .map(|h| vec![h.action.key().to_string(), h.action.name().to_string()])
                .collect();
            Ok(View::Table {
                json: json!({ "items": items }),
                columns: vec!["ID", "NAME"],
                rows,
                footer: None,
            })
        }
        other => Err(CliError::usage(format!("unknown element type `{other}`"))
            .hint("Use --elementType=connector or --elementType=action.")),
    }
}

pub fn list(ctx: &Ctx) -> CliResult<View> {
    // With nothing configured, the embedded sandbox is the connection every command would use, so
    // it is listed (and registered, as on any first use) rather than an empty list.
    let registry = ctx.home.registry()?;
    if registry.connections.is_empty() && ctx.home.orphans(&registry).is_empty() {
        ctx.connection()?;
    }
    let registry = ctx.home.registry()?;
    let default = registry.default_connection().map(|c| c.id.clone());
    let mut items: Vec<Value> = registry
        .connections
        .iter()
        .map(|c| connection_json(&ctx.home, c, default.as_deref() == Some(c.id.as_str())))
        .collect();
    let orphans = ctx.home.orphans(&registry);
    for id in &orphans {
        items.push(json!({
            "id": id,
            "name": id,
            "orphan": true,
            "default": false,
            "server": null,
            "owner": null,
            "accountId": null,
            "extensionId": null,
            "tokenExpiresAt": null,
            "refreshTokenExpiresAt": null,
        }));
    }
    let rows = items
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            vec![
                if c["default"] == true {
                    "*".into()
                } else {
                    String::new()
                },
                text("id"),
                if c["orphan"] == true {
                    "(left by an interrupted login)".into()
                } else {
                    text("server")
                },
                text("owner"),
                text("tokenExpiresAt"),
            ]
        })
        .collect();
    let footer = if items.is_empty() {
        Some("No connections yet: `ringctl login`, or `ringctl connect --sandbox`.".into())
    } else if !orphans.is_empty() {
        Some("`ringctl connection remove ID` deletes what an interrupted login left.".into())
    } else {
        None
    };
    Ok(View::Table {
        json: json!({ "items": items }),
        columns: vec!["", "ID", "SERVER", "OWNER", "TOKEN EXPIRES"],
        rows,
        footer,
    })
}

pub fn show(ctx: &Ctx, args: &ConnectionIdArgs) -> CliResult<View> {
    let connection = ctx.resolve(Some(&args.id))?;
    let registry = ctx.home.registry()?;
    let is_default =
        registry.default_connection().map(|c| c.id.as_str()) == Some(connection.id.as_str());
    Ok(connection_view(&ctx.home, &connection, is_default))
}

pub fn set_default(ctx: &Ctx, args: &ConnectionIdArgs) -> CliResult<View> {
    let connection = ctx.resolve(Some(&args.id))?;
    ctx.home.update(|registry| {
        registry.default = Some(connection.id.clone());
        Ok(())
    })?;
    Ok(connection_view(&ctx.home, &connection, true))
}

/// Forgets a connection: its record, tokens, stored client secret and JWT, and for an embedded
/// sandbox its data; or deletes the folder an interrupted first login left behind.
pub fn remove(ctx: &Ctx, args: &ConnectionIdArgs) -> CliResult<View> {
    let registry = ctx.home.registry()?;
    if registry.find(&args.id).is_none() && ctx.home.orphans(&registry).contains(&args.id) {
        // A login killed between storing its secrets and registering leaves them behind too.
        ctx.home.delete_secrets(&args.id)?;
        ctx.home.remove_connection_files(&args.id)?;
        ctx.home.update(|registry| {
            if registry.pending_login.as_deref() == Some(args.id.as_str()) {
                registry.pending_login = None;
            }
            Ok(())
        })?;
        return Ok(View::Record {
            json: json!({"id": args.id, "removed": true, "deleted": ["folder of an interrupted login"]}),
            fields: vec![(
                "Removed",
                format!("{}: the folder an interrupted login left", args.id),
            )],
            sections: Vec::new(),
        });
    }
    let connection = ctx.resolve(Some(&args.id))?;
    let mut deleted: Vec<&str> = vec!["connection record"];
    if token_times(&ctx.home, &connection).0.is_some() {
        deleted.push("tokens");
    }
    deleted.extend(ctx.home.delete_secrets(&connection.id)?);
    ctx.home.update(|registry| {
        registry.remove(&connection.id);
        Ok(())
    })?;
    ctx.home.remove_connection_files(&connection.id)?;
    if connection.kind == Kind::Sandbox {
        let data = ctx.home.sandbox_data(&connection.id);
        let mut any = false;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut path = data.clone().into_os_string();
            path.push(suffix);
            any |= std::fs::remove_file(path).is_ok();
        }
        if any {
            deleted.push("sandbox data");
        }
    }
    Ok(View::Record {
        json: json!({"id": connection.id, "removed": true, "deleted": deleted}),
        fields: vec![(
            "Removed",
            format!("{}: {}", connection.id, deleted.join(", ")),
        )],
        sections: Vec::new(),
    })
}
