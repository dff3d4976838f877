//! Call queues (`Department` extensions): their settings and their members.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Entry, no_content, op, page_params, paged_with};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{Extension, ExtensionFilter, Site};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("listCallQueues", list),
        op!("readCallQueueInfo", read),
        op!("updateCallQueueInfo", update),
        op!("listCallQueueMembers", members),
        op!("assignMultipleCallQueueMembers", bulk_assign),
        op!("updateUserCallQueues", update_user_queues),
    ]
}

fn queue_json(ctx: &Ctx<'_>, q: &Extension, sites: &[Site]) -> Value {
    let mut v = json!({
        "id": q.id.to_string(),
        "uri": ctx.url(&format!("/restapi/v1.0/account/{}/call-queues/{}", q.account_id, q.id)),
        "extensionNumber": q.number,
        "name": q.name,
        "status": q.status,
    });
    if let Some(s) = q.site_id.and_then(|id| sites.iter().find(|s| s.id == id)) {
        v["site"] = json!({"id": s.id.to_string(), "name": s.name});
    }
    v
}

fn queue(ctx: &Ctx<'_>) -> Result<Extension, ApiError> {
    let account = ctx.account_id()?;
    let id: i64 = ctx
        .path("groupId")?
        .parse()
        .map_err(|_| ApiError::not_found("groupId"))?;
    match ctx.store().extension(id)? {
        Some(e) if e.account_id == account && e.kind == "Department" => Ok(e),
        _ => Err(ApiError::not_found("groupId")),
    }
}

fn list(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let page = page_params(ctx, 100, 1000)?;
    let filter = ExtensionFilter {
        account_id: Some(account),
        kinds: vec!["Department".into()],
        ..Default::default()
    };
    let mut all = ctx.store().all_extensions(&filter)?;
    if let Some(member) = ctx.query("memberExtensionId") {
        let id: i64 = member
            .parse()
            .map_err(|_| ApiError::invalid("memberExtensionId", "not an extension id"))?;
        let of = ctx.store().queues_of(id)?;
        all.retain(|q| of.contains(&q.id));
    }
    let sites = ctx.store().sites(account)?;
    paged_with(ctx, page, all, |q| Ok(queue_json(ctx, q, &sites)))
}

/// A call queue with its settings (`CallQueueDetails`).
fn details_json(ctx: &Ctx<'_>, q: &Extension) -> Result<Value, ApiError> {
    let sites = ctx.store().sites(q.account_id)?;
    let mut v = queue_json(ctx, q, &sites);
    if let Some(info) = &q.extra.queue {
        v["serviceLevelSettings"] = json!(info);
    }
    v["editableMemberStatus"] = json!(q.extra.queue_editable_member_status.unwrap_or(true));
    v["alertTimer"] = json!(q.extra.queue_alert_timer.unwrap_or(30));
    Ok(v)
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    let q = queue(ctx)?;
    Ok(ApiResponse::ok(&details_json(ctx, &q)?))
}

/// The members of `CallQueueDetailsForUpdate` that the sandbox keeps; the request was checked
/// against the spec already, so every value here is one it allows.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueueUpdate {
    name: Option<String>,
    extension_number: Option<String>,
    status: Option<String>,
    site: Option<SiteId>,
    service_level_settings: Option<ServiceLevel>,
    editable_member_status: Option<bool>,
    alert_timer: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct SiteId {
    id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceLevel {
    sla_goal: Option<i32>,
    sla_threshold_seconds: Option<i32>,
    include_abandoned_calls: Option<bool>,
    abandoned_threshold_seconds: Option<i32>,
}

/// Changes a call queue's name, number, status, site, service level and alerting; administrators
/// only. What the body leaves out stays as it was.
fn update(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("EditExtensions")?;
    let mut q = queue(ctx)?;
    let body: QueueUpdate = ctx.json()?;
    if let Some(name) = body.name {
        if name.trim().is_empty() {
            return Err(ApiError::invalid("name", "must not be empty"));
        }
        q.name = name;
    }
    if let Some(number) = &body.extension_number {
        super::extensions::set_number(ctx, &mut q, number)?;
    }
    if let Some(status) = body.status {
        q.status = status;
    }
    if let Some(site_id) = body.site.and_then(|s| s.id) {
        let sites = ctx.store().sites(q.account_id)?;
        super::extensions::set_site(&mut q, &sites, &site_id)?;
    }
    if let Some(level) = body.service_level_settings {
        let mut info = q.extra.queue.clone().unwrap_or_default();
        if let Some(v) = level.sla_goal {
            if !(0..=100).contains(&v) {
                return Err(ApiError::invalid(
                    "serviceLevelSettings.slaGoal",
                    "must be a percentage from 0 to 100",
                ));
            }
            info.sla_goal = v;
        }
        if let Some(v) = level.sla_threshold_seconds {
            info.sla_threshold_seconds = v;
        }
        if let Some(v) = level.include_abandoned_calls {
            info.include_abandoned_calls = v;
        }
        if let Some(v) = level.abandoned_threshold_seconds {
            info.abandoned_threshold_seconds = v;
        }
        q.extra.queue = Some(info);
    }
    if let Some(v) = body.editable_member_status {
        q.extra.queue_editable_member_status = Some(v);
    }
    if let Some(v) = body.alert_timer {
        q.extra.queue_alert_timer = Some(v);
    }
    let saved = ctx.store().save_extension(&q, ctx.now_ms())?;
    Ok(ApiResponse::ok(&details_json(ctx, &saved)?))
}

fn members(ctx: &Ctx<'_>) -> ApiResult {
    let q = queue(ctx)?;
    let page = page_params(ctx, 100, 1000)?;
    let all = ctx.store().queue_members(q.id)?;
    paged_with(ctx, page, all, |m| {
        Ok({
            json!({
                "id": m.id,
                "uri": ctx.url(&format!("/restapi/v1.0/account/{}/extension/{}", m.account_id, m.id)),
                "extensionNumber": m.number,
            })
        })
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkAssign {
    #[serde(default)]
    added_extension_ids: Vec<String>,
    #[serde(default)]
    removed_extension_ids: Vec<String>,
}

fn bulk_assign(ctx: &Ctx<'_>) -> ApiResult {
    let q = queue(ctx)?;
    let body: BulkAssign = ctx.json()?;
    let resolve = |list: &[String], field: &str| -> Result<Vec<i64>, ApiError> {
        list.iter()
            .map(|raw| {
                let id: i64 = raw.parse().map_err(|_| ApiError::not_found(field))?;
                match ctx.store().extension(id)? {
                    Some(e) if e.account_id == q.account_id && e.is_user() => Ok(id),
                    _ => Err(ApiError::not_found(field)),
                }
            })
            .collect()
    };
    let add = resolve(&body.added_extension_ids, "addedExtensionIds")?;
    let remove = resolve(&body.removed_extension_ids, "removedExtensionIds")?;
    ctx.store().change_queue_members(q.id, &add, &remove)?;
    no_content()
}

/// `UserCallQueues`.
#[derive(Debug, Deserialize)]
struct UserQueues {
    #[serde(default)]
    records: Vec<QueueRef>,
}

#[derive(Debug, Deserialize)]
struct QueueRef {
    id: Option<String>,
}

/// Makes the listed call queues exactly those the user is an agent of: a queue left out loses the
/// user, as RingCentral documents for this full update.
fn update_user_queues(ctx: &Ctx<'_>) -> ApiResult {
    let user = ctx.extension()?;
    ctx.require_self_or_admin(&user)?;
    if !user.is_user() {
        return Err(ApiError::invalid(
            "extensionId",
            format!(
                "an extension of type {} cannot be a call queue agent",
                user.kind
            ),
        ));
    }
    let body: UserQueues = ctx.json()?;
    let mut queues: Vec<Extension> = Vec::with_capacity(body.records.len());
    for (i, r) in body.records.iter().enumerate() {
        let field = format!("records[{i}].id");
        let q =
            r.id.as_deref()
                .and_then(|raw| raw.parse::<i64>().ok())
                .map(|id| ctx.store().extension(id))
                .transpose()?
                .flatten()
                .filter(|q| q.account_id == user.account_id && q.kind == "Department")
                .ok_or_else(|| ApiError::not_found(&field))?;
        if !queues.iter().any(|x| x.id == q.id) {
            queues.push(q);
        }
    }
    let ids: Vec<i64> = queues.iter().map(|q| q.id).collect();
    ctx.store().set_user_queues(user.id, &ids)?;
    let records: Vec<Value> = queues
        .iter()
        .map(|q| json!({"id": q.id.to_string(), "name": q.name}))
        .collect();
    Ok(ApiResponse::ok(&json!({"records": records})))
}
