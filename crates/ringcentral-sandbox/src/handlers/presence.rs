//! Presence of an extension, and of every user of the account: derived from status and active
//! calls, changed by PUT.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Entry, op, page_params, paged};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{CallFilter, Extension, ExtensionFilter, Presence, USER_EXTENSION_TYPES};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("readUserPresenceStatus", read),
        op!("readAccountPresence", account),
        op!("updateUserPresenceStatus", update),
    ]
}

/// Do Not Disturb states that only members of a call queue (Department) may set; the spec says an
/// outsider gets 400.
const DEPARTMENT_DND: &[&str] = &["DoNotAcceptDepartmentCalls", "TakeDepartmentCallsOnly"];

/// The stored presence, or the one an extension starts with.
fn current(ctx: &Ctx<'_>, ext: &Extension) -> Result<Presence, ApiError> {
    let mut p = match ctx.store().stored_presence(ext.id)? {
        Some(p) => p,
        None => Presence {
            user_status: if ext.status == "Enabled" {
                "Available".into()
            } else {
                "Offline".into()
            },
            dnd_status: "TakeAllCalls".into(),
            telephony_status: "NoCall".into(),
            message: None,
            allow_see_my_presence: true,
            ring_on_monitored_call: false,
            pick_up_calls_on_hold: false,
            accept_call_queue_calls: true,
            dnd_status_personal: None,
            caller_id_visibility: None,
        },
    };
    // The phone's state follows the extension's active calls.
    let active = ctx.store().calls(
        ext.id,
        &CallFilter {
            active: true,
            ..Default::default()
        },
        ctx.now_ms(),
    )?;
    p.telephony_status = if active.is_empty() {
        "NoCall".into()
    } else {
        "CallConnected".into()
    };
    Ok(p)
}

fn presence_json(ctx: &Ctx<'_>, account: i64, ext: &Extension, p: &Presence) -> Value {
    let ext_uri = ctx.url(&format!(
        "/restapi/v1.0/account/{account}/extension/{}",
        ext.id
    ));
    let mut v = json!({
        "uri": format!("{ext_uri}/presence"),
        "extension": {"id": ext.id, "uri": ext_uri, "extensionNumber": ext.number},
        "presenceStatus": p.presence_status(),
        "userStatus": p.user_status,
        "dndStatus": p.dnd_status,
        "telephonyStatus": p.telephony_status,
        "allowSeeMyPresence": p.allow_see_my_presence,
        "ringOnMonitoredCall": p.ring_on_monitored_call,
        "pickUpCallsOnHold": p.pick_up_calls_on_hold,
        "acceptCallQueueCalls": p.accept_call_queue_calls,
        "meetingStatus": "Disconnected",
    });
    if let Some(m) = &p.message {
        v["message"] = json!(m);
    }
    if let Some(d) = &p.dnd_status_personal {
        v["dndStatusPersonal"] = json!(d);
    }
    if let Some(c) = &p.caller_id_visibility {
        v["callerIdVisibility"] = json!(c);
    }
    v
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    let p = current(ctx, &ext)?;
    Ok(ApiResponse::ok(&presence_json(ctx, account, &ext, &p)))
}

/// The presence of every user of the account, a page at a time.
fn account(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let page = page_params(ctx, 100, 1000)?;
    let filter = ExtensionFilter {
        account_id: Some(account),
        kinds: USER_EXTENSION_TYPES
            .iter()
            .map(|t| (*t).to_owned())
            .collect(),
        ..Default::default()
    };
    let (users, total) = ctx
        .store()
        .extensions(&filter, page.offset(), page.per_page)?;
    let records = users
        .iter()
        .map(|ext| Ok(presence_json(ctx, account, ext, &current(ctx, ext)?)))
        .collect::<Result<_, ApiError>>()?;
    paged(ctx, page, total, records)
}

/// The members of `PresenceInfoRequest`; the request was checked against it already, so every
/// value here is one the spec allows.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PresenceUpdate {
    user_status: Option<String>,
    dnd_status: Option<String>,
    dnd_status_personal: Option<String>,
    caller_id_visibility: Option<String>,
    message: Option<String>,
    allow_see_my_presence: Option<bool>,
    ring_on_monitored_call: Option<bool>,
    pick_up_calls_on_hold: Option<bool>,
    accept_call_queue_calls: Option<bool>,
}

fn update(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    ctx.require_self_or_admin(&ext)?;
    let body: PresenceUpdate = ctx.json()?;
    let mut p = current(ctx, &ext)?;
    if let Some(s) = body.user_status {
        p.user_status = s;
    }
    if let Some(s) = body.dnd_status {
        if DEPARTMENT_DND.contains(&s.as_str()) && ctx.store().queues_of(ext.id)?.is_empty() {
            return Err(ApiError::invalid(
                "dndStatus",
                format!("{s} applies to call queue members only"),
            ));
        }
        p.dnd_status = s;
    }
    if let Some(s) = body.dnd_status_personal {
        p.dnd_status_personal = Some(s);
    }
    if let Some(s) = body.caller_id_visibility {
        p.caller_id_visibility = Some(s);
    }
    if let Some(m) = body.message {
        p.message = (!m.is_empty()).then_some(m);
    }
    if let Some(b) = body.allow_see_my_presence {
        p.allow_see_my_presence = b;
    }
    if let Some(b) = body.ring_on_monitored_call {
        p.ring_on_monitored_call = b;
    }
    if let Some(b) = body.pick_up_calls_on_hold {
        p.pick_up_calls_on_hold = b;
    }
    if let Some(b) = body.accept_call_queue_calls {
        p.accept_call_queue_calls = b;
    }
    ctx.store().save_presence(ext.id, &p)?;
    let body = presence_json(ctx, account, &ext, &p);
    let mut event = json!({"extensionId": ext.id.to_string(), "ownerId": ext.id.to_string()});
    for k in [
        "telephonyStatus",
        "presenceStatus",
        "userStatus",
        "dndStatus",
        "allowSeeMyPresence",
        "ringOnMonitoredCall",
        "pickUpCallsOnHold",
        "meetingStatus",
    ] {
        event[k] = body[k].clone();
    }
    crate::notify::publish(
        ctx.state,
        vec![crate::notify::Event {
            path: format!(
                "/restapi/v1.0/account/{account}/extension/{}/presence",
                ext.id
            ),
            query: vec![("detailedTelephonyState", "true".to_owned())],
            owner_id: ext.id,
            body: event,
        }],
    );
    Ok(ApiResponse::ok(&body))
}
