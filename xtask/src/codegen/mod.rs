//! The generator: reads RingCentral's OpenAPI 3.0 spec and writes `crates/ringcentral-api/src/generated/`.
//!
//! It is hand-written rather than built on an OpenAPI generator because what it emits is specific to
//! ringctl: flat action inputs that merge parameters with body properties, RingCentral's throttling
//! groups and permissions, paging kinds, and schemas as compact JSON text that the catalog bundles on
//! demand. Output is deterministic: the same spec always gives byte-identical files.

mod emit;
pub mod keys;
mod model;
pub mod overlay;
mod schema;
mod sdk_models;
mod sdk_services;
mod spec;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub use model::{ApiModel, OperationModel};

/// One file the generator writes, relative to the API crate's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// The spec's default location: `$RINGCTL_SPEC` when set, else the copy vendored at
/// `spec/rc-public-openapi.yml`.
pub fn default_spec_path() -> PathBuf {
    if let Some(path) = std::env::var_os("RINGCTL_SPEC").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    repo_root().join("spec").join("rc-public-openapi.yml")
}

/// The directory of the generated crate.
pub fn api_crate_dir() -> PathBuf {
    repo_root().join("crates").join("ringcentral-api")
}

/// The directory of the typed SDK crate.
pub fn sdk_crate_dir() -> PathBuf {
    repo_root().join("crates").join("ringcentral-sdk")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Parses the spec, applies the overlay (`xtask/overlay.yml`) and builds the model of every
/// operation, without emitting code.
pub fn load(spec_yaml: &str) -> Result<ApiModel> {
    let mut spec = spec::Spec::parse(spec_yaml)?;
    overlay::apply(&mut spec.doc, overlay::OVERLAY)?;
    model::build(&spec)
}

/// Generates every file of the API crate's `src/generated/` from the spec's YAML text.
pub fn generate(spec_yaml: &str) -> Result<Vec<GeneratedFile>> {
    let api = load(spec_yaml)?;
    Ok(emit::emit(&api))
}

/// Generates every file of the SDK crate's `src/generated/` (models and services) from the spec's
/// YAML text.
pub fn generate_sdk(spec_yaml: &str) -> Result<Vec<GeneratedFile>> {
    let mut spec = spec::Spec::parse(spec_yaml)?;
    overlay::apply(&mut spec.doc, overlay::OVERLAY)?;
    let api = model::build(&spec)?;
    sdk_services::emit(&spec, &api)
}

/// The `src/generated/` directories `files` are written to (a crate may hold another crate, as the
/// SDK holds its models), relative to the crate's directory; always `src/generated` itself.
fn generated_dirs(files: &[GeneratedFile]) -> Vec<String> {
    let mut dirs = vec!["src/generated".to_string()];
    for file in files {
        if let Some(at) = file.path.find("src/generated/") {
            let dir = &file.path[..at + "src/generated".len()];
            if !dirs.iter().any(|d| d == dir) {
                dirs.push(dir.to_string());
            }
        }
    }
    dirs
}

/// Paths of generated files whose committed contents differ from `files` (missing files included),
/// plus committed files under the `src/generated/` directories that the generator no longer writes.
pub fn stale_files(crate_dir: &Path, files: &[GeneratedFile]) -> Result<Vec<String>> {
    let mut stale = Vec::new();
    for file in files {
        let committed = std::fs::read_to_string(crate_dir.join(&file.path)).unwrap_or_default();
        if committed != file.contents {
            stale.push(file.path.clone());
        }
    }
    for dir in generated_dirs(files) {
        let generated_dir = crate_dir.join(&dir);
        if !generated_dir.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&generated_dir)
            .with_context(|| format!("cannot list {}", generated_dir.display()))?
        {
            let entry = entry?;
            let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
            if !files.iter().any(|f| f.path == rel) {
                stale.push(rel);
            }
        }
    }
    Ok(stale)
}

/// Writes `files` under `crate_dir`, replacing its `src/generated/` directories as a whole.
pub fn write_files(crate_dir: &Path, files: &[GeneratedFile]) -> Result<()> {
    for dir in generated_dirs(files) {
        let generated_dir = crate_dir.join(&dir);
        if generated_dir.is_dir() {
            std::fs::remove_dir_all(&generated_dir)
                .with_context(|| format!("cannot clear {}", generated_dir.display()))?;
        }
    }
    for file in files {
        let path = crate_dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}
