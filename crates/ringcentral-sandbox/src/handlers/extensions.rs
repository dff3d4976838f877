//! Extensions: list (with filters and paging), create, read, update and delete, `~` meaning the
//! caller's.

use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Entry, op, page_params, paged_serialized, time};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{Extension, ExtensionFilter, Site};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("listExtensions", list),
        op!("readExtension", read),
        op!("updateExtension", update),
        op!("createExtension", create),
        op!("deleteExtension", delete),
    ]
}

pub const STATUSES: &[&str] = &[
    "Enabled",
    "Disabled",
    "Frozen",
    "NotActivated",
    "Unassigned",
];

fn ext_uri(ctx: &Ctx<'_>, e: &Extension) -> String {
    ctx.url(&format!(
        "/restapi/v1.0/account/{}/extension/{}",
        e.account_id, e.id
    ))
}

/// The extension as `GetExtensionInfoResponse` (`detailed`) or `GetExtensionListInfoResponse`.
pub fn extension_json(ctx: &Ctx<'_>, e: &Extension, sites: &[Site], detailed: bool) -> Value {
    let mut contact = serde_json::Map::new();
    let mut put = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            contact.insert(k.to_owned(), json!(v));
        }
    };
    put("firstName", &e.first_name);
    put("lastName", &e.last_name);
    put("email", &e.email);
    put("department", &e.department);
    put("jobTitle", &e.job_title);
    put("mobilePhone", &e.mobile);
    put("businessPhone", &e.extra.business_phone);
    if e.is_user() {
        contact.insert("company".into(), json!("Sandbox Corp"));
        contact.insert("emailAsLoginName".into(), json!(true));
    }
    let mut v = json!({
        "id": e.id,
        "uri": ext_uri(ctx, e),
        "extensionNumber": e.number,
        "name": e.name,
        "type": e.kind,
        "status": e.status,
        // Filled below: `json!` would copy the map through `to_value`.
        "contact": null,
        "permissions": {
            "admin": {"enabled": e.admin},
            "internationalCalling": {"enabled": e.is_user()},
        },
        "hidden": false,
        "creationTime": time(e.created_ms),
    });
    v["contact"] = Value::Object(contact);
    if let Some(site) = e.site_id.and_then(|id| sites.iter().find(|s| s.id == id)) {
        // The spec types `site.id` here as a URI, so the site travels by its `uri` alone.
        v["site"] = json!({
            "uri": ctx.url(&format!("/restapi/v1.0/account/{}/sites/{}", e.account_id, site.id)),
            "name": site.name,
            "code": site.code,
        });
    }
    if let Some(q) = &e.extra.queue {
        v["callQueueInfo"] = json!(q);
    }
    if let Some(c) = &e.extra.status_comment {
        v["statusInfo"] = json!({"comment": c});
    }
    if e.is_user() {
        v["roles"] = json!([{
            "id": if e.admin { "1" } else { "2" },
            "displayName": if e.admin { "Super Admin" } else { "Standard" },
            "autoAssigned": false,
            "siteCompatible": true,
            "siteRestricted": false,
            "uri": ctx.url(&format!("/restapi/v1.0/dictionary/user-role/{}", if e.admin { 1 } else { 2 })),
        }]);
    }
    if detailed {
        v["account"] = json!({
            "id": e.account_id.to_string(),
            "uri": ctx.url(&format!("/restapi/v1.0/account/{}", e.account_id)),
        });
        v["setupWizardState"] = json!("Completed");
        v["regionalSettings"] = regional_settings(ctx);
        let sms = e.is_user();
        v["serviceFeatures"] = json!([
            {"featureName": "SMS", "enabled": sms},
            {"featureName": "Fax", "enabled": true},
            {"featureName": "Voicemail", "enabled": true},
            {"featureName": "Presence", "enabled": true},
            {"featureName": "RCTeams", "enabled": e.is_user()},
            {"featureName": "VideoConferencing", "enabled": e.is_user()},
        ]);
        v["profileImage"] = json!({"uri": format!("{}/profile-image", ext_uri(ctx, e))});
    }
    v
}

pub fn regional_settings(ctx: &Ctx<'_>) -> Value {
    json!({
        "homeCountry": {"id": "1", "uri": ctx.url("/restapi/v1.0/dictionary/country/1"), "name": "United States", "isoCode": "US", "callingCode": "1"},
        "timezone": {"id": "58", "uri": ctx.url("/restapi/v1.0/dictionary/timezone/58"), "name": "US/Pacific", "description": "Pacific Time (US & Canada)", "bias": "-480"},
        "language": {"id": "1033", "localeCode": "en-US", "name": "English (United States)"},
        "greetingLanguage": {"id": "1033", "localeCode": "en-US", "name": "English (United States)"},
        "formattingLocale": {"id": "1033", "localeCode": "en-US", "name": "English (United States)"},
        "timeFormat": "12h",
    })
}

fn list(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let page = page_params(ctx, 100, 1000)?;
    let filter = ExtensionFilter {
        account_id: Some(account),
        number: ctx.query("extensionNumber").map(str::to_owned),
        emails: ctx.query_all("email"),
        statuses: ctx.query_enum("status", STATUSES)?,
        kinds: ctx.query_enum("type", crate::store::EXTENSION_TYPES)?,
        ..Default::default()
    };
    let (exts, total) = ctx
        .store()
        .extensions(&filter, page.offset(), page.per_page)?;
    let sites = ctx.store().sites(account)?;
    let records: Vec<Listed<'_>> = exts
        .iter()
        .map(|e| Listed {
            base: &ctx.req.base_url,
            e,
            site: e.site_id.and_then(|id| sites.iter().find(|s| s.id == id)),
        })
        .collect();
    paged_serialized(ctx, page, total, &records)
}

/// An extension of a listing (`GetExtensionListInfoResponse`) written straight to JSON text with
/// the fields, order and values of [`extension_json`] without `detailed`, so that a page of 1,000
/// records builds no value tree.
struct Listed<'a> {
    base: &'a str,
    e: &'a Extension,
    site: Option<&'a Site>,
}

#[derive(Serialize)]
struct Enabled {
    enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Permissions {
    admin: Enabled,
    international_calling: Enabled,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Contact<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    department: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mobile_phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    business_phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_as_login_name: Option<bool>,
}

#[derive(Serialize)]
struct SiteLink<'a> {
    uri: String,
    name: &'a str,
    code: &'a str,
}

#[derive(Serialize)]
struct StatusComment<'a> {
    comment: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Role {
    id: &'static str,
    display_name: &'static str,
    auto_assigned: bool,
    site_compatible: bool,
    site_restricted: bool,
    uri: String,
}

impl Serialize for Listed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;

        let (e, base) = (self.e, self.base);
        let user = e.is_user();
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &e.id)?;
        m.serialize_entry(
            "uri",
            &format!(
                "{base}/restapi/v1.0/account/{}/extension/{}",
                e.account_id, e.id
            ),
        )?;
        m.serialize_entry("extensionNumber", &e.number)?;
        m.serialize_entry("name", &e.name)?;
        m.serialize_entry("type", &e.kind)?;
        m.serialize_entry("status", &e.status)?;
        m.serialize_entry(
            "contact",
            &Contact {
                first_name: e.first_name.as_deref(),
                last_name: e.last_name.as_deref(),
                email: e.email.as_deref(),
                department: e.department.as_deref(),
                job_title: e.job_title.as_deref(),
                mobile_phone: e.mobile.as_deref(),
                business_phone: e.extra.business_phone.as_deref(),
                company: user.then_some("Sandbox Corp"),
                email_as_login_name: user.then_some(true),
            },
        )?;
        m.serialize_entry(
            "permissions",
            &Permissions {
                admin: Enabled { enabled: e.admin },
                international_calling: Enabled { enabled: user },
            },
        )?;
        m.serialize_entry("hidden", &false)?;
        m.serialize_entry("creationTime", &time(e.created_ms))?;
        if let Some(site) = self.site {
            m.serialize_entry(
                "site",
                &SiteLink {
                    uri: format!(
                        "{base}/restapi/v1.0/account/{}/sites/{}",
                        e.account_id, site.id
                    ),
                    name: &site.name,
                    code: &site.code,
                },
            )?;
        }
        if let Some(q) = &e.extra.queue {
            m.serialize_entry("callQueueInfo", q)?;
        }
        if let Some(c) = &e.extra.status_comment {
            m.serialize_entry("statusInfo", &StatusComment { comment: c })?;
        }
        if user {
            let role = if e.admin { 1 } else { 2 };
            m.serialize_entry(
                "roles",
                &[Role {
                    id: if e.admin { "1" } else { "2" },
                    display_name: if e.admin { "Super Admin" } else { "Standard" },
                    auto_assigned: false,
                    site_compatible: true,
                    site_restricted: false,
                    uri: format!("{base}/restapi/v1.0/dictionary/user-role/{role}"),
                }],
            )?;
        }
        m.end()
    }
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    // Read before anything it stands for: a change after it only means rendering again.
    let generation = ctx.store().generation();
    let ext = ctx.extension()?;
    // The answer depends on the extension, its account's sites and the links' base alone.
    let key = format!("extension {} {}", ext.id, ctx.req.base_url);
    let body = ctx.store().rendered.get_or(generation, &key, || {
        let sites = ctx.store().sites(ext.account_id)?;
        let value = extension_json(ctx, &ext, &sites, true);
        serde_json::to_vec(&value)
            .map(bytes::Bytes::from)
            .map_err(ApiError::internal)
    })?;
    Ok(ApiResponse::bytes(StatusCode::OK, "application/json", body))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContactUpdate {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    department: Option<String>,
    job_title: Option<String>,
    mobile_phone: Option<String>,
    business_phone: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SiteRef {
    /// Left out, the site stays as it is.
    id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusInfo {
    comment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExtensionUpdate {
    status: Option<String>,
    status_info: Option<StatusInfo>,
    extension_number: Option<String>,
    contact: Option<ContactUpdate>,
    site: Option<SiteRef>,
}

fn check_len(name: &str, v: &Option<String>, max: usize) -> Result<(), ApiError> {
    match v {
        Some(s) if s.chars().count() > max => Err(ApiError::invalid(
            name,
            format!("longer than {max} characters"),
        )),
        _ => Ok(()),
    }
}

fn update(ctx: &Ctx<'_>) -> ApiResult {
    let mut ext = ctx.extension()?;
    ctx.require_self_or_admin(&ext)?;
    let body: ExtensionUpdate = ctx.json()?;
    if let Some(status) = &body.status {
        ctx.require_admin("EditUserInfo")?;
        if !["Enabled", "Disabled", "Frozen", "NotActivated"].contains(&status.as_str()) {
            return Err(ApiError::invalid(
                "status",
                format!("{status:?} is not one of Enabled, Disabled, Frozen, NotActivated"),
            ));
        }
        if ext.admin && status != "Enabled" && ext.id == ctx.caller()?.session.extension_id {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "CMN-101",
                "An administrator cannot disable their own extension",
            )
            .with_parameter("status"));
        }
        ext.status = status.clone();
    }
    if let Some(info) = body.status_info {
        ext.extra.status_comment = info.comment;
    }
    if body.extension_number.is_some() {
        ctx.require_admin("EditExtensions")?;
    }
    let sites = apply_fields(
        ctx,
        &mut ext,
        body.extension_number.as_deref(),
        body.contact,
        body.site,
    )?;
    let saved = ctx.store().save_extension(&ext, ctx.now_ms())?;
    Ok(ApiResponse::ok(&extension_json(ctx, &saved, &sites, true)))
}

/// Gives `ext` the extension number `number`: 1 to 8 digits that no other extension of the
/// account has.
pub(super) fn set_number(ctx: &Ctx<'_>, ext: &mut Extension, number: &str) -> Result<(), ApiError> {
    if number.is_empty() || number.len() > 8 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid(
            "extensionNumber",
            "must be 1 to 8 digits",
        ));
    }
    let clash = ExtensionFilter {
        account_id: Some(ext.account_id),
        number: Some(number.to_owned()),
        ..Default::default()
    };
    let (others, _) = ctx.store().extensions(&clash, 0, 2)?;
    if others.iter().any(|o| o.id != ext.id) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "CMN-101",
            format!("Extension number [{number}] is already in use"),
        )
        .with_parameter("extensionNumber"));
    }
    ext.number = number.to_owned();
    Ok(())
}

/// Moves `ext` to the site of id `site_id`, one of the account's `sites`.
pub(super) fn set_site(ext: &mut Extension, sites: &[Site], site_id: &str) -> Result<(), ApiError> {
    let id: i64 = site_id
        .parse()
        .map_err(|_| ApiError::not_found("site.id"))?;
    if !sites.iter().any(|s| s.id == id) {
        return Err(ApiError::not_found("site.id"));
    }
    ext.site_id = Some(id);
    Ok(())
}

/// Applies the fields an update or a creation sets (number, contact, site) to `ext`, each checked
/// (an email or number another extension has is refused); gives the account's sites.
fn apply_fields(
    ctx: &Ctx<'_>,
    ext: &mut Extension,
    number: Option<&str>,
    contact: Option<ContactUpdate>,
    site: Option<SiteRef>,
) -> Result<Vec<Site>, ApiError> {
    if let Some(number) = number {
        set_number(ctx, ext, number)?;
    }
    if let Some(c) = contact {
        for (name, v) in [
            ("contact.firstName", &c.first_name),
            ("contact.lastName", &c.last_name),
            ("contact.department", &c.department),
            ("contact.jobTitle", &c.job_title),
        ] {
            check_len(name, v, 64)?;
        }
        if let Some(email) = &c.email {
            if !email.contains('@') || email.len() > 254 {
                return Err(ApiError::invalid("contact.email", "not an email address"));
            }
            if let Some(other) = ctx.store().extension_by_email(email)?
                && other.id != ext.id
            {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "CMN-101",
                    format!("Email [{email}] is already used by another user"),
                )
                .with_parameter("contact.email"));
            }
            ext.email = Some(email.clone());
        }
        if c.first_name.is_some() {
            ext.first_name = c.first_name;
        }
        if c.last_name.is_some() {
            ext.last_name = c.last_name;
        }
        if ext.is_user() {
            ext.name = format!(
                "{} {}",
                ext.first_name.as_deref().unwrap_or(""),
                ext.last_name.as_deref().unwrap_or("")
            )
            .trim()
            .to_owned();
        }
        if c.department.is_some() {
            ext.department = c.department;
        }
        if c.job_title.is_some() {
            ext.job_title = c.job_title;
        }
        if c.mobile_phone.is_some() {
            ext.mobile = c.mobile_phone;
        }
        if c.business_phone.is_some() {
            ext.extra.business_phone = c.business_phone;
        }
    }
    let sites = ctx.store().sites(ext.account_id)?;
    if let Some(site_id) = site.and_then(|s| s.id) {
        set_site(ext, &sites, &site_id)?;
    }
    Ok(sites)
}

/// The fields of a new extension that the sandbox keeps.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExtensionCreation {
    #[serde(rename = "type")]
    kind: Option<String>,
    status: Option<String>,
    extension_number: Option<String>,
    contact: Option<ContactUpdate>,
    site: Option<SiteRef>,
    name: Option<String>,
}

/// Creates an extension (a user by default, `NotActivated` until its owner signs in, as
/// RingCentral does); administrators only. Its number is the one asked for or the next free one.
fn create(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("AddRemoveUsers")?;
    let account = ctx.account_id()?;
    let body: ExtensionCreation = ctx.json()?;
    let kind = body.kind.unwrap_or_else(|| "User".to_owned());
    let mut ext = Extension::new(account, &kind, "", "", ctx.now_ms());
    ext.status = match body.status {
        Some(status) => {
            if !STATUSES.contains(&status.as_str()) {
                return Err(ApiError::invalid(
                    "status",
                    format!("{status:?} is not one of {}", STATUSES.join(", ")),
                ));
            }
            status
        }
        None if ext.is_user() => "NotActivated".to_owned(),
        None => "Enabled".to_owned(),
    };
    if ext.is_user() {
        let email = body.contact.as_ref().and_then(|c| c.email.as_deref());
        if email.is_none_or(str::is_empty) {
            return Err(ApiError::missing("contact.email"));
        }
    }
    let sites = apply_fields(
        ctx,
        &mut ext,
        body.extension_number.as_deref(),
        body.contact,
        body.site,
    )?;
    if !ext.is_user() || ext.name.is_empty() {
        ext.name = body
            .name
            .or_else(|| ext.first_name.clone())
            .unwrap_or_else(|| kind.clone());
    }
    let saved = ctx.store().insert_extension(&ext, ctx.now_ms())?;
    Ok(ApiResponse::ok(&extension_json(ctx, &saved, &sites, true)))
}

/// Deletes an extension, administrators only: the extension and what is personal to it go, its
/// direct numbers and devices stay with the account. An administrator cannot delete themselves.
fn delete(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("AddRemoveUsers")?;
    let ext = ctx.extension()?;
    if ext.id == ctx.caller()?.session.extension_id {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "CMN-101",
            "An administrator cannot delete their own extension",
        )
        .with_parameter("extensionId"));
    }
    ctx.store()
        .delete_user_extension(ext.id, ctx.now_ms())?
        .ok_or_else(|| ApiError::not_found("extensionId"))?;
    super::no_content()
}
