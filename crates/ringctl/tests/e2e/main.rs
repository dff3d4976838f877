//! End-to-end tests of the `ringctl` binary: every command of the CLI contract and its exit codes,
//! against the embedded sandbox (started in-process by ringctl itself) or a sandbox served by
//! `ringctl sandbox serve` in a process of its own. Each test has its own `RINGCTL_HOME`.

mod auth;
mod choice;
mod common;
mod connections;
mod directory;
mod embedded;
mod inputs;
mod mcp;
mod output;
mod polish;
mod request;
mod safety;
mod secrets;
mod serve_flags;
mod served;
mod skill;
mod users;
