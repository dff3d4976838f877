//! The generator's model of the API: every operation with its flat input, body, response and paging,
//! built from the spec and ready to emit.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Map, Value, json};

use super::keys;
use super::schema;
use super::spec::Spec;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Path parameters that default to the current account or extension.
const TILDE_DEFAULTS: [&str; 2] = ["accountId", "extensionId"];

/// Whether ringctl can build a body of this content type from a flat input object.
fn is_structured(content_type: &str) -> bool {
    content_type.contains("json")
        || content_type == "application/x-www-form-urlencoded"
        || content_type == "multipart/form-data"
}

pub struct ApiModel {
    pub title: String,
    pub operations: Vec<OperationModel>,
    /// Every tag some operation has, sorted by name.
    pub tags: Vec<TagModel>,
    /// Converted definitions that some operation reaches, by name.
    pub defs: BTreeMap<String, Value>,
}

impl ApiModel {
    pub fn def_index(&self, name: &str) -> Option<usize> {
        self.defs.keys().position(|n| n == name)
    }
}

/// A tag with what the spec says of it beside the operations: its description (`tags:`) and the
/// group it is filed under (`x-tagGroups`).
pub struct TagModel {
    pub name: String,
    pub description: String,
    pub group: Option<String>,
}

pub struct OperationModel {
    pub operation_id: String,
    pub key: String,
    pub aliases: Vec<String>,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub tags: Vec<String>,
    pub throttling_group: Option<String>,
    pub app_permission: Option<String>,
    pub user_permission: Option<String>,
    pub availability: Option<String>,
    pub deprecated: bool,
    pub client_auth: bool,
    pub params: Vec<ParamModel>,
    pub body: Option<BodyModel>,
    pub response: ResponseModel,
    pub paging: PagingModel,
    pub input_schema: Value,
    pub input_defs: BTreeSet<String>,
    pub output_defs: BTreeSet<String>,
}

pub struct ParamModel {
    pub name: String,
    pub input_name: String,
    pub location: String,
    pub required: bool,
    pub deprecated: bool,
    pub ty: String,
    pub enum_values: Vec<String>,
    pub default: Option<String>,
    pub description: String,
    pub schema: Value,
}

pub struct BodyModel {
    /// The body's schema for every content type the spec lists, in the spec's order.
    pub schemas: Vec<(String, Value)>,
    /// Every definition those schemas reach, transitively.
    pub defs: BTreeSet<String>,
    /// For each flattened union in the body, the required names of each variant: one of them must
    /// be satisfied.
    pub alternatives: Vec<Vec<Vec<String>>>,
    /// A merged object body that also allows properties it does not list.
    pub open: bool,
    pub content_type: String,
    pub content_types: Vec<String>,
    pub required: bool,
    pub merged: bool,
    pub fields: Vec<FieldModel>,
    pub schema: Value,
}

pub struct FieldModel {
    pub name: String,
    pub input_name: String,
    pub required: bool,
    pub binary: bool,
    /// The field's schema as an input property.
    pub schema: Value,
    pub deprecated: bool,
}

pub struct ResponseModel {
    pub status: u16,
    pub content_type: Option<String>,
    pub schema: Option<Value>,
}

pub enum PagingModel {
    None,
    PageNumber {
        records: String,
        per_page_max: Option<u32>,
    },
    PageToken {
        records: String,
        token_param: String,
        size: Option<String>,
        size_max: Option<u32>,
    },
    ScimIndex,
    Sync {
        records: String,
    },
}

pub fn build(spec: &Spec) -> Result<ApiModel> {
    let title = spec
        .doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("RingCentral API")
        .to_string();
    let all_defs: BTreeMap<String, Value> = spec
        .schemas()
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, s)| (name.clone(), schema::convert(s)))
                .collect()
        })
        .unwrap_or_default();

    let mut operations = Vec::new();
    for (path, item) in spec.paths()? {
        let shared_params = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let built = build_operation(spec, path, method, op, &shared_params, &all_defs)
                .with_context(|| format!("{} {path}", method.to_uppercase()))?;
            operations.push(built);
        }
    }
    assign_keys(&mut operations)?;

    let mut used = BTreeSet::new();
    for op in &operations {
        used.extend(op.input_defs.iter().cloned());
        used.extend(op.output_defs.iter().cloned());
        if let Some(body) = &op.body {
            used.extend(body.defs.iter().cloned());
        }
    }
    let defs = all_defs
        .into_iter()
        .filter(|(name, _)| used.contains(name))
        .collect();
    let tags = build_tags(
        spec,
        operations
            .iter()
            .flat_map(|op| op.tags.iter().map(String::as_str)),
    )?;
    Ok(ApiModel {
        title,
        operations,
        tags,
        defs,
    })
}

/// The tags operations have (`used`), each with its description and group, sorted by name. A tag
/// the spec uses but does not declare has no description; one filed under two groups is an error,
/// since a tag has one.
fn build_tags<'a>(spec: &Spec, used: impl IntoIterator<Item = &'a str>) -> Result<Vec<TagModel>> {
    let mut descriptions: BTreeMap<&str, String> = BTreeMap::new();
    for declared in spec
        .doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(name) = declared.get("name").and_then(Value::as_str) {
            descriptions.insert(name, text(declared, "description").unwrap_or_default());
        }
    }
    let mut groups: BTreeMap<&str, &str> = BTreeMap::new();
    for group in spec
        .doc
        .get("x-tagGroups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(group_name) = group.get("name").and_then(Value::as_str) else {
            continue;
        };
        for tag in group
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if let Some(other) = groups.insert(tag, group_name)
                && other != group_name
            {
                bail!("tag `{tag}` is in two groups, `{other}` and `{group_name}`");
            }
        }
    }
    let used: BTreeSet<&str> = used.into_iter().collect();
    Ok(used
        .into_iter()
        .map(|name| TagModel {
            name: name.to_string(),
            description: descriptions.get(name).cloned().unwrap_or_default(),
            group: groups.get(name).map(|g| g.to_string()),
        })
        .collect())
}

fn text(op: &Value, key: &str) -> Option<String> {
    op.get(key)
        .and_then(Value::as_str)
        .map(|s| s.trim().to_string())
}

fn build_operation(
    spec: &Spec,
    path: &str,
    method: &str,
    op: &Value,
    shared_params: &[Value],
    all_defs: &BTreeMap<String, Value>,
) -> Result<OperationModel> {
    let operation_id = text(op, "operationId").ok_or_else(|| anyhow!("no operationId"))?;

    // Operation-level parameters override path-level ones with the same name and location.
    let mut raw_params: Vec<&Value> = Vec::new();
    for p in shared_params.iter().chain(
        op.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    ) {
        let p = spec.resolve(p)?;
        let key = (p.get("name"), p.get("in"));
        raw_params.retain(|q| (q.get("name"), q.get("in")) != key);
        raw_params.push(p);
    }
    let mut params = Vec::new();
    for p in raw_params {
        let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
        if !matches!(location, "path" | "query" | "header") {
            continue;
        }
        params.push(build_param(spec, p, location)?);
    }

    let body = match op.get("requestBody") {
        Some(rb) => Some(build_body(spec, spec.resolve(rb)?)?),
        None => None,
    };
    let response = build_response(spec, op)?;

    let mut model = OperationModel {
        key: String::new(),
        aliases: Vec::new(),
        method: method.to_string(),
        path: path.to_string(),
        summary: text(op, "summary").unwrap_or_default(),
        description: text(op, "description").unwrap_or_default(),
        tags: op
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
        throttling_group: text(op, "x-throttling-group"),
        app_permission: text(op, "x-app-permission"),
        user_permission: text(op, "x-user-permission"),
        availability: text(op, "x-availability"),
        deprecated: op
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        client_auth: uses_client_auth(spec, op),
        paging: PagingModel::None,
        input_schema: Value::Null,
        input_defs: BTreeSet::new(),
        output_defs: BTreeSet::new(),
        operation_id,
        params,
        body,
        response,
    };
    resolve_collisions(&mut model)?;
    model.paging = detect_paging(spec, op, &model)?;
    model.input_schema = input_schema(&model);

    let mut roots = BTreeSet::new();
    schema::direct_refs(&model.input_schema, &mut roots);
    model.input_defs = schema::closure(&roots, all_defs);
    let mut roots = BTreeSet::new();
    if let Some(s) = &model.response.schema {
        schema::direct_refs(s, &mut roots);
    }
    model.output_defs = schema::closure(&roots, all_defs);
    if let Some(body) = &mut model.body {
        let mut roots = BTreeSet::new();
        for (_, s) in &body.schemas {
            schema::direct_refs(s, &mut roots);
        }
        body.defs = schema::closure(&roots, all_defs);
    }
    let body_defs = model.body.iter().flat_map(|b| b.defs.iter());
    for name in model
        .input_defs
        .iter()
        .chain(&model.output_defs)
        .chain(body_defs)
    {
        if !all_defs.contains_key(name) {
            bail!("reference to unknown schema `{name}`");
        }
    }
    Ok(model)
}

/// Whether an operation's security requirements name an HTTP Basic scheme (the app's credentials).
fn uses_client_auth(spec: &Spec, op: &Value) -> bool {
    let Some(requirements) = op.get("security").and_then(Value::as_array) else {
        return false;
    };
    requirements
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|r| r.keys())
        .any(|scheme| {
            let declared = spec
                .doc
                .pointer(&format!("/components/securitySchemes/{scheme}"));
            let basic =
                declared.is_some_and(|d| d.get("scheme").and_then(Value::as_str) == Some("basic"));
            basic || scheme.to_ascii_lowercase().contains("basic")
        })
}

fn build_param(spec: &Spec, p: &Value, location: &str) -> Result<ParamModel> {
    let name = text(p, "name").ok_or_else(|| anyhow!("a parameter has no name"))?;
    let raw_schema = p.get("schema").cloned().unwrap_or_else(|| json!({}));
    let resolved = spec.resolve(&raw_schema)?;
    let ty = resolved
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string")
        .to_string();
    let enum_source = if ty == "array" {
        match resolved.get("items") {
            Some(items) => spec.resolve(items)?,
            None => resolved,
        }
    } else {
        resolved
    };
    let enum_values = enum_source
        .get("enum")
        .and_then(Value::as_array)
        .map(|v| {
            v.iter()
                .map(|e| {
                    e.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| e.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    let deprecated = p
        .get("deprecated")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let description = text(p, "description").unwrap_or_default();

    let mut schema = schema::convert(&raw_schema);
    if location == "path" && ty == "array" {
        // RingCentral takes several ids in one path segment (`contact/1,2,3`); one id is the common
        // case, so a single value is accepted as well as a list.
        let item = schema.get("items").cloned().unwrap_or_else(|| json!({}));
        schema = json!({ "anyOf": [item, schema] });
    }
    if let Value::Object(map) = &mut schema {
        if !description.is_empty() && !map.contains_key("description") {
            map.insert("description".into(), Value::String(description.clone()));
        }
        if deprecated {
            map.insert("deprecated".into(), Value::Bool(true));
        }
        if location == "path" && TILDE_DEFAULTS.contains(&name.as_str()) {
            map.insert("default".into(), json!("~"));
        }
    }
    let default = schema.get("default").map(Value::to_string);
    let required =
        location == "path" || p.get("required").and_then(Value::as_bool).unwrap_or(false);
    Ok(ParamModel {
        input_name: name.clone(),
        name,
        location: location.to_string(),
        required,
        deprecated,
        ty,
        enum_values,
        default,
        description,
        schema,
    })
}

fn is_binary(spec: &Spec, s: &Value) -> Result<bool> {
    let s = spec.resolve(s)?;
    if s.get("format").and_then(Value::as_str) == Some("binary") {
        return Ok(true);
    }
    if s.get("type").and_then(Value::as_str) == Some("array")
        && let Some(items) = s.get("items")
    {
        return is_binary(spec, items);
    }
    Ok(false)
}

fn build_body(spec: &Spec, rb: &Value) -> Result<BodyModel> {
    let content = rb
        .get("content")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow!("a request body has no content"))?;
    let content_types: Vec<String> = content.keys().cloned().collect();
    // The spec lists an operation's main form first (a fax is multipart; its JSON form re-sends).
    let content_type = content_types
        .iter()
        .find(|ct| is_structured(ct))
        .or_else(|| content_types.first())
        .cloned()
        .ok_or_else(|| anyhow!("a request body has no content type"))?;
    let raw_schema = content
        .get(&content_type)
        .and_then(|c| c.get("schema"))
        .cloned()
        .unwrap_or_else(|| json!({}));
    let required = rb.get("required").and_then(Value::as_bool).unwrap_or(false);
    let schema = schema::convert(&raw_schema);
    let schemas: Vec<(String, Value)> = content
        .iter()
        .map(|(ct, c)| {
            let s = c
                .get("schema")
                .map(schema::convert)
                .unwrap_or_else(|| json!({}));
            (ct.clone(), s)
        })
        .collect();

    let shape = spec.object_shape(&raw_schema)?;
    if !(is_structured(&content_type) && shape.is_plain_object()) {
        return Ok(BodyModel {
            schemas,
            defs: BTreeSet::new(),
            alternatives: Vec::new(),
            open: false,
            content_type,
            content_types,
            required,
            merged: false,
            fields: Vec::new(),
            schema,
        });
    }

    let mut fields = Vec::new();
    for (name, prop) in &shape.properties {
        let resolved = spec.resolve(prop)?;
        if resolved.get("readOnly").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let binary = is_binary(spec, prop)?;
        let mut field_schema = schema::convert(prop);
        if binary {
            field_schema = binary_input_schema(&field_schema);
        }
        fields.push(FieldModel {
            input_name: name.clone(),
            name: name.clone(),
            required: required && shape.required.contains(name),
            binary,
            deprecated: resolved.get("deprecated").and_then(Value::as_bool) == Some(true),
            schema: field_schema,
        });
    }
    Ok(BodyModel {
        schemas,
        defs: BTreeSet::new(),
        alternatives: shape.alternatives.clone(),
        open: shape.open,
        content_type,
        content_types,
        required,
        merged: true,
        fields,
        schema,
    })
}

/// File parts of a multipart body are given in the input as `@PATH` (a file to read) or as text.
fn binary_input_schema(original: &Value) -> Value {
    let description = original
        .get("description")
        .and_then(Value::as_str)
        .map(|d| format!("{d} "))
        .unwrap_or_default();
    let file = json!({
        "type": "string",
        "description": format!("{description}A file part: `@PATH` reads the file at PATH; any other string is sent as the part's content."),
    });
    if original.get("type").and_then(Value::as_str) == Some("array") {
        json!({"type": "array", "items": file})
    } else {
        file
    }
}

fn build_response(spec: &Spec, op: &Value) -> Result<ResponseModel> {
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow!("no responses"))?;
    let mut success: Vec<(u16, &Value)> = responses
        .iter()
        .filter_map(|(code, r)| code.parse::<u16>().ok().map(|c| (c, r)))
        .filter(|(c, _)| (200..300).contains(c))
        .collect();
    success.sort_by_key(|(c, _)| *c);
    let Some((status, raw)) = success.first().copied() else {
        return Ok(ResponseModel {
            status: 200,
            content_type: None,
            schema: None,
        });
    };
    let r = spec.resolve(raw)?;
    let Some(content) = r.get("content").and_then(Value::as_object) else {
        return Ok(ResponseModel {
            status,
            content_type: None,
            schema: None,
        });
    };
    let content_type = content
        .keys()
        .find(|ct| ct.contains("json"))
        .or_else(|| content.keys().next())
        .cloned();
    let schema = content_type
        .as_ref()
        .filter(|ct| ct.contains("json"))
        .and_then(|ct| content.get(ct))
        .and_then(|c| c.get("schema"))
        .map(schema::convert);
    Ok(ResponseModel {
        status,
        content_type,
        schema,
    })
}

/// Gives every part of the flat input a distinct name. Path parameters keep theirs; otherwise a
/// non-deprecated part beats a deprecated one, then body beats query beats header. A losing part is
/// spelled with its location as a prefix: query `siteId` becomes `querySiteId`, body `partyId`
/// becomes `bodyPartyId`.
fn resolve_collisions(model: &mut OperationModel) -> Result<()> {
    fn rank(location: &str) -> u8 {
        match location {
            "path" => 0,
            "body" => 1,
            "query" => 2,
            _ => 3,
        }
    }
    // (name, location, deprecated, slot): slot indexes params, or fields offset by params.len().
    let mut parts: Vec<(String, String, bool, usize)> = model
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.clone(), p.location.clone(), p.deprecated, i))
        .collect();
    let offset = model.params.len();
    if let Some(body) = &model.body {
        if body.merged {
            for (i, f) in body.fields.iter().enumerate() {
                parts.push((f.name.clone(), "body".into(), f.deprecated, offset + i));
            }
        } else {
            parts.push(("body".into(), "body".into(), false, usize::MAX));
        }
    }
    let mut by_name: BTreeMap<String, Vec<&(String, String, bool, usize)>> = BTreeMap::new();
    for part in &parts {
        by_name.entry(part.0.clone()).or_default().push(part);
    }
    let mut renames = Vec::new();
    for (name, mut group) in by_name {
        if group.len() < 2 {
            continue;
        }
        group.sort_by_key(|(_, loc, deprecated, _)| (*loc != "path" && *deprecated, rank(loc)));
        for (_, loc, _, slot) in group.iter().skip(1) {
            let mut chars = name.chars();
            let upper: String = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            renames.push((*slot, format!("{loc}{upper}")));
        }
    }
    let taken: BTreeSet<String> = parts.iter().map(|p| p.0.clone()).collect();
    for (slot, new_name) in renames {
        if taken.contains(&new_name) {
            bail!("renaming a colliding input part to `{new_name}` collides again");
        }
        if slot == usize::MAX {
            bail!("a whole-body input collides with a parameter named `body`");
        } else if slot < offset {
            model.params[slot].input_name = new_name;
        } else if let Some(body) = &mut model.body {
            body.fields[slot - offset].input_name = new_name;
        }
    }
    Ok(())
}

fn input_schema(model: &OperationModel) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut push = |name: &str, schema: &Value, is_required: bool| {
        properties.insert(name.to_string(), schema.clone());
        if is_required {
            required.push(Value::String(name.to_string()));
        }
    };
    let tilde = |p: &ParamModel| p.location == "path" && TILDE_DEFAULTS.contains(&p.name.as_str());
    for p in model.params.iter().filter(|p| p.location == "path") {
        push(&p.input_name, &p.schema, !tilde(p));
    }
    let mut open = false;
    if let Some(body) = &model.body {
        if body.merged {
            for f in &body.fields {
                push(&f.input_name, &f.schema, f.required);
            }
            open = body.open;
        } else {
            push("body", &body.schema, body.required);
        }
    }
    for location in ["query", "header"] {
        for p in model.params.iter().filter(|p| p.location == location) {
            push(&p.input_name, &p.schema, p.required);
        }
    }
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required));
    }
    if !open {
        schema.insert("additionalProperties".into(), json!(false));
    }
    if let Some(body) = model.body.as_ref().filter(|b| b.merged) {
        let input_name = |wire: &str| {
            body.fields
                .iter()
                .find(|f| f.name == wire)
                .map_or(wire.to_string(), |f| f.input_name.clone())
        };
        let mut all_of = Vec::new();
        for variants in &body.alternatives {
            if variants.iter().all(Vec::is_empty) {
                continue;
            }
            let any_of: Vec<Value> = variants
                .iter()
                .map(|required| {
                    json!({ "required": required.iter().map(|r| input_name(r)).collect::<Vec<_>>() })
                })
                .collect();
            all_of.push(json!({ "anyOf": any_of }));
        }
        if !all_of.is_empty() {
            schema.insert("allOf".into(), Value::Array(all_of));
        }
    }
    Value::Object(schema)
}

fn detect_paging(spec: &Spec, op: &Value, model: &OperationModel) -> Result<PagingModel> {
    let query = |name: &str| {
        model
            .params
            .iter()
            .find(|p| p.location == "query" && p.name == name)
    };
    let maximum = |p: Option<&ParamModel>| {
        p.and_then(|p| p.schema.get("maximum"))
            .and_then(Value::as_u64)
            .and_then(|m| u32::try_from(m).ok())
    };
    let response_props: Vec<(String, Value)> = match find_success_schema(op) {
        Some(s) => spec.object_shape(s)?.properties,
        None => Vec::new(),
    };
    let has = |name: &str| response_props.iter().any(|(n, _)| n == name);
    let records = || -> Result<String> {
        if has("records") {
            return Ok("records".into());
        }
        for (name, prop) in &response_props {
            if spec.resolve(prop)?.get("type").and_then(Value::as_str) == Some("array") {
                return Ok(name.clone());
            }
        }
        Ok("records".into())
    };

    if query("syncType").is_some() && has("syncInfo") {
        return Ok(PagingModel::Sync {
            records: records()?,
        });
    }
    if model.path.starts_with("/scim/") && has("Resources") {
        return Ok(PagingModel::ScimIndex);
    }
    if let Some(token) = ["pageToken", "nextPageToken"].into_iter().find_map(query) {
        let size = ["recordCount", "perPage", "maxResults", "limit", "pageSize"]
            .into_iter()
            .find_map(query);
        return Ok(PagingModel::PageToken {
            records: records()?,
            token_param: token.name.clone(),
            size: size.map(|p| p.name.clone()),
            size_max: maximum(size),
        });
    }
    if query("page").is_some() && (has("navigation") || has("paging")) {
        return Ok(PagingModel::PageNumber {
            records: records()?,
            per_page_max: maximum(query("perPage")),
        });
    }
    Ok(PagingModel::None)
}

fn find_success_schema(op: &Value) -> Option<&Value> {
    let responses = op.get("responses")?.as_object()?;
    let mut codes: Vec<&String> = responses.keys().filter(|c| c.starts_with('2')).collect();
    codes.sort();
    let r = responses.get(*codes.first()?)?;
    let content = r.get("content")?.as_object()?;
    content
        .iter()
        .find(|(ct, _)| ct.contains("json"))
        .and_then(|(_, c)| c.get("schema"))
}

fn assign_keys(operations: &mut [OperationModel]) -> Result<()> {
    // Names that stay with the operation that has them without cleaning: well-known keys and plain
    // derived keys. A cleaned name that would take one of them keeps its version suffix instead, so
    // the older operation keeps the plain name and the outcome does not depend on the spec's order.
    let plain: BTreeMap<String, String> = operations
        .iter()
        .map(|op| {
            let key = keys::well_known_key(&op.operation_id)
                .map(str::to_string)
                .unwrap_or_else(|| keys::kebab_case(&op.operation_id));
            (key, op.operation_id.clone())
        })
        .collect();
    let mut taken: BTreeMap<String, String> = BTreeMap::new();
    for op in operations.iter_mut() {
        let derived = keys::kebab_case(&op.operation_id);
        let clean = keys::clean_key(&op.operation_id);
        let clean_is_free = plain
            .get(&clean)
            .is_none_or(|owner| *owner == op.operation_id);
        op.key = match keys::well_known_key(&op.operation_id) {
            Some(key) => key.to_string(),
            None if clean_is_free => clean.clone(),
            None => derived.clone(),
        };
        // The derived key (the key before names were cleaned) stays an alias, and so does the clean
        // name of a well-known action (`list-glip-chats` beside `list-chats`).
        let mut names = vec![derived];
        if clean_is_free {
            names.push(clean);
        }
        for name in names {
            if name != op.key && !op.aliases.contains(&name) {
                op.aliases.push(name);
            }
        }
        for name in std::iter::once(&op.key).chain(&op.aliases) {
            if let Some(other) = taken.insert(name.clone(), op.operation_id.clone()) {
                bail!(
                    "action key `{name}` would name both {other} and {}",
                    op.operation_id
                );
            }
        }
    }
    for (key, operation_id) in keys::WELL_KNOWN_KEYS {
        if taken.get(*key).map(String::as_str) != Some(*operation_id) {
            bail!("the spec has no operation {operation_id} for the well-known key {key}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(tags: &str) -> Spec {
        let yaml = format!("openapi: 3.0.3\npaths: {{}}\n{tags}");
        match Spec::parse(&yaml) {
            Ok(spec) => spec,
            Err(e) => panic!("test spec: {e}"),
        }
    }

    #[test]
    fn tags_carry_their_description_and_group() {
        let spec = spec(
            "tags:\n  - name: Fax\n    description: ' Send and receive faxes '\n  - name: Unused\n    description: x\n\
             x-tagGroups:\n  - name: SMS and Fax\n    tags: [Fax, SMS]\n",
        );
        let tags = build_tags(&spec, ["SMS", "Fax", "Fax", "Undeclared"]);
        let tags = match tags {
            Ok(tags) => tags,
            Err(e) => panic!("{e}"),
        };
        let rows: Vec<(&str, &str, Option<&str>)> = tags
            .iter()
            .map(|t| (t.name.as_str(), t.description.as_str(), t.group.as_deref()))
            .collect();
        // Only tags some operation has, sorted, once each; descriptions trimmed.
        assert_eq!(
            rows,
            [
                ("Fax", "Send and receive faxes", Some("SMS and Fax")),
                ("SMS", "", Some("SMS and Fax")),
                ("Undeclared", "", None),
            ]
        );
    }

    #[test]
    fn a_tag_in_two_groups_is_an_error() {
        let spec = spec(
            "x-tagGroups:\n  - name: Voice\n    tags: [Fax]\n  - name: SMS and Fax\n    tags: [Fax]\n",
        );
        let error = build_tags(&spec, ["Fax"]).err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("tag `Fax` is in two groups, `Voice` and `SMS and Fax`")
        );
    }
}
