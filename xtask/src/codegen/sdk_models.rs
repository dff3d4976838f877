//! Typed models for `crates/ringcentral-sdk`: maps the spec's schemas onto Rust structs, string enums
//! and aliases, naming inline schemas after where they appear.
//!
//! The raw OpenAPI schemas are read (not the JSON Schema conversion the catalog uses) so that `$ref`s
//! name the component they point at, which becomes the Rust type's name.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use anyhow::{Result, bail};
use serde_json::Value;

use super::spec::Spec;

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Rust keywords that cannot be field or method names as they are.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

pub struct Field {
    pub wire: String,
    pub rust: String,
    pub ty: String,
    pub optional: bool,
    /// Required but `nullable`: always present on the wire, possibly as `null`.
    pub nullable: bool,
    pub doc: String,
    pub boxed: bool,
}

pub enum Item {
    Struct { doc: String, fields: Vec<Field> },
    Enum { doc: String, values: Vec<String> },
    Alias { doc: String, ty: String },
}

/// Every model type, by Rust name, built on demand from the schemas that operations reach.
pub struct Models<'a> {
    spec: &'a Spec,
    pub items: BTreeMap<String, Item>,
    /// Component schema name → Rust type name.
    components: BTreeMap<String, String>,
    /// Names given out (items, and components not built yet), so inline names never take them.
    taken: BTreeSet<String>,
    building: BTreeSet<String>,
}

impl<'a> Models<'a> {
    pub fn new(spec: &'a Spec) -> Models<'a> {
        let mut components = BTreeMap::new();
        let mut taken = BTreeSet::new();
        if let Some(schemas) = spec.schemas() {
            for name in schemas.keys() {
                let rust = unique(&pascal(name), &taken);
                taken.insert(rust.clone());
                components.insert(name.clone(), rust);
            }
        }
        Models {
            spec,
            items: BTreeMap::new(),
            components,
            taken,
            building: BTreeSet::new(),
        }
    }

    /// A fresh type name based on `base`, reserved for the caller.
    pub fn reserve(&mut self, base: &str) -> String {
        let name = unique(&pascal(base), &self.taken);
        self.taken.insert(name.clone());
        name
    }

    /// Builds the model of a component schema (and what it refers to); returns its Rust name.
    pub fn component(&mut self, name: &str) -> Result<String> {
        let Some(rust) = self.components.get(name).cloned() else {
            bail!("reference to unknown schema `{name}`");
        };
        if self.items.contains_key(&rust) || !self.building.insert(rust.clone()) {
            return Ok(rust);
        }
        let schema = self
            .spec
            .schemas()
            .and_then(|s| s.get(name))
            .cloned()
            .unwrap_or(Value::Null);
        let item = self.item_for(&schema, &rust)?;
        self.items.insert(rust.clone(), item);
        Ok(rust)
    }

    /// The Rust type of a schema met at `context` (the name an inline struct or enum would get).
    pub fn type_of(&mut self, schema: &Value, context: &str) -> Result<String> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return match reference.strip_prefix(COMPONENT_PREFIX) {
                Some(name) => self.component(name),
                None => {
                    let resolved = self.spec.resolve(schema)?.clone();
                    self.type_of(&resolved, context)
                }
            };
        }
        let is_object_like = schema.get("properties").is_some()
            || schema.get("allOf").is_some()
            || schema.get("oneOf").is_some()
            || schema.get("anyOf").is_some();
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array)
            && let [only] = parts.as_slice()
            && schema.get("properties").is_none()
        {
            return self.type_of(only, context);
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") if schema.get("enum").is_some() => {
                let name = self.reserve(context);
                let item = self.item_for(schema, &name)?;
                self.items.insert(name.clone(), item);
                Ok(name)
            }
            Some("string") => Ok("String".into()),
            Some("integer") => Ok("i64".into()),
            Some("number") => Ok("f64".into()),
            Some("boolean") => Ok("bool".into()),
            Some("array") => {
                let item = match schema.get("items") {
                    Some(items) => self.type_of(items, &format!("{context}Item"))?,
                    None => "serde_json::Value".into(),
                };
                Ok(format!("Vec<{item}>"))
            }
            _ if is_object_like && self.spec.object_shape(schema)?.is_plain_object() => {
                let name = self.reserve(context);
                let item = self.item_for(schema, &name)?;
                self.items.insert(name.clone(), item);
                Ok(name)
            }
            Some("object") if !is_object_like => match schema.get("additionalProperties") {
                Some(ap) if ap.is_object() && ap.as_object().is_some_and(|m| !m.is_empty()) => {
                    let value = self.type_of(ap, &format!("{context}Value"))?;
                    Ok(format!("std::collections::BTreeMap<String, {value}>"))
                }
                _ => Ok("serde_json::Map<String, serde_json::Value>".into()),
            },
            _ => Ok("serde_json::Value".into()),
        }
    }

    fn item_for(&mut self, schema: &Value, name: &str) -> Result<Item> {
        let doc = description(schema);
        let resolved = self.spec.resolve(schema)?.clone();
        if resolved.get("type").and_then(Value::as_str) == Some("string")
            && let Some(values) = resolved.get("enum").and_then(Value::as_array)
        {
            let values: Vec<String> = values
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| {
                    v.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect();
            if values.is_empty() {
                return Ok(Item::Alias {
                    doc,
                    ty: "String".into(),
                });
            }
            return Ok(Item::Enum { doc, values });
        }
        let shape = self.spec.object_shape(&resolved)?;
        if shape.is_plain_object() {
            let mut fields = Vec::new();
            let mut used = BTreeSet::from(["extra".to_string()]);
            for (wire, prop) in &shape.properties {
                let ty = self.type_of(prop, &format!("{name}{}", pascal(wire)))?;
                let rust = unique_snake(&snake(wire), &used);
                used.insert(rust.clone());
                let prop_doc = match self.spec.resolve(prop) {
                    Ok(p) if prop.get("description").is_none() => description(p),
                    _ => description(prop),
                };
                let nullable = self
                    .spec
                    .resolve(prop)
                    .is_ok_and(|p| p.get("nullable").and_then(Value::as_bool) == Some(true))
                    || prop.get("nullable").and_then(Value::as_bool) == Some(true);
                fields.push(Field {
                    wire: wire.clone(),
                    rust,
                    ty,
                    optional: !shape.required.contains(wire),
                    nullable,
                    doc: prop_doc,
                    boxed: false,
                });
            }
            return Ok(Item::Struct { doc, fields });
        }
        // Not an object nor a string enum: an alias of what it is (a list, a map, any JSON value).
        let ty = match resolved.get("type").and_then(Value::as_str) {
            Some("object") | None => match resolved.get("additionalProperties") {
                Some(ap) if ap.as_object().is_some_and(|m| !m.is_empty()) => {
                    let value = self.type_of(ap, &format!("{name}Value"))?;
                    format!("std::collections::BTreeMap<String, {value}>")
                }
                _ if resolved.get("type").is_some() => {
                    "serde_json::Map<String, serde_json::Value>".into()
                }
                _ => "serde_json::Value".into(),
            },
            _ => {
                let mut plain = resolved.clone();
                if let Value::Object(m) = &mut plain {
                    m.remove("enum");
                }
                self.type_of(&plain, &format!("{name}Item"))?
            }
        };
        Ok(Item::Alias { doc, ty })
    }

    /// Boxes the struct fields that would make a type contain itself.
    pub fn box_cycles(&mut self) {
        let direct = |ty: &str, items: &BTreeMap<String, Item>| -> Option<String> {
            match items.get(ty) {
                Some(Item::Struct { .. }) => Some(ty.to_string()),
                _ => None,
            }
        };
        let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, item) in &self.items {
            if let Item::Struct { fields, .. } = item {
                let targets = fields
                    .iter()
                    .filter_map(|f| direct(&f.ty, &self.items))
                    .collect();
                edges.insert(name.clone(), targets);
            }
        }
        let reaches = |from: &str, to: &str| -> bool {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from.to_string()];
            while let Some(node) = stack.pop() {
                if node == to {
                    return true;
                }
                if seen.insert(node.clone())
                    && let Some(next) = edges.get(&node)
                {
                    stack.extend(next.iter().cloned());
                }
            }
            false
        };
        let mut to_box = Vec::new();
        for (name, item) in &self.items {
            if let Item::Struct { fields, .. } = item {
                for (i, f) in fields.iter().enumerate() {
                    if direct(&f.ty, &self.items).is_some() && reaches(&f.ty, name) {
                        to_box.push((name.clone(), i));
                    }
                }
            }
        }
        for (name, i) in to_box {
            if let Some(Item::Struct { fields, .. }) = self.items.get_mut(&name) {
                fields[i].boxed = true;
            }
        }
    }

    /// Component schemas that became models, as (schema name, Rust type name).
    pub fn built_components(&self) -> Vec<(&str, &str)> {
        self.components
            .iter()
            .filter(|(_, rust)| self.items.contains_key(*rust))
            .map(|(name, rust)| (name.as_str(), rust.as_str()))
            .collect()
    }

    /// Names of structs whose every required field has a default, so they can derive `Default`.
    pub fn defaultable(&self) -> BTreeSet<String> {
        let mut ok: BTreeSet<String> = BTreeSet::new();
        loop {
            let before = ok.len();
            for (name, item) in &self.items {
                let Item::Struct { fields, .. } = item else {
                    continue;
                };
                if ok.contains(name) {
                    continue;
                }
                if fields
                    .iter()
                    .all(|f| f.optional || f.nullable || self.has_default(&f.ty, &ok))
                {
                    ok.insert(name.clone());
                }
            }
            if ok.len() == before {
                return ok;
            }
        }
    }

    fn has_default(&self, ty: &str, ok: &BTreeSet<String>) -> bool {
        match self.items.get(ty) {
            Some(Item::Struct { .. }) => ok.contains(ty),
            Some(Item::Enum { .. }) => false,
            Some(Item::Alias { ty, .. }) => self.has_default(ty, ok),
            None => true,
        }
    }

    /// The element type of a struct's list field with wire name `wire`.
    pub fn list_item(&self, ty: &str, wire: &str) -> Option<String> {
        let Some(Item::Struct { fields, .. }) = self.items.get(ty) else {
            return None;
        };
        let field = fields.iter().find(|f| f.wire == wire)?;
        field
            .ty
            .strip_prefix("Vec<")
            .and_then(|t| t.strip_suffix('>'))
            .map(String::from)
    }
}

/// Emits the items whose names start with each letter, one file per letter.
pub fn emit_files(models: &Models) -> Vec<(String, String)> {
    let defaultable = models.defaultable();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for (name, item) in &models.items {
        let letter = name
            .chars()
            .next()
            .map(|c| c.to_ascii_lowercase())
            .filter(char::is_ascii_lowercase)
            .unwrap_or('_')
            .to_string();
        let out = files.entry(letter).or_default();
        emit_item(out, name, item, defaultable.contains(name));
    }
    files.into_iter().collect()
}

fn emit_item(out: &mut String, name: &str, item: &Item, default: bool) {
    out.push('\n');
    match item {
        Item::Alias { doc, ty } => {
            out.push_str(&doc_comment(doc, ""));
            let _ = writeln!(out, "pub type {name} = {ty};");
        }
        Item::Enum { doc, values } => {
            out.push_str("crate::string_enum! {\n");
            out.push_str(&doc_comment(doc, "    "));
            let _ = writeln!(out, "    {name} {{");
            let mut used = BTreeSet::from(["Unknown".to_string()]);
            for value in values {
                let variant = unique(&variant_name(value), &used);
                used.insert(variant.clone());
                let _ = writeln!(out, "        {variant} = {value:?},");
            }
            out.push_str("    }\n}\n");
        }
        Item::Struct { doc, fields } => {
            out.push_str(&doc_comment(doc, ""));
            let derives = if default {
                "Debug, Clone, Default, PartialEq, Serialize, Deserialize"
            } else {
                "Debug, Clone, PartialEq, Serialize, Deserialize"
            };
            let _ = writeln!(out, "#[derive({derives})]");
            let _ = writeln!(out, "pub struct {name} {{");
            for f in fields {
                out.push_str(&doc_comment(&f.doc, "    "));
                let ty = if f.boxed {
                    format!("Box<{}>", f.ty)
                } else {
                    f.ty.clone()
                };
                let rename = if f.rust.trim_start_matches("r#") != f.wire {
                    format!("rename = {:?}", f.wire)
                } else {
                    String::new()
                };
                if f.optional {
                    let sep = if rename.is_empty() { "" } else { ", " };
                    let _ = writeln!(
                        out,
                        "    #[serde({rename}{sep}default, skip_serializing_if = \"Option::is_none\")]"
                    );
                    let _ = writeln!(out, "    pub {}: Option<{ty}>,", f.rust);
                } else {
                    if !rename.is_empty() {
                        let _ = writeln!(out, "    #[serde({rename})]");
                    }
                    if f.nullable {
                        // Sent even when `None`: `null` is the value (e.g. "unassign").
                        let _ = writeln!(out, "    pub {}: Option<{ty}>,", f.rust);
                    } else {
                        let _ = writeln!(out, "    pub {}: {ty},", f.rust);
                    }
                }
            }
            out.push_str(
                "    /// Fields the spec does not list, kept so that a read-modify-write loses nothing.\n    #[serde(flatten)]\n    pub extra: serde_json::Map<String, serde_json::Value>,\n}\n",
            );
        }
    }
}

fn description(schema: &Value) -> String {
    schema
        .get("description")
        .or_else(|| schema.get("title"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// `///` lines for a spec description: lines trimmed (an indented line would read as a doctest) and
/// code fences disarmed for the same reason.
pub fn doc_comment(text: &str, indent: &str) -> String {
    let mut out = String::new();
    for line in text.trim().lines() {
        let line = line.trim().replace("```", "'''");
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
    out
}

fn unique(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|c| !taken.contains(c))
        .unwrap_or_else(|| base.to_string())
}

fn unique_snake(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    let stem = base.trim_start_matches("r#").trim_end_matches('_');
    (2..)
        .map(|n| format!("{stem}_{n}"))
        .find(|c| !taken.contains(c))
        .unwrap_or_else(|| base.to_string())
}

/// Words of an identifier: split at non-alphanumerics and at camel-case humps (`RCExtensionId` →
/// `RC`, `Extension`, `Id`).
fn words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A type name: the words of `s`, each capitalized, the rest kept as written.
pub fn pascal(s: &str) -> String {
    let mut out = String::new();
    for w in s.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = w.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

fn variant_name(value: &str) -> String {
    let out: String = words(value)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if out.is_empty() {
        return "Empty".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("V{out}");
    }
    if out == "Self" {
        return "SelfValue".into();
    }
    out
}

/// A field or method name: snake case, with keywords given a trailing underscore (`type` → `type_`).
pub fn snake(s: &str) -> String {
    let mut out = words(s)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() {
        out.push_str("field");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_rust_conventions() {
        assert_eq!(snake("showFederated"), "show_federated");
        assert_eq!(snake("RCExtensionId"), "rc_extension_id");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("If-None-Match"), "if_none_match");
        assert_eq!(pascal("Internal Contacts"), "InternalContacts");
        assert_eq!(pascal("listDirectoryEntries"), "ListDirectoryEntries");
        assert_eq!(variant_name("NotActivated"), "NotActivated");
        assert_eq!(variant_name("application/json"), "ApplicationJson");
        assert_eq!(variant_name("2FA"), "V2Fa");
    }

    #[test]
    fn doc_comments_cannot_become_doctests() {
        let doc = doc_comment("Line\n    indented\n```\ncode\n```", "");
        assert_eq!(doc, "/// Line\n/// indented\n/// '''\n/// code\n/// '''\n");
    }
}
