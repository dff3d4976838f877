//! IVR menus (auto-attendants: a prompt and what each key does) and the IVR settings of a site,
//! kept so that keys connecting callers to a person can be found and moved to someone else.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Entry, op};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{Extension, ExtensionFilter, IvrAction, SiteIvr};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("readIvrMenuList", list),
        op!("createIVRMenu", create),
        op!("readIVRMenu", read),
        op!("updateIVRMenu", update),
        op!("readSiteIvrSettings", read_site),
        op!("updateSiteIvrSettings", update_site),
    ]
}

/// Actions that need an extension to go to, and those that need a number.
const TO_EXTENSION: &[&str] = &["Connect", "Voicemail"];
const TO_NUMBER: &[&str] = &["Transfer", "TransferToContactCenterNumber"];

fn menus(ctx: &Ctx<'_>, account: i64) -> Result<Vec<Extension>, ApiError> {
    let f = ExtensionFilter {
        account_id: Some(account),
        kinds: vec!["IvrMenu".into()],
        ..Default::default()
    };
    Ok(ctx.store().all_extensions(&f)?)
}

fn menu(ctx: &Ctx<'_>) -> Result<Extension, ApiError> {
    let account = ctx.account_id()?;
    let id: i64 = ctx
        .path("ivrMenuId")?
        .parse()
        .map_err(|_| ApiError::not_found("ivrMenuId"))?;
    match ctx.store().extension(id)? {
        Some(m) if m.account_id == account && m.kind == "IvrMenu" => Ok(m),
        _ => Err(ApiError::not_found("ivrMenuId")),
    }
}

fn uri(ctx: &Ctx<'_>, m: &Extension) -> String {
    ctx.url(&format!(
        "/restapi/v1.0/account/{}/ivr-menus/{}",
        m.account_id, m.id
    ))
}

/// A key as `IvrMenuActionsInfo` (and `SiteIvrActions`). A key whose extension was deleted keeps
/// naming it, with the name it had.
pub(crate) fn action_json(ctx: &Ctx<'_>, account: i64, a: &IvrAction) -> Result<Value, ApiError> {
    let mut v = json!({"input": a.input, "action": a.action});
    if let Some(id) = a.extension_id {
        let name = match ctx.store().extension(id)? {
            Some(e) => Some(e.name),
            None => a.extension_name.clone(),
        };
        let mut e = json!({
            "id": id.to_string(),
            "uri": ctx.url(&format!("/restapi/v1.0/account/{account}/extension/{id}")),
        });
        if let Some(name) = name {
            e["name"] = json!(name);
        }
        v["extension"] = e;
    }
    if let Some(p) = &a.phone_number {
        v["phoneNumber"] = json!(p);
    }
    Ok(v)
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

/// A menu as `IvrMenuInfo`.
fn menu_json(ctx: &Ctx<'_>, m: &Extension) -> Result<Value, ApiError> {
    let actions = m
        .extra
        .ivr_actions
        .iter()
        .map(|a| action_json(ctx, m.account_id, a))
        .collect::<Result<Vec<_>, _>>()?;
    let prompt = m.extra.ivr_prompt_info.clone().unwrap_or_else(
        || json!({"mode": "TextToSpeech", "text": m.extra.ivr_prompt.clone().unwrap_or_default()}),
    );
    let mut v = json!({
        "id": m.id.to_string(),
        "uri": uri(ctx, m),
        "name": m.name,
        "extensionNumber": m.number,
        "promptRepeatCount": m.extra.ivr_prompt_repeat_count.unwrap_or(1),
        "prompt": prompt,
        "actions": actions,
    });
    if let Some(site) = m.site_id {
        let sites = ctx.store().sites(m.account_id)?;
        if let Some(s) = sites.iter().find(|s| s.id == site) {
            v["site"] = json!({"id": s.id.to_string(), "name": s.name});
        }
    }
    Ok(v)
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    let m = menu(ctx)?;
    Ok(ApiResponse::ok(&menu_json(ctx, &m)?))
}

/// `IvrMenuInfoRequest` (with `promptRepeatCount`); the request was checked against the spec, so
/// enums and types are ones it allows.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MenuBody {
    name: Option<String>,
    extension_number: Option<String>,
    site: Option<IdRef>,
    prompt: Option<Value>,
    prompt_repeat_count: Option<i64>,
    actions: Option<Vec<ActionBody>>,
}

#[derive(Debug, Deserialize)]
struct IdRef {
    id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActionBody {
    input: Option<String>,
    action: Option<String>,
    extension: Option<IdRef>,
    phone_number: Option<String>,
}

/// Checks the keys of a request: each key once, with the extension or number its action needs;
/// an extension must be one of the account (a mailbox, for `Voicemail`).
fn parse_actions(
    ctx: &Ctx<'_>,
    account: i64,
    body: Vec<ActionBody>,
) -> Result<Vec<IvrAction>, ApiError> {
    let mut out: Vec<IvrAction> = Vec::with_capacity(body.len());
    for (i, a) in body.into_iter().enumerate() {
        let field = |f: &str| format!("actions[{i}].{f}");
        let input = a.input.ok_or_else(|| ApiError::missing(&field("input")))?;
        let action = a
            .action
            .ok_or_else(|| ApiError::missing(&field("action")))?;
        if out.iter().any(|o| o.input == input) {
            return Err(ApiError::invalid(
                &field("input"),
                format!("key {input} is given more than once"),
            ));
        }
        let mut parsed = IvrAction {
            input,
            action,
            ..Default::default()
        };
        if TO_EXTENSION.contains(&parsed.action.as_str()) {
            let raw = a
                .extension
                .and_then(|e| e.id)
                .ok_or_else(|| ApiError::missing(&field("extension.id")))?;
            let target = raw
                .parse::<i64>()
                .ok()
                .map(|id| ctx.store().extension(id))
                .transpose()?
                .flatten()
                .filter(|e| e.account_id == account)
                .filter(|e| parsed.action != "Voicemail" || e.is_user())
                .ok_or_else(|| ApiError::not_found(&field("extension.id")))?;
            parsed.extension_id = Some(target.id);
            parsed.extension_name = Some(target.name);
        }
        if TO_NUMBER.contains(&parsed.action.as_str()) {
            let number = a
                .phone_number
                .ok_or_else(|| ApiError::missing(&field("phoneNumber")))?;
            parsed.phone_number = Some(number);
        }
        out.push(parsed);
    }
    Ok(out)
}

/// A prompt is read aloud from its text, or played from an audio prompt.
fn check_prompt(prompt: &Value) -> Result<(), ApiError> {
    match prompt["mode"].as_str() {
        Some("Audio")
            if prompt
                .pointer("/audio/id")
                .and_then(Value::as_str)
                .is_none() =>
        {
            Err(ApiError::missing("prompt.audio.id"))
        }
        Some("TextToSpeech") if prompt["text"].as_str().is_none_or(|t| t.trim().is_empty()) => {
            Err(ApiError::missing("prompt.text"))
        }
        _ => Ok(()),
    }
}

/// Applies what the body sets; what it leaves out stays as it was.
fn apply_menu(ctx: &Ctx<'_>, m: &mut Extension, body: MenuBody) -> Result<(), ApiError> {
    if let Some(name) = body.name {
        if name.trim().is_empty() || name.chars().count() > 64 {
            return Err(ApiError::invalid("name", "1 to 64 characters"));
        }
        m.name = name;
    }
    if let Some(number) = &body.extension_number {
        super::extensions::set_number(ctx, m, number)?;
    }
    if let Some(site_id) = body.site.and_then(|s| s.id) {
        let sites = ctx.store().sites(m.account_id)?;
        super::extensions::set_site(m, &sites, &site_id)?;
    }
    if let Some(prompt) = body.prompt {
        check_prompt(&prompt)?;
        if let Some(text) = prompt["text"].as_str() {
            m.extra.ivr_prompt = Some(text.to_owned());
        }
        m.extra.ivr_prompt_info = Some(prompt);
    }
    if let Some(n) = body.prompt_repeat_count {
        m.extra.ivr_prompt_repeat_count = Some(n);
    }
    if let Some(actions) = body.actions {
        m.extra.ivr_actions = parse_actions(ctx, m.account_id, actions)?;
    }
    Ok(())
}

fn create(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("AutoReceptionist")?;
    let account = ctx.account_id()?;
    let body: MenuBody = ctx.json()?;
    if body.name.is_none() {
        return Err(ApiError::missing("name"));
    }
    let mut m = Extension::new(account, "IvrMenu", "Enabled", "", ctx.now_ms());
    apply_menu(ctx, &mut m, body)?;
    let saved = ctx.store().insert_extension(&m, ctx.now_ms())?;
    Ok(ApiResponse::ok(&menu_json(ctx, &saved)?))
}

fn update(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("AutoReceptionist")?;
    let mut m = menu(ctx)?;
    let body: MenuBody = ctx.json()?;
    apply_menu(ctx, &mut m, body)?;
    let saved = ctx.store().save_extension(&m, ctx.now_ms())?;
    Ok(ApiResponse::ok(&menu_json(ctx, &saved)?))
}

/// The site of the `siteId` path parameter, in the caller's account.
fn site(ctx: &Ctx<'_>) -> Result<(i64, i64), ApiError> {
    let account = ctx.account_id()?;
    let raw = ctx.path("siteId")?;
    let sites = ctx.store().sites(account)?;
    sites
        .iter()
        .find(|s| s.id.to_string() == raw)
        .map(|s| (account, s.id))
        .ok_or_else(|| ApiError::not_found("siteId"))
}

/// A site's settings until they are changed: no top menu of its own, and 0 reaches the operator.
fn default_site_ivr() -> SiteIvr {
    SiteIvr {
        top_menu_id: None,
        prompt_repeat_count: 1,
        actions: vec![IvrAction {
            input: "0".into(),
            action: "ConnectToOperator".into(),
            ..Default::default()
        }],
    }
}

/// A site's settings as `SiteIVRSettings`.
fn site_json(ctx: &Ctx<'_>, account: i64, ivr: &SiteIvr) -> Result<Value, ApiError> {
    let actions = ivr
        .actions
        .iter()
        .map(|a| action_json(ctx, account, a))
        .collect::<Result<Vec<_>, _>>()?;
    let mut v = json!({"promptRepeatCount": ivr.prompt_repeat_count, "actions": actions});
    if let Some(id) = ivr.top_menu_id {
        let mut top = json!({
            "id": id.to_string(),
            "uri": ctx.url(&format!("/restapi/v1.0/account/{account}/ivr-menus/{id}")),
        });
        if let Some(m) = ctx.store().extension(id)? {
            top["name"] = json!(m.name);
        }
        v["topMenu"] = top;
    }
    Ok(v)
}

fn read_site(ctx: &Ctx<'_>) -> ApiResult {
    let (account, site) = site(ctx)?;
    let ivr = ctx.store().site_ivr(site)?.unwrap_or_else(default_site_ivr);
    Ok(ApiResponse::ok(&site_json(ctx, account, &ivr)?))
}

/// `SiteIVRSettingsUpdate`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SiteBody {
    top_menu: Option<IdRef>,
    actions: Option<Vec<ActionBody>>,
    prompt_repeat_count: Option<i64>,
}

fn update_site(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("Sites")?;
    let (account, site) = site(ctx)?;
    let body: SiteBody = ctx.json()?;
    let mut ivr = ctx.store().site_ivr(site)?.unwrap_or_else(default_site_ivr);
    if let Some(raw) = body.top_menu.and_then(|t| t.id) {
        let found = menus(ctx, account)?
            .into_iter()
            .find(|m| m.id.to_string() == raw)
            .ok_or_else(|| ApiError::not_found("topMenu.id"))?;
        ivr.top_menu_id = Some(found.id);
    }
    if let Some(n) = body.prompt_repeat_count {
        ivr.prompt_repeat_count = n;
    }
    if let Some(actions) = body.actions {
        ivr.actions = parse_actions(ctx, account, actions)?;
    }
    ctx.store().save_site_ivr(site, &ivr)?;
    Ok(ApiResponse::ok(&site_json(ctx, account, &ivr)?))
}
