//! A valid request for any operation, built from its parameter and body schemas: the same
//! generator as for responses, in request mode. Tests use it to check that what the spec calls
//! valid is accepted and answered; it also makes handy sample calls.

use serde_json::Value;

use ringcentral_api::{Operation, ParamLocation};

use super::SpecRequest;
use super::schema;
use super::synth::{Generator, Mode, Scene, hash};

/// A request ready to send: path filled in, query pairs, content type and body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleRequest {
    /// The concrete path, its parameters percent-encoded.
    pub path: String,
    /// The path parameters, as a router hands them over (decoded).
    pub path_params: Vec<(&'static str, String)>,
    pub query: Vec<(String, String)>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl ExampleRequest {
    /// The headers the example is sent with: its `Content-Type`, when it has one.
    pub fn headers(&self) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        if let Some(v) = self
            .content_type
            .as_deref()
            .and_then(|c| http::HeaderValue::from_str(c).ok())
        {
            headers.insert(http::header::CONTENT_TYPE, v);
        }
        headers
    }

    /// The example as the answerer reads it, sent with `headers` (see
    /// [`ExampleRequest::headers`]) to `base_url`.
    pub fn spec_request<'a>(
        &'a self,
        headers: &'a http::HeaderMap,
        base_url: &'a str,
    ) -> SpecRequest<'a> {
        SpecRequest {
            path: &self.path,
            path_params: &self.path_params,
            query: &self.query,
            headers,
            body: &self.body,
            base_url,
        }
    }
}

/// The boundary of generated multipart bodies.
const BOUNDARY: &str = "sandbox-boundary-7d1f";

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An example request for `op`, its body in the content type ringctl sends. Every required
/// parameter and body member is present, and so are the optional query parameters that are not
/// deprecated.
pub fn example_request(op: &'static Operation) -> ExampleRequest {
    example_request_as(op, op.body.as_ref().map(|b| b.content_type))
}

/// An example request for `op` with its body in `content_type` (one the operation lists; any
/// other gets the body of the content type ringctl sends).
pub fn example_request_as(op: &'static Operation, content_type: Option<&str>) -> ExampleRequest {
    let mut scene = Scene {
        base_url: "http://127.0.0.1",
        path: "",
        noun: "example",
        seed: hash(7, op.operation_id),
        creates: false,
        records: None,
        record_offset: 0,
    };
    let schemas = schema::op_schemas(op);
    let mut path_params = Vec::new();
    let mut query = Vec::new();
    for (i, p) in op.params.iter().enumerate() {
        if p.location != ParamLocation::Path {
            continue;
        }
        let value = match (p.default, schemas.and_then(|s| s.params.get(i))) {
            (Some(d), _) => serde_json::from_str::<Value>(d).unwrap_or(Value::String(d.to_owned())),
            (None, Some(param_schema)) => Generator::new(scene, Mode::Request)
                .generate_named(param_schema, p.name)
                .unwrap_or_else(|| Value::String("1".to_owned())),
            (None, None) => Value::String("1".to_owned()),
        };
        let t = match &value {
            Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
            other => text(other),
        };
        path_params.push((p.name, t));
    }
    let mut path = String::new();
    let mut rest = op.path;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        if let Some((_, v)) = path_params.iter().find(|(n, _)| *n == name) {
            path.extend(percent_encoding::utf8_percent_encode(
                v,
                ringcentral_api::PATH_SEGMENT,
            ));
        }
        rest = &rest[open + close + 1..];
    }
    path.push_str(rest);
    scene.path = &path;

    for (i, p) in op.params.iter().enumerate() {
        let Some(param_schema) = schemas.and_then(|s| s.params.get(i)) else {
            continue;
        };
        match p.location {
            ParamLocation::Query if p.required || !p.deprecated => {
                let Some(value) =
                    Generator::new(scene, Mode::Request).generate_named(param_schema, p.name)
                else {
                    continue;
                };
                match value {
                    Value::Array(items) => {
                        for item in items {
                            query.push((p.name.to_owned(), text(&item)));
                        }
                    }
                    other => query.push((p.name.to_owned(), text(&other))),
                }
            }
            _ => {}
        }
    }

    let chosen = schemas.and_then(|s| {
        content_type
            .and_then(|ct| s.bodies.iter().find(|(c, _)| c.eq_ignore_ascii_case(ct)))
            .map(|(c, b)| (*c, b))
            .or_else(|| {
                s.default_body(op)
                    .map(|b| (op.body.as_ref().map_or("", |s| s.content_type), b))
            })
    });
    let (content_type, body) = match chosen {
        Some((ct, body_schema)) => {
            let value = Generator::new(scene, Mode::Request)
                .generate(body_schema, None)
                .unwrap_or(Value::Null);
            let binary = schema::binary_members(body_schema);
            match ct {
                "application/x-www-form-urlencoded" => {
                    let mut pairs = Vec::new();
                    if let Value::Object(m) = &value {
                        for (k, v) in m {
                            match v {
                                Value::Array(items) => {
                                    pairs.extend(items.iter().map(|i| (k.clone(), text(i))))
                                }
                                other => pairs.push((k.clone(), text(other))),
                            }
                        }
                    }
                    let encoded = url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(pairs)
                        .finish();
                    (Some(ct.to_owned()), encoded.into_bytes())
                }
                ct if ct.starts_with("multipart/") && value.is_object() => (
                    Some(format!("{ct}; boundary={BOUNDARY}")),
                    multipart(ct, &value, &binary),
                ),
                ct if super::media::is_json(ct) => {
                    (Some(ct.to_owned()), value.to_string().into_bytes())
                }
                ct => (Some(ct.to_owned()), text(&value).into_bytes()),
            }
        }
        None => (None, Vec::new()),
    };
    ExampleRequest {
        path,
        path_params,
        query,
        content_type,
        body,
    }
}

fn multipart(content_type: &str, value: &Value, binary: &[&str]) -> Vec<u8> {
    let mut out = String::new();
    let empty = serde_json::Map::new();
    let fields = value.as_object().unwrap_or(&empty);
    let mut part = |headers: &str, content: &str| {
        out.push_str(&format!("--{BOUNDARY}\r\n{headers}\r\n\r\n{content}\r\n"));
    };
    if content_type == "multipart/mixed" {
        let request: serde_json::Map<String, Value> = fields
            .iter()
            .filter(|(k, _)| !binary.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        part(
            "Content-Type: application/json",
            &Value::Object(request).to_string(),
        );
        for name in binary.iter().filter(|n| fields.contains_key(**n)) {
            part(
                &format!(
                    "Content-Type: text/plain\r\nContent-Disposition: attachment; filename=\"{name}.txt\""
                ),
                "sandbox file",
            );
        }
    } else {
        for (k, v) in fields {
            if binary.contains(&k.as_str()) {
                part(
                    &format!(
                        "Content-Disposition: form-data; name=\"{k}\"; filename=\"{k}.txt\"\r\nContent-Type: text/plain"
                    ),
                    "sandbox file",
                );
                continue;
            }
            match v {
                Value::Object(_) => part(
                    &format!(
                        "Content-Disposition: form-data; name=\"{k}\"\r\nContent-Type: application/json"
                    ),
                    &v.to_string(),
                ),
                Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => part(
                    &format!(
                        "Content-Disposition: form-data; name=\"{k}\"\r\nContent-Type: application/json"
                    ),
                    &v.to_string(),
                ),
                Value::Array(items) => {
                    for item in items {
                        part(
                            &format!("Content-Disposition: form-data; name=\"{k}\""),
                            &text(item),
                        );
                    }
                }
                other => part(
                    &format!("Content-Disposition: form-data; name=\"{k}\""),
                    &text(other),
                ),
            }
        }
    }
    out.push_str(&format!("--{BOUNDARY}--\r\n"));
    out.into_bytes()
}
