//! Per-id results of RingCentral's bulk syntax: several ids in one path segment (`.../1,2,3`),
//! answered `207 Multi-Status` either as `multipart/mixed` (a summary part listing each result's
//! status, then one JSON part per id) or as a JSON list of `{resourceId, status, body}`.
//!
//! The SDK reads both forms itself rather than through the catalog's reader, which would bring
//! the catalog's JSON Schema validator into every build of the SDK.

use bytes::Bytes;
use ringcentral::{Body, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::{Error, Result};

/// The media type of RingCentral's JSON batch bodies and answers.
pub const BATCH_JSON: &str = "application/vnd.ringcentral.multipart+json";

/// RingCentral's limit on ids in one path segment.
pub const MAX_IDS: usize = 50;

/// The result for one id of a bulk call.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResult<T> {
    /// The id this result answers (results come in the order the ids were given).
    pub id: String,
    /// The HTTP status of this id alone: `200`, `204`, `404`...
    pub status: u16,
    pub result: std::result::Result<T, ItemError>,
}

impl<T> ItemResult<T> {
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }
}

/// Why one id of a bulk call failed, as RingCentral described it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{id}: HTTP {status} {code}: {message}")]
pub struct ItemError {
    pub id: String,
    pub status: u16,
    /// `errors[0].errorCode` (or the legacy top-level `errorCode`), e.g. `CMN-102`.
    pub code: String,
    pub message: String,
    /// The whole error body as sent.
    pub body: Value,
}

/// The path segment of several ids, refusing what RingCentral would.
#[doc(hidden)]
pub fn batch_path(name: &str, set: &str, ids: &[String]) -> Result<String> {
    if !set.is_empty() {
        return Err(Error::Input(format!(
            "give the ids of a batch as its list of ids, not in the `{name}` parameter"
        )));
    }
    if ids.is_empty() || ids.len() > MAX_IDS {
        return Err(Error::Input(format!(
            "a batch takes 1 to {MAX_IDS} ids of `{name}`, not {}",
            ids.len()
        )));
    }
    if let Some(bad) = ids.iter().find(|id| id.is_empty() || id.contains(',')) {
        return Err(Error::Input(format!("{bad:?} is not one id of `{name}`")));
    }
    Ok(ids.join(","))
}

/// A JSON batch body: one `{resourceId, body}` per id.
#[doc(hidden)]
pub fn batch_body<B: Serialize>(ids: &[String], bodies: impl Iterator<Item = B>) -> Result<Body> {
    let entries = ids
        .iter()
        .zip(bodies)
        .map(|(id, body)| Ok(json!({"resourceId": id, "body": crate::to_json(&body)?})))
        .collect::<Result<Vec<Value>>>()?;
    Ok(Body::Bytes {
        content_type: BATCH_JSON.into(),
        data: Bytes::from(Value::Array(entries).to_string()),
    })
}

/// Reads the answer of a bulk call. One id is answered like a plain call (`200` and its body);
/// several are answered `207` with a result each, or `204` when all of them were deleted.
#[doc(hidden)]
pub fn batch_results<T: DeserializeOwned>(
    operation: &'static str,
    ids: &[String],
    response: Response,
) -> Result<Vec<ItemResult<T>>> {
    let status = response.status().as_u16();
    if status != 207 {
        let body = json_of(operation, response.body())?;
        return match ids {
            [id] => Ok(vec![item(operation, id, status, body)?]),
            // RingCentral answers a bulk delete that succeeded for every id `204` with no body.
            _ if body.is_null() && (200..300).contains(&status) => ids
                .iter()
                .map(|id| item(operation, id, status, Value::Null))
                .collect(),
            _ => Err(malformed(
                operation,
                format!(
                    "{} ids were answered {status} instead of 207 Multi-Status",
                    ids.len()
                ),
            )),
        };
    }
    let content_type = response.content_type().unwrap_or_default().to_string();
    let entries = read(operation, &content_type, response.body())?;
    if entries.len() != ids.len() {
        return Err(malformed(
            operation,
            format!("{} results for {} ids", entries.len(), ids.len()),
        ));
    }
    ids.iter()
        .zip(entries)
        .map(|(id, (status, body))| item(operation, id, status, body))
        .collect()
}

fn malformed(operation: &'static str, why: String) -> Error {
    Error::Batch { operation, why }
}

fn json_of(operation: &'static str, data: &[u8]) -> Result<Value> {
    if data.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(data)
        .map_err(|e| malformed(operation, format!("a part is not JSON: {e}")))
}

fn item<T: DeserializeOwned>(
    operation: &'static str,
    id: &str,
    status: u16,
    body: Value,
) -> Result<ItemResult<T>> {
    let result = if (200..300).contains(&status) {
        Ok(serde_path_to_error::deserialize(body)
            .map_err(|source| Error::Decode { operation, source })?)
    } else {
        let first = body.pointer("/errors/0");
        let text = |key: &str| {
            first
                .and_then(|e| e.get(key))
                .or_else(|| body.get(key))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Err(ItemError {
            id: id.to_string(),
            status,
            code: text("errorCode"),
            message: text("message"),
            body,
        })
    };
    Ok(ItemResult {
        id: id.to_string(),
        status,
        result,
    })
}

/// `(status, body)` of every result, in order.
fn read(operation: &'static str, content_type: &str, body: &[u8]) -> Result<Vec<(u16, Value)>> {
    let status_of = |entry: &Value| {
        entry
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0)
    };
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media == BATCH_JSON {
        let Value::Array(entries) = json_of(operation, body)? else {
            return Err(malformed(operation, "the answer is not a JSON list".into()));
        };
        return Ok(entries
            .into_iter()
            .map(|mut e| {
                (
                    status_of(&e),
                    e.get_mut("body").map(Value::take).unwrap_or_default(),
                )
            })
            .collect());
    }
    if media != "multipart/mixed" {
        return Err(malformed(
            operation,
            format!("a 207 answer of type {content_type:?}"),
        ));
    }
    let parts = parts(content_type, body).map_err(|why| malformed(operation, why))?;
    let (summary, records) = parts
        .split_first()
        .ok_or_else(|| malformed(operation, "the answer has no parts".into()))?;
    let summary = json_of(operation, summary)?;
    let statuses = summary
        .get("response")
        .and_then(Value::as_array)
        .ok_or_else(|| malformed(operation, "the first part lists no `response`".into()))?;
    if statuses.len() != records.len() {
        return Err(malformed(
            operation,
            format!(
                "the summary lists {} results for {} parts",
                statuses.len(),
                records.len()
            ),
        ));
    }
    statuses
        .iter()
        .zip(records)
        .map(|(s, part)| Ok((status_of(s), json_of(operation, part)?)))
        .collect()
}

/// The contents of the parts of a multipart body (their headers skipped).
fn parts<'b>(content_type: &str, body: &'b [u8]) -> std::result::Result<Vec<&'b [u8]>, String> {
    let boundary = content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .filter(|b| !b.is_empty())
        .ok_or("the Content-Type has no boundary")?;
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut out = Vec::new();
    let mut rest = match find(body, delimiter) {
        Some(at) => &body[at + delimiter.len()..],
        None => return Err("the body does not contain its boundary".into()),
    };
    // Each round takes one part; a body has at most as many parts as bytes.
    for _ in 0..=body.len() {
        if rest.starts_with(b"--") {
            return Ok(out);
        }
        let Some(end) = find(rest, delimiter) else {
            return Err("a part is not closed by the boundary".into());
        };
        let part = &rest[..end];
        let content = match find(part, b"\r\n\r\n") {
            Some(at) => &part[at + 4..],
            None => match find(part, b"\n\n") {
                Some(at) => &part[at + 2..],
                None => return Err("a part has no blank line after its headers".into()),
            },
        };
        let content = content
            .strip_suffix(b"\r\n")
            .or_else(|| content.strip_suffix(b"\n"))
            .unwrap_or(content);
        out.push(content);
        rest = &rest[end + delimiter.len()..];
    }
    Err("the multipart body does not end".into())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_forms_of_a_multi_status_answer() {
        let mixed = b"--B\r\nContent-Type: application/json\r\n\r\n\
{\"response\":[{\"status\":200},{\"status\":404}]}\r\n\
--B\r\nContent-Type: application/json\r\n\r\n{\"id\":1}\r\n\
--B\r\nContent-Type: application/json\r\n\r\n{\"errors\":[{\"errorCode\":\"CMN-102\",\"message\":\"gone\"}]}\r\n\
--B--\r\n";
        let read = read("x", "multipart/mixed; boundary=B", mixed).ok();
        assert_eq!(
            read,
            Some(vec![
                (200, json!({"id": 1})),
                (
                    404,
                    json!({"errors": [{"errorCode": "CMN-102", "message": "gone"}]})
                )
            ])
        );
        let list =
            br#"[{"resourceId":"1","status":204},{"resourceId":"2","status":200,"body":{"id":2}}]"#;
        let read = super::read("x", BATCH_JSON, list).ok();
        assert_eq!(
            read,
            Some(vec![(204, Value::Null), (200, json!({"id": 2}))])
        );
    }

    #[test]
    fn refuses_broken_answers_without_panicking() {
        for (ct, body) in [
            ("multipart/mixed", &b"--B\r\n\r\n{}\r\n--B--"[..]),
            ("multipart/mixed; boundary=B", b"no boundary here"),
            (
                "multipart/mixed; boundary=B",
                b"--B\r\n\r\n{\"response\":[]}\r\n--B\r\n\r\n{}\r\n--B--",
            ),
            ("multipart/mixed; boundary=B", b"--B\r\nno blank line--B--"),
            (
                "multipart/mixed; boundary=B",
                b"--B\r\n\r\n{\"response\":[{}]}\r\n--B\r\n\r\n{}",
            ),
            (BATCH_JSON, b"{}"),
            ("text/plain", b"[]"),
        ] {
            assert!(
                read("x", ct, body).is_err(),
                "{ct} {:?}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn a_batch_path_takes_one_to_fifty_plain_ids() {
        let ids = |n: usize| (1..=n).map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(
            batch_path("messageId", "", &ids(3)).ok().as_deref(),
            Some("1,2,3")
        );
        assert!(batch_path("messageId", "", &ids(0)).is_err());
        assert!(batch_path("messageId", "", &ids(51)).is_err());
        assert!(batch_path("messageId", "7", &ids(2)).is_err());
        assert!(batch_path("messageId", "", &["1,2".to_string()]).is_err());
    }
}
