//! `ringctl completions SHELL`: shell completion scripts generated from the command definitions.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::CliResult;
use crate::output::View;

pub fn run(args: &CompletionsArgs) -> CliResult<View> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "ringctl", &mut script);
    Ok(View::Raw(script))
}
