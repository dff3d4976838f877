//! `cargo xtask`: project automation. `cargo xtask codegen [--spec PATH] [--check]` regenerates
//! `crates/ringcentral-api` from RingCentral's OpenAPI spec, or checks that the committed files match.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use xtask::codegen;

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
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
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
    let files = codegen::generate(&text)?;
    let root = codegen::api_crate_dir();
    if check {
        let stale = codegen::stale_files(&root, &files)?;
        if stale.is_empty() {
            println!("generated code is up to date ({} files)", files.len());
            return Ok(ExitCode::SUCCESS);
        }
        for path in &stale {
            eprintln!("stale: {path}");
        }
        eprintln!("error: generated code differs from the spec. Run `cargo xtask codegen`.");
        return Ok(ExitCode::FAILURE);
    }
    codegen::write_files(&root, &files)?;
    println!(
        "wrote {} files under {} from {}",
        files.len(),
        root.display(),
        spec.display()
    );
    Ok(ExitCode::SUCCESS)
}
