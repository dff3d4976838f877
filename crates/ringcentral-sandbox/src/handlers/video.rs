//! RingCentral Video bridges (meetings): create, read, update, delete.

use http::StatusCode;
use serde_json::{Value, json};

use super::{Entry, no_content, op};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::rng::Rng;

pub fn entries() -> Vec<Entry> {
    vec![
        op!("createBridge", create),
        op!("getBridge", read),
        op!("updateBridge", update),
        op!("deleteBridge", delete),
    ]
}

const TYPES: &[&str] = &["Instant", "Scheduled", "PMI"];

/// The stored bridge with its join link; the password only for the host or an administrator.
fn render(ctx: &Ctx<'_>, bridge: &Value, owner: i64) -> Result<Value, ApiError> {
    let mut v = bridge.clone();
    let caller = ctx.caller()?;
    let web = v["pins"]["web"].as_str().unwrap_or_default().to_owned();
    let privileged = caller.admin || caller.session.extension_id == owner;
    let password = v["security"]["password"]["plainText"]
        .as_str()
        .map(str::to_owned);
    let mut join = format!("https://v.ringcentral.com/join/{web}");
    if let (true, Some(pw)) = (privileged, &password) {
        join.push_str(&format!("?pw={pw}"));
    }
    if !privileged && let Some(sec) = v["security"].as_object_mut() {
        sec.remove("password");
    }
    v["discovery"] = json!({"web": join});
    Ok(v)
}

fn merge(target: &mut Value, patch: &Value) {
    if let (Some(t), Some(p)) = (target.as_object_mut(), patch.as_object()) {
        for (k, v) in p {
            if v.is_object() && t.get(k).is_some_and(Value::is_object) {
                if let Some(slot) = t.get_mut(k) {
                    merge(slot, v);
                }
            } else {
                t.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Applies a create or update body: name, pins, security and preferences.
fn apply(bridge: &mut Value, body: &Value) -> Result<(), ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(ApiError::invalid("body", "expected a JSON object"));
    };
    for (k, v) in obj {
        match k.as_str() {
            "name" => {
                let n = v
                    .as_str()
                    .ok_or_else(|| ApiError::invalid("name", "expected a string"))?;
                bridge["name"] = json!(n);
            }
            "type" => {}
            "pins" => {
                if let Some(web) = v.get("web") {
                    let w = web.as_str().filter(|w| {
                        (6..=16).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit())
                    });
                    bridge["pins"]["web"] = json!(w.ok_or_else(|| ApiError::invalid(
                        "pins.web",
                        "a web PIN is 6 to 16 digits"
                    ))?);
                }
                if let Some(p) = v.get("pstn") {
                    merge(&mut bridge["pins"]["pstn"], p);
                }
            }
            "security" => {
                let mut sec = v.clone();
                if let Some(pw) = v.get("password") {
                    let pw = pw.as_str().ok_or_else(|| {
                        ApiError::invalid("security.password", "expected a string")
                    })?;
                    sec["password"] = json!({"plainText": pw, "pstn": pw.bytes().map(|b| (b'0' + b % 10) as char).collect::<String>()});
                }
                merge(&mut bridge["security"], &sec);
                if bridge["security"]["passwordProtected"] == json!(true)
                    && bridge["security"]["password"].is_null()
                {
                    return Err(ApiError::missing("security.password"));
                }
            }
            "preferences" => merge(&mut bridge["preferences"], v),
            // Other properties are ignored, as RingCentral does.
            _ => {}
        }
    }
    Ok(())
}

fn create(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let ext = ctx.extension()?;
    let body: Value = ctx.json()?;
    let kind = match body.get("type") {
        None => "Instant",
        Some(t) => t
            .as_str()
            .filter(|t| TYPES.contains(t))
            .ok_or_else(|| ApiError::invalid("type", "must be Instant, Scheduled or PMI"))?,
    };
    let n = ctx.store().fresh_id()?;
    let mut rng = Rng::new(n as u64);
    let id = format!("{:09}", n % 1_000_000_000);
    let mut bridge = crate::seed::bridge_json(&id, kind, "Meeting", ext.id, &mut rng);
    bridge["host"]["accountId"] = json!(account.to_string());
    apply(&mut bridge, &body)?;
    ctx.store().save_bridge(account, ext.id, &id, &bridge)?;
    Ok(ApiResponse::json(
        StatusCode::CREATED,
        &render(ctx, &bridge, ext.id)?,
    ))
}

fn find(ctx: &Ctx<'_>) -> Result<(String, i64, Value), ApiError> {
    let id = ctx.path("bridgeId")?;
    let (owner, bridge) = ctx
        .store()
        .bridge(id)?
        .ok_or_else(|| ApiError::not_found("bridgeId"))?;
    Ok((id.to_owned(), owner, bridge))
}

fn require_owner(ctx: &Ctx<'_>, owner: i64) -> Result<(), ApiError> {
    let c = ctx.caller()?;
    if c.admin || c.session.extension_id == owner {
        Ok(())
    } else {
        Err(ApiError::forbidden("Meetings"))
    }
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    let (_, owner, bridge) = find(ctx)?;
    Ok(ApiResponse::ok(&render(ctx, &bridge, owner)?))
}

fn update(ctx: &Ctx<'_>) -> ApiResult {
    let (id, owner, mut bridge) = find(ctx)?;
    require_owner(ctx, owner)?;
    let body: Value = ctx.json()?;
    if body.get("type").is_some() {
        return Err(ApiError::invalid(
            "type",
            "the type of a bridge cannot change",
        ));
    }
    apply(&mut bridge, &body)?;
    let account = ctx.caller()?.session.account_id;
    ctx.store().save_bridge(account, owner, &id, &bridge)?;
    Ok(ApiResponse::ok(&render(ctx, &bridge, owner)?))
}

fn delete(ctx: &Ctx<'_>) -> ApiResult {
    let (id, owner, _) = find(ctx)?;
    require_owner(ctx, owner)?;
    ctx.store().delete_bridge(&id)?;
    no_content()
}
