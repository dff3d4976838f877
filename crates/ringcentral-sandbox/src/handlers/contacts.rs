//! The personal address book: list (search, sort, paging), read, create, update, delete.

use serde_json::{Map, Value, json};

use super::{Entry, bulk, no_content, op, page_params};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::Contact;

pub fn entries() -> Vec<Entry> {
    vec![
        op!("listContacts", list),
        op!("createContact", create),
        op!("readContact", read),
        op!("updateContact", update),
        op!("deleteContact", delete),
    ]
}

/// Text fields of a contact, besides its phone numbers ([`PHONE_FIELDS`]).
const STRING_FIELDS: &[&str] = &[
    "firstName",
    "lastName",
    "middleName",
    "nickName",
    "company",
    "jobTitle",
    "email",
    "email2",
    "email3",
    "birthday",
    "webPage",
    "notes",
    "ringtoneIndex",
    "appInfo",
];
const ADDRESS_FIELDS: &[&str] = &["homeAddress", "businessAddress", "otherAddress"];
const ADDRESS_PARTS: &[&str] = &["street", "city", "country", "state", "zip"];
const PHONE_FIELDS: &[&str] = &[
    "homePhone",
    "homePhone2",
    "businessPhone",
    "businessPhone2",
    "mobilePhone",
    "businessFax",
    "companyPhone",
    "assistantPhone",
    "carPhone",
    "otherPhone",
    "otherFax",
    "callbackPhone",
];

/// The longest value (in characters) of each contact field. The spec gives `PersonalContactRequest`
/// no `maxLength`, so each field takes the limit the spec declares for the same kind of field of an
/// extension's or an account's contact:
/// - names, company, job title: 64 (`ContactInfo.firstName`, `lastName`, `company`, `jobTitle`);
/// - emails: 254 (the extension contact's `email`);
/// - phone numbers, written free-form here: 128 (the longest `phoneNumber` the spec allows);
/// - address parts: street 256, city and state 64, zip 10 (`ContactAddressInfo`'s siblings
///   `PostalAddress.street`, `city`, `state`, `zip`); country, a name here, 64 like state;
/// - web page: 256 (the spec's `format: uri` links);
/// - notes: 4096 (the spec's longest free-text field, a webinar's `description`);
/// - birthday and ringtone index: 64, far beyond any valid value;
/// - app info: 1024, the limit RingCentral documents for a fax cover page's free text.
fn max_length(field: &str) -> usize {
    match field {
        "email" | "email2" | "email3" => 254,
        "webPage" | "street" => 256,
        "notes" => 4096,
        "appInfo" => 1024,
        "zip" => 10,
        f if PHONE_FIELDS.contains(&f) => 128,
        _ => 64,
    }
}

/// Refuses a value longer than its field allows, as RingCentral does (`CMN-101`).
fn check_length(parameter: &str, field: &str, value: &str) -> Result<(), ApiError> {
    let max = max_length(field);
    // Counting stops past the limit, so an oversized value costs no more than the limit to check.
    if value.chars().nth(max).is_some() {
        return Err(ApiError::invalid(
            parameter,
            format!("longer than {max} characters"),
        ));
    }
    Ok(())
}

fn contact_json(ctx: &Ctx<'_>, account: i64, c: &Contact) -> Value {
    let mut v = Value::Object(c.fields.clone());
    v["id"] = json!(c.id);
    v["uri"] = json!(ctx.url(&format!(
        "/restapi/v1.0/account/{account}/extension/{}/address-book/contact/{}",
        c.extension_id, c.id
    )));
    v["availability"] = json!("Alive");
    v
}

/// Checks a `PersonalContactRequest` body and keeps the fields it sets.
fn parse_body(ctx: &Ctx<'_>) -> Result<Map<String, Value>, ApiError> {
    parse_fields(ctx.json()?)
}

/// The stored fields of a contact sent as `body`, each checked.
fn parse_fields(body: Value) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(obj) = body else {
        return Err(ApiError::invalid("body", "expected a JSON object"));
    };
    let mut out = Map::new();
    for (k, v) in obj {
        if STRING_FIELDS.contains(&k.as_str()) || PHONE_FIELDS.contains(&k.as_str()) {
            let s = v
                .as_str()
                .ok_or_else(|| ApiError::invalid(&k, "expected a string"))?;
            check_length(&k, &k, s)?;
            if k.starts_with("email") && !s.is_empty() && !s.contains('@') {
                return Err(ApiError::invalid(
                    &k,
                    format!("{s:?} is not an email address"),
                ));
            }
            if k == "birthday" && crate::clock::parse_rfc3339(s).is_none() {
                return Err(ApiError::invalid(&k, "expected an ISO 8601 date-time"));
            }
            if k == "webPage" && url::Url::parse(s).is_err() {
                return Err(ApiError::invalid(&k, "expected an absolute URL"));
            }
            if !s.is_empty() {
                out.insert(k, json!(s));
            }
        } else if ADDRESS_FIELDS.contains(&k.as_str()) {
            let Value::Object(addr) = v else {
                return Err(ApiError::invalid(&k, "expected an address object"));
            };
            let mut clean = Map::new();
            for (part, pv) in addr {
                if !ADDRESS_PARTS.contains(&part.as_str()) {
                    continue;
                }
                let s = pv.as_str().ok_or_else(|| {
                    ApiError::invalid(&format!("{k}.{part}"), "expected a string")
                })?;
                check_length(&format!("{k}.{part}"), &part, s)?;
                clean.insert(part, json!(s));
            }
            out.insert(k, Value::Object(clean));
        }
        // Other properties are ignored, as RingCentral does.
    }
    Ok(out)
}

fn owner(ctx: &Ctx<'_>) -> Result<(i64, i64), ApiError> {
    let account = ctx.account_id()?;
    Ok((account, ctx.extension()?.id))
}

fn list(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = owner(ctx)?;
    let page = page_params(ctx, 100, 1000)?;
    let sort = ctx.query_enum("sortBy", &["FirstName", "LastName", "Company"])?;
    let mut all = ctx.store().contacts(ext, ctx.now_ms())?;
    if let Some(prefix) = ctx.query("startsWith").map(str::to_lowercase) {
        all.retain(|c| {
            ["firstName", "lastName"].iter().any(|f| {
                c.field(f)
                    .is_some_and(|v| v.to_lowercase().starts_with(&prefix))
            })
        });
    }
    let phones = ctx.query_all("phoneNumber");
    if !phones.is_empty() {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        let wanted: Vec<String> = phones.iter().map(|p| digits(p)).collect();
        all.retain(|c| {
            PHONE_FIELDS
                .iter()
                .any(|f| c.field(f).is_some_and(|v| wanted.contains(&digits(v))))
        });
    }
    if !sort.is_empty() {
        let key = |c: &Contact| -> Vec<String> {
            sort.iter()
                .map(|s| {
                    let f = match s.as_str() {
                        "FirstName" => "firstName",
                        "LastName" => "lastName",
                        _ => "company",
                    };
                    c.field(f).unwrap_or("").to_lowercase()
                })
                .collect()
        };
        all.sort_by_key(key);
    }
    let (records, total) = page.slice(all);
    let records: Vec<Value> = records
        .iter()
        .map(|c| contact_json(ctx, account, c))
        .collect();
    let count = records.len();
    Ok(ApiResponse::ok(&json!({
        "uri": ctx.url_with(&[]),
        "records": records,
        "paging": super::paging_json(page, total, count),
        "navigation": super::navigation_json(ctx, page, total),
        "groups": {"uri": ctx.url(&format!("/restapi/v1.0/account/{account}/extension/{ext}/address-book/group"))},
    })))
}

/// A contact of the caller's address book, by the id as the client wrote it.
fn find(ctx: &Ctx<'_>, ext: i64, id: &str) -> Result<Contact, ApiError> {
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::not_found("contactId"))?;
    ctx.store()
        .contact(ext, id, ctx.now_ms())?
        .ok_or_else(|| ApiError::not_found("contactId"))
}

/// One contact, or several with RingCentral's bulk syntax (`/contact/1,2,3`).
fn read(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = owner(ctx)?;
    bulk::read(ctx, "contactId", |id| {
        find(ctx, ext, id).map(|c| contact_json(ctx, account, &c))
    })
}

fn create(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = owner(ctx)?;
    let fields = parse_body(ctx)?;
    // Seed the address book first, so that a new contact never races the lazily seeded ones.
    ctx.store().seed_contacts(ext, ctx.now_ms())?;
    let saved = ctx.store().save_contact(&Contact {
        id: 0,
        extension_id: ext,
        fields,
    })?;
    Ok(ApiResponse::ok(&contact_json(ctx, account, &saved)))
}

/// Replaces one contact with the fields sent or, with the bulk syntax, several: each with its own
/// body (`multipart/mixed` parts or a `multipart+json` array) or all with the one body sent.
fn update(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = owner(ctx)?;
    let ids = bulk::ids(ctx, "contactId")?;
    let replace = |id: &str, body: Value| -> Result<Value, ApiError> {
        let mut c = find(ctx, ext, id)?;
        c.fields = parse_fields(body)?;
        let saved = ctx.store().save_contact(&c)?;
        Ok(contact_json(ctx, account, &saved))
    };
    if !bulk::is_bulk(&ids) && !matches!(ctx.req.body_json, Some(Value::Array(_))) {
        return Ok(ApiResponse::ok(&replace(&ids[0], ctx.json()?)?));
    }
    let results = bulk::changes(ctx, "contactId", &ids)?
        .into_iter()
        .map(|(id, body)| {
            let outcome = replace(&id, body);
            (id, outcome)
        })
        .collect();
    Ok(bulk::multi_status(ctx, "contactId", results))
}

/// Deletes one contact or, with the bulk syntax, several: `204` when every one was deleted, else
/// `207` with the result for each.
fn delete(ctx: &Ctx<'_>) -> ApiResult {
    let (_, ext) = owner(ctx)?;
    let ids = bulk::ids(ctx, "contactId")?;
    let remove = |id: &str| -> Result<Value, ApiError> {
        let c = find(ctx, ext, id)?;
        ctx.store().delete_contact(c.extension_id, c.id)?;
        Ok(Value::Null)
    };
    if let [id] = ids.as_slice() {
        remove(id)?;
        return no_content();
    }
    let results: Vec<(String, Result<Value, ApiError>)> =
        ids.iter().map(|id| (id.clone(), remove(id))).collect();
    if results.iter().all(|(_, outcome)| outcome.is_ok()) {
        return no_content();
    }
    Ok(bulk::multi_status(ctx, "contactId", results))
}
