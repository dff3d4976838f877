//! The impact report: everything in the account that routes calls or messages to a user, or names
//! them, found through the public API as it would be on real RingCentral, so that an administrator
//! sees what a deprovision would break before it breaks. Each item also knows how to point its
//! reference at a successor, which is what a handover does.
//!
//! Where a reference is: other extensions' answering rules (forwarding, transfer, voicemail
//! recipient, unconditional forwarding) and forwarding numbers; call queue members; IVR menu keys and
//! sites' IVR keys; company answering rules; paging-only group users; call monitoring groups. The
//! public API has no endpoints for shared lines or park locations, and video delegation lists only an
//! extension's delegators, which a delete does not redirect, so none of those is read.
//!
//! A source the app may not read (a 403, or an operation the account lacks) is named in the report's
//! `unchecked` list instead of failing the whole report.

use std::collections::HashMap;

use futures::{StreamExt, TryStreamExt};
use ringcentral::Client;
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::scim::op_request;
use crate::user::ScimUser;

/// At most this many reads are in flight at once; the runtime's scheduler paces them further.
const CONCURRENCY: usize = 8;

/// A user an impact report is about (or a successor), with what other resources may name them by.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subject {
    pub email: String,
    pub name: String,
    pub extension_id: String,
    pub extension_number: Option<String>,
    /// The extension's phone numbers, E.164.
    pub phone_numbers: Vec<String>,
}

impl Subject {
    /// Reads the extension behind a SCIM user (its number and phone numbers).
    pub async fn load(client: &Client, user: &ScimUser) -> Result<Subject> {
        let ext: Value = client
            .send(op_request(
                "readExtension",
                &[("accountId", "~"), ("extensionId", &user.id)],
            )?)
            .await?
            .json_value()?;
        let numbers = records(
            client,
            "listExtensionPhoneNumbers",
            &[("accountId", "~"), ("extensionId", &user.id)],
        )
        .await?;
        let mut phone_numbers: Vec<String> = numbers
            .iter()
            .filter_map(|n| n.get("phoneNumber").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        phone_numbers.dedup();
        Ok(Subject {
            email: user.email.clone(),
            name: text(&ext, "name").unwrap_or_else(|| user.name.clone()),
            extension_id: user.id.clone(),
            extension_number: text(&ext, "extensionNumber"),
            phone_numbers,
        })
    }

    fn label(&self) -> String {
        match &self.extension_number {
            Some(n) => format!("{} (ext {n})", self.name),
            None => self.name.clone(),
        }
    }
}

/// One thing that routes to or names a user.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImpactItem {
    /// The email of the user it names.
    pub user: String,
    /// The extension (or queue, IVR menu, group; the account for company rules) holding the reference.
    pub extension_id: String,
    pub name: String,
    /// `answering-rule`, `forwarding-number`, `call-queue`, `ivr-key`, `site-ivr-key`,
    /// `company-rule`, `paging-group` or `monitoring-group`.
    pub kind: String,
    pub detail: String,
    /// How a handover points the reference at a successor.
    #[serde(skip)]
    pub fix: Fix,
}

/// How to move a reference to a successor.
#[derive(Debug, Clone, PartialEq)]
pub enum Fix {
    /// Send the resource back with the user's references replaced (answering rules, forwarding
    /// numbers, IVR menus, company rules). `resource` is the resource as read.
    Rewrite {
        operation: &'static str,
        params: Vec<(String, String)>,
        resource: Value,
    },
    /// A membership: add the successor and remove the user in one bulk-assign call.
    Membership {
        operation: &'static str,
        params: Vec<(String, String)>,
        style: MembershipStyle,
    },
}

/// The body shape of a bulk-assign call.
#[derive(Debug, Clone, PartialEq)]
pub enum MembershipStyle {
    /// `addedExtensionIds` / `removedExtensionIds` (call queues).
    ExtensionIds,
    /// `addedUserIds` / `removedUserIds` (paging-only groups).
    UserIds,
    /// `addedExtensions` / `updatedExtensions` / `removedExtensions` with `permissions` (call
    /// monitoring groups). `members` are every member's permissions as read, so that a successor
    /// already in the group keeps theirs and gains the user's.
    Monitoring {
        permissions: Value,
        members: Vec<(String, Value)>,
    },
}

/// The report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Impact {
    pub impact: Vec<ImpactItem>,
    /// Sources that could not be read, with why; the report is incomplete for them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<String>,
}

impl Impact {
    /// The items that name `email`.
    pub fn of<'a>(&'a self, email: &'a str) -> impl Iterator<Item = &'a ImpactItem> + 'a {
        self.impact
            .iter()
            .filter(move |i| crate::user::same_email(&i.user, email))
    }
}

/// Finds every reference to `subjects` in the account, in one pass over it.
pub async fn report(client: &Client, subjects: &[Subject]) -> Result<Impact> {
    let refs = Refs::new(subjects);
    let mut impact = Impact::default();
    let extensions = records(client, "listExtensions", &[("accountId", "~")]).await?;
    let named = |id: &str| {
        extensions
            .iter()
            .find(|e| text(e, "id").as_deref() == Some(id))
            .map(ext_label)
            .unwrap_or_else(|| id.to_owned())
    };

    // Answering rules and forwarding numbers of every other extension that has them.
    let holders: Vec<&Value> = extensions
        .iter()
        .filter(|e| {
            let t = text(e, "type").unwrap_or_default();
            let id = text(e, "id").unwrap_or_default();
            !refs.is_subject(&id)
                && matches!(
                    t.as_str(),
                    "User" | "DigitalUser" | "VirtualUser" | "Department" | "Voicemail" | "Limited"
                )
        })
        .collect();
    let per_extension: Vec<Result<Vec<ImpactItem>>> = futures::stream::iter(holders)
        .map(|ext| extension_references(client, ext, &refs))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for items in per_extension {
        match items {
            Ok(items) => impact.impact.extend(items),
            Err(e) => unchecked(&mut impact, "answering rules", e)?,
        }
    }

    match queue_references(client, &refs, &named).await {
        Ok(items) => impact.impact.extend(items),
        Err(e) => unchecked(&mut impact, "call queues", e)?,
    }
    match ivr_references(client, &refs).await {
        Ok(items) => impact.impact.extend(items),
        Err(e) => unchecked(&mut impact, "IVR menus", e)?,
    }
    let mut sites: Vec<(String, String)> = Vec::new();
    for e in &extensions {
        if let Some(site) = e.get("site").filter(|s| s.is_object()) {
            // A site reference may carry only its `uri`, whose last segment is its id.
            let id = text(site, "id").or_else(|| {
                text(site, "uri").and_then(|u| u.rsplit('/').next().map(str::to_owned))
            });
            if let Some(id) = id.filter(|id| !sites.iter().any(|(s, _)| s == id)) {
                sites.push((id.clone(), text(site, "name").unwrap_or(id)));
            }
        }
    }
    match site_ivr_references(client, &refs, sites).await {
        Ok(items) => impact.impact.extend(items),
        Err(e) => unchecked(&mut impact, "site IVR settings", e)?,
    }
    match company_rule_references(client, &refs).await {
        Ok(items) => impact.impact.extend(items),
        Err(e) => unchecked(&mut impact, "company answering rules", e)?,
    }
    let paging_groups: Vec<&Value> = extensions
        .iter()
        .filter(|e| text(e, "type").as_deref() == Some("PagingOnly"))
        .collect();
    match paging_references(client, &refs, &paging_groups).await {
        Ok(items) => impact.impact.extend(items),
        Err(e) => unchecked(&mut impact, "paging groups", e)?,
    }
    match monitoring_references(client, &refs).await {
        Ok(items) => impact.impact.extend(items),
        Err(e) => unchecked(&mut impact, "call monitoring groups", e)?,
    }
    impact
        .impact
        .sort_by(|a, b| (&a.user, &a.kind, &a.name).cmp(&(&b.user, &b.kind, &b.name)));
    Ok(impact)
}

/// An optional source the app may not read (no permission, a feature the account lacks) leaves a
/// note; anything else (the network, authentication, rate limits) fails the report.
fn unchecked(impact: &mut Impact, what: &str, e: Error) -> Result<()> {
    match e.api().and_then(|a| a.status()) {
        Some(403 | 404 | 405 | 501) => {
            impact.unchecked.push(format!("{what}: {e}"));
            Ok(())
        }
        _ => Err(e),
    }
}

async fn extension_references(
    client: &Client,
    ext: &Value,
    refs: &Refs<'_>,
) -> Result<Vec<ImpactItem>> {
    let id = text(ext, "id").unwrap_or_default();
    let holder = ext_label(ext);
    let params = [("accountId", "~"), ("extensionId", id.as_str())];
    let mut items = Vec::new();
    let rules = records_with(
        client,
        "listAnsweringRules",
        &params,
        &[("view", "Detailed")],
    )
    .await?;
    for rule in rules {
        let rule_id = text(&rule, "id").unwrap_or_default();
        for (subject, at) in refs.find(&rule) {
            items.push(ImpactItem {
                user: subject.email.clone(),
                extension_id: id.clone(),
                name: holder.clone(),
                kind: "answering-rule".into(),
                detail: format!(
                    "answering rule \"{}\" ({}): {} -> {}",
                    text(&rule, "name").unwrap_or_else(|| rule_id.clone()),
                    text(&rule, "type").unwrap_or_else(|| "Custom".into()),
                    at,
                    subject.label()
                ),
                fix: Fix::Rewrite {
                    operation: "updateAnsweringRule",
                    params: owned(&[
                        ("accountId", "~"),
                        ("extensionId", &id),
                        ("ruleId", &rule_id),
                    ]),
                    resource: rule.clone(),
                },
            });
        }
    }
    for number in records(client, "listForwardingNumbers", &params).await? {
        let number_id = text(&number, "id").unwrap_or_default();
        for (subject, at) in refs.find(&number) {
            items.push(ImpactItem {
                user: subject.email.clone(),
                extension_id: id.clone(),
                name: holder.clone(),
                kind: "forwarding-number".into(),
                detail: format!(
                    "forwarding number \"{}\" {}: {} -> {}",
                    text(&number, "label").unwrap_or_default(),
                    text(&number, "phoneNumber").unwrap_or_default(),
                    at,
                    subject.label()
                ),
                fix: Fix::Rewrite {
                    operation: "updateForwardingNumber",
                    params: owned(&[
                        ("accountId", "~"),
                        ("extensionId", &id),
                        ("forwardingNumberId", &number_id),
                    ]),
                    resource: number.clone(),
                },
            });
        }
    }
    Ok(items)
}

async fn queue_references(
    client: &Client,
    refs: &Refs<'_>,
    named: &impl Fn(&str) -> String,
) -> Result<Vec<ImpactItem>> {
    let queues = records(client, "listCallQueues", &[("accountId", "~")]).await?;
    let mut items = Vec::new();
    let members: Vec<(Value, Result<Vec<Value>>)> = futures::stream::iter(queues)
        .map(|q| async move {
            let id = text(&q, "id").unwrap_or_default();
            let m = records(
                client,
                "listCallQueueMembers",
                &[("accountId", "~"), ("groupId", &id)],
            )
            .await;
            (q, m)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for (queue, members) in members {
        let members = members?;
        let id = text(&queue, "id").unwrap_or_default();
        let ids: Vec<String> = members.iter().filter_map(|m| text(m, "id")).collect();
        let others = ids.iter().filter(|m| !refs.is_subject(m)).count();
        for member in &ids {
            let Some(subject) = refs.subject(member) else {
                continue;
            };
            let mut detail = format!("member of call queue {}", named(&id));
            if others == 0 {
                detail.push_str("; the queue would be left with no members");
            }
            items.push(ImpactItem {
                user: subject.email.clone(),
                extension_id: id.clone(),
                name: text(&queue, "name").unwrap_or_else(|| named(&id)),
                kind: "call-queue".into(),
                detail,
                fix: Fix::Membership {
                    operation: "assignMultipleCallQueueMembers",
                    params: owned(&[("accountId", "~"), ("groupId", &id)]),
                    style: MembershipStyle::ExtensionIds,
                },
            });
        }
    }
    Ok(items)
}

async fn ivr_references(client: &Client, refs: &Refs<'_>) -> Result<Vec<ImpactItem>> {
    let menus = records(client, "readIvrMenuList", &[("accountId", "~")]).await?;
    let full: Vec<Result<Value>> = futures::stream::iter(menus)
        .map(|m| async move {
            let id = text(&m, "id").unwrap_or_default();
            let r = client
                .send(op_request(
                    "readIVRMenu",
                    &[("accountId", "~"), ("ivrMenuId", &id)],
                )?)
                .await?;
            Ok(r.json_value()?)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut items = Vec::new();
    for menu in full {
        let menu = menu?;
        let id = text(&menu, "id").unwrap_or_default();
        let actions = menu.get("actions").and_then(Value::as_array);
        for action in actions.into_iter().flatten() {
            for (subject, _) in refs.find_within(action) {
                items.push(ImpactItem {
                    user: subject.email.clone(),
                    extension_id: id.clone(),
                    name: text(&menu, "name").unwrap_or_else(|| id.clone()),
                    kind: "ivr-key".into(),
                    detail: format!(
                        "IVR key {} ({}) -> {}",
                        text(action, "input").unwrap_or_else(|| "?".into()),
                        text(action, "action").unwrap_or_default(),
                        subject.label()
                    ),
                    fix: Fix::Rewrite {
                        operation: "updateIVRMenu",
                        params: owned(&[("accountId", "~"), ("ivrMenuId", &id)]),
                        resource: menu.clone(),
                    },
                });
            }
        }
    }
    Ok(items)
}

/// The IVR keys of every site: the sites the extensions belong to, and those `listSites` names.
async fn site_ivr_references(
    client: &Client,
    refs: &Refs<'_>,
    mut sites: Vec<(String, String)>,
) -> Result<Vec<ImpactItem>> {
    for site in records(client, "listSites", &[("accountId", "~")]).await? {
        if let Some(id) = text(&site, "id").filter(|id| !sites.iter().any(|(s, _)| s == id)) {
            sites.push((id.clone(), text(&site, "name").unwrap_or(id)));
        }
    }
    let mut items = Vec::new();
    for (id, site_name) in sites {
        let settings: Value = match client
            .send(op_request(
                "readSiteIvrSettings",
                &[("accountId", "~"), ("siteId", &id)],
            )?)
            .await
        {
            Ok(r) => r.json_value()?,
            // A site listed but without IVR settings of its own.
            Err(e) if e.status() == Some(404) => continue,
            Err(e) => return Err(e.into()),
        };
        let actions = settings.get("actions").and_then(Value::as_array);
        for action in actions.into_iter().flatten() {
            for (subject, _) in refs.find_within(action) {
                items.push(ImpactItem {
                    user: subject.email.clone(),
                    extension_id: id.clone(),
                    name: format!("site {site_name}"),
                    kind: "site-ivr-key".into(),
                    detail: format!(
                        "site IVR key {} ({}) -> {}",
                        text(action, "input").unwrap_or_else(|| "?".into()),
                        text(action, "action").unwrap_or_default(),
                        subject.label()
                    ),
                    fix: Fix::Rewrite {
                        operation: "updateSiteIvrSettings",
                        params: owned(&[("accountId", "~"), ("siteId", &id)]),
                        resource: settings.clone(),
                    },
                });
            }
        }
    }
    Ok(items)
}

async fn company_rule_references(client: &Client, refs: &Refs<'_>) -> Result<Vec<ImpactItem>> {
    let rules = records(client, "listCompanyAnsweringRules", &[("accountId", "~")]).await?;
    let full: Vec<Result<Value>> = futures::stream::iter(rules)
        .map(|r| async move {
            let id = text(&r, "id").unwrap_or_default();
            let resp = client
                .send(op_request(
                    "readCompanyAnsweringRule",
                    &[("accountId", "~"), ("ruleId", &id)],
                )?)
                .await?;
            Ok(resp.json_value()?)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut items = Vec::new();
    for rule in full {
        let rule = rule?;
        let id = text(&rule, "id").unwrap_or_default();
        for (subject, at) in refs.find(&rule) {
            items.push(ImpactItem {
                user: subject.email.clone(),
                extension_id: id.clone(),
                name: text(&rule, "name").unwrap_or_else(|| id.clone()),
                kind: "company-rule".into(),
                detail: format!(
                    "company answering rule \"{}\": {} -> {}",
                    text(&rule, "name").unwrap_or_else(|| id.clone()),
                    at,
                    subject.label()
                ),
                fix: Fix::Rewrite {
                    operation: "updateCompanyAnsweringRule",
                    params: owned(&[("accountId", "~"), ("ruleId", &id)]),
                    resource: rule.clone(),
                },
            });
        }
    }
    Ok(items)
}

async fn paging_references(
    client: &Client,
    refs: &Refs<'_>,
    groups: &[&Value],
) -> Result<Vec<ImpactItem>> {
    let mut items = Vec::new();
    for group in groups {
        let id = text(group, "id").unwrap_or_default();
        let users = records(
            client,
            "listPagingGroupUsers",
            &[("accountId", "~"), ("pagingOnlyGroupId", &id)],
        )
        .await?;
        for user in users {
            let Some(subject) = text(&user, "id").and_then(|u| refs.subject(&u)) else {
                continue;
            };
            items.push(ImpactItem {
                user: subject.email.clone(),
                extension_id: id.clone(),
                name: ext_label(group),
                kind: "paging-group".into(),
                detail: format!("may page the paging-only group {}", ext_label(group)),
                fix: Fix::Membership {
                    operation: "assignMultiplePagingGroupUsersDevices",
                    params: owned(&[("accountId", "~"), ("pagingOnlyGroupId", &id)]),
                    style: MembershipStyle::UserIds,
                },
            });
        }
    }
    Ok(items)
}

async fn monitoring_references(client: &Client, refs: &Refs<'_>) -> Result<Vec<ImpactItem>> {
    let groups = records(client, "listCallMonitoringGroups", &[("accountId", "~")]).await?;
    let mut items = Vec::new();
    for group in groups {
        let id = text(&group, "id").unwrap_or_default();
        let members = records(
            client,
            "listCallMonitoringGroupMembers",
            &[("accountId", "~"), ("groupId", &id)],
        )
        .await?;
        let all: Vec<(String, Value)> = members
            .iter()
            .filter_map(|m| {
                Some((
                    text(m, "id")?,
                    m.get("permissions").cloned().unwrap_or(json!([])),
                ))
            })
            .collect();
        for member in members {
            let Some(subject) = text(&member, "id").and_then(|m| refs.subject(&m)) else {
                continue;
            };
            let permissions = member.get("permissions").cloned().unwrap_or(json!([]));
            let roles: Vec<&str> = permissions
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            items.push(ImpactItem {
                user: subject.email.clone(),
                extension_id: id.clone(),
                name: text(&group, "name").unwrap_or_else(|| id.clone()),
                kind: "monitoring-group".into(),
                detail: format!(
                    "call monitoring group \"{}\" ({})",
                    text(&group, "name").unwrap_or_else(|| id.clone()),
                    if roles.is_empty() {
                        "member".to_owned()
                    } else {
                        roles.join(", ")
                    }
                ),
                fix: Fix::Membership {
                    operation: "updateCallMonitoringGroupList",
                    params: owned(&[("accountId", "~"), ("groupId", &id)]),
                    style: MembershipStyle::Monitoring {
                        permissions,
                        members: all.clone(),
                    },
                },
            });
        }
    }
    Ok(items)
}

/// Every record of a listing operation.
pub(crate) async fn records(
    client: &Client,
    operation: &str,
    params: &[(&str, &str)],
) -> Result<Vec<Value>> {
    records_with(client, operation, params, &[]).await
}

async fn records_with(
    client: &Client,
    operation: &str,
    params: &[(&str, &str)],
    query: &[(&str, &str)],
) -> Result<Vec<Value>> {
    let op = ringcentral_api::operation(operation)
        .ok_or_else(|| Error::Input(format!("the catalog has no operation {operation}")))?;
    let mut request = op_request(operation, params)?;
    for (k, v) in query {
        request = request.query(*k, *v);
    }
    // The runtime reads an unpaged listing (`Paging::None`) as one page of `records`.
    client
        .paginate(request, op.paging)
        .map_err(Error::from)
        .try_collect()
        .await
}

/// The users a report looks for, by extension id and by phone number.
struct Refs<'a> {
    subjects: &'a [Subject],
    by_id: HashMap<&'a str, usize>,
    by_number: HashMap<String, usize>,
}

impl<'a> Refs<'a> {
    fn new(subjects: &'a [Subject]) -> Refs<'a> {
        let mut by_id = HashMap::new();
        let mut by_number = HashMap::new();
        for (i, s) in subjects.iter().enumerate() {
            by_id.insert(s.extension_id.as_str(), i);
            for n in &s.phone_numbers {
                if let Some(d) = digits(n) {
                    by_number.insert(d, i);
                }
            }
        }
        Refs {
            subjects,
            by_id,
            by_number,
        }
    }

    fn is_subject(&self, extension_id: &str) -> bool {
        self.by_id.contains_key(extension_id)
    }

    fn subject(&self, extension_id: &str) -> Option<&'a Subject> {
        self.by_id.get(extension_id).map(|&i| &self.subjects[i])
    }

    /// The references inside a resource (its own top-level `id` is not one), with where they are.
    fn find(&self, resource: &Value) -> Vec<(&'a Subject, String)> {
        let mut found = Vec::new();
        if let Value::Object(map) = resource {
            for (k, v) in map {
                if k != "id" && k != "uri" {
                    self.walk(v, k.clone(), &mut found);
                }
            }
        }
        found
    }

    /// The references anywhere in `value`, its own `id` included.
    fn find_within(&self, value: &Value) -> Vec<(&'a Subject, String)> {
        let mut found = Vec::new();
        self.walk(value, String::new(), &mut found);
        found
    }

    fn walk(&self, v: &Value, at: String, found: &mut Vec<(&'a Subject, String)>) {
        match v {
            Value::Object(map) => {
                if let Some(i) = map
                    .get("id")
                    .and_then(id_text)
                    .and_then(|id| self.by_id.get(id.as_str()))
                {
                    push_unique(found, &self.subjects[*i], at.clone());
                }
                for (k, child) in map {
                    if k == "id" || k == "uri" {
                        continue;
                    }
                    let path = if at.is_empty() {
                        k.clone()
                    } else {
                        format!("{at}.{k}")
                    };
                    self.walk(child, path, found);
                }
            }
            Value::Array(items) => {
                for (n, child) in items.iter().enumerate() {
                    self.walk(child, format!("{at}[{n}]"), found);
                }
            }
            Value::String(s) => {
                if let Some(i) = digits(s).and_then(|d| self.by_number.get(&d)) {
                    push_unique(found, &self.subjects[*i], at);
                }
            }
            _ => {}
        }
    }
}

fn push_unique<'a>(found: &mut Vec<(&'a Subject, String)>, s: &'a Subject, at: String) {
    // An object that names the user by id and by number is one reference.
    if !found
        .iter()
        .any(|(f, p)| std::ptr::eq(*f, s) && (at.starts_with(p.as_str()) || p.starts_with(&at)))
    {
        found.push((s, at));
    }
}

/// Replaces every reference to `from` inside `resource` (not its own `id`) by `to`: extension ids
/// (with their names and numbers), and phone numbers by `to`'s first one. Returns how many were
/// replaced, and how many numbers could not be because `to` has none.
pub fn rewrite(resource: &mut Value, from: &Subject, to: &Subject) -> (usize, usize) {
    let mut counts = (0, 0);
    if let Value::Object(map) = resource {
        for (k, v) in map.iter_mut() {
            if k != "id" && k != "uri" {
                rewrite_value(v, from, to, &mut counts);
            }
        }
    }
    counts
}

fn rewrite_value(v: &mut Value, from: &Subject, to: &Subject, counts: &mut (usize, usize)) {
    let from_numbers: Vec<String> = from
        .phone_numbers
        .iter()
        .filter_map(|n| digits(n))
        .collect();
    match v {
        Value::Object(map) => {
            if map.get("id").and_then(id_text).as_deref() == Some(from.extension_id.as_str()) {
                let new_id = match map.get("id") {
                    Some(Value::Number(_)) => to
                        .extension_id
                        .parse::<i64>()
                        .map(Value::from)
                        .unwrap_or_else(|_| Value::from(to.extension_id.clone())),
                    _ => Value::from(to.extension_id.clone()),
                };
                map.insert("id".into(), new_id);
                if map.contains_key("name") {
                    map.insert("name".into(), Value::from(to.name.clone()));
                }
                if let (Some(_), Some(n)) = (map.get("extensionNumber"), &to.extension_number) {
                    map.insert("extensionNumber".into(), Value::from(n.clone()));
                }
                counts.0 += 1;
            }
            for (k, child) in map.iter_mut() {
                if k != "id" && k != "uri" {
                    rewrite_value(child, from, to, counts);
                }
            }
        }
        Value::Array(items) => {
            for child in items {
                rewrite_value(child, from, to, counts);
            }
        }
        Value::String(s) if digits(s).is_some_and(|d| from_numbers.contains(&d)) => {
            match to.phone_numbers.first() {
                Some(n) => {
                    *s = n.clone();
                    counts.0 += 1;
                }
                None => counts.1 += 1,
            }
        }
        _ => {}
    }
}

/// The digits of a phone number, when the text is one (at least 7 digits, only phone punctuation).
fn digits(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')' | '.'))
    {
        return None;
    }
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    // A number written without its country code still matches (North America's 10 digits).
    let d = if d.len() == 11 && d.starts_with('1') {
        d[1..].to_owned()
    } else {
        d
    };
    (d.len() >= 7).then_some(d)
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(id_text).filter(|s| !s.is_empty())
}

fn ext_label(e: &Value) -> String {
    let name = text(e, "name").unwrap_or_else(|| text(e, "id").unwrap_or_default());
    match text(e, "extensionNumber") {
        Some(n) => format!("{name} (ext {n})"),
        None => name,
    }
}

fn owned(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(id: &str, number: &str) -> Subject {
        Subject {
            email: format!("{id}@x.com"),
            name: format!("User {id}"),
            extension_id: id.into(),
            extension_number: Some(format!("1{id}")),
            phone_numbers: vec![number.into()],
        }
    }

    #[test]
    fn references_are_found_by_id_and_by_number_but_not_the_resource_itself() {
        let s = [subject("101", "+16505550101")];
        let refs = Refs::new(&s);
        let rule = json!({
            "id": "101",
            "transfer": {"extension": {"id": "101"}},
            "forwarding": {"rules": [{"forwardingNumbers": [{"id": "9", "phoneNumber": "(650) 555-0101"}]}]},
            "callers": [{"callerId": "+16505550199"}]
        });
        let found: Vec<String> = refs.find(&rule).into_iter().map(|(_, at)| at).collect();
        assert_eq!(
            found,
            [
                "transfer.extension",
                "forwarding.rules[0].forwardingNumbers[0].phoneNumber"
            ]
        );
    }

    #[test]
    fn a_rewrite_points_every_reference_at_the_successor() {
        let from = subject("101", "+16505550101");
        let to = subject("202", "+16505550202");
        let mut rule = json!({
            "id": "101",
            "transfer": {"extension": {"id": 101, "name": "User 101", "extensionNumber": "1101"}},
            "unconditionalForwarding": {"phoneNumber": "+16505550101"}
        });
        assert_eq!(rewrite(&mut rule, &from, &to), (2, 0));
        assert_eq!(rule["id"], "101");
        assert_eq!(
            rule["transfer"]["extension"],
            json!({"id": 202, "name": "User 202", "extensionNumber": "1202"})
        );
        assert_eq!(
            rule["unconditionalForwarding"]["phoneNumber"],
            "+16505550202"
        );
        assert!(
            Refs::new(std::slice::from_ref(&from))
                .find(&rule)
                .is_empty()
        );
    }

    #[test]
    fn a_number_cannot_move_to_a_successor_without_one() {
        let from = subject("101", "+16505550101");
        let mut to = subject("202", "+16505550202");
        to.phone_numbers.clear();
        let mut number = json!({"id": "5", "phoneNumber": "+16505550101"});
        assert_eq!(rewrite(&mut number, &from, &to), (0, 1));
    }

    #[test]
    fn only_phone_like_text_is_a_number() {
        assert_eq!(digits("+1 (650) 555-0101").as_deref(), Some("6505550101"));
        assert_eq!(digits("Transfer 5550101 now"), None);
        assert_eq!(digits("12345"), None);
    }
}
