//! The account itself.

use serde_json::json;

use super::{Entry, op, time};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};

pub fn entries() -> Vec<Entry> {
    vec![op!("readAccountInfo", read)]
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    let id = ctx.account_id()?;
    let account = ctx
        .store()
        .account(id)?
        .ok_or_else(|| ApiError::not_found("accountId"))?;
    let meta = ctx.store().meta();
    let operator = ctx.store().extension(meta.admin_id)?;
    let mut body = json!({
        "id": account.id,
        "uri": ctx.url(&format!("/restapi/v1.0/account/{}", account.id)),
        "mainNumber": account.main_number,
        "status": "Confirmed",
        "setupWizardState": "Completed",
        "federated": true,
        "outboundCallPrefix": 9,
        "serviceInfo": {
            "uri": ctx.url(&format!("/restapi/v1.0/account/{}/service-info", account.id)),
            "brand": {"id": "1210", "name": "RingCentral", "homeCountry": {"id": "1", "name": "United States", "isoCode": "US", "callingCode": "1"}},
            "servicePlan": {"id": "8746", "name": "RingEX Advanced", "edition": "Enterprise"},
            "billingPlan": {"id": "1", "name": "Monthly", "durationUnit": "Month", "duration": 1, "type": "Regular"},
            "contractedCountry": {"id": "1", "name": "United States", "isoCode": "US", "callingCode": "1"},
        },
        "signupInfo": {"tosAccepted": true, "signupState": ["AccountConfirmed"], "creationTime": time(account.created_ms)},
        "regionalSettings": super::extensions::regional_settings(ctx),
        "limits": {"freeSoftPhoneLinesPerExtension": 1, "meetingSize": 200, "maxMonitoredExtensionsPerUser": 100, "maxExtensionNumberLength": 8, "siteCodeLength": 2, "shortExtensionNumberLength": 4},
    });
    body["regionalSettings"]["currency"] =
        json!({"id": 1, "code": "USD", "name": "US Dollar", "symbol": "$", "minorSymbol": "c"});
    if let Some(op) = operator {
        body["operator"] = json!({
            "id": op.id,
            "uri": ctx.url(&format!("/restapi/v1.0/account/{}/extension/{}", account.id, op.id)),
            "extensionNumber": op.number,
        });
    }
    Ok(ApiResponse::ok(&body))
}
