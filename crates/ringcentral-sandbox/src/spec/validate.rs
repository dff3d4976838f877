//! Request validation from the spec: path, query and header parameters turned from text into typed
//! values and checked against their schemas, and the body (JSON, form or multipart) checked against
//! the operation's body schema. Every violation becomes one [`FieldError`].

use std::borrow::Cow;
use std::collections::BTreeSet;

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde_json::{Map, Value};

use ringcentral_api::{Operation, ParamLocation, RequestBody};

use super::errors::{ErrorKind, FieldError};
use super::media::is_json;
use super::multipart;
use super::schema::{self, admitted_types, items_schema, property_schema};

/// A request as the spec-driven answerer sees it: everything comes from the wire, nothing is
/// trusted.
#[derive(Debug, Clone, Copy)]
pub struct SpecRequest<'a> {
    /// The concrete request path, e.g. `/restapi/v1.0/account/~/extension/101`.
    pub path: &'a str,
    /// Path parameters by template name, as the router extracted them (percent-decoded).
    pub path_params: &'a [(&'a str, String)],
    /// Query pairs in order, decoded; repeated keys repeat.
    pub query: &'a [(String, String)],
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
    /// `http://host:port` as the client addressed the sandbox.
    pub base_url: &'a str,
}

/// A request that passed validation, with its values typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidRequest {
    /// Path parameters as typed values (`"~"` stays a string; an id list becomes an array).
    pub path: Vec<(&'static str, Value)>,
    /// Query parameters that were sent, typed (integers, booleans, arrays).
    pub query: Vec<(&'static str, Value)>,
    /// Header parameters that were sent.
    pub headers: Vec<(&'static str, Value)>,
    /// The body as JSON: a JSON body as sent, a form or multipart body as an object of its fields
    /// (file parts become text placeholders).
    pub body: Option<Value>,
}

impl ValidRequest {
    pub fn query(&self, name: &str) -> Option<&Value> {
        self.query.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub fn path_param(&self, name: &str) -> Option<&Value> {
        self.path.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// Compiled validators of one operation, built once and cached by the answerer.
pub(crate) struct Compiled {
    params: Vec<Option<jsonschema::Validator>>,
    /// One per content type, in the order of [`schema::OpSchemas::bodies`].
    bodies: Vec<Option<jsonschema::Validator>>,
}

fn compile_doc(doc: &Value) -> Option<jsonschema::Validator> {
    match jsonschema::draft202012::options()
        .should_validate_formats(true)
        .with_keyword(schema::EXACT_INTEGER, |_, _, _| {
            Ok(Box::new(schema::ExactInteger))
        })
        .build(doc)
    {
        Ok(v) => Some(v),
        Err(e) => {
            // Never expected for generated schemas; the request then goes unchecked rather than
            // failing.
            tracing::warn!(error = %e, "a spec schema does not compile; its values go unchecked");
            None
        }
    }
}

pub(crate) fn compile(op: &Operation) -> Compiled {
    let Some(schemas) = schema::op_schemas(op) else {
        return Compiled {
            params: Vec::new(),
            bodies: Vec::new(),
        };
    };
    let params = schemas
        .params
        .iter()
        .map(|s| {
            let mut doc = schema::bundle(s);
            schema::bound_number_formats(&mut doc);
            compile_doc(&doc)
        })
        .collect();
    let bodies = schemas
        .bodies
        .iter()
        .map(|(_, s)| {
            let mut doc = schema::bundle(s);
            schema::relax_read_only(&mut doc);
            schema::bound_number_formats(&mut doc);
            compile_doc(&doc)
        })
        .collect();
    Compiled { params, bodies }
}

/// Validates `req` against `op`. All violations are reported, not just the first.
pub(crate) fn validate(
    op: &'static Operation,
    compiled: &Compiled,
    req: &SpecRequest<'_>,
) -> Result<ValidRequest, Vec<FieldError>> {
    let mut valid = ValidRequest::default();
    let mut errors = Vec::new();
    let schemas = schema::op_schemas(op);
    for (i, p) in op.params.iter().enumerate() {
        let raw: Vec<Cow<'_, str>> = match p.location {
            ParamLocation::Path => req
                .path_params
                .iter()
                .filter(|(n, _)| *n == p.name)
                .map(|(_, v)| Cow::Borrowed(v.as_str()))
                .collect(),
            ParamLocation::Query => req
                .query
                .iter()
                .filter(|(k, _)| k == p.name)
                .map(|(_, v)| Cow::Borrowed(v.as_str()))
                .collect(),
            ParamLocation::Header => {
                let mut values = Vec::new();
                for v in req.headers.get_all(p.name) {
                    match v.to_str() {
                        Ok(s) => values.push(Cow::Owned(s.to_owned())),
                        Err(_) => {
                            errors.push(FieldError::invalid(p.name, "the header is not text"))
                        }
                    }
                }
                values
            }
        };
        if raw.is_empty() {
            // `accountId`/`extensionId` are required on the wire but default to `~`.
            if p.required && p.default.is_none() {
                errors.push(FieldError::missing(p.name));
            }
            continue;
        }
        let schema = schemas.and_then(|s| s.params.get(i));
        let validator = compiled.params.get(i).and_then(Option::as_ref);
        let split_lists = p.location == ParamLocation::Path;
        match typed_param(p.name, schema, validator, &raw, split_lists) {
            Ok(v) => match p.location {
                ParamLocation::Path => valid.path.push((p.name, v)),
                ParamLocation::Query => valid.query.push((p.name, v)),
                ParamLocation::Header => valid.headers.push((p.name, v)),
            },
            Err(e) => errors.push(e),
        }
    }
    if let (Some(spec), Some(schemas)) = (&op.body, schemas) {
        match read_body(spec, schemas, req) {
            Ok(None) => {}
            Ok(Some((index, value))) => {
                if let Some(v) = compiled.bodies.get(index).and_then(Option::as_ref) {
                    for e in v.iter_errors(&value) {
                        errors.extend(field_errors(&e, ""));
                    }
                }
                valid.body = Some(value);
            }
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(errors)
    }
}

/// The typed readings of one text value, most specific first, limited to the admitted types.
fn scalar_readings(s: &str, types: Option<&BTreeSet<&'static str>>) -> Vec<Value> {
    let allows = |t: &str| types.is_none_or(|set| set.contains(t));
    let mut out = Vec::new();
    if allows("integer") || allows("number") {
        if let Ok(i) = s.parse::<i64>() {
            out.push(Value::from(i));
        } else if let Ok(u) = s.parse::<u64>() {
            out.push(Value::from(u));
        } else if allows("number")
            && let Some(n) = s
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .and_then(serde_json::Number::from_f64)
        {
            out.push(Value::Number(n));
        }
    }
    if allows("boolean") {
        if s.eq_ignore_ascii_case("true") {
            out.push(Value::Bool(true));
        } else if s.eq_ignore_ascii_case("false") {
            out.push(Value::Bool(false));
        }
    }
    if allows("null") && s == "null" {
        out.push(Value::Null);
    }
    // Always last, and always present: when the text fits no admitted type, the schema's own
    // complaint about the string names what was expected.
    out.push(Value::String(s.to_owned()));
    out
}

fn first_reading(s: &str, types: Option<&BTreeSet<&'static str>>) -> Value {
    scalar_readings(s, types)
        .into_iter()
        .next()
        .unwrap_or_else(|| Value::String(s.to_owned()))
}

/// Turns the text values of a parameter (or form field) into the JSON value its schema admits.
fn typed_param(
    name: &str,
    schema: Option<&Value>,
    validator: Option<&jsonschema::Validator>,
    raw: &[Cow<'_, str>],
    split_lists: bool,
) -> Result<Value, FieldError> {
    let types = schema.and_then(admitted_types);
    let item_types = schema.and_then(items_schema).and_then(admitted_types);
    let allows_array = types.as_ref().is_none_or(|t| t.contains("array"));
    let declared_array = types
        .as_ref()
        .is_some_and(|t| t.len() == 1 && t.contains("array"));
    let first = raw.first().map(|s| s.as_ref()).unwrap_or_default();
    let split = |s: &str| -> Value {
        Value::Array(
            s.split(',')
                .map(|s| first_reading(s.trim(), item_types.as_ref()))
                .collect(),
        )
    };
    let mut candidates: Vec<Value> = Vec::new();
    if split_lists && allows_array && raw.len() == 1 && first.contains(',') {
        // A path segment `1,2` names two resources, and nothing else.
        candidates.push(split(first));
    } else {
        if raw.len() == 1 || !allows_array {
            candidates.extend(scalar_readings(first, types.as_ref()));
        }
        if allows_array {
            let items: Vec<Value> = raw
                .iter()
                .map(|s| first_reading(s, item_types.as_ref()))
                .collect();
            candidates.push(Value::Array(items));
            if raw.len() == 1 && first.is_empty() {
                // `name=` is how a form-style query spells an empty list.
                candidates.push(Value::Array(Vec::new()));
            }
            if raw.len() == 1 && first.contains(',') {
                // `a,b` also stands for two values, as many of RingCentral's filters take them.
                candidates.push(split(first));
            }
        }
    }
    let Some(validator) = validator else {
        return Ok(candidates
            .into_iter()
            .next()
            .unwrap_or_else(|| Value::String(first.to_owned())));
    };
    if let Some(ok) = candidates.iter().find(|c| validator.is_valid(c)) {
        return Ok(ok.clone());
    }
    // Explain the reading the client most likely meant: a list for a list parameter.
    let shown = if declared_array {
        candidates.iter().rev().find(|c| c.is_array())
    } else {
        candidates.first()
    }
    .cloned()
    .unwrap_or_else(|| Value::String(first.to_owned()));
    let why = validator
        .iter_errors(&shown)
        .next()
        .map(|e| describe(e.kind()))
        .unwrap_or_else(|| "the value does not match its schema".to_owned());
    Err(FieldError::invalid(name, &why))
}

fn is_multipart(media: &str) -> bool {
    media.starts_with("multipart/")
}

/// Whether a body schema takes only text: the body is then read as it is, whatever its media type
/// (RingCentral's `multipart/mixed` batch bodies are declared this way).
fn takes_text(body_schema: &Value) -> bool {
    admitted_types(body_schema).is_some_and(|t| t.len() == 1 && t.contains("string"))
}

/// Reads the body into JSON according to its content type, and says which of the operation's
/// body schemas (see [`schema::OpSchemas::body_for`]) it is checked against. `Ok(None)` for an
/// absent optional body.
fn read_body(
    spec: &RequestBody,
    schemas: &'static schema::OpSchemas,
    req: &SpecRequest<'_>,
) -> Result<Option<(usize, Value)>, Vec<FieldError>> {
    let header = match req
        .headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| v.to_str())
    {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(_)) => {
            return Err(vec![FieldError {
                kind: ErrorKind::UnsupportedMediaType,
                parameter: Some("Content-Type".to_owned()),
                message: "The Content-Type header is not text".to_owned(),
            }]);
        }
    };
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return if spec.required {
            Err(vec![FieldError {
                kind: ErrorKind::Missing,
                parameter: None,
                message: "Request body is missing".to_owned(),
            }])
        } else {
            Ok(None)
        };
    }
    let media = header.map_or_else(|| spec.content_type.to_owned(), super::media::essence);
    let Some((index, _, body_schema)) = schemas.body_for(&media) else {
        let declared: Vec<&str> = schemas.bodies.iter().map(|(ct, _)| *ct).collect();
        return Err(vec![FieldError {
            kind: ErrorKind::UnsupportedMediaType,
            parameter: Some("Content-Type".to_owned()),
            message: format!(
                "Content type [{media}] is not supported by this operation; send {}",
                declared.join(" or ")
            ),
        }]);
    };
    let text = || Value::String(String::from_utf8_lossy(req.body).into_owned());
    if takes_text(body_schema) {
        return Ok(Some((index, text())));
    }
    if is_json(&media) {
        return serde_json::from_slice::<Value>(req.body)
            .map(|v| Some((index, v)))
            .map_err(|e| vec![unreadable(format!("Request body is not valid JSON: {e}"))]);
    }
    if media == "application/x-www-form-urlencoded" {
        let mut grouped: Vec<(String, Vec<Cow<'_, str>>)> = Vec::new();
        for (k, v) in url::form_urlencoded::parse(req.body) {
            match grouped.iter_mut().find(|(n, _)| *n == k) {
                Some((_, values)) => values.push(v),
                None => grouped.push((k.into_owned(), vec![v])),
            }
        }
        let mut object = Map::new();
        for (k, values) in grouped {
            let field_schema = property_schema(body_schema, &k);
            let value = typed_field(field_schema, &values);
            object.insert(k, value);
        }
        return Ok(Some((index, Value::Object(object))));
    }
    if is_multipart(&media) {
        let full = header.unwrap_or_default();
        let parts = multipart::parse(full, req.body).map_err(|e| {
            vec![unreadable(format!(
                "Request body is not valid multipart: {e}"
            ))]
        })?;
        return multipart_object(body_schema, &media, &parts).map(|v| Some((index, v)));
    }
    // A text or binary body the spec declares for a whole-body operation.
    Ok(Some((index, text())))
}

fn unreadable(message: String) -> FieldError {
    FieldError {
        kind: ErrorKind::Unreadable,
        parameter: None,
        message,
    }
}

/// A form or multipart text field typed by its schema; repeated fields become arrays when the
/// schema takes one.
fn typed_field(schema: Option<&Value>, values: &[Cow<'_, str>]) -> Value {
    let types = schema.and_then(admitted_types);
    let allows_array = types.as_ref().is_some_and(|t| t.contains("array"));
    if allows_array || values.len() > 1 {
        let item_types = schema.and_then(items_schema).and_then(admitted_types);
        return Value::Array(
            values
                .iter()
                .map(|s| first_reading(s, item_types.as_ref()))
                .collect(),
        );
    }
    match values.first() {
        Some(s) => first_reading(s, types.as_ref()),
        None => Value::Null,
    }
}

fn binary_placeholder(part: &multipart::Part) -> Value {
    Value::String(format!(
        "{} ({} bytes)",
        part.filename.as_deref().unwrap_or("file"),
        part.data.len()
    ))
}

/// The fields of a multipart body as one object. `multipart/mixed` carries the JSON request in its
/// first part and files after it; `multipart/form-data` names every part.
fn multipart_object(
    body_schema: &'static Value,
    media: &str,
    parts: &[multipart::Part],
) -> Result<Value, Vec<FieldError>> {
    let binary = schema::binary_members(body_schema);
    let mut object = Map::new();
    let mut files: Vec<&multipart::Part> = Vec::new();
    let mut grouped: Vec<(String, Vec<&multipart::Part>)> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let json_part = part.content_type.as_deref().is_some_and(is_json);
        let member = part
            .name
            .as_deref()
            .is_some_and(|n| property_schema(body_schema, n).is_some());
        // The root part: RingCentral reads a first JSON part that is not one of the body's
        // members (the SDKs name it `json` or `request`; `multipart/mixed` leaves it unnamed) as
        // the request itself, and the parts after it as attachments.
        let root =
            i == 0 && !member && (json_part || (media == "multipart/mixed" && part.name.is_none()));
        if root || (part.name.is_none() && json_part) {
            let value: Value = serde_json::from_slice(&part.data).map_err(|e| {
                vec![unreadable(format!(
                    "The request part is not valid JSON: {e}"
                ))]
            })?;
            match value {
                Value::Object(m) => object.extend(m),
                other => {
                    return Err(vec![unreadable(format!(
                        "The request part must be a JSON object, not {}",
                        schema::json_type(&other)
                    ))]);
                }
            }
            continue;
        }
        match &part.name {
            // Files under any other name are attachments.
            Some(_) if !member && part.filename.is_some() => files.push(part),
            None => files.push(part),
            Some(name) => match grouped.iter_mut().find(|(n, _)| n == name) {
                Some((_, list)) => list.push(part),
                None => grouped.push((name.clone(), vec![part])),
            },
        }
    }
    let wants_array = |schema: Option<&Value>| {
        schema
            .and_then(admitted_types)
            .is_some_and(|t| t.contains("array"))
    };
    for (name, list) in grouped {
        let field_schema = property_schema(body_schema, &name);
        let is_file =
            binary.iter().any(|b| *b == name) || list.iter().any(|p| p.filename.is_some());
        let mut values = Vec::new();
        for part in &list {
            let v = if is_file {
                binary_placeholder(part)
            } else if part.content_type.as_deref().is_some_and(is_json) {
                serde_json::from_slice(&part.data).map_err(|e| {
                    vec![unreadable(format!("Part [{name}] is not valid JSON: {e}"))]
                })?
            } else {
                let text = String::from_utf8_lossy(&part.data);
                typed_field(field_schema, &[text])
            };
            values.push(v);
        }
        // One part is the value itself, unless an array is wanted and the part is not one.
        let value = if values.len() == 1 && (!wants_array(field_schema) || values[0].is_array()) {
            values.pop().unwrap_or(Value::Null)
        } else {
            Value::Array(values)
        };
        object.insert(name, value);
    }
    // Unnamed file parts go to the body's file member.
    if !files.is_empty()
        && let Some(field) = binary.first()
    {
        let placeholders: Vec<Value> = files.iter().map(|p| binary_placeholder(p)).collect();
        let value = if wants_array(property_schema(body_schema, field)) || placeholders.len() > 1 {
            Value::Array(placeholders)
        } else {
            placeholders.into_iter().next().unwrap_or(Value::Null)
        };
        object.insert((*field).to_owned(), value);
    }
    Ok(Value::Object(object))
}

/// RingCentral's spelling of a body location: `to[0].phoneNumber`.
fn display_path(segments: impl Iterator<Item = String>) -> String {
    let mut out = String::new();
    for s in segments {
        out.push_str(&s);
    }
    out
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_owned()
    } else {
        format!("{path}.{member}")
    }
}

fn field_errors(e: &jsonschema::ValidationError<'_>, base: &str) -> Vec<FieldError> {
    let mut first = true;
    let path = display_path(e.instance_path().iter().map(|seg| {
        let s = match seg {
            LocationSegment::Property(p) if first && base.is_empty() => p.to_string(),
            LocationSegment::Property(p) => format!(".{p}"),
            LocationSegment::Index(i) => format!("[{i}]"),
        };
        first = false;
        s
    }));
    let path = format!("{base}{path}");
    match e.kind() {
        ValidationErrorKind::Required { property } => {
            let member = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_owned);
            vec![FieldError::missing(&join(&path, &member))]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|u| FieldError::invalid(&join(&path, u), "this member is not accepted here"))
            .collect(),
        kind if path.is_empty() => vec![FieldError {
            kind: ErrorKind::Invalid,
            parameter: None,
            message: format!("Request body is invalid: {}", describe(kind)),
        }],
        kind => vec![FieldError::invalid(&path, &describe(kind))],
    }
}

fn shorten(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        text
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push_str("...");
        s
    }
}

/// A short reason, without echoing the (possibly large) offending value.
fn describe(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Type { kind } => {
            let names: Vec<String> = match kind {
                jsonschema::error::TypeKind::Single(t) => vec![t.to_string()],
                jsonschema::error::TypeKind::Multiple(set) => {
                    set.iter().map(|t| t.to_string()).collect()
                }
            };
            format!("expected {}", names.join(" or "))
        }
        ValidationErrorKind::Enum { options } => shorten(format!("expected one of {options}"), 200),
        ValidationErrorKind::Constant { expected_value } => {
            shorten(format!("expected {expected_value}"), 200)
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("must be at least {limit} characters long")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("must be at most {limit} characters long")
        }
        ValidationErrorKind::Minimum { limit } => format!("must be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("must be greater than {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("must be less than {limit}"),
        ValidationErrorKind::MinItems { limit } => format!("must have at least {limit} items"),
        ValidationErrorKind::MaxItems { limit } => format!("must have at most {limit} items"),
        ValidationErrorKind::MinProperties { limit } => {
            format!("must have at least {limit} members")
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("must have at most {limit} members")
        }
        ValidationErrorKind::UniqueItems => "must not repeat items".to_owned(),
        ValidationErrorKind::Pattern { pattern } => {
            shorten(format!("must match the pattern {pattern}"), 200)
        }
        ValidationErrorKind::Format { format } => format!("must be a valid {format}"),
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            "does not match any of the accepted shapes".to_owned()
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "matches more than one of the accepted shapes".to_owned()
        }
        ValidationErrorKind::FalseSchema => "is not accepted here".to_owned(),
        ValidationErrorKind::Custom { message, .. } => message.clone(),
        other => format!("does not satisfy `{}`", other.keyword()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str) -> &'static Operation {
        ringcentral_api::OPERATIONS
            .iter()
            .find(|o| o.operation_id == id)
            .unwrap_or(&ringcentral_api::OPERATIONS[0])
    }

    fn run(
        id: &str,
        path_params: &[(&str, String)],
        query: &[(&str, &str)],
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<ValidRequest, Vec<FieldError>> {
        let o = op(id);
        assert_eq!(o.operation_id, id);
        let compiled = compile(o);
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut headers = http::HeaderMap::new();
        if let Some(ct) = content_type
            && let Ok(v) = http::HeaderValue::from_str(ct)
        {
            headers.insert(http::header::CONTENT_TYPE, v);
        }
        let req = SpecRequest {
            path: "/x",
            path_params,
            query: &query,
            headers: &headers,
            body,
            base_url: "http://127.0.0.1:9",
        };
        validate(o, &compiled, &req)
    }

    fn tilde() -> Vec<(&'static str, String)> {
        vec![
            ("accountId", "~".to_owned()),
            ("extensionId", "~".to_owned()),
        ]
    }

    #[test]
    fn query_text_becomes_typed_values() {
        let ok = run(
            "listContacts",
            &tilde(),
            &[
                ("page", "2"),
                ("perPage", "10"),
                ("sortBy", "FirstName"),
                ("sortBy", "Company"),
            ],
            None,
            b"",
        );
        let ok = ok.unwrap_or_default();
        assert_eq!(ok.query("page"), Some(&Value::from(2)));
        assert_eq!(
            ok.query("sortBy"),
            Some(&serde_json::json!(["FirstName", "Company"]))
        );
    }

    #[test]
    fn each_bad_parameter_is_one_error() {
        let errs = run(
            "listContacts",
            &tilde(),
            &[("page", "abc"), ("perPage", "5000"), ("sortBy", "Nope")],
            None,
            b"",
        )
        .err()
        .unwrap_or_default();
        let names: Vec<&str> = errs.iter().filter_map(|e| e.parameter.as_deref()).collect();
        assert_eq!(names, ["sortBy", "page", "perPage"]);
        assert!(errs.iter().all(|e| e.kind == ErrorKind::Invalid));
        assert!(
            errs[1].message.contains("expected integer"),
            "{}",
            errs[1].message
        );
    }

    #[test]
    fn one_of_parameters_take_either_reading() {
        let id = "listDirectoryEntries";
        let params = [("accountId", "~".to_owned())];
        assert!(run(id, &params, &[("perPage", "all")], None, b"").is_ok());
        assert!(run(id, &params, &[("perPage", "500")], None, b"").is_ok());
        assert!(run(id, &params, &[("perPage", "lots")], None, b"").is_err());
    }

    #[test]
    fn json_bodies_report_missing_and_invalid_members() {
        let body = br#"{"from": {"phoneNumber": "+16505550100"}, "to": [{"phoneNumber": 5}]}"#;
        let errs = run(
            "createSMSMessage",
            &tilde(),
            &[],
            Some("application/json"),
            body,
        )
        .err()
        .unwrap_or_default();
        let missing: Vec<_> = errs
            .iter()
            .filter(|e| e.kind == ErrorKind::Missing)
            .filter_map(|e| e.parameter.as_deref())
            .collect();
        assert_eq!(missing, ["text"]);
        assert!(
            errs.iter()
                .any(|e| e.parameter.as_deref() == Some("to[0].phoneNumber")),
            "{errs:?}"
        );
    }

    #[test]
    fn malformed_json_and_wrong_content_types_are_refused() {
        let errs = run(
            "createSMSMessage",
            &tilde(),
            &[],
            Some("application/json"),
            b"{",
        )
        .err()
        .unwrap_or_default();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].kind, ErrorKind::Unreadable);
        let errs = run("createSMSMessage", &tilde(), &[], Some("text/plain"), b"hi")
            .err()
            .unwrap_or_default();
        assert_eq!(errs[0].kind, ErrorKind::UnsupportedMediaType);
        let errs = run(
            "createSMSMessage",
            &tilde(),
            &[],
            Some("application/json"),
            b"",
        )
        .err()
        .unwrap_or_default();
        assert_eq!(errs[0].kind, ErrorKind::Missing);
    }

    #[test]
    fn form_bodies_are_typed_by_their_schema() {
        let body = b"grant_type=authorization_code&code=abc&access_token_ttl=600";
        let ok = run(
            "getToken",
            &[],
            &[],
            Some("application/x-www-form-urlencoded"),
            body,
        );
        assert!(ok.is_ok(), "{ok:?}");
        let ok = ok.unwrap_or_default();
        assert_eq!(
            ok.body.as_ref().and_then(|b| b.get("access_token_ttl")),
            Some(&Value::from(600))
        );
    }

    #[test]
    fn multipart_files_satisfy_binary_members() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"p.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nWelcome\r\n--b--\r\n";
        let ok = run(
            "createIVRPrompt",
            &[("accountId", "~".to_owned())],
            &[],
            Some("multipart/form-data; boundary=b"),
            body,
        );
        assert!(ok.is_ok(), "{ok:?}");
        let missing = run(
            "createIVRPrompt",
            &[("accountId", "~".to_owned())],
            &[],
            Some("multipart/form-data; boundary=b"),
            b"--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nWelcome\r\n--b--\r\n",
        );
        assert!(missing.is_err_and(|e| e[0].parameter.as_deref() == Some("attachment")));
    }

    #[test]
    fn integer_formats_bound_values() {
        let put = |id: &str| {
            let body = format!(r#"{{"records": [{{"id": {id}}}]}}"#);
            run(
                "updateFavoriteContactList",
                &tilde(),
                &[],
                Some("application/json"),
                body.as_bytes(),
            )
        };
        assert!(put("-9223372036854775808").is_ok());
        assert!(put("9223372036854775807").is_ok());
        assert!(put("-9223372036854775809").is_err());
        assert!(put("9223372036854775808").is_err());
        assert!(put("1e300").is_err());
        // int32 parameters refuse what does not fit 32 bits.
        let page = |v: &str| run("listCountries", &[], &[("perPage", v)], None, b"");
        assert!(page("2147483647").is_ok());
        assert!(page("2147483648").is_err());
    }

    #[test]
    fn a_root_json_part_is_the_request_and_later_files_are_attachments() {
        // As RingCentral's SDKs send a fax: the whole body in a first part named `json`.
        let body = b"--b\r\nContent-Disposition: form-data; name=\"json\"; filename=\"request.json\"\r\nContent-Type: application/json\r\n\r\n{\"to\":[{\"phoneNumber\":\"+16505550125\"}],\"faxResolution\":\"High\"}\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cover.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n";
        for media in ["multipart/form-data", "multipart/mixed"] {
            let ok = run(
                "createFaxMessage",
                &tilde(),
                &[],
                Some(&format!("{media}; boundary=b")),
                body,
            );
            assert!(ok.is_ok(), "{media}: {ok:?}");
            let ok = ok.unwrap_or_default();
            let body = ok.body.unwrap_or_default();
            assert_eq!(body["faxResolution"], "High");
            assert!(body["attachment"].is_string(), "{body}");
        }
    }

    fn missing_members(errs: &[FieldError]) -> Vec<&str> {
        errs.iter()
            .filter(|e| e.kind == ErrorKind::Missing)
            .filter_map(|e| e.parameter.as_deref())
            .collect()
    }

    #[test]
    fn each_content_type_is_checked_against_its_own_schema() {
        // A fax resent as JSON names the original message; it needs no attachment.
        let json_fax = |body: &[u8]| {
            run(
                "createFaxMessage",
                &tilde(),
                &[],
                Some("application/json"),
                body,
            )
        };
        let ok =
            json_fax(br#"{"originalMessageId": "1", "to": [{"phoneNumber": "+16505550100"}]}"#);
        assert!(ok.is_ok(), "{ok:?}");
        let errs = json_fax(br#"{"to": [{"phoneNumber": "+16505550100"}]}"#)
            .err()
            .unwrap_or_default();
        assert_eq!(missing_members(&errs), ["originalMessageId"]);
        // A bulk message update is an array of `{resourceId, body}` entries.
        let mut params = tilde();
        params.push(("messageId", "1,2".to_owned()));
        let bulk = |body: &[u8]| {
            run(
                "patchMessage",
                &params,
                &[],
                Some("application/vnd.ringcentral.multipart+json"),
                body,
            )
        };
        let ok = bulk(br#"[{"resourceId": "1", "body": {"readStatus": "Read"}}]"#);
        assert_eq!(
            ok.ok().and_then(|v| v.body),
            Some(serde_json::json!([{"resourceId": "1", "body": {"readStatus": "Read"}}]))
        );
        assert!(bulk(br#"{"readStatus": "Read"}"#).is_err());
        assert!(
            bulk(br#"[{"resourceId": "1"}]"#).is_err_and(|e| missing_members(&e) == ["[0].body"])
        );
        // A greeting in `multipart/mixed` names its answering rule by an object, in
        // `multipart/form-data` by an id.
        let greeting = |media: &str, rule: &str| {
            let body = format!(
                "--b\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nVoicemail\r\n--b\r\n{rule}--b\r\nContent-Disposition: form-data; name=\"binary\"; filename=\"g.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\r\n--b--\r\n"
            );
            run(
                "createCustomUserGreeting",
                &tilde(),
                &[],
                Some(&format!("{media}; boundary=b")),
                body.as_bytes(),
            )
        };
        let by_object = "Content-Disposition: form-data; name=\"answeringRule\"\r\nContent-Type: application/json\r\n\r\n{\"id\": \"business-hours-rule\"}\r\n";
        let by_id = "Content-Disposition: form-data; name=\"answeringRuleId\"\r\n\r\nbusiness-hours-rule\r\n";
        assert!(greeting("multipart/mixed", by_object).is_ok());
        assert!(greeting("multipart/form-data", by_id).is_ok());
        assert!(
            greeting("multipart/form-data", by_object)
                .is_err_and(|e| missing_members(&e) == ["answeringRuleId"])
        );
        // A thread message with attachments: the request in `metadata`, the files after it.
        let thread = |parts: &str| {
            run(
                "mthSendMessage",
                &[("accountId", "~".to_owned())],
                &[],
                Some("multipart/form-data; boundary=b"),
                format!("{parts}--b--\r\n").as_bytes(),
            )
        };
        let metadata = "--b\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{\"from\": {\"phoneNumber\": \"+16505550100\"}, \"to\": [{\"phoneNumber\": \"+16505550101\"}], \"text\": \"hi\"}\r\n";
        let picture = "--b\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n";
        let ok = thread(&format!("{metadata}{picture}"));
        assert!(ok.is_ok(), "{ok:?}");
        assert!(thread(picture).is_err_and(|e| missing_members(&e) == ["metadata"]));
    }

    #[test]
    fn union_bodies_require_one_of_their_alternatives() {
        let call = |id: &str, extra: (&str, String), body: &[u8]| {
            let params = [
                ("accountId", "~".to_owned()),
                ("telephonySessionId", "s-1".to_owned()),
                extra,
            ];
            let p: Vec<(&str, String)> = params.into_iter().collect();
            run(id, &p, &[], Some("application/json"), body)
        };
        let party = || ("partyId", "p-1".to_owned());
        for id in ["forwardCallParty", "transferCallParty", "replyParty"] {
            assert!(call(id, party(), b"{}").is_err(), "{id} accepted {{}}");
        }
        assert!(
            call(
                "forwardCallParty",
                party(),
                br#"{"phoneNumber": "+16505550100"}"#
            )
            .is_ok()
        );
        assert!(
            call(
                "transferCallParty",
                party(),
                br#"{"extensionNumber": "101"}"#
            )
            .is_ok()
        );
        assert!(call("replyParty", party(), br#"{"replyWithText": "On my way"}"#).is_ok());
        let supervise = |body: &[u8]| call("superviseCallSession", ("x", String::new()), body);
        assert!(supervise(br#"{"mode": "Listen", "supervisorDeviceId": "1"}"#).is_err());
        assert!(
            supervise(br#"{"mode": "Listen", "supervisorDeviceId": "1", "agentExtensionId": "2"}"#)
                .is_ok()
        );
        let supervise_party = |body: &[u8]| call("superviseCallParty", party(), body);
        assert!(supervise_party(b"{}").is_err());
    }

    #[test]
    fn path_id_lists_are_split() {
        let mut params = tilde();
        params.push(("messageId", "1,2".to_owned()));
        let ok = run("readMessage", &params, &[], None, b"").unwrap_or_default();
        assert_eq!(
            ok.path_param("messageId"),
            Some(&serde_json::json!(["1", "2"]))
        );
    }
}
