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
