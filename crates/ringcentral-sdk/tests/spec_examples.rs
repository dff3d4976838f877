//! Every example the spec gives for a schema the SDK has a model for (on the schema itself, or on
//! a request body, response or parameter whose schema is that component) deserializes into the
//! model and serializes back without losing or changing a field. A field the example sets to
//! `null` and the model leaves out counts as the same; numbers compare by value.

#[rustfmt::skip]
#[path = "generated/round_trip.rs"]
mod generated;

use serde_json::Value;

const SPEC: &str = include_str!("../../../spec/rc-public-openapi.yml");
const COMPONENT: &str = "#/components/schemas/";

/// One example: the component schema it is for, where the spec gives it, and the value.
struct Example {
    schema: String,
    at: String,
    value: Value,
}

/// The component a schema names, directly or as the items of an array (then the example's items
/// are the examples).
fn component(schema: &Value) -> Option<(String, bool)> {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(COMPONENT))
    {
        return Some((name.to_string(), false));
    }
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        let (name, _) = component(schema.get("items")?)?;
        return Some((name, true));
    }
    None
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| spec.pointer(pointer))
        .unwrap_or(value)
}

fn push(out: &mut Vec<Example>, schema: &str, many: bool, at: String, value: Value) {
    match (many, value) {
        (true, Value::Array(items)) => {
            for (i, item) in items.into_iter().enumerate() {
                out.push(Example {
                    schema: schema.to_string(),
                    at: format!("{at}[{i}]"),
                    value: item,
                });
            }
        }
        (_, value) => out.push(Example {
            schema: schema.to_string(),
            at,
            value,
        }),
    }
}

/// Examples of objects that carry a `schema` and an `example`/`examples` (media types and
/// parameters), anywhere under `node`.
fn collect(spec: &Value, node: &Value, at: &str, out: &mut Vec<Example>) {
    match node {
        Value::Object(map) => {
            if let Some((schema, many)) = map.get("schema").and_then(component) {
                if let Some(example) = map.get("example") {
                    push(out, &schema, many, format!("{at}/example"), example.clone());
                }
                if let Some(Value::Object(examples)) = map.get("examples") {
                    for (name, example) in examples {
                        if let Some(value) = resolve(spec, example).get("value") {
                            push(
                                out,
                                &schema,
                                many,
                                format!("{at}/examples/{name}"),
                                value.clone(),
                            );
                        }
                    }
                }
            }
            for (key, child) in map {
                collect(
                    spec,
                    child,
                    &format!("{at}/{}", key.replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect(spec, child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn examples(spec: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    if let Some(Value::Object(schemas)) = spec.pointer("/components/schemas") {
        for (name, schema) in schemas {
            let at = format!("/components/schemas/{name}");
            if let Some(example) = schema.get("example") {
                push(
                    &mut out,
                    name,
                    false,
                    format!("{at}/example"),
                    example.clone(),
                );
            }
            if let Some(Value::Array(list)) = schema.get("examples") {
                for (i, example) in list.iter().enumerate() {
                    push(
                        &mut out,
                        name,
                        false,
                        format!("{at}/examples/{i}"),
                        example.clone(),
                    );
                }
            }
        }
    }
    for section in [
        "/paths",
        "/components/responses",
        "/components/requestBodies",
        "/components/parameters",
    ] {
        if let Some(node) = spec.pointer(section) {
            collect(spec, node, section, &mut out);
        }
    }
    out
}

/// The value with `null` members dropped and numbers as floats: what "the same" means here.
fn normalized(value: &Value) -> Value {
    match value {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), normalized(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn the_spec_s_examples_round_trip_through_their_models() {
    let spec: Value = serde_yaml::from_str(SPEC).expect("the vendored spec parses");
    let examples = examples(&spec);
    assert!(
        examples.len() >= 70,
        "only {} examples found: the walk is broken",
        examples.len()
    );

    let mut checked = 0;
    let mut failures = Vec::new();
    for example in &examples {
        let Some(result) = generated::round_trip(&example.schema, example.value.clone()) else {
            continue;
        };
        checked += 1;
        match result {
            Err(e) => failures.push(format!(
                "{} ({}): does not decode: {e}",
                example.at, example.schema
            )),
            Ok(back) if normalized(&back) != normalized(&example.value) => failures.push(format!(
                "{} ({}): changed\n  spec:  {}\n  model: {}",
                example.at, example.schema, example.value, back
            )),
            Ok(_) => {}
        }
    }
    assert!(
        checked >= 60,
        "only {checked} of {} examples have a model",
        examples.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} examples do not round-trip:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_changed_or_lost_field_is_caught() {
    // The comparison itself: an unknown field survives (in `extra`), a wrong type does not pass.
    let kept = generated::round_trip("PageNavigationUri", serde_json::json!({"uri": "u", "x": 1}));
    assert_eq!(
        kept.and_then(Result::ok),
        Some(serde_json::json!({"uri": "u", "x": 1}))
    );
    let bad = generated::round_trip("PageNavigationUri", serde_json::json!({"uri": 5}));
    assert!(bad.is_some_and(|r| r.is_err()));
    assert!(generated::round_trip("NoSuchSchema", Value::Null).is_none());
    assert_ne!(
        normalized(&serde_json::json!({"a": 1, "b": null})),
        normalized(&serde_json::json!({"a": 2}))
    );
    assert_eq!(
        normalized(&serde_json::json!({"a": 1, "b": null})),
        normalized(&serde_json::json!({"a": 1.0}))
    );
}
