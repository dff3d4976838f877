//! `ringctl status` (alias `whoami`): which connection a command would use and why, whom it acts
//! as, how long its tokens last, and where its secrets are kept. Like `gh auth status`, it asks the
//! server, so that what it prints is what the server says now.

use serde_json::{Value, json};

use ringcentral::{Request, ThrottlingGroup};

use crate::commands::connection::token_times;
use crate::config::Kind;
use crate::context::{Ctx, runtime_error};
use crate::exit::CliResult;
use crate::output::View;

pub fn run(ctx: &Ctx) -> CliResult<View> {
    let chosen = ctx.choose()?;
    let reason = chosen.reason;
    let name = chosen.connection.name.clone();
    // Whatever goes wrong, the user learns which connection it was and why it was chosen.
    let which = |mut err: crate::exit::CliError| {
        err.message = format!(
            "{} (connection `{name}`, {})",
            err.message,
            reason.explain()
        );
        err
    };
    let session = ctx.session_of(chosen.connection).map_err(which)?;
    let me: Value = ctx
        .block_on(async {
            session
                .client
                .send(
                    Request::get("/restapi/v1.0/account/~/extension/~")
                        .group(ThrottlingGroup::Light),
                )
                .await?
                .json_value()
        })
        .map_err(|e| which(runtime_error(e)))?;
    let connection = &session.connection;
    // Read after the request, which may have logged in or refreshed.
    let (expires, refresh_expires) = token_times(&ctx.home, connection);
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let server = match connection.kind {
        Kind::Sandbox => session
            .client
            .server()
            .as_str()
            .trim_end_matches('/')
            .to_string(),
        _ => connection.server.clone(),
    };
    let (credentials, store, kept) = match connection.kind {
        Kind::Sandbox => (
            "embedded",
            None,
            "nowhere: the embedded sandbox issues its own".to_string(),
        ),
        Kind::Environment => (
            "environment",
            None,
            format!(
                "the RC_* variables; tokens cached in {}",
                ctx.home.token_file(connection).display()
            ),
        ),
        Kind::Jwt | Kind::Browser => match ctx.home.secrets_kept_in(&connection.id) {
            Some((store, location)) => ("stored", Some(store.name()), location),
            None => ("stored", None, "none stored".to_string()),
        },
    };
    let name = text(&me["name"]);
    let email = text(&me["contact"]["email"]);
    let value = json!({
        "id": connection.id,
        "name": connection.name,
        "kind": connection.kind,
        "reason": reason.key(),
        "why": reason.explain(),
        "server": server,
        "embedded": connection.kind == Kind::Sandbox,
        "accountId": text(&me["account"]["id"]),
        "extensionId": text(&me["id"]),
        "extensionNumber": text(&me["extensionNumber"]),
        "user": {"name": name, "email": email},
        "tokenExpiresAt": expires,
        "refreshTokenExpiresAt": refresh_expires,
        "credentials": credentials,
        "secretStore": store,
        "secretsKept": kept,
    });
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(|| "unknown".to_string(), |t| t.to_rfc3339())
    };
    let user = match (&name, &email) {
        (Some(n), Some(e)) => format!("{n} <{e}>"),
        (Some(n), None) => n.clone(),
        (None, Some(e)) => e.clone(),
        (None, None) => String::new(),
    };
    let fields = vec![
        (
            "Connection",
            format!("{} ({})", connection.name, connection.id),
        ),
        ("Chosen", reason.explain().to_string()),
        (
            "Server",
            if connection.kind == Kind::Sandbox {
                format!("{server} (the embedded sandbox, not RingCentral)")
            } else {
                server.clone()
            },
        ),
        ("Account", text(&me["account"]["id"]).unwrap_or_default()),
        ("User", user),
        ("Extension", text(&me["id"]).unwrap_or_default()),
        ("Token expires", when(expires)),
        ("Session expires", when(refresh_expires)),
        ("Credentials", credentials.to_string()),
        ("Secrets kept in", kept),
    ];
    Ok(View::Record {
        json: value,
        fields,
        sections: Vec::new(),
    })
}
