//! The value generator: a deterministic JSON value that fits a schema of the spec.
//!
//! It resolves `$ref`, merges `allOf`, picks a `oneOf`/`anyOf` branch that the built value really
//! satisfies, honours `required`, `enum`, `const`, `format`, bounds, lengths, item counts,
//! `pattern`, null types, `additionalProperties` and `readOnly`/`writeOnly`, prefers the spec's own
//! examples where they fit, and proposes realistic values by property name. Optional properties
//! are filled down to a bounded depth, and recursive definitions stop after one level, so every
//! schema yields a finite value.
//!
//! A [`Hint`] tree steers the result where the request matters: echoed request fields, the `id`
//! of the addressed resource, the exact `paging` and `navigation` of a page, the number of records.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};

use super::check::conforms_all;
use super::names::{self, Place};
use super::pattern;
use super::schema::{json_type, ref_name, ref_target};

/// Optional properties are generated down to this many nested objects.
const OPTIONAL_DEPTH: usize = 6;
/// Beyond this depth only required properties are generated.
const HARD_DEPTH: usize = 24;
/// Node budget per document: past it, only what is required is built.
const NODE_BUDGET: usize = 6_000;

/// splitmix64: spreads a seed over 64 bits.
pub(crate) fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over `text`, continuing from `seed`.
pub(crate) fn hash(seed: u64, text: &str) -> u64 {
    let mut h = seed ^ 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// Whether a value is for a response (read-only properties included, write-only ones left out)
/// or for a request (the other way round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Response,
    Request,
}

/// Guidance for one generated value.
#[derive(Debug, Clone)]
pub(crate) enum Hint {
    /// Use this value when it fits the schema; when it does not fit as a whole, its object members
    /// still guide the members.
    Value(Value),
    /// An object whose members named here follow their hints. With `exact`, the optional members
    /// not named are left out.
    Fields {
        exact: bool,
        fields: Vec<(String, Hint)>,
    },
    /// An array of exactly this many generated items (within the schema's bounds).
    Len(usize),
    /// An array of this many items, each following the same hint.
    Items { len: usize, each: Box<Hint> },
    /// One of these values, taking turns by record index (a filter with several values).
    Cycle(Vec<Value>),
    /// Leave this optional member out.
    Omit,
}

impl Hint {
    pub(crate) fn value(v: impl Into<Value>) -> Hint {
        Hint::Value(v.into())
    }

    pub(crate) fn exact(fields: Vec<(&str, Hint)>) -> Hint {
        Hint::Fields {
            exact: true,
            fields: fields.into_iter().map(|(k, h)| (k.to_owned(), h)).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum H<'h> {
    Val(&'h Value),
    Node(&'h Hint),
}

impl<'h> H<'h> {
    fn child(self, name: &str) -> Option<H<'h>> {
        match self {
            H::Val(Value::Object(m)) => m.get(name).map(H::Val),
            H::Val(_) => None,
            H::Node(Hint::Fields { fields, .. }) => fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, h)| H::Node(h)),
            H::Node(Hint::Value(v)) => H::Val(v).child(name),
            H::Node(_) => None,
        }
    }

    fn item(self, i: usize) -> Option<H<'h>> {
        match self {
            H::Val(Value::Array(items)) => items.get(i).map(H::Val),
            H::Node(Hint::Items { each, .. }) => Some(H::Node(each)),
            H::Node(Hint::Value(v)) => H::Val(v).item(i),
            _ => None,
        }
    }

    fn as_value(self) -> Option<&'h Value> {
        match self {
            H::Val(v) | H::Node(Hint::Value(v)) => Some(v),
            _ => None,
        }
    }

    fn exact(self) -> bool {
        matches!(self, H::Node(Hint::Fields { exact: true, .. }))
    }

    fn omit(self) -> bool {
        matches!(self, H::Node(Hint::Omit))
    }

    fn len(self) -> Option<usize> {
        match self {
            H::Node(Hint::Len(n)) | H::Node(Hint::Items { len: n, .. }) => Some(*n),
            H::Val(Value::Array(items)) | H::Node(Hint::Value(Value::Array(items))) => {
                Some(items.len())
            }
            _ => None,
        }
    }
}

/// What the generator knows about the request it answers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scene<'a> {
    pub base_url: &'a str,
    /// The concrete request path.
    pub path: &'a str,
    /// A singular noun for the operation's resource.
    pub noun: &'a str,
    pub seed: u64,
    /// The operation creates a resource: `uri`s get the new id appended.
    pub creates: bool,
    /// The top-level member that holds the operation's records, if it lists any.
    pub records: Option<&'a str>,
    /// The position of the page's first record in the whole list, so that records keep their ids
    /// from page to page.
    pub record_offset: usize,
}

/// Generates values for one document.
pub(crate) struct Generator<'a> {
    scene: Scene<'a>,
    mode: Mode,
    /// Branches chosen for the `oneOf`/`anyOf` lists being built, by the list's address.
    picks: Vec<(usize, usize)>,
    /// Definitions currently being built, to stop recursion.
    active: HashMap<&'static str, usize>,
    nodes: usize,
}

#[derive(Debug, Clone, Copy)]
struct At<'p, 'h> {
    name: &'p str,
    parent: Option<&'p str>,
    depth: usize,
    index: usize,
    seed: u64,
    hint: Option<H<'h>>,
    sibling_id: Option<&'p str>,
    /// This value is an item of the operation's record list.
    record: bool,
    /// This value is a member of a record.
    in_record: bool,
    /// Who the enclosing object is about (see [`Place::persona`]).
    persona: u64,
}

/// A schema list flattened through `$ref` and `allOf`.
#[derive(Default)]
struct Eff {
    refs: Vec<&'static str>,
    impossible: bool,
    types: Option<Vec<&'static str>>,
    enums: Vec<&'static Vec<Value>>,
    konst: Option<&'static Value>,
    props: Vec<(&'static str, Vec<&'static Value>)>,
    required: Vec<&'static str>,
    additional: Vec<&'static Value>,
    items: Vec<&'static Value>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique: bool,
    min_len: Option<u64>,
    max_len: Option<u64>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    excl_min: Option<f64>,
    excl_max: Option<f64>,
    patterns: Vec<&'static str>,
    formats: Vec<&'static str>,
    examples: Vec<&'static Value>,
    default: Option<&'static Value>,
    /// The first `oneOf` (true) or `anyOf` (false) not yet resolved by a pick.
    choice: Option<(&'static Vec<Value>, bool)>,
}

fn tighter_min(cur: Option<f64>, new: Option<f64>) -> Option<f64> {
    match (cur, new) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn tighter_max(cur: Option<f64>, new: Option<f64>) -> Option<f64> {
    match (cur, new) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn tighter_min_u(cur: Option<u64>, new: Option<u64>) -> Option<u64> {
    match (cur, new) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn tighter_max_u(cur: Option<u64>, new: Option<u64>) -> Option<u64> {
    match (cur, new) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn type_list(t: &'static Value) -> Vec<&'static str> {
    match t {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The flags of a member's schema, looking through `$ref` and `allOf`.
fn flag(schemas: &[&'static Value], key: &str) -> bool {
    fn walk(s: &Value, key: &str, depth: usize) -> bool {
        if depth > 12 {
            return false;
        }
        let Some(m) = s.as_object() else { return false };
        if m.get(key).and_then(Value::as_bool) == Some(true) {
            return true;
        }
        if let Some(t) = m.get("$ref").and_then(Value::as_str).and_then(ref_target)
            && walk(t, key, depth + 1)
        {
            return true;
        }
        m.get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|all| all.iter().any(|s| walk(s, key, depth + 1)))
    }
    schemas.iter().any(|s| walk(s, key, 0))
}

impl<'a> Generator<'a> {
    pub(crate) fn new(scene: Scene<'a>, mode: Mode) -> Generator<'a> {
        Generator {
            scene,
            mode,
            picks: Vec::new(),
            active: HashMap::new(),
            nodes: 0,
        }
    }

    /// A value for `schema`, steered by `hint`. `None` only for a schema nothing satisfies.
    pub(crate) fn generate(
        &mut self,
        schema: &'static Value,
        hint: Option<&Hint>,
    ) -> Option<Value> {
        self.nodes = 0;
        let at = At {
            name: "",
            parent: None,
            depth: 0,
            index: 0,
            seed: self.scene.seed,
            hint: hint.map(H::Node),
            sibling_id: None,
            record: false,
            in_record: false,
            persona: self.scene.seed,
        };
        self.value(&[schema], &at)
    }

    /// A value for a named member (a parameter, a form field): the name drives the proposals.
    pub(crate) fn generate_named(&mut self, schema: &'static Value, name: &str) -> Option<Value> {
        self.nodes = 0;
        let at = At {
            name,
            parent: None,
            depth: 1,
            index: 0,
            seed: hash(self.scene.seed, name),
            hint: None,
            sibling_id: None,
            record: false,
            in_record: false,
            persona: self.scene.seed,
        };
        self.value(&[schema], &at)
    }

    fn flatten(&self, schemas: &[&'static Value]) -> Eff {
        let mut eff = Eff::default();
        for s in schemas {
            self.absorb(&mut eff, s, 0);
        }
        eff
    }

    fn absorb(&self, eff: &mut Eff, s: &'static Value, depth: usize) {
        if depth > 32 {
            return;
        }
        let m = match s {
            Value::Bool(false) => {
                eff.impossible = true;
                return;
            }
            Value::Object(m) => m,
            _ => return,
        };
        // One pass over the keywords (cheaper than a lookup per keyword); subschemas are
        // absorbed after the schema's own keywords.
        let mut reference: Option<&'static str> = None;
        let mut all: Option<&'static Vec<Value>> = None;
        let mut unions: Vec<(&'static Vec<Value>, bool)> = Vec::new();
        let mut default: Option<&'static Value> = None;
        for (keyword, arg) in m {
            match (keyword.as_str(), arg) {
                ("$ref", Value::String(r)) => reference = Some(r),
                ("type", t) => {
                    let list = type_list(t);
                    eff.types = Some(match eff.types.take() {
                        None => list,
                        Some(cur) => cur.into_iter().filter(|x| list.contains(x)).collect(),
                    });
                }
                ("enum", Value::Array(options)) => eff.enums.push(options),
                ("const", c) => eff.konst = Some(c),
                ("properties", Value::Object(props)) => {
                    for (k, v) in props {
                        match eff.props.iter_mut().find(|(n, _)| n == k) {
                            Some((_, list)) => list.push(v),
                            None => eff.props.push((k.as_str(), vec![v])),
                        }
                    }
                }
                ("required", Value::Array(req)) => {
                    for r in req.iter().filter_map(Value::as_str) {
                        if !eff.required.contains(&r) {
                            eff.required.push(r);
                        }
                    }
                }
                ("additionalProperties", a) => eff.additional.push(a),
                ("items", i) => eff.items.push(i),
                ("minItems", n) => eff.min_items = tighter_min_u(eff.min_items, n.as_u64()),
                ("maxItems", n) => eff.max_items = tighter_max_u(eff.max_items, n.as_u64()),
                ("minLength", n) => eff.min_len = tighter_min_u(eff.min_len, n.as_u64()),
                ("maxLength", n) => eff.max_len = tighter_max_u(eff.max_len, n.as_u64()),
                ("minimum", n) => eff.minimum = tighter_min(eff.minimum, n.as_f64()),
                ("maximum", n) => eff.maximum = tighter_max(eff.maximum, n.as_f64()),
                ("exclusiveMinimum", n) => eff.excl_min = tighter_min(eff.excl_min, n.as_f64()),
                ("exclusiveMaximum", n) => eff.excl_max = tighter_max(eff.excl_max, n.as_f64()),
                ("uniqueItems", Value::Bool(true)) => eff.unique = true,
                ("pattern", Value::String(p)) => eff.patterns.push(p),
                ("format", Value::String(f)) => eff.formats.push(f),
                ("examples", Value::Array(ex)) => eff.examples.extend(ex.iter()),
                ("default", d) => default = Some(d),
                ("allOf", Value::Array(parts)) => all = Some(parts),
                ("oneOf", Value::Array(branches)) => unions.push((branches, true)),
                ("anyOf", Value::Array(branches)) => unions.push((branches, false)),
                _ => {}
            }
        }
        if eff.default.is_none() {
            eff.default = default;
        }
        if let Some(r) = reference {
            match (ref_name(r), ref_target(r)) {
                (Some(name), Some(target)) => {
                    eff.refs.push(name);
                    self.absorb(eff, target, depth + 1);
                }
                _ => eff.impossible = true,
            }
        }
        for s in all.into_iter().flatten() {
            self.absorb(eff, s, depth + 1);
        }
        for (branches, one_of) in unions {
            let address = branches as *const Vec<Value> as usize;
            match self.picks.iter().find(|(a, _)| *a == address) {
                Some((_, i)) => {
                    if let Some(b) = branches.get(*i) {
                        self.absorb(eff, b, depth + 1);
                    }
                }
                None => {
                    if eff.choice.is_none() && !branches.is_empty() {
                        eff.choice = Some((branches, one_of));
                    }
                }
            }
        }
    }

    fn place<'p>(&self, at: &At<'p, '_>) -> Place<'p>
    where
        'a: 'p,
    {
        Place {
            name: at.name,
            parent: at.parent,
            index: at.index,
            seed: at.seed,
            persona: at.persona,
            base_url: self.scene.base_url,
            path: self.scene.path,
            noun: self.scene.noun,
            sibling_id: at.sibling_id,
            top: at.depth == 1,
            in_record: at.in_record,
            creates: self.scene.creates,
        }
    }

    fn value(&mut self, schemas: &[&'static Value], at: &At<'_, '_>) -> Option<Value> {
        self.nodes += 1;
        if at.depth > HARD_DEPTH {
            return None;
        }
        let eff = self.flatten(schemas);
        if eff.impossible {
            return None;
        }
        if let Some((branches, one_of)) = eff.choice {
            let address = branches as *const Vec<Value> as usize;
            let n = branches.len();
            // Records take turns through the branches, so a list shows its variety.
            let start = at.index % n;
            let mut tried: Vec<(usize, Value)> = Vec::new();
            for k in 0..n {
                let i = (start + k) % n;
                self.picks.push((address, i));
                let v = self.value(schemas, at);
                self.picks.pop();
                if let Some(v) = v {
                    if conforms_all(schemas, &v) {
                        return Some(v);
                    }
                    tried.push((i, v));
                }
            }
            // Every branch's value also satisfies another branch: a `oneOf` whose branches
            // leave members open. Make the value refuse the rivals, if that can be done.
            if one_of {
                for (i, v) in &tried {
                    let mut v = v.clone();
                    if disambiguate(&mut v, schemas, branches, *i) {
                        return Some(v);
                    }
                }
            }
            return tried.into_iter().next().map(|(_, v)| v);
        }
        let recursing = eff
            .refs
            .iter()
            .any(|r| self.active.get(r).is_some_and(|c| *c > 0));
        for r in &eff.refs {
            *self.active.entry(r).or_default() += 1;
        }
        let minimal = recursing || at.depth > OPTIONAL_DEPTH || self.nodes > NODE_BUDGET;
        let out = self.build(&eff, schemas, at, minimal);
        for r in &eff.refs {
            if let Some(c) = self.active.get_mut(r) {
                *c = c.saturating_sub(1);
            }
        }
        out
    }

    fn build(
        &mut self,
        eff: &Eff,
        schemas: &[&'static Value],
        at: &At<'_, '_>,
        minimal: bool,
    ) -> Option<Value> {
        let cycled = match at.hint {
            Some(H::Node(Hint::Cycle(values))) if !values.is_empty() => {
                values.get(at.index % values.len())
            }
            _ => None,
        };
        if let Some(hinted) = at.hint.and_then(H::as_value).or(cycled) {
            let v = coerce_scalar(hinted, eff);
            if conforms_all(schemas, &v) {
                return Some(v);
            }
        }
        if let Some(c) = eff.konst {
            return Some(c.clone());
        }
        if let Some(options) = eff.enums.first() {
            let n = options.len();
            let about =
                (at.name == "type" || at.name.ends_with("Type")) && (at.depth <= 1 || at.in_record);
            let by_noun = about
                .then(|| names::noun_option(options, self.scene.noun))
                .flatten();
            let preferred = eff.examples.iter().copied().filter(|e| options.contains(e));
            let rotated = (0..n).filter_map(|k| options.get((at.index + k) % n));
            for candidate in by_noun.into_iter().chain(preferred).chain(rotated) {
                if conforms_all(schemas, candidate) {
                    return Some(candidate.clone());
                }
            }
            return options.first().cloned();
        }
        match self.choose_type(eff, at)? {
            "object" => Some(self.object(eff, at, minimal)),
            "array" => Some(self.array(eff, at, minimal)),
            "string" => Some(self.string(eff, schemas, at)),
            "integer" => Some(self.number(eff, schemas, at, true)),
            "number" => Some(self.number(eff, schemas, at, false)),
            "boolean" => Some(self.boolean(eff, schemas)),
            _ => Some(Value::Null),
        }
    }

    fn choose_type(&self, eff: &Eff, at: &At<'_, '_>) -> Option<&'static str> {
        if let Some(types) = &eff.types {
            return types
                .iter()
                .find(|t| **t != "null")
                .or_else(|| types.first())
                .copied();
        }
        Some(
            if !eff.props.is_empty() || !eff.required.is_empty() || !eff.additional.is_empty() {
                "object"
            } else if !eff.items.is_empty() || eff.min_items.is_some() {
                "array"
            } else if eff.min_len.is_some()
                || eff.max_len.is_some()
                || !eff.patterns.is_empty()
                || !eff.formats.is_empty()
            {
                "string"
            } else if eff.minimum.is_some() || eff.maximum.is_some() {
                "number"
            } else if let Some(e) = eff.examples.first() {
                json_type(e)
            } else if let Some(v) = at.hint.and_then(H::as_value) {
                json_type(v)
            } else {
                "string"
            },
        )
    }

    fn object(&mut self, eff: &Eff, at: &At<'_, '_>, minimal: bool) -> Value {
        let exact = at.hint.is_some_and(H::exact);
        let mut order: Vec<usize> = (0..eff.props.len()).collect();
        // The id comes first so that `uri`s and other members can refer to it.
        if let Some(pos) = eff.props.iter().position(|(n, _)| *n == "id") {
            order.remove(pos);
            order.insert(0, pos);
        }
        let mut made: Vec<(&'static str, Value)> = Vec::new();
        let mut own_id: Option<String> = None;
        for i in order {
            let Some((name, prop_schemas)) = eff.props.get(i) else {
                continue;
            };
            let required = eff.required.contains(name);
            let child_hint = at.hint.and_then(|h| h.child(name));
            let read_only = flag(prop_schemas, "readOnly");
            let write_only = flag(prop_schemas, "writeOnly");
            let skip_for_mode = match self.mode {
                Mode::Response => write_only,
                Mode::Request => read_only,
            };
            if skip_for_mode && !(required && self.mode == Mode::Response) {
                continue;
            }
            if !required {
                if child_hint.is_some_and(H::omit) {
                    continue;
                }
                if child_hint.is_none() && (exact || minimal || flag(prop_schemas, "deprecated")) {
                    continue;
                }
            }
            let persona = if *name != "contact" && names::person_context(Some(name)) {
                hash(at.persona, name)
            } else {
                at.persona
            };
            let child = At {
                name,
                parent: if at.name.is_empty() {
                    at.parent
                } else {
                    Some(at.name)
                },
                depth: at.depth + 1,
                index: at.index,
                seed: hash(at.seed, name),
                hint: child_hint.filter(|h| !h.omit()),
                sibling_id: own_id.as_deref(),
                record: false,
                in_record: at.record,
                persona,
            };
            if let Some(v) = self.value(prop_schemas, &child) {
                if *name == "id" {
                    own_id = match &v {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    };
                }
                made.push((name, v));
            }
        }
        let mut map = Map::new();
        for (name, _) in &eff.props {
            if let Some(pos) = made.iter().position(|(n, _)| n == name) {
                let (n, v) = made.swap_remove(pos);
                map.insert(n.to_owned(), v);
            }
        }
        let closed = eff
            .additional
            .iter()
            .any(|a| matches!(a, Value::Bool(false)));
        let extra: Vec<&'static Value> = eff
            .additional
            .iter()
            .copied()
            .filter(|a| a.is_object())
            .collect();
        // Required members without a declared schema.
        for r in &eff.required {
            if map.contains_key(*r) || closed || eff.props.iter().any(|(n, _)| n == r) {
                continue;
            }
            let child = At {
                name: r,
                parent: Some(at.name),
                depth: at.depth + 1,
                index: at.index,
                seed: hash(at.seed, r),
                hint: at.hint.and_then(|h| h.child(r)),
                sibling_id: own_id.as_deref(),
                record: false,
                in_record: at.record,
                persona: at.persona,
            };
            let schemas: Vec<&'static Value> = if extra.is_empty() {
                vec![&Value::Bool(true)]
            } else {
                extra.clone()
            };
            if let Some(v) = self.value(&schemas, &child) {
                map.insert((*r).to_owned(), v);
            }
        }
        // A map (`additionalProperties` with a schema and no declared members): one entry, or
        // the echoed entries.
        if eff.props.is_empty() && !extra.is_empty() && !minimal {
            let keys: Vec<String> = match at.hint.and_then(H::as_value) {
                Some(Value::Object(m)) if !m.is_empty() => m.keys().cloned().collect(),
                _ => vec![
                    names::words(if at.name.is_empty() { "key" } else { at.name })
                        .to_ascii_lowercase()
                        .replace(' ', "-"),
                ],
            };
            for key in keys.iter().take(8) {
                let child = At {
                    name: key,
                    parent: Some(at.name),
                    depth: at.depth + 1,
                    index: at.index,
                    seed: hash(at.seed, key),
                    hint: at.hint.and_then(|h| h.child(key)),
                    sibling_id: None,
                    record: false,
                    in_record: at.record,
                    persona: at.persona,
                };
                if let Some(v) = self.value(&extra, &child) {
                    map.insert(key.clone(), v);
                }
            }
        }
        Value::Object(map)
    }

    fn array(&mut self, eff: &Eff, at: &At<'_, '_>, minimal: bool) -> Value {
        let min = eff.min_items.unwrap_or(0) as usize;
        let max = eff.max_items.map_or(usize::MAX, |m| m as usize);
        let wanted = match at.hint.and_then(H::len) {
            Some(n) => n,
            None if minimal => min,
            None if at.depth > 3 => 1,
            None => 1 + (at.seed % 3) as usize,
        };
        let n = wanted.max(min).min(max).min(64);
        let item_schemas: Vec<&'static Value> = if eff.items.is_empty() {
            vec![&Value::Bool(true)]
        } else {
            eff.items.clone()
        };
        let record = at.depth == 1 && self.scene.records == Some(at.name);
        let item_name = names::singular(at.name);
        let mut out: Vec<Value> = Vec::with_capacity(n);
        let mut attempt = 0;
        // Unique items may need a few extra tries; bounded so a tiny enum cannot loop.
        while out.len() < n && attempt < n + 8 {
            let i = attempt;
            attempt += 1;
            let position = if record {
                self.scene.record_offset.saturating_add(i)
            } else {
                i
            };
            // Each record is someone else, and so is each item of a list of people.
            let persona = if record {
                hash(self.scene.seed, &position.to_string())
            } else if names::person_context(Some(at.name)) {
                mix(at.persona ^ (i as u64 + 1))
            } else {
                at.persona
            };
            let child = At {
                name: &item_name,
                parent: at.parent,
                depth: at.depth + 1,
                index: if record { position } else { at.index + i },
                seed: mix(at.seed ^ (position as u64 + 1)),
                hint: at.hint.and_then(|h| h.item(i)),
                sibling_id: None,
                record,
                in_record: at.in_record,
                persona,
            };
            let Some(v) = self.value(&item_schemas, &child) else {
                break;
            };
            if eff.unique && out.contains(&v) {
                continue;
            }
            out.push(v);
        }
        Value::Array(out)
    }

    fn string(&mut self, eff: &Eff, schemas: &[&'static Value], at: &At<'_, '_>) -> Value {
        let place = self.place(at);
        let fits = |s: String| {
            let v = Value::String(s);
            conforms_all(schemas, &v).then_some(v)
        };
        // Candidates in order of preference, built only until one fits.
        let uri_format = eff.formats.iter().any(|f| {
            matches!(
                *f,
                "uri" | "iri" | "uri-reference" | "iri-reference" | "url"
            )
        });
        let found = names::identity_string(&place)
            .and_then(fits)
            .or_else(|| {
                eff.examples
                    .iter()
                    .filter_map(|e| e.as_str())
                    .find_map(|e| fits(e.to_owned()))
            })
            .or_else(|| match eff.default {
                Some(Value::String(d)) => fits(d.clone()),
                _ => None,
            })
            .or_else(|| names::named_string(&place).and_then(fits))
            .or_else(|| {
                eff.formats
                    .iter()
                    .find_map(|f| names::format_string(f, &place).and_then(fits))
            })
            .or_else(|| {
                eff.patterns
                    .iter()
                    .find_map(|p| pattern::sample(p, at.seed).and_then(fits))
            })
            .or_else(|| {
                // The sandbox's own address, should nothing more specific fit.
                uri_format
                    .then(|| format!("{}/", self.scene.base_url.trim_end_matches('/')))
                    .and_then(fits)
            });
        found.unwrap_or_else(|| Value::String(generic_string(&place, eff)))
    }

    fn number(
        &mut self,
        eff: &Eff,
        schemas: &[&'static Value],
        at: &At<'_, '_>,
        integer: bool,
    ) -> Value {
        let place = self.place(at);
        let mut candidates: Vec<Value> = Vec::new();
        if let Some(n) = names::named_integer(&place) {
            candidates.push(Value::from(n));
        }
        candidates.extend(
            eff.examples
                .iter()
                .filter(|e| e.is_number())
                .map(|e| (*e).clone()),
        );
        if let Some(d) = eff.default.filter(|d| d.is_number()) {
            candidates.push(d.clone());
        }
        let lo = match (eff.minimum, eff.excl_min) {
            (Some(m), Some(x)) => Some(m.max(x + 1.0)),
            (Some(m), None) => Some(m),
            (None, Some(x)) => Some(x + 1.0),
            (None, None) => None,
        };
        let hi = match (eff.maximum, eff.excl_max) {
            (Some(m), Some(x)) => Some(m.min(x - 1.0)),
            (Some(m), None) => Some(m),
            (None, Some(x)) => Some(x - 1.0),
            (None, None) => None,
        };
        let spread = (at.seed % 100) as f64;
        // A small positive number unless the schema's own bounds say otherwise; the wide range of
        // an int32/int64 format only clamps it.
        let mut pick = match (lo, hi) {
            (Some(lo), Some(hi)) if hi >= lo => {
                let width = (hi - lo).floor();
                lo.ceil()
                    + if width > 0.0 {
                        spread % (width + 1.0)
                    } else {
                        0.0
                    }
            }
            (Some(lo), _) => lo.ceil() + (spread % 10.0),
            (None, Some(hi)) => hi.floor().min(1.0 + spread),
            (None, None) => 1.0 + spread,
        };
        let (lo, hi) = eff
            .formats
            .iter()
            .filter_map(|f| super::schema::format_range(f))
            .fold((lo, hi), |(lo, hi), (flo, fhi)| {
                (tighter_min(lo, Some(flo)), tighter_max(hi, Some(fhi)))
            });
        if let Some(lo) = lo {
            pick = pick.max(lo.ceil());
        }
        if let Some(hi) = hi {
            pick = pick.min(hi.floor());
        }
        candidates.push(to_number(pick, integer));
        if let Some(lo) = lo {
            candidates.push(to_number(lo.ceil(), integer));
        }
        candidates
            .iter()
            .find(|c| conforms_all(schemas, c))
            .cloned()
            .unwrap_or_else(|| to_number(pick, integer))
    }

    fn boolean(&mut self, eff: &Eff, schemas: &[&'static Value]) -> Value {
        let candidates = eff
            .default
            .into_iter()
            .chain(eff.examples.iter().copied())
            .filter(|v| v.is_boolean());
        for c in candidates {
            if conforms_all(schemas, c) {
                return c.clone();
            }
        }
        Value::Bool(false)
    }
}

/// Makes `v`, built from branch `chosen` of a `oneOf`, refuse the other branches it also satisfies,
/// keeping `schemas` (which hold the `oneOf`) satisfied. Adds, where a rival declares a member the
/// value lacks, that member with a type the rival refuses (`null` where it can); looks into shared
/// members when that is not enough. Bounded in rounds and depth.
fn disambiguate(
    v: &mut Value,
    schemas: &[&'static Value],
    branches: &[Value],
    chosen: usize,
) -> bool {
    let Some(keep) = branches.get(chosen) else {
        return false;
    };
    for _ in 0..4 {
        if conforms_all(schemas, v) {
            return true;
        }
        let rivals: Vec<&Value> = branches
            .iter()
            .enumerate()
            .filter(|(k, b)| *k != chosen && super::check::conforms_one(b, v))
            .map(|(_, b)| b)
            .collect();
        if rivals.is_empty() {
            return false;
        }
        let mut progressed = false;
        for rival in rivals {
            progressed |= break_schema(v, rival, keep, 0);
        }
        if !progressed {
            return false;
        }
    }
    conforms_all(schemas, v)
}

/// Changes `v` so that it fails `target` while it still satisfies `keep`. Returns whether it does.
fn break_schema(v: &mut Value, target: &Value, keep: &Value, depth: usize) -> bool {
    use super::check::conforms_one;
    if !conforms_one(target, v) {
        return true;
    }
    if depth > 5 {
        return false;
    }
    let Some(map) = target.as_object() else {
        return false;
    };
    if let Some(t) = map.get("$ref").and_then(Value::as_str).and_then(ref_target)
        && break_schema(v, t, keep, depth + 1)
    {
        return true;
    }
    for part in map
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if break_schema(v, part, keep, depth + 1) && conforms_one(keep, v) {
            return true;
        }
    }
    // A union fails when none of its branches holds any more.
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = map.get(key).and_then(Value::as_array) {
            let held: Vec<&Value> = branches.iter().filter(|b| conforms_one(b, v)).collect();
            if held.iter().all(|b| break_schema(v, b, keep, depth + 1)) && !conforms_one(target, v)
            {
                return conforms_one(keep, v);
            }
        }
    }
    let Some(props) = map.get("properties").and_then(Value::as_object) else {
        return false;
    };
    // A member the rival declares and the value lacks, in a type the rival refuses.
    for (name, schema) in props {
        if v.get(name).is_some() {
            continue;
        }
        let Some(wrong) = refused_value(schema) else {
            continue;
        };
        if let Value::Object(obj) = v {
            obj.insert(name.clone(), wrong);
        }
        if conforms_one(keep, v) && !conforms_one(target, v) {
            return true;
        }
        if let Value::Object(obj) = v {
            obj.remove(name);
        }
    }
    // A member both declare: break it inside.
    for (name, schema) in props {
        let inner_keep = super::schema::property_schema(keep, name)
            .cloned()
            .unwrap_or(Value::Bool(true));
        let Some(member) = v.get_mut(name) else {
            continue;
        };
        if member.is_object()
            && break_schema(member, schema, &inner_keep, depth + 1)
            && conforms_one(keep, v)
            && !conforms_one(target, v)
        {
            return true;
        }
    }
    false
}

/// A value of a type `schema` does not admit: `null` when it can be, else another scalar.
fn refused_value(schema: &Value) -> Option<Value> {
    let admitted = super::schema::admitted_types(schema)?;
    [
        ("null", Value::Null),
        ("string", Value::String(String::new())),
        ("boolean", Value::Bool(false)),
        ("integer", Value::from(0)),
    ]
    .into_iter()
    .find(|(t, _)| !(admitted.contains(t) || *t == "integer" && admitted.contains("number")))
    .map(|(_, v)| v)
}

fn to_number(x: f64, integer: bool) -> Value {
    if (integer || x.fract() == 0.0) && x >= i64::MIN as f64 && x <= i64::MAX as f64 {
        return Value::from(x as i64);
    }
    Number::from_f64(x).map_or(Value::from(0), Value::Number)
}

/// Text from a hinted scalar when the schema wants a number or a boolean (path parameters and
/// form fields arrive as text).
fn coerce_scalar(v: &Value, eff: &Eff) -> Value {
    let Value::String(s) = v else {
        return v.clone();
    };
    let wants = |t: &str| eff.types.as_ref().is_some_and(|types| types.contains(&t));
    if wants("string") {
        return v.clone();
    }
    if wants("integer")
        && let Ok(n) = s.parse::<i64>()
    {
        return Value::from(n);
    }
    if wants("number")
        && let Some(n) = s.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(n);
    }
    if wants("boolean") {
        match s.as_str() {
            "true" => return Value::Bool(true),
            "false" => return Value::Bool(false),
            _ => {}
        }
    }
    v.clone()
}

/// Plain text that respects the length bounds: the member's name in words and a number.
fn generic_string(place: &Place<'_>, eff: &Eff) -> String {
    let stem = if place.name.is_empty() {
        names::words(place.noun)
    } else {
        names::words(place.name)
    };
    let mut s = format!("{stem} {}", place.index + 1);
    let min = eff.min_len.unwrap_or(0) as usize;
    let max = eff.max_len.map_or(usize::MAX, |m| m as usize);
    while s.chars().count() < min {
        s.push('x');
    }
    if s.chars().count() > max {
        s = s.chars().take(max).collect();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scene() -> Scene<'static> {
        Scene {
            base_url: "http://127.0.0.1:9",
            path: "/restapi/v1.0/account/~/things",
            noun: "thing",
            seed: 1,
            creates: false,
            records: Some("records"),
            record_offset: 0,
        }
    }

    fn leak(v: Value) -> &'static Value {
        Box::leak(Box::new(v))
    }

    #[test]
    fn honours_required_enum_bounds_and_formats() {
        let schema = leak(json!({
            "type": "object",
            "required": ["id", "status", "count", "when"],
            "properties": {
                "id": {"type": "string"},
                "status": {"type": "string", "enum": ["Enabled", "Disabled"]},
                "count": {"type": "integer", "minimum": 5, "maximum": 7},
                "when": {"type": "string", "format": "date-time"},
                "email": {"type": "string", "format": "email"},
                "tags": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string"}}
            },
            "additionalProperties": false
        }));
        let v = Generator::new(scene(), Mode::Response).generate(schema, None);
        let v = v.unwrap_or_default();
        assert!(super::super::check::conforms(schema, &v), "{v}");
        assert_eq!(v["status"], json!("Enabled"));
        assert_eq!(v["tags"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn same_scene_same_value() {
        let schema = leak(json!({"$ref": "#/$defs/ContactList"}));
        let a = Generator::new(scene(), Mode::Response).generate(schema, None);
        let b = Generator::new(scene(), Mode::Response).generate(schema, None);
        assert_eq!(a, b);
        let mut other = scene();
        other.seed = 2;
        let c = Generator::new(other, Mode::Response).generate(schema, None);
        assert_ne!(a, c);
    }

    #[test]
    fn one_of_branch_really_validates() {
        let schema = leak(json!({"oneOf": [
            {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            {"type": "object", "required": ["isoCode"], "properties": {"isoCode": {"type": "string"}}}
        ]}));
        let v = Generator::new(scene(), Mode::Request).generate(schema, None);
        assert!(v.is_some_and(|v| super::super::check::conforms(schema, &v)));
    }

    #[test]
    fn open_one_of_branches_are_told_apart() {
        // Both branches accept any object without their members: a value from either matches
        // both, unless it refuses the other's member.
        let schema = leak(json!({"oneOf": [
            {"type": "object", "properties": {"texts": {"type": "array", "items": {"type": "string"}}}},
            {"type": "object", "properties": {"errors": {"type": "array"}}}
        ]}));
        let v = Generator::new(scene(), Mode::Response)
            .generate(schema, None)
            .unwrap_or_default();
        assert!(super::super::check::conforms(schema, &v), "{v}");
        assert!(v.get("texts").is_some_and(Value::is_array), "{v}");
        assert_eq!(v.get("errors"), Some(&Value::Null));
    }

    #[test]
    fn recursive_definitions_terminate() {
        // Adaptive cards nest containers in containers.
        let schema = leak(json!({"$ref": "#/$defs/AdaptiveCardInfo"}));
        let v = Generator::new(scene(), Mode::Response).generate(schema, None);
        assert!(v.is_some_and(|v| super::super::check::conforms(schema, &v)));
    }

    #[test]
    fn hints_echo_values_and_drop_unlisted_members() {
        let schema = leak(json!({"$ref": "#/$defs/ContactList"}));
        let hint = Hint::Fields {
            exact: false,
            fields: vec![
                ("records".to_owned(), Hint::Len(3)),
                (
                    "paging".to_owned(),
                    Hint::exact(vec![("page", Hint::value(2)), ("perPage", Hint::value(1))]),
                ),
            ],
        };
        let v = Generator::new(scene(), Mode::Response)
            .generate(schema, Some(&hint))
            .unwrap_or_default();
        assert_eq!(v["records"].as_array().map(Vec::len), Some(3));
        assert_eq!(v["paging"]["page"], json!(2));
        assert_eq!(v["paging"]["perPage"], json!(1));
        assert!(v["paging"].get("totalElements").is_none());
        let ids: Vec<&Value> = v["records"]
            .as_array()
            .map(|r| r.iter().map(|c| &c["id"]).collect())
            .unwrap_or_default();
        assert!(
            ids[0] != ids[1] && ids[1] != ids[2],
            "records get distinct ids: {ids:?}"
        );
    }

    #[test]
    fn write_only_members_stay_out_of_responses() {
        let schema = leak(json!({"$ref": "#/$defs/WebhookDeliveryModeRequest"}));
        let v = Generator::new(scene(), Mode::Response).generate(schema, None);
        assert!(v.is_some_and(|v| v.get("verificationToken").is_none()));
        let v = Generator::new(scene(), Mode::Request).generate(schema, None);
        assert!(v.is_some_and(|v| v.get("verificationToken").is_some()));
    }
}
