//! `ringctl action list|show`: the catalog of actions and intent search.

use serde_json::{Map, Value, json};

use ringcentral_catalog::{Action, Paging, ParamLocation, actions, search};

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
    let ranked: Vec<(Action, Option<f32>)> = match args.intent.as_deref() {
        Some(query) if query.trim().is_empty() => {
            return Err(CliError::usage("--intent is empty")
                .hint("Say what you want to do, e.g. --intent \"send an sms\"."));
        }
        Some(query) => search(query, actions().len())
            .into_iter()
            .map(|hit| (hit.action, Some(hit.score)))
            .filter(|(a, _)| has_tag(a))
            .take(args.limit.unwrap_or(DEFAULT_INTENT_LIMIT))
            .collect(),
        None => actions()
            .filter(has_tag)
            .map(|a| (a, None))
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

    let items: Vec<Value> = ranked.iter().map(|(a, s)| summary_json(*a, *s)).collect();
    let searching = args.intent.is_some();
    let mut columns = vec!["KEY", "METHOD", "NAME", "TAGS"];
    if searching {
        columns.push("SCORE");
    }
    let rows = ranked
        .iter()
        .map(|(a, score)| {
            let mut row = vec![
                a.key().to_string(),
                a.method().as_str().to_string(),
                ellipsize(a.name(), 48),
                ellipsize(&a.tags().join(", "), 28),
            ];
            if let Some(score) = score {
                row.push(format!("{score:.2}"));
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
    }

    let op = action.operation();
    let mut inputs = String::new();
    let mut push_input = |name: &str, location: &str, ty: &str, required: bool, about: &str| {
        inputs.push_str(&format!(
            "  {name:<28} {location:<7} {ty:<8} {:<9} {}\n",
            if required { "required" } else { "" },
            ellipsize(about, 60)
        ));
    };
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        let required = p.required && p.default.is_none();
        push_input(p.input_name, "path", p.ty, required, p.description);
    }
    let schema = action.input_schema();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(body) = &op.body {
        match body.shape {
            ringcentral_catalog::BodyShape::Merged => {
                for f in body.fields {
                    let prop = &schema["properties"][f.input_name];
                    let ty = prop["type"].as_str().unwrap_or("object");
                    let about = prop["description"].as_str().unwrap_or_default();
                    push_input(
                        f.input_name,
                        "body",
                        ty,
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
        push_input(p.input_name, location, p.ty, p.required, &about);
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
    sections.push((
        "Run it".to_string(),
        format!(
            "  ringctl action run {} --input '{{...}}'\n  (`--json` prints the full input and output schemas)",
            action.key()
        ),
    ));
    Ok(View::Record {
        json: full,
        fields,
        sections,
    })
}

/// Reads `--input`: JSON text, `@FILE`, or `-` for stdin; nothing means `{}`.
fn read_input(input: Option<&str>) -> CliResult<Value> {
    let (text, source) = match input {
        None => return Ok(json!({})),
        Some("-") => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| CliError::usage(format!("cannot read the input from stdin: {e}")))?;
            (text, "stdin".to_string())
        }
        Some(arg) if arg.starts_with('@') => {
            let path = &arg[1..];
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::usage(format!("cannot read the input file {path}: {e}")))?;
            (text, path.to_string())
        }
        Some(text) => (text.to_string(), "--input".to_string()),
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
    ringcentral_catalog::normalize_numbers(&mut value).map_err(|v| {
        CliError::usage(format!("the input has {v}"))
            .hint("Write a large id as a string, e.g. \"contactId\": \"12345678901234567890\".")
    })?;
    Ok(value)
}

pub fn run(ctx: &Ctx, args: &ActionRunArgs) -> CliResult<View> {
    let action = find(&args.key)?;
    let mut input = read_input(args.input.as_deref())?;
    action.coerce_parameters(&mut input);
    if let Err(violations) = action.validate(&input) {
        let count = violations.len();
        return Err(CliError::usage(format!(
            "the input does not fit the schema of {} ({count} problem{})",
            action.key(),
            if count == 1 { "" } else { "s" }
        ))
        .hint(format!(
            "Run `ringctl action show {}` to see its inputs; nothing was sent.",
            action.key()
        ))
        .details(violations.iter().map(|v| v.to_string()).collect()));
    }
    let http = action
        .request(&input)
        .map_err(|e| CliError::usage(e.to_string()).hint("Nothing was sent."))?;

    if args.dry_run {
        let connection = ctx.connection()?;
        let base = if connection.kind == crate::config::Kind::Sandbox {
            "http://127.0.0.1:PORT".to_string()
        } else {
            connection.server.clone()
        };
        return Ok(send::dry_run_view(&base, &http));
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
