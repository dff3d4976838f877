//! The spec-driven answers over real HTTP: every operation without a stateful handler answers its
//! example request with its success status, and a broken request with an error body; each body is
//! checked against the schema RingCentral's spec declares for that status (when the spec file is
//! around, as the fuzzing in CI does; otherwise against the catalog's output schema).

mod common;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

use ringcentral_api::{Method, OPERATIONS, Operation};
use ringcentral_sandbox::spec::example_request;

use common::{Env, TestResult, start};

/// The spec vendored in the repository (or `RINGCENTRAL_SPEC`); a spec that cannot be read fails
/// the test rather than skipping its checks.
fn spec() -> Option<&'static Value> {
    static SPEC: OnceLock<Value> = OnceLock::new();
    Some(SPEC.get_or_init(|| {
        let path = std::env::var("RINGCENTRAL_SPEC")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/rc-public-openapi.yml")
            });
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("the spec {} cannot be read: {e}", path.display()));
        serde_yaml::from_str(&text)
            .unwrap_or_else(|e| panic!("the spec {} is not YAML: {e}", path.display()))
    }))
}

fn registry() -> Option<&'static jsonschema::Registry<'static>> {
    static REGISTRY: OnceLock<Option<jsonschema::Registry<'static>>> = OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            let resource = jsonschema::Draft::Draft7.create_resource_ref(spec()?);
            jsonschema::Registry::new()
                .add(SPEC_URI, resource)
                .ok()?
                .prepare()
                .ok()
        })
        .as_ref()
}

const SPEC_URI: &str = "urn:ringcentral:openapi";

/// A JSON pointer segment, escaped for a pointer (RFC 6901) inside a URI fragment.
fn segment(s: &str) -> String {
    let escaped = s.replace('~', "~0").replace('/', "~1");
    percent_encoding::utf8_percent_encode(&escaped, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A validator for the spec's response schema of an operation for a status. `Ok(None)` when the
/// spec declares no body schema for that status; `Err` when the spec file is not around.
fn declared_validator(
    operation_id: &str,
    status: u16,
) -> Result<Option<jsonschema::Validator>, ()> {
    let (spec, registry) = spec().zip(registry()).ok_or(())?;
    let found = spec["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .find_map(|(path, item)| {
            item.as_object()?.iter().find_map(|(method, op)| {
                (op["operationId"] == operation_id)
                    .then(|| (format!("/paths/{}/{}", segment(path), segment(method)), op))
            })
        });
    let Some((op_pointer, op)) = found else {
        return Ok(None);
    };
    let status = status.to_string();
    let (mut pointer, mut response) = (
        format!("{op_pointer}/responses/{}", segment(&status)),
        &op["responses"][&status],
    );
    if let Some(name) = response["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/responses/"))
    {
        pointer = format!("/components/responses/{}", segment(name));
        response = &spec["components"]["responses"][name];
    }
    let Some(content) = response["content"].as_object() else {
        return Ok(None);
    };
    let media = if content.contains_key("application/json") {
        "application/json"
    } else {
        match content.keys().next() {
            Some(k) => k.as_str(),
            None => return Ok(None),
        }
    };
    if !content[media]["schema"].is_object() {
        return Ok(None);
    }
    let root = serde_json::json!({
        "$ref": format!("{SPEC_URI}#{pointer}/content/{}/schema", segment(media))
    });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .with_registry(registry)
        .should_validate_formats(true)
        .build(&root)
        .map(Some)
        .map_err(|e| panic!("{operation_id} {status}: {e}"))
}

fn conformance(op: &Operation, status: u16, body: &Value) -> Result<(), String> {
    conformance_except(op, status, body, None)
}

/// Like [`conformance`], ignoring violations located at `except` (a JSON pointer).
fn conformance_except(
    op: &Operation,
    status: u16,
    body: &Value,
    except: Option<&str>,
) -> Result<(), String> {
    let validator = match declared_validator(op.operation_id, status) {
        Ok(Some(v)) => v,
        Ok(None) => return Ok(()),
        Err(()) if status == op.response.status => {
            let action = ringcentral_catalog::Action::find(op.operation_id);
            let Some(schema) = action.and_then(|a| a.output_schema()) else {
                return Ok(());
            };
            jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&schema)
                .map_err(|e| format!("schema does not compile: {e}"))?
        }
        Err(()) => return Ok(()),
    };
    let errors: Vec<String> = validator
        .iter_errors(body)
        .filter(|e| except.is_none_or(|at| e.instance_path().as_str() != at))
        .take(3)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

/// Defects of the spec that make every sensible answer fail its own schema, with the place where
/// they do (see the unit tests of `spec`).
const SPEC_DEFECTS: [(&str, &str); 1] = [("getSessionInsights", "/paging")];

struct Sent {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
}

async fn send(
    env: &Env,
    op: &Operation,
    path: &str,
    query: &[(String, String)],
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Sent {
    let method = match op.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    };
    let mut req = env
        .http
        .request(method, env.url(path))
        .query(query)
        .bearer_auth(&env.token);
    if let Some(ct) = content_type {
        req = req.header(reqwest::header::CONTENT_TYPE, ct);
    }
    if !body.is_empty() {
        req = req.body(body);
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => panic!("{} {path}: {e}", op.operation_id),
    };
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
    Sent {
        status,
        content_type,
        body,
    }
}

fn spec_driven() -> Vec<&'static Operation> {
    let stateful: HashSet<&str> = ringcentral_sandbox::stateful_operations()
        .iter()
        .map(|o| o.operation_id)
        .collect();
    OPERATIONS
        .iter()
        .filter(|op| !stateful.contains(op.operation_id))
        .collect()
}

#[tokio::test]
async fn spec_operations_answer_their_examples_within_the_declared_schema() -> TestResult {
    let env = start().await;
    let mut failures = Vec::new();
    let ops = spec_driven();
    assert!(ops.len() > 300, "only {} spec-driven operations", ops.len());
    for op in &ops {
        let ex = example_request(op);
        let sent = send(
            &env,
            op,
            &ex.path,
            &ex.query,
            ex.content_type.as_deref(),
            ex.body.clone(),
        )
        .await;
        if sent.status != op.response.status {
            failures.push(format!(
                "{}: status {} {}",
                op.operation_id,
                sent.status,
                String::from_utf8_lossy(&sent.body)
            ));
            continue;
        }
        let json = sent
            .content_type
            .as_deref()
            .is_some_and(|c| c.contains("json"));
        if !json {
            let wants_body =
                op.response.content_type.is_some() && !matches!(sent.status, 204 | 205);
            if wants_body == sent.body.is_empty() {
                failures.push(format!(
                    "{}: body of {} bytes",
                    op.operation_id,
                    sent.body.len()
                ));
            }
            continue;
        }
        let body: Value = serde_json::from_slice(&sent.body).unwrap_or(Value::Null);
        let except = SPEC_DEFECTS
            .iter()
            .find(|(id, _)| *id == op.operation_id)
            .map(|(_, at)| *at);
        if let Err(e) = conformance_except(op, sent.status, &body, except) {
            failures.push(format!("{}: {e}", op.operation_id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {}:\n{}",
        failures.len(),
        ops.len(),
        failures.join("\n")
    );
    Ok(())
}

#[tokio::test]
async fn broken_requests_get_the_declared_error_bodies() -> TestResult {
    let env = start().await;
    let mut failures = Vec::new();
    let mut statuses: HashMap<u16, usize> = HashMap::new();
    for op in spec_driven() {
        let ex = example_request(op);
        // Typed query parameters get text; bodies get the wrong JSON type.
        let mut query = ex.query.clone();
        for p in op
            .params
            .iter()
            .filter(|p| p.location == ringcentral_api::ParamLocation::Query)
        {
            if matches!(p.ty, "integer" | "number" | "boolean") || !p.enum_values.is_empty() {
                query.retain(|(k, _)| k != p.name);
                query.push((p.name.to_owned(), "not-a-valid-value".to_owned()));
            }
        }
        let (content_type, body) = if op.body.is_some() {
            (Some("application/json"), b"[true]".to_vec())
        } else {
            (None, Vec::new())
        };
        if query == ex.query && op.body.is_none() {
            continue;
        }
        let sent = send(&env, op, &ex.path, &query, content_type, body).await;
        *statuses.entry(sent.status).or_default() += 1;
        if sent.status >= 500 {
            failures.push(format!("{}: {}", op.operation_id, sent.status));
            continue;
        }
        if sent.status == op.response.status {
            failures.push(format!(
                "{}: a broken request was accepted",
                op.operation_id
            ));
            continue;
        }
        let body: Value = serde_json::from_slice(&sent.body).unwrap_or(Value::Null);
        if let Err(e) = conformance(op, sent.status, &body) {
            failures.push(format!(
                "{} {}: {e}\n  {body}",
                op.operation_id, sent.status
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(statuses.get(&400).is_some_and(|n| *n > 100), "{statuses:?}");
    Ok(())
}

#[tokio::test]
async fn spec_answers_say_so_and_carry_the_request_id() -> TestResult {
    let env = start().await;
    let r = env
        .get("/restapi/v1.0/account/~/extension/~/address-book/contact?perPage=1")
        .await;
    let stateful = ringcentral_sandbox::stateful_operations()
        .iter()
        .any(|o| o.operation_id == "listContacts");
    if !stateful {
        assert_eq!(r.header("x-sandbox-answer"), Some("spec"));
    }
    assert!(r.header("rcrequestid").is_some());
    let r = env
        .get("/restapi/v1.0/dictionary/timezone?perPage=abc")
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["errors"][0]["parameterName"], "perPage");
    assert_eq!(r.body["errors"][0]["errorCode"], "CMN-101");
    Ok(())
}
