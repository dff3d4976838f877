//! A typed RingCentral SDK: a model for every schema the API's operations use and one service per
//! tag of the spec with one async method per operation, generated from RingCentral's OpenAPI spec by
//! `cargo xtask codegen` and sent through the [`ringcentral`] runtime (token refresh, rate limits,
//! retries, paging).
//!
//! # Quick start
//!
//! ```no_run
//! use futures::StreamExt;
//! use ringcentral_sdk::Services;
//! use ringcentral_sdk::services::ListDirectoryEntriesParams;
//!
//! # async fn run(client: ringcentral::Client) -> ringcentral_sdk::Result<()> {
//! // `client` is a `ringcentral::Client` built and logged in as usual.
//! let page = client
//!     .internal_contacts()
//!     .list_directory_entries(ListDirectoryEntriesParams {
//!         show_federated: Some(true),
//!         ..Default::default()
//!     })
//!     .await?;
//! for entry in &page.records {
//!     println!("{:?} {:?}", entry.extension_number, entry.first_name);
//! }
//! // Paged operations also stream every record, page after page.
//! let mut all = Box::pin(client.internal_contacts().list_directory_entries_stream(Default::default()));
//! while let Some(entry) = all.next().await {
//!     println!("{:?}", entry?.id);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Models keep the fields the spec does not list in `extra`, and string enums keep a value they do
//! not know in `Unknown(String)`, so a response read and sent back loses nothing. They live in the
//! `ringcentral-sdk-models` crate, re-exported here as [`models`], so that they compile once.
//!
//! # Files, bulk ids, tests
//!
//! - Multipart bodies (faxes, MMS, greetings, profile images) are typed: each such method takes an
//!   upload struct (`CreateMMSUpload`, ...) with the request's JSON members as a model and its
//!   files as [`Attachment`]s.
//! - Answers that are not JSON (recordings, attachments, images, CSV) come back as a [`Binary`].
//! - Operations whose path takes several ids at once (`.../message-store/1,2,3`) also have a
//!   `_batch` method giving one [`ItemResult`] per id, each with its own status.
//! - With the `sandbox` feature, `testing::Sandbox` starts RingCentral's look-alike in process,
//!   seeded and with a logged-in client, for the tests of code that uses this SDK.
//!
//! ```no_run
//! use ringcentral_sdk::models::{CreateMMSRequest, MessageStoreCallerInfoRequest};
//! use ringcentral_sdk::services::{CreateMMSUpload, ReadMessageParams};
//! use ringcentral_sdk::{Attachment, Services};
//!
//! # async fn run(client: ringcentral::Client) -> ringcentral_sdk::Result<()> {
//! let number = |n: &str| MessageStoreCallerInfoRequest {
//!     phone_number: n.into(),
//!     ..Default::default()
//! };
//! let picture = std::fs::read("plan.png").map_err(|e| ringcentral_sdk::Error::Input(e.to_string()))?;
//! let sent = client
//!     .sms()
//!     .create_mms(
//!         Default::default(),
//!         CreateMMSUpload {
//!             request: CreateMMSRequest {
//!                 from: number("+16505550100"),
//!                 to: vec![number("+16505550101")],
//!                 text: Some("the plan".into()),
//!                 country: None,
//!                 extra: Default::default(),
//!             },
//!             attachments: vec![Attachment::new("plan.png", "image/png", picture)],
//!         },
//!     )
//!     .await?;
//! // Several messages in one request, one result each.
//! let ids = [sent.id.unwrap_or_default().to_string(), "404404".to_string()];
//! for item in client
//!     .message_store()
//!     .read_message_batch(ReadMessageParams::default(), &ids)
//!     .await?
//! {
//!     match item.result {
//!         Ok(message) => println!("{}: {:?}", item.id, message.message_status),
//!         Err(e) => println!("{e}"),
//!     }
//! }
//! # Ok(())
//! # }
//! ```

use bytes::Bytes;
use futures::{Stream, StreamExt};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use ringcentral::{Body, Client, Paging, Part, Request};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[allow(clippy::all, rustdoc::all)]
#[rustfmt::skip]
mod generated;

pub use generated::{models, services};

mod batch;
#[cfg(feature = "sandbox")]
pub mod testing;

pub use batch::{ItemError, ItemResult};
#[doc(hidden)]
pub use batch::{batch_body, batch_path, batch_results};
pub use services::Services;

/// What can go wrong calling an operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request failed or the server answered with an error.
    #[error(transparent)]
    Client(#[from] ringcentral::Error),
    /// The response is not the shape its model expects; `source` names the path of the bad field.
    #[error("the response of {operation} does not match its model: {source}")]
    Decode {
        operation: &'static str,
        source: serde_path_to_error::Error<serde_json::Error>,
    },
    /// The call's parameters or body cannot form a request.
    #[error("{0}")]
    Input(String),
    /// A bulk call's `207 Multi-Status` answer cannot be read as one result per id.
    #[error("the bulk answer of {operation} cannot be read: {why}")]
    Batch {
        operation: &'static str,
        why: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Characters a path segment keeps as they are: RingCentral takes `~` for "current" and `,` between
/// several ids.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b',');

#[doc(hidden)]
pub fn path_segment(name: &str, value: &str) -> Result<String> {
    if value.is_empty() {
        return Err(Error::Input(format!(
            "the path parameter `{name}` is required"
        )));
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

/// The strings a parameter value is sent as: nothing for `None`, one per element of a list.
fn param_strings(name: &str, value: &impl Serialize) -> Result<Vec<String>> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::Input(format!("parameter `{name}`: {e}")))?;
    Ok(match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().filter_map(scalar).collect(),
        other => scalar(&other).into_iter().collect(),
    })
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

#[doc(hidden)]
pub fn query(
    request: Request,
    name: &str,
    value: &impl Serialize,
    required: bool,
) -> Result<Request> {
    let values = param_strings(name, value)?;
    if required && values.is_empty() {
        return Err(Error::Input(format!(
            "the query parameter `{name}` is required"
        )));
    }
    Ok(request.queries(values.into_iter().map(|v| (name.to_string(), v))))
}

#[doc(hidden)]
pub fn header(
    request: Request,
    name: &str,
    value: &impl Serialize,
    required: bool,
) -> Result<Request> {
    let values = param_strings(name, value)?;
    if required && values.is_empty() {
        return Err(Error::Input(format!("the header `{name}` is required")));
    }
    if values.is_empty() {
        return Ok(request);
    }
    Ok(request.header(name, values.join(",")))
}

#[doc(hidden)]
pub fn to_json(body: &impl Serialize) -> Result<Value> {
    serde_json::to_value(body).map_err(|e| Error::Input(format!("the request body: {e}")))
}

/// A form body from a model: lists repeat their key, objects are sent as JSON text.
#[doc(hidden)]
pub fn form(body: &impl Serialize) -> Result<Body> {
    let Value::Object(map) = to_json(body)? else {
        return Err(Error::Input("a form body must be an object".into()));
    };
    let mut pairs = Vec::new();
    for (key, value) in map {
        match value {
            Value::Array(items) => {
                pairs.extend(items.iter().filter_map(scalar).map(|v| (key.clone(), v)))
            }
            other => pairs.extend(scalar(&other).map(|v| (key.clone(), v))),
        }
    }
    Ok(Body::Form(pairs))
}

/// A file sent in a multipart body: a fax document, an MMS picture, a greeting's audio.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachment {
    /// The name the server keeps for the file (RingCentral shows it as the attachment's name).
    pub file_name: String,
    /// The file's media type, e.g. `image/png`; RingCentral decides what it accepts from it.
    pub content_type: String,
    pub bytes: Bytes,
}

impl Attachment {
    pub fn new(
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        bytes: impl Into<Bytes>,
    ) -> Attachment {
        Attachment {
            file_name: file_name.into(),
            content_type: content_type.into(),
            bytes: bytes.into(),
        }
    }
}

/// A `multipart/form-data` body: the request as a JSON part named `request` (RingCentral reads a
/// first JSON part as the request itself), then one part per file under its member's name.
#[doc(hidden)]
pub fn multipart(request: Option<Value>, files: Vec<(&str, Attachment)>) -> Body {
    let mut parts = Vec::with_capacity(files.len() + 1);
    parts.extend(request.map(|r| Part::json("request", &r)));
    parts.extend(files.into_iter().map(|(name, file)| Part {
        name: name.to_string(),
        filename: Some(file.file_name),
        content_type: Some(file.content_type),
        data: file.bytes,
    }));
    Body::Multipart(parts)
}

/// An answer that is not JSON: a recording, a greeting, an image, a CSV export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binary {
    /// The `Content-Type` the server sent, as sent (empty when it sent none).
    pub content_type: String,
    pub bytes: Bytes,
}

impl Binary {
    #[doc(hidden)]
    pub fn from_response(response: ringcentral::Response) -> Binary {
        Binary {
            content_type: response.content_type().unwrap_or_default().to_string(),
            bytes: response.into_body(),
        }
    }

    /// The media type without its parameters, lower-cased: `text/csv` of `text/csv; charset=utf-8`.
    pub fn media_type(&self) -> String {
        self.content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    }

    /// The bytes as text, for the answers that are text (CSV exports, plain-text attachments).
    pub fn text(&self) -> Result<&str> {
        std::str::from_utf8(&self.bytes).map_err(|e| {
            Error::Input(format!(
                "the answer ({}) is not UTF-8 text: {e}",
                self.content_type
            ))
        })
    }
}

/// Decodes a response body into its model, naming the field that does not fit.
#[doc(hidden)]
pub fn decode<T: DeserializeOwned>(operation: &'static str, body: &[u8]) -> Result<T> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|source| Error::Decode { operation, source })
}

/// Streams a paged operation's records as models.
#[doc(hidden)]
pub fn stream_records<T: DeserializeOwned + Send + 'static>(
    client: &Client,
    request: Result<Request>,
    paging: Paging,
    operation: &'static str,
) -> impl Stream<Item = Result<T>> + Send + 'static {
    match request {
        Err(e) => futures::stream::iter([Err(e)]).left_stream(),
        Ok(request) => client
            .paginate(request, paging)
            .map(move |record| {
                let record = record?;
                serde_path_to_error::deserialize(record)
                    .map_err(|source| Error::Decode { operation, source })
            })
            .right_stream(),
    }
}
