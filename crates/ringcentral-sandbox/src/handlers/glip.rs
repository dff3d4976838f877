//! Team messaging: chats, teams and their membership, posts and tasks, paged with `recordCount` and
//! `pageToken`. A caller sees the chats they belong to, public teams and the company-wide chat, and
//! changes only chats they belong to; an archived team is read-only until it is unarchived.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Entry, no_content, op, time, token_page};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{Chat, Post, Task};

/// Longest post text RingCentral takes.
const MAX_TEXT: usize = 10_000;
const MAX_TEAM_NAME: usize = 250;
const MAX_TEAM_DESCRIPTION: usize = 1_000;
const MAX_SUBJECT: usize = 250;
const MAX_SECTION: usize = 100;
const MAX_TASK_DESCRIPTION: usize = 102_400;
const CONDITIONS: &[&str] = &["Simple", "AllAssignees", "Percentage"];
const COLORS: &[&str] = &[
    "Black", "Red", "Orange", "Yellow", "Green", "Blue", "Purple", "Magenta",
];

pub fn entries() -> Vec<Entry> {
    vec![
        op!("listGlipChatsNew", list_chats),
        op!("readGlipChatNew", read_chat),
        op!("listGlipTeamsNew", list_teams),
        op!("createGlipTeamNew", create_team),
        op!("readGlipTeamNew", read_team),
        op!("readGlipPostsNew", list_posts),
        op!("createGlipPostNew", create_post),
        op!("readGlipPostNew", read_post),
        op!("patchGlipPostNew", patch_post),
        op!("deleteGlipPostNew", delete_post),
        op!("patchGlipTeamNew", patch_team),
        op!("deleteGlipTeamNew", delete_team),
        op!("joinGlipTeamNew", join_team),
        op!("leaveGlipTeamNew", leave_team),
        op!("addGlipTeamMembersNew", add_team_members),
        op!("removeGlipTeamMembersNew", remove_team_members),
        op!("archiveGlipTeamNew", archive_team),
        op!("unarchiveGlipTeamNew", unarchive_team),
        op!("listChatTasksNew", list_tasks),
        op!("createTaskNew", create_task),
        op!("readTaskNew", read_task),
        op!("patchTaskNew", patch_task),
        op!("deleteTaskNew", delete_task),
        op!("completeTaskNew", complete_task),
    ]
}

const CHAT_TYPES: &[&str] = &["Personal", "Direct", "Group", "Team", "Everyone"];

fn chat_json(c: &Chat) -> Value {
    let mut v = json!({
        "id": c.id,
        "type": c.kind,
        "status": c.status,
        "creationTime": time(c.created_ms),
        "lastModifiedTime": time(c.modified_ms),
    });
    if matches!(c.kind.as_str(), "Team" | "Everyone") {
        v["public"] = json!(c.public);
        if let Some(n) = &c.name {
            v["name"] = json!(n);
        }
        if let Some(d) = &c.description {
            v["description"] = json!(d);
        }
    }
    if matches!(c.kind.as_str(), "Direct" | "Group" | "Personal") {
        v["members"] = json!(
            c.members
                .iter()
                .map(|m| json!({"id": m.to_string()}))
                .collect::<Vec<_>>()
        );
    }
    v
}

fn team_json(c: &Chat) -> Value {
    let mut v = chat_json(c);
    if let Some(o) = v.as_object_mut() {
        o.remove("members");
    }
    v
}

fn me(ctx: &Ctx<'_>) -> Result<i64, ApiError> {
    Ok(ctx.caller()?.session.extension_id)
}

fn is_member(chat: &Chat, who: i64) -> bool {
    chat.kind == "Everyone" || chat.members.contains(&who)
}

/// Chat `id` if the caller can see it: a member, or any public team and the Everyone chat. Any
/// other chat is not found under `parameter`, so that its existence does not leak.
fn visible(ctx: &Ctx<'_>, id: &str, parameter: &str) -> Result<Chat, ApiError> {
    let me = me(ctx)?;
    match ctx.store().chat(id)? {
        Some(c) if is_member(&c, me) || (c.kind == "Team" && c.public) => Ok(c),
        _ => Err(ApiError::not_found(parameter)),
    }
}

/// The chat of the `chatId` path parameter, if the caller can see it.
fn visible_chat(ctx: &Ctx<'_>) -> Result<Chat, ApiError> {
    visible(ctx, ctx.path("chatId")?, "chatId")
}

/// The team of the `chatId` path parameter, if the caller can see it; other chats are no teams.
fn visible_team(ctx: &Ctx<'_>) -> Result<Chat, ApiError> {
    let c = visible_chat(ctx)?;
    if c.kind != "Team" {
        return Err(ApiError::not_found("chatId"));
    }
    Ok(c)
}

/// A chat the caller may change things in: one they belong to. A public team they can read but
/// have not joined refuses.
fn require_member(ctx: &Ctx<'_>, chat: &Chat) -> Result<(), ApiError> {
    if is_member(chat, me(ctx)?) {
        Ok(())
    } else {
        Err(refused(
            "The user is not a member of the chat; join the team first",
        ))
    }
}

/// Team settings and membership are the team admin's: who created the team, or an administrator
/// of the account.
fn require_team_admin(ctx: &Ctx<'_>, team: &Chat) -> Result<(), ApiError> {
    let caller = ctx.caller()?;
    if caller.admin || team.creator_id == Some(caller.session.extension_id) {
        Ok(())
    } else {
        Err(refused(
            "Only the team's creator or an account administrator can do this",
        ))
    }
}

/// An archived chat is read-only; changes to it are refused with team messaging's `TMN-003`.
fn require_active(chat: &Chat) -> Result<(), ApiError> {
    if chat.status == "Archived" {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "TMN-003",
            "The chat is archived; unarchive it to change it or post",
        ))
    } else {
        Ok(())
    }
}

/// `CMN-408`: the user may not do this to this resource.
fn refused(why: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "CMN-408", why)
}

/// A text field within RingCentral's length limit.
fn within(field: &str, text: &str, max: usize) -> Result<(), ApiError> {
    if text.chars().count() > max {
        Err(ApiError::invalid(
            field,
            format!("longer than {max} characters"),
        ))
    } else {
        Ok(())
    }
}

fn list_chats(ctx: &Ctx<'_>) -> ApiResult {
    let types = ctx.query_enum("type", CHAT_TYPES)?;
    let mut chats = ctx.store().chats_of(me(ctx)?)?;
    if !types.is_empty() {
        chats.retain(|c| types.contains(&c.kind));
    }
    chats.sort_by(|a, b| b.modified_ms.cmp(&a.modified_ms).then(a.id.cmp(&b.id)));
    let (page, nav) = token_page(ctx, chats)?;
    Ok(ApiResponse::ok(
        &json!({"records": page.iter().map(chat_json).collect::<Vec<_>>(), "navigation": nav}),
    ))
}

fn read_chat(ctx: &Ctx<'_>) -> ApiResult {
    Ok(ApiResponse::ok(&chat_json(&visible_chat(ctx)?)))
}

fn list_teams(ctx: &Ctx<'_>) -> ApiResult {
    let mut teams: Vec<Chat> = ctx
        .store()
        .chats_of(me(ctx)?)?
        .into_iter()
        .filter(|c| c.kind == "Team")
        .collect();
    teams.sort_by(|a, b| b.modified_ms.cmp(&a.modified_ms).then(a.id.cmp(&b.id)));
    let (page, nav) = token_page(ctx, teams)?;
    Ok(ApiResponse::ok(
        &json!({"records": page.iter().map(team_json).collect::<Vec<_>>(), "navigation": nav}),
    ))
}

fn read_team(ctx: &Ctx<'_>) -> ApiResult {
    Ok(ApiResponse::ok(&team_json(&visible_team(ctx)?)))
}

#[derive(Debug, Deserialize)]
struct Member {
    id: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Members {
    members: Vec<Member>,
}

/// The users a list of members names, by id or by email; anyone who is not a user of the caller's
/// account is not found.
fn resolve_members(ctx: &Ctx<'_>, members: &[Member]) -> Result<Vec<i64>, ApiError> {
    let account = ctx.caller()?.session.account_id;
    let mut out = Vec::with_capacity(members.len());
    for (i, m) in members.iter().enumerate() {
        let ext = match (&m.id, &m.email) {
            (Some(id), _) => id
                .parse::<i64>()
                .ok()
                .map(|id| ctx.store().extension(id))
                .transpose()?
                .flatten(),
            (None, Some(email)) => ctx.store().extension_by_email(email)?,
            (None, None) => {
                return Err(ApiError::invalid(
                    &format!("members[{i}]"),
                    "a member needs an id or an email",
                ));
            }
        };
        match ext {
            Some(e) if e.is_user() && e.account_id == account => out.push(e.id),
            _ => return Err(ApiError::not_found(&format!("members[{i}]"))),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TeamRequest {
    public: Option<bool>,
    name: String,
    description: Option<String>,
    #[serde(default)]
    members: Vec<Member>,
}

fn create_team(ctx: &Ctx<'_>) -> ApiResult {
    let body: TeamRequest = ctx.json()?;
    if body.name.trim().is_empty() {
        return Err(ApiError::missing("name"));
    }
    within("name", &body.name, MAX_TEAM_NAME)?;
    if let Some(d) = &body.description {
        within("description", d, MAX_TEAM_DESCRIPTION)?;
    }
    let me = me(ctx)?;
    let mut members = resolve_members(ctx, &body.members)?;
    members.push(me);
    members.sort_unstable();
    members.dedup();
    let now = ctx.now_ms();
    let team = ctx.store().insert_chat(&Chat {
        id: String::new(),
        kind: "Team".into(),
        public: body.public.unwrap_or(false),
        name: Some(body.name),
        description: body.description,
        status: "Active".into(),
        created_ms: now,
        modified_ms: now,
        creator_id: Some(me),
        members,
    })?;
    Ok(ApiResponse::json(StatusCode::CREATED, &team_json(&team)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TeamUpdate {
    public: Option<bool>,
    name: Option<String>,
    description: Option<String>,
}

fn patch_team(ctx: &Ctx<'_>) -> ApiResult {
    let mut team = visible_team(ctx)?;
    require_team_admin(ctx, &team)?;
    require_active(&team)?;
    let body: TeamUpdate = ctx.json()?;
    if let Some(name) = body.name {
        if name.trim().is_empty() {
            return Err(ApiError::invalid("name", "a team needs a name"));
        }
        within("name", &name, MAX_TEAM_NAME)?;
        team.name = Some(name);
    }
    if let Some(d) = body.description {
        within("description", &d, MAX_TEAM_DESCRIPTION)?;
        team.description = Some(d);
    }
    if let Some(p) = body.public {
        team.public = p;
    }
    team.modified_ms = ctx.now_ms();
    ctx.store().update_chat(&team)?;
    Ok(ApiResponse::ok(&team_json(&team)))
}

fn delete_team(ctx: &Ctx<'_>) -> ApiResult {
    let team = visible_team(ctx)?;
    require_team_admin(ctx, &team)?;
    ctx.store().delete_chat(&team.id)?;
    no_content()
}

/// Joins a public team. A private team is not found by those outside it, so only its own members
/// reach it here, and for them joining again changes nothing.
fn join_team(ctx: &Ctx<'_>) -> ApiResult {
    let team = visible_team(ctx)?;
    require_active(&team)?;
    let me = me(ctx)?;
    ctx.store()
        .add_chat_members(&team.id, &[me], me, ctx.now_ms())?;
    no_content()
}

fn leave_team(ctx: &Ctx<'_>) -> ApiResult {
    let team = visible_team(ctx)?;
    require_member(ctx, &team)?;
    require_active(&team)?;
    ctx.store()
        .remove_chat_members(&team.id, &[me(ctx)?], ctx.now_ms())?;
    no_content()
}

fn add_team_members(ctx: &Ctx<'_>) -> ApiResult {
    let team = visible_team(ctx)?;
    require_team_admin(ctx, &team)?;
    require_active(&team)?;
    let body: Members = ctx.json()?;
    let members = resolve_members(ctx, &body.members)?;
    ctx.store()
        .add_chat_members(&team.id, &members, me(ctx)?, ctx.now_ms())?;
    no_content()
}

fn remove_team_members(ctx: &Ctx<'_>) -> ApiResult {
    let team = visible_team(ctx)?;
    require_team_admin(ctx, &team)?;
    require_active(&team)?;
    let body: Members = ctx.json()?;
    let mut ids = Vec::with_capacity(body.members.len());
    for (i, m) in body.members.iter().enumerate() {
        let field = format!("members[{i}].id");
        let id = m.id.as_deref().ok_or_else(|| ApiError::missing(&field))?;
        ids.push(
            id.parse::<i64>()
                .map_err(|_| ApiError::invalid(&field, format!("{id:?} is not a person id")))?,
        );
    }
    // Removing someone who is not a member leaves the team as it is, as removing twice would.
    ctx.store()
        .remove_chat_members(&team.id, &ids, ctx.now_ms())?;
    no_content()
}

fn archive_team(ctx: &Ctx<'_>) -> ApiResult {
    set_team_status(ctx, "Archived")
}

fn unarchive_team(ctx: &Ctx<'_>) -> ApiResult {
    set_team_status(ctx, "Active")
}

fn set_team_status(ctx: &Ctx<'_>, status: &str) -> ApiResult {
    let mut team = visible_team(ctx)?;
    require_team_admin(ctx, &team)?;
    if team.status != status {
        team.status = status.to_owned();
        team.modified_ms = ctx.now_ms();
        ctx.store().update_chat(&team)?;
    }
    no_content()
}

fn post_json(p: &Post) -> Value {
    let mut v = json!({
        "id": p.id,
        "groupId": p.chat_id,
        "type": p.kind,
        "creatorId": p.creator_id.to_string(),
        "creationTime": time(p.created_ms),
        "lastModifiedTime": time(p.modified_ms),
        "attachments": [],
        "mentions": [],
        "isParent": p.parent_post_id.is_none(),
    });
    if let Some(parent) = &p.parent_post_id {
        v["parentPostId"] = json!(parent);
        v["threadId"] = json!(parent);
    }
    // Text belongs to text messages; an event post names who it added instead.
    if p.kind == "TextMessage" {
        v["text"] = json!(p.text);
    }
    if !p.added_person_ids.is_empty() {
        v["addedPersonIds"] = json!(
            p.added_person_ids
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
        );
    }
    v
}

fn list_posts(ctx: &Ctx<'_>) -> ApiResult {
    let chat = visible_chat(ctx)?;
    let posts = ctx.store().posts(&chat.id)?;
    let (page, nav) = token_page(ctx, posts)?;
    Ok(ApiResponse::ok(
        &json!({"records": page.iter().map(post_json).collect::<Vec<_>>(), "navigation": nav}),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostRequest {
    text: Option<String>,
    parent_post_id: Option<String>,
}

/// Post text as RingCentral takes it: not blank, and within its length limit.
fn post_text(text: Option<String>) -> Result<String, ApiError> {
    let text = text
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ApiError::missing("text"))?;
    within("text", &text, MAX_TEXT)?;
    Ok(text)
}

fn create_post(ctx: &Ctx<'_>) -> ApiResult {
    let chat = visible_chat(ctx)?;
    require_member(ctx, &chat)?;
    require_active(&chat)?;
    let body: PostRequest = ctx.json()?;
    let text = post_text(body.text)?;
    if let Some(parent) = &body.parent_post_id
        && ctx.store().post(&chat.id, parent)?.is_none()
    {
        return Err(ApiError::not_found("parentPostId"));
    }
    let now = ctx.now_ms();
    let post = ctx.store().insert_post(&Post {
        id: String::new(),
        chat_id: chat.id,
        creator_id: me(ctx)?,
        text,
        parent_post_id: body.parent_post_id,
        created_ms: now,
        modified_ms: now,
        kind: "TextMessage".into(),
        added_person_ids: Vec::new(),
    })?;
    Ok(ApiResponse::json(StatusCode::CREATED, &post_json(&post)))
}

/// The post of the `postId` path parameter in a chat the caller can see.
fn visible_post(ctx: &Ctx<'_>) -> Result<(Chat, Post), ApiError> {
    let chat = visible_chat(ctx)?;
    match ctx.store().post(&chat.id, ctx.path("postId")?)? {
        Some(p) => Ok((chat, p)),
        None => Err(ApiError::not_found("postId")),
    }
}

fn read_post(ctx: &Ctx<'_>) -> ApiResult {
    let (_, post) = visible_post(ctx)?;
    Ok(ApiResponse::ok(&post_json(&post)))
}

#[derive(Debug, Deserialize)]
struct PostUpdate {
    text: Option<String>,
}

fn patch_post(ctx: &Ctx<'_>) -> ApiResult {
    let (chat, mut post) = visible_post(ctx)?;
    require_member(ctx, &chat)?;
    if post.kind != "TextMessage" {
        return Err(refused("Only a text message can be edited"));
    }
    if post.creator_id != me(ctx)? {
        return Err(refused("Only the author of a post can edit it"));
    }
    require_active(&chat)?;
    let body: PostUpdate = ctx.json()?;
    // The update names only what changes: a body without text leaves the post as it was.
    if body.text.is_some() {
        post.text = post_text(body.text)?;
        post.modified_ms = ctx.now_ms();
        ctx.store().update_post(&post)?;
    }
    Ok(ApiResponse::ok(&post_json(&post)))
}

fn delete_post(ctx: &Ctx<'_>) -> ApiResult {
    let (chat, post) = visible_post(ctx)?;
    let caller = ctx.caller()?;
    if post.creator_id != caller.session.extension_id && !caller.admin {
        return Err(refused(
            "Only the author of a post or an account administrator can delete it",
        ));
    }
    require_active(&chat)?;
    ctx.store().delete_post(&chat.id, &post.id)?;
    no_content()
}

fn task_json(t: &Task) -> Value {
    let assignees: Vec<Value> = t
        .assignees
        .iter()
        .map(|a| {
            let status = if t.assignee_completed(*a) {
                "Completed"
            } else {
                "Pending"
            };
            json!({"id": a.to_string(), "status": status})
        })
        .collect();
    let mut v = json!({
        "id": t.id,
        "type": "Task",
        "creationTime": time(t.created_ms),
        "lastModifiedTime": time(t.modified_ms),
        "creator": {"id": t.creator_id.to_string()},
        "chatIds": [t.chat_id],
        "status": t.status,
        "subject": t.subject,
        "assignees": assignees,
        "completenessCondition": t.completeness_condition,
        "color": t.color.as_deref().unwrap_or("Black"),
    });
    if let Some(p) = t.completeness_percentage {
        v["completenessPercentage"] = json!(p);
    }
    if let Some(d) = t.start_ms {
        v["startDate"] = json!(time(d));
    }
    if let Some(d) = t.due_ms {
        v["dueDate"] = json!(time(d));
    }
    if let Some(s) = &t.section {
        v["section"] = json!(s);
    }
    if let Some(d) = &t.description {
        v["description"] = json!(d);
    }
    if let Some(r) = &t.recurrence {
        v["recurrence"] = r.clone();
    }
    if !t.attachments.is_empty() {
        v["attachments"] = json!(t.attachments);
    }
    v
}

/// A creation-time bound of the task list. The spec's own example leaves out the time zone
/// (`2016-02-23T00:00:00`), so such a time is read as UTC.
fn creation_time(ctx: &Ctx<'_>, name: &str) -> Result<Option<i64>, ApiError> {
    let Some(v) = ctx.query(name) else {
        return Ok(None);
    };
    crate::clock::parse_rfc3339(v)
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc().timestamp_millis())
        })
        .map(Some)
        .ok_or_else(|| {
            ApiError::invalid(
                name,
                "expected an ISO 8601 date-time such as 2019-03-10T18:23:45Z",
            )
        })
}

fn list_tasks(ctx: &Ctx<'_>) -> ApiResult {
    let chat = visible_chat(ctx)?;
    let statuses = ctx.query_enum("status", &["Pending", "InProgress", "Completed"])?;
    let creators = ctx.query_all("creatorId");
    let assignee_ids = ctx.query_all("assigneeId");
    let assignment = ctx.query_enum("assignmentStatus", &["Unassigned", "Assigned"])?;
    let assignee_status = ctx.query_enum("assigneeStatus", &["Pending", "Completed"])?;
    let from = creation_time(ctx, "creationTimeFrom")?;
    let to = creation_time(ctx, "creationTimeTo")?;
    let mut tasks = ctx.store().tasks(&chat.id)?;
    tasks.retain(|t| {
        let named = |a: &i64| assignee_ids.is_empty() || assignee_ids.contains(&a.to_string());
        (statuses.is_empty() || statuses.contains(&t.status))
            && (creators.is_empty() || creators.contains(&t.creator_id.to_string()))
            && (assignee_ids.is_empty() || t.assignees.iter().any(named))
            && assignment
                .iter()
                .all(|a| (a == "Assigned") != t.assignees.is_empty())
            && assignee_status.iter().all(|s| {
                t.assignees
                    .iter()
                    .filter(|a| named(a))
                    .any(|a| t.assignee_completed(*a) == (s == "Completed"))
            })
            && from.is_none_or(|f| t.created_ms >= f)
            && to.is_none_or(|e| t.created_ms <= e)
    });
    let (page, nav) = token_page(ctx, tasks)?;
    Ok(ApiResponse::ok(
        &json!({"records": page.iter().map(task_json).collect::<Vec<_>>(), "navigation": nav}),
    ))
}

#[derive(Debug, Deserialize)]
struct IdRef {
    id: Option<String>,
}

/// The fields of a task a client sets, on create (`TMCreateTaskRequest`) or update
/// (`TMUpdateTaskRequest`): absent fields are left as they are.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TaskFields {
    subject: Option<String>,
    assignees: Option<Vec<IdRef>>,
    completeness_condition: Option<String>,
    start_date: Option<String>,
    due_date: Option<String>,
    color: Option<String>,
    section: Option<String>,
    description: Option<String>,
    recurrence: Option<Value>,
    attachments: Option<Vec<Value>>,
}

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            field,
            format!("{value:?} is not one of {}", allowed.join(", ")),
        ))
    }
}

fn date(field: &str, text: &str) -> Result<i64, ApiError> {
    crate::clock::parse_rfc3339(text).ok_or_else(|| {
        ApiError::invalid(
            field,
            "expected an ISO 8601 date-time such as 2024-03-10T18:07:52.534Z",
        )
    })
}

/// Assignees of a task in `chat`: people of the chat, named by id.
fn task_assignees(ctx: &Ctx<'_>, chat: &Chat, list: &[IdRef]) -> Result<Vec<i64>, ApiError> {
    let account = ctx.caller()?.session.account_id;
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        let field = format!("assignees[{i}].id");
        let raw = a.id.as_deref().ok_or_else(|| ApiError::missing(&field))?;
        let user = raw
            .parse::<i64>()
            .ok()
            .map(|id| ctx.store().extension(id))
            .transpose()?
            .flatten()
            .filter(|e| e.is_user() && e.account_id == account);
        match user {
            Some(e) if is_member(chat, e.id) => out.push(e.id),
            Some(_) => {
                return Err(ApiError::invalid(&field, "not a member of the chat"));
            }
            None => return Err(ApiError::invalid(&field, format!("no person {raw:?}"))),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Applies the fields a request sets to `task`, each checked against RingCentral's limits.
fn apply_task_fields(
    ctx: &Ctx<'_>,
    chat: &Chat,
    task: &mut Task,
    f: TaskFields,
) -> Result<(), ApiError> {
    if let Some(subject) = f.subject {
        if subject.trim().is_empty() {
            return Err(ApiError::missing("subject"));
        }
        within("subject", &subject, MAX_SUBJECT)?;
        task.subject = subject;
    }
    if let Some(list) = &f.assignees {
        task.assignees = task_assignees(ctx, chat, list)?;
    }
    if let Some(c) = &f.completeness_condition {
        one_of("completenessCondition", c, CONDITIONS)?;
        task.set_condition(c);
    }
    if let Some(d) = &f.start_date {
        task.start_ms = Some(date("startDate", d)?);
    }
    if let Some(d) = &f.due_date {
        task.due_ms = Some(date("dueDate", d)?);
    }
    if let (Some(start), Some(due)) = (task.start_ms, task.due_ms)
        && due < start
    {
        return Err(ApiError::invalid("dueDate", "earlier than startDate"));
    }
    if let Some(c) = f.color {
        one_of("color", &c, COLORS)?;
        task.color = Some(c);
    }
    if let Some(s) = f.section {
        within("section", &s, MAX_SECTION)?;
        task.section = Some(s);
    }
    if let Some(d) = f.description {
        within("description", &d, MAX_TASK_DESCRIPTION)?;
        task.description = Some(d);
    }
    if let Some(r) = f.recurrence {
        // An ending condition needs what it ends by: a count of iterations, or a date.
        let ending = r.get("endingCondition").and_then(Value::as_str);
        for (condition, field) in [("Count", "endingAfter"), ("Date", "endingOn")] {
            if ending == Some(condition) && r.get(field).is_none_or(Value::is_null) {
                return Err(ApiError::missing(&format!("recurrence.{field}")));
            }
        }
        if let Some(on) = r.get("endingOn").and_then(Value::as_str) {
            date("recurrence.endingOn", on)?;
        }
        task.recurrence = Some(r);
    }
    if let Some(list) = f.attachments {
        // A task carries files only; an update may name any attachment type, so check it here.
        for (i, a) in list.iter().enumerate() {
            if a.get("type").and_then(Value::as_str).unwrap_or("File") != "File" {
                return Err(ApiError::invalid(
                    &format!("attachments[{i}].type"),
                    "a task's attachments are files",
                ));
            }
        }
        task.attachments = list;
    }
    task.settle();
    Ok(())
}

fn create_task(ctx: &Ctx<'_>) -> ApiResult {
    let chat = visible_chat(ctx)?;
    require_member(ctx, &chat)?;
    require_active(&chat)?;
    let fields: TaskFields = ctx.json()?;
    if fields.subject.is_none() {
        return Err(ApiError::missing("subject"));
    }
    if fields.assignees.is_none() {
        return Err(ApiError::missing("assignees"));
    }
    let now = ctx.now_ms();
    let mut task = Task {
        id: String::new(),
        chat_id: chat.id.clone(),
        creator_id: me(ctx)?,
        subject: String::new(),
        assignees: Vec::new(),
        status: "Pending".into(),
        created_ms: now,
        modified_ms: now,
        due_ms: None,
        completeness_condition: "Simple".into(),
        completeness_percentage: None,
        completed_by: Vec::new(),
        start_ms: None,
        color: Some("Black".into()),
        section: None,
        description: None,
        recurrence: None,
        attachments: Vec::new(),
    };
    apply_task_fields(ctx, &chat, &mut task, fields)?;
    let task = ctx.store().insert_task(&task)?;
    Ok(ApiResponse::json(StatusCode::CREATED, &task_json(&task)))
}

/// The task of the `taskId` path parameter with its chat, if the caller can see that chat.
fn visible_task(ctx: &Ctx<'_>) -> Result<(Chat, Task), ApiError> {
    let task = ctx
        .store()
        .task(ctx.path("taskId")?)?
        .ok_or_else(|| ApiError::not_found("taskId"))?;
    let chat = visible(ctx, &task.chat_id, "taskId")?;
    Ok((chat, task))
}

/// A task the caller may change: one in an active chat they belong to.
fn changeable_task(ctx: &Ctx<'_>) -> Result<(Chat, Task), ApiError> {
    let (chat, task) = visible_task(ctx)?;
    require_member(ctx, &chat)?;
    require_active(&chat)?;
    Ok((chat, task))
}

fn read_task(ctx: &Ctx<'_>) -> ApiResult {
    let (_, task) = visible_task(ctx)?;
    Ok(ApiResponse::ok(&task_json(&task)))
}

fn patch_task(ctx: &Ctx<'_>) -> ApiResult {
    let (chat, mut task) = changeable_task(ctx)?;
    // The body is optional here: no body changes nothing.
    let fields: TaskFields = if ctx.req.body_json.is_none() && ctx.req.body.trim_ascii().is_empty()
    {
        TaskFields::default()
    } else {
        ctx.json()?
    };
    apply_task_fields(ctx, &chat, &mut task, fields)?;
    task.modified_ms = ctx.now_ms();
    ctx.store().update_task(&task)?;
    Ok(ApiResponse::ok(&json!({"records": [task_json(&task)]})))
}

fn delete_task(ctx: &Ctx<'_>) -> ApiResult {
    let (_, task) = changeable_task(ctx)?;
    let caller = ctx.caller()?;
    if task.creator_id != caller.session.extension_id && !caller.admin {
        return Err(refused(
            "Only the creator of a task or an account administrator can delete it",
        ));
    }
    ctx.store().delete_task(&task.id)?;
    no_content()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CompleteRequest {
    status: Option<String>,
    assignees: Option<Vec<IdRef>>,
    completeness_percentage: Option<i64>,
}

/// Marks a task (or, for an `AllAssignees` task, some assignees' parts of it) complete or
/// incomplete, or sets how far a `Percentage` task is.
fn complete_task(ctx: &Ctx<'_>) -> ApiResult {
    let (_, mut task) = changeable_task(ctx)?;
    let body: CompleteRequest = ctx.json()?;
    if let Some(s) = &body.status {
        one_of("status", s, &["Complete", "Incomplete"])?;
    }
    let complete = body.status.as_deref() != Some("Incomplete");
    match task.completeness_condition.as_str() {
        "AllAssignees" => {
            let me = me(ctx)?;
            let who: Vec<i64> = match &body.assignees {
                Some(list) => {
                    let mut who = Vec::with_capacity(list.len());
                    for (i, a) in list.iter().enumerate() {
                        let field = format!("assignees[{i}].id");
                        let raw = a.id.as_deref().ok_or_else(|| ApiError::missing(&field))?;
                        match raw.parse::<i64>() {
                            Ok(id) if task.assignees.contains(&id) => who.push(id),
                            _ => {
                                return Err(ApiError::invalid(
                                    &field,
                                    format!("{raw:?} is not an assignee of the task"),
                                ));
                            }
                        }
                    }
                    who
                }
                // Without a list the caller completes their own part.
                None if task.assignees.contains(&me) => vec![me],
                None if task.assignees.is_empty() => Vec::new(),
                None => return Err(ApiError::missing("assignees")),
            };
            if task.assignees.is_empty() {
                task.status = if complete { "Completed" } else { "Pending" }.into();
            }
            if complete {
                task.completed_by.extend(who);
            } else {
                task.completed_by.retain(|a| !who.contains(a));
            }
        }
        "Percentage" => {
            let p = match (body.completeness_percentage, body.status.as_deref()) {
                (Some(p), _) => p,
                (None, Some("Incomplete")) => 0,
                (None, Some(_)) => 100,
                (None, None) => return Err(ApiError::missing("completenessPercentage")),
            };
            if !(0..=100).contains(&p) {
                return Err(ApiError::invalid(
                    "completenessPercentage",
                    "must be from 0 to 100",
                ));
            }
            task.completeness_percentage = Some(p);
        }
        _ => task.status = if complete { "Completed" } else { "Pending" }.into(),
    }
    task.settle();
    task.modified_ms = ctx.now_ms();
    ctx.store().update_task(&task)?;
    no_content()
}
