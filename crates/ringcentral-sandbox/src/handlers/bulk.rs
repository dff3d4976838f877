//! RingCentral's bulk syntax: several ids in one path segment (`.../contact/1,2,3`), answered
//! `207 Multi-Status` with one result per id, as `multipart/mixed` (a summary part with each
//! result's status, then one part per id) or as `application/vnd.ringcentral.multipart+json`.

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Value, json};

use crate::api::{ApiError, ApiResponse, Ctx};

/// RingCentral's limit on ids in the path of a bulk request.
pub const MAX_IDS: usize = 50;

/// The media type of bulk answers in JSON; `multipart/mixed` is the other.
use ringcentral_api::BATCH_JSON as JSON_MEDIA;

/// The ids of the path parameter `name`: one id, several (`1,2,3`), or `*` when the body names
/// them.
pub fn ids(ctx: &Ctx<'_>, name: &str) -> Result<Vec<String>, ApiError> {
    let ids: Vec<String> = ctx
        .path(name)?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if ids.is_empty() {
        return Err(ApiError::missing(name));
    }
    if ids.len() > MAX_IDS {
        return Err(ApiError::invalid(
            name,
            format!("at most {MAX_IDS} ids may be given in the path"),
        ));
    }
    Ok(ids)
}

/// A read of the record the path parameter `name` addresses, answered `200`, or with the bulk
/// syntax of several, answered `207`; `find` reads one record by its id.
pub fn read(
    ctx: &Ctx<'_>,
    name: &str,
    find: impl Fn(&str) -> Result<Value, ApiError>,
) -> Result<ApiResponse, ApiError> {
    let ids = ids(ctx, name)?;
    if let [id] = ids.as_slice() {
        return Ok(ApiResponse::ok(&find(id)?));
    }
    let results = ids.iter().map(|id| (id.clone(), find(id))).collect();
    Ok(multi_status(ctx, name, results))
}

/// Whether the request addresses several records (or names them in its body with `*`).
pub fn is_bulk(ids: &[String]) -> bool {
    ids.len() > 1 || ids.first().is_some_and(|id| id == "*")
}

/// The address of one record of a bulk request: the request's path with `name` set to `id`.
fn href(ctx: &Ctx<'_>, name: &str, id: &str) -> String {
    let path: Vec<String> = ctx
        .req
        .template
        .split('/')
        .map(|segment| {
            let Some(param) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
                return segment.to_owned();
            };
            let value = if param == name {
                id
            } else {
                ctx.path(param).unwrap_or(segment)
            };
            percent_encoding::utf8_percent_encode(value, ringcentral_api::PATH_SEGMENT).to_string()
        })
        .collect();
    ctx.url(&path.join("/"))
}

/// A `207 Multi-Status` answer: one result per addressed record of the path parameter `name`,
/// each `Ok(body)` (status 200; `Value::Null` for a record deleted, status 204 with no body) or the
/// error it met. It is `application/vnd.ringcentral.multipart+json` when the client used or asked
/// for that type, else RingCentral's `multipart/mixed` batch.
pub fn multi_status(
    ctx: &Ctx<'_>,
    name: &str,
    results: Vec<(String, Result<Value, ApiError>)>,
) -> ApiResponse {
    let entries: Vec<(String, StatusCode, Option<Value>)> = results
        .into_iter()
        .map(|(id, outcome)| match outcome {
            Ok(Value::Null) => (id, StatusCode::NO_CONTENT, None),
            Ok(body) => (id, StatusCode::OK, Some(body)),
            Err(e) => (id, e.status, Some(e.body().0)),
        })
        .collect();
    if ctx.accepts(JSON_MEDIA)
        || crate::spec::media::request_media(&ctx.req.headers).as_deref() == Some(JSON_MEDIA)
    {
        let body: Vec<Value> = entries
            .into_iter()
            .map(|(id, status, body)| {
                let mut entry = json!({"resourceId": id, "status": status.as_u16()});
                if let Some(body) = body {
                    entry["body"] = body;
                }
                entry
            })
            .collect();
        return ApiResponse::bytes(
            StatusCode::MULTI_STATUS,
            JSON_MEDIA,
            Bytes::from(Value::Array(body).to_string()),
        );
    }
    let boundary = format!("Boundary_{}", uuid::Uuid::new_v4().simple());
    let summary: Vec<Value> = entries
        .iter()
        .map(|(id, status, _)| {
            json!({
                "href": href(ctx, name, id),
                "status": status.as_u16(),
                "responseDescription": status.canonical_reason().unwrap_or_default(),
            })
        })
        .collect();
    let mut out = String::new();
    let mut part = |v: Option<&Value>| {
        let text = v.map(Value::to_string).unwrap_or_default();
        out.push_str(&format!(
            "--{boundary}\r\nContent-Type: application/json\r\n\r\n{text}\r\n"
        ));
    };
    part(Some(&json!({ "response": summary })));
    for (_, _, body) in &entries {
        part(body.as_ref());
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    ApiResponse::bytes(
        StatusCode::MULTI_STATUS,
        &format!("multipart/mixed; boundary={boundary}"),
        Bytes::from(out),
    )
}

/// The change each addressed record gets, as `(id, change)`: one JSON body for every id in the
/// path; an array of `{resourceId, body}` (`application/vnd.ringcentral.multipart+json`, ids from
/// the entries, or the path in order); or a `multipart/mixed` body with one JSON part per id in the
/// path.
pub fn changes(
    ctx: &Ctx<'_>,
    name: &str,
    ids: &[String],
) -> Result<Vec<(String, Value)>, ApiError> {
    let star = ids.iter().any(|i| i == "*");
    match ctx.json::<Value>()? {
        Value::Array(entries) => entries
            .into_iter()
            .enumerate()
            .map(|(i, entry)| {
                let id = match entry.get("resourceId").and_then(Value::as_str) {
                    Some(id) => id.to_owned(),
                    None if !star && i < ids.len() => ids[i].clone(),
                    None => return Err(ApiError::missing(&format!("[{i}].resourceId"))),
                };
                Ok((id, entry.get("body").cloned().unwrap_or_else(|| json!({}))))
            })
            .collect(),
        Value::String(text) => {
            // multipart/mixed: the parts are the bodies, in the order of the ids.
            let header = ctx
                .req
                .headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let parts = crate::spec::multipart::parse(header, text.as_bytes()).map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "CMN-101",
                    format!("Request body is not valid multipart: {e}"),
                )
            })?;
            if star || parts.len() != ids.len() {
                return Err(ApiError::invalid(
                    name,
                    format!(
                        "a multipart/mixed body holds one part per id in the path: {} ids, {} parts",
                        ids.len(),
                        parts.len()
                    ),
                ));
            }
            ids.iter()
                .zip(parts)
                .enumerate()
                .map(|(i, (id, part))| {
                    let change: Value = serde_json::from_slice(&part.data).map_err(|e| {
                        ApiError::invalid(&format!("[{i}]"), format!("not a JSON object: {e}"))
                    })?;
                    Ok((id.clone(), change))
                })
                .collect()
        }
        change if !star => Ok(ids.iter().map(|id| (id.clone(), change.clone())).collect()),
        _ => Err(ApiError::invalid(
            name,
            format!("`*` addresses the records named in a {JSON_MEDIA} body"),
        )),
    }
}
