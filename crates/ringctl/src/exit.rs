//! Exit codes and the one error type commands return; see the exit code table of the CLI contract.

use std::fmt;
use std::process::ExitCode;

/// The process exit codes ringctl promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    /// The API answered with an error, or an operation failed.
    Failure = 1,
    /// Usage or input error; nothing was sent.
    Usage = 2,
    /// No connection, bad credentials, expired or revoked refresh token.
    Auth = 3,
    /// Rate limited, and retries were exhausted.
    RateLimited = 4,
    /// Some items of a bulk command failed.
    Partial = 5,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

impl Exit {
    /// The short machine name used in `--json` error objects.
    pub fn name(self) -> &'static str {
        match self {
            Exit::Success => "ok",
            Exit::Failure => "api_error",
            Exit::Usage => "usage",
            Exit::Auth => "auth",
            Exit::RateLimited => "rate_limited",
            Exit::Partial => "partial",
        }
    }
}

/// An error as the user sees it: one line saying what is wrong, a hint saying what to do, and the
/// API's facts when there are any.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
    /// What the API said, when the error came from an API response.
    pub api: Option<Box<ApiFacts>>,
    /// Extra lines printed after the error (e.g. every schema violation).
    pub details: Vec<String>,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> CliError {
        CliError {
            exit,
            message: message.into(),
            hint: None,
            api: None,
            details: Vec::new(),
        }
    }

    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::new(Exit::Usage, message)
    }

    pub fn failure(message: impl Into<String>) -> CliError {
        CliError::new(Exit::Failure, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    pub fn api(
        mut self,
        status: Option<u16>,
        error_code: Option<String>,
        request_id: Option<String>,
    ) -> CliError {
        self.api = Some(Box::new(ApiFacts {
            status,
            error_code,
            request_id,
        }));
        self
    }

    pub fn details(mut self, details: Vec<String>) -> CliError {
        self.details = details;
        self
    }
}

/// The facts of an API error response.
#[derive(Debug, Default)]
pub struct ApiFacts {
    pub status: Option<u16>,
    pub error_code: Option<String>,
    pub request_id: Option<String>,
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message.trim_end_matches('.');
        write!(f, "{message}.")?;
        if let Some(hint) = &self.hint {
            write!(f, " {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CliError {}

pub type CliResult<T = ()> = Result<T, CliError>;
