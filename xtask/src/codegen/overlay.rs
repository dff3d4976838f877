//! The overlay: reviewed edits to the spec, for where RingCentral accepts more than the spec says.
//!
//! The edits live in `xtask/overlay.yml` (each with the reason and where it is documented) rather
//! than as special cases in the generator or the catalog, so that every divergence from the spec is
//! in one place. An edit that no longer fits the spec is an error, never skipped.

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

/// The project's overlay, applied by [`super::generate`].
pub const OVERLAY: &str = include_str!("../../overlay.yml");

/// Applies the overlay's edits, in order, to the spec document.
pub fn apply(doc: &mut Value, overlay_yaml: &str) -> Result<usize> {
    let edits: Value =
        serde_yaml::from_str(overlay_yaml).context("the overlay is not valid YAML")?;
    let edits = match edits {
        Value::Array(edits) => edits,
        Value::Null => Vec::new(),
        _ => bail!("the overlay is not a list of edits"),
    };
    for (i, edit) in edits.iter().enumerate() {
        let field = |name: &str| {
            edit.get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| anyhow!("overlay edit {} has no `{name}`", i + 1))
        };
        let op = field("op")?;
        let path = field("path")?;
        field("reason")?;
        let value = edit
            .get("value")
            .cloned()
            .ok_or_else(|| anyhow!("overlay edit {} ({path}) has no `value`", i + 1))?;
        match op {
            "replace" => {
                let target = doc.pointer_mut(path).ok_or_else(|| {
                    anyhow!("overlay edit {}: the spec has nothing at {path}", i + 1)
                })?;
                *target = value;
            }
            "add" => add(doc, path, value).with_context(|| format!("overlay edit {}", i + 1))?,
            other => bail!(
                "overlay edit {}: unknown op `{other}` (replace or add)",
                i + 1
            ),
        }
    }
    Ok(edits.len())
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<()> {
    let (parent, last) = path
        .rsplit_once('/')
        .ok_or_else(|| anyhow!("`{path}` is not a JSON pointer"))?;
    let last = last.replace("~1", "/").replace("~0", "~");
    let target = doc
        .pointer_mut(parent)
        .ok_or_else(|| anyhow!("the spec has nothing at {parent}"))?;
    match target {
        Value::Array(items) if last == "-" => {
            if !items.contains(&value) {
                items.push(value);
            }
        }
        Value::Object(map) => {
            map.insert(last, value);
        }
        _ => bail!("{parent} is neither an object nor an array to append to with `/-`"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"components": {"schemas": {"Op": {"properties": {
            "value": {"type": "string"},
            "schemas": {"items": {"enum": ["core"]}}
        }}}}})
    }

    #[test]
    fn replaces_and_appends() {
        let mut doc = doc();
        let overlay = "
- op: replace
  path: /components/schemas/Op/properties/value
  reason: wider on the wire
  value: {anyOf: [{type: string}, {type: boolean}]}
- op: add
  path: /components/schemas/Op/properties/schemas/items/enum/-
  reason: extension URN
  value: ext
";
        assert_eq!(apply(&mut doc, overlay).ok(), Some(2));
        let props = &doc["components"]["schemas"]["Op"]["properties"];
        assert_eq!(props["value"]["anyOf"][1]["type"], "boolean");
        assert_eq!(props["schemas"]["items"]["enum"], json!(["core", "ext"]));
    }

    #[test]
    fn an_edit_that_no_longer_fits_the_spec_is_an_error() {
        let mut doc = doc();
        let stale =
            "- {op: replace, path: /components/schemas/Gone/properties/value, reason: r, value: 1}";
        let err = apply(&mut doc, stale).err().map(|e| format!("{e:#}"));
        assert!(err.is_some_and(|e| e.contains("nothing at")));
        let unexplained =
            "- {op: replace, path: /components/schemas/Op/properties/value, value: 1}";
        let err = apply(&mut doc, unexplained).err().map(|e| format!("{e:#}"));
        assert!(err.is_some_and(|e| e.contains("reason")));
    }

    #[test]
    fn the_project_overlay_applies_to_the_shape_it_expects() {
        let mut doc = json!({"components": {"schemas": {
            "ScimPatchOperation": {"properties": {"value": {"type": "string"}}},
            "ScimUser": {"properties": {"schemas": {"items": {"enum": ["core"]}}}}
        }}});
        assert!(apply(&mut doc, OVERLAY).is_ok_and(|n| n >= 2));
        let value = &doc["components"]["schemas"]["ScimPatchOperation"]["properties"]["value"];
        assert!(value["anyOf"].as_array().is_some_and(|a| a.len() == 2));
    }
}
