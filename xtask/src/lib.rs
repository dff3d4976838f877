//! Library side of `cargo xtask`, so that tests can run the generator and compare its output with the
//! committed files.

pub mod codegen;
