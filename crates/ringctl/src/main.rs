//! `ringctl`: the command-line tool. Parsing and output only; the work happens in the libraries.

mod cli;
mod commands;
mod config;
mod context;
mod exit;
mod input;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

use cli::{
    ActionCommand, AuditCommand, Cli, Command, ConnectionCommand, DirectoryCommand, SandboxCommand,
    UsersCommand,
};
use context::Ctx;
use exit::{CliError, Exit};
use output::{Output, Shape, Stop, View};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version itself, and usage errors with its own hint.
            let code = if err.use_stderr() {
                Exit::Usage
            } else {
                Exit::Success
            };
            let _ = err.print();
            return code.into();
        }
    };
    let asked_for_json = cli.json || json_flag(&cli.command);
    let mut out = Output::detect(asked_for_json);
    // Piped output is JSON, but an error object on stdout is only for those who asked for JSON:
    // `ringctl action run ... > out.json` must not leave an error object in the file.
    // A raw request's stdout is the response body, so its errors stay on stderr.
    out.error_json = asked_for_json && !matches!(cli.command, Command::Request(_));
    init_logging(cli.global.verbose, out.color);
    let shape = Shape::new(
        &cli.global.fields,
        cli.global.jq.as_deref(),
        cli.global.ndjson,
    );
    let out = match shape {
        Ok(shape) => out.shaped(shape),
        Err(err) => {
            out.error(&err);
            return err.exit.into();
        }
    };
    let server = matches!(cli.command, Command::Sandbox(SandboxCommand::Serve(_)));
    let result =
        Ctx::new(out, cli.global.connection.clone(), server).and_then(|ctx| run(&cli, &ctx));
    match result {
        Ok(View::Partial { json, error }) => {
            // The results say which items failed; stderr says how many, and the exit code too.
            match out.render(View::Json(json)) {
                Ok(()) | Err(Stop::Closed) => {}
                Err(Stop::Failed(err)) => {
                    out.error(&err);
                    return err.exit.into();
                }
            }
            out.error_line(&error);
            error.exit.into()
        }
        Ok(view) => match out.render(view) {
            // A closed pipe (`ringctl ... | head`) is not an error worth reporting.
            Ok(()) | Err(Stop::Closed) => Exit::Success.into(),
            Err(Stop::Failed(err)) => {
                out.error(&err);
                err.exit.into()
            }
        },
        Err(err) => {
            out.error(&err);
            err.exit.into()
        }
    }
}

/// Whether the command asked for JSON. `request` prints bodies as received, so never adds JSON of
/// its own to stdout.
fn json_flag(command: &Command) -> bool {
    match command {
        Command::Login(a) => a.out.json,
        Command::Logout(a) => a.out.json,
        Command::Connect(a) => a.out.json,
        Command::Search(a) => a.out.json,
        Command::Connection(
            ConnectionCommand::List(cli::JsonOnly { out })
            | ConnectionCommand::Show(cli::ConnectionIdArgs { out, .. })
            | ConnectionCommand::Default(cli::ConnectionIdArgs { out, .. })
            | ConnectionCommand::Remove(cli::ConnectionIdArgs { out, .. }),
        ) => out.json,
        Command::Action(ActionCommand::List(a)) => a.out.json,
        Command::Action(ActionCommand::Show(a)) => a.out.json,
        Command::Action(ActionCommand::Run(a)) => a.out.json,
        Command::Sandbox(SandboxCommand::Credentials(a)) => a.out.json,
        Command::Sandbox(SandboxCommand::Reset(a)) => a.out.json,
        Command::Sandbox(SandboxCommand::Serve(a)) => a.out.json,
        Command::Completions(a) => a.out.json,
        Command::Users(UsersCommand::List(a)) => a.out.json,
        Command::Users(UsersCommand::Show(a) | UsersCommand::Impact(a)) => a.out.json,
        Command::Users(UsersCommand::Suspend(a) | UsersCommand::Reactivate(a)) => a.out.json,
        Command::Users(UsersCommand::Deprovision(a)) => a.change.out.json,
        Command::Audit(AuditCommand::List(a)) => a.out.json,
        Command::Status(a) => a.out.json,
        Command::Man(a) => a.out.json,
        Command::Mcp(a) => a.out.json,
        Command::Request(_) => false,
        Command::Directory(DirectoryCommand::List(a)) => a.out.json,
        Command::Directory(DirectoryCommand::Get(a)) => a.out.json,
        Command::Directory(DirectoryCommand::Search(a)) => a.out.json,
        Command::Directory(DirectoryCommand::Federation(a)) => a.out.json,
    }
}

fn run(cli: &Cli, ctx: &Ctx) -> Result<View, CliError> {
    use commands::{action, audit, completions, connection, request, sandbox, users};
    connection::finish_swaps(ctx)?;
    match &cli.command {
        Command::Login(args) => connection::login(ctx, args),
        Command::Logout(args) => connection::logout(ctx, args),
        Command::Connect(args) => connection::connect(ctx, args),
        Command::Search(args) => connection::search(args),
        Command::Connection(ConnectionCommand::List(_)) => connection::list(ctx),
        Command::Connection(ConnectionCommand::Show(args)) => connection::show(ctx, args),
        Command::Connection(ConnectionCommand::Default(args)) => connection::set_default(ctx, args),
        Command::Connection(ConnectionCommand::Remove(args)) => connection::remove(ctx, args),
        Command::Action(ActionCommand::List(args)) => {
            if let Some(wanted) = &ctx.connection {
                ctx.resolve(Some(wanted))?;
            }
            action::list(args)
        }
        Command::Action(ActionCommand::Show(args)) => action::show(args),
        Command::Action(ActionCommand::Run(args)) => action::run(ctx, args),
        Command::Request(args) => request::run(ctx, args),
        Command::Sandbox(SandboxCommand::Serve(args)) => sandbox::serve(ctx, args),
        Command::Sandbox(SandboxCommand::Credentials(args)) => sandbox::credentials(ctx, args),
        Command::Sandbox(SandboxCommand::Reset(args)) => sandbox::reset(ctx, args),
        Command::Users(UsersCommand::List(args)) => users::list(ctx, args),
        Command::Users(UsersCommand::Show(args)) => users::show(ctx, args),
        Command::Users(UsersCommand::Impact(args)) => users::impact(ctx, args),
        Command::Users(UsersCommand::Suspend(args)) => {
            users::change(ctx, ringcentral_lifecycle::Change::Suspend, args, None)
        }
        Command::Users(UsersCommand::Reactivate(args)) => {
            users::change(ctx, ringcentral_lifecycle::Change::Reactivate, args, None)
        }
        Command::Users(UsersCommand::Deprovision(args)) => users::change(
            ctx,
            ringcentral_lifecycle::Change::Deprovision,
            &args.change,
            Some(args),
        ),
        Command::Audit(AuditCommand::List(args)) => audit::list(ctx, args),
        Command::Completions(args) => completions::run(args),
        Command::Directory(DirectoryCommand::List(args)) => commands::directory::list(ctx, args),
        Command::Directory(DirectoryCommand::Get(args)) => commands::directory::get(ctx, args),
        Command::Directory(DirectoryCommand::Search(args)) => {
            commands::directory::search(ctx, args)
        }
        Command::Directory(DirectoryCommand::Federation(args)) => {
            commands::directory::federation(ctx, args)
        }
        Command::Status(_) => commands::status::run(ctx),
        Command::Man(args) => completions::man(args),
        Command::Mcp(args) => commands::mcp::serve(ctx, args),
    }
}

/// Log lines go to stderr, without timestamps (a person reads them next to the command), coloured
/// only when stderr is a terminal and NO_COLOR is unset.
fn init_logging(verbose: u8, color: bool) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("RINGCTL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(color)
        .without_time()
        .try_init();
}
