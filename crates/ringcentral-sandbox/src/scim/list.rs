//! SCIM list responses (RFC 7644 section 3.4.2): search parameters from a query string or a
//! `SearchRequest` body, sorting by an attribute, 1-based `startIndex`/`count` windows, attribute
//! projection, and the `ListResponse` envelope.

use std::cmp::Ordering;

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value, json};

use super::error::ScimError;
use super::filter::{AttrPath, Resolved, resolve, schema_ref};
use super::schema::{AttrDef, AttrType, ResourceType, Returned, get_ci};

/// The `schemas` value of a list response.
pub const LIST_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// The `schemas` value of a `POST .search` body.
pub const SEARCH_REQUEST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
/// Page size when the client names none (the spec's default for `count`).
pub const DEFAULT_COUNT: usize = 100;
/// Largest page served; a larger `count` gets this many (RFC 7644 lets the server return fewer).
pub const MAX_COUNT: usize = 1000;

/// Direction of `sortBy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Ascending,
    Descending,
}

/// The parameters of a list or search request, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchParams {
    pub filter: Option<String>,
    /// 1-based index of the first result; at least 1.
    pub start_index: usize,
    /// Most results to return; at most [`MAX_COUNT`].
    pub count: usize,
    pub sort_by: Option<String>,
    pub sort_order: SortOrder,
    pub attributes: Vec<String>,
    pub excluded_attributes: Vec<String>,
}

impl Default for SearchParams {
    fn default() -> Self {
        SearchParams {
            filter: None,
            start_index: 1,
            count: DEFAULT_COUNT,
            sort_by: None,
            sort_order: SortOrder::Ascending,
            attributes: Vec::new(),
            excluded_attributes: Vec::new(),
        }
    }
}

/// Below 1 means 1 (RFC 7644 section 3.4.2.4).
fn start_index_from(n: i64) -> usize {
    usize::try_from(n.max(1)).unwrap_or(usize::MAX)
}

/// Negative means 0; above the maximum means the maximum.
fn count_from(n: i64) -> usize {
    usize::try_from(n.max(0))
        .unwrap_or(usize::MAX)
        .min(MAX_COUNT)
}

fn parse_int(name: &str, text: &str) -> Result<i64, ScimError> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| ScimError::invalid_value(format!("{name} must be an integer, not '{text}'")))
}

fn parse_sort_order(text: &str) -> Result<SortOrder, ScimError> {
    if text.eq_ignore_ascii_case("ascending") {
        Ok(SortOrder::Ascending)
    } else if text.eq_ignore_ascii_case("descending") {
        Ok(SortOrder::Descending)
    } else {
        Err(ScimError::invalid_value(format!(
            "sortOrder must be ascending or descending, not '{text}'"
        )))
    }
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl SearchParams {
    /// Reads `filter`, `startIndex`, `count`, `sortBy`, `sortOrder`, `attributes` and
    /// `excludedAttributes` from decoded query pairs; names ignore case and unknown names are ignored.
    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<SearchParams, ScimError> {
        let mut p = SearchParams::default();
        for (name, value) in pairs {
            let is = |n: &str| name.eq_ignore_ascii_case(n);
            if is("filter") {
                p.filter = Some(value.to_string()).filter(|f| !f.trim().is_empty());
            } else if is("startIndex") {
                p.start_index = start_index_from(parse_int("startIndex", value)?);
            } else if is("count") {
                p.count = count_from(parse_int("count", value)?);
            } else if is("sortBy") {
                p.sort_by = Some(value.to_string()).filter(|s| !s.trim().is_empty());
            } else if is("sortOrder") {
                p.sort_order = parse_sort_order(value)?;
            } else if is("attributes") {
                p.attributes = split_list(value);
            } else if is("excludedAttributes") {
                p.excluded_attributes = split_list(value);
            }
        }
        Ok(p)
    }

    /// Reads a `SearchRequest` body (`POST /Users/.search`).
    pub fn from_body(body: &Value) -> Result<SearchParams, ScimError> {
        let Some(obj) = body.as_object() else {
            return Err(ScimError::invalid_syntax(
                "the search body must be a JSON object such as {\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"],\"filter\":\"userName eq \\\"a@b.c\\\"\"}",
            ));
        };
        if let Some(schemas) = get_ci(obj, "schemas") {
            let listed = schemas.as_array().is_some_and(|s| {
                s.iter().any(|u| {
                    u.as_str()
                        .is_some_and(|u| u.eq_ignore_ascii_case(SEARCH_REQUEST_SCHEMA))
                })
            });
            if !listed {
                return Err(ScimError::invalid_syntax(format!(
                    "schemas must be [\"{SEARCH_REQUEST_SCHEMA}\"]"
                )));
            }
        }
        let mut p = SearchParams::default();
        let string = |name: &str| -> Result<Option<String>, ScimError> {
            match get_ci(obj, name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone()).filter(|s| !s.trim().is_empty())),
                Some(_) => Err(ScimError::invalid_value(format!("{name} must be a string"))),
            }
        };
        let int = |name: &str| -> Result<Option<i64>, ScimError> {
            match get_ci(obj, name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
                    ScimError::invalid_value(format!("{name} must be an integer, not {n}"))
                }),
                Some(Value::String(s)) => parse_int(name, s).map(Some),
                Some(_) => Err(ScimError::invalid_value(format!(
                    "{name} must be an integer"
                ))),
            }
        };
        let list = |name: &str| -> Result<Vec<String>, ScimError> {
            match get_ci(obj, name) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::String(s)) => Ok(split_list(s)),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str().map(str::to_string).ok_or_else(|| {
                            ScimError::invalid_value(format!("{name} must list strings"))
                        })
                    })
                    .collect(),
                Some(_) => Err(ScimError::invalid_value(format!(
                    "{name} must be an array of attribute names"
                ))),
            }
        };
        p.filter = string("filter")?;
        if let Some(n) = int("startIndex")? {
            p.start_index = start_index_from(n);
        }
        if let Some(n) = int("count")? {
            p.count = count_from(n);
        }
        p.sort_by = string("sortBy")?;
        if let Some(order) = string("sortOrder")? {
            p.sort_order = parse_sort_order(&order)?;
        }
        p.attributes = list("attributes")?;
        p.excluded_attributes = list("excludedAttributes")?;
        Ok(p)
    }
}

/// The results from `start_index` (1-based) on, at most `count` of them.
pub fn window<T>(items: Vec<T>, start_index: usize, count: usize) -> Vec<T> {
    items
        .into_iter()
        .skip(start_index.saturating_sub(1))
        .take(count)
        .collect()
}

/// The `ListResponse` envelope; `itemsPerPage` is the number of resources on this page.
pub fn list_response(resources: Vec<Value>, total_results: usize, start_index: usize) -> Value {
    json!({
        "schemas": [LIST_RESPONSE_SCHEMA],
        "totalResults": total_results,
        "startIndex": start_index.max(1),
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

// ---------------------------------------------------------------------------------------------------
// Sorting

#[derive(Debug, Clone, PartialEq)]
enum SortKey {
    Bool(bool),
    Number(f64),
    Date(DateTime<FixedOffset>),
    Text(String),
}

impl SortKey {
    fn rank(&self) -> u8 {
        match self {
            SortKey::Bool(_) => 0,
            SortKey::Number(_) => 1,
            SortKey::Date(_) => 2,
            SortKey::Text(_) => 3,
        }
    }

    fn cmp(&self, other: &SortKey) -> Ordering {
        match (self, other) {
            (SortKey::Bool(a), SortKey::Bool(b)) => a.cmp(b),
            (SortKey::Number(a), SortKey::Number(b)) => a.total_cmp(b),
            (SortKey::Date(a), SortKey::Date(b)) => a.cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

fn sort_key(value: &Value, def: &AttrDef) -> Option<SortKey> {
    match value {
        Value::Bool(b) => Some(SortKey::Bool(*b)),
        Value::Number(n) => n.as_f64().map(SortKey::Number),
        Value::String(s) if def.ty == AttrType::DateTime => DateTime::parse_from_rfc3339(s)
            .ok()
            .map(SortKey::Date)
            .or_else(|| Some(SortKey::Text(s.clone()))),
        Value::String(s) if s.is_empty() => None,
        Value::String(s) if def.case_exact => Some(SortKey::Text(s.clone())),
        Value::String(s) => Some(SortKey::Text(s.to_lowercase())),
        _ => None,
    }
}

/// The value a resource sorts by: for a multi-valued attribute, its primary value, else its first.
fn key_of(resource: &Value, r: &Resolved) -> Option<SortKey> {
    let mut container = resource.as_object()?;
    if let Some(ext) = r.extension {
        container = get_ci(container, ext.id)?.as_object()?;
    }
    let mut value = get_ci(container, r.attr.name)?;
    if let Value::Array(items) = value {
        let primary = items.iter().find(|i| {
            i.as_object()
                .and_then(|o| get_ci(o, "primary"))
                .is_some_and(|p| p == &Value::Bool(true))
        });
        value = primary.or_else(|| items.first())?;
    }
    let mut leaf = r.attr;
    let sub = r.sub.or_else(|| {
        (r.attr.ty == AttrType::Complex)
            .then(|| r.attr.sub("value"))
            .flatten()
    });
    if let Some(sub) = sub {
        value = get_ci(value.as_object()?, sub.name)?;
        leaf = sub;
    }
    sort_key(value, leaf)
}

/// Sorts resources by an attribute path, stably. Resources without a value come last when ascending
/// and first when descending (RFC 7644 section 3.4.2.3).
pub fn sort_resources(
    resources: &mut Vec<Value>,
    sort_by: &str,
    order: SortOrder,
    rt: &'static ResourceType,
) -> Result<(), ScimError> {
    let path = AttrPath::parse(sort_by)
        .map_err(|e| ScimError::invalid_value(format!("sortBy: {}", e.detail)))?;
    let resolved =
        resolve(rt, &path).map_err(|e| ScimError::invalid_value(format!("sortBy: {e}")))?;
    if resolved.leaf().ty == AttrType::Complex && resolved.leaf().sub("value").is_none() {
        return Err(ScimError::invalid_value(format!(
            "sortBy: {} is complex; sort by one of its sub-attributes",
            resolved.display()
        )));
    }
    let mut keyed: Vec<(Option<SortKey>, Value)> = std::mem::take(resources)
        .into_iter()
        .map(|r| (key_of(&r, &resolved), r))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        let ord = match (a, b) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        match order {
            SortOrder::Ascending => ord,
            SortOrder::Descending => ord.reverse(),
        }
    });
    *resources = keyed.into_iter().map(|(_, r)| r).collect();
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Projection

/// What a list of attribute names selects: whole attributes, single sub-attributes, whole extensions.
#[derive(Debug, Default)]
struct Selection {
    /// (extension URN or "" for core, attribute, sub-attribute or None for all of it)
    attrs: Vec<(&'static str, &'static str, Option<&'static str>)>,
    extensions: Vec<&'static str>,
}

impl Selection {
    /// Names that do not resolve are ignored, as RFC 7644 leaves them undefined and clients send
    /// attribute lists meant for many providers.
    fn of(names: &[String], rt: &'static ResourceType) -> Selection {
        let mut s = Selection::default();
        for name in names {
            let Ok(path) = AttrPath::parse(name) else {
                continue;
            };
            if let Some(schema) = schema_ref(rt, &path) {
                s.extensions.push(schema.id);
            } else if let Ok(r) = resolve(rt, &path) {
                s.attrs.push((
                    r.extension.map_or("", |e| e.id),
                    r.attr.name,
                    r.sub.map(|d| d.name),
                ));
            }
        }
        s
    }

    fn whole(&self, ext: &str, attr: &str) -> bool {
        self.extensions.contains(&ext)
            || self
                .attrs
                .iter()
                .any(|(e, a, s)| *e == ext && *a == attr && s.is_none())
    }

    fn subs(&self, ext: &str, attr: &str) -> Vec<&'static str> {
        self.attrs
            .iter()
            .filter(|(e, a, _)| *e == ext && *a == attr)
            .filter_map(|(_, _, s)| *s)
            .collect()
    }
}

fn keep_subs(value: &Value, subs: &[&str], keep: bool) -> Value {
    let filter_obj = |o: &Map<String, Value>| -> Value {
        Value::Object(
            o.iter()
                .filter(|(k, _)| subs.iter().any(|s| s.eq_ignore_ascii_case(k)) == keep)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    };
    match value {
        Value::Object(o) => filter_obj(o),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| i.as_object().map_or_else(|| i.clone(), filter_obj))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn always_returned(def: &AttrDef) -> bool {
    def.returned == Returned::Always
}

/// Applies `attributes` (return only these, plus those always returned) or `excludedAttributes`
/// (return all but these) to one resource (RFC 7644 section 3.9). `schemas` is always returned.
pub fn project(
    resource: &Value,
    attributes: &[String],
    excluded: &[String],
    rt: &'static ResourceType,
) -> Value {
    let Some(obj) = resource.as_object() else {
        return resource.clone();
    };
    if attributes.is_empty() && excluded.is_empty() {
        return resource.clone();
    }
    let including = !attributes.is_empty();
    let selection = Selection::of(if including { attributes } else { excluded }, rt);
    let mut out = Map::new();
    for (key, value) in obj {
        if key.eq_ignore_ascii_case("schemas") {
            out.insert(key.clone(), value.clone());
            continue;
        }
        if let Some(ext) = rt.extension(key) {
            let Some(ext_obj) = value.as_object() else {
                continue;
            };
            let mut kept = Map::new();
            for (k, v) in ext_obj {
                let Some(def) = ext.attr(k) else { continue };
                let whole = selection.whole(ext.id, def.name);
                if including == whole || always_returned(def) {
                    kept.insert(k.clone(), v.clone());
                }
            }
            if !kept.is_empty() {
                out.insert(key.clone(), Value::Object(kept));
            }
            continue;
        }
        let Ok(r) = resolve(rt, &AttrPath::new(key, None)) else {
            if !including {
                out.insert(key.clone(), value.clone());
            }
            continue;
        };
        let def = r.attr;
        let whole = selection.whole("", def.name);
        let subs = selection.subs("", def.name);
        if always_returned(def) || (including && whole) || (!including && !whole && subs.is_empty())
        {
            out.insert(key.clone(), value.clone());
        } else if !subs.is_empty() && (including || !whole) {
            let projected = keep_subs(value, &subs, including);
            if !super::filter::is_unassigned(&projected) {
                out.insert(key.clone(), projected);
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests;
