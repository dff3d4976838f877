//! Bundling: turns a generated schema whose `$ref`s point at shared definitions into one
//! self-contained JSON Schema document.

use serde_json::{Map, Value};

use ringcentral_api::DEFS;

/// Parses `schema` and puts every definition listed in `defs` (indexes into [`DEFS`]) under `$defs`.
pub fn bundle(schema: &str, defs: &[u16]) -> Value {
    let mut root: Value = parse(schema);
    if defs.is_empty() {
        return root;
    }
    let mut bundled = Map::with_capacity(defs.len());
    for &i in defs {
        if let Some(def) = DEFS.get(usize::from(i)) {
            bundled.insert(def.name.to_string(), parse(def.schema));
        }
    }
    if let Value::Object(map) = &mut root {
        map.insert("$defs".to_string(), Value::Object(bundled));
    }
    root
}

/// Generated schema text is produced by serde_json from valid JSON, so it always parses; the empty
/// schema (which accepts anything) stands in should that ever change.
fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::Object(Map::new()))
}
