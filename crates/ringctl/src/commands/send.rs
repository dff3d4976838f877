//! Shared by `action run` and `request`: turning a catalog request into a runtime request, printing
//! a request with its secrets redacted, and showing a response.

use std::io::IsTerminal;

use bytes::Bytes;
use serde_json::{Map, Value, json};

use ringcentral::{Body, Part, Prepared, PreparedBody, RawRecord, Request, Response};
use ringcentral_catalog::{Action, HttpRequest, PartContent};

use crate::exit::{CliError, CliResult, Exit};
use crate::output::{Output, RecordWriter, Stop, View};

/// The runtime request for an action's HTTP request; reads `@FILE` parts from disk.
pub async fn runtime_request(action: Action, http: HttpRequest) -> CliResult<Request> {
    let mut request = Request::for_operation(action.operation(), http.path)
        .queries(http.query)
        .retry_safe(action.method().is_idempotent());
    if action.operation().client_auth {
        request = request.app_authenticated();
    }
    for (name, value) in http.headers {
        request = request.header(name, value);
    }
    let body = match http.body {
        ringcentral_catalog::Body::Empty => Body::Empty,
        ringcentral_catalog::Body::Json {
            content_type,
            value,
        } if content_type == "application/json" => Body::Json(value),
        ringcentral_catalog::Body::Json {
            content_type,
            value,
        } => Body::Bytes {
            content_type,
            data: Bytes::from(value.to_string()),
        },
        ringcentral_catalog::Body::Form(pairs) => Body::Form(pairs),
        ringcentral_catalog::Body::Text { content_type, text } => Body::Bytes {
            content_type,
            data: Bytes::from(text),
        },
        ringcentral_catalog::Body::Multipart(parts) => {
            let mut out = Vec::with_capacity(parts.len());
            for part in parts {
                out.push(match part.content {
                    PartContent::Text(text) => Part::text(part.name, text),
                    PartContent::Json(value) => Part::json(part.name, &value),
                    PartContent::File(path) => {
                        Part::from_path(part.name, &path).await.map_err(|e| {
                            CliError::usage(format!(
                                "cannot read the file {} for a file part: {e}",
                                path.display()
                            ))
                            .hint("Give `@PATH` with the path of a readable file.")
                        })?
                    }
                });
            }
            Body::Multipart(out)
        }
    };
    Ok(request.body(body))
}

/// The request as `ringctl --dry-run` shows it, from [`ringcentral::Client::prepare`]: the URL,
/// every header as it will be sent with the credentials redacted, and the body. `shown_server`
/// stands for the server in the URL when it is not known yet (the embedded sandbox's port is
/// picked when it starts).
pub fn dry_run_view(prepared: &Prepared, shown_server: Option<&str>) -> View {
    let mut url = prepared.url.to_string();
    if let Some(shown) = shown_server {
        let origin = prepared.url.origin().ascii_serialization();
        if let Some(rest) = url.strip_prefix(&origin) {
            url = format!("{}{rest}", shown.trim_end_matches('/'));
        }
    }
    let mut headers = Map::new();
    for (name, value) in &prepared.headers {
        headers.insert(header_case(name), json!(value));
    }
    let body = match &prepared.body {
        PreparedBody::Empty => Value::Null,
        PreparedBody::Json(value) => value.clone(),
        PreparedBody::Form(fields) => {
            Value::Object(fields.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
        }
        PreparedBody::Bytes {
            content_type,
            len,
            text,
        } => match text {
            Some(text) if content_type.contains("json") => {
                serde_json::from_str(text).unwrap_or_else(|_| json!(text))
            }
            Some(text) => json!(text),
            None => json!({"contentType": content_type, "bytes": len}),
        },
        PreparedBody::Multipart(parts) => Value::Array(
            parts
                .iter()
                .map(|p| {
                    let mut part = Map::new();
                    part.insert("name".into(), json!(p.name));
                    let json_part = p.content_type.as_deref() == Some("application/json");
                    match (&p.filename, &p.text) {
                        (None, Some(text)) if json_part => {
                            let value = serde_json::from_str(text).unwrap_or_else(|_| json!(text));
                            part.insert("json".into(), value);
                        }
                        (None, Some(text)) => {
                            part.insert("text".into(), json!(text));
                        }
                        _ => {
                            part.insert("file".into(), json!(p.filename));
                            part.insert("contentType".into(), json!(p.content_type));
                            part.insert("bytes".into(), json!(p.len));
                        }
                    }
                    Value::Object(part)
                })
                .collect(),
        ),
    };
    let method = prepared.method.as_str();
    let value = json!({"method": method, "url": url, "headers": headers, "body": body});
    let mut text = format!("{method} {url}\n");
    if let Value::Object(h) = &value["headers"] {
        for (k, v) in h {
            text.push_str(&format!("{k}: {}\n", v.as_str().unwrap_or_default()));
        }
    }
    if !body.is_null() {
        text.push('\n');
        text.push_str(&serde_json::to_string_pretty(&body).unwrap_or_default());
        text.push('\n');
    }
    View::Record {
        json: value,
        fields: Vec::new(),
        sections: vec![("Request that would be sent".into(), text)],
    }
}

/// `content-type` as people write it: `Content-Type`.
fn header_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// How to show a successful response: JSON as JSON, an empty body as `null` (JSON) or nothing,
/// text as text, binary only when stdout is not a terminal.
pub fn response_view(response: Response, json_mode: bool) -> CliResult<View> {
    // The boundary of a multipart answer is case-sensitive, so it is read before lower-casing.
    match response.status().as_u16() {
        204 => return Ok(View::Note("done (204 No Content)".into())),
        304 => return Ok(View::Note("not modified".into())),
        _ => {}
    }
    let received = response.content_type().unwrap_or_default().to_owned();
    let content_type = received.to_ascii_lowercase();
    let body = response.into_body();
    if let Some(batch) = ringcentral_catalog::multipart::read_batch(&received, &body) {
        return batch_view(batch);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(if json_mode {
            View::Json(Value::Null)
        } else {
            View::Nothing
        });
    }
    if (content_type.contains("json") || content_type.is_empty())
        && let Ok(value) = serde_json::from_slice::<Value>(&body)
    {
        return Ok(View::Records(value));
    }
    let textual = content_type.starts_with("text/")
        || content_type.contains("xml")
        || content_type.contains("json")
        || std::str::from_utf8(&body).is_ok();
    if !textual && std::io::stdout().is_terminal() {
        return Err(CliError::new(
            Exit::Usage,
            format!(
                "the response is {} bytes of {content_type}, which a terminal cannot show",
                body.len()
            ),
        )
        .hint("Redirect stdout to a file, e.g. `> recording.mp3`."));
    }
    Ok(View::Raw(body.to_vec()))
}

/// A batch answer (`207 Multi-Status`, several ids in one path) as a JSON list with one
/// `{status, href|resourceId, body}` per record; when some records failed, the exit code says so:
/// 5 when others succeeded, 1 when none did.
fn batch_view(
    batch: Result<
        Vec<ringcentral_catalog::multipart::BatchResult>,
        ringcentral_catalog::multipart::BatchError,
    >,
) -> CliResult<View> {
    let results = batch.map_err(|e| {
        CliError::failure(format!("cannot read the server's batch answer: {e}"))
            .hint("`ringctl request PATH -i` shows the answer as received.")
    })?;
    let failed: Vec<String> = results
        .iter()
        .filter(|r| !(200..300).contains(&r.status))
        .map(|r| {
            let which = r
                .resource_id
                .clone()
                .or_else(|| {
                    r.href
                        .as_ref()
                        .and_then(|h| h.rsplit('/').next().map(str::to_owned))
                })
                .unwrap_or_default();
            match r.body.get("errorCode").and_then(Value::as_str) {
                Some(code) => format!("{which}: {} {code}", r.status),
                None => format!("{which}: {}", r.status),
            }
        })
        .collect();
    let json = serde_json::to_value(&results).unwrap_or_default();
    if failed.is_empty() {
        return Ok(View::Json(json));
    }
    let exit = if failed.len() == results.len() {
        Exit::Failure
    } else {
        Exit::Partial
    };
    let error = CliError::new(
        exit,
        format!(
            "{} of {} records of the batch failed ({})",
            failed.len(),
            results.len(),
            failed.join(", ")
        ),
    )
    .hint("The output gives each record's status and body.");
    Ok(View::Partial { json, error })
}

/// Prints the records of a listing as they arrive, shaped by `--fields`, `--jq` and `--ndjson`
/// (one JSON array by default), in constant memory, with a progress line on stderr. A failure
/// part-way still closes the array, so what was printed stays valid JSON, and its message says
/// how many records came first. On a terminal without `--json` the records are gathered into a
/// table instead.
pub async fn stream_records(
    out: &Output,
    records: impl futures::Stream<Item = CliResult<Value>>,
) -> CliResult<View> {
    use futures::TryStreamExt;

    if !out.json {
        let records: Vec<Value> = records.try_collect().await?;
        return Ok(View::Records(Value::Array(records)));
    }
    let progress = out.progress("records");
    let result = write_records(out, records, &progress).await;
    progress.finish_and_clear();
    match result {
        Ok(()) | Err(Stop::Closed) => Ok(View::Nothing),
        Err(Stop::Failed(err)) => Err(err),
    }
}

/// As [`stream_records`], for records received as JSON text: with `--json` and no `--fields`
/// or `--jq`, each record is written as it came, so memory holds one page's bytes and no value
/// tree; the other shapes read each record into a value first.
pub async fn stream_raw_records(
    out: &Output,
    records: impl futures::Stream<Item = CliResult<RawRecord>>,
) -> CliResult<View> {
    use futures::TryStreamExt;

    if !out.json {
        let records: Vec<Value> = records
            .and_then(|record| async move {
                record.to_value().map_err(|e| {
                    CliError::failure(format!("cannot read a record of the listing: {e}"))
                })
            })
            .try_collect()
            .await?;
        return Ok(View::Records(Value::Array(records)));
    }
    let progress = out.progress("records");
    let result = write_records(out, records, &progress).await;
    progress.finish_and_clear();
    match result {
        Ok(()) | Err(Stop::Closed) => Ok(View::Nothing),
        Err(Stop::Failed(err)) => Err(err),
    }
}

/// A record the writer can take: a value, or JSON text passed through.
trait Record {
    fn write_to(self, writer: &mut RecordWriter) -> Result<(), Stop>;
}

impl Record for Value {
    fn write_to(self, writer: &mut RecordWriter) -> Result<(), Stop> {
        writer.push(self)
    }
}

impl Record for RawRecord {
    fn write_to(self, writer: &mut RecordWriter) -> Result<(), Stop> {
        writer.push_raw(&self)
    }
}

async fn write_records<R: Record>(
    out: &Output,
    records: impl futures::Stream<Item = CliResult<R>>,
    progress: &indicatif::ProgressBar,
) -> Result<(), Stop> {
    use futures::StreamExt;

    let mut writer = RecordWriter::start(out)?;
    let mut records = std::pin::pin!(records);
    let mut failure = None;
    while let Some(item) = records.next().await {
        match item {
            Ok(record) => {
                record.write_to(&mut writer)?;
                progress.inc(1);
            }
            Err(err) => {
                failure = Some(err);
                break;
            }
        }
    }
    let count = writer.count();
    writer.finish()?;
    match failure {
        Some(mut err) => {
            err.message = format!("{} (after {count} records)", err.message);
            Err(Stop::Failed(err))
        }
        None => Ok(()),
    }
}
