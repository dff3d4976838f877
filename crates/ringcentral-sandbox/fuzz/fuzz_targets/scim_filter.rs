//! Fuzzes the SCIM filter parser: any text either fails with `invalidFilter` or parses to a filter
//! that prints back to text parsing to the same filter, and compiling and matching never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ringcentral_sandbox::scim::schema::USER_RESOURCE;
use ringcentral_sandbox::scim::{Filter, ScimType};

fuzz_target!(|text: &str| {
    match Filter::parse(text) {
        Ok(filter) => {
            let printed = filter.to_string();
            assert_eq!(Filter::parse(&printed).ok(), Some(filter.clone()), "{printed}");
            if let Ok(m) = filter.compile(&USER_RESOURCE) {
                let user = serde_json::json!({
                    "userName": "a@b.c",
                    "name": {"givenName": "A"},
                    "emails": [{"value": "a@b.c", "type": "work"}],
                    "active": true,
                    "meta": {"created": "2024-01-01T00:00:00Z"}
                });
                let _ = m.matches(&user);
            }
        }
        Err(e) => {
            assert_eq!(e.status, 400);
            assert_eq!(e.scim_type, Some(ScimType::InvalidFilter));
        }
    }
});
