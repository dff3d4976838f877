//! SCIM users as a view of the account's user extensions: an extension's name, email, title,
//! department, phones and status map to SCIM attributes, and SCIM attributes RingCentral keeps only
//! for provisioning (addresses, photos, further phone numbers) live in a table of their own.
//!
//! Suspending (`active: false`) sets the extension `Disabled`; re-activating sets it `Enabled`.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value, json};

use super::ScimRules;
use super::schema::{ENTERPRISE_USER_SCHEMA, USER_SCHEMA};
use super::user::{login_position, looks_like_email, work_email};
use crate::clock::rfc3339_ms;
use crate::error::Result as StoreResult;
use crate::store::Extension;

const EXTRAS_TABLE: &str = "CREATE TABLE IF NOT EXISTS scim_user_extras (
  extension_id INTEGER PRIMARY KEY, data TEXT NOT NULL)";

/// Whether an extension appears as a SCIM user of `account_id`: a user with a login email, not the
/// unassigned holder of a deleted user's numbers.
pub(crate) fn is_scim_user(ext: &Extension, account_id: i64) -> bool {
    ext.account_id == account_id
        && ext.is_user()
        && ext.status != "Unassigned"
        && ext.email.as_deref().is_some_and(|e| !e.is_empty())
}

/// The SQL condition of [`is_scim_user`], with `?1` the account.
fn scim_user_sql() -> String {
    format!(
        "account_id = ?1 AND type IN ({}) AND status != 'Unassigned' \
         AND email IS NOT NULL AND email != ''",
        crate::store::user_types_sql()
    )
}

fn extensions_by_id(c: &Connection, ids: Vec<i64>) -> StoreResult<Vec<Extension>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(e) = crate::store::extension(c, id)? {
            out.push(e);
        }
    }
    Ok(out)
}

/// The SCIM users of account `?1` whose ids `sql` selects (`{cond}` in it stands for the condition
/// of [`is_scim_user`]), given `?2`.
fn users_where(
    c: &Connection,
    sql: &str,
    account_id: i64,
    value: &str,
) -> StoreResult<Vec<Extension>> {
    let sql = sql.replace("{cond}", &scim_user_sql());
    let ids: Vec<i64> = c
        .prepare_cached(&sql)?
        .query_map(params![account_id, value], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    extensions_by_id(c, ids)
}

/// One window of the account's SCIM users in id order, and how many there are in all, without
/// loading the others.
pub(crate) fn page_of_users(
    c: &Connection,
    account_id: i64,
    offset: usize,
    limit: usize,
) -> StoreResult<(Vec<Extension>, usize)> {
    let cond = scim_user_sql();
    let total: i64 = c
        .prepare_cached(&format!(
            "SELECT COUNT(*) FROM extensions NOT INDEXED WHERE {cond}"
        ))?
        .query_row([account_id], |r| r.get(0))?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let ids: Vec<i64> = c
        // Walking the table in rowid (id) order lets an early window stop early, where the account
        // index would make SQLite sort every user first.
        .prepare_cached(&format!(
            "SELECT id FROM extensions NOT INDEXED WHERE {cond} ORDER BY id LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![account_id, limit, offset], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((
        extensions_by_id(c, ids)?,
        usize::try_from(total).unwrap_or(0),
    ))
}

/// The SQL expression of a user's SCIM `userName` when it differs from the login email.
const SCIM_USER_NAME: &str = "json_extract(data, '$.scimUserName')";

/// The account's SCIM users with this `userName` (ASCII case ignored, as `userName` is not
/// case-exact): a user name of its own, or else the login email.
pub(crate) fn users_by_user_name(
    c: &Connection,
    account_id: i64,
    user_name: &str,
) -> StoreResult<Vec<Extension>> {
    // Two indexed lookups rather than one OR, which would scan every extension.
    let sql = format!(
        "SELECT id FROM extensions WHERE {{cond}} AND {SCIM_USER_NAME} = ?2 COLLATE NOCASE \
         UNION SELECT id FROM extensions WHERE {{cond}} AND email = ?2 COLLATE NOCASE \
         AND {SCIM_USER_NAME} IS NULL ORDER BY id"
    );
    users_where(c, &sql, account_id, user_name)
}

/// The account's SCIM users with this email (ASCII case ignored): as their login, or among the
/// emails a client gave them.
pub(crate) fn users_by_email(
    c: &Connection,
    account_id: i64,
    email: &str,
) -> StoreResult<Vec<Extension>> {
    ensure_table(c)?;
    users_where(
        c,
        "SELECT id FROM extensions WHERE {cond} AND email = ?2 COLLATE NOCASE \
         UNION SELECT id FROM extensions WHERE {cond} AND id IN (\
           SELECT x.extension_id FROM scim_user_extras x, json_each(x.data, '$.emails') e \
           WHERE json_extract(e.value, '$.value') = ?2 COLLATE NOCASE) ORDER BY id",
        account_id,
        email,
    )
}

/// Whether another SCIM user of the account (than `except`) has this `userName`.
pub(crate) fn user_name_taken(
    c: &Connection,
    account_id: i64,
    user_name: &str,
    except: Option<i64>,
) -> StoreResult<bool> {
    Ok(users_by_user_name(c, account_id, user_name)?
        .iter()
        .any(|e| Some(e.id) != except))
}

/// The account's SCIM users with this `externalId` (compared exactly, as it is case-exact).
pub(crate) fn users_by_external_id(
    c: &Connection,
    account_id: i64,
    external_id: &str,
) -> StoreResult<Vec<Extension>> {
    users_where(
        c,
        "SELECT id FROM extensions WHERE {cond} AND json_extract(data, '$.externalId') = ?2 ORDER BY id",
        account_id,
        external_id,
    )
}

fn ensure_table(c: &Connection) -> StoreResult<()> {
    c.execute_batch(EXTRAS_TABLE)?;
    Ok(())
}

fn decode(text: &str) -> Map<String, Value> {
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// The provisioning-only attributes of one user.
pub(crate) fn load_extras(c: &Connection, id: i64) -> StoreResult<Map<String, Value>> {
    ensure_table(c)?;
    let text: Option<String> = c
        .prepare_cached("SELECT data FROM scim_user_extras WHERE extension_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(text.as_deref().map(decode).unwrap_or_default())
}

/// The provisioning-only attributes of every user that has some.
pub(crate) fn load_all_extras(c: &Connection) -> StoreResult<HashMap<i64, Map<String, Value>>> {
    ensure_table(c)?;
    let mut st = c.prepare_cached("SELECT extension_id, data FROM scim_user_extras")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, text) = row?;
        out.insert(id, decode(&text));
    }
    Ok(out)
}

pub(crate) fn save_extras(c: &Connection, id: i64, extras: &Map<String, Value>) -> StoreResult<()> {
    ensure_table(c)?;
    if extras.is_empty() {
        c.execute("DELETE FROM scim_user_extras WHERE extension_id = ?1", [id])?;
    } else {
        c.execute(
            "INSERT OR REPLACE INTO scim_user_extras(extension_id, data) VALUES (?1, ?2)",
            params![id, Value::Object(extras.clone()).to_string()],
        )?;
    }
    Ok(())
}

/// The extension with this login email in any account (ASCII case ignored), other than `except`.
pub(crate) fn email_taken(c: &Connection, email: &str, except: Option<i64>) -> StoreResult<bool> {
    let found: Option<i64> = c
        .prepare_cached(
            "SELECT id FROM extensions WHERE email = ?1 COLLATE NOCASE AND id != ?2 LIMIT 1",
        )?
        .query_row(params![email, except.unwrap_or(-1)], |r| r.get(0))
        .optional()?;
    Ok(found.is_some())
}

fn put(obj: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        obj.insert(key.to_string(), Value::String(v.to_string()));
    }
}

/// Set in a user's extras when the client removed `active`.
const ACTIVE_UNASSIGNED: &str = "activeUnassigned";

/// A user's emails: the login email as the work email, or, where the client gave its own list
/// (with the RFC's rules), that list, the login's entry showing the login as it now is.
fn emails_of(login: &str, extras: &Map<String, Value>) -> Vec<Value> {
    match extras.get("emails") {
        Some(Value::Array(given)) => {
            let mut emails = given.clone();
            if let Some(entry) = login_position(&emails).and_then(|i| emails.get_mut(i))
                && let Some(obj) = entry.as_object_mut()
            {
                obj.insert("value".into(), Value::from(login));
            }
            emails
        }
        _ => vec![json!({"value": login, "type": "work"})],
    }
}

/// The SCIM user of an extension. `base` is the absolute SCIM base URL, e.g. `http://host/scim/v2`.
pub(crate) fn user_json(ext: &Extension, extras: &Map<String, Value>, base: &str) -> Value {
    let email = ext.email.as_deref().unwrap_or_default();
    let department = ext.department.as_deref().filter(|d| !d.is_empty());
    let mut user = Map::new();
    // RingCentral lists only the core schema, even beside enterprise attributes (its spec allows no
    // other value), while accepting the enterprise URN from clients.
    user.insert("schemas".into(), json!([USER_SCHEMA]));
    user.insert("id".into(), Value::String(ext.id.to_string()));
    put(&mut user, "externalId", ext.extra.external_id.as_deref());
    let user_name = ext.extra.scim_user_name.as_deref().unwrap_or(email);
    user.insert("userName".into(), Value::from(user_name));
    if let Some(d) = extras.get("displayName").filter(|d| d.is_string()) {
        user.insert("displayName".into(), d.clone());
    }
    // RingCentral's spec requires both parts of every user's name; a part never given (a user
    // made by `createExtension` with a first name only, say) reads as empty.
    let mut name = Map::new();
    for (key, part) in [
        ("givenName", &ext.first_name),
        ("familyName", &ext.last_name),
    ] {
        name.insert(key.into(), Value::from(part.as_deref().unwrap_or_default()));
    }
    put(&mut name, "formatted", Some(ext.name.as_str()));
    user.insert("name".into(), Value::Object(name));
    put(&mut user, "title", ext.job_title.as_deref());
    // A client may unassign `active` (RFC 7644 section 3.5.2.2); the status stays as it was.
    if extras.get(ACTIVE_UNASSIGNED) != Some(&Value::Bool(true)) {
        user.insert("active".into(), Value::Bool(ext.status != "Disabled"));
    }
    // RingCentral's spec requires `emails` in every user; an empty list is, by RFC 7643 section
    // 2.5, the same state as none.
    user.insert("emails".into(), Value::Array(emails_of(email, extras)));
    let mut phones = Vec::new();
    if let Some(p) = ext
        .extra
        .business_phone
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        phones.push(json!({"value": p, "type": "work"}));
    }
    if let Some(p) = ext.mobile.as_deref().filter(|p| !p.is_empty()) {
        phones.push(json!({"value": p, "type": "mobile"}));
    }
    if let Some(Value::Array(more)) = extras.get("phoneNumbers") {
        phones.extend(more.iter().cloned());
    }
    if !phones.is_empty() {
        user.insert("phoneNumbers".into(), Value::Array(phones));
    }
    for key in ["photos", "addresses"] {
        if let Some(v @ Value::Array(items)) = extras.get(key)
            && !items.is_empty()
        {
            user.insert(key.into(), v.clone());
        }
    }
    if let Some(d) = department {
        user.insert(ENTERPRISE_USER_SCHEMA.into(), json!({"department": d}));
    }
    let modified = if ext.extra.modified_ms > 0 {
        ext.extra.modified_ms
    } else {
        ext.created_ms
    };
    user.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": rfc3339_ms(ext.created_ms),
            "lastModified": rfc3339_ms(modified),
            "location": format!("{base}/Users/{}", ext.id),
        }),
    );
    Value::Object(user)
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Canonical lower-case `type`, so that what is kept matches RingCentral's enumerations.
fn lower_type(item: &Value) -> Value {
    let mut item = item.clone();
    if let Some(obj) = item.as_object_mut()
        && let Some(Value::String(t)) = obj.get_mut("type")
    {
        *t = t.to_lowercase();
    }
    item
}

/// The login email of a user written with `rules`: with RingCentral's, the `userName`; with the
/// RFC's, the work email when one is given, else the `userName` when it is an email address, else
/// the login the extension has, else `user<id>@<domain>`.
fn login_email(ext: &Extension, user: &Value, rules: ScimRules, domain: &str) -> String {
    let user_name = text(user.get("userName"));
    let given = match rules {
        ScimRules::RingCentral => user_name,
        ScimRules::Rfc => work_email(user)
            .map(str::to_owned)
            .or_else(|| user_name.filter(|n| looks_like_email(n))),
    };
    given
        .or_else(|| ext.email.clone().filter(|e| !e.is_empty()))
        .unwrap_or_else(|| format!("user{}@{domain}", ext.id))
}

/// Writes a checked SCIM user (canonical form, see [`super::user::check_user`]) onto an extension
/// and returns the provisioning-only attributes to keep beside it. `active` left out keeps the
/// status, or means enabled for a new user. `domain` is the account's, for a made-up login.
pub(crate) fn write_user(
    ext: &mut Extension,
    user: &Value,
    creating: bool,
    rules: ScimRules,
    domain: &str,
) -> Map<String, Value> {
    let previous_name = ext.name.clone();
    let login = login_email(ext, user, rules, domain);
    ext.extra.scim_user_name = text(user.get("userName")).filter(|n| *n != login);
    ext.email = Some(login);
    let name = user.get("name");
    ext.first_name = text(name.and_then(|n| n.get("givenName")));
    ext.last_name = text(name.and_then(|n| n.get("familyName")));
    let computed = [ext.first_name.as_deref(), ext.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    // A formatted name that only echoes the stored one follows the name parts as they change.
    ext.name = match text(name.and_then(|n| n.get("formatted"))) {
        Some(f) if creating || f != previous_name => f,
        _ => computed,
    };
    ext.job_title = text(user.get("title"));
    ext.department = text(
        user.get(ENTERPRISE_USER_SCHEMA)
            .and_then(|e| e.get("department")),
    );
    ext.extra.external_id = text(user.get("externalId"));
    ext.status = match (user.get("active").and_then(Value::as_bool), creating) {
        (Some(false), _) => "Disabled".into(),
        (Some(true), true) | (None, true) => "Enabled".into(),
        (Some(true), false) if ext.status == "Disabled" => "Enabled".into(),
        _ => ext.status.clone(),
    };
    let mut work = None;
    let mut mobile = None;
    let mut other_phones = Vec::new();
    for phone in user
        .get("phoneNumbers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = phone
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let value = text(phone.get("value"));
        match kind.as_str() {
            "work" if work.is_none() => work = value,
            "mobile" if mobile.is_none() => mobile = value,
            _ => other_phones.push(lower_type(phone)),
        }
    }
    ext.extra.business_phone = work;
    ext.mobile = mobile;
    let mut extras = Map::new();
    if let Some(d) = text(user.get("displayName")) {
        extras.insert("displayName".into(), Value::String(d));
    }
    if rules == ScimRules::Rfc {
        // The client's own list of emails, and whether it unassigned `active`.
        let emails = user.get("emails").and_then(Value::as_array);
        extras.insert(
            "emails".into(),
            Value::Array(emails.into_iter().flatten().map(lower_type).collect()),
        );
        if !creating && user.get("active").is_none() {
            extras.insert(ACTIVE_UNASSIGNED.into(), Value::Bool(true));
        }
    }
    if !other_phones.is_empty() {
        extras.insert("phoneNumbers".into(), Value::Array(other_phones));
    }
    for key in ["photos", "addresses"] {
        if let Some(Value::Array(items)) = user.get(key)
            && !items.is_empty()
        {
            extras.insert(key.into(), items.iter().map(lower_type).collect());
        }
    }
    extras
}

/// A new user extension in `account_id`; the caller assigns id and number.
pub(crate) fn new_extension(account_id: i64, now_ms: i64) -> Extension {
    Extension::new(account_id, "User", "Enabled", "", now_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext() -> Extension {
        let mut e = new_extension(7, 1_700_000_000_000);
        e.id = 42;
        e.email = Some("ann@example.com".into());
        e.first_name = Some("Ann".into());
        e.last_name = Some("Lee".into());
        e.name = "Ann Lee".into();
        e.status = "NotActivated".into();
        e.mobile = Some("+16505550111".into());
        e
    }

    #[test]
    fn extension_reads_as_a_scim_user() {
        let u = user_json(&ext(), &Map::new(), "http://h/scim/v2");
        assert_eq!(u["id"], "42");
        assert_eq!(u["userName"], "ann@example.com");
        assert_eq!(
            u["emails"],
            json!([{"value": "ann@example.com", "type": "work"}])
        );
        assert_eq!(
            u["name"],
            json!({"givenName": "Ann", "familyName": "Lee", "formatted": "Ann Lee"})
        );
        assert_eq!(u["active"], true, "not activated is not suspended");
        assert_eq!(
            u["phoneNumbers"],
            json!([{"value": "+16505550111", "type": "mobile"}])
        );
        assert_eq!(u["meta"]["location"], "http://h/scim/v2/Users/42");
        assert_eq!(u["meta"]["created"], "2023-11-14T22:13:20.000Z");
        assert_eq!(u["schemas"], json!([USER_SCHEMA]));
        assert!(u.get(ENTERPRISE_USER_SCHEMA).is_none());
    }

    #[test]
    fn writing_a_user_maps_every_attribute_and_round_trips() {
        let mut e = ext();
        let user = json!({
            "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
            "userName": "ann.lee@example.com",
            "externalId": "okta-1",
            "name": {"givenName": "Annie", "familyName": "Lee", "formatted": "Ann Lee"},
            "title": "Engineer",
            "active": false,
            "emails": [{"value": "ann.lee@example.com", "type": "work"}],
            "phoneNumbers": [
                {"value": "+16505550100", "type": "Work"},
                {"value": "+16505550199", "type": "other"},
                {"value": "+16505550198", "type": "mobile"}
            ],
            "addresses": [{"type": "Work", "locality": "Belmont"}],
            ENTERPRISE_USER_SCHEMA: {"department": "R&D"}
        });
        let extras = write_user(&mut e, &user, false, ScimRules::RingCentral, "example.com");
        assert_eq!(e.email.as_deref(), Some("ann.lee@example.com"));
        assert_eq!(
            e.name, "Annie Lee",
            "an echoed formatted name follows the parts"
        );
        assert_eq!(e.status, "Disabled");
        assert_eq!(e.extra.business_phone.as_deref(), Some("+16505550100"));
        assert_eq!(e.mobile.as_deref(), Some("+16505550198"));
        assert_eq!(e.department.as_deref(), Some("R&D"));
        assert_eq!(e.job_title.as_deref(), Some("Engineer"));
        assert_eq!(e.extra.external_id.as_deref(), Some("okta-1"));
        let back = user_json(&e, &extras, "http://h/scim/v2");
        assert_eq!(back["active"], false);
        assert_eq!(
            back["addresses"],
            json!([{"type": "work", "locality": "Belmont"}])
        );
        assert_eq!(
            back["phoneNumbers"],
            json!([
                {"value": "+16505550100", "type": "work"},
                {"value": "+16505550198", "type": "mobile"},
                {"value": "+16505550199", "type": "other"}
            ])
        );
        assert_eq!(back[ENTERPRISE_USER_SCHEMA]["department"], "R&D");
        assert_eq!(back["schemas"], json!([USER_SCHEMA]));
        // Re-activating a suspended user enables it; leaving active out keeps the status.
        let mut again = user.clone();
        again["active"] = json!(true);
        write_user(&mut e, &again, false, ScimRules::RingCentral, "example.com");
        assert_eq!(e.status, "Enabled");
        if let Some(o) = again.as_object_mut() {
            o.remove("active");
        }
        e.status = "NotActivated".into();
        write_user(&mut e, &again, false, ScimRules::RingCentral, "example.com");
        assert_eq!(e.status, "NotActivated");
    }

    #[test]
    fn the_sql_user_types_are_the_user_extensions() {
        let sql = crate::store::user_types_sql();
        for kind in crate::store::EXTENSION_TYPES {
            let mut e = ext();
            e.kind = kind.to_string();
            assert_eq!(sql.contains(&format!("'{kind}'")), e.is_user(), "{kind}");
        }
    }

    #[test]
    fn only_real_users_of_the_account_are_scim_users() {
        let e = ext();
        assert!(is_scim_user(&e, 7));
        assert!(!is_scim_user(&e, 8));
        let mut holder = e.clone();
        holder.status = "Unassigned".into();
        assert!(!is_scim_user(&holder, 7));
        let mut queue = e.clone();
        queue.kind = "Department".into();
        assert!(!is_scim_user(&queue, 7));
        let mut no_email = e;
        no_email.email = None;
        assert!(!is_scim_user(&no_email, 7));
    }
}
