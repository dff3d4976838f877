//! `ringctl directory list|get|search|federation`: RingCentral's company directory, through the four
//! operations of its Internal Contacts service. Flags become the catalog input of their operation,
//! so values are checked against the operation's schema before anything is sent and requests carry
//! its rate-limit group; each answer's ETag is kept per connection so that `--if-changed` asks the
//! server only for what changed since.

use std::collections::BTreeMap;
use std::path::PathBuf;

use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use ringcentral::Client;
use ringcentral_catalog::{Action, HttpRequest};

use crate::cli::{
    ConditionalArgs, DirectoryFederationArgs, DirectoryGetArgs, DirectoryListArgs,
    DirectorySearchArgs,
};
use crate::commands::send;
use crate::context::{Ctx, Session, runtime_error};
use crate::exit::{CliError, CliResult};
use crate::output::{View, ellipsize, seconds};

const LIST: &str = "listDirectoryEntries";
const READ: &str = "readDirectoryEntry";
const SEARCH: &str = "searchDirectoryEntries";
const FEDERATION: &str = "readDirectoryFederation";

/// A search has no paging the runtime knows (its page number travels in the body), so this command
/// follows it; the directory serves at most this many pages.
const MAX_SEARCH_PAGES: u64 = 1000;

/// ETags kept per connection; the oldest are forgotten beyond this.
const MAX_ETAGS: usize = 256;

/// Each input name of an operation and the flag that sets it, so that a schema violation names
/// the flag the user typed rather than the API's field.
type Flags = &'static [(&'static str, &'static str)];

const LIST_FLAGS: Flags = &[
    ("accountId", "--account-id"),
    ("showFederated", "--show-federated"),
    ("type", "--type"),
    ("typeGroup", "--type-group"),
    ("page", "--page"),
    ("perPage", "--per-page"),
    ("siteId", "--site-id"),
    ("If-None-Match", "--if-none-match"),
];
const READ_FLAGS: Flags = &[("accountId", "--account-id"), ("entryId", "ID")];
const SEARCH_FLAGS: Flags = &[
    ("accountId", "--account-id"),
    ("searchString", "--search-string"),
    ("searchFields", "--search-fields"),
    ("showFederated", "--show-federated"),
    ("extensionType", "--extension-type"),
    ("extensionTypes", "--extension-types"),
    ("extensionStatuses", "--extension-statuses"),
    ("siteId", "--site-id"),
    ("siteIds", "--site-ids"),
    ("accountIds", "--account-ids"),
    ("department", "--department"),
    ("orderBy", "--order-by"),
    ("page", "--page"),
    ("perPage", "--per-page"),
    ("showAdminOnlyContacts", "--show-admin-only-contacts"),
    ("showExternalContacts", "--show-external-contacts"),
];
const FEDERATION_FLAGS: Flags = &[
    ("accountId", "--account-id"),
    ("types", "--types"),
    ("RCExtensionId", "--rc-extension-id"),
];

/// An operation's input as the flags give it.
#[derive(Default)]
struct Input(Map<String, Value>);

impl Input {
    fn set(&mut self, name: &str, value: Option<impl Into<Value>>) {
        if let Some(value) = value {
            self.0.insert(name.to_string(), value.into());
        }
    }

    fn list(&mut self, name: &str, values: &[String]) {
        let values: Vec<Value> = values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(Value::from)
            .collect();
        if !values.is_empty() {
            self.0.insert(name.to_string(), Value::Array(values));
        }
    }
}

/// A number when the text is one, the text otherwise: the schema then says whether it may be text
/// (`--per-page max`) or not (`--page two`).
fn number_or_text(text: Option<&String>) -> Option<Value> {
    text.map(|t| {
        let t = t.trim();
        t.parse::<i64>()
            .map_or_else(|_| Value::from(t), Value::from)
    })
}

/// The flag that set the value a JSON pointer into the input names.
fn flag_of(flags: Flags, pointer: &str) -> String {
    let first = pointer
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    let name = first.replace("~1", "/").replace("~0", "~");
    match flags.iter().find(|(input, _)| *input == name) {
        Some((_, flag)) => (*flag).to_string(),
        None if name.is_empty() => "the input".to_string(),
        None => name,
    }
}

/// The action and its HTTP request for `input`, or a usage error naming each offending flag.
fn prepare(operation: &str, input: Input, flags: Flags) -> CliResult<(Action, HttpRequest)> {
    let action = Action::find(operation)
        .ok_or_else(|| CliError::failure(format!("the catalog has no operation {operation}")))?;
    let mut input = Value::Object(input.0);
    action.coerce_parameters(&mut input);
    if let Err(violations) = action.validate(&input) {
        let mut lines: Vec<String> = violations
            .iter()
            .map(|v| format!("{}: {}", flag_of(flags, &v.pointer), v.message))
            .collect();
        let first = if lines.is_empty() {
            "the flags do not fit the operation".to_string()
        } else {
            lines.remove(0)
        };
        return Err(CliError::usage(first)
            .hint("Nothing was sent; `--help` lists what each flag takes.")
            .details(lines));
    }
    let http = action
        .request(&input)
        .map_err(|e| CliError::usage(e.to_string()).hint("Nothing was sent."))?;
    Ok((action, http))
}

/// What identifies "the same request" for `--if-changed`: method, path, query and body, but not
/// the conditional header itself.
fn request_key(http: &HttpRequest) -> String {
    let mut query = http.query.clone();
    query.sort();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query.iter())
        .finish();
    let body = match &http.body {
        ringcentral_catalog::Body::Json { value, .. } => value.to_string(),
        _ => String::new(),
    };
    format!("{} {}?{query} {body}", http.method.as_str(), http.path)
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct EtagFile {
    entries: BTreeMap<String, EtagEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct EtagEntry {
    etag: String,
    /// Unix seconds when it was kept, to forget the oldest first.
    at: i64,
}

/// The ETags of a connection's answers, in a file beside its tokens. It is a cache: a file that
/// cannot be read counts as empty, and one that cannot be written costs only a note.
struct Etags {
    path: PathBuf,
}

impl Etags {
    fn of(ctx: &Ctx, session: &Session) -> Etags {
        Etags {
            path: ctx
                .home
                .connection_dir(&session.connection.id)
                .join("etags.json"),
        }
    }

    fn load(&self) -> EtagFile {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    fn get(&self, key: &str) -> Option<String> {
        self.load().entries.remove(key).map(|e| e.etag)
    }

    fn put(&self, key: &str, etag: &str) -> std::io::Result<()> {
        let mut file = self.load();
        file.entries.insert(
            key.to_string(),
            EtagEntry {
                etag: etag.to_string(),
                at: chrono::Utc::now().timestamp(),
            },
        );
        while file.entries.len() > MAX_ETAGS {
            let oldest = file
                .entries
                .iter()
                .min_by_key(|(_, e)| e.at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => file.entries.remove(&k),
                None => break,
            };
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Written aside (per process) and renamed, so that a reader never sees half a file.
        let partial = self
            .path
            .with_extension(format!("json.{}.partial", std::process::id()));
        std::fs::write(&partial, serde_json::to_vec_pretty(&file)?)?;
        std::fs::rename(&partial, &self.path)
    }
}

/// An answer: the body, or word that the copy the caller holds is current.
enum Answer {
    NotModified,
    Body(Value),
}

/// Sends one request, with `If-None-Match: condition` when given, and keeps the answer's ETag.
async fn fetch(
    ctx: &Ctx,
    session: &Session,
    action: Action,
    http: HttpRequest,
    condition: Option<String>,
) -> CliResult<Answer> {
    let key = request_key(&http);
    let mut request = send::runtime_request(action, http).await?;
    if let Some(etag) = condition {
        request = request.header("If-None-Match", etag);
    }
    let response = session.client.send(request).await.map_err(runtime_error)?;
    if response.status().as_u16() == 304 {
        return Ok(Answer::NotModified);
    }
    if let Some(etag) = response.etag()
        && let Err(e) = Etags::of(ctx, session).put(&key, etag)
    {
        ctx.out.note(&format!(
            "note: cannot keep the answer's ETag for --if-changed: {e}"
        ));
    }
    Ok(Answer::Body(response.json_value().map_err(runtime_error)?))
}

/// The ETag `--if-changed` sends: the last one of the same request on this connection.
fn last_etag(ctx: &Ctx, session: &Session, http: &HttpRequest) -> Option<String> {
    let etag = Etags::of(ctx, session).get(&request_key(http));
    if etag.is_none() {
        ctx.out.note(
            "note: no earlier answer to this request is known on this connection; asking for all of it.",
        );
    }
    etag
}

fn not_modified() -> View {
    View::Note("not modified".into())
}

pub fn list(ctx: &Ctx, args: &DirectoryListArgs) -> CliResult<View> {
    let mut input = Input::default();
    input.set("accountId", args.account_id.clone());
    input.set("showFederated", args.show_federated);
    input.set("type", args.kind.clone());
    input.set("typeGroup", args.type_group.clone());
    input.set("page", number_or_text(args.page.as_ref()));
    input.set("perPage", number_or_text(args.per_page.as_ref()));
    input.set("siteId", args.site_id.clone());
    input.set("If-None-Match", args.conditional.if_none_match.clone());
    let (action, http) = prepare(LIST, input, LIST_FLAGS)?;
    let session = ctx.session()?;
    if args.all_pages {
        let paging = action.paging();
        let request = ctx.block_on(send::runtime_request(action, http))?;
        let records = session
            .client
            .paginate(request, paging)
            .map(|item| item.map_err(runtime_error));
        return all_records(ctx, records);
    }
    let condition = if args.conditional.if_changed {
        last_etag(ctx, &session, &http)
    } else {
        None
    };
    match ctx.block_on(fetch(ctx, &session, action, http, condition))? {
        Answer::NotModified => Ok(not_modified()),
        Answer::Body(body) => Ok(entries_view(body)),
    }
}

pub fn get(ctx: &Ctx, args: &DirectoryGetArgs) -> CliResult<View> {
    let id = args.id.trim();
    if id.is_empty() {
        // An empty segment would make the path the listing's own.
        return Err(CliError::usage("the entry ID is empty")
            .hint("Give an entry's id, as `ringctl directory list` shows them."));
    }
    let mut input = Input::default();
    input.set("accountId", args.account_id.clone());
    input.set("entryId", Some(id));
    let (action, http) = prepare(READ, input, READ_FLAGS)?;
    let session = ctx.session()?;
    let condition = condition(ctx, &session, &http, &args.conditional);
    match ctx.block_on(fetch(ctx, &session, action, http, condition))? {
        Answer::NotModified => Ok(not_modified()),
        Answer::Body(body) => Ok(View::Json(body)),
    }
}

pub fn federation(ctx: &Ctx, args: &DirectoryFederationArgs) -> CliResult<View> {
    let mut input = Input::default();
    input.set("accountId", args.account_id.clone());
    input.set("types", args.types.clone());
    input.set("RCExtensionId", args.rc_extension_id.clone());
    let (action, http) = prepare(FEDERATION, input, FEDERATION_FLAGS)?;
    let session = ctx.session()?;
    let condition = condition(ctx, &session, &http, &args.conditional);
    match ctx.block_on(fetch(ctx, &session, action, http, condition))? {
        Answer::NotModified => Ok(not_modified()),
        Answer::Body(body) => Ok(federation_view(body)),
    }
}

/// `If-None-Match` for operations whose schema has no such header: the ETag given, or the last one.
fn condition(
    ctx: &Ctx,
    session: &Session,
    http: &HttpRequest,
    args: &ConditionalArgs,
) -> Option<String> {
    if args.if_changed {
        return last_etag(ctx, session, http);
    }
    args.if_none_match.clone()
}

pub fn search(ctx: &Ctx, args: &DirectorySearchArgs) -> CliResult<View> {
    let mut input = Input::default();
    input.set("accountId", args.account_id.clone());
    input.set("searchString", args.search_string.clone());
    input.list("searchFields", &args.search_fields);
    input.set("showFederated", args.show_federated);
    input.set("extensionType", args.extension_type.clone());
    input.list("extensionTypes", &args.extension_types);
    input.list("extensionStatuses", &args.extension_statuses);
    input.set("siteId", args.site_id.clone());
    input.list("siteIds", &args.site_ids);
    input.list("accountIds", &args.account_ids);
    input.set("department", args.department.clone());
    if !args.order_by.is_empty() {
        input.set("orderBy", Some(order_by(&args.order_by)?));
    }
    input.set("page", number_or_text(args.page.as_ref()));
    input.set("perPage", number_or_text(args.per_page.as_ref()));
    input.set("showAdminOnlyContacts", args.show_admin_only_contacts);
    input.set("showExternalContacts", args.show_external_contacts);
    if args.all_pages && args.per_page.is_none() {
        // Rate limits count requests, not records: the biggest pages finish soonest.
        input.set("perPage", Some(ringcentral::DEFAULT_MAX_PAGE_SIZE));
    }
    let first_page = input.0.clone();
    let (action, http) = prepare(SEARCH, input, SEARCH_FLAGS)?;
    let session = ctx.session()?;
    if args.all_pages {
        let records = search_pages(session.client.clone(), action, first_page);
        return all_records(ctx, records);
    }
    match ctx.block_on(fetch(ctx, &session, action, http, None))? {
        Answer::NotModified => Ok(not_modified()),
        Answer::Body(body) => Ok(entries_view(body)),
    }
}

/// `--order-by FIELD[:asc|desc]`, each in turn, as the body's `orderBy` with its priority index.
fn order_by(specs: &[String]) -> CliResult<Value> {
    let mut orders = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let (field, direction) = match spec.split_once(':') {
            None => (spec.as_str(), "Asc"),
            Some((field, dir)) if dir.eq_ignore_ascii_case("asc") => (field, "Asc"),
            Some((field, dir)) if dir.eq_ignore_ascii_case("desc") => (field, "Desc"),
            Some((_, dir)) => {
                return Err(
                    CliError::usage(format!("--order-by: `{dir}` is not a direction")).hint(
                        "Write FIELD, FIELD:asc or FIELD:desc, e.g. --order-by lastName:desc.",
                    ),
                );
            }
        };
        orders.push(json!({"index": i + 1, "fieldName": field.trim(), "direction": direction}));
    }
    Ok(Value::Array(orders))
}

/// The records of every page of a search, one page in memory at a time: the body's page number
/// goes up until the answer's paging says it was the last.
fn search_pages(
    client: Client,
    action: Action,
    input: Map<String, Value>,
) -> impl futures::Stream<Item = CliResult<Value>> {
    let start = input.get("page").and_then(Value::as_u64).unwrap_or(1);
    futures::stream::try_unfold(Some((input, start, 0u64)), move |state| {
        let client = client.clone();
        async move {
            let Some((mut input, page, fetched)) = state else {
                return Ok(None);
            };
            if fetched >= MAX_SEARCH_PAGES {
                return Err(CliError::failure(format!(
                    "the search did not end within {MAX_SEARCH_PAGES} pages"
                ))
                .hint("Narrow it with --search-string or the filters."));
            }
            input.insert("page".into(), Value::from(page));
            let http = action
                .request(&Value::Object(input.clone()))
                .map_err(|e| CliError::usage(e.to_string()))?;
            let request = send::runtime_request(action, http).await?;
            let response = client.send(request).await.map_err(runtime_error)?;
            let mut body = response.json_value().map_err(runtime_error)?;
            let records = match body.get_mut("records").map(Value::take) {
                Some(Value::Array(records)) => records,
                _ => {
                    return Err(CliError::failure(format!(
                        "page {page} of the search has no records array"
                    )));
                }
            };
            let total = body.pointer("/paging/totalPages").and_then(Value::as_u64);
            let next = match total {
                Some(total) if page < total && !records.is_empty() => {
                    Some((input, page + 1, fetched + 1))
                }
                _ => None,
            };
            Ok(Some((records, next)))
        }
    })
    .map_ok(|records| futures::stream::iter(records.into_iter().map(Ok)))
    .try_flatten()
}

/// Every record of a listing: streamed as one JSON array, or gathered into a table on a terminal.
fn all_records(
    ctx: &Ctx,
    records: impl futures::Stream<Item = CliResult<Value>>,
) -> CliResult<View> {
    if ctx.out.json {
        return ctx.block_on(send::stream_records(&ctx.out, records));
    }
    let records: Vec<Value> = ctx.block_on(records.try_collect())?;
    let count = records.len();
    let rows = records.iter().map(entry_row).collect();
    Ok(View::Table {
        json: Value::Array(records),
        columns: ENTRY_COLUMNS.to_vec(),
        rows,
        footer: Some(format!(
            "{count} entr{}.",
            if count == 1 { "y" } else { "ies" }
        )),
    })
}

const ENTRY_COLUMNS: &[&str] = &["NAME", "EXT", "EMAIL", "TYPE", "DEPARTMENT", "SITE"];

fn text(value: &Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A person's first and last name, or the name of a non-user extension.
fn entry_name(entry: &Value) -> String {
    let person = format!("{} {}", text(entry, "/firstName"), text(entry, "/lastName"));
    let person = person.trim();
    if person.is_empty() {
        text(entry, "/name")
    } else {
        person.to_string()
    }
}

fn entry_row(entry: &Value) -> Vec<String> {
    vec![
        ellipsize(&entry_name(entry), 32),
        text(entry, "/extensionNumber"),
        ellipsize(&text(entry, "/email"), 40),
        text(entry, "/type"),
        ellipsize(&text(entry, "/department"), 24),
        ellipsize(&text(entry, "/site/name"), 24),
    ]
}

/// One page of entries: a table on a terminal, the answer as it came otherwise.
fn entries_view(body: Value) -> View {
    let records = body["records"].as_array().cloned().unwrap_or_default();
    let rows = records.iter().map(entry_row).collect();
    let paging = &body["paging"];
    let footer = match (
        paging["page"].as_u64(),
        paging["totalPages"].as_u64(),
        paging["totalElements"].as_u64(),
    ) {
        (Some(page), Some(pages), Some(total)) => format!(
            "{} of {total} entries, page {page} of {pages}.{}",
            records.len(),
            if page < pages {
                " --page N shows another; --all-pages shows them all."
            } else {
                ""
            }
        ),
        _ => format!("{} entries.", records.len()),
    };
    View::Table {
        json: body,
        columns: ENTRY_COLUMNS.to_vec(),
        rows,
        footer: Some(footer),
    }
}

/// The federation: its accounts as a table on a terminal, the answer as it came otherwise.
fn federation_view(body: Value) -> View {
    let accounts = body["accounts"].as_array().cloned().unwrap_or_default();
    let rows = accounts
        .iter()
        .map(|a| {
            vec![
                text(a, "/id"),
                ellipsize(&text(a, "/companyName"), 32),
                ellipsize(&text(a, "/federatedName"), 32),
                text(a, "/mainNumber/phoneNumber"),
                seconds(&text(a, "/linkCreationTime")),
            ]
        })
        .collect();
    let footer = if body.get("id").is_some() {
        format!(
            "Federation {} ({}, {}), created {}, changed {}.",
            text(&body, "/displayName"),
            text(&body, "/id"),
            text(&body, "/type"),
            seconds(&text(&body, "/creationTime")),
            seconds(&text(&body, "/lastModifiedTime")),
        )
    } else {
        "The account is in no federation of this type.".to_string()
    };
    View::Table {
        json: body,
        columns: vec![
            "ACCOUNT",
            "COMPANY",
            "FEDERATED NAME",
            "MAIN NUMBER",
            "LINKED",
        ],
        rows,
        footer: Some(footer),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violations_name_the_flag() {
        assert_eq!(flag_of(LIST_FLAGS, "/perPage"), "--per-page");
        assert_eq!(flag_of(SEARCH_FLAGS, "/orderBy/0/fieldName"), "--order-by");
        assert_eq!(flag_of(LIST_FLAGS, ""), "the input");
    }

    #[test]
    fn order_by_keeps_priority_and_direction() -> CliResult<()> {
        let value = order_by(&["lastName:desc".into(), "firstName".into()])?;
        assert_eq!(
            value,
            json!([
                {"index": 1, "fieldName": "lastName", "direction": "Desc"},
                {"index": 2, "fieldName": "firstName", "direction": "Asc"},
            ])
        );
        assert!(order_by(&["lastName:up".into()]).is_err());
        Ok(())
    }
}
