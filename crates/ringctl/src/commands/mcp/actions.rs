//! The action tools: `search_actions`, `describe_action`, `run_action` and `request`. Lookup,
//! validation, request building and paging are the CLI's; this module fits their results to an
//! agent's context, cutting large ones with a cursor to continue.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use ringcentral::{Body, Request, Response};
use ringcentral_catalog::{Action, Paging, actions, search as intent_search};

use super::{Failure, Server, ToolResult, refused};
use crate::commands::action::{checked_request, find, normalize};
use crate::commands::send;
use crate::context::{api_hint, runtime_error};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::{Shape, ellipsize};

/// About how many characters of JSON one tool result may carry: large enough for a page of
/// records, small enough to leave an agent's context room for its work.
pub const MAX_RESULT_CHARS: usize = 40_000;
/// Above this many characters an input schema is shown in short form by `search_actions`.
const LARGE_SCHEMA_CHARS: usize = 1_500;
const DEFAULT_HITS: usize = 10;
const DEFAULT_MAX_RECORDS: usize = 100;
/// How deep an example input follows nested objects.
const EXAMPLE_DEPTH: usize = 6;

pub fn search(server: &Server, args: &Value) -> ToolResult {
    let query = args["query"].as_str().unwrap_or_default();
    if query.trim().is_empty() {
        return Err(CliError::usage("the query is empty")
            .hint("Say what you want to do, e.g. \"send an sms\".")
            .into());
    }
    let limit = args["limit"].as_u64().map_or(DEFAULT_HITS, |n| n as usize);
    let policy = &server.inner.policy;
    let hits: Vec<Value> = intent_search(query, actions().len())
        .into_iter()
        .filter(|hit| policy.permits(hit.action).is_ok() && !credential_action(hit.action))
        .take(limit)
        .map(|hit| {
            let action = hit.action;
            let mut item = Map::new();
            item.insert("key".into(), json!(action.key()));
            item.insert("name".into(), json!(action.name()));
            item.insert("description".into(), json!(one_line(action.description())));
            item.insert("method".into(), json!(action.method().as_str()));
            item.insert("path".into(), json!(action.path()));
            let schema = action.input_schema();
            if schema.to_string().len() > LARGE_SCHEMA_CHARS {
                item.insert("inputSchemaShort".into(), short_schema(&schema));
            } else {
                item.insert("inputSchema".into(), schema);
            }
            Value::Object(item)
        })
        .collect();
    let note = if hits.is_empty() {
        "No action matches; try other words (a verb and a thing: \"list call queues\")."
    } else {
        "Call describe_action with a key for its full input schema and an example, then run_action."
    };
    Ok(json!({"hits": hits, "note": note}))
}

pub fn describe(server: &Server, args: &Value) -> ToolResult {
    let action = find(args["key"].as_str().unwrap_or_default())?;
    let schema = action.input_schema();
    let example = example(&schema, &schema, 0);
    let available = server.inner.policy.permits(action);
    let mut out = json!({
        "key": action.key(),
        "operationId": action.operation_id(),
        "name": action.name(),
        "description": action.description(),
        "method": action.method().as_str(),
        "path": action.path(),
        "tags": action.tags(),
        "permissions": {
            "app": action.app_permission(),
            "user": action.user_permission(),
        },
        "rateLimitGroup": action.throttling_group().map(|g| g.as_str()),
        "paged": action.paging() != Paging::None,
        "deprecated": action.deprecated(),
        "inputSchema": schema,
        "exampleInput": example,
        "availableHere": available.is_ok(),
    });
    if let Err(why) = available {
        out["whyNot"] = json!(why);
    }
    Ok(out)
}

/// Where a cut result goes on: the call as it was, and how many records were returned already.
#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    key: String,
    input: Value,
    #[serde(rename = "allPages")]
    all_pages: bool,
    fields: Vec<String>,
    #[serde(rename = "maxRecords")]
    max_records: usize,
    skip: usize,
}

impl Cursor {
    fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    fn decode(text: &str) -> CliResult<Cursor> {
        let bad = || {
            CliError::usage("the cursor is not one this server gave")
                .hint("Pass the nextCursor of an earlier result as it was, or start again without a cursor.")
        };
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| bad())?;
        serde_json::from_slice(&bytes).map_err(|_| bad())
    }
}

pub async fn run(server: &Server, args: &Value) -> ToolResult {
    let key = args["key"].as_str().unwrap_or_default();
    let call = match args["cursor"].as_str() {
        Some(text) => {
            let cursor = Cursor::decode(text)?;
            if !cursor.key.eq_ignore_ascii_case(key) {
                return Err(CliError::usage(format!(
                    "the cursor belongs to {}, not to {key}",
                    cursor.key
                ))
                .hint("Call run_action with the key the cursor came with.")
                .into());
            }
            cursor
        }
        None => Cursor {
            key: key.to_string(),
            input: args.get("input").cloned().unwrap_or_else(|| json!({})),
            all_pages: args["allPages"].as_bool().unwrap_or(false),
            fields: args["fields"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            max_records: args["maxRecords"]
                .as_u64()
                .map_or(DEFAULT_MAX_RECORDS, |n| n as usize),
            skip: 0,
        },
    };
    let action = find(&call.key)?;
    server.inner.policy.permits(action).map_err(refused)?;
    if credential_action(action) {
        return Err(credentials_refused(action.key()).into());
    }
    let mut input = call.input.clone();
    normalize(&mut input)?;
    let http = checked_request(action, &mut input)?;
    let shape = Shape::new(&call.fields, None, false).map_err(|mut e| {
        // The CLI's wording names its flag; here the argument is `fields`.
        e.message = e.message.replacen("--fields", "fields", 1);
        e
    })?;
    let request = send::runtime_request(action, http).await?;
    let client = &server.inner.client;
    let paging = action.paging();
    let writes = crate::context::is_write(action.method());
    let detail = format!("{} {}", action.method().as_str(), action.path());
    let audit_action = format!("run_action {}", action.key());
    if call.all_pages && paging != Paging::None {
        let records = client
            .paginate(request, paging)
            .map(|item| item.map_err(runtime_error));
        let gathered = gather(records, &shape, &call).await;
        if writes {
            // A listing read with POST (a search) changes nothing, but it was a write by method.
            let after = match &gathered {
                Ok(_) => "listed".to_string(),
                Err(e) => format!("failed: {}", e.message),
            };
            server.audit(&audit_action, "", &after, None, &detail).await;
        }
        return gathered.map_err(Failure::Tool);
    }
    let sent = client.send(request).await;
    if writes {
        let (after, request_id) = match &sent {
            Ok(r) => (
                r.status().as_u16().to_string(),
                r.request_id().map(str::to_owned),
            ),
            Err(e) => (format!("failed: {e}"), e.request_id().map(str::to_owned)),
        };
        server
            .audit(&audit_action, "", &after, request_id.as_deref(), &detail)
            .await;
    }
    let value = response_value(sent.map_err(runtime_error)?)?;
    let mut out = fit(value, &shape, &call, records_key(paging));
    if call.all_pages
        && let Value::Object(map) = &mut out
    {
        map.insert(
            "note".into(),
            json!(format!(
                "{} is not a paged listing; this is its one response.",
                action.key()
            )),
        );
    }
    Ok(out)
}

/// The records of every page, from the cursor's position, until `maxRecords` or the size budget.
async fn gather(
    records: impl futures::Stream<Item = CliResult<Value>>,
    shape: &Shape,
    call: &Cursor,
) -> CliResult<Value> {
    let mut records = std::pin::pin!(records.skip(call.skip));
    let mut kept = Vec::new();
    let mut size = 0;
    let mut more = false;
    let mut cut_by_size = false;
    while let Some(record) = records.next().await {
        let record = shape.keep_fields(record?);
        let len = record.to_string().len();
        if kept.len() >= call.max_records {
            more = true;
            break;
        }
        if !kept.is_empty() && size + len > MAX_RESULT_CHARS {
            more = true;
            cut_by_size = true;
            break;
        }
        size += len;
        kept.push(record);
    }
    let count = kept.len();
    let mut out = json!({
        "records": kept,
        "count": count,
        "complete": !more,
    });
    if call.skip > 0 {
        out["skipped"] = json!(call.skip);
    }
    if more {
        out["note"] = json!(cut_note(count, call.skip, cut_by_size));
        out["nextCursor"] = json!(next_cursor(call, count));
    }
    Ok(out)
}

/// One response fitted to the budget: its records from the cursor's position, cut at
/// `maxRecords` or the size budget, with the envelope (`paging`, `navigation`) kept.
fn fit(value: Value, shape: &Shape, call: &Cursor, key: Option<&'static str>) -> Value {
    let Value::Object(mut map) = value else {
        return cut_text(shape.keep_fields(value));
    };
    let key = key
        .filter(|k| matches!(map.get(*k), Some(Value::Array(_))))
        .or_else(|| {
            ["records", "items", "Resources"]
                .into_iter()
                .find(|k| matches!(map.get(*k), Some(Value::Array(_))))
        });
    let Some(key) = key else {
        return cut_text(shape.keep_fields(Value::Object(map)));
    };
    let Some(Value::Array(records)) = map.remove(key) else {
        return cut_text(Value::Object(map));
    };
    let total = records.len();
    let mut kept = Vec::new();
    let mut size = Value::Object(map.clone()).to_string().len();
    let mut cut_by_size = false;
    for record in records.into_iter().skip(call.skip) {
        if kept.len() >= call.max_records {
            break;
        }
        let record = shape.keep_fields(record);
        let len = record.to_string().len();
        if !kept.is_empty() && size + len > MAX_RESULT_CHARS {
            cut_by_size = true;
            break;
        }
        size += len;
        kept.push(record);
    }
    let count = kept.len();
    let more = call.skip + count < total;
    map.insert(key.into(), Value::Array(kept));
    if more || call.skip > 0 {
        let mut truncated = json!({
            "recordsOnThisPage": total,
            "returned": count,
            "skipped": call.skip,
        });
        if more {
            truncated["note"] = json!(format!(
                "{} The envelope (paging, navigation) is the page's as the server sent it.",
                cut_note(count, call.skip, cut_by_size)
            ));
            truncated["nextCursor"] = json!(next_cursor(call, count));
        }
        map.insert("truncated".into(), truncated);
    }
    Value::Object(map)
}

fn cut_note(count: usize, skip: usize, by_size: bool) -> String {
    let why = if by_size {
        format!("the size budget of about {MAX_RESULT_CHARS} characters")
    } else {
        "maxRecords".to_string()
    };
    format!(
        "Cut at {why}: records {} to {} are here and more follow. Call run_action with the same key and cursor set to nextCursor to continue; `fields` keeps results small.",
        skip + 1,
        skip + count
    )
}

fn next_cursor(call: &Cursor, count: usize) -> String {
    Cursor {
        key: call.key.clone(),
        input: call.input.clone(),
        all_pages: call.all_pages,
        fields: call.fields.clone(),
        max_records: call.max_records,
        skip: call.skip + count,
    }
    .encode()
}

/// A value too large for the budget becomes its text, cut, with a note; no cursor can resume
/// inside one record.
fn cut_text(value: Value) -> Value {
    let text = value.to_string();
    if text.len() <= MAX_RESULT_CHARS {
        return value;
    }
    let mut end = MAX_RESULT_CHARS;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    json!({
        "truncatedText": &text[..end],
        "truncated": {
            "note": format!(
                "The response is {} characters of JSON, cut to the first {end}; ask for less with `fields`, or narrow the input.",
                text.len()
            )
        }
    })
}

/// Where a listing's records are, by the action's paging style.
fn records_key(paging: Paging) -> Option<&'static str> {
    match paging {
        Paging::PageNumber { records, .. }
        | Paging::PageToken { records, .. }
        | Paging::Sync { records } => Some(records),
        Paging::ScimIndex => Some("Resources"),
        Paging::None => None,
    }
}

/// A successful response as JSON: its body when JSON, its text when text, a note otherwise.
fn response_value(response: Response) -> CliResult<Value> {
    let status = response.status().as_u16();
    if status == 204 {
        return Ok(json!("done (204 No Content)"));
    }
    if status == 304 {
        return Ok(json!("not modified (304)"));
    }
    let received = response.content_type().unwrap_or_default().to_owned();
    let body = response.into_body();
    if let Some(batch) = ringcentral_catalog::multipart::read_batch(&received, &body) {
        let results = batch.map_err(|e| {
            CliError::failure(format!("cannot read the server's batch answer: {e}"))
        })?;
        return Ok(serde_json::to_value(results).unwrap_or_default());
    }
    Ok(body_value(&received, &body))
}

fn body_value(content_type: &str, body: &[u8]) -> Value {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        return value;
    }
    match std::str::from_utf8(body) {
        Ok(text) => Value::String(text.to_string()),
        Err(_) => json!(format!(
            "the response is {} bytes of {}, which is not shown here; `ringctl` on a command line can save it to a file",
            body.len(),
            if content_type.is_empty() {
                "binary data"
            } else {
                content_type
            }
        )),
    }
}

/// A request path with its dot segments resolved and repeated slashes merged; its query stays.
fn resolved_path(raw: &str) -> String {
    let (path, query) = raw.split_once('?').unwrap_or((raw, ""));
    let Ok(mut url) = url::Url::parse("http://localhost/") else {
        return raw.to_string();
    };
    let mut merged = path.to_string();
    while merged.contains("//") {
        merged = merged.replace("//", "/");
    }
    url.set_path(&merged);
    let mut resolved = url.path().to_string();
    while resolved.contains("//") {
        resolved = resolved.replace("//", "/");
    }
    if !query.is_empty() {
        resolved.push('?');
        resolved.push_str(query);
    }
    resolved
}

/// Token, revocation and authorization endpoints move credentials; they stay with `ringctl login`.
/// The path is judged as the server will read it: dot segments resolved (as the client's URL
/// handling resolves them), percent-escapes decoded, repeated slashes merged, case ignored.
fn handles_credentials(path: &str) -> bool {
    let mut path = path
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_string();
    // Twice: decoding can reveal dot segments (`%2e%2e`) that the second pass resolves.
    for _ in 0..2 {
        let Ok(mut url) = url::Url::parse("http://localhost/") else {
            return true;
        };
        url.set_path(&path);
        path = percent_encoding::percent_decode_str(url.path())
            .decode_utf8_lossy()
            .to_ascii_lowercase();
        while path.contains("//") {
            path = path.replace("//", "/");
        }
    }
    path.starts_with("/restapi/oauth")
}

/// An action that obtains, revokes or authorizes with credentials: never run, never offered.
fn credential_action(action: Action) -> bool {
    handles_credentials(action.path()) || action.operation().client_auth
}

fn credentials_refused(what: &str) -> CliError {
    CliError::usage(format!(
        "{what} handles credentials, which this server never exposes"
    ))
    .hint("`ringctl login` and `ringctl logout` manage the connection's credentials.")
}

pub async fn request(server: &Server, args: &Value) -> ToolResult {
    let method = crate::commands::request::method(args["method"].as_str().unwrap_or_default())?;
    // Judged and sent as the server will read it, so that `..` cannot step around a deny list.
    let path = resolved_path(args["path"].as_str().unwrap_or_default());
    if handles_credentials(&path) {
        return Err(credentials_refused(&path).into());
    }
    let action = Action::for_request(method, &path);
    match action {
        Some(a) => server.inner.policy.permits(a),
        None => server.inner.policy.permits_unlisted(method, &path),
    }
    .map_err(refused)?;
    let mut request = match action {
        Some(a) => Request::for_operation(a.operation(), path.clone()),
        None => Request::new(ringcentral::method_of(method), path.clone()),
    }
    .retry_safe(method.is_idempotent())
    .error_status_ok();
    if let Some(Value::Object(query)) = args.get("query") {
        for (name, value) in query {
            let values = match value {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            for v in values {
                let text = match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                request = request.query(name.clone(), text);
            }
        }
    }
    if let Some(Value::Object(headers)) = args.get("headers") {
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("authorization") {
                return Err(CliError::usage("the Authorization header is the server's to set")
                    .hint("Leave it out: the connection's credentials are added to every request.")
                    .into());
            }
            request = request.header(name.clone(), value.as_str().unwrap_or_default().to_string());
        }
    }
    if let Some(body) = args.get("body") {
        request = request.body(Body::Json(body.clone()));
    }
    let sent = server.inner.client.send(request).await;
    if crate::context::is_write(method) {
        let (after, request_id) = match &sent {
            Ok(r) => (
                r.status().as_u16().to_string(),
                r.request_id().map(str::to_owned),
            ),
            Err(e) => (format!("failed: {e}"), e.request_id().map(str::to_owned)),
        };
        server
            .audit(
                "request",
                "",
                &after,
                request_id.as_deref(),
                &format!("{} {path}", method.as_str()),
            )
            .await;
    }
    let response = sent.map_err(runtime_error)?;
    let status = response.status().as_u16();
    let request_id = response.request_id().map(str::to_owned);
    let content_type = response.content_type().unwrap_or_default().to_owned();
    let body = response.into_body();
    if status >= 400 {
        let detail = ringcentral::ApiError::from_body(
            status,
            method.as_str(),
            &path,
            request_id.clone(),
            &body,
        );
        let exit = match status {
            401 => Exit::Auth,
            429 => Exit::RateLimited,
            _ => Exit::Failure,
        };
        let mut err = CliError::new(exit, detail.to_string()).api(
            Some(status),
            detail.error_code.clone(),
            request_id,
        );
        err.hint = api_hint(status).map(|h| format!("{h}."));
        return Err(err.into());
    }
    let value = match status {
        204 => Value::Null,
        _ => body_value(&content_type, &body),
    };
    Ok(json!({"status": status, "body": cut_text(value)}))
}

/// The first sentence of a description, on one line.
fn one_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let sentence = match line.find(". ") {
        Some(end) => &line[..=end],
        None => line,
    };
    ellipsize(sentence, 200)
}

/// A large input schema in short form: each field's type and the start of its description.
fn short_schema(schema: &Value) -> Value {
    let mut fields = Map::new();
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, prop) in props {
            let prop = resolve(prop, schema);
            let ty = match prop.get("type") {
                Some(Value::String(t)) => t.clone(),
                Some(Value::Array(ts)) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("|"),
                _ => "object".into(),
            };
            let about = prop["description"].as_str().unwrap_or_default();
            let text = if about.is_empty() {
                ty
            } else {
                format!("{ty}: {}", ellipsize(&one_line(about), 80))
            };
            fields.insert(name.clone(), json!(text));
        }
    }
    json!({
        "required": schema.get("required").cloned().unwrap_or_else(|| json!([])),
        "fields": fields,
        "note": "Short form of a large schema; describe_action gives it whole.",
    })
}

/// A schema with a local `$ref` followed (one level; callers recurse).
fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
            .unwrap_or(schema),
        None => schema,
    }
}

/// An example value for a schema: its example, default or first enum value, else a placeholder
/// of its type; an object gets its required fields.
fn example(schema: &Value, root: &Value, depth: usize) -> Value {
    let schema = resolve(schema, root);
    if depth > EXAMPLE_DEPTH {
        return Value::Null;
    }
    for key in ["example", "default"] {
        if let Some(v) = schema.get(key) {
            return v.clone();
        }
    }
    if let Some(Value::Array(values)) = schema.get("enum")
        && let Some(first) = values.first()
    {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alternatives)) = schema.get(key)
            && let Some(first) = alternatives.first()
        {
            return example(first, root, depth + 1);
        }
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(m) = example(part, root, depth + 1) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "",
    };
    match ty {
        "object" => {
            let mut out = Map::new();
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for name in required {
                let prop = &schema["properties"][name];
                out.insert(name.to_string(), example(prop, root, depth + 1));
            }
            Value::Object(out)
        }
        "array" => match schema.get("items") {
            Some(items) => json!([example(items, root, depth + 1)]),
            None => json!([]),
        },
        "string" => json!(match schema["format"].as_str() {
            Some("date-time") => "2026-01-31T09:00:00Z",
            Some("date") => "2026-01-31",
            Some("email") => "someone@example.com",
            Some("uri") => "https://example.com/",
            Some("binary") => "@/path/to/file",
            _ => "string",
        }),
        "integer" => json!(1),
        "number" => json!(1.5),
        "boolean" => json!(true),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_example_input_fits_its_schema() {
        let mut fitting = 0;
        for action in actions() {
            let schema = action.input_schema();
            let input = example(&schema, &schema, 0);
            if action.validate(&input).is_ok() {
                fitting += 1;
            }
        }
        // Patterns and formats a placeholder cannot know keep a few from fitting; most must.
        assert!(
            fitting * 10 >= actions().len() * 8,
            "only {fitting} of {} examples fit",
            actions().len()
        );
    }

    #[test]
    fn credential_paths_are_known_however_they_are_spelled() {
        for path in [
            "/restapi/oauth/token",
            "/RESTAPI/OAuth/revoke",
            "//restapi//oauth/token",
            "/restapi/v1.0/../oauth/token",
            "/restapi/v1.0/%2e%2e/oauth/wstoken",
            "/restapi/%6Fauth/token?x=1",
        ] {
            assert!(handles_credentials(path), "{path}");
        }
        for path in [
            "/restapi/v1.0/account/~",
            "/restapi/v1.0/oauth-like/thing",
            "/scim/v2/Users",
        ] {
            assert!(!handles_credentials(path), "{path}");
        }
    }

    #[test]
    fn a_request_path_is_resolved_before_it_is_judged() {
        assert_eq!(
            resolved_path("/restapi/v1.0/account/~/extension/~/sms/..//../~?a=1"),
            "/restapi/v1.0/account/~/extension/~?a=1"
        );
        assert_eq!(
            resolved_path("/restapi/v1.0/account/~"),
            "/restapi/v1.0/account/~"
        );
    }

    #[test]
    fn a_cursor_round_trips_and_a_forged_one_is_refused() {
        let cursor = Cursor {
            key: "listExtensions".into(),
            input: json!({"perPage": 5}),
            all_pages: true,
            fields: vec!["id".into()],
            max_records: 3,
            skip: 6,
        };
        let back = Cursor::decode(&cursor.encode()).expect("decodes");
        assert_eq!(back.skip, 6);
        assert_eq!(back.input, json!({"perPage": 5}));
        assert!(Cursor::decode("not a cursor").is_err());
    }

    #[test]
    fn a_page_is_cut_at_max_records_with_a_cursor_to_the_rest() {
        let page = json!({"records": [{"id": 1}, {"id": 2}, {"id": 3}], "paging": {"page": 1}});
        let call = Cursor {
            key: "k".into(),
            input: json!({}),
            all_pages: false,
            fields: vec![],
            max_records: 2,
            skip: 0,
        };
        let shape = Shape::new(&[], None, false).expect("a shape");
        let out = fit(page.clone(), &shape, &call, Some("records"));
        assert_eq!(out["records"], json!([{"id": 1}, {"id": 2}]));
        assert_eq!(out["paging"], json!({"page": 1}));
        let next = Cursor::decode(out["truncated"]["nextCursor"].as_str().expect("a cursor"))
            .expect("decodes");
        let rest = fit(page, &shape, &next, Some("records"));
        assert_eq!(rest["records"], json!([{"id": 3}]));
        assert!(rest["truncated"].get("nextCursor").is_none());
    }
}
