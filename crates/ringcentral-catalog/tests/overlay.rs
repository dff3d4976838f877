//! Inputs that RingCentral accepts beyond its spec (the generator's overlay) pass validation, and
//! what neither accepts is still refused.

use ringcentral_catalog::Action;
use serde_json::json;

fn patch(value: serde_json::Value) -> serde_json::Value {
    json!({
        "scimUserId": "1001",
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": value}]
    })
}

#[test]
fn scim_patch_takes_active_as_a_boolean_or_a_string() {
    let action = Action::find("scim-patch-user").expect("scim-patch-user");
    for value in [json!(false), json!(true), json!("False"), json!("True")] {
        let input = patch(value.clone());
        assert!(action.validate(&input).is_ok(), "value {value} refused");
    }
    let wrong = action.validate(&patch(json!(3)));
    assert!(wrong.is_err(), "a number is neither a string nor a boolean");
}

#[test]
fn scim_create_takes_the_enterprise_schema_urn() {
    let action = Action::find("scim-create-user").expect("scim-create-user");
    let input = json!({
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        ],
        "userName": "ada@example.com",
        "emails": [{"type": "work", "value": "ada@example.com"}],
        "name": {"givenName": "Ada", "familyName": "Lovelace"}
    });
    let result = action.validate(&input);
    assert!(result.is_ok(), "{result:?}");
    let mut unknown = input.clone();
    unknown["schemas"][1] = json!("urn:example:not-a-schema");
    assert!(action.validate(&unknown).is_err());
}
