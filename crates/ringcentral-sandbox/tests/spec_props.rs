//! Property tests of the spec-driven answers: whatever arrives on the wire, validation answers
//! (never panics), refusals are well-formed RingCentral errors, and valid requests stay valid
//! under harmless changes.

use proptest::prelude::*;
use serde_json::Value;

use ringcentral_api::{OPERATIONS, Operation};
use ringcentral_sandbox::spec::{SpecAnswerer, SpecReply, SpecRequest, example_request};

/// Where the answers' own URLs point.
const BASE: &str = "http://127.0.0.1:1";

fn answerer() -> &'static SpecAnswerer {
    static ANSWERER: std::sync::OnceLock<SpecAnswerer> = std::sync::OnceLock::new();
    ANSWERER.get_or_init(SpecAnswerer::new)
}

fn op_at(i: usize) -> &'static Operation {
    &OPERATIONS[i % OPERATIONS.len()]
}

fn headers(content_type: Option<&str>) -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    if let Some(v) = content_type.and_then(|c| http::HeaderValue::from_str(c).ok()) {
        h.insert(http::header::CONTENT_TYPE, v);
    }
    h
}

/// A reply is either the operation's success or a well-formed refusal.
fn check_reply(op: &Operation, reply: &SpecReply) -> Result<(), TestCaseError> {
    if reply.status == op.response.status {
        return Ok(());
    }
    prop_assert!(
        reply.status == 400 || reply.status == 415,
        "{}: status {}",
        op.operation_id,
        reply.status
    );
    let body = reply.json();
    prop_assert!(
        body.is_some(),
        "{}: error body is not JSON",
        op.operation_id
    );
    let body = body.unwrap_or_default();
    if op.path.starts_with("/scim/") {
        prop_assert_eq!(&body["status"], &Value::String(reply.status.to_string()));
        prop_assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    } else {
        let errors = body["errors"].as_array().cloned().unwrap_or_default();
        prop_assert!(
            !errors.is_empty(),
            "{}: no errors in {}",
            op.operation_id,
            body
        );
        for e in &errors {
            prop_assert!(e["errorCode"].as_str().is_some_and(|c| !c.is_empty()));
            prop_assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }
    Ok(())
}

fn content_types() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json".to_owned())),
        Just(Some("application/x-www-form-urlencoded".to_owned())),
        Just(Some("multipart/form-data; boundary=xyz".to_owned())),
        Just(Some("multipart/mixed".to_owned())),
        "[a-z/+;= -]{0,30}".prop_map(Some),
    ]
}

fn json_values() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,10}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    /// Arbitrary query strings, path values, content types and body bytes.
    #[test]
    fn arbitrary_wire_input_never_panics(
        op_index in 0usize..OPERATIONS.len(),
        path_value in ".{0,16}",
        query in prop::collection::vec(("[a-zA-Z]{1,12}", ".{0,16}"), 0..6),
        use_param_names in any::<bool>(),
        content_type in content_types(),
        body in prop::collection::vec(any::<u8>(), 0..96),
    ) {
        let op = op_at(op_index);
        let path_params: Vec<(&str, String)> = op
            .params
            .iter()
            .filter(|p| p.location == ringcentral_api::ParamLocation::Path)
            .map(|p| (p.name, path_value.clone()))
            .collect();
        // Half the time, aim the values at the operation's own parameters.
        let query: Vec<(String, String)> = query
            .into_iter()
            .enumerate()
            .map(|(i, (k, v))| match op.params.get(i).filter(|_| use_param_names) {
                Some(p) => (p.name.to_owned(), v),
                None => (k, v),
            })
            .collect();
        let headers = headers(content_type.as_deref());
        let req = SpecRequest {
            path: "/x",
            path_params: &path_params,
            query: &query,
            headers: &headers,
            body: &body,
            base_url: BASE,
        };
        let reply = answerer().answer(op, &req);
        check_reply(op, &reply)?;
    }

    /// Arbitrary JSON documents as bodies of the operations that take one.
    #[test]
    fn arbitrary_json_bodies_are_answered(op_index in 0usize..OPERATIONS.len(), body in json_values()) {
        let op = op_at(op_index);
        let ex = example_request(op);
        let headers = headers(Some("application/json"));
        let bytes = body.to_string().into_bytes();
        let req = SpecRequest {
            body: &bytes,
            ..ex.spec_request(&headers, BASE)
        };
        let reply = answerer().answer(op, &req);
        check_reply(op, &reply)?;
    }

    /// Leaving out one required body member is always refused, naming that member.
    #[test]
    fn a_missing_required_member_is_named(op_index in 0usize..OPERATIONS.len(), pick in any::<usize>()) {
        let op = op_at(op_index);
        let Some(body) = op.body.as_ref() else { return Ok(()) };
        let required: Vec<&str> = body.fields.iter().filter(|f| f.required).map(|f| f.name).collect();
        let ex = example_request(op);
        if required.is_empty() || !ex.content_type.as_deref().is_some_and(|c| c.contains("json")) {
            return Ok(());
        }
        let gone = required[pick % required.len()];
        let mut value: Value = serde_json::from_slice(&ex.body).unwrap_or_default();
        let Some(obj) = value.as_object_mut() else { return Ok(()) };
        if obj.remove(gone).is_none() {
            return Ok(());
        }
        let bytes = value.to_string().into_bytes();
        let headers = ex.headers();
        let req = SpecRequest {
            body: &bytes,
            ..ex.spec_request(&headers, BASE)
        };
        let reply = answerer().answer(op, &req);
        prop_assert_eq!(reply.status, 400, "{} without {}", op.operation_id, gone);
        let text = String::from_utf8_lossy(&reply.body).into_owned();
        prop_assert!(text.contains(gone), "{}: {} not named in {}", op.operation_id, gone, text);
    }

    /// Example requests stay accepted when their query parameters come in another order.
    #[test]
    fn query_order_does_not_matter(op_index in 0usize..OPERATIONS.len(), seed in any::<u64>()) {
        let op = op_at(op_index);
        let ex = example_request(op);
        let mut query = ex.query.clone();
        let n = query.len();
        if n > 1 {
            query.rotate_left((seed as usize) % n);
        }
        let headers = ex.headers();
        let req = SpecRequest {
            query: &query,
            ..ex.spec_request(&headers, BASE)
        };
        let reply = answerer().answer(op, &req);
        prop_assert_eq!(reply.status, op.response.status, "{}: {:?}", op.operation_id, reply.json());
    }
}
