//! Notification subscriptions: create, list, read, update, renew, delete. Event filters are kept
//! with `~` resolved. A WebHook address is checked the way RingCentral checks it before it is
//! subscribed (a request carrying a `Validation-Token` the receiver must echo); notifications are
//! then delivered by [`crate::notify`].

use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Entry, no_content, op, time};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::Subscription;

pub fn entries() -> Vec<Entry> {
    vec![
        op!("listSubscriptions", list),
        op!("createSubscription", create),
        op!("readSubscription", read),
        op!("updateSubscription", update),
        op!("deleteSubscription", delete),
        op!("renewSubscription", renew),
    ]
}

const DEFAULT_TTL_S: i64 = 604_800;
const MAX_TTL_S: i64 = 630_720_000;

fn sub_json(ctx: &Ctx<'_>, s: &Subscription) -> Value {
    let mut delivery = json!({"transportType": s.transport_type});
    if let Some(a) = &s.address {
        delivery["address"] = json!(a);
        delivery["encryption"] = json!(false);
    }
    let now = ctx.now_ms();
    json!({
        "id": s.id,
        "uri": ctx.url(&format!("/restapi/v1.0/subscription/{}", s.id)),
        "eventFilters": s.event_filters,
        "expirationTime": time(s.expires_ms),
        "expiresIn": ((s.expires_ms - now + 999) / 1000).max(0),
        "status": s.status,
        "creationTime": time(s.created_ms),
        "deliveryMode": delivery,
    })
}

/// Checks event filters and resolves `~` to the caller's account and extension.
fn filters(ctx: &Ctx<'_>, raw: &[String]) -> Result<Vec<String>, ApiError> {
    if raw.is_empty() {
        return Err(ApiError::missing("eventFilters"));
    }
    let caller = ctx.caller()?;
    raw.iter()
        .enumerate()
        .map(|(i, f)| {
            if !(f.starts_with("/restapi/")
                || f.starts_with("/team-messaging/")
                || f.starts_with("/webinar/"))
            {
                return Err(ApiError::invalid(
                    &format!("eventFilters[{i}]"),
                    format!("{f:?} is not an event filter"),
                ));
            }
            Ok(f.replace(
                "/account/~",
                &format!("/account/{}", caller.session.account_id),
            )
            .replace(
                "/extension/~",
                &format!("/extension/{}", caller.session.extension_id),
            ))
        })
        .collect()
}

fn ttl(expires_in: Option<i64>) -> Result<i64, ApiError> {
    match expires_in {
        None => Ok(DEFAULT_TTL_S),
        Some(n) if (60..=MAX_TTL_S).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid(
            "expiresIn",
            format!("must be from 60 to {MAX_TTL_S} seconds"),
        )),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    transport_type: String,
    address: Option<String>,
    verification_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateRequest {
    event_filters: Vec<String>,
    expires_in: Option<i64>,
    delivery_mode: Delivery,
}

fn create(ctx: &Ctx<'_>) -> ApiResult {
    let body: CreateRequest = ctx.json()?;
    let event_filters = filters(ctx, &body.event_filters)?;
    let verification_token = body.delivery_mode.verification_token.clone();
    let address = match body.delivery_mode.transport_type.as_str() {
        "WebHook" => {
            let a = body
                .delivery_mode
                .address
                .ok_or_else(|| ApiError::missing("deliveryMode.address"))?;
            let u = url::Url::parse(&a).map_err(|_| {
                ApiError::invalid("deliveryMode.address", "expected an absolute http(s) URL")
            })?;
            if u.scheme() != "https" && u.scheme() != "http" {
                return Err(ApiError::invalid(
                    "deliveryMode.address",
                    "expected an absolute http(s) URL",
                ));
            }
            if ctx.state.webhook_validation {
                validate_address(ctx, &a)?;
            }
            Some(a)
        }
        "WebSocket" => None,
        other => {
            return Err(ApiError::invalid(
                "deliveryMode.transportType",
                format!("{other:?} is not supported; use WebHook or WebSocket"),
            ));
        }
    };
    let ttl = ttl(body.expires_in)?;
    let now = ctx.now_ms();
    // The spec caps `subscriptionId` at 20 characters, so an id must fit to be usable again:
    // 80 random bits in hex.
    let mut id = uuid::Uuid::new_v4().simple().to_string();
    id.truncate(20);
    let sub = Subscription {
        id,
        extension_id: ctx.caller()?.session.extension_id,
        event_filters,
        transport_type: body.delivery_mode.transport_type,
        address,
        status: "Active".into(),
        created_ms: now,
        expires_ms: now + ttl * 1000,
        expires_in: ttl,
        verification_token,
    };
    ctx.store().save_subscription(&sub)?;
    Ok(ApiResponse::ok(&sub_json(ctx, &sub)))
}

/// How long a webhook receiver has to answer the validation request.
const VALIDATION_TIMEOUT: Duration = Duration::from_secs(3);

/// The most a receiver may answer the validation request with, headers and body together.
const VALIDATION_MAX_BYTES: usize = 1024;

/// RingCentral's check of a webhook address before it is subscribed: a POST with a fresh
/// `Validation-Token` header, which the receiver must answer within three seconds with `200` and
/// the same header, in at most 1,024 bytes. Anything else refuses the subscription with `SUB-525`.
fn validate_address(ctx: &Ctx<'_>, address: &str) -> Result<(), ApiError> {
    let token = uuid::Uuid::new_v4().to_string();
    let request = ctx
        .state
        .webhooks
        .post(address)
        .header("Validation-Token", &token)
        .timeout(VALIDATION_TIMEOUT);
    // Handlers run on blocking threads, where waiting on the runtime is allowed.
    let outcome = ctx.state.runtime.block_on(async {
        let mut response = request.send().await?;
        let status = response.status();
        let echoed = response
            .headers()
            .get("Validation-Token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut size: usize = response
            .headers()
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum();
        // Read no more of the body than it takes to know it is too large.
        while size <= VALIDATION_MAX_BYTES {
            match response.chunk().await? {
                Some(chunk) => size += chunk.len(),
                None => break,
            }
        }
        Ok::<_, reqwest::Error>((status, echoed, size))
    });
    let problem = match outcome {
        Err(e) if e.is_timeout() => format!(
            "{address} did not answer within {} seconds",
            VALIDATION_TIMEOUT.as_secs()
        ),
        Err(_) => format!("{address} cannot be reached"),
        Ok((status, _, _)) if status != http::StatusCode::OK => {
            format!("{address} answered HTTP {} instead of 200", status.as_u16())
        }
        Ok((_, echoed, _)) if echoed.as_deref() != Some(token.as_str()) => {
            format!("the answer of {address} does not echo the request's Validation-Token header")
        }
        Ok((_, _, size)) if size > VALIDATION_MAX_BYTES => format!(
            "the answer of {address} is over {VALIDATION_MAX_BYTES} bytes (headers and body)"
        ),
        Ok(_) => return Ok(()),
    };
    Err(ApiError::new(
        http::StatusCode::BAD_REQUEST,
        "SUB-525",
        format!("WebHook server response is invalid: {problem}"),
    )
    .with_parameter("deliveryMode.address"))
}

fn list(ctx: &Ctx<'_>) -> ApiResult {
    let me = ctx.caller()?.session.extension_id;
    let now = ctx.now_ms();
    let subs: Vec<Value> = ctx
        .store()
        .subscriptions(me)?
        .iter()
        .filter(|s| s.expires_ms > now)
        .map(|s| sub_json(ctx, s))
        .collect();
    Ok(ApiResponse::ok(
        &json!({"uri": ctx.url("/restapi/v1.0/subscription"), "records": subs}),
    ))
}

/// A live subscription of the caller; expired ones are gone.
fn find(ctx: &Ctx<'_>) -> Result<Subscription, ApiError> {
    let id = ctx.path("subscriptionId")?;
    let me = ctx.caller()?.session.extension_id;
    match ctx.store().subscription(id)? {
        Some(s) if s.extension_id == me && s.expires_ms > ctx.now_ms() => Ok(s),
        _ => Err(ApiError::not_found("subscriptionId")),
    }
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    Ok(ApiResponse::ok(&sub_json(ctx, &find(ctx)?)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateRequest {
    event_filters: Vec<String>,
    expires_in: Option<i64>,
}

fn update(ctx: &Ctx<'_>) -> ApiResult {
    let mut s = find(ctx)?;
    let body: UpdateRequest = ctx.json()?;
    s.event_filters = filters(ctx, &body.event_filters)?;
    if body.expires_in.is_some() {
        s.expires_in = ttl(body.expires_in)?;
        s.expires_ms = ctx.now_ms() + s.expires_in * 1000;
    }
    ctx.store().save_subscription(&s)?;
    Ok(ApiResponse::ok(&sub_json(ctx, &s)))
}

fn renew(ctx: &Ctx<'_>) -> ApiResult {
    let mut s = find(ctx)?;
    s.expires_ms = ctx.now_ms() + s.expires_in * 1000;
    ctx.store().save_subscription(&s)?;
    Ok(ApiResponse::ok(&sub_json(ctx, &s)))
}

fn delete(ctx: &Ctx<'_>) -> ApiResult {
    let s = find(ctx)?;
    ctx.store().delete_subscription(&s.id)?;
    no_content()
}
