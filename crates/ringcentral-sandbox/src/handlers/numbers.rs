//! Phone numbers of the account and of extensions, and devices.

use serde_json::{Value, json};

use super::{Entry, id_param, op, page_params, paged_with};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{Device, Extension, PhoneNumber};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("listExtensionPhoneNumbers", list_extension_numbers),
        op!("listAccountPhoneNumbers", list_account_numbers),
        op!("readAccountPhoneNumber", read_account_number),
        op!("listExtensionDevices", list_devices),
        op!("readDevice", read_device),
    ]
}

fn number_uri(ctx: &Ctx<'_>, p: &PhoneNumber) -> String {
    ctx.url(&format!(
        "/restapi/v1.0/account/{}/phone-number/{}",
        p.account_id, p.id
    ))
}

fn common(ctx: &Ctx<'_>, p: &PhoneNumber) -> Value {
    let mut v = json!({
        "id": p.id,
        "uri": number_uri(ctx, p),
        "phoneNumber": p.phone_number,
        "paymentType": p.payment_type,
        "status": p.status,
        "type": p.kind,
        "usageType": p.usage_type,
        "primary": p.usage_type == "DirectNumber" || p.usage_type == "MainCompanyNumber",
    });
    if let Some(l) = &p.label {
        v["label"] = json!(l);
    }
    v
}

fn ext_ref(ctx: &Ctx<'_>, e: &Extension) -> Value {
    json!({
        "id": e.id,
        "uri": ctx.url(&format!("/restapi/v1.0/account/{}/extension/{}", e.account_id, e.id)),
        "extensionNumber": e.number,
    })
}

fn list_extension_numbers(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    let page = page_params(ctx, 100, 1000)?;
    let usage = ctx.query_all("usageType");
    let mut all = ctx.store().phone_numbers(account, Some(ext.id))?;
    if !usage.is_empty() {
        all.retain(|p| usage.contains(&p.usage_type));
    }
    paged_with(ctx, page, all, |p| {
        Ok({
            let mut v = common(ctx, p);
            v["features"] = json!(p.features);
            v["country"] = json!({"id": "1", "uri": ctx.url("/restapi/v1.0/dictionary/country/1"), "name": "United States"});
            let mut e = ext_ref(ctx, &ext);
            e["type"] = json!(if ext.is_user() {
                "User"
            } else {
                ext.kind.as_str()
            });
            e["name"] = json!(ext.name);
            v["extension"] = e;
            v
        })
    })
}

fn company_json(ctx: &Ctx<'_>, p: &PhoneNumber) -> Result<Value, ApiError> {
    let mut v = common(ctx, p);
    v["activationStatus"] = json!("Active");
    if let Some(eid) = p.extension_id
        && let Some(e) = ctx.store().extension(eid)?
    {
        let mut r = ext_ref(ctx, &e);
        r["name"] = json!(e.name);
        v["extension"] = r;
    }
    Ok(v)
}

fn list_account_numbers(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let page = page_params(ctx, 100, 1000)?;
    let usage = ctx.query_all("usageType");
    let status = ctx.query_all("status");
    let mut all = ctx.store().phone_numbers(account, None)?;
    all.retain(|p| {
        (usage.is_empty() || usage.contains(&p.usage_type))
            && (status.is_empty() || status.contains(&p.status))
    });
    paged_with(ctx, page, all, |p| company_json(ctx, p))
}

fn read_account_number(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let id = id_param(ctx, "phoneNumberId")?;
    let p = ctx
        .store()
        .phone_number(id)?
        .filter(|p| p.account_id == account)
        .ok_or_else(|| ApiError::not_found("phoneNumberId"))?;
    Ok(ApiResponse::ok(&company_json(ctx, &p)?))
}

fn device_json(ctx: &Ctx<'_>, d: &Device) -> Result<Value, ApiError> {
    let mut v = json!({
        "id": d.id.to_string(),
        "uri": ctx.url(&format!("/restapi/v1.0/account/{}/device/{}", d.account_id, d.id)),
        "type": d.kind,
        "name": d.name,
        "serial": d.serial,
        "status": d.status,
        "model": {"name": d.model, "features": if d.kind == "HardPhone" { json!(["BLA", "Intercom", "Paging"]) } else { json!([]) }, "lineCount": if d.kind == "HardPhone" { 4 } else { 1 }},
        "linePooling": "None",
    });
    if let Some(eid) = d.extension_id
        && let Some(e) = ctx.store().extension(eid)?
    {
        v["extension"] = ext_ref(ctx, &e);
    }
    if let Some(pid) = d.phone_number_id
        && let Some(p) = ctx.store().phone_number(pid)?
    {
        v["phoneLines"] = json!([{"lineType": "Standalone", "phoneInfo": {"id": p.id, "phoneNumber": p.phone_number, "paymentType": p.payment_type, "type": p.kind, "usageType": p.usage_type}}]);
    }
    Ok(v)
}

fn list_devices(ctx: &Ctx<'_>) -> ApiResult {
    let ext = ctx.extension()?;
    let page = page_params(ctx, 100, 1000)?;
    let all = ctx.store().devices(ext.id)?;
    paged_with(ctx, page, all, |d| device_json(ctx, d))
}

fn read_device(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let id = id_param(ctx, "deviceId")?;
    let d = ctx
        .store()
        .device(id)?
        .filter(|d| d.account_id == account)
        .ok_or_else(|| ApiError::not_found("deviceId"))?;
    Ok(ApiResponse::ok(&device_json(ctx, &d)?))
}
