//! Flat inputs become the HTTP requests they stand for.

use std::path::PathBuf;

use ringcentral_catalog::{Action, Body, Method, PartContent, RequestError};
use serde_json::json;

fn action(key: &str) -> Action {
    Action::find(key).unwrap_or_else(|| panic!("no action {key}"))
}

#[test]
fn send_sms_posts_json_to_the_current_extension() {
    let input = json!({"from": {"phoneNumber": "+16505550100"}, "to": [{"phoneNumber": "+16505550101"}], "text": "hi"});
    let req = action("send-sms").request(&input).expect("request");
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.path, "/restapi/v1.0/account/~/extension/~/sms");
    assert!(req.query.is_empty());
    match req.body {
        Body::Json {
            content_type,
            value,
        } => {
            assert_eq!(content_type, "application/json");
            assert_eq!(value, input);
        }
        other => panic!("expected a JSON body, got {other:?}"),
    }
}

#[test]
fn path_parameters_are_filled_and_escaped() {
    let req = action("get-contact")
        .request(&json!({"contactId": 42}))
        .expect("request");
    assert_eq!(
        req.path,
        "/restapi/v1.0/account/~/extension/~/address-book/contact/42"
    );
    let req = action("get-contact")
        .request(&json!({"contactId": [1, 2], "extensionId": "a/b"}))
        .expect("request");
    assert_eq!(
        req.path,
        "/restapi/v1.0/account/~/extension/a%2Fb/address-book/contact/1,2"
    );
    assert_eq!(req.body, Body::Empty);
}

#[test]
fn a_missing_path_parameter_is_an_error() {
    let err = action("get-contact")
        .request(&json!({}))
        .expect_err("no contact id");
    assert_eq!(
        err,
        RequestError::MissingPathParam {
            name: "contactId".into()
        }
    );
    let err = action("get-contact")
        .request(&json!([1]))
        .expect_err("not an object");
    assert!(matches!(err, RequestError::NotAnObject { .. }));
}

#[test]
fn array_query_parameters_repeat_their_name() {
    let req = action("list-messages")
        .request(
            &json!({"messageType": ["SMS", "Fax"], "perPage": 10, "distinctConversations": true}),
        )
        .expect("request");
    assert_eq!(
        req.query,
        vec![
            ("distinctConversations".to_string(), "true".to_string()),
            ("messageType".to_string(), "SMS".to_string()),
            ("messageType".to_string(), "Fax".to_string()),
            ("perPage".to_string(), "10".to_string()),
        ]
    );
}

#[test]
fn header_parameters_travel_as_headers() {
    let req = action("list-directory-entries")
        .request(&json!({"If-None-Match": "\"abc\""}))
        .expect("request");
    assert_eq!(
        req.headers,
        vec![("If-None-Match".to_string(), "\"abc\"".to_string())]
    );
}

#[test]
fn colliding_names_go_where_their_spelling_says() {
    let req = action("search-directory-entries")
        .request(&json!({"siteIds": ["1"], "querySiteId": ["2"], "searchString": "ann"}))
        .expect("request");
    assert_eq!(req.query, vec![("siteId".to_string(), "2".to_string())]);
    match req.body {
        Body::Json { value, .. } => {
            assert_eq!(value, json!({"searchString": "ann", "siteIds": ["1"]}))
        }
        other => panic!("expected a JSON body, got {other:?}"),
    }
}

#[test]
fn fax_is_multipart_with_file_parts() {
    let req = action("create-fax-message")
        .request(&json!({"to": [{"phoneNumber": "+16505550100"}], "attachment": "@/tmp/contract.pdf", "coverPageText": "Hi"}))
        .expect("request");
    let Body::Multipart(parts) = req.body else {
        panic!("expected multipart")
    };
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["to", "coverPageText", "attachment"]);
    assert_eq!(
        parts[0].content,
        PartContent::Json(json!([{"phoneNumber": "+16505550100"}]))
    );
    assert_eq!(
        parts[2].content,
        PartContent::File(PathBuf::from("/tmp/contract.pdf"))
    );
}

#[test]
fn token_requests_are_form_encoded() {
    let req = action("get-token")
        .request(&json!({"grant_type": "refresh_token", "refresh_token": "r"}))
        .expect("request");
    assert_eq!(
        req.body,
        Body::Form(vec![
            ("grant_type".to_string(), "refresh_token".to_string()),
            ("refresh_token".to_string(), "r".to_string()),
        ])
    );
}

#[test]
fn a_non_object_body_is_the_body_property() {
    let req = action("delete-message")
        .request(&json!({"messageId": "1", "body": [{"id": "1"}]}))
        .expect("request");
    assert!(matches!(req.body, Body::Json { ref value, .. } if value == &json!([{"id": "1"}])));
}

#[test]
fn an_optional_body_with_no_fields_is_not_sent() {
    let req = action("list-extensions")
        .request(&json!({}))
        .expect("request");
    assert_eq!(req.body, Body::Empty);
}
