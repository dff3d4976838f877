//! The twelve SCIM operations of `/scim/v2` as stateful handlers: discovery documents, and users
//! listed, searched, created, read, replaced, patched and deleted over the account's user extensions.
//! Answers are `application/scim+json` when the client asks for it and `application/json` otherwise;
//! every error is a SCIM error body. Only administrators get this far (the dispatcher checks).

use bytes::Bytes;
use http::StatusCode;
use serde_json::{Map, Value};

use super::discovery;
use super::error::{ScimError, ScimType};
use super::filter::{CompValue, CompareOp, Filter};
use super::list::{SearchParams, list_response, project, sort_resources, window};
use super::patch::PatchRequest;
use super::schema::USER_SCHEMA;
use super::user::{check_user, prepare_user};
use super::view::{
    email_taken, is_scim_user, load_all_extras, load_extras, new_extension, page_of_users,
    save_extras, user_json, user_name_taken, users_by_email, users_by_external_id,
    users_by_user_name, write_user,
};
use super::{SCIM_CONTENT_TYPE, ScimRules};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx, ErrorShape};
use crate::handlers::{Entry, ErrorStyle, op};
use crate::store::{self, Extension, ExtensionFilter, Store};

/// The SCIM handlers, for the sandbox's handler table. They validate their own requests: the spec's
/// schemas are narrower than what SCIM clients send (the enterprise URN in `schemas`, PATCH values
/// that are not strings), and SCIM errors carry a `scimType`.
pub(crate) fn entries() -> Vec<Entry> {
    let scim = |entry: Entry| Entry {
        errors: ErrorStyle::Scim,
        ..entry
    };
    [
        op!("scimGetProviderConfig2", provider_config),
        op!("scimListResourceTypes2", list_resource_types),
        op!("scimGetResourceType2", get_resource_type),
        op!("scimListSchemas2", list_schemas),
        op!("scimGetSchema2", get_schema),
        op!("scimSearchViaGet2", search_via_get),
        op!("scimCreateUser2", create_user),
        op!("scimSearchViaPost2", search_via_post),
        op!(SEARCH_ROOT, search_root),
        op!("scimGetUser2", get_user),
        op!("scimUpdateUser2", replace_user),
        op!("scimDeleteUser2", delete_user),
        op!("scimPatchUser2", patch_user),
    ]
    .into_iter()
    .map(scim)
    .collect()
}

/// Gives an error met on a SCIM path (no token, no permission, rate limit, unknown route) the SCIM
/// error body, keeping its status, message and headers.
pub(crate) fn scim_shaped(e: ApiError) -> ApiError {
    match e.shape {
        ErrorShape::Scim(_) => e,
        _ => ApiError {
            shape: ErrorShape::Scim(None),
            ..e
        },
    }
}

fn fail(e: ScimError) -> ApiError {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    ApiError::scim(status, e.scim_type.map(ScimType::as_str), e.detail)
}

/// `application/scim+json` when the client names it in `Accept`, else `application/json`: the official
/// SDKs send `*/*` (Python) or `application/json` (JavaScript), and the Python SDK's `json_dict()`
/// refuses any other content type.
fn content_type(ctx: &Ctx<'_>) -> &'static str {
    if ctx.accepts(SCIM_CONTENT_TYPE) {
        SCIM_CONTENT_TYPE
    } else {
        "application/json"
    }
}

fn respond(ctx: &Ctx<'_>, status: StatusCode, body: &Value) -> ApiResult {
    Ok(ApiResponse::bytes(
        status,
        content_type(ctx),
        Bytes::from(body.to_string()),
    ))
}

fn base(ctx: &Ctx<'_>) -> String {
    ctx.url("/scim/v2")
}

fn rules(ctx: &Ctx<'_>) -> ScimRules {
    ctx.state.scim_rules
}

fn require_admin(ctx: &Ctx<'_>) -> Result<i64, ApiError> {
    let caller = ctx.caller().map_err(scim_shaped)?;
    if !caller.admin {
        return Err(fail(ScimError::forbidden(
            "SCIM is for administrators; sign in as one",
        )));
    }
    Ok(caller.session.account_id)
}

/// The request body as JSON, sent as `application/scim+json` or `application/json`.
fn json_body(ctx: &Ctx<'_>) -> Result<Value, ApiError> {
    if let Some(media) = crate::spec::media::request_media(&ctx.req.headers)
        && !(media.is_empty() || crate::spec::media::is_json(&media))
    {
        return Err(fail(ScimError::new(
            415,
            None,
            format!("send the body as application/scim+json or application/json, not {media}"),
        )));
    }
    if ctx.req.body.iter().all(u8::is_ascii_whitespace) {
        return Err(fail(ScimError::invalid_syntax("the request has no body")));
    }
    serde_json::from_slice(&ctx.req.body).map_err(|e| {
        fail(ScimError::invalid_syntax(format!(
            "the body is not valid JSON: {e}"
        )))
    })
}

fn query_filter<'a>(ctx: &Ctx<'a>) -> Option<&'a str> {
    ctx.req
        .query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("filter"))
        .map(|(_, v)| v.as_str())
}

// ---------------------------------------------------------------------------------------------------
// Discovery

fn provider_config(ctx: &Ctx<'_>) -> ApiResult {
    require_admin(ctx)?;
    respond(
        ctx,
        StatusCode::OK,
        &discovery::service_provider_config(&base(ctx), rules(ctx)),
    )
}

fn list_resource_types(ctx: &Ctx<'_>) -> ApiResult {
    require_admin(ctx)?;
    discovery::refuse_filter(query_filter(ctx)).map_err(fail)?;
    respond(
        ctx,
        StatusCode::OK,
        &discovery::resource_types(&base(ctx), rules(ctx)),
    )
}

fn get_resource_type(ctx: &Ctx<'_>) -> ApiResult {
    require_admin(ctx)?;
    let name = ctx.path("type").map_err(scim_shaped)?;
    let doc = discovery::resource_type(name, &base(ctx), rules(ctx)).map_err(fail)?;
    respond(ctx, StatusCode::OK, &doc)
}

fn list_schemas(ctx: &Ctx<'_>) -> ApiResult {
    require_admin(ctx)?;
    discovery::refuse_filter(query_filter(ctx)).map_err(fail)?;
    respond(
        ctx,
        StatusCode::OK,
        &discovery::schemas(&base(ctx), rules(ctx)),
    )
}

fn get_schema(ctx: &Ctx<'_>) -> ApiResult {
    require_admin(ctx)?;
    let uri = ctx.path("uri").map_err(scim_shaped)?;
    let doc = discovery::schema(uri, &base(ctx), rules(ctx)).map_err(fail)?;
    respond(ctx, StatusCode::OK, &doc)
}

// ---------------------------------------------------------------------------------------------------
// Users

fn not_found(id: &str) -> ApiError {
    fail(ScimError::not_found(format!("User {id} not found")))
}

/// The user extension a `scimUserId` names in the caller's account.
fn user_id(ctx: &Ctx<'_>) -> Result<(i64, String), ApiError> {
    let raw = ctx.path("scimUserId").map_err(scim_shaped)?;
    let id = raw.parse::<i64>().map_err(|_| not_found(raw))?;
    Ok((id, raw.to_string()))
}

fn load_user(c: &rusqlite::Connection, id: i64, account: i64) -> crate::Result<Option<Extension>> {
    Ok(store::extension(c, id)?.filter(|e| is_scim_user(e, account)))
}

/// Filters that an index (or a cheap SQL scan) answers: `userName eq "x"`, the same on `emails`
/// (the login email), and `externalId eq "x"`.
enum Lookup<'f> {
    UserName(&'f str),
    Email(&'f str),
    ExternalId(&'f str),
}

fn indexed_lookup(filter: &Filter) -> Option<Lookup<'_>> {
    let Filter::Compare(path, CompareOp::Eq, CompValue::String(value)) = filter else {
        return None;
    };
    let core = path
        .urn
        .as_deref()
        .is_none_or(|u| u.eq_ignore_ascii_case(USER_SCHEMA));
    let is = |name: &str| path.name.eq_ignore_ascii_case(name);
    if !core {
        None
    } else if is("userName") && path.sub.is_none() {
        Some(Lookup::UserName(value))
    } else if is("emails")
        && path
            .sub
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("value"))
    {
        Some(Lookup::Email(value))
    } else if is("externalId") && path.sub.is_none() {
        Some(Lookup::ExternalId(value))
    } else {
        None
    }
}

fn search(ctx: &Ctx<'_>, params: SearchParams) -> ApiResult {
    let account = require_admin(ctx)?;
    let base = base(ctx);
    let rt = rules(ctx).user_resource();
    let filter = params
        .filter
        .as_deref()
        .map(Filter::parse)
        .transpose()
        .map_err(fail)?;
    let matcher = filter
        .as_ref()
        .map(|f| f.compile(rt))
        .transpose()
        .map_err(fail)?;
    let store: &Store = ctx.store();
    let extras = store.read(load_all_extras)?;
    let empty = Map::new();
    let to_json = |e: &Extension| user_json(e, extras.get(&e.id).unwrap_or(&empty), &base);
    let (total, page) = if matcher.is_none() && params.sort_by.is_none() {
        // Nothing to filter or sort on: load and render only the window.
        let offset = params.start_index.saturating_sub(1);
        let (window, total) = store.read(|c| page_of_users(c, account, offset, params.count))?;
        (total, window.iter().map(to_json).collect::<Vec<_>>())
    } else {
        let mut extensions: Vec<Extension> = match filter.as_ref().and_then(indexed_lookup) {
            Some(Lookup::UserName(name)) => store.read(|c| users_by_user_name(c, account, name))?,
            Some(Lookup::Email(email)) => store.read(|c| users_by_email(c, account, email))?,
            Some(Lookup::ExternalId(id)) => store.read(|c| users_by_external_id(c, account, id))?,
            None => store.all_extensions(&ExtensionFilter {
                account_id: Some(account),
                users_only: true,
                ..ExtensionFilter::default()
            })?,
        };
        extensions.retain(|e| is_scim_user(e, account));
        extensions.sort_by_key(|e| e.id);
        let mut users: Vec<Value> = extensions
            .iter()
            .map(to_json)
            .filter(|u| matcher.as_ref().is_none_or(|m| m.matches(u)))
            .collect();
        if let Some(sort_by) = &params.sort_by {
            sort_resources(&mut users, sort_by, params.sort_order, rt).map_err(fail)?;
        }
        (users.len(), window(users, params.start_index, params.count))
    };
    let page = page
        .iter()
        .map(|u| project(u, &params.attributes, &params.excluded_attributes, rt))
        .collect();
    respond(
        ctx,
        StatusCode::OK,
        &list_response(page, total, params.start_index),
    )
}

fn search_via_get(ctx: &Ctx<'_>) -> ApiResult {
    require_admin(ctx)?;
    let pairs = ctx.req.query.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let params = SearchParams::from_query(pairs).map_err(fail)?;
    search(ctx, params)
}

/// `POST /.search` at the service root (RFC 7644 section 3.4.3), which RingCentral's spec does not
/// list: it searches every resource type, here the users. Served with the RFC's rules only.
pub(crate) const SEARCH_ROOT: &str = "scimSearchViaPostRoot2";

fn search_root(ctx: &Ctx<'_>) -> ApiResult {
    require_admin(ctx)?;
    if rules(ctx) == ScimRules::RingCentral {
        return Err(fail(ScimError::not_found(
            "RingCentral's SCIM searches at /Users/.search only",
        )));
    }
    search_via_post(ctx)
}

fn search_via_post(ctx: &Ctx<'_>) -> ApiResult {
    require_admin(ctx)?;
    let params = SearchParams::from_body(&json_body(ctx)?).map_err(fail)?;
    search(ctx, params)
}

fn taken(what: &str, value: &str) -> ScimError {
    ScimError::uniqueness(format!(
        "{what} {value} is already used by another user; pick another"
    ))
}

/// Why a user's `userName` or login email clashes with another user's, if it does.
fn clash(
    tx: &rusqlite::Connection,
    account: i64,
    ext: &Extension,
    user_name: &str,
    except: Option<i64>,
) -> crate::Result<Option<ScimError>> {
    let email = ext.email.as_deref().unwrap_or_default();
    if user_name_taken(tx, account, user_name, except)? {
        return Ok(Some(taken("userName", user_name)));
    }
    if email_taken(tx, email, except)? {
        return Ok(Some(taken("the email", email)));
    }
    Ok(None)
}

/// The account's email domain, for a login the sandbox has to make up.
fn domain(tx: &rusqlite::Connection, account: i64) -> crate::Result<String> {
    Ok(store::account(tx, account)?
        .map(|a| a.domain)
        .unwrap_or_else(|| "sandbox.example.com".to_owned()))
}

/// A user as the query's `attributes` and `excludedAttributes` ask for it (RFC 7644 section 3.9:
/// they apply to every answer that holds a resource, not only to searches).
fn projected(ctx: &Ctx<'_>, user: &Value) -> Result<Value, ApiError> {
    let wanted = ctx.req.query.iter().filter(|(k, _)| {
        k.eq_ignore_ascii_case("attributes") || k.eq_ignore_ascii_case("excludedAttributes")
    });
    let params =
        SearchParams::from_query(wanted.map(|(k, v)| (k.as_str(), v.as_str()))).map_err(fail)?;
    Ok(project(
        user,
        &params.attributes,
        &params.excluded_attributes,
        rules(ctx).user_resource(),
    ))
}

fn created_or_saved(ctx: &Ctx<'_>, status: StatusCode, user: &Value) -> ApiResult {
    let location = user["meta"]["location"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let resp = respond(ctx, status, &projected(ctx, user)?)?;
    Ok(if status == StatusCode::CREATED {
        resp.header(http::header::LOCATION, &location)
    } else {
        resp
    })
}

fn create_user(ctx: &Ctx<'_>) -> ApiResult {
    let account = require_admin(ctx)?;
    let rules = rules(ctx);
    let user = prepare_user(&json_body(ctx)?, rules).map_err(fail)?;
    let now = ctx.now_ms();
    let base = base(ctx);
    let outcome = ctx.store().write(|tx| {
        let mut ext = new_extension(account, now);
        ext.id = Store::next_id(tx)?;
        let extras = write_user(&mut ext, &user, true, rules, &domain(tx, account)?);
        let user_name = user["userName"].as_str().unwrap_or_default();
        if let Some(e) = clash(tx, account, &ext, user_name, None)? {
            return Ok(Err(e));
        }
        ext.number = store::free_extension_number(tx, account)?;
        store::insert_extension(tx, &ext)?;
        save_extras(tx, ext.id, &extras)?;
        Ok(Ok(user_json(&ext, &extras, &base)))
    })?;
    created_or_saved(ctx, StatusCode::CREATED, &outcome.map_err(fail)?)
}

fn get_user(ctx: &Ctx<'_>) -> ApiResult {
    let account = require_admin(ctx)?;
    let (id, raw) = user_id(ctx)?;
    let base = base(ctx);
    let found = ctx.store().read(|c| {
        let Some(ext) = load_user(c, id, account)? else {
            return Ok(None);
        };
        Ok(Some(user_json(&ext, &load_extras(c, id)?, &base)))
    })?;
    let user = found.ok_or_else(|| not_found(&raw))?;
    respond(ctx, StatusCode::OK, &projected(ctx, &user)?)
}

/// Reads the user, lets `change` compute its new SCIM form from the current one, checks and writes
/// it, all in one transaction.
fn update_user(
    ctx: &Ctx<'_>,
    change: impl FnOnce(&Value) -> Result<Value, ScimError>,
) -> ApiResult {
    let account = require_admin(ctx)?;
    let rules = rules(ctx);
    let (id, raw) = user_id(ctx)?;
    let now = ctx.now_ms();
    let base = base(ctx);
    let outcome = ctx.store().write(|tx| {
        let Some(mut ext) = load_user(tx, id, account)? else {
            return Ok(Err(ScimError::not_found(format!("User {raw} not found"))));
        };
        let current = user_json(&ext, &load_extras(tx, id)?, &base);
        let next = match change(&current).and_then(|u| check_user(&u, rules).map(|()| u)) {
            Ok(u) => u,
            Err(e) => return Ok(Err(e)),
        };
        // `schemas` is rebuilt on output, so a change of it alone is no change.
        let without_schemas = |u: &Value| {
            let mut u = u.clone();
            if let Some(o) = u.as_object_mut() {
                o.shift_remove("schemas");
            }
            u
        };
        if without_schemas(&next) == without_schemas(&current) {
            return Ok(Ok(current));
        }
        let extras = write_user(&mut ext, &next, false, rules, &domain(tx, account)?);
        let user_name = next["userName"].as_str().unwrap_or_default();
        if let Some(e) = clash(tx, account, &ext, user_name, Some(id))? {
            return Ok(Err(e));
        }
        let saved = store::save_extension(tx, &ext, now)?;
        save_extras(tx, id, &extras)?;
        Ok(Ok(user_json(&saved, &extras, &base)))
    })?;
    created_or_saved(ctx, StatusCode::OK, &outcome.map_err(fail)?)
}

fn replace_user(ctx: &Ctx<'_>) -> ApiResult {
    require_admin(ctx)?;
    let replacement = prepare_user(&json_body(ctx)?, rules(ctx)).map_err(fail)?;
    update_user(ctx, move |current| {
        // Read-only attributes stay as they are (RFC 7644 section 3.5.1).
        let mut next = replacement;
        if let (Some(obj), Some(cur)) = (next.as_object_mut(), current.as_object()) {
            for key in ["id", "meta"] {
                if let Some(v) = cur.get(key) {
                    obj.insert(key.into(), v.clone());
                }
            }
            // A replacement that leaves active out keeps the user's state.
            if !obj.contains_key("active")
                && let Some(v) = cur.get("active")
            {
                obj.insert("active".into(), v.clone());
            }
        }
        Ok(next)
    })
}

fn patch_user(ctx: &Ctx<'_>) -> ApiResult {
    require_admin(ctx)?;
    let request = PatchRequest::from_json(&json_body(ctx)?).map_err(fail)?;
    let rt = rules(ctx).user_resource();
    update_user(ctx, move |current| request.apply(current, rt))
}

fn delete_user(ctx: &Ctx<'_>) -> ApiResult {
    let account = require_admin(ctx)?;
    let (id, raw) = user_id(ctx)?;
    let caller = ctx.caller().map_err(scim_shaped)?;
    let exists = ctx.store().read(|c| load_user(c, id, account))?.is_some();
    if !exists {
        return Err(not_found(&raw));
    }
    if caller.session.extension_id == id {
        return Err(fail(ScimError::forbidden(
            "you cannot delete the user you are signed in as; sign in as another administrator",
        )));
    }
    if ctx
        .store()
        .delete_user_extension(id, ctx.now_ms())?
        .is_none()
    {
        return Err(not_found(&raw));
    }
    ctx.store().write(|tx| save_extras(tx, id, &Map::new()))?;
    crate::handlers::no_content()
}
