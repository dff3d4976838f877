//! The company directory across the federation: list, read and search entries (with ETags and
//! `304 Not Modified`), and the federation itself.

use std::collections::HashMap;

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Entry, Page, op, paging_json, time};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{
    Account, Extension, ExtensionFilter, PhoneNumber, Site, USER_EXTENSION_TYPES as USER_TYPES,
};

pub fn entries() -> Vec<Entry> {
    let directory = |e: Entry| Entry {
        errors: super::ErrorStyle::Directory,
        ..e
    };
    vec![
        directory(op!("listDirectoryEntries", list)),
        directory(op!("searchDirectoryEntries", search)),
        directory(op!("readDirectoryEntry", read)),
        directory(op!("readDirectoryFederation", federation)),
    ]
}

const MAX_PER_PAGE: usize = 2000;
/// A site id no site has (ids are positive).
const NO_SITE: i64 = -1;
const LISTED_STATUSES: &[&str] = &["Enabled", "Disabled", "NotActivated"];
const SEARCHABLE_TYPES: &[&str] = &[
    "User",
    "Department",
    "Announcement",
    "Voicemail",
    "SharedLinesGroup",
    "PagingOnly",
    "IvrMenu",
    "ParkLocation",
    "Limited",
    "External",
    "DelegatedLinesGroup",
    "TieLine",
];
/// The fields a search may order by; it may also search custom field values.
const ORDER_FIELDS: &[&str] = &[
    "firstName",
    "lastName",
    "extensionNumber",
    "phoneNumber",
    "email",
    "jobTitle",
    "department",
];
const CUSTOM_FIELD: &str = "customFieldValue";

/// The directory's name for an extension type: every kind of user is a `User`.
fn directory_type(kind: &str) -> &str {
    if USER_TYPES.contains(&kind) {
        "User"
    } else {
        kind
    }
}

fn listed(e: &Extension) -> bool {
    LISTED_STATUSES.contains(&e.status.as_str()) && e.kind != "ApplicationExtension"
}

fn phone_json(p: &PhoneNumber) -> Value {
    json!({
        "phoneNumber": p.phone_number,
        "formattedPhoneNumber": format_number(&p.phone_number),
        "type": p.kind,
        "usageType": p.usage_type,
        "primary": p.usage_type == "DirectNumber",
        "hidden": false,
        "smsAvailabilityStatus": if p.can_send_sms() { "Active" } else { "Inactive" },
    })
}

fn format_number(n: &str) -> String {
    match n.strip_prefix("+1") {
        Some(d) if d.len() == 10 => format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..]),
        _ => n.to_owned(),
    }
}

fn account_json(a: &Account) -> Value {
    json!({
        "id": a.id.to_string(),
        "companyName": a.name,
        "federatedName": a.federated_name,
        "mainNumber": {
            "phoneNumber": a.main_number,
            "formattedPhoneNumber": format_number(&a.main_number),
            "usageType": "MainCompanyNumber",
            "type": "VoiceFax",
        },
    })
}

struct Lookup {
    accounts: HashMap<i64, Account>,
    sites: HashMap<i64, Site>,
}

impl Lookup {
    fn load(ctx: &Ctx<'_>) -> Result<Lookup, ApiError> {
        let accounts: HashMap<i64, Account> = ctx
            .store()
            .accounts()?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let mut sites = HashMap::new();
        for id in accounts.keys() {
            for s in ctx.store().sites(*id)? {
                sites.insert(s.id, s);
            }
        }
        Ok(Lookup { accounts, sites })
    }
}

fn entry_json(
    e: &Extension,
    numbers: &[PhoneNumber],
    lookup: &Lookup,
    with_account: bool,
) -> Value {
    let mut v = json!({
        "id": e.id.to_string(),
        "type": directory_type(&e.kind),
        "status": e.status,
        "extensionNumber": e.number,
        "name": e.name,
        "hidden": false,
        "phoneNumbers": numbers.iter().map(phone_json).collect::<Vec<_>>(),
    });
    for (k, val) in [
        ("firstName", &e.first_name),
        ("lastName", &e.last_name),
        ("email", &e.email),
        ("jobTitle", &e.job_title),
        ("department", &e.department),
    ] {
        if let Some(x) = val {
            v[k] = json!(x);
        }
    }
    if let Some(site) = e.site_id.and_then(|s| lookup.sites.get(&s)) {
        v["site"] = json!({"id": site.id.to_string(), "name": site.name, "code": site.code});
    }
    if with_account && let Some(a) = lookup.accounts.get(&e.account_id) {
        v["account"] = account_json(a);
    }
    v
}

fn etag_of(body: &Value) -> String {
    let digest = Sha256::digest(body.to_string().as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Answers with an ETag, or `304` when the client's `If-None-Match` already has it.
fn with_etag(ctx: &Ctx<'_>, body: Value) -> ApiResult {
    let etag = etag_of(&body);
    let matches = ctx
        .req
        .headers
        .get(http::header::IF_NONE_MATCH)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|h| h.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok(ApiResponse::empty(StatusCode::NOT_MODIFIED).header(http::header::ETAG, &etag));
    }
    Ok(ApiResponse::ok(&body).header(http::header::ETAG, &etag))
}

/// The page size asked for: a number up to 2000, `max` or `all`, as the directory takes them.
/// Its answer's paging model reports at most 1000 records a page, so a larger page is served as
/// 1000 records (see [`Page::within`]).
fn per_page(raw: Option<&str>, total: usize, default: usize) -> Result<i64, ApiError> {
    let size = match raw {
        None => default,
        Some(v) if v.eq_ignore_ascii_case("all") => total.max(1),
        Some(v) if v.eq_ignore_ascii_case("max") => MAX_PER_PAGE,
        Some(v) => {
            return v
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_PER_PAGE as i64).contains(n))
                .ok_or_else(|| {
                    ApiError::invalid(
                        "perPage",
                        format!("{v:?} must be a number from 1 to {MAX_PER_PAGE}, or all or max"),
                    )
                });
        }
    };
    Ok(i64::try_from(size).unwrap_or(i64::MAX))
}

fn accounts_in_scope(ctx: &Ctx<'_>, federated: bool) -> Result<Vec<i64>, ApiError> {
    let me = ctx.account_id()?;
    if federated {
        Ok(ctx.store().accounts()?.into_iter().map(|a| a.id).collect())
    } else {
        Ok(vec![me])
    }
}

fn candidates(ctx: &Ctx<'_>, accounts: &[i64]) -> Result<Vec<Extension>, ApiError> {
    let mut out = Vec::new();
    for a in accounts {
        let f = ExtensionFilter {
            account_id: Some(*a),
            statuses: LISTED_STATUSES.iter().map(|s| (*s).to_owned()).collect(),
            ..Default::default()
        };
        out.extend(ctx.store().all_extensions(&f)?.into_iter().filter(listed));
    }
    Ok(out)
}

fn page_body(
    ctx: &Ctx<'_>,
    all: Vec<Extension>,
    page: Page,
    with_account: bool,
) -> Result<Value, ApiError> {
    let (records, total) = page.slice(all);
    render_page(ctx, records, total, page, with_account)
}

/// `DirectoryResource` for one page of entries out of `total`.
fn render_page(
    ctx: &Ctx<'_>,
    records: Vec<Extension>,
    total: usize,
    page: Page,
    with_account: bool,
) -> Result<Value, ApiError> {
    let ids: Vec<i64> = records.iter().map(|e| e.id).collect();
    let numbers = ctx.store().phone_numbers_of(&ids)?;
    let lookup = Lookup::load(ctx)?;
    let empty = Vec::new();
    let recs: Vec<Value> = records
        .iter()
        .map(|e| {
            entry_json(
                e,
                numbers.get(&e.id).unwrap_or(&empty),
                &lookup,
                with_account,
            )
        })
        .collect();
    let count = recs.len();
    let mut paging = paging_json(page, total, count);
    if let Some(o) = paging.as_object_mut() {
        // The directory's paging has no page count beyond what EnumeratedPagingModel allows.
        o.retain(|k, _| {
            [
                "page",
                "perPage",
                "pageStart",
                "pageEnd",
                "totalPages",
                "totalElements",
            ]
            .contains(&k.as_str())
        });
    }
    Ok(json!({"records": recs, "paging": paging}))
}

fn page_number(raw: Option<&str>) -> Result<i64, ApiError> {
    match raw {
        None => Ok(1),
        Some(v) => v
            .parse::<i64>()
            .map_err(|_| ApiError::invalid("page", format!("{v:?} is not a page number"))),
    }
}

fn list(ctx: &Ctx<'_>) -> ApiResult {
    let federated = ctx.query_bool("showFederated", true)?;
    let kind = ctx.query_enum("type", SEARCHABLE_TYPES)?;
    let group = ctx.query_enum("typeGroup", &["User", "NonUser"])?;
    // Site ids are opaque strings to clients: an empty one filters nothing, and one that names no
    // site of ours matches no entry.
    let site: Option<i64> = ctx
        .query("siteId")
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse().unwrap_or(NO_SITE));
    // The filters map onto SQL, so a page of a large directory never loads the rest.
    let users: Vec<String> = USER_TYPES.iter().map(|t| (*t).to_owned()).collect();
    let mut filter = ExtensionFilter {
        account_ids: accounts_in_scope(ctx, federated)?,
        statuses: LISTED_STATUSES.iter().map(|s| (*s).to_owned()).collect(),
        exclude_kinds: vec!["ApplicationExtension".into()],
        site_id: site,
        ..Default::default()
    };
    for k in &kind {
        if k == "User" {
            filter.kinds.extend(users.iter().cloned());
        } else {
            filter.kinds.push(k.clone());
        }
    }
    match group.first().map(String::as_str) {
        Some("User") => filter.users_only = true,
        Some(_) => filter.exclude_kinds.extend(users.iter().cloned()),
        None => {}
    }
    let page_no = page_number(ctx.query("page"))?;
    let (_, total) = ctx.store().extensions(&filter, 0, 0)?;
    let page = Page::within(
        page_no,
        per_page(ctx.query("perPage"), total, 1000)?,
        super::MAX_PAGE,
    );
    let (records, total) = ctx
        .store()
        .extensions(&filter, page.offset(), page.per_page)?;
    with_etag(ctx, render_page(ctx, records, total, page, federated)?)
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    let accounts = accounts_in_scope(ctx, true)?;
    let id: i64 = ctx
        .path("entryId")?
        .parse()
        .map_err(|_| ApiError::not_found("entryId"))?;
    let e = ctx
        .store()
        .extension(id)?
        .filter(|e| accounts.contains(&e.account_id) && listed(e))
        .ok_or_else(|| ApiError::not_found("entryId"))?;
    let numbers = ctx.store().phone_numbers(e.account_id, Some(e.id))?;
    let lookup = Lookup::load(ctx)?;
    with_etag(ctx, entry_json(&e, &numbers, &lookup, true))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order {
    index: Option<i32>,
    field_name: Option<String>,
    direction: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchRequest {
    search_string: Option<String>,
    search_fields: Option<Vec<String>>,
    show_federated: Option<bool>,
    extension_type: Option<String>,
    site_id: Option<String>,
    account_ids: Option<Vec<String>>,
    department: Option<String>,
    site_ids: Option<Vec<String>>,
    extension_statuses: Option<Vec<String>>,
    extension_types: Option<Vec<String>>,
    extension_ids: Option<Vec<String>>,
    order_by: Option<Vec<Order>>,
    page: Option<i64>,
    per_page: Option<i64>,
}

fn field_value<'e>(
    e: &'e Extension,
    numbers: &'e HashMap<i64, Vec<PhoneNumber>>,
    field: &str,
) -> Vec<&'e str> {
    match field {
        "firstName" => e.first_name.as_deref().into_iter().collect(),
        "lastName" => e.last_name.as_deref().into_iter().collect(),
        "extensionNumber" => vec![e.number.as_str()],
        "email" => e.email.as_deref().into_iter().collect(),
        "jobTitle" => e.job_title.as_deref().into_iter().collect(),
        "department" => e.department.as_deref().into_iter().collect(),
        "phoneNumber" => numbers
            .get(&e.id)
            .into_iter()
            .flatten()
            .map(|p| p.phone_number.as_str())
            .collect(),
        _ => vec![],
    }
}

fn search(ctx: &Ctx<'_>) -> ApiResult {
    let body: SearchRequest = ctx.json()?;
    let federated = body.show_federated.unwrap_or(true);
    let mut all = candidates(ctx, &accounts_in_scope(ctx, federated)?)?;

    // Filters from the body and the query, combined.
    let mut account_ids: Vec<String> = body.account_ids.clone().unwrap_or_default();
    account_ids.extend(ctx.query_all("accountId"));
    let mut site_ids: Vec<String> = body.site_ids.clone().unwrap_or_default();
    site_ids.extend(body.site_id.clone());
    site_ids.extend(ctx.query_all("siteId"));
    let mut statuses: Vec<String> = body.extension_statuses.clone().unwrap_or_default();
    statuses.extend(ctx.query_all("extensionStatus"));
    for s in &statuses {
        if !LISTED_STATUSES.contains(&s.as_str()) {
            return Err(ApiError::invalid(
                "extensionStatuses",
                format!("{s:?} is not one of Enabled, Disabled, NotActivated"),
            ));
        }
    }
    let mut types: Vec<String> = body.extension_types.clone().unwrap_or_default();
    types.extend(body.extension_type.clone());
    types.extend(ctx.query_all("extensionType"));
    let department = body
        .department
        .clone()
        .or_else(|| ctx.query("department").map(str::to_owned));
    let ext_ids = body.extension_ids.clone().unwrap_or_default();
    all.retain(|e| {
        (account_ids.is_empty() || account_ids.contains(&e.account_id.to_string()))
            && (site_ids.is_empty() || e.site_id.is_some_and(|s| site_ids.contains(&s.to_string())))
            && (statuses.is_empty() || statuses.contains(&e.status))
            && (types.is_empty()
                || types
                    .iter()
                    .any(|t| t == &e.kind || t == directory_type(&e.kind)))
            && department.as_deref().is_none_or(|d| {
                e.department
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(d))
            })
            && (ext_ids.is_empty() || ext_ids.contains(&e.id.to_string()))
    });

    let fields: Vec<String> = match &body.search_fields {
        Some(f) if !f.is_empty() => {
            for x in f {
                if !(ORDER_FIELDS.contains(&x.as_str()) || x == CUSTOM_FIELD) {
                    return Err(ApiError::invalid(
                        "searchFields",
                        format!(
                            "{x:?} is not one of {}, {CUSTOM_FIELD}",
                            ORDER_FIELDS.join(", ")
                        ),
                    ));
                }
            }
            f.clone()
        }
        _ => [
            "firstName",
            "lastName",
            "extensionNumber",
            "phoneNumber",
            "email",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect(),
    };
    let orders: Vec<Order> = {
        let mut o = body.order_by.unwrap_or_default();
        o.sort_by_key(|x| x.index.unwrap_or(1));
        o
    };
    for o in &orders {
        let f = o.field_name.as_deref().unwrap_or("");
        if !ORDER_FIELDS.contains(&f) {
            return Err(ApiError::invalid(
                "orderBy.fieldName",
                format!("{f:?} cannot be sorted on"),
            ));
        }
        if let Some(d) = &o.direction
            && d != "Asc"
            && d != "Desc"
        {
            return Err(ApiError::invalid(
                "orderBy.direction",
                "must be Asc or Desc",
            ));
        }
    }
    let needs_numbers = fields.iter().any(|f| f == "phoneNumber")
        || orders
            .iter()
            .any(|o| o.field_name.as_deref() == Some("phoneNumber"));
    let numbers = if needs_numbers {
        ctx.store()
            .phone_numbers_of(&all.iter().map(|e| e.id).collect::<Vec<_>>())?
    } else {
        HashMap::new()
    };
    if let Some(q) = body
        .search_string
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        let q = q.to_lowercase();
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        all.retain(|e| {
            fields.iter().any(|f| {
                field_value(e, &numbers, f).iter().any(|v| {
                    v.to_lowercase().contains(&q)
                        || (f == "phoneNumber" && digits.len() >= 3 && v.contains(&digits))
                })
            })
        });
    }
    if !orders.is_empty() {
        all.sort_by(|a, b| {
            for o in &orders {
                let f = o.field_name.as_deref().unwrap_or("lastName");
                let va = field_value(a, &numbers, f)
                    .first()
                    .map(|s| s.to_lowercase())
                    .unwrap_or_default();
                let vb = field_value(b, &numbers, f)
                    .first()
                    .map(|s| s.to_lowercase())
                    .unwrap_or_default();
                let ord = if o.direction.as_deref() == Some("Desc") {
                    vb.cmp(&va)
                } else {
                    va.cmp(&vb)
                };
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
            }
            a.id.cmp(&b.id)
        });
    }
    let page = Page::within(
        body.page.unwrap_or(1),
        body.per_page.unwrap_or(1000),
        super::MAX_PAGE,
    );
    Ok(ApiResponse::ok(&page_body(ctx, all, page, federated)?))
}

fn federation(ctx: &Ctx<'_>) -> ApiResult {
    let types = ctx.query_enum("types", &["All", "Regular", "AdminOnly"])?;
    let accounts = ctx.store().accounts()?;
    let me = ctx.account_id()?;
    let created = accounts.iter().map(|a| a.created_ms).min().unwrap_or(0);
    if types.first().is_some_and(|t| t == "AdminOnly") {
        return Ok(ApiResponse::ok(&json!({"accounts": []})));
    }
    let list: Vec<Value> = accounts
        .iter()
        .map(|a| {
            let mut v = account_json(a);
            v["conflictCount"] = json!(0);
            v["linkCreationTime"] =
                json!(time(a.created_ms + if a.id == me { 0 } else { 86_400_000 }));
            v
        })
        .collect();
    Ok(ApiResponse::ok(&json!({
        "id": "fed-1",
        "displayName": "Sandbox Corp & Partner Holdings",
        "type": "Regular",
        "creationTime": time(created),
        "lastModifiedTime": time(created + 86_400_000),
        "accounts": list,
    })))
}
