//! A fast yes/no check of a value against a schema of the spec, for the generator's own choices:
//! whether a spec example fits where it would be used, which branch of a `oneOf` a built value
//! satisfies, whether an echoed request value fits the response.
//!
//! It covers the keywords the spec uses and resolves `$ref` against the shared definitions. `format`
//! and `pattern` are delegated to the `jsonschema` crate (one tiny cached validator per distinct
//! format or pattern), so the generator and the full validation used in tests and request checks
//! agree on what a date-time or a pattern match is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use super::schema::ref_target;

/// Nesting bound: instances are finite, so only a `$ref` cycle that never descends could run
/// deeper, and that is treated as a mismatch rather than a stack overflow.
const MAX_DEPTH: usize = 96;

/// Whether `value` satisfies every schema in `schemas`.
pub(crate) fn conforms_all(schemas: &[&Value], value: &Value) -> bool {
    schemas.iter().all(|s| check(s, value, 0))
}

/// Whether `value` satisfies `schema`.
#[cfg(test)]
pub(crate) fn conforms(schema: &Value, value: &Value) -> bool {
    check(schema, value, 0)
}

/// Whether `value` satisfies `schema` (for any lifetime of the schema).
pub(crate) fn conforms_one(schema: &Value, value: &Value) -> bool {
    check(schema, value, 0)
}

fn check(schema: &Value, v: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let map = match schema {
        Value::Bool(b) => return *b,
        Value::Object(map) => map,
        _ => return true,
    };
    if let Some(r) = map.get("$ref").and_then(Value::as_str) {
        match ref_target(r) {
            Some(target) => {
                if !check(target, v, depth + 1) {
                    return false;
                }
            }
            None => return false,
        }
    }
    if let Some(t) = map.get("type")
        && !type_matches(t, v)
    {
        return false;
    }
    if let Some(options) = map.get("enum").and_then(Value::as_array)
        && !options.iter().any(|o| same(o, v))
    {
        return false;
    }
    if let Some(c) = map.get("const")
        && !same(c, v)
    {
        return false;
    }
    let shape_ok = match v {
        Value::Number(n) => n.as_f64().is_none_or(|x| numeric_ok(map, x)),
        Value::String(s) => string_ok(map, s),
        Value::Array(items) => array_ok(map, items, depth),
        Value::Object(obj) => object_ok(map, obj, depth),
        _ => true,
    };
    if !shape_ok {
        return false;
    }
    if let Some(all) = map.get("allOf").and_then(Value::as_array)
        && !all.iter().all(|s| check(s, v, depth + 1))
    {
        return false;
    }
    if let Some(any) = map.get("anyOf").and_then(Value::as_array)
        && !any.iter().any(|s| check(s, v, depth + 1))
    {
        return false;
    }
    if let Some(one) = map.get("oneOf").and_then(Value::as_array)
        && one.iter().filter(|s| check(s, v, depth + 1)).count() != 1
    {
        return false;
    }
    if let Some(not) = map.get("not")
        && check(not, v, depth + 1)
    {
        return false;
    }
    true
}

fn type_matches(t: &Value, v: &Value) -> bool {
    match t {
        Value::String(name) => is_type(name, v),
        Value::Array(names) => names
            .iter()
            .any(|n| n.as_str().is_some_and(|n| is_type(n, v))),
        _ => true,
    }
}

fn is_type(name: &str, v: &Value) -> bool {
    match name {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "number" => v.is_number(),
        // A float counts as an integer only where it is exact: validators disagree beyond 2^53.
        "integer" => match v {
            Value::Number(n) => {
                n.is_i64()
                    || n.is_u64()
                    || n.as_f64()
                        .is_some_and(|f| f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0)
            }
            _ => false,
        },
        _ => true,
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`), as JSON Schema defines it.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
        }
        _ => a == b,
    }
}

fn numeric_ok(map: &serde_json::Map<String, Value>, x: f64) -> bool {
    if let Some((lo, hi)) = map
        .get("format")
        .and_then(Value::as_str)
        .and_then(super::schema::format_range)
        && (x < lo || x > hi)
    {
        return false;
    }
    let bound = |k: &str| map.get(k).and_then(Value::as_f64);
    if bound("minimum").is_some_and(|m| x < m) || bound("maximum").is_some_and(|m| x > m) {
        return false;
    }
    if bound("exclusiveMinimum").is_some_and(|m| x <= m)
        || bound("exclusiveMaximum").is_some_and(|m| x >= m)
    {
        return false;
    }
    if let Some(m) = bound("multipleOf")
        && m > 0.0
        && ((x / m).round() * m - x).abs() > 1e-9 * x.abs().max(1.0)
    {
        return false;
    }
    true
}

fn string_ok(map: &serde_json::Map<String, Value>, s: &str) -> bool {
    let len = s.chars().count() as u64;
    if map
        .get("minLength")
        .and_then(Value::as_u64)
        .is_some_and(|m| len < m)
        || map
            .get("maxLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| len > m)
    {
        return false;
    }
    if let Some(p) = map.get("pattern").and_then(Value::as_str)
        && !single_keyword_ok("pattern", p, s)
    {
        return false;
    }
    if let Some(f) = map.get("format").and_then(Value::as_str)
        && !single_keyword_ok("format", f, s)
    {
        return false;
    }
    true
}

fn array_ok(map: &serde_json::Map<String, Value>, items: &[Value], depth: usize) -> bool {
    let len = items.len() as u64;
    if map
        .get("minItems")
        .and_then(Value::as_u64)
        .is_some_and(|m| len < m)
        || map
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| len > m)
    {
        return false;
    }
    if let Some(item_schema) = map.get("items")
        && !items.iter().all(|i| check(item_schema, i, depth + 1))
    {
        return false;
    }
    if map.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
        for (i, a) in items.iter().enumerate() {
            if items[i + 1..].iter().any(|b| same(a, b)) {
                return false;
            }
        }
    }
    true
}

fn object_ok(
    map: &serde_json::Map<String, Value>,
    obj: &serde_json::Map<String, Value>,
    depth: usize,
) -> bool {
    if let Some(required) = map.get("required").and_then(Value::as_array)
        && !required
            .iter()
            .all(|r| r.as_str().is_none_or(|r| obj.contains_key(r)))
    {
        return false;
    }
    let len = obj.len() as u64;
    if map
        .get("minProperties")
        .and_then(Value::as_u64)
        .is_some_and(|m| len < m)
        || map
            .get("maxProperties")
            .and_then(Value::as_u64)
            .is_some_and(|m| len > m)
    {
        return false;
    }
    let props = map.get("properties").and_then(Value::as_object);
    let additional = map.get("additionalProperties");
    for (k, v) in obj {
        match props.and_then(|p| p.get(k)) {
            Some(s) => {
                if !check(s, v, depth + 1) {
                    return false;
                }
            }
            None => {
                if let Some(a) = additional
                    && !check(a, v, depth + 1)
                {
                    return false;
                }
            }
        }
    }
    true
}

type Tiny = Arc<jsonschema::Validator>;
type TinyCache = Mutex<HashMap<(&'static str, String), Option<Tiny>>>;

/// Checks one string against a lone `format` or `pattern` keyword with a cached validator.
fn single_keyword_ok(keyword: &'static str, argument: &str, s: &str) -> bool {
    static CACHE: OnceLock<TinyCache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (keyword, argument.to_owned());
    let validator = {
        let mut guard = cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard
            .entry(key)
            .or_insert_with(|| {
                let mut schema = serde_json::Map::new();
                schema.insert(keyword.to_owned(), Value::String(argument.to_owned()));
                jsonschema::draft202012::options()
                    .should_validate_formats(true)
                    .build(&Value::Object(schema))
                    .ok()
                    .map(Arc::new)
            })
            .clone()
    };
    // A pattern the engine cannot compile matches nothing, so no value is ever claimed to fit it.
    validator.is_some_and(|v| v.is_valid(&Value::String(s.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn checks_the_keywords_the_spec_uses() {
        let s = json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "minLength": 2},
                "n": {"type": "integer", "minimum": 1, "maximum": 3},
                "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "uniqueItems": true}
            },
            "additionalProperties": false
        });
        assert!(conforms(
            &s,
            &json!({"id": "ab", "n": 2, "tags": ["a", "b"]})
        ));
        assert!(!conforms(&s, &json!({"n": 2})));
        assert!(!conforms(&s, &json!({"id": "a"})));
        assert!(!conforms(&s, &json!({"id": "ab", "n": 4})));
        assert!(!conforms(&s, &json!({"id": "ab", "tags": ["a", "a"]})));
        assert!(!conforms(&s, &json!({"id": "ab", "tags": ["c"]})));
        assert!(!conforms(&s, &json!({"id": "ab", "extra": 1})));
        assert!(conforms(&json!({"type": "integer"}), &json!(2.0)));
    }

    #[test]
    fn one_of_needs_exactly_one_branch() {
        let s = json!({"oneOf": [{"type": "string"}, {"type": "string", "enum": ["x"]}]});
        assert!(conforms(&s, &json!("y")));
        assert!(!conforms(&s, &json!("x")));
    }

    #[test]
    fn formats_and_patterns_are_checked() {
        let dt = json!({"type": "string", "format": "date-time"});
        assert!(conforms(&dt, &json!("2025-01-15T09:30:00.000Z")));
        assert!(!conforms(&dt, &json!("yesterday")));
        let uri = json!({"format": "uri"});
        assert!(conforms(&uri, &json!("http://127.0.0.1:9/x")));
        assert!(!conforms(&uri, &json!("/relative")));
        let e164 = json!({"$ref": "#/$defs/PhoneNumberE164"});
        assert!(conforms(&e164, &json!("+16505550100")));
        assert!(!conforms(&e164, &json!("6505550100")));
    }

    #[test]
    fn an_uncompilable_pattern_matches_nothing() {
        assert!(!conforms(&json!({"pattern": "(unclosed"}), &json!("x")));
    }
}
