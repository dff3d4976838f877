//! The parsed spec and `$ref` resolution within it.

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value};

/// An OpenAPI 3.0 document held as JSON values (key order as in the file).
pub struct Spec {
    pub doc: Value,
}

impl Spec {
    pub fn parse(yaml: &str) -> Result<Spec> {
        let doc: Value = serde_yaml::from_str(yaml).context("the spec is not valid YAML")?;
        if !doc
            .get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|v| v.starts_with("3."))
        {
            bail!("the spec is not an OpenAPI 3 document (no `openapi: 3.x` field)");
        }
        Ok(Spec { doc })
    }

    pub fn paths(&self) -> Result<&Map<String, Value>> {
        self.doc
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| anyhow!("the spec has no `paths` object"))
    }

    pub fn schemas(&self) -> Option<&Map<String, Value>> {
        self.doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
    }

    /// Looks up a local reference such as `#/components/parameters/AccountId`.
    pub fn lookup(&self, reference: &str) -> Result<&Value> {
        let pointer = reference
            .strip_prefix('#')
            .ok_or_else(|| anyhow!("only local references are supported, not `{reference}`"))?;
        self.doc
            .pointer(pointer)
            .ok_or_else(|| anyhow!("dangling reference `{reference}`"))
    }

    /// Follows `$ref` until it reaches an object that is not a reference.
    pub fn resolve<'a>(&'a self, mut value: &'a Value) -> Result<&'a Value> {
        for _ in 0..64 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => value = self.lookup(reference)?,
                None => return Ok(value),
            }
        }
        bail!("reference cycle while resolving a `$ref`")
    }

    /// The properties and required names of an object schema, merging `allOf` parts.
    pub fn object_shape(&self, schema: &Value) -> Result<ObjectShape> {
        let mut shape = ObjectShape::default();
        self.collect_shape(schema, &mut shape, 0)?;
        Ok(shape)
    }

    fn collect_shape(&self, schema: &Value, shape: &mut ObjectShape, depth: usize) -> Result<()> {
        if depth > 32 {
            bail!("allOf nesting too deep");
        }
        let schema = self.resolve(schema)?;
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                self.collect_shape(part, shape, depth + 1)?;
            }
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                shape.properties.retain(|(n, _)| n != name);
                shape.properties.push((name.clone(), prop.clone()));
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !shape.required.iter().any(|r| r == name) {
                    shape.required.push(name.to_string());
                }
            }
        }
        for key in ["oneOf", "anyOf"] {
            let Some(members) = schema.get(key).and_then(Value::as_array) else {
                continue;
            };
            if let [only] = members.as_slice() {
                self.collect_shape(only, shape, depth + 1)?;
                continue;
            }
            // A union of object shapes (token grants, reply variants) flattens into one object:
            // every variant's properties, with each variant's required names kept as an alternative.
            let mut variants = Vec::new();
            for member in members {
                let mut variant = ObjectShape::default();
                self.collect_shape(member, &mut variant, depth + 1)?;
                if !variant.is_plain_object() {
                    shape.is_union = true;
                    variants.clear();
                    break;
                }
                variants.push(variant);
            }
            for variant in &variants {
                for (name, prop) in &variant.properties {
                    match shape.properties.iter_mut().find(|(n, _)| n == name) {
                        None => shape.properties.push((name.clone(), prop.clone())),
                        // Variants that disagree on a property (a `grant_type` of one value each)
                        // accept any of their schemas.
                        Some((_, existing)) if existing != prop => {
                            let mut options = match existing.get("anyOf").and_then(Value::as_array)
                            {
                                Some(options)
                                    if existing.as_object().is_some_and(|o| o.len() == 1) =>
                                {
                                    options.clone()
                                }
                                _ => vec![existing.clone()],
                            };
                            if !options.contains(prop) {
                                options.push(prop.clone());
                            }
                            *existing = serde_json::json!({ "anyOf": options });
                        }
                        Some(_) => {}
                    }
                }
                shape.open |= variant.open;
            }
            if !variants.is_empty() {
                shape
                    .alternatives
                    .push(variants.into_iter().map(|v| v.required).collect());
            }
        }
        match schema.get("additionalProperties") {
            None | Some(Value::Bool(false)) => {}
            Some(_) => shape.open = true,
        }
        if let Some(ty) = schema.get("type").and_then(Value::as_str) {
            shape.types.push(ty.to_string());
        }
        Ok(())
    }
}

/// What an object schema looks like once `allOf` and references are flattened.
#[derive(Default)]
pub struct ObjectShape {
    pub properties: Vec<(String, Value)>,
    pub required: Vec<String>,
    /// The schema (or one of its parts) is a `oneOf`/`anyOf` union that is not of plain objects.
    pub is_union: bool,
    /// For each flattened union of objects, the required names of each variant.
    pub alternatives: Vec<Vec<Vec<String>>>,
    /// Additional properties are allowed.
    pub open: bool,
    pub types: Vec<String>,
}

impl ObjectShape {
    /// A plain object: properties, no union, no other type.
    pub fn is_plain_object(&self) -> bool {
        !self.is_union && !self.properties.is_empty() && self.types.iter().all(|t| t == "object")
    }
}
