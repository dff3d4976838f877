//! Sync endpoints: a full sync (`FSync`) returns the newest records and a token; an incremental sync
//! (`ISync`) with that token returns what changed since, and a new token.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::{Entry, op, time};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{CallFilter, MessageFilter};

pub fn entries() -> Vec<Entry> {
    vec![op!("syncMessages", messages), op!("syncUserCallLog", calls)]
}

const DEFAULT_RECORDS: usize = 250;

fn token(kind: &str, ext: i64, at_ms: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{ext}:{at_ms}"))
}

/// The time a sync token was issued at, if it is one of ours for this extension and kind.
fn token_time(raw: &str, kind: &str, ext: i64) -> Result<i64, ApiError> {
    let bad = || {
        ApiError::invalid(
            "syncToken",
            "unknown or foreign sync token; start again with syncType=FSync",
        )
    };
    let text = URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let mut parts = text.splitn(3, ':');
    match (
        parts.next(),
        parts.next().and_then(|e| e.parse::<i64>().ok()),
        parts.next().and_then(|t| t.parse::<i64>().ok()),
    ) {
        (Some(k), Some(e), Some(t)) if k == kind && e == ext => Ok(t),
        _ => Err(bad()),
    }
}

enum Mode {
    Full,
    Incremental(i64),
}

fn mode(ctx: &Ctx<'_>, kind: &str, ext: i64) -> Result<Mode, ApiError> {
    match ctx
        .query_enum("syncType", &["FSync", "ISync"])?
        .first()
        .map(String::as_str)
    {
        Some("ISync") => {
            let raw = ctx
                .query("syncToken")
                .ok_or_else(|| ApiError::missing("syncToken"))?;
            Ok(Mode::Incremental(token_time(raw, kind, ext)?))
        }
        _ => Ok(Mode::Full),
    }
}

fn record_count(ctx: &Ctx<'_>) -> Result<usize, ApiError> {
    match ctx.query("recordCount") {
        None => Ok(DEFAULT_RECORDS),
        // Larger counts are cut to the maximum, as RingCentral does.
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .map(|n| n.min(DEFAULT_RECORDS))
            .ok_or_else(|| ApiError::invalid("recordCount", "must be a positive number")),
    }
}

fn messages(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    let now = ctx.now_ms();
    let mode = mode(ctx, "m", ext.id)?;
    let limit = record_count(ctx)?;
    let filter = MessageFilter {
        kinds: ctx.query_enum("messageType", &["Fax", "SMS", "VoiceMail", "Pager", "Text"])?,
        directions: ctx.query_enum("direction", &["Inbound", "Outbound"])?,
        from_ms: ctx.query_time("dateFrom")?,
        to_ms: ctx.query_time("dateTo")?,
        ..Default::default()
    };
    let mut all = ctx.store().messages(ext.id, &filter, now)?;
    let (sync_type, older) = match mode {
        Mode::Full => {
            all.retain(|m| m.availability == "Alive");
            ("FSync", all.len() > limit)
        }
        Mode::Incremental(since) => {
            all.retain(|m| m.modified_ms > since && m.modified_ms <= now);
            ("ISync", false)
        }
    };
    all.truncate(limit);
    let records: Vec<Value> = all
        .iter()
        .map(|m| super::messages::message_json(ctx, account, m))
        .collect();
    Ok(ApiResponse::ok(&json!({
        "uri": ctx.url_with(&[]),
        "records": records,
        "syncInfo": {"syncType": sync_type, "syncToken": token("m", ext.id, now), "syncTime": time(now), "olderRecordsExist": older},
    })))
}

fn calls(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    let now = ctx.now_ms();
    let mode = mode(ctx, "c", ext.id)?;
    let limit = record_count(ctx)?;
    let detailed = ctx
        .query_enum("view", &["Simple", "Detailed"])?
        .first()
        .is_some_and(|v| v == "Detailed");
    let missed_only = ctx
        .query_enum("statusGroup", &["Missed", "All"])?
        .first()
        .is_some_and(|v| v == "Missed");
    let filter = CallFilter {
        from_ms: ctx.query_time("dateFrom")?,
        with_recording: ctx.query_bool("withRecording", false)?,
        ..Default::default()
    };
    let mut all = ctx.store().calls(ext.id, &filter, now)?;
    if missed_only {
        all.retain(|r| r.result == "Missed");
    }
    let sync_type = match mode {
        Mode::Full => "FSync",
        Mode::Incremental(since) => {
            all.retain(|r| r.start_ms > since && r.start_ms <= now);
            "ISync"
        }
    };
    all.truncate(limit);
    let records: Vec<Value> = all
        .iter()
        .map(|r| super::calls::record_json(ctx, account, r, detailed))
        .collect();
    Ok(ApiResponse::ok(&json!({
        "uri": ctx.url_with(&[]),
        "records": records,
        "syncInfo": {"syncType": sync_type, "syncToken": token("c", ext.id, now), "syncTime": time(now)},
    })))
}
