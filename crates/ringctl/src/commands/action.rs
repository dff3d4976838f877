//! `ringctl action list|show`: the catalog of actions and intent search.

use serde_json::{Map, Value, json};

use ringcentral_catalog::search::Breakdown;
use ringcentral_catalog::{Action, Paging, ParamLocation, actions, search, set_field, split_pair};

use crate::cli::{ActionListArgs, ActionRunArgs, ActionShowArgs};
use crate::commands::send;
use crate::context::{Ctx, Session, runtime_error};
use crate::exit::{CliError, CliResult};
use crate::output::{View, ellipsize};

const DEFAULT_INTENT_LIMIT: usize = 20;

/// The JSON form of an action in listings.
fn summary_json(action: Action, score: Option<f32>) -> Value {
    let mut item = Map::new();
    item.insert("id".into(), json!(action.key()));
    item.insert("key".into(), json!(action.key()));
    item.insert("operationId".into(), json!(action.operation_id()));
    item.insert("name".into(), json!(action.name()));
    item.insert("description".into(), json!(action.description()));
    item.insert("method".into(), json!(action.method().as_str()));
    item.insert("path".into(), json!(action.path()));
    item.insert("tags".into(), json!(action.tags()));
    item.insert(
        "throttlingGroup".into(),
        json!(action.throttling_group().map(|g| g.as_str())),
    );
    item.insert("appPermission".into(), json!(action.app_permission()));
    item.insert("userPermission".into(), json!(action.user_permission()));
    item.insert("inputSchema".into(), action.input_schema());
    item.insert(
        "score".into(),
        score.map_or(Value::Null, |s| {
            json!((f64::from(s) * 1000.0).round() / 1000.0)
        }),
    );
    Value::Object(item)
}

pub fn list(args: &ActionListArgs) -> CliResult<View> {
    let tag = args.tag.as_deref().map(str::to_lowercase);
    let has_tag = |action: &Action| {
        tag.as_ref()
            .is_none_or(|t| action.tags().iter().any(|x| x.to_lowercase() == *t))
    };
    // Each action with its score and, for a match the search ranked, how the score adds up.
    type Ranked = (Action, Option<f32>, Option<Breakdown>);
    let ranked: Vec<Ranked> = match args.intent.as_deref() {
        Some(query) if query.trim().is_empty() => {
            return Err(CliError::usage("--intent is empty")
                .hint("Say what you want to do, e.g. --intent \"send an sms\"."));
        }
        // A query that is a key, an old key or an operationId names its action: it comes first,
        // scored as the best match.
        Some(query) => {
            let named = Action::find(query);
            let hits: Vec<Ranked> = search(query, actions().len())
                .into_iter()
                .filter(|hit| named.is_none_or(|a| a.key() != hit.action.key()))
                .map(|hit| (hit.action, Some(hit.score), Some(hit.breakdown)))
                .collect();
            let best = hits
                .first()
                .and_then(|(_, s, _)| *s)
                .unwrap_or(1.0)
                .max(1.0);
            named
                .map(|a| (a, Some(best), None))
                .into_iter()
                .chain(hits)
                .filter(|(a, _, _)| has_tag(a))
                .take(args.limit.unwrap_or(DEFAULT_INTENT_LIMIT))
                .collect()
        }
        None => actions()
            .filter(has_tag)
            .map(|a| (a, None, None))
            .take(args.limit.unwrap_or(usize::MAX))
            .collect(),
    };
    if let Some(tag) = &args.tag
        && ranked.is_empty()
        && !actions().any(|a| a.tags().iter().any(|x| x.eq_ignore_ascii_case(tag)))
    {
        return Err(CliError::usage(format!("no action has the tag `{tag}`"))
            .hint("Run `ringctl action list` to see the tags in the TAGS column."));
    }

    let items: Vec<Value> = ranked
        .iter()
        .map(|(a, s, breakdown)| {
            let mut item = summary_json(*a, *s);
            if let (true, Value::Object(map)) = (args.explain, &mut item) {
                map.insert(
                    "explain".into(),
                    breakdown.map_or(Value::Null, explain_json),
                );
            }
            item
        })
        .collect();
    let searching = args.intent.is_some();
    let mut columns = vec!["KEY", "METHOD", "NAME", "TAGS"];
    if searching {
        columns.push("SCORE");
    }
    if args.explain {
        columns.push("WHY");
    }
    let rows = ranked
        .iter()
        .map(|(a, score, breakdown)| {
            let mut row = vec![
                a.key().to_string(),
                a.method().as_str().to_string(),
                ellipsize(a.name(), 48),
                ellipsize(&a.tags().join(", "), 28),
            ];
            if let Some(score) = score {
                row.push(format!("{score:.2}"));
            }
            if args.explain {
                row.push(breakdown.map_or_else(|| "named by the query".into(), explain_text));
            }
            row
        })
        .collect();
    let footer = if searching && ranked.is_empty() {
        Some("No action matches that intent; try other words or `ringctl action list`.".into())
    } else {
        Some(format!(
            "{} of {} actions. `ringctl action show KEY` shows one; `ringctl action run KEY --input '{{...}}'` runs it.",
            ranked.len(),
            actions().len()
        ))
    };
    Ok(View::Table {
        json: json!({ "items": items }),
        columns,
        rows,
        footer,
    })
}

/// A score's signals as JSON, every one by name, rounded as scores are.
fn explain_json(breakdown: Breakdown) -> Value {
    let signals: Map<String, Value> = breakdown
        .signals()
        .iter()
        .map(|(name, v)| {
            (
                (*name).to_string(),
                json!((f64::from(*v) * 1000.0).round() / 1000.0),
            )
        })
        .collect();
    Value::Object(signals)
}

/// A score's signals that count, largest first, as one line ("recall 2.70, verb 0.90").
fn explain_text(breakdown: Breakdown) -> String {
    let mut signals: Vec<(&str, f32)> = breakdown
        .signals()
        .into_iter()
        .filter(|(_, v)| v.abs() >= 0.005)
        .collect();
    signals.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    signals
        .iter()
        .map(|(name, v)| format!("{name} {v:+.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds an action by key or operationId, or explains what exists.
pub fn find(key: &str) -> CliResult<Action> {
    Action::find(key).ok_or_else(|| {
        let suggestions = Action::suggest(key, 3);
        let hint = if suggestions.is_empty() {
            "Run `ringctl action list --intent \"...\"` to find one.".to_string()
        } else {
            format!("Did you mean {}?", suggestions.join(", "))
        };
        CliError::usage(format!("unknown action `{key}`")).hint(hint)
    })
}

pub fn show(args: &ActionShowArgs) -> CliResult<View> {
    let action = find(&args.key)?;
    let mut full = summary_json(action, None);
    if let Value::Object(map) = &mut full {
        map.remove("score");
        map.insert("aliases".into(), json!(action.operation().aliases));
        map.insert("outputSchema".into(), json!(action.output_schema()));
        map.insert("deprecated".into(), json!(action.deprecated()));
        map.insert("example".into(), action.example_input());
    }

    let op = action.operation();
    let schema = action.input_schema();
    let mut rows: Vec<[String; 5]> = Vec::new();
    let mut push_input = |name: &str, location: &str, ty: &str, required: bool, about: &str| {
        rows.push([
            name.to_string(),
            location.to_string(),
            ty.to_string(),
            if required { "required" } else { "" }.to_string(),
            ellipsize(about, 60),
        ]);
    };
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        let required = p.required && p.default.is_none();
        let ty = type_label(&schema, &schema["properties"][p.input_name], p.ty);
        push_input(p.input_name, "path", &ty, required, p.description);
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(body) = &op.body {
        match body.shape {
            ringcentral_catalog::BodyShape::Merged => {
                for f in body.fields {
                    let prop = &schema["properties"][f.input_name];
                    let ty = type_label(&schema, prop, "object");
                    let about = prop["description"].as_str().unwrap_or_default();
                    push_input(
                        f.input_name,
                        "body",
                        &ty,
                        required.contains(&f.input_name),
                        about,
                    );
                }
            }
            ringcentral_catalog::BodyShape::Whole => {
                push_input(
                    "body",
                    "body",
                    "json",
                    body.required,
                    "The whole request body",
                );
            }
        }
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
    {
        let location = p.location.as_str();
        let about = if p.enum_values.is_empty() {
            p.description.to_string()
        } else {
            format!("one of: {}", p.enum_values.join(", "))
        };
        let ty = type_label(&schema, &schema["properties"][p.input_name], p.ty);
        push_input(p.input_name, location, &ty, p.required, &about);
    }
    if let Value::Object(map) = &mut full {
        let listed: Vec<Value> = rows
            .iter()
            .map(|[name, location, ty, required, _]| {
                json!({"name": name, "in": location, "type": ty, "required": !required.is_empty()})
            })
            .collect();
        map.insert("inputs".into(), Value::Array(listed));
    }
    // Columns as wide as their longest entry (a union type such as `integer | "max" | "all"`).
    let width = |i: usize, least: usize| {
        rows.iter()
            .map(|r| r[i].len())
            .max()
            .unwrap_or(0)
            .max(least)
    };
    let (w_name, w_type) = (width(0, 28), width(2, 8));
    let mut inputs = String::new();
    for [name, location, ty, required, about] in &rows {
        inputs.push_str(&format!(
            "  {name:<w_name$} {location:<7} {ty:<w_type$} {required:<9} {about}\n"
        ));
    }
    if inputs.is_empty() {
        inputs.push_str("  (none)\n");
    }

    let mut fields = vec![
        ("Key", action.key().to_string()),
        ("Operation", action.operation_id().to_string()),
        (
            "Request",
            format!("{} {}", action.method().as_str(), action.path()),
        ),
        ("Tags", action.tags().join(", ")),
        (
            "Rate group",
            action
                .throttling_group()
                .map(|g| g.as_str().to_string())
                .unwrap_or_default(),
        ),
        (
            "App permission",
            action.app_permission().unwrap_or_default().to_string(),
        ),
        (
            "User permission",
            action.user_permission().unwrap_or_default().to_string(),
        ),
    ];
    if !op.aliases.is_empty() {
        fields.push(("Aliases", op.aliases.join(", ")));
    }
    if action.deprecated() {
        fields.push(("Deprecated", "yes".into()));
    }
    let mut sections = vec![(action.name().to_string(), action.description().to_string())];
    sections.push(("Input".to_string(), inputs));
    let example = action.example_input();
    let example_text = serde_json::to_string_pretty(&example).unwrap_or_default();
    sections.push((
        "Example input (from the spec's examples, defaults and types)".to_string(),
        format!("{}\n", indent(&example_text)),
    ));
    let compact = serde_json::to_string(&example).unwrap_or_default();
    let run = if compact == "{}" {
        format!("  ringctl action run {}", action.key())
    } else {
        format!(
            "  ringctl action run {} --input '{}'",
            action.key(),
            compact.replace('\'', "'\\''")
        )
    };
    sections.push((
        "Run it".to_string(),
        format!(
            "{run}\n  (`-f key=value` sets one field; `--json` prints the full input and output schemas)"
        ),
    ));
    Ok(View::Record {
        json: full,
        fields,
        sections,
    })
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The type of an input as `action show` prints it: the schema's type, or for a union the types
/// and words it takes (`integer | "max" | "all"` for a page size that also takes those words).
fn type_label(root: &Value, prop: &Value, fallback: &str) -> String {
    fn resolve<'a>(root: &'a Value, mut s: &'a Value) -> &'a Value {
        for _ in 0..16 {
            let Some(name) = s
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            else {
                break;
            };
            match root["$defs"].get(name) {
                Some(def) => s = def,
                None => break,
            }
        }
        s
    }
    let prop = resolve(root, prop);
    let branches: Vec<&Value> = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| prop.get(*k).and_then(Value::as_array))
        .flatten()
        .map(|b| resolve(root, b))
        .collect();
    if branches.is_empty() {
        return prop["type"]
            .as_str()
            .map_or_else(|| fallback.to_string(), str::to_string);
    }
    let mut parts: Vec<String> = Vec::new();
    for branch in &branches {
        let words: Vec<String> = branch["enum"]
            .as_array()
            .map(|e| {
                e.iter()
                    .filter_map(Value::as_str)
                    .map(|w| format!("\"{w}\""))
                    .collect()
            })
            .unwrap_or_default();
        // A short list of words says more than `string`; a long one is listed under "one of".
        let labels = if !words.is_empty() && words.len() <= 4 {
            words
        } else {
            vec![branch["type"].as_str().unwrap_or("object").to_string()]
        };
        for label in labels {
            if !parts.contains(&label) {
                parts.push(label);
            }
        }
    }
    parts.join(" | ")
}

/// Reads `--input`: JSON text, `@FILE`, or `-` for stdin; nothing means `{}`.
fn read_input(input: Option<&str>) -> CliResult<Value> {
    let Some(arg) = input else {
        return Ok(json!({}));
    };
    let from = crate::input::Source::of(arg);
    let text = from.text("the input")?;
    let source = match from {
        crate::input::Source::Inline(_) => "--input".to_string(),
        other => other.describe(),
    };
    if text.trim().is_empty() {
        return Err(CliError::usage(format!("the input from {source} is empty"))
            .hint("Pass a JSON object, e.g. --input '{\"contactId\": 1}'."));
    }
    let mut value: Value = serde_json::from_str(&text).map_err(|e| {
        CliError::usage(format!(
            "the input from {source} is not valid JSON (line {}, column {}: {e})",
            e.line(),
            e.column()
        ))
        .hint("Pass a JSON object, e.g. --input '{\"contactId\": 1}'.")
    })?;
    normalize(&mut value)?;
    Ok(value)
}

/// Applies `-f KEY=VALUE` and `-F KEY=@FILE` over the input, typed by the action's input schema.
fn apply_fields(action: Action, input: &mut Value, args: &ActionRunArgs) -> CliResult<()> {
    if args.set_fields.is_empty() && args.set_file_fields.is_empty() {
        return Ok(());
    }
    if !input.is_object() {
        return Err(CliError::usage(format!(
            "-f and -F set fields of an object, but --input is {}",
            ringcentral_catalog::json_kind(input)
        ))
        .hint("Give --input a JSON object, or drop it."));
    }
    let schema = action.input_schema();
    let field_error = |flag: &str, e: ringcentral_catalog::FieldError| {
        CliError::usage(format!("{flag}: {e}"))
            .hint("Write -f key=value, -f parent.child=value, or -F key=@FILE.")
    };
    for pair in &args.set_fields {
        let (key, value) = split_pair(pair).map_err(|e| field_error("-f", e))?;
        set_field(&schema, input, key, value).map_err(|e| field_error("-f", e))?;
    }
    for pair in &args.set_file_fields {
        let (key, value) = split_pair(pair).map_err(|e| field_error("-F", e))?;
        let value = crate::input::Source::of(value)
            .text("the file")
            .map_err(|e| CliError::usage(format!("-F {key}: {}", e.message)))?;
        set_field(&schema, input, key, &value).map_err(|e| field_error("-F", e))?;
    }
    Ok(())
}

/// Turns numbers too large to keep exactly into an error rather than a silently different id.
pub(crate) fn normalize(value: &mut Value) -> CliResult<()> {
    ringcentral_catalog::normalize_numbers(value).map_err(|v| {
        CliError::usage(format!("the input has {v}"))
            .hint("Write a large id as a string, e.g. \"contactId\": \"12345678901234567890\".")
    })
}

/// The error for an input that breaks an action's schema: one line, then each violation with its
/// JSON pointer.
fn schema_error(action: Action, violations: &[ringcentral_catalog::Violation]) -> CliError {
    let count = violations.len();
    CliError::usage(format!(
        "the input does not fit the schema of {} ({count} problem{})",
        action.key(),
        if count == 1 { "" } else { "s" }
    ))
    .hint(format!(
        "Run `ringctl action show {}` to see its inputs; nothing was sent.",
        action.key()
    ))
    .details(violations.iter().map(|v| v.to_string()).collect())
}

/// Builds an action's HTTP request from an input already checked (or let through); nothing is sent.
fn build(action: Action, input: &Value) -> CliResult<ringcentral_catalog::HttpRequest> {
    action
        .request(input)
        .map_err(|e| CliError::usage(e.to_string()).hint("Nothing was sent."))
}

/// Checks an input against an action's schema and builds its HTTP request; nothing is sent. Each
/// violation is listed with its JSON pointer.
pub(crate) fn checked_request(
    action: Action,
    input: &mut Value,
) -> CliResult<ringcentral_catalog::HttpRequest> {
    action.coerce_parameters(input);
    if let Err(violations) = action.validate(input) {
        return Err(schema_error(action, &violations));
    }
    build(action, input)
}

pub fn run(ctx: &Ctx, args: &ActionRunArgs) -> CliResult<View> {
    let action = find(&args.key)?;
    let mut input = read_input(args.input.as_deref())?;
    apply_fields(action, &mut input, args)?;
    action.coerce_parameters(&mut input);
    if let Err(violations) = action.validate(&input) {
        if !args.skip_validation {
            let mut err = schema_error(action, &violations);
            err.details
                .push("(--skip-validation sends it anyway)".to_owned());
            return Err(err);
        }
        let count = violations.len();
        ctx.out.note(&format!(
            "warning: --skip-validation: sending an input that does not fit the schema of {} ({count} problem{}):",
            action.key(),
            if count == 1 { "" } else { "s" }
        ));
        for violation in &violations {
            ctx.out.note(&format!("  {violation}"));
        }
    }
    let http = build(action, &input)?;

    if args.dry_run {
        let connection = ctx.connection()?;
        let (client, shown_server) = crate::context::dry_run_client(&ctx.home, &connection)?;
        let request = ctx.block_on(send::runtime_request(action, http))?;
        let prepared = client.prepare(&request).map_err(runtime_error)?;
        return Ok(send::dry_run_view(&prepared, shown_server));
    }

    ctx.sending(action.method());
    let session = ctx.session()?;
    let json_mode = ctx.out.json;
    ctx.block_on(async {
        let request = send::runtime_request(action, http).await?;
        let paging = action.paging();
        if args.all_pages && paging != Paging::None {
            return all_pages(ctx, &session, request, paging).await;
        }
        if args.all_pages {
            ctx.out.note(&format!(
                "note: {} is not a paged listing; printing its one response.",
                action.key()
            ));
        }
        let response = session.client.send(request).await.map_err(runtime_error)?;
        send::response_view(response, json_mode)
    })
}

/// Streams the records of every page to stdout as they arrive (one JSON array, or NDJSON), as
/// JSON text passed through, in memory bounded by one page.
async fn all_pages(
    ctx: &Ctx,
    session: &Session,
    request: ringcentral::Request,
    paging: Paging,
) -> CliResult<View> {
    use futures::StreamExt;

    let records = session
        .client
        .paginate_raw(request, paging)
        .map(|item| item.map_err(runtime_error));
    send::stream_raw_records(&ctx.out, records).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::JsonFlag;

    fn listing(intent: &str, explain: bool) -> Value {
        let args = ActionListArgs {
            intent: Some(intent.into()),
            limit: Some(3),
            tag: None,
            explain,
            out: JsonFlag { json: true },
        };
        match list(&args) {
            Ok(View::Table { json, .. }) => json,
            Ok(_) => panic!("a listing is a table"),
            Err(e) => panic!("listing failed: {e:?}"),
        }
    }

    #[test]
    fn explain_gives_each_match_the_signals_its_score_adds_up_from() {
        let json = listing("forward my calls to my mobile", true);
        let items = json["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 3);
        for item in &items {
            let signals = item["explain"].as_object().cloned().unwrap_or_default();
            assert!(signals.contains_key("recall") && signals.contains_key("verb"));
            let sum: f64 = signals.values().filter_map(Value::as_f64).sum();
            let score = item["score"].as_f64().unwrap_or(f64::NAN);
            // Each figure is rounded to three places on its own.
            assert!((sum - score).abs() < 0.01, "{sum} against {score}");
        }
        assert!(
            listing("forward my calls", false)["items"][0]
                .get("explain")
                .is_none()
        );
    }

    #[test]
    fn explain_names_the_strongest_signals_first() {
        let breakdown = Breakdown {
            recall: 2.5,
            verb: 0.9,
            live_call: -1.0,
            ..Breakdown::default()
        };
        assert_eq!(
            explain_text(breakdown),
            "recall +2.50, live_call -1.00, verb +0.90"
        );
    }
}
