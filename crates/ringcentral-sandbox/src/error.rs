//! The crate's error type: everything that can stop the sandbox from starting or its store from working.

use std::path::PathBuf;

/// Why a sandbox operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The SQLite store failed.
    #[error("sandbox store: {0}")]
    Store(#[from] rusqlite::Error),
    /// Stored data did not decode; the data file is probably from another version.
    #[error(
        "sandbox store holds unreadable {what}: {source}. Run `ringctl sandbox reset` to start over"
    )]
    Corrupt {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}. Pick another --addr (port 0 picks a free port)")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// The data file could not be created, opened or removed.
    #[error("cannot use data file {path}: {source}")]
    DataFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A configuration value is invalid.
    #[error("invalid sandbox setting {setting}: {reason}")]
    Config {
        setting: &'static str,
        reason: String,
    },
    /// No seeded user has the given email.
    #[error(
        "no sandbox user has the email {0}. List the users and their work emails (the login) with \
         `ringctl action run scim-search-via-get2 --json`, or GET /scim/v2/Users on a running sandbox"
    )]
    UnknownUser(String),
    /// The data file was seeded but lacks its credentials (not a sandbox file).
    #[error(
        "{0} is not a sandbox data file. Point --data at a file made by `ringctl sandbox serve`, or reset it"
    )]
    NotASandbox(PathBuf),
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn corrupt(what: &'static str) -> impl FnOnce(serde_json::Error) -> Error {
        move |source| Error::Corrupt { what, source }
    }
}
