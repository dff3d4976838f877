//! SCIM PATCH (RFC 7644 section 3.5.2): parsing a `PatchOp` body and applying its operations to a
//! resource held as JSON, all of them or none.
//!
//! Paths may carry a schema URN (`urn:...:enterprise:2.0:User:department`), a sub-attribute
//! (`name.givenName`) and a value filter (`emails[type eq "work"].value`). Operation names ignore case
//! (Azure AD sends `Replace`), and booleans also come as the strings `"True"`/`"False"`. Attributes that
//! the schema does not know are ignored inside values, as in a POST body, but rejected as a `path`.

use std::fmt;

use serde_json::{Map, Value};

use super::error::ScimError;
use super::filter::{
    AttrPath, CompValue, CompareOp, Filter, MAX_FILTER_LEN, Matcher, Parser, Resolved, Tok,
    is_unassigned, lex, parse_attr_path, resolve, resolve_in, schema_ref, valid_attr_name,
};
use super::schema::{
    AttrDef, AttrType, COMMON_ATTRIBUTES, Mutability, ResourceType, SchemaDef, get_ci,
};

/// The `schemas` value of a PATCH request body.
pub const PATCH_OP_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchOpKind {
    Add,
    Remove,
    Replace,
}

impl PatchOpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PatchOpKind::Add => "add",
            PatchOpKind::Remove => "remove",
            PatchOpKind::Replace => "replace",
        }
    }

    /// Case-insensitive, since Azure AD capitalises operation names.
    pub fn parse(text: &str) -> Option<PatchOpKind> {
        [PatchOpKind::Add, PatchOpKind::Remove, PatchOpKind::Replace]
            .into_iter()
            .find(|op| op.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for PatchOpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A PATCH path: `attrPath`, or `attrPath[valFilter]` optionally followed by `.subAttr`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
    /// The sub-attribute after `[...]`, as in `emails[type eq "work"].value`.
    pub sub: Option<String>,
}

impl PatchPath {
    /// Parses a path, answering `invalidPath` (or `invalidFilter` for the part in brackets).
    pub fn parse(text: &str) -> Result<PatchPath, ScimError> {
        let bad = |e: String| ScimError::invalid_path(format!("path '{text}': {e}"));
        if text.chars().count() > MAX_FILTER_LEN {
            return Err(bad(format!("longer than {MAX_FILTER_LEN} characters")));
        }
        let tokens = lex(text).map_err(bad)?;
        let mut parser = Parser::new(&tokens);
        let Some(Tok::Word(word)) = parser.peek() else {
            return Err(bad("expected an attribute name".into()));
        };
        let attr = parse_attr_path(word).map_err(bad)?;
        parser.i += 1;
        let mut path = PatchPath {
            attr,
            filter: None,
            sub: None,
        };
        if parser.peek() == Some(&Tok::LBracket) {
            if path.attr.sub.is_some() {
                return Err(bad(
                    "[...] selects values of a multi-valued attribute, not of a sub-attribute"
                        .into(),
                ));
            }
            parser.i += 1;
            let filter = parser
                .parse_or(true)
                .map_err(|e| ScimError::invalid_filter(format!("path '{text}': {e}")))?;
            if parser.peek() != Some(&Tok::RBracket) {
                return Err(bad("the [...] filter is not closed with ']'".into()));
            }
            parser.i += 1;
            path.filter = Some(filter);
            if let Some(Tok::Word(w)) = parser.peek() {
                let sub = w.strip_prefix('.').unwrap_or_default();
                if !w.starts_with('.') || !valid_attr_name(sub) {
                    return Err(bad(format!(
                        "after [...] only '.' and a sub-attribute name may follow, not '{w}'"
                    )));
                }
                path.sub = Some(sub.to_string());
                parser.i += 1;
            }
        }
        if let Some(t) = tokens.get(parser.i) {
            return Err(bad(format!("unexpected {} at character {}", t.tok, t.pos)));
        }
        Ok(path)
    }
}

impl fmt::Display for PatchPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.attr)?;
        if let Some(filter) = &self.filter {
            write!(f, "[{filter}]")?;
        }
        if let Some(sub) = &self.sub {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// One operation of a PATCH request.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchOperation {
    pub op: PatchOpKind,
    pub path: Option<PatchPath>,
    pub value: Option<Value>,
}

/// A parsed `PatchOp` request body.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchRequest {
    pub operations: Vec<PatchOperation>,
}

pub(crate) use ringcentral_api::json_kind as kind;

impl PatchRequest {
    /// Reads a `PatchOp` body, answering `invalidSyntax`, `invalidPath`, `noTarget` or `invalidValue`
    /// for what is wrong with it.
    pub fn from_json(body: &Value) -> Result<PatchRequest, ScimError> {
        let Some(obj) = body.as_object() else {
            return Err(ScimError::invalid_syntax(format!(
                "the PATCH body must be a JSON object with schemas and Operations, not {}",
                kind(body)
            )));
        };
        let has_schema = get_ci(obj, "schemas")
            .and_then(Value::as_array)
            .is_some_and(|s| {
                s.iter().any(|u| {
                    u.as_str()
                        .is_some_and(|u| u.eq_ignore_ascii_case(PATCH_OP_SCHEMA))
                })
            });
        if !has_schema {
            return Err(ScimError::invalid_syntax(format!(
                "the PATCH body must have \"schemas\": [\"{PATCH_OP_SCHEMA}\"]"
            )));
        }
        let operations = match get_ci(obj, "Operations") {
            Some(Value::Array(ops)) if !ops.is_empty() => ops,
            Some(Value::Array(_)) => {
                return Err(ScimError::invalid_syntax(
                    "Operations is empty; give at least one add, remove or replace",
                ));
            }
            Some(other) => {
                return Err(ScimError::invalid_syntax(format!(
                    "Operations must be an array, not {}",
                    kind(other)
                )));
            }
            None => {
                return Err(ScimError::invalid_syntax(
                    "the PATCH body has no Operations array",
                ));
            }
        };
        let operations = operations
            .iter()
            .enumerate()
            .map(|(i, op)| parse_operation(i, op))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PatchRequest { operations })
    }

    /// Applies every operation to a copy of `resource` and returns it, or the first error and no change.
    /// The result has canonical attribute names, no unassigned values, and `schemas` listing the core
    /// schema and the extensions present.
    pub fn apply(&self, resource: &Value, rt: &'static ResourceType) -> Result<Value, ScimError> {
        let Some(original) = resource.as_object() else {
            return Err(ScimError::internal(
                "the stored resource is not a JSON object",
            ));
        };
        let mut root = canonical_resource(original, rt);
        for (i, op) in self.operations.iter().enumerate() {
            apply_operation(&mut root, op, rt).map_err(|e| {
                let at = match &op.path {
                    Some(p) => format!("Operations[{i}] ({} {p})", op.op),
                    None => format!("Operations[{i}] ({})", op.op),
                };
                ScimError {
                    detail: format!("{at}: {}", e.detail),
                    ..e
                }
            })?;
        }
        finish(&mut root, rt)?;
        Ok(Value::Object(root))
    }
}

fn parse_operation(i: usize, op: &Value) -> Result<PatchOperation, ScimError> {
    let Some(obj) = op.as_object() else {
        return Err(ScimError::invalid_syntax(format!(
            "Operations[{i}] must be an object with op, path and value, not {}",
            kind(op)
        )));
    };
    let name = get_ci(obj, "op")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(kind_) = PatchOpKind::parse(name) else {
        return Err(ScimError::invalid_syntax(format!(
            "Operations[{i}].op must be add, remove or replace, not '{name}'"
        )));
    };
    let path = match get_ci(obj, "path") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) if p.trim().is_empty() => None,
        Some(Value::String(p)) => Some(PatchPath::parse(p.trim()).map_err(|e| ScimError {
            detail: format!("Operations[{i}]: {}", e.detail),
            ..e
        })?),
        Some(other) => {
            return Err(ScimError::invalid_path(format!(
                "Operations[{i}].path must be a string, not {}",
                kind(other)
            )));
        }
    };
    let value = get_ci(obj, "value").cloned();
    match kind_ {
        PatchOpKind::Remove if path.is_none() => Err(ScimError::no_target(format!(
            "Operations[{i}]: remove needs a path naming what to remove"
        ))),
        PatchOpKind::Add | PatchOpKind::Replace if value.is_none() => Err(
            ScimError::invalid_value(format!("Operations[{i}]: {kind_} needs a value")),
        ),
        _ => Ok(PatchOperation {
            op: kind_,
            path,
            value,
        }),
    }
}

// ---------------------------------------------------------------------------------------------------
// Canonical form

pub(crate) fn lookup_top(rt: &'static ResourceType, name: &str) -> Option<&'static AttrDef> {
    COMMON_ATTRIBUTES
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
        .or_else(|| rt.schema.attr(name))
}

/// Renames keys to the schema's spelling so that the operations can use plain map access.
fn canonical_value(value: &Value, def: &'static AttrDef) -> Value {
    match value {
        Value::Array(items) if def.multi_valued => Value::Array(
            items
                .iter()
                .map(|item| canonical_single(item, def))
                .collect(),
        ),
        other => canonical_single(other, def),
    }
}

fn canonical_single(value: &Value, def: &'static AttrDef) -> Value {
    match value {
        Value::Object(obj) if def.ty == AttrType::Complex => {
            let mut out = Map::new();
            for (k, v) in obj {
                let key = def.sub(k).map_or_else(|| k.clone(), |s| s.name.to_string());
                out.insert(key, v.clone());
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn canonical_resource(obj: &Map<String, Value>, rt: &'static ResourceType) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in obj {
        if let Some(def) = lookup_top(rt, k) {
            out.insert(def.name.to_string(), canonical_value(v, def));
        } else if let Some(ext) = rt.extension(k) {
            let mut inner = Map::new();
            if let Some(ext_obj) = v.as_object() {
                for (ik, iv) in ext_obj {
                    match ext.attr(ik) {
                        Some(def) => inner.insert(def.name.to_string(), canonical_value(iv, def)),
                        None => inner.insert(ik.clone(), iv.clone()),
                    };
                }
            }
            out.insert(ext.id.to_string(), Value::Object(inner));
        } else if k.eq_ignore_ascii_case("schemas") {
            out.insert("schemas".into(), v.clone());
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// Values

/// Checks one value against an attribute's type, keeping only known sub-attributes of complex values.
/// Nulls inside complex values survive, to mean "unassign this sub-attribute" when merging.
pub(crate) fn coerce(value: &Value, def: &'static AttrDef, what: &str) -> Result<Value, ScimError> {
    let wrong = |expected: &str| {
        ScimError::invalid_value(format!("{what} must be {expected}, not {}", kind(value)))
    };
    match def.ty {
        AttrType::String | AttrType::Reference => match value {
            Value::String(_) => Ok(value.clone()),
            _ => Err(wrong("a string")),
        },
        AttrType::Boolean => match value {
            Value::Bool(_) => Ok(value.clone()),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(wrong("true or false")),
        },
        AttrType::Integer => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(value.clone()),
            _ => Err(wrong("an integer")),
        },
        AttrType::Decimal => match value {
            Value::Number(_) => Ok(value.clone()),
            _ => Err(wrong("a number")),
        },
        AttrType::DateTime => match value {
            Value::String(s) if chrono::DateTime::parse_from_rfc3339(s).is_ok() => {
                Ok(value.clone())
            }
            _ => Err(wrong("a date and time such as \"2024-01-31T09:30:00Z\"")),
        },
        AttrType::Complex => match value {
            Value::Object(obj) => {
                let mut out = Map::new();
                for (k, v) in obj {
                    let Some(sub) = def.sub(k) else { continue };
                    let v = if v.is_null() {
                        Value::Null
                    } else {
                        coerce(v, sub, &format!("{what}.{}", sub.name))?
                    };
                    out.insert(sub.name.to_string(), v);
                }
                Ok(Value::Object(out))
            }
            _ => {
                let names: Vec<&str> = def.sub_attributes.iter().map(|s| s.name).collect();
                Err(wrong(&format!("an object with {}", names.join(", "))))
            }
        },
    }
}

/// A value for a multi-valued attribute: an array, or one value that stands for a one-element array.
pub(crate) fn coerce_multi(
    value: &Value,
    def: &'static AttrDef,
    what: &str,
) -> Result<Vec<Value>, ScimError> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| coerce(v, def, what))
            .collect(),
        other => Ok(vec![coerce(other, def, what)?]),
    }
}

fn merge(dst: &mut Map<String, Value>, src: Map<String, Value>) {
    for (k, v) in src {
        if v.is_null() {
            dst.remove(&k);
        } else {
            dst.insert(k, v);
        }
    }
}

fn into_object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Whether `item` is one of the values a remove names: equal, or with an equal `value` sub-attribute.
fn same_value(item: &Value, given: &Value, def: &AttrDef) -> bool {
    if item == given {
        return true;
    }
    let value_def = def.sub("value");
    match (item, given, value_def) {
        (Value::Object(a), Value::Object(b), Some(vd)) => match (a.get(vd.name), b.get(vd.name)) {
            (Some(Value::String(x)), Some(Value::String(y))) if !vd.case_exact => {
                x.to_lowercase() == y.to_lowercase()
            }
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------------
// Operations

/// What one operation addresses.
enum Target {
    /// A whole extension object, addressed by its URN.
    Extension(&'static SchemaDef),
    Attr {
        extension: Option<&'static SchemaDef>,
        attr: &'static AttrDef,
        /// Which values of a multi-valued attribute, with the filter they came from.
        selector: Option<Box<(Matcher, Filter)>>,
        sub: Option<&'static AttrDef>,
    },
}

fn target_of(path: &PatchPath, rt: &'static ResourceType) -> Result<Target, ScimError> {
    if let Some(schema) = schema_ref(rt, &path.attr) {
        if path.filter.is_some() || path.sub.is_some() || std::ptr::eq(schema, rt.schema) {
            return Err(ScimError::invalid_path(format!(
                "'{path}' names a schema; name an attribute, as in {}:{}",
                schema.id,
                schema.attributes.first().map_or("userName", |a| a.name)
            )));
        }
        return Ok(Target::Extension(schema));
    }
    let Resolved {
        extension,
        attr,
        sub,
    } = resolve(rt, &path.attr).map_err(ScimError::invalid_path)?;
    let Some(filter) = &path.filter else {
        return Ok(Target::Attr {
            extension,
            attr,
            selector: None,
            sub,
        });
    };
    if !(attr.ty == AttrType::Complex && attr.multi_valued) {
        return Err(ScimError::invalid_path(format!(
            "[...] selects values of a multi-valued attribute, and {} has a single value",
            attr.name
        )));
    }
    let matcher = Matcher::for_values_of(attr, filter)
        .map_err(|e| ScimError::invalid_filter(format!("in [...]: {e}")))?;
    let sub = match &path.sub {
        None => None,
        Some(name) => Some(attr.sub(name).ok_or_else(|| {
            ScimError::invalid_path(format!("'{}' has no sub-attribute '{name}'", attr.name))
        })?),
    };
    Ok(Target::Attr {
        extension,
        attr,
        selector: Some(Box::new((matcher, filter.clone()))),
        sub,
    })
}

fn container_mut<'a>(
    root: &'a mut Map<String, Value>,
    extension: Option<&'static SchemaDef>,
    create: bool,
) -> Option<&'a mut Map<String, Value>> {
    let Some(ext) = extension else {
        return Some(root);
    };
    if create && !root.get(ext.id).is_some_and(Value::is_object) {
        root.insert(ext.id.to_string(), Value::Object(Map::new()));
    }
    root.get_mut(ext.id).and_then(Value::as_object_mut)
}

fn check_mutability(
    attr: &AttrDef,
    sub: Option<&AttrDef>,
    current: Option<&Value>,
) -> Result<(), ScimError> {
    let def = match sub {
        Some(s) if s.mutability != Mutability::ReadWrite => s,
        _ => attr,
    };
    match def.mutability {
        Mutability::ReadOnly => Err(ScimError::mutability(format!("{} is read-only", def.name))),
        Mutability::Immutable if current.is_some_and(|v| !is_unassigned(v)) => Err(
            ScimError::mutability(format!("{} is immutable once set", def.name)),
        ),
        _ => Ok(()),
    }
}

fn apply_operation(
    root: &mut Map<String, Value>,
    op: &PatchOperation,
    rt: &'static ResourceType,
) -> Result<(), ScimError> {
    let Some(path) = &op.path else {
        let value = op.value.as_ref().unwrap_or(&Value::Null);
        return apply_without_path(root, op.op, value, rt);
    };
    match target_of(path, rt)? {
        Target::Extension(ext) => apply_to_extension(root, op.op, ext, op.value.as_ref()),
        Target::Attr {
            extension,
            attr,
            selector,
            sub,
        } => {
            let current = match extension {
                Some(ext) => root.get(ext.id).and_then(|c| c.get(attr.name)),
                None => root.get(attr.name),
            };
            check_mutability(attr, sub, current)?;
            match selector {
                None => apply_to_attr(root, op.op, extension, attr, sub, op.value.as_ref()),
                Some(selected) => apply_to_selected(
                    root,
                    op.op,
                    extension,
                    attr,
                    (&selected.0, &selected.1),
                    sub,
                    op.value.as_ref(),
                ),
            }
        }
    }
}

/// `add`/`replace` without a path: the value is a fragment of the resource.
fn apply_without_path(
    root: &mut Map<String, Value>,
    op: PatchOpKind,
    value: &Value,
    rt: &'static ResourceType,
) -> Result<(), ScimError> {
    let Some(fragment) = value.as_object() else {
        return Err(ScimError::invalid_value(format!(
            "without a path the value must be an object of attributes, not {}",
            kind(value)
        )));
    };
    for (key, v) in fragment {
        if key.eq_ignore_ascii_case("schemas") {
            continue;
        }
        if let Some(ext) = rt.extension(key) {
            apply_to_extension(root, op, ext, Some(v))?;
            continue;
        }
        // Keys may be paths (`name.givenName`, `urn:...:department`), as Azure AD sends them.
        let Ok(path) = parse_attr_path(key) else {
            continue;
        };
        let Ok(Resolved {
            extension,
            attr,
            sub,
        }) = resolve(rt, &path)
        else {
            continue;
        };
        let top = match extension {
            Some(ext) => root.get(ext.id).and_then(|c| c.get(attr.name)),
            None => root.get(attr.name),
        };
        let current = match sub {
            Some(s) => top.and_then(|t| t.get(s.name)),
            None => top,
        };
        let readonly = attr.mutability == Mutability::ReadOnly
            || sub.is_some_and(|s| s.mutability == Mutability::ReadOnly);
        // Clients echo read-only attributes such as id; that is harmless when nothing changes.
        if readonly && current == Some(v) {
            continue;
        }
        let current = current.cloned();
        check_mutability(attr, sub, current.as_ref())?;
        apply_to_attr(root, op, extension, attr, sub, Some(v))?;
    }
    Ok(())
}

fn apply_to_extension(
    root: &mut Map<String, Value>,
    op: PatchOpKind,
    ext: &'static SchemaDef,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    if op == PatchOpKind::Remove {
        root.shift_remove(ext.id);
        return Ok(());
    }
    let value = value.unwrap_or(&Value::Null);
    let Some(fragment) = value.as_object() else {
        return Err(ScimError::invalid_value(format!(
            "the value for {} must be an object of its attributes, not {}",
            ext.id,
            kind(value)
        )));
    };
    for (key, v) in fragment {
        let Some(attr) = ext.attr(key) else { continue };
        check_mutability(attr, None, None)?;
        apply_to_attr(root, op, Some(ext), attr, None, Some(v))?;
    }
    Ok(())
}

/// An operation on a whole attribute, or on a sub-attribute of it (of every value, if multi-valued).
fn apply_to_attr(
    root: &mut Map<String, Value>,
    op: PatchOpKind,
    extension: Option<&'static SchemaDef>,
    attr: &'static AttrDef,
    sub: Option<&'static AttrDef>,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let create = op != PatchOpKind::Remove;
    let Some(container) = container_mut(root, extension, create) else {
        return Ok(());
    };
    let value = value.unwrap_or(&Value::Null);
    if let Some(sub) = sub {
        let what = format!("{}.{}", attr.name, sub.name);
        let new = match op {
            PatchOpKind::Remove => None,
            _ if value.is_null() && op == PatchOpKind::Replace => None,
            PatchOpKind::Add if value.is_null() => {
                return Err(ScimError::invalid_value(format!(
                    "add needs a value for {what}"
                )));
            }
            _ => Some(coerce(value, sub, &what)?),
        };
        if attr.multi_valued {
            let items = container.get_mut(attr.name).and_then(Value::as_array_mut);
            let Some(items) = items.filter(|items| !items.is_empty()) else {
                if new.is_some() {
                    return Err(ScimError::no_target(format!(
                        "{} has no values to set {} on; add whole values instead",
                        attr.name, sub.name
                    )));
                }
                return Ok(());
            };
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                set_or_remove(item, sub.name, new.clone());
            }
        } else {
            if new.is_none() && !container.contains_key(attr.name) {
                return Ok(());
            }
            let slot = container
                .entry(attr.name)
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Some(obj) = slot.as_object_mut() {
                set_or_remove(obj, sub.name, new);
            }
        }
        return Ok(());
    }

    let what = attr.name;
    match op {
        PatchOpKind::Remove => {
            if let (true, Some(given)) = (attr.multi_valued, Some(value).filter(|v| !v.is_null())) {
                let given = coerce_multi(given, attr, what)?;
                if let Some(items) = container.get_mut(attr.name).and_then(Value::as_array_mut) {
                    items.retain(|item| !given.iter().any(|g| same_value(item, g, attr)));
                }
            } else {
                container.shift_remove(attr.name);
            }
        }
        PatchOpKind::Add if value.is_null() => {
            return Err(ScimError::invalid_value(format!(
                "add needs a value for {what}"
            )));
        }
        PatchOpKind::Replace if value.is_null() => {
            container.shift_remove(attr.name);
        }
        PatchOpKind::Add | PatchOpKind::Replace if attr.multi_valued => {
            let new = coerce_multi(value, attr, what)?;
            let slot = container.entry(attr.name).or_insert(Value::Null);
            let mut items = match (op, std::mem::take(slot)) {
                (PatchOpKind::Add, Value::Array(items)) => items,
                _ => Vec::new(),
            };
            for v in new {
                if !items.contains(&v) {
                    items.push(v);
                }
            }
            *slot = Value::Array(items);
        }
        PatchOpKind::Add | PatchOpKind::Replace if attr.ty == AttrType::Complex => {
            // Sub-attributes not named in the value stay as they are (RFC 7644 section 3.5.2.1/3).
            let new = into_object(coerce(value, attr, what)?);
            let slot = container.entry(attr.name).or_insert(Value::Null);
            let mut current = into_object(std::mem::take(slot));
            merge(&mut current, new);
            *slot = Value::Object(current);
        }
        PatchOpKind::Add | PatchOpKind::Replace => {
            container.insert(attr.name.to_string(), coerce(value, attr, what)?);
        }
    }
    Ok(())
}

fn set_or_remove(obj: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    match value {
        Some(v) => {
            obj.insert(key.to_string(), v);
        }
        None => {
            obj.shift_remove(key);
        }
    }
}

/// The `eq` tests of a filter made only of `and`-ed equalities, which describe a value to create when
/// an `add` finds no value to change (`emails[type eq "work"].value` on a user without a work email).
fn equalities(filter: &Filter, parent: &'static AttrDef, out: &mut Map<String, Value>) -> bool {
    match filter {
        Filter::And(l, r) => equalities(l, parent, out) && equalities(r, parent, out),
        Filter::Compare(path, CompareOp::Eq, value) => {
            let Ok(def) = resolve_in(parent, path) else {
                return false;
            };
            let v = match value {
                CompValue::String(s) => Value::String(s.clone()),
                CompValue::Bool(b) => Value::Bool(*b),
                CompValue::Number(n) => Value::Number(n.clone()),
                CompValue::Null => return false,
            };
            out.insert(def.name.to_string(), v);
            true
        }
        _ => false,
    }
}

/// An operation on the values of a multi-valued attribute that a `[...]` filter selects.
fn apply_to_selected(
    root: &mut Map<String, Value>,
    op: PatchOpKind,
    extension: Option<&'static SchemaDef>,
    attr: &'static AttrDef,
    (matcher, filter): (&Matcher, &Filter),
    sub: Option<&'static AttrDef>,
    value: Option<&Value>,
) -> Result<(), ScimError> {
    let value = value.unwrap_or(&Value::Null);
    let what = match sub {
        Some(s) => format!("{}[{filter}].{}", attr.name, s.name),
        None => format!("{}[{filter}]", attr.name),
    };
    let new = match (op, sub) {
        (PatchOpKind::Remove, _) => None,
        (PatchOpKind::Replace, Some(_)) if value.is_null() => None,
        (_, _) if value.is_null() => {
            return Err(ScimError::invalid_value(format!(
                "{op} needs a value for {what}"
            )));
        }
        (_, Some(s)) => Some(coerce(value, s, &what)?),
        (_, None) => Some(coerce(value, attr, &what)?),
    };
    let Some(container) = container_mut(root, extension, op == PatchOpKind::Add) else {
        return Err(ScimError::no_target(format!("no value matches {what}")));
    };
    let slot = container.entry(attr.name).or_insert(Value::Null);
    let mut items = match std::mem::take(slot) {
        Value::Array(items) => items,
        _ => Vec::new(),
    };
    let hits: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| matcher.matches(item))
        .map(|(i, _)| i)
        .collect();
    let outcome = if hits.is_empty() {
        let mut created = Map::new();
        if op == PatchOpKind::Add && equalities(filter, attr, &mut created) {
            match (sub, new) {
                (Some(s), Some(v)) => {
                    created.insert(s.name.to_string(), v);
                }
                (None, Some(v)) => merge(&mut created, into_object(v)),
                _ => {}
            }
            items.push(Value::Object(created));
            Ok(())
        } else {
            Err(ScimError::no_target(format!(
                "no value of {} matches [{filter}]",
                attr.name
            )))
        }
    } else {
        match (op, sub) {
            (PatchOpKind::Remove, None) => {
                let mut index = 0;
                items.retain(|_| {
                    let keep = !hits.contains(&index);
                    index += 1;
                    keep
                });
            }
            (PatchOpKind::Replace, None) => {
                for &i in &hits {
                    if let (Some(slot), Some(v)) = (items.get_mut(i), new.clone()) {
                        *slot = v;
                    }
                }
            }
            (PatchOpKind::Add, None) => {
                for &i in &hits {
                    if let (Some(Value::Object(obj)), Some(v)) = (items.get_mut(i), new.clone()) {
                        merge(obj, into_object(v));
                    }
                }
            }
            (_, Some(s)) => {
                for &i in &hits {
                    if let Some(Value::Object(obj)) = items.get_mut(i) {
                        set_or_remove(obj, s.name, new.clone());
                    }
                }
            }
        }
        Ok(())
    };
    *slot = Value::Array(items);
    outcome
}

// ---------------------------------------------------------------------------------------------------
// Result checks

/// Drops unassigned values, recursively.
fn prune(value: &mut Value) {
    match value {
        Value::Object(obj) => {
            for v in obj.values_mut() {
                prune(v);
            }
            obj.retain(|_, v| !is_unassigned(v));
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                prune(v);
            }
            items.retain(|v| !is_unassigned(v));
        }
        _ => {}
    }
}

fn check_required(
    container: &Map<String, Value>,
    attrs: &'static [AttrDef],
) -> Result<(), ScimError> {
    for attr in attrs {
        let value = container.get(attr.name);
        if attr.required && value.is_none_or(is_unassigned) {
            return Err(ScimError::invalid_value(format!(
                "{} is required; the request would leave it unassigned",
                attr.name
            )));
        }
        if attr.ty != AttrType::Complex {
            continue;
        }
        let items: Vec<&Value> = match value {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(other) => vec![other],
            None => Vec::new(),
        };
        for (i, item) in items.iter().enumerate() {
            let Some(obj) = item.as_object() else {
                continue;
            };
            for sub in attr.sub_attributes.iter().filter(|s| s.required) {
                if obj.get(sub.name).is_none_or(is_unassigned) {
                    let at = if attr.multi_valued {
                        format!("{}[{i}].{}", attr.name, sub.name)
                    } else {
                        format!("{}.{}", attr.name, sub.name)
                    };
                    return Err(ScimError::invalid_value(format!("{at} is required")));
                }
            }
        }
    }
    Ok(())
}

/// Prunes, rebuilds `schemas` from the extensions present, and checks required attributes.
pub(crate) fn finish(
    root: &mut Map<String, Value>,
    rt: &'static ResourceType,
) -> Result<(), ScimError> {
    root.shift_remove("schemas");
    let mut value = Value::Object(std::mem::take(root));
    prune(&mut value);
    *root = into_object(value);
    let mut list = vec![Value::String(rt.schema.id.to_string())];
    for ext in rt.extensions {
        if root.contains_key(ext.schema.id) {
            list.push(Value::String(ext.schema.id.to_string()));
        }
    }
    // Keep `schemas` first, where clients and people expect it.
    let rest = std::mem::take(root);
    root.insert("schemas".into(), Value::Array(list));
    root.extend(rest);
    check_required(root, rt.schema.attributes)?;
    for ext in rt.extensions {
        let empty = Map::new();
        let obj = root
            .get(ext.schema.id)
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        if ext.required || !obj.is_empty() {
            check_required(obj, ext.schema.attributes)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
