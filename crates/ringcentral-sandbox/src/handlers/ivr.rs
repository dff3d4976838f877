//! IVR menus: the seeded auto-attendants, with their prompt and key actions.

use serde_json::{Value, json};

use super::{Entry, op};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{Extension, ExtensionFilter};

pub fn entries() -> Vec<Entry> {
    vec![
        op!(
            "readIvrMenuList",
            Get,
            "/restapi/v1.0/account/{accountId}/ivr-menus",
            Medium,
            list
        ),
        op!(
            "readIVRMenu",
            Get,
            "/restapi/v1.0/account/{accountId}/ivr-menus/{ivrMenuId}",
            Medium,
            read
        ),
    ]
}

fn menus(ctx: &Ctx<'_>, account: i64) -> Result<Vec<Extension>, ApiError> {
    let f = ExtensionFilter {
        account_id: Some(account),
        kinds: vec!["IvrMenu".into()],
        ..Default::default()
    };
    Ok(ctx.store().all_extensions(&f)?)
}

fn uri(ctx: &Ctx<'_>, m: &Extension) -> String {
    ctx.url(&format!(
        "/restapi/v1.0/account/{}/ivr-menus/{}",
        m.account_id, m.id
    ))
}

fn list(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let records: Vec<Value> = menus(ctx, account)?
        .iter()
        .map(|m| json!({"id": m.id.to_string(), "uri": uri(ctx, m), "name": m.name, "extensionNumber": m.number}))
        .collect();
    Ok(ApiResponse::ok(
        &json!({"uri": ctx.url_with(&[]), "records": records}),
    ))
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let id = ctx.path("ivrMenuId")?;
    let all = menus(ctx, account)?;
    let m = all
        .iter()
        .find(|m| m.id.to_string() == id)
        .ok_or_else(|| ApiError::not_found("ivrMenuId"))?;
    // Keys 1.. connect to the call queues in order; 0 reaches the operator.
    let queues = ctx.store().all_extensions(&ExtensionFilter {
        account_id: Some(account),
        kinds: vec!["Department".into()],
        ..Default::default()
    })?;
    let mut actions: Vec<Value> = queues
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, q)| {
            json!({
                "input": (i + 1).to_string(),
                "action": "Connect",
                "extension": {"id": q.id.to_string(), "uri": ctx.url(&format!("/restapi/v1.0/account/{account}/extension/{}", q.id)), "name": q.name},
            })
        })
        .collect();
    actions.push(json!({"input": "0", "action": "ConnectToOperator"}));
    actions.push(json!({"input": "Star", "action": "Repeat"}));
    let mut v = json!({
        "id": m.id.to_string(),
        "uri": uri(ctx, m),
        "name": m.name,
        "extensionNumber": m.number,
        "promptRepeatCount": 2,
        "prompt": {"mode": "TextToSpeech", "text": m.extra.ivr_prompt.clone().unwrap_or_default()},
        "actions": actions,
    });
    if let Some(site) = m.site_id.and_then(|s| {
        ctx.store()
            .sites(account)
            .ok()?
            .into_iter()
            .find(|x| x.id == s)
    }) {
        v["site"] = json!({"id": site.id.to_string(), "name": site.name});
    }
    Ok(ApiResponse::ok(&v))
}
