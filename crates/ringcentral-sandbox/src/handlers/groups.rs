//! Paging-only groups (`PagingOnly` extensions: who may page, which desk phones ring) and call
//! monitoring groups (who may listen in on whom), with their memberships.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Entry, no_content, op, page_params, paged_with};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{Extension, MonitoringChange, MonitoringGroup, PagingChange};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("listPagingGroupUsers", paging_users),
        op!("listPagingGroupDevices", paging_devices),
        op!("assignMultiplePagingGroupUsersDevices", paging_assign),
        op!("listCallMonitoringGroups", monitoring_list),
        op!("createCallMonitoringGroup", monitoring_create),
        op!("updateCallMonitoringGroup", monitoring_update),
        op!("deleteCallMonitoringGroup", monitoring_delete),
        op!("listCallMonitoringGroupMembers", monitoring_members),
        op!("updateCallMonitoringGroupList", monitoring_assign),
    ]
}

fn extension_uri(ctx: &Ctx<'_>, e: &Extension) -> String {
    ctx.url(&format!(
        "/restapi/v1.0/account/{}/extension/{}",
        e.account_id, e.id
    ))
}

/// Resolves an id of a request to an extension of `account` that `fits`, answering CMN-102 naming
/// `field` for any other.
fn resolve_one(
    ctx: &Ctx<'_>,
    account: i64,
    raw: &str,
    field: &str,
    fits: &impl Fn(&Extension) -> bool,
) -> Result<i64, ApiError> {
    let found = raw
        .parse::<i64>()
        .ok()
        .map(|id| ctx.store().extension(id))
        .transpose()?
        .flatten();
    match found {
        Some(e) if e.account_id == account && fits(&e) => Ok(e.id),
        _ => Err(ApiError::not_found(field)),
    }
}

/// [`resolve_one`] for every id of a list.
fn resolve(
    ctx: &Ctx<'_>,
    account: i64,
    ids: &[String],
    field: &str,
    fits: impl Fn(&Extension) -> bool,
) -> Result<Vec<i64>, ApiError> {
    ids.iter()
        .map(|raw| resolve_one(ctx, account, raw, field, &fits))
        .collect()
}

fn paging_group(ctx: &Ctx<'_>) -> Result<Extension, ApiError> {
    let account = ctx.account_id()?;
    let id: i64 = ctx
        .path("pagingOnlyGroupId")?
        .parse()
        .map_err(|_| ApiError::not_found("pagingOnlyGroupId"))?;
    match ctx.store().extension(id)? {
        Some(e) if e.account_id == account && e.kind == "PagingOnly" => Ok(e),
        _ => Err(ApiError::not_found("pagingOnlyGroupId")),
    }
}

fn paging_users(ctx: &Ctx<'_>) -> ApiResult {
    let g = paging_group(ctx)?;
    let page = page_params(ctx, 100, 1000)?;
    let all = ctx.store().paging_users(g.id)?;
    paged_with(ctx, page, all, |u| {
        Ok(json!({
            "id": u.id.to_string(),
            "uri": extension_uri(ctx, u),
            "extensionNumber": u.number,
            "name": u.name,
        }))
    })
}

fn paging_devices(ctx: &Ctx<'_>) -> ApiResult {
    let g = paging_group(ctx)?;
    let page = page_params(ctx, 100, 1000)?;
    let all = ctx.store().paging_devices(g.id)?;
    paged_with(ctx, page, all, |d| {
        Ok(json!({
            "id": d.id.to_string(),
            "uri": ctx.url(&format!("/restapi/v1.0/account/{}/device/{}", d.account_id, d.id)),
            "name": d.name,
        }))
    })
}

/// `EditPagingGroupRequest`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PagingAssign {
    #[serde(default)]
    added_user_ids: Vec<String>,
    #[serde(default)]
    removed_user_ids: Vec<String>,
    #[serde(default)]
    added_device_ids: Vec<String>,
    #[serde(default)]
    removed_device_ids: Vec<String>,
}

/// Adds and removes who may page the group and which devices ring: users must be user extensions
/// of the account, devices its desk phones (those that take pages). Nothing changes unless every
/// id is good.
fn paging_assign(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("Groups")?;
    let g = paging_group(ctx)?;
    // The body is optional in the spec: none changes nothing.
    let body: PagingAssign = if ctx.has_body() {
        ctx.json()?
    } else {
        PagingAssign::default()
    };
    let devices = |ids: &[String], field: &str| -> Result<Vec<i64>, ApiError> {
        ids.iter()
            .map(|raw| {
                let found = raw
                    .parse::<i64>()
                    .ok()
                    .map(|id| ctx.store().device(id))
                    .transpose()?
                    .flatten();
                match found {
                    Some(d) if d.account_id == g.account_id && d.kind == "HardPhone" => Ok(d.id),
                    _ => Err(ApiError::not_found(field)),
                }
            })
            .collect()
    };
    let change = PagingChange {
        add_users: resolve(
            ctx,
            g.account_id,
            &body.added_user_ids,
            "addedUserIds",
            Extension::is_user,
        )?,
        remove_users: resolve(
            ctx,
            g.account_id,
            &body.removed_user_ids,
            "removedUserIds",
            |_| true,
        )?,
        add_devices: devices(&body.added_device_ids, "addedDeviceIds")?,
        remove_devices: devices(&body.removed_device_ids, "removedDeviceIds")?,
    };
    ctx.store().change_paging_members(g.id, &change)?;
    Ok(ApiResponse::empty(http::StatusCode::OK))
}

fn monitoring_group(ctx: &Ctx<'_>) -> Result<MonitoringGroup, ApiError> {
    let account = ctx.account_id()?;
    let id: i64 = ctx
        .path("groupId")?
        .parse()
        .map_err(|_| ApiError::not_found("groupId"))?;
    match ctx.store().monitoring_group(id)? {
        Some(g) if g.account_id == account => Ok(g),
        _ => Err(ApiError::not_found("groupId")),
    }
}

/// A group as `CallMonitoringGroup`.
fn monitoring_json(ctx: &Ctx<'_>, g: &MonitoringGroup) -> Result<Value, ApiError> {
    let mut v = json!({
        "uri": ctx.url(&format!("/restapi/v1.0/account/{}/call-monitoring-groups/{}", g.account_id, g.id)),
        "id": g.id.to_string(),
        "name": g.name,
    });
    if let Some(site) = g.site_id {
        let sites = ctx.store().sites(g.account_id)?;
        if let Some(s) = sites.iter().find(|s| s.id == site) {
            v["site"] = json!({"id": s.id.to_string(), "name": s.name});
        }
    }
    Ok(v)
}

fn monitoring_list(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let page = page_params(ctx, 100, 1000)?;
    let mut all = ctx.store().monitoring_groups(account)?;
    if let Some(member) = ctx.query("memberExtensionId") {
        let id: i64 = member
            .parse()
            .map_err(|_| ApiError::invalid("memberExtensionId", "not an extension id"))?;
        let of = ctx.store().monitoring_groups_of(id)?;
        all.retain(|g| of.contains(&g.id));
    }
    let sites = ctx.query_all("siteId");
    if !sites.is_empty() {
        all.retain(|g| g.site_id.is_some_and(|s| sites.contains(&s.to_string())));
    }
    paged_with(ctx, page, all, |g| monitoring_json(ctx, g))
}

/// `CreateCallMonitoringGroupRequest`, also the body of an update.
#[derive(Debug, Deserialize)]
struct GroupBody {
    name: String,
    site: Option<SiteRef>,
}

#[derive(Debug, Deserialize)]
struct SiteRef {
    id: Option<String>,
}

fn apply_group(ctx: &Ctx<'_>, g: &mut MonitoringGroup, body: GroupBody) -> Result<(), ApiError> {
    if body.name.trim().is_empty() || body.name.chars().count() > 64 {
        return Err(ApiError::invalid("name", "1 to 64 characters"));
    }
    let clash = ctx
        .store()
        .monitoring_groups(g.account_id)?
        .into_iter()
        .any(|o| o.id != g.id && o.name.eq_ignore_ascii_case(body.name.trim()));
    if clash {
        return Err(ApiError::invalid(
            "name",
            format!(
                "a call monitoring group named {:?} exists",
                body.name.trim()
            ),
        ));
    }
    g.name = body.name.trim().to_owned();
    if let Some(raw) = body.site.and_then(|s| s.id) {
        let sites = ctx.store().sites(g.account_id)?;
        let site = sites
            .iter()
            .find(|s| s.id.to_string() == raw)
            .ok_or_else(|| ApiError::not_found("site.id"))?;
        g.site_id = Some(site.id);
    }
    Ok(())
}

fn monitoring_create(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("Groups")?;
    let account = ctx.account_id()?;
    let body: GroupBody = ctx.json()?;
    let mut g = MonitoringGroup {
        id: 0,
        account_id: account,
        name: String::new(),
        site_id: None,
    };
    apply_group(ctx, &mut g, body)?;
    let saved = ctx.store().save_monitoring_group(&g)?;
    Ok(ApiResponse::ok(&monitoring_json(ctx, &saved)?))
}

fn monitoring_update(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("Groups")?;
    let mut g = monitoring_group(ctx)?;
    let body: GroupBody = ctx.json()?;
    apply_group(ctx, &mut g, body)?;
    let saved = ctx.store().save_monitoring_group(&g)?;
    Ok(ApiResponse::ok(&monitoring_json(ctx, &saved)?))
}

fn monitoring_delete(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("Groups")?;
    let g = monitoring_group(ctx)?;
    ctx.store().delete_monitoring_group(g.id)?;
    no_content()
}

fn monitoring_members(ctx: &Ctx<'_>) -> ApiResult {
    let g = monitoring_group(ctx)?;
    let page = page_params(ctx, 100, 1000)?;
    let all = ctx.store().monitoring_members(g.id)?;
    paged_with(ctx, page, all, |m| {
        let mut permissions = Vec::new();
        if m.monitoring {
            permissions.push("Monitoring");
        }
        if m.monitored {
            permissions.push("Monitored");
        }
        Ok(json!({
            "uri": extension_uri(ctx, &m.extension),
            "id": m.extension.id.to_string(),
            "extensionNumber": m.extension.number,
            "permissions": permissions,
        }))
    })
}

/// `CallMonitoringBulkAssign`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MonitoringAssign {
    #[serde(default)]
    added_extensions: Vec<MemberBody>,
    #[serde(default)]
    updated_extensions: Vec<MemberBody>,
    #[serde(default)]
    removed_extensions: Vec<MemberBody>,
}

#[derive(Debug, Deserialize)]
struct MemberBody {
    id: Option<String>,
    #[serde(default)]
    permissions: Vec<String>,
}

/// Who can be in a monitoring group: people, and call queues (monitored as a whole).
fn can_monitor(e: &Extension) -> bool {
    e.is_user() || e.kind == "Department"
}

fn monitoring_assign(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("Groups")?;
    let g = monitoring_group(ctx)?;
    let body: MonitoringAssign = ctx.json()?;
    let with_permissions =
        |list: &[MemberBody], field: &str| -> Result<Vec<(i64, bool, bool)>, ApiError> {
            list.iter()
                .enumerate()
                .map(|(i, m)| {
                    let field = format!("{field}[{i}]");
                    let raw =
                        m.id.clone()
                            .ok_or_else(|| ApiError::missing(&format!("{field}.id")))?;
                    let id = resolve_one(
                        ctx,
                        g.account_id,
                        &raw,
                        &format!("{field}.id"),
                        &can_monitor,
                    )?;
                    let monitoring = m.permissions.iter().any(|p| p == "Monitoring");
                    let monitored = m.permissions.iter().any(|p| p == "Monitored");
                    if !monitoring && !monitored {
                        return Err(ApiError::missing(&format!("{field}.permissions")));
                    }
                    Ok((id, monitoring, monitored))
                })
                .collect()
        };
    let add = with_permissions(&body.added_extensions, "addedExtensions")?;
    let update = with_permissions(&body.updated_extensions, "updatedExtensions")?;
    let current: Vec<i64> = ctx
        .store()
        .monitoring_members(g.id)?
        .iter()
        .map(|m| m.extension.id)
        .collect();
    for (i, (id, _, _)) in update.iter().enumerate() {
        if !current.contains(id) {
            return Err(ApiError::not_found(&format!("updatedExtensions[{i}].id")));
        }
    }
    let remove_ids: Vec<String> = body
        .removed_extensions
        .iter()
        .filter_map(|m| m.id.clone())
        .collect();
    let remove = resolve(ctx, g.account_id, &remove_ids, "removedExtensions", |_| {
        true
    })?;
    ctx.store().change_monitoring_members(
        g.id,
        &MonitoringChange {
            add,
            update,
            remove,
        },
    )?;
    no_content()
}
