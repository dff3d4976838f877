//! `ringctl`: the command-line tool. Parsing and output only; the work happens in the libraries.

mod cli;
mod commands;
mod config;
mod context;
mod exit;
mod output;

use std::process::ExitCode;

use clap::Parser;

use cli::{ActionCommand, Cli, Command, ConnectionCommand, SandboxCommand};
use context::Ctx;
use exit::{CliError, Exit};
use output::{Output, View};

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
    let asked_for_json = json_flag(&cli.command);
    let mut out = Output::detect(asked_for_json);
    // Piped output is JSON, but an error object on stdout is only for those who asked for JSON:
    // `ringctl action run ... > out.json` must not leave an error object in the file.
    out.error_json = asked_for_json;
    init_logging(cli.global.verbose, out.color);
    let result = Ctx::new(out, cli.global.connection.clone()).and_then(|ctx| run(&cli, &ctx));
    match result {
        Ok(View::Partial { json, error }) => {
            // The results say which items failed; stderr says how many, and the exit code too.
            match out.render(View::Json(json)) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(err) => {
                    out.error(&CliError::failure(format!("cannot write output: {err}")));
                    return Exit::Failure.into();
                }
            }
            out.error_line(&error);
            error.exit.into()
        }
        Ok(view) => match out.render(view) {
            Ok(()) => Exit::Success.into(),
            // A closed pipe (`ringctl ... | head`) is not an error worth reporting.
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Exit::Success.into(),
            Err(err) => {
                out.error(&CliError::failure(format!("cannot write output: {err}")));
                Exit::Failure.into()
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
        Command::Status(a) => a.out.json,
        Command::Request(_) => false,
    }
}

fn run(cli: &Cli, ctx: &Ctx) -> Result<View, CliError> {
    use commands::{action, completions, connection, request, sandbox};
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
        Command::Completions(args) => completions::run(args),
        Command::Status(_) => commands::status::run(ctx),
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
