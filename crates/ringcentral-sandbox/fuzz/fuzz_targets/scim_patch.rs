//! Fuzzes SCIM PATCH: any JSON body either fails with a 400 and a scimType, or yields a user that
//! still has its id, a user name and the core schema.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ringcentral_sandbox::scim::PatchRequest;
use ringcentral_sandbox::scim::schema::USER_RESOURCE;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let user = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "1",
        "userName": "a@b.c",
        "name": {"givenName": "A", "familyName": "B"},
        "emails": [{"value": "a@b.c", "type": "work"}],
        "phoneNumbers": [{"value": "+1", "type": "work"}]
    });
    match PatchRequest::from_json(&body).and_then(|p| p.apply(&user, &USER_RESOURCE)) {
        Ok(out) => {
            assert_eq!(out["id"], "1");
            assert!(out["userName"].as_str().is_some_and(|s| !s.is_empty()));
            assert_eq!(out["schemas"][0], "urn:ietf:params:scim:schemas:core:2.0:User");
        }
        Err(e) => {
            assert_eq!(e.status, 400);
            assert!(e.scim_type.is_some());
        }
    }
});
