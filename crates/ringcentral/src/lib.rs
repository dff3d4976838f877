//! RingCentral client runtime: OAuth login and token refresh shared safely between processes, a
//! rate-limit scheduler per throttling group, retries that never repeat an unsafe request, paged listings
//! as streams, and one error type whose messages carry RingCentral's error code and request id.
//!
//! Long waits and retries are announced as [`Event`]s on [`Client::events`], so that a caller can show
//! why a command pauses; they are logged at `info` as well.
//!
//! ```no_run
//! # async fn demo() -> ringcentral::Result<()> {
//! use std::sync::Arc;
//! use futures::TryStreamExt;
//! use ringcentral::{Client, FileTokenStore, Paging, Request, SecretString, ThrottlingGroup};
//!
//! let client = Client::builder()
//!     .server("https://platform.ringcentral.com")
//!     .client_id("my-client-id")
//!     .client_secret(SecretString::from("my-client-secret"))
//!     .token_store(Arc::new(FileTokenStore::new("/home/me/.config/ringctl/connections/c1/token.json")))
//!     .build()?;
//! client.login_jwt(&SecretString::from("eyJ...")).await?;
//!
//! let me = client
//!     .send(Request::get("/restapi/v1.0/account/~/extension/~").group(ThrottlingGroup::Light))
//!     .await?
//!     .json_value()?;
//!
//! let paging = Paging::PageNumber { records: "records", per_page_max: Some(1000) };
//! let request = Request::get("/restapi/v1.0/account/~/extension").group(ThrottlingGroup::Medium);
//! let mut users = std::pin::pin!(client.paginate(request, paging));
//! while let Some(user) = users.try_next().await? {
//!     println!("{}", user["name"]);
//! }
//! # Ok(()) }
//! ```

mod client;
mod error;
mod events;
mod oauth;
mod paging;
mod prepare;
mod ratelimit;
mod request;
mod response;
mod retry;
mod store;
mod token;

pub use client::{Client, ClientBuilder, DEVELOPER_SANDBOX_SERVER, PRODUCTION_SERVER};
pub use error::{ApiError, Error, ErrorKind, Result};
pub use events::{Event, WaitCause};
pub use oauth::{AuthorizationCode, AuthorizationRequest, LoopbackListener};
pub use paging::{DEFAULT_MAX_PAGE_SIZE, Page, RawPage, RawRecord};
pub use prepare::{
    Prepared, PreparedBody, PreparedPart, REDACTED, is_secret_field, is_secret_header,
    redact_field, redact_header,
};
pub use ratelimit::{RateLimit, RateLimitInfo};
pub use request::{Body, Part, Request, method_of};
pub use response::{Conditional, Response};
pub use retry::RetryPolicy;
pub use store::{FileTokenStore, MemoryTokenStore, StoreLock, TokenStore};
pub use token::{PendingAuthorization, StoreContents, Token, TokenMetadata};

pub use ringcentral_api::{Paging, ThrottlingGroup};
pub use secrecy::{ExposeSecret, SecretString};
