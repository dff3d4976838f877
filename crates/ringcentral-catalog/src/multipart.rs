//! A small reader of `multipart/form-data` and `multipart/mixed` bodies (RFC 7578, RFC 2046):
//! enough to find each part's name, file name, content type and bytes, as RingCentral's fax, MMS
//! and greeting uploads and its `207 Multi-Status` batch answers need. The multipart crates read
//! `multipart/form-data` as a stream of named fields; batch answers are `multipart/mixed` with
//! unnamed parts, read whole, so a reader of our own is both smaller and closer to the job.

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'b> {
    /// The `name` of `Content-Disposition`.
    pub name: Option<String>,
    /// The `filename` of `Content-Disposition`.
    pub filename: Option<String>,
    /// The part's `Content-Type`, lower-cased, without parameters.
    pub content_type: Option<String>,
    pub data: &'b [u8],
}

/// Why a multipart body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultipartError {
    #[error("the Content-Type header has no boundary parameter")]
    NoBoundary,
    #[error("the body does not contain the boundary from the Content-Type header")]
    BoundaryNotFound,
    #[error("a part has no blank line between its headers and its content")]
    UnterminatedHeaders,
}

/// A parameter of a header value such as `multipart/form-data; boundary="x"`, case-insensitively.
pub fn header_param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(name) {
            return None;
        }
        let v = v.trim();
        Some(
            v.strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v)
                .to_owned(),
        )
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits `body` into parts, given the request's full `Content-Type` value.
pub fn parse<'b>(content_type: &str, body: &'b [u8]) -> Result<Vec<Part<'b>>, MultipartError> {
    let boundary = header_param(content_type, "boundary")
        .filter(|b| !b.is_empty())
        .ok_or(MultipartError::NoBoundary)?;
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut rest = match find(body, delimiter) {
        Some(at) => &body[at + delimiter.len()..],
        None => return Err(MultipartError::BoundaryNotFound),
    };
    let mut parts = Vec::new();
    // Each round starts right after a delimiter; `--` there closes the body.
    while !rest.starts_with(b"--") {
        let after_line = match rest.iter().position(|b| *b == b'\n') {
            Some(nl) => &rest[nl + 1..],
            None => break,
        };
        let (headers, content) = split_headers(after_line)?;
        let end = find(content, delimiter).unwrap_or(content.len());
        let mut data = &content[..end];
        // The line break before a delimiter belongs to the delimiter.
        if let Some(d) = data.strip_suffix(b"\n") {
            data = d.strip_suffix(b"\r").unwrap_or(d);
        }
        parts.push(part(headers, data));
        if end >= content.len() {
            break;
        }
        rest = &content[end + delimiter.len()..];
    }
    Ok(parts)
}

fn split_headers(block: &[u8]) -> Result<(&[u8], &[u8]), MultipartError> {
    if block.starts_with(b"\r\n") {
        return Ok((&[], &block[2..]));
    }
    if block.starts_with(b"\n") {
        return Ok((&[], &block[1..]));
    }
    if let Some(at) = find(block, b"\r\n\r\n") {
        return Ok((&block[..at], &block[at + 4..]));
    }
    if let Some(at) = find(block, b"\n\n") {
        return Ok((&block[..at], &block[at + 2..]));
    }
    Err(MultipartError::UnterminatedHeaders)
}

fn part<'b>(headers: &[u8], data: &'b [u8]) -> Part<'b> {
    let text = String::from_utf8_lossy(headers);
    let mut out = Part {
        name: None,
        filename: None,
        content_type: None,
        data,
    };
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key.eq_ignore_ascii_case("content-disposition") {
            out.name = header_param(value, "name");
            out.filename = header_param(value, "filename");
        } else if key.eq_ignore_ascii_case("content-type") {
            out.content_type = Some(essence(value));
        }
    }
    out
}

/// A media type without its parameters, lower-cased (`multipart/mixed; boundary=x` gives
/// `multipart/mixed`).
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

pub use ringcentral_api::BATCH_JSON;

/// One result of a batch answer (`207 Multi-Status`): the status of one addressed record, its
/// address when the server gave it, and its body (a record, an error body, or `null`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResult {
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    pub body: serde_json::Value,
}

/// Why a batch answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    Multipart(#[from] MultipartError),
    #[error("the batch answer has no parts")]
    Empty,
    #[error("the summary part of the batch answer is not a JSON object with a `response` list")]
    NoSummary,
    #[error("the batch answer lists {statuses} statuses for {parts} parts")]
    Mismatch { statuses: usize, parts: usize },
    #[error("part {index} of the batch answer is not JSON: {message}")]
    NotJson { index: usize, message: String },
    #[error("the batch answer is not a JSON list of results")]
    NotAList,
}

/// The HTTP status an entry of a batch answer gives (0 when it gives none).
fn status_of(entry: &serde_json::Value) -> u16 {
    entry
        .get("status")
        .and_then(serde_json::Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(0)
}

/// Reads a batch answer: RingCentral's `multipart/mixed` (a summary part whose `response` list
/// gives each result's `status` and `href`, then one JSON part per result) or its
/// `application/vnd.ringcentral.multipart+json` list of `{resourceId, status, body}`. `None` when
/// the content type is neither.
pub fn read_batch(content_type: &str, body: &[u8]) -> Option<Result<Vec<BatchResult>, BatchError>> {
    let json = |index: usize, data: &[u8]| -> Result<serde_json::Value, BatchError> {
        if data.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_slice(data).map_err(|e| BatchError::NotJson {
            index,
            message: e.to_string(),
        })
    };
    match essence(content_type).as_str() {
        "multipart/mixed" => Some((|| {
            let parts = parse(content_type, body)?;
            let (summary, records) = parts.split_first().ok_or(BatchError::Empty)?;
            let summary = json(0, summary.data)?;
            let statuses = summary
                .get("response")
                .and_then(serde_json::Value::as_array)
                .ok_or(BatchError::NoSummary)?;
            if statuses.len() != records.len() {
                return Err(BatchError::Mismatch {
                    statuses: statuses.len(),
                    parts: records.len(),
                });
            }
            statuses
                .iter()
                .zip(records)
                .enumerate()
                .map(|(i, (status, part))| {
                    Ok(BatchResult {
                        status: status_of(status),
                        resource_id: None,
                        href: status
                            .get("href")
                            .and_then(serde_json::Value::as_str)
                            .map(str::to_owned),
                        body: json(i + 1, part.data)?,
                    })
                })
                .collect()
        })()),
        BATCH_JSON => Some((|| {
            let list = json(0, body)?;
            let entries = list.as_array().ok_or(BatchError::NotAList)?;
            Ok(entries
                .iter()
                .map(|entry| BatchResult {
                    status: status_of(entry),
                    resource_id: match entry.get("resourceId") {
                        Some(serde_json::Value::String(s)) => Some(s.clone()),
                        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                        _ => None,
                    },
                    href: None,
                    body: entry.get("body").cloned().unwrap_or_default(),
                })
                .collect())
        })()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_files() {
        let body = b"--XyZ\r\n\
Content-Disposition: form-data; name=\"to\"\r\n\r\n\
+16505550100\r\n\
--XyZ\r\n\
Content-Disposition: form-data; name=\"attachment\"; filename=\"a.txt\"\r\n\
Content-Type: text/plain\r\n\r\n\
hello\r\n\
--XyZ--\r\n";
        let parts = parse("multipart/form-data; boundary=XyZ", body);
        let parts = parts.unwrap_or_default();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name.as_deref(), Some("to"));
        assert_eq!(parts[0].data, b"+16505550100");
        assert_eq!(parts[1].filename.as_deref(), Some("a.txt"));
        assert_eq!(parts[1].content_type.as_deref(), Some("text/plain"));
        assert_eq!(parts[1].data, b"hello");
    }

    #[test]
    fn refuses_bodies_without_the_boundary() {
        assert_eq!(
            parse("multipart/form-data", b"x"),
            Err(MultipartError::NoBoundary)
        );
        assert_eq!(
            parse("multipart/form-data; boundary=q", b"nothing here"),
            Err(MultipartError::BoundaryNotFound)
        );
    }

    #[test]
    fn reads_a_mixed_batch_answer() {
        let body = b"--B\r\nContent-Type: application/json\r\n\r\n\
{\"response\":[{\"href\":\"http://h/contact/1\",\"status\":200},{\"status\":404}]}\r\n\
--B\r\nContent-Type: application/json\r\n\r\n{\"id\":1}\r\n\
--B\r\nContent-Type: application/json\r\n\r\n{\"errorCode\":\"CMN-102\"}\r\n\
--B--\r\n";
        let results = read_batch("multipart/mixed; boundary=B", body);
        let results = results.and_then(Result::ok).unwrap_or_default();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].status, 200);
        assert_eq!(results[0].href.as_deref(), Some("http://h/contact/1"));
        assert_eq!(results[0].body, serde_json::json!({"id": 1}));
        assert_eq!(results[1].status, 404);
        assert_eq!(results[1].body["errorCode"], "CMN-102");
    }

    #[test]
    fn reads_a_json_batch_answer_and_refuses_broken_ones() {
        let body =
            br#"[{"resourceId":"7","status":204},{"resourceId":"8","status":404,"body":{}}]"#;
        let results = read_batch(BATCH_JSON, body)
            .and_then(Result::ok)
            .unwrap_or_default();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].resource_id.as_deref(), Some("7"));
        assert_eq!(results[0].body, serde_json::Value::Null);
        // A summary that does not match its parts, and a body of another type.
        let short = b"--B\r\n\r\n{\"response\":[]}\r\n--B\r\n\r\n{}\r\n--B--";
        assert_eq!(
            read_batch("multipart/mixed; boundary=B", short),
            Some(Err(BatchError::Mismatch {
                statuses: 0,
                parts: 1
            }))
        );
        assert_eq!(read_batch("application/json", b"{}"), None);
    }
}
