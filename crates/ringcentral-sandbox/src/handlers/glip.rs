//! Team messaging: chats, teams, posts and tasks, paged with `recordCount` and `pageToken`.

use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Entry, op, time, token_page};
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::store::{Chat, Post, Task};

pub fn entries() -> Vec<Entry> {
    vec![
        op!(
            "listGlipChatsNew",
            Get,
            "/team-messaging/v1/chats",
            Medium,
            list_chats
        ),
        op!(
            "readGlipChatNew",
            Get,
            "/team-messaging/v1/chats/{chatId}",
            Light,
            read_chat
        ),
        op!(
            "listGlipTeamsNew",
            Get,
            "/team-messaging/v1/teams",
            Medium,
            list_teams
        ),
        op!(
            "createGlipTeamNew",
            Post,
            "/team-messaging/v1/teams",
            Medium,
            create_team
        ),
        op!(
            "readGlipTeamNew",
            Get,
            "/team-messaging/v1/teams/{chatId}",
            Light,
            read_team
        ),
        op!(
            "readGlipPostsNew",
            Get,
            "/team-messaging/v1/chats/{chatId}/posts",
            Medium,
            list_posts
        ),
        op!(
            "createGlipPostNew",
            Post,
            "/team-messaging/v1/chats/{chatId}/posts",
            Medium,
            create_post
        ),
        op!(
            "listChatTasksNew",
            Get,
            "/team-messaging/v1/chats/{chatId}/tasks",
            Heavy,
            list_tasks
        ),
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

/// A chat the caller can see: a member, or any public team and the Everyone chat.
fn visible_chat(ctx: &Ctx<'_>) -> Result<Chat, ApiError> {
    let id = ctx.path("chatId")?;
    let me = me(ctx)?;
    match ctx.store().chat(id)? {
        Some(c)
            if c.kind == "Everyone"
                || c.members.contains(&me)
                || (c.kind == "Team" && c.public) =>
        {
            Ok(c)
        }
        _ => Err(ApiError::not_found("chatId")),
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
    let c = visible_chat(ctx)?;
    if c.kind != "Team" {
        return Err(ApiError::not_found("chatId"));
    }
    Ok(ApiResponse::ok(&team_json(&c)))
}

#[derive(Debug, Deserialize)]
struct Member {
    id: Option<String>,
    email: Option<String>,
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
    let me = me(ctx)?;
    let mut members = vec![me];
    for (i, m) in body.members.iter().enumerate() {
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
            Some(e) if e.is_user() => members.push(e.id),
            _ => return Err(ApiError::not_found(&format!("members[{i}]"))),
        }
    }
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

fn post_json(p: &Post) -> Value {
    let mut v = json!({
        "id": p.id,
        "groupId": p.chat_id,
        "type": "TextMessage",
        "text": p.text,
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

fn create_post(ctx: &Ctx<'_>) -> ApiResult {
    let chat = visible_chat(ctx)?;
    if chat.status == "Archived" {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "TMN-003",
            "The chat is archived; unarchive it to post",
        ));
    }
    let body: PostRequest = ctx.json()?;
    let text = body
        .text
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ApiError::missing("text"))?;
    if text.chars().count() > 10_000 {
        return Err(ApiError::invalid("text", "longer than 10000 characters"));
    }
    if let Some(parent) = &body.parent_post_id
        && !ctx.store().posts(&chat.id)?.iter().any(|p| &p.id == parent)
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
    })?;
    Ok(ApiResponse::json(StatusCode::CREATED, &post_json(&post)))
}

fn task_json(t: &Task) -> Value {
    let mut v = json!({
        "id": t.id,
        "type": "Task",
        "creationTime": time(t.created_ms),
        "lastModifiedTime": time(t.modified_ms),
        "creator": {"id": t.creator_id.to_string()},
        "chatIds": [t.chat_id],
        "status": t.status,
        "subject": t.subject,
        "assignees": t.assignees.iter().map(|a| json!({"id": a.to_string(), "status": if t.status == "Completed" { "Completed" } else { "Pending" }})).collect::<Vec<_>>(),
        "completenessCondition": "Simple",
    });
    if let Some(d) = t.due_ms {
        v["dueDate"] = json!(time(d));
    }
    v
}

fn list_tasks(ctx: &Ctx<'_>) -> ApiResult {
    let chat = visible_chat(ctx)?;
    let statuses = ctx.query_enum("status", &["Pending", "InProgress", "Completed"])?;
    let mut tasks = ctx.store().tasks(&chat.id)?;
    if !statuses.is_empty() {
        tasks.retain(|t| statuses.contains(&t.status));
    }
    let (page, nav) = token_page(ctx, tasks)?;
    Ok(ApiResponse::ok(
        &json!({"records": page.iter().map(task_json).collect::<Vec<_>>(), "navigation": nav}),
    ))
}
