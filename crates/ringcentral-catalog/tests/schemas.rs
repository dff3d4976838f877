//! Every action's schemas compile, and the popular actions accept a valid input and reject a wrong
//! type with a pointer to the offending value.

use ringcentral_catalog::{Action, actions};
use serde_json::{Value, json};

#[test]
fn there_are_520_actions_with_unique_keys() {
    let mut keys: Vec<&str> = actions().map(|a| a.key()).collect();
    assert_eq!(keys.len(), 520);
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 520);
}

#[test]
fn every_input_and_output_schema_compiles() {
    for action in actions() {
        let input = action.input_schema();
        assert_eq!(input["type"], "object", "{}", action.key());
        assert!(input["properties"].is_object(), "{}", action.key());
        if let Err(err) = jsonschema::draft202012::new(&input) {
            panic!("input schema of {} does not compile: {err}", action.key());
        }
        if let Some(output) = action.output_schema()
            && let Err(err) = jsonschema::draft202012::new(&output)
        {
            panic!("output schema of {} does not compile: {err}", action.key());
        }
    }
}

#[test]
fn schemas_are_self_contained() {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    if k == "$ref" {
                        out.push(v.as_str().unwrap_or_default().to_string());
                    } else {
                        refs(v, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
            _ => {}
        }
    }
    for action in actions() {
        let schema = action.input_schema();
        let mut found = Vec::new();
        refs(&schema, &mut found);
        for r in found {
            let name = r.strip_prefix("#/$defs/").expect("local reference");
            assert!(
                schema["$defs"].get(name).is_some(),
                "{}: {r} is not bundled",
                action.key()
            );
        }
    }
}

/// A valid input and an input with a wrong type (and where the wrong type is) for each popular key.
fn popular_cases() -> Vec<(&'static str, &'static str, Value, Value, &'static str)> {
    vec![
        (
            "list-extensions",
            "listExtensions",
            json!({"perPage": 100, "status": ["Enabled"]}),
            json!({"perPage": "many"}),
            "/perPage",
        ),
        (
            "list-chats",
            "listGlipChatsNew",
            json!({"type": ["Team"], "recordCount": 30}),
            json!({"recordCount": true}),
            "/recordCount",
        ),
        (
            "list-messages",
            "listMessages",
            json!({"messageType": ["SMS"], "perPage": 50}),
            json!({"messageType": "SMS"}),
            "/messageType",
        ),
        (
            "list-contacts",
            "listContacts",
            json!({"startsWith": "An"}),
            json!({"page": "one"}),
            "/page",
        ),
        (
            "get-extension-info",
            "readExtension",
            json!({}),
            json!({"extensionId": 5}),
            "/extensionId",
        ),
        (
            "get-message",
            "readMessage",
            json!({"messageId": "401"}),
            json!({"messageId": {"id": 1}}),
            "/messageId",
        ),
        (
            "get-contact",
            "readContact",
            json!({"contactId": 123}),
            json!({"contactId": "abc"}),
            "/contactId",
        ),
        (
            "get-call-log",
            "readUserCallLog",
            json!({"dateFrom": "2026-01-01T00:00:00Z", "view": "Simple"}),
            json!({"withRecording": "yes"}),
            "/withRecording",
        ),
        (
            "get-meeting",
            "getBridge",
            json!({"bridgeId": "b-1"}),
            json!({"bridgeId": 1}),
            "/bridgeId",
        ),
        (
            "get-account-info",
            "readAccountInfo",
            json!({"accountId": "~"}),
            json!({"accountId": []}),
            "/accountId",
        ),
        (
            "create-contact",
            "createContact",
            json!({"firstName": "Ann", "email": "ann@example.com"}),
            json!({"firstName": 7}),
            "/firstName",
        ),
        (
            "create-chat-post",
            "createGlipPostNew",
            json!({"chatId": "77", "text": "hello"}),
            json!({"chatId": "77", "text": ["hello"]}),
            "/text",
        ),
        (
            "create-meeting",
            "createBridge",
            json!({"name": "Weekly sync"}),
            json!({"name": 1}),
            "/name",
        ),
        (
            "create-team",
            "createGlipTeamNew",
            json!({"name": "Ops", "public": true}),
            json!({"name": "Ops", "public": "yes"}),
            "/public",
        ),
        (
            "update-contact",
            "updateContact",
            json!({"contactId": 9, "lastName": "Lee"}),
            json!({"contactId": 9, "lastName": false}),
            "/lastName",
        ),
        (
            "delete-message",
            "deleteMessage",
            json!({"messageId": "401"}),
            json!({"messageId": "401", "purge": "no"}),
            "/purge",
        ),
        (
            "delete-contact",
            "deleteContact",
            json!({"contactId": 9}),
            json!({"contactId": true}),
            "/contactId",
        ),
        (
            "delete-meeting",
            "deleteBridge",
            json!({"bridgeId": "b-1"}),
            json!({"bridgeId": 3.5}),
            "/bridgeId",
        ),
        (
            "send-sms",
            "createSMSMessage",
            json!({"from": {"phoneNumber": "+16505550100"}, "to": [{"phoneNumber": "+16505550101"}], "text": "hi"}),
            json!({"from": {"phoneNumber": "+16505550100"}, "to": "+16505550101", "text": "hi"}),
            "/to",
        ),
        (
            "get-active-calls",
            "listExtensionActiveCalls",
            json!({"direction": ["Inbound"]}),
            json!({"direction": "Inbound"}),
            "/direction",
        ),
    ]
}

#[test]
fn popular_keys_name_their_operations() {
    for (key, operation_id, ..) in popular_cases() {
        let action = Action::find(key).unwrap_or_else(|| panic!("no action {key}"));
        assert_eq!(action.operation_id(), operation_id, "{key}");
        assert_eq!(action.key(), key);
    }
}

#[test]
#[ignore = "reads shared/ringcentral/popular-actions.tsv beside the repository, which is not part of it; run with --ignored where it is"]
fn popular_keys_match_the_shared_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/ringcentral/popular-actions.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no popular-actions table at {}: {e}", path.display()));
    let mut seen = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut cols = line.split('\t');
        let (Some(key), Some(operation_id)) = (cols.next(), cols.next()) else {
            continue;
        };
        let action = Action::find(key).unwrap_or_else(|| panic!("no action {key}"));
        assert_eq!(action.operation_id(), operation_id, "{key}");
        seen += 1;
    }
    assert_eq!(seen, 20);
}

#[test]
fn popular_actions_accept_valid_input_and_reject_wrong_types() {
    for (key, _, valid, invalid, pointer) in popular_cases() {
        let action = Action::find(key).unwrap_or_else(|| panic!("no action {key}"));
        if let Err(violations) = action.validate(&valid) {
            panic!("{key} rejected a valid input: {violations:?}");
        }
        let violations = action
            .validate(&invalid)
            .expect_err(&format!("{key} accepted a wrong type"));
        assert!(
            violations.iter().any(|v| v.pointer == pointer),
            "{key}: expected a violation at {pointer}, got {violations:?}"
        );
    }
}

#[test]
fn missing_required_and_unknown_properties_are_violations() {
    let sms = Action::find("send-sms").expect("send-sms");
    let violations = sms
        .validate(&json!({"text": "hi", "txet": 1}))
        .expect_err("invalid");
    let text: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
    assert!(text.iter().any(|t| t.contains("from")), "{text:?}");
    assert!(text.iter().any(|t| t.contains("txet")), "{text:?}");
}

#[test]
fn tilde_defaults_and_collision_spellings_are_in_the_schemas() {
    let info = Action::find("get-extension-info")
        .expect("action")
        .input_schema();
    assert_eq!(info["properties"]["extensionId"]["default"], "~");
    assert_eq!(info["properties"]["accountId"]["default"], "~");
    let search = Action::find("search-directory-entries")
        .expect("action")
        .input_schema();
    assert!(search["properties"]["querySiteId"].is_object());
    assert!(search["properties"]["siteIds"].is_object());
    let bridge = Action::find("bridge-call-party")
        .expect("action")
        .input_schema();
    assert!(bridge["properties"]["partyId"].is_object());
    assert!(bridge["properties"]["bodyPartyId"].is_object());
}

#[test]
fn every_body_schema_compiles_for_every_content_type() {
    let mut checked = 0;
    for action in actions() {
        let Some(body) = &action.operation().body else {
            continue;
        };
        for (content_type, _) in body.schemas {
            let schema = action
                .body_schema(Some(content_type))
                .unwrap_or_else(|| panic!("{}: no schema for {content_type}", action.key()));
            if let Err(err) = jsonschema::draft202012::new(&schema) {
                panic!(
                    "body schema of {} ({content_type}) does not compile: {err}",
                    action.key()
                );
            }
            checked += 1;
        }
        assert!(action.body_schema(None).is_some(), "{}", action.key());
    }
    assert!(checked > 190, "only {checked} body schemas");
    let fax = Action::find("create-fax-message").expect("fax");
    assert!(
        fax.body_schema(Some("application/json; charset=utf-8"))
            .is_some()
    );
    assert!(fax.body_schema(Some("text/plain")).is_none());
}
