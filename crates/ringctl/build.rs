//! Linking of release builds: the functions everyday commands run (`link-order.txt`, written by
//! `compat/bench/link-order.sh`) are placed side by side in the executable, and its relocations are
//! packed.
//!
//! The kernel maps an executable's code in 64 KiB windows around each page a process touches. Left
//! in the compiler's order, the few thousand functions a command runs are spread over most of the
//! code, and a one-request command has most of a 12 MB executable resident; placed together they
//! fit in about two. A stale list only costs memory: names that no longer exist are skipped, and
//! new functions go after the listed ones.

use std::env;
use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=link-order.txt");
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER");
    if env::var("PROFILE").as_deref() != Ok("release") || !default_lld() {
        return;
    }
    let Ok(dir) = env::var("CARGO_MANIFEST_DIR") else {
        return;
    };
    let order = Path::new(&dir).join("link-order.txt");
    if !order.is_file() {
        return;
    }
    println!(
        "cargo:rustc-link-arg-bin=ringctl=-Wl,--symbol-ordering-file={}",
        order.display()
    );
    // Names from another build of the list are expected; lld would warn about each one.
    println!("cargo:rustc-link-arg-bin=ringctl=-Wl,--no-warn-symbol-ordering");
    // Packed relative relocations: the loader reads a few kilobytes at start instead of a megabyte
    // of relocation entries for the catalog's tables. A binary packed this way needs GNU libc 2.36
    // or later to start, so only a build on such a system packs them (built here, run here).
    if host_glibc_at_least(2, 36) {
        println!("cargo:rustc-link-arg-bin=ringctl=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether the building machine, which is the target too, has GNU libc of at least this version
/// (`getconf GNU_LIBC_VERSION` prints `glibc 2.36`).
fn host_glibc_at_least(major: u32, minor: u32) -> bool {
    if env::var("HOST").ok() != env::var("TARGET").ok() {
        return false;
    }
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(version) = text.trim().strip_prefix("glibc ") else {
        return false;
    };
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(a), Some(b)) => (a, b) >= (major, minor),
        _ => false,
    }
}

/// Whether the executable is linked by the toolchain's own lld, which understands an ordering file:
/// the default for x86_64 Linux with GNU libc, unless the build names another linker.
fn default_lld() -> bool {
    if env::var("TARGET").as_deref() != Ok("x86_64-unknown-linux-gnu") {
        return false;
    }
    if env::var_os("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_some() {
        return false;
    }
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if flags
        .split('\x1f')
        .any(|f| f.contains("linker") || f.contains("link-self-contained"))
    {
        return false;
    }
    // Rust 1.90 made lld the default linker there; older toolchains call the system's `ld`.
    rustc_minor().is_some_and(|minor| minor >= 90)
}

/// The minor version of the compiler building this crate (`rustc 1.95.0 ...` gives 95).
fn rustc_minor() -> Option<u32> {
    let rustc = env::var_os("RUSTC")?;
    let out = Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    let mut parts = version.split('.');
    (parts.next()? == "1").then_some(())?;
    parts.next()?.parse().ok()
}
