//! Tests of search parameters, windows, sorting and projection.

use serde_json::{Value, json};

use super::*;
use crate::scim::error::ScimType;
use crate::scim::schema::{ENTERPRISE_USER_SCHEMA, USER_RESOURCE, USER_SCHEMA};

fn users() -> Vec<Value> {
    vec![
        json!({"id": "1", "userName": "carol@x.com", "name": {"givenName": "Carol", "familyName": "Ng"},
               "meta": {"created": "2024-03-01T00:00:00Z"}}),
        json!({"id": "2", "userName": "Alice@x.com", "name": {"givenName": "alice", "familyName": "Ode"},
               "title": "CEO", "meta": {"created": "2024-01-01T00:00:00+05:00"},
               "emails": [{"value": "z@x.com", "type": "work"}]}),
        json!({"id": "3", "userName": "bob@x.com", "name": {"givenName": "Bob", "familyName": "Ode"},
               "title": "cto", "meta": {"created": "2023-12-31T20:00:00Z"},
               "emails": [{"value": "a@x.com", "type": "work"}]}),
    ]
}

fn ids(resources: &[Value]) -> Vec<&str> {
    resources.iter().filter_map(|r| r["id"].as_str()).collect()
}

#[test]
fn query_parameters_are_read_and_clamped() -> Result<(), ScimError> {
    let p = SearchParams::from_query([
        ("filter", "userName eq \"a\""),
        ("startIndex", "0"),
        ("COUNT", "5000"),
        ("sortBy", "userName"),
        ("sortOrder", "Descending"),
        ("attributes", "userName, emails"),
        ("unknown", "x"),
    ])?;
    assert_eq!(p.filter.as_deref(), Some("userName eq \"a\""));
    assert_eq!(p.start_index, 1);
    assert_eq!(p.count, MAX_COUNT);
    assert_eq!(p.sort_order, SortOrder::Descending);
    assert_eq!(p.attributes, ["userName", "emails"]);
    let p = SearchParams::from_query([("count", "-3"), ("startIndex", "7")])?;
    assert_eq!((p.start_index, p.count), (7, 0));
    let p = SearchParams::from_query([])?;
    assert_eq!((p.start_index, p.count, p.filter), (1, DEFAULT_COUNT, None));
    Ok(())
}

#[test]
fn bad_query_parameters_are_invalid_value() {
    for (name, value, expected) in [
        (
            "startIndex",
            "one",
            "startIndex must be an integer, not 'one'",
        ),
        ("count", "1.5", "count must be an integer"),
        (
            "sortOrder",
            "up",
            "sortOrder must be ascending or descending",
        ),
    ] {
        match SearchParams::from_query([(name, value)]) {
            Ok(p) => panic!("{name}={value} gave {p:?}"),
            Err(e) => {
                assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
                assert!(e.detail.contains(expected), "{}", e.detail);
            }
        }
    }
}

#[test]
fn search_request_body_is_read() -> Result<(), ScimError> {
    let p = SearchParams::from_body(&json!({
        "schemas": [SEARCH_REQUEST_SCHEMA],
        "filter": "userName sw \"a\"",
        "startIndex": 2,
        "count": "10",
        "attributes": ["userName"],
        "excludedAttributes": "emails,phoneNumbers"
    }))?;
    assert_eq!(p.filter.as_deref(), Some("userName sw \"a\""));
    assert_eq!((p.start_index, p.count), (2, 10));
    assert_eq!(p.attributes, ["userName"]);
    assert_eq!(p.excluded_attributes, ["emails", "phoneNumbers"]);
    // The envelope schema may be left out, as RingCentral's spec does not require it.
    assert!(SearchParams::from_body(&json!({"filter": "title pr"})).is_ok());
    Ok(())
}

#[test]
fn bad_search_bodies_say_what_is_wrong() {
    let cases = [
        (
            json!("userName eq \"a\""),
            ScimType::InvalidSyntax,
            "JSON object",
        ),
        (
            json!({"schemas": ["urn:x"]}),
            ScimType::InvalidSyntax,
            "SearchRequest",
        ),
        (
            json!({"count": 1.5}),
            ScimType::InvalidValue,
            "count must be an integer",
        ),
        (
            json!({"filter": 3}),
            ScimType::InvalidValue,
            "filter must be a string",
        ),
        (
            json!({"attributes": [1]}),
            ScimType::InvalidValue,
            "attributes must list strings",
        ),
    ];
    for (body, scim_type, expected) in cases {
        match SearchParams::from_body(&body) {
            Ok(p) => panic!("{body} gave {p:?}"),
            Err(e) => {
                assert_eq!(e.scim_type, Some(scim_type), "{body}");
                assert!(e.detail.contains(expected), "{body}: {}", e.detail);
            }
        }
    }
}

#[test]
fn windows_are_one_based() {
    let items: Vec<u32> = (1..=10).collect();
    assert_eq!(window(items.clone(), 1, 3), [1, 2, 3]);
    assert_eq!(window(items.clone(), 9, 5), [9, 10]);
    assert_eq!(window(items.clone(), 11, 5), Vec::<u32>::new());
    assert_eq!(window(items.clone(), 4, 0), Vec::<u32>::new());
    assert_eq!(window(items, 0, 2), [1, 2]);
}

#[test]
fn list_response_envelope() {
    let body = list_response(vec![json!({"id": "1"})], 42, 5);
    assert_eq!(
        body,
        json!({
            "schemas": [LIST_RESPONSE_SCHEMA],
            "totalResults": 42,
            "startIndex": 5,
            "itemsPerPage": 1,
            "Resources": [{"id": "1"}]
        })
    );
}

#[test]
fn sorting_by_case_insensitive_user_name() -> Result<(), ScimError> {
    let mut list = users();
    sort_resources(&mut list, "userName", SortOrder::Ascending, &USER_RESOURCE)?;
    assert_eq!(ids(&list), ["2", "3", "1"]);
    sort_resources(&mut list, "username", SortOrder::Descending, &USER_RESOURCE)?;
    assert_eq!(ids(&list), ["1", "3", "2"]);
    Ok(())
}

#[test]
fn missing_values_sort_last_ascending_and_first_descending() -> Result<(), ScimError> {
    let mut list = users();
    sort_resources(&mut list, "title", SortOrder::Ascending, &USER_RESOURCE)?;
    assert_eq!(ids(&list), ["2", "3", "1"]);
    sort_resources(&mut list, "title", SortOrder::Descending, &USER_RESOURCE)?;
    assert_eq!(ids(&list), ["1", "3", "2"]);
    Ok(())
}

#[test]
fn sorting_by_dates_sub_attributes_and_multi_valued() -> Result<(), ScimError> {
    let mut list = users();
    // 2024-01-01T00:00+05:00 is 2023-12-31T19:00Z, before user 3.
    sort_resources(
        &mut list,
        "meta.created",
        SortOrder::Ascending,
        &USER_RESOURCE,
    )?;
    assert_eq!(ids(&list), ["2", "3", "1"]);
    sort_resources(
        &mut list,
        "name.givenName",
        SortOrder::Ascending,
        &USER_RESOURCE,
    )?;
    assert_eq!(ids(&list), ["2", "3", "1"]);
    sort_resources(&mut list, "emails", SortOrder::Ascending, &USER_RESOURCE)?;
    assert_eq!(ids(&list), ["3", "2", "1"]);
    // Ties keep their order.
    sort_resources(
        &mut list,
        "name.familyName",
        SortOrder::Ascending,
        &USER_RESOURCE,
    )?;
    assert_eq!(ids(&list), ["1", "3", "2"]);
    Ok(())
}

#[test]
fn sorting_by_unknown_attributes_is_refused() {
    let mut list = users();
    for (sort_by, expected) in [
        ("nickName", "'nickName' is not an attribute of User"),
        ("addresses", "complex"),
        ("a b", "sortBy"),
    ] {
        match sort_resources(&mut list, sort_by, SortOrder::Ascending, &USER_RESOURCE) {
            Ok(()) => panic!("sorted by {sort_by}"),
            Err(e) => {
                assert_eq!(e.scim_type, Some(ScimType::InvalidValue));
                assert!(e.detail.contains(expected), "{}", e.detail);
            }
        }
    }
}

fn full_user() -> Value {
    json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        "id": "7",
        "userName": "a@x.com",
        "name": {"givenName": "A", "familyName": "B"},
        "emails": [{"value": "a@x.com", "type": "work"}],
        "active": true,
        ENTERPRISE_USER_SCHEMA: {"department": "Ops"},
        "meta": {"resourceType": "User"}
    })
}

#[test]
fn attributes_select_and_always_returned_stay() {
    let out = project(
        &full_user(),
        &["name.givenName".into(), "emails".into(), "nonsense".into()],
        &[],
        &USER_RESOURCE,
    );
    assert_eq!(
        out,
        json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
            "id": "7",
            "userName": "a@x.com",
            "name": {"givenName": "A"},
            "emails": [{"value": "a@x.com", "type": "work"}]
        })
    );
    let out = project(
        &full_user(),
        &[format!("{ENTERPRISE_USER_SCHEMA}:department")],
        &[],
        &USER_RESOURCE,
    );
    assert_eq!(out[ENTERPRISE_USER_SCHEMA], json!({"department": "Ops"}));
    assert!(out.get("active").is_none());
}

#[test]
fn excluded_attributes_drop_all_but_always_returned() {
    let out = project(
        &full_user(),
        &[],
        &[
            "emails".into(),
            "id".into(),
            "name.familyName".into(),
            ENTERPRISE_USER_SCHEMA.into(),
        ],
        &USER_RESOURCE,
    );
    assert!(out.get("emails").is_none());
    assert_eq!(out["id"], "7", "id is always returned");
    assert_eq!(out["name"], json!({"givenName": "A"}));
    assert!(out.get(ENTERPRISE_USER_SCHEMA).is_none());
    assert_eq!(out["active"], true);
    assert_eq!(project(&full_user(), &[], &[], &USER_RESOURCE), full_user());
}
