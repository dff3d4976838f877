//! `ringctl request [CONNECTION] PATH`: a raw request with the server's URL prepended and
//! authentication injected. The body goes to stdout as received; `-i` shows the status line and
//! headers on stderr; a status of 400 or more exits non-zero.

use std::io::Write;

use bytes::Bytes;
use serde_json::Value;

use ringcentral::{Body, Request};
use ringcentral_catalog::{Action, Method};

use crate::cli::RequestArgs;
use crate::context::{Ctx, runtime_error};
use crate::exit::{CliError, CliResult, Exit};
use crate::output::View;
use ringcentral::redact_header;

pub(crate) fn method(text: &str) -> CliResult<Method> {
    Ok(match text.to_ascii_uppercase().as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        other => {
            return Err(CliError::usage(format!("unsupported method `{other}`"))
                .hint("Use GET, POST, PUT, PATCH or DELETE."));
        }
    })
}

/// Splits `key=value`.
fn pair<'a>(what: &str, text: &'a str) -> CliResult<(&'a str, &'a str)> {
    text.split_once('=')
        .filter(|(k, _)| !k.trim().is_empty())
        .ok_or_else(|| CliError::usage(format!("{what} `{text}` is not of the form name=value")))
}

/// Fills `{name}` segments from `--pathParam name=value`.
fn fill_path(path: &str, params: &[String]) -> CliResult<String> {
    let mut filled = path.to_string();
    for param in params {
        let (name, value) = pair("--pathParam", param)?;
        let token = format!("{{{}}}", name.trim());
        if !filled.contains(&token) {
            return Err(CliError::usage(format!(
                "--pathParam {name}: the path has no `{token}` segment"
            )));
        }
        let encoded =
            percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
                .to_string()
                .replace("%7E", "~");
        filled = filled.replace(&token, &encoded);
    }
    if let Some(start) = filled.find('{')
        && let Some(len) = filled[start..].find('}')
    {
        let name = &filled[start + 1..start + len];
        return Err(
            CliError::usage(format!("the path segment `{{{name}}}` has no value"))
                .hint(format!("Add --pathParam {name}=VALUE.")),
        );
    }
    Ok(filled)
}

/// What PATH names: a path on the connection's server, or a full URL.
enum Target {
    Path(String),
    Url(url::Url),
}

impl Target {
    fn parse(text: &str) -> CliResult<Target> {
        if text.starts_with('/') {
            return Ok(Target::Path(text.to_string()));
        }
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return url::Url::parse(text)
                .map(Target::Url)
                .map_err(|e| CliError::usage(format!("the URL `{text}` is malformed: {e}")));
        }
        Err(CliError::usage(format!(
            "`{text}` is neither a path (it does not start with `/`) nor a URL (http:// or https://)"
        ))
        .hint(format!(
            "Give a path such as `/{}`, or a full URL.",
            text.trim_start_matches("./")
        )))
    }

    /// The path or URL to request on `connection`. The embedded sandbox listens on a new loopback
    /// port each time it starts, so a URL it printed earlier (a record's `uri`, a `nextPage`) names
    /// a port that is gone: any loopback URL is taken as a path on the running instance.
    fn for_connection(&self, connection: &crate::config::Connection) -> String {
        match self {
            Target::Path(path) => path.clone(),
            Target::Url(url)
                if connection.kind == crate::config::Kind::Sandbox && is_loopback(url) =>
            {
                match url.query() {
                    Some(query) => format!("{}?{query}", url.path()),
                    None => url.path().to_string(),
                }
            }
            Target::Url(url) => url.to_string(),
        }
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Reads `-d`: a string, `@FILE`, or `-` for stdin.
fn read_data(data: &str) -> CliResult<Vec<u8>> {
    crate::input::Source::of(data).bytes("the body")
}

pub fn run(ctx: &Ctx, args: &RequestArgs) -> CliResult<View> {
    // `--json` takes an optional value, so in `request --json /path` clap hands the path to --json.
    let mut positionals: Vec<&str> = args.target.iter().map(String::as_str).collect();
    let mut json_body = args.json.as_deref().filter(|v| !v.trim().is_empty());
    if let Some(value) = json_body
        && (value.starts_with('/') || value.starts_with("http://") || value.starts_with("https://"))
        && positionals.len() < 2
    {
        positionals.push(value);
        json_body = None;
    }
    let (connection_arg, raw_path) = match positionals.as_slice() {
        [path] => (None, *path),
        [connection, path] => (Some(*connection), *path),
        [] => {
            return Err(CliError::usage("no PATH given")
                .hint("e.g. `ringctl request /restapi/v1.0/account/~/extension/~`."));
        }
        _ => {
            return Err(CliError::usage(
                "give a PATH, optionally after a CONNECTION",
            ));
        }
    };
    let target = Target::parse(&fill_path(raw_path, &args.path_params)?)?;

    let mut headers: Vec<(String, String)> = Vec::new();
    for header in &args.headers {
        let (name, value) = header.split_once(':').ok_or_else(|| {
            CliError::usage(format!(
                "header `{header}` is not of the form `Name: value`"
            ))
        })?;
        if name.trim().is_empty() {
            return Err(CliError::usage(format!("header `{header}` has no name")));
        }
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let has_content_type = headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));

    let body = match (json_body, &args.data) {
        (Some(_), Some(_)) => {
            return Err(CliError::usage(
                "give the body once: --json or -d, not both",
            ));
        }
        (Some(text), None) => {
            if args.raw_data {
                Some(Body::Bytes {
                    content_type: "application/json".into(),
                    data: Bytes::from(text.to_string()),
                })
            } else {
                let value: Value = serde_json::from_str(text).map_err(|e| {
                    CliError::usage(format!(
                        "--json is not valid JSON (line {}, column {}: {e})",
                        e.line(),
                        e.column()
                    ))
                })?;
                Some(Body::Json(value))
            }
        }
        (None, Some(data)) => {
            let bytes = read_data(data)?;
            let content_type = headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                .map(|(_, v)| v.clone());
            // `--json` without a value says the `-d` body is JSON: check it (unless --rawData) and
            // send it as such.
            let json_flag = args.json.is_some();
            if json_flag && !args.raw_data {
                let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
                    CliError::usage(format!(
                        "the -d body is not valid JSON (line {}, column {}: {e})",
                        e.line(),
                        e.column()
                    ))
                    .hint("Fix the JSON, or drop --json to send it as text.")
                })?;
                Some(Body::Json(value))
            } else if !args.raw_data
                && !has_content_type
                && let Ok(value) = serde_json::from_slice::<Value>(&bytes)
            {
                Some(Body::Json(value))
            } else {
                Some(Body::Bytes {
                    content_type: content_type.unwrap_or_else(|| {
                        if json_flag {
                            "application/json".into()
                        } else if args.raw_data {
                            "application/octet-stream".into()
                        } else {
                            "text/plain".into()
                        }
                    }),
                    data: Bytes::from(bytes),
                })
            }
        }
        (None, None) => None,
    };

    let method = match &args.method {
        Some(m) => method(m)?,
        None if body.is_some() => Method::Post,
        None => Method::Get,
    };
    let connection = ctx.resolve(connection_arg.or(ctx.connection.as_deref()))?;
    let path = target.for_connection(&connection);
    let action = Action::for_request(method, &path);
    let mut request = match action {
        Some(a) => Request::for_operation(a.operation(), path.clone()),
        None => Request::new(ringcentral::method_of(method), path.clone()),
    }
    .retry_safe(method.is_idempotent())
    .error_status_ok();
    for q in &args.query {
        let (k, v) = pair("--query", q)?;
        request = request.query(k, v);
    }
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request.body(body);
    }

    ctx.sending(method);
    let session = ctx.session_of(connection)?;
    let response = ctx
        .block_on(session.client.send(request))
        .map_err(runtime_error)?;

    let status = response.status();
    if args.include {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(
            stderr,
            "HTTP/1.1 {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or_default()
        );
        for (name, value) in response.headers() {
            let value = value.to_str().unwrap_or("<binary>");
            let _ = writeln!(stderr, "{name}: {}", redact_header(name.as_str(), value));
        }
        let _ = writeln!(stderr);
    }
    let request_id = response.request_id().map(str::to_string);
    let body = response.into_body();
    if status.as_u16() < 400 {
        return success_view(ctx, status.as_u16(), body.to_vec());
    }
    {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(&body);
        if !body.is_empty() && !body.ends_with(b"\n") {
            let _ = stdout.write_all(b"\n");
        }
        let _ = stdout.flush();
    }
    {
        let detail = ringcentral::ApiError::from_body(
            status.as_u16(),
            method.as_str(),
            &path,
            request_id.clone(),
            &body,
        );
        let exit = match status.as_u16() {
            401 => Exit::Auth,
            429 => Exit::RateLimited,
            _ => Exit::Failure,
        };
        let mut err = CliError::new(exit, detail.to_string()).api(
            Some(status.as_u16()),
            detail.error_code.clone(),
            request_id,
        );
        err.hint = crate::context::api_hint(status.as_u16()).map(|h| format!("{h}."));
        Err(err)
    }
}

/// A successful answer: its body as received, with a line ending; shaped as JSON when `--jq`,
/// `--fields` or `--ndjson` ask for it; a line on stderr when it has no body to show.
fn success_view(ctx: &Ctx, status: u16, mut body: Vec<u8>) -> CliResult<View> {
    match status {
        204 => return Ok(View::Note("done (204 No Content)".into())),
        304 => return Ok(View::Note("not modified".into())),
        _ => {}
    }
    if !ctx.out.shape.is_plain() && !body.iter().all(u8::is_ascii_whitespace) {
        let value: Value = serde_json::from_slice(&body).map_err(|e| {
            CliError::failure(format!(
                "the answer is not JSON ({e}), so --jq, --fields and --ndjson cannot apply"
            ))
            .hint("Drop them to see the answer as received.")
        })?;
        return Ok(View::Json(value));
    }
    if !body.is_empty() && !body.ends_with(b"\n") {
        body.push(b'\n');
    }
    Ok(View::Raw(body))
}
