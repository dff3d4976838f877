//! Company answering rules: how calls to the company's numbers are handled (greet and go to the
//! operator, greet and hang up, or bypass the greeting to an extension), by schedule, caller or
//! number called. They are kept with the extension rules, under the account's id.

use serde_json::{Value, json};

use super::{Entry, no_content, op, page_params, paged_with};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{AFTER_HOURS_RULE, BUSINESS_HOURS_RULE};

pub fn entries() -> Vec<Entry> {
    vec![
        op!("listCompanyAnsweringRules", list),
        op!("createCompanyAnsweringRule", create),
        op!("readCompanyAnsweringRule", read),
        op!("updateCompanyAnsweringRule", update),
        op!("deleteCompanyAnsweringRule", delete),
    ]
}

/// The rules every account has, until an administrator changes them.
fn defaults() -> Vec<Value> {
    vec![
        json!({"id": BUSINESS_HOURS_RULE, "type": "BusinessHours", "enabled": true, "callHandlingAction": "Operator"}),
        json!({"id": AFTER_HOURS_RULE, "type": "AfterHours", "enabled": true, "callHandlingAction": "Operator"}),
    ]
}

/// Every rule of the account: the business-hours and after-hours rules first, then custom rules
/// in the order they were made.
fn all_rules(ctx: &Ctx<'_>, account: i64) -> Result<Vec<Value>, ApiError> {
    let stored = ctx.store().answering_rules(account)?;
    let mut out: Vec<Value> = defaults()
        .into_iter()
        .map(|d| {
            stored
                .iter()
                .find(|(id, _)| d["id"] == json!(id))
                .map(|(_, r)| r.clone())
                .unwrap_or(d)
        })
        .collect();
    out.extend(
        stored
            .into_iter()
            .filter(|(id, _)| id != BUSINESS_HOURS_RULE && id != AFTER_HOURS_RULE)
            .map(|(_, r)| r),
    );
    Ok(out)
}

fn rule_uri(ctx: &Ctx<'_>, account: i64, rule: &Value) -> String {
    let id = rule["id"].as_str().unwrap_or_default();
    ctx.url(&format!(
        "/restapi/v1.0/account/{account}/answering-rule/{id}"
    ))
}

/// A rule as `CompanyAnsweringRuleInfo`.
fn rule_json(ctx: &Ctx<'_>, account: i64, rule: &Value) -> Value {
    let mut v = rule.clone();
    v["uri"] = json!(rule_uri(ctx, account, rule));
    v
}

/// A rule as a list entry (`ListCompanyAnsweringRuleInfo`): what it is and where it sends calls.
fn list_json(ctx: &Ctx<'_>, account: i64, rule: &Value) -> Value {
    let mut v = json!({
        "id": rule["id"],
        "uri": rule_uri(ctx, account, rule),
        "enabled": rule["enabled"],
        "type": rule["type"],
    });
    if let Some(name) = rule.get("name") {
        v["name"] = name.clone();
    }
    if let Some(numbers) = rule["calledNumbers"].as_array() {
        v["calledNumbers"] = numbers
            .iter()
            .map(|n| json!({"phoneNumber": n["phoneNumber"]}))
            .collect();
    }
    if let Some(id) = rule.pointer("/extension/id") {
        v["extension"] = json!({"id": id});
    }
    v
}

fn list(ctx: &Ctx<'_>) -> ApiResult {
    let account = ctx.account_id()?;
    let page = page_params(ctx, 100, 1000)?;
    let types = ctx.query_enum("type", &["BusinessHours", "AfterHours", "Custom"])?;
    let mut all = all_rules(ctx, account)?;
    all.retain(|r| {
        types.is_empty()
            || r["type"]
                .as_str()
                .is_some_and(|t| types.iter().any(|x| x == t))
    });
    paged_with(ctx, page, all, |r| Ok(list_json(ctx, account, r)))
}

fn find(ctx: &Ctx<'_>) -> Result<(i64, String, Value), ApiError> {
    let account = ctx.account_id()?;
    let id = ctx.path("ruleId")?.to_owned();
    let rule = all_rules(ctx, account)?
        .into_iter()
        .find(|r| r["id"] == json!(id))
        .ok_or_else(|| ApiError::not_found("ruleId"))?;
    Ok((account, id, rule))
}

fn read(ctx: &Ctx<'_>) -> ApiResult {
    let (account, _, rule) = find(ctx)?;
    Ok(ApiResponse::ok(&rule_json(ctx, account, &rule)))
}

/// Checks and applies the writable members of a request (`CompanyAnsweringRuleRequest` or
/// `...Update`, already checked against the spec): the extension must be one of the account,
/// each called number one of its numbers, and `Bypass` needs an extension to go to.
fn apply(ctx: &Ctx<'_>, account: i64, rule: &mut Value, body: &Value) -> Result<(), ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(ApiError::invalid("body", "expected a JSON object"));
    };
    for (k, v) in obj {
        match k.as_str() {
            "name" => {
                let n = v.as_str().unwrap_or_default();
                if n.trim().is_empty() || n.chars().count() > 64 {
                    return Err(ApiError::invalid("name", "1 to 64 characters"));
                }
            }
            "extension" => {
                let raw = v
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| ApiError::missing("extension.id"))?;
                let found = raw
                    .parse::<i64>()
                    .ok()
                    .map(|id| ctx.store().extension(id))
                    .transpose()?
                    .flatten()
                    .filter(|e| e.account_id == account)
                    .ok_or_else(|| ApiError::not_found("extension.id"))?;
                rule["extension"] = json!({"id": found.id.to_string()});
                continue;
            }
            "calledNumbers" => {
                let mut numbers = Vec::new();
                for (i, n) in v.as_array().into_iter().flatten().enumerate() {
                    let field = format!("calledNumbers[{i}]");
                    let found = match (n["id"].as_str(), n["phoneNumber"].as_str()) {
                        (Some(id), _) => id
                            .parse::<i64>()
                            .ok()
                            .map(|id| ctx.store().phone_number(id))
                            .transpose()?
                            .flatten(),
                        (None, Some(p)) => ctx.store().phone_number_by_value(p)?,
                        (None, None) => return Err(ApiError::missing(&format!("{field}.id"))),
                    }
                    .filter(|p| p.account_id == account)
                    .ok_or_else(|| ApiError::not_found(&field))?;
                    numbers.push(
                        json!({"id": found.id.to_string(), "phoneNumber": found.phone_number}),
                    );
                }
                rule["calledNumbers"] = json!(numbers);
                continue;
            }
            "enabled" | "callHandlingAction" | "callers" | "schedule" | "greetings" => {}
            // `id`, `type` and anything the spec does not name are not changed by a request.
            _ => continue,
        }
        rule[k.as_str()] = v.clone();
    }
    if rule["callHandlingAction"] == json!("Bypass") && rule.pointer("/extension/id").is_none() {
        return Err(ApiError::missing("extension.id"));
    }
    Ok(())
}

fn create(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("EditCompanyAnsweringRules")?;
    let account = ctx.account_id()?;
    let body: Value = ctx.json()?;
    if body.get("type").and_then(Value::as_str).unwrap_or("Custom") != "Custom" {
        return Err(ApiError::invalid(
            "type",
            "only Custom rules can be created",
        ));
    }
    if body.get("name").and_then(Value::as_str).is_none() {
        return Err(ApiError::missing("name"));
    }
    let id = ctx.store().fresh_id()?.to_string();
    let mut rule =
        json!({"id": id, "type": "Custom", "enabled": true, "callHandlingAction": "Operator"});
    apply(ctx, account, &mut rule, &body)?;
    ctx.store().save_answering_rule(account, &id, &rule)?;
    Ok(ApiResponse::ok(&rule_json(ctx, account, &rule)))
}

fn update(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("EditCompanyAnsweringRules")?;
    let (account, id, mut rule) = find(ctx)?;
    let body: Value = ctx.json()?;
    apply(ctx, account, &mut rule, &body)?;
    ctx.store().save_answering_rule(account, &id, &rule)?;
    Ok(ApiResponse::ok(&rule_json(ctx, account, &rule)))
}

fn delete(ctx: &Ctx<'_>) -> ApiResult {
    ctx.require_admin("EditCompanyAnsweringRules")?;
    let (account, id, _) = find(ctx)?;
    if id == BUSINESS_HOURS_RULE || id == AFTER_HOURS_RULE {
        return Err(ApiError::invalid(
            "ruleId",
            "the business-hours and after-hours rules cannot be deleted",
        ));
    }
    ctx.store().delete_answering_rule(account, &id)?;
    no_content()
}
