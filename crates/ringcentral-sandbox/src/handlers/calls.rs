//! The call log and active calls of an extension, and of the whole account (administrators only).

use serde_json::{Value, json};

use super::{Entry, bulk, op, page_params, paged, paged_with, time};
use crate::api::{ApiError, ApiResult, Ctx};
use crate::store::{CallFilter, CallRecord};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("readUserCallLog", list),
        op!("readUserCallRecord", read),
        op!("listExtensionActiveCalls", active),
        op!("readCompanyCallLog", company_list),
        op!("readCompanyCallRecord", company_read),
        op!("listCompanyActiveCalls", company_active),
    ]
}

/// The permission RingCentral asks for the account's calls.
const COMPANY_PERMISSION: &str = "ReadCompanyCallLog";

const DAY_MS: i64 = 86_400_000;

/// A record as `CallLogRecord`; the `Detailed` view adds its legs.
pub(crate) fn record_json(ctx: &Ctx<'_>, account: i64, r: &CallRecord, detailed: bool) -> Value {
    let ext_uri = ctx.url(&format!(
        "/restapi/v1.0/account/{account}/extension/{}",
        r.extension_id
    ));
    // What the record and its one leg have in common.
    let call = json!({
        "startTime": time(r.start_ms),
        "duration": r.duration_s,
        "durationMs": r.duration_s * 1000,
        "type": r.kind,
        "direction": r.direction,
        "action": r.action,
        "result": r.result,
        "transport": r.transport,
        "from": r.from,
        "to": r.to,
        "extension": {"id": r.extension_id, "uri": ext_uri},
    });
    let mut v = call.clone();
    v["id"] = json!(r.id);
    v["uri"] = json!(format!("{ext_uri}/call-log/{}", r.id));
    v["sessionId"] = json!(r.session_id);
    v["telephonySessionId"] = json!(r.telephony_session_id);
    v["internalType"] = json!(if r.transport == "VoIP" {
        "Usual"
    } else {
        "LongDistance"
    });
    if let Some(rec) = &r.recording_id {
        v["recording"] = json!({
            "id": rec,
            "uri": ctx.url(&format!("/restapi/v1.0/account/{account}/recording/{rec}")),
            "type": "Automatic",
            "contentUri": ctx.url(&format!("/restapi/v1.0/account/{account}/recording/{rec}/content")),
        });
    }
    if detailed {
        v["lastModifiedTime"] = json!(time(r.start_ms + r.duration_s * 1000));
        let mut leg = call;
        leg["legType"] = json!(if r.direction == "Inbound" {
            "Accept"
        } else {
            "PstnToSip"
        });
        leg["master"] = json!(true);
        v["legs"] = json!([leg]);
    }
    v
}

fn filter(ctx: &Ctx<'_>, active: bool) -> Result<CallFilter, ApiError> {
    let now = ctx.now_ms();
    let (from, to) = if active {
        (None, None)
    } else {
        let to = ctx.query_time("dateTo")?.unwrap_or(now);
        let from = ctx.query_time("dateFrom")?.unwrap_or(to - DAY_MS);
        (Some(from), Some(to))
    };
    Ok(CallFilter {
        active,
        directions: ctx.query_enum("direction", &["Inbound", "Outbound"])?,
        kinds: ctx.query_enum("type", &["Voice", "Fax"])?,
        transports: ctx.query_enum("transport", &["PSTN", "VoIP"])?,
        from_ms: from,
        to_ms: to,
        session_id: ctx.query("sessionId").map(str::to_owned),
        telephony_session_id: ctx.query("telephonySessionId").map(str::to_owned),
        phone_number: ctx.query("phoneNumber").map(str::to_owned),
        extension_number: ctx.query("extensionNumber").map(str::to_owned),
        with_recording: ctx.query_bool("withRecording", false)?,
    })
}

fn view_detailed(ctx: &Ctx<'_>) -> Result<bool, ApiError> {
    Ok(ctx
        .query_enum("view", &["Simple", "Detailed"])?
        .first()
        .is_some_and(|v| v == "Detailed"))
}

fn listing(ctx: &Ctx<'_>, active: bool) -> ApiResult {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    let page = page_params(ctx, 100, 1000)?;
    let detailed = view_detailed(ctx)?;
    let f = filter(ctx, active)?;
    let all = ctx.store().calls(ext.id, &f, ctx.now_ms())?;
    paged_with(ctx, page, all, |r| {
        Ok(record_json(ctx, account, r, detailed))
    })
}

fn list(ctx: &Ctx<'_>) -> ApiResult {
    listing(ctx, false)
}

fn active(ctx: &Ctx<'_>) -> ApiResult {
    listing(ctx, true)
}

/// One call record or, with RingCentral's bulk syntax (`/call-log/a,b,c`), several.
fn read(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    let detailed = view_detailed(ctx)?;
    let find = |id: &str| -> Result<Value, ApiError> {
        let r = ctx
            .store()
            .call(ext.id, id, ctx.now_ms())?
            .ok_or_else(|| ApiError::not_found("callRecordId"))?;
        Ok(record_json(ctx, account, &r, detailed))
    };
    bulk::read(ctx, "callRecordId", find)
}

/// The account's records: paged in the store, so a page costs the same in any company.
fn company_listing(ctx: &Ctx<'_>, active: bool) -> ApiResult {
    let account = ctx.account_id()?;
    ctx.require_admin(COMPANY_PERMISSION)?;
    let page = page_params(ctx, 100, 1000)?;
    let detailed = view_detailed(ctx)?;
    let f = filter(ctx, active)?;
    let (records, total) =
        ctx.store()
            .company_calls(account, &f, page.offset(), page.per_page, ctx.now_ms())?;
    let records = records
        .iter()
        .map(|r| record_json(ctx, account, r, detailed))
        .collect();
    paged(ctx, page, total, records)
}

fn company_list(ctx: &Ctx<'_>) -> ApiResult {
    company_listing(ctx, false)
}

fn company_active(ctx: &Ctx<'_>) -> ApiResult {
    company_listing(ctx, true)
}

/// One record of the account's call log or, with the bulk syntax, several.
fn company_read(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    ctx.require_admin(COMPANY_PERMISSION)?;
    let detailed = view_detailed(ctx)?;
    let find = |id: &str| -> Result<Value, ApiError> {
        let r = ctx
            .store()
            .company_call(account, id, ctx.now_ms())?
            .ok_or_else(|| ApiError::not_found("callRecordId"))?;
        Ok(record_json(ctx, account, &r, detailed))
    };
    bulk::read(ctx, "callRecordId", find)
}
