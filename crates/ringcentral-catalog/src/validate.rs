//! Input validation with the `jsonschema` crate, reported as a list of violations with JSON pointers.

use std::fmt;

use serde_json::Value;

/// One way in which an input breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// JSON pointer of the offending value (`""` for the input as a whole, `/to/0/phoneNumber` deeper).
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{pointer}: {}", self.message)
    }
}

/// Validates `instance` against a self-contained JSON Schema (draft 2020-12). A schema that does not
/// compile is reported as a single violation at the root rather than a panic.
pub fn validate_against(schema: &Value, instance: &Value) -> Result<(), Vec<Violation>> {
    let validator = match jsonschema::draft202012::new(schema) {
        Ok(v) => v,
        Err(err) => {
            return Err(vec![Violation {
                pointer: String::new(),
                message: format!("the schema itself is invalid: {err}"),
            }]);
        }
    };
    let mut violations: Vec<Violation> = validator
        .iter_errors(instance)
        .map(|e| Violation {
            pointer: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect();
    if violations.is_empty() {
        return Ok(());
    }
    violations.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    violations.dedup();
    Err(violations)
}

/// The largest integer that a JSON number read as a float holds exactly.
const EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Rewrites whole numbers written in float form (`1e3`, `2.0`) as integers, so that ids and counts
/// travel as `1000` and `2`, not `1000.0`. A whole number too large to have been read exactly (an
/// id of 25 digits would otherwise travel as `1e+24`) is a violation at its pointer.
pub fn normalize_numbers(value: &mut Value) -> Result<(), Violation> {
    normalize_at(value, &mut String::new())
}

fn normalize_at(value: &mut Value, pointer: &mut String) -> Result<(), Violation> {
    match value {
        Value::Number(n) if n.is_f64() => {
            let Some(float) = n.as_f64().filter(|f| f.is_finite() && f.fract() == 0.0) else {
                return Ok(());
            };
            if float.abs() > EXACT_INTEGER {
                return Err(Violation {
                    pointer: pointer.clone(),
                    message: format!("the number {n} is too large to be sent exactly"),
                });
            }
            // Within the exact range, so the conversion loses nothing.
            *value = Value::from(float as i64);
            Ok(())
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{index}"));
                normalize_at(item, pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                normalize_at(item, pointer)?;
                pointer.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_floats_become_integers() {
        let mut v = json!({"a": 1e3, "b": [2.0, 2.5], "c": "3.0"});
        normalize_numbers(&mut v).expect("fine");
        assert_eq!(v, json!({"a": 1000, "b": [2, 2.5], "c": "3.0"}));
    }

    #[test]
    fn integers_stay_as_they_are() {
        let mut v: Value =
            serde_json::from_str(r#"{"big": 18446744073709551615, "neg": -9223372036854775808}"#)
                .expect("json");
        normalize_numbers(&mut v).expect("fine");
        assert_eq!(v["big"].as_u64(), Some(u64::MAX));
        assert_eq!(v["neg"].as_i64(), Some(i64::MIN));
    }

    #[test]
    fn inexact_whole_numbers_are_violations_at_their_pointer() {
        let mut v = json!({"ids": [1, 1e24]});
        let err = normalize_numbers(&mut v).expect_err("too large");
        assert_eq!(err.pointer, "/ids/1");
        let mut v = json!({"a/b~c": 1e300});
        let err = normalize_numbers(&mut v).expect_err("too large");
        assert_eq!(err.pointer, "/a~1b~0c");
    }
}
