//! RingOut: a call the sandbox places for a user (their phone rings first, then the number they
//! called). It progresses with the sandbox's clock, from `InProgress` to `Success`, and sits in the
//! caller's active calls until it ends, then in their call log.

use serde::Deserialize;
use serde_json::json;

use super::messages::is_phone_number;
use super::{Entry, no_content, op};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{CallRecord, Extension, Party, RingOut};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("createRingOutCall", create),
        op!("readRingOutCallStatus", read),
        op!("deleteRingOutCall", delete),
    ]
}

/// How long the caller's phone and then the called party ring before the two are connected.
pub const CONNECT_MS: i64 = 10_000;
/// How long a connected RingOut call lasts, unless it is cancelled.
pub const TALK_MS: i64 = 60_000;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Side {
    phone_number: Option<String>,
    forwarding_number_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RingOutRequest {
    #[serde(default)]
    from: Side,
    #[serde(default)]
    to: Side,
    #[serde(default)]
    caller_id: Side,
}

fn number(name: &str, value: &str) -> Result<String, ApiError> {
    if is_phone_number(value) {
        Ok(value.to_owned())
    } else {
        Err(ApiError::invalid(
            name,
            format!("{value:?} is not a phone number in E.164 format"),
        ))
    }
}

fn owner(ctx: &Ctx<'_>) -> Result<(i64, Extension), ApiError> {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    ctx.require_self_or_admin(&ext)?;
    Ok((account, ext))
}

fn ringout_json(ctx: &Ctx<'_>, account: i64, r: &RingOut) -> serde_json::Value {
    let s = r.status(ctx.now_ms());
    json!({
        "id": r.id,
        "uri": ctx.url(&format!(
            "/restapi/v1.0/account/{account}/extension/{}/ring-out/{}",
            r.extension_id, r.id
        )),
        "status": {
            "callStatus": s.call,
            "callerStatus": s.caller,
            "calleeStatus": s.callee,
        },
    })
}

fn create(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = owner(ctx)?;
    let body: RingOutRequest = ctx.json()?;
    let from = match (&body.from.phone_number, &body.from.forwarding_number_id) {
        (Some(p), _) => number("from.phoneNumber", p)?,
        (None, Some(id)) => ctx
            .store()
            .forwarding_numbers(ext.id)?
            .into_iter()
            .find(|f| f.id.to_string() == *id)
            .map(|f| f.phone_number)
            .ok_or_else(|| ApiError::not_found("from.forwardingNumberId"))?,
        (None, None) => return Err(ApiError::missing("from.phoneNumber")),
    };
    let to = match &body.to.phone_number {
        Some(p) => number("to.phoneNumber", p)?,
        None => return Err(ApiError::missing("to.phoneNumber")),
    };
    let caller_id = match &body.caller_id.phone_number {
        Some(p) => {
            let own = ctx.store().phone_numbers(account, Some(ext.id))?;
            if !own.iter().any(|n| n.phone_number == *p) {
                return Err(ApiError::invalid(
                    "callerId.phoneNumber",
                    format!("{p:?} is not a number of extension {}", ext.id),
                ));
            }
            p.clone()
        }
        // The called party sees the user's own number, else the number rung first.
        None => ctx
            .store()
            .phone_numbers(account, Some(ext.id))?
            .into_iter()
            .next()
            .map_or(from.clone(), |n| n.phone_number),
    };
    let now = ctx.now_ms();
    let key = uuid::Uuid::new_v4();
    let session = (key.as_u128() % 100_000_000_000) as i64;
    let ringout = RingOut {
        id: key.simple().to_string(),
        extension_id: ext.id,
        created_ms: now,
        connect_ms: now + CONNECT_MS,
        ends_ms: now + CONNECT_MS + TALK_MS,
        from,
        to: to.clone(),
        call_id: format!("R{}", &key.simple().to_string()[..16]),
        cancelled: false,
    };
    let record = CallRecord {
        id: ringout.call_id.clone(),
        session_id: session.to_string(),
        telephony_session_id: format!("s-{}", key.simple()),
        extension_id: ext.id,
        start_ms: now,
        duration_s: 0,
        kind: "Voice".into(),
        direction: "Outbound".into(),
        action: "RingOut Web".into(),
        result: "In Progress".into(),
        reason: None,
        transport: "PSTN".into(),
        from: Party {
            phone_number: Some(caller_id),
            extension_number: Some(ext.number.clone()),
            extension_id: Some(ext.id.to_string()),
            name: Some(ext.name.clone()),
            location: None,
        },
        to: Party {
            phone_number: Some(to),
            ..Default::default()
        },
        active: true,
        recording_id: None,
    };
    ctx.store().create_ringout(&ringout, &record)?;
    Ok(ApiResponse::ok(&ringout_json(ctx, account, &ringout)))
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = owner(ctx)?;
    let id = ctx.path("ringoutId")?;
    let r = ctx
        .store()
        .ringout(ext.id, id, ctx.now_ms())?
        .ok_or_else(|| ApiError::not_found("ringoutId"))?;
    Ok(ApiResponse::ok(&ringout_json(ctx, account, &r)))
}

/// Cancels the call: one still ringing or connected ends now; it is gone afterwards.
fn delete(ctx: &Ctx<'_>) -> ApiResult {
    let (_, ext) = owner(ctx)?;
    let id = ctx.path("ringoutId")?;
    if !ctx.store().cancel_ringout(ext.id, id, ctx.now_ms())? {
        return Err(ApiError::not_found("ringoutId"));
    }
    no_content()
}
