//! An extension's personal data: message store, call log (active calls included) and personal
//! contacts. Seeded extensions get theirs lazily, on first access, from the seed and the extension
//! alone, so that a company of 100,000 users starts fast and still looks the same every time.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Store, from_json, json_row, to_json};
use crate::error::Result;

/// Kinds of per-extension data seeded on first access.
pub const LAZY_KINDS: [&str; 3] = ["messages", "calls", "contacts"];

/// One side of a message or call.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A message attachment: a voicemail recording, an SMS text, a fax document.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub id: i64,
    /// `AudioRecording`, `Text`, `RenderedDocument`, ...
    pub kind: String,
    pub content_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vm_duration: Option<i32>,
    /// The content itself; generated documents are built from it when read.
    pub content: String,
    /// Uploaded bytes (base64), served as they came instead of a document built from `content`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

/// A message of the message store.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: i64,
    pub extension_id: i64,
    /// `SMS`, `VoiceMail`, `Fax`, `Pager`.
    pub kind: String,
    pub direction: String,
    pub read_status: String,
    pub availability: String,
    pub message_status: String,
    pub priority: String,
    pub conversation_id: i64,
    pub created_ms: i64,
    pub modified_ms: i64,
    pub from: Party,
    pub to: Vec<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax_page_count: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax_resolution: Option<String>,
    /// The cover page of a sent fax (0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_index: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_page_text: Option<String>,
    /// When a queued outbound message leaves (a fax is `Queued` until then, `Sent` after).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_ms: Option<i64>,
}

/// A call log record; active calls are records still in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    pub id: String,
    pub session_id: String,
    pub telephony_session_id: String,
    pub extension_id: i64,
    pub start_ms: i64,
    pub duration_s: i64,
    /// `Voice` or `Fax`.
    pub kind: String,
    pub direction: String,
    pub action: String,
    pub result: String,
    pub reason: Option<String>,
    pub transport: String,
    pub from: Party,
    pub to: Party,
    pub active: bool,
    pub recording_id: Option<String>,
}

/// A personal contact of an extension's address book: its id and the fields of
/// `PersonalContactResource` that are set.
#[derive(Debug, Clone)]
pub struct Contact {
    pub id: i64,
    pub extension_id: i64,
    pub fields: Map<String, Value>,
}

impl Contact {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }
}

/// Filters of a message listing.
#[derive(Debug, Default, Clone)]
pub struct MessageFilter {
    pub kinds: Vec<String>,
    pub directions: Vec<String>,
    pub read_statuses: Vec<String>,
    pub availability: Vec<String>,
    pub conversation_id: Option<i64>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub phone_number: Option<String>,
}

/// Filters of a call log listing.
#[derive(Debug, Default, Clone)]
pub struct CallFilter {
    pub active: bool,
    pub directions: Vec<String>,
    pub kinds: Vec<String>,
    pub transports: Vec<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub session_id: Option<String>,
    pub telephony_session_id: Option<String>,
    pub phone_number: Option<String>,
    pub extension_number: Option<String>,
    pub with_recording: bool,
}

impl Store {
    /// Whether the lazily derived data of `kind` for `owner` (an extension, or an account for
    /// account-wide kinds) has been seeded.
    pub(crate) fn is_seeded(&self, owner: i64, kind: &str) -> Result<bool> {
        self.read(|c| {
            Ok(
                c.prepare_cached(
                    "SELECT 1 FROM lazy_seeded WHERE extension_id = ?1 AND kind = ?2",
                )?
                .query_row(params![owner, kind], |_| Ok(()))
                .optional()?
                .is_some(),
            )
        })
    }

    /// Seeds an extension's lazily derived data of one kind, once.
    pub(crate) fn ensure_lazy(&self, extension_id: i64, kind: &str, now_ms: i64) -> Result<()> {
        if self.is_seeded(extension_id, kind)? {
            return Ok(());
        }
        let meta = self.meta().clone();
        self.write(|tx| {
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO lazy_seeded(extension_id, kind) VALUES (?1, ?2)",
                params![extension_id, kind],
            )?;
            if inserted == 1 {
                self.seeder.lazy(tx, &meta, extension_id, kind, now_ms)?;
            }
            Ok(())
        })
    }

    /// The conversation of the extension's newest one-to-one SMS with `phone_number` (sent to it
    /// or received from it), found through the indexes `msg_sms_from` and `msg_sms_to` rather than
    /// by reading the mailbox.
    pub fn sms_conversation_with(
        &self,
        extension_id: i64,
        phone_number: &str,
        now_ms: i64,
    ) -> Result<Option<i64>> {
        self.ensure_lazy(extension_id, "messages", now_ms)?;
        self.read(|c| {
            let mut newest: Option<(i64, i64, i64)> = None;
            for side in ["$.from.phoneNumber", "$.to[0].phoneNumber"] {
                let sql = format!(
                    "SELECT created_ms, id, conversation_id FROM messages \
                     WHERE extension_id = ?1 AND type = 'SMS' AND json_extract(data, '{side}') = ?2 \
                     ORDER BY created_ms DESC, id DESC LIMIT 1"
                );
                let found: Option<(i64, i64, i64)> = c
                    .prepare_cached(&sql)?
                    .query_row(params![extension_id, phone_number], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                if found.is_some_and(|f| newest.is_none_or(|n| (f.0, f.1) > (n.0, n.1))) {
                    newest = found;
                }
            }
            Ok(newest.map(|(_, _, conversation)| conversation))
        })
    }

    pub fn messages(
        &self,
        extension_id: i64,
        filter: &MessageFilter,
        now_ms: i64,
    ) -> Result<Vec<Message>> {
        self.ensure_lazy(extension_id, "messages", now_ms)?;
        let mut out = Vec::new();
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT data FROM messages WHERE extension_id = ?1 ORDER BY created_ms DESC, id DESC",
            )?;
            let rows = st.query_map([extension_id], |r| r.get::<_, String>(0))?;
            for r in rows {
                let m: Message = from_json("message", &r?)?;
                if filter.matches(&m) {
                    out.push(m);
                }
            }
            Ok(())
        })?;
        Ok(out)
    }

    pub fn message(&self, extension_id: i64, id: i64, now_ms: i64) -> Result<Option<Message>> {
        self.ensure_lazy(extension_id, "messages", now_ms)?;
        self.read(|c| {
            json_row(
                c,
                "message",
                "SELECT data FROM messages WHERE extension_id = ?1 AND id = ?2",
                params![extension_id, id],
            )
        })
    }

    /// Inserts or replaces a message (id 0 gets a fresh id).
    pub fn save_message(&self, m: &Message) -> Result<Message> {
        self.write(|tx| {
            let mut m = m.clone();
            if m.id == 0 {
                m.id = Store::next_id(tx)?;
                for (i, a) in m.attachments.iter_mut().enumerate() {
                    a.id = m.id * 10 + i as i64;
                }
                if m.conversation_id == 0 {
                    m.conversation_id = m.id;
                }
            }
            save_message(tx, &m)?;
            Ok(m)
        })
    }

    /// Removes a message for good.
    pub fn purge_message(&self, extension_id: i64, id: i64) -> Result<bool> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM messages WHERE extension_id = ?1 AND id = ?2",
                params![extension_id, id],
            )? > 0)
        })
    }

    pub fn calls(
        &self,
        extension_id: i64,
        filter: &CallFilter,
        now_ms: i64,
    ) -> Result<Vec<CallRecord>> {
        self.ensure_lazy(extension_id, "calls", now_ms)?;
        self.settle_ringouts(now_ms)?;
        let mut out = Vec::new();
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT data FROM call_log WHERE extension_id = ?1 AND active = ?2 ORDER BY start_ms DESC, id",
            )?;
            let rows = st.query_map(params![extension_id, filter.active as i64], |r| r.get::<_, String>(0))?;
            for r in rows {
                let rec: CallRecord = from_json("call record", &r?)?;
                if filter.matches(&rec) {
                    out.push(rec);
                }
            }
            Ok(())
        })?;
        Ok(out)
    }

    pub fn call(&self, extension_id: i64, id: &str, now_ms: i64) -> Result<Option<CallRecord>> {
        self.ensure_lazy(extension_id, "calls", now_ms)?;
        self.settle_ringouts(now_ms)?;
        self.read(|c| {
            json_row(
                c,
                "call record",
                "SELECT data FROM call_log WHERE extension_id = ?1 AND id = ?2",
                params![extension_id, id],
            )
        })
    }

    pub fn contacts(&self, extension_id: i64, now_ms: i64) -> Result<Vec<Contact>> {
        self.ensure_lazy(extension_id, "contacts", now_ms)?;
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, data FROM contacts WHERE extension_id = ?1 ORDER BY id",
            )?;
            let rows = st.query_map([extension_id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for r in rows {
                let (id, d) = r?;
                out.push(Contact {
                    id,
                    extension_id,
                    fields: from_json("contact", &d)?,
                });
            }
            Ok(out)
        })
    }

    /// Makes sure an extension's address book holds its seeded contacts, without reading it.
    pub fn seed_contacts(&self, extension_id: i64, now_ms: i64) -> Result<()> {
        self.ensure_lazy(extension_id, "contacts", now_ms)
    }

    pub fn contact(&self, extension_id: i64, id: i64, now_ms: i64) -> Result<Option<Contact>> {
        self.ensure_lazy(extension_id, "contacts", now_ms)?;
        self.read(|c| {
            let d: Option<String> = c
                .prepare_cached("SELECT data FROM contacts WHERE extension_id = ?1 AND id = ?2")?
                .query_row(params![extension_id, id], |r| r.get(0))
                .optional()?;
            d.map(|d| {
                Ok(Contact {
                    id,
                    extension_id,
                    fields: from_json("contact", &d)?,
                })
            })
            .transpose()
        })
    }

    /// Inserts (id 0 gets a fresh id) or replaces a contact.
    pub fn save_contact(&self, contact: &Contact) -> Result<Contact> {
        self.write(|tx| {
            let mut ct = contact.clone();
            if ct.id == 0 {
                ct.id = Store::next_id(tx)?;
            }
            save_contact(tx, &ct)?;
            Ok(ct)
        })
    }

    pub fn delete_contact(&self, extension_id: i64, id: i64) -> Result<bool> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM contacts WHERE extension_id = ?1 AND id = ?2",
                params![extension_id, id],
            )? > 0)
        })
    }
}

impl MessageFilter {
    fn matches(&self, m: &Message) -> bool {
        let inl =
            |v: &[String], x: &str| v.is_empty() || v.iter().any(|s| s.eq_ignore_ascii_case(x));
        inl(&self.kinds, &m.kind)
            && inl(&self.directions, &m.direction)
            && inl(&self.read_statuses, &m.read_status)
            && inl(&self.availability, &m.availability)
            && self.conversation_id.is_none_or(|c| c == m.conversation_id)
            && self.from_ms.is_none_or(|f| m.created_ms >= f)
            && self.to_ms.is_none_or(|t| m.created_ms <= t)
            && self.phone_number.as_deref().is_none_or(|p| {
                m.from.phone_number.as_deref() == Some(p)
                    || m.to.iter().any(|t| t.phone_number.as_deref() == Some(p))
            })
    }
}

impl CallFilter {
    fn matches(&self, r: &CallRecord) -> bool {
        let inl =
            |v: &[String], x: &str| v.is_empty() || v.iter().any(|s| s.eq_ignore_ascii_case(x));
        inl(&self.directions, &r.direction)
            && inl(&self.kinds, &r.kind)
            && inl(&self.transports, &r.transport)
            && self.from_ms.is_none_or(|f| r.start_ms >= f)
            && self.to_ms.is_none_or(|t| r.start_ms <= t)
            && self.session_id.as_deref().is_none_or(|s| s == r.session_id)
            && self
                .telephony_session_id
                .as_deref()
                .is_none_or(|s| s == r.telephony_session_id)
            && self.phone_number.as_deref().is_none_or(|p| {
                r.from.phone_number.as_deref() == Some(p) || r.to.phone_number.as_deref() == Some(p)
            })
            && self.extension_number.as_deref().is_none_or(|n| {
                r.from.extension_number.as_deref() == Some(n)
                    || r.to.extension_number.as_deref() == Some(n)
            })
            && (!self.with_recording || r.recording_id.is_some())
    }
}

pub(crate) fn save_message(c: &Connection, m: &Message) -> Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO messages(id, extension_id, type, direction, read_status, availability, conversation_id, created_ms, data) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        m.id,
        m.extension_id,
        m.kind,
        m.direction,
        m.read_status,
        m.availability,
        m.conversation_id,
        m.created_ms,
        to_json(m)
    ])?;
    Ok(())
}

pub(crate) fn save_call(c: &Connection, r: &CallRecord) -> Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO call_log(id, extension_id, start_ms, type, direction, active, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        r.id,
        r.extension_id,
        r.start_ms,
        r.kind,
        r.direction,
        r.active as i64,
        to_json(r)
    ])?;
    Ok(())
}

pub(crate) fn save_contact(c: &Connection, ct: &Contact) -> Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO contacts(id, extension_id, first_name, last_name, company, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        ct.id,
        ct.extension_id,
        ct.field("firstName"),
        ct.field("lastName"),
        ct.field("company"),
        to_json(&ct.fields)
    ])?;
    Ok(())
}
