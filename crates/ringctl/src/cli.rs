//! The command line, declared with clap's derive API. Every command takes `--json` and
//! `-c/--connection` (also spelled `--connectionId`), as the CLI contract requires.
//!
//! `--json` is declared on each command rather than globally because `ringctl request` gives it a
//! value (`--json '{"a":1}'` sends a JSON body), as the skill it replaces does; the top level
//! takes a plain `--json` of its own, so that `ringctl --json COMMAND` works for every command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ringctl",
    version,
    about = "Every RingCentral API operation as an action, raw requests, and an embedded sandbox.",
    propagate_version = true,
    after_help = "Examples:\n  ringctl action list --intent \"send an sms\"\n  ringctl action run list-extensions -f perPage=5\n  ringctl request /restapi/v1.0/account/~/extension/~\n  ringctl login --jwt-file jwt.txt --client-id ID --client-secret-file secret.txt\n  ringctl help action run"
)]
pub struct Cli {
    /// Print machine-readable JSON on stdout (also accepted after the command).
    #[arg(long = "json")]
    pub json: bool,
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
    /// Filter the JSON output with a jq expression (e.g. `.records[].email`); strings print bare.
    /// With --all-pages it runs on each record.
    #[arg(long, global = true, value_name = "EXPR", help_heading = "Output")]
    pub jq: Option<String>,
    /// Keep only these fields of each record: a comma list (repeatable), dotted paths reaching
    /// inside (`site.name`). On a terminal, a table of those fields.
    #[arg(long, global = true, value_name = "FIELDS", help_heading = "Output")]
    pub fields: Vec<String>,
    /// Print records one JSON object per line (streamed with --all-pages).
    #[arg(long, global = true, help_heading = "Output")]
    pub ndjson: bool,
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
    #[command(
        after_help = "Examples:\n  ringctl login --client-id ID --client-secret-file secret.txt --jwt-file jwt.txt\n  ringctl login --browser --client-id ID --name work\n  ringctl login complete 'http://127.0.0.1:8910/callback?code=...&state=...'"
    )]
    Login(LoginArgs),
    /// Revoke a connection's tokens at the server, then forget them.
    #[command(after_help = "Examples:\n  ringctl logout\n  ringctl logout work")]
    Logout(LogoutArgs),
    /// Create a connection: `--sandbox` for the embedded sandbox, or `--connectorId=ringcentral`.
    #[command(
        after_help = "Examples:\n  ringctl connect --sandbox --name demo --users 50\n  ringctl connect --connectorId=ringcentral --jwt-file jwt.txt --client-id ID --client-secret-file secret.txt"
    )]
    Connect(ConnectArgs),
    /// Find connectors (`--elementType=connector`) or actions.
    #[command(
        after_help = "Examples:\n  ringctl search ringcentral\n  ringctl search --elementType=action send an sms"
    )]
    Search(SearchArgs),
    /// Manage connections.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  ringctl connection list\n  ringctl connection default work\n  ringctl connection remove demo"
    )]
    Connection(ConnectionCommand),
    /// Find, inspect and run actions: one per operation of the RingCentral API.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  ringctl action list --intent \"who is in the sales queue\"\n  ringctl action show send-sms\n  ringctl action run get-extension-info"
    )]
    Action(ActionCommand),
    /// Send a raw request to the API with authentication injected.
    #[command(
        after_help = "Examples:\n  ringctl request /restapi/v1.0/account/~/extension/~\n  ringctl request /restapi/v1.0/account/~/extension --query perPage=5 -i\n  ringctl request -X POST /restapi/v1.0/account/~/extension/~/address-book/contact --json '{\"firstName\":\"Ada\"}'\n  ringctl request \"$NEXT_PAGE_URI\""
    )]
    Request(RequestArgs),
    /// The embedded RingCentral-compatible sandbox server.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  ringctl sandbox serve --addr 127.0.0.1:8080 --data sandbox.db\n  ringctl sandbox credentials\n  ringctl sandbox reset"
    )]
    Sandbox(SandboxCommand),
    /// The company directory: the account's and its federation's extensions.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  ringctl directory list --type User\n  ringctl directory search --search-string ann\n  ringctl directory federation"
    )]
    Directory(DirectoryCommand),
    /// Identity lifecycle through SCIM: list, suspend, reactivate and deprovision users.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  ringctl users list --status suspended\n  ringctl users suspend ann.lee@example.com\n  ringctl users deprovision ann.lee@example.com --dry-run"
    )]
    Users(UsersCommand),
    /// The audit log of lifecycle changes made through ringctl.
    #[command(subcommand)]
    #[command(
        after_help = "Examples:\n  ringctl audit list\n  ringctl audit list --user ann.lee@example.com --csv"
    )]
    Audit(AuditCommand),
    /// Print a shell completion script (`ringctl completions --help` says how to install it).
    #[command(after_help = crate::commands::completions::INSTALL_HELP)]
    Completions(CompletionsArgs),
    /// Show the connection in use, why, whom it acts as, and its tokens and secrets.
    #[command(visible_alias = "whoami")]
    #[command(after_help = "Examples:\n  ringctl status\n  ringctl whoami --json")]
    Status(StatusArgs),
    /// Serve the RingCentral API to AI agents over the Model Context Protocol (stdio).
    #[command(
        after_help = "Examples:\n  ringctl mcp\n  ringctl mcp --read-only\n  ringctl -c dev mcp --allow SMS --deny delete-extension"
    )]
    Mcp(McpArgs),
    /// Write man pages: one per command with --out DIR, else the top page on stdout.
    #[command(
        after_help = "Examples:\n  ringctl man | man -l -\n  ringctl man --out ~/.local/share/man/man1 && man ringctl-action-run"
    )]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `ringctl.1`, `ringctl-action.1`, `ringctl-action-run.1`, ... into this directory
    /// (created if missing).
    #[arg(long = "out", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// With --out, print the list of pages written as JSON.
    #[command(flatten)]
    pub out: JsonFlag,
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
    #[command(
        after_help = "Example:\n  ringctl login complete 'http://127.0.0.1:8910/callback?code=...&state=...'"
    )]
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
    #[command(
        after_help = "Examples:\n  ringctl connection list\n  ringctl connection list --json"
    )]
    List(JsonOnly),
    /// Show one connection.
    #[command(after_help = "Example:\n  ringctl connection show work")]
    Show(ConnectionIdArgs),
    /// Make a connection the default.
    #[command(after_help = "Example:\n  ringctl connection default work")]
    Default(ConnectionIdArgs),
    /// Forget a connection and its stored tokens and secrets.
    #[command(after_help = "Example:\n  ringctl connection remove demo")]
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
    #[command(
        after_help = "Examples:\n  ringctl action list --intent \"send an sms\"\n  ringctl action list --intent \"forward my calls\" --explain\n  ringctl action list --tag SMS\n  ringctl action list --json --jq '.items[].key'"
    )]
    List(ActionListArgs),
    /// Show one action with its input and output schemas.
    #[command(
        after_help = "Examples:\n  ringctl action show send-sms\n  ringctl action show createSMSMessage --json --jq .example"
    )]
    Show(ActionShowArgs),
    /// Run an action with a JSON input.
    #[command(
        after_help = "Examples:\n  ringctl action run get-extension-info\n  ringctl action run list-contacts -f perPage=10 --all-pages\n  ringctl action run send-sms -f from.phoneNumber=+16505550100 -f to.phoneNumber=+16505550101 -F text=@note.txt\n  ringctl action run create-contact --input @contact.json --dry-run"
    )]
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
    /// With --intent, show how each match's score adds up from the search's named signals
    /// (recall, precision, verb, scope, ...); with --json, as an `explain` object per item.
    #[arg(long, requires = "intent")]
    pub explain: bool,
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
    /// Set one input field, typed by the schema (`perPage=10`, `active=false`); `a.b=v` reaches
    /// into objects and a repeated key adds to an array. Applied over --input (repeatable).
    #[arg(
        id = "set_field",
        short = 'f',
        long = "field",
        value_name = "KEY=VALUE"
    )]
    pub set_fields: Vec<String>,
    /// Set one input field from a file's contents: `text=@note.txt` (repeatable; without `@`, as -f).
    #[arg(
        id = "set_file_field",
        short = 'F',
        long = "file-field",
        value_name = "KEY=@FILE"
    )]
    pub set_file_fields: Vec<String>,
    /// Send the input even when it does not fit the schema (the problems are printed as a warning).
    #[arg(long)]
    pub skip_validation: bool,
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
    #[command(
        after_help = SERVE_EXAMPLES,
        after_long_help = format!("{}\n\n{SERVE_EXAMPLES}", crate::commands::sandbox::coverage_help().trim_end())
    )]
    Serve(SandboxServeArgs),
    /// Print the client id, secret and a JWT credential for a seeded user.
    #[command(
        after_help = "Examples:\n  ringctl sandbox credentials\n  ringctl sandbox credentials --user ann.lee@example.com --json"
    )]
    Credentials(SandboxCredentialsArgs),
    /// Delete a sandbox data file, so that the next start seeds afresh.
    #[command(
        after_help = "Examples:\n  ringctl sandbox reset\n  ringctl sandbox reset --data sandbox.db"
    )]
    Reset(SandboxResetArgs),
}

const SERVE_EXAMPLES: &str = "Examples:\n  ringctl sandbox serve\n  ringctl sandbox serve --addr 127.0.0.1:8080 --data sandbox.db --users 200\n  ringctl sandbox serve --rate-limits real --faults 5xx=0.05";

#[derive(Debug, Args)]
pub struct SandboxServeArgs {
    /// Address to listen on (port 0 picks a free port). Loopback only, unless --allow-remote.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub addr: std::net::SocketAddr,
    /// Listen on a non-loopback address: anyone who reaches it can use the sandbox's credentials.
    #[arg(long)]
    pub allow_remote: bool,
    /// Keep state in this SQLite file (in memory otherwise).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Users in the seeded company (1 to 1,000,000).
    #[arg(long, value_name = "N", default_value_t = ringcentral_sandbox::DEFAULT_USERS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub users: usize,
    /// Seed of the generated company (0 to 9223372036854775807).
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: u64,
    /// Lifetime of access tokens, in seconds (1 to 31536000, a year).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(1..=31_536_000))]
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
    /// Seconds a client may take to send a request's head once begun (1 to 3600); a slower
    /// connection is closed.
    #[arg(long, value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
    /// Seconds a request's body may take to arrive once its head has (1 to 3600); a slower one is
    /// answered 408.
    #[arg(long, value_name = "SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub body_timeout: u64,
    /// Seconds a connection may stay open between requests (1 to 86400).
    #[arg(long, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub idle_timeout: u64,
    /// Connections served at once (1 to 1000000); more clients wait for a slot. By default an
    /// eighth below the process's open-file limit.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: Option<u64>,
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

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// List directory entries, one page or `--all-pages`.
    #[command(
        after_help = "Examples:\n  ringctl directory list\n  ringctl directory list --type User --per-page max\n  ringctl directory list --all-pages --ndjson"
    )]
    List(DirectoryListArgs),
    /// Show one directory entry.
    #[command(
        after_help = "Examples:\n  ringctl directory get 62000000000\n  ringctl directory get 62000000000 --if-changed"
    )]
    Get(DirectoryGetArgs),
    /// Search the directory by text, type, status, site, department or account.
    #[command(
        after_help = "Examples:\n  ringctl directory search --search-string ann\n  ringctl directory search --department Sales --order-by lastName"
    )]
    Search(DirectorySearchArgs),
    /// Show the federation and its accounts.
    #[command(after_help = "Example:\n  ringctl directory federation --types All")]
    Federation(DirectoryFederationArgs),
}

/// Conditional reads: send a known ETag, and hear `not modified` when nothing changed.
#[derive(Debug, Args, Clone, Default)]
pub struct ConditionalArgs {
    /// Send `If-None-Match: ETAG`; a 304 prints `not modified` on stderr and exits 0.
    #[arg(long, value_name = "ETAG")]
    pub if_none_match: Option<String>,
    /// Send the ETag of this connection's last answer to the same request, if there was one.
    #[arg(long, conflicts_with = "if_none_match")]
    pub if_changed: bool,
}

#[derive(Debug, Args)]
pub struct DirectoryListArgs {
    /// Contacts of every account in the federation (true, the server's default) or only this one's.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub show_federated: Option<bool>,
    /// Only this extension type (User, Department, IvrMenu, ...).
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// Only this group of extension types: User or NonUser.
    #[arg(long, value_name = "GROUP")]
    pub type_group: Option<String>,
    /// Page number.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub page: Option<String>,
    /// Records per page: a number up to 2000, `all` or `max`.
    #[arg(long, value_name = "N|all|max", allow_negative_numbers = true)]
    pub per_page: Option<String>,
    /// Only extensions of this site.
    #[arg(long, value_name = "ID")]
    pub site_id: Option<String>,
    /// The account (default `~`, the connection's own).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    /// Follow every page and print all records.
    #[arg(long, conflicts_with_all = ["page", "if_none_match", "if_changed"])]
    pub all_pages: bool,
    #[command(flatten)]
    pub conditional: ConditionalArgs,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct DirectoryGetArgs {
    /// The entry's id (its extension id).
    pub id: String,
    /// The account (default `~`, the connection's own).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    #[command(flatten)]
    pub conditional: ConditionalArgs,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct DirectorySearchArgs {
    /// The text to look for (in names, extension numbers, phone numbers and emails by default).
    #[arg(long, value_name = "TEXT")]
    pub search_string: Option<String>,
    /// Which fields the text is looked for in (repeatable, or a comma list): firstName, lastName,
    /// extensionNumber, phoneNumber, email, jobTitle, department, customFieldValue.
    #[arg(long, value_name = "FIELD", value_delimiter = ',')]
    pub search_fields: Vec<String>,
    /// Contacts of every account in the federation (true, the server's default) or only this one's.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub show_federated: Option<bool>,
    /// Only this type of contact.
    #[arg(long, value_name = "TYPE")]
    pub extension_type: Option<String>,
    /// Only these extension types (repeatable, or a comma list).
    #[arg(long, value_name = "TYPE", value_delimiter = ',')]
    pub extension_types: Vec<String>,
    /// Only these statuses: Enabled, Disabled, NotActivated (repeatable, or a comma list).
    #[arg(long, value_name = "STATUS", value_delimiter = ',')]
    pub extension_statuses: Vec<String>,
    /// Only extensions of this site.
    #[arg(long, value_name = "ID")]
    pub site_id: Option<String>,
    /// Only extensions of these sites (repeatable, or a comma list).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub site_ids: Vec<String>,
    /// Only extensions of these accounts of the federation (repeatable, or a comma list).
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub account_ids: Vec<String>,
    /// Only this department.
    #[arg(long, value_name = "NAME")]
    pub department: Option<String>,
    /// Sort by FIELD, ascending unless `:desc` (repeatable; the first is the first key).
    #[arg(long, value_name = "FIELD[:asc|desc]")]
    pub order_by: Vec<String>,
    /// Page number.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub page: Option<String>,
    /// Records per page.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub per_page: Option<String>,
    /// Include contacts only administrators see.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub show_admin_only_contacts: Option<bool>,
    /// Include external (hybrid) contacts.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub show_external_contacts: Option<bool>,
    /// The account (default `~`, the connection's own).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    /// Follow every page and print all records.
    #[arg(long, conflicts_with = "page")]
    pub all_pages: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct DirectoryFederationArgs {
    /// Which federations: All, Regular (the server's default) or AdminOnly.
    #[arg(long, value_name = "TYPES")]
    pub types: Option<String>,
    /// Read the federation as this RingCentral extension sees it.
    #[arg(long = "rc-extension-id", value_name = "ID")]
    pub rc_extension_id: Option<String>,
    /// The account (default `~`, the connection's own).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    #[command(flatten)]
    pub conditional: ConditionalArgs,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users with their status: Active, Suspended, or Deprovisioned (seen before, now gone).
    #[command(
        after_help = "Examples:\n  ringctl users list\n  ringctl users list --status suspended --csv > suspended.csv"
    )]
    List(UsersListArgs),
    /// One user: extension, numbers, department and the last status change.
    #[command(after_help = "Example:\n  ringctl users show ann.lee@example.com")]
    Show(UserArgs),
    /// Everything that routes calls or messages to a user, or names them.
    #[command(after_help = "Example:\n  ringctl users impact ann.lee@example.com --json")]
    Impact(UserArgs),
    /// Suspend users (SCIM active=false): they cannot sign in; the licence is kept.
    #[command(
        after_help = "Examples:\n  ringctl users suspend ann.lee@example.com\n  ringctl users suspend --from leavers.csv\n  ringctl users suspend --resume"
    )]
    Suspend(ChangeArgs),
    /// Reactivate suspended users (SCIM active=true).
    #[command(after_help = "Example:\n  ringctl users reactivate ann.lee@example.com")]
    Reactivate(ChangeArgs),
    /// Delete users (SCIM DELETE) after an impact report; optionally hand their duties over first.
    #[command(
        after_help = "Examples:\n  ringctl users deprovision ann.lee@example.com --dry-run\n  ringctl users deprovision ann.lee@example.com --handover-to bo.chen@example.com --yes"
    )]
    Deprovision(DeprovisionArgs),
}

#[derive(Debug, Args)]
pub struct UsersListArgs {
    /// Only users of this status.
    #[arg(long, value_name = "STATUS", default_value = "all",
          value_parser = ["active", "suspended", "deprovisioned", "all"])]
    pub status: String,
    /// Print CSV (email,name,status,scimId,extensionId,lastSeen).
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct UserArgs {
    /// The user's primary email.
    pub email: String,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// Users' primary emails.
    #[arg(value_name = "EMAIL")]
    pub emails: Vec<String>,
    /// Read emails from a file: one a line, or a CSV with an `email` column (`-` for stdin).
    #[arg(long, value_name = "FILE")]
    pub from: Option<std::path::PathBuf>,
    /// Skip malformed lines of --from (each is reported) instead of refusing the file.
    #[arg(long)]
    pub skip_bad_lines: bool,
    /// Show what would change and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Continue the last run of this command that stopped before its end.
    #[arg(long)]
    pub resume: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

#[derive(Debug, Args)]
pub struct DeprovisionArgs {
    #[command(flatten)]
    pub change: ChangeArgs,
    /// First move what the impact report found (queues, forwarding, IVR keys, rules) to this user.
    #[arg(long, value_name = "EMAIL")]
    pub handover_to: Option<String>,
    /// Refuse a run that would deprovision more users than this.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub max_deprovision: usize,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Every lifecycle change made through ringctl on this connection, oldest first.
    #[command(
        after_help = "Examples:\n  ringctl audit list\n  ringctl audit list --user ann.lee@example.com --since 2026-01-01 --csv"
    )]
    List(AuditListArgs),
}

#[derive(Debug, Args)]
pub struct AuditListArgs {
    /// Only changes to this user.
    #[arg(long, value_name = "EMAIL")]
    pub user: Option<String>,
    /// Only changes from this date (YYYY-MM-DD) or time (RFC 3339) on.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Print CSV.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    #[command(flatten)]
    pub out: JsonFlag,
}

/// `ringctl mcp`: an MCP server on stdin/stdout; logs go to stderr.
#[derive(Debug, Args)]
pub struct McpArgs {
    /// Expose only reading operations (GET) and the read-only user tools; refuse the rest.
    #[arg(long)]
    pub read_only: bool,
    /// Expose only these actions: an action key, operationId or tag (repeatable, or a comma list).
    #[arg(long, value_name = "KEY|TAG", value_delimiter = ',')]
    pub allow: Vec<String>,
    /// Never expose these actions: an action key, operationId or tag (repeatable, or a comma list).
    #[arg(long, value_name = "KEY|TAG", value_delimiter = ',')]
    pub deny: Vec<String>,
    #[command(flatten)]
    pub out: JsonFlag,
}
