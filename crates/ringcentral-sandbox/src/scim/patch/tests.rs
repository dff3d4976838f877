//! Tests of PATCH parsing and application, as provisioning clients send it.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::scim::error::ScimType;
use crate::scim::schema::{ENTERPRISE_USER_SCHEMA, USER_RESOURCE, USER_SCHEMA};

fn user() -> Value {
    json!({
        "schemas": [USER_SCHEMA],
        "id": "1001",
        "userName": "bjensen@example.com",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "active": true,
        "emails": [{"value": "bjensen@example.com", "type": "work"}],
        "phoneNumbers": [
            {"value": "+16505550100", "type": "work"},
            {"value": "+16505550101", "type": "mobile"}
        ],
        "meta": {
            "resourceType": "User",
            "created": "2024-01-15T10:00:00Z",
            "lastModified": "2024-01-15T10:00:00Z",
            "location": "http://127.0.0.1/scim/v2/Users/1001"
        }
    })
}

fn body(ops: Value) -> Value {
    json!({"schemas": [PATCH_OP_SCHEMA], "Operations": ops})
}

fn patch(resource: &Value, ops: Value) -> Result<Value, ScimError> {
    PatchRequest::from_json(&body(ops))?.apply(resource, &USER_RESOURCE)
}

fn patch_err(resource: &Value, ops: Value) -> ScimError {
    match patch(resource, ops.clone()) {
        Ok(v) => panic!("{ops} was applied: {v}"),
        Err(e) => e,
    }
}

#[test]
fn azure_style_active_strings_and_capitalised_ops() -> Result<(), ScimError> {
    let u = user();
    for (given, expected) in [
        (json!("False"), false),
        (json!("false"), false),
        (json!("FALSE"), false),
        (json!("True"), true),
        (json!(false), false),
    ] {
        let out = patch(
            &u,
            json!([{"op": "Replace", "path": "active", "value": given}]),
        )?;
        assert_eq!(out["active"], json!(expected), "value {given}");
    }
    let e = patch_err(
        &u,
        json!([{"op": "replace", "path": "active", "value": "no"}]),
    );
    assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
    assert!(
        e.detail.contains("active must be true or false"),
        "{}",
        e.detail
    );
    Ok(())
}

#[test]
fn replace_without_path_takes_paths_as_keys() -> Result<(), ScimError> {
    let out = patch(
        &user(),
        json!([{"op": "replace", "value": {
            "active": "False",
            "name.givenName": "Babs",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Tours",
            "password": "ignored, RingCentral has no SCIM passwords"
        }}]),
    )?;
    assert_eq!(out["active"], false);
    assert_eq!(
        out["name"],
        json!({"givenName": "Babs", "familyName": "Jensen"})
    );
    assert_eq!(out[ENTERPRISE_USER_SCHEMA], json!({"department": "Tours"}));
    assert_eq!(out["schemas"], json!([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]));
    assert!(out.get("password").is_none());
    Ok(())
}

#[test]
fn extension_object_as_value_and_as_path() -> Result<(), ScimError> {
    let out = patch(
        &user(),
        json!([{"op": "add", "value": {ENTERPRISE_USER_SCHEMA: {"department": "Sales"}}}]),
    )?;
    assert_eq!(out[ENTERPRISE_USER_SCHEMA]["department"], "Sales");
    let out = patch(
        &out,
        json!([{"op": "replace", "path": ENTERPRISE_USER_SCHEMA, "value": {"department": "Support"}}]),
    )?;
    assert_eq!(out[ENTERPRISE_USER_SCHEMA]["department"], "Support");
    let out = patch(
        &out,
        json!([{"op": "remove", "path": ENTERPRISE_USER_SCHEMA}]),
    )?;
    assert!(out.get(ENTERPRISE_USER_SCHEMA).is_none());
    assert_eq!(out["schemas"], json!([USER_SCHEMA]));
    Ok(())
}

#[test]
fn enterprise_attribute_path_set_and_removed() -> Result<(), ScimError> {
    let path = format!("{ENTERPRISE_USER_SCHEMA}:department");
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": path, "value": "Sales"}]),
    )?;
    assert_eq!(out[ENTERPRISE_USER_SCHEMA]["department"], "Sales");
    assert_eq!(out["schemas"][1], ENTERPRISE_USER_SCHEMA);
    let out = patch(&out, json!([{"op": "remove", "path": path}]))?;
    assert!(out.get(ENTERPRISE_USER_SCHEMA).is_none());
    assert_eq!(out["schemas"], json!([USER_SCHEMA]));
    Ok(())
}

#[test]
fn value_filter_paths_change_the_selected_values() -> Result<(), ScimError> {
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "barbara@example.com"}]),
    )?;
    assert_eq!(
        out["emails"],
        json!([{"value": "barbara@example.com", "type": "work"}])
    );
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": "phoneNumbers[type eq \"mobile\"]", "value": {"type": "mobile", "value": "+16505550199"}}]),
    )?;
    assert_eq!(out["phoneNumbers"][1]["value"], "+16505550199");
    assert_eq!(out["phoneNumbers"][0]["value"], "+16505550100");
    let out = patch(
        &user(),
        json!([{"op": "remove", "path": "phoneNumbers[type eq \"mobile\"]"}]),
    )?;
    assert_eq!(
        out["phoneNumbers"],
        json!([{"value": "+16505550100", "type": "work"}])
    );
    let out = patch(
        &user(),
        json!([{"op": "remove", "path": "phoneNumbers[value sw \"+1650\"]"}]),
    )?;
    assert!(
        out.get("phoneNumbers").is_none(),
        "no values left means unassigned"
    );
    Ok(())
}

#[test]
fn add_through_an_equality_filter_creates_the_value() -> Result<(), ScimError> {
    let out = patch(
        &user(),
        json!([{"op": "add", "path": "phoneNumbers[type eq \"other\"].value", "value": "+16505550102"}]),
    )?;
    assert_eq!(
        out["phoneNumbers"][2],
        json!({"type": "other", "value": "+16505550102"})
    );
    let out = patch(
        &user(),
        json!([{"op": "add", "path": "addresses[type eq \"work\"]", "value": {"locality": "Belmont"}}]),
    )?;
    assert_eq!(
        out["addresses"],
        json!([{"type": "work", "locality": "Belmont"}])
    );
    Ok(())
}

#[test]
fn unmatched_filters_are_no_target() {
    let e = patch_err(
        &user(),
        json!([{"op": "replace", "path": "emails[type eq \"home\"].value", "value": "x@y.z"}]),
    );
    assert_eq!(e.scim_type, Some(ScimType::NoTarget));
    assert!(
        e.detail
            .starts_with("Operations[0] (replace emails[type eq \"home\"].value)"),
        "{}",
        e.detail
    );
    let e = patch_err(
        &user(),
        json!([{"op": "remove", "path": "emails[type eq \"home\"]"}]),
    );
    assert_eq!(e.scim_type, Some(ScimType::NoTarget));
    // add creates a value only when the filter spells one out with and-ed equalities.
    let e = patch_err(
        &user(),
        json!([{"op": "add", "path": "phoneNumbers[value co \"999\"].type", "value": "other"}]),
    );
    assert_eq!(e.scim_type, Some(ScimType::NoTarget));
    let e = patch_err(
        &user(),
        json!([{"op": "add", "path": "phoneNumbers[type eq \"fax\" or type eq \"pager\"].value", "value": "1"}]),
    );
    assert_eq!(e.scim_type, Some(ScimType::NoTarget));
}

#[test]
fn attribute_order_is_kept() -> Result<(), ScimError> {
    let out = patch(
        &user(),
        json!([
            {"op": "replace", "path": "phoneNumbers[type eq \"work\"].value", "value": "+1"},
            {"op": "remove", "path": "active"},
            {"op": "replace", "path": "name.givenName", "value": "B"}
        ]),
    )?;
    let keys: Vec<&str> = out
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(
        keys,
        [
            "schemas",
            "id",
            "userName",
            "name",
            "emails",
            "phoneNumbers",
            "meta"
        ]
    );
    Ok(())
}

#[test]
fn remove_needs_a_path() {
    let e = patch_err(&user(), json!([{"op": "remove"}]));
    assert_eq!(e.scim_type, Some(ScimType::NoTarget));
    assert_eq!(e.status, 400);
}

#[test]
fn read_only_attributes_cannot_change() -> Result<(), ScimError> {
    for path in ["id", "meta", "meta.created", "META.lastModified"] {
        let e = patch_err(
            &user(),
            json!([{"op": "replace", "path": path, "value": "x"}]),
        );
        assert_eq!(e.scim_type, Some(ScimType::Mutability), "{path}");
        assert!(e.detail.contains("read-only"), "{}", e.detail);
    }
    let e = patch_err(&user(), json!([{"op": "remove", "path": "id"}]));
    assert_eq!(e.scim_type, Some(ScimType::Mutability));
    let e = patch_err(&user(), json!([{"op": "replace", "value": {"id": "2002"}}]));
    assert_eq!(e.scim_type, Some(ScimType::Mutability));
    // Echoing the current id alongside a change is fine.
    let out = patch(
        &user(),
        json!([{"op": "replace", "value": {"id": "1001", "title": "Guide"}}]),
    )?;
    assert_eq!(out["title"], "Guide");
    assert_eq!(out["id"], "1001");
    Ok(())
}

#[test]
fn all_operations_or_none() -> Result<(), ScimError> {
    let u = user();
    let e = patch_err(
        &u,
        json!([
            {"op": "replace", "path": "title", "value": "Guide"},
            {"op": "replace", "path": "nickName", "value": "Babs"}
        ]),
    );
    assert_eq!(e.scim_type, Some(ScimType::InvalidPath));
    assert!(e.detail.starts_with("Operations[1]"), "{}", e.detail);
    assert!(
        e.detail.contains("'nickName' is not an attribute of User"),
        "{}",
        e.detail
    );
    assert!(u.get("title").is_none());
    // Operations see the effect of earlier ones.
    let out = patch(
        &u,
        json!([
            {"op": "add", "path": "title", "value": "Guide"},
            {"op": "replace", "path": "title", "value": "Senior Guide"},
            {"op": "add", "path": "emails", "value": {"value": "babs@example.org", "type": "work"}},
            {"op": "remove", "path": "emails[value eq \"bjensen@example.com\"]"}
        ]),
    )?;
    assert_eq!(out["title"], "Senior Guide");
    assert_eq!(
        out["emails"],
        json!([{"value": "babs@example.org", "type": "work"}])
    );
    Ok(())
}

#[test]
fn required_attributes_stay_assigned() {
    let e = patch_err(&user(), json!([{"op": "remove", "path": "userName"}]));
    assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
    assert!(e.detail.contains("userName is required"), "{}", e.detail);
    let e = patch_err(&user(), json!([{"op": "remove", "path": "name.givenName"}]));
    assert!(
        e.detail.contains("name.givenName is required"),
        "{}",
        e.detail
    );
    let e = patch_err(
        &user(),
        json!([{"op": "replace", "path": "userName", "value": ""}]),
    );
    assert!(e.detail.contains("userName is required"), "{}", e.detail);
    let e = patch_err(
        &user(),
        json!([{"op": "replace", "path": "phoneNumbers[type eq \"mobile\"]", "value": {"value": "+1"}}]),
    );
    assert!(
        e.detail.contains("phoneNumbers[1].type is required"),
        "{}",
        e.detail
    );
    let e = patch_err(&user(), json!([{"op": "remove", "path": "emails"}]));
    assert!(e.detail.contains("emails is required"), "{}", e.detail);
}

#[test]
fn complex_replace_merges_and_multi_valued_replace_replaces() -> Result<(), ScimError> {
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": "name", "value": {"givenName": "Babs"}}]),
    )?;
    assert_eq!(
        out["name"],
        json!({"givenName": "Babs", "familyName": "Jensen"})
    );
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": "phoneNumbers", "value": [{"value": "+1", "type": "other"}]}]),
    )?;
    assert_eq!(
        out["phoneNumbers"],
        json!([{"value": "+1", "type": "other"}])
    );
    let out = patch(
        &user(),
        json!([{"op": "add", "path": "phoneNumbers", "value": [
            {"value": "+16505550100", "type": "work"},
            {"value": "+2", "type": "other"}
        ]}]),
    )?;
    assert_eq!(
        out["phoneNumbers"].as_array().map(Vec::len),
        Some(3),
        "no duplicate added"
    );
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": "phoneNumbers.type", "value": "other"}]),
    )?;
    assert_eq!(out["phoneNumbers"][0]["type"], "other");
    assert_eq!(out["phoneNumbers"][1]["type"], "other");
    Ok(())
}

#[test]
fn remove_with_values_removes_those_values() -> Result<(), ScimError> {
    let out = patch(
        &user(),
        json!([{"op": "remove", "path": "phoneNumbers", "value": [{"value": "+16505550101"}]}]),
    )?;
    assert_eq!(
        out["phoneNumbers"],
        json!([{"value": "+16505550100", "type": "work"}])
    );
    Ok(())
}

#[test]
fn removing_what_is_absent_changes_nothing() -> Result<(), ScimError> {
    let out = patch(&user(), json!([{"op": "remove", "path": "title"}]))?;
    assert_eq!(out, user());
    let out = patch(
        &user(),
        json!([{"op": "remove", "path": "addresses.locality"}]),
    )?;
    assert_eq!(out, user());
    Ok(())
}

#[test]
fn attribute_names_ignore_case_and_come_out_canonical() -> Result<(), ScimError> {
    let mut stored = user();
    if let Some(obj) = stored.as_object_mut()
        && let Some(v) = obj.remove("userName")
    {
        obj.insert("username".into(), v);
    }
    let out = patch(
        &stored,
        json!([{"op": "replace", "path": "USERNAME", "value": "babs@example.com"}]),
    )?;
    assert_eq!(out["userName"], "babs@example.com");
    assert!(out.get("username").is_none());
    let out = patch(
        &user(),
        json!([{"op": "replace", "path": "Name.GivenName", "value": "B"}]),
    )?;
    assert_eq!(out["name"]["givenName"], "B");
    let out = patch(
        &user(),
        json!([{"op": "add", "path": "Emails[TYPE eq \"work\"].VALUE", "value": "b@x.y"}]),
    )?;
    assert_eq!(out["emails"][0]["value"], "b@x.y");
    Ok(())
}

#[test]
fn bad_values_are_invalid_value() {
    let cases = [
        (
            json!({"op": "replace", "path": "userName", "value": 5}),
            "userName must be a string, not a number",
        ),
        (
            json!({"op": "add", "path": "emails", "value": "x@y.z"}),
            "must be an object with value, type",
        ),
        (
            json!({"op": "replace", "path": "name", "value": "Babs"}),
            "name must be an object",
        ),
        (
            json!({"op": "replace", "value": "Babs"}),
            "must be an object of attributes",
        ),
        (json!({"op": "add", "path": "title"}), "add needs a value"),
        (
            json!({"op": "add", "path": "title", "value": null}),
            "add needs a value",
        ),
    ];
    for (op, expected) in cases {
        let e = patch_err(&user(), json!([op]));
        assert_eq!(e.scim_type, Some(ScimType::InvalidValue), "{op}");
        assert!(e.detail.contains(expected), "{op}: {}", e.detail);
    }
}

#[test]
fn bad_paths_are_invalid_path_or_filter() {
    let cases = [
        ("emails[type eq \"work\"", ScimType::InvalidPath),
        ("emails[type eq]", ScimType::InvalidFilter),
        ("nickName", ScimType::InvalidPath),
        ("title[value eq \"x\"]", ScimType::InvalidPath),
        ("emails[type eq \"work\"].nope", ScimType::InvalidPath),
        ("emails[nope eq \"work\"]", ScimType::InvalidFilter),
        ("emails[type eq \"work\"] extra", ScimType::InvalidPath),
        ("emails[type eq \"work\"]value", ScimType::InvalidPath),
        ("name.givenName[value pr]", ScimType::InvalidPath),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User",
            ScimType::InvalidPath,
        ),
        ("urn:example:other:attr", ScimType::InvalidPath),
        ("a b", ScimType::InvalidPath),
        ("\"quoted\"", ScimType::InvalidPath),
    ];
    for (path, expected) in cases {
        let e = patch_err(
            &user(),
            json!([{"op": "replace", "path": path, "value": "x"}]),
        );
        assert_eq!(e.scim_type, Some(expected), "{path}: {}", e.detail);
        assert_eq!(e.status, 400);
    }
}

#[test]
fn malformed_bodies_are_invalid_syntax() {
    let cases = [
        (json!([]), "must be a JSON object"),
        (
            json!({"Operations": [{"op": "add", "path": "title", "value": "x"}]}),
            "schemas",
        ),
        (json!({"schemas": [PATCH_OP_SCHEMA]}), "no Operations"),
        (
            json!({"schemas": [PATCH_OP_SCHEMA], "Operations": []}),
            "empty",
        ),
        (
            json!({"schemas": [PATCH_OP_SCHEMA], "Operations": {}}),
            "must be an array",
        ),
        (
            json!({"schemas": [PATCH_OP_SCHEMA], "Operations": ["add"]}),
            "must be an object",
        ),
        (
            json!({"schemas": [PATCH_OP_SCHEMA], "Operations": [{"op": "move"}]}),
            "not 'move'",
        ),
    ];
    for (b, expected) in cases {
        match PatchRequest::from_json(&b) {
            Ok(r) => panic!("{b} parsed as {r:?}"),
            Err(e) => {
                assert_eq!(e.scim_type, Some(ScimType::InvalidSyntax), "{b}");
                assert!(e.detail.contains(expected), "{b}: {}", e.detail);
            }
        }
    }
    // Key case of the envelope does not matter.
    let lenient = json!({"Schemas": [PATCH_OP_SCHEMA], "operations": [{"OP": "add", "Path": "title", "Value": "x"}]});
    assert!(PatchRequest::from_json(&lenient).is_ok());
}

#[test]
fn patch_paths_print_back() -> Result<(), ScimError> {
    for text in [
        "title",
        "name.givenName",
        "emails[type eq \"work\"]",
        "emails[type eq \"work\" and value co \"@x\"].value",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
        "urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq \"work\"].value",
    ] {
        let p = PatchPath::parse(text)?;
        assert_eq!(p.to_string(), text);
        assert_eq!(PatchPath::parse(&p.to_string())?, p);
    }
    Ok(())
}

fn path_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("emails".to_string()),
        Just("phoneNumbers".to_string()),
        Just("name".to_string()),
        Just("active".to_string()),
        Just("id".to_string()),
        Just("meta".to_string()),
        Just(".givenName".to_string()),
        Just(".value".to_string()),
        Just(".type".to_string()),
        Just("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_string()),
        Just(":department".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("type eq \"work\"".to_string()),
        Just(" and ".to_string()),
        Just("value pr".to_string()),
        "[ -~]{0,2}",
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|p| p.concat())
}

fn value_like() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        "[a-zA-Z@.]{0,6}".prop_map(Value::String),
        Just(json!("False")),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("value"),
                        Just("type"),
                        Just("givenName"),
                        Just("familyName"),
                        Just("active")
                    ],
                    inner
                ),
                0..3
            )
            .prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_operations_never_panic_and_failures_are_400(
        ops in proptest::collection::vec(
            (prop_oneof![Just("add"), Just("Replace"), Just("remove")], proptest::option::of(path_like()), proptest::option::of(value_like())),
            1..4,
        )
    ) {
        let ops: Vec<Value> = ops
            .into_iter()
            .map(|(op, path, value)| {
                let mut o = serde_json::Map::new();
                o.insert("op".into(), json!(op));
                if let Some(p) = path { o.insert("path".into(), json!(p)); }
                if let Some(v) = value { o.insert("value".into(), v); }
                Value::Object(o)
            })
            .collect();
        match patch(&user(), Value::Array(ops)) {
            Ok(out) => {
                prop_assert_eq!(&out["id"], &json!("1001"));
                prop_assert!(out["userName"].as_str().is_some_and(|s| !s.is_empty()));
                prop_assert_eq!(&out["schemas"][0], &json!(USER_SCHEMA));
            }
            Err(e) => {
                prop_assert_eq!(e.status, 400);
                prop_assert!(e.scim_type.is_some());
            }
        }
    }
}
