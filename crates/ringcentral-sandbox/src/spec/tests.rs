//! Whole-catalog checks: every operation accepts its own example request and answers with a body
//! that validates against its output schema.

use std::time::Instant;

use serde_json::Value;

use ringcentral_api::OPERATIONS;
use ringcentral_catalog::Action;

use super::*;

/// Where the answers' own URLs point.
const BASE: &str = "http://127.0.0.1:18080";

fn headers_for(content_type: Option<&str>) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    if let Some(v) = content_type.and_then(|c| http::HeaderValue::from_str(c).ok()) {
        headers.insert(http::header::CONTENT_TYPE, v);
    }
    headers
}

fn output_validator(op: &'static ringcentral_api::Operation) -> Option<jsonschema::Validator> {
    let action = Action::find(op.operation_id)?;
    let schema = action.output_schema()?;
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .ok()
}

/// Operations whose output schema no sensible value satisfies, with the one place where every
/// answer breaks it. Anything else wrong with their answers still fails the test.
const SPEC_DEFECTS: [(&str, &str); 1] = [
    // RSPagingModel requires `sortableFields`, which its own part EnumeratedPagingModel forbids
    // (`additionalProperties: false`): no value satisfies both.
    ("getSessionInsights", "/paging"),
];

#[test]
fn every_operation_accepts_its_example_and_answers_within_its_schema() {
    let answerer = SpecAnswerer::new();
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut json_bodies = 0;
    let mut alternate_bodies = 0;
    for op in OPERATIONS.iter() {
        // Every other content type's example body must be accepted too (it is answered the same).
        if let Some(body) = &op.body {
            for (ct, _) in body
                .schemas
                .iter()
                .filter(|(ct, _)| *ct != body.content_type)
            {
                let ex = example_request_as(op, Some(ct));
                let headers = ex.headers();
                let req = ex.spec_request(&headers, BASE);
                alternate_bodies += 1;
                if let Err(r) = answerer.validate(op, &req) {
                    failures.push(format!(
                        "{} ({ct}): example refused: {:?}",
                        op.operation_id, r.errors
                    ));
                }
            }
        }
        let ex = example_request(op);
        let headers = ex.headers();
        let req = ex.spec_request(&headers, BASE);
        let valid = match answerer.validate(op, &req) {
            Ok(v) => v,
            Err(r) => {
                failures.push(format!(
                    "{}: example refused: {:?}",
                    op.operation_id, r.errors
                ));
                continue;
            }
        };
        let reply = answerer.synthesize(op, &req, &valid);
        if reply.status != op.response.status {
            failures.push(format!("{}: status {}", op.operation_id, reply.status));
        }
        if op.response.schema.is_none() {
            if op.response.content_type.is_some() == reply.body.is_empty() {
                failures.push(format!("{}: body presence", op.operation_id));
            }
            continue;
        }
        let Some(body) = reply.json() else {
            failures.push(format!("{}: body is not JSON", op.operation_id));
            continue;
        };
        json_bodies += 1;
        let Some(validator) = output_validator(op) else {
            failures.push(format!(
                "{}: output schema does not compile",
                op.operation_id
            ));
            continue;
        };
        let defect = SPEC_DEFECTS.iter().find(|(id, _)| *id == op.operation_id);
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .filter(|e| defect.is_none_or(|(_, at)| e.instance_path().as_str() != *at))
            .take(3)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{}: {}", op.operation_id, errors.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(json_bodies > 400, "only {json_bodies} JSON bodies");
    assert!(
        alternate_bodies >= 14,
        "only {alternate_bodies} bodies in a second content type"
    );
    // Generous: a debug build on a busy machine. The benchmark gives the real figure.
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn lists_page_consistently() {
    let op = ringcentral_api::operation("listContacts");
    let Some(op) = op else {
        panic!("listContacts is in the catalog");
    };
    let answerer = SpecAnswerer::new();
    let headers = http::HeaderMap::new();
    let params = [
        ("accountId", "~".to_owned()),
        ("extensionId", "~".to_owned()),
    ];
    let mut seen_ids = Vec::new();
    let mut page = 1;
    let mut total = None;
    // Walk with one record per page, following nextPage like the SDKs do.
    while page <= 5 {
        let query = [
            ("perPage".to_owned(), "1".to_owned()),
            ("page".to_owned(), page.to_string()),
        ];
        let req = SpecRequest {
            path: "/restapi/v1.0/account/~/extension/~/address-book/contact",
            path_params: &params,
            query: &query,
            headers: &headers,
            body: b"",
            base_url: BASE,
        };
        let body = answerer.answer(op, &req).json().unwrap_or_default();
        assert_eq!(body["paging"]["page"], page);
        assert_eq!(body["paging"]["perPage"], 1);
        total = body["paging"]["totalElements"].as_u64();
        let records = body["records"].as_array().cloned().unwrap_or_default();
        assert_eq!(records.len(), 1);
        seen_ids.push(records[0]["id"].clone());
        assert_eq!(body["paging"]["pageStart"], page - 1);
        let next = body["navigation"]["nextPage"]["uri"]
            .as_str()
            .map(str::to_owned);
        match next {
            Some(uri) => {
                assert!(
                    uri.starts_with("http://127.0.0.1:18080/restapi/v1.0/"),
                    "{uri}"
                );
                assert!(uri.contains(&format!("page={}", page + 1)), "{uri}");
                page += 1;
            }
            None => break,
        }
    }
    assert_eq!(Some(seen_ids.len() as u64), total);
    seen_ids.dedup();
    assert_eq!(
        Some(seen_ids.len() as u64),
        total,
        "each page has its own record"
    );
}

#[test]
fn reads_echo_the_addressed_id_and_updates_echo_the_body() {
    let answerer = SpecAnswerer::new();
    let headers = http::HeaderMap::new();
    let Some(read) = ringcentral_api::operation("readContact") else {
        panic!("readContact is in the catalog");
    };
    let params = [
        ("accountId", "~".to_owned()),
        ("extensionId", "~".to_owned()),
        ("contactId", "4242".to_owned()),
    ];
    let req = SpecRequest {
        path: "/restapi/v1.0/account/~/extension/~/address-book/contact/4242",
        path_params: &params,
        query: &[],
        headers: &headers,
        body: b"",
        base_url: BASE,
    };
    let body = answerer.answer(read, &req).json().unwrap_or_default();
    assert_eq!(body["id"], 4242);
    assert_eq!(
        body["uri"],
        "http://127.0.0.1:18080/restapi/v1.0/account/~/extension/~/address-book/contact/4242"
    );

    let Some(update) = ringcentral_api::operation("updateContact") else {
        panic!("updateContact is in the catalog");
    };
    let json_headers = headers_for(Some("application/json"));
    let sent = br#"{"firstName": "Marie", "lastName": "Curie", "email": "marie@example.org"}"#;
    let req = SpecRequest {
        headers: &json_headers,
        body: sent,
        ..req
    };
    let reply = answerer.answer(update, &req);
    assert_eq!(reply.status, 200);
    let body = reply.json().unwrap_or_default();
    assert_eq!(body["firstName"], "Marie");
    assert_eq!(body["email"], "marie@example.org");
    assert_eq!(body["id"], 4242);
}

#[test]
fn invalid_requests_get_one_error_per_violation_in_the_rest_shape() {
    let answerer = SpecAnswerer::new();
    let Some(op) = ringcentral_api::operation("createSMSMessage") else {
        panic!("createSMSMessage is in the catalog");
    };
    let headers = headers_for(Some("application/json"));
    let params = [
        ("accountId", "~".to_owned()),
        ("extensionId", "~".to_owned()),
    ];
    let req = SpecRequest {
        path: "/restapi/v1.0/account/~/extension/~/sms",
        path_params: &params,
        query: &[],
        headers: &headers,
        body: br#"{"to": "not a list"}"#,
        base_url: BASE,
    };
    let reply = answerer.answer(op, &req);
    assert_eq!(reply.status, 400);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    let body = reply.json().unwrap_or_default();
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    let named: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| {
            (
                e["errorCode"].as_str().unwrap_or_default(),
                e["parameterName"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(named.contains(&("CMN-100", "from")), "{named:?}");
    assert!(named.contains(&("CMN-100", "text")), "{named:?}");
    assert!(named.contains(&("CMN-101", "to")), "{named:?}");
    assert_eq!(body["errorCode"], errors[0]["errorCode"]);
    assert_eq!(body["message"], errors[0]["message"]);
}

/// The error schemas the spec declares for `400`, by family (from `components/responses` and
/// the inline declarations of the AI, directory, A2P SMS and number parser operations).
fn declared_400_schema(family: ErrorFamily, path: &str) -> Value {
    let parameterized = serde_json::json!({
        "type": "object", "required": ["errors"],
        "properties": {"errors": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["errorCode", "message"],
            "properties": {"errorCode": {"type": "string"}, "message": {"type": "string"},
                "parameterName": {"type": "string"}, "parameterValue": {"type": "string"}}}}}
    });
    match family {
        ErrorFamily::Scim => serde_json::json!({
            "type": "object",
            "properties": {
                "detail": {"type": "string"},
                "schemas": {"type": "array", "items": {"type": "string",
                    "enum": ["urn:ietf:params:scim:api:messages:2.0:Error"]}},
                "scimType": {"type": "string", "enum": ["uniqueness", "tooMany", "mutability",
                    "sensitive", "invalidSyntax", "invalidFilter", "invalidPath", "invalidValue",
                    "invalidVers", "noTarget"]},
                "status": {"type": "string"}
            }
        }),
        ErrorFamily::OAuth => serde_json::json!({"allOf": [
            {"type": "object", "properties": {"error": {"type": "string", "enum": [
                "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                "unsupported_grant_type", "invalid_scope", "invalid_request_uri",
                "unsupported_response_type", "request_not_supported", "request_uri_not_supported",
                "expired_token", "insufficient_scope", "access_denied"]}}},
            parameterized
        ]}),
        ErrorFamily::Cai => serde_json::json!({
            "type": "object",
            "properties": {"errors": {"type": "array", "items": {
                "type": "object", "required": ["errorCode", "message"],
                "properties": {"errorCode": {"type": "string", "enum": ["CAI-101", "CAI-102",
                    "CAI-103", "CAI-104", "CAI-105", "CAI-106", "CAI-107", "CAI-108", "CAI-109",
                    "CAI-110"]}, "message": {"type": "string"}, "parameterName": {"type": "string"}}}}}
        }),
        ErrorFamily::Directory => serde_json::json!({
            "type": "object",
            "properties": {"errors": {"type": "array", "items": {"type": "object", "properties": {
                "errorCode": {"type": "string", "enum": [
                    "ErrorCode{code='ADG-000', httpStatus=503, description='Service temporary unavailable.'}",
                    "ErrorCode{code='ADG-010', httpStatus=503, description='Federation data temporary unavailable.'}",
                    "ErrorCode{code='ADG-001', httpStatus=500, description='Service internal error.'}",
                    "ErrorCode{code='ADG-100', httpStatus=403, description='Insufficient permissions.'}",
                    "ErrorCode{code='ADG-101', httpStatus=403, description='Unauthorized access.'}",
                    "ErrorCode{code='ADG-102', httpStatus=405, description='Method not allowed.'}",
                    "ErrorCode{code='ADG-111', httpStatus=400, description='Need Content-Type header.'}",
                    "ErrorCode{code='ADG-112', httpStatus=400, description='Request body is invalid.'}",
                    "ErrorCode{code='ADG-121', httpStatus=400, description='Parameter [${paramName}] is invalid. ${additionalInfo:-}'}",
                    "ErrorCode{code='ADG-115', httpStatus=415, description='Unsupported Media Type.'}",
                    "ErrorCode{code='ADG-105', httpStatus=404, description='Current account is not linked to any federation.'}",
                    "ErrorCode{code='ADG-107', httpStatus=404, description='Account not found.'}",
                    "ErrorCode{code='ADG-122', httpStatus=404, description='Contact not found.'}",
                    "ErrorCode{code='ADG-200', httpStatus=404, description='Invalid URI'}"]},
                "message": {"type": "string"}, "parameterName": {"type": "string"}}}}}
        }),
        ErrorFamily::Rest if path.contains("/a2p-sms/") => serde_json::json!({"allOf": [
            {"type": "object", "required": ["errorCode", "message"],
             "properties": {"errorCode": {"type": "string"}, "message": {"type": "string"}}},
            {"type": "object", "properties": {"errors": {"type": "array", "items": {
                "type": "object", "required": ["errorCode", "message"]}}}}
        ]}),
        ErrorFamily::Rest if path.contains("/number-parser/") => serde_json::json!({
            "type": "object", "required": ["errors"],
            "properties": {"errors": {"type": "array", "minItems": 1, "uniqueItems": true,
                "items": {"type": "object", "minProperties": 2, "required": ["errorCode", "message"],
                    "properties": {"parameterName": {"type": ["string", "null"]}}}}}
        }),
        ErrorFamily::Rest => parameterized,
    }
}

#[test]
fn every_operation_renders_request_errors_in_its_declared_400_schema() {
    let answerer = SpecAnswerer::new();
    let mut failures = Vec::new();
    for op in OPERATIONS.iter() {
        let family = ErrorFamily::of(op);
        let Ok(validator) = jsonschema::validator_for(&declared_400_schema(family, op.path)) else {
            failures.push(format!("{}: schema", op.operation_id));
            continue;
        };
        // A request that breaks something: a bad value for every parameter that has a type
        // other than string, or a body of the wrong type, or (when there is neither) a fixed
        // set of hand-made violations.
        let ex = example_request(op);
        let mut query = ex.query.clone();
        for p in op
            .params
            .iter()
            .filter(|p| p.location == ringcentral_api::ParamLocation::Query)
        {
            if matches!(p.ty, "integer" | "number" | "boolean") || !p.enum_values.is_empty() {
                query.retain(|(k, _)| k != p.name);
                query.push((p.name.to_owned(), "\u{1F4A5}not-valid".to_owned()));
            }
        }
        let content_type = ex
            .content_type
            .clone()
            .or(Some("application/json".to_owned()));
        let headers = headers_for(content_type.as_deref());
        let body: &[u8] = if op.body.is_some() { b"[1, 2, 3]" } else { b"" };
        let req = SpecRequest {
            path: &ex.path,
            path_params: &ex.path_params,
            query: &query,
            headers: &headers,
            body,
            base_url: BASE,
        };
        let rejection = match answerer.validate(op, &req) {
            Ok(_) => Rejection {
                status: 400,
                family,
                errors: vec![
                    FieldError::missing("to"),
                    FieldError::invalid("perPage", "must be at most 1000"),
                ],
            },
            Err(r) => r,
        };
        let reply = rejection.reply();
        let Some(body) = reply.json() else {
            failures.push(format!("{}: error body is not JSON", op.operation_id));
            continue;
        };
        if !validator.is_valid(&body) {
            failures.push(format!("{}: {body}", op.operation_id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn filtered_lists_hold_matching_records() {
    let Some(op) = ringcentral_api::operation("listExtensions") else {
        panic!("listExtensions is in the catalog");
    };
    let answerer = SpecAnswerer::new();
    let headers = http::HeaderMap::new();
    let params = [("accountId", "~".to_owned())];
    let query = [
        ("status".to_owned(), "Disabled".to_owned()),
        ("type".to_owned(), "User".to_owned()),
        ("type".to_owned(), "Department".to_owned()),
        ("perPage".to_owned(), "10".to_owned()),
    ];
    let req = SpecRequest {
        path: "/restapi/v1.0/account/~/extension",
        path_params: &params,
        query: &query,
        headers: &headers,
        body: b"",
        base_url: BASE,
    };
    let body = answerer.answer(op, &req).json().unwrap_or_default();
    let records = body["records"].as_array().cloned().unwrap_or_default();
    assert!(!records.is_empty());
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r["status"], "Disabled");
        assert_eq!(r["type"], if i % 2 == 0 { "User" } else { "Department" });
    }
}

#[test]
fn extreme_paging_values_are_answered() {
    let answerer = SpecAnswerer::new();
    let huge = u64::MAX.to_string();
    for op in OPERATIONS
        .iter()
        .filter(|op| op.paging != ringcentral_api::Paging::None)
    {
        let ex = example_request(op);
        let mut query: Vec<(String, String)> = ex
            .query
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "page" | "perPage" | "startIndex" | "count"))
            .cloned()
            .collect();
        for k in ["page", "perPage", "startIndex", "count"] {
            query.push((k.to_owned(), huge.clone()));
        }
        if let ringcentral_api::Paging::PageToken { token_param, .. } = op.paging {
            query.retain(|(k, _)| k != token_param);
            query.push((token_param.to_owned(), format!("sbx-{huge}")));
        }
        let headers = ex.headers();
        let req = SpecRequest {
            query: &query,
            ..ex.spec_request(&headers, BASE)
        };
        let reply = answerer.answer(op, &req);
        assert!(
            reply.status == op.response.status || reply.status == 400,
            "{}: {}",
            op.operation_id,
            reply.status
        );
    }
}

#[test]
fn pages_beyond_the_paging_model_are_answered_within_it() {
    // Where a parameter allows more than the answer's paging model can report (page or perPage
    // above 1000), the answer stays within its schema; where it does not, the request is refused.
    let answerer = SpecAnswerer::new();
    let mut answered = 0;
    let mut failures = Vec::new();
    for op in OPERATIONS
        .iter()
        .filter(|op| matches!(op.paging, ringcentral_api::Paging::PageNumber { .. }))
    {
        let Some(validator) = output_validator(op) else {
            continue;
        };
        for (page, per_page) in [("5000", "10"), ("1", "5000"), ("0", "0")] {
            let ex = example_request(op);
            let mut query: Vec<(String, String)> = ex
                .query
                .iter()
                .filter(|(k, _)| k != "page" && k != "perPage")
                .cloned()
                .collect();
            query.push(("page".to_owned(), page.to_owned()));
            query.push(("perPage".to_owned(), per_page.to_owned()));
            let headers = ex.headers();
            let req = SpecRequest {
                query: &query,
                ..ex.spec_request(&headers, BASE)
            };
            let reply = answerer.answer(op, &req);
            if reply.status == 400 {
                continue;
            }
            answered += 1;
            let body = reply.json().unwrap_or_default();
            // The paging object reports the page asked for (or no page number past what it can
            // name), and the page size used: the one asked for, capped.
            let paging = &body["paging"];
            let page_ok = match page {
                "5000" => paging.get("page").is_none_or(|p| p == 5000),
                _ => paging["page"] == 1,
            };
            let size_ok = match per_page {
                "0" => paging["perPage"] == 1,
                "5000" => paging.get("perPage").is_none_or(|p| p == 5000 || p == 1000),
                _ => paging.get("perPage").is_none_or(|p| p == 10),
            };
            if !(page_ok && size_ok) {
                failures.push(format!(
                    "{} page={page} perPage={per_page}: paging {paging}",
                    op.operation_id
                ));
            }
            let defect = SPEC_DEFECTS.iter().find(|(id, _)| *id == op.operation_id);
            let errors: Vec<String> = validator
                .iter_errors(&body)
                .filter(|e| defect.is_none_or(|(_, at)| e.instance_path().as_str() != *at))
                .take(2)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            if !errors.is_empty() {
                failures.push(format!(
                    "{} page={page} perPage={per_page}: {}",
                    op.operation_id,
                    errors.join("; ")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(answered > 50, "only {answered} answers");
}

#[test]
fn odd_request_values_keep_answers_valid() {
    let answerer = SpecAnswerer::new();
    let Some(op) = ringcentral_api::operation("createSite") else {
        panic!("createSite is in the catalog");
    };
    let Some(validator) = output_validator(op) else {
        panic!("createSite has an output schema");
    };
    let headers = headers_for(Some("application/json"));
    let params = [("accountId", "4\u{12}\u{1F600}".to_owned())];
    let body = br#"{"id": "a b/\u0001\u0085", "name": "Main", "extensionNumber": "", "email": "x@example.com"}"#;
    let req = SpecRequest {
        path: "/restapi/v1.0/account/4%12%F0%9F%98%80\\x/sites",
        path_params: &params,
        query: &[],
        headers: &headers,
        body,
        base_url: "http://bad host",
    };
    let reply = answerer.answer(op, &req);
    let json = reply.json().unwrap_or_default();
    assert_eq!(reply.status, op.response.status, "{json}");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{json}");
    assert_eq!(json["id"], "a b/\u{1}\u{85}");
}
