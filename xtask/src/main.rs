//! `cargo xtask`: project automation. `cargo xtask codegen [--spec PATH] [--check]` regenerates
//! `crates/ringcentral-api` and `crates/ringcentral-sdk` from RingCentral's OpenAPI spec, or checks that the committed files match.
//! `cargo xtask fit-search` fits intent search's weights on the training sets (see `fit.rs`).
//! `cargo xtask guide-terms <docs-dir>` writes the words of the API guides about each operation
//! (see `guides.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use xtask::codegen;

mod fit;
mod guides;

const USAGE: &str = "usage: cargo xtask codegen [--spec PATH] [--check]";

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("codegen") => {}
        Some("fit-search") => {
            fit::run(args)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some("guide-terms") => {
            guides::run(args)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some("-h" | "--help") | None => {
            println!("{USAGE}\n{}\n{}", fit::USAGE, guides::USAGE);
            return Ok(ExitCode::SUCCESS);
        }
        Some(other) => bail!("unknown task `{other}`. {USAGE}"),
    }
    let mut spec = codegen::default_spec_path();
    let mut check = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--spec" => spec = PathBuf::from(args.next().context("--spec needs a path")?),
            "--check" => check = true,
            other => bail!("unknown argument `{other}`. {USAGE}"),
        }
    }
    let spec = spec.canonicalize().unwrap_or(spec);
    let text = std::fs::read_to_string(&spec)
        .with_context(|| format!("cannot read the spec at {}", spec.display()))?;
    let targets = [
        (codegen::api_crate_dir(), codegen::generate(&text)?),
        (codegen::sdk_crate_dir(), codegen::generate_sdk(&text)?),
    ];
    if check {
        let mut stale_any = false;
        for (root, files) in &targets {
            let stale = codegen::stale_files(root, files)?;
            for path in &stale {
                eprintln!("stale: {}", root.join(path).display());
            }
            stale_any |= !stale.is_empty();
        }
        if !stale_any {
            let count: usize = targets.iter().map(|(_, f)| f.len()).sum();
            println!("generated code is up to date ({count} files)");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("error: generated code differs from the spec. Run `cargo xtask codegen`.");
        return Ok(ExitCode::FAILURE);
    }
    for (root, files) in &targets {
        codegen::write_files(root, files)?;
        println!(
            "wrote {} files under {} from {}",
            files.len(),
            root.display(),
            spec.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
