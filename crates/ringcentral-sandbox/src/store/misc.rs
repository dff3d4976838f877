//! Smaller resources: forwarding numbers, answering rules, presence, team messaging (chats, posts,
//! tasks), video bridges and notification subscriptions.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Store, from_json, json_row, json_rows, to_json};
use crate::error::Result;

/// A forwarding number of an extension.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardingNumber {
    pub id: i64,
    pub extension_id: i64,
    pub phone_number: String,
    pub label: String,
    /// `Home`, `Mobile`, `Work`, `PhoneLine`, `Outage`, `Other`, ...
    pub kind: String,
    pub features: Vec<String>,
    pub flip_number: Option<i32>,
    /// When the number is another extension's direct number, that extension.
    pub target_extension_id: Option<i64>,
    /// A `PhoneLine` forwarding number rings this device of the account instead of a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<i64>,
}

/// Ids of the two rules every extension has; they can be changed but not deleted.
pub const BUSINESS_HOURS_RULE: &str = "business-hours-rule";
pub const AFTER_HOURS_RULE: &str = "after-hours-rule";

/// The business-hours and after-hours rules of an extension as they are until changed: ring the
/// forwarding numbers in turn during business hours, take messages after hours.
pub fn default_answering_rules(
    extension_id: i64,
    numbers: &[ForwardingNumber],
) -> Vec<(String, Value)> {
    let forwarding: Vec<Value> = numbers
        .iter()
        .map(|n| json!({"id": n.id.to_string(), "phoneNumber": n.phone_number, "label": n.label, "type": n.kind}))
        .collect();
    vec![
        (
            BUSINESS_HOURS_RULE.to_owned(),
            json!({
                "id": BUSINESS_HOURS_RULE,
                "type": "BusinessHours",
                "enabled": true,
                "callHandlingAction": "ForwardCalls",
                "forwarding": {
                    "notifyMySoftPhones": true,
                    "notifyAdminSoftPhones": false,
                    "softPhonesRingCount": 1,
                    "ringingMode": "Sequentially",
                    "rules": [{"index": 1, "ringCount": 4, "enabled": true, "forwardingNumbers": forwarding}],
                },
                "voicemail": {"enabled": true, "recipient": {"id": extension_id.to_string()}},
            }),
        ),
        (
            AFTER_HOURS_RULE.to_owned(),
            json!({
                "id": AFTER_HOURS_RULE,
                "type": "AfterHours",
                "enabled": true,
                "callHandlingAction": "TakeMessagesOnly",
                "voicemail": {"enabled": true, "recipient": {"id": extension_id.to_string()}},
            }),
        ),
    ]
}

/// Brings the forwarding numbers a stored rule rings up to date: a rule names them by id, so a
/// changed number reads as it is now and a deleted one drops out of the rule. Entries without an
/// id are left as they are.
pub fn refresh_forwarding(rule: &mut Value, numbers: &[ForwardingNumber]) {
    let Some(rules) = rule
        .pointer_mut("/forwarding/rules")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for r in rules {
        let Some(list) = r.get_mut("forwardingNumbers").and_then(Value::as_array_mut) else {
            continue;
        };
        list.retain_mut(|entry| {
            let Some(id) = entry.get("id").and_then(Value::as_str).map(str::to_owned) else {
                return true;
            };
            match numbers.iter().find(|n| n.id.to_string() == id) {
                Some(n) => {
                    entry["phoneNumber"] = json!(n.phone_number);
                    entry["label"] = json!(n.label);
                    entry["type"] = json!(n.kind);
                    true
                }
                None => false,
            }
        });
    }
}

/// Presence of an extension.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    pub user_status: String,
    pub dnd_status: String,
    pub telephony_status: String,
    pub message: Option<String>,
    pub allow_see_my_presence: bool,
    pub ring_on_monitored_call: bool,
    pub pick_up_calls_on_hold: bool,
    pub accept_call_queue_calls: bool,
    /// The user's own Do Not Disturb state, where the communication handling service sets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnd_status_personal: Option<String>,
    /// Who sees the presence: `All`, `None` or `PermittedUsers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_id_visibility: Option<String>,
}

impl Presence {
    /// The aggregated status RingCentral derives from the user's and the phone's status.
    pub fn presence_status(&self) -> &'static str {
        match (self.user_status.as_str(), self.telephony_status.as_str()) {
            ("Offline", _) => "Offline",
            (_, "NoCall") if self.user_status == "Available" => "Available",
            _ => "Busy",
        }
    }
}

/// A team messaging conversation: a team, a group, a direct chat, or the personal chat.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Chat {
    pub id: String,
    /// `Everyone`, `Team`, `Group`, `Direct`, `Personal`.
    pub kind: String,
    pub public: bool,
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub created_ms: i64,
    pub modified_ms: i64,
    /// Who created a team through the API: its team admin. Seeded chats have none, and are managed
    /// by the account's administrators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<i64>,
    #[serde(skip)]
    pub members: Vec<i64>,
}

/// A post of a chat.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Post {
    pub id: String,
    pub chat_id: String,
    pub creator_id: i64,
    pub text: String,
    pub parent_post_id: Option<String>,
    pub created_ms: i64,
    pub modified_ms: i64,
    /// `TextMessage`, or the event a team records when people join it (`PersonJoined`) or are
    /// added to it (`PersonsAdded`). Rows stored before the field existed are text messages.
    #[serde(default = "text_message")]
    pub kind: String,
    /// Who a `PersonsAdded` event added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added_person_ids: Vec<i64>,
}

fn text_message() -> String {
    "TextMessage".to_owned()
}

/// A task of a chat.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: String,
    pub chat_id: String,
    pub creator_id: i64,
    pub subject: String,
    pub assignees: Vec<i64>,
    /// `Pending`, `InProgress` or `Completed`, as [`Task::settle`] derives it.
    pub status: String,
    pub created_ms: i64,
    pub modified_ms: i64,
    pub due_ms: Option<i64>,
    /// `Simple`, `AllAssignees` or `Percentage`. Rows stored before the field existed are `Simple`.
    #[serde(default = "simple_condition")]
    pub completeness_condition: String,
    /// How far a `Percentage` task is done, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completeness_percentage: Option<i64>,
    /// The assignees who completed their part of an `AllAssignees` task.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub completed_by: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `TaskRecurrenceInfo` as the client set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Value>,
    /// `TaskAttachment`s as the client set them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Value>,
}

fn simple_condition() -> String {
    "Simple".to_owned()
}

impl Task {
    /// Whether an assignee has done their part: each assignee of an `AllAssignees` task completes
    /// on their own; under the other conditions the task completes for everyone at once.
    pub fn assignee_completed(&self, assignee: i64) -> bool {
        if self.completeness_condition == "AllAssignees" {
            self.completed_by.contains(&assignee)
        } else {
            self.status == "Completed"
        }
    }

    /// Derives the task's status from its completeness condition: `AllAssignees` from who has
    /// completed (a task nobody is assigned to keeps the status it was given), `Percentage` from
    /// the percentage; a `Simple` task is either done or not.
    pub fn settle(&mut self) {
        match self.completeness_condition.as_str() {
            "AllAssignees" => {
                let assignees = &self.assignees;
                self.completed_by.retain(|a| assignees.contains(a));
                self.completed_by.sort_unstable();
                self.completed_by.dedup();
                if !self.assignees.is_empty() {
                    self.status = if self.completed_by.len() == self.assignees.len() {
                        "Completed"
                    } else if self.completed_by.is_empty() {
                        "Pending"
                    } else {
                        "InProgress"
                    }
                    .into();
                }
                self.completeness_percentage = None;
            }
            "Percentage" => {
                let p = self.completeness_percentage.unwrap_or(0).clamp(0, 100);
                self.completeness_percentage = Some(p);
                self.status = match p {
                    0 => "Pending",
                    100 => "Completed",
                    _ => "InProgress",
                }
                .into();
                self.completed_by.clear();
            }
            _ => {
                if self.status != "Completed" {
                    self.status = "Pending".into();
                }
                self.completeness_percentage = None;
                self.completed_by.clear();
            }
        }
    }

    /// Switches the completeness condition, carrying over how far the task is: a completed task
    /// stays completed under the new condition, any other starts over.
    pub fn set_condition(&mut self, condition: &str) {
        if self.completeness_condition == condition {
            return;
        }
        let done = self.status == "Completed";
        self.completeness_condition = condition.to_owned();
        self.completed_by = if done {
            self.assignees.clone()
        } else {
            Vec::new()
        };
        self.completeness_percentage = match (condition, done) {
            ("Percentage", true) => Some(100),
            ("Percentage", false) => Some(0),
            _ => None,
        };
        if !done {
            self.status = "Pending".into();
        }
        self.settle();
    }
}

/// A notification subscription.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: String,
    pub extension_id: i64,
    pub event_filters: Vec<String>,
    pub transport_type: String,
    pub address: Option<String>,
    pub status: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub expires_in: i64,
    /// Sent back in the `Verification-Token` header of every webhook notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_token: Option<String>,
}

impl Store {
    pub fn forwarding_numbers(&self, extension_id: i64) -> Result<Vec<ForwardingNumber>> {
        self.read(|c| forwarding_numbers(c, extension_id))
    }

    /// Inserts (id 0 gets a fresh id) or replaces a forwarding number.
    pub fn save_forwarding_number(&self, f: &ForwardingNumber) -> Result<ForwardingNumber> {
        self.write(|tx| {
            let mut f = f.clone();
            if f.id == 0 {
                f.id = Store::next_id(tx)?;
            }
            save_forwarding_number(tx, &f)?;
            Ok(f)
        })
    }

    pub fn delete_forwarding_numbers(&self, extension_id: i64, ids: &[i64]) -> Result<usize> {
        self.write(|tx| {
            let mut n = 0;
            for id in ids {
                n += tx.execute(
                    "DELETE FROM forwarding_numbers WHERE extension_id = ?1 AND id = ?2",
                    params![extension_id, id],
                )?;
            }
            Ok(n)
        })
    }

    /// Stored answering rules of an extension (`extension_id` = account id for company rules).
    pub fn answering_rules(&self, extension_id: i64) -> Result<Vec<(String, Value)>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, data FROM answering_rules WHERE extension_id = ?1 ORDER BY rowid",
            )?;
            let rows = st.query_map([extension_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for r in rows {
                let (id, d) = r?;
                out.push((id, from_json("answering rule", &d)?));
            }
            Ok(out)
        })
    }

    pub fn save_answering_rule(&self, extension_id: i64, id: &str, rule: &Value) -> Result<()> {
        self.write(|tx| save_answering_rule(tx, extension_id, id, rule))
    }

    pub fn delete_answering_rule(&self, extension_id: i64, id: &str) -> Result<bool> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM answering_rules WHERE extension_id = ?1 AND id = ?2",
                params![extension_id, id],
            )? > 0)
        })
    }

    /// A fresh id (for resources whose ids are strings).
    pub fn fresh_id(&self) -> Result<i64> {
        self.write(|tx| Store::next_id(tx))
    }

    pub fn stored_presence(&self, extension_id: i64) -> Result<Option<Presence>> {
        self.read(|c| {
            json_row(
                c,
                "presence",
                "SELECT data FROM presence WHERE extension_id = ?1",
                [extension_id],
            )
        })
    }

    pub fn save_presence(&self, extension_id: i64, p: &Presence) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO presence(extension_id, data) VALUES (?1, ?2)",
                params![extension_id, to_json(p)],
            )?;
            Ok(())
        })
    }

    /// Chats the extension is a member of (every public team and the Everyone chat included), newest
    /// first.
    pub fn chats_of(&self, extension_id: i64) -> Result<Vec<Chat>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, data FROM chats WHERE id IN (SELECT chat_id FROM chat_members WHERE extension_id = ?1) \
                 OR type = 'Everyone' ORDER BY seq DESC",
            )?;
            let rows = st.query_map([extension_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut out = Vec::new();
            for r in rows {
                let (id, d) = r?;
                let mut chat: Chat = from_json("chat", &d)?;
                chat.members = chat_members(c, &id)?;
                out.push(chat);
            }
            Ok(out)
        })
    }

    pub fn chat(&self, id: &str) -> Result<Option<Chat>> {
        self.read(|c| {
            let d: Option<String> = c
                .prepare_cached("SELECT data FROM chats WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            match d {
                None => Ok(None),
                Some(d) => {
                    let mut chat: Chat = from_json("chat", &d)?;
                    chat.members = chat_members(c, id)?;
                    Ok(Some(chat))
                }
            }
        })
    }

    /// Creates a chat with a fresh id.
    pub fn insert_chat(&self, chat: &Chat) -> Result<Chat> {
        self.write(|tx| {
            let mut chat = chat.clone();
            let n = Store::next_id(tx)?;
            chat.id = n.to_string();
            save_chat(tx, &chat, n)?;
            Ok(chat)
        })
    }

    /// Posts of a chat, newest first.
    pub fn posts(&self, chat_id: &str) -> Result<Vec<Post>> {
        self.read(|c| {
            json_rows(
                c,
                "post",
                "SELECT data FROM posts WHERE chat_id = ?1 ORDER BY seq DESC",
                [chat_id],
            )
        })
    }

    /// Adds a post with a fresh id, and touches its chat.
    pub fn insert_post(&self, post: &Post) -> Result<Post> {
        self.write(|tx| {
            let mut post = post.clone();
            let n = Store::next_id(tx)?;
            post.id = n.to_string();
            save_post(tx, &post, n)?;
            touch_chat(tx, &post.chat_id, post.created_ms)?;
            Ok(post)
        })
    }

    pub fn tasks(&self, chat_id: &str) -> Result<Vec<Task>> {
        self.read(|c| {
            json_rows(
                c,
                "task",
                "SELECT data FROM tasks WHERE chat_id = ?1 ORDER BY seq DESC",
                [chat_id],
            )
        })
    }

    pub fn task(&self, id: &str) -> Result<Option<Task>> {
        self.read(|c| json_row(c, "task", "SELECT data FROM tasks WHERE id = ?1", [id]))
    }

    /// Adds a task with a fresh id.
    pub fn insert_task(&self, task: &Task) -> Result<Task> {
        self.write(|tx| {
            let mut task = task.clone();
            let n = Store::next_id(tx)?;
            task.id = n.to_string();
            save_task(tx, &task, n)?;
            Ok(task)
        })
    }

    /// Stores a changed task in place, keeping its position in its chat's list.
    pub fn update_task(&self, task: &Task) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE tasks SET data = ?2 WHERE id = ?1",
                params![task.id, to_json(task)],
            )?;
            Ok(())
        })
    }

    pub fn delete_task(&self, id: &str) -> Result<bool> {
        self.write(|tx| Ok(tx.execute("DELETE FROM tasks WHERE id = ?1", [id])? > 0))
    }

    /// A post of a chat; a post id under another chat is not found.
    pub fn post(&self, chat_id: &str, id: &str) -> Result<Option<Post>> {
        self.read(|c| {
            json_row(
                c,
                "post",
                "SELECT data FROM posts WHERE id = ?1 AND chat_id = ?2",
                params![id, chat_id],
            )
        })
    }

    /// Stores a changed post in place.
    pub fn update_post(&self, post: &Post) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE posts SET data = ?2 WHERE id = ?1",
                params![post.id, to_json(post)],
            )?;
            Ok(())
        })
    }

    pub fn delete_post(&self, chat_id: &str, id: &str) -> Result<bool> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM posts WHERE id = ?1 AND chat_id = ?2",
                params![id, chat_id],
            )? > 0)
        })
    }

    /// Stores a chat's changed fields (not its members) in place.
    pub fn update_chat(&self, chat: &Chat) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE chats SET data = ?2 WHERE id = ?1",
                params![chat.id, to_json(chat)],
            )?;
            Ok(())
        })
    }

    /// Adds members to a chat on behalf of `by`, with the event post the chat shows for it:
    /// `PersonJoined` when `by` joins on their own, `PersonsAdded` naming who was added otherwise.
    /// Members already in the chat are passed over, and nothing is posted when nobody new came in.
    /// Gives who was added.
    pub fn add_chat_members(
        &self,
        chat_id: &str,
        members: &[i64],
        by: i64,
        now_ms: i64,
    ) -> Result<Vec<i64>> {
        self.write(|tx| {
            let mut st = tx.prepare_cached(
                "INSERT OR IGNORE INTO chat_members(chat_id, extension_id) VALUES (?1, ?2)",
            )?;
            let mut added = Vec::new();
            for m in members {
                if st.execute(params![chat_id, m])? > 0 {
                    added.push(*m);
                }
            }
            if added.is_empty() {
                return Ok(added);
            }
            let joined = added == [by];
            let n = Store::next_id(tx)?;
            let event = Post {
                id: n.to_string(),
                chat_id: chat_id.to_owned(),
                creator_id: by,
                text: String::new(),
                parent_post_id: None,
                created_ms: now_ms,
                modified_ms: now_ms,
                kind: if joined {
                    "PersonJoined"
                } else {
                    "PersonsAdded"
                }
                .into(),
                added_person_ids: if joined { Vec::new() } else { added.clone() },
            };
            save_post(tx, &event, n)?;
            touch_chat(tx, chat_id, now_ms)?;
            Ok(added)
        })
    }

    /// Removes members from a chat (ids that are not members are passed over) and touches it.
    pub fn remove_chat_members(&self, chat_id: &str, members: &[i64], now_ms: i64) -> Result<()> {
        self.write(|tx| {
            let mut st = tx.prepare_cached(
                "DELETE FROM chat_members WHERE chat_id = ?1 AND extension_id = ?2",
            )?;
            for m in members {
                st.execute(params![chat_id, m])?;
            }
            touch_chat(tx, chat_id, now_ms)
        })
    }

    /// Deletes a chat with its members, posts and tasks.
    pub fn delete_chat(&self, id: &str) -> Result<bool> {
        self.write(|tx| {
            tx.execute("DELETE FROM chat_members WHERE chat_id = ?1", [id])?;
            tx.execute("DELETE FROM posts WHERE chat_id = ?1", [id])?;
            tx.execute("DELETE FROM tasks WHERE chat_id = ?1", [id])?;
            Ok(tx.execute("DELETE FROM chats WHERE id = ?1", [id])? > 0)
        })
    }

    pub fn bridge(&self, id: &str) -> Result<Option<(i64, Value)>> {
        self.read(|c| {
            let d: Option<(i64, String)> = c
                .prepare_cached("SELECT extension_id, data FROM bridges WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            d.map(|(e, d)| Ok((e, from_json("bridge", &d)?)))
                .transpose()
        })
    }

    pub fn save_bridge(
        &self,
        account_id: i64,
        extension_id: i64,
        id: &str,
        bridge: &Value,
    ) -> Result<()> {
        self.write(|tx| save_bridge(tx, account_id, extension_id, id, bridge))
    }

    pub fn delete_bridge(&self, id: &str) -> Result<bool> {
        self.write(|tx| Ok(tx.execute("DELETE FROM bridges WHERE id = ?1", [id])? > 0))
    }

    pub fn subscriptions(&self, extension_id: i64) -> Result<Vec<Subscription>> {
        self.read(|c| {
            json_rows(
                c,
                "subscription",
                "SELECT data FROM subscriptions WHERE extension_id = ?1 ORDER BY rowid",
                [extension_id],
            )
        })
    }

    pub fn subscription(&self, id: &str) -> Result<Option<Subscription>> {
        self.read(|c| {
            json_row(
                c,
                "subscription",
                "SELECT data FROM subscriptions WHERE id = ?1",
                [id],
            )
        })
    }

    pub fn save_subscription(&self, s: &Subscription) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO subscriptions(id, extension_id, expires_ms, data) VALUES (?1, ?2, ?3, ?4)",
                params![s.id, s.extension_id, s.expires_ms, to_json(s)],
            )?;
            Ok(())
        })
    }

    /// Every subscription that has not expired.
    pub fn live_subscriptions(&self, now_ms: i64) -> Result<Vec<Subscription>> {
        self.read(|c| {
            json_rows(
                c,
                "subscription",
                "SELECT data FROM subscriptions WHERE expires_ms > ?1 ORDER BY rowid",
                [now_ms],
            )
        })
    }

    pub fn delete_subscription(&self, id: &str) -> Result<bool> {
        self.write(|tx| Ok(tx.execute("DELETE FROM subscriptions WHERE id = ?1", [id])? > 0))
    }
}

/// Marks a chat as changed at `now_ms`, which moves it up in the recent-first listings.
fn touch_chat(c: &Connection, chat_id: &str, now_ms: i64) -> Result<()> {
    c.prepare_cached("UPDATE chats SET data = json_set(data, '$.modifiedMs', ?2) WHERE id = ?1")?
        .execute(params![chat_id, now_ms])?;
    Ok(())
}

fn chat_members(c: &Connection, chat_id: &str) -> Result<Vec<i64>> {
    let mut st = c.prepare_cached(
        "SELECT extension_id FROM chat_members WHERE chat_id = ?1 ORDER BY extension_id",
    )?;
    let rows = st.query_map([chat_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn forwarding_numbers(
    c: &Connection,
    extension_id: i64,
) -> Result<Vec<ForwardingNumber>> {
    json_rows(
        c,
        "forwarding number",
        "SELECT data FROM forwarding_numbers WHERE extension_id = ?1 ORDER BY id",
        [extension_id],
    )
}

pub(crate) fn save_forwarding_number(c: &Connection, f: &ForwardingNumber) -> Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO forwarding_numbers(id, extension_id, data) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![f.id, f.extension_id, to_json(f)])?;
    Ok(())
}

pub(crate) fn save_answering_rule(
    c: &Connection,
    extension_id: i64,
    id: &str,
    rule: &Value,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO answering_rules(extension_id, id, data) VALUES (?1, ?2, ?3) \
         ON CONFLICT(extension_id, id) DO UPDATE SET data = excluded.data",
    )?
    .execute(params![extension_id, id, to_json(rule)])?;
    Ok(())
}

pub(crate) fn save_chat(c: &Connection, chat: &Chat, seq: i64) -> Result<()> {
    c.prepare_cached("INSERT OR REPLACE INTO chats(id, seq, type, data) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![chat.id, seq, chat.kind, to_json(chat)])?;
    let mut st = c.prepare_cached(
        "INSERT OR IGNORE INTO chat_members(chat_id, extension_id) VALUES (?1, ?2)",
    )?;
    for m in &chat.members {
        st.execute(params![chat.id, m])?;
    }
    Ok(())
}

pub(crate) fn save_post(c: &Connection, post: &Post, seq: i64) -> Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO posts(id, chat_id, seq, data) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![post.id, post.chat_id, seq, to_json(post)])?;
    Ok(())
}

pub(crate) fn save_task(c: &Connection, task: &Task, seq: i64) -> Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO tasks(id, chat_id, seq, data) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![task.id, task.chat_id, seq, to_json(task)])?;
    Ok(())
}

pub(crate) fn save_bridge(
    c: &Connection,
    account_id: i64,
    extension_id: i64,
    id: &str,
    bridge: &Value,
) -> Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO bridges(id, account_id, extension_id, data) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, account_id, extension_id, to_json(bridge)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(condition: &str, assignees: &[i64]) -> Task {
        let mut t: Task = match serde_json::from_value(serde_json::json!({
            "id": "1", "chatId": "2", "creatorId": 3, "subject": "s", "assignees": assignees,
            "status": "Pending", "createdMs": 0, "modifiedMs": 0, "dueMs": null,
        })) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        t.set_condition(condition);
        t
    }

    #[test]
    fn a_task_stored_before_completeness_conditions_reads_as_simple() {
        let old = r#"{"id":"3000009","chatId":"1000101","creatorId":62000000000,"subject":"Review",
            "assignees":[62000000001],"status":"Completed","createdMs":1,"modifiedMs":2,"dueMs":3}"#;
        let t: Task = match from_json("task", old) {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(t.completeness_condition, "Simple");
        assert!(t.assignee_completed(62_000_000_001));
        assert_eq!((t.start_ms, t.color.as_deref()), (None, None));
    }

    #[test]
    fn a_post_stored_before_event_posts_reads_as_a_text_message() {
        let old = r#"{"id":"2000001","chatId":"1000001","creatorId":62000000003,"text":"Hi",
            "parentPostId":null,"createdMs":1,"modifiedMs":1}"#;
        let p: Post = match from_json("post", old) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            (p.kind.as_str(), p.added_person_ids.len()),
            ("TextMessage", 0)
        );
    }

    #[test]
    fn all_assignees_tasks_complete_when_everyone_has() {
        let mut t = task("AllAssignees", &[1, 2]);
        t.completed_by.push(1);
        t.settle();
        assert_eq!(t.status, "InProgress");
        assert!(t.assignee_completed(1) && !t.assignee_completed(2));
        t.completed_by.push(2);
        t.settle();
        assert_eq!(t.status, "Completed");
        // Someone who is no longer assigned no longer counts.
        t.assignees = vec![1, 3];
        t.settle();
        assert_eq!(
            (t.status.as_str(), t.completed_by.clone()),
            ("InProgress", vec![1])
        );
    }

    #[test]
    fn percentage_tasks_follow_their_percentage() {
        let mut t = task("Percentage", &[1]);
        assert_eq!(
            (t.status.as_str(), t.completeness_percentage),
            ("Pending", Some(0))
        );
        for (p, status) in [(40, "InProgress"), (100, "Completed"), (0, "Pending")] {
            t.completeness_percentage = Some(p);
            t.settle();
            assert_eq!(t.status, status, "{p}%");
        }
    }

    #[test]
    fn switching_conditions_keeps_a_completed_task_completed() {
        let mut t = task("Simple", &[1, 2]);
        t.status = "Completed".into();
        t.set_condition("AllAssignees");
        assert_eq!(
            (t.status.as_str(), t.completed_by.clone()),
            ("Completed", vec![1, 2])
        );
        t.set_condition("Percentage");
        assert_eq!(
            (t.status.as_str(), t.completeness_percentage),
            ("Completed", Some(100))
        );
        t.completeness_percentage = Some(50);
        t.settle();
        t.set_condition("Simple");
        assert_eq!(
            (t.status.as_str(), t.completeness_percentage),
            ("Pending", None)
        );
    }
}
