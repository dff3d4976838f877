//! Checks a request against the operation's declared parameters (type, enum, minimum and maximum,
//! date-time format) and its JSON body against the body schema before a stateful handler runs, so
//! that malformed values get a `CMN-101` naming the parameter instead of being silently ignored.
//! Properties the schema does not know are left alone, as RingCentral ignores them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ringcentral_api::{BodyShape, Operation, ParamLocation};
use serde_json::{Map, Value, json};

use crate::api::ApiError;

fn bound(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

fn check_scalar(
    name: &str,
    ty: &str,
    schema: &Value,
    enum_values: &[&str],
    value: &str,
) -> Result<(), ApiError> {
    match ty {
        "integer" | "number" => {
            let n: f64 = if ty == "integer" {
                value
                    .parse::<i64>()
                    .map(|n| n as f64)
                    .map_err(|_| ApiError::invalid(name, format!("{value:?} is not an integer")))?
            } else {
                value
                    .parse::<f64>()
                    .map_err(|_| ApiError::invalid(name, format!("{value:?} is not a number")))?
            };
            if let Some(min) = bound(schema, "minimum")
                && n < min
            {
                return Err(ApiError::invalid(
                    name,
                    format!("{value} is less than the minimum {min}"),
                ));
            }
            if let Some(max) = bound(schema, "maximum")
                && n > max
            {
                return Err(ApiError::invalid(
                    name,
                    format!("{value} is more than the maximum {max}"),
                ));
            }
        }
        "boolean" if value != "true" && value != "false" => {
            return Err(ApiError::invalid(
                name,
                format!("{value:?} is not true or false"),
            ));
        }
        "string" => {
            if !enum_values.is_empty() && !enum_values.contains(&value) {
                return Err(ApiError::invalid(
                    name,
                    format!("{value:?} is not one of {}", enum_values.join(", ")),
                ));
            }
            if schema.get("format").and_then(Value::as_str) == Some("date-time")
                && crate::clock::parse_rfc3339(value).is_none()
            {
                return Err(ApiError::invalid(
                    name,
                    format!("{value:?} is not an ISO 8601 date-time"),
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Validates every declared query parameter present in `query`.
pub fn query(op: &Operation, query: &[(String, String)]) -> Result<(), ApiError> {
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
    {
        let values: Vec<&str> = query
            .iter()
            .filter(|(k, _)| k == p.name)
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            continue;
        }
        let schema: Value = serde_json::from_str(p.schema).unwrap_or(Value::Null);
        match p.ty {
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                let item_ty = items
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("string");
                for v in values.iter().flat_map(|v| v.split(',')) {
                    check_scalar(p.name, item_ty, &items, p.enum_values, v.trim())?;
                }
            }
            ty => {
                if values.len() > 1 && values.iter().any(|v| *v != values[0]) {
                    return Err(ApiError::invalid(p.name, "given more than once"));
                }
                check_scalar(p.name, ty, &schema, p.enum_values, values[0])?;
            }
        }
    }
    Ok(())
}

type Cache = Mutex<HashMap<&'static str, Option<Arc<jsonschema::Validator>>>>;

/// The compiled schema of an operation's JSON object body, built once per operation from the
/// catalog's bundled input schema.
fn body_validator(op: &'static Operation) -> Option<Arc<jsonschema::Validator>> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
    cache
        .entry(op.operation_id)
        .or_insert_with(|| {
            let body = op
                .body
                .as_ref()
                .filter(|b| b.shape == BodyShape::Merged && b.content_type.contains("json"))?;
            let input = ringcentral_catalog::Action::find(op.operation_id)?.input_schema();
            let props = input.get("properties")?.as_object()?;
            let mut properties = Map::new();
            let mut required = Vec::new();
            for f in body.fields {
                if let Some(schema) = props.get(f.input_name) {
                    properties.insert(f.name.to_owned(), schema.clone());
                    if f.required {
                        required.push(json!(f.name));
                    }
                }
            }
            let mut schema =
                json!({"type": "object", "properties": properties, "required": required});
            if let Some(defs) = input.get("$defs") {
                schema["$defs"] = defs.clone();
            }
            jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&schema)
                .ok()
                .map(Arc::new)
        })
        .clone()
}

/// Validates a JSON object body; anything else is left to the handler.
pub fn body(op: &'static Operation, raw: &[u8]) -> Result<(), ApiError> {
    if raw.is_empty() {
        return Ok(());
    }
    let Ok(value @ Value::Object(_)) = serde_json::from_slice::<Value>(raw) else {
        return Ok(());
    };
    let Some(validator) = body_validator(op) else {
        return Ok(());
    };
    match validator.iter_errors(&value).next() {
        None => Ok(()),
        Some(e) => {
            let pointer = e.instance_path().to_string();
            let name = pointer.trim_start_matches('/').replace('/', ".");
            let message = e.to_string();
            if name.is_empty() {
                // A required property is missing at the top.
                match message.split('"').nth(1) {
                    Some(field) if message.contains("required") => Err(ApiError::missing(field)),
                    _ => Err(ApiError::invalid("body", message)),
                }
            } else {
                Err(ApiError::invalid(&name, message))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn catalog_parameters_are_enforced() {
        let Some(op) = ringcentral_api::operation("listContacts") else {
            eprintln!("note: the generated catalog is empty; parameter checks not exercised");
            return;
        };
        assert!(query(op, &q(&[("page", "2"), ("sortBy", "LastName")])).is_ok());
        let e = query(op, &q(&[("page", "1001")]))
            .err()
            .map(|e| e.parameter);
        assert_eq!(e, Some(Some("page".to_owned())));
        assert!(query(op, &q(&[("perPage", "ten")])).is_err());
        assert!(query(op, &q(&[("sortBy", "ShoeSize")])).is_err());
        // Parameters the operation does not declare are left alone.
        assert!(query(op, &q(&[("unrelated", "x")])).is_ok());
    }

    #[test]
    fn bodies_are_checked_against_the_schema() {
        let Some(op) = ringcentral_api::operation("createContact") else {
            return;
        };
        assert!(body(op, br#"{"firstName": "Ann", "unknownThing": 1}"#).is_ok());
        let e = body(op, br#"{"firstName": 5}"#)
            .err()
            .and_then(|e| e.parameter);
        assert_eq!(e.as_deref(), Some("firstName"));
        let e = body(op, br#"{"businessAddress": {"city": 7}}"#)
            .err()
            .and_then(|e| e.parameter);
        assert_eq!(e.as_deref(), Some("businessAddress.city"));
        let Some(sms) = ringcentral_api::operation("createSMSMessage") else {
            return;
        };
        let e = body(
            sms,
            br#"{"from": {"phoneNumber": "+1"}, "to": [{"phoneNumber": "+2"}]}"#,
        )
        .err()
        .and_then(|e| e.parameter);
        assert_eq!(e.as_deref(), Some("text"));
    }
}
