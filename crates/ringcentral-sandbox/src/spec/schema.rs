//! The spec's JSON Schemas as parsed values: the shared definitions, each operation's parameter,
//! body and response schemas, `$ref` lookup, and bundling into self-contained documents.
//!
//! Everything is parsed once per process and kept for its lifetime, so that the generator and the
//! checker can hand out `&'static` references into schemas without copying them.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use serde_json::{Map, Value};

use ringcentral_api::{DEFS, OPERATIONS, Operation, RequestBody};

/// The parsed schemas of one operation.
#[derive(Debug)]
pub(crate) struct OpSchemas {
    /// The success response's JSON Schema, when the response is JSON.
    pub response: Option<Value>,
    /// The request body's JSON Schema for each content type the spec lists, in the spec's order.
    pub bodies: Vec<(&'static str, Value)>,
    /// One schema per parameter, in the order of [`Operation::params`].
    pub params: Vec<Value>,
}

/// Generated schema text comes from serde_json and always parses; should that ever change, the
/// empty schema (which accepts anything) stands in rather than a panic.
fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::Object(Map::new()))
}

fn parsed_defs() -> &'static [Value] {
    static PARSED: OnceLock<Vec<Value>> = OnceLock::new();
    PARSED.get_or_init(|| DEFS.iter().map(|d| parse(d.schema)).collect())
}

fn parsed_ops() -> &'static HashMap<&'static str, OpSchemas> {
    static PARSED: OnceLock<HashMap<&'static str, OpSchemas>> = OnceLock::new();
    PARSED.get_or_init(|| {
        OPERATIONS
            .iter()
            .map(|op| {
                let schemas = OpSchemas {
                    response: op.response.schema.map(parse),
                    bodies: op.body.as_ref().map(body_schemas).unwrap_or_default(),
                    params: op.params.iter().map(|p| parse(p.schema)).collect(),
                };
                (op.operation_id, schemas)
            })
            .collect()
    })
}

/// The body's schema for every content type; every definition they name is in the generated
/// table. An operation whose spec lists no content type keeps the one schema the catalog has.
fn body_schemas(body: &RequestBody) -> Vec<(&'static str, Value)> {
    if body.schemas.is_empty() {
        return vec![(body.content_type, parse(body.schema))];
    }
    body.schemas.iter().map(|(ct, s)| (*ct, parse(s))).collect()
}

impl OpSchemas {
    /// The body schema for a media type (lower-case, without parameters) and its index in
    /// [`OpSchemas::bodies`]: the declared type itself, else, for a JSON or multipart type the
    /// operation does not list by name, the first declared type of the same kind. `None` when the
    /// operation does not take that media type.
    pub(crate) fn body_for(&self, media: &str) -> Option<(usize, &'static str, &Value)> {
        let found = self
            .bodies
            .iter()
            .position(|(ct, _)| ct.eq_ignore_ascii_case(media))
            .or_else(|| {
                let json = super::media::is_json(media);
                let multipart = media.starts_with("multipart/");
                self.bodies.iter().position(|(ct, _)| {
                    (json && ct.eq_ignore_ascii_case("application/json"))
                        || (multipart && ct.starts_with("multipart/"))
                })
            })
            .or_else(|| {
                // Any `+json` type the operation lists stands in for another JSON type only when
                // the operation lists no plain JSON.
                super::media::is_json(media)
                    .then(|| {
                        self.bodies
                            .iter()
                            .position(|(ct, _)| super::media::is_json(ct))
                    })
                    .flatten()
            })?;
        let (ct, schema) = &self.bodies[found];
        Some((found, ct, schema))
    }

    /// The body schema of the content type the catalog sends (the first JSON one the spec lists).
    pub(crate) fn default_body(&self, op: &Operation) -> Option<&Value> {
        let ct = op.body.as_ref()?.content_type;
        self.bodies
            .iter()
            .find(|(c, _)| *c == ct)
            .or_else(|| self.bodies.first())
            .map(|(_, s)| s)
    }
}

/// The parsed schemas of `op`. Operations that are not part of the generated catalog (a test's own
/// operation, say) have none.
pub(crate) fn op_schemas(op: &Operation) -> Option<&'static OpSchemas> {
    parsed_ops().get(op.operation_id)
}

/// FNV-1a: definition names are short and trusted, so a fast non-keyed hash is the right tool.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FnvMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// A shared definition by name. Resolving `$ref`s is the generator's and checker's most frequent
/// step, hence the index.
pub(crate) fn def(name: &str) -> Option<&'static Value> {
    static INDEX: OnceLock<FnvMap<&'static str, &'static Value>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            DEFS.iter()
                .map(|d| d.name)
                .zip(parsed_defs().iter())
                .collect()
        })
        .get(name)
        .copied()
}

/// The definition a `$ref` string points at (`#/$defs/NAME`).
pub(crate) fn ref_target(reference: &str) -> Option<&'static Value> {
    reference.strip_prefix("#/$defs/").and_then(def)
}

/// The definition name of a `$ref` string.
pub(crate) fn ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/$defs/")
}

/// Every definition `root` reaches, transitively.
fn reachable(root: &Value) -> BTreeSet<&'static str> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&Value> = vec![root];
    while let Some(v) = pending.pop() {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if k == "$ref" {
                        if let Some(name) = child.as_str().and_then(ref_name) {
                            let i = DEFS.binary_search_by(|d| d.name.cmp(name)).ok();
                            if let Some(i) = i
                                && seen.insert(DEFS[i].name)
                                && let Some(target) = parsed_defs().get(i)
                            {
                                pending.push(target);
                            }
                        }
                    } else {
                        pending.push(child);
                    }
                }
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    seen
}

/// `root` with every definition it reaches under `$defs`: a self-contained JSON Schema document.
pub(crate) fn bundle(root: &Value) -> Value {
    let names = reachable(root);
    let mut doc = match root {
        Value::Object(map) => map.clone(),
        // A boolean schema cannot carry `$defs`; wrap it.
        other => {
            let mut map = Map::new();
            map.insert("allOf".to_owned(), Value::Array(vec![other.clone()]));
            map
        }
    };
    if !names.is_empty() {
        let defs: Map<String, Value> = names
            .into_iter()
            .filter_map(|n| def(n).map(|d| (n.to_owned(), d.clone())))
            .collect();
        doc.insert("$defs".to_owned(), Value::Object(defs));
    }
    Value::Object(doc)
}

/// The JSON types a schema admits, looking through `$ref`, `allOf`, `anyOf` and `oneOf`; `None`
/// when it does not say (any type). Used to turn text (query strings, form fields) into typed
/// values before validation.
pub(crate) fn admitted_types(schema: &Value) -> Option<BTreeSet<&'static str>> {
    fn walk(schema: &Value, depth: usize) -> Option<BTreeSet<&'static str>> {
        if depth > 16 {
            return None;
        }
        let map = schema.as_object()?;
        let mut own: Option<BTreeSet<&'static str>> = map.get("type").map(|t| match t {
            Value::String(s) => type_name(s).into_iter().collect(),
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().and_then(type_name))
                .collect(),
            _ => BTreeSet::new(),
        });
        if own.is_none()
            && let Some(values) = map.get("enum").and_then(Value::as_array)
        {
            own = Some(values.iter().map(json_type).collect());
        }
        let intersect = |own: &mut Option<BTreeSet<&'static str>>,
                         other: BTreeSet<&'static str>| {
            *own = Some(match own.take() {
                None => other,
                Some(mine) => mine.intersection(&other).copied().collect(),
            });
        };
        if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(ref_target)
            && let Some(t) = walk(target, depth + 1)
        {
            intersect(&mut own, t);
        }
        if let Some(all) = map.get("allOf").and_then(Value::as_array) {
            for s in all {
                if let Some(t) = walk(s, depth + 1) {
                    intersect(&mut own, t);
                }
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = map.get(key).and_then(Value::as_array) {
                let mut union = BTreeSet::new();
                for s in branches {
                    match walk(s, depth + 1) {
                        Some(t) => union.extend(t),
                        // One branch takes anything: so does the union.
                        None => return own,
                    }
                }
                intersect(&mut own, union);
            }
        }
        own
    }
    walk(schema, 0)
}

/// The schema of the items of an array schema, looking through `$ref` and `allOf`, and through
/// the array branch of an `anyOf`/`oneOf`.
pub(crate) fn items_schema(schema: &Value) -> Option<&Value> {
    fn walk(schema: &Value, depth: usize) -> Option<&Value> {
        if depth > 16 {
            return None;
        }
        let map = schema.as_object()?;
        if let Some(items) = map.get("items") {
            return Some(items);
        }
        if let Some(found) = map
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(ref_target)
            .and_then(|t| walk(t, depth + 1))
        {
            return Some(found);
        }
        ["allOf", "anyOf", "oneOf"]
            .iter()
            .filter_map(|k| map.get(*k).and_then(Value::as_array))
            .flatten()
            .find_map(|s| walk(s, depth + 1))
    }
    walk(schema, 0)
}

/// The schema of property `name` of an object schema, looking through `$ref`, `allOf`, `anyOf`
/// and `oneOf` (the first branch that declares it).
pub(crate) fn property_schema<'s>(schema: &'s Value, name: &str) -> Option<&'s Value> {
    fn walk<'s>(schema: &'s Value, name: &str, depth: usize) -> Option<&'s Value> {
        if depth > 16 {
            return None;
        }
        let map = schema.as_object()?;
        if let Some(p) = map
            .get("properties")
            .and_then(Value::as_object)
            .and_then(|props| props.get(name))
        {
            return Some(p);
        }
        if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(ref_target)
            && let Some(found) = walk(target, name, depth + 1)
        {
            return Some(found);
        }
        ["allOf", "anyOf", "oneOf"]
            .iter()
            .filter_map(|k| map.get(*k).and_then(Value::as_array))
            .flatten()
            .find_map(|s| walk(s, name, depth + 1))
    }
    walk(schema, name, 0)
}

/// The names of the top-level members of an object schema that hold files (`format: binary`, or
/// an array of such), looking through `$ref`, `allOf`, `anyOf` and `oneOf`, in declaration order.
pub(crate) fn binary_members(schema: &Value) -> Vec<&str> {
    fn is_binary(schema: &Value, depth: usize) -> bool {
        if depth > 16 {
            return false;
        }
        let Some(map) = schema.as_object() else {
            return false;
        };
        map.get("format").and_then(Value::as_str) == Some("binary")
            || map.get("items").is_some_and(|i| is_binary(i, depth + 1))
            || map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(ref_target)
                .is_some_and(|t| is_binary(t, depth + 1))
            || map
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|all| all.iter().any(|s| is_binary(s, depth + 1)))
    }
    fn walk<'s>(schema: &'s Value, depth: usize, out: &mut Vec<&'s str>) {
        if depth > 16 {
            return;
        }
        let Some(map) = schema.as_object() else {
            return;
        };
        if let Some(props) = map.get("properties").and_then(Value::as_object) {
            for (name, prop) in props {
                if is_binary(prop, 0) && !out.contains(&name.as_str()) {
                    out.push(name);
                }
            }
        }
        if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(ref_target) {
            walk(target, depth + 1, out);
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for s in map.get(key).and_then(Value::as_array).into_iter().flatten() {
                walk(s, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(schema, 0, &mut out);
    out
}

/// A numeric bound (`minimum` or `maximum`) of a schema, looking through `$ref` and `allOf`; the
/// tightest when several parts set one.
fn numeric_bound(schema: &Value, key: &str, depth: usize) -> Option<f64> {
    if depth > 16 {
        return None;
    }
    let map = schema.as_object()?;
    let tighter = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(x), Some(y)) if key == "minimum" => Some(x.max(y)),
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    let mut found = map.get(key).and_then(Value::as_f64);
    if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(ref_target) {
        found = tighter(found, numeric_bound(target, key, depth + 1));
    }
    for s in map
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        found = tighter(found, numeric_bound(s, key, depth + 1));
    }
    found
}

/// The largest value an answer's `paging` object can report for `name` (`page`, `perPage`):
/// RingCentral's paging model stops at page 1000 of 1000 records even where a parameter declares
/// no limit. `None` when the answer has no such bound.
pub(crate) fn paging_maximum(response: &Value, name: &str) -> Option<u64> {
    let member = property_schema(response, "paging").and_then(|p| property_schema(p, name))?;
    numeric_bound(member, "maximum", 0)
        .filter(|m| *m >= 1.0)
        .map(|m| m as u64)
}

fn type_name(s: &str) -> Option<&'static str> {
    Some(match s {
        "string" => "string",
        "integer" => "integer",
        "number" => "number",
        "boolean" => "boolean",
        "array" => "array",
        "object" => "object",
        "null" => "null",
        _ => return None,
    })
}

/// The JSON Schema type name of a value (`integer` for whole numbers).
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Removes, in `doc` and every schema under it, the names of `readOnly` properties from `required`:
/// OpenAPI 3.0 says a required read-only property is required in responses only, so a request
/// must not be refused for leaving it out.
pub(crate) fn relax_read_only(doc: &mut Value) {
    let defs_snapshot = doc.get("$defs").cloned();
    let is_read_only = |prop: &Value| -> bool {
        let mut cur = prop;
        for _ in 0..8 {
            if cur.get("readOnly").and_then(Value::as_bool) == Some(true) {
                return true;
            }
            let next = cur.get("$ref").and_then(Value::as_str).and_then(|r| {
                let name = ref_name(r)?;
                defs_snapshot.as_ref()?.get(name)
            });
            match next {
                Some(n) => cur = n,
                None => return false,
            }
        }
        false
    };
    fn visit(v: &mut Value, is_read_only: &dyn Fn(&Value) -> bool) {
        match v {
            Value::Object(map) => {
                let read_only: Vec<String> = map
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|props| {
                        props
                            .iter()
                            .filter(|(_, p)| is_read_only(p))
                            .map(|(k, _)| k.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                if !read_only.is_empty()
                    && let Some(Value::Array(required)) = map.get_mut("required")
                {
                    required
                        .retain(|r| r.as_str().is_none_or(|r| !read_only.iter().any(|n| n == r)));
                }
                for child in map.values_mut() {
                    visit(child, is_read_only);
                }
            }
            Value::Array(items) => {
                for item in items {
                    visit(item, is_read_only);
                }
            }
            _ => {}
        }
    }
    visit(doc, &is_read_only);
}

/// The range an integer `format` implies (OpenAPI's `int32`, `int64`), if any. (`float` is left
/// unbounded: clients, fuzzers included, do not agree that it limits a JSON number.)
pub(crate) fn format_range(format: &str) -> Option<(f64, f64)> {
    match format {
        "int32" => Some((f64::from(i32::MIN), f64::from(i32::MAX))),
        "int64" => Some((i64::MIN as f64, i64::MAX as f64)),
        _ => None,
    }
}

/// The custom keyword that [`bound_number_formats`] adds to integer formats: see
/// [`ExactInteger`].
pub(crate) const EXACT_INTEGER: &str = "x-sandbox-exact-integer";

/// Refuses a number that arrived as a float too large for a 64-bit integer. JSON parsers read
/// `-9223372036854775809` as the float -2^63, which equals the int64 minimum; the literal was
/// out of range all the same.
#[derive(Debug)]
pub(crate) struct ExactInteger;

impl<'i> jsonschema::Keyword<'i> for ExactInteger {
    fn validate(&self, instance: &'i Value) -> Result<(), jsonschema::ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(jsonschema::ValidationError::custom(
                "is outside the range of a 64-bit integer",
            ))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        match instance {
            Value::Number(n) if n.is_f64() => n
                .as_f64()
                .is_some_and(|f| f.abs() < 9_223_372_036_854_775_808.0),
            _ => true,
        }
    }
}

/// Turns the ranges that OpenAPI's numeric formats imply into `minimum`/`maximum` everywhere in
/// `doc`, so that a validator which ignores unknown formats still refuses an out-of-range `int32`.
pub(crate) fn bound_number_formats(doc: &mut Value) {
    match doc {
        Value::Object(map) => {
            let range = map
                .get("format")
                .and_then(Value::as_str)
                .and_then(format_range);
            let numeric = match map.get("type") {
                None => true,
                Some(Value::String(t)) => t == "integer" || t == "number",
                Some(Value::Array(ts)) => ts
                    .iter()
                    .any(|t| t.as_str().is_some_and(|t| t == "integer" || t == "number")),
                Some(_) => false,
            };
            if let Some((lo, hi)) = range.filter(|_| numeric) {
                let as_json = |x: f64| {
                    if x >= i64::MIN as f64 && x <= i64::MAX as f64 {
                        Value::from(x as i64)
                    } else {
                        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
                    }
                };
                let current_min = map.get("minimum").and_then(Value::as_f64);
                if current_min.is_none_or(|m| m < lo) {
                    map.insert("minimum".to_owned(), as_json(lo));
                }
                let current_max = map.get("maximum").and_then(Value::as_f64);
                if current_max.is_none_or(|m| m > hi) {
                    map.insert("maximum".to_owned(), as_json(hi));
                }
                map.insert(EXACT_INTEGER.to_owned(), Value::Bool(true));
            }
            for child in map.values_mut() {
                bound_number_formats(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(bound_number_formats),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_operation_has_parsed_schemas() {
        for op in OPERATIONS.iter() {
            let schemas = op_schemas(op);
            assert!(schemas.is_some(), "{}", op.operation_id);
            if let Some(s) = schemas {
                assert_eq!(s.params.len(), op.params.len());
                assert_eq!(s.response.is_some(), op.response.schema.is_some());
            }
        }
    }

    /// Whether `v` has a `$ref` to a definition that [`DEFS`] does not hold.
    fn dangling(v: &Value) -> bool {
        match v {
            Value::Object(map) => map.iter().any(|(k, child)| {
                if k == "$ref" {
                    child.as_str().and_then(ref_target).is_none()
                } else {
                    dangling(child)
                }
            }),
            Value::Array(items) => items.iter().any(dangling),
            _ => false,
        }
    }

    #[test]
    fn body_schemas_resolve() {
        for op in OPERATIONS.iter() {
            for (ct, body) in op_schemas(op).map_or(&[][..], |s| s.bodies.as_slice()) {
                assert!(!dangling(body), "{} {ct}", op.operation_id);
            }
        }
        let sms = OPERATIONS
            .iter()
            .find(|o| o.operation_id == "createSMSMessage");
        let body = sms.and_then(|op| op_schemas(op)?.default_body(op));
        assert_eq!(body, Some(&json!({"$ref": "#/$defs/CreateSMSMessage"})));
    }

    #[test]
    fn bundles_reach_nested_definitions() {
        let doc = bundle(&json!({"$ref": "#/$defs/ContactList"}));
        let defs = doc.get("$defs").and_then(Value::as_object);
        assert!(defs.is_some_and(|d| d.contains_key("ContactList") && d.len() > 3));
    }

    #[test]
    fn admitted_types_look_through_unions() {
        let t = admitted_types(&json!({"oneOf": [
            {"type": "integer"}, {"type": "string", "enum": ["max"]}
        ]}));
        assert_eq!(t, Some(["integer", "string"].into_iter().collect()));
        let t = admitted_types(
            &json!({"allOf": [{"$ref": "#/$defs/SyncTypeEnum"}, {"default": "FSync"}]}),
        );
        assert_eq!(t, Some(["string"].into_iter().collect()));
        assert_eq!(admitted_types(&json!({})), None);
    }

    #[test]
    fn number_formats_become_bounds() {
        let mut doc = json!({"type": "integer", "format": "int32", "maximum": 10});
        bound_number_formats(&mut doc);
        assert_eq!(doc["minimum"], json!(i32::MIN));
        assert_eq!(doc["maximum"], json!(10));
        let mut doc = json!({"properties": {"n": {"type": "integer", "format": "int64"}}});
        bound_number_formats(&mut doc);
        assert!(doc["properties"]["n"]["maximum"].is_number());
    }

    #[test]
    fn paging_maxima_come_from_the_answer() {
        // The directory reports with EnumeratedPagingModel; contacts with a model of their own that
        // sets no bound.
        let directory = json!({"$ref": "#/$defs/DirectoryResource"});
        assert_eq!(paging_maximum(&directory, "page"), Some(1000));
        assert_eq!(paging_maximum(&directory, "perPage"), Some(1000));
        assert_eq!(paging_maximum(&directory, "records"), None);
        let contacts = json!({"$ref": "#/$defs/ContactList"});
        assert_eq!(paging_maximum(&contacts, "perPage"), None);
        assert_eq!(paging_maximum(&json!({"type": "object"}), "page"), None);
    }

    #[test]
    fn read_only_properties_stop_being_required() {
        let mut doc = json!({
            "type": "object",
            "required": ["id", "name"],
            "properties": {"id": {"type": "string", "readOnly": true}, "name": {"type": "string"}}
        });
        relax_read_only(&mut doc);
        assert_eq!(doc["required"], json!(["name"]));
    }
}
