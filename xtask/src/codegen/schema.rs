//! Conversion of OpenAPI 3.0 schema objects into JSON Schema 2020-12, and reference bookkeeping.
//!
//! OpenAPI 3.0 schemas are a dialect: `nullable` instead of a `null` type, boolean
//! `exclusiveMinimum`, a single `example`, and vendor keywords. Validators such as the `jsonschema`
//! crate speak JSON Schema, so every schema is rewritten once here.

use std::collections::{BTreeSet, VecDeque};

use serde_json::{Map, Value, json};

const COMPONENT_PREFIX: &str = "#/components/schemas/";
pub const DEF_PREFIX: &str = "#/$defs/";

/// Rewrites one OpenAPI schema (and everything nested in it) as JSON Schema 2020-12.
pub fn convert(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => convert_object(map),
        Value::Bool(b) => Value::Bool(*b),
        // Not a schema at all; an empty schema accepts anything, which is what the spec meant.
        _ => json!({}),
    }
}

fn convert_object(map: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    let nullable = map
        .get("nullable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    for (key, value) in map {
        match key.as_str() {
            "$ref" => {
                let target = value.as_str().unwrap_or_default();
                let name = target.strip_prefix(COMPONENT_PREFIX).unwrap_or(target);
                out.insert(key.clone(), Value::String(format!("{DEF_PREFIX}{name}")));
            }
            "nullable" | "discriminator" | "xml" | "externalDocs" => {}
            k if k.starts_with("x-") => {}
            "example" => {
                out.insert("examples".into(), Value::Array(vec![value.clone()]));
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {
                // OpenAPI 3.0: a boolean modifier of minimum/maximum; JSON Schema: the bound itself.
                if value.as_bool() == Some(true) {
                    let bound_key = if key == "exclusiveMinimum" {
                        "minimum"
                    } else {
                        "maximum"
                    };
                    if let Some(bound) = map.get(bound_key) {
                        out.insert(key.clone(), bound.clone());
                    }
                } else if value.is_number() {
                    out.insert(key.clone(), value.clone());
                }
            }
            "properties" | "patternProperties" => {
                let converted = value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(name, s)| (name.clone(), convert(s)))
                            .collect::<Map<_, _>>()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(converted));
            }
            "items" | "not" | "additionalProperties" if value.is_object() => {
                out.insert(key.clone(), convert(value));
            }
            "allOf" | "oneOf" | "anyOf" => {
                let parts: Vec<Value> = value
                    .as_array()
                    .map(|parts| parts.iter().map(convert).collect())
                    .unwrap_or_default();
                // JSON Schema requires these to be non-empty; an empty one constrains nothing.
                if !parts.is_empty() {
                    out.insert(key.clone(), Value::Array(parts));
                }
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    // A bound made exclusive must not also stay inclusive.
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if out.get(exclusive).is_some_and(Value::is_number) {
            out.remove(inclusive);
        }
    }
    if nullable {
        make_nullable(out)
    } else {
        Value::Object(out)
    }
}

fn make_nullable(mut out: Map<String, Value>) -> Value {
    if let Some(Value::String(ty)) = out.get("type").cloned() {
        out.insert("type".into(), json!([ty, "null"]));
        if let Some(Value::Array(values)) = out.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
        return Value::Object(out);
    }
    json!({ "anyOf": [Value::Object(out), { "type": "null" }] })
}

/// Names of the definitions a converted schema refers to directly.
pub fn direct_refs(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "$ref" {
                    if let Some(name) = value.as_str().and_then(|r| r.strip_prefix(DEF_PREFIX)) {
                        out.insert(name.to_string());
                    }
                } else {
                    direct_refs(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| direct_refs(v, out)),
        _ => {}
    }
}

/// Every definition reachable from `roots`, following references between definitions.
pub fn closure(
    roots: &BTreeSet<String>,
    defs: &std::collections::BTreeMap<String, Value>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = roots.iter().cloned().collect();
    while let Some(name) = queue.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(def) = defs.get(&name) {
            let mut next = BTreeSet::new();
            direct_refs(def, &mut next);
            queue.extend(next.into_iter().filter(|n| !seen.contains(n)));
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_string_gains_a_null_type_and_enum_value() {
        let s = convert(&json!({"type": "string", "nullable": true, "enum": ["A"]}));
        assert_eq!(s, json!({"type": ["string", "null"], "enum": ["A", null]}));
    }

    #[test]
    fn nullable_reference_becomes_any_of() {
        let s = convert(&json!({"$ref": "#/components/schemas/X", "nullable": true}));
        assert_eq!(
            s,
            json!({"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}]})
        );
    }

    #[test]
    fn boolean_exclusive_minimum_becomes_numeric() {
        let s = convert(&json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true}));
        assert_eq!(s, json!({"type": "integer", "exclusiveMinimum": 0}));
    }

    #[test]
    fn vendor_keywords_are_dropped_and_example_becomes_examples() {
        let s = convert(&json!({"type": "string", "x-foo": 1, "example": "hi"}));
        assert_eq!(s, json!({"type": "string", "examples": ["hi"]}));
    }

    #[test]
    fn empty_combinators_are_dropped() {
        let s = convert(&json!({"allOf": [], "type": "object"}));
        assert_eq!(s, json!({"type": "object"}));
    }

    #[test]
    fn closure_follows_references_between_definitions() {
        let mut defs = std::collections::BTreeMap::new();
        defs.insert(
            "A".to_string(),
            json!({"properties": {"b": {"$ref": "#/$defs/B"}}}),
        );
        defs.insert("B".to_string(), json!({"items": {"$ref": "#/$defs/C"}}));
        defs.insert("C".to_string(), json!({"type": "string"}));
        defs.insert("D".to_string(), json!({"type": "string"}));
        let roots = BTreeSet::from(["A".to_string()]);
        let all: Vec<_> = closure(&roots, &defs).into_iter().collect();
        assert_eq!(all, ["A", "B", "C"]);
    }
}
