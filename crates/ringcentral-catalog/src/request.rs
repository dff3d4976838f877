//! From an action's flat input to the HTTP request it stands for: path filled in, query string,
//! headers and a body in the operation's content type.

use std::path::PathBuf;

use percent_encoding::utf8_percent_encode;
use serde_json::{Map, Value};

use ringcentral_api::{BodyShape, Method, Operation, PATH_SEGMENT, ParamLocation, json_kind};

/// An HTTP request, independent of any HTTP library.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    /// The path with its parameters filled in and escaped, e.g. `/restapi/v1.0/account/~/extension/101`.
    pub path: String,
    /// Query pairs in order; an array parameter repeats its name.
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Empty,
    /// A JSON document sent with `content_type` (`application/json`, `application/scim+json`, ...).
    Json {
        content_type: String,
        value: Value,
    },
    /// `application/x-www-form-urlencoded` pairs.
    Form(Vec<(String, String)>),
    /// `multipart/form-data` parts.
    Multipart(Vec<Part>),
    /// Text sent as is with the given content type.
    Text {
        content_type: String,
        text: String,
    },
}

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub content: PartContent,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartContent {
    /// A plain text field.
    Text(String),
    /// A structured field, sent as an `application/json` part.
    Json(Value),
    /// A file to read and send as the part's content (given as `@PATH` in the input).
    File(PathBuf),
}

/// Why an input could not become a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the input must be a JSON object, not {found}")]
    NotAnObject { found: &'static str },
    #[error("the input has no value for the path parameter `{name}`")]
    MissingPathParam { name: String },
    #[error("`{name}` must be a string, number or boolean (or an array of them), not {found}")]
    NotScalar { name: String, found: &'static str },
}

/// The text of a scalar as it travels in a path, query or header.
fn scalar_text(name: &str, v: &Value) -> Result<String, RequestError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        // A whole number in float form (`1000.0`) travels as the integer it is.
        Value::Number(n) => Ok(match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => {
                (f as i64).to_string()
            }
            _ => n.to_string(),
        }),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(RequestError::NotScalar {
            name: name.to_string(),
            found: json_kind(other),
        }),
    }
}

pub fn build(op: &Operation, input: &Value) -> Result<HttpRequest, RequestError> {
    let empty = Map::new();
    let fields = match input {
        Value::Object(map) => map,
        Value::Null => &empty,
        other => {
            return Err(RequestError::NotAnObject {
                found: json_kind(other),
            });
        }
    };

    let mut path = String::with_capacity(op.path.len() + 16);
    let mut rest = op.path;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        let param = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name == name);
        let input_name = param.map_or(name, |p| p.input_name);
        let value = match fields.get(input_name) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| scalar_text(input_name, i))
                .collect::<Result<Vec<_>, _>>()?
                .join(","),
            Some(v) if !v.is_null() => scalar_text(input_name, v)?,
            _ => match param.and_then(|p| p.default) {
                Some(default) => serde_json::from_str::<Value>(default)
                    .ok()
                    .and_then(|d| d.as_str().map(String::from))
                    .unwrap_or_else(|| default.to_string()),
                None => {
                    return Err(RequestError::MissingPathParam {
                        name: input_name.to_string(),
                    });
                }
            },
        };
        path.extend(utf8_percent_encode(&value, PATH_SEGMENT));
        rest = &rest[open + close + 1..];
    }
    path.push_str(rest);

    let mut query = Vec::new();
    let mut headers = Vec::new();
    for param in op.params {
        let Some(value) = fields.get(param.input_name).filter(|v| !v.is_null()) else {
            continue;
        };
        match param.location {
            ParamLocation::Path => {}
            ParamLocation::Query => match value {
                Value::Array(items) => {
                    for item in items {
                        query.push((param.name.to_string(), scalar_text(param.input_name, item)?));
                    }
                }
                // Objects in a query string have no standard encoding; RingCentral takes JSON text.
                Value::Object(_) => query.push((param.name.to_string(), value.to_string())),
                _ => query.push((
                    param.name.to_string(),
                    scalar_text(param.input_name, value)?,
                )),
            },
            ParamLocation::Header => {
                let text = match value {
                    Value::Array(items) => items
                        .iter()
                        .map(|i| scalar_text(param.input_name, i))
                        .collect::<Result<Vec<_>, _>>()?
                        .join(", "),
                    _ => scalar_text(param.input_name, value)?,
                };
                headers.push((param.name.to_string(), text));
            }
        }
    }

    let body = match &op.body {
        None => Body::Empty,
        Some(spec) => match spec.shape {
            BodyShape::Whole => match fields.get("body").filter(|v| !v.is_null()) {
                None => Body::Empty,
                Some(Value::String(text)) if !spec.content_type.contains("json") => Body::Text {
                    content_type: spec.content_type.to_string(),
                    text: text.clone(),
                },
                Some(value) => Body::Json {
                    content_type: json_content_type(spec.content_type),
                    value: value.clone(),
                },
            },
            BodyShape::Merged => {
                let mut object = Map::new();
                let mut files = Vec::new();
                for field in spec.fields {
                    if let Some(v) = fields.get(field.input_name) {
                        if field.binary {
                            files.push((field.name, v));
                        } else {
                            object.insert(field.name.to_string(), v.clone());
                        }
                    }
                }
                if let Some(value) = open_extra(op, fields) {
                    object.extend(value);
                }
                if object.is_empty() && files.is_empty() && !spec.required {
                    Body::Empty
                } else {
                    merged_body(spec.content_type, object, files)?
                }
            }
        },
    };

    Ok(HttpRequest {
        method: op.method,
        path,
        query,
        headers,
        body,
    })
}

/// Properties of an open body (one that allows unlisted properties) that no parameter or listed
/// field claims; they go into the body as given.
fn open_extra(op: &Operation, fields: &Map<String, Value>) -> Option<Map<String, Value>> {
    let body = op.body.as_ref()?;
    if body.shape != BodyShape::Merged || !body.open {
        return None;
    }
    let claimed = |k: &str| {
        op.params.iter().any(|p| p.input_name == k) || body.fields.iter().any(|f| f.input_name == k)
    };
    Some(
        fields
            .iter()
            .filter(|(k, _)| !claimed(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

fn json_content_type(content_type: &str) -> String {
    if content_type.contains("json") {
        content_type.to_string()
    } else {
        "application/json".to_string()
    }
}

fn merged_body(
    content_type: &str,
    object: Map<String, Value>,
    files: Vec<(&str, &Value)>,
) -> Result<Body, RequestError> {
    match content_type {
        "application/x-www-form-urlencoded" => {
            let mut pairs = Vec::new();
            for (name, value) in &object {
                match value {
                    Value::Array(items) => {
                        for item in items {
                            pairs.push((name.clone(), scalar_text(name, item)?));
                        }
                    }
                    Value::Null => {}
                    other => pairs.push((name.clone(), scalar_text(name, other)?)),
                }
            }
            Ok(Body::Form(pairs))
        }
        "multipart/form-data" => {
            let mut parts = Vec::new();
            for (name, value) in object {
                match value {
                    Value::Null => {}
                    Value::Object(_) => parts.push(Part {
                        name,
                        content: PartContent::Json(value),
                    }),
                    Value::Array(ref items) if items.iter().any(|i| i.is_object()) => {
                        parts.push(Part {
                            name,
                            content: PartContent::Json(value),
                        })
                    }
                    Value::Array(items) => {
                        for item in items {
                            parts.push(Part {
                                content: PartContent::Text(scalar_text(&name, &item)?),
                                name: name.clone(),
                            });
                        }
                    }
                    other => parts.push(Part {
                        content: PartContent::Text(scalar_text(&name, &other)?),
                        name,
                    }),
                }
            }
            for (name, value) in files {
                let items: Vec<&Value> = match value {
                    Value::Array(items) => items.iter().collect(),
                    one => vec![one],
                };
                for item in items {
                    let text = scalar_text(name, item)?;
                    let content = match text.strip_prefix('@') {
                        Some(path) => PartContent::File(PathBuf::from(path)),
                        None => PartContent::Text(text),
                    };
                    parts.push(Part {
                        name: name.to_string(),
                        content,
                    });
                }
            }
            Ok(Body::Multipart(parts))
        }
        other => Ok(Body::Json {
            content_type: json_content_type(other),
            value: Value::Object(object),
        }),
    }
}
