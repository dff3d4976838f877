//! The crate's one error type.

/// Result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong in lifecycle work.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The API or the runtime failed (status, error code and request id are inside).
    #[error(transparent)]
    Api(#[from] ringcentral::Error),
    /// The ledger file cannot be opened or upgraded.
    #[error("the lifecycle ledger {path} cannot be used: {message}")]
    Ledger { path: String, message: String },
    /// A statement on the ledger failed.
    #[error("the lifecycle ledger failed: {0}")]
    Sql(#[from] rusqlite::Error),
    /// No SCIM user has this primary email, and the ledger never saw one.
    #[error("no user with the email {email}")]
    UnknownUser { email: String },
    /// The caller's input is unusable; nothing was sent.
    #[error("{0}")]
    Input(String),
}

impl Error {
    /// The runtime error inside, if any.
    pub fn api(&self) -> Option<&ringcentral::Error> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}
