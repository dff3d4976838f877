//! Input from `key=value` pairs: what `-f`/`-F` on the command line build, typed by the action's
//! input schema, so that simple inputs need no JSON.
//!
//! - A value takes the type the schema gives its property: `perPage=10` is a number, `active=false`
//!   a boolean, `name=10` stays a string when the schema says string.
//! - `a.b=v` reaches into objects (`from.phoneNumber=+15550100`).
//! - A key whose property is an array appends: `to.phoneNumber=+1 to.phoneNumber=+2` are two
//!   recipients, `sortBy=FirstName sortBy=LastName` two sort keys. Into an array of objects, a dotted
//!   key fills the last element until it already has that field, then starts the next.
//! - A value that is JSON of the object or array the schema wants is taken as that JSON.

use serde_json::{Map, Value};

/// Why a `key=value` pair cannot become part of an input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("`{pair}` is not of the form key=value")]
    NotAPair { pair: String },
    #[error("`{key}`: the segment `{segment}` is empty")]
    EmptySegment { key: String, segment: usize },
    #[error("`{key}` reaches inside `{at}`, which is already {found}")]
    NotAContainer {
        key: String,
        at: String,
        found: &'static str,
    },
}

/// Splits `key=value` at the first `=`.
pub fn split_pair(pair: &str) -> Result<(&str, &str), FieldError> {
    pair.split_once('=')
        .filter(|(k, _)| !k.trim().is_empty())
        .map(|(k, v)| (k.trim(), v))
        .ok_or_else(|| FieldError::NotAPair {
            pair: pair.to_string(),
        })
}

/// Sets `key` (dotted) to `raw` in `input`, typed by `schema` (a bundled input schema whose `$ref`s
/// point into its own `$defs`).
pub fn set_field(
    schema: &Value,
    input: &mut Value,
    key: &str,
    raw: &str,
) -> Result<(), FieldError> {
    let key = key.trim_end_matches("[]");
    let segments: Vec<&str> = key.split('.').collect();
    if let Some(i) = segments.iter().position(|s| s.is_empty()) {
        return Err(FieldError::EmptySegment {
            key: key.to_string(),
            segment: i + 1,
        });
    }
    if !input.is_object() {
        *input = Value::Object(Map::new());
    }
    let root = schema;
    let mut node = input;
    let mut sub = Some(schema);
    for (depth, segment) in segments.iter().enumerate() {
        let last = depth + 1 == segments.len();
        let prop = sub.and_then(|s| property(root, s, segment));
        let Value::Object(map) = node else {
            return Err(FieldError::NotAContainer {
                key: key.to_string(),
                at: segments[..depth].join("."),
                found: crate::json_kind(node),
            });
        };
        let is_array = prop.is_some_and(|p| allows(root, p, "array"));
        let items = prop.and_then(|p| items_of(root, p));
        if last {
            if is_array {
                // A whole JSON array replaces the property; anything else is one more element.
                if let Ok(Value::Array(values)) = serde_json::from_str::<Value>(raw.trim()) {
                    map.insert(segment.to_string(), Value::Array(values));
                    return Ok(());
                }
                let value = typed(root, items, raw);
                match map.get_mut(*segment) {
                    Some(Value::Array(values)) => values.push(value),
                    _ => {
                        map.insert(segment.to_string(), Value::Array(vec![value]));
                    }
                }
            } else {
                map.insert(segment.to_string(), typed(root, prop, raw));
            }
            return Ok(());
        }
        if is_array {
            // Into an array of objects: fill the last element unless it has the next field already.
            let next = segments[depth + 1];
            let slot = map
                .entry(segment.to_string())
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(elements) = slot else {
                return Err(FieldError::NotAContainer {
                    key: key.to_string(),
                    at: segments[..=depth].join("."),
                    found: crate::json_kind(slot),
                });
            };
            let fresh = elements.last().is_none_or(|e| {
                !e.is_object() || (depth + 2 == segments.len() && e.get(next).is_some())
            });
            if fresh {
                elements.push(Value::Object(Map::new()));
            }
            let len = elements.len();
            node = &mut elements[len - 1];
            sub = items;
        } else {
            node = map
                .entry(segment.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            sub = prop;
        }
    }
    Ok(())
}

/// Follows `$ref` into the root's `$defs`, a bounded number of times.
fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
        else {
            break;
        };
        match root.get("$defs").and_then(|d| d.get(name)) {
            Some(def) => schema = def,
            None => break,
        }
    }
    schema
}

/// The schema and its `allOf`/`anyOf`/`oneOf` branches, resolved, to a bounded depth.
fn branches<'a>(root: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    let mut stack = vec![(schema, 0u8)];
    while let Some((s, depth)) = stack.pop() {
        let s = resolve(root, s);
        out.push(s);
        if depth >= 8 {
            continue;
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(parts)) = s.get(key) {
                stack.extend(parts.iter().map(|p| (p, depth + 1)));
            }
        }
    }
    out
}

fn property<'a>(root: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    branches(root, schema)
        .into_iter()
        .find_map(|s| s.get("properties").and_then(|p| p.get(name)))
}

fn items_of<'a>(root: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    branches(root, schema)
        .into_iter()
        .find_map(|s| s.get("items"))
}

fn types<'a>(root: &'a Value, schema: &'a Value) -> Vec<&'a str> {
    let mut out = Vec::new();
    for s in branches(root, schema) {
        match s.get("type") {
            Some(Value::String(t)) => out.push(t.as_str()),
            Some(Value::Array(ts)) => out.extend(ts.iter().filter_map(Value::as_str)),
            _ => {}
        }
    }
    out
}

fn allows(root: &Value, schema: &Value, ty: &str) -> bool {
    types(root, schema).contains(&ty)
}

/// `raw` as the value `schema` wants; text when it reads as nothing else the schema allows.
fn typed(root: &Value, schema: Option<&Value>, raw: &str) -> Value {
    let Some(schema) = schema else {
        return Value::String(raw.to_string());
    };
    let types = types(root, schema);
    let text = raw.trim();
    if types.contains(&"integer")
        && let Ok(n) = text.parse::<i64>()
    {
        return Value::from(n);
    }
    if types.contains(&"number")
        && let Some(n) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
    {
        return Value::Number(n);
    }
    if types.contains(&"boolean") {
        match text {
            "true" => return Value::Bool(true),
            "false" => return Value::Bool(false),
            _ => {}
        }
    }
    if (types.contains(&"object") || types.contains(&"array"))
        && let Ok(value) = serde_json::from_str::<Value>(text)
        && ((value.is_object() && types.contains(&"object"))
            || (value.is_array() && types.contains(&"array")))
    {
        return value;
    }
    if types.contains(&"null") && !types.contains(&"string") && text == "null" {
        return Value::Null;
    }
    Value::String(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Action;
    use serde_json::json;

    fn build(key: &str, pairs: &[&str]) -> Value {
        let action = Action::find(key).expect("action");
        let schema = action.input_schema();
        let mut input = json!({});
        for pair in pairs {
            let (k, v) = split_pair(pair).expect("pair");
            set_field(&schema, &mut input, k, v).expect("field");
        }
        input
    }

    #[test]
    fn values_take_their_schema_types() {
        let input = build(
            "list-contacts",
            &[
                "perPage=10",
                "startsWith=12",
                "sortBy=FirstName",
                "sortBy=LastName",
            ],
        );
        assert_eq!(
            input,
            json!({"perPage": 10, "startsWith": "12", "sortBy": ["FirstName", "LastName"]})
        );
        assert!(Action::find("list-contacts").is_some_and(|a| a.validate(&input).is_ok()));
    }

    #[test]
    fn dotted_keys_build_objects_and_arrays_of_objects() {
        let input = build(
            "send-sms",
            &[
                "from.phoneNumber=+15550100",
                "to.phoneNumber=+15550101",
                "to.phoneNumber=+15550102",
                "text=42",
            ],
        );
        assert_eq!(
            input,
            json!({
                "from": {"phoneNumber": "+15550100"},
                "to": [{"phoneNumber": "+15550101"}, {"phoneNumber": "+15550102"}],
                "text": "42"
            })
        );
        assert!(Action::find("send-sms").is_some_and(|a| a.validate(&input).is_ok()));
    }

    #[test]
    fn booleans_and_json_values() {
        let input = build(
            "scim-patch-user",
            &[
                "scimUserId=7",
                "Operations=[{\"op\":\"replace\",\"path\":\"active\",\"value\":false}]",
            ],
        );
        assert_eq!(input["Operations"][0]["value"], json!(false));
        let input = build(
            "scim-patch-user",
            &[
                "Operations.op=replace",
                "Operations.path=active",
                "Operations.value=false",
            ],
        );
        assert_eq!(
            input["Operations"],
            json!([{"op": "replace", "path": "active", "value": false}])
        );
    }

    #[test]
    fn malformed_pairs_are_refused() {
        assert!(split_pair("novalue").is_err());
        assert!(split_pair("=v").is_err());
        let schema = json!({});
        let mut input = json!({"a": 1});
        assert!(matches!(
            set_field(&schema, &mut input, "a.b", "x"),
            Err(FieldError::NotAContainer { .. })
        ));
        assert!(matches!(
            set_field(&schema, &mut input, "a..b", "x"),
            Err(FieldError::EmptySegment { .. })
        ));
    }
}
