//! The SCIM discovery documents (RFC 7643 sections 5 to 7, RFC 7644 section 4): the service provider
//! configuration, the schemas and the resource types, built from the definitions in [`super::schema`]
//! so that what is published is what the filter and PATCH code enforce.

use serde_json::{Value, json};

use super::ScimRules;
use super::error::ScimError;
use super::list::{MAX_COUNT, list_response};
use super::schema::{ResourceType, SchemaDef};

pub const SERVICE_PROVIDER_CONFIG_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
pub const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
pub const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

/// `GET /ServiceProviderConfig`. `base` is the absolute SCIM base URL without a trailing slash, e.g.
/// `http://127.0.0.1:8080/scim/v2`. RingCentral's carries `xmlDataFormat`, which RFC 7643 section
/// 5 does not define; with the RFC's rules it is left out (RingCentral's schema does not require
/// it).
pub fn service_provider_config(base: &str, rules: ScimRules) -> Value {
    let mut doc = json!({
        "schemas": [SERVICE_PROVIDER_CONFIG_SCHEMA],
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_COUNT},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "etag": {"supported": false},
        "xmlDataFormat": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "An access token from the RingCentral OAuth token endpoint, sent as Authorization: Bearer.",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig")
        }
    });
    if rules == ScimRules::Rfc
        && let Some(o) = doc.as_object_mut()
    {
        o.shift_remove("xmlDataFormat");
    }
    doc
}

/// One schema document.
pub fn schema_document(schema: &SchemaDef, base: &str) -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": schema.id,
        "name": schema.name,
        "description": schema.description,
        "attributes": schema.attributes.iter().map(|a| a.to_json()).collect::<Vec<_>>(),
        "meta": {
            "resourceType": "Schema",
            "location": format!("{base}/Schemas/{}", schema.id)
        }
    })
}

/// `GET /Schemas`.
pub fn schemas(base: &str, rules: ScimRules) -> Value {
    let docs: Vec<Value> = rules
        .schemas()
        .iter()
        .map(|s| schema_document(s, base))
        .collect();
    let total = docs.len();
    list_response(docs, total, 1)
}

/// `GET /Schemas/{uri}`; the URN compares without case.
pub fn schema(uri: &str, base: &str, rules: ScimRules) -> Result<Value, ScimError> {
    let all = rules.schemas();
    all.iter()
        .find(|s| s.id.eq_ignore_ascii_case(uri))
        .map(|s| schema_document(s, base))
        .ok_or_else(|| {
            ScimError::not_found(format!(
                "schema '{uri}' not found; this service has {}",
                all.iter().map(|s| s.id).collect::<Vec<_>>().join(" and ")
            ))
        })
}

/// One resource type document.
pub fn resource_type_document(rt: &ResourceType, base: &str) -> Value {
    json!({
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": rt.id,
        "name": rt.name,
        "endpoint": rt.endpoint,
        "description": rt.description,
        "schema": rt.schema.id,
        "schemaExtensions": rt.extensions.iter()
            .map(|e| json!({"schema": e.schema.id, "required": e.required}))
            .collect::<Vec<_>>(),
        "meta": {
            "resourceType": "ResourceType",
            "location": format!("{base}/ResourceTypes/{}", rt.id)
        }
    })
}

/// `GET /ResourceTypes`.
pub fn resource_types(base: &str, rules: ScimRules) -> Value {
    let docs: Vec<Value> = rules
        .resource_types()
        .iter()
        .map(|rt| resource_type_document(rt, base))
        .collect();
    let total = docs.len();
    list_response(docs, total, 1)
}

/// `GET /ResourceTypes/{type}`; the name compares without case.
pub fn resource_type(name: &str, base: &str, rules: ScimRules) -> Result<Value, ScimError> {
    let all = rules.resource_types();
    all.iter()
        .find(|rt| rt.id.eq_ignore_ascii_case(name) || rt.name.eq_ignore_ascii_case(name))
        .map(|rt| resource_type_document(rt, base))
        .ok_or_else(|| {
            ScimError::not_found(format!(
                "resource type '{name}' not found; this service has {}",
                all.iter().map(|rt| rt.name).collect::<Vec<_>>().join(", ")
            ))
        })
}

/// Discovery endpoints refuse filters with 403 (RFC 7644 section 4), so that no client believes a
/// filter it sent was applied.
pub fn refuse_filter(filter: Option<&str>) -> Result<(), ScimError> {
    match filter {
        Some(f) if !f.trim().is_empty() => Err(ScimError::forbidden(
            "filtering is not supported on discovery endpoints; request the list without filter",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::schema::{ENTERPRISE_USER_SCHEMA, USER_SCHEMA};

    const BASE: &str = "http://127.0.0.1:9/scim/v2";

    #[test]
    fn provider_config_advertises_what_is_implemented() {
        for rules in ScimRules::ALL {
            let c = service_provider_config(BASE, rules);
            assert_eq!(c["schemas"][0], SERVICE_PROVIDER_CONFIG_SCHEMA);
            assert_eq!(c["patch"]["supported"], true);
            assert_eq!(c["filter"]["supported"], true);
            assert_eq!(c["filter"]["maxResults"], MAX_COUNT);
            assert_eq!(c["sort"]["supported"], true);
            assert_eq!(c["bulk"]["supported"], false);
            assert_eq!(c["authenticationSchemes"][0]["type"], "oauthbearertoken");
            assert_eq!(
                c["meta"]["location"],
                "http://127.0.0.1:9/scim/v2/ServiceProviderConfig"
            );
        }
    }

    #[test]
    fn provider_config_has_only_rfc_attributes_by_the_rfc() {
        // RFC 7643 section 5, and `meta`.
        let rfc = [
            "schemas",
            "documentationUri",
            "patch",
            "bulk",
            "filter",
            "changePassword",
            "sort",
            "etag",
            "authenticationSchemes",
            "meta",
        ];
        let c = service_provider_config(BASE, ScimRules::Rfc);
        let keys: Vec<&String> = c
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert!(keys.iter().all(|k| rfc.contains(&k.as_str())), "{keys:?}");
        let c = service_provider_config(BASE, ScimRules::RingCentral);
        assert_eq!(c["xmlDataFormat"], json!({"supported": false}));
    }

    #[test]
    fn schemas_list_user_and_enterprise() {
        let rfc = schemas(BASE, ScimRules::Rfc);
        let names = |list: &Value| -> Vec<String> {
            list["Resources"][0]["attributes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x["name"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        // The RFC's rules publish displayName beside what RingCentral models.
        assert_eq!(names(&rfc)[..2], ["userName", "displayName"]);
        assert!(
            rfc["Resources"][0]["attributes"][0]["description"]
                .as_str()
                .is_some_and(|d| !d.contains("email"))
        );
        let list = schemas(BASE, ScimRules::RingCentral);
        assert_eq!(list["totalResults"], 2);
        assert_eq!(list["itemsPerPage"], 2);
        assert_eq!(list["Resources"][0]["id"], USER_SCHEMA);
        assert_eq!(list["Resources"][1]["id"], ENTERPRISE_USER_SCHEMA);
        let user = &list["Resources"][0];
        assert_eq!(
            names(&list),
            [
                "userName",
                "name",
                "title",
                "active",
                "emails",
                "phoneNumbers",
                "photos",
                "addresses"
            ]
        );
        assert_eq!(user["attributes"][0]["caseExact"], false);
        assert_eq!(user["attributes"][0]["uniqueness"], "server");
        assert_eq!(
            user["meta"]["location"],
            format!("{BASE}/Schemas/{USER_SCHEMA}")
        );
    }

    #[test]
    fn schema_lookup_ignores_case_and_answers_404() {
        let doc = schema(
            &ENTERPRISE_USER_SCHEMA.to_lowercase(),
            BASE,
            ScimRules::RingCentral,
        );
        assert_eq!(
            doc.ok().map(|d| d["attributes"][0]["name"].clone()),
            Some(Value::from("department"))
        );
        let Err(e) = schema(
            "urn:ietf:params:scim:schemas:core:2.0:Group",
            BASE,
            ScimRules::Rfc,
        ) else {
            panic!("Group schema found");
        };
        assert_eq!(e.status, 404);
        assert!(e.detail.contains("not found"));
    }

    #[test]
    fn resource_types_describe_users() {
        let list = resource_types(BASE, ScimRules::Rfc);
        assert_eq!(list["totalResults"], 1);
        let user = &list["Resources"][0];
        assert_eq!(user["endpoint"], "/Users");
        assert_eq!(user["schema"], USER_SCHEMA);
        assert_eq!(
            user["schemaExtensions"],
            json!([{"schema": ENTERPRISE_USER_SCHEMA, "required": false}])
        );
        assert_eq!(
            resource_type("user", BASE, ScimRules::Rfc)
                .ok()
                .map(|d| d["id"].clone()),
            Some(Value::from("User"))
        );
        assert_eq!(
            resource_type("Group", BASE, ScimRules::RingCentral)
                .err()
                .map(|e| e.status),
            Some(404)
        );
    }

    #[test]
    fn discovery_refuses_filters() {
        assert!(refuse_filter(None).is_ok());
        assert!(refuse_filter(Some("  ")).is_ok());
        assert_eq!(
            refuse_filter(Some("id eq \"User\""))
                .err()
                .map(|e| e.status),
            Some(403)
        );
    }
}
