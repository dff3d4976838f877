//! Answering rules (the business-hours and after-hours rules every extension has, plus custom
//! rules) and forwarding numbers of an extension.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Entry, id_param, no_content, op, page_params, paged_with};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{
    AFTER_HOURS_RULE, BUSINESS_HOURS_RULE, Extension, ForwardingNumber, default_answering_rules,
    refresh_forwarding,
};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("listAnsweringRules", list_rules),
        op!("createAnsweringRule", create_rule),
        op!("readAnsweringRule", read_rule),
        op!("updateAnsweringRule", update_rule),
        op!("deleteAnsweringRule", delete_rule),
        op!("listForwardingNumbers", list_numbers),
        op!("createForwardingNumber", create_number),
        op!("deleteForwardingNumbers", delete_numbers),
        op!("readForwardingNumber", read_number),
        op!("updateForwardingNumber", update_number),
        op!("deleteForwardingNumber", delete_number),
    ]
}

const BUSINESS: &str = BUSINESS_HOURS_RULE;
const AFTER: &str = AFTER_HOURS_RULE;
const ACTIONS: &[&str] = &[
    "ForwardCalls",
    "UnconditionalForwarding",
    "AgentQueue",
    "TransferToExtension",
    "TakeMessagesOnly",
    "PlayAnnouncementOnly",
    "SharedLines",
];

/// Every rule of the extension: defaults (as stored, if changed) first, then custom rules.
fn all_rules(ctx: &Ctx<'_>, ext: &Extension) -> Result<Vec<(String, Value)>, ApiError> {
    let stored = ctx.store().answering_rules(ext.id)?;
    let numbers = ctx.store().forwarding_numbers(ext.id)?;
    let mut out = Vec::new();
    for (id, rule) in default_answering_rules(ext.id, &numbers) {
        out.push(
            stored
                .iter()
                .find(|(s, _)| s == &id)
                .cloned()
                .unwrap_or((id, rule)),
        );
    }
    out.extend(
        stored
            .into_iter()
            .filter(|(id, _)| id != BUSINESS && id != AFTER),
    );
    for (_, rule) in &mut out {
        refresh_forwarding(rule, &numbers);
    }
    Ok(out)
}

fn rule_json(ctx: &Ctx<'_>, account: i64, ext: &Extension, rule: &Value, detailed: bool) -> Value {
    let id = rule["id"].as_str().unwrap_or_default();
    let uri = ctx.url(&format!(
        "/restapi/v1.0/account/{account}/extension/{}/answering-rule/{id}",
        ext.id
    ));
    let mut v = if detailed {
        rule.clone()
    } else {
        json!({"id": id, "type": rule["type"], "enabled": rule["enabled"]})
    };
    if let Some(name) = rule.get("name") {
        v["name"] = name.clone();
    }
    if let Some(t) = v.pointer_mut("/transfer/extension")
        && let Some(tid) = t["id"].as_str().map(str::to_owned)
    {
        t["uri"] = json!(ctx.url(&format!("/restapi/v1.0/account/{account}/extension/{tid}")));
    }
    if let Some(r) = v.pointer_mut("/voicemail/recipient")
        && let Some(rid) = r["id"].as_str().map(str::to_owned)
    {
        r["uri"] = json!(ctx.url(&format!("/restapi/v1.0/account/{account}/extension/{rid}")));
    }
    v["uri"] = json!(uri);
    v
}

fn owner(ctx: &Ctx<'_>) -> Result<(i64, Extension), ApiError> {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    Ok((account, ext))
}

fn list_rules(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = owner(ctx)?;
    let page = page_params(ctx, 100, 1000)?;
    let types = ctx.query_enum("type", &["BusinessHours", "AfterHours", "Custom"])?;
    let detailed = ctx
        .query_enum("view", &["Detailed", "Simple"])?
        .first()
        .is_some_and(|v| v == "Detailed");
    let enabled_only = ctx.query_bool("enabledOnly", false)?;
    let mut all = all_rules(ctx, &ext)?;
    all.retain(|(_, r)| {
        (types.is_empty()
            || r["type"]
                .as_str()
                .is_some_and(|t| types.iter().any(|x| x == t)))
            && (!enabled_only || r["enabled"] == json!(true))
    });
    paged_with(ctx, page, all, |(_, r)| {
        Ok(rule_json(ctx, account, &ext, r, detailed))
    })
}

fn find_rule(ctx: &Ctx<'_>) -> Result<(i64, Extension, String, Value), ApiError> {
    let (account, ext) = owner(ctx)?;
    let id = ctx.path("ruleId")?.to_owned();
    let (_, rule) = all_rules(ctx, &ext)?
        .into_iter()
        .find(|(r, _)| *r == id)
        .ok_or_else(|| ApiError::not_found("ruleId"))?;
    Ok((account, ext, id, rule))
}

fn read_rule(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext, _, rule) = find_rule(ctx)?;
    Ok(ApiResponse::ok(&rule_json(ctx, account, &ext, &rule, true)))
}

/// Validates and applies the writable fields of a rule body.
fn apply_rule(
    ctx: &Ctx<'_>,
    account: i64,
    ext: &Extension,
    rule: &mut Value,
    body: &Value,
) -> Result<(), ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(ApiError::invalid("body", "expected a JSON object"));
    };
    for (k, v) in obj {
        match k.as_str() {
            "id" | "type" | "uri" => {}
            "enabled" => {
                v.as_bool()
                    .ok_or_else(|| ApiError::invalid("enabled", "expected true or false"))?;
            }
            "name" => {
                let n = v
                    .as_str()
                    .ok_or_else(|| ApiError::invalid("name", "expected a string"))?;
                if n.trim().is_empty() || n.chars().count() > 64 {
                    return Err(ApiError::invalid("name", "1 to 64 characters"));
                }
            }
            "callHandlingAction" => {
                let a = v.as_str().unwrap_or_default();
                if !ACTIONS.contains(&a) {
                    return Err(ApiError::invalid(
                        "callHandlingAction",
                        format!("must be one of {}", ACTIONS.join(", ")),
                    ));
                }
            }
            "transfer" => {
                let target = v
                    .pointer("/extension/id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| ApiError::missing("transfer.extension.id"))?;
                check_extension(ctx, account, target, "transfer.extension.id")?;
            }
            "voicemail" => {
                if !v.is_object() {
                    return Err(ApiError::invalid(k, "expected an object"));
                }
                // Messages can be left in a colleague's mailbox: the recipient must be one.
                if let Some(target) = v.pointer("/recipient/id") {
                    let target = target.as_str().unwrap_or_default();
                    check_extension(ctx, account, target, "voicemail.recipient.id")?;
                }
            }
            "forwarding" => {
                if !v.is_object() {
                    return Err(ApiError::invalid(k, "expected an object"));
                }
                check_forwarding(ctx, ext, v)?;
            }
            "callers"
            | "calledNumbers"
            | "schedule"
            | "unconditionalForwarding"
            | "greetings"
            | "screening"
            | "queue"
            | "sharedLines"
            | "missedCall" => {
                if !(v.is_object() || v.is_array()) {
                    return Err(ApiError::invalid(k, "expected an object or an array"));
                }
            }
            // Other properties are ignored, as RingCentral does.
            _ => continue,
        }
        if !["id", "type", "uri"].contains(&k.as_str()) {
            rule[k.as_str()] = v.clone();
        }
    }
    Ok(())
}

/// A rule rings forwarding numbers of its own extension, named by id.
fn check_forwarding(ctx: &Ctx<'_>, ext: &Extension, forwarding: &Value) -> Result<(), ApiError> {
    let numbers = ctx.store().forwarding_numbers(ext.id)?;
    let rules = forwarding["rules"].as_array().into_iter().flatten();
    for (i, r) in rules.enumerate() {
        let entries = r["forwardingNumbers"].as_array().into_iter().flatten();
        for (j, n) in entries.enumerate() {
            if let Some(id) = n.get("id").and_then(Value::as_str)
                && !numbers.iter().any(|f| f.id.to_string() == id)
            {
                return Err(ApiError::not_found(&format!(
                    "forwarding.rules[{i}].forwardingNumbers[{j}].id"
                )));
            }
        }
    }
    Ok(())
}

/// Refuses an extension id that names no extension of the account.
fn check_extension(ctx: &Ctx<'_>, account: i64, raw: &str, field: &str) -> Result<(), ApiError> {
    let found = raw
        .parse::<i64>()
        .ok()
        .map(|id| ctx.store().extension(id))
        .transpose()?
        .flatten();
    if found.is_none_or(|e| e.account_id != account) {
        return Err(ApiError::not_found(field));
    }
    Ok(())
}

fn create_rule(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = owner(ctx)?;
    ctx.require_self_or_admin(&ext)?;
    let body: Value = ctx.json()?;
    if body.get("type").and_then(Value::as_str) != Some("Custom") {
        return Err(ApiError::invalid(
            "type",
            "only Custom rules can be created",
        ));
    }
    if body.get("name").and_then(Value::as_str).is_none() {
        return Err(ApiError::missing("name"));
    }
    let id = ctx.store().fresh_id()?.to_string();
    let mut rule = json!({"id": id, "type": "Custom", "enabled": true});
    apply_rule(ctx, account, &ext, &mut rule, &body)?;
    ctx.store().save_answering_rule(ext.id, &id, &rule)?;
    Ok(ApiResponse::ok(&rule_json(ctx, account, &ext, &rule, true)))
}

fn update_rule(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext, id, mut rule) = find_rule(ctx)?;
    ctx.require_self_or_admin(&ext)?;
    let body: Value = ctx.json()?;
    apply_rule(ctx, account, &ext, &mut rule, &body)?;
    ctx.store().save_answering_rule(ext.id, &id, &rule)?;
    Ok(ApiResponse::ok(&rule_json(ctx, account, &ext, &rule, true)))
}

fn delete_rule(ctx: &Ctx<'_>) -> ApiResult {
    let (_, ext, id, _) = find_rule(ctx)?;
    ctx.require_self_or_admin(&ext)?;
    if id == BUSINESS || id == AFTER {
        return Err(ApiError::invalid(
            "ruleId",
            "the business-hours and after-hours rules cannot be deleted",
        ));
    }
    ctx.store().delete_answering_rule(ext.id, &id)?;
    no_content()
}

fn number_json(ctx: &Ctx<'_>, account: i64, f: &ForwardingNumber) -> Value {
    let mut v = json!({
        "id": f.id.to_string(),
        "uri": ctx.url(&format!("/restapi/v1.0/account/{account}/extension/{}/forwarding-number/{}", f.extension_id, f.id)),
        "phoneNumber": f.phone_number,
        "label": f.label,
        "type": f.kind,
        "features": f.features,
    });
    if let Some(flip) = f.flip_number {
        v["flipNumber"] = json!(flip.to_string());
    }
    if let Some(device) = f.device_id {
        v["device"] = json!({"id": device.to_string()});
    }
    v
}

fn list_numbers(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = owner(ctx)?;
    let page = page_params(ctx, 100, 1000)?;
    let all = ctx.store().forwarding_numbers(ext.id)?;
    paged_with(ctx, page, all, |f| Ok(number_json(ctx, account, f)))
}

fn find_number(ctx: &Ctx<'_>) -> Result<(i64, Extension, ForwardingNumber), ApiError> {
    let (account, ext) = owner(ctx)?;
    let id = id_param(ctx, "forwardingNumberId")?;
    let f = ctx
        .store()
        .forwarding_numbers(ext.id)?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| ApiError::not_found("forwardingNumberId"))?;
    Ok((account, ext, f))
}

fn read_number(ctx: &Ctx<'_>) -> ApiResult {
    let (account, _, f) = find_number(ctx)?;
    Ok(ApiResponse::ok(&number_json(ctx, account, &f)))
}

/// The members of `CreateForwardingNumberRequest` and `UpdateForwardingNumberRequest`; the request
/// was checked against its schema already (type, label length, flip number's type).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NumberBody {
    phone_number: Option<String>,
    label: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    /// An integer when creating, a string when updating.
    flip_number: Option<Value>,
    device: Option<DeviceRef>,
}

#[derive(Debug, Deserialize)]
struct DeviceRef {
    id: Option<String>,
}

fn is_phone_number(p: &str) -> bool {
    let digits = p.strip_prefix('+').unwrap_or(p);
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn apply_number(ctx: &Ctx<'_>, f: &mut ForwardingNumber, body: NumberBody) -> Result<(), ApiError> {
    if let Some(p) = body.phone_number {
        if !is_phone_number(&p) {
            return Err(ApiError::invalid(
                "phoneNumber",
                format!("{p:?} is not a phone number in E.164 format"),
            ));
        }
        if ctx
            .store()
            .forwarding_numbers(f.extension_id)?
            .iter()
            .any(|o| o.phone_number == p && o.id != f.id)
        {
            return Err(ApiError::invalid(
                "phoneNumber",
                "this number is already a forwarding number of the extension",
            ));
        }
        f.target_extension_id = ctx
            .store()
            .phone_number_by_value(&p)?
            .and_then(|n| n.extension_id);
        f.phone_number = p;
        f.device_id = None;
    }
    if let Some(t) = body.kind {
        f.kind = t;
    }
    if let Some(l) = body.label {
        f.label = l;
    }
    if let Some(flip) = body.flip_number {
        let n = match &flip {
            Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
        .ok_or_else(|| ApiError::invalid("flipNumber", "must be a whole number"))?;
        f.flip_number = Some(n);
        if !f.features.iter().any(|x| x == "CallFlip") {
            f.features.insert(0, "CallFlip".into());
        }
    }
    Ok(())
}

/// A `PhoneLine` forwarding number names a device of the account rather than a number (the spec:
/// applicable to that type only, and not together with `phoneNumber`).
fn apply_device(
    ctx: &Ctx<'_>,
    account: i64,
    f: &mut ForwardingNumber,
    device: &str,
) -> Result<(), ApiError> {
    let found = device
        .parse::<i64>()
        .ok()
        .map(|id| ctx.store().device(id))
        .transpose()?
        .flatten()
        .filter(|d| d.account_id == account)
        .ok_or_else(|| ApiError::not_found("device.id"))?;
    if f.kind != "PhoneLine" {
        return Err(ApiError::invalid(
            "device",
            "a device is forwarded to with type PhoneLine only",
        ));
    }
    let number = found
        .phone_number_id
        .map(|id| ctx.store().phone_number(id))
        .transpose()?
        .flatten();
    f.phone_number = number.map(|n| n.phone_number).unwrap_or_default();
    f.target_extension_id = found.extension_id;
    f.device_id = Some(found.id);
    Ok(())
}

fn create_number(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext) = owner(ctx)?;
    ctx.require_self_or_admin(&ext)?;
    let mut body: NumberBody = ctx.json()?;
    let device = body.device.take().and_then(|d| d.id);
    // Somewhere to forward to: a number, or (for a phone line) a device, not both.
    match (&body.phone_number, &device) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "device",
                "give either phoneNumber or device, not both",
            ));
        }
        (None, None) => return Err(ApiError::missing("phoneNumber")),
        _ => {}
    }
    let mut f = ForwardingNumber {
        id: 0,
        extension_id: ext.id,
        phone_number: String::new(),
        label: String::new(),
        kind: if device.is_some() {
            "PhoneLine"
        } else {
            "Other"
        }
        .into(),
        features: vec!["CallForwarding".into()],
        flip_number: None,
        target_extension_id: None,
        device_id: None,
    };
    apply_number(ctx, &mut f, body)?;
    if let Some(device) = device {
        apply_device(ctx, account, &mut f, &device)?;
    }
    if f.label.is_empty() {
        f.label = format!("My {}", f.kind);
    }
    let saved = ctx.store().save_forwarding_number(&f)?;
    Ok(ApiResponse::ok(&number_json(ctx, account, &saved)))
}

fn update_number(ctx: &Ctx<'_>) -> ApiResult {
    let (account, ext, mut f) = find_number(ctx)?;
    ctx.require_self_or_admin(&ext)?;
    let body: NumberBody = ctx.json()?;
    apply_number(ctx, &mut f, body)?;
    let saved = ctx.store().save_forwarding_number(&f)?;
    Ok(ApiResponse::ok(&number_json(ctx, account, &saved)))
}

fn delete_number(ctx: &Ctx<'_>) -> ApiResult {
    let (_, ext, f) = find_number(ctx)?;
    ctx.require_self_or_admin(&ext)?;
    ctx.store().delete_forwarding_numbers(ext.id, &[f.id])?;
    no_content()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdRecord {
    id: Option<String>,
    forwarding_number_id: Option<String>,
}

/// `DeleteForwardingNumbersRequest`: the spec makes `records` optional; without it nothing is
/// deleted.
#[derive(Debug, Deserialize)]
struct BulkDelete {
    #[serde(default)]
    records: Vec<IdRecord>,
}

fn delete_numbers(ctx: &Ctx<'_>) -> ApiResult {
    let (_, ext) = owner(ctx)?;
    ctx.require_self_or_admin(&ext)?;
    let body: BulkDelete = ctx.json()?;
    let existing: Vec<i64> = ctx
        .store()
        .forwarding_numbers(ext.id)?
        .iter()
        .map(|f| f.id)
        .collect();
    let mut ids = Vec::new();
    for (i, r) in body.records.iter().enumerate() {
        let raw = r
            .forwarding_number_id
            .as_deref()
            .or(r.id.as_deref())
            .unwrap_or_default();
        match raw.parse::<i64>() {
            Ok(id) if existing.contains(&id) => ids.push(id),
            _ => {
                return Err(ApiError::not_found(&format!(
                    "records[{i}].forwardingNumberId"
                )));
            }
        }
    }
    ctx.store().delete_forwarding_numbers(ext.id, &ids)?;
    no_content()
}
