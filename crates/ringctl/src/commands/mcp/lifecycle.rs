//! The user tools: `list_users`, `user_impact`, `suspend_user`, `reactivate_user` and
//! `deprovision_user`, on `ringcentral_lifecycle` as `ringctl users` uses it. A destructive change
//! returns its impact and plan until it is called again with `confirm: true`; every change is a
//! journaled run whose audit rows name the operator `mcp`.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use ringcentral_lifecycle::{
    Actor, Change, Error, Impact, Outcome, PlannedStep, Quiet, Runner, ScimUser, Status, Subject,
    change_step, handover_steps, impact, scim,
};
use serde_json::{Value, json};

use super::{OPERATOR, Server, ToolResult};
use crate::commands::users::{lifecycle_error, valid_email};
use crate::exit::{CliError, CliResult, Exit};

const DEFAULT_LIMIT: usize = 200;

pub async fn list_users(server: &Server, args: &Value) -> ToolResult {
    let status = match args["status"].as_str().unwrap_or("all") {
        "all" => None,
        s => Some(s.parse::<Status>().map_err(CliError::usage)?),
    };
    let limit = args["limit"].as_u64().map_or(DEFAULT_LIMIT, |n| n as usize);
    let client = server.inner.client.clone();
    let (users, total) = server
        .with_ledger(move |ledger, handle| {
            // Recorded as `users list` records a listing, so that a user gone since reads as
            // deprovisioned.
            handle
                .block_on(ledger.record_stream(scim::list_users(&client)))
                .map_err(lifecycle_error)?;
            let mut users = Vec::new();
            let mut total = 0usize;
            ledger
                .each_user(status, |u| {
                    total += 1;
                    if users.len() < limit {
                        users.push(json!({
                            "email": u.email,
                            "name": u.name,
                            "status": u.status,
                            "scimId": u.scim_id,
                            "extensionId": u.extension_id,
                        }));
                    }
                    Ok(())
                })
                .map_err(lifecycle_error)?;
            Ok((users, total))
        })
        .await?;
    let mut out = json!({"users": users, "count": users.len(), "total": total});
    if total > users.len() {
        out["note"] = json!(format!(
            "Cut at limit {limit}: {total} users match. Raise limit (up to 1000) or filter by status."
        ));
    }
    Ok(out)
}

/// A user SCIM returns now; one it does not is an error naming the email.
async fn live_user(server: &Server, email: &str) -> CliResult<ScimUser> {
    scim::find_user(&server.inner.client, email)
        .await
        .map_err(lifecycle_error)?
        .ok_or_else(|| {
            lifecycle_error(Error::UnknownUser {
                email: email.to_owned(),
            })
        })
}

pub async fn user_impact(server: &Server, args: &Value) -> ToolResult {
    let email = valid_email(args["email"].as_str().unwrap_or_default())?;
    let user = live_user(server, &email).await?;
    let client = &server.inner.client;
    let subject = Subject::load(client, &user)
        .await
        .map_err(lifecycle_error)?;
    let report = impact_of(client, &subject).await?;
    Ok(json!({
        "user": subject,
        "status": user.status(),
        "impact": report.impact,
        "unchecked": report.unchecked,
        "summary": impact_summary(report.impact.len()),
    }))
}

/// The impact report of one user. Its future is not `Send` (the compiler cannot prove it for
/// every lifetime), so it runs on a blocking thread of its own rather than on the server's task.
async fn impact_of(client: &ringcentral::Client, subject: &Subject) -> CliResult<Impact> {
    let client = client.clone();
    let subject = subject.clone();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        handle.block_on(impact::report(&client, std::slice::from_ref(&subject)))
    })
    .await
    .map_err(|e| CliError::failure(format!("the impact report failed: {e}")))?
    .map_err(lifecycle_error)
}

fn impact_summary(count: usize) -> String {
    match count {
        0 => "Nothing routes to or names this user.".into(),
        n => format!("{n} references route to or name this user."),
    }
}

pub async fn change(server: &Server, change: Change, args: &Value) -> ToolResult {
    let email = valid_email(args["email"].as_str().unwrap_or_default())?;
    let confirmed = args["confirm"].as_bool().unwrap_or(false);
    let client = &server.inner.client;
    let user = live_user(server, &email).await?;
    let mut out = serde_json::Map::new();
    out.insert("user".into(), json!(email));
    out.insert("status".into(), json!(user.status()));
    let mut steps: Vec<PlannedStep> = Vec::new();
    if change == Change::Reactivate {
        steps.push(change_step(change, &email));
    } else {
        let successor = match args["handoverTo"].as_str() {
            Some(to) if change == Change::Deprovision => {
                let to = valid_email(to)?;
                if to.eq_ignore_ascii_case(&email) {
                    return Err(CliError::usage(format!(
                        "{to} is the user to deprovision and cannot take their duties"
                    ))
                    .into());
                }
                let successor = live_user(server, &to).await?;
                if !successor.active {
                    return Err(CliError::usage(format!(
                        "{to} is suspended; hand over to an active user"
                    ))
                    .into());
                }
                Some(
                    Subject::load(client, &successor)
                        .await
                        .map_err(lifecycle_error)?,
                )
            }
            _ => None,
        };
        let subject = Subject::load(client, &user)
            .await
            .map_err(lifecycle_error)?;
        let report = impact_of(client, &subject).await?;
        if let Some(to) = &successor {
            steps.extend(handover_steps(&report, &subject, to).map_err(lifecycle_error)?);
        }
        steps.push(change_step(change, &email));
        out.insert("summary".into(), json!(impact_summary(report.impact.len())));
        if change == Change::Deprovision && successor.is_none() && !report.impact.is_empty() {
            out.insert(
                "warning".into(),
                json!("These still route calls or messages to the user; after the delete they reach no one. handoverTo moves them to a successor first."),
            );
        }
        out.insert("impact".into(), json!(report.impact));
        if !report.unchecked.is_empty() {
            out.insert("unchecked".into(), json!(report.unchecked));
        }
    }
    out.insert("plan".into(), json!(steps));
    let needs_confirm = matches!(change, Change::Suspend | Change::Deprovision);
    if needs_confirm && !confirmed {
        out.insert("confirmed".into(), json!(false));
        out.insert(
            "note".into(),
            json!(format!(
                "Nothing was changed. Check the impact and the plan, then call {}_user again with confirm: true to {} {email}.",
                change.as_str(),
                change.as_str()
            )),
        );
        return Ok(Value::Object(out));
    }
    let actor = Actor {
        connection: server.inner.connection.clone(),
        operator: OPERATOR.to_string(),
    };
    let run_client = client.clone();
    let report = server
        .with_ledger(move |ledger, handle| {
            let mut runner = Runner {
                client: &run_client,
                ledger,
                actor,
                progress: &Quiet,
                stop: Arc::new(AtomicBool::new(false)),
            };
            handle
                .block_on(runner.start(change, steps))
                .map_err(lifecycle_error)
        })
        .await?;
    let failed = report.count(Outcome::Failed);
    let done = report.count(Outcome::Done);
    let unchanged = report.count(Outcome::Unchanged);
    if let Some(why) = &report.stopped {
        return Err(CliError::new(
            Exit::Failure,
            format!("the run stopped before its end ({why}); {done} changed, {failed} failed"),
        )
        .hint("Call the tool again: a step already made is not made twice.")
        .into());
    }
    if failed > 0 {
        let messages: Vec<String> = report
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Failed)
            .map(|r| format!("{} {}: {}", r.kind, r.user, r.message))
            .collect();
        return Err(CliError::new(
            if done + unchanged > 0 {
                Exit::Partial
            } else {
                Exit::Failure
            },
            format!("{failed} of {} steps failed", report.results.len()),
        )
        .hint("The details say why; fix it and call the tool again.")
        .details(messages)
        .into());
    }
    out.insert("confirmed".into(), json!(true));
    if let Ok(Value::Object(r)) = serde_json::to_value(&report) {
        out.extend(r);
    }
    out.insert(
        "summary".into(),
        json!(format!("{done} changed, {unchanged} already in that state")),
    );
    Ok(Value::Object(out))
}
