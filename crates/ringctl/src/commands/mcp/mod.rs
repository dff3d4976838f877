//! `ringctl mcp`: the RingCentral API served to AI agents over the Model Context Protocol on stdio.
//! The tools are thin: catalog search and validation, the action runner and the lifecycle library
//! do the work, as they do for the CLI, and errors read as the CLI's do.
//!
//! stdout carries the protocol only; notes and logs go to stderr. Everything that changes something
//! lands in the connection's audit log with the operator `mcp`.

mod actions;
mod lifecycle;
mod policy;
mod stdio;
mod tools;

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ErrorCode,
    Implementation, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, ServiceExt};
use serde_json::{Map, Value};

use ringcentral_lifecycle::{Ledger, NewAudit};

use crate::cli::McpArgs;
use crate::config::Kind;
use crate::context::{Ctx, Reason};
use crate::exit::{CliError, CliResult};
use crate::output::View;

pub use policy::Policy;

/// Who the audit log names for every change made through this server.
pub const OPERATOR: &str = "mcp";

/// Serves MCP on stdin/stdout until the client closes stdin.
pub fn serve(ctx: &Ctx, args: &McpArgs) -> CliResult<View> {
    let policy = Policy::new(args.read_only, &args.allow, &args.deny)?;
    let chosen = ctx.choose()?;
    let reason = chosen.reason;
    // The session opens (and says on stderr which connection serves it) before the protocol starts.
    let session = ctx.session_of(chosen.connection)?;
    let ledger = crate::commands::users::open_ledger(ctx, &session)?;
    let embedded = session.connection.kind == Kind::Sandbox;
    let instructions = instructions(
        &session.connection.name,
        embedded,
        reason == Reason::Embedded,
        &policy,
    );
    let server = Server {
        inner: Arc::new(Inner {
            client: session.client.clone(),
            connection: session.connection.name.clone(),
            policy,
            ledger: Arc::new(std::sync::Mutex::new(ledger)),
            instructions,
        }),
    };
    tracing::info!(connection = %session.connection.name, "serving MCP on stdio");
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        // Started by hand rather than by an agent host: say what it is waiting for.
        ctx.out.note(
            "note: ringctl mcp speaks the Model Context Protocol on stdin and stdout, for an agent host to start; Ctrl-D ends it.",
        );
    }
    ctx.block_on(async move {
        // The intent index is built on first use; build it while the client says hello, so that
        // the agent's first search does not wait for it.
        tokio::task::spawn_blocking(|| ringcentral_catalog::search("send sms", 1));
        let io = stdio::start();
        let running = server
            .serve(io.transport)
            .await
            .map_err(|e| CliError::failure(format!("the MCP session did not start: {e}")))?;
        let stopped = running.waiting().await;
        // The reader ends with stdin; the writer once the last answer is out.
        io.reader.abort();
        let _ = io.writer.await;
        stopped.map_err(|e| CliError::failure(format!("the MCP server stopped: {e}")))?;
        Ok::<(), CliError>(())
    })?;
    drop(session);
    Ok(View::Nothing)
}

/// What the client is told at initialization: what the server is for, which connection it uses and
/// what it will refuse.
fn instructions(
    connection: &str,
    embedded: bool,
    nothing_configured: bool,
    policy: &Policy,
) -> String {
    let mut text = String::from(
        "ringctl exposes the whole RingCentral REST API. Find an operation with `search_actions` \
         (say what you want to do), read its inputs with `describe_action`, then call it with \
         `run_action`. `request` sends a raw request to an API path. The user tools (`list_users`, \
         `user_impact`, `suspend_user`, `reactivate_user`, `deprovision_user`) manage people \
         through SCIM; the destructive ones return the impact and the plan first and act only \
         when called again with `confirm: true`.",
    );
    if embedded {
        text.push_str(&format!(
            " This server talks to ringctl's embedded sandbox (connection `{connection}`), a local \
             RingCentral look-alike with seeded data: nothing is sent to RingCentral."
        ));
        if nothing_configured {
            text.push_str(
                " No connection is configured; `ringctl login` connects ringctl to RingCentral.",
            );
        }
    } else {
        text.push_str(&format!(
            " It acts on RingCentral through the connection `{connection}`: changes are real."
        ));
    }
    text.push(' ');
    text.push_str(&policy.describe());
    text
}

#[derive(Clone)]
struct Server {
    inner: Arc<Inner>,
}

struct Inner {
    client: ringcentral::Client,
    /// The connection's name, for the audit log.
    connection: String,
    policy: Policy,
    /// The connection's lifecycle ledger: users seen, run journal, audit log. SQLite handles are
    /// not `Sync`, so work that holds it across awaits runs on a blocking thread (see
    /// [`Server::with_ledger`]).
    ledger: Arc<std::sync::Mutex<Ledger>>,
    instructions: String,
}

/// How a tool call fails: a tool error the model reads and can act on, or a refusal at the
/// protocol level (a tool this server does not offer, an operation its policy forbids).
enum Failure {
    Tool(CliError),
    Protocol(McpError),
}

impl From<CliError> for Failure {
    fn from(err: CliError) -> Failure {
        Failure::Tool(err)
    }
}

type ToolResult = Result<Value, Failure>;

/// A refusal by the server's policy (read-only, allow and deny lists).
fn refused(message: String) -> Failure {
    Failure::Protocol(McpError::new(
        ErrorCode::INVALID_PARAMS,
        message,
        Some(serde_json::json!({"refused": true})),
    ))
}

/// A tool error as the CLI prints it on stderr: the one-line message and hint, then each detail
/// (a schema violation with its JSON pointer) and the API's facts.
fn error_text(err: &CliError) -> String {
    let mut text = format!("error: {err}");
    for line in &err.details {
        text.push_str("\n  ");
        text.push_str(line);
    }
    if let Some(api) = &err.api {
        let mut facts = Vec::new();
        if let Some(status) = api.status {
            facts.push(format!("status {status}"));
        }
        if let Some(code) = &api.error_code {
            facts.push(format!("errorCode {code}"));
        }
        if let Some(id) = &api.request_id {
            facts.push(format!("requestId {id}"));
        }
        if !facts.is_empty() {
            text.push_str(&format!("\n  ({})", facts.join(", ")));
        }
    }
    text
}

impl Server {
    /// Appends a change to the audit log; a failure to write it is logged, not hidden.
    async fn audit(
        &self,
        action: &str,
        user: &str,
        after: &str,
        request_id: Option<&str>,
        detail: &str,
    ) {
        let Ok(ledger) = self.inner.ledger.lock() else {
            tracing::error!("cannot write the audit log: its lock is poisoned");
            return;
        };
        let entry = NewAudit {
            connection: &self.inner.connection,
            operator: OPERATOR,
            user,
            action,
            before: None,
            after: Some(after),
            request_id,
            detail: Some(detail),
        };
        if let Err(e) = ledger.audit(&entry) {
            tracing::error!(error = %e, "cannot write the audit log");
        }
    }

    /// Runs work that needs the ledger on a blocking thread, where it may drive futures that hold
    /// the ledger across awaits (journaled runs, recorded listings) with `handle.block_on`.
    async fn with_ledger<T, F>(&self, work: F) -> CliResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Ledger, &tokio::runtime::Handle) -> CliResult<T> + Send + 'static,
    {
        let ledger = self.inner.ledger.clone();
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let mut guard = ledger
                .lock()
                .map_err(|_| CliError::failure("the lifecycle ledger's lock is poisoned"))?;
            work(&mut guard, &handle)
        })
        .await
        .map_err(|e| CliError::failure(format!("the lifecycle task failed: {e}")))?
    }

    async fn dispatch(&self, name: &str, args: Map<String, Value>) -> ToolResult {
        let Some(tool) = tools::find(name) else {
            return Err(Failure::Protocol(McpError::invalid_params(
                format!("unknown tool `{name}`"),
                None,
            )));
        };
        if !self.inner.policy.offers(tool) {
            return Err(refused(format!(
                "the tool `{name}` is not available: {}",
                self.inner.policy.describe()
            )));
        }
        let args = Value::Object(args);
        tools::check_arguments(tool, &args)?;
        match tool {
            tools::Tool::SearchActions => actions::search(self, &args),
            tools::Tool::DescribeAction => actions::describe(self, &args),
            tools::Tool::RunAction => actions::run(self, &args).await,
            tools::Tool::Request => actions::request(self, &args).await,
            tools::Tool::ListUsers => lifecycle::list_users(self, &args).await,
            tools::Tool::UserImpact => lifecycle::user_impact(self, &args).await,
            tools::Tool::SuspendUser => {
                lifecycle::change(self, ringcentral_lifecycle::Change::Suspend, &args).await
            }
            tools::Tool::ReactivateUser => {
                lifecycle::change(self, ringcentral_lifecycle::Change::Reactivate, &args).await
            }
            tools::Tool::DeprovisionUser => {
                lifecycle::change(self, ringcentral_lifecycle::Change::Deprovision, &args).await
            }
        }
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let mut implementation = Implementation::new("ringctl", env!("CARGO_PKG_VERSION"));
        implementation.title = Some("ringctl: the RingCentral API".into());
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(implementation)
            .with_instructions(self.inner.instructions.clone())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let offered = tools::ALL
            .iter()
            .copied()
            .filter(|t| self.inner.policy.offers(*t))
            .map(tools::definition)
            .collect();
        Ok(ListToolsResult::with_all_items(offered))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let name = request.name.to_string();
        let args = request.arguments.unwrap_or_default();
        tracing::debug!(tool = %name, "tool call");
        match self.dispatch(&name, args).await {
            Ok(value) => {
                let text = match value {
                    Value::String(s) => s,
                    // Compact: whitespace would spend an agent's context, and the size budget counts
                    // compact JSON.
                    other => serde_json::to_string(&other).unwrap_or_default(),
                };
                Ok(CallToolResult::success(vec![ContentBlock::text(text)]).into())
            }
            Err(Failure::Tool(err)) => {
                tracing::info!(tool = %name, error = %err, "tool error");
                Ok(CallToolResult::error(vec![ContentBlock::text(error_text(&err))]).into())
            }
            Err(Failure::Protocol(err)) => {
                tracing::info!(tool = %name, error = %err.message, "refused");
                Err(err)
            }
        }
    }
}
