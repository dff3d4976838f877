//! Accounts, sites, extensions (users, call queues, IVR menus), queue membership, phone numbers and
//! devices. SCIM users are a view of the user extensions kept here.

use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter, types::Value};
use serde::{Deserialize, Serialize};

use super::{Store, from_json, to_json};
use crate::error::Result;

/// An account of the sandbox (the main one, or a federated one).
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub main_number: String,
    pub federated_name: String,
    pub domain: String,
    pub created_ms: i64,
}

/// A business site of an account.
#[derive(Debug, Clone)]
pub struct Site {
    pub id: i64,
    pub name: String,
    pub code: String,
}

/// Call queue settings of a `Department` extension.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueInfo {
    pub sla_goal: i32,
    pub sla_threshold_seconds: i32,
    pub include_abandoned_calls: bool,
    pub abandoned_threshold_seconds: i32,
}

/// Extension data that is not filtered on, kept as JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionExtra {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueInfo>,
    /// A call queue's delay in seconds before its members are alerted, once set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_alert_timer: Option<i64>,
    /// Whether a call queue's members may change their own queue status, once set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_editable_member_status: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_comment: Option<String>,
    /// SCIM's `externalId`, when a provisioning client set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// SCIM's `userName` when a provisioning client gave one other than the login email (which
    /// the SCIM RFCs allow); otherwise the login email is the user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim_user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ivr_prompt: Option<String>,
    /// An IVR menu's prompt as last set (`IvrMenuPromptInfo`); without it the prompt is
    /// `ivr_prompt` read by text-to-speech.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ivr_prompt_info: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ivr_prompt_repeat_count: Option<i64>,
    /// An IVR menu's keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ivr_actions: Vec<super::routing::IvrAction>,
    /// Last change (Unix ms); the SCIM `meta.lastModified`.
    #[serde(default)]
    pub modified_ms: i64,
}

/// One extension: a user, a call queue (`Department`), an IVR menu, or an unassigned holder of
/// numbers and devices left behind by a deleted user.
#[derive(Debug, Clone)]
pub struct Extension {
    pub id: i64,
    pub account_id: i64,
    pub number: String,
    /// `User`, `Department`, `IvrMenu`, ...
    pub kind: String,
    /// `Enabled`, `Disabled`, `NotActivated`, `Unassigned`, ...
    pub status: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub department: Option<String>,
    pub job_title: Option<String>,
    pub mobile: Option<String>,
    pub site_id: Option<i64>,
    pub admin: bool,
    pub created_ms: i64,
    /// Bumped on every change; part of directory ETags.
    pub version: i64,
    pub extra: ExtensionExtra,
}

/// Every extension type RingCentral's spec names.
pub const EXTENSION_TYPES: &[&str] = &[
    "User",
    "Department",
    "Announcement",
    "Voicemail",
    "DigitalUser",
    "VirtualUser",
    "FaxUser",
    "PagingOnly",
    "SharedLinesGroup",
    "DelegatedLinesGroup",
    "GroupCallPickup",
    "IvrMenu",
    "ApplicationExtension",
    "ProxyAdmin",
    "RoomConnector",
    "ParkLocation",
    "Limited",
    "Bot",
    "Site",
    "Room",
    "FlexibleUser",
    "TieLine",
    "Unknown",
];

/// The extension types that are users (people with a login).
pub const USER_EXTENSION_TYPES: &[&str] = &[
    "User",
    "DigitalUser",
    "VirtualUser",
    "FaxUser",
    "FlexibleUser",
];

/// [`USER_EXTENSION_TYPES`] as an SQL list: `'User','DigitalUser',...`.
pub(crate) fn user_types_sql() -> String {
    USER_EXTENSION_TYPES
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(",")
}

impl Extension {
    /// A new extension of `account_id` that has no id or number yet.
    pub fn new(account_id: i64, kind: &str, status: &str, name: &str, now_ms: i64) -> Extension {
        Extension {
            id: 0,
            account_id,
            number: String::new(),
            kind: kind.into(),
            status: status.into(),
            first_name: None,
            last_name: None,
            name: name.into(),
            email: None,
            department: None,
            job_title: None,
            mobile: None,
            site_id: None,
            admin: false,
            created_ms: now_ms,
            version: 1,
            extra: ExtensionExtra {
                modified_ms: now_ms,
                ..ExtensionExtra::default()
            },
        }
    }

    pub fn is_user(&self) -> bool {
        USER_EXTENSION_TYPES.contains(&self.kind.as_str())
    }
}

pub(crate) const EXT_COLUMNS: &str = "id, account_id, number, type, status, first_name, last_name, name, email, \
     department, job_title, mobile, site_id, admin, created_ms, version, data";

pub(crate) fn ext_from_row(r: &Row<'_>) -> rusqlite::Result<(Extension, Option<String>)> {
    Ok((
        Extension {
            id: r.get(0)?,
            account_id: r.get(1)?,
            number: r.get(2)?,
            kind: r.get(3)?,
            status: r.get(4)?,
            first_name: r.get(5)?,
            last_name: r.get(6)?,
            name: r.get(7)?,
            email: r.get(8)?,
            department: r.get(9)?,
            job_title: r.get(10)?,
            mobile: r.get(11)?,
            site_id: r.get(12)?,
            admin: r.get::<_, i64>(13)? != 0,
            created_ms: r.get(14)?,
            version: r.get(15)?,
            extra: ExtensionExtra::default(),
        },
        r.get(16)?,
    ))
}

pub(crate) fn finish(pair: (Extension, Option<String>)) -> Result<Extension> {
    let (mut ext, data) = pair;
    if let Some(d) = data {
        ext.extra = from_json("extension data", &d)?;
    }
    Ok(ext)
}

/// Filters of an extension listing.
#[derive(Debug, Default, Clone)]
pub struct ExtensionFilter {
    pub account_id: Option<i64>,
    /// Any of these accounts (with `account_id`, both must hold).
    pub account_ids: Vec<i64>,
    pub number: Option<String>,
    pub emails: Vec<String>,
    pub statuses: Vec<String>,
    pub kinds: Vec<String>,
    pub site_id: Option<i64>,
    /// Only user-like extensions.
    pub users_only: bool,
    pub exclude_kinds: Vec<String>,
}

impl ExtensionFilter {
    fn sql(&self) -> (String, Vec<Value>) {
        let mut clauses = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        if let Some(a) = self.account_id {
            clauses.push("account_id = ?".to_owned());
            args.push(a.into());
        }
        if let Some(n) = &self.number {
            clauses.push("number = ?".to_owned());
            args.push(n.clone().into());
        }
        if !self.account_ids.is_empty() {
            let qs = vec!["?"; self.account_ids.len()].join(", ");
            clauses.push(format!("account_id IN ({qs})"));
            args.extend(self.account_ids.iter().map(|a| Value::from(*a)));
        }
        if !self.exclude_kinds.is_empty() {
            let qs = vec!["?"; self.exclude_kinds.len()].join(", ");
            clauses.push(format!("type NOT IN ({qs})"));
            args.extend(self.exclude_kinds.iter().map(|v| Value::from(v.clone())));
        }
        let mut list = |col: &str, vals: &[String], nocase: bool| {
            if !vals.is_empty() {
                let qs = vec!["?"; vals.len()].join(", ");
                let coll = if nocase { " COLLATE NOCASE" } else { "" };
                clauses.push(format!("{col}{coll} IN ({qs})"));
                args.extend(vals.iter().map(|v| Value::from(v.clone())));
            }
        };
        list("email", &self.emails, true);
        list("status", &self.statuses, false);
        list("type", &self.kinds, false);
        if let Some(s) = self.site_id {
            clauses.push("site_id = ?".to_owned());
            args.push(s.into());
        }
        if self.users_only {
            clauses.push(format!("type IN ({})", user_types_sql()));
        }
        let w = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        (w, args)
    }
}

impl Store {
    pub fn account(&self, id: i64) -> Result<Option<Account>> {
        self.read(|c| account(c, id))
    }

    pub fn accounts(&self) -> Result<Vec<Account>> {
        self.read(|c| {
            let mut st = c.prepare(
                "SELECT id, name, main_number, federated_name, domain, created_ms FROM accounts ORDER BY id",
            )?;
            let rows = st.query_map([], account_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn sites(&self, account_id: i64) -> Result<Vec<Site>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, name, code FROM sites WHERE account_id = ?1 ORDER BY id",
            )?;
            let rows = st.query_map([account_id], |r| {
                Ok(Site {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    code: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn extension(&self, id: i64) -> Result<Option<Extension>> {
        // Nearly every request reads its caller's extension.
        let generation = self.generation();
        self.extensions_read
            .get_or(generation, &id.to_string(), || {
                self.read(|c| extension(c, id))
            })
    }

    /// The extension whose login email is `email` (ASCII case ignored).
    pub fn extension_by_email(&self, email: &str) -> Result<Option<Extension>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {EXT_COLUMNS} FROM extensions WHERE email = ?1 COLLATE NOCASE ORDER BY id LIMIT 1"
            );
            let pair = c.prepare_cached(&sql)?.query_row([email], ext_from_row).optional()?;
            pair.map(finish).transpose()
        })
    }

    /// A page of extensions ordered by extension number, and the total count.
    pub fn extensions(
        &self,
        filter: &ExtensionFilter,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Extension>, usize)> {
        self.read(|c| {
            let (w, args) = filter.sql();
            let total: i64 = c.prepare_cached(&format!("SELECT COUNT(*) FROM extensions{w}"))?.query_row(
                params_from_iter(args.iter()),
                |r| r.get(0),
            )?;
            // The page is bound, not spelled into the SQL, so that every page of a walk reuses
            // one prepared statement.
            let sql = format!(
                "SELECT {EXT_COLUMNS} FROM extensions{w} ORDER BY length(number), number, id LIMIT ? OFFSET ?"
            );
            let mut st = c.prepare_cached(&sql)?;
            let page = [
                Value::from(i64::try_from(limit).unwrap_or(i64::MAX)),
                Value::from(i64::try_from(offset).unwrap_or(i64::MAX)),
            ];
            let rows = st.query_map(params_from_iter(args.iter().chain(&page)), ext_from_row)?;
            let mut out = Vec::new();
            for r in rows {
                out.push(finish(r?)?);
            }
            Ok((out, total as usize))
        })
    }

    /// Every extension matching `filter`, in extension-number order.
    pub fn all_extensions(&self, filter: &ExtensionFilter) -> Result<Vec<Extension>> {
        Ok(self.extensions(filter, 0, usize::MAX >> 2)?.0)
    }

    /// Writes back an extension, bumping its version.
    pub fn save_extension(&self, ext: &Extension, now_ms: i64) -> Result<Extension> {
        self.write(|tx| save_extension(tx, ext, now_ms))
    }

    /// Creates an extension with a fresh id; the id and number are chosen when absent.
    pub fn insert_extension(&self, ext: &Extension, now_ms: i64) -> Result<Extension> {
        self.write(|tx| {
            let mut ext = ext.clone();
            ext.id = Store::next_id(tx)?;
            if ext.number.is_empty() {
                ext.number = free_extension_number(tx, ext.account_id)?;
            }
            ext.created_ms = now_ms;
            ext.extra.modified_ms = now_ms;
            ext.version = 1;
            insert_extension(tx, &ext)?;
            Ok(ext)
        })
    }

    /// Deletes a user extension the way RingCentral does: the user and their personal data go,
    /// their phone numbers and devices move to an unassigned extension. Returns that extension's id,
    /// or `None` when `id` names no extension.
    pub fn delete_user_extension(&self, id: i64, now_ms: i64) -> Result<Option<i64>> {
        self.write(|tx| {
            let Some(ext) = extension(tx, id)? else {
                return Ok(None);
            };
            let holder = unassigned_holder(tx, ext.account_id, now_ms)?;
            tx.execute(
                "UPDATE phone_numbers SET extension_id = ?1 WHERE extension_id = ?2",
                params![holder, id],
            )?;
            tx.execute(
                "UPDATE devices SET extension_id = ?1 WHERE extension_id = ?2",
                params![holder, id],
            )?;
            for table in [
                "DELETE FROM extensions WHERE id = ?1",
                "DELETE FROM queue_members WHERE extension_id = ?1",
                "DELETE FROM queue_members WHERE queue_id = ?1",
                "DELETE FROM forwarding_numbers WHERE extension_id = ?1",
                "DELETE FROM answering_rules WHERE extension_id = ?1",
                "DELETE FROM presence WHERE extension_id = ?1",
                "DELETE FROM messages WHERE extension_id = ?1",
                "DELETE FROM call_log WHERE extension_id = ?1",
                "DELETE FROM contacts WHERE extension_id = ?1",
                "DELETE FROM bridges WHERE extension_id = ?1",
                "DELETE FROM chat_members WHERE extension_id = ?1",
                "DELETE FROM subscriptions WHERE extension_id = ?1",
                "DELETE FROM paging_members WHERE kind = 'User' AND member_id = ?1",
                "DELETE FROM paging_members WHERE group_id = ?1",
                "DELETE FROM monitoring_members WHERE extension_id = ?1",
            ] {
                tx.execute(table, [id])?;
            }
            // Lazily seeded data must not come back after the delete.
            for kind in super::mailbox::LAZY_KINDS {
                tx.execute(
                    "INSERT OR IGNORE INTO lazy_seeded(extension_id, kind) VALUES (?1, ?2)",
                    params![id, kind],
                )?;
            }
            // Sessions of a deleted user end.
            tx.execute(
                "UPDATE sessions SET revoked = 1 WHERE extension_id = ?1",
                [id],
            )?;
            Ok(Some(holder))
        })
    }

    /// Members of a call queue, in extension-number order.
    pub fn queue_members(&self, queue_id: i64) -> Result<Vec<Extension>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {EXT_COLUMNS} FROM extensions WHERE id IN (SELECT extension_id FROM queue_members WHERE queue_id = ?1) ORDER BY length(number), number"
            );
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map([queue_id], ext_from_row)?;
            let mut out = Vec::new();
            for r in rows {
                out.push(finish(r?)?);
            }
            Ok(out)
        })
    }

    /// Adds and removes call queue members.
    pub fn change_queue_members(&self, queue_id: i64, add: &[i64], remove: &[i64]) -> Result<()> {
        self.write(|tx| {
            for id in add {
                tx.execute(
                    "INSERT OR IGNORE INTO queue_members(queue_id, extension_id) VALUES (?1, ?2)",
                    params![queue_id, id],
                )?;
            }
            for id in remove {
                tx.execute(
                    "DELETE FROM queue_members WHERE queue_id = ?1 AND extension_id = ?2",
                    params![queue_id, id],
                )?;
            }
            tx.execute(
                "UPDATE extensions SET version = version + 1 WHERE id = ?1",
                [queue_id],
            )?;
            Ok(())
        })
    }

    /// Call queues an extension belongs to.
    pub fn queues_of(&self, extension_id: i64) -> Result<Vec<i64>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT queue_id FROM queue_members WHERE extension_id = ?1 ORDER BY queue_id",
            )?;
            let rows = st.query_map([extension_id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Phone numbers of an extension, or of the whole account when `extension_id` is `None`.
    pub fn phone_numbers(
        &self,
        account_id: i64,
        extension_id: Option<i64>,
    ) -> Result<Vec<PhoneNumber>> {
        self.read(|c| {
            let (sql, arg) = match extension_id {
                Some(e) => (
                    format!(
                        "SELECT {PN_COLUMNS} FROM phone_numbers WHERE extension_id = ?1 ORDER BY id"
                    ),
                    e,
                ),
                None => (
                    format!(
                        "SELECT {PN_COLUMNS} FROM phone_numbers WHERE account_id = ?1 ORDER BY id"
                    ),
                    account_id,
                ),
            };
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map([arg], pn_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Phone numbers of many extensions at once, grouped by extension.
    pub fn phone_numbers_of(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, Vec<PhoneNumber>>> {
        let mut out: std::collections::HashMap<i64, Vec<PhoneNumber>> = Default::default();
        if ids.is_empty() {
            return Ok(out);
        }
        self.read(|c| {
            for chunk in ids.chunks(500) {
                let qs = vec!["?"; chunk.len()].join(",");
                let sql = format!("SELECT {PN_COLUMNS} FROM phone_numbers WHERE extension_id IN ({qs}) ORDER BY id");
                let mut st = c.prepare(&sql)?;
                let rows = st.query_map(params_from_iter(chunk.iter()), pn_from_row)?;
                for r in rows {
                    let pn = r?;
                    if let Some(e) = pn.extension_id {
                        out.entry(e).or_default().push(pn);
                    }
                }
            }
            Ok(out)
        })
    }

    pub fn phone_number(&self, id: i64) -> Result<Option<PhoneNumber>> {
        self.read(|c| {
            let sql = format!("SELECT {PN_COLUMNS} FROM phone_numbers WHERE id = ?1");
            Ok(c.prepare_cached(&sql)?
                .query_row([id], pn_from_row)
                .optional()?)
        })
    }

    /// The phone number record for an E.164 number, if the account owns it.
    pub fn phone_number_by_value(&self, number: &str) -> Result<Option<PhoneNumber>> {
        self.read(|c| {
            let sql =
                format!("SELECT {PN_COLUMNS} FROM phone_numbers WHERE phone_number = ?1 LIMIT 1");
            Ok(c.prepare_cached(&sql)?
                .query_row([number], pn_from_row)
                .optional()?)
        })
    }

    pub fn devices(&self, extension_id: i64) -> Result<Vec<Device>> {
        self.read(|c| {
            let sql =
                format!("SELECT {DEV_COLUMNS} FROM devices WHERE extension_id = ?1 ORDER BY id");
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map([extension_id], dev_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn device(&self, id: i64) -> Result<Option<Device>> {
        self.read(|c| {
            let sql = format!("SELECT {DEV_COLUMNS} FROM devices WHERE id = ?1");
            Ok(c.prepare_cached(&sql)?
                .query_row([id], dev_from_row)
                .optional()?)
        })
    }
}

pub(crate) fn account(c: &Connection, id: i64) -> Result<Option<Account>> {
    Ok(c
        .prepare_cached(
            "SELECT id, name, main_number, federated_name, domain, created_ms FROM accounts WHERE id = ?1",
        )?
        .query_row([id], account_from_row)
        .optional()?)
}

fn account_from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        name: r.get(1)?,
        main_number: r.get(2)?,
        federated_name: r.get(3)?,
        domain: r.get(4)?,
        created_ms: r.get(5)?,
    })
}

pub(crate) fn extension(c: &Connection, id: i64) -> Result<Option<Extension>> {
    let sql = format!("SELECT {EXT_COLUMNS} FROM extensions WHERE id = ?1");
    let pair = c
        .prepare_cached(&sql)?
        .query_row([id], ext_from_row)
        .optional()?;
    pair.map(finish).transpose()
}

/// The values of [`EXT_COLUMNS`] for an extension, in that order.
fn ext_values(e: &Extension) -> [rusqlite::types::Value; 17] {
    [
        e.id.into(),
        e.account_id.into(),
        e.number.clone().into(),
        e.kind.clone().into(),
        e.status.clone().into(),
        e.first_name.clone().into(),
        e.last_name.clone().into(),
        e.name.clone().into(),
        e.email.clone().into(),
        e.department.clone().into(),
        e.job_title.clone().into(),
        e.mobile.clone().into(),
        e.site_id.into(),
        i64::from(e.admin).into(),
        e.created_ms.into(),
        e.version.into(),
        to_json(&e.extra).into(),
    ]
}

pub(crate) fn insert_extension(c: &Connection, e: &Extension) -> Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO extensions({EXT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
    ))?
    .execute(params_from_iter(ext_values(e)))?;
    Ok(())
}

/// Writes back an extension that exists, bumping its version.
pub(crate) fn save_extension(c: &Connection, e: &Extension, now_ms: i64) -> Result<Extension> {
    let mut e = e.clone();
    e.version += 1;
    e.extra.modified_ms = now_ms;
    c.prepare_cached(
        "UPDATE extensions SET account_id = ?2, number = ?3, type = ?4, status = ?5, first_name = ?6, \
         last_name = ?7, name = ?8, email = ?9, department = ?10, job_title = ?11, mobile = ?12, \
         site_id = ?13, admin = ?14, created_ms = ?15, version = ?16, data = ?17 WHERE id = ?1",
    )?
    .execute(params_from_iter(ext_values(&e)))?;
    Ok(e)
}

pub(crate) fn free_extension_number(c: &Connection, account_id: i64) -> Result<String> {
    // User extension numbers are four digits and up; take the next after the highest.
    // Ordered by the expression of index `ext_long_number`, so the highest is one index probe
    // rather than a scan of the account's extensions.
    let max: Option<i64> = c
        .query_row(
            "SELECT CAST(number AS INTEGER) AS n FROM extensions \
             WHERE account_id = ?1 AND length(number) >= 4 ORDER BY n DESC LIMIT 1",
            [account_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok((max.unwrap_or(1000) + 1).to_string())
}

/// The account's unassigned extension that keeps numbers and devices of deleted users.
fn unassigned_holder(c: &Connection, account_id: i64, now_ms: i64) -> Result<i64> {
    let found: Option<i64> = c
        .query_row(
            "SELECT id FROM extensions WHERE account_id = ?1 AND status = 'Unassigned' AND type = 'User' ORDER BY id LIMIT 1",
            [account_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let mut holder = Extension::new(
        account_id,
        "User",
        "Unassigned",
        "Unassigned Extension",
        now_ms,
    );
    holder.id = Store::next_id(c)?;
    holder.number = free_extension_number(c, account_id)?;
    insert_extension(c, &holder)?;
    Ok(holder.id)
}

/// A phone number of the account.
#[derive(Debug, Clone)]
pub struct PhoneNumber {
    pub id: i64,
    pub account_id: i64,
    pub extension_id: Option<i64>,
    /// E.164.
    pub phone_number: String,
    /// `MainCompanyNumber`, `DirectNumber`, `CompanyFaxNumber`, ...
    pub usage_type: String,
    /// `Local` or `TollFree`.
    pub payment_type: String,
    /// `VoiceFax`, `VoiceOnly`, `FaxOnly`.
    pub kind: String,
    /// `CallerId`, `SmsSender`, `MmsSender`, ...
    pub features: Vec<String>,
    pub label: Option<String>,
    pub status: String,
}

impl PhoneNumber {
    pub fn can_send_sms(&self) -> bool {
        self.features.iter().any(|f| f == "SmsSender")
    }
}

const PN_COLUMNS: &str = "id, account_id, extension_id, phone_number, usage_type, payment_type, type, features, label, status";

fn pn_from_row(r: &Row<'_>) -> rusqlite::Result<PhoneNumber> {
    let features: String = r.get(7)?;
    Ok(PhoneNumber {
        id: r.get(0)?,
        account_id: r.get(1)?,
        extension_id: r.get(2)?,
        phone_number: r.get(3)?,
        usage_type: r.get(4)?,
        payment_type: r.get(5)?,
        kind: r.get(6)?,
        features: features
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        label: r.get(8)?,
        status: r.get(9)?,
    })
}

pub(crate) fn insert_phone_number(c: &Connection, p: &PhoneNumber) -> Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO phone_numbers({PN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ))?
    .execute(params![
        p.id,
        p.account_id,
        p.extension_id,
        p.phone_number,
        p.usage_type,
        p.payment_type,
        p.kind,
        p.features.join(","),
        p.label,
        p.status
    ])?;
    Ok(())
}

/// A device (desk phone or softphone).
#[derive(Debug, Clone)]
pub struct Device {
    pub id: i64,
    pub account_id: i64,
    pub extension_id: Option<i64>,
    pub name: String,
    /// `HardPhone`, `SoftPhone`, `OtherPhone`, ...
    pub kind: String,
    pub serial: String,
    pub model: String,
    /// `Online` or `Offline`.
    pub status: String,
    pub phone_number_id: Option<i64>,
}

const DEV_COLUMNS: &str =
    "id, account_id, extension_id, name, type, serial, model, status, phone_number_id";

fn dev_from_row(r: &Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        id: r.get(0)?,
        account_id: r.get(1)?,
        extension_id: r.get(2)?,
        name: r.get(3)?,
        kind: r.get(4)?,
        serial: r.get(5)?,
        model: r.get(6)?,
        status: r.get(7)?,
        phone_number_id: r.get(8)?,
    })
}

pub(crate) fn insert_device(c: &Connection, d: &Device) -> Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO devices({DEV_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    ))?
    .execute(params![
        d.id,
        d.account_id,
        d.extension_id,
        d.name,
        d.kind,
        d.serial,
        d.model,
        d.status,
        d.phone_number_id
    ])?;
    Ok(())
}
