//! Example inputs built from an action's input schema, for people reading `action show` and for
//! agents: the spec's own examples first, then defaults and enum values, then a placeholder of the
//! right type for a required field that has none of those.

use serde_json::{Map, Value};

/// How deep an example reaches into nested objects; recursive schemas stop here.
const MAX_DEPTH: usize = 6;

/// An example input for a bundled input schema: every required property, and every optional one
/// for which the spec gives an example. Defaults alone do not bring an optional property in: the
/// server applies them anyway.
pub fn example_input(schema: &Value) -> Value {
    let mut out = Map::new();
    let required = required_of(schema);
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, prop) in props {
            let value = if required.contains(&name.as_str()) {
                Some(example(schema, prop, 0))
            } else {
                informative(schema, prop, 0)
            };
            if let Some(value) = value {
                out.insert(name.clone(), value);
            }
        }
    }
    Value::Object(out)
}

fn required_of(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

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

/// The spec's own example for a value: its `examples`, or what its parts' examples give. `None`
/// when the spec has no example for it.
fn informative(root: &Value, schema: &Value, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    // A property's own examples beat those of the definition it refers to.
    if let Some(first) = schema.get("examples").and_then(|e| e.as_array()?.first()) {
        return Some(first.clone());
    }
    let schema = resolve(root, schema);
    if let Some(first) = schema.get("examples").and_then(|e| e.as_array()?.first()) {
        return Some(first.clone());
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            return branches
                .iter()
                .find_map(|b| informative(root, b, depth + 1));
        }
    }
    if let Some(items) = schema.get("items") {
        return informative(root, items, depth + 1).map(|v| Value::Array(vec![v]));
    }
    let object = object_example(root, schema, depth, false)?;
    (!object.is_empty()).then_some(Value::Object(object))
}

/// An example for a value the input must have: the spec's, else its default or first enum value,
/// else one built from its parts, else a placeholder.
fn example(root: &Value, schema: &Value, depth: usize) -> Value {
    if let Some(value) = informative(root, schema, depth) {
        return value;
    }
    let schema = resolve(root, schema);
    if let Some(value) = schema.get("const").or_else(|| schema.get("default")) {
        return value.clone();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.as_array()?.first()) {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(|b| b.as_array()?.first())
            && depth <= MAX_DEPTH
        {
            return example(root, first, depth + 1);
        }
    }
    if depth <= MAX_DEPTH {
        if let Some(items) = schema.get("items") {
            return Value::Array(vec![example(root, items, depth + 1)]);
        }
        if let Some(object) = object_example(root, schema, depth, true) {
            return Value::Object(object);
        }
    }
    placeholder(root, schema)
}

/// The properties of an object schema (with its `allOf` parts) worth showing: the required ones
/// when `complete`, and those the spec has examples for. `None` when it is not an object schema.
fn object_example(
    root: &Value,
    schema: &Value,
    depth: usize,
    complete: bool,
) -> Option<Map<String, Value>> {
    let mut parts = vec![schema];
    if let Some(Value::Array(all)) = schema.get("allOf") {
        parts.extend(all.iter().map(|p| resolve(root, p)));
    }
    let mut out = Map::new();
    let mut is_object = false;
    for part in parts {
        let Some(Value::Object(props)) = part.get("properties") else {
            continue;
        };
        is_object = true;
        let required = required_of(part);
        for (name, prop) in props {
            let value = if complete && required.contains(&name.as_str()) {
                Some(example(root, prop, depth + 1))
            } else {
                informative(root, prop, depth + 1)
            };
            if let Some(value) = value {
                out.insert(name.clone(), value);
            }
        }
    }
    is_object.then_some(out)
}

/// A value of the schema's type that says what goes there.
fn placeholder(root: &Value, schema: &Value) -> Value {
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).next().unwrap_or(""),
        _ => "",
    };
    match ty {
        "integer" => Value::from(1),
        "number" => Value::from(1.5),
        "boolean" => Value::Bool(true),
        "array" => Value::Array(Vec::new()),
        "object" => Value::Object(Map::new()),
        _ => {
            let format = resolve(root, schema).get("format").and_then(Value::as_str);
            Value::String(
                match format {
                    Some("date-time") => "2026-01-01T09:00:00Z",
                    Some("date") => "2026-01-01",
                    Some("email") => "user@example.com",
                    Some("uri") => "https://example.com/",
                    _ => "string",
                }
                .to_string(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Action;
    use serde_json::json;

    fn example_of(key: &str) -> Value {
        let action = Action::find(key).expect("action");
        example_input(&action.input_schema())
    }

    #[test]
    fn required_fields_get_placeholders_of_their_type_and_the_example_validates() {
        let example = example_of("send-sms");
        assert_eq!(
            example,
            json!({
                "from": {"phoneNumber": "string"},
                "to": [{"phoneNumber": "string"}],
                "text": "string",
                // Optional, but the spec has an example for it.
                "country": {"isoCode": "US"}
            })
        );
        assert!(Action::find("send-sms").is_some_and(|a| a.validate(&example).is_ok()));
    }

    #[test]
    fn spec_examples_and_enums_are_used_and_defaults_left_to_the_server() {
        let schema = json!({
            "type": "object",
            "required": ["kind", "count"],
            "properties": {
                "accountId": {"type": "string", "default": "~"},
                "kind": {"$ref": "#/$defs/Kind"},
                "count": {"type": "integer", "default": 10},
                "name": {"type": "string", "examples": ["Sales"]},
                "note": {"type": "string"},
                "sort": {"type": "string", "enum": ["Name", "Date"]}
            },
            "$defs": {"Kind": {"type": "string", "enum": ["User", "Department"]}}
        });
        assert_eq!(
            example_input(&schema),
            json!({"kind": "User", "count": 10, "name": "Sales"})
        );
    }

    #[test]
    fn every_action_has_an_example_without_panicking() {
        let mut valid = 0;
        for action in crate::actions() {
            let example = example_input(&action.input_schema());
            assert!(example.is_object());
            valid += usize::from(action.validate(&example).is_ok());
        }
        // Placeholders cannot meet every pattern and length, but most examples are valid inputs.
        assert!(valid * 10 >= crate::actions().len() * 9, "{valid} valid");
    }
}
