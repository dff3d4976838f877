//! Lifecycle changes as journaled runs: a run is a list of steps written to the ledger before
//! anything is sent, each step marked `sent` (durably) before its request leaves and `done` after its
//! answer, so that a run stopped by Ctrl-C, kill -9 or a lost network resumes with `--resume` and
//! applies each change exactly once. A step found `sent` is checked against the server before it is
//! sent again: a SCIM change is looked up live, and a user already in the target state is not touched.
//!
//! Pacing is the runtime's: SCIM PATCH and DELETE are in the Heavy throttling group, so the client's
//! scheduler spaces them as RingCentral's limits require.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::TryStreamExt;
use ringcentral::{Client, ErrorKind};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::impact::{Fix, Impact, MembershipStyle, Subject, rewrite};
use crate::ledger::{Ledger, NewAudit, StepState, StoredStep};
use crate::scim::{self, Deleted, op_request};
use crate::user::{ScimUser, Status, same_email};

/// A lifecycle change to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Suspend,
    Reactivate,
    Deprovision,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Suspend => "suspend",
            Change::Reactivate => "reactivate",
            Change::Deprovision => "deprovision",
        }
    }

    fn target(self) -> Status {
        match self {
            Change::Suspend => Status::Suspended,
            Change::Reactivate => Status::Active,
            Change::Deprovision => Status::Deprovisioned,
        }
    }
}

/// One step a run will take, before it is journaled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedStep {
    /// The user the step is for.
    pub user: String,
    /// `suspend`, `reactivate`, `deprovision` or `handover`.
    pub kind: String,
    /// What the step does, for people.
    pub description: String,
    #[serde(skip)]
    pub spec: Value,
}

/// The SCIM step of a change to `email`.
pub fn change_step(change: Change, email: &str) -> PlannedStep {
    PlannedStep {
        user: email.to_owned(),
        kind: change.as_str().to_owned(),
        description: format!("{} {email}", change.as_str()),
        spec: json!({"email": email}),
    }
}

/// The steps that move what `impact` found for `from` to `to`: one call per resource (a menu with
/// two keys for the user is sent once), each replacing every reference. Fails, sending nothing, when
/// a reference cannot move (a forwarding number, and a successor with no phone number).
pub fn handover_steps(impact: &Impact, from: &Subject, to: &Subject) -> Result<Vec<PlannedStep>> {
    if from.extension_id == to.extension_id {
        return Err(Error::Input(format!(
            "{} cannot hand over to themselves",
            from.email
        )));
    }
    let mut steps: Vec<PlannedStep> = Vec::new();
    let mut seen: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for item in impact.of(&from.email) {
        let (operation, params) = match &item.fix {
            Fix::Rewrite {
                operation, params, ..
            }
            | Fix::Membership {
                operation, params, ..
            } => (*operation, params),
        };
        if seen.iter().any(|(o, p)| o == operation && p == params) {
            continue;
        }
        seen.push((operation.to_owned(), params.clone()));
        let body = match &item.fix {
            Fix::Rewrite { resource, .. } => {
                let mut body = resource.clone();
                let (_, stuck) = rewrite(&mut body, from, to);
                if stuck > 0 {
                    return Err(Error::Input(format!(
                        "{} ({}) forwards to a phone number of {}, and {} has no phone number to take it; give it one or choose another successor",
                        item.name, item.kind, from.email, to.email
                    )));
                }
                writable(operation, body)
            }
            Fix::Membership { style, .. } => membership_body(style, from, to),
        };
        steps.push(PlannedStep {
            user: from.email.clone(),
            kind: "handover".into(),
            description: format!("{}: {} -> {}", item.name, item.kind, to.email),
            spec: json!({
                "operation": operation,
                "params": params
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                    .collect::<Map<String, Value>>(),
                "body": body,
                "to": to.email,
            }),
        });
    }
    Ok(steps)
}

fn membership_body(style: &MembershipStyle, from: &Subject, to: &Subject) -> Value {
    match style {
        MembershipStyle::ExtensionIds => json!({
            "addedExtensionIds": [to.extension_id], "removedExtensionIds": [from.extension_id]
        }),
        MembershipStyle::UserIds => json!({
            "addedUserIds": [to.extension_id], "removedUserIds": [from.extension_id]
        }),
        MembershipStyle::Monitoring {
            permissions,
            members,
        } => {
            let removed = json!([{"id": from.extension_id, "permissions": []}]);
            match members.iter().find(|(id, _)| *id == to.extension_id) {
                // Already a member: keep what they had and add what the user had.
                Some((_, theirs)) => {
                    let mut union: Vec<Value> = theirs.as_array().cloned().unwrap_or_default();
                    for p in permissions.as_array().into_iter().flatten() {
                        if !union.contains(p) {
                            union.push(p.clone());
                        }
                    }
                    json!({
                        "updatedExtensions": [{"id": to.extension_id, "permissions": union}],
                        "removedExtensions": removed
                    })
                }
                None => json!({
                    "addedExtensions": [{"id": to.extension_id, "permissions": permissions}],
                    "removedExtensions": removed
                }),
            }
        }
    }
}

/// The fields of a resource its update operation takes: the top-level properties of the
/// operation's request body, as the catalog's input schema lists them (read-only fields such as
/// `uri` are left out).
fn writable(operation: &str, resource: Value) -> Value {
    let Value::Object(map) = resource else {
        return resource;
    };
    let Some(op) = ringcentral_api::operation(operation) else {
        return Value::Object(map);
    };
    let schema: Value = serde_json::from_str(op.input_schema).unwrap_or(Value::Null);
    let path_params: Vec<&str> = op
        .params
        .iter()
        .filter(|p| matches!(p.location, ringcentral_api::ParamLocation::Path))
        .map(|p| p.input_name)
        .collect();
    match schema.get("properties").and_then(Value::as_object) {
        Some(props) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| props.contains_key(k) && !path_params.contains(&k.as_str()))
                .collect(),
        ),
        None => Value::Object(map),
    }
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The change was made now.
    Done,
    /// Nothing to do: the user was already in the target state.
    Unchanged,
    Failed,
    /// The run stopped before the step (Ctrl-C, a lost network, rate limits): `--resume` takes it.
    Pending,
}

/// One step's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepResult {
    pub user: String,
    pub kind: String,
    pub outcome: Outcome,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// A run's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub run_id: String,
    pub action: String,
    pub results: Vec<StepResult>,
    /// Why the run stopped before its end, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The kind of the error that stopped it.
    #[serde(skip)]
    pub stopped_by: Option<ErrorKind>,
}

impl RunReport {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.results.iter().filter(|r| r.outcome == outcome).count()
    }
}

/// What a run reports as it goes (a progress line).
pub trait Progress: Send + Sync {
    /// The run has `total` steps, `done` of them already finished earlier.
    fn begin(&self, total: u64, done: u64);
    /// A step ended.
    fn step(&self, result: &StepResult);
    fn finish(&self);
}

/// A [`Progress`] that shows nothing.
#[derive(Debug)]
pub struct Quiet;

impl Progress for Quiet {
    fn begin(&self, _: u64, _: u64) {}
    fn step(&self, _: &StepResult) {}
    fn finish(&self) {}
}

/// Who is making the changes, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub connection: String,
    pub operator: String,
}

/// Runs journaled changes on one connection.
pub struct Runner<'a> {
    pub client: &'a Client,
    pub ledger: &'a mut Ledger,
    pub actor: Actor,
    pub progress: &'a dyn Progress,
    /// Set (e.g. on Ctrl-C) to stop after the step in flight.
    pub stop: Arc<AtomicBool>,
}

/// Above this many users, one listing of every SCIM user is cheaper than a lookup per user.
const LOOKUP_LIMIT: usize = 20;

impl Runner<'_> {
    /// Journals `steps` as a new run of `action`, then runs it.
    pub async fn start(&mut self, action: Change, steps: Vec<PlannedStep>) -> Result<RunReport> {
        let rows: Vec<(String, String, Value)> = steps
            .into_iter()
            .map(|s| (s.user, s.kind, with_description(s.spec, &s.description)))
            .collect();
        let options = json!({"connection": self.actor.connection});
        let id = self.ledger.start_run(action.as_str(), &options, &rows)?;
        self.run(&id, action).await
    }

    /// Continues the newest unfinished run of `action`; `None` when there is none.
    pub async fn resume(&mut self, action: Change) -> Result<Option<RunReport>> {
        match self.ledger.unfinished_run(action.as_str())? {
            Some(run) => Ok(Some(self.run(&run.id, action).await?)),
            None => Ok(None),
        }
    }

    async fn run(&mut self, run_id: &str, action: Change) -> Result<RunReport> {
        let steps = self.ledger.steps(run_id)?;
        let finished = steps
            .iter()
            .filter(|s| !s.state.open() && s.state != StepState::Failed)
            .count();
        self.progress.begin(steps.len() as u64, finished as u64);
        let scim_targets: Vec<&str> = steps
            .iter()
            .filter(|s| s.kind != "handover" && (s.state.open() || s.state == StepState::Failed))
            .map(|s| s.email.as_str())
            .collect();
        let mut lookup = Lookup::new(self.client, scim_targets.len() > LOOKUP_LIMIT);
        let mut report = RunReport {
            run_id: run_id.to_owned(),
            action: action.as_str().to_owned(),
            results: Vec::with_capacity(steps.len()),
            stopped: None,
            stopped_by: None,
        };
        let mut failed_users: Vec<String> = Vec::new();
        for step in &steps {
            if !(step.state.open() || step.state == StepState::Failed) {
                report.results.push(StepResult {
                    user: step.email.clone(),
                    kind: step.kind.clone(),
                    outcome: if step.state == StepState::Done {
                        Outcome::Done
                    } else {
                        Outcome::Unchanged
                    },
                    message: step.outcome.clone().unwrap_or_default(),
                    request_id: None,
                });
                continue;
            }
            if report.stopped.is_some() || self.stop.load(Ordering::SeqCst) {
                if report.stopped.is_none() {
                    report.stopped = Some("interrupted".into());
                }
                report.results.push(pending(step));
                continue;
            }
            let result = if step.kind == "deprovision"
                && failed_users.iter().any(|u| same_email(u, &step.email))
            {
                Ok(StepResult {
                    user: step.email.clone(),
                    kind: step.kind.clone(),
                    outcome: Outcome::Failed,
                    message: "not deprovisioned: a handover step for this user failed; fix it and run again with --resume".into(),
                    request_id: None,
                })
            } else {
                self.step(run_id, step, action, &mut lookup).await
            };
            match result {
                Ok(r) => {
                    let state = match r.outcome {
                        Outcome::Done => StepState::Done,
                        Outcome::Unchanged => StepState::Unchanged,
                        Outcome::Failed => StepState::Failed,
                        Outcome::Pending => StepState::Pending,
                    };
                    self.ledger.set_step(
                        run_id,
                        step.seq,
                        state,
                        Some(&r.message),
                        r.request_id.as_deref(),
                    )?;
                    if r.outcome == Outcome::Failed {
                        failed_users.push(step.email.clone());
                    }
                    self.progress.step(&r);
                    report.results.push(r);
                }
                Err(e) if stops_the_run(&e) => {
                    report.stopped = Some(e.to_string());
                    report.stopped_by = e.api().map(ringcentral::Error::kind);
                    report.results.push(pending(step));
                }
                Err(e) => return Err(e),
            }
        }
        self.progress.finish();
        if report.stopped.is_none() && report.count(Outcome::Failed) == 0 {
            self.ledger.finish_run(run_id)?;
        }
        Ok(report)
    }

    async fn step(
        &mut self,
        run_id: &str,
        step: &StoredStep,
        action: Change,
        lookup: &mut Lookup<'_>,
    ) -> Result<StepResult> {
        if step.kind == "handover" {
            return self.handover(run_id, step).await;
        }
        let change = match step.kind.as_str() {
            "suspend" => Change::Suspend,
            "reactivate" => Change::Reactivate,
            _ => Change::Deprovision,
        };
        let _ = action;
        let email = step.email.as_str();
        let result = |outcome, message: String, request_id| StepResult {
            user: email.to_owned(),
            kind: step.kind.clone(),
            outcome,
            message,
            request_id,
        };
        // Looked up live every time: this is also the check of a step whose answer was lost.
        let Some(user) = lookup.find(email).await? else {
            let known = self.ledger.user(email)?;
            return Ok(match (change, known) {
                (Change::Deprovision, Some(_)) => {
                    self.ledger.mark_deprovisioned(email)?;
                    result(Outcome::Unchanged, "already deprovisioned".into(), None)
                }
                (_, Some(k)) if k.status == Status::Deprovisioned => result(
                    Outcome::Failed,
                    format!(
                        "{email} was deprovisioned; it cannot be {}d",
                        change.as_str()
                    ),
                    None,
                ),
                _ => result(
                    Outcome::Failed,
                    format!("no user with the email {email}"),
                    None,
                ),
            });
        };
        let before = user.status();
        if change != Change::Deprovision && before == change.target() {
            self.ledger.record_user(&user, before)?;
            return Ok(result(
                Outcome::Unchanged,
                format!("already {}", before.as_str().to_lowercase()),
                None,
            ));
        }
        self.ledger
            .set_step(run_id, step.seq, StepState::Sent, None, None)?;
        let sent = match change {
            Change::Deprovision => {
                scim::delete_user(self.client, &user.id)
                    .await
                    .map(|d| match d {
                        Deleted::Now { request_id } => (Outcome::Done, request_id),
                        Deleted::AlreadyGone => (Outcome::Unchanged, None),
                    })
            }
            _ => scim::set_active(self.client, &user.id, change == Change::Reactivate)
                .await
                .map(|(_, rid)| (Outcome::Done, rid)),
        };
        let (outcome, request_id) = match sent {
            Ok(ok) => ok,
            Err(e) if stops_the_run(&e) => return Err(e),
            Err(e) => {
                return Ok(result(Outcome::Failed, e.to_string(), request_id_of(&e)));
            }
        };
        let after = change.target();
        if change == Change::Deprovision {
            self.ledger.record_user(&user, before)?;
            self.ledger.mark_deprovisioned(email)?;
        } else {
            self.ledger.record_user(&user, after)?;
        }
        lookup.changed(email, change);
        let message = match (change, outcome) {
            (Change::Suspend, _) => "suspended; the licence is kept".to_owned(),
            (Change::Reactivate, _) => "reactivated".to_owned(),
            (Change::Deprovision, Outcome::Done) => "deprovisioned; the licence is reclaimed, and the user's numbers and devices stay on an unassigned extension".to_owned(),
            (Change::Deprovision, _) => "already deprovisioned".to_owned(),
        };
        if outcome == Outcome::Done {
            self.ledger.audit(&NewAudit {
                connection: &self.actor.connection,
                operator: &self.actor.operator,
                user: email,
                action: change.as_str(),
                before: Some(before.as_str()),
                after: Some(after.as_str()),
                request_id: request_id.as_deref(),
                detail: None,
            })?;
        }
        Ok(result(outcome, message, request_id))
    }

    async fn handover(&mut self, run_id: &str, step: &StoredStep) -> Result<StepResult> {
        let spec = &step.spec;
        let operation = spec["operation"].as_str().unwrap_or_default();
        let params: Vec<(String, String)> = spec["params"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let borrowed: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let description = spec["description"].as_str().unwrap_or_default().to_owned();
        let request = op_request(operation, &borrowed)?.json(spec["body"].clone());
        self.ledger
            .set_step(run_id, step.seq, StepState::Sent, None, None)?;
        // Every handover call is idempotent (a PUT of the whole resource, or a bulk-assign that adds
        // the successor and removes the user), so a step whose answer was lost is sent again.
        let result = |outcome, message: String, request_id| StepResult {
            user: step.email.clone(),
            kind: step.kind.clone(),
            outcome,
            message,
            request_id,
        };
        match self.client.send(request).await {
            Ok(r) => {
                let request_id = r.request_id().map(str::to_owned);
                self.ledger.audit(&NewAudit {
                    connection: &self.actor.connection,
                    operator: &self.actor.operator,
                    user: &step.email,
                    action: "handover",
                    before: None,
                    after: spec["to"].as_str(),
                    request_id: request_id.as_deref(),
                    detail: Some(&description),
                })?;
                Ok(result(Outcome::Done, description, request_id))
            }
            Err(e) => {
                let e = Error::from(e);
                if stops_the_run(&e) {
                    return Err(e);
                }
                let rid = request_id_of(&e);
                Ok(result(Outcome::Failed, format!("{description}: {e}"), rid))
            }
        }
    }
}

fn with_description(mut spec: Value, description: &str) -> Value {
    if let Value::Object(map) = &mut spec {
        map.insert("description".into(), Value::from(description));
    }
    spec
}

fn pending(step: &StoredStep) -> StepResult {
    StepResult {
        user: step.email.clone(),
        kind: step.kind.clone(),
        outcome: Outcome::Pending,
        message: "not run; run again with --resume".into(),
        request_id: None,
    }
}

/// Errors after which going on would only fail the same way: the network, authentication, and
/// rate limits that outlasted every retry. The run stops, resumable; other errors fail one step.
fn stops_the_run(e: &Error) -> bool {
    match e {
        Error::Api(e) => matches!(
            e.kind(),
            ErrorKind::Transport | ErrorKind::Auth | ErrorKind::RateLimited | ErrorKind::Store
        ),
        Error::Sql(_) | Error::Ledger { .. } => true,
        _ => false,
    }
}

fn request_id_of(e: &Error) -> Option<String> {
    e.api().and_then(|a| a.request_id()).map(str::to_owned)
}

/// Finds SCIM users by email: one lookup each, or, for many users, one listing of all of them.
struct Lookup<'a> {
    client: &'a Client,
    all: Option<HashMap<String, ScimUser>>,
    list_all: bool,
}

impl<'a> Lookup<'a> {
    fn new(client: &'a Client, list_all: bool) -> Lookup<'a> {
        Lookup {
            client,
            all: None,
            list_all,
        }
    }

    async fn find(&mut self, email: &str) -> Result<Option<ScimUser>> {
        if !self.list_all {
            return scim::find_user(self.client, email).await;
        }
        if self.all.is_none() {
            let users: Vec<ScimUser> = scim::list_users(self.client).try_collect().await?;
            self.all = Some(
                users
                    .into_iter()
                    .map(|u| (u.email.to_lowercase(), u))
                    .collect(),
            );
        }
        Ok(self
            .all
            .as_ref()
            .and_then(|all| all.get(&email.trim().to_lowercase()).cloned()))
    }

    /// Keeps the listing true to what this run changed.
    fn changed(&mut self, email: &str, change: Change) {
        let Some(all) = &mut self.all else { return };
        let key = email.trim().to_lowercase();
        match change {
            Change::Deprovision => {
                all.remove(&key);
            }
            _ => {
                if let Some(u) = all.get_mut(&key) {
                    u.active = change == Change::Reactivate;
                }
            }
        }
    }
}

/// Looks up each email live (one lookup each, or one listing for many), in order.
pub async fn resolve(client: &Client, emails: &[String]) -> Result<Vec<Option<ScimUser>>> {
    let mut lookup = Lookup::new(client, emails.len() > LOOKUP_LIMIT);
    let mut found = Vec::with_capacity(emails.len());
    for email in emails {
        found.push(lookup.find(email).await?);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(id: &str) -> Subject {
        Subject {
            email: format!("{id}@x.com"),
            name: format!("User {id}"),
            extension_id: id.into(),
            extension_number: None,
            phone_numbers: vec![],
        }
    }

    #[test]
    fn a_successor_already_in_a_monitoring_group_keeps_their_permissions() {
        let style = MembershipStyle::Monitoring {
            permissions: json!(["Monitored"]),
            members: vec![
                ("1".into(), json!(["Monitored"])),
                ("2".into(), json!(["Monitoring"])),
            ],
        };
        let body = membership_body(&style, &subject("1"), &subject("2"));
        assert_eq!(
            body,
            json!({
                "updatedExtensions": [{"id": "2", "permissions": ["Monitoring", "Monitored"]}],
                "removedExtensions": [{"id": "1", "permissions": []}]
            })
        );
        let body = membership_body(&style, &subject("1"), &subject("3"));
        assert_eq!(
            body["addedExtensions"],
            json!([{"id": "3", "permissions": ["Monitored"]}])
        );
    }

    #[test]
    fn the_update_body_keeps_only_what_the_operation_takes() {
        let rule = json!({"id": "7", "uri": "http://x", "name": "Out of office", "enabled": true,
                          "transfer": {"extension": {"id": "2"}}});
        let body = writable("updateAnsweringRule", rule);
        assert!(body.get("uri").is_none());
        assert_eq!(body["name"], "Out of office");
        assert_eq!(body["transfer"]["extension"]["id"], "2");
    }
}
