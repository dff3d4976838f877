//! `ringctl sandbox serve|credentials|reset`: the RingCentral-compatible sandbox as a server of its
//! own, its credentials, and a way to start it afresh.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::json;

use ringcentral_sandbox::{FaultSpec, RateLimitMode, Sandbox, SandboxConfig, ScimRules};

use crate::cli::{SandboxCredentialsArgs, SandboxResetArgs, SandboxServeArgs};
use crate::config;
use crate::context::Ctx;
use crate::exit::{CliError, CliResult};
use crate::output::View;

/// The `--help` text that says which operations the sandbox models with state.
pub fn coverage_help() -> String {
    let ops = ringcentral_sandbox::stateful_operations();
    let total = ringcentral_api::OPERATIONS.len();
    let mut text = format!(
        "Stateful operations ({} of {total}; every other operation validates its request and answers \
         a schema-valid response built from the spec):\n",
        ops.len()
    );
    // The path goes last: it is the long, variable part, so nothing after it wraps.
    let width = ops.iter().map(|o| o.operation_id.len()).max().unwrap_or(0);
    for op in ops {
        text.push_str(&format!(
            "  {:<width$} {:<6} {}\n",
            op.operation_id, op.method, op.path
        ));
    }
    text
}

pub fn serve(ctx: &Ctx, args: &SandboxServeArgs) -> CliResult<View> {
    // The parse error already names the accepted modes.
    let rate_limits: RateLimitMode = args
        .rate_limits
        .parse()
        .map_err(|e: String| CliError::usage(format!("--rate-limits {}: {e}", args.rate_limits)))?;
    let faults = match &args.faults {
        Some(spec) => spec.parse::<FaultSpec>().map_err(|e| {
            CliError::usage(format!("--faults {spec}: {e}"))
                .hint("e.g. --faults 5xx=0.05,reset=0.01,latency=20ms@0.1")
        })?,
        None => FaultSpec::none(),
    };
    let scim_rules: ScimRules = args
        .scim_rules
        .parse()
        .map_err(|e: String| CliError::usage(format!("--scim-rules {}: {e}", args.scim_rules)))?;
    if !args.addr.ip().is_loopback() {
        if !args.allow_remote {
            return Err(CliError::usage(format!(
                "--addr {} is not a loopback address: anyone who reaches it could use the sandbox",
                args.addr
            ))
            .hint("Use 127.0.0.1:PORT, or add --allow-remote if that is what you mean."));
        }
        ctx.out.note(&format!(
            "warning: the sandbox listens on {}, beyond this machine; its credentials give access to anyone who reaches it",
            args.addr
        ));
    }
    let config = SandboxConfig {
        addr: args.addr,
        data: args.data.clone(),
        users: args.users,
        seed: args.seed,
        token_ttl: Duration::from_secs(args.token_ttl),
        rate_limits,
        faults,
        scim_rules,
        webhook_validation: args.webhook_validation == "on",
        header_timeout: Duration::from_secs(args.header_timeout),
        body_timeout: Duration::from_secs(args.body_timeout),
        idle_timeout: Duration::from_secs(args.idle_timeout),
        max_connections: args
            .max_connections
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        ..SandboxConfig::default()
    };
    ctx.block_on(async {
        let handle = Sandbox::start(config)
            .await
            .map_err(|e| CliError::failure(format!("cannot start the sandbox: {e}")))?;
        {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{}", handle.startup_line());
            let _ = stdout.flush();
        }
        ctx.out.note(&format!(
            "sandbox listening on {} (Ctrl-C stops it)",
            handle.url()
        ));
        wait_for_shutdown().await;
        handle.shutdown().await;
        Ok(View::Nothing)
    })
}

async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The data file a command means: `--data`, or the embedded sandbox connection's.
fn data_file(ctx: &Ctx, data: &Option<PathBuf>) -> CliResult<PathBuf> {
    if let Some(path) = data {
        return Ok(path.clone());
    }
    Ok(ctx.home.sandbox_data(&sandbox_id(ctx)?))
}

/// The embedded sandbox connection a command means: `-c` (by name or id), else `sandbox`.
fn sandbox_id(ctx: &Ctx) -> CliResult<String> {
    Ok(match ctx.connection.as_deref() {
        Some(wanted) => {
            let connection = ctx.resolve(Some(wanted))?;
            if connection.kind != config::Kind::Sandbox {
                return Err(CliError::usage(format!(
                    "connection `{}` is not an embedded sandbox",
                    connection.id
                ))
                .hint("Pass --data FILE, or a sandbox connection with -c."));
            }
            connection.id
        }
        None => config::SANDBOX_ID.to_string(),
    })
}

pub fn credentials(ctx: &Ctx, args: &SandboxCredentialsArgs) -> CliResult<View> {
    let path = data_file(ctx, &args.data)?;
    let credentials = ringcentral_sandbox::credentials(&path, args.user.as_deref())
        .map_err(|e| CliError::usage(e.to_string()))?;
    let value = json!({
        "clientId": credentials.client_id,
        "clientSecret": credentials.client_secret.expose_secret(),
        "jwt": credentials.jwt.expose_secret(),
        "email": credentials.email,
        "extensionId": credentials.extension_id.to_string(),
        "accountId": credentials.account_id.to_string(),
        "data": path,
    });
    Ok(View::Record {
        json: value,
        fields: vec![
            ("Data", path.display().to_string()),
            ("User", credentials.email.clone()),
            ("Extension", credentials.extension_id.to_string()),
            ("Client id", credentials.client_id.clone()),
            (
                "Client secret",
                credentials.client_secret.expose_secret().to_string(),
            ),
            ("JWT", credentials.jwt.expose_secret().to_string()),
        ],
        sections: Vec::new(),
    })
}

fn remove_if_present(path: &Path) -> CliResult<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(CliError::failure(format!(
            "cannot remove {}: {e}",
            path.display()
        ))),
    }
}

pub fn reset(ctx: &Ctx, args: &SandboxResetArgs) -> CliResult<View> {
    let path = data_file(ctx, &args.data)?;
    let mut removed = remove_if_present(&path)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = path.clone().into_os_string();
        side.push(suffix);
        removed |= remove_if_present(Path::new(&side))?;
    }
    // Tokens issued by the old sandbox mean nothing to the new one.
    if args.data.is_none() {
        let _ = std::fs::remove_file(ctx.home.token_path(&sandbox_id(ctx)?));
    }
    let message = if removed {
        format!(
            "Reset {}: the next start seeds a fresh company.",
            path.display()
        )
    } else {
        format!("{} did not exist; nothing to reset.", path.display())
    };
    Ok(View::Record {
        json: json!({"data": path, "reset": removed}),
        fields: vec![("Sandbox", message)],
        sections: Vec::new(),
    })
}
