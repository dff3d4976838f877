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
    // One pass over the schema's keywords: schemas are small maps, and walking them is much
    // cheaper than hashing every keyword the checker knows.
    let mut properties: Option<&serde_json::Map<String, Value>> = None;
    let mut additional: Option<&Value> = None;
    for (keyword, arg) in map {
        let ok = match keyword.as_str() {
            "$ref" => match arg.as_str().and_then(ref_target) {
                Some(target) => check(target, v, depth + 1),
                None => false,
            },
            "type" => type_matches(arg, v),
            "enum" => arg
                .as_array()
                .is_none_or(|options| options.iter().any(|o| same(o, v))),
            "const" => same(arg, v),
            "allOf" => arg
                .as_array()
                .is_none_or(|all| all.iter().all(|s| check(s, v, depth + 1))),
            "anyOf" => arg
                .as_array()
                .is_none_or(|any| any.iter().any(|s| check(s, v, depth + 1))),
            "oneOf" => arg
                .as_array()
                .is_none_or(|one| one.iter().filter(|s| check(s, v, depth + 1)).count() == 1),
            "not" => !check(arg, v, depth + 1),
            "properties" => {
                properties = arg.as_object();
                true
            }
            "additionalProperties" => {
                additional = Some(arg);
                true
            }
            _ => match v {
                Value::Number(n) => n.as_f64().is_none_or(|x| numeric_ok(keyword, arg, x)),
                Value::String(text) => string_ok(keyword, arg, text),
                Value::Array(items) => array_ok(keyword, arg, items, depth),
                Value::Object(obj) => object_ok(keyword, arg, obj),
                _ => true,
            },
        };
        if !ok {
            return false;
        }
    }
    if let Value::Object(obj) = v
        && (properties.is_some() || additional.is_some())
    {
        for (k, member) in obj {
            let ok = match properties.and_then(|p| p.get(k)) {
                Some(s) => check(s, member, depth + 1),
                None => additional.is_none_or(|a| check(a, member, depth + 1)),
            };
            if !ok {
                return false;
            }
        }
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

fn numeric_ok(keyword: &str, arg: &Value, x: f64) -> bool {
    match keyword {
        "format" => arg
            .as_str()
            .and_then(super::schema::format_range)
            .is_none_or(|(lo, hi)| x >= lo && x <= hi),
        "minimum" => arg.as_f64().is_none_or(|m| x >= m),
        "maximum" => arg.as_f64().is_none_or(|m| x <= m),
        "exclusiveMinimum" => arg.as_f64().is_none_or(|m| x > m),
        "exclusiveMaximum" => arg.as_f64().is_none_or(|m| x < m),
        "multipleOf" => arg
            .as_f64()
            .is_none_or(|m| m <= 0.0 || ((x / m).round() * m - x).abs() <= 1e-9 * x.abs().max(1.0)),
        _ => true,
    }
}

fn string_ok(keyword: &str, arg: &Value, s: &str) -> bool {
    match keyword {
        "minLength" => arg.as_u64().is_none_or(|m| s.chars().count() as u64 >= m),
        "maxLength" => arg.as_u64().is_none_or(|m| s.chars().count() as u64 <= m),
        "pattern" => arg
            .as_str()
            .is_none_or(|p| single_keyword_ok("pattern", p, s)),
        "format" => arg
            .as_str()
            .is_none_or(|f| single_keyword_ok("format", f, s)),
        _ => true,
    }
}

fn array_ok(keyword: &str, arg: &Value, items: &[Value], depth: usize) -> bool {
    match keyword {
        "minItems" => arg.as_u64().is_none_or(|m| items.len() as u64 >= m),
        "maxItems" => arg.as_u64().is_none_or(|m| items.len() as u64 <= m),
        "items" => items.iter().all(|i| check(arg, i, depth + 1)),
        "uniqueItems" => {
            arg.as_bool() != Some(true)
                || items
                    .iter()
                    .enumerate()
                    .all(|(i, a)| !items[i + 1..].iter().any(|b| same(a, b)))
        }
        _ => true,
    }
}

fn object_ok(keyword: &str, arg: &Value, obj: &serde_json::Map<String, Value>) -> bool {
    match keyword {
        "required" => arg.as_array().is_none_or(|required| {
            required
                .iter()
                .all(|r| r.as_str().is_none_or(|r| obj.contains_key(r)))
        }),
        "minProperties" => arg.as_u64().is_none_or(|m| obj.len() as u64 >= m),
        "maxProperties" => arg.as_u64().is_none_or(|m| obj.len() as u64 <= m),
        _ => true,
    }
}

type Tiny = Arc<jsonschema::Validator>;
type TinyCache = Mutex<HashMap<String, Option<Tiny>>>;

/// Checks one string against a lone `format` or `pattern` keyword with a cached validator (one
/// cache per keyword, so a lookup borrows the argument instead of allocating a key).
fn single_keyword_ok(keyword: &'static str, argument: &str, s: &str) -> bool {
    static FORMATS: OnceLock<TinyCache> = OnceLock::new();
    static PATTERNS: OnceLock<TinyCache> = OnceLock::new();
    let cache = if keyword == "format" {
        &FORMATS
    } else {
        &PATTERNS
    }
    .get_or_init(Default::default);
    let validator = {
        let mut guard = cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match guard.get(argument) {
            Some(v) => v.clone(),
            None => {
                let mut schema = serde_json::Map::new();
                schema.insert(keyword.to_owned(), Value::String(argument.to_owned()));
                let built = jsonschema::draft202012::options()
                    .should_validate_formats(true)
                    .build(&Value::Object(schema))
                    .ok()
                    .map(Arc::new);
                guard.insert(argument.to_owned(), built.clone());
                built
            }
        }
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
