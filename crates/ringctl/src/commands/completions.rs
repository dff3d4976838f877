//! `ringctl completions SHELL` and `ringctl man`: shell completion scripts and man pages, both
//! generated from the command definitions so that they never drift from the parser.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::exit::{CliError, CliResult};
use crate::output::View;

/// How to install the script, for `ringctl completions --help`.
pub const INSTALL_HELP: &str = "\
Install (then open a new shell):
  bash        ringctl completions bash > ~/.local/share/bash-completion/completions/ringctl
  zsh         mkdir -p ~/.zfunc && ringctl completions zsh > ~/.zfunc/_ringctl
              and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)
  fish        ringctl completions fish > ~/.config/fish/completions/ringctl.fish
  powershell  ringctl completions powershell >> $PROFILE
  elvish      ringctl completions elvish > ~/.config/elvish/lib/ringctl.elv
              and in ~/.config/elvish/rc.elv: use ringctl

Examples:
  ringctl completions bash > ~/.local/share/bash-completion/completions/ringctl
  ringctl completions zsh --json --jq .script";

/// The one install step for a shell, as printed on stderr next to the script.
fn install_step(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => {
            "save it as ~/.local/share/bash-completion/completions/ringctl, e.g. `ringctl completions bash > ~/.local/share/bash-completion/completions/ringctl`"
        }
        Shell::Zsh => {
            "save it as _ringctl in a directory of $fpath, e.g. `ringctl completions zsh > ~/.zfunc/_ringctl` with fpath=(~/.zfunc $fpath) in ~/.zshrc"
        }
        Shell::Fish => {
            "save it as ~/.config/fish/completions/ringctl.fish, e.g. `ringctl completions fish > ~/.config/fish/completions/ringctl.fish`"
        }
        Shell::PowerShell => {
            "add it to your profile, e.g. `ringctl completions powershell >> $PROFILE`"
        }
        Shell::Elvish => {
            "save it as ~/.config/elvish/lib/ringctl.elv and add `use ringctl` to ~/.config/elvish/rc.elv"
        }
        _ => "see `ringctl completions --help`",
    }
}

pub fn run(args: &CompletionsArgs) -> CliResult<View> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "ringctl", &mut script);
    if args.out.json {
        let script = String::from_utf8_lossy(&script);
        return Ok(View::Json(serde_json::json!({
            "shell": args.shell.to_string(),
            "script": script,
            "install": install_step(args.shell),
        })));
    }
    // The script is stdout; how to install it goes to stderr, where it cannot end up in the file.
    eprintln!(
        "note: to install these {} completions, {} (then open a new shell).",
        args.shell,
        install_step(args.shell)
    );
    Ok(View::Raw(script))
}

pub fn man(args: &ManArgs) -> CliResult<View> {
    let command = Cli::command();
    let Some(dir) = &args.dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(command)
            .render(&mut page)
            .map_err(|e| CliError::failure(format!("cannot render the man page: {e}")))?;
        return Ok(View::Raw(page));
    };
    let cannot_write = |e: std::io::Error| {
        CliError::failure(format!("cannot write man pages to {}: {e}", dir.display()))
            .hint("Give --out a directory you can write to.")
    };
    std::fs::create_dir_all(dir).map_err(cannot_write)?;
    clap_mangen::generate_to(command, dir).map_err(cannot_write)?;
    let mut pages = pages_in(dir);
    pages.sort();
    let paths: Vec<String> = pages
        .iter()
        .map(|p| dir.join(p).display().to_string())
        .collect();
    if args.out.json {
        return Ok(View::Json(serde_json::json!({ "pages": paths })));
    }
    Ok(View::Note(format!(
        "wrote {} man pages to {} (e.g. `man {}`)",
        paths.len(),
        dir.display(),
        dir.join("ringctl.1").display()
    )))
}

/// ringctl's man pages (`ringctl*.1`) in a directory.
fn pages_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with("ringctl") && name.ends_with(".1"))
                .collect()
        })
        .unwrap_or_default()
}
