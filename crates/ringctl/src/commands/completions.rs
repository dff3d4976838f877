//! `ringctl completions SHELL`: shell completion scripts generated from the command definitions.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::CliResult;
use crate::output::View;

pub fn run(args: &CompletionsArgs) -> CliResult<View> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "ringctl", &mut script);
    if args.out.json {
        let script = String::from_utf8_lossy(&script);
        return Ok(View::Json(
            serde_json::json!({"shell": args.shell.to_string(), "script": script}),
        ));
    }
    Ok(View::Raw(script))
}
