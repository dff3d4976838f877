//! One module per command group: each turns parsed arguments into library calls and a view.

pub mod action;
pub mod audit;
pub mod completions;
pub mod connection;
pub mod directory;
pub mod mcp;
pub mod request;
pub mod sandbox;
pub mod send;
pub mod status;
pub mod users;
