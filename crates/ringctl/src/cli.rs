//! The command line, declared with clap's derive API. Every command takes `--json` and
//! `-c/--connection` (also spelled `--connectionId`), as the CLI contract requires.
//!
//! `--json` is declared on each command rather than globally because `ringctl request` gives it a
//! value (`--json '{"a":1}'` sends a JSON body), as the skill it replaces does.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ringctl",
    version,
    about = "Every RingCentral API operation as an action, raw requests, and an embedded sandbox.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// The connection to use (name or id); the default connection otherwise.
    #[arg(
        short = 'c',
        long = "connection",
        alias = "connectionId",
        alias = "connection-id",
        global = true,
        value_name = "NAME_OR_ID"
    )]
    pub connection: Option<String>,
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short = 'v', long = "verbose", action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// `--json`, on every command but `request`.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct JsonFlag {
    /// Print machine-readable JSON on stdout (the default when stdout is not a terminal).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in to RingCentral: JWT credential, or the browser (authorization code with PKCE).
    Login(LoginArgs),
    /// Revoke a connection's tokens at the server, then forget them.
    Logout(LogoutArgs),
    /// Create a connection: `--sandbox` for the embedded sandbox, or `--connectorId=ringcentral`.
    Connect(ConnectArgs),
    /// Find connectors (`--elementType=connector`) or actions.
    Search(SearchArgs),
    /// Manage connections.
    #[command(subcommand)]
    Connection(ConnectionCommand),
    /// Find, inspect and run actions: one per operation of the RingCentral API.
    #[command(subcommand)]
    Action(ActionCommand),
    /// Send a raw request to the API with authentication injected.
    Request(RequestArgs),
    /// The embedded RingCentral-compatible sandbox server.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Show the connection in use, why, whom it acts as, and its tokens and secrets.
    #[command(visible_alias = "whoami")]
    Status(StatusArgs),
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LoginArgs {
    #[command(subcommand)]
    pub complete: Option<LoginCommand>,
    /// API server URL [env: RC_SERVER_URL] (default: https://platform.ringcentral.com).
    // The text is the option's help on a terminal, where a bare URL reads best.
    #[allow(rustdoc::bare_urls)]
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// The app's client id [env: RC_CLIENT_ID].
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The app's client secret [env: RC_CLIENT_SECRET]; `-` reads it from stdin. Prefer
    /// --client-secret-file or the environment: a secret on the command line is visible to others.
    #[arg(long, value_name = "SECRET")]
    pub client_secret: Option<String>,
    /// Read the client secret from a file.
    #[arg(long, value_name = "PATH", conflicts_with = "client_secret")]
    pub client_secret_file: Option<PathBuf>,
    /// The JWT credential [env: RC_JWT]; `-` reads it from stdin.
    #[arg(long, value_name = "TOKEN")]
    pub jwt: Option<String>,
    /// Read the JWT credential from a file.
    #[arg(long, value_name = "PATH", conflicts_with = "jwt")]
    pub jwt_file: Option<PathBuf>,
    /// Log in through the browser: authorization code with PKCE and a loopback redirect.
    #[arg(long, alias = "tenant")]
    pub browser: bool,
    /// Loopback port for the browser redirect (0 picks a free one; register
    /// http://127.0.0.1:PORT/callback with your app).
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    pub redirect_port: u16,
    /// Do not try to open a browser; print the URL and wait.
    #[arg(long)]
    pub no_open: bool,
    /// How long to wait for the browser login, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub timeout: u64,
    /// A name for the connection.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum LoginCommand {
    /// Finish a pending browser login with the code (or the whole redirect URL) from the browser.
    Complete(LoginCompleteArgs),
}

#[derive(Debug, Args)]
pub struct LoginCompleteArgs {
    /// The authorization code, or the redirect URL that carries it.
    pub code: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The connection (default: the default connection).
    pub id: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// A connection to the embedded sandbox.
    #[arg(long, conflicts_with = "connector_id")]
    pub sandbox: bool,
    /// The connector: `ringcentral` (RingCentral, with RC_* credentials or the browser) or
    /// `ringcentral-sandbox` (the embedded sandbox).
    #[arg(
        long = "connectorId",
        alias = "connector-id",
        alias = "connector",
        value_name = "ID"
    )]
    pub connector_id: Option<String>,
    /// A name for the connection.
    #[arg(long)]
    pub name: Option<String>,
    /// Users in the embedded sandbox's seeded company.
    #[arg(long, value_name = "N")]
    pub users: Option<usize>,
    /// API server URL for `--connectorId=ringcentral` [env: RC_SERVER_URL].
    #[arg(long, value_name = "URL", conflicts_with = "sandbox")]
    pub server: Option<String>,
    /// The app's client id for `--connectorId=ringcentral` [env: RC_CLIENT_ID].
    #[arg(long, value_name = "ID", conflicts_with = "sandbox")]
    pub client_id: Option<String>,
    /// Read the app's client secret from a file [env: RC_CLIENT_SECRET].
    #[arg(long, value_name = "PATH", conflicts_with = "sandbox")]
    pub client_secret_file: Option<PathBuf>,
    /// Read the JWT credential from a file [env: RC_JWT].
    #[arg(long, value_name = "PATH", conflicts_with = "sandbox")]
    pub jwt_file: Option<PathBuf>,
    /// Log in through the browser (the default without a JWT).
    #[arg(long, conflicts_with = "sandbox")]
    pub browser: bool,
    /// Do not try to open a browser (for `--connectorId=ringcentral` without a JWT).
    #[arg(long)]
    pub no_open: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for.
    pub query: Vec<String>,
    /// `connector` (default) or `action`.
    #[arg(
        long = "elementType",
        alias = "element-type",
        value_name = "TYPE",
        default_value = "connector"
    )]
    pub element_type: String,
    /// At most this many results.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum ConnectionCommand {
    /// List connections (never prints a secret).
    List(JsonOnly),
    /// Show one connection.
    Show(ConnectionIdArgs),
    /// Make a connection the default.
    Default(ConnectionIdArgs),
    /// Forget a connection and its stored tokens and secrets.
    Remove(ConnectionIdArgs),
}

#[derive(Debug, Args)]
pub struct JsonOnly {
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ConnectionIdArgs {
    /// Connection id or name.
    pub id: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// List actions, or the best matches for an intent.
    List(ActionListArgs),
    /// Show one action with its input and output schemas.
    Show(ActionShowArgs),
    /// Run an action with a JSON input.
    Run(ActionRunArgs),
}

#[derive(Debug, Args)]
pub struct ActionListArgs {
    /// What you want to do, in your own words ("send an sms", "who is in the sales queue").
    #[arg(long, short = 'i', value_name = "QUERY")]
    pub intent: Option<String>,
    /// At most this many actions (default: 20 with --intent, all without).
    #[arg(long, short = 'n', value_name = "N")]
    pub limit: Option<usize>,
    /// Only actions with this tag (e.g. "SMS", "Call Log"); case-insensitive.
    #[arg(long, short = 't', value_name = "TAG")]
    pub tag: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ActionShowArgs {
    /// Action key (e.g. send-sms) or operationId (e.g. createSMSMessage).
    pub key: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ActionRunArgs {
    /// Action key (e.g. send-sms) or operationId.
    pub key: String,
    /// The input: JSON text, `@FILE`, or `-` for stdin (default: `{}`).
    #[arg(long, short = 'i', value_name = "JSON|@FILE|-")]
    pub input: Option<String>,
    /// Follow every page of a listing and print all records as one JSON array.
    #[arg(long)]
    pub all_pages: bool,
    /// Print the request that would be sent (secrets redacted) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct RequestArgs {
    /// `[CONNECTION] PATH`: the path (e.g. /restapi/v1.0/account/~), optionally after a connection.
    #[arg(value_name = "[CONNECTION] PATH", num_args = 0..=2)]
    pub target: Vec<String>,
    /// HTTP method.
    #[arg(short = 'X', long = "method", value_name = "METHOD")]
    pub method: Option<String>,
    /// A request header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// The request body as a string; `@FILE` reads a file and `-` stdin.
    #[arg(short = 'd', long = "data", value_name = "DATA")]
    pub data: Option<String>,
    /// Send JSON: with a value, that JSON is the body with `Content-Type: application/json`.
    #[arg(long, value_name = "JSON", num_args = 0..=1, default_missing_value = "")]
    pub json: Option<String>,
    /// Send the body exactly as given, without parsing or re-encoding it.
    #[arg(long = "rawData", alias = "raw-data")]
    pub raw_data: bool,
    /// A query parameter `key=value` (repeatable).
    #[arg(long = "query", value_name = "KEY=VALUE")]
    pub query: Vec<String>,
    /// Fill a `{name}` segment of PATH: `name=value` (repeatable).
    #[arg(long = "pathParam", alias = "path-param", value_name = "NAME=VALUE")]
    pub path_params: Vec<String>,
    /// Print the status line and response headers to stderr.
    #[arg(short = 'i', long = "include")]
    pub include: bool,
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Serve the sandbox on loopback; the first stdout line is {"url","clientId","clientSecret","jwt"}.
    #[command(after_long_help = crate::commands::sandbox::coverage_help())]
    Serve(SandboxServeArgs),
    /// Print the client id, secret and a JWT credential for a seeded user.
    Credentials(SandboxCredentialsArgs),
    /// Delete a sandbox data file, so that the next start seeds afresh.
    Reset(SandboxResetArgs),
}

#[derive(Debug, Args)]
pub struct SandboxServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub addr: std::net::SocketAddr,
    /// Keep state in this SQLite file (in memory otherwise).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Users in the seeded company.
    #[arg(long, value_name = "N", default_value_t = ringcentral_sandbox::DEFAULT_USERS)]
    pub users: usize,
    /// Seed of the generated company.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600)]
    pub token_ttl: u64,
    /// Rate limits: off, real (RingCentral's 60 s windows) or scale=FACTOR.
    #[arg(long, value_name = "MODE", default_value = "off")]
    pub rate_limits: String,
    /// Inject failures, e.g. `5xx=0.05,reset=0.01,latency=20ms@0.1`.
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// SCIM rules where RingCentral is stricter than the SCIM RFCs: rfc (any unique userName,
    /// displayName kept) or ringcentral (userName is the work email).
    #[arg(long, value_name = "RULES", default_value = "rfc")]
    pub scim_rules: String,
    /// Whether a WebHook subscription's address must first echo RingCentral's Validation-Token
    /// request, as on RingCentral (on), or is taken as given (off).
    #[arg(long, value_name = "on|off", default_value = "on", value_parser = ["on", "off"])]
    pub webhook_validation: String,
    /// Accepted for uniformity: the first line on stdout is JSON anyway.
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct SandboxCredentialsArgs {
    /// The sandbox data file (default: the embedded sandbox connection's).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// A seeded user's email (default: the administrator).
    #[arg(long, value_name = "EMAIL")]
    pub user: Option<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct SandboxResetArgs {
    /// The sandbox data file (default: the embedded sandbox connection's).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    pub shell: clap_complete::Shell,
    /// Print `{"shell", "script"}` instead of the bare script.
    #[command(flatten)]
    pub out: JsonFlag,
}
