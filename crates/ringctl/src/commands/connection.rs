//! Connections: `login` (JWT or browser), `login complete`, `logout`, `connect`, `search
//! --elementType=connector`, and `connection list|show|default|remove`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde_json::{Value, json};

use ringcentral::{
    AuthorizationCode, Client, FileTokenStore, LoopbackListener, PRODUCTION_SERVER, Request,
    ThrottlingGroup, TokenStore,
};

use crate::cli::{
    ConnectArgs, ConnectionIdArgs, LoginArgs, LoginCommand, LoginCompleteArgs, LogoutArgs,
    SearchArgs,
};
use crate::config::{self, Connection, Home, Kind, Secrets};
use crate::context::{
    Ctx, Session, env_setting, open_session, read_secret, runtime_error, sandbox_connection,
};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::View;

const CONNECTOR_PRODUCTION: &str = "ringcentral";
const CONNECTOR_SANDBOX: &str = "ringcentral-sandbox";

/// The token expiry times of a connection, read from its token store.
fn token_times(home: &Home, id: &str) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    let store = FileTokenStore::new(home.token_path(id));
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
    let (expires, refresh_expires) = token_times(home, &connection.id);
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

/// Fills in who a session belongs to, from the current extension.
pub async fn identify(session: &Session) -> CliResult<Connection> {
    let mut connection = session.connection.clone();
    let me: Value = session
        .client
        .send(Request::get("/restapi/v1.0/account/~/extension/~").group(ThrottlingGroup::Light))
        .await
        .map_err(runtime_error)?
        .json_value()
        .map_err(runtime_error)?;
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    connection.extension_id = text(&me["id"]);
    connection.account_id = text(&me["account"]["id"]);
    connection.owner = text(&me["contact"]["email"]).or_else(|| text(&me["name"]));
    Ok(connection)
}

fn register(home: &Home, connection: &Connection, make_default: bool) -> CliResult<bool> {
    home.update(|registry| {
        registry.upsert(connection.clone());
        if make_default {
            registry.default = Some(connection.id.clone());
        }
        if registry.pending_login.as_deref() == Some(connection.id.as_str()) {
            registry.pending_login = None;
        }
        Ok(registry.default.as_deref() == Some(connection.id.as_str()))
    })
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

/// The id for a new connection: the named one when it exists (logging in again), else a fresh one.
fn connection_id(home: &Home, name: &str) -> CliResult<String> {
    let registry = home.registry()?;
    Ok(match registry.find(name) {
        Some(existing) => existing.id.clone(),
        None => registry.fresh_id(name),
    })
}

struct LoginPlan {
    server: String,
    client_id: String,
    client_secret: Option<SecretString>,
    jwt: Option<SecretString>,
    name: String,
}

fn plan(args: &LoginArgs) -> CliResult<LoginPlan> {
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
        .clone()
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
fn login_with(
    ctx: &Ctx,
    plan: LoginPlan,
    no_open: bool,
    redirect_port: u16,
    timeout: u64,
) -> CliResult<Connection> {
    let id = connection_id(&ctx.home, &plan.name)?;
    let kind = if plan.jwt.is_some() {
        Kind::Jwt
    } else {
        Kind::Browser
    };
    let connection = Connection {
        id: id.clone(),
        name: plan.name.clone(),
        kind,
        server: plan.server.clone(),
        client_id: plan.client_id.clone(),
        owner: None,
        account_id: None,
        extension_id: None,
        created_at: Utc::now(),
        sandbox_users: None,
    };
    // A fresh login replaces whatever tokens the connection had.
    let _ = std::fs::remove_file(ctx.home.token_path(&id));
    ctx.home.save_secrets(
        &id,
        &Secrets {
            client_secret: plan.client_secret.clone(),
            jwt: plan.jwt.clone(),
        },
    )?;
    let result = ctx.block_on(async {
        let session = open_session(&ctx.home, connection.clone()).await?;
        match &plan.jwt {
            Some(jwt) => {
                session.client.login_jwt(jwt).await.map_err(runtime_error)?;
            }
            None => {
                ctx.home.update(|registry| {
                    registry.upsert(connection.clone());
                    registry.pending_login = Some(id.clone());
                    Ok(())
                })?;
                browser_login(ctx, &session.client, &id, no_open, redirect_port, timeout).await?;
            }
        }
        identify(&session).await
    });
    match result {
        Ok(identified) => {
            register(&ctx.home, &identified, false)?;
            Ok(identified)
        }
        Err(err) => {
            // A failed first login leaves nothing behind; a failed re-login keeps the old record.
            let known = ctx
                .home
                .registry()?
                .find(&id)
                .is_some_and(|c| c.owner.is_some());
            if !known {
                let _ = ctx.home.update(|registry| {
                    registry.remove(&id);
                    Ok(())
                });
                let _ = ctx.home.remove_connection_files(&id);
            }
            Err(err)
        }
    }
}

/// The browser part of a login: hands out the authorize URL, then takes the code from whichever
/// comes first: the loopback redirect, a line pasted on stdin, or `ringctl login complete` run in
/// another shell (seen as a token appearing in the store).
async fn browser_login(
    ctx: &Ctx,
    client: &Client,
    id: &str,
    no_open: bool,
    port: u16,
    timeout: u64,
) -> CliResult<()> {
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
                return Ok(());
            }
            line = line_rx.recv(), if stdin_open => match line {
                Some(line) => {
                    let code = AuthorizationCode::parse(&line).map_err(runtime_error)?;
                    client.complete_authorization(&code).await.map_err(runtime_error)?;
                    return Ok(());
                }
                None => stdin_open = false,
            },
            _ = poll.tick() => {
                if let Ok(contents) = store.load()
                    && contents.token.as_ref().is_some_and(|t| t.issued_at >= started)
                {
                    return Ok(());
                }
            }
        }
    }
}

/// Tries to open a URL in the user's browser; the URL is printed anyway. `$BROWSER` (a command,
/// possibly with arguments) takes precedence, as it does for other command-line tools.
fn open_browser(url: &str) {
    if let Some(browser) = std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        let mut words = browser.split_whitespace();
        if let Some(program) = words.next() {
            let _ = std::process::Command::new(program)
                .args(words)
                .arg(url)
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn();
        }
        return;
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            return;
        }
        "xdg-open"
    };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}

fn login_complete(ctx: &Ctx, args: &LoginCompleteArgs) -> CliResult<View> {
    let registry = ctx.home.registry()?;
    let id = match ctx.connection.as_deref() {
        Some(wanted) => ctx.resolve(Some(wanted))?.id,
        None => registry.pending_login.clone().ok_or_else(|| {
            CliError::new(Exit::Auth, "no browser login is waiting for a code")
                .hint("Start one with `ringctl login --browser`.")
        })?,
    };
    let connection = ctx.resolve(Some(&id))?;
    let code = AuthorizationCode::parse(&args.code).map_err(runtime_error)?;
    let identified = ctx.block_on(async {
        let session = open_session(&ctx.home, connection).await?;
        session
            .client
            .complete_authorization(&code)
            .await
            .map_err(runtime_error)?;
        identify(&session).await
    })?;
    let is_default = register(&ctx.home, &identified, false)?;
    Ok(connection_view(&ctx.home, &identified, is_default))
}

pub fn logout(ctx: &Ctx, args: &LogoutArgs) -> CliResult<View> {
    // Unlike other commands, logout never falls back to (and so never creates) the embedded
    // sandbox connection: with nothing configured there is nothing to log out of.
    let connection = match args.id.as_deref().or(ctx.connection.as_deref()) {
        Some(wanted) => ctx.resolve(Some(wanted))?,
        None => ctx
            .home
            .registry()?
            .default_connection()
            .cloned()
            .ok_or_else(|| {
                CliError::new(Exit::Auth, "no connection to log out of")
                    .hint("`ringctl connection list` shows the connections.")
            })?,
    };
    let id = connection.id.clone();
    let kind = connection.kind;
    ctx.block_on(async {
        let session = open_session(&ctx.home, connection).await?;
        session.client.logout().await.map_err(runtime_error)
    })?;
    if kind == Kind::Jwt {
        // Without this, the stored JWT would log the connection straight back in.
        let secrets = ctx.home.secrets(&id)?;
        ctx.home.save_secrets(
            &id,
            &Secrets {
                client_secret: secrets.client_secret,
                jwt: None,
            },
        )?;
    }
    Ok(View::Record {
        json: json!({"id": id, "loggedOut": true}),
        fields: vec![(
            "Logged out",
            format!("{id}: tokens revoked at the server and forgotten"),
        )],
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
            let login = LoginArgs {
                complete: None,
                server: None,
                client_id: None,
                client_secret: None,
                client_secret_file: None,
                jwt: None,
                jwt_file: None,
                browser: env_setting("JWT").is_none(),
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
    let identified = ctx.block_on(async {
        let session = open_session(&ctx.home, connection).await?;
        identify(&session).await
    })?;
    register(&ctx.home, &identified, false)?;
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
    if ctx.home.registry()?.connections.is_empty() {
        ctx.connection()?;
    }
    let registry = ctx.home.registry()?;
    let default = registry.default_connection().map(|c| c.id.clone());
    let items: Vec<Value> = registry
        .connections
        .iter()
        .map(|c| connection_json(&ctx.home, c, default.as_deref() == Some(c.id.as_str())))
        .collect();
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
                text("server"),
                text("owner"),
                text("tokenExpiresAt"),
            ]
        })
        .collect();
    Ok(View::Table {
        json: json!({ "items": items }),
        columns: vec!["", "ID", "SERVER", "OWNER", "TOKEN EXPIRES"],
        rows,
        footer: if registry.connections.is_empty() {
            Some("No connections yet: `ringctl login`, or `ringctl connect --sandbox`.".into())
        } else {
            None
        },
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

pub fn remove(ctx: &Ctx, args: &ConnectionIdArgs) -> CliResult<View> {
    let connection = ctx.resolve(Some(&args.id))?;
    ctx.home.update(|registry| {
        registry.remove(&connection.id);
        Ok(())
    })?;
    ctx.home.remove_connection_files(&connection.id)?;
    if connection.kind == Kind::Sandbox {
        let data = ctx.home.sandbox_data(&connection.id);
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut path = data.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
    Ok(View::Record {
        json: json!({"id": connection.id, "removed": true}),
        fields: vec![("Removed", connection.id.clone())],
        sections: Vec::new(),
    })
}
